"""Where a new line may go: the comments, string literals and preprocessor lines of a file, found lexically.

tree-sitter recovers from errors, so it may report a ``for`` loop that a compiler would read as part of a comment
(after an unterminated ``/*``), a string or a ``#define`` continued with backslashes. A pragma inserted there would
edit a comment or break the directive. This scanner follows the compiler's lexical rules (comments, string and
character literals with escapes, C++ raw strings and digit separators, backslash-newline splices, directives up to
the first unspliced newline) in one linear pass, independent of the tree.
"""

from __future__ import annotations

import bisect
import re

_SPLICE = r"\\[ \t]*\r?\n"
_LINE_COMMENT = rf"//(?:{_SPLICE}|[^\n])*"
_BLOCK_COMMENT = r"/\*[\s\S]*?(?:\*/|\Z)"
_STRING = r'"(?:\\[\s\S]|[^"\\\n])*"?'
_CHAR = r"'(?:\\[\s\S]|[^'\\\n])*'?"
_RAW_STRING = r'(?<!\w)(?:u8|[uUL])?R"(?P<delim>[^()\\\s]{0,16})\([\s\S]*?(?:\)(?P=delim)"|\Z)'
#: a number with a C++14/C23 digit separator (``1'000``): its quote does not open a character literal
_NUMBER = r"(?<![\w.])\.?\d(?:[eEpP][+-]|[\w.])*'(?:[eEpP][+-]|['\w.])*"
_DIRECTIVE = r"^[ \t]*#"

_C_CODE = re.compile(
    rf"(?P<comment>{_LINE_COMMENT}|{_BLOCK_COMMENT})|(?P<number>{_NUMBER})"
    rf"|(?P<string>{_STRING}|{_CHAR})|(?P<directive>{_DIRECTIVE})",
    re.MULTILINE,
)
#: C++ adds raw strings, which may span lines (``R"(...)"``); in C, ``R"x"`` is a macro followed by a string
_CPP_CODE = re.compile(rf"(?P<raw>{_RAW_STRING})|{_C_CODE.pattern}", re.MULTILINE)
#: inside a directive: what may hide a newline (comments, literals) and the newline that ends it
_IN_DIRECTIVE = re.compile(rf"{_LINE_COMMENT}|{_BLOCK_COMMENT}|{_STRING}|{_CHAR}|{_SPLICE}|\n")
_SPLICED_LINE = re.compile(rf"{_SPLICE}\Z")


class NonCode:
    """The comment, literal and directive spans of one text; answers "may a new line start at this offset?"."""

    def __init__(self, text: str, lang: str = "c"):
        self.text = text
        self.spans = _scan(text, _CPP_CODE if lang == "cpp" else _C_CODE)
        self._starts = [start for start, _, _ in self.spans]
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def offset(self, line: int, column: int) -> int:
        """Character offset of 1-based (line, column)."""
        return self._line_starts[line - 1] + column - 1

    def blocker(self, offset: int) -> str | None:
        """Why a line inserted at ``offset`` would not be code of its own: ``comment``, ``string literal``,
        ``preprocessor directive`` or ``continued line`` (the line above ends with a backslash); None when it may."""
        i = bisect.bisect_left(self._starts, offset) - 1
        if i >= 0 and self.spans[i][1] > offset:
            return self.spans[i][2]
        if _SPLICED_LINE.search(self.text, max(0, offset - 64), offset):
            return "continued line"
        return None

    def insertion_blocker(self, line: int, column: int) -> str | None:
        """:meth:`blocker` for a pragma above the loop at (line, column): at the line's start when only blanks come
        before the loop there, else at the loop (the line is split), as ``edit.insert_pragma`` does."""
        start = self._line_starts[line - 1]
        at = self.offset(line, column)
        return self.blocker(at if self.text[start:at].strip() else start)


def _scan(text: str, pattern: re.Pattern) -> list[tuple[int, int, str]]:
    """Sorted, non-overlapping (start, end, kind) spans of comments, literals and directives."""
    spans: list[tuple[int, int, str]] = []
    pos = 0
    while (m := pattern.search(text, pos)) is not None:
        kind = m.lastgroup
        if kind == "directive":
            end = _directive_end(text, m.end())
            spans.append((m.end() - 1, end, "preprocessor directive"))
            pos = end
            continue
        if kind == "comment":
            spans.append((m.start(), m.end(), "comment"))
        elif kind in ("string", "raw"):
            spans.append((m.start(), m.end(), "string literal"))
        pos = max(m.end(), pos + 1)
    return spans


def _directive_end(text: str, pos: int) -> int:
    """Offset of the newline ending the directive whose ``#`` ends at ``pos`` (or the end of the text)."""
    while (m := _IN_DIRECTIVE.search(text, pos)) is not None:
        if m.group() == "\n":
            return m.start()
        pos = m.end()
    return len(text)
