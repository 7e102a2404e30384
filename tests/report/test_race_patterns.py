"""Issue 22's race patterns end to end: safe mode, suggest mode with a model candidate forced, and lint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.analysis.race_programs import CASES, INDIRECT, ROW_RECURRENCE, with_pragma

from ompgpt.cli import main
from ompgpt.report import engine


def annotate(path: Path, capsys, *extra: str) -> dict[int, dict]:
    code = main(["annotate", "--json", *extra, str(path)])
    assert code in (0, 1)
    return {r["line"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}


def force_model(monkeypatch, pragma: str) -> None:
    """Every loop the model is asked about gets ``pragma`` as its best candidate, at a high probability."""

    def candidates(scan, indices, budget=None):
        return {i: [(pragma, 0.9)] for i in indices}

    monkeypatch.setattr(engine, "model_candidates", candidates)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_safe_mode_writes_no_pragma_on_the_racy_loop(case, tmp_path: Path, capsys):
    path = tmp_path / f"{case.name}.c"
    path.write_text(case.code)
    row = annotate(path, capsys, "--no-model")[case.racy]
    if case is ROW_RECURRENCE:  # the i loop is parallel by itself; only a collapse over j races
        assert row["action"] == "insert" and "collapse" not in row["pragma"]
    else:
        assert row["action"] == "none", row


@pytest.mark.parametrize("case", [c for c in CASES if c is not INDIRECT], ids=lambda c: c.name)
def test_suggest_mode_vetoes_a_racy_model_candidate(case, tmp_path: Path, capsys, monkeypatch):
    """A proven carried dependence vetoes the model, whatever its confidence. (An indirect write is only a possible
    dependence: whether suggest mode may write the model's pragma there is the unsafe-fix question of issue 22's
    first item, not decided here.)"""
    force_model(monkeypatch, case.pragma)
    path = tmp_path / f"{case.name}.c"
    path.write_text(case.code)
    row = annotate(path, capsys, "--mode", "suggest")[case.racy]
    if case is ROW_RECURRENCE:
        assert row["action"] == "insert" and "collapse" not in row["pragma"], row
    else:
        assert row["action"] == "none", row
        assert any("vetoed model candidate" in r for r in row["reasons"]), row["reasons"]


def test_a_model_collapse_over_a_carried_inner_level_is_cut_when_the_outer_loop_is_unproven():
    """The advisor's decision itself (annotate would also verify this unsafe candidate by running the program)."""
    from ompgpt.advisor import advise
    from ompgpt.analysis import analyze_file
    from ompgpt.source import SourceFile, scan

    code = """#define N 100
double B[N][N];
double weight(int j);
void f(void) {
  for (int i = 0; i < N; i++)
    for (int j = 1; j < N; j++)
      B[i][j] = B[i][j - 1] * weight(j);
}
"""
    file_scan = scan(SourceFile.from_text(code, "c", path="unproven.c"))
    analysis = analyze_file(file_scan)[0]
    assert analysis.verdict == "unknown" and analysis.carried_levels == [2]
    decision = advise(file_scan.loops[0], analysis, [("parallel for collapse(2)", 0.9)], "suggest")
    assert decision.action == "insert" and decision.pragma == "#pragma omp parallel for", decision


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_lint_reports_the_race_in_the_pragma_program(case, tmp_path: Path, capsys):
    path = tmp_path / f"{case.name}.c"
    path.write_text(with_pragma(case))
    code = main(["lint", str(path)])
    out = capsys.readouterr().out
    assert code == 1
    want = "warning[OMP013]" if case is INDIRECT else "error[OMP001]"
    assert f"{path}:{case.racy}:1: {want}" in out, out


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_lint_is_silent_on_the_race_free_twin_with_the_same_pragma(case, tmp_path: Path, capsys):
    lines = case.twin.splitlines(keepends=True)
    path = tmp_path / f"{case.name}_twin.c"
    path.write_text("".join([*lines[: case.proven - 1], f"#pragma omp {case.pragma}\n", *lines[case.proven - 1 :]]))
    main(["lint", str(path)])
    out = capsys.readouterr().out
    assert "OMP001" not in out and "OMP013" not in out, out


def test_lint_warns_about_an_indirect_update_of_an_array_of_unknown_size(tmp_path: Path, capsys):
    path = tmp_path / "scatter.c"
    path.write_text(
        "void scatter(double *y, const int *ix, const double *v, int n) {\n"
        "#pragma omp parallel for\n"
        "  for (int i = 0; i < n; i++)\n"
        "    y[ix[i]] += v[i];\n"
        "}\n"
    )
    assert main(["lint", str(path)]) == 1
    assert f"{path}:2:1: warning[OMP013]: 'y' is updated at elements that may repeat" in capsys.readouterr().out
