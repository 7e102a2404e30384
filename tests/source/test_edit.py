from ompgpt.source import SourceFile, find_loops
from ompgpt.source.edit import insert_pragma, remove_pragma, restore_pragmas, set_loop_pragma, strip_omp_pragmas

TEXT = """void f(int n, double *a, double *b) {
    double s = 0;
#pragma omp parallel for \\
        reduction(+:s)
    for (int i = 0; i < n; i++) s += a[i];
    _Pragma("omp parallel for") for (int i = 0; i < n; i++) b[i] = a[i];
#pragma omp parallel
    {
#pragma omp for
        for (int i = 0; i < n; i++) b[i] += 1;
    }
}
"""


def test_strip_removes_every_omp_pragma_and_restore_is_exact():
    stripped, removed = strip_omp_pragmas(TEXT)
    assert "omp" not in stripped
    assert "    for (int i = 0; i < n; i++) b[i] = a[i];" in stripped
    assert restore_pragmas(stripped, removed) == TEXT


def test_strip_keeps_crlf_and_other_pragmas():
    text = "#pragma once\r\nvoid f(int n,int*a){\r\n#pragma omp simd\r\nfor(int i=0;i<n;i++)a[i]=0;\r\n}\r\n"
    stripped, removed = strip_omp_pragmas(text)
    assert stripped == "#pragma once\r\nvoid f(int n,int*a){\r\nfor(int i=0;i<n;i++)a[i]=0;\r\n}\r\n"
    assert restore_pragmas(stripped, removed) == text


def test_insert_keeps_indentation_and_line_endings():
    text = "void f(){\r\n\tfor(int i=0;i<4;i++) g(i);\r\n}\r\n"
    out = insert_pragma(text, 2, "parallel for")
    assert out == "void f(){\r\n\t#pragma omp parallel for\r\n\tfor(int i=0;i<4;i++) g(i);\r\n}\r\n"


def test_insert_splits_a_line_where_the_loop_does_not_start_it():
    text = "void f(int c){\n  if (c) for (int i = 0; i < 4; i++) g(i);\n}\n"
    (loop,) = find_loops(SourceFile.from_text(text))
    out = set_loop_pragma(text, loop, "parallel for")
    assert out == "void f(int c){\n  if (c)\n  #pragma omp parallel for\n  for (int i = 0; i < 4; i++) g(i);\n}\n"
    (again,) = find_loops(SourceFile.from_text(out))
    assert again.pragma.canonical() == "parallel for"


def test_a_split_line_keeps_every_byte_but_the_blanks_before_the_loop():
    """The split used to rstrip() all whitespace: a form feed, \\v, \\x85 or U+2028 before the loop was lost
    (found by tests/test_fuzz.py, seed 188 among others). Only spaces and tabs give way to the line break now."""
    for sep in ("\f", "\v", "\x85", "\u2028", "\x1c"):
        text = f"void f(int n, double *a) {{\n  double s = 0;{sep}  for (int i = 0; i < n; i++) a[i] = s;\n}}\n"
        (loop,) = find_loops(SourceFile.from_text(text))
        out = set_loop_pragma(text, loop, "parallel for")
        assert out == text.replace(f"{sep}  for", f"{sep}\n  #pragma omp parallel for\n  for"), repr(sep)


def test_a_loop_after_a_character_c_does_not_skip_gets_its_own_line():
    """U+2029, \\x85 or \\x1d before a loop were taken for indentation (str.strip): the pragma went above them and
    governed nothing, so every run of annotate added one more (found by tests/test_fuzz.py, seeds 1480, 1911)."""
    for odd in ("\u2029", "\u2028", "\x85", "\x1d"):
        text = f"void f(int n, double *a) {{\n{odd}  for (int i = 0; i < n; i++) a[i] = 0;\n}}\n"
        (loop,) = find_loops(SourceFile.from_text(text))
        out = set_loop_pragma(text, loop, "parallel for")
        assert out == text.replace(f"{odd}  for", f"{odd}\n#pragma omp parallel for\nfor"), repr(odd)
        (again,) = find_loops(SourceFile.from_text(out))
        assert again.pragma is not None and again.pragma.canonical() == "parallel for", repr(odd)
    text = "void f(int n, double *a) {\n\f  for (int i = 0; i < n; i++) a[i] = 0;\n}\n"  # \f is a C blank
    (loop,) = find_loops(SourceFile.from_text(text))
    assert set_loop_pragma(text, loop, "parallel for") == text.replace("\f  for", "#pragma omp parallel for\n\f  for")


def test_set_loop_pragma_replaces_and_removes():
    src = SourceFile.from_text(TEXT)
    first = find_loops(src)[0]
    replaced = set_loop_pragma(TEXT, first, "parallel for reduction(+:s) schedule(static)")
    assert "reduction(+:s)\n" not in replaced
    new_first = find_loops(SourceFile.from_text(replaced))[0]
    assert new_first.pragma.canonical() == "parallel for reduction(+:s) schedule(static)"
    assert new_first.pragma_site.text.startswith("#pragma omp")
    removed = set_loop_pragma(TEXT, first, None)
    assert find_loops(SourceFile.from_text(removed))[0].pragma is None
    assert removed.count("\n") == TEXT.count("\n") - 2


def test_remove_inline_pragma():
    src = SourceFile.from_text(TEXT)
    second = find_loops(src)[1]
    out = remove_pragma(TEXT, second.pragma_site)
    assert "    for (int i = 0; i < n; i++) b[i] = a[i];\n" in out
