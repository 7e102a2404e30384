"""The model's shape, shared by the PyTorch trainer and the numpy inference (so neither imports the other)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

#: Named sizes. ``tiny`` is for tests; the others were measured in docs/MODEL.md. Parameter counts assume an 8192-token
#: vocabulary (tied embeddings counted once). fp16 export must stay <= 25 MB, i.e. <= ~12.5M parameters.
PRESETS: dict[str, dict[str, int]] = {
    "tiny": {"n_layer": 2, "n_head": 2, "n_embd": 64, "block_size": 256},
    "small": {"n_layer": 4, "n_head": 4, "n_embd": 256, "block_size": 512},  # ~5.3M
    "medium": {"n_layer": 6, "n_head": 5, "n_embd": 320, "block_size": 512},  # ~10.0M
    "large": {"n_layer": 8, "n_head": 6, "n_embd": 384, "block_size": 512},  # ~17.3M (too big for fp16 <= 25 MB)
}


@dataclass
class GPTConfig:
    """Decoder-only transformer: RoPE, RMSNorm (pre-norm), GELU(tanh) MLP, tied embeddings, no biases."""

    vocab_size: int = 8192
    n_layer: int = 6
    n_head: int = 5
    n_embd: int = 320
    block_size: int = 512
    rope_theta: float = 10000.0
    norm_eps: float = 1e-5
    dropout: float = 0.0

    @property
    def head_dim(self) -> int:
        return self.n_embd // self.n_head

    @classmethod
    def preset(cls, name: str, **overrides: int | float) -> GPTConfig:
        if name not in PRESETS:
            raise ValueError(f"unknown model size {name!r}; choose from {', '.join(PRESETS)}")
        return cls(**{**PRESETS[name], **overrides})

    def n_params(self) -> int:
        """Parameter count computed from the shape (tied head counted once), without building a model."""
        d = self.n_embd
        per_layer = 2 * d + 4 * d * d + 8 * d * d  # two norms, qkv+proj, mlp fc+proj
        return self.vocab_size * d + self.n_layer * per_layer + d

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> GPTConfig:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def save(self, path: Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), indent=2) + "\n")

    @classmethod
    def load(cls, path: Path) -> GPTConfig:
        return cls.from_json(json.loads(Path(path).read_text()))
