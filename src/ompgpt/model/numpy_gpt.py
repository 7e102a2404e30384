"""The OMPGPT forward pass in numpy, so suggesting pragmas needs no PyTorch.

Mirrors :class:`ompgpt.train.gpt.GPT` exactly (same parameter names, RoPE variant, RMSNorm, tanh-GELU) and adds what
inference needs: a KV cache, left-padded batches (each row keeps its own positions), and cache rows that can be
selected/duplicated so many continuations share one prompt computation.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ompgpt.model.config import GPTConfig

WEIGHTS_FILE = "weights.safetensors"
CONFIG_FILE = "config.json"
_NEG = np.float32(-1e30)  # finite "minus infinity": a fully masked (padding) query gets a harmless uniform softmax


@dataclass
class KVCache:
    """Keys/values of every layer for the tokens seen so far; ``valid`` marks real (non-padding) slots."""

    k: list[np.ndarray]  # per layer (B, H, S, D)
    v: list[np.ndarray]
    valid: np.ndarray  # (B, S) bool
    next_pos: np.ndarray  # (B,) RoPE position of each row's next token

    @property
    def length(self) -> int:
        return self.valid.shape[1]

    @property
    def batch(self) -> int:
        return self.valid.shape[0]

    def select(self, rows: np.ndarray | list[int]) -> KVCache:
        """Rows picked (and possibly repeated) for a new batch, e.g. beams or candidate continuations."""
        rows = np.asarray(rows, dtype=np.int64)
        return KVCache(
            k=[a[rows] for a in self.k],
            v=[a[rows] for a in self.v],
            valid=self.valid[rows],
            next_pos=self.next_pos[rows],
        )


def rms_norm(x: np.ndarray, weight: np.ndarray, eps: float) -> np.ndarray:
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * weight


def gelu_tanh(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + np.tanh(np.float32(0.7978845608028654) * (x + np.float32(0.044715) * x * x * x)))


def log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


class NumpyGPT:
    """Inference-only model. Weights are held in float32 whatever the file's dtype (fp16 export saves space only)."""

    def __init__(self, cfg: GPTConfig, weights: dict[str, np.ndarray]):
        self.cfg = cfg
        w = {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in weights.items()}
        self.wte = w["wte.weight"]
        self.head_t = np.ascontiguousarray(self.wte.T)  # (C, V) for the tied output projection
        self.norm_f = w["norm_f.weight"]
        self.layers = [
            {
                "norm1": w[f"blocks.{i}.norm1.weight"],
                "qkv": np.ascontiguousarray(w[f"blocks.{i}.attn.qkv.weight"].T),
                "proj": np.ascontiguousarray(w[f"blocks.{i}.attn.proj.weight"].T),
                "norm2": w[f"blocks.{i}.norm2.weight"],
                "fc": np.ascontiguousarray(w[f"blocks.{i}.mlp.fc.weight"].T),
                "mlp_proj": np.ascontiguousarray(w[f"blocks.{i}.mlp.proj.weight"].T),
            }
            for i in range(cfg.n_layer)
        ]
        hd = cfg.head_dim
        self.inv_freq = (1.0 / cfg.rope_theta ** (np.arange(0, hd, 2, dtype=np.float32) / hd)).astype(np.float32)

    @classmethod
    def load(cls, directory: str | Path) -> NumpyGPT:
        from safetensors.numpy import load_file

        directory = Path(directory)
        return cls(GPTConfig.load(directory / CONFIG_FILE), load_file(str(directory / WEIGHTS_FILE)))

    def forward(
        self,
        tokens: np.ndarray,
        cache: KVCache | None = None,
        valid: np.ndarray | None = None,
        all_logits: bool = True,
        tree: tuple[np.ndarray, np.ndarray] | None = None,
        logits_from: int | None = None,
    ) -> tuple[np.ndarray, KVCache]:
        """Run ``tokens`` (B, T) after ``cache``; ``valid`` (B, T) is False on padding (left or right).

        Returns logits (B, T, V) — or (B, V) for the last position only when ``all_logits`` is False, which skips
        most of the output projection during prefill — and the extended cache.

        ``tree=(depth, visible)`` runs a token tree instead of a sequence: token t sits at position
        ``next_pos + depth[t]`` and attends to the cache and to the tokens ``visible[t]`` (T, T) marks (its
        ancestors and itself). Many continuations sharing prefixes are then scored in one pass with no repeated
        work; the returned cache is not meaningful for further decoding.

        ``logits_from`` (with ``all_logits``) projects only positions ``logits_from:`` onto the vocabulary.
        """
        tokens = np.asarray(tokens, dtype=np.int64)
        B, T = tokens.shape
        valid = np.ones((B, T), dtype=bool) if valid is None else np.asarray(valid, dtype=bool)
        start = np.zeros(B, dtype=np.int64) if cache is None else cache.next_pos
        if tree is None:
            positions = start[:, None] + np.maximum(np.cumsum(valid, axis=1) - 1, 0)
            local = np.tril(np.ones((T, T), dtype=bool))
        else:
            positions = start[:, None] + tree[0][None, :]
            local = tree[1]
        cos, sin = self._rope(positions)
        past = 0 if cache is None else cache.length
        key_valid = valid if cache is None else np.concatenate([cache.valid, valid], axis=1)
        causal = np.concatenate([np.ones((T, past), dtype=bool), local], axis=1)  # (T, S)
        mask = causal[None, None] & key_valid[:, None, None, :]  # (B, 1, T, S)
        bias = np.where(mask, np.float32(0.0), _NEG)  # additive, built once for every layer
        x = self.wte[tokens]
        new_k, new_v = [], []
        for i, layer in enumerate(self.layers):
            pk = None if cache is None else cache.k[i]
            pv = None if cache is None else cache.v[i]
            attn, k, v = self._attention(rms_norm(x, layer["norm1"], self.cfg.norm_eps), layer, cos, sin, bias, pk, pv)
            x = x + attn
            h = gelu_tanh(rms_norm(x, layer["norm2"], self.cfg.norm_eps) @ layer["fc"])
            x = x + h @ layer["mlp_proj"]
            new_k.append(k)
            new_v.append(v)
        x = x[:, logits_from or 0 :] if all_logits else x[:, -1]
        x = rms_norm(x, self.norm_f, self.cfg.norm_eps)
        logits = x @ self.head_t
        next_pos = start + valid.sum(axis=1)
        return logits, KVCache(k=new_k, v=new_v, valid=key_valid, next_pos=next_pos)

    def _rope(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        angles = positions[:, None, :, None].astype(np.float32) * self.inv_freq  # (B, 1, T, D/2)
        return np.cos(angles), np.sin(angles)

    def _attention(self, x, layer, cos, sin, bias, past_k, past_v):
        B, T, C = x.shape
        H, D = self.cfg.n_head, self.cfg.head_dim
        q, k, v = (x @ layer["qkv"]).reshape(B, T, 3, H, D).transpose(2, 0, 3, 1, 4)
        q, k = _apply_rope(q, cos, sin), _apply_rope(k, cos, sin)
        if past_k is not None:
            k = np.concatenate([past_k, k], axis=2)
            v = np.concatenate([past_v, v], axis=2)
        scores = q @ k.transpose(0, 1, 3, 2)
        scores *= np.float32(1.0 / np.sqrt(D))
        scores += bias
        scores -= scores.max(axis=-1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=-1, keepdims=True)
        y = (scores @ v).transpose(0, 2, 1, 3).reshape(B, T, C)
        return y @ layer["proj"], k, v


def _apply_rope(x: np.ndarray, cos: np.ndarray, sin: np.ndarray) -> np.ndarray:
    half = x.shape[-1] // 2
    x1, x2 = x[..., :half], x[..., half:]
    return np.concatenate([x1 * cos - x2 * sin, x2 * cos + x1 * sin], axis=-1)
