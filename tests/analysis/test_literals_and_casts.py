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
