"""One line model: a line ends at "\\n" only, as tree-sitter and compilers count rows.

Form feeds (page breaks between functions, common in old C code such as ImageMagick's), ``\\x0b``, ``\\x1c``-``\\x1e``,
``\\x85`` (a Windows-1252 ellipsis read as latin-1) and U+2028/U+2029 are ordinary characters inside a line. Before
this, ``str.splitlines`` split at them, so every later line number was off: pragmas landed on the wrong line and
``ompgpt strip`` deleted code.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from ompgpt.cli import main
from ompgpt.source import read_source
from ompgpt.source.edit import insert_pragma, restore_pragmas, strip_omp_pragmas
from ompgpt.source.text import split_lines

ODD = ["\f", "\x0b", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]

#: an ImageMagick-style file: a form feed between functions, a pragma with continuation lines
PAGED = (
    "#include <stddef.h>\n"
    "\f\n"
    "/*\n"
    "  Scale every pixel.\f\n"
    "*/\n"
    "void scale(double *restrict p, size_t n, double k)\n"
    "{\n"
    "  size_t\n"
    "    i;\n"
    "\n"
    "#if defined(_OPENMP)\n"
    "  #pragma omp parallel for schedule(static) \\\n"
    "    shared(p) \\\n"
    "    firstprivate(k)\n"
    "#endif\n"
    "  for (i=0; i < n; i++)\n"
    "    p[i]*=k;\n"
    "}\n"
    "\f\n"
    "double sum(const double *p, size_t n)\n"
    "{\n"
    "  double s = 0.0;\n"
    "#pragma omp parallel for reduction(+:s)\n"
    "  for (size_t i=0; i < n; i++)\n"
    "    s+=p[i];\n"
    "  return s;\n"
    "}\n"
)


def loop_file(odd: str) -> str:
    """A loop the analysis proves parallel, after a comment holding ``odd`` and a declaration."""
    return (
        f"/* page break: [{odd}] */\n"
        "void saxpy(int n, float a, const float *restrict x, float *restrict y) {\n"
        "  int i;\n"
        f"  /* another [{odd}] */\n"
        "  for (i = 0; i < n; i++)\n"
        "    y[i] = a * x[i] + y[i];\n"
        "}\n"
    )


@pytest.mark.parametrize("odd", ODD)
def test_split_lines_splits_at_newline_only_and_round_trips(odd: str):
    text = f"a{odd}b\r\nc\nd"
    assert split_lines(text) == [f"a{odd}b", "c", "d"]
    assert split_lines(text, keepends=True) == [f"a{odd}b\r\n", "c\n", "d"]
    assert "".join(split_lines(text, keepends=True)) == text
    assert split_lines("") == [] and split_lines("x\n") == ["x"] and split_lines("x\n\n") == ["x", ""]


@pytest.mark.parametrize("odd", ODD)
def test_insert_pragma_counts_lines_like_tree_sitter(odd: str):
    text = loop_file(odd)
    out = insert_pragma(text, 5, "parallel for")
    assert out.split("\n")[4:6] == ["  #pragma omp parallel for", "  for (i = 0; i < n; i++)"]


@pytest.mark.parametrize("odd", ["\f", "\x85", "\u2028"])
def test_annotate_puts_the_pragma_above_the_loop_and_a_second_run_adds_nothing(tmp_path: Path, odd: str, capsys):
    path = tmp_path / "saxpy.c"
    path.write_text(loop_file(odd), encoding="utf-8", newline="")
    assert main(["annotate", "--no-model", "--in-place", str(path)]) == 0
    lines = path.read_bytes().decode().split("\n")
    assert lines[3:6] == [f"  /* another [{odd}] */", "  #pragma omp parallel for", "  for (i = 0; i < n; i++)"]
    assert path.read_bytes().decode().replace("  #pragma omp parallel for\n", "") == loop_file(odd)
    backup = path.with_name(path.name + ".ompgpt.bak").read_bytes()
    assert main(["annotate", "--no-model", str(path)]) == 0  # nothing left to change
    assert path.with_name(path.name + ".ompgpt.bak").read_bytes() == backup
    capsys.readouterr()


def test_latin1_ellipsis_byte_is_not_a_line_break(tmp_path: Path, capsys):
    """Byte 0x85 (a Windows-1252 ellipsis) decodes through latin-1 to U+0085, which ``splitlines`` breaks at."""
    path = tmp_path / "old.c"
    data = loop_file("wait\x85").encode("latin-1")
    path.write_bytes(data)
    assert main(["annotate", "--no-model", "--in-place", str(path)]) == 0
    assert path.read_bytes() == data.replace(b"  for (i", b"  #pragma omp parallel for\n  for (i")
    capsys.readouterr()


def removed_lines_are_pragmas(before: str, after: str) -> bool:
    """Whether ``after`` is ``before`` minus whole ``#pragma omp`` lines (with their continuation lines)."""
    kept = iter(after.split("\n"))
    want = next(kept, None)
    continued = False
    for line in before.split("\n"):
        if line == want and not continued:
            want = next(kept, None)
            continue
        if not (continued or re.match(r"\s*#\s*pragma\s+omp\b", line)):
            return False
        continued = line.rstrip("\r").endswith("\\")
    return want is None


def test_strip_removes_only_pragma_lines_in_a_paged_file(tmp_path: Path):
    path = tmp_path / "paged.c"
    path.write_text(PAGED, newline="")
    proc = subprocess.run([sys.executable, "-m", "ompgpt.cli", "strip", str(path)], capture_output=True)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode()
    assert out.count("\f") == 3 and "#pragma" not in out
    assert removed_lines_are_pragmas(PAGED, out)
    assert out.count("\n") == PAGED.count("\n") - 4


@pytest.mark.parametrize("odd", ODD)
def test_strip_and_restore_round_trip_with_odd_separators(odd: str):
    text = PAGED.replace("\f", odd)
    stripped, removed = strip_omp_pragmas(read_source_text(text))
    assert removed_lines_are_pragmas(text, stripped)
    assert restore_pragmas(stripped, removed) == text


def read_source_text(text: str):
    from ompgpt.source import SourceFile

    return SourceFile.from_text(text, "c", "paged.c")


def test_read_source_keeps_the_line_count_of_the_file(tmp_path: Path):
    path = tmp_path / "paged.c"
    path.write_bytes(PAGED.encode())
    assert len(read_source(path).lines) == PAGED.count("\n")


@pytest.mark.parametrize("odd", ODD)
def test_verify_edits_and_kernel_markers_count_lines_the_same_way(odd: str):
    from ompgpt.verify.suite import target_line
    from ompgpt.verify.variants import insert_pragma as verify_insert
    from ompgpt.verify.variants import remove_pragma_above

    text = loop_file(odd).replace("(i = 0; i < n; i++)", "(i = 0; i < n; i++) /* ompgpt:target */")
    assert target_line(text) == 5
    out = verify_insert(text, 5, "parallel for")
    assert out.split("\n")[4] == "  #pragma omp parallel for"
    assert remove_pragma_above(out, 6).split("\n")[:5] == [*text.split("\n")[:4], ""]
