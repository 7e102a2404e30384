"""Evaluation datasets: each is one small loader returning :class:`EvalItem` records.

Paths default to the development checkout's layout (``../shared/...`` and ``out/...`` relative to the repository
root) and are always overridable; a user install never needs them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from ompgpt.evaluate.records import EvalItem

#: the repository root of a development checkout (src/ompgpt/evaluate/ -> repo)
REPO_ROOT = Path(__file__).resolve().parents[3]
MONOCODER_DIR = REPO_ROOT.parent / "shared" / "benchmarks" / "monocoder-omp"
FIXTURE_DIR = REPO_ROOT / "tests" / "evaluate" / "fixtures"

DEFAULT_PATHS = {
    "monocoder": MONOCODER_DIR / "cpu-test.jsonl",
    "heldout": REPO_ROOT / "out" / "data" / "loops-test.jsonl",
    # the validation repositories: for choosing between variants without looking at a test set
    "validation": REPO_ROOT / "out" / "data" / "loops-validation.jsonl",
    # the same loops in MonoCoder's framing: the bare loop, no context, no word on an enclosing parallel region
    "validation-bare": REPO_ROOT / "out" / "data" / "loops-validation.jsonl",
    "quick": FIXTURE_DIR / "quick.jsonl",
}


def read_jsonl(path: Path, name: str, limit: int | None = None) -> list[EvalItem]:
    """Items from a JSON-lines file with ``code`` and ``pragma`` (and optional ``context``, ``hash``) fields.

    Works for the MonoCoder form (``parallel for private(end j)``) and ours (canonical, or ``none``): labels are
    kept verbatim and normalized only by the metrics, so both forms are scored by one rule."""
    if not path.exists():
        raise FileNotFoundError(f"dataset {name!r}: {path} not found (pass its path with --data)")
    items = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            record = json.loads(line)
            meta = {k: v for k, v in record.items() if k not in {"code", "pragma"}}
            items.append(EvalItem(f"{name}:{number}", record["code"], record.get("pragma"), meta))
            if limit is not None and len(items) >= limit:
                break
    return items


def load(name: str, path: Path | None = None, limit: int | None = None) -> list[EvalItem]:
    """The items of dataset ``name`` (see :data:`LOADERS`), from ``path`` or its default location."""
    return LOADERS[name](path or DEFAULT_PATHS[name], limit)


def _loader(name: str) -> Callable[[Path, int | None], list[EvalItem]]:
    return lambda path, limit: read_jsonl(path, name, limit)


#: what a bare loop (MonoCoder's test items) does not tell: the code around it and whether a parallel region
#: encloses it
PLACE_FIELDS = ("context", "in_parallel_region")


def _bare_loader(name: str) -> Callable[[Path, int | None], list[EvalItem]]:
    """Our records read as MonoCoder presents its loops, so choices made for that framing can be made on our own
    split: without ``context`` the model sees the loop alone, and without ``in_parallel_region`` the advisor, as
    for any snippet, assumes no enclosing region."""

    def load_bare(path: Path, limit: int | None) -> list[EvalItem]:
        items = read_jsonl(path, name, limit)
        for item in items:
            for key in PLACE_FIELDS:
                item.meta.pop(key, None)
        return items

    return load_bare


#: dataset name -> loader(path, limit); add a dataset by adding a loader here
LOADERS: dict[str, Callable[[Path, int | None], list[EvalItem]]] = {
    "monocoder": _loader("monocoder"),
    "heldout": _loader("heldout"),
    "validation": _loader("validation"),
    "validation-bare": _bare_loader("validation-bare"),
    "quick": _loader("quick"),
}
