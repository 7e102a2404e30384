"""Array privatization: a scratch array whose every read, in every iteration, sees a value that iteration wrote.

``double w[8]; for (i...) { for (k = 0; k < 8; k++) w[k] = f(i, k); ... reads of w ... }`` carries no value from
one iteration to the next, yet every iteration writes the same elements, so the dependence tests report it and a
shared ``w`` races. Classical parallelizers privatize such arrays (Tu and Padua, "Automatic array privatization",
LCPC 1993; Cetus and Polaris do). Without array dataflow, the test here is narrow so that it stays sound: walking
the body in order, a read is covered when

- a *fill loop* before it wrote the whole declared array (a counted loop with no jumps or calls, leaving its counter
  alone, writing ``w[k + c]`` on every trip and never reading ``w``), or
- an unconditional write of the very same element came before it in the same iteration (``b[j] = ...; ... b[j]``
  in one trip of an inner loop), with no change in between to a variable the subscript names.

Reads through anything but a plain subscript (the bare name passed to a call) are never covered.
"""

from __future__ import annotations

from dataclasses import dataclass

from ompgpt.analysis import ir
from ompgpt.analysis import poly as P
from ompgpt.analysis.flow import canonical_iv, written_keys
from ompgpt.analysis.ir import LoopS

PRIVATE, FILLED = "private", "filled"


def privatizable(ls: LoopS, key: str, size: int | None) -> str | None:
    """``FILLED`` when every iteration of ``ls`` writes all ``size`` elements of the array ``key`` before reading
    any (a private copy is right, and so is lastprivate: the last iteration leaves the whole array as the serial
    loop does); ``PRIVATE`` when every read is covered but the array may not be written whole (right while its
    values are dead after the loop); None otherwise."""
    if any(j.kind == "goto" for j in ls.jumps):
        return None  # a jump may pass over a write the walk counts
    walk = _Walk(key, size)
    for ev in (ls.init, ls.cond, ls.update):
        walk.node(ev, set())
    walk.node(ls.body, set())
    if not walk.ok:
        return None
    return FILLED if walk.filled else PRIVATE


@dataclass(frozen=True)
class _Element:
    subs: tuple
    names: frozenset[str]


@dataclass
class _Walk:
    key: str
    size: int | None
    ok: bool = True
    filled: bool = False

    def node(self, node, defined: set[_Element], top: bool = True) -> set[_Element]:
        """Walk one statement with the elements written so far in this iteration; returns those after it.
        ``top``: the statement runs whenever the iteration gets this far (not in a branch or an inner loop's body),
        the only place a fill loop counts."""
        if not self.ok:
            return defined
        if isinstance(node, ir.Ev):
            return self.ev(node, defined)
        if isinstance(node, ir.Seq):
            for item in node.items:
                defined = self.node(item, defined, top)
            return defined
        if isinstance(node, ir.If):
            defined = self.ev(node.cond, defined)
            then = self.node(node.then, set(defined), False)
            if node.other is None:
                return defined
            return defined | (then & self.node(node.other, set(defined), False))
        if isinstance(node, ir.Switch):
            defined = self.ev(node.cond, defined)
            for case in node.cases:
                self.node(case, set(defined), False)
            return defined
        if isinstance(node, LoopS):
            return self.loop(node, defined, top)
        if node is None or isinstance(node, ir.Jump | ir.Omp):
            return defined
        self.ok = False  # a statement this walk does not know may read the array
        return defined

    def loop(self, loop: LoopS, defined: set[_Element], top: bool) -> set[_Element]:
        if top and self.size is not None and _fills(loop, self.key, self.size):
            self.filled = True
            return defined
        changed = set().union(*written_keys(loop))
        inside = {e for e in defined if not e.names & changed}
        for ev in (loop.init, loop.cond):
            inside = self.ev(ev, inside)
        self.node(loop.body, set(inside), False)  # what one trip writes is known only during that trip
        self.ev(loop.update, set(inside))
        return {e for e in defined if not e.names & changed}

    def ev(self, ev: ir.Ev, defined: set[_Element]) -> set[_Element]:
        for a in ev.acc:
            if a.key != self.key:
                if a.subs is None and a.kind & ir.WRITE:  # a scalar changes: subscripts naming it move
                    defined = {e for e in defined if a.key not in e.names}
                continue
            element = _element(a)
            if a.kind & ir.READ and not self.filled and (element is None or element not in defined):
                self.ok = False
                return defined
            if a.kind & ir.WRITE and element is not None and a.via is None:
                defined = defined | {element}
        return defined


def _element(a: ir.Access) -> _Element | None:
    """The element an access names, comparable across accesses; None for a bare name or an unanalysable subscript."""
    if a.subs is None or any(s is None for s in a.subs) or a.indirect:
        return None
    names = frozenset(name for s in a.subs for name in P.symbols(s))
    return _Element(tuple(P.key(s) for s in a.subs), names)


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
    for item in loop.body.items if isinstance(loop.body, ir.Seq) else [loop.body]:
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
