"""Table-driven checks of the loop analysis: each case is a small loop with the verdict and the clause sets a
careful human would give it. ``"!parallel"`` accepts serial or unknown: the one thing the analysis must never do is
call such a loop parallel.

Cases are wrapped in a function after a prelude of global arrays (distinct objects, so no aliasing) unless they
are full programs; the analysed loop is the one marked ``/*@*/``, else the first loop of the function.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from ompgpt.analysis import AnalysisOptions, analyze_file
from ompgpt.source import SourceFile, scan

PRELUDE = """#define N 1024
#define M 16
double a[N], b[N], c[N], d[N];
double m2[N][N], m3[N][N], m4[N][N];
double t3[M][M][M];
int idx[N], hist[256];
struct P { double x, y; } pts[N];
"""


@dataclass
class Case:
    name: str
    code: str
    verdict: str
    private: set | None = None
    reductions: set | None = None
    lastprivate: set | None = None
    firstprivate: set | None = None
    collapse: int | None = None
    full: bool = False
    lang: str = "c"
    no_alias: bool = False
    pragma: bool | None = None  # whether a pragma is suggested (profitability, nest level)


def body(code: str) -> str:
    return f"void f(int n, double *out) {{\n{code}\n}}\n"


CASES = [
    # ---- independent element-wise loops
    Case("vector_add", body("for (int i = 0; i < N; i++) a[i] = b[i] + c[i];"), "parallel", set(), set()),
    Case("in_place_scale", body("for (int i = 0; i < N; i++) a[i] = a[i] * 2;"), "parallel", set(), set()),
    Case("self_add", body("for (int i = 0; i < N; i++) a[i] += a[i];"), "parallel", set(), set()),
    Case("read_shifted_other", body("for (int i = 0; i < N - 1; i++) b[i] = a[i + 1];"), "parallel"),
    Case("even_odd", body("for (int i = 0; i < N / 2; i++) a[2 * i] = a[2 * i + 1];"), "parallel"),
    Case("stride_two_step", body("for (int i = 0; i < N - 1; i += 2) a[i + 1] = a[i];"), "parallel"),
    Case("decreasing", body("for (int i = N - 1; i >= 0; i--) a[i] = b[i] * c[i];"), "parallel"),
    Case("indirect_read", body("for (int i = 0; i < N; i++) a[i] = b[idx[i]];"), "parallel"),
    Case("struct_fields", body("for (int i = 0; i < N; i++) pts[i].x = pts[i].y * 2;"), "parallel"),
    Case("math_calls", body("for (int i = 0; i < N; i++) a[i] = sqrt(b[i]) + sin(c[i]) * fabs(d[i]);"), "parallel"),
    Case("continue_ok", body("for (int i = 0; i < N; i++) { if (a[i] < 0) continue; b[i] = a[i]; }"), "parallel"),
    Case(
        "local_arrays",
        body("double la[100], lb[100];\nfor (int i = 0; i < 100; i++) la[i] = lb[i] * 2 + 1;"),
        "parallel",
    ),
    Case(
        "malloc_pointers",
        body(
            "double *x = malloc(n * sizeof(double));\ndouble *y = malloc(n * sizeof(double));\n"
            "for (int i = 0; i < n; i++) x[i] = y[i] + 1;"
        ),
        "parallel",
    ),
    Case(
        "single_pointer_param",
        "void f(double *x, int n) { for (int i = 0; i < n; i++) x[i] = x[i] * 2; }",
        "parallel",
        full=True,
    ),
    # ---- scalars: private / lastprivate / carried
    Case(
        "private_temp",
        body("double t;\nfor (int i = 0; i < N; i++) { t = b[i] * 2; a[i] = t + 1; }"),
        "parallel",
        {"t"},
        set(),
        set(),
    ),
    Case(
        "decl_inside_not_listed",
        body("for (int i = 0; i < N; i++) { double t = b[i]; a[i] = t * t; }"),
        "parallel",
        set(),
        set(),
    ),
    Case(
        "two_temps",
        body("double t, u;\nfor (int i = 0; i < N; i++) { t = b[i]; u = c[i]; a[i] = t * u; }"),
        "parallel",
        {"t", "u"},
    ),
    Case(
        "lastprivate_temp",
        "double a[1024], b[1024];\ndouble f(void) { double t = 0;\n"
        "for (int i = 0; i < 1024; i++) { t = b[i]; a[i] = t; }\nreturn t; }",
        "parallel",
        set(),
        set(),
        {"t"},
        full=True,
    ),
    Case(
        "conditional_live_out",
        "double a[1024], b[1024];\ndouble f(void) { double t = 0;\n"
        "for (int i = 0; i < 1024; i++) { if (b[i] > 0) t = b[i]; a[i] = 1; }\nreturn t; }",
        "!parallel",
        full=True,
    ),
    Case(
        "continue_live_out",
        "double a[1024], b[1024];\ndouble f(void) { double t = 0;\n"
        "for (int i = 0; i < 1024; i++) { if (b[i] < 0) continue; t = b[i]; a[i] = t; }\nreturn t; }",
        "!parallel",
        full=True,
    ),
    Case(
        "dead_after_overwrite",
        "double a[1024], b[1024];\ndouble f(void) { double t = 0;\n"
        "for (int i = 0; i < 1024; i++) { t = b[i]; a[i] = t; }\nt = 5;\nreturn t; }",
        "parallel",
        {"t"},
        set(),
        set(),
        full=True,
    ),
    Case("carried_scalar", body("double t = 0;\nfor (int i = 0; i < N; i++) { b[i] = t; t = a[i]; }"), "serial"),
    Case(
        "if_else_assign",
        body("double t;\nfor (int i = 0; i < N; i++) { if (a[i] > 0) t = 1; else t = -1; b[i] = t; }"),
        "parallel",
        {"t"},
    ),
    Case(
        "if_without_else_read",
        body("double t = 0;\nfor (int i = 0; i < N; i++) { if (a[i] > 0) t = a[i]; b[i] = t; }"),
        "serial",
    ),
    Case(
        "switch_default",
        body(
            "double t;\nfor (int i = 0; i < N; i++) { switch (idx[i]) { case 0: t = 1; break; "
            "default: t = 2; } a[i] = t; }"
        ),
        "parallel",
        {"t"},
    ),
    Case(
        "switch_no_default",
        body(
            "double t = 0;\nfor (int i = 0; i < N; i++) { switch (idx[i]) { case 0: t = 1; "
            "break; case 1: t = 2; break; } a[i] = t; }"
        ),
        "serial",
    ),
    Case(
        "inner_iv_outside",
        body("int i, j;\nfor (i = 0; i < N; i++) { a[i] = 0; for (j = 0; j < N; j++) m2[i][j] = 1; }"),
        "parallel",
        {"j"},
        set(),
    ),
    Case(
        "inner_iv_live_after",
        "double m[64][64];\nint f(void) { int i, j;\nfor (i = 0; i < 64; i++) { m[i][0] = 1;"
        " for (j = 1; j < 64; j++) m[i][j] = 0; }\nreturn j; }",
        "parallel",
        set(),
        set(),
        {"j"},
        full=True,
    ),
    Case(
        "iv_reused_next_loop",
        body(
            "int i, j;\nfor (i = 0; i < N; i++) { a[i] = 0; for (j = 0; j < N; j++) "
            "m2[i][j] = 1; }\nfor (j = 0; j < N; j++) b[j] = 2;"
        ),
        "parallel",
        {"j"},
        set(),
        set(),
    ),
    # ---- reductions
    Case("sum", body("double s = 0;\nfor (int i = 0; i < N; i++) s += a[i];\nout[0] = s;"), "parallel", set(), {"+:s"}),
    Case(
        "sum_long_form",
        body("double s = 0;\nfor (int i = 0; i < N; i++) s = s + a[i] * b[i];\nout[0] = s;"),
        "parallel",
        set(),
        {"+:s"},
    ),
    Case(
        "sum_rhs_first",
        body("double s = 0;\nfor (int i = 0; i < N; i++) s = a[i] + s;\nout[0] = s;"),
        "parallel",
        set(),
        {"+:s"},
    ),
    Case(
        # `-` is a deprecated reduction identifier (OpenMP 5.2) with the combiner `+`: humans write reduction(+:s)
        "minus",
        body("double s = 0;\nfor (int i = 0; i < N; i++) s -= a[i];\nout[0] = s;"),
        "parallel",
        set(),
        {"+:s"},
    ),
    Case(
        "product",
        body("double p = 1;\nfor (int i = 0; i < N; i++) p *= a[i];\nout[0] = p;"),
        "parallel",
        set(),
        {"*:p"},
    ),
    Case(
        "fmax",
        body("double m = 0;\nfor (int i = 0; i < N; i++) m = fmax(m, a[i]);\nout[0] = m;"),
        "parallel",
        set(),
        {"max:m"},
    ),
    Case(
        "fmin",
        body("double m = 0;\nfor (int i = 0; i < N; i++) m = fmin(a[i], m);\nout[0] = m;"),
        "parallel",
        set(),
        {"min:m"},
    ),
    Case(
        "ternary_max",
        body("double m = 0;\nfor (int i = 0; i < N; i++) m = a[i] > m ? a[i] : m;\nout[0] = m;"),
        "parallel",
        set(),
        {"max:m"},
    ),
    Case(
        "ternary_min",
        body("double m = 0;\nfor (int i = 0; i < N; i++) m = (m < a[i]) ? m : a[i];\nout[0] = m;"),
        "parallel",
        set(),
        {"min:m"},
    ),
    Case(
        "if_max",
        body("double m = 0;\nfor (int i = 0; i < N; i++) if (a[i] > m) m = a[i];\nout[0] = m;"),
        "parallel",
        set(),
        {"max:m"},
    ),
    Case(
        "if_min_braces",
        body("double m = 0;\nfor (int i = 0; i < N; i++) { if (a[i] < m) { m = a[i]; } }\nout[0] = m;"),
        "parallel",
        set(),
        {"min:m"},
    ),
    Case(
        "argmax_serial",
        body(
            "double m = 0; int k = 0;\nfor (int i = 0; i < N; i++) if (a[i] > m) { m = a[i]; k = i; }\nout[0] = m + k;"
        ),
        "serial",
    ),
    Case(
        "and_reduction",
        body("int all = 1;\nfor (int i = 0; i < N; i++) all = all && (a[i] > 0);\nout[0] = all;"),
        "parallel",
        set(),
        {"&&:all"},
    ),
    Case(
        "or_reduction",
        body("int any = 0;\nfor (int i = 0; i < N; i++) any = any || a[i] < 0;\nout[0] = any;"),
        "parallel",
        set(),
        {"||:any"},
    ),
    Case(
        "bitor",
        body("int bits = 0;\nfor (int i = 0; i < N; i++) bits |= idx[i];\nout[0] = bits;"),
        "parallel",
        set(),
        {"|:bits"},
    ),
    Case(
        "bitand",
        body("int bits = -1;\nfor (int i = 0; i < N; i++) bits &= idx[i];\nout[0] = bits;"),
        "parallel",
        set(),
        {"&:bits"},
    ),
    Case("xor", body("int x = 0;\nfor (int i = 0; i < N; i++) x ^= idx[i];\nout[0] = x;"), "parallel", set(), {"^:x"}),
    Case(
        "reduction_behind_if",
        body("double s = 0;\nfor (int i = 0; i < N; i++) { if (a[i] > 0) s += a[i]; }\nout[0] = s;"),
        "parallel",
        set(),
        {"+:s"},
    ),
    Case(
        "counter",
        body("int cnt = 0;\nfor (int i = 0; i < N; i++) if (a[i] > 0) cnt++;\nout[0] = cnt;"),
        "parallel",
        set(),
        {"+:cnt"},
    ),
    Case(
        "two_reductions",
        body("double s = 0, q = 0;\nfor (int i = 0; i < N; i++) { s += a[i]; q += a[i] * a[i]; }\nout[0] = s + q;"),
        "parallel",
        set(),
        {"+:s", "+:q"},
    ),
    Case(
        "reduction_with_private",
        body("double s = 0, t;\nfor (int i = 0; i < N; i++) { t = a[i] * b[i]; s += t; }\nout[0] = s;"),
        "parallel",
        {"t"},
        {"+:s"},
    ),
    Case(
        "reduction_read_elsewhere",
        body("double s = 0;\nfor (int i = 0; i < N; i++) { s += a[i]; b[i] = s; }"),
        "serial",
    ),
    Case(
        "mixed_operators",
        body("double s = 0;\nfor (int i = 0; i < N; i++) { s += a[i]; s *= 2; }\nout[0] = s;"),
        "serial",
    ),
    Case("histogram_global", body("for (int i = 0; i < N; i++) hist[idx[i]] += 1;"), "parallel", set(), {"+:hist"}),
    Case(
        "histogram_unknown_size",
        "void f(int *h, const int *ix, int n) { for (int i = 0; i < n; i++) h[ix[i]]++; }",
        "unknown",
        full=True,
    ),
    # ---- array dependences
    Case("prefix_sum", body("for (int i = 1; i < N; i++) a[i] = a[i - 1] + b[i];"), "serial"),
    Case("shift_forward", body("for (int i = 0; i < N - 1; i++) a[i + 1] = a[i];"), "serial"),
    Case("anti_dependence", body("for (int i = 0; i < N - 1; i++) a[i] = a[i + 1];"), "serial"),
    Case("reverse_copy", body("for (int i = 0; i < N; i++) a[i] = a[N - 1 - i];"), "!parallel"),
    Case("same_element", body("for (int i = 0; i < N; i++) a[0] = b[i];"), "serial"),
    Case("weak_zero", body("for (int i = 0; i < N; i++) a[i] = a[0] + b[i];"), "!parallel"),
    Case("indirect_write", body("for (int i = 0; i < N; i++) a[idx[i]] = b[i];"), "unknown"),
    Case("aos_neighbor", body("for (int i = 0; i < N - 1; i++) pts[i].x = pts[i + 1].x;"), "serial"),
    Case("distance_beyond_trip", body("for (int i = 0; i < 512; i++) a[i] = a[i + 512];"), "parallel"),
    # ---- nests
    Case(
        "jacobi_collapse",
        body(
            "for (int i = 1; i < N - 1; i++) for (int j = 1; j < N - 1; j++) "
            "m3[i][j] = (m2[i - 1][j] + m2[i + 1][j] + m2[i][j - 1] + m2[i][j + 1]) * 0.25;"
        ),
        "parallel",
        set(),
        set(),
        collapse=1,  # N - 2 rows to share: the innermost loop stays whole (vectorized)
    ),
    Case(
        "gauss_seidel_outer",
        body("for (int i = 1; i < N; i++) for (int j = 1; j < N; j++) m2[i][j] = (m2[i - 1][j] + m2[i][j - 1]) * 0.5;"),
        "serial",
    ),
    Case(
        "gauss_seidel_inner",
        body(
            "for (int i = 1; i < N; i++) for (int j = 1; j < N; j++) /*@*/ "
            "m2[i][j] = (m2[i - 1][j] + m2[i][j - 1]) * 0.5;"
        ),
        "serial",
    ),
    Case(
        "wavefront_rows_outer",
        body("for (int i = 1; i < N; i++) for (int j = 0; j < N; j++) m2[i][j] = m2[i - 1][j] + 1;"),
        "serial",
    ),
    Case(
        "wavefront_rows_inner",
        # a runtime row length (``n``): work per region unknown, which is not "small" (with N, 1024 x 6 ops is)
        body("for (int i = 1; i < N; i++)\n for (int j = 0; j < n; j++) /*@*/ m2[i][j] = m2[i - 1][j] + 1;"),
        "parallel",
        pragma=True,
    ),
    Case(
        "matmul_scalar",
        body(
            "for (int i = 0; i < N; i++) for (int j = 0; j < N; j++) { double s = 0; "
            "for (int k = 0; k < N; k++) s += m2[i][k] * m3[k][j]; m4[i][j] = s; }"
        ),
        "parallel",
        set(),
        set(),
        collapse=2,
    ),
    Case(
        "matmul_accumulate",
        body(
            "for (int i = 0; i < N; i++) for (int j = 0; j < N; j++) "
            "for (int k = 0; k < N; k++) m4[i][j] += m2[i][k] * m3[k][j];"
        ),
        "parallel",
        collapse=2,
    ),
    Case(
        "matmul_k_loop",
        body(
            "for (int i = 0; i < N; i++) for (int j = 0; j < N; j++)\n"
            "for (int k = 0; k < N; k++) /*@*/ m4[i][j] += m2[i][k] * m3[k][j];"
        ),
        "!parallel",
    ),
    Case(
        "collapse3",
        body(
            "for (int i = 0; i < M; i++) for (int j = 0; j < M; j++) for (int k = 0; k < M; k++) "
            "t3[i][j][k] = i + j + k;"
        ),
        "parallel",
        collapse=2,  # all but the innermost loop
    ),
    Case(
        "triangular",
        body("for (int i = 0; i < N; i++) for (int j = 0; j < i; j++) m2[i][j] = 1;"),
        "parallel",
        collapse=1,
    ),
    Case(
        "fixed_element_counts",  # GraphMiner's motif counters: count[0] += ..., count[4] += ... in every iteration
        body(
            "long count[6] = {0};\nfor (int i = 0; i < N; i++) { count[0] += idx[i] > 0; count[4] += idx[i] % 3; "
            "count[0] += 1; }\nout[0] = count[0] + count[4];"
        ),
        "parallel",
        set(),
        {"+:count"},
    ),
    Case(
        "csr_rows_no_collapse",  # hypre/rocALUTION: the inner bounds read rowptr[i]; collapse(2) does not compile
        body(
            "int j, col, count = 0;\nfor (int i = 0; i < N - 1; i++)\n"
            "  for (j = idx[i]; j < idx[i + 1]; j++) { col = idx[j]; if (col >= i) count++; }\nout[0] = count;"
        ),
        "parallel",
        {"col", "j"},
        {"+:count"},
        collapse=1,
    ),
    Case(
        "row_sum_private",
        body("double s;\nfor (int i = 0; i < N; i++) { s = 0; for (int j = 0; j < N; j++) s += m2[i][j]; a[i] = s; }"),
        "parallel",
        {"s"},
        set(),
    ),
    Case(
        "temp_array_constant",
        body("double tmp[2];\nfor (int i = 0; i < N; i++) { tmp[0] = a[i]; tmp[1] = b[i]; c[i] = tmp[0] * tmp[1]; }"),
        "parallel",
        {"tmp"},
    ),
    Case(
        "temp_array_firstprivate",
        body("double tmp[2] = {1, 2};\nfor (int i = 0; i < N; i++) { tmp[0] = a[i]; c[i] = tmp[0] * tmp[1]; }"),
        "parallel",
        set(),
        firstprivate={"tmp"},
    ),
    Case(
        # filled completely before any read, every iteration: array privatization
        "temp_array_inner_loop",
        body(
            "double tmp[8];\nfor (int i = 0; i < N; i++) { for (int k = 0; k < 8; k++) "
            "tmp[k] = a[i] + k; b[i] = tmp[3]; }"
        ),
        "parallel",
        {"tmp"},
    ),
    Case(
        "temp_array_partly_filled",  # tmp[7] keeps the value of an earlier iteration
        body(
            "double tmp[8];\nfor (int i = 0; i < N; i++) { for (int k = 0; k < 7; k++) "
            "tmp[k] = a[i] + k; b[i] = tmp[3] + tmp[7]; }"
        ),
        "!parallel",
    ),
    Case(
        "temp_array_read_before_fill",
        body(
            "double tmp[8];\nfor (int i = 0; i < N; i++) { b[i] = tmp[0]; for (int k = 0; k < 8; k++) "
            "tmp[k] = a[i] + k; }"
        ),
        "!parallel",
    ),
    Case(
        "temp_array_conditional_fill",
        body(
            "double tmp[8];\nfor (int i = 0; i < N; i++) { for (int k = 0; k < 8; k++) "
            "{ if (a[i] > 0) tmp[k] = a[i] + k; } b[i] = tmp[3]; }"
        ),
        "!parallel",
    ),
    Case(
        "temp_array_fill_skips",  # the fill loop's body moves its counter: odd elements keep older values
        body(
            "double tmp[8];\nfor (int i = 0; i < N; i++) { for (int k = 0; k < 8; k++) "
            "{ tmp[k] = a[i] + k; k++; } b[i] = tmp[1]; }"
        ),
        "!parallel",
    ),
    Case(
        "temp_array_accumulated_in_fill",  # the fill reads the array: not a fresh value per iteration
        body(
            "double tmp[8];\nfor (int i = 0; i < N; i++) { for (int k = 0; k < 8; k++) "
            "tmp[k] = tmp[k] * 0.5 + a[i]; b[i] = tmp[3]; }"
        ),
        "!parallel",
    ),
    Case(
        # each read sees the element the same inner trip wrote: private while dead after the loop
        "temp_array_same_element",
        "double a[1000], c[1000 * 64];\nvoid f(int m) { double b[64];\n"
        "for (int i = 0; i < 1000; i++) for (int j = 0; j < m; j++) { b[j] = a[i] * j; c[i * m + j] = b[j] * 2; } }",
        "parallel",
        {"b"},
        full=True,
    ),
    Case(
        "temp_array_same_element_live",  # not written whole: the last iteration's copy would lose elements
        "double a[1000], c[1000 * 64];\ndouble f(int m) { double b[64];\n"
        "for (int i = 0; i < 1000; i++) for (int j = 0; j < m; j++) { b[j] = a[i] * j; c[i * 64 + j] = b[j] * 2; }\n"
        "return b[0]; }",
        "!parallel",
        full=True,
    ),
    Case(
        "temp_array_next_element",  # b[j + 1] is written by the next trip, or by an earlier iteration
        "double a[1000], c[1000 * 64];\nvoid f(int m) { double b[65];\n"
        "for (int i = 0; i < 1000; i++) for (int j = 0; j < m; j++) { b[j] = a[i] * j; c[i * 64 + j] = b[j + 1]; } }",
        "!parallel",
        full=True,
    ),
    Case(
        "temp_array_subscript_moves",  # k changes between the write and the read: another element
        "double a[1000], c[1000];\nvoid f(void) { double b[64]; int k;\n"
        "for (int i = 0; i < 1000; i++) { k = i % 8; b[k] = a[i]; k = k + 1; c[i] = b[k]; } }",
        "!parallel",
        full=True,
    ),
    Case(
        "temp_array_pointer_before",  # p reaches the shared b from inside the loop
        "double a[1000], c[1000];\nvoid f(void) { double b[8]; double *p = b;\n"
        "for (int i = 0; i < 1000; i++) { for (int k = 0; k < 8; k++) b[k] = a[i]; c[i] = b[3] + p[2]; } }",
        "!parallel",
        full=True,
    ),
    Case(
        "temp_array_fill_in_branch",  # filled only when a[i] > 0
        body(
            "double tmp[8];\nfor (int i = 0; i < N; i++) { if (a[i] > 0) for (int k = 0; k < 8; k++) "
            "tmp[k] = a[i] + k; b[i] = tmp[3]; }"
        ),
        "!parallel",
    ),
    Case(
        # aomp tasks.c: an inner loop with constant bounds runs, so it assigns A in every iteration
        "inner_constant_loop_assigns",
        "int A;\nvoid f(int n) { for (int k = 0; k < n; k++) { for (int j = 0; j < 2; j++) A = 1; } }",
        "parallel",
        set(),
        lastprivate={"A"},
        full=True,
    ),
    Case(
        "inner_maybe_empty_loop_assigns",  # m may be 0: A is assigned on some paths only
        "int A;\nvoid f(int n, int m) { for (int k = 0; k < n; k++) { for (int j = 0; j < m; j++) A = 1; } }",
        "!parallel",
        full=True,
    ),
    Case(
        "temp_array_live_after",  # the serial loop leaves the last iteration's values
        "double a[1000], b[1000];\ndouble f(void) { double tmp[8];\n"
        "for (int i = 0; i < 1000; i++) { for (int k = 0; k < 8; k++) tmp[k] = a[i] + k;\n"
        "  for (int k = 0; k < 8; k++) b[i] += tmp[k]; }\nreturn tmp[2]; }",
        "parallel",
        set(),
        lastprivate={"tmp"},
        full=True,
    ),
    Case(
        "struct_temp_private",
        body("struct P q;\nfor (int i = 0; i < N; i++) { q.x = a[i]; q.y = b[i]; c[i] = q.x + q.y; }"),
        "parallel",
        {"q"},
    ),
    Case(
        "struct_temp_firstprivate",
        body("struct P q = {1, 2};\nfor (int i = 0; i < N; i++) { q.x = a[i]; c[i] = q.x + q.y; }"),
        "parallel",
        set(),
        firstprivate={"q"},
    ),
    Case(
        "struct_pointer_member",
        "struct S { double total; };\nvoid f(struct S *s, double *x, int n) {\n"
        "for (int i = 0; i < n; i++) s->total += x[i]; }",
        "!parallel",
        full=True,
    ),
    # ---- linearized subscripts
    Case(
        "linear_row_major",
        "void f(double *restrict x, const double *restrict y, int n, int m) {\n"
        "for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) x[i * m + j] = y[i * m + j] * 2; }",
        "parallel",
        collapse=1,  # a runtime n rows: the innermost loop stays whole
        full=True,
    ),
    Case(
        "linear_column_walk",
        "void f(double *restrict x, int n, int m) {\n"
        "for (int j = 0; j < m; j++) for (int i = 0; i < n; i++) x[i * m + j] = 0; }",
        "parallel",
        full=True,
    ),
    Case(
        "linear_previous_row",
        "void f(double *x, int n, int m) {\n"
        "for (int i = 1; i < n; i++) for (int j = 0; j < m; j++) x[i * m + j] = x[(i - 1) * m + j]; }",
        "serial",
        full=True,
    ),
    Case(
        "linear_wrong_bound",
        "void f(double *x, int n, int m) {\n"
        "for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) x[i * m + j] = 0; }",
        "!parallel",
        full=True,
    ),
    Case(
        "linear_local_index",
        "void f(double *restrict x, const double *restrict y, int n, int m) {\n"
        "for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) { int p = i * m + j; x[p] = y[p] + 1; } }",
        "parallel",
        full=True,
    ),
    Case(
        # in the j loop the rows i and i-1 are fixed and differ: the quotient of the split may be loop-invariant
        "linear_previous_row_inner",
        "void f(double *restrict x, int n, int m) {\n"
        "for (int i = 1; i < n; i++)\n/*@*/ for (int j = 0; j < m; j++) x[i * m + j] = x[(i - 1) * m + j]; }",
        "parallel",
        full=True,
    ),
    Case(
        # split by different strides, rows i and i' say nothing about the elements: x[1*m + 0] may be x[0*n + 5]
        "linear_mixed_strides",
        "void f(double *x, int n, int m) {\n"
        "for (int i = 0; i < n; i++) { for (int j = 0; j < m; j++) x[i * m + j] = 1;\n"
        "  for (int k = 0; k < n; k++) x[i * n + k] += 2; } }",
        "!parallel",
        full=True,
    ),
    Case(
        # nestedloops.c (TheArtOfHPC): the index macro is defined inside main, without outer parentheses
        "linear_macro_in_function",
        "void f(double *x, int n, int vs) {\n#define INDEX(i,j) (i)*vs + (j)\n"
        "for (int i = 1; i < n; i++) for (int j = 0; j < vs; j++) x[INDEX(i,j)] = x[INDEX(i-1,j)] + 1; }",
        "serial",
        full=True,
    ),
    Case(
        # ParRes Kernels' transpose: the element macros expand to affine subscripts of A_p and B_p
        "element_macro_transpose",
        "#define A(i,j) A_p[(i)+order*(j)]\n#define B(i,j) B_p[(i)+order*(j)]\n"
        "void f(int order, double *restrict A_p, const double *restrict B_p) {\n"
        "for (int j = 0; j < order; j++) for (int i = 0; i < order; i++) A(i,j) = B(j,i); }",
        "parallel",
        collapse=1,
        full=True,
    ),
    Case(
        "element_macro_recurrence",
        "#define A(i,j) A_p[(i)+order*(j)]\nvoid f(int order, double *restrict A_p) {\n"
        "for (int j = 1; j < order; j++) for (int i = 0; i < order; i++) A(i,j) = A(i,j-1); }",
        "serial",
        full=True,
    ),
    Case(
        "vector_at_elementwise",  # v.at(i) is v[i] with a bounds check
        "#include <vector>\nvoid f(int n) { std::vector<double> v(n);\n"
        "for (int i = 0; i < n; i++) v.at(i) = 2.0 * i; }",
        "parallel",
        full=True,
        lang="cpp",
    ),
    Case(
        "vector_at_recurrence",
        "#include <vector>\nvoid f(int n) { std::vector<double> v(n);\n"
        "for (int i = 1; i < n; i++) v.at(i) += v.at(i - 1); }",
        "serial",
        full=True,
        lang="cpp",
    ),
    Case(
        # triangular: inner work grows with i, so equal blocks are unbalanced (0.99x -> 1.73x at 2 threads)
        "triangular_schedule",
        "double x[6000], out[6000];\nvoid f(void) { for (int i = 0; i < 6000; i++) { double s = 0;\n"
        "  for (int j = 0; j < i; j++) s += x[j] * x[i]; out[i] = s; } }",
        "parallel",
        pragma=True,
        full=True,
    ),
    # ---- pointers and aliasing
    Case(
        "pointer_params_alias",
        "void f(double *x, double *y, int n) { for (int i = 0; i < n; i++) x[i] = y[i]; }",
        "unknown",
        full=True,
    ),
    Case(
        # strict aliasing: an int object cannot be written through a double lvalue
        "pointer_params_different_types",
        "void f(double *x, const int *idx, int n) { for (int i = 0; i < n; i++) x[i] = idx[i] * 2.0; }",
        "parallel",
        full=True,
    ),
    Case(
        # LC-framework: two typed views of one buffer, made by casts; their types say nothing
        "pointer_views_by_cast",
        "void f(void *buf, long n) { float *data_f = (float *)buf; int *data_i = (int *)buf;\n"
        "for (long i = 0; i < n; i++) data_f[i + 1] = data_i[i] * 0.5f; }",
        "unknown",
        full=True,
    ),
    Case(
        "pointer_params_char_alias",  # a character type may alias anything
        "void f(float *y, const char *c, int n) { for (int i = 0; i < n; i++) y[i] = c[i]; }",
        "unknown",
        full=True,
    ),
    Case(
        "pointer_params_signedness_alias",  # int and unsigned int may alias
        "void f(unsigned int *u, const int *v, int n) { for (int i = 0; i < n; i++) u[i] = v[i] + 1; }",
        "unknown",
        full=True,
    ),
    Case(
        "pointer_params_restrict",
        "void f(double *restrict x, const double *restrict y, int n) {\nfor (int i = 0; i < n; i++) x[i] = y[i]; }",
        "parallel",
        full=True,
    ),
    Case(
        "pointer_params_assume",
        "void f(double *x, double *y, int n) { for (int i = 0; i < n; i++) x[i] = y[i]; }",
        "parallel",
        full=True,
        no_alias=True,
    ),
    Case(
        "pointer_to_pointer",
        "void f(double **m, int n) {\nfor (int i = 0; i < n; i++) for (int j = 0; j < n; j++) m[i][j] = 0; }",
        "unknown",
        full=True,
    ),
    Case(
        "pointer_to_pointer_assume",
        "void f(double **m, int n) {\nfor (int i = 0; i < n; i++) for (int j = 0; j < n; j++) m[i][j] = 0; }",
        "parallel",
        collapse=1,
        full=True,
        no_alias=True,
    ),
    Case(
        "pointer_increment",
        "void f(double *p, int n) { for (int i = 0; i < n; i++) { *p = 0; p++; } }",
        "serial",
        full=True,
    ),
    Case(
        "store_through_fixed_pointer",
        "void f(double *p, double *x, int n) {\nfor (int i = 0; i < n; i++) *p = x[i]; }",
        "serial",
        full=True,
        no_alias=True,
    ),
    Case(
        "local_row_pointer",
        body("for (int i = 0; i < N; i++) { double *row = m2[i]; for (int j = 0; j < N; j++) row[j] = 0; }"),
        "parallel",
    ),
    Case(
        "local_row_pointer_shared_row",
        body("for (int i = 1; i < N; i++) { double *row = m2[i - 1]; m2[i][0] = row[0]; }"),
        "serial",
    ),
    Case(
        "local_pointer_moved",
        body("for (int i = 0; i < N; i++) { double *p = &a[i]; *p = 0; p++; *p = 1; }"),
        "!parallel",
    ),
    Case(
        "local_pointer_neighbor", body("for (int i = 0; i < N - 1; i++) { double *p = &a[i]; p[1] = p[0]; }"), "serial"
    ),
    Case(
        "local_struct_pointer",
        body("for (int i = 0; i < N; i++) { struct P *q = &pts[i]; q->x = q->y * 2; }"),
        "parallel",
    ),
    Case(
        "cpp_reference_element",
        "double a[1024], b[1024];\nvoid f() { for (int i = 0; i < 1024; i++) { double &r = a[i]; r = r * 2 + b[i]; } }",
        "parallel",
        full=True,
        lang="cpp",
    ),
    Case(
        "cpp_reference_reseated_index",
        "double a[1024];\nvoid f() { for (int i = 0; i < 1024; i++) "
        "{ int k = i; double &r = a[k]; k = 0; r = a[k]; } }",
        "!parallel",
        full=True,
        lang="cpp",
    ),
    # ---- calls
    Case("printf", body('for (int i = 0; i < N; i++) printf("%f\\n", a[i]);'), "serial"),
    Case("rand", body("for (int i = 0; i < N; i++) a[i] = rand();"), "serial"),
    Case("unknown_call", body("for (int i = 0; i < N; i++) a[i] = mystery(b[i]);"), "unknown"),
    Case(
        "pure_helper",
        "double a[1024], b[1024];\nstatic double sq(double x) { return x * x; }\n"
        "void f(void) { for (int i = 0; i < 1024; i++) a[i] = sq(b[i]); }",
        "parallel",
        full=True,
    ),
    Case(
        "helper_writes_global",
        "int counter; double a[1024];\nstatic void bump(void) { counter++; }\n"
        "void f(void) { for (int i = 0; i < 1024; i++) { a[i] = 1; bump(); } }",
        "!parallel",
        full=True,
    ),
    Case(
        "helper_writes_element",
        "double a[1024], b[1024];\nstatic void put(double *out, double v) { *out = v; }\n"
        "void f(void) { for (int i = 0; i < 1024; i++) put(&a[i], b[i]); }",
        "parallel",
        full=True,
    ),
    # a callee's subscripts over its (unassigned) scalar parameters bind to the call's arguments
    Case(
        "helper_writes_at_parameter_index",
        "double a[1024], b[1024];\n"
        "static void set(double *p, int k, double v) { p[k] = v; }\n"
        "void f(void) { for (int i = 0; i < 1024; i++) set(a, i, b[i]); }",
        "parallel",
        full=True,
    ),
    Case(
        "helper_writes_next_element",
        "double a[1025];\n"
        "static void set(double *p, int k, double v) { p[k + 1] = v; }\n"
        "void f(void) { for (int i = 0; i < 1024; i++) set(a, i, a[i]); }",
        "serial",
        full=True,
    ),
    Case(
        "helper_writes_unknown_index",
        "double a[1024], b[1024];\n"
        "static void set(double *p, int k, double v) { p[k % 7] = v; }\n"
        "void f(void) { for (int i = 0; i < 1024; i++) set(a, i, b[i]); }",
        "unknown",
        full=True,
    ),
    Case(
        "helper_parameter_reassigned",
        "double a[1024], b[1024];\n"
        "static void set(double *p, int k, double v) { k = k / 2; p[k] = v; }\n"
        "void f(void) { for (int i = 0; i < 1024; i++) set(a, i, b[i]); }",
        "!parallel",
        full=True,
    ),
    # two calls deep, through a local of deduced type (xFasterTransformer's ``auto out = output + h * n;``)
    Case(
        "helper_writes_through_auto_local_two_calls_deep",
        "static void fill(float *C, int n) { for (int j = 0; j < n; j++) C[j] = 1.0f; }\n"
        "static void head(float *output, int heads, int d) {\n"
        "  for (int h = 0; h < heads; h++) { auto out = output; fill(out, d); } }\n"
        "void f(float *output, int d) {\n  for (int i = 0; i < 1024; i++) /*@*/ head(output, 4, d); }",
        "!parallel",
        full=True,
        lang="cpp",
    ),
    # reads through a pointer the callee also writes were lost: v[1] read, v[0] written
    Case(
        "helper_reads_neighbour_it_does_not_write",
        "double a[1025];\n"
        "static void shift(double *v) { v[0] = v[1]; }\n"
        "void f(void) { for (int i = 0; i < 1024; i++) shift(&a[i]); }",
        "serial",
        full=True,
    ),
    Case(
        "helper_io",
        'double a[1024];\nstatic void show(double v) { printf("%f", v); }\n'
        "void f(void) { for (int i = 0; i < 1024; i++) show(a[i]); }",
        "!parallel",
        full=True,
    ),
    # ---- control flow and headers
    Case("early_break", body("for (int i = 0; i < N; i++) { if (a[i] < 0) break; b[i] = a[i]; }"), "unknown"),
    Case("early_return", body("for (int i = 0; i < N; i++) { if (a[i] < 0) return; b[i] = a[i]; }"), "unknown"),
    Case("goto", body("for (int i = 0; i < N; i++) { if (a[i] < 0) goto done; b[i] = a[i]; }\ndone: ;"), "unknown"),
    Case("exit_call", body("for (int i = 0; i < N; i++) { if (a[i] < 0) exit(1); b[i] = a[i]; }"), "unknown"),
    Case("infinite_for", body("int i = 0;\nfor (;;) { a[i] = 0; if (++i >= N) break; }"), "unknown"),
    Case("while_style_for", body("int i = 0;\nfor (; i < N;) { a[i] = 0; i++; }"), "unknown"),
    Case("iv_modified", body("for (int i = 0; i < N; i++) { a[i] = 0; i++; }"), "!parallel"),
    Case("bound_modified", body("int m = N;\nfor (int i = 0; i < m; i++) { a[i] = 0; m--; }"), "!parallel"),
    Case(
        "bound_shadowed_in_body",
        body("int m = N;\nfor (int i = 0; i < m; i++) { int m = i * 2; a[i] = m; }"),
        "parallel",
    ),
    Case(
        "bound_modified_before_shadow",
        body("int m = N;\nfor (int i = 0; i < m; i++) { m--; { int m = 1; a[i] = m; } }"),
        "!parallel",
    ),
    Case("float_iv", body("for (double x = 0; x < 1; x += 0.1) a[0] += x;"), "!parallel"),
    Case(
        "omp_critical_inside",
        body("double s = 0;\nfor (int i = 0; i < N; i++) {\n#pragma omp critical\ns += a[i];\n}"),
        "unknown",
    ),
    Case(
        "omp_atomic_update_inside",
        body("int h[16] = {0};\nfor (int i = 0; i < N; i++) {\n#pragma omp atomic\nh[b[i] & 15] += 1;\n}"),
        "parallel",
        reductions=set(),
    ),
    Case(  # OpenMP 5.1 atomic compare: an atomic min/max, no race and no reduction to add
        "omp_atomic_compare_min",
        body(
            "int lo = 1 << 30;\nfor (int i = 0; i < N; i++) {\n"
            "#pragma omp atomic compare\nlo = b[i] < lo ? b[i] : lo;\n}"
        ),
        "parallel",
        reductions=set(),
    ),
    Case(  # compare-and-swap: the first iteration to get there wins, an order the serial loop fixes
        "omp_atomic_compare_first_wins",
        body("int at = -1;\nfor (int i = 0; i < N; i++) {\n#pragma omp atomic compare\nif (at == -1) at = i;\n}"),
        "!parallel",
    ),
    Case(
        "omp_atomic_and_plain_read",  # a plain read of the atomically updated scalar races with the updates
        body("int s = 0;\nfor (int i = 0; i < N; i++) {\n#pragma omp atomic\ns += b[i];\na[i] = s;\n}"),
        "!parallel",
    ),
    Case(
        "omp_atomic_capture_slot",  # which slot each iteration gets depends on the order: not proven
        body(
            "int used = 0;\nfor (int i = 0; i < N; i++) {\nint k;\n#pragma omp atomic capture\nk = used++;\n"
            "a[k] = i;\n}"
        ),
        "unknown",
    ),
    Case(
        "rand_r_local_seed",  # rand_r keeps its state in the seed it is given: a per-iteration seed is safe
        body("for (int i = 0; i < N; i++) { unsigned int seed = i; a[i] = rand_r(&seed) % 100; }"),
        "parallel",
    ),
    Case(
        "rand_r_shared_seed",
        body("unsigned int seed = 1;\nfor (int i = 0; i < N; i++) a[i] = rand_r(&seed);"),
        "serial",
    ),
    Case("rand_hidden_state", body("for (int i = 0; i < N; i++) a[i] = rand();"), "serial"),
    Case(
        "compaction_counter_as_subscript",  # out[k++] reads the running count: not a reduction of k
        body("int k = 0;\nfor (int i = 0; i < N; i++) if (a[i] > 0) b[k++] = a[i];"),
        "serial",
        reductions=set(),
    ),
    Case(
        "compound_update_value_used",
        body("double s = 0;\nfor (int i = 0; i < N; i++) b[i] = (s += a[i]);"),
        "serial",
        reductions=set(),
    ),
    Case(
        "count_and_sum_in_a_comma_statement",  # values discarded: both are reductions
        body("double s = 0;\nint k = 0;\nfor (int i = 0; i < N; i++) { s += a[i], k++; }"),
        "parallel",
        reductions={"+:s", "+:k"},
    ),
    Case(
        "math_out_parameters",  # modf/sincos store through their pointer arguments: shared ip, s, c need private
        body(
            "double ip, s, c;\nfor (int i = 0; i < N; i++) { a[i] = modf(b[i], &ip) + ip; sincos(b[i], &s, &c); "
            "d[i] = s * c; }"
        ),
        "parallel",
        private={"ip", "s", "c"},
    ),
    Case("small_trip", body("for (int i = 0; i < 4; i++) a[i] = 0;"), "parallel", pragma=False),
    # ---- C++
    Case(
        "cpp_vector_constructed_in_body",  # most vexing parse: `std::vector<double> t(m)` is a local, not a prototype
        "#include <vector>\nvoid f(double *out, const double *x, int n, int m) {\n"
        "for (int i = 0; i < n; i++) { std::vector<double> t(m); t[0] = x[i]; out[i] = t[0]; } }",
        "parallel",
        full=True,
        lang="cpp",
        no_alias=True,
    ),
    Case(
        "cpp_container_cleared_each_iteration",  # clear() resets it: nothing crosses iterations, it can be private
        "#include <vector>\nvoid f(std::vector<int>& tmp, const int *x, long *out, int n, int m) {\n"
        "for (int i = 0; i < n; i++) { tmp.clear();\n"
        "for (int k = 0; k < m; k++) tmp.push_back(x[i * m + k]);\nout[i] = tmp.size(); } }",
        "parallel",
        lastprivate={"tmp"},  # a reference parameter: the caller sees its last value
        full=True,
        lang="cpp",
        no_alias=True,
    ),
    Case(
        "cpp_container_kept_across_iterations",
        "#include <vector>\nvoid f(std::vector<int>& tmp, const int *x, long *out, int n) {\n"
        "for (int i = 0; i < n; i++) { tmp.push_back(x[i]); out[i] = tmp.size(); } }",
        "serial",
        full=True,
        lang="cpp",
        no_alias=True,
    ),
    Case(
        "cpp_vector_ref",
        "#include <vector>\nvoid f(std::vector<double>& v) {\nfor (size_t i = 0; i < v.size(); i++) v[i] *= 2; }",
        "parallel",
        full=True,
        lang="cpp",
    ),
    Case(
        "cpp_push_back",
        "#include <vector>\nvoid f(std::vector<double>& out, const double *x, int n) {\n"
        "for (int i = 0; i < n; i++) out.push_back(x[i]); }",
        "serial",
        full=True,
        lang="cpp",
    ),
    Case(
        "cpp_this_member",
        "class V { double *data; int n; public: void scale() {\nfor (int i = 0; i < n; i++) this->data[i] *= 2; } };",
        "parallel",
        full=True,
        lang="cpp",
    ),
    Case(
        "cpp_range_for",
        "#include <vector>\nvoid f(std::vector<double>& v) { for (double &x : v) x *= 2; }",
        "unknown",
        full=True,
        lang="cpp",
    ),
    Case(
        "cpp_cout",
        "#include <iostream>\ndouble a[1024];\nvoid f() {\n"
        "for (int i = 0; i < 1024; i++) std::cout << a[i] << std::endl; }",
        "serial",
        full=True,
        lang="cpp",
    ),
    Case(
        "cpp_views_built_from_one_pointer",  # T name(args) of a non-owning type may alias: not two fresh vectors
        "#include <Eigen/Dense>\nvoid f(double *p, int n) {\n  Eigen::Map<Eigen::VectorXd> a(p, n);\n"
        "  Eigen::Map<Eigen::VectorXd> b(p, n);\n  for (int i = 1; i < n; i++) a[i] = b[i - 1];\n}",
        "!parallel",
        full=True,
        lang="cpp",
    ),
    Case(
        "cpp_vectors_built_with_a_size",  # std::vector<double> x(n), y(n): fresh memory each
        "#include <vector>\nvoid f(int n) {\n  std::vector<double> x(n);\n  std::vector<double> y(n);\n"
        "  for (int i = 0; i < n; i++) x[i] = 2.0 * y[i];\n}",
        "parallel",
        full=True,
        lang="cpp",
    ),
    Case(
        "cpp_map_iterator",  # NetworKit-style entropy over a std::map: gcc/clang reject omp for on its iterators
        "#include <map>\ndouble f(std::map<int, double> &p) {\n  double total = 0;\n"
        "  std::map<int, double>::iterator it;\n  for (it = p.begin(); it != p.end(); it++) total += it->second;\n"
        "  return total;\n}",
        "unknown",
        full=True,
        lang="cpp",
    ),
    Case(
        "cpp_vector_iterator",
        "#include <vector>\ndouble f(std::vector<double> &v) {\n  double total = 0;\n"
        "  for (auto it = v.begin(); it != v.end(); ++it) total += *it;\n  return total;\n}",
        "parallel",
        set(),
        {"+:total"},
        full=True,
        lang="cpp",
    ),
    Case(
        "cpp_eigen_vector_accumulation",  # gtsam_points: reduction(+:sum) on an Eigen vector does not compile
        "#include <Eigen/Dense>\nvoid f(const Eigen::Vector3d *p, int n, Eigen::Vector3d &out) {\n"
        "  Eigen::Vector3d sum = Eigen::Vector3d::Zero();\n  for (int j = 0; j < n; j++) sum += p[j];\n  out = sum;\n}",
        "serial",
        full=True,
        lang="cpp",
    ),
    Case(
        "cpp_size_t_count",  # a scoped integer typedef is arithmetic
        "#include <cstddef>\nstd::size_t f(const double *a, int n) {\n  std::size_t cnt = 0;\n"
        "  for (int j = 0; j < n; j++) cnt += a[j] > 0;\n  return cnt;\n}",
        "parallel",
        set(),
        {"+:cnt"},
        full=True,
        lang="cpp",
    ),
    Case(
        "cpp_parenthesized_std_max",  # `(std::max)(m, a[i])`, written so against a max macro: the grammar reads a
        # cast of a comma expression, and the max reduction was lost (a carried dependence instead)
        "#include <algorithm>\ndouble f(const double *a, int n) {\n  double m = a[0];\n"
        "  for (int i = 0; i < n; i++) m = (std::max)(m, a[i]);\n  return m;\n}",
        "parallel",
        set(),
        {"max:m"},
        full=True,
        lang="cpp",
    ),
    Case(
        "parenthesized_ternary_max_and_if_min",  # `e = ((e < (x + y)) ? x + y : e)`: the parentheses around an
        # operand made its text differ from the chosen value, so the max was read as a carried dependence
        "double f(const double *a, const double *b, int n) {\n  double e = a[0], m = b[0];\n"
        "  for (int i = 0; i < n; i++) {\n    e = ((e < (a[i] + b[i])) ? a[i] + b[i] : e);\n"
        "    if ((b[i]) < m) m = (b[i]);\n  }\n  return e + m;\n}",
        "parallel",
        set(),
        {"max:e", "min:m"},
        full=True,
    ),
    Case(
        "parenthesized_min_call",  # `(min)(a[i], m)`: a call of a parenthesized name, not an unknown function
        "double f(const double *a, int n) {\n  double m = a[0];\n"
        "  for (int i = 0; i < n; i++) m = (fmin)(a[i], m);\n  return m;\n}",
        "parallel",
        set(),
        {"min:m"},
        full=True,
    ),
    Case(
        "cpp_static_member_temporary",  # EDGE: `parallel::g_scratchMem = ...` was made private; gcc and clang
        # reject private/lastprivate of a static data member (predetermined shared)
        "struct S { static double t; };\nvoid f(const double *a, double *b, int n) {\n"
        "  for (int i = 0; i < n; i++) { S::t = a[i]; b[i] = S::t; }\n}",
        "serial",
        set(),
        set(),
        full=True,
        lang="cpp",
    ),
    Case(
        "cpp_static_member_sum",  # reduction(+:S::t) does not compile for a static member
        "struct S { static double t; };\nvoid f(const double * __restrict a, int n) {\n"
        "  for (int i = 0; i < n; i++) S::t += a[i];\n}",
        "serial",
        set(),
        set(),
        full=True,
        lang="cpp",
    ),
    Case(
        "cpp_scoped_constant_read",  # reading a scoped constant is still a shared read
        "namespace k { const double scale = 2.0; }\nvoid f(const double * __restrict a, double * __restrict b, "
        "int n) {\n  for (int i = 0; i < n; i++) b[i] = a[i] * k::scale;\n}",
        "parallel",
        set(),
        set(),
        full=True,
        lang="cpp",
    ),
    Case(
        "cpp_nested_template_size_type_count",  # every level of template arguments is stripped before the scoped
        # integer typedef is recognized (one level left `std::vector<std::vector>::size_type`: a "class")
        "#include <vector>\ntypename std::vector<std::vector<int>>::size_type f(const double *a, int n) {\n"
        "  typename std::vector<std::vector<int>>::size_type cnt = 0;\n"
        "  for (int j = 0; j < n; j++) cnt += a[j] > 0;\n  return cnt;\n}",
        "parallel",
        set(),
        {"+:cnt"},
        full=True,
        lang="cpp",
    ),
    Case(
        "empty_body",  # a body commented out (seen in the corpus) was suggested a parallel for
        "void f(int n, int *a) {\nfor (int i = 0; i < n; i++) {\n  // if (a[i]) g(a[i]);\n}\n}",
        "parallel",
        full=True,
        pragma=False,
    ),
    Case(
        "helper_writes_through_local_pointer",  # Tengine: convdw3x3s1(output, ...) in a batch loop, same output
        "float out[4096], in[4096];\nstatic void kern(float *o, const float *x, int n) {\n"
        "  float *p = o;\n  for (int i = 0; i < n; i++) p[i] = x[i] * 2;\n}\n"
        "void f(int batch) { for (int b = 0; b < batch; b++) /*@*/ kern(out, in, 4096); }",
        "!parallel",
        full=True,
    ),
    Case(
        "helper_advances_its_pointer",  # fill writes n elements from out + b: iterations overlap
        "float out[4096];\nstatic void fill(float *o, int n) { for (int i = 0; i < n; i++) { *o = 1; o++; } }\n"
        "void f(int m) { for (int b = 0; b < m; b++) /*@*/ fill(out + b, 64); }",
        "!parallel",
        full=True,
    ),
    Case(
        "cpp_brace_initialized_index",  # finufft: gcc rejects `for (uint8_t l{0}; ...)` under omp for
        "double line[64], p[64];\nvoid f(int ns) {\nfor (unsigned char l{0}; l < 2 * ns; ++l) line[l] = p[l] * 2; }",
        "unknown",
        full=True,
        lang="cpp",
    ),
    Case(
        "cpp_user_stream",  # OpenMS writes an index this way: a shared ofstream, not a pure shift (was "parallel")
        "#include <fstream>\ndouble a[1024];\nvoid f(std::ofstream &os) {\n"
        "for (int i = 0; i < 1024; i++) os << a[i] << '\\n'; }",
        "serial",
        full=True,
        lang="cpp",
    ),
    Case(
        "cpp_loop_local_stream",
        "#include <sstream>\n#include <string>\nstd::string s[1024];\nvoid f() {\n"
        "for (int i = 0; i < 1024; i++) { std::ostringstream ss; ss << i; s[i] = ss.str(); } }",
        "unknown",  # not serial: each iteration's own stream carries nothing (ss.str() is an unknown method)
        full=True,
        lang="cpp",
    ),
    Case(
        "c_shift_value_used",
        "unsigned a[1024], b[1024];\nvoid f() { for (int i = 0; i < 1024; i++) a[i] = b[i] << 2; }",
        "parallel",
        full=True,
    ),
    Case(
        "cpp_std_sqrt_sum",
        "#include <cmath>\ndouble a[1024];\ndouble f() { double s = 0;\n"
        "for (int i = 0; i < 1024; i++) s += std::sqrt(a[i]);\nreturn s; }",
        "parallel",
        set(),
        {"+:s"},
        full=True,
        lang="cpp",
    ),
    Case(
        "cpp_std_max",
        "#include <algorithm>\ndouble a[1024];\ndouble f() { double m = 0;\n"
        "for (int i = 0; i < 1024; i++) m = std::max(m, a[i]);\nreturn m; }",
        "parallel",
        set(),
        {"max:m"},
        full=True,
        lang="cpp",
    ),
    Case(
        "cpp_lambda",
        "double a[1024];\nvoid f() { for (int i = 0; i < 1024; i++) a[i] = [](int k) { return k * 2.0; }(i); }",
        "unknown",
        full=True,
        lang="cpp",
    ),
    Case(
        "cpp_reference_alias",
        "double a[1024];\nvoid f() { for (int i = 0; i < 1023; i++) { double &r = a[i + 1]; r = a[i]; } }",
        "!parallel",
        full=True,
        lang="cpp",
    ),
    Case(
        # exafmm-t: writing matrices to a shared stream in order; a parallel loop scrambles the file
        "cpp_stream_write",
        "#include <fstream>\nvoid f(std::ofstream& file, double **m, int depth, int n) {\n"
        "for (int l = 0; l <= depth; l++) file.write(reinterpret_cast<const char*>(m[l]), n * sizeof(double)); }",
        "serial",
        full=True,
        lang="cpp",
    ),
    Case(
        "cpp_stream_per_iteration",  # each iteration writes its own file: the stream is the iteration's own
        "#include <fstream>\nvoid f(double **m, const char **names, int n) {\n"
        "for (int l = 0; l < n; l++) { std::ofstream out(names[l]); out.write((const char*)m[l], 8); } }",
        "!serial",
        full=True,
        lang="cpp",
    ),
    Case(
        # FEBio: a plain type name, but the variable has members: a class, so no built-in reduction
        "cpp_reduction_plain_class",
        "void f(int n, const double *restrict x) {\n  mat3ds T; T.zero(); mat3dd I(1.0);\n"
        "  for (int i = 0; i < n; i++) T += mat3dd(x[i]);\n}",
        "!parallel",
        full=True,
        lang="cpp",
    ),
    Case(
        # exafmm: complex_t is std::complex<real_t> in a header
        "cpp_reduction_complex_typedef",
        "void g(int n, const double *restrict x, const complex_t *restrict c) {\n  complex_t M = 0; real_t w = 1;\n"
        "  for (int i = 0; i < n; i++) M += c[i] * real_t(x[i]);\n}",
        "!parallel",
        full=True,
        lang="cpp",
    ),
    Case(
        # RAJAPerf: `sum` is a RAJA reducer (with members) in one block and a Real_type in the next
        "cpp_reduction_name_reused",
        "void f(int n, const double *restrict x, double *out) {\n"
        "  { Reducer sum(0); out[0] = sum.get(); }\n"
        "  { Real_type sum = 0;\n/*@*/  for (int i = 0; i < n; i++) sum += x[i];\n  out[1] = sum; }\n}",
        "parallel",
        reductions={"+:sum"},
        full=True,
        lang="cpp",
    ),
    Case(
        "cpp_reduction_plain_typedef",  # real_t: a typedef of an arithmetic type, as far as we can tell
        "void h(int n, const double *restrict x) { real_t s = 0; for (int i = 0; i < n; i++) s += x[i]; }",
        "parallel",
        full=True,
        lang="cpp",
    ),
    Case(
        # TheArtOfHPC lockobject.cxx: a captured std atomic is atomic inside the lambda too (no reduction on it)
        "cpp_lambda_captured_atomic",
        "#include <atomic>\nusing namespace std;\nvoid f(int nops, double *restrict w) { atomic_int hits;\n"
        "  auto g = [=, &hits]() { for (int i = 0; i < nops; i++) { hits += 1; w[i] = i; } };\n  g(); }",
        "parallel",
        set(),
        set(),
        full=True,
        lang="cpp",
    ),
    Case(
        # a scalar captured by reference may be read after the lambda returns: lastprivate, not private
        "cpp_lambda_captured_scalar",
        "void f(int n, double *restrict w) { double last;\n"
        "  auto g = [&]() { for (int i = 0; i < n; i++) { last = w[i]; w[i] = 2 * last; } };\n"
        "  g(); w[0] = last; }",
        "parallel",
        set(),
        lastprivate={"last"},
        full=True,
        lang="cpp",
    ),
    Case(
        "cpp_local_vector",
        "#include <vector>\ndouble a[1024];\nvoid f() { for (int i = 0; i < 1024; i++) "
        "{ std::vector<double> tmp(4); tmp[0] = a[i]; a[i] = tmp[0] * 2; } }",
        "parallel",
        full=True,
        lang="cpp",
    ),
]


def _target(case: Case):
    text = case.code if case.full else PRELUDE + case.code
    file_scan = scan(SourceFile.from_text(text, case.lang, path=f"{case.name}.{case.lang}"))
    options = AnalysisOptions(assume_no_alias=case.no_alias)
    results = analyze_file(file_scan, options)
    marked = [i for i, lp in enumerate(file_scan.loops) if "/*@*/" in text.splitlines()[lp.line - 1]]
    if marked:
        i = marked[0]
        # the marked loop is the innermost loop starting on that line
        i = max(j for j, lp in enumerate(file_scan.loops) if lp.line == file_scan.loops[i].line)
    else:
        i = 0
    return results[i], results


def test_enough_cases():
    assert len(CASES) >= 80
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_loop(case: Case):
    res, _ = _target(case)
    info = f"{case.name}: {res.verdict} {res.pragma} {res.reasons}"
    if case.verdict == "!parallel":
        assert res.verdict in ("serial", "unknown"), info
        return
    if case.verdict == "!serial":
        assert res.verdict in ("parallel", "unknown"), info
        return
    assert res.verdict == case.verdict, info
    if case.private is not None:
        assert set(res.private) == case.private, info
    if case.reductions is not None:
        assert set(res.reductions) == case.reductions, info
    if case.lastprivate is not None:
        assert set(res.lastprivate) == case.lastprivate, info
    if case.firstprivate is not None:
        assert set(res.firstprivate) == case.firstprivate, info
    if case.collapse is not None:
        assert res.collapse == case.collapse, info
    if case.pragma is not None:
        assert (res.pragma is not None) == case.pragma, info
    if case.name.startswith("triangular"):
        assert res.schedule == "static, 1" and res.pragma.endswith("schedule(static, 1)"), info
    elif case.verdict == "parallel":
        assert res.schedule is None, info  # rectangular nests keep the default schedule
