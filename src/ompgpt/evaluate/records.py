"""Plain records passed between datasets, predictors and metrics.

Kept dependency-free so a new dataset or predictor is a small function over these two types.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class EvalItem:
    """One loop to score. ``label`` is the reference pragma text in the dataset's own form (``None`` or ``"none"``
    means "leave the loop serial"); ``meta`` carries what a dataset or predictor needs besides the code (context,
    hash, the peer's recorded prediction ...)."""

    id: str
    code: str
    label: str | None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Prediction:
    """What a predictor answered for one item. ``pragma`` is ``None`` when it gave no answer, ``"none"`` when it
    answered "leave serial"; ``probability`` is the predictor's confidence when it has one."""

    pragma: str | None
    probability: float | None = None
    alternatives: tuple[str, ...] = ()


#: a predictor maps items to one prediction each, in order
Predictor = Callable[[list[EvalItem]], list[Prediction]]


class Unavailable(RuntimeError):
    """A predictor or hook that cannot run here (stage not built yet, missing tool or weights); the message is the
    reason shown in the report instead of numbers."""
