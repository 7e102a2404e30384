"""Which function-like macros are pure expressions of their arguments.

A call of a macro the analysis cannot see into is a call of unknown effect, which blocks every proof around it:
PolyBench writes ``SCALAR_VAL(0.5)`` for a constant, many codes ``SQR(x)`` or ``DIST(a, b)``. A macro whose body
reads nothing but its parameters (no memory: no ``*``-dereference, subscript or member access), assigns nothing,
and calls only pure functions (``sqrt``) or other such macros behaves, at each use, like a pure function of its
arguments, whose reads the analysis sees at the call. Anything else stays unknown.
"""

from __future__ import annotations

import re

from ompgpt.analysis import calls as call_table

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d[\w.]*|\.\d[\w.]*)|(?P<id>[A-Za-z_]\w*)|(?P<op>==|!=|<=|>=|&&|\|\||<<|>>|->|\+\+|--|\S))"
)
#: operators that write, open a block or reach memory; ``*`` and ``&`` are checked for their unary use
_FORBIDDEN = frozenset({"=", "++", "--", "{", "}", ";", "[", "]", "->", ".", "#", '"', "'", "+=", "-="})
#: words that spell a scalar C type (casts and declarations in macro bodies); headers.py adds its own few
SCALAR_TYPE_WORDS = frozenset(
    ["double", "float", "int", "long", "short", "char", "unsigned", "signed", "const", "_Bool", "bool", "size_t"]
)
#: in a pure macro body, ``sizeof`` reads no memory either
_TYPE_WORDS = SCALAR_TYPE_WORDS | {"sizeof"}


def pure_body(text: str, params: tuple[str, ...], int_macros: dict[str, int]) -> bool:
    """Is a macro body a side-effect-free expression of ``params``, integer macros, literals and pure calls?"""
    tokens = _tokens(text)
    if not tokens or not _balanced([v for _, v in tokens]):
        return False
    before = None
    for k, (kind, value) in enumerate(tokens):
        following = tokens[k + 1][1] if k + 1 < len(tokens) else None
        if kind == "op":
            if value in _FORBIDDEN or (value == "*" and not _operand_end(before)):
                return False
        elif kind == "id":
            if following == "(":
                if call_table.classify(value) != "pure" and value not in _TYPE_WORDS:
                    return False
            elif value not in params and value not in int_macros and value not in _TYPE_WORDS:
                return False
        before = (kind, value)
    return True


def _tokens(text: str) -> list[tuple[str, str]] | None:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            return None
        kind = m.lastgroup or "op"
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def _balanced(values: list[str]) -> bool:
    """Parentheses balanced (``#define OPEN (`` and its kind are not expressions)."""
    depth = 0
    for value in values:
        depth += {"(": 1, ")": -1}.get(value, 0)
        if depth < 0:
            return False
    return depth == 0


def _operand_end(token: tuple[str, str] | None) -> bool:
    """Does ``token`` end an operand (so a ``*`` after it multiplies rather than dereferences)?"""
    return token is not None and (token[0] in ("num", "id") or token[1] == ")")
