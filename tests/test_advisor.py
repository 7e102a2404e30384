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


def test_orphaned_for_is_promoted_outside_a_parallel_region():
    loop, an = _loop("for (int i = 0; i < 1000; i++) s += a[i];")
    d = advise(loop, an, [("for nowait", 0.8)])
    assert d.pragma == "#pragma omp parallel for reduction(+:s)"
    assert any("promoted to 'parallel for'" in r for r in d.reasons)


def test_for_stays_a_worksharing_loop_inside_a_parallel_region():
    text = PRELUDE + "void f(void) {\n#pragma omp parallel\n{\nfor (int i = 0; i < 1000; i++) a[i] = b[i];\n}\n}\n"
    file_scan = scan(SourceFile.from_text(text, "c"))
    loop = file_scan.loops[0]
    assert loop.in_parallel_region
    d = advise(loop, analyze_loop(loop, file_scan, AnalysisOptions()), [("for", 0.8)])
    assert d.pragma == "#pragma omp for"


def test_inside_a_parallel_region_the_analysis_answer_is_a_worksharing_for():
    """No model candidate: the proven-parallel loop gets the analysis's pragma, as `for`, not a nested
    `parallel for`; the evaluation's stand-in for a record's loop (its `in_parallel_region` field) gets the same."""
    from ompgpt.advisor import advise_given
    from ompgpt.evaluate.adapters import item_place
    from ompgpt.evaluate.records import EvalItem

    text = PRELUDE + "void f(void) {\n#pragma omp parallel\n{\nfor (int i = 0; i < 1000; i++) a[i] = b[i];\n}\n}\n"
    file_scan = scan(SourceFile.from_text(text, "c"))
    loop = file_scan.loops[0]
    an = analyze_loop(loop, file_scan, AnalysisOptions())
    assert an.verdict == "parallel" and advise(loop, an).pragma == "#pragma omp for"
    place = item_place(EvalItem("x:1", "", "for", {"in_parallel_region": True}))
    assert advise_given(place, an, [("none", 0.9)]).pragma == "#pragma omp for"
    assert advise_given(item_place(EvalItem("x:2", "", "for", {})), an, []).pragma == "#pragma omp parallel for"


def test_inside_a_parallel_region_a_model_parallel_for_is_demoted_to_for():
    """The model's `parallel for` there would nest a team per thread (each running every iteration with nesting off):
    it was kept as written, while the analysis's own answer was demoted. The `parallel`-only clauses go with it."""
    from ompgpt.advisor import advise_given

    text = PRELUDE + "void f(void) {\n#pragma omp parallel\n{\nfor (int i = 0; i < 1000; i++) a[i] = g(b[i]);\n}\n}\n"
    file_scan = scan(SourceFile.from_text(text, "c"))
    loop = file_scan.loops[0]
    an = analyze_loop(loop, file_scan, AnalysisOptions())
    assert loop.in_parallel_region and an.verdict == "unknown"
    cands = [("parallel for num_threads(4) shared(a, b) schedule(dynamic)", 0.8)]
    d = advise(loop, an, cands, mode="suggest")
    assert d.pragma == "#pragma omp for schedule(dynamic)"
    assert any("demoted" in r for r in d.reasons)
    assert advise_given(loop, an, cands).pragma == "#pragma omp for schedule(dynamic)"


def test_a_loop_outside_openmp_canonical_form_gets_no_model_pragma_unless_verified():
    """A range-based for, a comma increment, an induction variable the body changes or a 'break': a loop directive
    would not apply as written, so the model's guess is not suggested (it was, as 'needs verification'); verified by
    execution it is; told a pragma is needed, the best one is still given."""
    from ompgpt.advisor import advise_given

    for body in (
        "for (int i = 0, j = 999; i < 1000; ++i, --j) a[i] = g(b[j]);",
        "for (int i = 0; i < 1000; i++) { a[i] = g(b[i]); if (a[i] > 3) i++; }",
        "for (int i = 0; i < 1000; i++) { if (b[i] < 0) break; a[i] = g(b[i]); }",  # gcc: break in an omp for
    ):
        loop, an = _loop(body)
        assert an.verdict == "unknown" and an.directive_blocker, body
        d = advise(loop, an, [("parallel for", 0.9)], mode="suggest")
        assert d.action == "none" and "no loop directive applies" in d.reasons[0], body
        assert advise(loop, an, [("parallel for", 0.9)], mode="suggest", verified=True).action == "insert"
        assert advise_given(loop, an, [("parallel for", 0.9)]).pragma == "#pragma omp parallel for"
    loop, an = _loop("for (int i = 0; i < 1000; i += idx[0]) a[i] = g(b[i]);")  # OpenMP accepts an invariant step
    assert an.directive_blocker is None and advise(loop, an, [("parallel for", 0.9)], mode="suggest").action == "insert"


def test_a_short_constant_trip_loop_gets_no_new_pragma_below_min_trip_count():
    """The rule `ompgpt annotate` applied before asking the advisor, now the advisor's own, so the evaluation's
    advisor predictors decide as annotate does."""
    from ompgpt.advisor import advise_given

    loop, an = _loop("for (int i = 0; i < 8; i++) a[i] = b[i] * 2.0;")
    assert an.verdict == "parallel" and an.profitability["trip_count"] == 8
    d = advise(loop, an, [("parallel for", 0.9)], mode="suggest")
    assert d.action == "none" and d.reasons[0] == "runs 8 iterations, fewer than min-trip-count 64"
    lower = advise(loop, an, [("parallel for", 0.9)], mode="suggest", min_trip_count=8)
    assert not any("min-trip-count" in r for r in lower.reasons)  # then the analysis's own work estimate decides
    assert advise_given(loop, an, [("parallel for", 0.9)]).pragma == "#pragma omp parallel for"


def test_a_header_declared_induction_variable_is_never_named_in_a_clause():
    """`for (int i ...)` with the model's `private(i)` compiled to "'i' undeclared" (found by
    benchmarks/annotate_compile_audit.py); declared outside the loop, naming it stays allowed (harmless style)."""
    for body, kept in (
        ("for (int i = 0; i < 1000; i++) a[i] = b[i];", False),
        ("int i; for (i = 0; i < 1000; i++) a[i] = b[i];", True),
        ("for (int i = 0; i < 1000; i++) a[i] = g(b[i]);", False),  # unknown verdict: the model's clauses path
    ):
        loop, an = _loop(body)
        for cand in ("parallel for private(i)", "parallel for lastprivate(i)"):
            d = advise(loop, an, [(cand, 0.9)], mode="suggest")
            assert d.pragma is not None and ("(i)" in d.pragma) == kept, (body, cand, d.pragma)


def test_a_model_num_threads_naming_an_array_of_the_loop_is_dropped():
    """`num_threads(num_threads)` where the loop fills an array `num_threads[j]` did not compile (compile audit)."""
    for body in ("for (int j = 0; j < 1000; j++) idx[j] = j;", "for (int j = 0; j < 1000; j++) idx[j] = g(j);"):
        loop, an = _loop(body)
        d = advise(loop, an, [("parallel for num_threads(idx)", 0.9)], mode="suggest")
        assert d.pragma == "#pragma omp parallel for", (body, d.pragma)
        kept = advise(loop, an, [("parallel for num_threads(nt)", 0.9)], mode="suggest")
        assert kept.pragma == "#pragma omp parallel for num_threads(nt)", (body, kept.pragma)


def test_no_model_pragma_for_a_loop_that_updates_the_same_elements_every_iteration():
    """`outvec[i] += ...` inside a repetition loop over `iloop`: the model's `parallel for collapse(2)` raced (TSan,
    verify audit, vectorsum.c); elements that only may meet (a histogram) still get the model's pragma."""
    from ompgpt.analysis import analyze_snippet

    code = "for (int k = 0; k < nloops; ++k)\n  for (int i = 0; i < n; ++i) out[i] += in[i] * c[k];"
    an = analyze_snippet(code, "c")
    assert an.verdict == "unknown" and an.colliding_updates == ["out"]
    d = advise(None, an, [("parallel for collapse(2)", 0.8)], mode="suggest")
    assert d.pragma is None and "every iteration updates the same elements" in d.reasons[-1]
    hist = analyze_snippet("for (int i = 0; i < n; ++i) h[key[i]] += 1;", "c")
    assert hist.needs_atomic == ["h"] and not hist.colliding_updates


def test_constant_elements_accumulated_through_a_pointer_get_a_section_reduction():
    """`*red += arr[i]` with `double *red`: the model's reduction(+:red) does not compile for a pointer
    (compile audit, aomp target_alloc_fast_fp_atomics.cpp); the analysis's section reduction does, and replaces
    it. An undeclared name (a snippet's) may be an array, where the bare name is right."""
    from ompgpt.analysis import analyze_snippet

    code = (
        "void f(int n, const double *arr, double *red) {\n"
        "  for (int i = 0; i < n; i++) { *red += arr[i]; red[2] += 1; }\n}"
    )
    an = analyze_snippet(code, "c")
    assert an.reductions == ["+:red[:3]"] and not an.colliding_updates
    d = advise(None, an, [("parallel for reduction(+:red)", 0.9)], mode="suggest")
    assert d.pragma == "#pragma omp parallel for reduction(+:red[:3])"
    bare = analyze_snippet("for (int i = 0; i < n; i++) { *red += arr[i]; }", "c")  # may be an array: as before
    assert bare.reductions == [] and bare.unsized_reductions == ["+:red"]


def test_with_a_call_of_unknown_effect_a_model_clause_on_a_scalar_the_loop_only_reads_is_still_dropped():
    """`reduction(min:stop)` on the inner loop's bound (verify audit, HPCInfo c99-omp-min-max.c) and
    `reduction(+:cnt)` on an inner bound (validation) were kept because a call might write any variable; a callee
    can only change what it is given (`&x`, or a macro's bare `x`), so only those stay open."""
    from ompgpt.analysis import analyze_snippet

    an = analyze_snippet("for (int i = 0; i < n; i++) for (int j = 0; j < stop; j++) out[i * m + j] = g(j);", "c")
    assert an.unknown_calls == ["g"] and "stop" not in an.escaped
    for cand in ("parallel for reduction(min:stop)", "parallel for private(stop)"):
        assert advise(None, an, [(cand, 0.9)], mode="suggest").pragma == "#pragma omp parallel for", cand
    an = analyze_snippet("for (int i = 0; i < n; i++) { h(&cnt); MAC(tot); out[i] = g(i); }", "c")
    assert {"cnt", "tot"} <= set(an.escaped)
    d = advise(None, an, [("parallel for reduction(+:cnt, tot)", 0.9)], mode="suggest")
    assert d.pragma == "#pragma omp parallel for reduction(+:cnt, tot)"


def test_a_model_private_of_an_array_the_loop_only_reads_is_dropped():
    """`private(ky)` for a coefficient array the loop reads as `ky[index]` left it uninitialized: NaN (verify
    audit, aomp SAtealeaf Loop1.c); a scratch array the loop writes keeps the model's clause."""
    from ompgpt.analysis import analyze_snippet

    an = analyze_snippet("for (int i = 1; i < n; i++) { w[i] = ky[i] * p[i] + g(i); }", "c")
    assert an.verdict == "unknown"
    d = advise(None, an, [("parallel for private(ky)", 0.9)], mode="suggest")
    assert d.pragma == "#pragma omp parallel for"
    an = analyze_snippet("for (int i = 1; i < n; i++) { t[i % 4] = g(i); w[i] = t[i % 4]; }", "c")
    assert an.verdict == "unknown"
    assert "private(t)" in advise(None, an, [("parallel for private(t)", 0.9)], mode="suggest").pragma


def test_given_a_pragma_is_needed_the_advisor_answers_even_for_a_serial_loop():
    from ompgpt.advisor import advise_given

    loop, an = _loop("for (int i = 1; i < 1000; i++) { t = a[i - 1]; a[i] = t + 1; }")
    assert advise(loop, an, [("none", 0.7), ("for", 0.2)]).pragma is None
    d = advise_given(loop, an, [("none", 0.7), ("for", 0.2)])
    assert d.pragma == "#pragma omp parallel for private(t)" and d.needs_verification
    assert advise_given(loop, an, []).pragma == "#pragma omp parallel for private(t)"
    loop, an = _loop("for (int i = 0; i < 1000; i++) s += a[i];")
    assert advise_given(loop, an, [("none", 0.9)]).pragma == "#pragma omp parallel for reduction(+:s)"


def test_unknown_verdict_model_clauses_that_contradict_the_scalar_facts_are_dropped():
    """Memory is undecided (indirect write), but the scalars are known: t is only read, so the model's private(t)
    would leave it uninitialized; s is written before it is read, so reduction(+:s) would be wrong too."""
    loop, an = _loop("for (int i = 0; i < 1000; i++) a[idx[i]] = b[i] * t;")
    assert an.verdict == "unknown"
    d = advise(loop, an, [("parallel for private(t) schedule(static)", 0.8)], mode="suggest")
    assert d.pragma == "#pragma omp parallel for schedule(static)"
    loop, an = _loop("for (int i = 0; i < 1000; i++) { s = b[i]; a[idx[i]] = s * 2; }")
    d = advise(loop, an, [("parallel for reduction(+:s)", 0.8)], mode="suggest")
    assert d.pragma == "#pragma omp parallel for lastprivate(s)"  # `return s` reads it after the loop
    loop, an = _loop("for (int i = 0; i < 1000; i++) { s += b[i]; a[idx[i]] = b[i]; }")
    assert an.verdict == "unknown"
    d = advise(loop, an, [("parallel for reduction(max:s) private(s)", 0.8)], mode="suggest")
    assert d.pragma == "#pragma omp parallel for reduction(+:s)"


def test_a_models_private_is_made_lastprivate_where_the_value_is_used_after_the_loop():
    """`sum = a[i]` each iteration and `Sum = sum` printed after: the model's private(sum) was kept (and a missing
    lastprivate was even added as private), so the parallel program printed 0 (verify audit, aomp manyKernels.c)."""
    loop, an = _loop("for (int i = 0; i < 1000; i++) { a[idx[i]] = b[i]; s = a[i]; }")
    assert an.verdict == "unknown" and an.lastprivate == ["s"]
    for cand in ("parallel for private(s)", "parallel for"):
        assert advise(loop, an, [(cand, 0.8)], mode="suggest").pragma == "#pragma omp parallel for lastprivate(s)"


def test_a_models_reduction_of_a_flag_the_loop_only_assigns_is_dropped():
    """`if (...) flag = 1;` combines nothing: reduction(&&:flag) would start each thread's copy at 1 and lose the
    serial answer 0 (a finufft example's pragma is a plain `parallel for`)."""
    from ompgpt.analysis import analyze_snippet

    code = "for (int i = 0; i < n; i++) {\n  int ier = test(&opts);\n  if (ier != 0) overallstatus = 1;\n}"
    an = analyze_snippet(code, "cpp")
    assert an.verdict == "unknown" and "overallstatus" not in an.private
    d = advise(None, an, [("parallel for reduction(&&:overallstatus)", 0.8)], mode="suggest")
    assert d.pragma == "#pragma omp parallel for"


def test_model_clauses_on_loop_locals_read_only_arrays_and_indexed_pointers_are_dropped():
    """Seen on validation loops with a CPU-trained model: reduction(+:sum) of a `float sum` declared in the body (out
    of scope at the pragma), reduction(+:count) of an array the loop only reads, reduction(+:out) of a pointer it
    only indexes (does not compile)."""
    from ompgpt.analysis import analyze_snippet

    code = (
        "for (int c = 0; c < n; ++c) {\n  float sum = 0.f;\n  for (int i = 0; i < m; ++i) sum += in[c * m + i];\n"
        "  int start = count[c];\n  out[idx[c]] = sum / m + start;\n}"
    )
    an = analyze_snippet(code, "c")
    assert an.verdict == "unknown" and "sum" in an.locals
    for clause in ("reduction(+:sum)", "reduction(+:count)", "reduction(+:out)", "private(sum, i)"):
        assert advise(None, an, [(f"parallel for {clause} schedule(static)", 0.8)], mode="suggest").pragma == (
            "#pragma omp parallel for schedule(static)"
        ), clause


def test_harmless_clauses_of_the_developer_or_the_model_are_kept():
    """private(i) of the loop's own (outside-declared) index and firstprivate of a scalar the loop only reads
    change nothing; the analysis's clauses are added beside them, not instead (LULESH writes firstprivate(numElem),
    C89 code private(i, j))."""

    def c89(pragma: str):
        text = PRELUDE + f"void f(double s) {{\n  int i;\n  double t;\n{pragma}\n"
        text += "  for (i = 0; i < 1000; i++) { t = b[i] * s; a[i] = t; }\n}\n"
        file_scan = scan(SourceFile.from_text(text, "c"))
        loop = file_scan.loops[0]
        return loop, analyze_loop(loop, file_scan, AnalysisOptions())

    loop, an = c89("#pragma omp parallel for private(i) firstprivate(s)")
    assert an.verdict == "parallel" and loop.pragma is not None
    d = advise(loop, an, [])
    assert d.action == "replace" and d.pragma == "#pragma omp parallel for private(i, t) firstprivate(s)"
    loop, an = c89("")
    assert advise(loop, an, [("parallel for private(i, t)", 0.8)]).pragma == "#pragma omp parallel for private(i, t)"


def test_unknown_calls_keep_the_models_private_clause():
    """In a snippet, f(&t) may write t: the analysis cannot know that t is only read, so the model's private(t)
    stays."""
    from ompgpt.analysis import analyze_snippet

    an = analyze_snippet("for (i = 0; i < n; i++) { f(&t); a[i] = b[i] * t; }", "c", AnalysisOptions(snippet=True))
    assert an.verdict == "unknown" and an.unknown_calls == ["f"]
    d = advise(None, an, [("parallel for private(t)", 0.8)], mode="suggest")
    assert d.pragma == "#pragma omp parallel for private(t)"


def test_a_models_collapse_is_cut_to_the_perfectly_nested_loops():
    """Seen on validation (CIL's 2-D filters): the model wrote collapse(3) on a two-deep nest, which gcc rejects
    ("not enough perfectly nested loops"); two loops fold, and on a loop with nothing nested the clause goes."""
    from ompgpt.analysis import analyze_snippet

    nest = "for (i = 0; i < nx; i++)\n  for (j = 0; j < ny; j++)\n    smooth(in, out, i, j, nx, ny);"
    an = analyze_snippet(nest, "c", AnalysisOptions(snippet=True))
    assert an.verdict == "unknown" and an.nest_depth == 2
    d = advise(None, an, [("parallel for private(j) collapse(3)", 0.8)], mode="suggest")
    assert d.pragma == "#pragma omp parallel for private(j) collapse(2)"
    assert advise(None, an, [("parallel for collapse(2)", 0.8)], mode="suggest").pragma == (
        "#pragma omp parallel for private(j) collapse(2)"
    )
    single = analyze_snippet("for (i = 0; i < nx; i++) smooth(in, out, i, nx);", "c", AnalysisOptions(snippet=True))
    assert single.nest_depth == 1
    assert advise(None, single, [("parallel for collapse(2)", 0.8)], mode="suggest").pragma == (
        "#pragma omp parallel for"
    )


def test_a_models_reduction_of_an_array_accumulated_at_fixed_elements_stays():
    """GraphMiner counts motifs into counter[0..5] with reduction(+:counter): in a snippet the array's size is
    unknown, so the analysis cannot write the clause, but it must not veto the model's (it used to call the loop
    serial, then to drop the clause as a reduction of an array the loop only indexes); another operator goes, and
    without a reduction the loop would race, so nothing is suggested."""
    from ompgpt.analysis import analyze_snippet

    code = "for (int v = 0; v < n; v++) {\n  counter[0] += degree(v);\n  counter[2] += triangles(v);\n}"
    an = analyze_snippet(code, "cpp")
    assert an.verdict == "unknown" and an.unsized_reductions == ["+:counter"]
    d = advise(None, an, [("parallel for reduction(+:counter) schedule(dynamic, 1)", 0.8)], mode="suggest")
    assert d.pragma == "#pragma omp parallel for reduction(+:counter) schedule(dynamic, 1)"
    d = advise(None, an, [("parallel for reduction(max:counter)", 0.8)], mode="suggest")
    assert d.pragma is None and "every iteration updates the same elements" in d.reasons[-1]  # it would race


def test_a_models_reduction_of_a_class_typed_variable_is_dropped():
    """`Eigen::Vector3d sum; sum += p[j]` is a carried dependence (no built-in reduction for class types): told a
    pragma is needed, the advisor must not keep the model's reduction(+:sum), which does not compile."""
    from ompgpt.advisor import advise_given
    from ompgpt.analysis import analyze_file

    text = (
        "#include <Eigen/Dense>\nvoid f(const Eigen::Vector3d *p, int n, Eigen::Vector3d &out) {\n"
        "  Eigen::Vector3d sum = Eigen::Vector3d::Zero();\n  for (int j = 0; j < n; j++) sum += p[j];\n"
        "  out = sum;\n}\n"
    )
    file_scan = scan(SourceFile.from_text(text, "cpp"))
    an = analyze_file(file_scan)[0]
    assert an.verdict == "serial"
    d = advise_given(file_scan.loops[0], an, [("parallel for reduction(+:sum)", 0.9)])
    assert d.pragma == "#pragma omp parallel for"


def test_a_models_private_or_reduction_of_a_scoped_name_is_dropped():
    """`private(parallel::g_scratchMem)` (EDGE's scratch pointer, a static member there) does not compile: a
    static data member is predetermined shared, and a snippet cannot tell it from a namespace variable."""
    from ompgpt.advisor import advise_given
    from ompgpt.analysis import AnalysisOptions, analyze_snippet

    code = "for (int t = 0; t < n; t++) {\n  ns::tmp = a[t];\n  b[t] = ns::tmp * 2;\n}"
    an = analyze_snippet(code, "cpp", AnalysisOptions(snippet=True))
    assert an.verdict == "serial" and an.private == [] and an.lastprivate == []
    d = advise_given(None, an, [("parallel for private(ns::tmp)", 0.9)])
    assert d.pragma == "#pragma omp parallel for"
    d = advise_given(None, an, [("parallel for reduction(+:ns::tmp)", 0.9)])
    assert d.pragma == "#pragma omp parallel for"


def test_triangular_loop_gets_the_analysis_schedule_unless_the_model_chose_one():
    body = "for (int i = 0; i < 1000; i++) { double u = 0; for (int j = 0; j < i; j++) u += a[j]; b[i] = u; }"
    loop, an = _loop(body)
    assert an.schedule == "static, 1"
    plain = advise(loop, an, [("parallel for", 0.8)])
    assert plain.pragma == "#pragma omp parallel for schedule(static, 1)"
    chosen = advise(loop, an, [("parallel for schedule(dynamic)", 0.8)])
    assert chosen.pragma == "#pragma omp parallel for schedule(dynamic)"
