import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # small matmuls; avoids thread thrash on a shared 2-core box

from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

from ompgpt.data.format import loop_example
from ompgpt.model.config import GPTConfig
from ompgpt.model.tokenizer import OmpTokenizer, train_tokenizer
from ompgpt.train.samples import SAMPLE_LOOPS, sample_file_text, write_sample_dataset


@pytest.fixture(scope="session")
def tokenizer() -> OmpTokenizer:
    texts = [loop_example(c, p, x) for x, c, p in SAMPLE_LOOPS] * 3 + [sample_file_text(*s) for s in SAMPLE_LOOPS]
    return train_tokenizer(texts, vocab_size=400)


def random_weights(cfg: GPTConfig, seed: int = 0) -> dict[str, np.ndarray]:
    """Weights with the trainer's names and shapes, made in numpy (no torch needed)."""
    rng = np.random.default_rng(seed)
    d = cfg.n_embd
    w = {"wte.weight": rng.normal(0, 0.5, (cfg.vocab_size, d)), "norm_f.weight": 1 + rng.normal(0, 0.1, d)}
    for i in range(cfg.n_layer):
        w |= {
            f"blocks.{i}.norm1.weight": 1 + rng.normal(0, 0.1, d),
            f"blocks.{i}.norm2.weight": 1 + rng.normal(0, 0.1, d),
            f"blocks.{i}.attn.qkv.weight": rng.normal(0, 0.1, (3 * d, d)),
            f"blocks.{i}.attn.proj.weight": rng.normal(0, 0.1, (d, d)),
            f"blocks.{i}.mlp.fc.weight": rng.normal(0, 0.1, (4 * d, d)),
            f"blocks.{i}.mlp.proj.weight": rng.normal(0, 0.1, (d, 4 * d)),
        }
    return {k: v.astype(np.float32) for k, v in w.items()}


@pytest.fixture(scope="session")
def random_model_dir(tmp_path_factory, tokenizer) -> Path:
    out = tmp_path_factory.mktemp("random_model")
    cfg = GPTConfig.preset("tiny", vocab_size=tokenizer.vocab_size, block_size=128)
    save_file(random_weights(cfg), str(out / "weights.safetensors"))
    cfg.save(out / "config.json")
    tokenizer.save(out / "tokenizer.json")
    return out


@pytest.fixture(scope="session")
def trained_model_dir(tmp_path_factory) -> Path:
    """A tiny model fine-tuned until it has memorized the sample loops (needs torch; ~5 s)."""
    pytest.importorskip("torch")
    from ompgpt.train.loop import TrainOptions, train

    root = tmp_path_factory.mktemp("trained")
    data = write_sample_dataset(root / "data", repeat=2)
    opts = TrainOptions(data=data, out=root / "run", stage="finetune", size="tiny", batch_size=8, lr=6e-3,
                        warmup_steps=5, max_steps=160, eval_every=10_000, ckpt_every=10_000, log_every=10_000,
                        vocab_size=400, threads=1, export_dtype="fp32")  # fmt: skip
    return train(opts).export_dir
