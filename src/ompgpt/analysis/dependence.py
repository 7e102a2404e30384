"""Dependence tests between two memory accesses of the same array, for the loop being parallelized.

Each subscript dimension gives an equation ``f(x, y...) = g(x', y'...)`` where ``x``/``x'`` are the analyzed loop's
induction variable in two iterations and ``y``/``y'`` inner-loop variables (free). Classic tests decide it:
ZIV (no variables), strong SIV (same coefficient: an exact distance), weak-zero and weak-crossing SIV, the GCD
test, and Banerjee's bounds test per direction (``<``, ``=``, ``>``) when loop bounds are numeric. Linearized
subscripts ``x*n + y`` with ``0 <= y < n`` are split into two dimensions first (delinearization), which is what makes
row-major flattened arrays provably independent. Dimensions combine: one independent dimension suffices; an exact
zero distance in any dimension means nothing is carried by this loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import gcd

from ompgpt.analysis import poly as P
from ompgpt.analysis.flow import Resolved
from ompgpt.analysis.ir import Header
from ompgpt.analysis.poly import Poly

INDEP, DIST, ANY, EXISTS, FREE, SAME, MAYBE = "indep", "dist", "any", "exists", "free", "same", "maybe"


@dataclass(slots=True)
class DimResult:
    kind: str
    dist: int | None = None


@dataclass(slots=True)
class PairResult:
    status: str  # indep, equal (loop-independent only), carried (proven), maybe
    distance: int | None = None
    reason: str | None = None


def bounds(h: Header | None) -> tuple[int, int] | None:
    """Numeric [lo, hi] of an induction variable, or None."""
    if h is None or h.lower is None or h.upper is None or h.step is None:
        return None
    lo, up = P.constant_value(h.lower), P.constant_value(h.upper)
    if lo is None or up is None:
        return None
    if h.step > 0:
        hi = up - 1 if h.op == "<" else up if h.op == "<=" else None
        return None if hi is None else (lo, hi)
    if h.op == ">":
        return up + 1, lo
    if h.op == ">=":
        return up, lo
    return None


def trip_count(h: Header | None) -> int | None:
    b = bounds(h)
    if b is None or not h.step:
        return None
    return max(0, (b[1] - b[0]) // abs(h.step) + 1)


def test_pair(r1: Resolved, r2: Resolved, headers: dict[str, Header]) -> PairResult:
    """Can r1 in iteration x and r2 in iteration x' != x of the analyzed loop touch the same element?"""
    if r1.problem or r2.problem:
        return PairResult(MAYBE, reason=r1.problem or r2.problem)
    if not r1.ivs or not r2.ivs:
        return PairResult(MAYBE, reason="the loop has no induction variable")
    if len(r1.subs) != len(r2.subs):
        # m[i] vs m[i][j]: a row (pointer or address) and an element have different types, so they are different
        # memory; reinterpreting casts make the access unanalysable before it gets here
        return PairResult(INDEP)
    level = r1.ivs[0]
    ivs1, ivs2 = set(r1.ivs), {v + "'" for v in r2.ivs}
    subs1, strides1 = _delinearize_all(r1.subs, r1.ivs, headers)
    subs2, strides2 = _delinearize_all(r2.subs, r2.ivs, headers)
    if strides1 != strides2:
        subs1, subs2 = r1.subs, r2.subs
    prime = set(r2.ivs)
    results = []
    for s1, s2 in zip(subs1, subs2, strict=True):
        diff = P.add(s1, P.rename(s2, lambda s: s + "'" if s in prime else s), -1)
        results.append(_test_dim(diff, level, ivs1 | ivs2, headers))
    return _combine(results, headers.get(level))


def _test_dim(e: Poly, x: str, ivs: set[str], headers: dict[str, Header]) -> DimResult:
    xp = x + "'"
    coefs: dict[str, int] = {}
    c = 0
    for mono, coef in e.items():
        in_ivs = [s for s in mono if s in ivs]
        if not mono:
            c = coef
        elif not in_ivs:  # symbolic invariant terms that do not cancel: the loop's own bounds may still decide
            return DimResult(INDEP if _apart_by_own_bounds(e, x, ivs, headers.get(x)) else MAYBE)
        elif len(mono) == 1:
            coefs[mono[0]] = coef
        else:
            return DimResult(MAYBE)  # symbolic coefficient or product of induction variables
    if not coefs:
        return DimResult(ANY if c == 0 else INDEP)
    g = 0
    for coef in coefs.values():
        g = gcd(g, coef)
    if g and c % g:
        return DimResult(INDEP)
    a, b = coefs.get(x, 0), -coefs.get(xp, 0)
    others = {v: k for v, k in coefs.items() if v not in (x, xp)}
    level_h = headers.get(x)
    if not others:
        if a == b:
            if c % a:
                return DimResult(INDEP)
            d = c // a  # x' - x
            if level_h is not None and level_h.step and abs(level_h.step) > 1 and d % level_h.step:
                return DimResult(INDEP)
            trips = trip_count(level_h)
            if trips is not None and abs(d) >= trips * max(1, abs(level_h.step or 1)):
                return DimResult(INDEP)
            return DimResult(DIST, d)
        if a == 0 or b == 0:
            k, var_coef = (b, -1) if a == 0 else (a, 1)
            if c % k:
                return DimResult(INDEP)
            at = -c // k if var_coef == 1 else c // k
            rng = bounds(level_h)
            if rng is None:
                return DimResult(MAYBE)
            return DimResult(EXISTS if rng[0] <= at <= rng[1] and rng[1] > rng[0] else INDEP)
    if a == 0 and b == 0:
        same = all(coefs.get(v + "'", 0) == -k for v, k in coefs.items() if not v.endswith("'"))
        if same and c == 0:
            return DimResult(SAME)  # identical in inner variables: equal whenever they take the same values
        if _banerjee(coefs, c, x, None, headers) is False:
            return DimResult(INDEP)
        return DimResult(FREE)
    lt = _banerjee(coefs, c, x, "<", headers)
    gt = _banerjee(coefs, c, x, ">", headers)
    if lt is False and gt is False:
        eq = _banerjee(coefs, c, x, "=", headers)
        return DimResult(INDEP) if eq is False else DimResult(DIST, 0)
    return DimResult(MAYBE)


def _apart_by_own_bounds(e: Poly, x: str, ivs: set[str], h: Header | None) -> bool:
    """Is ``e == 0`` impossible for any two values of the analyzed loop's variable (``x``, ``x'``) in its range
    ``[lo, hi]``, bounds that may be symbolic (``for (i = k + 1; i < n; i++)``)? ``e`` holds no other induction
    variable. Each of ``x``, ``x'`` is replaced by the bound that minimizes (maximizes) its term: a constant
    positive minimum (negative maximum) rules a solution out. ``a[i][k]`` against ``a[k][k]`` in that loop: ``i - k
    >= 1``. The bounds are the loop's, fixed when it starts (a body changing them rules a directive out)."""
    rng = _symbolic_range(h)
    if rng is None or any(P.symbols(b) & ivs for b in rng):
        return False
    low, high = P.const(0), P.const(0)
    for mono, coef in e.items():
        if mono in ((x,), (x + "'",)):
            low = P.add(low, P.scale(rng[0] if coef > 0 else rng[1], coef))
            high = P.add(high, P.scale(rng[1] if coef > 0 else rng[0], coef))
        elif any(s in ivs for s in mono):
            return False
        else:
            low, high = P.add(low, {mono: coef}), P.add(high, {mono: coef})
    lo_value, hi_value = P.constant_value(low), P.constant_value(high)
    return (lo_value is not None and lo_value > 0) or (hi_value is not None and hi_value < 0)


def _symbolic_range(h: Header | None) -> tuple[Poly, Poly] | None:
    """The first and last values of a loop's variable as polynomials (``k + 1`` and ``n - 1``), or None."""
    if h is None or h.lower is None or h.upper is None or not h.step:
        return None
    if h.step > 0 and h.op in ("<", "<="):
        return h.lower, P.add(h.upper, P.const(-1 if h.op == "<" else 0))
    if h.step < 0 and h.op in (">", ">="):
        return P.add(h.upper, P.const(1 if h.op == ">" else 0)), h.lower
    return None


def _banerjee(coefs: dict[str, int], c: int, x: str, direction: str | None, headers) -> bool | None:
    """Could ``sum coef*var + c == 0`` hold with ``x`` vs ``x'`` in ``direction`` (None: x absent)?
    False = impossible, None = bounds unknown or possible. Real relaxation: extremes at polygon vertices."""
    lo_sum, hi_sum = c, c
    xp = x + "'"
    for var, k in coefs.items():
        if var in (x, xp):
            continue
        rng = bounds(headers.get(var.rstrip("'")))
        if rng is None:
            return None
        lo_sum += min(k * rng[0], k * rng[1])
        hi_sum += max(k * rng[0], k * rng[1])
    if direction is not None:
        rng = bounds(headers.get(x))
        if rng is None:
            return None
        lo, hi = rng
        a, b = coefs.get(x, 0), coefs.get(xp, 0)
        if direction == "<":
            if hi <= lo:
                return False
            pts = [(lo, lo + 1), (lo, hi), (hi - 1, hi)]
        elif direction == ">":
            if hi <= lo:
                return False
            pts = [(lo + 1, lo), (hi, lo), (hi, hi - 1)]
        else:
            pts = [(lo, lo), (hi, hi)]
        vals = [a * p + b * q for p, q in pts]
        lo_sum += min(vals)
        hi_sum += max(vals)
    return False if lo_sum > 0 or hi_sum < 0 else None


def _combine(results: list[DimResult], level_h: Header | None) -> PairResult:
    if any(r.kind == INDEP for r in results):
        return PairResult(INDEP)
    dists = {r.dist for r in results if r.kind == DIST}
    if len(dists) > 1:
        return PairResult(INDEP)
    if dists == {0}:
        return PairResult("equal", 0)
    kinds = [r.kind for r in results]
    if MAYBE in kinds:
        return PairResult(MAYBE, next(iter(dists), None), "subscripts not decidable by the dependence tests")
    if FREE in kinds:
        return PairResult(MAYBE, next(iter(dists), None), "elements do not depend on the loop variable")
    if SAME in kinds and not dists:
        return PairResult(MAYBE, None, "every iteration uses the same elements (a temporary array needs privatizing)")
    exists = kinds.count(EXISTS)
    if dists and exists:
        return PairResult(MAYBE, next(iter(dists)), "subscripts not decidable by the dependence tests")
    if exists > 1:
        return PairResult(MAYBE, None, "subscripts not decidable by the dependence tests")
    return PairResult("carried", next(iter(dists), None))


def _delinearize_all(subs, ivs, headers) -> tuple[tuple, tuple]:
    """Each subscript split into dimensions, and the strides the splits used (see :func:`_delinearize`)."""
    dims: list[Poly] = []
    strides: list[tuple] = []
    for s in subs:
        parts, used = _delinearize(s, set(ivs), headers, 3)
        dims.extend(parts)
        strides.append(used)
    return tuple(dims), tuple(strides)


def _delinearize(p: Poly, ivs: set[str], headers: dict[str, Header], depth: int) -> tuple[list[Poly], tuple]:
    """Split ``U*Q + R`` into ``[Q, R]`` when ``0 <= R < U`` holds by the bounds of R's induction variable
    (``for (j = 0; j < U; j++)``) and ``U`` is loop-invariant here (row-major ``a[i*n + j]``). ``Q`` may be
    invariant too: ``a[i*m + j]`` against ``a[(i-1)*m + j]`` in the ``j`` loop splits into rows ``i`` and ``i-1``,
    which differ. Unique because ``U > 0`` wherever the inner loop runs at all. Returns the dimensions and the
    strides used, outermost first, so that two accesses are compared dimension by dimension only when they were
    split by the same strides (``a[i*m + j]`` and ``a[i*n + k]`` name the same elements in other ways)."""
    if depth == 0:
        return [p], ()
    for mono, coef in p.items():
        if coef != 1 or len(mono) != 1 or mono[0] not in ivs:
            continue
        split = _split_by_bound(p, mono[0], ivs, headers.get(mono[0]))
        if split is not None:
            q, r, stride = split
            outer, used = _delinearize(q, ivs, headers, depth - 1)
            return [*outer, r], (*used, P.key(stride))
    return [p], ()


def _split_by_bound(p: Poly, v: str, ivs: set[str], h: Header | None) -> tuple[Poly, Poly, Poly] | None:
    """``(Q, R, U)`` with ``p = U*Q + R``, ``R = v + c`` (``c`` the constant term or 0) and ``0 <= R < U`` by v's
    loop bounds; None when p does not have that shape."""
    if h is None or h.step is None or h.step <= 0 or h.lower is None or h.upper is None or h.op not in ("<", "<="):
        return None
    lo = P.constant_value(h.lower)
    stride = h.upper if h.op == "<" else P.add(h.upper, P.const(1))
    if lo is None or P.constant_value(stride) is not None or P.symbols(stride) & ivs or len(stride) != 1:
        return None  # numeric strides are the bounds tests' business; a stride must be one invariant product
    ((unit, k),) = stride.items()
    if k != 1:
        return None
    for c in {p.get((), 0), 0}:
        if c > 0 or lo + c < 0:
            continue
        rest = P.add(p, {(v,): 1, **P.const(c)}, -1)
        quotient = _divide(rest, unit)
        if quotient is not None:
            return quotient, P.add(P.symbol(v), P.const(c)), stride
    return None


def _divide(p: Poly, unit: tuple[str, ...]) -> Poly | None:
    """``p / unit`` when every term of p is a multiple of the monomial ``unit``, else None."""
    out: Poly = {}
    for mono, coef in p.items():
        rest = list(mono)
        for s in unit:
            if s not in rest:
                return None
            rest.remove(s)
        out[tuple(rest)] = coef
    return out
