"""Subscripts that may leave their dimension: ``b[i][j-1]`` with ``j`` from 0 reads ``b[i-1][M-1]``.

The dependence tests compare multi-dimensional accesses dimension by dimension, which holds only when every index
but the first stays inside its dimension: C lays rows out one after the other, so ``b[i][-1]`` is the last element
of row ``i-1``, written by another iteration of the ``i`` loop. :func:`checked` proves each such index in range
from the loop bounds, or else rewrites every access of the array as its flattened offset (``i*M + j - 1``), which
the tests then compare as one dimension (and delinearize again where the bounds allow), or, when a row's length is
not declared, marks the accesses undecidable.

Ranges are computed symbolically: an index's least and greatest values substitute each loop variable's lower or
upper bound (recursively for triangular nests), and a bound holds when the difference to ``0`` or to ``extent - 1``
is a non-negative constant. A row's extent is its declaration's (``double b[N][M]``, a VLA ``b[n][m]``, a parameter
``b[][m]``); when no declaration gives it, a loop ``for (j = lo; j < m; ...)`` is assumed to index rows of at
least ``m`` elements (so ``j + 1`` with ``j < m - 1`` is in range, ``j + 1`` with ``j < m`` is not), while the lower
side must be proven by ``lo`` itself.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ompgpt.analysis import poly as P
from ompgpt.analysis.flow import Resolved
from ompgpt.analysis.ir import Header
from ompgpt.analysis.poly import Poly

_SIZE = re.compile(r"^\s*([A-Za-z_]\w*)\s*(?:([+-])\s*(\d+))?\s*$")  # ``m``, ``n+1``
_DEPTH = 4  # substitution rounds for triangular nests (``j`` from ``i``, ``i`` from 0)


def checked(fn, loop, key: str, rs: list[Resolved]) -> list[Resolved]:
    """``rs`` (every access of the array ``key`` in the loop) as the dependence tests may compare them: unchanged
    when every inner index is proven inside its dimension, else flattened, or marked undecidable (see module)."""
    multi = [r for r in rs if r.problem is None and len(r.subs) >= 2 and all(s is not None for s in r.subs)]
    if not multi or len({len(r.subs) for r in rs}) != 1:
        return rs
    declared = _declared_extents(fn, loop, key, len(rs[0].subs))
    leaving = next((found for r in multi if (found := _leaving_index(r, declared)) is not None), None)
    if leaving is None:
        return rs
    where, index = leaving
    if any(e is None for e in declared[1:]):
        why = f"subscript {P.to_text(index)} may leave its dimension of {key} (at {where[0]}:{where[1]}), "
        why += "whose size is not declared"
        return [replace(r, problem=r.problem or why) for r in rs]
    return [_flattened(r, declared) for r in rs]


def _declared_extents(fn, loop, key: str, ndims: int) -> list[Poly | None]:
    """Each dimension's extent from the array's declaration (a constant, a macro, or one invariant name plus a
    constant), None where unknown; a pointer to rows (``int (*b)[N + 1]``) declares all but the first."""
    info = fn.lookup(key, loop.node.start_byte)
    dims = info.dims if info is not None and info.array else ()
    if info is not None and info.pointer and len(dims) == ndims - 1:
        dims = ("", *dims)
    if len(dims) != ndims:
        return [None] * ndims
    return [_extent_poly(fn, text) for text in dims]


def _extent_poly(fn, text: str) -> Poly | None:
    value = fn.integer_value(text) if text else None
    if value is not None:
        return P.const(value)
    found = _SIZE.match(text or "")
    if found is None:
        return None
    offset = int(found.group(3) or 0) * (-1 if found.group(2) == "-" else 1)
    return P.add(P.symbol(found.group(1)), P.const(offset))


def _leaving_index(r: Resolved, declared: list[Poly | None]) -> tuple[tuple[int, int], Poly] | None:
    """The first inner index of ``r`` not proven inside its dimension, with the access's position."""
    ranges = dict(zip(r.ivs, r.headers, strict=False))
    for k in range(1, len(r.subs)):
        index = r.subs[k]
        if not _in_range(index, declared[k], ranges):
            return r.acc.pos, index
    return None


def _in_range(index: Poly, extent: Poly | None, ranges: dict[str, Header]) -> bool:
    """Is ``index`` inside ``[0, extent)`` for every value of the loop variables? Proven from the bounds when it can
    be; otherwise assumed only for an index with no constant offset and positive coefficients (``j``,
    ``i*n + j``, ``k`` from a symbolic start): the edge cases that wrap into another row are offsets (``j - 1``,
    ``j + 1``) at the ends of a loop's range."""
    if _proven_in_range(index, extent, ranges):
        return True
    if not P.symbols(index) & ranges.keys():
        value = P.constant_value(index)
        return value is None or (value >= 0 and (extent is None or P.constant_value(extent) is None))
    if index.get((), 0) != 0 or any(k <= 0 for k in index.values()):
        return False
    return not _provably_beyond(index, extent, ranges)


def _proven_in_range(index: Poly, extent: Poly | None, ranges: dict[str, Header]) -> bool:
    low, high = _extreme(index, ranges, -1, _DEPTH), _extreme(index, ranges, 1, _DEPTH)
    if low is None or high is None or not _nonneg(low):
        return False
    limit = extent if extent is not None else _assumed_extent(index, ranges)
    return limit is not None and _nonneg(P.add(P.add(limit, P.const(-1)), high, -1))


def _provably_beyond(index: Poly, extent: Poly | None, ranges: dict[str, Header]) -> bool:
    """The greatest value of ``index`` is a constant at or past a constant extent: it certainly leaves."""
    high = _extreme(index, ranges, 1, _DEPTH) if extent is not None else None
    if high is None:
        return False
    top, size = P.constant_value(high), P.constant_value(extent)
    return top is not None and size is not None and top >= size


def _nonneg(p: Poly) -> bool:
    value = P.constant_value(p)
    return value is not None and value >= 0


def _assumed_extent(index: Poly, ranges: dict[str, Header]) -> Poly | None:
    """Without a declared extent: the exclusive upper end of the loop over the index's one variable (``j < m``:
    rows of ``m``), found by its greatest value plus one; None when the index uses several loop variables."""
    used = [v for v in P.symbols(index) if v in ranges]
    if len(used) != 1:
        return None
    top = _end(ranges[used[0]], 1)
    return None if top is None else P.add(top, P.const(1))


def _extreme(p: Poly, ranges: dict[str, Header], sign: int, depth: int) -> Poly | None:
    """The least (``sign`` -1) or greatest (+1) value of ``p`` over the loop ranges, symbolic in invariants."""
    if depth == 0:
        return None
    out: Poly = {}
    done = True
    for mono, coef in p.items():
        vars_ = [s for s in mono if s in ranges]
        if not vars_:
            out = P.add(out, {mono: coef})
            continue
        if len(mono) != 1:
            return None  # a product with a loop variable (``i*n``): not bounded here
        end = _end(ranges[mono[0]], sign if coef > 0 else -sign)
        if end is None:
            return None
        out = P.add(out, P.scale(end, coef))
        done = False
    if done or not P.symbols(out) & ranges.keys():
        return out
    return _extreme(out, ranges, sign, depth - 1)


def _end(h: Header, sign: int) -> Poly | None:
    """A loop variable's first-or-last value: least (``sign`` -1) or greatest (+1); with numeric bounds, the last
    value the step reaches (``j1 < 128`` by 16 ends at 112)."""
    if h is None or h.lower is None or h.upper is None or not h.step:
        return None
    lo, up = P.constant_value(h.lower), P.constant_value(h.upper)
    if lo is not None and up is not None and h.op in ("<", "<=", ">", ">="):
        last = up - 1 if h.op == "<" else up + 1 if h.op == ">" else up
        span = (last - lo) // h.step
        if span < 0:
            return None  # the loop does not run
        end = lo + span * h.step
        return P.const(max(lo, end) if sign > 0 else min(lo, end))
    if h.step > 0:
        if sign < 0:
            return h.lower
        return P.add(h.upper, P.const(-1)) if h.op == "<" else h.upper if h.op == "<=" else None
    if sign > 0:
        return h.lower
    return P.add(h.upper, P.const(1)) if h.op == ">" else h.upper if h.op == ">=" else None


def _flattened(r: Resolved, extents: list[Poly | None]) -> Resolved:
    """``r`` with its subscripts folded into the row-major offset ``((s0*E1 + s1)*E2 + s2)...``."""
    if r.problem is not None or any(s is None for s in r.subs):
        return replace(r, subs=(None,), problem=r.problem or "subscript is not affine")
    flat: Poly = dict(r.subs[0])
    for k in range(1, len(r.subs)):
        flat = P.add(P.mul(flat, extents[k]), r.subs[k])
    return replace(r, subs=(flat,))
