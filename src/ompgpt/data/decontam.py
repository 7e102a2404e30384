"""The evaluation loops that must never be trained on, and the checks against them.

A corpus loop is contaminated when (a) its comment- and whitespace-free text equals a test loop's, or starts with one
of the few test loops that are cut off after their headers (no final ``;`` or ``}``, at least
:data:`MIN_PREFIX_CHARS` normalized characters: shorter cut-off loops such as ``for(i=0;i<1;i++)`` would match any
loop with that header), or (b) one of its inner loops is contaminated,
or (c) its MinHash estimate of Jaccard similarity to a test loop is >= the near-duplicate threshold.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ompgpt.data.dedup import LSHIndex, minhash
from ompgpt.data.normalize import exact_text

TEST_FILES = ("cpu-test.jsonl", "gpu-offload.jsonl")
PREFIX = 24  # cut-off test texts are bucketed by their first PREFIX normalized characters
MIN_PREFIX_CHARS = 30


@dataclass
class TestSet:
    """Normalized test loops: an exact/prefix lookup and an LSH index of their signatures."""

    texts: set[str] = field(default_factory=set)
    by_prefix: dict[str, list[str]] = field(default_factory=dict)
    index: LSHIndex = field(default_factory=LSHIndex)

    def __len__(self) -> int:
        return len(self.texts)

    def add(self, code: str, label: str) -> None:
        text = exact_text(code)
        if not text or text in self.texts:
            return
        self.texts.add(text)
        if len(text) >= MIN_PREFIX_CHARS and not text.endswith((";", "}")):
            self.by_prefix.setdefault(text[:PREFIX], []).append(text)
        self.index.add(minhash(code), label)

    def exact_match(self, text: str) -> bool:
        """True when normalized ``text`` equals a test loop or begins with a cut-off one."""
        if text in self.texts:
            return True
        return any(text.startswith(t) for t in self.by_prefix.get(text[:PREFIX], ()))

    def near_match(self, signature: np.ndarray) -> object | None:
        """Label (``file:line``) of a test loop similar to this signature, or None."""
        i = self.index.find(signature)
        return None if i is None else self.index.labels[i]


def load_test_set(benchmarks: Path | None) -> TestSet:
    """All ``code`` fields of the MonoCoder CPU test set and GPU offload set under ``benchmarks`` (may be None)."""
    test = TestSet()
    if benchmarks is None:
        return test
    for name in TEST_FILES:
        path = benchmarks / name
        if not path.exists():
            raise FileNotFoundError(f"test set file {path} is missing: refusing to build undecontaminated data")
        with open(path, encoding="utf-8") as fh:
            for number, line in enumerate(fh, 1):
                if line.strip():
                    test.add(json.loads(line)["code"], f"{name}:{number}")
    return test
