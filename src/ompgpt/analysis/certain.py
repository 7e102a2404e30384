"""Dependences that are certain, not merely possible: distance vectors the dependence tests leave undecided.

The tests in :mod:`dependence` decide, per pair of accesses, whether two iterations of the analyzed loop may touch
the same element; where an inner loop's variable makes the equations free (``b[i][j]`` against ``b[i-1][j-1]``:
``j' = j - 1`` is always possible) or every iteration uses the same elements (``A[i]`` inside ``for (t ...) for
(i ...)``: the subscripts do not use ``t``), they answer "possible". Both are certain when each inner loop runs over
the same range in every iteration of the analyzed loop (its bounds use no loop variable and nothing the body
changes) and the distance fits in that range: the dependence is then carried with distance vector ``(d, 1)`` or
``(*, 0)``, a race under a plain pragma on this loop, and on any ``collapse`` that folds it.

:mod:`core` asks :func:`certain_pair` only after privatization and array reductions were ruled out. "Every
iteration uses the same elements" is proven only where a value flows across iterations (an element read before
the iteration writes it, as in a time loop): a temporary array that each iteration writes before reading races
just as much when shared, but a private copy fixes it, so it stays "possible (needs privatizing)". The standard of
proof is the strong SIV test's: the two accesses meet whenever both run (a condition around them is not looked at).
"""

from __future__ import annotations

from ompgpt.analysis import dependence as D
from ompgpt.analysis import poly as P
from ompgpt.analysis.flow import Resolved
from ompgpt.analysis.ir import READ, WRITE, Header

SAME_REASON = "every iteration uses the same elements"


def exposed_reads(rs: list[Resolved]) -> set[int]:
    """The reads (by ``id``) of an array's accesses ``rs``, in program order, that come before every write of the
    array in the iteration: what they read was written by an earlier iteration, not this one."""
    first_write = next((n for n, r in enumerate(rs) if r.acc.kind & WRITE), len(rs))
    return {id(r) for r in rs[:first_write] if r.acc.kind & READ}


def certain_pair(r1: Resolved, r2: Resolved, result: D.PairResult, level: Header | None, varying: set[str],
                 exposed: set[int]) -> D.PairResult:  # fmt: skip
    """``result`` upgraded to a proven carried dependence when its distance vector is certain (see module);
    otherwise ``result`` unchanged. ``varying``: names whose value may differ between iterations of the analyzed
    loop (written or declared in it, or passed to a call); ``exposed``: see :func:`exposed_reads`."""
    if result.status != D.MAYBE or r1.problem or r2.problem or len(r1.subs) != len(r2.subs) or not r1.ivs:
        return result
    x = r1.ivs[0]
    ranges = _ranges(r1) | {v + "'": h for v, h in _ranges(r2).items()}
    dists: set[int] = set()
    seen: set[str] = set()
    for s1, s2 in zip(r1.subs, r2.subs, strict=True):
        diff = P.add(s1, P.rename(s2, lambda s: s + "'" if s in r2.ivs else s), -1)
        found = _dimension(diff, x, ranges, varying, seen)
        if found is False:
            return result
        if found is not True:
            dists.add(found)
    if len(dists) > 1 or dists == {0}:
        return result
    trips = D.trip_count(level)
    step = abs(level.step or 1) if level is not None else 1
    d = next(iter(dists), None)
    if d is not None and d % step:
        return result  # ``x`` moves by the step: a distance between its values is a multiple of it
    if trips is not None and (trips < 2 or (d is not None and abs(d) >= trips * step)):
        return result
    if d is None:
        if not _flows_across(r1, r2, exposed):
            return result  # written before it is read: a temporary that a private copy may fix
        return D.PairResult("carried", None, f"{SAME_REASON}: each is read before this iteration writes it")
    return D.PairResult("carried", d, "an inner loop's variable reaches the other element")


def _flows_across(r1: Resolved, r2: Resolved, exposed: set[int]) -> bool:
    """A read and a write of the very same element (identical subscripts), the read before any write of the array
    in the iteration: its value comes from the previous iteration, so privatizing the array would change it."""
    read, write = (r1, r2) if id(r1) in exposed else (r2, r1)
    if id(read) not in exposed or not write.acc.kind & WRITE:
        return False
    return [P.key(s) for s in read.subs] == [P.key(s) for s in write.subs] and read.ivs == write.ivs


def _ranges(r: Resolved) -> dict[str, Header]:
    return dict(zip(r.ivs, r.headers, strict=False)) if len(r.headers) == len(r.ivs) else {}


def _dimension(diff, x: str, ranges: dict[str, Header], varying: set[str], seen: set[str]) -> int | bool:
    """One dimension's equation ``diff == 0``: the distance ``x' - x`` it forces (an int), True when an inner
    variable pair ``v - v' + c`` always has a solution in its fixed range (or nothing varies and ``c == 0``),
    False when not certain."""
    c = diff.get((), 0)
    terms = {mono: k for mono, k in diff.items() if mono}
    if any(len(mono) != 1 for mono in terms):
        return False
    coefs = {mono[0]: k for mono, k in terms.items()}
    if not coefs:
        return c == 0
    xp = x + "'"
    if set(coefs) <= {x, xp}:
        a = coefs.get(x, 0)
        if a == 0 or coefs.get(xp, 0) != -a or c % a:
            return False
        return c // a
    if len(coefs) == 4 and {x, xp} <= set(coefs):
        return _flat_distance(coefs, c, x, ranges, varying, seen)
    if len(coefs) != 2:
        return False
    (v, k), (w, kk) = sorted(coefs.items())
    if w != v + "'" or kk != -k or c % k or v in seen or v == x:
        return False
    seen.add(v)
    return _reachable(ranges.get(v), ranges.get(w), c // k, ranges, varying)


def _flat_distance(coefs: dict[str, int], c: int, x: str, ranges, varying, seen: set[str]) -> int | bool:
    """A flattened offset ``a*x + k*v + c`` against ``a*x' + k*v'`` (``b[i][j-1]`` read as ``i*M + j - 1``): the
    nearest distance ``d = x' - x`` for which ``k*(v - v') = a*d - c`` has a solution with ``v`` and ``v'`` in their
    fixed range (``j = 0`` reaches ``j' = M - 1`` of row ``i - 1``), else False."""
    xp = x + "'"
    a = coefs[x]
    if coefs[xp] != -a:
        return False
    (v, k), (w, kk) = sorted((n, q) for n, q in coefs.items() if n not in (x, xp))
    if w != v + "'" or kk != -k or v in seen:
        return False
    h, level = ranges.get(v), ranges.get(x)
    trips = D.trip_count(level)
    step = abs(level.step or 1) if level is not None else 1
    reach = min(trips - 1, 64) if trips is not None else 4  # unknown trip count: the nearest distances only
    for d in sorted((n * step for n in range(-reach, reach + 1) if n), key=abs):  # ``x`` moves by its step
        gap, rem = divmod(a * d - c, k)  # v - v' = gap; v' = v - gap
        if not rem and _reachable(h, ranges.get(w), -gap, ranges, varying):
            seen.add(v)
            return d
    return False


def _reachable(h1: Header | None, h2: Header | None, gap: int, ranges: dict[str, Header], varying: set[str]) -> bool:
    """Do ``v`` and ``v'``, running over the same fixed range, take values ``gap`` apart (``v' = v + gap``)?"""
    if h1 is None or h2 is None or not _same_range(h1, h2) or not _fixed_range(h1, ranges, varying):
        return False
    if gap == 0:
        return True
    trips = D.trip_count(h1)
    step = abs(h1.step or 1)
    return trips is not None and gap % step == 0 and abs(gap) < trips * step


def _same_range(h1: Header, h2: Header) -> bool:
    """The same loop, or two loops over the same range (sibling ``j`` loops with equal bounds)."""
    return h1 is h2 or all(getattr(h1, f) == getattr(h2, f) for f in ("lower", "upper", "op", "step"))


def _fixed_range(h: Header, ranges: dict[str, Header], varying: set[str]) -> bool:
    """Bounds known and the same in every iteration of the analyzed loop: they use no loop variable (``for (j =
    i*m; ...)`` moves with ``i``) and nothing the loop body writes."""
    if h.lower is None or h.upper is None or not h.step or h.op not in ("<", "<=", ">", ">="):
        return False
    names = P.symbols(h.lower) | P.symbols(h.upper)
    loop_vars = {v.rstrip("'").split("#")[0] for v in ranges}
    return not names & (loop_vars | varying)
