"""Call-site alias facts (analysis/callsites.py): a ``static`` kernel whose every call passes distinct arrays has
pointer parameters that do not alias; anything else keeps the conservative answer."""

from __future__ import annotations

import pytest

from ompgpt.analysis import analyze_file
from ompgpt.source import SourceFile, scan

KERNEL = """#include <stdlib.h>
#define N 64
double G1[N], G2[N], H[N][N];
{storage}void axpy(int n, double *y, double *x) {{
  for (int i = 0; i < n; i++)
    y[i] = y[i] + 2.0 * x[i + 1];
}}
"""


def axpy_loop(main: str, storage: str = "static ", kernel: str = KERNEL):
    source = SourceFile.from_text(kernel.format(storage=storage) + main, "c", path="k.c")
    results = analyze_file(scan(source))
    return next(r for r in results if r.function == "axpy")


PROVEN = {
    "globals": "int main(void) { axpy(N, G1, G2); return 0; }",
    "malloc_and_calloc": (
        "int main(void) { double *a = malloc(N * sizeof(double)); double *b = (double *) calloc(N, 8);\n"
        "  axpy(N, a, b); free(a); free(b); return 0; }"
    ),
    "local_arrays": "int main(void) { double a[N], b[N]; axpy(N, a, b); return 0; }",
    "rows_of_distinct_arrays": "int main(void) { double a[N][N]; axpy(N, a[0], H[1]); return 0; }",
    "two_calls_both_distinct": "int main(void) { double a[N]; axpy(N, a, G1); axpy(N, G2, a); return 0; }",
    "a_prototype_and_a_comment": "static void axpy(int, double *, double *); /* axpy(x, x) */\n"
    'int main(void) { const char *s = "axpy"; axpy(N, G1, G2); return 0; }',
}

NOT_PROVEN = {
    "same_array_twice": "int main(void) { axpy(N, G1, G1); return 0; }",
    "one_call_of_two_aliases": "int main(void) { axpy(N, G1, G2); axpy(N, G2, G2); return 0; }",
    "rows_of_one_array": "int main(void) { axpy(N, H[0], H[1]); return 0; }",
    "an_offset_into_the_same_array": "int main(void) { axpy(N, G1, G1 + 1); return 0; }",
    "caller_parameter": "static void run(double *p, double *q) { axpy(N, p, q); }\n"
    "int main(void) { run(G1, G1); return 0; }",
    "pointer_reassigned_after_malloc": (
        "int main(void) { double *a = malloc(8 * N); double *b = malloc(8 * N); b = a;\n  axpy(N, a, b); return 0; }"
    ),
    "pointer_reseated_by_a_macro": (
        "#define RESEAT(p, q) ((p) = (q))\nint main(void) { double *a = malloc(8 * N); double *b = malloc(8 * N);\n"
        "  RESEAT(b, a); axpy(N, a, b); return 0; }"
    ),
    "pointer_copied": "int main(void) { double *a = malloc(8 * N); double *b = a; axpy(N, a, b); return 0; }",
    "address_escapes": ("void (*hook)(int, double *, double *) = axpy;\nint main(void) { axpy(N, G1, G2); return 0; }"),
    "called_from_a_macro": "#define RUN(a, b) axpy(N, a, b)\nint main(void) { RUN(G1, G2); return 0; }",
    "not_called": "int main(void) { return 0; }",
}


@pytest.mark.parametrize("name", sorted(PROVEN))
def test_distinct_arrays_at_every_call_prove_the_kernel(name):
    loop = axpy_loop(PROVEN[name])
    assert loop.verdict == "parallel", loop.reasons
    calls = 2 if name == "two_calls_both_distinct" else 1
    assert f"all {calls} call sites of axpy pass distinct arrays: y and x" in loop.assumptions


@pytest.mark.parametrize("name", sorted(NOT_PROVEN))
def test_calls_that_may_alias_or_are_unseen_keep_the_kernel_unproven(name):
    loop = axpy_loop(NOT_PROVEN[name])
    assert loop.verdict == "unknown"
    assert any("y and x may refer to overlapping memory" in r for r in loop.reasons)


def test_a_function_other_files_may_call_is_not_judged_by_this_file_calls():
    loop = axpy_loop(PROVEN["globals"], storage="")
    assert loop.verdict == "unknown"


def test_a_kernel_that_reassigns_its_parameter_is_not_judged_by_its_calls():
    kernel = KERNEL.replace("  for (int i", "  if (n < 0) y = x;\n  for (int i")
    loop = axpy_loop(PROVEN["globals"], kernel=kernel)
    assert loop.verdict == "unknown"


def test_a_parameter_and_a_global_array_the_calls_never_pass_are_apart():
    kernel = KERNEL.replace("y[i] + 2.0 * x[i + 1]", "y[i] + G2[i + 1]")
    loop = axpy_loop("int main(void) { axpy(N, G1, G1); return 0; }", kernel=kernel)
    assert loop.verdict == "parallel", loop.reasons
    assert "all 1 call sites of axpy pass distinct arrays: y and G2" in loop.assumptions
    loop = axpy_loop("int main(void) { axpy(N, G2, G1); return 0; }", kernel=kernel)
    assert loop.verdict == "unknown"


KERN = "void axpy(int n, double *y, const double *x) {\n  for (int i = 0; i < n; i++)\n    y[i] += 2.0 * x[i];\n}\n"
PROTO = "void axpy(int n, double *y, const double *x);\n"
MAIN = PROTO + "double a[64], b[64];\nint main(void) {{ {body} return 0; }}\n"


def project_loop(tmp_path, files: dict[str, str]):
    from ompgpt.analysis import AnalysisOptions
    from ompgpt.analysis.project import ProjectIndex
    from ompgpt.source import read_source

    paths = []
    for name, text in files.items():
        (tmp_path / name).write_text(text)
        paths.append(tmp_path / name)
    options = AnalysisOptions(project=ProjectIndex(paths))
    return analyze_file(scan(read_source(paths[0])), options)[0]


@pytest.mark.parametrize(
    ("others", "proven"),
    [
        ({"main.c": MAIN.format(body="axpy(64, a, b);")}, True),
        (
            {"main.c": MAIN.format(body="axpy(64, a, b);"), "util.c": PROTO + "void g(double *p) { axpy(1, p, p); }"},
            False,
        ),
        ({"main.c": MAIN.format(body="axpy(64, a, a);")}, False),
        ({"lib.c": PROTO + "double a[64], b[64];\nvoid run(void) { axpy(64, a, b); }\n"}, False),  # no main
        ({"main.c": MAIN.format(body="void (*f)(int, double *, const double *) = axpy; f(64, a, b);")}, False),
    ],
)
def test_a_function_of_a_program_is_judged_by_the_calls_in_the_given_files(tmp_path, others, proven):
    loop = project_loop(tmp_path, {"kern.c": KERN, **others})
    assert (loop.verdict == "parallel") == proven, loop.reasons
    if proven:
        text = "all 1 call sites of axpy in the given files (taken as the whole program) pass distinct arrays: y and x"
        assert text in loop.assumptions


CPP = """static void axpy(int n, double *y, const double *x) {
  for (int i = 0; i < n; i++)
    y[i] += 2.0 * x[i];
}
void reseat(double *&p, double *q) { p = q; }
int main() {
  double *a = new double[64];
  double *b = new double[64];
  %s
  axpy(64, a, b);
  delete[] a;
  delete[] b;
}
"""


@pytest.mark.parametrize(("between", "proven"), [("", True), ("reseat(a, b);", False), ("std::swap(a, b);", False)])
def test_cpp_new_results_are_distinct_unless_a_call_may_reseat_the_pointer(between, proven):
    code = CPP % between
    loop = analyze_file(scan(SourceFile.from_text(code, "cpp", path="k.cpp")))[0]
    assert (loop.verdict == "parallel") == proven, loop.reasons


def test_a_header_that_names_the_kernel_may_call_it_unseen(tmp_path):
    from ompgpt.source import read_source

    (tmp_path / "run.h").write_text("#define RUN_TWICE(v) axpy(N, v, v)\n")
    body = KERNEL.format(storage="static ") + "int main(void) { axpy(N, G1, G2); return 0; }\n"
    (tmp_path / "k.c").write_text(body)
    loop = next(r for r in analyze_file(scan(read_source(tmp_path / "k.c"))) if r.function == "axpy")
    assert loop.verdict == "parallel"
    (tmp_path / "k.c").write_text('#include "run.h"\n' + body)
    loop = next(r for r in analyze_file(scan(read_source(tmp_path / "k.c"))) if r.function == "axpy")
    assert loop.verdict == "unknown"


def test_a_static_kernel_with_reference_parameters_is_analysed_without_an_internal_error():
    """C++ reference parameters have no per-call origins: the alias reason must not look them up (examples/blur.cpp
    gave 'internal analysis error: KeyError: out' after call-site facts landed)."""
    code = """#include <vector>
static void blur(const std::vector<float>& in, std::vector<float>& out, int w, int h) {
  for (int y = 1; y < h - 1; ++y)
    for (int x = 1; x < w - 1; ++x)
      out[y * w + x] = in[y * w + x] / 9.0f;
}
int main() {
  std::vector<float> img(1024), res(1024);
  blur(img, res, 32, 32);
  return 0;
}
"""
    results = analyze_file(scan(SourceFile.from_text(code, "cpp", path="blur.cpp")))
    reasons = [reason for r in results for reason in r.reasons]
    assert not [r for r in reasons if "internal analysis error" in r], reasons
