"""Dependences that are certain, not merely possible: the same elements touched by every iteration.

``A[i]`` written and read inside ``for (t ...) for (i = 0; i < n; i++)``: the subscripts do not use ``t``, and the
``i`` loop runs over the same range in every ``t`` iteration (its bounds use neither ``t`` nor anything the body
changes), so each element is written by one ``t`` iteration and touched again by the next. The dependence tests
call such a pair "every iteration uses the same elements" and leave it possible, because a temporary array that
each iteration fills before reading can be privatized; :mod:`core` asks :func:`same_elements` only after that
privatization (and the array-reduction case) were ruled out, so what is left races under a plain pragma.

The proof has the same standard as a distance from the strong SIV test: the two accesses meet whenever both run
(a condition around them is not looked at).
"""

from __future__ import annotations

from ompgpt.analysis import dependence as D
from ompgpt.analysis import poly as P
from ompgpt.analysis.flow import Resolved
from ompgpt.analysis.ir import Header

SAME_REASON = "every iteration uses the same elements"


def same_elements(r1: Resolved, r2: Resolved, result: D.PairResult, level: Header | None, varying: set[str]):
    """``result`` upgraded to a proven carried dependence when it says every iteration of the analyzed loop (whose
    header is ``level``) uses the same elements and that is certain: the loop runs at least twice (or its trip count
    is unknown), and every inner loop whose variable the subscripts use is the same loop for both accesses, with
    bounds that neither the analyzed loop's iterations nor the body change. Otherwise ``result`` unchanged."""
    if result.status != D.MAYBE or not (result.reason or "").startswith(SAME_REASON):
        return result
    trips = D.trip_count(level)
    if trips is not None and trips < 2:
        return result
    used = set().union(*(P.symbols(s) for s in (*r1.subs, *r2.subs) if s is not None))
    for var in used & (set(r1.ivs) | set(r2.ivs)):
        h1, h2 = _header_of(r1, var), _header_of(r2, var)
        if h1 is None or h2 is None or not _same_range(h1, h2) or not _fixed_range(h1, r1, varying):
            return result
    note = f"{SAME_REASON}: each is touched again by the next iteration"
    return D.PairResult("carried", None, note)


def _header_of(r: Resolved, var: str) -> Header | None:
    if var not in r.ivs or len(r.headers) != len(r.ivs):
        return None
    return r.headers[r.ivs.index(var)]


def _same_range(h1: Header, h2: Header) -> bool:
    """The same loop, or two loops over the same range (sibling ``j`` loops with equal bounds)."""
    if h1 is h2:
        return True
    fields = ("lower", "upper", "op", "step")
    return all(getattr(h1, f) == getattr(h2, f) for f in fields)


def _fixed_range(h: Header, r: Resolved, varying: set[str]) -> bool:
    """Bounds known and the same in every iteration of the analyzed loop: they use no induction variable (``for
    (j = i*m; ...)`` moves with ``i``) and nothing the loop body writes."""
    if h.lower is None or h.upper is None or not h.step or h.op not in ("<", "<=", ">", ">="):
        return False
    names = P.symbols(h.lower) | P.symbols(h.upper)
    return not names & (set(r.ivs) | {v.split("#")[0] for v in r.ivs} | varying)
