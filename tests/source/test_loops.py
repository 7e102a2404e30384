from ompgpt.source import SourceFile, find_loops, scan

NEST = """\
void matmul(int n, double *a, double *b, double *c) {
  int i, j, k;
  double sum;
#pragma omp parallel for private(j, k, sum)
  for (i = 0; i < n; i++)
    for (j = 0; j < n; j++) {
      sum = 0.0;
      for (k = 0; k < n; ++k)
        sum += a[i * n + k] * b[k * n + j];
      c[i * n + j] = sum;
    }
}
"""


def loops_of(text: str, lang: str = "c"):
    return find_loops(SourceFile.from_text(text, lang))


def test_nest_structure_header_and_pragma():
    outer, middle, inner = loops_of(NEST)
    assert (outer.line, outer.column, outer.end_line, outer.function) == (5, 3, 11, "matmul")
    assert (outer.induction_var, outer.lower, outer.cond_op, outer.upper, outer.step) == ("i", "0", "<", "n", "1")
    assert [lp.depth for lp in (outer, middle, inner)] == [0, 1, 2]
    assert (middle.parent, inner.parent, outer.children) == (0, 1, [1])
    assert outer.perfect_nest_depth == 2 and outer.perfectly_nested
    assert middle.perfect_nest_depth == 1
    assert outer.pragma.canonical() == "parallel for private(j, k, sum)"
    assert outer.pragma_site.line == 4
    assert middle.pragma is None and middle.in_omp_loop and middle.in_parallel_region
    assert not outer.in_parallel_region
    assert (middle.body_line, middle.body_end_line) == (6, 11)


def test_header_forms():
    text = """void f(int n, int *a) {
  for (int i = n - 1; i >= 0; i -= 2) a[i] = 0;
  for (long j = 0; n > j; j = j + 4) a[j] = 1;
  for (unsigned k = 10; k != 0; --k) a[k] = 2;
  for (p = head; p; p = p->next) use(p);
  for (;;) break;
}"""
    a, b, c, d, e = loops_of(text)
    assert (a.induction_var, a.lower, a.cond_op, a.upper, a.step) == ("i", "n - 1", ">=", "0", "-2")
    assert (b.induction_var, b.cond_op, b.upper, b.step) == ("j", "<", "n", "4")
    assert (c.cond_op, c.step) == ("!=", "-1")
    assert (d.induction_var, d.upper, d.step) == ("p", None, None)
    assert (e.init, e.condition, e.update, e.induction_var) == (None, None, None, None)


def test_cpp_range_for_lambda_template_and_methods():
    text = """#include <vector>
template <typename T>
T total(const std::vector<T>& v) {
  T s{};
  #pragma omp parallel for reduction(+:s)
  for (std::size_t i = 0; i < v.size(); ++i) s += v[i];
  for (const auto& x : v) s -= x;
  auto f = [&](int n) { for (int q = 0; q < n; ++q) s += q; };
  return s;
}
struct Grid { void relax(); };
void Grid::relax() { for (int i = 0; i < 4; ++i) step(i); }
"""
    a, b, c, d = loops_of(text, "cpp")
    assert a.pragma.canonical() == "parallel for reduction(+:s)" and a.function == "total"
    assert (b.kind, b.induction_var, b.upper) == ("range_for", "x", "v")
    assert c.function == "total::<lambda>"
    assert d.function == "Grid::relax"


def test_pragma_attachment_variants():
    text = """void f(int n, double *a) {
#ifdef _OPENMP
#pragma omp parallel for
#endif
  for (int i = 0; i < n; i++) a[i] = 0;
#if defined(USE_SIMD)
#pragma omp simd
#else
#pragma omp parallel for schedule(static)
#endif
  // a comment between pragma and loop
  for (int i = 0; i < n; i++) a[i] += 1;
  _Pragma("omp parallel for") for (int i = 0; i < n; i++) a[i] *= 2;
  #pragma omp parallel
  {
    #pragma omp for nowait
    for (int i = 0; i < n; i++) a[i] -= 1;
    for (int i = 0; i < n; i++) a[i] -= 2;
  }
  /* #pragma omp parallel for */
  for (int i = 0; i < n; i++) a[i] += 3;
#pragma omp parallel for
  {
    for (int i = 0; i < n; i++) a[i] += 4;
  }
}"""
    loops = loops_of(text)
    got = [(lp.line, lp.pragma.canonical() if lp.pragma else None, lp.in_parallel_region) for lp in loops]
    assert got == [
        (5, "parallel for", False),
        (12, "simd", False),
        (13, "parallel for", False),
        (17, "for nowait", True),
        (18, None, True),
        (21, None, False),
        (24, "parallel for", False),
    ]


def test_both_branches_of_a_conditional_pragma_govern_the_loop():
    text = (
        "void f(int n, int *a){\n#if A\n#pragma omp simd\n#else\n#pragma omp for\n#endif\n"
        "for(int i=0;i<n;i++) a[i]=i;\n}"
    )
    result = scan(SourceFile.from_text(text))
    assert [s.loop for s in result.pragmas] == [0, 0]


def test_malformed_pragma_is_kept_with_its_error():
    (loop,) = loops_of("void f(int n,int*a){\n#pragma omp parallel for privte(i)\nfor(int i=0;i<n;i++) a[i]=0;\n}")
    assert loop.pragma is not None and loop.pragma.canonical() == "parallel for"
    assert "unknown clause 'privte'" in loop.pragma_site.error
    (bad,) = loops_of("void f(int n,int*a){\n#pragma omp parallel for private(i\nfor(int i=0;i<n;i++) a[i]=0;\n}")
    assert bad.pragma is None and "unbalanced" in bad.pragma_site.error


def test_messy_real_world_code_does_not_crash():
    text = """#include "missing.h"
#define LOOP(i, n) for (int i = 0; i < (n); ++i)
int old_style(a, n) int *a; int n; {
  register int i;
  for (i = 0; i < n; i++) a[i] = FOO(i) BAR;
  LOOP(j, n) { a[j] += 1; }
  return 0;
}
EXPORT_API void kernel(int n, float *restrict x) {
  UNKNOWN_MACRO(x)
  #pragma omp parallel for
  for (int i = 0; i < n; ++i) x[i] = sqrtf(x[i]);
}
"""
    loops = loops_of(text)
    assert any(lp.line == 12 and lp.pragma and lp.pragma.canonical() == "parallel for" for lp in loops)
    assert any(lp.line == 5 and lp.function == "old_style" for lp in loops)


def test_to_dict_is_json_ready():
    import json

    (outer, *_rest) = loops_of(NEST)
    data = json.loads(json.dumps(outer.to_dict()))
    assert data["pragma"]["canonical"] == "parallel for private(j, k, sum)"
    assert data["line"] == 5 and "node" not in data
