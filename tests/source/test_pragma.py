import pytest

from ompgpt.source.pragma import PragmaError, parse_pragma


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("#pragma omp parallel for", "parallel for"),
        ("# pragma omp parallel for private(j, i)", "parallel for private(i, j)"),
        ("#pragma omp parallel for \\\n    private(j) reduction(+:s)", "parallel for private(j) reduction(+:s)"),
        ("omp for schedule(dynamic,4) nowait", "for schedule(dynamic, 4) nowait"),
        ("parallel for simd reduction(max : m) collapse(2)", "parallel for simd reduction(max:m) collapse(2)"),
        ("#pragma omp simd aligned(a,b:64) linear(i:1) safelen(8)", "simd linear(i:1) aligned(a, b:64) safelen(8)"),
        ("#pragma omp for ordered", "for ordered"),
        ("#pragma omp ordered simd", "ordered simd"),
        ("#pragma omp atomic update", "atomic update"),
        ("#pragma omp critical (hist_lock)", "critical(hist_lock)"),
        ("#pragma omp taskloop grainsize(64) lastprivate(x)", "taskloop lastprivate(x) grainsize(64)"),
        ("#pragma omp parallel for schedule(monotonic: dynamic, 4)", "parallel for schedule(monotonic: dynamic, 4)"),
        ("#pragma omp parallel for reduction(inscan, +: x)", "parallel for reduction(inscan, +:x)"),
        ("#pragma omp parallel for reduction(+:hist[:n])", "parallel for reduction(+:hist[:n])"),
        (
            "#pragma omp target teams distribute parallel for map(to: a[0:n], b[0 : n]) map(from:c[0:n])",
            "target teams distribute parallel for map(from:c[0:n]) map(to:a[0:n], b[0:n])",
        ),
        (
            "#pragma omp parallel for default(none) shared(a,n) private(i)",
            "parallel for default(none) shared(a, n) private(i)",
        ),
        ("#pragma omp parallel for if(n > 1000) num_threads(4)", "parallel for if(n > 1000) num_threads(4)"),
        ("#pragma omp parallel for // trailing comment", "parallel for"),
        ("#pragma omp parallel for /* c */ private(k)", "parallel for private(k)"),
        ('_Pragma("omp parallel for private(t)")', "parallel for private(t)"),
        (
            "#pragma omp declare reduction(merge : std::vector<int> : omp_out.insert(omp_out.end(), omp_in.begin()))",
            "declare reduction(merge : std::vector<int> : omp_out.insert(omp_out.end(), omp_in.begin()))",
        ),
        ("#pragma omp target enter data map(to: x[0:n])", "target enter data map(to:x[0:n])"),
        ("#pragma omp parallel for, private(i), shared(a)", "parallel for shared(a) private(i)"),
        ("#pragma omp cancellation point for", "cancellation point for"),
    ],
)
def test_canonical_form(text, canonical):
    assert parse_pragma(text).canonical() == canonical


def test_canonical_is_a_fixed_point():
    text = "#pragma omp parallel for reduction(+:b,a) schedule(static) private(z , y) firstprivate(q)"
    once = parse_pragma(text).canonical()
    assert parse_pragma(once).canonical() == once


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("parallel for private(i,j) reduction(+:s)", "parallel for reduction(+ : s) private(j) private(i)", True),
        ("parallel for private(i)", "parallel for private(j)", False),
        ("parallel for reduction(+:s)", "parallel for reduction(*:s)", False),
        ("parallel for", "for", False),
        ("parallel for schedule(static)", "parallel for schedule( static )", True),
        ("parallel for private(a) private(b)", "parallel for private(b, a)", True),
        ("parallel for firstprivate(a)", "parallel for private(a)", False),
    ],
)
def test_semantic_comparison(a, b, same):
    assert parse_pragma(a).same_as(parse_pragma(b)) is same


@pytest.mark.parametrize(
    ("text", "column", "reason"),
    [
        ("parallel for privte(j)", 14, "unknown clause 'privte'"),
        ("parallel for private(j", 21, "unbalanced parentheses"),
        ("parallel for reduction(s)", 14, "needs an operator"),
        ("parallel for reduction(%:s)", 14, "unknown reduction operator"),
        ("parallel for private()", 14, "empty variable list"),
        ("parallel for private", 21, "needs a parenthesized variable list"),
        ("paralel for", 1, "expected an OpenMP directive"),
        ("#pragma once", 1, "not an OpenMP pragma"),
        ("parallel for collapse()", 14, "empty parentheses"),
    ],
)
def test_malformed_pragmas_report_column_and_reason(text, column, reason):
    with pytest.raises(PragmaError) as info:
        parse_pragma(text)
    assert info.value.column == column
    assert reason in info.value.reason


def test_list_items_may_be_non_ascii_identifiers():
    """C23, C++ and gcc/clang accept UTF-8 identifiers; the analysis proposed reduction(+:Éotal) and building the
    pragma raised PragmaError, an internal error for the whole file (found by tests/test_fuzz.py, seed 3257)."""
    assert parse_pragma("parallel for reduction(+:Éotal) private(Σ, _x)").canonical() == (
        "parallel for private(_x, Σ) reduction(+:Éotal)"
    )
    for bad in ("private(1x)", "private(-x)", "private(.x)"):
        with pytest.raises(PragmaError, match="is not a variable"):
            parse_pragma(f"parallel for {bad}")


def test_unknown_clauses_kept_only_when_allowed():
    text = "#pragma omp parallel for private(i) HYPRE_SMP_SCHEDULE"
    with pytest.raises(PragmaError):
        parse_pragma(text)
    lenient = parse_pragma(text, allow_unknown=True)
    assert lenient.canonical() == "parallel for private(i)"
    assert any(c.unknown for c in lenient.clauses)


def test_accessors():
    p = parse_pragma("#pragma omp parallel for private(t) reduction(+:s,u) reduction(max:m) collapse(2)")
    assert p.directive == ("parallel", "for")
    assert p.is_loop_directive and p.opens_parallel_region
    assert p.variables("private") == {"t"}
    assert p.reductions() == {("+", "s"), ("+", "u"), ("max", "m")}
    assert p.clause("collapse").args == "2"
    assert not parse_pragma("#pragma omp parallel").is_loop_directive
    assert not parse_pragma("#pragma omp declare simd").is_loop_directive
    assert parse_pragma("#pragma omp target teams distribute").opens_parallel_region
