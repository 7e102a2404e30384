"""Repository-level splits: a repository's split depends only on its name and a fixed seed.

Hashing ``seed:owner/name`` (SHA-256, first 8 bytes as a fraction of 2^64) rather than shuffling the repo list means
adding repositories to the corpus never moves an existing repository to another split, and no repository can
appear in two splits.
"""

from __future__ import annotations

import hashlib

SPLITS = ("train", "validation", "test")
SEED = "ompgpt-data-v1"
FRACTIONS = (0.90, 0.05, 0.05)


def unit_hash(text: str, seed: str = SEED) -> float:
    """A stable pseudo-random number in [0, 1) for ``text``."""
    digest = hashlib.sha256(f"{seed}:{text}".encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def split_of(repo: str, seed: str = SEED, fractions: tuple[float, float, float] = FRACTIONS) -> str:
    """``train``, ``validation`` or ``test`` for a repository name."""
    x = unit_hash(repo, seed)
    if x < fractions[0]:
        return SPLITS[0]
    return SPLITS[1] if x < fractions[0] + fractions[1] else SPLITS[2]
