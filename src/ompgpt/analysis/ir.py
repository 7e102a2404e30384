"""A small statement/access IR built once per function from the tree-sitter tree.

Walking tree-sitter nodes from Python is the expensive part of the analysis, so each function body is converted
once into plain objects: statements (``Seq``, ``Ev``, ``If``, ``LoopS``, ``Switch``, ``Jump``, ``Omp``) whose
expressions are flattened into ordered ``Access`` events (reads before the write of an assignment, as C evaluates
them) and ``CallInfo`` records. Every loop of the function maps to its ``LoopS``, and per-loop analyses then run
over this IR only. Reduction-shaped updates (``s += e``, ``s = max(s, e)``, ``if (e > s) s = e``...) are recognised
here, at statement level, and tagged with their operator.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import tree_sitter

from ompgpt.analysis import calls as call_table
from ompgpt.analysis import poly as P
from ompgpt.analysis.poly import Poly
from ompgpt.source.parse import is_restrict_qualifier

READ, WRITE, UPDATE = 1, 2, 3
DECL = 4  # declaration without initializer: registers a local name

_LITERALS = frozenset(
    {
        "number_literal",
        "string_literal",
        "char_literal",
        "true",
        "false",
        "null",
        "nullptr",
        "concatenated_string",
        "raw_string_literal",
        "user_defined_literal",
        "comment",
        "type_descriptor",
        "primitive_type",
        "sizeof_expression",
        "alignof_expression",
        "offsetof_expression",
        "type_identifier",
    }
)
_REDUCIBLE_COMPOUND = {"+=": "+", "-=": "-", "*=": "*", "&=": "&", "|=": "|", "^=": "^"}
_CHAIN_OPS = frozenset({"*", "&", "|", "^", "&&", "||"})
_MAX_NAMES = frozenset({"max", "fmax", "fmaxf", "fmaxl", "MAX", "Max", "std::max", "std::fmax"})
_MIN_NAMES = frozenset({"min", "fmin", "fminf", "fminl", "MIN", "Min", "std::min", "std::fmin"})


def min_max_kind(name: str) -> str | None:
    """``max`` / ``min`` for a call name that computes one, else None."""
    if name in _MAX_NAMES:
        return "max"
    if name in _MIN_NAMES:
        return "min"
    found = call_table.MINMAX_MACRO.fullmatch(name)
    return found.group(1).lower() if found else None


@dataclass(slots=True)
class Access:
    """One read/write of a variable or memory location.

    ``key`` names the location: ``x`` (variable), ``s.f`` (member of a struct value), ``a`` (array or pointee,
    with ``subs``), ``p->f`` (member through a pointer: memory with no subscripts). ``subs`` is None for
    variables and members of values, else one ``Poly`` (or None when not affine) per subscript dimension.
    """

    key: str
    base: str
    kind: int
    pos: tuple[int, int]
    subs: tuple[Poly | None, ...] | None = None
    op: str | None = None  # reduction operator when this is a reduction-shaped update
    decl: bool = False
    value: Poly | None = None  # affine right-hand side of ``x = e`` (for forward substitution)
    indirect: bool = False  # a subscript reads memory, e.g. a[idx[i]]
    via: str | None = None  # "call f" when the access happens inside a called function
    handle: str | None = None  # declaration of a "ptr", "ref" or "auto" variable (may reach shared memory)
    atomic: str | None = None  # form of the ``omp atomic`` statement that accesses this location atomically
    critical: str | None = None  # inside ``omp critical`` ("" unnamed, else its name): mutually exclusive
    owned: bool = False  # subscripted by the thread number: the executing thread's own element
    addressed: bool = False  # ``&x``: the address escapes, so a call may write ``x``

    @property
    def memory(self) -> bool:
        return self.subs is not None


@dataclass(slots=True)
class Alias:
    """A body-local pointer or reference bound to an element: ``exact`` (reference: that element), ``offset``
    (pointer into a dimension: ``p[k]`` is ``prefix[last + k]``) or ``append`` (row pointer: ``p[k]`` is
    ``prefix[k]``)."""

    mode: str
    key: str
    base: str
    prefix: tuple
    last: Poly | None
    indirect: bool

    @property
    def symbols(self) -> set[str]:
        out = {self.base}
        for sub in (*self.prefix, self.last):
            if sub is not None:
                out |= P.symbols(sub)
        return out

    def subs(self, offset: Poly | None) -> tuple:
        if self.mode == "exact":
            return self.prefix
        if self.mode == "append":
            return (*self.prefix, offset)
        last = None if self.last is None or offset is None else P.add(self.last, offset)
        return (*self.prefix, last)


def array_dims_absent(dims) -> bool:
    return not dims


def _value_used(node) -> bool:
    """Is the value of this update expression used (``out[k++]``, ``a[i] = (s += x)``)? Then every iteration
    sees the running value and the update is not a reduction, whose partial values are private to each thread."""
    parent = node.parent
    while parent is not None and parent.type == "parenthesized_expression":
        node, parent = parent, parent.parent
    if parent is None or parent.type == "expression_statement":
        return False
    if parent.type == "comma_expression":
        return _value_used(parent) if node == parent.child_by_field_name("right") else False
    if parent.type == "for_statement":
        return parent.child_by_field_name("condition") == node
    return True


_ATOMIC_FORMS = ("read", "write", "update", "capture", "compare")


#: the critical-section name given to ``omp ordered`` blocks: they run one at a time, in iteration order
ORDERED = "<ordered>"


def critical_name(pragma_text: str) -> str | None:
    """``""`` for ``omp critical``, ``"name"`` for ``omp critical(name)``, :data:`ORDERED` for an ``omp ordered``
    block (not the standalone ``ordered depend(...)``/``doacross`` form), None for any other pragma."""
    words = pragma_text.replace("(", " ( ").replace(")", " ) ").split()
    if words[:2] == ["omp", "ordered"]:
        return None if {"depend", "doacross"} & set(words) else ORDERED
    if words[:2] != ["omp", "critical"]:
        return None
    return words[3] if len(words) > 4 and words[2] == "(" else ""


def _min_max_text(statement: str) -> bool:
    """An ``atomic compare`` statement that keeps the smaller or larger value (an ordering comparison, no
    ``==``): its result does not depend on the order of the iterations."""
    bare = re.sub(r"->|<<|>>", " ", statement)
    return "==" not in bare and re.search(r"[<>]", bare) is not None


def atomic_form(pragma_text: str) -> str | None:
    """``update``, ``capture``, ``read``, ``write`` or ``compare`` for an ``omp atomic`` pragma, else None."""
    words = pragma_text.replace(",", " ").split()
    if words[:2] != ["omp", "atomic"]:
        return None
    return next((w for w in words[2:] if w in _ATOMIC_FORMS), "update")


@dataclass(slots=True)
class CallInfo:
    name: str
    kind: str  # pure, io, rng, exit, alloc, memwrite, unknown, local, method
    pos: tuple[int, int]
    note: str | None = None
    args: tuple[str, ...] = ()  # bare identifiers passed (a macro or reference parameter might assign them)


@dataclass(slots=True)
class Ev:
    """Straight-line code: accesses in evaluation order, and the calls made."""

    acc: list[Access]
    calls: list[CallInfo]
    error: bool = False


@dataclass(slots=True)
class Seq:
    items: list


@dataclass(slots=True)
class If:
    cond: Ev
    then: object
    other: object | None


@dataclass(slots=True)
class Switch:
    cond: Ev
    cases: list[Seq]
    has_default: bool = False


@dataclass(slots=True)
class Jump:
    kind: str  # break, continue, return, goto, throw, label
    pos: tuple[int, int]
    owner: object | None = None  # the LoopS/Switch a break or continue belongs to


@dataclass(slots=True)
class Omp:
    text: str
    pos: tuple[int, int]


@dataclass(slots=True)
class Header:
    """Induction variable and bounds of a ``for`` header, when it has the canonical shape."""

    var: str | None = None
    lower: Poly | None = None
    upper: Poly | None = None
    op: str | None = None
    step: int | None = None
    step_poly: Poly | None = None
    problem: str | None = None  # why the header is not canonical
    # the problem is only ours: a step like ``i += 2 * s[0]`` that OpenMP accepts when loop-invariant, but that this
    # analysis cannot read as an affine expression
    problem_is_ours: bool = False
    declared: bool = False  # ``for (int i = ...)``: the induction variable does not exist at the loop's pragma


@dataclass(eq=False)
class LoopS:
    kind: str  # for, range, while, do
    start_byte: int
    pos: tuple[int, int]
    init: Ev
    cond: Ev
    update: Ev
    body: object
    header: Header
    flat: list[Access] = field(default_factory=list)  # accesses in the body (inner headers included)
    calls: list[CallInfo] = field(default_factory=list)
    jumps: list[Jump] = field(default_factory=list)
    omps: list[Omp] = field(default_factory=list)
    inner: list[LoopS] = field(default_factory=list)  # loops anywhere in the body
    parent: LoopS | None = None
    errors: int = 0
    work: int = 0  # count of IR events in the body (a cheap cost proxy)


@dataclass
class DeclInfo:
    name: str
    kind: str  # param, local, global
    type_text: str
    start: int  # byte where the declaration starts
    scope: tuple[int, int]  # bytes of the block it is visible in
    pointer: bool = False
    array: bool = False
    dims: tuple[str, ...] = ()
    restrict: bool = False
    reference: bool = False
    static: bool = False
    const: bool = False
    struct_value: bool = False
    #: extents of the rows of a pointer to arrays: a parameter ``T a[n][m]`` or ``T a[][m]`` (the first dimension
    #: decays), ``T (*a)[m]``; rows of one array never overlap, unlike those of a pointer to pointers
    row_dims: tuple[str, ...] = ()

    @property
    def pointer_depth(self) -> int:
        return self.type_text.count("*")


@dataclass
class FunctionSummary:
    """Side effects of a function defined in the same file or project (one level deep).

    ``reads_params`` / ``writes_params``: per parameter the callee reads or writes through, the subscripts it uses
    relative to the pointer it was given (``v[i + 1]`` in ``f(double *v, int i)`` is ``#1 + 1``: a polynomial
    over parameter positions, bound to the call's arguments at each call), ``()`` for a reference to a scalar,
    None when some subscript is not such a polynomial."""

    name: str
    params: list[str]
    reads_params: dict[int, tuple[Poly, ...] | None] = field(default_factory=dict)
    writes_params: dict[int, tuple[Poly, ...] | None] = field(default_factory=dict)
    reads_globals: set[str] = field(default_factory=set)
    writes_globals: set[str] = field(default_factory=set)
    calls: list[tuple[str, str]] = field(default_factory=list)


#: how many levels of calls are summarised: a loop calling ``f`` that calls ``g`` that calls ``h`` sees all three
#: (helpers calling helpers are common: hypre's set insertion calls its hash; one level left most such calls unknown)
SUMMARY_DEPTH = 3


def _passed_names(args, text) -> Iterator[str]:
    """The variables a call is given by name or by address (``f(x, &y)``: x, y)."""
    for arg in args:
        if arg.type == "pointer_expression" and text(arg).startswith("&"):
            arg = arg.child_by_field_name("argument")
        if arg is not None and arg.type == "identifier":
            yield text(arg)


def pos_of(node: tree_sitter.Node) -> tuple[int, int]:
    row, col = node.start_point
    return row + 1, col + 1


def squash(text: str) -> str:
    return "".join(text.split())


def _unparenthesized(node):
    """The expression inside any parentheses around it (None stays None)."""
    while node is not None and node.type == "parenthesized_expression" and node.named_child_count == 1:
        node = node.named_children[0]
    return node


class Builder:
    """Converts statements and expressions of one function into IR. ``depth`` > 0 builds a callee summary; calls
    are summarised down to ``SUMMARY_DEPTH`` levels, deeper ones stay unknown."""

    def __init__(self, ctx, depth: int = 0, constants: dict[str, int] | None = None):
        self.ctx = ctx
        self.constants = constants or {}  # ``const int N = 1000;`` visible in the function
        self.data: bytes = ctx.parsed.data
        self.depth = depth
        self.loops: dict[int, LoopS] = {}
        self._stack: list[object] = []  # enclosing LoopS/Switch, for break/continue owners
        self._loop_stack: list[LoopS] = []
        self._aliases: dict[str, Alias] = {}  # body-local pointers/references bound to an element
        self._atomic_next: str | None = None  # form of an ``omp atomic`` pragma waiting for its statement
        self._critical_next: str | None = None  # name of an ``omp critical`` pragma waiting for its statement
        self._collect: list[list[Access]] = []  # accesses of the statements being watched
        self._held: list[str] = []  # locks held by the statements being built (``omp_set_lock``, lock_guard ...)

    # ---------------------------------------------------------------- helpers
    def text(self, node: tree_sitter.Node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", errors="replace")

    def _note_access(self, acc: Access) -> None:
        if self._held and acc.critical is None:
            acc.critical = "lock " + self._held[-1]
        for sink in self._collect:
            sink.append(acc)
        for loop in self._loop_stack:
            loop.flat.append(acc)
            loop.work += 1

    def _note_call(self, call: CallInfo) -> None:
        for loop in self._loop_stack:
            loop.calls.append(call)
            loop.work += 4

    # ---------------------------------------------------------------- statements
    def stmt(self, node: tree_sitter.Node | None):
        if node is None:
            return Seq([])
        if self._atomic_next is not None and node.type not in ("comment", "preproc_call"):
            return self._atomic_statement(node)
        if self._critical_next is not None and node.type not in ("comment", "preproc_call"):
            return self._critical_statement(node)
        return self._stmt(node)

    def _atomic_statement(self, node: tree_sitter.Node):
        """The statement an ``omp atomic`` pragma governs. For the update and capture forms the location both
        read and written (``x`` in ``x += e``, ``v = x++``, ``{v = x; x += e;}``) is marked ``atomic``: threads
        cannot race on it and, the update being commutative, its final value does not depend on the order.
        Other operands (``e``, ``v``) stay ordinary accesses. The write form marks the location written (``x`` in
        ``x = e``), the read form the one read (``x`` in ``v = x``): no race on them, but no order either."""
        form, self._atomic_next = self._atomic_next, None
        if form == "compare" and not _min_max_text(self.text(node)):
            form = "cas"  # ``if (x == e) x = d;``: which iteration wins depends on the order
        out, sink = self._watched(node)
        read = {a.key for a in sink if a.kind & READ}
        written = {a.key for a in sink if a.kind & WRITE and not a.decl}
        marked = {
            "update": read & written,
            "capture": read & written,
            "compare": read & written,  # OpenMP 5.1: ``x = e < x ? e : x;`` an atomic min/max
            "cas": read & written,
            "write": written,
            "read": read - written,
        }
        for acc in sink:
            if acc.key in marked.get(form or "", set()):
                acc.atomic = form
        return out

    def _critical_statement(self, node: tree_sitter.Node):
        """The statement an ``omp critical`` pragma governs: its accesses are marked with the section's name.
        Sections of one name exclude each other, so a location touched only inside them cannot race; unlike an
        atomic update, their order can still change the result (``out[count++] = i``)."""
        name, self._critical_next = self._critical_next, None
        out, sink = self._watched(node)
        for acc in sink:
            acc.critical = name
        return out

    def _watched(self, node: tree_sitter.Node):
        """The statement built, and the accesses it made (for marking them atomic or critical)."""
        sink: list[Access] = []
        self._collect.append(sink)
        try:
            return self._stmt(node), sink
        finally:
            self._collect.pop()

    def _stmt(self, node: tree_sitter.Node):
        t = node.type
        method = _STMT.get(t)
        if method is not None:
            return method(self, node)
        if t == "comment" or (t.endswith("_declaration") and t != "declaration"):
            return Seq([])
        if t == "ERROR":
            for loop in self._loop_stack:
                loop.errors += 1
            ev = self.ev(node)
            ev.error = True
            return ev
        if node.is_named and node.named_child_count and t.endswith("statement"):
            return Seq([self.stmt(c) for c in node.named_children])
        return self.ev(node)

    def ev(self, node: tree_sitter.Node | None, decl: bool = False) -> Ev:
        ev = Ev([], [])
        if node is not None:
            self._expr(node, ev)
        return ev

    def block(self, node):
        items = []
        held = len(self._held)
        for child in node.named_children:
            if child.type == "comment":
                continue
            lock = lock_action(child, self.text)
            if lock is not None and lock[0] == "release" and lock[1] in self._held:
                self._held.remove(lock[1])
            items.append(self.stmt(child))
            if lock is not None and lock[0] == "acquire":
                self._held.append(lock[1])
        del self._held[held:]  # a guard's scope ends here; an unmatched lock call is not followed further
        self._atomic_next = self._critical_next = None  # a pragma closing a block governs nothing
        return Seq(items)

    def expression_statement(self, node):
        ev = Ev([], [])
        child = node.named_children[0] if node.named_child_count else None
        if child is not None and child.type == "identifier":
            call = CallInfo(self.text(child), "unknown", pos_of(child), "a lone name: probably a macro")
            ev.calls.append(call)
            self._note_call(call)
            return ev
        if child is not None:
            if node.has_error:
                for loop in self._loop_stack:
                    loop.errors += 1
                ev.error = True
            self._expr(child, ev)
        return ev

    def declaration(self, node):
        ev = Ev([], [])
        if node.has_error:
            ev.error = True
            for loop in self._loop_stack:
                loop.errors += 1
        for decl in node.children_by_field_name("declarator"):
            self._declarator(decl, ev, node)
        return ev

    def _declarator(self, decl, ev: Ev, owner) -> None:
        value = None
        if decl.type == "init_declarator":
            value = decl.child_by_field_name("value")
            decl = decl.child_by_field_name("declarator")
        name_node = decl
        dims = []
        handle = None
        constructed = False
        type_node = owner.child_by_field_name("type") if owner is not None else None
        if type_node is not None and type_node.type in ("placeholder_type_specifier", "auto", "decltype"):
            handle = "auto"  # might deduce a pointer
        while name_node is not None and name_node.type not in ("identifier", "field_identifier"):
            if name_node.type == "pointer_declarator" and handle != "ref":
                handle = "ptr"
            if name_node.type == "reference_declarator":
                handle = "ref"
            if name_node.type == "array_declarator":
                size = name_node.child_by_field_name("size")
                if size is not None:
                    dims.append(size)
            if name_node.type == "function_declarator":
                ctor_args = constructor_arguments(name_node)
                if ctor_args is None:
                    return  # a prototype
                for arg in ctor_args:
                    acc = Access(self.text(arg), self.text(arg), READ, pos_of(arg))
                    ev.acc.append(acc)
                    self._note_access(acc)
                constructed = True  # a write, as ``T x(3)``
            inner = name_node.child_by_field_name("declarator")
            if inner is None:
                inner = next((c for c in name_node.named_children if c.type in _DECLARATOR_TYPES), None)
            name_node = inner
        if name_node is None:
            if value is not None:
                self._expr(value, ev)
            return
        for size in dims:
            self._expr(size, ev)
        name = self.text(name_node)
        if value is not None:
            self._expr(value, ev)
            acc = Access(name, name, WRITE, pos_of(name_node), decl=True, value=self.poly(value))
        elif constructed:
            acc = Access(name, name, WRITE, pos_of(name_node), decl=True)
        else:
            # objects with constructors (C++ ``T x(args);``) are initialised too; a bare scalar is not
            acc = Access(name, name, DECL, pos_of(name_node), decl=True)
        acc.handle = handle
        ev.acc.append(acc)
        self._note_access(acc)
        if self._aliases:
            self._aliases.pop(name, None)
        if handle is not None and value is not None and array_dims_absent(dims):
            alias = self._alias_of(value, handle, ev)
            if alias is not None:
                # a reference cannot be re-bound (assigning it writes the element); a pointer can
                watched = alias.symbols | ({name} if alias.mode != "exact" else set())
                if self._never_reassigned(decl, watched):
                    self._aliases[name] = alias

    def _alias_of(self, value, handle: str, ev: Ev) -> Alias | None:
        """What a pointer/reference declared as ``T *p = &a[e]`` / ``T *p = a + e`` / ``T *row = m[i]`` /
        ``T &r = a[e]`` points to, as a location with subscripts."""
        while value.type in ("parenthesized_expression", "cast_expression") and value.named_child_count:
            value = value.child_by_field_name("value") or value.named_children[-1]
        scratch = Ev([], [])
        if handle == "ref":
            loc = self._location(value, scratch)
            return Alias("exact", loc[0], loc[1], tuple(loc[2]), None, loc[4]) if loc and loc[3] and loc[2] else None
        if value.type == "pointer_expression" and self.text(value).startswith("&"):
            loc = self._location(value.child_by_field_name("argument"), scratch)
            if loc and loc[3] and loc[2]:
                return Alias("offset", loc[0], loc[1], tuple(loc[2][:-1]), loc[2][-1], loc[4])
            return None
        if handle == "auto":
            return None
        if value.type == "subscript_expression":
            loc = self._location(value, scratch)
            return Alias("append", loc[0], loc[1], tuple(loc[2]), None, loc[4]) if loc and loc[3] else None
        if value.type == "binary_expression" and self._op(value) == "+":
            left = value.child_by_field_name("left")
            if left.type == "identifier":
                off = self.poly(value.child_by_field_name("right"))
                name = self.text(left)
                return Alias("offset", name, name, (), off, False)
        return None

    def _never_reassigned(self, decl, watched: set[str]) -> bool:
        """Nothing in ``watched`` (the pointer, and what its target's subscripts use) is assigned in the declaring
        block, so the binding made at the declaration holds wherever the name is used."""
        block = decl.parent
        while block is not None and block.type not in ("compound_statement", "for_statement", "translation_unit"):
            block = block.parent
        if block is None:
            return False
        for node in self.ctx.assigned_names(block):
            if self.text(node) in watched and not (decl.start_byte <= node.start_byte < decl.end_byte):
                return False
        return True

    def if_statement(self, node):
        cond = node.child_by_field_name("condition")
        then = node.child_by_field_name("consequence")
        other = node.child_by_field_name("alternative")
        if other is None:
            shaped = self._if_reduction(cond, then)
            if shaped is not None:
                return shaped
        if other is not None and other.type == "else_clause":
            other = other.named_children[0] if other.named_child_count else None
        return If(self.ev(cond), self.stmt(then), self.stmt(other) if other is not None else None)

    def for_statement(self, node):
        init = node.child_by_field_name("initializer")
        cond = node.child_by_field_name("condition")
        update = node.child_by_field_name("update")
        header = self.header(init, cond, update)
        loop = LoopS("for", node.start_byte, pos_of(node), Ev([], []), Ev([], []), Ev([], []), None, header)
        if init is not None and init.type == "declaration":
            init_ev = Ev([], [])
            for decl in init.children_by_field_name("declarator"):
                self._declarator(decl, init_ev, init)
            loop.init = init_ev
        else:
            loop.init = self.ev(init)
        loop.cond = self.ev(cond)
        return self._loop_body(loop, node, update)

    def _loop_body(self, loop: LoopS, node, update=None):
        loop.parent = self._loop_stack[-1] if self._loop_stack else None
        for outer in self._loop_stack:
            outer.inner.append(loop)
        self.loops[loop.start_byte] = loop
        self._loop_stack.append(loop)
        self._stack.append(loop)
        loop.body = self.stmt(node.child_by_field_name("body"))
        self._stack.pop()
        self._loop_stack.pop()
        if update is not None:
            loop.update = self.ev(update)
        return loop

    def for_range_loop(self, node):
        right = node.child_by_field_name("right")
        var = node.child_by_field_name("declarator")
        loop = LoopS("range", node.start_byte, pos_of(node), Ev([], []), self.ev(right), Ev([], []), None, Header())
        name = None
        while var is not None and var.type != "identifier":
            var = var.child_by_field_name("declarator") or (var.named_children[0] if var.named_child_count else None)
        if var is not None:
            name = self.text(var)
            acc = Access(name, name, WRITE, pos_of(var), decl=True)
            loop.init.acc.append(acc)
            self._note_access(acc)
        loop.header.var = name
        loop.header.problem = "range-based for loop (needs OpenMP 5.0 and a random-access container)"
        return self._loop_body(loop, node)

    def while_statement(self, node):
        loop = LoopS("while", node.start_byte, pos_of(node), Ev([], []), Ev([], []), Ev([], []), None, Header())
        loop.cond = self.ev(node.child_by_field_name("condition"))
        loop.header.problem = "while loop"
        return self._loop_body(loop, node)

    def do_statement(self, node):
        loop = LoopS("do", node.start_byte, pos_of(node), Ev([], []), Ev([], []), Ev([], []), None, Header())
        loop.header.problem = "do-while loop"
        self._loop_body(loop, node)
        loop.cond = self.ev(node.child_by_field_name("condition"))
        return loop

    def jump(self, node):
        kind = node.type.replace("_statement", "")
        owner = None
        if kind in ("break", "continue"):
            for item in reversed(self._stack):
                if kind == "continue" and not isinstance(item, LoopS):
                    continue
                owner = item
                break
        j = Jump(kind, pos_of(node), owner)
        for loop in self._loop_stack:
            loop.jumps.append(j)
        if kind in ("return", "throw") and node.named_child_count:
            ev = self.ev(node.named_children[0])
            return Seq([ev, j])
        return j

    def labeled(self, node):
        j = Jump("label", pos_of(node))
        for loop in self._loop_stack:
            loop.jumps.append(j)
        rest = [self.stmt(c) for c in node.named_children if c.type != "statement_identifier"]
        return Seq([j, *rest])

    def switch_statement(self, node):
        cond = self.ev(node.child_by_field_name("condition"))
        sw = Switch(cond, [])
        self._stack.append(sw)
        body = node.child_by_field_name("body")
        current = Seq([])
        for child in body.named_children if body is not None else []:
            if child.type == "case_statement":
                current = Seq([])
                sw.cases.append(current)
                if child.child_by_field_name("value") is None:
                    sw.has_default = True
                for stmt in child.named_children:
                    if stmt.start_byte == child.start_byte or stmt == child.child_by_field_name("value"):
                        continue
                    current.items.append(self.stmt(stmt))
            else:
                current.items.append(self.stmt(child))
        self._stack.pop()
        return sw

    def preproc(self, node):
        """``#pragma omp critical`` and friends inside a body; ``#if`` blocks are conditional code."""
        if node.type == "preproc_call":
            directive = node.child_by_field_name("directive")
            arg = node.child_by_field_name("argument")
            if directive is not None and squash(self.text(directive)) == "#pragma" and arg is not None:  # `# pragma`
                text = self.text(arg).strip()
                if text.startswith("omp"):
                    omp = Omp(text, pos_of(node))
                    self._atomic_next = atomic_form(text)
                    self._critical_next = critical_name(text)
                    for loop in self._loop_stack:
                        loop.omps.append(omp)
                    return omp
            return Seq([])
        branches = [c for c in node.named_children if c.type not in _PREPROC_NON_CODE]
        main = [c for c in branches if not c.type.startswith("preproc_el")]
        alt = [c for c in branches if c.type.startswith("preproc_el")]
        then = Seq([self.stmt(c) for c in main])
        other = Seq([self.stmt(c) for c in alt]) if alt else None
        return If(Ev([], []), then, other)

    def try_statement(self, node):
        body = self.stmt(node.child_by_field_name("body"))
        handlers = [self.stmt(c) for c in node.named_children if c.type == "catch_clause"]
        return Seq([body, *(If(Ev([], []), h, None) for h in handlers)])

    # ---------------------------------------------------------------- header
    def header(self, init, cond, update) -> Header:
        h = Header()
        var = lower = None
        if init is not None:
            if init.type == "comma_expression":
                init = init.child_by_field_name("left")
            if init.type == "assignment_expression" and self._op(init) == "=":
                left = init.child_by_field_name("left")
                if left.type == "identifier":
                    var, lower = self.text(left), init.child_by_field_name("right")
            elif init.type == "declaration":
                decl = init.child_by_field_name("declarator")
                if decl is not None and decl.type == "init_declarator":
                    name = decl.child_by_field_name("declarator")
                    if name is not None and name.type == "identifier":
                        var, lower = self.text(name), decl.child_by_field_name("value")
                        h.declared = True
        if var is None:
            h.problem = "no induction variable initialised in the loop header"
            return h
        if lower is not None and lower.type == "initializer_list":  # `for (uint8_t l{0}; ...)`
            h.problem = (
                f"brace-initialized induction variable {var} (gcc rejects it under 'omp for': write '{var} = ...')"
            )
            return h
        h.var = var
        h.lower = self.poly(lower) if lower is not None else None
        self._bound(h, cond)
        if h.problem is None:
            self._step(h, update)
        return h

    def _bound(self, h: Header, cond) -> None:
        if cond is not None and cond.type == "parenthesized_expression" and cond.named_child_count:
            cond = cond.named_children[0]
        if cond is None or cond.type != "binary_expression":
            h.problem = "loop condition is not a comparison of the induction variable"
            return
        op = self._op(cond)
        left, right = cond.child_by_field_name("left"), cond.child_by_field_name("right")
        flip = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "!=": "!="}
        if op not in flip:
            h.problem = f"loop condition uses '{op}'"
            return
        if left.type == "identifier" and self.text(left) == h.var:
            h.op, bound = op, right
        elif right.type == "identifier" and self.text(right) == h.var:
            h.op, bound = flip[op], left
        else:
            h.problem = f"loop condition does not compare the induction variable {h.var} directly"
            return
        h.upper = self.poly(bound)
        if h.upper is None:
            h.upper = {(squash(self.text(bound)),): 1}  # an opaque invariant, checked for writes separately

    def _step(self, h: Header, update) -> None:
        if update is None:
            h.problem = "no increment in the loop header"
            return
        var = h.var
        t = update.type
        if t == "update_expression":
            arg = update.child_by_field_name("argument")
            if arg is not None and self.text(arg) == var:
                h.step = 1 if "++" in self.text(update) else -1
                h.step_poly = P.const(h.step)
                return
        if t == "assignment_expression":
            left, right = update.child_by_field_name("left"), update.child_by_field_name("right")
            op = self._op(update)
            if left is not None and self.text(left) == var:
                h.problem_is_ours = op in ("+=", "-=") or (op == "=" and self._adds_to(right, var))
                step = None
                if op in ("+=", "-="):
                    step = self.poly(right)
                    if step is not None and op == "-=":
                        step = P.scale(step, -1)
                elif op == "=":
                    full = self.poly(right)
                    if full is not None and full.get((var,)) == 1:
                        step = P.add(full, P.symbol(var), -1)
                        if var in P.symbols(step):
                            step = None
                if step is not None:
                    h.problem_is_ours = False
                    h.step_poly = step
                    h.step = P.constant_value(step)
                    if h.step == 0:
                        h.problem = "zero loop step"
                    return
        h.problem = f"increment '{squash(self.text(update))}' is not a constant step of {var}"

    def _adds_to(self, node, var: str) -> bool:
        """``var + e`` / ``e + var`` / ``var - e``: an OpenMP increment form, whatever ``e`` is."""
        if node is None or node.type != "binary_expression" or self._op(node) not in ("+", "-"):
            return False
        left, right = (squash(self.text(node.child_by_field_name(f))) for f in ("left", "right"))
        return left == var or (right == var and self._op(node) == "+")

    # ---------------------------------------------------------------- expressions
    def _op(self, node) -> str:
        op = node.child_by_field_name("operator")
        return op.type if op is not None else ""  # anonymous operator nodes are typed by their text

    def _expr(self, node, ev: Ev) -> None:
        t = node.type
        if t == "qualified_identifier":
            # ``ns::x``, ``S::count``: one variable under its full name, as its writes are keyed (reading only
            # the last part, ``x``, made a read of ``ns::x`` look like another variable)
            name = squash(self.text(node))
            acc = Access(name, name, READ, pos_of(node))
            ev.acc.append(acc)
            self._note_access(acc)
            return
        if t == "identifier":
            name = self.text(node)
            alias = self._aliases.get(name) if self._aliases else None
            if alias is not None and alias.mode == "exact":
                acc = Access(alias.key, alias.base, READ, pos_of(node), subs=alias.subs(None), indirect=alias.indirect)
            else:
                acc = Access(name, name, READ, pos_of(node))
            ev.acc.append(acc)
            self._note_access(acc)
            return
        if t in _LITERALS:
            return
        method = _EXPR.get(t)
        if method is not None:
            method(self, node, ev)
            return
        for child in node.named_children:
            self._expr(child, ev)

    def _assignment(self, node, ev: Ev) -> None:
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        op = self._op(node)
        red = None
        value = None
        if op == "=":
            shaped = self._reduction_shape(squash(self.text(left)), right)
            if shaped is not None:
                red, others = shaped
                for other in others:
                    self._expr(other, ev)
                if not self._mentions(ev, left):
                    self._lvalue(left, ev, UPDATE, red)
                    return
                red = None
            else:
                self._expr(right, ev)
                if left.type in ("identifier", "field_expression"):  # members too: a flag like `out.is_dense = false`
                    value = self.poly(right)
        else:
            start = len(ev.acc)
            self._expr(right, ev)
            red = _REDUCIBLE_COMPOUND.get(op)
            if red is not None and (self._mentions(ev, left, start) or _value_used(node)):
                red = None
        self._lvalue(left, ev, WRITE if op == "=" else UPDATE, red, value)

    def _mentions(self, ev: Ev, left, start: int = 0) -> bool:
        """Does an access recorded since ``start`` touch the location ``left`` names?"""
        key = self._key_of(left)
        return any(a.key == key or a.base == key for a in ev.acc[start:])

    def _key_of(self, node) -> str:
        while node.type in ("subscript_expression", "parenthesized_expression", "pointer_expression"):
            inner = node.child_by_field_name("argument")
            if inner is None:
                inner = node.named_children[0] if node.named_child_count else None
            if inner is None:
                break
            node = inner
        return squash(self.text(node))

    def _update(self, node, ev: Ev) -> None:
        arg = node.child_by_field_name("argument")
        self._lvalue(arg, ev, UPDATE, None if _value_used(node) else "+")

    def _lvalue(self, node, ev: Ev, kind: int, op: str | None = None, value: Poly | None = None) -> None:
        while node.type == "parenthesized_expression" and node.named_child_count:
            node = node.named_children[0]
        alias = self._aliases.get(self.text(node)) if self._aliases and node.type == "identifier" else None
        if alias is not None and alias.mode == "exact":
            acc = Access(
                alias.key, alias.base, kind, pos_of(node), subs=alias.subs(None), op=op, indirect=alias.indirect
            )
        elif node.type == "identifier":
            name = self.text(node)
            acc = Access(name, name, kind, pos_of(node), op=op, value=value)
        else:
            loc = self._location(node, ev)
            if loc is None:
                self._expr(node, ev)
                acc = Access("?", "?", kind, pos_of(node), subs=(None,), op=op)
            else:
                key, base, subs, memory, indirect = loc
                acc = Access(key, base, kind, pos_of(node), subs=tuple(subs) if memory else None, op=op, value=value)
                acc.indirect = indirect
        ev.acc.append(acc)
        self._note_access(acc)

    def _read_location(self, node, ev: Ev) -> None:
        loc = self._location(node, ev)
        if loc is None:
            for child in node.named_children:
                self._expr(child, ev)
            return
        key, base, subs, memory, indirect = loc
        acc = Access(key, base, READ, pos_of(node), subs=tuple(subs) if memory else None, indirect=indirect)
        ev.acc.append(acc)
        self._note_access(acc)

    def _location(self, node, ev: Ev):
        """(key, base, subscripts, is_memory, indirect) for an lvalue-shaped expression, emitting the reads its
        subscripts and pointer values perform; None when it is not a location we can name."""
        t = node.type
        if t in ("identifier", "this", "qualified_identifier"):
            name = squash(self.text(node))
            return name, name, [], False, False
        if t == "parenthesized_expression" and node.named_child_count:
            return self._location(node.named_children[0], ev)
        if t == "call_expression":
            return self._element_call(node, ev) if self._is_element_call(node) else None
        if t == "subscript_expression":
            arg = node.child_by_field_name("argument")
            alias = self._aliases.get(self.text(arg)) if self._aliases and arg.type == "identifier" else None
            if alias is not None and alias.mode != "exact":
                idx = node.child_by_field_name("index") or node.child_by_field_name("indices")
                if idx is not None and idx.type == "subscript_argument_list" and idx.named_child_count == 1:
                    idx = idx.named_children[0]
                if idx is not None:
                    self._expr(idx, ev)
                off = self.poly(idx) if idx is not None else None
                return alias.key, alias.base, list(alias.subs(off)), True, alias.indirect
            inner = self._location(arg, ev)
            if inner is None:
                return None
            key, base, subs, memory, indirect = inner
            if memory and not subs:
                key = key  # p->a[i]: the member array reached through a pointer
            idx = node.child_by_field_name("index")
            if idx is None:
                idx = node.child_by_field_name("indices")
                if idx is not None and idx.named_child_count == 1:
                    idx = idx.named_children[0]
            if idx is None:
                return key, base, [*subs, None], True, indirect
            start = len(ev.acc)
            self._expr(idx, ev)
            indirect = indirect or any(a.memory for a in ev.acc[start:]) or bool(ev.calls and idx.type == "call")
            return key, base, [*subs, self.poly(idx)], True, indirect
        if t == "field_expression":
            arg = node.child_by_field_name("argument")
            alias = self._aliases.get(self.text(arg)) if self._aliases and arg.type == "identifier" else None
            if alias is not None and alias.mode != "exact" and self._op(node) == "->":
                return alias.key, alias.base, list(alias.subs(P.const(0))), True, alias.indirect
            inner = self._location(arg, ev)
            if inner is None:
                return None
            key, base, subs, memory, indirect = inner
            fld = node.child_by_field_name("field")
            name = self.text(fld) if fld is not None else "?"
            op = self._op(node) or ("->" if b"->" in self.data[node.start_byte : fld.start_byte] else ".")
            if subs:
                return key, base, subs, True, indirect  # a[i].x: element granularity
            if op == "->":
                return f"{key}->{name}", base, [], True, indirect
            return f"{key}.{name}", base, [], memory, indirect
        if t == "pointer_expression":
            if self._op(node) != "*" and not self.text(node).startswith("*"):
                return None
            arg = node.child_by_field_name("argument")
            while arg.type == "parenthesized_expression" and arg.named_child_count:
                arg = arg.named_children[0]
            if self._aliases:
                target = arg
                off: Poly | None = P.const(0)
                if arg.type == "binary_expression" and self._op(arg) == "+":
                    target = arg.child_by_field_name("left")
                    self._expr(arg.child_by_field_name("right"), ev)
                    off = self.poly(arg.child_by_field_name("right"))
                alias = self._aliases.get(self.text(target)) if target.type == "identifier" else None
                if alias is not None and alias.mode != "exact":
                    return alias.key, alias.base, list(alias.subs(off)), True, alias.indirect
            if arg.type == "binary_expression" and self._op(arg) in ("+", "-"):
                left, right = arg.child_by_field_name("left"), arg.child_by_field_name("right")
                inner = self._location(left, ev)
                if inner is None or inner[2]:
                    return None
                key, base, _, _, indirect = inner
                start = len(ev.acc)
                self._expr(right, ev)
                off = self.poly(right)
                if off is not None and self._op(arg) == "-":
                    off = P.scale(off, -1)
                return key, base, [off], True, indirect or any(a.memory for a in ev.acc[start:])
            if arg.type == "update_expression":
                self._update(arg, ev)
                inner = self._location(arg.child_by_field_name("argument"), ev)
                if inner is None or inner[2]:
                    return None
                return inner[0], inner[1], [None], True, inner[4]
            inner = self._location(arg, ev)
            if inner is None or inner[2]:
                return None
            return inner[0], inner[1], [P.const(0)], True, inner[4]
        return None

    def _address_of(self, node, ev: Ev) -> None:
        arg = node.child_by_field_name("argument")
        if arg is None:
            return
        if arg.type == "identifier":
            acc = Access(self.text(arg), self.text(arg), READ, pos_of(arg), addressed=True)
            ev.acc.append(acc)
            self._note_access(acc)
            return
        loc = self._location(arg, ev)
        if loc is None:
            self._expr(arg, ev)

    def _pointer(self, node, ev: Ev) -> None:
        if self.text(node).startswith("&"):
            self._address_of(node, ev)
        else:
            self._read_location(node, ev)

    def _conditional(self, node, ev: Ev) -> None:
        for child in node.named_children:
            self._expr(child, ev)

    def _binary(self, node, ev: Ev) -> None:
        op = self._op(node)
        if op in ("<<", ">>"):
            root = node.child_by_field_name("left")
            while root.type == "binary_expression" and self._op(root) == op:
                root = root.child_by_field_name("left")
            if op == "<<" and squash(self.text(root)) in call_table.STREAMS:
                call = CallInfo(squash(self.text(root)), "io", pos_of(node), "stream output")
                ev.calls.append(call)
                self._note_call(call)
            elif node.parent is not None and node.parent.type == "expression_statement":
                self._stream_operator(root, op, ev, pos_of(node))
        for child in node.named_children:
            self._expr(child, ev)

    def _stream_operator(self, root, op: str, ev: Ev, pos) -> None:
        """``os << a << b;`` whose value is dropped: a shift with no effect in C, so C++'s overloaded operator on
        a stream (``std::ofstream``, ``std::stringstream``, an archive), which changes the stream each time. An
        update of its leftmost operand: private when the loop declares it, a carried dependence when it is
        shared (writing one file from many threads races and reorders it)."""
        loc = self._location(root, ev)
        if loc is None:
            call = CallInfo(f"operator{op}", "unknown", pos, "overloaded stream operator")
            ev.calls.append(call)
            self._note_call(call)
            return
        key, base, subs, memory, indirect = loc
        acc = Access(key, base, UPDATE, pos, subs=tuple(subs) if memory else None, indirect=indirect)
        acc.via = f"stream operator{op}"
        ev.acc.append(acc)
        self._note_access(acc)

    def _cast(self, node, ev: Ev) -> None:
        value = node.child_by_field_name("value")
        if value is not None:
            self._expr(value, ev)

    def _lambda(self, node, ev: Ev) -> None:
        call = CallInfo("<lambda>", "unknown", pos_of(node), "lambda expression")
        ev.calls.append(call)
        self._note_call(call)

    def _call(self, node, ev: Ev) -> None:
        if self._is_element_call(node):
            self._read_location(node, ev)
            return
        fn = node.child_by_field_name("function")
        args_node = node.child_by_field_name("arguments")
        args = [a for a in args_node.named_children if a.type != "comment"] if args_node is not None else []
        pos = pos_of(node)
        fn = _unparenthesized(fn)  # ``(max)(a, b)``, written so against a max macro
        if fn is not None and fn.type == "field_expression":
            self._method_call(fn, args, ev, pos)
            return
        name = squash(self.text(fn)) if fn is not None else "?"
        if fn is not None and fn.type == "template_function":
            name = squash(self.text(fn.child_by_field_name("name")))
        pure = name in self.ctx.index_macros or name in self.ctx.pure_macros
        kind = "pure" if pure else call_table.classify(name)
        cast = fn is not None and fn.type == "identifier" and _cast_like(args, self.text)
        if kind == "unknown" and cast and name in self.ctx.type_names():
            kind = "pure"  # ``Real_t(0.5)``: a functional cast to a type this file uses
        summary = None
        if kind == "unknown" and self.depth < SUMMARY_DEPTH and fn is not None and fn.type == "identifier":
            summary = self.ctx.summary(name, self.depth + 1)
            if summary is None:
                summary = self.ctx.project_summary(name, node, self.depth + 1)
            if summary is not None:
                kind = "local"
        outputs = call_table.OUT_PARAMS.get(name.rsplit("::", 1)[-1], ())
        if kind == "memwrite" and args:
            for arg in args[1:]:
                self._expr(arg, ev)
            self._arg_write(args[0], ev, None, pos, UPDATE, f"call {name}")
        elif outputs:
            for k, arg in enumerate(args):
                if k in outputs and self.text(arg) not in ("NULL", "nullptr", "0"):
                    self._arg_write(arg, ev, None, pos, WRITE, f"call {name}")
                else:
                    self._expr(arg, ev)
        elif summary is not None:
            self._local_call(name, summary, args, ev, pos)
        else:
            for arg in args:
                self._expr(arg, ev)
        if kind not in ("pure", "local", "alloc", "memwrite") or kind == "unknown":
            bare = tuple(self.text(a) for a in args if a.type == "identifier")
            call = CallInfo(name, kind, pos, args=bare)
            ev.calls.append(call)
            self._note_call(call)
        elif kind == "local":
            bare = tuple(_passed_names(args, self.text))
            for sub_name, sub_kind in summary.calls:  # with the arguments: the callee might synchronize on them
                call = CallInfo(name, sub_kind, pos, f"calls {sub_name}", bare)
                ev.calls.append(call)
                self._note_call(call)

    def _method_call(self, fn, args, ev: Ev, pos) -> None:
        obj = fn.child_by_field_name("argument")
        method_node = fn.child_by_field_name("field")
        method = self.text(method_node) if method_node is not None else "?"
        for arg in args:
            self._expr(arg, ev)
        loc = self._location(obj, ev) if obj is not None else None
        if loc is None:
            if obj is not None:
                self._expr(obj, ev)
            bare = tuple(self.text(a) for a in args if a.type == "identifier")
            call = CallInfo(method, "unknown", pos, "method call", bare)
            ev.calls.append(call)
            self._note_call(call)
            return
        key, base, subs, memory, indirect = loc
        if method in call_table.READONLY_METHODS:
            kind = READ
        elif method in call_table.RESETTING_METHODS:
            kind = WRITE
        elif method in call_table.MUTATING_METHODS or method in call_table.STREAM_METHODS:
            kind = UPDATE
        else:
            kind = READ
            bare = tuple(self.text(a) for a in args if a.type == "identifier")
            call = CallInfo(f"{squash(self.text(obj))}.{method}", "method", pos, "method of unknown effect", bare)
            ev.calls.append(call)
            self._note_call(call)
        acc = Access(key, base, kind, pos, subs=tuple(subs) if memory else None, indirect=indirect)
        if kind != READ:
            acc.via = f"call {method}"
        ev.acc.append(acc)
        self._note_access(acc)

    def _local_call(self, name: str, summary: FunctionSummary, args, ev: Ev, pos) -> None:
        via = f"call {name}"
        for k, arg in enumerate(args):
            reads = self._bind_offsets(summary.reads_params[k], args) if k in summary.reads_params else ()
            if k in summary.writes_params:
                writes = self._bind_offsets(summary.writes_params[k], args)
                if writes is None or reads is None:
                    if k in summary.reads_params:  # a callee that only writes through it reads nothing there
                        self._arg_write(arg, ev, reads if writes is not None else None, pos, READ, via)
                    self._arg_write(arg, ev, writes, pos, UPDATE if k in summary.reads_params else WRITE, via)
                    continue
                read_keys = {P.key(r) for r in reads}
                write_keys = {P.key(w) for w in writes}
                only_read = tuple(r for r in reads if P.key(r) not in write_keys)
                if only_read:  # read before the writes: conservative for privatization
                    self._arg_write(arg, ev, only_read, pos, READ, via)
                for w in writes:
                    self._arg_write(arg, ev, (w,), pos, UPDATE if P.key(w) in read_keys else WRITE, via)
            elif k in summary.reads_params and arg.type == "identifier":
                self._arg_write(arg, ev, reads, pos, READ, via)
                self._expr(arg, ev)
            else:
                self._expr(arg, ev)
        for g in sorted(summary.reads_globals - summary.writes_globals):
            acc = Access(g, g.split(".")[0].split("->")[0], READ, pos, via=f"call {name}")
            ev.acc.append(acc)
            self._note_access(acc)
        for g in sorted(summary.writes_globals):
            acc = Access(g, g.split(".")[0].split("->")[0], UPDATE, pos, via=f"call {name}")
            if "->" in g:
                acc.subs = ()
            ev.acc.append(acc)
            self._note_access(acc)

    def _bind_offsets(self, offsets: tuple[Poly, ...] | None, args) -> tuple[Poly | None, ...] | None:
        """A summary's subscripts with its ``#k`` parameter symbols bound to this call's arguments (an offset over
        an argument that is not an integer polynomial becomes None: unknown)."""
        if offsets is None:
            return None
        bound: list[Poly | None] = []
        for off in offsets:
            values = {}
            for sym in P.symbols(off):
                k = int(sym[1:])
                value = self.poly(args[k]) if k < len(args) else None
                if value is None:
                    break
                values[sym] = value
            else:
                bound.append(P.substitute(off, values) if values else off)
                continue
            bound.append(None)
        return tuple(bound)

    def _arg_write(self, arg, ev: Ev, offsets, pos, kind: int, via: str) -> None:
        """The callee accesses (writes, or with ``kind`` READ reads) through this argument: record an access of
        what it points to at each offset (None: at an unknown place)."""
        while arg.type in ("parenthesized_expression", "cast_expression"):
            arg = arg.child_by_field_name("value") or arg.named_children[-1]
        base_off: list = []
        if arg.type == "pointer_expression" and self.text(arg).startswith("&"):
            target = arg.child_by_field_name("argument")
            if target.type == "identifier":
                name = self.text(target)
                if offsets is None or all(o is not None and P.constant_value(o) == 0 for o in offsets):
                    acc = Access(name, name, kind, pos, via=via)
                    ev.acc.append(acc)
                    self._note_access(acc)
                    return
            loc = self._location(target, ev)
            if loc is None or not loc[3]:
                loc = None if loc is None else (loc[0], loc[1], [P.const(0)], True, loc[4])
        elif arg.type == "binary_expression" and self._op(arg) == "+":
            loc = self._location(arg.child_by_field_name("left"), ev)  # p + k: element k of what p points to
            if loc is not None and not loc[3]:
                right = arg.child_by_field_name("right")
                self._expr(right, ev)
                loc = (loc[0], loc[1], [self.poly(right)], True, loc[4])
            else:
                loc = None
        else:
            loc = self._location(arg, ev)
            if loc is not None and not loc[3]:
                loc = (loc[0], loc[1], [P.const(0)], True, loc[4])
        if loc is None:
            self._expr(arg, ev)
            if kind == READ:
                return
            acc = Access("?", "?", kind, pos, subs=(None,), via=via)
            ev.acc.append(acc)
            self._note_access(acc)
            return
        key, base, subs, _, indirect = loc
        base_off = list(subs) or [P.const(0)]
        last = base_off[-1]
        for off in offsets if offsets else (None,):
            sub = P.add(last, off) if (last is not None and off is not None) else None
            acc = Access(key, base, kind, pos, subs=(*base_off[:-1], sub), via=via, indirect=indirect)
            ev.acc.append(acc)
            self._note_access(acc)

    # ---------------------------------------------------------------- reductions
    def _paren_call_shape(self, lhs: str, cast) -> tuple[str, list] | None:
        """``(std::max)(lhs, x)``, which the grammar reads as a cast of a comma expression: a max/min update."""
        type_node, value = cast.child_by_field_name("type"), cast.child_by_field_name("value")
        name = squash(self.text(type_node)) if type_node is not None else ""
        red = min_max_kind(name)
        if red is None or value is None or value.type != "parenthesized_expression" or not value.named_child_count:
            return None
        pair = value.named_children[0]
        if pair.type != "comma_expression":
            return None
        args = [pair.child_by_field_name("left"), pair.child_by_field_name("right")]
        texts = [squash(self.text(a)) for a in args]
        if args[1].type == "comma_expression" or texts.count(lhs) != 1:
            return None
        return red, [args[1 - texts.index(lhs)]]

    def _reduction_shape(self, lhs: str, rhs) -> tuple[str, list] | None:
        """For ``lhs = rhs``: the reduction operator and the other operands, when rhs combines lhs once with
        other terms by an associative operator, max/min call or max/min conditional."""
        while rhs.type == "parenthesized_expression" and rhs.named_child_count:
            rhs = rhs.named_children[0]
        t = rhs.type
        if t == "binary_expression":
            op = self._op(rhs)
            if op in ("+", "-"):
                terms: list[tuple[int, object]] = []
                self._flatten_sum(rhs, 1, terms)
                hits = [i for i, (sign, n) in enumerate(terms) if squash(self.text(n)) == lhs]
                if len(hits) == 1 and terms[hits[0]][0] == 1:
                    others = [n for i, (_, n) in enumerate(terms) if i != hits[0]]
                    minus = all(sign < 0 for i, (sign, _) in enumerate(terms) if i != hits[0])
                    return ("-" if minus else "+"), others
                return None
            if op in _CHAIN_OPS:
                operands: list = []
                self._flatten_chain(rhs, op, operands)
                hits = [i for i, n in enumerate(operands) if squash(self.text(n)) == lhs]
                if len(hits) == 1:
                    return op, [n for i, n in enumerate(operands) if i != hits[0]]
            return None
        if t == "cast_expression":  # ``(std::max)(m, x)``: parenthesized against max macros, read as a cast
            return self._paren_call_shape(lhs, rhs)
        if t == "call_expression":
            fn = _unparenthesized(rhs.child_by_field_name("function"))
            name = squash(self.text(fn)) if fn is not None else ""
            if fn is not None and fn.type == "template_function":
                name = squash(self.text(fn.child_by_field_name("name")))
            red = min_max_kind(name)
            args_node = rhs.child_by_field_name("arguments")
            args = [a for a in args_node.named_children if a.type != "comment"] if args_node is not None else []
            if red and len(args) == 2:
                texts = [squash(self.text(a)) for a in args]
                if texts.count(lhs) == 1:
                    return red, [args[1 - texts.index(lhs)]]
            return None
        if t == "conditional_expression":
            return self._ternary_shape(lhs, rhs)
        return None

    def _flatten_sum(self, node, sign: int, out: list) -> None:
        while node.type == "parenthesized_expression" and node.named_child_count == 1 and sign > 0:
            node = node.named_children[0]
        if node.type == "binary_expression" and self._op(node) in ("+", "-"):
            self._flatten_sum(node.child_by_field_name("left"), sign, out)
            right_sign = sign if self._op(node) == "+" else -sign
            self._flatten_sum(node.child_by_field_name("right"), right_sign, out)
        else:
            out.append((sign, node))

    def _flatten_chain(self, node, op: str, out: list) -> None:
        if node.type == "binary_expression" and self._op(node) == op:
            self._flatten_chain(node.child_by_field_name("left"), op, out)
            self._flatten_chain(node.child_by_field_name("right"), op, out)
        else:
            out.append(node)

    def _bare_text(self, node) -> str:
        """The text without blanks or enclosing parentheses, so ``(x + y)`` and ``x + y`` name the same value in the
        max/min shapes (``m = ((m < (a + b)) ? a + b : m)`` is common in real code)."""
        return squash(self.text(_unparenthesized(node)))

    def _ternary_shape(self, lhs: str, node) -> tuple[str, list] | None:
        cond = node.child_by_field_name("condition")
        while cond is not None and cond.type == "parenthesized_expression" and cond.named_child_count:
            cond = cond.named_children[0]
        then, other = node.child_by_field_name("consequence"), node.child_by_field_name("alternative")
        if cond is None or cond.type != "binary_expression" or then is None or other is None:
            return None
        op = self._op(cond)
        a, b = cond.child_by_field_name("left"), cond.child_by_field_name("right")
        ta, tb, tx, ty = (self._bare_text(n) for n in (a, b, then, other))
        if op not in ("<", "<=", ">", ">=") or {ta, tb} != {tx, ty} or lhs not in (ta, tb) or ta == tb:
            return None
        picks_left = tx == ta  # the value chosen when the condition holds is the left operand
        red = "max" if (op in (">", ">=")) == picks_left else "min"
        return red, [b if ta == lhs else a]

    def _if_reduction(self, cond, then) -> Ev | None:
        """``if (e > s) s = e;`` (and the <, min forms) is a max/min reduction of s."""
        while cond is not None and cond.type in ("parenthesized_expression", "condition_clause"):
            cond = cond.child_by_field_name("value") or (cond.named_children[0] if cond.named_child_count else None)
        body = then
        while body is not None and body.type == "compound_statement":
            stmts = [c for c in body.named_children if c.type != "comment"]
            if len(stmts) != 1:
                return None
            body = stmts[0]
        if cond is None or cond.type != "binary_expression" or body is None or body.type != "expression_statement":
            return None
        assign = body.named_children[0] if body.named_child_count else None
        if assign is None or assign.type != "assignment_expression" or self._op(assign) != "=":
            return None
        left, right = assign.child_by_field_name("left"), assign.child_by_field_name("right")
        lhs, value = self._bare_text(left), self._bare_text(right)
        op = self._op(cond)
        a, b = cond.child_by_field_name("left"), cond.child_by_field_name("right")
        ta, tb = self._bare_text(a), self._bare_text(b)
        if op not in ("<", "<=", ">", ">=") or {ta, tb} != {lhs, value} or lhs == value:
            return None
        new_is_left = ta == value
        red = "max" if (op in (">", ">=")) == new_is_left else "min"
        ev = Ev([], [])
        self._expr(right, ev)
        if self._mentions(ev, left):
            return None
        self._lvalue(left, ev, UPDATE, red)
        return ev

    # ---------------------------------------------------------------- subscripts
    def _is_element_call(self, node) -> bool:
        """``v.at(i)``, ``p->at(i)`` or a call of an element macro (see :meth:`_element_call`)."""
        fn, args_node = node.child_by_field_name("function"), node.child_by_field_name("arguments")
        if fn is None or args_node is None:
            return False
        count = sum(1 for a in args_node.named_children if a.type != "comment")
        if fn.type == "field_expression":
            field_node = fn.child_by_field_name("field")
            return count == 1 and field_node is not None and self.text(field_node) == "at"
        macro = self.ctx.element_macros.get(self.text(fn)) if fn.type == "identifier" else None
        return macro is not None and count == len(macro[0])

    def _element_call(self, node, ev: Ev):
        """The location a call names when it is an element access in disguise, emitting the reads of its
        arguments: ``v.at(i)`` / ``p->at(i)`` (``v[i]`` with a bounds check), or a macro whose body is an array
        element (``#define A(i, j) A_p[(i) + order * (j)]``). None for any other call."""
        fn, args_node = node.child_by_field_name("function"), node.child_by_field_name("arguments")
        if fn is None or args_node is None:
            return None
        args = [a for a in args_node.named_children if a.type != "comment"]
        if fn.type == "field_expression" and len(args) == 1:
            field_node, obj = fn.child_by_field_name("field"), fn.child_by_field_name("argument")
            if field_node is None or obj is None or self.text(field_node) != "at":
                return None
            inner = self._location(obj, ev)
            if inner is None:
                return None
            key, base, subs, _, indirect = inner  # ``p->at(i)`` is keyed like ``p[i]``: the same elements
            start = len(ev.acc)
            self._expr(args[0], ev)
            indirect = indirect or any(a.memory for a in ev.acc[start:])
            return key, base, [*subs, self.poly(args[0])], True, indirect
        macro = self.ctx.element_macros.get(self.text(fn)) if fn.type == "identifier" else None
        if macro is None or len(args) != len(macro[0]):
            return None
        params, array, subs = macro
        if array in params:  # ``#define IJth(vdata, i, j) vdata[...]``: the array is the argument given
            given = args[params.index(array)]
            if given.type != "identifier":
                return None
            array = self.text(given)
        start = len(ev.acc)
        for arg in args:
            self._expr(arg, ev)
        values = {p: self.poly(a) for p, a in zip(params, args, strict=True)}
        known = {p: v for p, v in values.items() if v is not None}
        resolved = [
            None if s is None or P.symbols(s) & (values.keys() - known.keys()) else P.substitute(s, known) for s in subs
        ]
        return array, array, resolved, True, any(a.memory for a in ev.acc[start:])

    def _index_macro_poly(self, node) -> Poly | None:
        """``INDEX(i, j)`` of ``#define INDEX(i, j) ((i) * N + (j))``: the body with the arguments put in."""
        fn, args_node = node.child_by_field_name("function"), node.child_by_field_name("arguments")
        macro = self.ctx.index_macros.get(self.text(fn)) if fn is not None and fn.type == "identifier" else None
        if macro is None or args_node is None:
            return None
        params, body = macro
        args = [a for a in args_node.named_children if a.type != "comment"]
        values = [self.poly(a) for a in args]
        if len(values) != len(params) or any(v is None for v in values):
            return None
        return P.substitute(body, dict(zip(params, values, strict=True)))

    def poly(self, node) -> Poly | None:
        """The integer polynomial an expression denotes, or None when it is not one (division, calls, memory)."""
        t = node.type
        if t == "number_literal":
            v = P.parse_int(self.text(node))
            return None if v is None else P.const(v)
        if t in ("true", "false", "null", "nullptr"):  # C++/C23 literals: 1, 0, and the null pointer
            return P.const(1 if t == "true" else 0)
        if t == "identifier" and self.text(node) in ("NULL", "TRUE", "FALSE"):
            return P.const(1 if self.text(node) == "TRUE" else 0)
        if t == "identifier":
            name = self.text(node)
            value = self.ctx.macros.get(name, self.constants.get(name))
            return P.const(value) if value is not None else P.symbol(name)
        if t == "parenthesized_expression":
            return self.poly(node.named_children[0]) if node.named_child_count == 1 else None
        if t == "field_expression":
            arg = node.child_by_field_name("argument")
            if arg is not None and arg.type in ("identifier", "this", "field_expression"):
                return P.symbol(squash(self.text(node)))
            return None
        if t == "cast_expression":
            value = node.child_by_field_name("value")
            return self.poly(value) if value is not None else None
        if t == "unary_expression":
            arg = node.child_by_field_name("argument")
            inner = self.poly(arg) if arg is not None else None
            op = self._op(node)
            if inner is None:
                return None
            return P.scale(inner, -1) if op == "-" else inner if op == "+" else None
        if t == "binary_expression":
            op = self._op(node)
            left = self.poly(node.child_by_field_name("left"))
            if left is None:
                return None
            right = self.poly(node.child_by_field_name("right"))
            if right is None:
                return None
            if op == "+":
                return P.add(left, right)
            if op == "-":
                return P.add(left, right, -1)
            if op == "*":
                return P.mul(left, right)
            lc, rc = P.constant_value(left), P.constant_value(right)
            if op == "<<" and rc is not None and 0 <= rc < 31:
                return P.scale(left, 1 << rc)
            if lc is not None and rc is not None and rc:
                if op == "/" and lc >= 0 and rc > 0:
                    return P.const(lc // rc)
                if op == "%" and lc >= 0 and rc > 0:
                    return P.const(lc % rc)
            return None
        if t == "call_expression":
            return self._index_macro_poly(node)
        if t == "sizeof_expression":
            return P.symbol(squash(self.text(node)))
        if t == "qualified_identifier":
            return P.symbol(squash(self.text(node)))
        return None


_DECLARATOR_TYPES = frozenset(
    {
        "identifier",
        "pointer_declarator",
        "array_declarator",
        "reference_declarator",
        "parenthesized_declarator",
        "init_declarator",
        "function_declarator",
        "field_identifier",
    }
)
_PREPROC_NON_CODE = frozenset({"identifier", "preproc_arg", "preproc_defined", "binary_expression", "comment"})

_STMT = {
    "compound_statement": Builder.block,
    "translation_unit": Builder.block,
    "function_definition": lambda self, node: Seq([]),
    "template_declaration": lambda self, node: Seq([]),
    "class_specifier": lambda self, node: Seq([]),
    "struct_specifier": lambda self, node: Seq([]),
    "namespace_definition": lambda self, node: Seq([]),
    "linkage_specification": lambda self, node: Seq([]),
    "expression_statement": Builder.expression_statement,
    "declaration": Builder.declaration,
    "if_statement": Builder.if_statement,
    "for_statement": Builder.for_statement,
    "for_range_loop": Builder.for_range_loop,
    "while_statement": Builder.while_statement,
    "do_statement": Builder.do_statement,
    "break_statement": Builder.jump,
    "continue_statement": Builder.jump,
    "return_statement": Builder.jump,
    "goto_statement": Builder.jump,
    "throw_statement": Builder.jump,
    "labeled_statement": Builder.labeled,
    "switch_statement": Builder.switch_statement,
    "preproc_call": Builder.preproc,
    "preproc_if": Builder.preproc,
    "preproc_ifdef": Builder.preproc,
    "preproc_else": Builder.block,
    "preproc_elif": Builder.block,
    "try_statement": Builder.try_statement,
}
_EXPR = {
    "assignment_expression": Builder._assignment,
    "update_expression": Builder._update,
    "subscript_expression": Builder._read_location,
    "field_expression": Builder._read_location,
    "pointer_expression": Builder._pointer,
    "call_expression": Builder._call,
    "conditional_expression": Builder._conditional,
    "binary_expression": Builder._binary,
    "cast_expression": Builder._cast,
    "lambda_expression": Builder._lambda,
}


_ACQUIRE = frozenset({"omp_set_lock", "omp_set_nest_lock", "pthread_mutex_lock", "EnterCriticalSection"})
_RELEASE = frozenset({"omp_unset_lock", "omp_unset_nest_lock", "pthread_mutex_unlock", "LeaveCriticalSection"})
_GUARD = re.compile(r"\b(lock_guard|unique_lock|scoped_lock)\b")


def lock_action(stmt: tree_sitter.Node, text) -> tuple[str, str] | None:
    """``("acquire" | "release", lock)`` for a statement that takes or drops a lock: ``omp_set_lock(&l)``,
    ``m.lock()`` / ``m->unlock()``, ``pthread_mutex_lock(&m)``, or a ``std::lock_guard<...> g(m);`` declaration
    (held to the end of its block). Accesses made while a lock is held are mutually exclusive, as in ``omp
    critical``."""
    if stmt.type == "declaration":
        type_node = stmt.child_by_field_name("type")
        if type_node is not None and _GUARD.search(text(type_node)):
            lists = ("argument_list", "parameter_list", "initializer_list")  # `g(m)` parses as a function too
            args = next((c for c in descendants(stmt) if c.type in lists), None)
            return ("acquire", _lock_name(text(args))) if args is not None else None
        return None
    call = stmt.named_children[0] if stmt.type == "expression_statement" and stmt.named_child_count else None
    if call is None or call.type != "call_expression":
        return None
    fn = call.child_by_field_name("function")
    args = call.child_by_field_name("arguments")
    if fn is None or args is None:
        return None
    if fn.type == "field_expression":
        field = fn.child_by_field_name("field")
        obj = fn.child_by_field_name("argument")
        name = text(field) if field is not None else ""
        if name in ("lock", "unlock") and obj is not None:
            return ("acquire" if name == "lock" else "release", _lock_name(text(obj)))
        return None
    name = text(fn)
    if name in _ACQUIRE or name in _RELEASE:
        return ("acquire" if name in _ACQUIRE else "release", _lock_name(text(args)))
    return None


def _lock_name(text: str) -> str:
    return "".join(text.split()).strip("(){}").lstrip("&")


def descendants(node: tree_sitter.Node):
    """Every named node under ``node``, in source order (iteratively: a whole file's tree, or a sum of a thousand
    terms, is deeper than Python's recursion limit)."""
    stack = list(reversed(node.named_children))
    while stack:
        child = stack.pop()
        yield child
        stack.extend(reversed(child.named_children))


#: types whose objects own their elements: ``T name(args)`` of one of these is fresh memory, not a view
_OWNING_TYPE = re.compile(
    r"vector|array|valarray|deque|basic_string|string|Matrix|Array|VectorX\w*|MatrixX\w*|ArrayX\w*|Col|Mat|vec|mat"
)


def without_template_arguments(type_text: str) -> str:
    """``std::vector<std::vector<int>>::size_type`` -> ``std::vector::size_type``: every level of ``<...>`` removed."""
    outer = type_text
    while (shorter := re.sub(r"<[^<>]*>", "", outer)) != outer:
        outer = shorter
    return outer


def _owning_type(type_text: str) -> bool:
    """Is the declared type (outside its template arguments) an owning container? ``Eigen::Map<VectorXd>`` is not."""
    words = without_template_arguments(type_text).replace("&", " ").replace("*", " ").split()
    return bool(words) and _OWNING_TYPE.fullmatch(words[-1].rsplit("::", 1)[-1]) is not None


_INDEX_TYPES = ("identifier", "number_literal")


def _cast_like(args, text) -> bool:
    """One argument, not an address: ``T(x)`` converts a value. A constructor given more, or ``&A``
    (STRUMPACK's ``LInfo_t(fp[l], handle, &A)``), may change what it is given."""
    return len(args) == 1 and not (args[0].type == "pointer_expression" and text(args[0]).startswith("&"))


def constructor_arguments(node) -> list | None:
    """C++'s most vexing parse: in a body, ``std::vector<double> dist(natoms);`` or ``std::ofstream out(names[l]);``
    parses as a prototype taking an ``natoms`` (or an array of ``names``). When every "parameter" is a bare name, or
    a name with one subscript (no type keyword, no named declarator), it is a variable built by a constructor, which
    is what such lines almost always are in a body: the nodes it reads are returned. A real prototype gives None."""
    params = node.child_by_field_name("parameters")
    if params is None or not params.named_children:
        return None
    reads = []
    for param in params.named_children:
        type_node = param.child_by_field_name("type")
        if param.type != "parameter_declaration" or type_node is None or type_node.type != "type_identifier":
            return None
        declarator = param.child_by_field_name("declarator")
        if declarator is None and param.named_child_count == 1:
            reads.append(type_node)
            continue
        size = declarator.child_by_field_name("size") if declarator is not None else None
        if declarator is None or declarator.type != "abstract_array_declarator" or size is None:
            return None
        if declarator.child_by_field_name("declarator") is not None or size.type not in _INDEX_TYPES:
            return None
        reads.append(type_node)
        if size.type == "identifier":
            reads.append(size)
    return reads


def declarator_info(builder_text, decl, type_node, kind: str, scope: tuple[int, int], static: bool) -> DeclInfo | None:
    """Name and shape of one declarator (``*restrict p``, ``a[N][M]``, ``&r``...)."""
    type_text = builder_text(type_node) if type_node is not None else ""
    info = DeclInfo("", kind, type_text, decl.start_byte, scope, static=static, const="const" in type_text)
    info.struct_value = type_node is not None and type_node.type in ("struct_specifier", "type_identifier")
    node = decl
    dims = []
    while node is not None:
        t = node.type
        if t in ("identifier", "field_identifier"):
            info.name = builder_text(node)
            break
        if t == "init_declarator":
            node = node.child_by_field_name("declarator")
            continue
        if t == "pointer_declarator":
            if dims and not info.pointer:  # ``T (*p)[m]``: a pointer to arrays, not an array
                info.row_dims, dims = tuple(reversed(dims)), []
            info.pointer = True
            info.type_text += "*"
            inner_decl = node.child_by_field_name("declarator")
            if any(is_restrict_qualifier(builder_text(c)) for c in node.children if c != inner_decl):
                info.restrict = True
        elif t == "array_declarator":
            size = node.child_by_field_name("size")
            dims.append(squash(builder_text(size)) if size is not None else "")
            if kind == "param" and any(is_restrict_qualifier(builder_text(c)) for c in node.children if c != size):
                info.restrict = True  # ``T a[restrict n][m]``: C99's spelling of ``T (*restrict a)[m]``
        elif t == "reference_declarator":
            info.reference = True
        elif t == "function_declarator":
            if kind != "local" or not constructor_arguments(node):
                return None
            # a view built from a pointer (Eigen::Map m(p, n), std::span) may alias anything: only owning
            # containers are memory of their own
            info.pointer = info.pointer or not _owning_type(type_text)
        inner = node.child_by_field_name("declarator")
        if inner is None:
            inner = next((c for c in node.named_children if c.type in _DECLARATOR_TYPES), None)
        node = inner
    if not info.name:
        return None
    if dims:
        if kind == "param" and not info.pointer:
            info.pointer = True
            info.type_text += "*"  # only the first dimension decays: rows of T a[n][m] never overlap
            info.row_dims = tuple(reversed(dims))[1:]
        elif kind == "param":
            info.type_text += "*"  # an array of pointers (``T *a[n]``) decays to a pointer to pointers
        else:
            info.array = True
            info.dims = tuple(reversed(dims))
    if info.pointer or info.array or info.reference:
        info.struct_value = False
    return info
