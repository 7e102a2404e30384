"""Pragma edits that keep everything else byte-identical: indentation, line endings, encoding.

``strip_omp_pragmas`` gives the serial version of a file (used by evaluation and verification) and remembers what
it removed, so ``restore_pragmas`` gives back the original text exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

from ompgpt.source.loops import Loop, PragmaSite, find_pragmas
from ompgpt.source.parse import parse
from ompgpt.source.text import SourceFile, detect_newline, split_lines


@dataclass(frozen=True)
class RemovedPragma:
    """What ``strip_omp_pragmas`` took out: whole lines at ``line`` (0-based, original numbering) or, for an inline
    ``_Pragma``, ``text`` at character ``column`` (0-based) of that line."""

    line: int
    text: str
    column: int | None = None  # None: whole lines


def _pragma_line(pragma: str) -> str:
    pragma = pragma.strip()
    if pragma.startswith("#"):
        return pragma
    return f"#pragma {pragma}" if pragma.startswith("omp ") else f"#pragma omp {pragma}"


#: what C (and the pragma attachment in source/loops.py) skips as white space within a line; str.strip() would also
#: skip U+2028, U+2029, \x85 and \x1c-\x1e, which C reads as characters of the code
_C_BLANKS = " \t\f\v\r"


def insert_pragma(text: str, line: int, pragma: str, column: int | None = None) -> str:
    """Insert ``#pragma omp <pragma>`` on its own line above ``line`` (1-based), indented like that line.

    When the loop does not start its line (``column`` > first code column, as in ``if (c) for (...)``), the line
    is split there first so the pragma lands directly above the loop.
    """
    lines = split_lines(text, keepends=True)
    if not 1 <= line <= len(lines):
        raise ValueError(f"line {line} is outside the file (1..{len(lines)})")
    _insert(lines, detect_newline(text), line, pragma, column)
    return "".join(lines)


def replace_pragma(text: str, site: PragmaSite, pragma: str) -> str:
    """Replace a ``#pragma`` line (with its continuations) by one line, keeping its indentation."""
    lines = split_lines(text, keepends=True)
    _replace(lines, detect_newline(text), site, pragma)
    return "".join(lines)


def remove_pragma(text: str, site: PragmaSite) -> str:
    """Remove one pragma: its whole lines, or the ``_Pragma(...)`` text when it shares a line with code."""
    lines = split_lines(text, keepends=True)
    _remove(lines, site)
    return "".join(lines)


# The edits below change the list of lines in place without changing its length: an element may become several
# lines (a pragma put before it) or empty (a removed pragma), so the original line numbers of every other edit stay
# valid and a whole file of edits costs one split and one join (splitting once per edit was quadratic).
def _insert(lines: list[str], newline: str, line: int, pragma: str, column: int | None) -> None:
    target = lines[line - 1]
    indent = target[: len(target) - len(target.lstrip(" \t"))]
    pragma_line = f"{indent}{_pragma_line(pragma)}{newline}"
    if column is not None and target[: column - 1].strip(_C_BLANKS):  # U+2028, \x1c ... are not blanks in C
        before, after = target[: column - 1].rstrip(" \t"), target[column - 1 :]
        lines[line - 1] = before + newline + pragma_line + indent + after
    else:
        lines[line - 1] = pragma_line + target


def _replace(lines: list[str], newline: str, site: PragmaSite, pragma: str) -> None:
    first = lines[site.line - 1]
    indent = first[: len(first) - len(first.lstrip(" \t"))]
    last = lines[site.end_line - 1]
    ending = last[len(last.rstrip("\r\n")) :] or newline
    lines[site.line - 1 : site.end_line] = [f"{indent}{_pragma_line(pragma)}{ending}"] + [""] * (
        site.end_line - site.line
    )


def _remove(lines: list[str], site: PragmaSite) -> None:
    if site.inline:
        i, col = site.line - 1, site.column - 1
        lines[i] = lines[i][:col] + lines[i][col + len(site.text) :].lstrip(" \t")
    else:
        lines[site.line - 1 : site.end_line] = [""] * (site.end_line - site.line + 1)


def _set(lines: list[str], newline: str, loop: Loop, pragma: str | None) -> None:
    """:func:`set_loop_pragma` on a list of lines."""
    site = loop.pragma_site
    if site is not None:
        if pragma is not None and not site.inline:
            _replace(lines, newline, site, pragma)
            return
        _remove(lines, site)
        if pragma is not None:
            _insert(lines, newline, loop.line, pragma, site.column)
        return
    if pragma is not None:
        _insert(lines, newline, loop.line, pragma, loop.column)


def set_loop_pragma(text: str, loop: Loop, pragma: str | None) -> str:
    """Give ``loop`` exactly this pragma (``None`` removes it), replacing any pragma that governs it."""
    return set_loop_pragmas(text, [(loop, pragma)])


def set_loop_pragmas(text: str, changes: list[tuple[Loop, str | None]]) -> str:
    """Apply several :func:`set_loop_pragma` edits, last loop first (two loops on one line: the later column
    first, so the earlier one's column still points into the unchanged part of the line)."""
    if not changes:
        return text
    lines = split_lines(text, keepends=True)
    newline = detect_newline(text)
    for loop, pragma in sorted(changes, key=lambda change: (change[0].line, change[0].column), reverse=True):
        if not 1 <= loop.line <= len(lines):
            raise ValueError(f"line {loop.line} is outside the file (1..{len(lines)})")
        _set(lines, newline, loop, pragma)
    return "".join(lines)


def strip_omp_pragmas(source: SourceFile | str, lang: str = "c") -> tuple[str, list[RemovedPragma]]:
    """The serial version of a file: every OpenMP pragma removed. Returns the text and what was removed."""
    src = source if isinstance(source, SourceFile) else SourceFile.from_text(source, lang)
    sites = find_pragmas(parse(src))
    lines = split_lines(src.text, keepends=True)
    removed: list[RemovedPragma] = []
    drop: set[int] = set()
    for site in sorted(sites, key=lambda s: (s.line, -s.column), reverse=False):
        if site.inline:
            i, col = site.line - 1, site.column - 1
            rest = lines[i][col + len(site.text) :]
            taken = site.text + rest[: len(rest) - len(rest.lstrip(" \t"))]
            lines[i] = lines[i][:col] + lines[i][col + len(taken) :]
            removed.append(RemovedPragma(i, taken, col))
        else:
            for i in range(site.line - 1, site.end_line):
                removed.append(RemovedPragma(i, lines[i]))
                drop.add(i)
    stripped = "".join(line for i, line in enumerate(lines) if i not in drop)
    return stripped, removed


def restore_pragmas(stripped: str, removed: list[RemovedPragma]) -> str:
    """Inverse of :func:`strip_omp_pragmas`: put every removed pragma back where it was."""
    lines = split_lines(stripped, keepends=True)
    for item in sorted((r for r in removed if r.column is None), key=lambda r: r.line):
        lines.insert(item.line, item.text)
    inline = sorted((r for r in removed if r.column is not None), key=lambda r: (r.line, r.column))
    for item in inline:
        lines[item.line] = lines[item.line][: item.column] + item.text + lines[item.line][item.column :]
    return "".join(lines)
