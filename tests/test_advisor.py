"""The advisor: analysis vetoes, completes or defers to model candidates."""

from __future__ import annotations

import pytest

from ompgpt.advisor import advise
from ompgpt.analysis import AnalysisOptions, analyze_loop
from ompgpt.source import SourceFile, scan

PRELUDE = "double a[1000], b[1000];\nint idx[1000];\n"


def _loop(body: str, pragma: str = ""):
    head = PRELUDE + "double f(void) { double s = 0, t;\n" + (pragma + "\n" if pragma else "")
    text = head + body + "\nreturn s; }\n"
    file_scan = scan(SourceFile.from_text(text, "c"))
    loop = file_scan.loops[0]
    return loop, analyze_loop(loop, file_scan, AnalysisOptions())


def test_serial_vetoes_candidate():
    loop, an = _loop("for (int i = 1; i < 1000; i++) a[i] = a[i - 1] + 1;")
    d = advise(loop, an, [("parallel for", 0.9)])
    assert d.action == "none" and d.pragma is None and d.source == "analysis"
    assert any("vetoed" in r for r in d.reasons)


def test_serial_removes_existing():
    loop, an = _loop("for (int i = 1; i < 1000; i++) a[i] = a[i - 1] + 1;", "#pragma omp parallel for")
    d = advise(loop, an)
    assert d.action == "remove"


def test_parallel_without_candidate_inserts_analysis_pragma():
    loop, an = _loop("for (int i = 0; i < 1000; i++) s += a[i];")
    d = advise(loop, an)
    assert d.action == "insert" and d.pragma == "#pragma omp parallel for reduction(+:s)" and d.source == "analysis"


def test_parallel_completes_candidate_clauses():
    loop, an = _loop("for (int i = 0; i < 1000; i++) { t = a[i] * 2; s += t; }")
    d = advise(loop, an, [("parallel for schedule(static) private(s)", 0.7)])
    assert d.pragma == "#pragma omp parallel for private(t) reduction(+:s) schedule(static)"
    assert d.source == "both" and not d.needs_verification
    assert any("added private(t)" in r and "removed private(s)" in r for r in d.reasons)


def test_parallel_confirms_candidate():
    loop, an = _loop("for (int i = 0; i < 1000; i++) s += a[i];")
    d = advise(loop, an, [("omp parallel for reduction(+:s)", 0.8), ("parallel for", 0.1)])
    assert d.source == "both" and any("confirmed" in r for r in d.reasons) and d.confidence > 0.9


def test_parallel_replaces_wrong_existing():
    loop, an = _loop("for (int i = 0; i < 1000; i++) s += a[i];", "#pragma omp parallel for")
    d = advise(loop, an)
    assert d.action == "replace" and d.pragma == "#pragma omp parallel for reduction(+:s)"


def test_parallel_keeps_correct_existing():
    loop, an = _loop("for (int i = 0; i < 1000; i++) s += a[i];", "#pragma omp parallel for reduction(+:s)")
    assert advise(loop, an).action == "keep"


@pytest.mark.parametrize("mode", ["safe", "suggest"])
def test_unknown_needs_verification(mode):
    loop, an = _loop("for (int i = 0; i < 1000; i++) a[idx[i]] = b[i];")
    assert an.verdict == "unknown"
    d = advise(loop, an, [("parallel for", 0.8)], mode=mode)
    assert d.needs_verification
    if mode == "safe":
        assert d.action == "none" and d.pragma is None
    else:
        assert d.action == "insert" and d.pragma == "#pragma omp parallel for" and d.source == "model"


def test_unknown_verified_by_execution():
    loop, an = _loop("for (int i = 0; i < 1000; i++) a[idx[i]] = b[i];")
    d = advise(loop, an, [("parallel for", 0.8)], mode="safe", verified=True)
    assert d.action == "insert" and not d.needs_verification


def test_invalid_candidates_are_ignored():
    loop, an = _loop("for (int i = 0; i < 1000; i++) a[idx[i]] = b[i];")
    d = advise(loop, an, [("parallel for private(", 0.9), ("parallel", 0.5)], mode="suggest")
    assert d.action == "none" and any("not a valid pragma" in r for r in d.reasons)


def test_bad_mode():
    loop, an = _loop("for (int i = 0; i < 1000; i++) s += a[i];")
    with pytest.raises(ValueError):
        advise(loop, an, mode="yolo")
