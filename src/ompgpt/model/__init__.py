"""The model stage at inference time: numpy only, no PyTorch.

* ``tokenizer`` — byte-level BPE (``tokenizers``) with the special tokens of ``ompgpt.data.format``
* ``config`` — the model's shape (shared with the trainer)
* ``numpy_gpt`` — the forward pass with a KV cache and batched, padded inputs
* ``grammar`` / ``decode`` — grammar-constrained greedy and beam decoding, scoring of candidate texts
* ``chain`` — chain-of-OMP (directive, then clause by clause) and one-shot suggestion
* ``suggest_cmd`` — ``ompgpt suggest``; shipped weights live in ``weights/``

Kept free of imports so ``ompgpt --help`` stays fast.
"""

from pathlib import Path

#: the shipped model (weights.safetensors, config.json, tokenizer.json): the one place that names its folder
WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"

#: Prompt budget in tokens (context first, then the loop's middle, are cut beyond it), None for the model's whole
#: window. A budget is a speed setting: the prefill grows with the prompt, and at 192 tokens a suggestion with context
#: takes about half the time and batches twice as fast. It stays off by default because it cost quality where we
#: could not see it coming: unchanged on our validation repositories, but .02-.03 lower exact on the held-out ones
#: (docs/BENCHMARKS.md, "Prompt budget").
DEFAULT_PROMPT_TOKENS: int | None = None
