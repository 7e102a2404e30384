"""Array parameters (``double C[NI][NJ]``, ``double C[][NJ]``, ``double (*restrict B)[n]``, C99 VLAs) are arrays of
rows: rows of one array never overlap, and ``restrict`` written there is seen. Reasons name the real obstacle and,
when aliasing is all that stops a loop, the one fix."""

from __future__ import annotations

import pytest

from ompgpt.analysis import analyze_file
from ompgpt.analysis.context import FileContext
from ompgpt.source import SourceFile, parse, scan


def first_loop(code: str, lang: str = "c"):
    results = analyze_file(scan(SourceFile.from_text(code, lang, path="k." + lang)))
    return results[0]


ROWS = {
    "restrict_pointer_to_rows": "void f(int n, double (*restrict B)[n], double (*restrict A)[n])",
    "restrict_in_brackets": "void f(int n, double B[restrict n][n], double A[restrict n][n])",
    "restrict_on_the_written_one": "void f(int n, double B[restrict][64], const double (*A)[64])",
    "vla_of_parameters": "void f(int n, int m, double * restrict B, double A[n][m])",
}


@pytest.mark.parametrize("name", sorted(ROWS))
def test_rows_of_an_array_parameter_never_overlap_and_restrict_is_seen(name):
    signature = ROWS[name]
    write = "B[i * n + j]" if "* restrict B" in signature else "B[i][j]"
    code = f"{signature} {{\n  for (int i = 0; i < n; i++)\n    for (int j = 0; j < n; j++)\n"
    code += f"      {write} = A[i][j] + 1.0;\n}}\n"
    loop = first_loop(code)
    assert loop.verdict == "parallel", loop.reasons
    assert not any("pointer to pointers" in r for r in loop.reasons)


def test_a_two_dimensional_parameter_is_decided_by_its_subscripts():
    code = "void f(int n, double A[n][n]) {\n  for (int i = 1; i < n; i++)\n    for (int j = 0; j < n; j++)\n"
    code += "      A[i][j] = A[i - 1][j] + 1.0;\n}\n"
    results = analyze_file(scan(SourceFile.from_text(code, "c", path="k.c")))
    assert results[0].verdict == "serial"  # row i reads row i - 1
    assert results[1].verdict == "parallel", results[1].reasons  # each j its own column
    assert not any("overlap" in r for r in results[0].reasons + results[1].reasons)


@pytest.mark.parametrize(
    ("declaration", "rows"),
    [
        ("double (*restrict B)[n]", ("n",)),
        ("double B[][64]", ("64",)),
        ("double B[N][M][K]", ("M", "K")),
        ("double (*B)[M][K]", ("M", "K")),
        ("double *B[n]", ()),  # an array of pointers: a pointer to pointers once it decays
        ("double **B", ()),
    ],
)
def test_parameter_shapes(declaration, rows):
    code = f"void f(int n, {declaration}) {{ }}\n"
    parsed = parse(SourceFile.from_text(code, "c", path="k.c"))
    ctx = FileContext(parsed)
    info = ctx.function_of(ctx.function_nodes()[0].child_by_field_name("body")).params["B"]
    assert info.row_dims == rows
    assert info.pointer and not info.array
    assert info.pointer_depth == (1 if rows else 2)


def test_a_local_pointer_to_rows_is_a_pointer_not_an_array_of_its_own():
    code = "void f(int n, double *a) {\n  double (*b)[8] = (double (*)[8]) a;\n  for (int i = 0; i < n; i++)\n"
    code += "    b[i][0] = a[i + 1];\n}\n"
    loop = first_loop(code)
    assert loop.verdict != "parallel"  # b is a's memory seen as rows: b[i][0] is a[8 * i]


def test_rows_of_a_pointer_to_pointers_are_named_as_such_with_the_fix():
    code = "void f(int n, double **P, const double *restrict x) {\n  for (int i = 0; i < n; i++)\n"
    code += "    for (int j = 0; j < n; j++)\n      P[i][j] = x[j];\n}\n"
    loop = first_loop(code)
    assert "rows of P (a pointer to pointers) may overlap" in loop.reasons
    assert any("aliasing is the only obstacle" in r and "--assume-no-alias" in r for r in loop.reasons)


def test_when_aliasing_is_the_only_obstacle_the_reason_names_the_parameter_to_declare_restrict():
    code = "void f(int n, double C[64][64], const double A[64][64], const double *v) {\n"
    code += "  for (int i = 0; i < n; i++)\n    for (int j = 0; j < n; j++)\n      C[i][j] += A[i][j] * v[j];\n}\n"
    loop = first_loop(code)
    assert loop.verdict == "unknown"
    assert "C and A may refer to overlapping memory (pointers without restrict)" in loop.reasons
    fix = "aliasing is the only obstacle: if they never overlap, declare the parameter C restrict, or use "
    fix += "--assume-no-alias"
    assert fix in loop.reasons
    pointers = first_loop(
        "void f(int n, double *C, const double *v) {\n  for (int i = 0; i < n; i++)\n    C[i] += v[i];\n}\n", "cpp"
    )
    fix = "aliasing is the only obstacle: if they never overlap, declare the parameter C restrict "
    fix += "(double *__restrict C), or use --assume-no-alias"
    assert fix in pointers.reasons
    fixed = first_loop(code.replace("double C[64][64]", "double (*restrict C)[64]"))
    assert fixed.verdict == "parallel", fixed.reasons


def test_no_fix_is_offered_when_a_dependence_stops_the_loop_too():
    code = "void f(int n, double *y, double *x) {\n  for (int i = 1; i < n; i++)\n    y[i] = y[i - 1] + x[i];\n}\n"
    loop = first_loop(code)
    assert loop.verdict == "serial"
    assert not any("only obstacle" in r for r in loop.reasons)


def test_no_fix_is_offered_when_a_call_passes_the_same_array_twice():
    code = "static void f(int n, double *y, double *x) {\n  for (int i = 0; i < n; i++)\n    y[i] = x[i + 1];\n}\n"
    code += "double a[100];\nint main(void) { f(99, a, a); return 0; }\n"
    loop = first_loop(code)
    assert "y and x may refer to overlapping memory (the call at 6:18 passes the same array to y and x)" in (
        loop.reasons
    )
    assert not any("only obstacle" in r for r in loop.reasons)
