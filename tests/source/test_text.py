from pathlib import Path

import pytest

from ompgpt.source import SourceError, read_source, scan
from ompgpt.source.text import detect_language


@pytest.mark.parametrize(
    ("name", "text", "lang"),
    [
        ("a.c", "class X {};", "c"),
        ("a.cpp", "int x;", "cpp"),
        ("a.C", "int x;", "cpp"),
        ("a.h", "int f(int);", "c"),
        ("a.h", "namespace n { int f(); }", "cpp"),
        ("a.h", "template <typename T> T f(T x);", "cpp"),
        ("a.h", "std::vector<int> v;", "cpp"),
        ("a.hpp", "int x;", "cpp"),
        ("a.h", "void f(G g) { for (auto v1 : g.N(v0)) n++; }", "cpp"),  # GraphMiner's kernels
        ("a.h", "void f(int n) { for (i = n > 0 ? 1 : 2; i < n; i++) g(i); }", "c"),
    ],
)
def test_language_from_extension_and_content(name, text, lang):
    assert detect_language(name, text) == lang


def test_bom_crlf_and_latin1_round_trip(tmp_path: Path):
    body = "int f(int n) {\r\n  /* caf\xe9 */\r\n  for (int i = 0; i < n; i++) g(i);\r\n}\r\n"
    path = tmp_path / "x.c"
    original = b"\xef\xbb\xbf" + body.encode("latin-1")
    path.write_bytes(original)
    src = read_source(path)
    assert src.bom and src.encoding == "latin-1" and src.newline == "\r\n"
    assert src.encode() == original
    loops = scan(src).loops
    assert [(lp.line, lp.induction_var) for lp in loops] == [(3, "i")]


def test_utf8_columns_count_characters(tmp_path: Path):
    path = tmp_path / "u.c"
    path.write_text("void f(){ /* \u00e9\u00e9 */ for(int i=0;i<9;i++) g(i); }\n", encoding="utf-8")
    (loop,) = scan(read_source(path)).loops
    assert loop.column == 20  # "void f(){ /* éé */ " is 19 characters, whatever its UTF-8 size


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        (lambda p: None, "cannot read file"),
        (lambda p: p.write_bytes(b"\x7fELF\x00\x00binary"), "binary file"),
        (lambda p: p.mkdir(), "is a directory"),
    ],
)
def test_unreadable_inputs_raise_source_error_with_location(tmp_path: Path, setup, reason):
    path = tmp_path / "bad.c"
    setup(path)
    with pytest.raises(SourceError) as info:
        read_source(path)
    assert str(info.value).startswith(f"{path}:1:1: error: ")
    assert reason in str(info.value)


def test_oversized_file_is_refused(tmp_path: Path):
    path = tmp_path / "big.c"
    path.write_bytes(b"int x;\n" * 200)
    with pytest.raises(SourceError, match="over the"):
        read_source(path, max_bytes=1000)
