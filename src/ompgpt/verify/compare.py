"""Token-wise output comparison that tolerates what a correct parallelisation legitimately changes.

A correct floating-point reduction reassociates the sum, so low digits move: numeric tokens containing ``.``,
an exponent, ``inf`` or ``nan`` compare with ``rtol``/``atol`` (numpy.isclose semantics, symmetric in the
reference). Integer-looking tokens compare exactly, since integer arithmetic is associative and a lost update
changes them by small amounts a relative tolerance would hide. Lines matching a timing pattern are dropped
from
both outputs first, because they differ run to run.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

_INT_RE = re.compile(r"^[-+]?(0[xX][0-9a-fA-F]+|\d+)$")
_SPLIT_RE = re.compile(r"[\s,;:=()\[\]{}]+")


@dataclass(frozen=True)
class Mismatch:
    """First difference: token position, both tokens, and the reference line it came from."""

    index: int
    expected: str
    actual: str
    line: str

    def __str__(self) -> str:
        where = f"(line: {self.line.strip()!r})"
        return f"token {self.index}: expected {self.expected!r}, got {self.actual!r} {where}"


def mask_lines(text: str, patterns: Iterable[str]) -> list[str]:
    """Lines of ``text`` not matching any timing pattern."""
    compiled = [re.compile(p) for p in patterns]
    return [line for line in text.splitlines() if not any(p.search(line) for p in compiled)]


def _tokens(lines: list[str]) -> list[tuple[str, str]]:
    return [(tok, line) for line in lines for tok in _SPLIT_RE.split(line) if tok]


def _int(token: str) -> int:
    body = token.lstrip("+-")
    value = int(body, 16) if body[:2].lower() == "0x" else int(body)
    return -value if token.startswith("-") else value


def _as_float(token: str) -> float | None:
    try:
        return float(token)
    except ValueError:
        return None


def tokens_equal(expected: str, actual: str, rtol: float, atol: float) -> bool:
    """Exact for non-numbers and integers; within tolerance for floats (NaN equals NaN: same failure mode)."""
    if expected == actual:
        return True
    if _INT_RE.match(expected) and _INT_RE.match(actual):
        return _int(expected) == _int(actual)
    a, b = _as_float(expected), _as_float(actual)
    if a is None or b is None:
        return False
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= atol + rtol * abs(a)


def compare_outputs(expected: str, actual: str, patterns: Iterable[str], rtol: float, atol: float) -> Mismatch | None:
    """None when the outputs agree, else the first mismatching token (or the missing/extra one)."""
    patterns = tuple(patterns)
    want = _tokens(mask_lines(expected, patterns))
    got = _tokens(mask_lines(actual, patterns))
    for index, ((w, line), (g, _)) in enumerate(zip(want, got, strict=False)):
        if not tokens_equal(w, g, rtol, atol):
            return Mismatch(index, w, g, line)
    if len(want) != len(got):
        index = min(len(want), len(got))
        line = want[index][1] if index < len(want) else got[index][1]
        return Mismatch(
            index,
            want[index][0] if index < len(want) else "<end>",
            got[index][0] if index < len(got) else "<end>",
            line,
        )
    return None
