"""Exact and near-duplicate detection for loops: MinHash over token shingles with banded LSH.

Why these numbers: 5-token shingles are long enough that two unrelated loops rarely share many of them, short enough
that a loop of ~20 tokens still has a dozen. A pair counts as near-duplicate when the estimated Jaccard similarity of
the shingle sets is >= 0.8 (:data:`NEAR_THRESHOLD`): that catches copies with a changed bound, a renamed
variable or an added statement in a long loop, and keeps short loops unless they are almost identical. 128 hash
functions give a standard error of about 0.035 at J = 0.8; 16 bands x 8 rows make a pair at J = 0.8 a candidate with
probability 1 - (1 - 0.8^8)^16 = 0.94 and at J = 0.5 only 0.06, and candidates are confirmed on the full signature.

Hashes are computed from ``zlib.crc32`` of each token and fixed multiply-shift permutations, so every worker process
computes the same signature for the same loop (Python's ``hash`` is salted per process).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np

from ompgpt.data.normalize import tokens

SHINGLE = 5
NUM_PERM = 128
BANDS = 16
ROWS = NUM_PERM // BANDS
NEAR_THRESHOLD = 0.8
_SEED = 20240531
_rng = np.random.default_rng(_SEED)
_A = _rng.integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)
_B = _rng.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64)
_MIX = np.array([0x9E3779B97F4A7C15 ** (k + 1) % 2**64 for k in range(SHINGLE)], dtype=np.uint64)


def shingle_hashes(code: str) -> np.ndarray:
    """One 64-bit hash per 5-token shingle (a loop shorter than 5 tokens is one shingle)."""
    toks = np.array([zlib.crc32(t.encode("utf-8", "surrogatepass")) for t in tokens(code)] or [0], dtype=np.uint64)
    width = min(SHINGLE, len(toks))
    count = len(toks) - width + 1
    with np.errstate(over="ignore"):
        mixed = sum(toks[k : k + count] * _MIX[k] for k in range(width))
        return np.unique(mixed ^ (mixed >> np.uint64(29)))


def minhash(code: str) -> np.ndarray:
    """The MinHash signature (NUM_PERM uint32 values) of a loop's shingle set."""
    shingles = shingle_hashes(code)
    with np.errstate(over="ignore"):
        hashed = (shingles[:, None] * _A[None, :] + _B[None, :]) >> np.uint64(32)
    return hashed.min(axis=0).astype(np.uint32)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity: the share of signature positions that agree."""
    return float(np.count_nonzero(a == b)) / NUM_PERM


@dataclass
class LSHIndex:
    """Signatures kept so far, bucketed per band; ``find`` returns the first indexed item similar enough."""

    threshold: float = NEAR_THRESHOLD
    signatures: list[np.ndarray] = field(default_factory=list)
    labels: list[object] = field(default_factory=list)
    buckets: list[dict[bytes, list[int]]] = field(default_factory=lambda: [{} for _ in range(BANDS)])

    def _bands(self, signature: np.ndarray) -> list[bytes]:
        return [signature[b * ROWS : (b + 1) * ROWS].tobytes() for b in range(BANDS)]

    def find(self, signature: np.ndarray) -> int | None:
        """Position of an indexed item with estimated Jaccard >= threshold (its label is ``labels[i]``), or None."""
        seen: set[int] = set()
        for bucket, key in zip(self.buckets, self._bands(signature), strict=True):
            for i in bucket.get(key, ()):
                if i not in seen:
                    seen.add(i)
                    if similarity(self.signatures[i], signature) >= self.threshold:
                        return i
        return None

    def add(self, signature: np.ndarray, label: object) -> None:
        i = len(self.signatures)
        self.signatures.append(signature)
        self.labels.append(label)
        for bucket, key in zip(self.buckets, self._bands(signature), strict=True):
            bucket.setdefault(key, []).append(i)
