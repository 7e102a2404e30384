"""Text normalizations shared by the builder, deduplication and (so inputs match training) inference.

Two different jobs:

* :func:`exact_key` / :func:`tokens` compare loops: comments and all whitespace go, because the MonoCoder test set and
  our corpus differ in layout (``\\r``, tabs, trailing spaces) but not in code.
* :func:`normalize_loop_code` is what the model reads: the loop as written, with CRLF and trailing blanks removed and
  the indentation of lines 2..n shifted left so the loop's closing brace sits at column 0. The first line of a
  tree-sitter node text carries no indentation, so this gives the same result for our loops and for MonoCoder's.
"""

from __future__ import annotations

import hashlib
import re

_COMMENT_OR_LITERAL = re.compile(
    r"//(?:\\\n|[^\n])*|/\*.*?(?:\*/|\Z)|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'",
    re.DOTALL,
)
_TOKEN = re.compile(r"[A-Za-z_]\w*|\d[\w.]*|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|\S")
_WHITESPACE = re.compile(r"\s+")


def strip_comments(code: str) -> str:
    """Remove ``//`` and ``/* */`` comments, leaving string and character literals alone."""

    def keep_literals(match: re.Match) -> str:
        text = match.group()
        return text if text[0] in "\"'" else " "

    return _COMMENT_OR_LITERAL.sub(keep_literals, code)


def exact_text(code: str) -> str:
    """Comments and every whitespace character removed: the form the test set is compared in."""
    return _WHITESPACE.sub("", strip_comments(code))


def exact_key(code: str) -> str:
    """A short stable digest of :func:`exact_text` for exact deduplication."""
    return hashlib.blake2b(exact_text(code).encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def tokens(code: str) -> list[str]:
    """C-ish tokens of the comment-free code (identifiers, numbers, literals, single punctuation characters)."""
    return _TOKEN.findall(strip_comments(code))


def normalize_loop_code(text: str) -> str:
    """The loop text the model sees: LF line ends, no trailing blanks, lines 2..n dedented by their common indent."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while len(lines) > 1 and not lines[-1]:
        lines.pop()
    rest = [line for line in lines[1:] if line.strip()]
    if not rest:
        return lines[0].strip()
    indent = _common_indent(rest)
    return "\n".join([lines[0].strip(), *(line[indent:] if line.strip() else "" for line in lines[1:])])


def _common_indent(lines: list[str]) -> int:
    """Length of the longest whitespace prefix that every line shares (tabs and spaces compared as written)."""
    first = lines[0]
    prefix = first[: len(first) - len(first.lstrip(" \t"))]
    for line in lines[1:]:
        n = 0
        while n < len(prefix) and n < len(line) and line[n] == prefix[n]:
            n += 1
        prefix = prefix[:n]
    return len(prefix)
