"""One iteration of a loop body, walked in program order: which variables are read before they are written
(upward-exposed, so their value crosses iterations), which are definitely written on every path, and the memory
accesses with their subscripts rewritten in terms of induction variables and loop invariants.

The walk is a must-define dataflow over the structured IR: branches intersect, inner loop bodies may run zero
times, ``continue`` paths join at the end of the iteration. Scalars assigned an affine value (``p = i*n + j``) are
forward-substituted into later subscripts while that definition still holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ompgpt.analysis import ir
from ompgpt.analysis import poly as P
from ompgpt.analysis.ir import READ, WRITE, Access, Header, LoopS
from ompgpt.analysis.poly import Poly


@dataclass(slots=True)
class Resolved:
    """A memory access with subscripts over the active induction variables (None where not analysable)."""

    acc: Access
    subs: tuple[Poly | None, ...]
    ivs: tuple[str, ...]  # induction variables active here, the analyzed loop's first
    problem: str | None = None  # why a subscript could not be analysed
    base_varies: bool = False  # the pointer the access goes through changes inside the loop
    # the headers of ``ivs``, one per name: an inner loop that redeclares an enclosing loop's variable gets a name
    # of its own (``i#1``), so two loops named alike stay apart
    headers: tuple[Header, ...] = ()


@dataclass
class FlowResult:
    exposed: dict[str, tuple[int, int]] = field(default_factory=dict)  # first upward-exposed read per key
    by_key: dict[str, list[Access]] = field(default_factory=dict)  # non-memory accesses per key
    memory: list[Resolved] = field(default_factory=list)
    defined_at_exit: set[str] = field(default_factory=set)
    headers: dict[str, Header] = field(default_factory=dict)
    early_exits: list[tuple[str, tuple[int, int]]] = field(default_factory=list)


def written_keys(loop: LoopS) -> tuple[set[str], set[str]]:
    """(variables/members written, memory keys written) anywhere in the loop body; cached on the loop."""
    cached = getattr(loop, "_written", None)
    if cached is None:
        wv, wm = set(), set()
        for acc in loop.flat:
            if acc.kind & WRITE:
                (wm if acc.memory else wv).add(acc.key)
        cached = loop._written = (wv, wm)
    return cached


def canonical_iv(loop: LoopS) -> str | None:
    """The induction variable when the header is canonical and the body leaves it alone."""
    h = loop.header
    if h.var is None or h.problem is not None or loop.kind != "for":
        return None
    return None if h.var in written_keys(loop)[0] else h.var


def _runs_whole(loop: LoopS) -> bool:
    """A counted loop with constant bounds that runs at least once and has no jump: what its body writes is written
    when the loop is over (``for (j = 0; j < 2; j++) A = 1;`` assigns ``A``)."""
    h = loop.header
    if loop.kind != "for" or loop.jumps or h.problem is not None or h.step is None:
        return False
    lo = P.constant_value(h.lower) if h.lower is not None else None
    up = P.constant_value(h.upper) if h.upper is not None else None
    if lo is None or up is None:
        return False
    if h.step > 0:
        return lo < up if h.op == "<" else lo <= up if h.op == "<=" else False
    return lo > up if h.op == ">" else lo >= up if h.op == ">=" else False


class Walker:
    def __init__(
        self, loop: LoopS, elementwise: frozenset[str] = frozenset(), synchronized: frozenset[str] = frozenset()
    ):
        self.loop = loop
        self.synchronized = synchronized  # keys only touched by ``omp atomic``/``critical``: no dependence there
        self.written_vars, self.written_mem = written_keys(loop)
        if synchronized:  # atomically updated: left out of the accesses, but their values still change
            self.written_vars = self.written_vars | synchronized
        self.elementwise = elementwise
        self.result = FlowResult()
        self.ivs: list[str] = [loop.header.var] if loop.header.var else []
        self.iv_headers: list[Header] = [loop.header] if loop.header.var else []
        if loop.header.var:
            self.result.headers[loop.header.var] = loop.header
        # scope resolution: an inner ``for (int i ...)`` inside the ``i`` loop names its own variable, renamed here
        # so that ``var[i]`` in its body is indexed by the inner ``i``; a plain declaration of an active induction
        # variable's name (``int i = f();``) hides it for the rest of its block, where subscripts using it are not
        # analysable
        self.renames: dict[str, str] = {}
        self.hidden: set[str] = set()
        self.defs: dict[str, Poly] = {}
        self._continues: list[set[str]] = []
        self._switches: list[tuple[ir.Switch, list[set[str]]]] = []

    def run(self) -> FlowResult:
        end = self.stmt(self.loop.body, set())
        states = [s for s in [end, *self._continues] if s is not None]
        self.result.defined_at_exit = set.intersection(*states) if states else set()
        return self.result

    # ---------------------------------------------------------------- statements
    def stmt(self, node, state: set[str] | None) -> set[str] | None:
        if state is None:
            state = set()  # code after an unconditional jump: treat conservatively
        t = type(node)
        if t is ir.Ev:
            for acc in node.acc:
                self.access(acc, state)
            return state
        if t is ir.Seq:
            hidden = set(self.hidden)
            for item in node.items:
                state = self.stmt(item, state)
            self.hidden = hidden
            return state
        if t is ir.If:
            for acc in node.cond.acc:
                self.access(acc, state)
            defs = dict(self.defs)
            s1 = self.stmt(node.then, set(state))
            defs1, self.defs = self.defs, defs
            s2 = self.stmt(node.other, set(state)) if node.other is not None else state
            self.defs = {k: v for k, v in defs1.items() if self.defs.get(k) == v}
            return _meet(s1, s2)
        if t is LoopS:
            return self.inner_loop(node, state)
        if t is ir.Jump:
            return self.jump(node, state)
        if t is ir.Switch:
            return self.switch(node, state)
        return state

    def switch(self, node: ir.Switch, state: set[str]) -> set[str] | None:
        """Each case starts from the state at the switch (a jump target); the state after is the meet of the
        ``break`` states, the fall-out of the last case and, without ``default``, the entry state."""
        for acc in node.cond.acc:
            self.access(acc, state)
        self._switches.append((node, []))
        ends: list[set[str] | None] = []
        for case in node.cases:
            ends.append(self.stmt(case, set(state)))
        _, breaks = self._switches.pop()
        self.defs.clear()
        outs = [*breaks, ends[-1] if ends else state]
        if not node.has_default:
            outs.append(state)
        result = None
        for out in outs:
            result = _meet(result, out) if result is not None else out
        return result

    def jump(self, j: ir.Jump, state: set[str]) -> set[str] | None:
        if j.kind == "continue":
            if j.owner is self.loop:
                self._continues.append(set(state))
            return None
        if j.kind == "break":
            if j.owner is self.loop:
                self.result.early_exits.append(("break", j.pos))
            for sw, breaks in self._switches:
                if j.owner is sw:
                    breaks.append(set(state))
            return None
        if j.kind == "label":
            return state
        self.result.early_exits.append((j.kind, j.pos))
        return None

    def inner_loop(self, loop: LoopS, state: set[str]) -> set[str]:
        iv = canonical_iv(loop)
        shadows = bool(iv and loop.header.declared and (iv in self.ivs or iv in self.renames))
        for acc in loop.init.acc:
            self.access(acc, state, header=shadows)
        inner_wv, inner_wm = written_keys(loop)
        # what the inner loop writes kills the definitions using it, except its own variable when that is a new
        # one (``int row = i; for (int i ...) B[row][i]``: ``row`` still holds the outer ``i``)
        killed = (inner_wv | inner_wm | ({iv} if iv else set())) - ({iv} if shadows else set())
        self._kill(killed)
        saved = (dict(self.renames), set(self.hidden))
        if iv and loop.header.declared:
            self.hidden.discard(iv)  # the header's declaration is the one visible in the body
            self.renames.pop(iv, None)
            if shadows:
                self.renames[iv] = f"{iv}#{len(self.ivs)}"
        name = self.renames.get(iv, iv) if iv else None
        if loop.kind != "do":
            for acc in loop.cond.acc:
                self.access(acc, state)
        body_state = set(state)
        if name:
            self.ivs.append(name)
            self.iv_headers.append(loop.header)
            self.result.headers[name] = loop.header
        after = self.stmt(loop.body, body_state)
        after = set(body_state) if after is None else after
        for acc in loop.update.acc:
            self.access(acc, after)
        if loop.kind == "do":
            for acc in loop.cond.acc:
                self.access(acc, after)
        if name:
            self.ivs.pop()
            self.iv_headers.pop()
        self.renames, self.hidden = saved
        self._kill(killed)
        return after if loop.kind == "do" or _runs_whole(loop) else state

    # ---------------------------------------------------------------- accesses
    def access(self, acc: Access, state: set[str], header: bool = False) -> None:
        if acc.decl and not acc.memory and not header and (acc.key in self.ivs or acc.key in self.renames):
            self.hidden.add(acc.key)  # ``int i = ...;`` in the body hides the induction variable ``i``
            self.renames.pop(acc.key, None)
        if (acc.atomic or acc.critical is not None or acc.owned) and acc.key in self.synchronized:
            return
        if (
            acc.memory
            and acc.base in self.elementwise
            and all(s is not None and P.constant_value(s) is not None for s in acc.subs)
        ):
            key = acc.key + "".join(f"[{P.constant_value(s)}]" for s in acc.subs)
            acc = Access(key, acc.base, acc.kind, acc.pos, op=acc.op, decl=acc.decl, via=acc.via)
        if acc.memory:
            if acc.base in self.written_vars:
                # going through a pointer reads the pointer variable itself
                base_read = Access(acc.base, acc.base, READ, acc.pos)
                self.result.by_key.setdefault(acc.base, []).append(base_read)
                if acc.base not in state:
                    self.result.exposed.setdefault(acc.base, acc.pos)
            self._memory(acc)
            if acc.kind & WRITE:
                self._kill({acc.key})
            return
        key = acc.key
        self.result.by_key.setdefault(key, []).append(acc)
        if acc.kind == ir.DECL:
            state.add(key)
            if not header:
                self._kill({key})
            return
        if acc.kind & READ and key not in state:
            self.result.exposed.setdefault(key, acc.pos)
        if acc.kind & WRITE:
            state.add(key)
            if header:
                return  # a shadowing loop's new variable: definitions using the outer one still hold
            self._kill({key})
            if acc.kind == WRITE and acc.value is not None:
                value, problem = self.resolve(acc.value)
                if problem is None:
                    self.defs[key] = value

    def _kill(self, keys: set[str]) -> None:
        if not self.defs or not keys:
            return
        for var in list(self.defs):
            if var in keys or keys.intersection(P.symbols(self.defs[var])):
                del self.defs[var]

    def resolve(self, p: Poly) -> tuple[Poly, str | None]:
        """Substitute live definitions, then check that every symbol left is an induction variable or invariant.
        Names of shadowing inner loops' variables are renamed first (see ``renames``)."""
        if self.renames and P.symbols(p) & self.renames.keys():
            p = P.rename(p, lambda s: self.renames.get(s, s))
        if self.defs:
            p = P.substitute(p, self.defs)
        for sym in P.symbols(p):
            if sym in self.hidden:
                return p, f"'{sym}' is redeclared inside the loop, hiding the induction variable"
            if sym in self.ivs:
                continue
            if sym in self.written_vars or sym in self.written_mem:
                return p, f"'{sym}' changes inside the loop"
        return p, None

    def _memory(self, acc: Access) -> None:
        subs: list[Poly | None] = []
        problem = None
        for s in acc.subs:
            if s is None:
                subs.append(None)
                problem = problem or ("indirect subscript" if acc.indirect else "subscript is not affine")
                continue
            value, why = self.resolve(s)
            subs.append(None if why else value)
            problem = problem or why
        varies = acc.base in self.written_vars and acc.base != self.loop.header.var
        resolved = Resolved(acc, tuple(subs), tuple(self.ivs), problem, varies, tuple(self.iv_headers))
        self.result.memory.append(resolved)


def _meet(a: set[str] | None, b: set[str] | None) -> set[str] | None:
    if a is None:
        return b
    if b is None:
        return a
    return a & b
