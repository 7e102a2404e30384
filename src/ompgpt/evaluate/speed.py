"""Per-loop suggestion latency: our numpy model against an untrained GPT of OMPGPT's published size, CPU, one thread.

Both models run the same protocol on the same prompts in the same process: prefill the prompt (its length in
tokens estimated by a code-token regex, the same for both, since OMPGPT's tokenizer is not available offline), then
``NEW_TOKENS`` greedy steps with a KV cache, the length of a typical pragma. The reference is a GPT-2-large-shaped
model (36 layers, 1280 wide, 20 heads, vocabulary 50257, 1024 positions: 0.77B parameters, ~3.1 GB in float32)
with random weights built lazily here; latency does not depend on weight values. When a trained ompgpt model is
found, its real chain-of-OMP decoding is timed too. The measurement runs in a child process with every BLAS pool
pinned to one thread (and its ~3 GB freed on exit).
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NEW_TOKENS = 12
#: GPT-2-large shape, the published OMPGPT size (0.76B)
OMPGPT_SHAPE = {"n_layer": 36, "n_embd": 1280, "n_head": 20, "vocab": 50257, "n_ctx": 1024}
TINY_SHAPE = {"n_layer": 2, "n_embd": 64, "n_head": 2, "vocab": 1000, "n_ctx": 1024}
_TOKEN = re.compile(r"[A-Za-z_]\w*|\d+(?:\.\d+)?|\S")
_ONE_THREAD = {k: "1" for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")}


def token_count(code: str, cap: int = 1000) -> int:
    """A tokenizer-independent prompt length: identifiers, numbers and single punctuation characters."""
    return max(1, min(cap, len(_TOKEN.findall(code))))


class RandomGPT2:
    """A GPT-2-style decoder (LayerNorm, learned positions, GELU MLP, untied-free tied head) with random weights,
    only for timing. Written for batch 1 with a per-layer KV cache."""

    def __init__(self, n_layer: int, n_embd: int, n_head: int, vocab: int, n_ctx: int, seed: int = 0):
        import numpy as np

        rng = np.random.default_rng(seed)
        self.np, self.n_head = np, n_head

        def w(*shape: int):
            a = rng.standard_normal(shape, dtype=np.float32)
            a *= 0.02
            return a

        d = n_embd
        self.wte, self.wpe = w(vocab, d), w(n_ctx, d)
        self.layers = [
            {"qkv": w(d, 3 * d), "proj": w(d, d), "fc": w(d, 4 * d), "fc2": w(4 * d, d)} for _ in range(n_layer)
        ]
        self.ln_w, self.ln_b = np.ones(d, np.float32), np.zeros(d, np.float32)

    def n_params(self) -> int:
        return self.wte.size + self.wpe.size + sum(a.size for layer in self.layers for a in layer.values())

    def _ln(self, x):
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / self.np.sqrt(var + 1e-5) * self.ln_w + self.ln_b

    def _attn(self, x, layer, cache: list):
        np, H = self.np, self.n_head
        T, C = x.shape
        q, k, v = (x @ layer["qkv"]).reshape(T, 3, H, C // H).transpose(1, 2, 0, 3)
        if cache:
            k, v = np.concatenate([cache[0], k], axis=1), np.concatenate([cache[1], v], axis=1)
        cache[:] = [k, v]
        scores = q @ k.transpose(0, 2, 1) / np.float32(np.sqrt(C // H))
        S = k.shape[1]
        scores = np.where(np.tri(T, S, S - T, dtype=bool), scores, np.float32(-1e9))
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        y = (scores / scores.sum(-1, keepdims=True)) @ v
        return y.transpose(1, 0, 2).reshape(T, C) @ layer["proj"]

    def step(self, tokens: list[int], start: int, caches: list[list]) -> int:
        """Run ``tokens`` at positions ``start...``; return the greedy next token."""
        np = self.np
        x = self.wte[tokens] + self.wpe[start : start + len(tokens)]
        for layer, cache in zip(self.layers, caches, strict=True):
            x = x + self._attn(self._ln(x), layer, cache)
            h = self._ln(x) @ layer["fc"]
            x = x + (0.5 * h * (1 + np.tanh(0.7978845608 * (h + 0.044715 * h**3)))) @ layer["fc2"]
        return int(np.argmax(self._ln(x[-1:]) @ self.wte.T))

    def suggest(self, n_prompt: int, new_tokens: int = NEW_TOKENS) -> None:
        caches: list[list] = [[] for _ in self.layers]
        token = self.step([t % 1000 for t in range(n_prompt)], 0, caches)
        for i in range(new_tokens - 1):
            token = self.step([token], n_prompt + i, caches)


def _ours_random(prompt_lengths: list[int]):
    """Our numpy model's shape (the default config) with random weights, timed by the same protocol."""
    import numpy as np

    from ompgpt.model.config import GPTConfig
    from ompgpt.model.numpy_gpt import NumpyGPT

    cfg = GPTConfig()
    rng = np.random.default_rng(0)
    names = {"wte.weight": (cfg.vocab_size, cfg.n_embd), "norm_f.weight": (cfg.n_embd,)}
    for i in range(cfg.n_layer):
        d = cfg.n_embd
        names |= {f"blocks.{i}.norm1.weight": (d,), f"blocks.{i}.norm2.weight": (d,),
                  f"blocks.{i}.attn.qkv.weight": (3 * d, d), f"blocks.{i}.attn.proj.weight": (d, d),
                  f"blocks.{i}.mlp.fc.weight": (4 * d, d), f"blocks.{i}.mlp.proj.weight": (d, 4 * d)}  # fmt: skip
    model = NumpyGPT(cfg, {k: (0.02 * rng.standard_normal(s)).astype(np.float32) for k, s in names.items()})

    def suggest(n_prompt: int) -> None:
        n = min(n_prompt, cfg.block_size - NEW_TOKENS)
        logits, cache = model.forward(np.arange(n)[None] % cfg.vocab_size, all_logits=False)
        for _ in range(NEW_TOKENS - 1):
            logits, cache = model.forward(logits.argmax(-1)[:, None], cache, all_logits=False)

    return suggest, cfg.n_params()


def _time(fn, args: list) -> dict:
    times = []
    for a in args:
        start = time.perf_counter()
        fn(a)
        times.append(1000 * (time.perf_counter() - start))
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return {"median_ms": statistics.median(times), "p95_ms": p95, "loops": len(times)}


def _trained_row(codes: list[str], model_dir: str | None) -> dict | None:
    from types import SimpleNamespace

    from ompgpt.evaluate.adapters import load_decoder
    from ompgpt.evaluate.records import Unavailable

    try:
        decoder = load_decoder(SimpleNamespace(model_dir=model_dir))
    except Unavailable:
        return None
    from ompgpt.model.chain import chain_of_omp
    from ompgpt.model.decode import LoopInput

    row = _time(lambda code: chain_of_omp(decoder, [LoopInput(code)]), codes)
    return {"name": "ompgpt chain-of-OMP (trained)", "params": decoder.model.cfg.n_params(), **row}


def child(spec: dict) -> list[dict]:
    """The measurement itself (runs in the child process)."""
    lengths = [token_count(c) for c in spec["codes"]]
    rows = []
    trained = _trained_row(spec["codes"], spec.get("model_dir"))
    if trained:
        rows.append(trained)
    ours, n_ours = _ours_random(lengths)
    rows.append({"name": "ompgpt shape, random weights", "params": n_ours, **_time(ours, lengths)})
    shape = TINY_SHAPE if spec.get("tiny") else OMPGPT_SHAPE
    start = time.perf_counter()
    big = RandomGPT2(**shape)
    build_s = time.perf_counter() - start
    name = "tiny GPT-2 shape (test)" if spec.get("tiny") else "OMPGPT size (GPT-2-large shape), untrained"
    row = _time(big.suggest, lengths[: spec["big_loops"]])
    rows.append({"name": name, "params": big.n_params(), "build_s": build_s, **row})
    for r in rows:
        r["prompt_tokens_median"] = statistics.median(lengths)
    return rows


def measure(items, options, tiny_reference: bool = False, big_loops: int = 3) -> list[dict]:
    """Latency rows (name, params, median_ms, p95_ms, loops) measured in a one-thread child process."""
    spec = {"codes": [it.code for it in items], "tiny": tiny_reference, "big_loops": big_loops,
            "model_dir": str(options.model_dir) if options.model_dir else None}  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="ompgpt-speed-") as tmp:
        path = Path(tmp) / "spec.json"
        path.write_text(json.dumps(spec))
        env = {**os.environ, **_ONE_THREAD}
        proc = subprocess.run([sys.executable, "-m", "ompgpt.evaluate.speed", str(path)], env=env,
                              capture_output=True, text=True, timeout=900)  # fmt: skip
    if proc.returncode != 0:
        return [{"name": "latency measurement failed", "error": proc.stderr.strip()[-500:]}]
    return json.loads(proc.stdout)


def markdown(rows: list[dict]) -> str:
    lines = ["| model | parameters | loops timed | median ms/loop | p95 ms/loop |", "|---|---:|---:|---:|---:|"]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['name']} | {r['error']} | | | |")
            continue
        lines.append(
            f"| {r['name']} | {r['params'] / 1e6:.1f}M | {r['loops']} | {r['median_ms']:.1f} | {r['p95_ms']:.1f} |"
        )
    tokens = next((r["prompt_tokens_median"] for r in rows if "prompt_tokens_median" in r), None)
    note = f"Protocol: prefill the loop (median {tokens} code tokens) + {NEW_TOKENS} greedy steps, CPU, one thread."
    return "### Latency\n\n" + "\n".join(lines) + "\n\n" + note + "\n"


if __name__ == "__main__":
    print(json.dumps(child(json.loads(Path(sys.argv[1]).read_text()))))
