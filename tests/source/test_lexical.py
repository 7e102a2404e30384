"""A pragma is never inserted inside a comment, a string literal or a preprocessor directive.

tree-sitter recovers from an unterminated ``/*`` by reading what follows as code, so it reported the loop below it
and annotate inserted ``#pragma omp parallel for`` into the comment. ``NonCode`` follows the compiler's lexical rules
independently of the tree; the engine skips such a loop with a reason.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ompgpt.cli import main
from ompgpt.source.lexical import NonCode

UNTERMINATED = (
    "void clear(int n, float *restrict y) {\n"
    "  /* the old version, kept for reference:\n"
    "  for (int i = 0; i < n; i++)\n"
    "    y[i] = 0;\n"
    "}\n"
)


def annotate_json(path: Path, capsys) -> list[dict]:
    main(["annotate", "--no-model", "--json", str(path)])
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_loop_after_an_unterminated_comment_is_skipped_and_the_file_untouched(tmp_path: Path, capsys):
    path = tmp_path / "clear.c"
    path.write_text(UNTERMINATED)
    [row] = annotate_json(path, capsys)
    assert (row["line"], row["action"]) == (3, "skip")
    assert row["reasons"] == ["a pragma here would land inside a comment"]
    assert main(["annotate", "--no-model", "--in-place", str(path)]) == 0
    assert path.read_text() == UNTERMINATED
    assert not path.with_name("clear.c.ompgpt.bak").exists()
    capsys.readouterr()


def test_loops_next_to_comments_strings_and_directives_still_get_their_pragma(tmp_path: Path, capsys):
    path = tmp_path / "ok.cpp"
    path.write_text(
        "#define N 100 /* elements, a comment that\n"
        "                 goes on */\n"
        '#define MSG "a \\\n'
        '  string"\n'
        "static const char *q = \"'\"; /* a quote */ static const char c = '\"';\n"
        "void fill(int n, float *__restrict y) {\n"
        "  long big = 1'000'000; // a C++14 digit separator, not a character literal\n"
        "  for (int i = 0; i < n; i++) y[i] = big;\n"
        '  const char *raw = R"x(\n'
        '  "unbalanced quote and /* in a raw string\n'
        '  )x";\n'
        "  for (int i = 0; i < n; i++) y[i] += 1;\n"
        "}\n"
    )
    rows = annotate_json(path, capsys)
    assert [(r["line"], r["action"]) for r in rows] == [(8, "insert"), (12, "insert")]


@pytest.mark.parametrize(
    ("text", "where", "blocker"),
    [
        ("/* open\nfor (;;);\n", (2, 1), "comment"),
        ("int a; /* closed */\nfor (;;);\n", (2, 1), None),
        ("// a comment \\\ncontinued\n", (2, 1), "comment"),
        ('char *s = "abc\\\ndef";\n', (2, 1), "string literal"),
        ("#define F(y) \\\n  for (;;) y;\nint x;\n", (2, 3), "preprocessor directive"),
        ("#define F(y) \\\n  for (;;) y;\nint x;\n", (3, 1), None),
        ("#if 0 /* a\n comment */\nint x;\n", (2, 2), "preprocessor directive"),
        ("#if 0 /* a\n comment */\nint x;\n", (3, 1), None),
        ("int x = 1 + \\\n2;\n", (2, 1), "continued line"),
        ("int x = '\\'';\nfor (;;);\n", (2, 1), None),
        ("if (c) for (;;);\n", (1, 8), None),
        ("/* c */ for (;;);\n", (1, 9), None),
    ],
)
def test_noncode_spans(text: str, where: tuple[int, int], blocker: str | None):
    assert NonCode(text, "c").insertion_blocker(*where) == blocker


def test_raw_strings_are_cpp_only():
    text = 'auto s = R"(\nfor (;;);\n)";\n'
    assert NonCode(text, "cpp").insertion_blocker(2, 1) == "string literal"
    assert NonCode(text, "c").insertion_blocker(2, 1) is None
