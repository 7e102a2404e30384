"""Stage adapters and the kernel hook on stand-in objects (the stages themselves are tested by their owners)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from ompgpt.evaluate.adapters import _analysis_pragma, _CountingPredictor
from ompgpt.evaluate.kernels import KernelScores, _classify, markdown
from ompgpt.evaluate.records import EvalItem, Prediction


def _la(verdict: str, pragma: str | None = None, private=(), reductions=()) -> SimpleNamespace:
    return SimpleNamespace(verdict=verdict, pragma=pragma, private=list(private), reductions=list(reductions))


def test_analysis_pragma_mapping() -> None:
    assert _analysis_pragma(None) == "none"
    assert _analysis_pragma(_la("unknown")) == "none"
    assert _analysis_pragma(_la("serial")) == "none"
    assert _analysis_pragma(_la("parallel", "#pragma omp parallel for private(j)")) == "parallel for private(j)"
    built = _analysis_pragma(_la("parallel", None, ["t", "j"], ["+:s"]))
    assert built == "parallel for private(t, j) reduction(+:s)"


def test_counting_predictor_turns_crashes_into_no_answer() -> None:
    def one(item: EvalItem) -> tuple[Prediction, str]:
        if item.code == "boom":
            raise RuntimeError("stage bug")
        return Prediction("parallel for"), "parallel"

    predictor = _CountingPredictor(one)
    out = predictor([EvalItem("a", "for(;;)", None), EvalItem("b", "boom", None)])
    assert out == [Prediction("parallel for"), Prediction(None)]
    assert predictor.note() == "verdicts: crash 1, parallel 1"


def _result(failed: str | None, reason: str = "", speedup: float | None = None) -> SimpleNamespace:
    return SimpleNamespace(failed_check=failed, reason=reason, accepted=failed is None, speedup=speedup)


def test_kernel_classification_and_table() -> None:
    scores = KernelScores(kernels=5, answered=4)
    _classify(_result(None, speedup=2.0), scores, "a.c")
    _classify(_result(None, speedup=8.0), scores, "b.c")
    _classify(_result("race", "data race on s"), scores)
    _classify(_result("static", "does not compile with gcc"), scores)
    assert (scores.compiled, scores.accepted, scores.unsafe) == (3, 2, 1)
    assert scores.speedup_geomean == 4.0
    assert scores.speedup_by_kernel == {"a.c": 2.0, "b.c": 8.0}
    table = markdown({"x": scores, "y": "unavailable: no model"})
    assert "| x | 5 | 4 | 0.75 | 0.40 | 1 | 4.00x | 0 |" in table
    assert "| y | unavailable: no model |" in table


@pytest.mark.parametrize("accepted", [True, False])
def test_advisor_verify_inserts_an_unproven_candidate_only_when_execution_accepts_it(monkeypatch, accepted) -> None:
    from ompgpt.evaluate import adapters
    from ompgpt.evaluate.kernels import kernel_items
    from ompgpt.evaluate.predictors import Options

    kernels, items = kernel_items()
    item = next(it for k, it in zip(kernels, items, strict=True) if k.name == "ptr_alias_shift.c")  # verdict: unknown
    asked: list[str | None] = []

    def fake_verify(item, pragma):
        asked.append(pragma)
        return accepted

    monkeypatch.setattr(adapters, "_verified", fake_verify)
    predict = adapters.advisor_verify(Options())
    [prediction] = predict([item])
    assert asked and asked[0] and "parallel for" in asked[0]  # the advisor's own candidate went to verification
    assert (prediction.pragma != "none") is accepted
    assert predict.note() == f"verdicts: unknown/{'verified' if accepted else 'rejected by verify'} 1"


def test_kernel_speedup_plot(tmp_path) -> None:
    pytest.importorskip("matplotlib")
    from ompgpt.evaluate.report import plot_kernel_speedups

    path = tmp_path / "speedups.png"
    speedups = {"analysis": {"a.c": 1.8, "b.c": 0.9}, "advisor": {"a.c": 1.7}}
    assert plot_kernel_speedups(speedups, path) == f"wrote {path}"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "skipped" in plot_kernel_speedups({"analysis": {}}, tmp_path / "none.png")


def test_given_model_predictors_always_answer_a_pragma() -> None:
    """Told that every loop needs a pragma, one-shot and chain-of-OMP give their best non-``none`` candidate, even
    for the fixture's loops labelled ``none`` (the shipped model answers ``none`` for some of them alone)."""
    from ompgpt.evaluate import adapters
    from ompgpt.evaluate.datasets import load
    from ompgpt.evaluate.metrics import normalize
    from ompgpt.evaluate.predictors import Options

    items = [it for it in load("quick") if it.label == "none"] + load("quick", limit=3)
    for make in (adapters.model_oneshot_given, adapters.model_chain_given):
        predictions = make(Options())(items)
        assert len(predictions) == len(items)
        assert all(p.pragma and normalize(p.pragma) is not None for p in predictions)
