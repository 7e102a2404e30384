"""The kernel suite (``benchmarks/kernels``): small programs with known-correct and known-wrong pragmas.

Shared by the tests and ``benchmarks/verify_kernels.py`` so both read the manifest the same way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ompgpt.source.text import split_lines

TARGET_MARKER = "ompgpt:target"


@dataclass(frozen=True)
class Kernel:
    """One suite program: its target ``for`` line (1-based) and the pragmas that must pass or fail there."""

    path: Path
    category: str
    line: int
    correct: tuple[str, ...]
    wrong: tuple[tuple[str, str], ...]

    @property
    def name(self) -> str:
        return self.path.name


def target_line(text: str) -> int:
    """Line of the ``for`` marked ``/* ompgpt:target */`` (on the for line, or the line above it)."""
    lines = split_lines(text)
    for index, line in enumerate(lines):
        if TARGET_MARKER not in line:
            continue
        if "for" in line.split("/*")[0]:
            return index + 1
        if index + 1 < len(lines) and lines[index + 1].lstrip().startswith("for"):
            return index + 2
    raise ValueError(f"no `{TARGET_MARKER}` marker on or above a for statement")


def load(directory: Path) -> list[Kernel]:
    """Kernels listed in ``directory/manifest.json``, in manifest order."""
    manifest = json.loads((directory / "manifest.json").read_text())
    kernels = []
    for entry in manifest["kernels"]:
        path = directory / entry["file"]
        kernels.append(
            Kernel(
                path=path,
                category=entry["category"],
                line=target_line(path.read_text()),
                correct=tuple(entry["correct"]),
                wrong=tuple((w["pragma"], w["why"]) for w in entry["wrong"]),
            )
        )
    return kernels
