"""The predictors ``ompgpt eval`` can score, by name.

A predictor is a plain callable ``list[EvalItem] -> list[Prediction]``. A :class:`PredictorSpec` builds it (raising
:class:`Unavailable` with the reason when it cannot run here) and, for the peers' recorded logs, supplies its own
items: a log is scored against the labels it carries, never aligned with the dataset by position.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ompgpt.evaluate import peers
from ompgpt.evaluate.datasets import FIXTURE_DIR, MONOCODER_DIR
from ompgpt.evaluate.records import EvalItem, Prediction, Predictor, Unavailable


@dataclass
class Options:
    """What predictors may need besides the items (from the command line)."""

    dataset: str = "monocoder"
    quick: bool = False
    limit: int | None = None
    monocoder_dir: Path = MONOCODER_DIR
    model_dir: Path | None = None
    timeout: float = 10.0
    lenient: bool = False
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class PredictorSpec:
    """How to build one predictor; ``own_items`` (recorded peers) returns (items, note) replacing the dataset's."""

    name: str
    description: str
    build: Callable[[Options], Predictor]
    own_items: Callable[[Options], tuple[list[EvalItem], str]] | None = None


def always_parallel_for(items: list[EvalItem]) -> list[Prediction]:
    """The trivial baseline: ``parallel for`` on every loop, no clauses."""
    return [Prediction("parallel for", 1.0) for _ in items]


def recorded(items: list[EvalItem]) -> list[Prediction]:
    """Replays the prediction stored with each item by a peer's log."""
    return [Prediction(item.meta.get("recorded")) for item in items]


def _log_path(options: Options, peer: str) -> Path:
    if options.quick:
        return FIXTURE_DIR / f"{peer}-excerpt.log"
    if options.dataset != "monocoder":
        raise Unavailable(f"{peer}'s predictions are recorded only on the MonoCoder test set")
    name = {"monocoder": "monocoder-omp-predictions.log", "gpt35": "gpt35-predictions.log"}[peer]
    path = options.monocoder_dir / name
    if not path.exists():
        raise Unavailable(f"{path} not found (pass --monocoder-dir)")
    return path


def _log_items(peer: str, labels: str = "logged") -> Callable[[Options], tuple[list[EvalItem], str]]:
    def items(options: Options) -> tuple[list[EvalItem], str]:
        path = _log_path(options, peer)
        pairs = peers.read_monocoder_log(path, labels) if peer == "monocoder" else peers.read_gpt35_log(path)
        pairs = pairs[: options.limit] if options.limit is not None else pairs
        kept = [EvalItem(f"{peer}-log:{i}", "", label, {"recorded": pred}) for i, (label, pred) in enumerate(pairs, 1)
                if label is not None]  # fmt: skip
        note = f"{len(pairs)} log rows, {len(pairs) - len(kept)} without a label (left out)"
        if peer == "monocoder":
            note += f"; labels {labels}"
        return kept, note

    return items


def _check_log(peer: str) -> Callable[[Options], Predictor]:
    def build(options: Options) -> Predictor:
        _log_path(options, peer)
        return recorded

    return build


def _adapter(name: str) -> Callable[[Options], Predictor]:
    """Lazily resolved adapter from :mod:`ompgpt.evaluate.adapters` (keeps this module import-light)."""

    def build(options: Options) -> Predictor:
        from ompgpt.evaluate import adapters

        return getattr(adapters, name)(options)

    return build


def _gcc(options: Options) -> Predictor:
    from ompgpt.evaluate.gcc import build_predictor

    return build_predictor(options)


SPECS: dict[str, PredictorSpec] = {
    spec.name: spec
    for spec in [
        PredictorSpec("baseline", "always `parallel for`", lambda _o: always_parallel_for),
        PredictorSpec("monocoder", "MonoCoder-OMP (recorded log)", _check_log("monocoder"), _log_items("monocoder")),
        PredictorSpec(
            "monocoder-recovered",
            "MonoCoder-OMP (recorded log), test-set labels recovered",
            _check_log("monocoder"),
            _log_items("monocoder", "recovered"),
        ),
        PredictorSpec("gpt35", "GPT-3.5-turbo (recorded log)", _check_log("gpt35"), _log_items("gpt35")),
        PredictorSpec("analysis", "ompgpt static analysis only", _adapter("analysis")),
        PredictorSpec("analysis-noalias", "ompgpt static analysis, --assume-no-alias", _adapter("analysis_noalias")),
        PredictorSpec("oneshot", "ompgpt model, one-shot beam", _adapter("model_oneshot")),
        PredictorSpec(
            "oneshot-given", "ompgpt model, one-shot beam, told a pragma is needed", _adapter("model_oneshot_given")
        ),
        PredictorSpec("chain", "ompgpt model, chain-of-OMP", _adapter("model_chain")),
        PredictorSpec(
            "chain-given", "ompgpt model, chain-of-OMP, told a pragma is needed", _adapter("model_chain_given")
        ),
        PredictorSpec("advisor", "ompgpt advisor (model + analysis)", _adapter("advisor")),
        PredictorSpec(
            "advisor-given", "ompgpt advisor (model + analysis), told a pragma is needed", _adapter("advisor_given")
        ),
        PredictorSpec(
            "advisor-verify",
            "ompgpt advisor, safe mode, model candidates verified by execution",
            _adapter("advisor_verify"),
        ),
        PredictorSpec("gcc", "GCC auto-parallelizer (-ftree-parallelize-loops)", _gcc),
    ]
}
