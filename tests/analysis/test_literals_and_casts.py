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
