"""Work per region for parallel loops nested in serial loops (issue 23: ludcmp ran 0.07x with a region per step)."""

from __future__ import annotations

from ompgpt.analysis import analyze_file
from ompgpt.cli import main
from ompgpt.source import SourceFile

LU = """#define N 120
double A[N][N];
void lu(void) {
  for (int i = 0; i < N; i++) {
    for (int j = 0; j < i; j++) {
      double w = A[i][j];
      for (int k = 0; k < j; k++)
        w -= A[i][k] * A[k][j];
      A[i][j] = w / A[j][j];
    }
  }
}
"""

STENCIL = """#define N 100000
double a[N], b[N];
void step(int steps) {
  for (int t = 0; t < steps; t++) {
    for (int i = 1; i < N - 1; i++)
      b[i] = 0.33333 * (a[i - 1] + a[i] + a[i + 1]);
    for (int i = 1; i < N - 1; i++)
      a[i] = b[i];
  }
}
void rows(int n, double m[][4096]) {
  for (int i = 1; i < n; i++)
    for (int j = 0; j < n; j++)
      m[i][j] = m[i - 1][j] + 1;
}
"""


def test_lu_style_inner_reduction_left_serial_when_its_work_is_small():
    """The k loop is a proven reduction, but under the serial i/j loops each region would get ~j/2 iterations."""
    loops = analyze_file(SourceFile.from_text(LU, "c"))
    k = loops[2]
    assert k.verdict == "parallel" and k.pragma is None
    why = next(r for r in k.reasons if "not worth a parallel region" in r)
    assert "work per region ~ 30 iterations x 7 ops = 210" in why and "line 5" in why


def test_inner_loops_with_enough_work_keep_their_pragma():
    loops = analyze_file(SourceFile.from_text(STENCIL, "c"))
    inner = [r for r in loops if r.line in (5, 7)]
    assert all(r.pragma == "#pragma omp parallel for" for r in inner)
    assert inner[0].profitability["region_work"] >= 99998 * 4


def test_unknown_trip_count_is_not_small():
    """`j < n` with a runtime n: the estimate is unknown, and unknown is not "small"."""
    loops = analyze_file(SourceFile.from_text(STENCIL, "c"))
    j = next(r for r in loops if r.line == 13)
    assert j.pragma == "#pragma omp parallel for"
    assert j.profitability["region_work"] is None


def test_explain_states_the_estimate(tmp_path, capsys):
    path = tmp_path / "lu.c"
    path.write_text(LU)
    main(["explain", f"{path}:7"])
    out = capsys.readouterr().out
    assert "work per region ~ 30 iterations x 7 ops = 210" in out and "too little work" in out


def test_collapse_keeps_the_innermost_loop_whole_unless_the_outer_loop_is_short():
    """collapse(2) on a 2-D stencil cost 0.64x vs 0.84x without (2 threads, benchmarks/speed_suite.py): the
    collapsed innermost loop is no longer vectorized. It stays for a short outer loop (too few rows to share)."""
    text = """double a[1000][1000], b[1000][1000], c[16][100000], d[200][200][200];
void f(void) {
  for (int i = 1; i < 999; i++)
    for (int j = 1; j < 999; j++)
      a[i][j] = 0.25 * (b[i - 1][j] + b[i + 1][j] + b[i][j - 1] + b[i][j + 1]);
  for (int i = 0; i < 16; i++)
    for (int j = 0; j < 100000; j++)
      c[i][j] = i + j;
  for (int i = 0; i < 200; i++)
    for (int j = 0; j < 200; j++)
      for (int k = 0; k < 200; k++)
        d[i][j][k] = i * j + k;
}
"""
    loops = analyze_file(SourceFile.from_text(text, "c"))
    rows, short, deep = (next(r for r in loops if r.line == line) for line in (3, 6, 9))
    assert rows.pragma == "#pragma omp parallel for" and any("not collapsed" in r for r in rows.reasons)
    assert short.pragma == "#pragma omp parallel for collapse(2)"
    assert deep.pragma == "#pragma omp parallel for collapse(2)"


def test_dynamic_schedule_only_for_iterations_of_uneven_cost():
    text = """double val[4096], out[4096], re[4096], im[4096];
int flag[4096], count[4096];
void f(void) {
  for (int i = 0; i < 4096; i++) {
    if (flag[i]) {
      double s = 0;
      for (int k = 0; k < 2000; k++)
        s += val[i] * k;
      out[i] = s;
    } else {
      out[i] = val[i];
    }
  }
  for (int i = 0; i < 4096; i++) {
    double zr = 0, zi = 0;
    int it = 0;
    while (zr * zr + zi * zi < 4.0 && it < 1000) {
      double t = zr * zr - zi * zi + re[i];
      zi = 2 * zr * zi + im[i];
      zr = t;
      it++;
    }
    count[i] = it;
  }
  for (int i = 0; i < 4096; i++) {
    double s = 0;
    for (int k = 0; k < 2000; k++)
      s += val[i] * k;
    out[i] = s;
  }
}
"""
    branch, escape, even = (r for r in analyze_file(SourceFile.from_text(text, "c")) if r.depth == 0)
    assert branch.pragma.endswith("schedule(dynamic)") and any("line 7 sits in a branch" in r for r in branch.reasons)
    assert escape.pragma.endswith("schedule(dynamic)") and any("data-dependent" in r for r in escape.reasons)
    assert "schedule" not in even.pragma  # same work in every iteration: static blocks
