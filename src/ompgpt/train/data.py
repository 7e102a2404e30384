"""Training examples and a resumable batch order.

Two stages, two shapes of data:

* ``pretrain``: ``files-{split}.jsonl`` (field ``text``) tokenized into one stream, documents separated by ``<|pad|>``
  (format.py has no end-of-text token), cut into fixed windows of ``block_size + 1`` tokens. Loss on every token.
* ``finetune``: ``loops-{split}.jsonl`` (``code``, ``context``, ``pragma``) rendered with ``format.loop_example``,
  one example per row, right-padded. Loss only on the pragma tokens after ``<|endofloop|>``.

The order is a seeded permutation per epoch, so the position ``(epoch, index)`` is all a checkpoint needs to resume
on exactly the same batches.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ompgpt.data.format import loop_example
from ompgpt.model.tokenizer import OmpTokenizer

IGNORE_INDEX = -100
STAGES = ("pretrain", "finetune")


def read_jsonl(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def stage_texts(data_dir: Path, stage: str, split: str) -> list[str]:
    """The raw texts of a split: whole files for pre-training, rendered loop examples for fine-tuning."""
    files, loops = data_dir / f"files-{split}.jsonl", data_dir / f"loops-{split}.jsonl"
    if stage == "pretrain" and files.exists():
        return [r["text"] for r in read_jsonl(files)]
    if loops.exists():
        return [loop_example(r["code"], r["pragma"], r.get("context", "")) for r in read_jsonl(loops)]
    raise FileNotFoundError(f"no {files.name} or {loops.name} in {data_dir}")


@dataclass
class Examples:
    """Token rows and, per row, the index of the first target position that counts for the loss."""

    rows: list[np.ndarray]
    loss_from: list[int]
    pad_id: int

    def __len__(self) -> int:
        return len(self.rows)

    def batch(self, indices: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Inputs and targets (B, T), right-padded to the longest row; targets are IGNORE_INDEX where no loss."""
        width = max(len(self.rows[i]) for i in indices) - 1
        x = np.full((len(indices), width), self.pad_id, dtype=np.int64)
        y = np.full((len(indices), width), IGNORE_INDEX, dtype=np.int64)
        for r, i in enumerate(indices):
            row = self.rows[i]
            x[r, : len(row) - 1] = row[:-1]
            y[r, : len(row) - 1] = row[1:]
            y[r, : self.loss_from[i]] = IGNORE_INDEX
        return x, y


def _encode_chunked(tok: OmpTokenizer, texts: list[str], chunk: int = 512) -> Iterator[list[int]]:
    """Batch encoding is parallel in ``tokenizers``; chunks keep its per-token bookkeeping from piling up."""
    for start in range(0, len(texts), chunk):
        yield from tok.encode_batch(texts[start : start + chunk])


def pretrain_examples(texts: list[str], tok: OmpTokenizer, block_size: int) -> Examples:
    """One token stream (int32, encoded in chunks to bound memory) cut into windows that are views into it."""
    parts: list[np.ndarray] = []
    sep = np.array([tok.pad_id], dtype=np.int32)
    for ids in _encode_chunked(tok, texts):
        parts += [np.asarray(ids, dtype=np.int32), sep]
    arr = np.concatenate(parts) if parts else sep
    if len(arr) < block_size + 1:  # a tiny corpus still yields one (short) window
        return Examples([arr], [0], tok.pad_id)
    n = (len(arr) - 1) // block_size
    return Examples([arr[i * block_size : i * block_size + block_size + 1] for i in range(n)], [0] * n, tok.pad_id)


def finetune_examples(texts: list[str], tok: OmpTokenizer, block_size: int) -> Examples:
    """Loop examples; a prompt too long for the window loses its middle, never its pragma or its end marker."""
    rows, loss_from = [], []
    for ids in _encode_chunked(tok, texts):
        if tok.end_of_loop_id not in ids:
            continue
        split = ids.index(tok.end_of_loop_id) + 1
        prompt, target = ids[:split], ids[split:]
        if len(target) > block_size // 2:
            continue  # a pragma longer than half the window (huge map/private lists): nothing to learn in a cut
        room = block_size + 1 - len(target)
        if len(prompt) > room:
            prompt = prompt[: room // 2] + prompt[len(prompt) - (room - room // 2) :]
        rows.append(np.asarray(prompt + target, dtype=np.int32))
        loss_from.append(len(prompt) - 1)  # target index of the first pragma token
    return Examples(rows, loss_from, tok.pad_id)


def load_examples(
    data_dir: Path, stage: str, split: str, tok: OmpTokenizer, block_size: int, cache_dir: Path | None = None
) -> Examples:
    """Tokenized examples of a split, from ``cache_dir`` when the same data, tokenizer and window were cached.

    Tokenizing the whole-file corpus takes minutes on a small CPU; the cache makes resuming instant.
    """
    key = _cache_key(data_dir, stage, split, tok, block_size)
    cached = cache_dir / f"{stage}-{split}.npz" if cache_dir else None
    if cached is not None and cached.exists():
        with np.load(cached) as z:
            if str(z["key"]) == key:
                rows = np.split(z["flat"], np.cumsum(z["lengths"])[:-1])  # views into one array
                return Examples(rows, z["loss_from"].tolist(), tok.pad_id)
    build = pretrain_examples if stage == "pretrain" else finetune_examples
    examples = build(stage_texts(data_dir, stage, split), tok, block_size)
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(".tmp.npz")
        flat = np.concatenate(examples.rows) if examples.rows else np.zeros(0, dtype=np.int32)
        lengths = np.array([len(r) for r in examples.rows], dtype=np.int64)
        np.savez(tmp, key=key, flat=flat, lengths=lengths, loss_from=np.array(examples.loss_from, dtype=np.int64))
        tmp.replace(cached)
    return examples


def _cache_key(data_dir: Path, stage: str, split: str, tok: OmpTokenizer, block_size: int) -> str:
    sources = [data_dir / f"{kind}-{split}.jsonl" for kind in ("files", "loops")]
    stats = [(p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sources if p.exists()]
    digest = hashlib.sha256(tok.tok.to_str().encode()).hexdigest()[:16]
    return json.dumps([stage, block_size, digest, stats])


@dataclass
class BatchOrder:
    """Seeded per-epoch permutations; ``(epoch, index)`` is the whole state.

    With ``lengths`` (fine-tuning rows), each epoch is a random permutation cut into pools of ``pool`` batches of
    ``batch`` rows; each pool is sorted by length and cut into batches, and the batches are shuffled. Rows are padded
    to the longest in their batch, so random batches of loops (30 to 500 tokens) are mostly padding; bucketed ones
    are not, and every row is still seen once per epoch in a seeded order.
    """

    n: int
    seed: int
    epoch: int = 0
    index: int = 0
    lengths: np.ndarray | None = None
    batch: int = 1
    pool: int = 32
    _cached: tuple[int, np.ndarray] | None = field(default=None, repr=False, compare=False)

    def _perm(self, epoch: int) -> np.ndarray:
        if self._cached is not None and self._cached[0] == epoch:
            return self._cached[1]
        perm = np.random.default_rng([self.seed, epoch]).permutation(self.n)
        if self.lengths is not None and self.batch > 1:
            perm = self._bucketed(perm, np.random.default_rng([self.seed, epoch, 1]))
        self._cached = (epoch, perm)
        return perm

    def _bucketed(self, perm: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Length-sorted pools cut into batches, full batches shuffled, the one partial batch last. A set smaller
        than two pools gets smaller ones: sorting it whole would give the same batches every epoch."""
        pool = max(1, min(self.pool, len(perm) // self.batch // 2))
        size = self.batch * pool
        pools = [perm[i : i + size] for i in range(0, len(perm), size)]
        ordered = np.concatenate([p[np.argsort(self.lengths[p], kind="stable")] for p in pools])
        full = len(ordered) // self.batch * self.batch
        batches = ordered[:full].reshape(-1, self.batch)[rng.permutation(full // self.batch)]
        return np.concatenate([batches.reshape(-1), ordered[full:]])

    def take(self, count: int) -> list[int]:
        out: list[int] = []
        while len(out) < count:
            if self.index >= self.n:
                self.epoch, self.index = self.epoch + 1, 0
            perm = self._perm(self.epoch)
            step = min(count - len(out), self.n - self.index)
            out.extend(int(i) for i in perm[self.index : self.index + step])
            self.index += step
        return out

    def state(self) -> dict[str, int]:
        return {"epoch": self.epoch, "index": self.index}
