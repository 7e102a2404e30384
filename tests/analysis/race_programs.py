"""Small race and race-free programs for issue 22's patterns (written for these tests, not taken from a suite).

Each race program has one loop whose parallelization races (``RACY``: its line in the program without pragmas);
``PRAGMA`` is the racy pragma a person (or the model) writes there; each race-free twin has the loop the analysis
must still prove parallel (``PROVEN``). Sizes are small so that TSan and Archer runs stay short.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RaceCase:
    name: str
    code: str  # the race program, without pragmas
    racy: int  # line of the loop that races when parallelized
    pragma: str  # the racy pragma, as written on that loop
    twin: str  # a race-free program of the same shape
    proven: int  # line of the twin's loop that must be proven parallel


_PRINT_1D = """  double s = 0;
  for (int i = 0; i < N; i++) s += A[i];
  printf("%.6f\\n", s);
  return 0;
}
"""
_PRINT_2D = """  double s = 0;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < M; j++) s += B[i][j] * (i % 7 + 1);
  printf("%.6f\\n", s);
  return 0;
}
"""

TIME_STEP = RaceCase(
    "time_step",
    """#include <stdio.h>
#define N 400
double A[N], T[N];
int main(void) {
  for (int i = 0; i < N; i++) A[i] = i % 13;
  for (int t = 0; t < 100; t++) {
    for (int i = 0; i < N; i++) {
      T[i] = A[i] * 0.5 + t;
      A[i] = T[i] * 0.75;
    }
  }
"""
    + _PRINT_1D,
    6,
    "parallel for",
    """#include <stdio.h>
#define N 400
#define M 80
double A[N], B[M][N];
int main(void) {
  for (int i = 0; i < N; i++) A[i] = i % 13;
  for (int t = 0; t < M; t++) {
    for (int i = 0; i < N; i++)
      B[t][i] = A[i] * 0.5 + t;
  }
  double s = 0;
  for (int t = 0; t < M; t++)
    for (int i = 0; i < N; i++) s += B[t][i] * (t % 5 + 1);
  printf("%.6f\\n", s);
  return 0;
}
""",
    7,
)

GAUSS_SEIDEL = RaceCase(
    "gauss_seidel",
    """#include <stdio.h>
#define N 120
#define M 120
double B[N][M];
int main(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < M; j++) B[i][j] = (i * 7 + j * 3) % 11;
  for (int i = 1; i < N - 1; i++)
    for (int j = 1; j < M - 1; j++)
      B[i][j] = (B[i - 1][j] + B[i][j - 1] + B[i + 1][j] + B[i][j + 1]) * 0.25;
"""
    + _PRINT_2D,
    8,
    "parallel for collapse(2)",
    """#include <stdio.h>
#define N 120
#define M 120
double A[N][M], B[N][M];
int main(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < M; j++) { A[i][j] = (i * 7 + j * 3) % 11; B[i][j] = 0; }
  for (int i = 1; i < N - 1; i++)
    for (int j = 1; j < M - 1; j++)
      B[i][j] = (A[i - 1][j] + A[i][j - 1] + A[i + 1][j] + A[i][j + 1]) * 0.25;
"""
    + _PRINT_2D,
    8,
)

DIAGONAL = RaceCase(
    "diagonal_collapse",
    """#include <stdio.h>
#define N 150
#define M 150
double B[N][M];
int main(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < M; j++) B[i][j] = (i + j) % 9;
  for (int i = 1; i < N; i++)
    for (int j = 1; j < M; j++)
      B[i][j] = B[i - 1][j - 1] * 0.5 + 1.0;
"""
    + _PRINT_2D,
    8,
    "parallel for collapse(2)",
    """#include <stdio.h>
#define N 150
#define M 150
double A[N][M], B[N][M];
int main(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < M; j++) { A[i][j] = (i + j) % 9; B[i][j] = 0; }
  for (int i = 1; i < N; i++)
    for (int j = 1; j < M; j++)
      B[i][j] = A[i - 1][j - 1] * 0.5 + 1.0;
"""
    + _PRINT_2D,
    8,
)

ROW_RECURRENCE = RaceCase(  # the i loop is parallel; collapse(2) folds the j loop, which carries
    "row_recurrence_collapse",
    """#include <stdio.h>
#define N 150
#define M 150
double B[N][M];
int main(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < M; j++) B[i][j] = (i + j) % 9;
  for (int i = 0; i < N; i++)
    for (int j = 1; j < M; j++)
      B[i][j] = B[i][j - 1] * 0.5 + 1.0;
"""
    + _PRINT_2D,
    8,
    "parallel for collapse(2)",
    """#include <stdio.h>
#define N 150
#define M 150
double B[N][M];
int main(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < M; j++) B[i][j] = (i + j) % 9;
  for (int i = 0; i < N; i++)
    for (int j = 1; j < M; j++)
      B[i][j] = B[i][j] * 0.5 + 1.0;
"""
    + _PRINT_2D,
    8,
)

SHADOWED = RaceCase(
    "shadowed_index",
    """#include <stdio.h>
#define N 300
double A[N];
int main(void) {
  for (int i = 0; i < N; i++) A[i] = i % 17;
  for (int i = 0; i < N; i++) {
    for (int i = 0; i < N; i++) {
      A[i] = A[i] * 0.5 + 1.0;
    }
  }
"""
    + _PRINT_1D,
    6,
    "parallel for",
    """#include <stdio.h>
#define N 300
#define M 40
double A[N], B[N][M];
int main(void) {
  for (int i = 0; i < N; i++) A[i] = i % 17;
  for (int i = 0; i < N; i++) {
    int row = i;
    for (int i = 0; i < M; i++) {
      B[row][i] = A[row] * i;
    }
  }
"""
    + _PRINT_2D,
    7,
)

ROW_WRAP = RaceCase(  # j - 1 at j = 0 reads the last element of the previous row
    "row_wrap",
    """#include <stdio.h>
#define N 120
#define M 120
double B[N][M];
int main(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < M; j++) B[i][j] = (i * 3 + j) % 10;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < M; j++)
      B[i][j] = B[i][j - 1] * 0.5 + 1.0;
"""
    + _PRINT_2D,
    8,
    "parallel for",
    """#include <stdio.h>
#define N 120
#define M 120
double B[N][M];
int main(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < M; j++) B[i][j] = (i * 3 + j) % 10;
  for (int i = 0; i < N; i++)
    for (int j = 1; j < M - 1; j++)
      B[i][j] = B[i][j - 1] * 0.5 + B[i][j + 1] * 0.25;
"""
    + _PRINT_2D,
    8,
)

LINEAR = RaceCase(
    "linear_shift",
    """#include <stdio.h>
#define N 500
double A[N + 1];
int main(void) {
  for (int i = 0; i <= N; i++) A[i] = i % 19;
  for (int i = 0; i < N; i++)
    A[i + 1] = A[i] * 0.5 + 1.0;
"""
    + _PRINT_1D,
    6,
    "parallel for",
    """#include <stdio.h>
#define N 500
double A[N + 1], C[N + 1];
int main(void) {
  for (int i = 0; i <= N; i++) { A[i] = 0; C[i] = i % 19; }
  for (int i = 0; i < N; i++)
    A[i + 1] = C[i] * 0.5 + 1.0;
"""
    + _PRINT_1D,
    6,
)

INDIRECT = RaceCase(  # idx repeats values: two iterations write the same element
    "indirect_write",
    """#include <stdio.h>
#define N 500
double A[N], V[N];
int idx[N];
int main(void) {
  for (int i = 0; i < N; i++) { idx[i] = (i * 7) % 50; V[i] = i % 23; A[i] = 0; }
  for (int i = 0; i < N; i++)
    A[idx[i]] = A[idx[i]] * 0.5 + V[i];
"""
    + _PRINT_1D,
    7,
    "parallel for",
    """#include <stdio.h>
#define N 500
double A[N], V[N];
int idx[N];
int main(void) {
  for (int i = 0; i < N; i++) { idx[i] = (i * 7) % 50; V[i] = i % 23; A[i] = 0; }
  for (int i = 0; i < N; i++)
    A[i] = V[idx[i]] * 0.5 + 1.0;
"""
    + _PRINT_1D,
    7,
)

#: every case; the analysis proves each race a carried dependence except INDIRECT (possible only)
CASES = (TIME_STEP, GAUSS_SEIDEL, DIAGONAL, ROW_RECURRENCE, SHADOWED, ROW_WRAP, LINEAR, INDIRECT)


def with_pragma(case: RaceCase) -> str:
    """The race program with the racy pragma on its loop (what lint is given)."""
    lines = case.code.splitlines(keepends=True)
    return "".join([*lines[: case.racy - 1], f"#pragma omp {case.pragma}\n", *lines[case.racy - 1 :]])
