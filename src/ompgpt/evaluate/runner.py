"""Run predictors over a dataset and score them; one :class:`Result` per predictor, unavailable ones included."""

from __future__ import annotations

import time
from dataclasses import dataclass

from ompgpt.evaluate import metrics
from ompgpt.evaluate.predictors import SPECS, Options
from ompgpt.evaluate.records import EvalItem, Prediction, Unavailable


@dataclass
class Result:
    """One predictor's outcome; ``scores`` is None when it was unavailable (``note`` says why)."""

    name: str
    description: str
    scores: metrics.Scores | None
    note: str = ""
    seconds: float = 0.0
    n_items: int = 0


def pairs(items: list[EvalItem], predictions: list[Prediction]) -> list[tuple[str | None, str | None]]:
    """(label, prediction) texts; a predictor must answer once per item, in order."""
    if len(items) != len(predictions):
        raise ValueError(f"predictor answered {len(predictions)} times for {len(items)} items")
    return [(item.label, pred.pragma) for item, pred in zip(items, predictions, strict=True)]


def run_one(name: str, items: list[EvalItem], options: Options) -> Result:
    """Build, run and score one predictor; an :class:`Unavailable` becomes a result without scores."""
    spec = SPECS[name]
    note = ""
    try:
        predictor = spec.build(options)
        if spec.own_items is not None:
            items, note = spec.own_items(options)
        start = time.perf_counter()
        predictions = predictor(items)
        seconds = 0.0 if spec.own_items is not None else time.perf_counter() - start  # replaying a log is not speed
    except Unavailable as exc:
        return Result(name, spec.description, None, f"unavailable: {exc}")
    extra = getattr(predictor, "note", "")
    note = "; ".join(n for n in (note, extra() if callable(extra) else extra) if n)
    return Result(
        name, spec.description, metrics.score(pairs(items, predictions), options.lenient), note, seconds, len(items)
    )


def run_all(names: list[str], items: list[EvalItem], options: Options) -> list[Result]:
    return [run_one(name, items, options) for name in names]
