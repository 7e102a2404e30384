from ompgpt.analysis import analyze_snippet


def test_negative_literal_bounds_give_a_trip_count():
    # tree-sitter folds the sign into the literal (`-1` is one number_literal)
    small = analyze_snippet("for (int dy = -1; dy <= 1; ++dy) acc += in[dy];")
    assert small.profitability["trip_count"] == 3 and not small.profitability["profitable"]


def test_negative_offset_subscript_is_a_carried_dependence():
    assert analyze_snippet("for (int i = 1; i < 100; i++) a[i] = a[i + -1] * 2;").verdict == "serial"


def test_cpp_casts_are_not_calls_with_side_effects():
    res = analyze_snippet("for (int i = 0; i < n; ++i) img[i] = static_cast<float>((i * 37) % 256);", "cpp")
    assert res.verdict == "parallel", res.reasons


def test_cpp_functional_casts_are_not_calls_with_side_effects():
    # `double(i)` parses as a call; it was "a call to double with unknown side effects", so every C++ loop with a
    # functional cast to an arithmetic type (~600 in the training split) lost its verdict
    res = analyze_snippet("for (int i = 0; i < n; ++i) y[i] = double(i) * float(k) + std::size_t(n);", "cpp")
    assert res.verdict == "parallel", res.reasons
    assert analyze_snippet("for (int i = 0; i < n; ++i) y[i] = Vec(i);", "cpp").verdict == "unknown"  # a class


def test_calls_of_type_names_the_file_uses_are_casts_not_calls_of_unknown_effect():
    """LULESH's `Real_t(0.5)` (a typedef from its header, used for declarations in the file) kept 170
    human-parallelized training loops unproven. A name the file also declares as a function (`struct stat` and
    `stat()`) stays a call."""
    from ompgpt.analysis import analyze_file
    from ompgpt.source import SourceFile

    text = (
        "struct stat { int st_size; };\nint stat(const char *p, struct stat *s);\n"
        "void f(int n, Real_t *restrict x, const Real_t *restrict y, struct stat *st, const char **names) {\n"
        "  for (int i = 0; i < n; i++) x[i] = Real_t(0.5) * y[i];\n"
        "  for (int i = 0; i < n; i++) stat(names[i], &st[i]);\n}\n"
    )
    cast, call = analyze_file(SourceFile.from_text(text, "cpp"))
    assert cast.verdict == "parallel", cast.reasons
    assert call.verdict == "unknown" and call.unknown_calls == ["stat"]
    # a name the file also declares as a variable is not a type, whatever else parses like a type use (gadgetron's
    # `EXPORT void f(const hoNDArray<T>& kspace)` instantiations made `kspace(ro, e1)` look like a cast)
    text = (
        "void g(void) { kspace *p; }\n"
        "void f(double *restrict x, Array kspace, int n) { for (int i = 0; i < n; i++) x[i] = kspace(i); }\n"
    )
    (accessor,) = analyze_file(SourceFile.from_text(text, "cpp"))
    assert accessor.verdict == "unknown" and accessor.unknown_calls == ["kspace"]
    # a constructor given several arguments or an address may change them (STRUMPACK's LInfo_t(fp[l], h, &A))
    text = "void f(Info *restrict d, int n, Handle h, Mat A) {\n"
    text += "  for (int l = 0; l < n; l++) d[l] = Info(l, h, &A);\n}\n"
    (built,) = analyze_file(SourceFile.from_text(text, "cpp"))
    assert built.verdict == "unknown" and built.unknown_calls == ["Info"]


def test_upper_case_math_macros_are_pure():
    res = analyze_snippet("for (int i = 0; i < n; ++i) y[i] = FABS(y[i]) + SQRT(y[i]);")
    assert res.verdict == "parallel", res.reasons
    assert analyze_snippet("for (int i = 0; i < n; ++i) y[i] = UPDATE(y[i]);").verdict == "unknown"


def test_array_reduction_names_declared_arrays_whole_and_never_guesses_a_parameter_extent():
    from ompgpt.analysis import analyze_file
    from ompgpt.source import SourceFile

    text = (
        "long g[64];\n"
        "void f(int n, const int *restrict x, long p[64]) {\n"
        "  for (int i = 0; i < n; i++) g[x[i] % 64] += 1;\n"
        "  for (int i = 0; i < n; i++) p[x[i] % 64] += 1;\n"
        "}\n"
    )
    whole, section = analyze_file(SourceFile.from_text(text))
    assert whole.reductions == ["+:g"] and whole.pragma.endswith("reduction(+:g)")
    assert section.verdict != "parallel" and "p" in section.needs_atomic  # `long p[64]` is a pointer


def test_restrict_macro_in_a_body_declaration_keeps_the_pointer_a_local():
    # ImageMagick declares row pointers `const Quantum *magick_restrict p;` in the loop body; unmasked, tree-sitter
    # read `Quantum *magick_restrict` as a product, lost the declaration and the analysis called for private(p, q)
    body = (
        "for (y=0; y < (ssize_t) image->rows; y++)\n{\n"
        "  const Quantum\n    *magick_restrict p;\n"
        "  Quantum *MAGICK_RESTRICT q;\n"
        "  ssize_t x;\n"
        "  if (status == MagickFalse)\n    continue;\n"
        "  p=GetCacheViewVirtualPixels(view,0,y,image->columns,1,exception);\n"
        "  q=QueueCacheViewAuthenticPixels(view,0,y,image->columns,1,exception);\n"
        "  for (x=0; x < 10; x++) q[x] = p[x];\n"
        "}"
    )
    with_macro = analyze_snippet(body, "c")
    with_keyword = analyze_snippet(
        body.replace("magick_restrict", "restrict").replace("MAGICK_RESTRICT", "restrict"), "c"
    )
    assert {"p", "q"} <= set(with_macro.locals) and not {"p", "q"} & set(with_macro.private)
    assert (with_macro.verdict, with_macro.private, with_macro.locals) == (
        with_keyword.verdict,
        with_keyword.private,
        with_keyword.locals,
    )


def test_a_snippet_scalar_written_but_never_read_is_its_result_not_a_private_temporary():
    # `status = MagickFalse;` / `found = 1;` under a condition: the code after the loop reads it. Privatized (the
    # old snippet assumption "undeclared names are dead after the loop"), the parallel loop would lose the write.
    flag = analyze_snippet("for (int i = 0; i < n; i++) { if (a[i] < 0) { ok = 0; continue; } b[i] = a[i]; }", "c")
    assert "ok" not in flag.private and flag.verdict != "parallel"
    assert any("output dependence on ok" in r for r in flag.reasons)
    last = analyze_snippet("for (int i = 0; i < n; i++) { last = a[i]; b[i] = 2 * a[i]; }", "c")
    assert last.lastprivate == ["last"] and "last" not in last.private
    temporary = analyze_snippet("for (int i = 0; i < n; i++) { t = a[i]; b[i] = t * t; }", "c")
    assert temporary.private == ["t"]


def test_a_large_array_is_not_reduced_per_thread_and_macro_sizes_are_evaluated():
    """`A[i] += ...` under a repetition loop is an array reduction over that loop; for a 320,000-double `A`
    (`#define N 64*5000`) every thread's private copy went on its stack and the program segfaulted at 2 threads
    (verify audit, aomp issue_001.c). Beyond 1 MiB it is a carried dependence and the inner loop is chosen."""
    from ompgpt.analysis import analyze_file
    from ompgpt.source import SourceFile

    def nest(size: str) -> str:
        return (
            f"#define N {size}\n"
            "double A[N], B[N];\n"
            "void f(int trials) {\n"
            "  for (int t = 0; t < trials; t++)\n"
            "    for (int i = 0; i < N; i++) A[i] += B[i];\n"
            "}\n"
        )

    outer, inner = analyze_file(SourceFile.from_text(nest("64*5000")))
    assert outer.verdict == "serial" and "MiB copy on every thread's stack" in outer.reasons[0]
    assert inner.pragma == "#pragma omp parallel for" and inner.profitability["trip_count"] == 320000
    outer, inner = analyze_file(SourceFile.from_text(nest("(16 << 4) + 0")))  # 256 doubles: a cheap copy
    # a runtime number of trials: the innermost loop stays whole (analysis/cost.py collapse_depth)
    assert outer.pragma == "#pragma omp parallel for reduction(+:A)" and not inner.parallelize


def test_min_max_macros_named_like_omp_min_are_reductions():
    """`i32_min = OMP_MIN(i32_min, x[j])` (a project macro) was a call of unknown effect and a carried
    dependence; upper-case names ending in _MIN / _MAX are min/max like MIN and fmin (verify audit)."""
    res = analyze_snippet("for (int j = 0; j < n; j++) { lo = OMP_MIN(lo, x[j]); hi = MY_MAX(x[j], hi); }")
    assert res.verdict == "parallel" and res.reductions == ["max:hi", "min:lo"], res.reasons
    assert analyze_snippet("for (int j = 0; j < n; j++) lo = OMP_MINIMUM(lo, x[j]);").verdict != "parallel"


def test_function_like_index_macros_are_affine_subscripts():
    """`a[INDEX(i, j)]` with `#define INDEX(i,j) ((i)*N+(j))` was a call of unknown effect, so no nest using such
    a macro (common in C) could be proven; its body is now substituted into the subscript."""
    from ompgpt.analysis import analyze_file
    from ompgpt.source import SourceFile

    text = (
        "#define N 10000\n#define INDEX(i,j) ((i)*N+(j))\ndouble a[N*N], b[N*N];\n"
        "void f(void) {\n  for (int i = 0; i < N; i++)\n    for (int j = 0; j < N; j++)\n"
        "      a[INDEX(i,j)] = 2 * b[INDEX(i,j)];\n"
        "  for (int i = 1; i < N; i++)\n    for (int j = 0; j < N; j++)\n"
        "      a[INDEX(i,j)] = a[INDEX(i-1,j)];\n}\n"
    )
    first, _, second, second_inner = analyze_file(SourceFile.from_text(text))
    assert first.pragma == "#pragma omp parallel for", first.reasons  # 10000 rows: no collapse needed
    assert second.verdict != "parallel" and second_inner.pragma == "#pragma omp parallel for"


def test_const_integers_are_numbers_where_they_are_not_shadowed():
    """`const int N = 1000;` (C++ style, and C99 locals) bounds loops and sizes arrays as a `#define` does; a
    parameter of the same name hides the file-scope one."""
    from ompgpt.analysis import analyze_file
    from ompgpt.source import SourceFile

    text = (
        "const int N = 64;\nconstexpr long M = 2 * N;\n"
        "void f(int N, double *restrict a) { for (int i = 0; i < N; i++) a[i] = 1; }\n"
        "void g(double *restrict a) { for (int i = 0; i < M; i++) a[i] = 1; }\n"
        "void h(double *restrict a) { const int K = 3000; for (int i = 0; i < K; i++) a[i] = 1; }\n"
    )
    shadowed, global_, local = analyze_file(SourceFile.from_text(text, "cpp"))
    assert shadowed.profitability["trip_count"] is None
    assert global_.profitability["trip_count"] == 128
    assert local.profitability["trip_count"] == 3000


def test_strict_aliasing_reads_the_files_typedefs():
    """`real_t` is `double` through two typedefs, `idx_t` is `int`: x and ix cannot overlap (different scalar
    types), x and y can (the same type)."""
    from ompgpt.analysis import analyze_file
    from ompgpt.source import SourceFile

    text = (
        "typedef double real;\ntypedef real real_t;\ntypedef int idx_t;\n"
        "void f(real_t *x, const idx_t *ix, const double *y, int n) {\n"
        "  for (int i = 0; i < n; i++) x[i] = ix[i];\n  for (int i = 0; i < n; i++) x[i] = y[i];\n}\n"
    )
    typed, same = analyze_file(SourceFile.from_text(text))
    assert typed.verdict == "parallel" and any("strict aliasing" in a for a in typed.assumptions)
    assert same.verdict == "unknown" and any("x and y may refer" in r for r in same.reasons)
