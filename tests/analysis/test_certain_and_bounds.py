"""Issue 22: certain dependences proven (time loops, in-place stencils, distance vectors for collapse, shadowed
loop variables) and subscripts that may leave their dimension."""

from __future__ import annotations

import pytest

from ompgpt.analysis import analyze_file
from ompgpt.source import SourceFile, scan

from .race_programs import CASES, INDIRECT, ROW_RECURRENCE, TIME_STEP


def verdicts(code: str, lang: str = "c") -> dict:
    return {r.line: r for r in analyze_file(scan(SourceFile.from_text(code, lang, path="t." + lang)))}


@pytest.mark.parametrize("case", [c for c in CASES if c not in (INDIRECT, ROW_RECURRENCE)], ids=lambda c: c.name)
def test_the_racy_loop_carries_a_proven_dependence(case):
    found = verdicts(case.code)[case.racy]
    assert found.verdict == "serial", found.reasons
    assert any(d.proven and d.kind in ("flow", "anti", "output") for d in found.dependences)
    assert 1 in found.carried_levels


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_the_race_free_twin_is_still_proven(case):
    found = verdicts(case.twin)[case.proven]
    assert found.verdict == "parallel", found.reasons
    assert found.carried_levels in ([], [2])


def test_a_time_loop_is_serial_with_a_carried_dependence_not_a_possible_one():
    reason = verdicts(TIME_STEP.code)[TIME_STEP.racy].reasons[0]
    assert reason.startswith("carried ") and "every iteration uses the same elements" in reason


def test_each_level_of_a_nest_reports_what_it_carries():
    outer = verdicts(ROW_RECURRENCE.code)[ROW_RECURRENCE.racy]
    assert outer.verdict == "parallel" and outer.carried_levels == [2]  # j carries: collapse(2) races


def test_an_indirect_write_is_possible_not_proven():
    found = verdicts(INDIRECT.code)[INDIRECT.racy]
    assert found.verdict == "unknown"
    assert any("indirect subscript" in d.note and not d.proven for d in found.dependences)


def test_a_shared_temporary_written_before_it_is_read_stays_possible_not_proven():
    """It races as shared memory, but a private copy fixes it: no proof of a carried dependence (which would veto
    a model candidate privatizing it, and make lint remove a correct pragma that does)."""
    code = """double T[64];
void f(int n, double *restrict out) {
  for (int t = 0; t < n; t++) {
    for (int k = 0; k < 64; k++) T[k] = t * k;
    for (int k = 0; k < 64; k++) out[t] += T[k];
  }
}
"""
    found = verdicts(code)[3]
    assert found.verdict == "unknown"
    assert any("every iteration uses the same elements" in d.note and not d.proven for d in found.dependences)


def test_a_temporary_array_filled_by_every_iteration_is_still_privatized():
    code = """void f(int n, double *restrict out) {
  double tmp[16];
  for (int t = 0; t < n; t++) {
    for (int k = 0; k < 16; k++) tmp[k] = t * k;
    double s = 0;
    for (int k = 0; k < 16; k++) s += tmp[k];
    out[t] = s;
  }
}
"""
    found = verdicts(code)[3]
    assert found.verdict == "parallel" and "tmp" in found.private


def test_inner_ranges_that_move_with_the_loop_are_not_the_same_elements():
    code = """#define N 64
double a[N * N];
void f(void) {
  for (int i = 0; i < N; i++)
    for (int j = i * N; j < i * N + N; j++) a[j] = a[j] * 2;
}
"""
    assert verdicts(code)[4].verdict == "parallel"


def test_a_body_declaration_hiding_the_loop_variable_blocks_the_proof():
    code = """int pick(int);
double a[100];
void f(void) {
  for (int i = 0; i < 100; i++) {
    int k = i;
    {
      int i = pick(k);
      a[i] = k;
    }
  }
}
"""
    found = verdicts(code)[4]
    assert found.verdict != "parallel"


def test_a_shadowing_loop_keeps_definitions_made_with_the_outer_variable():
    code = """double a[100], b[100][100];
void f(void) {
  for (int i = 0; i < 100; i++) {
    for (int i = 0; i < 100; i++) b[0][i] = 1;
    a[i] = 2;
  }
}
"""
    found = verdicts(code)
    assert found[3].verdict == "unknown"  # b[0][inner i]: the same row in every outer iteration (a temporary?)
    assert found[4].verdict == "parallel"


STENCIL_VLA = """void f(int n, int m) {
  double a[n][m], b[n][m];
  for (int i = 1; i < n - 1; i++)
    for (int j = 1; j < m - 1; j++)
      b[i][j] = a[i][j - 1] + a[i][j + 1] + a[i - 1][j] + a[i + 1][j];
  for (int i = 0; i < n; i++)
    for (int j = 0; j < m; j++)
      a[i][j] = a[i][j + 1] * 0.5;
}
"""


def test_offsets_inside_a_symbolic_extent_keep_the_proof_and_one_past_the_row_does_not():
    found = verdicts(STENCIL_VLA)
    assert found[3].verdict == "parallel"  # j - 1 >= 0 and j + 1 <= m - 1: in range
    assert found[6].verdict != "parallel"  # j + 1 == m reads a[i + 1][0], written by the next i


def test_a_row_that_wraps_in_a_constant_array_is_serial_and_in_range_offsets_are_not():
    code = """#define N 50
#define M 40
double b[N][M];
void f(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < M - 1; j++)
      b[i][j] = b[i][j + 1];
  for (int i = 0; i < N; i++)
    for (int j = 0; j < M; j++)
      b[i][j] = b[i][j + 1];
}
"""
    found = verdicts(code)
    assert found[5].verdict == "parallel"
    assert found[8].verdict == "serial" and found[8].dependences[0].distance == 1


def test_an_offset_into_a_row_of_unknown_length_is_not_assumed_in_range():
    code = """void f(int n, int m, double **restrict b) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < m; j++)
      b[i][j] = b[i][j - 1] * 0.5;
}
"""
    found = verdicts(code)[2]
    assert found.verdict != "parallel"
    assert any("may leave its dimension" in r for r in found.reasons)


def test_an_element_macro_whose_array_is_a_parameter_names_the_array_it_is_given():
    """``#define IJth(vdata, i, j) vdata[...]`` used on two arrays: they were both keyed ``vdata``, a dependence
    between different arrays, which the distance tests now call certain."""
    code = """#define MX 10
#define MY 5
#define IJth(vdata, i, j) (vdata[(i - 1) + (j - 1) * MX])
void f(double *restrict udata, double *restrict dudata) {
  int i, j;
  for (j = 1; j <= MY; j++)
    for (i = 1; i <= MX; i++)
      IJth(dudata, i, j) = IJth(udata, i, j - 1) + IJth(udata, i, j);
  for (j = 2; j <= MY; j++)
    for (i = 1; i <= MX; i++)
      IJth(udata, i, j) = IJth(udata, i, j - 1);
}
"""
    found = verdicts(code)
    assert found[6].verdict == "parallel" and "dudata[i + 10*j - 11]" in found[6].writes
    assert found[9].verdict == "serial"


def test_explain_shows_the_level_a_collapse_must_stop_above(tmp_path, capsys):
    from ompgpt.cli import main

    path = tmp_path / "rows.c"
    path.write_text(ROW_RECURRENCE.code)
    assert main(["explain", f"{path}:{ROW_RECURRENCE.racy}"]) == 0
    assert "collapse: level 2 of the nest carries a proven dependence" in capsys.readouterr().out


def test_a_flattened_distance_respects_the_loop_step():
    """``a[x + y]`` with ``x`` by 16 and ``y`` below 16: blocks that never meet (OpenMP_VV's reduction tests)."""
    code = """int a[1024];
void f(void) {
  for (int x = 0; x < 1024; x = x + 16)
    for (int y = 0; y < 16; ++y) a[x + y] = y;
  for (int x = 0; x < 1024; x = x + 16)
    for (int y = 0; y < 17; ++y) a[x + y] = a[x + y] * 2 + 1;
}
"""
    found = verdicts(code)
    assert found[3].verdict == "unknown"  # not proven either way (before these proofs: the same)
    assert found[5].verdict == "serial" and found[5].dependences[0].distance == 16
