"""Readers for the peers' recorded predictions on the MonoCoder test set.

Each log carries its own labels, so a peer is scored on (its label, its prediction) pairs and nothing is aligned by
position with ``cpu-test.jsonl`` (the logs have 2,588 and 2,584 rows, the test set 2,593).

MonoCoder-OMP's log (``monocoder-omp-predictions.log``) is a fixed-width text table (``+---+---+`` borders, a
``| Label | Pred |`` header). Cells are in MonoCoder's spaced token form, e.g. ``parallel  for private ( end j )``.
Its labels are not the test-set labels verbatim: every label starts with ``parallel``. Where the test-set label
already had it, two spaces follow (``parallel  for``); where MonoCoder prepended it to a ``for``/``simd for`` label,
one space does (``parallel for``). The counts match the test set class by class (e.g. 423 single-space
``parallel for`` rows vs 443 ``for`` labels, 14 ``parallel for simd`` vs 14 ``for simd``). ``labels="logged"``
scores against the labels as written (what MonoCoder's authors scored), ``labels="recovered"`` drops the prepended
``parallel``. 67 labels read ``None`` (MonoCoder's pipeline lost them); they are kept as "no label" rows and left
out of scoring by the caller.

GPT-3.5's log (``gpt35-predictions.log``) is JSON lines ``{"label": ..., "prediction": ...}``; labels are in the
test-set form, predictions start with ``omp``.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable
from pathlib import Path

_PREPENDED = re.compile(r"^parallel (?=\S)")


def _columns(border: str) -> list[tuple[int, int]]:
    """Cell spans (start, end) from a ``+----+----+`` border line."""
    plus = [i for i, ch in enumerate(border) if ch == "+"]
    return [(a + 1, b) for a, b in itertools.pairwise(plus)]


def read_table(lines: Iterable[str]) -> list[dict[str, str]]:
    """Rows of a fixed-width ``+---+`` / ``| a | b |`` text table as dicts keyed by the header cells.

    Columns come from the border line, so a ``|`` inside a cell (``reduction(||:x)``) cannot shift them."""
    spans: list[tuple[int, int]] = []
    header: list[str] | None = None
    rows = []
    for line in lines:
        line = line.rstrip("\r\n")
        if line.startswith("+"):
            spans = spans or _columns(line)
            continue
        if not line.startswith("|") or not spans:
            continue
        cells = [line[a:b] for a, b in spans]
        if header is None:
            header = [c.strip() for c in cells]
        else:
            rows.append(dict(zip(header, cells, strict=True)))
    return rows


def monocoder_label(cell: str, labels: str = "logged") -> str | None:
    """The label of one MonoCoder log row: ``None`` for a lost label, else the spaced text (see module doc)."""
    text = cell.strip()
    if text == "None":
        return None
    if labels == "recovered" and _PREPENDED.match(text):
        return text[len("parallel ") :]
    return text


def read_monocoder_log(path: Path, labels: str = "logged") -> list[tuple[str | None, str]]:
    """(label, prediction) pairs of MonoCoder-OMP's log; label ``None`` where the log lost it."""
    with open(path, encoding="utf-8", errors="replace") as f:
        rows = read_table(f)
    return [(monocoder_label(r["Label"], labels), r["Pred"].strip()) for r in rows]


def read_gpt35_log(path: Path) -> list[tuple[str | None, str]]:
    """(label, prediction) pairs of GPT-3.5's JSON-lines log; malformed lines are skipped."""
    pairs = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict) and "label" in record:
                pairs.append((record["label"], record.get("prediction")))
    return pairs
