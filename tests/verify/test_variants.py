"""Line-based edits: where the pragma goes, what the default(none) and schedule variants look like."""

from __future__ import annotations

import pytest

from ompgpt.verify import variants

SRC = """int main(void) {
    int s = 0, t;
    #pragma omp parallel for
    for (int i = 0; i < 10; i++) {
        t = i * 2; // "{" in a comment
        s += t;
    }
    for (int j = 0; j < 3; j++) s++;
    return s;
}
"""


def test_insert_replaces_existing_pragma_with_loop_indentation():
    out = variants.insert_pragma(SRC, 4, "#pragma omp parallel for private(t) reduction(+:s)")
    lines = out.splitlines()
    assert lines[2] == "    #pragma omp parallel for private(t) reduction(+:s)"
    assert lines[3].lstrip().startswith("for (int i")
    assert out.count("#pragma") == 1


def test_insert_adds_line_above_unannotated_loop():
    out = variants.insert_pragma(SRC, 8, "parallel for reduction(+:s)")
    lines = out.splitlines()
    assert lines[7] == "    #pragma omp parallel for reduction(+:s)"
    assert lines[8].lstrip().startswith("for (int j")
    assert len(lines) == len(SRC.splitlines()) + 1


def test_insert_splits_a_line_where_the_for_is_not_first():
    out = variants.insert_pragma("void f(int *a) { for (int i = 0; i < 4; i++) a[i] = i; }\n", 1, "parallel for")
    assert out.splitlines()[1].strip() == "#pragma omp parallel for"
    assert out.splitlines()[2].lstrip().startswith("for (int i")


def test_insert_replaces_continued_pragma_lines():
    src = (
        "void f(int *a) {\n#pragma omp parallel for \\\n    schedule(static)\n"
        "  for (int i = 0; i < 4; i++) a[i] = i;\n}\n"
    )
    out = variants.insert_pragma(src, 4, "parallel for simd")
    assert "schedule(static)" not in out
    assert out.count("#pragma omp parallel for simd") == 1


def test_line_without_for_is_an_edit_error():
    with pytest.raises(variants.EditError):
        variants.insert_pragma(SRC, 2, "parallel for")


def test_loop_text_spans_braced_body_ignoring_comment_braces():
    loop = variants.loop_text(SRC, 4)
    assert loop.startswith("for (int i")
    assert loop.rstrip().endswith("}")
    assert "s += t" in loop
    assert "j < 3" not in loop


def test_loop_text_of_unbraced_nested_loops():
    src = (
        "void f(double a[4][4]) {\n  int i, j;\n  for (i = 0; i < 4; i++)\n"
        "    for (j = 0; j < 4; j++)\n      a[i][j] = 0;\n  i = 9;\n}\n"
    )
    loop = variants.loop_text(src, 3)
    assert "a[i][j] = 0;" in loop
    assert "i = 9" not in loop


@pytest.mark.parametrize(
    ("pragma", "expected"),
    [
        ("parallel for", "parallel for default(none)"),
        ("#pragma omp parallel for default(shared) private(t)", "parallel for default(none) private(t)"),
        ("omp parallel for reduction(+:s)", "parallel for reduction(+:s) default(none)"),
    ],
)
def test_default_none_variant(pragma, expected):
    assert variants.with_default_none(pragma) == expected


def test_schedule_injected_only_into_unscheduled_worksharing_loops():
    assert variants.with_schedule("parallel for private(t)", "static,1") == "parallel for private(t) schedule(static,1)"
    assert variants.with_schedule("parallel for schedule(dynamic)", "static,1") == "parallel for schedule(dynamic)"
    assert variants.with_schedule("parallel for ordered", "static,1") == "parallel for ordered"
    assert variants.with_schedule("simd", "static,1") == "simd"
    assert variants.with_schedule("taskloop", "static,1") == "taskloop"


def test_opens_region():
    assert variants.opens_region("parallel for")
    assert not variants.opens_region("for nowait")
    assert not variants.opens_region("simd")


@pytest.mark.parametrize(
    ("body", "written"),
    [
        ("t = a[i]; b[i] = t;", {"t"}),
        ("s += a[i];", {"s"}),
        ("k++; m = --n;", {"k", "n", "m"}),
        ("f(&w, x & y, &arr[2]);", {"w"}),
        ("p.x = 1; q->y = 2;", {"p"}),
        ("if (z == 3 && u <= 2 && v != 1) b[z] = 1;", set()),
        ("a[idx] = 1; *ptr = 2;", set()),
    ],
)
def test_written_names(body, written):
    names = {"t", "s", "k", "m", "n", "w", "x", "y", "arr", "p", "q", "z", "u", "v", "a", "idx", "ptr", "b"}
    assert variants.written_names(body, names) == written
