"""Array privatization: a scratch array that every iteration fills completely before it reads it.

``double w[8]; for (i...) { for (k = 0; k < 8; k++) w[k] = f(i, k); ... reads of w ... }`` carries no value from
one iteration to the next, yet every iteration writes the same elements, so the dependence tests report it and a
shared ``w`` races. Classical parallelizers privatize such arrays (Tu and Padua, "Automatic array privatization",
LCPC 1993; Cetus and Polaris do). The test here is deliberately narrow, so that it stays sound without array
dataflow: one unconditional fill loop at the top level of the body covers the whole declared array before any
other use of it, and writes it without reading it.
"""

from __future__ import annotations

from ompgpt.analysis import ir
from ompgpt.analysis import poly as P
from ompgpt.analysis.flow import canonical_iv
from ompgpt.analysis.ir import LoopS

#: what :func:`_keys` answers for a statement it does not know: it may touch anything
UNKNOWN = "?"


def filled_before_use(ls: LoopS, key: str, size: int) -> bool:
    """Does every iteration of ``ls`` write all ``size`` elements of the one-dimensional array ``key`` before it
    reads any, through a fill loop at the top level of the body?"""
    if any(a.key == key for ev in (ls.init, ls.cond, ls.update) for a in ev.acc):
        return False
    for item in _items(ls.body):
        if isinstance(item, LoopS) and _fills(item, key, size):
            return True
        touched = _keys(item)
        if key in touched or UNKNOWN in touched:
            return False  # used (or maybe used) before it is filled
    return False


def _items(node) -> list:
    return list(node.items) if isinstance(node, ir.Seq) else [node]


def _fills(loop: LoopS, key: str, size: int) -> bool:
    """A counted loop ``for (k = lo; k <= hi; k++)`` with no jumps or calls, whose body leaves ``k`` alone, that
    writes ``key[k + c]`` unconditionally on every trip, never reads ``key``, and covers ``0 .. size-1``."""
    h = loop.header
    if loop.kind != "for" or h.var is None or h.problem is not None or h.step != 1 or loop.jumps or loop.calls:
        return False
    if canonical_iv(loop) != h.var:
        return False  # the body changes the counter: some elements may be skipped
    lo = P.constant_value(h.lower) if h.lower is not None else None
    up = P.constant_value(h.upper) if h.upper is not None else None
    if lo is None or up is None or h.op not in ("<", "<="):
        return False
    hi = up - 1 if h.op == "<" else up
    touches = [a for ev in (loop.init, loop.cond, loop.update) for a in ev.acc] + list(loop.flat)
    mine = [a for a in touches if a.key == key]
    if any(a.kind & ir.READ or a.via is not None for a in mine):
        return False
    for item in _items(loop.body):
        if not isinstance(item, ir.Ev):
            continue
        for a in item.acc:
            offset = _offset(a, key, h.var)
            if offset is not None and lo + offset <= 0 and hi + offset >= size - 1:
                return True
    return False


def _offset(a: ir.Access, key: str, var: str) -> int | None:
    """``c`` when ``a`` writes ``key[var + c]``, else None."""
    if a.key != key or not a.kind & ir.WRITE or a.subs is None or len(a.subs) != 1 or a.subs[0] is None:
        return None
    rest = P.add(a.subs[0], P.symbol(var), -1)
    return P.constant_value(rest)


def _keys(node) -> set[str]:
    """Keys of every access anywhere in an IR subtree (calls' summarized accesses included)."""
    if isinstance(node, ir.Ev):
        return {a.key for a in node.acc}
    if isinstance(node, LoopS):
        return {a.key for ev in (node.init, node.cond, node.update) for a in ev.acc} | {a.key for a in node.flat}
    if isinstance(node, ir.Seq):
        return set().union(*(_keys(i) for i in node.items)) if node.items else set()
    if isinstance(node, ir.If):
        return _keys(node.cond) | _keys(node.then) | (_keys(node.other) if node.other is not None else set())
    if isinstance(node, ir.Switch):
        return _keys(node.cond) | (set().union(*(_keys(c) for c in node.cases)) if node.cases else set())
    return set() if node is None or isinstance(node, ir.Jump | ir.Omp) else {UNKNOWN}
