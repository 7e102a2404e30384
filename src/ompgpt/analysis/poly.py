"""Integer polynomials over symbol names: the form subscripts and loop bounds take in the dependence tests.

A ``Poly`` is a mapping ``monomial -> coefficient`` where a monomial is a sorted tuple of symbol names (``()`` is
the constant term). Subscripts such as ``i*n + j - 1`` become ``{("i", "n"): 1, ("j",): 1, (): -1}``. Keeping
symbolic products (rather than rejecting them as non-affine) is what lets the tests recognise linearized
row-major indexing, where the row length ``n`` is a loop-invariant symbol.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

Poly = dict[tuple[str, ...], int]

_INT = re.compile(r"^(0[xX][0-9a-fA-F]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)[uUlL]*$")


def const(value: int) -> Poly:
    return {(): value} if value else {}


def symbol(name: str) -> Poly:
    return {(name,): 1}


def key(a: Poly | None) -> tuple | None:
    """A hashable form of a polynomial (None stays None), for sets and dict keys of subscripts."""
    return None if a is None else tuple(sorted(a.items()))


def parse_int(text: str) -> int | None:
    """Value of a C integer literal (``0x10``, ``12UL``, ``'1'000`` digit separators), or None."""
    text = text.replace("'", "").strip()
    if text[:1] in "+-" and len(text) > 1:  # tree-sitter folds a literal's sign into number_literal: `-1`
        value = parse_int(text[1:].lstrip())
        return None if value is None else (-value if text[0] == "-" else value)
    m = _INT.match(text)
    if not m:
        return None
    digits = m.group(1)
    if digits.startswith(("0x", "0X")):
        return int(digits, 16)
    if digits.startswith(("0b", "0B")):
        return int(digits[2:], 2)
    if len(digits) > 1 and digits.startswith("0"):
        return int(digits, 8)
    return int(digits)


def add(a: Poly, b: Poly, sign: int = 1) -> Poly:
    out = dict(a)
    for mono, coef in b.items():
        value = out.get(mono, 0) + sign * coef
        if value:
            out[mono] = value
        else:
            out.pop(mono, None)
    return out


def scale(a: Poly, k: int) -> Poly:
    return {m: c * k for m, c in a.items()} if k else {}


def mul(a: Poly, b: Poly) -> Poly:
    out: Poly = {}
    for m1, c1 in a.items():
        for m2, c2 in b.items():
            mono = tuple(sorted(m1 + m2))
            value = out.get(mono, 0) + c1 * c2
            if value:
                out[mono] = value
            else:
                out.pop(mono, None)
    return out


def constant_value(a: Poly) -> int | None:
    """The value of a constant polynomial, else None."""
    if not a:
        return 0
    if len(a) == 1 and () in a:
        return a[()]
    return None


def symbols(a: Poly) -> set[str]:
    return {s for mono in a for s in mono}


def substitute(a: Poly, values: Mapping[str, Poly]) -> Poly:
    """Replace symbols by polynomials (forward substitution of scalar definitions)."""
    if not values or not (symbols(a) & values.keys()):
        return a
    out: Poly = {}
    for mono, coef in a.items():
        term: Poly = {(): coef}
        for s in mono:
            term = mul(term, values[s] if s in values else symbol(s))
        out = add(out, term)
    return out


def rename(a: Poly, fn: Callable[[str], str]) -> Poly:
    out: Poly = {}
    for mono, coef in a.items():
        key = tuple(sorted(fn(s) for s in mono))
        out[key] = out.get(key, 0) + coef
    return {m: c for m, c in out.items() if c}


def split_by(a: Poly, names: Iterable[str]) -> tuple[Poly, Poly]:
    """(terms mentioning any of ``names``, the other terms)."""
    names = set(names)
    with_, without = {}, {}
    for mono, coef in a.items():
        (with_ if names.intersection(mono) else without)[mono] = coef
    return with_, without


def to_text(a: Poly) -> str:
    """Readable form for messages, e.g. ``i*n + j - 1``."""
    if not a:
        return "0"
    parts = []
    for mono, coef in sorted(a.items(), key=lambda mc: (-len(mc[0]), mc[0])):
        body = "*".join(mono)
        if not body:
            term = str(abs(coef))
        elif abs(coef) == 1:
            term = body
        else:
            term = f"{abs(coef)}*{body}"
        parts.append(("- " if coef < 0 else "+ ") + term)
    text = " ".join(parts)
    return text[2:] if text.startswith("+ ") else "-" + text[2:]
