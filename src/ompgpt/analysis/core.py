"""Per-loop analysis: accesses, privatization, reductions, array dependences, calls, aliasing, and the verdict.

The verdict is deliberately one-sided. ``parallel`` needs a proof: a canonical header, no early exit, no call
with unknown effects, no possible aliasing, every scalar private or a reduction, and every pair of array accesses
shown independent across iterations. A proven loop-carried dependence gives ``serial``. Anything else is
``unknown`` with the reasons that blocked the proof.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from ompgpt.analysis import alias_advice, bounds, callsites, certain, cost, ir, privatize, sync
from ompgpt.analysis import dependence as D
from ompgpt.analysis import poly as P
from ompgpt.analysis.context import FileContext, FunctionInfo
from ompgpt.analysis.flow import Resolved, Walker, canonical_iv, written_keys
from ompgpt.analysis.headers import IncludeOptions
from ompgpt.analysis.ir import READ, WRITE, LoopS
from ompgpt.analysis.project import ProjectIndex
from ompgpt.limits import Budget
from ompgpt.source.loops import FileScan, Loop, nest_shape, scan
from ompgpt.source.parse import ParsedSource
from ompgpt.source.pragma import PragmaError, parse_pragma
from ompgpt.source.text import SourceFile, read_source

DEFAULT_TRIP = 64  # assumed iterations of a loop whose trip count is not a constant
_FLOAT_TYPES = frozenset({"float", "double"})


@dataclass
class AnalysisOptions:
    """``assume_no_alias``: distinct pointers never overlap (the ``--assume-no-alias`` flag).
    ``snippet``: the code is a loop cut out of its program: names it does not declare are assumed declared before
    the loop (scalars or arrays of unknown type, possibly pointers) and dead after it.
    ``min_work``: estimated trip count x body events below which a loop with a constant trip count is not worth
    a parallel region."""

    assume_no_alias: bool = False
    snippet: bool = False
    min_work: int = 200
    #: the other files of the project: calls to functions defined there are summarised (None: this file alone)
    project: ProjectIndex | None = None
    #: a time budget (``ompgpt.limits.Budget``): once spent, the remaining loops are ``unknown`` with its reason
    budget: Budget | None = None
    #: how the file's ``#include "..."`` headers are found and read (``ompgpt.analysis.headers``; None: not read)
    includes: IncludeOptions | None = field(default_factory=IncludeOptions)


@dataclass
class Dependence:
    kind: str  # flow, anti, output, scalar, io
    variable: str
    source: str  # "line:col"
    sink: str
    direction: str  # at the analyzed loop level: <, >, *, =
    distance: int | None
    proven: bool
    note: str = ""

    def describe(self) -> str:
        what = "carried" if self.proven else "possible"
        dist = f", distance {self.distance}" if self.distance is not None else ""
        text = f"{what} {self.kind} dependence on {self.variable} from {self.source} to {self.sink}{dist}"
        return f"{text} ({self.note})" if self.note else text


@dataclass
class LoopAnalysis:
    """What the analysis knows about one loop; plain data, JSON-ready through ``to_dict``."""

    file: str
    line: int
    column: int
    end_line: int
    function: str | None
    induction_var: str | None
    depth: int
    verdict: str  # parallel, serial, unknown
    nest_depth: int | None = 1  # loops perfectly nested from this one down (1: none inside), the most ``collapse``
    # can fold; None when preprocessor conditionals inside the nest hide it
    pragma: str | None = None  # the suggested pragma when this is the level to parallelize
    parallelize: bool = False
    private: list[str] = field(default_factory=list)
    firstprivate: list[str] = field(default_factory=list)
    lastprivate: list[str] = field(default_factory=list)
    reductions: list[str] = field(default_factory=list)  # "op:var"
    collapse: int = 1
    schedule: str | None = None  # a schedule the work's shape asks for (``static, 1`` for a triangular nest)
    collapse_vars: list[str] = field(default_factory=list)  # declared-outside iteration variables made private by
    # collapse (dropped from the private lists, which they would need without the collapse)
    dependences: list[Dependence] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    profitability: dict = field(default_factory=dict)
    reads: list[str] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)
    locals: list[str] = field(default_factory=list)
    live_after: list[str] = field(default_factory=list)
    needs_atomic: list[str] = field(default_factory=list)
    unsized_reductions: list[str] = field(default_factory=list)  # "op:array" accumulated arrays whose extent is
    # unknown: reduction(op:array[:N]) with the user's N, or atomic updates
    unknown_calls: list[str] = field(default_factory=list)  # callees of unknown effect (may write what they get)
    assumptions: list[str] = field(default_factory=list)
    # why no loop directive applies to the loop as written: not OpenMP's canonical loop form (a while loop, a
    # condition or increment OpenMP does not accept; a range-based for, which OpenMP 5.0 accepts only over a
    # random-access container), a header the body changes, or a jump out of the body ('break', 'return', 'goto':
    # compile errors under a loop directive). None when one applies, or when only this analysis is unsure (a step
    # it cannot read, an iterator over a container of unknown type)
    directive_blocker: str | None = None
    induction_declared: bool = False  # the header declares the induction variable: no clause at the pragma can name it
    # arrays every iteration updates at the same elements (``out[i] += ...`` under a repetition loop, ``*sum +=``):
    # certain to race unless a reduction clause names them, unlike ``needs_atomic`` updates that only may meet
    colliding_updates: list[str] = field(default_factory=list)
    # levels of the perfect nest from here down (1: this loop, 2: the loop directly inside...) that carry a proven
    # dependence, each found by analysing that level with the enclosing ones fixed: ``collapse(n)`` folding any of
    # them races (``b[i][j] = b[i][j-1]`` under ``collapse(2)`` over i, j: level 2); up to MAX_COLLAPSE_LEVELS
    carried_levels: list[int] = field(default_factory=list)
    # names whose address the loop takes (``&x``) or that it passes bare to a call of unknown effect (a macro or a
    # reference parameter may assign them): only these can change in the loop without being written in it
    escaped: list[str] = field(default_factory=list)

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def clauses(self) -> list[str]:
        """The data-sharing clauses the analysis requires (no directive words)."""
        out = [f"collapse({self.collapse})"] if self.collapse > 1 else []
        for name, items in (
            ("private", self.private),
            ("firstprivate", self.firstprivate),
            ("lastprivate", self.lastprivate),
        ):
            if items:
                out.append(f"{name}({', '.join(items)})")
        by_op: dict[str, list[str]] = {}
        for red in self.reductions:
            op, var = red.split(":", 1)
            by_op.setdefault(op, []).append(var)
        out.extend(f"reduction({op}:{', '.join(sorted(v))})" for op, v in sorted(by_op.items()))
        return out

    def to_dict(self) -> dict:
        out = asdict(self)
        out["clauses"] = self.clauses()
        return out


# ---------------------------------------------------------------------------------------------------- entry points
def analyze_file(
    source: FileScan | SourceFile | ParsedSource | str,
    options: AnalysisOptions | None = None,
    ctx: FileContext | None = None,
) -> list[LoopAnalysis]:
    """Analyse every ``for`` loop of a file and choose, per nest, the outermost parallel and profitable level."""
    options = options or AnalysisOptions()
    file_scan = _as_scan(source)
    ctx = ctx or FileContext(file_scan.parsed, options.project, options.includes)
    results = [_analyze_in_budget(ctx, file_scan, i, options) for i in range(len(file_scan.loops))]
    by_start = {loop.node.start_byte: res for loop, res in zip(file_scan.loops, results, strict=True)}
    for loop, res in zip(file_scan.loops, results, strict=True):
        res.carried_levels = _carried_levels(ctx, loop, res, by_start.get)
    for i, (loop, res) in enumerate(zip(file_scan.loops, results, strict=True)):
        chosen_above = _chosen_ancestor(file_scan, results, i)
        if res.verdict == "parallel":
            _finish(ctx, loop, res, options, lambda start: by_start.get(start))
            if chosen_above is not None:
                res.parallelize, res.pragma = False, None
                res.reasons.append(f"the enclosing loop at line {results[chosen_above].line} is parallelized instead")
    cost.check_nested_regions(ctx, file_scan, results)  # a region per iteration of a serial loop must pay off
    return results


def analyze_loop(
    loop: Loop, file_scan: FileScan, options: AnalysisOptions | None = None, ctx: FileContext | None = None
) -> LoopAnalysis:
    """Analyse one loop on its own (whether to parallelize this level, ignoring enclosing loops)."""
    options = options or AnalysisOptions()
    ctx = ctx or FileContext(file_scan.parsed, options.project, options.includes)
    index = file_scan.loops.index(loop)
    res = _analyze(ctx, file_scan, index, options)
    cache: dict[int, LoopAnalysis | None] = {}

    def inner(start: int) -> LoopAnalysis | None:
        if start not in cache:
            j = next((k for k, lp in enumerate(file_scan.loops) if lp.node.start_byte == start), None)
            cache[start] = _analyze(ctx, file_scan, j, options) if j is not None else None
        return cache[start]

    if res.verdict == "parallel":
        _finish(ctx, loop, res, options, inner)
    res.carried_levels = _carried_levels(ctx, loop, res, inner)
    return res


def analyze_snippet(code: str, lang: str | None = None, options: AnalysisOptions | None = None) -> LoopAnalysis | None:
    """Analyse the first loop of a code fragment (a loop cut from its program), wrapped in a dummy function.
    Names the fragment does not declare follow the ``snippet`` assumptions of :class:`AnalysisOptions`."""
    options = options or AnalysisOptions(snippet=True)
    file_scan = snippet_scan(code, lang)
    if not file_scan.loops:
        return None
    top = next(i for i, lp in enumerate(file_scan.loops) if lp.parent is None)
    return analyze_loop(file_scan.loops[top], file_scan, options)


def snippet_scan(code: str, lang: str | None = None) -> FileScan:
    """Wrap a fragment in ``void __ompgpt_snippet(void) { ... }`` and scan it; without ``lang``, the grammar (C or
    C++) that parses it with fewer errors wins."""
    text = "void __ompgpt_snippet(void) {\n" + code + "\n}\n"
    # a stated language is tried first; the other one only when it parses with errors (a C++ header filed as C)
    langs = [lang, "cpp" if lang == "c" else "c"] if lang else ["c", "cpp"]
    best = None
    for candidate in langs:
        s = scan(SourceFile.from_text(text, candidate, path="<snippet>"))
        errors = len(s.parsed.error_locations(50)) if s.parsed.root.has_error else 0
        if best is None or errors < best[0]:
            best = (errors, s)
        if errors == 0:
            break
    return best[1]


def _as_scan(source) -> FileScan:
    if isinstance(source, FileScan):
        return source
    if isinstance(source, str):
        source = read_source(source)
    return scan(source)


# ---------------------------------------------------------------------------------------------------- one loop
class _LoopFacts:
    """Mutable collection of what one loop analysis finds, turned into a LoopAnalysis at the end."""

    def __init__(self):
        self.blockers: list[str] = []
        self.notes: list[str] = []
        self.deps: list[Dependence] = []
        self.private: set[str] = set()
        self.firstprivate: set[str] = set()
        self.lastprivate: set[str] = set()
        self.reductions: set[str] = set()
        self.needs_atomic: list[str] = []
        self.unsized_reductions: list[str] = []
        self.unknown_calls: list[str] = []
        self.assumptions: list[str] = []
        self.live: set[str] = set()
        self.directive_blocker: str | None = None
        self.colliding: list[str] = []

    def no_directive(self, text: str) -> None:
        """A blocker that rules out a loop directive itself (see ``LoopAnalysis.directive_blocker``)."""
        self.blockers.append(text)
        self.directive_blocker = self.directive_blocker or text


def _fresh_result(loop: Loop) -> LoopAnalysis:
    """A loop's result before anything is known: ``unknown``, with its place and shape."""
    return LoopAnalysis(
        loop.file, loop.line, loop.column, loop.end_line, loop.function, loop.induction_var, loop.depth, "unknown",
        nest_depth=_nest_depth(loop),
    )  # fmt: skip


def _nest_depth(loop: Loop) -> int | None:
    shape = nest_shape(loop.node)
    return shape.perfect if shape.certain else None


def _analyze_in_budget(ctx: FileContext, file_scan: FileScan, index: int, options: AnalysisOptions) -> LoopAnalysis:
    if options.budget is not None and options.budget.spent():
        res = _fresh_result(file_scan.loops[index])
        res.reasons.append(options.budget.reason)
        return res
    return _analyze(ctx, file_scan, index, options)


def _analyze(ctx: FileContext, file_scan: FileScan, index: int, options: AnalysisOptions) -> LoopAnalysis:
    """Analyse one loop; an internal error gives ``unknown`` (never ``parallel``) rather than losing the file."""
    try:
        return _analyze_unsafe(ctx, file_scan, index, options)
    except (RecursionError, ValueError, KeyError, IndexError, AttributeError, TypeError, ZeroDivisionError) as exc:
        loop = file_scan.loops[index]
        res = _fresh_result(loop)
        res.reasons.append(f"internal analysis error: {type(exc).__name__}: {exc}")
        return res


def _analyze_unsafe(ctx: FileContext, file_scan: FileScan, index: int, options: AnalysisOptions) -> LoopAnalysis:
    loop = file_scan.loops[index]
    res = _fresh_result(loop)
    fn = ctx.function_of(loop.node)
    ls = fn.loops.get(loop.node.start_byte)
    if ls is None:
        res.reasons.append("loop is not inside an analysable function body")
        return res
    facts = _LoopFacts()
    _check_header(fn, loop, ls, facts)
    if ls.errors:
        facts.blockers.append("part of the loop body could not be parsed (macro or unsupported syntax)")
    cas = any(a.atomic == "cas" for a in ls.flat)
    for omp in ls.omps:
        form = ir.atomic_form(omp.text)
        # an atomic update, or an atomic min/max (``compare``), is safe in any order (see ir.Access.atomic)
        if form != "update" and (form != "compare" or cas):
            facts.blockers.append(f"the body already contains '#pragma {omp.text}' at {_at(omp.pos)}")
    owned = sync.thread_owned(fn, loop, ls)
    ls, synchronized, flags = sync.without_synchronized(ls, sync.atomic_typed(fn, loop, ls), owned)
    for key, how in sorted(synchronized.items()):
        facts.notes.append(f"{key} is only {how}")
    for key, (written, read, note) in sorted(flags.items()):  # read plainly, written atomically
        facts.deps.append(Dependence("flag", key, _at(written), _at(read), "<", None, False, note))
    locals_ = {a.key for a in ls.flat if a.decl} | sync.region_locals(fn, loop, ls)
    refs = {a.key for a in ls.flat if a.decl and a.handle == "ref"}
    for acc in ls.flat:
        if acc.key in refs and acc.kind & WRITE and not acc.decl:
            facts.blockers.append(f"write through the reference {acc.key} at {_at(acc.pos)}")
            break
    elementwise = _elementwise_bases(fn, loop, ls, locals_)
    flow = Walker(ls, elementwise, frozenset(synchronized) | frozenset(flags)).run()
    for kind, pos in flow.early_exits:
        facts.no_directive(f"'{kind}' at {_at(pos)} leaves the loop early")
    _check_calls(ls, facts)
    _classify_scalars(fn, loop, ls, flow, locals_, options, facts)
    _check_memory(fn, loop, ls, flow, locals_, elementwise, options, facts)
    if options.snippet:
        facts.assumptions.append("snippet: undeclared names are declared before the loop and dead after it")
    _fill(res, ls, flow, locals_, facts, options)
    return res


def _check_header(fn: FunctionInfo, loop: Loop, ls: LoopS, facts: _LoopFacts) -> None:
    h = ls.header
    if ls.kind != "for" or h.problem is not None:
        text = f"non-canonical loop header: {h.problem or ls.kind}"
        if h.problem_is_ours:
            facts.blockers.append(text)
        else:
            facts.no_directive(text)
        return
    written_vars, written_mem = written_keys(ls)
    written_vars = _outer_writes(ls) & written_vars
    if h.var in written_vars:
        pos = next(a.pos for a in ls.flat if a.key == h.var and a.kind & WRITE)
        facts.no_directive(f"the induction variable {h.var} is modified in the body at {_at(pos)}")
    for part, what in ((h.upper, "bound"), (h.step_poly, "step")):
        changed = sorted(P.symbols(part or {}) & (written_vars | written_mem))
        if changed:
            facts.no_directive(f"the loop {what} depends on {', '.join(changed)}, which the body modifies")
    if h.op == "!=" and h.step not in (1, -1):
        facts.no_directive("'!=' loop condition with a step other than 1")
    if _float_names(fn, loop, [h.var]):
        facts.no_directive(f"the induction variable {h.var} has floating-point type")
    float_bound = _float_names(fn, loop, P.symbols(h.upper or {}))
    if float_bound:
        facts.no_directive(
            f"the loop bound uses {', '.join(float_bound)} of floating-point type (gcc rejects it: invalid "
            "controlling predicate)"
        )
    container = _iterated_container(fn, loop)
    if container is not None and not _random_access(fn, loop, container):
        facts.blockers.append(
            f"non-canonical loop header: an iterator over {container}, not known to be a random-access container "
            "(OpenMP needs one; std::map, std::set and std::list iterators do not compile under 'omp for')"
        )


def _float_names(fn: FunctionInfo, loop: Loop, names: Iterable[str]) -> list[str]:
    """The scalar variables among ``names`` declared with a floating-point type: OpenMP's canonical loop form
    compares the induction variable with an integer expression (``i < n`` with ``double n`` fails under gcc)."""
    found = []
    for name in sorted(names):
        info = fn.lookup(name, loop.node.start_byte + 1)
        scalar = info is not None and not info.pointer and not info.array
        if scalar and not _FLOAT_TYPES.isdisjoint(info.type_text.split()):
            found.append(name)
    return found


#: containers whose iterators are random-access, as OpenMP's canonical loop form needs
_RANDOM_ACCESS = re.compile(r"\b(?:vector|deque|array|basic_string|string|valarray|span)\b")


def _iterated_container(fn: FunctionInfo, loop: Loop) -> str | None:
    """``m`` of ``for (it = m.begin(); ...)`` / ``std::begin(m)``: the loop runs an iterator, not an integer."""
    init = loop.node.child_by_field_name("initializer")
    text = fn.ctx.parsed.text_of(init) if init is not None else ""
    found = re.search(r"=\s*(?:std::)?c?begin\s*\(\s*([\w.>-]+?)\s*\)|=\s*([\w.>-]+?)\s*(?:\.|->)c?begin\s*\(", text)
    if found is None:
        return None
    return found.group(1) or found.group(2)


def _random_access(fn: FunctionInfo, loop: Loop, container: str) -> bool:
    """Is ``container`` (a variable, possibly ``this->x`` or ``obj.x``) declared here as a random-access one?
    Unknown declarations count as not: a wrong pragma would not compile."""
    name = re.split(r"\.|->", container)[-1]
    info = fn.lookup(name, loop.node.start_byte)
    return info is not None and _RANDOM_ACCESS.search(info.type_text) is not None


def _outer_writes(ls: LoopS) -> set[str]:
    """Variables the body writes before declaring its own variable of that name: the header (outside the body's
    scope) sees only those. ``for (y = start; y <= stop; y++) { int start, stop; stop = ...; }`` leaves the
    bound alone. (A write after a shadowing declaration in a sibling block would be missed; not seen in practice.)"""
    shadowed_at: dict[str, tuple] = {}
    for acc in ls.flat:
        if acc.decl and (acc.key not in shadowed_at or acc.pos < shadowed_at[acc.key]):
            shadowed_at[acc.key] = acc.pos
    return {
        acc.key
        for acc in ls.flat
        if acc.kind & WRITE and not acc.memory and (acc.key not in shadowed_at or acc.pos < shadowed_at[acc.key])
    }


def _check_calls(ls: LoopS, facts: _LoopFacts) -> None:
    seen = set()
    for call in ls.calls:
        key = (call.name, call.kind, call.note)
        if key in seen:
            continue
        seen.add(key)
        where = _at(call.pos)
        detail = f" ({call.note})" if call.note else ""
        if call.kind in ("io", "rng"):
            what = "performs I/O: output order would change" if call.kind == "io" else "uses hidden random state"
            facts.deps.append(
                Dependence(call.kind, call.name, where, where, "*", None, True, f"{call.name}{detail} {what}")
            )
        elif call.kind == "exit":
            facts.blockers.append(f"call to {call.name} at {where} leaves the program")
        else:
            facts.blockers.append(f"call to {call.name} at {where} has unknown side effects{detail}")
            if call.name not in facts.unknown_calls:
                facts.unknown_calls.append(call.name)


def _elementwise_bases(fn: FunctionInfo, loop: Loop, ls: LoopS, locals_: set[str]) -> frozenset[str]:
    """Arrays declared outside the loop (not pointers) only ever indexed by constants here: their elements are
    analysed like scalars, which is what makes a small temporary array privatizable."""
    seen: dict[str, bool] = {}
    for acc in ls.flat:
        if not acc.memory or acc.key != acc.base or acc.base in locals_:
            continue
        ok = seen.get(acc.key, True) and all(s is not None and P.constant_value(s) is not None for s in acc.subs)
        seen[acc.key] = ok and acc.via is None
    out = set()
    for name, ok in seen.items():
        info = fn.lookup(name, loop.node.start_byte) if ok else None
        if info is not None and info.array and info.kind == "local" and not info.static:
            out.add(name)
    return frozenset(out)


# ---------------------------------------------------------------------------------------------------- scalars
def _red_op(accs: list[ir.Access]) -> str | None:
    ops = {a.op for a in accs}
    if None in ops:
        return None
    if ops <= {"+", "-"}:
        return "+"  # also for `s -= x` alone: OpenMP 5.2 deprecates the `-` identifier, whose combiner was `+` anyway
    return ops.pop() if len(ops) == 1 else None


def _classify_scalars(fn, loop, ls, flow, locals_, options, facts: _LoopFacts) -> None:
    iv = ls.header.var
    groups: dict[str, list[str]] = {}
    status: dict[str, str] = {}
    element_ops: dict[str, dict[str, str]] = {}  # base -> its parts (t[0], s.x) updated only by one operator
    macro = None if options.snippet else next((c.name for c in ls.calls if _macro_like(c)), None)
    for key, accs in flow.by_key.items():
        base = accs[0].base
        if key == iv or base in locals_ or key in locals_:
            continue
        if macro is not None and key == base and fn.lookup(key, loop.node.start_byte) is None:
            facts.notes.append(f"{key} is declared nowhere in this file: the macro {macro} may declare it in the loop")
            continue
        writes = [a for a in accs if a.kind & WRITE]
        aggregate = key != base
        if aggregate or any(k != base and k.startswith(base) for k in ()):
            groups.setdefault(base, []).append(key)
        if not writes:
            status[key] = "read"
            continue
        if "::" in key:  # ``ns::x = ...``, ``S::total += ...``: no clause can name it (see _scoped_write)
            status[key] = "serial"
            facts.deps.append(_scoped_write(key, writes))
            continue
        op = _red_op(accs)
        if op is not None:
            status[key] = "reduction"
            if aggregate:
                element_ops.setdefault(base, {})[key] = op
            elif (kind := _class_typed(fn, loop, key)) is not None:
                where = _at(next(a.pos for a in accs if a.kind & WRITE))
                facts.deps.append(Dependence("flow", key, where, where, "<", None, True,
                                             f"accumulated with '{op}', but its type {kind} is a class: a built-in "
                                             "reduction needs an arithmetic type ('#pragma omp declare reduction' "
                                             "first)"))  # fmt: skip
            else:
                facts.reductions.add(f"{op}:{key}")
            continue
        if key not in flow.exposed:
            status[key] = "private"
            if not aggregate:
                _private_scalar(fn, loop, key, accs, flow, options, facts)
            continue
        flag = None if aggregate else sync.flag_value(accs, ls, iv)
        if flag is not None:
            status[key] = "flag"
            facts.deps.append(
                Dependence("flag", key, _at(writes[0].pos), _at(flow.exposed[key]), "<", None, False, flag)
            )
            continue
        status[key] = "serial"
        src = writes[-1]
        if all((w.via or "").startswith("stream operator") for w in writes):  # `log << ...` on a shared stream
            facts.deps.append(Dependence("io", key, _at(src.pos), _at(src.pos), "*", None, True,
                                         f"{key} ({src.via}) performs I/O on a shared stream: output order would "
                                         "change, and streams are not thread-safe"))  # fmt: skip
            continue
        via = f"; written by {src.via}" if src.via else ""
        unsure = next(
            (
                c
                for c in ls.calls
                if c.kind in ("unknown", "method") and (key in c.args or (c.note or "").startswith("a lone name"))
            ),
            None,
        )
        macro = None if unsure is None else unsure.name
        if unsure is not None and (unsure.note or "").startswith("calls "):  # a summarised callee calling others
            via += f"; unless {unsure.name}, which {unsure.note}, synchronizes the update"
        elif macro is not None:
            via += f"; unless {macro} (possibly a macro) assigns it"
        facts.deps.append(
            Dependence(
                "flow",
                key,
                _at(src.pos),
                _at(flow.exposed[key]),
                "<",
                None,
                macro is None,
                f"read before it is written in an iteration, so it carries a value to the next{via}",
            )
        )
    for base, parts in element_ops.items():
        _reduced_elements(fn, loop, base, parts, groups[base], status, facts)
    for base, keys in groups.items():
        _aggregate(fn, loop, base, keys, status, flow, options, facts, ls)


#: integer typedefs spelled with a scope (``std::size_t``, ``Eigen::Index``, ``std::vector<T>::size_type``)
_SCOPED_ARITHMETIC = re.compile(
    r"(?:\w+::)*(?:size_t|ptrdiff_t|u?int(?:_fast|_least)?\d+_t|u?intptr_t|Index|size_type|difference_type)"
)


def _class_typed(fn: FunctionInfo, loop: Loop, key: str) -> str | None:
    """The type (``"std::complex<double>"``) when ``key`` is declared with a class type, one with a scope or
    template arguments (Eigen vectors, std::complex): ``reduction(+:v)`` on it does not compile without a
    declared reduction. None for arithmetic types, plain typedef names (``real_t``) and unknown declarations."""
    info = fn.lookup(key, loop.node.start_byte)
    if info is None or info.pointer or info.array:
        return None
    skip = ("const", "volatile", "static", "typename")
    type_name = " ".join(w for w in info.type_text.replace("&", " ").split() if w not in skip)
    if type_name and "::" not in type_name and "<" not in type_name:
        # a plain name: a typedef of an arithmetic type, or a class; a class when it says complex (exafmm's
        # complex_t, a std::complex typedef from a header) or when the variable has members (`Tmix.zero()`)
        plain_class = fn.ctx.parsed.source.lang == "cpp" and "complex" in type_name.lower()
        return type_name if plain_class or fn.has_members(key, info) else None
    if not type_name:
        return None
    if _SCOPED_ARITHMETIC.fullmatch(ir.without_template_arguments(type_name).replace(" ", "")):
        return None
    return type_name


def _macro_like(call: ir.CallInfo) -> bool:
    """A call of unknown effect to an ALL_CAPS name (GraphBLAS's ``GB_GET_TASK_DESCRIPTOR (...)``): a function-like
    macro, which may declare the loop's own variables."""
    name = call.name.rsplit("::", 1)[-1]
    return call.kind == "unknown" and len(name) > 1 and re.fullmatch(r"[A-Z][A-Z0-9_]*", name) is not None


def _reduced_elements(fn, loop, base, parts: dict[str, str], keys: list[str], status, facts: _LoopFacts) -> None:
    """Constant elements of an array accumulated with one operator in every iteration (GraphMiner's
    ``count[0] += ...; count[4] += ...``): a reduction of the whole array, ``reduction(+:count)`` (or a section
    for an array parameter); unsized, atomic updates or the user's ``[:N]``. Struct members (``s.x``), mixed
    operators, or other uses of the array (a read, a plain store) cannot be named in a reduction clause."""
    ops = set(parts.values())
    elements = all(k.startswith(base + "[") for k in keys)
    if len(ops) != 1 or not elements or any(status.get(k) != "reduction" for k in keys) or base in status:
        for key in parts:
            facts.blockers.append(f"{key} is a reduction but cannot be named in a reduction clause")
        return
    op = ops.pop()
    extent = _extent(fn, loop, base)
    if extent is not None and _too_big_to_copy(fn, loop, base, (loop.line, loop.column), facts):
        return
    if extent is not None:
        facts.reductions.add(f"{op}:{base}{extent}")
        facts.notes.append(f"{', '.join(sorted(parts))} accumulated in every iteration: array reduction of {base}")
        return
    facts.needs_atomic.append(base)
    facts.unsized_reductions.append(f"{op}:{base}")
    facts.colliding.append(base)
    facts.blockers.append(
        f"{', '.join(sorted(parts))} accumulated in every iteration; the size of {base} is unknown, so it needs "
        f"'#pragma omp atomic' or reduction({op}:{base}[:N])"
    )


def _scoped_write(key: str, writes: list[ir.Access]) -> Dependence:
    """A scoped name the loop writes (``ns::x``, ``S::count``) is a namespace-scope variable or a static data
    member; the latter is predetermined shared (gcc and clang reject it in private, lastprivate and reduction
    clauses), and which one it is needs the class. So every thread writes the one shared variable."""
    return Dependence(
        "output",
        key,
        _at(writes[0].pos),
        _at(writes[-1].pos),
        "*",
        None,
        True,
        "a namespace-scope or static member variable written by every thread (a static data member cannot be "
        "named in a private or reduction clause): assign or accumulate into a variable declared in the loop",
    )


def _private_scalar(fn, loop, key, accs, flow, options, facts: _LoopFacts) -> None:
    writes = [a for a in accs if a.kind & WRITE]
    if fn.live_after(key, loop.node, options.snippet) or _snippet_output(fn, loop, key, accs, options):
        facts.live.add(key)
        if key in flow.defined_at_exit:
            facts.lastprivate.add(key)
        else:
            facts.deps.append(
                Dependence(
                    "output",
                    key,
                    _at(writes[0].pos),
                    _at(writes[-1].pos),
                    "*",
                    None,
                    False,
                    "assigned on some paths only and used after the loop: lastprivate would "
                    "be wrong unless the last iteration assigns it",
                )
            )
    else:
        facts.private.add(key)


def _snippet_output(fn, loop, key, accs, options) -> bool:
    """In a snippet, an undeclared scalar the loop writes but never reads is what the loop leaves for the code
    after it (``found = 1;``, ``status = MagickFalse;``, a last value): a temporary is read where it is written.
    Assuming it dead, as for other undeclared names, would privatize it and lose the result."""
    if not options.snippet or fn.lookup(key, loop.node.start_byte) is not None:
        return False
    return not any(a.kind & READ for a in accs)


def _aggregate(fn, loop, base, keys, status, flow, options, facts: _LoopFacts, ls: LoopS) -> None:
    """Struct members (``s.x``) and constant elements (``t[0]``) of one variable: private as a whole when every
    written part is written before it is read; firstprivate when other parts are only read."""
    states = [status.get(k, "read") for k in keys] + ([status[base]] if base in status else [])
    if "serial" in states or "reduction" in states or "private" not in states:
        return
    info = fn.lookup(base, loop.node.start_byte)
    if info is not None and (info.pointer or info.reference):
        written = [k for k in keys if status.get(k) == "private"]
        pos = flow.by_key[written[0]][0].pos
        flags = [sync.flag_value(flow.by_key[k], ls, ls.header.var) for k in written]
        if all(flags):  # `output.is_dense = false;` on some paths: every writer stores the same value
            facts.deps.append(Dependence("flag", written[0], _at(pos), _at(pos), "*", None, False, flags[0]))
            return
        facts.deps.append(
            Dependence(
                "output",
                base,
                _at(pos),
                _at(pos),
                "*",
                None,
                True,
                "member of a shared object written in every iteration",
            )
        )
        return
    if info is None and not options.snippet:
        facts.blockers.append(f"members of {base} are written, but its declaration is not visible")
        return
    live = fn.live_after(base, loop.node, options.snippet)
    written = [k for k in keys if status.get(k) == "private"]
    if live:
        facts.live.add(base)
        if all(k in flow.defined_at_exit for k in written):
            facts.lastprivate.add(base)
        else:
            facts.deps.append(
                Dependence(
                    "output",
                    base,
                    "?",
                    "?",
                    "*",
                    None,
                    False,
                    "parts assigned on some paths only and used after the loop",
                )
            )
            return
    if "read" in states:
        facts.firstprivate.add(base)
    elif not live:
        facts.private.add(base)


# ---------------------------------------------------------------------------------------------------- memory
def _check_memory(fn, loop, ls, flow, locals_, elementwise, options, facts: _LoopFacts) -> None:
    groups: dict[str, list[Resolved]] = {}
    start = loop.node.start_byte
    handles = {a.key for a in ls.flat if a.decl and a.handle}
    for r in flow.memory:
        acc = r.acc
        if acc.base in elementwise or (acc.base in locals_ and acc.base not in handles):
            continue  # storage of the iteration's own (arrays and objects declared in the body)
        groups.setdefault(acc.key, []).append(r)
    for key, rs in groups.items():
        writes = [r for r in rs if r.acc.kind & WRITE]
        if not writes:
            continue
        if key == "?":
            facts.blockers.append(f"assignment to a location that cannot be analysed at {_at(writes[0].acc.pos)}")
            continue
        varying = next((r for r in writes if r.base_varies), None)
        if varying is not None:
            facts.blockers.append(
                f"write through {varying.acc.base} at {_at(varying.acc.pos)}, a pointer that changes inside the loop"
            )
            continue
        _test_array(fn, loop, ls, key, rs, flow, options, facts)
    _check_alias(fn, start, groups, options, facts)


def _signature(r: Resolved) -> tuple:
    subs = tuple(P.key(s) for s in r.subs)
    return r.acc.kind, subs, r.ivs, r.problem, r.acc.op


def _test_array(fn, loop, ls, key, rs: list[Resolved], flow, options, facts: _LoopFacts) -> None:
    red = _red_op([r.acc for r in rs])
    found = _pairs(rs, bounds.checked(fn, loop, key, rs), flow.headers)
    if not found:
        return
    if _privatized_array(fn, loop, ls, key, options, facts):
        return
    fixed = all(s is not None and P.constant_value(s) is not None for r in rs for s in r.subs)
    maybe = all(res.status == "maybe" for _, _, res in found)
    if red is not None and "->" not in key and "." not in key and (maybe or fixed):
        # only `op=` updates of the array: where they may meet (a histogram), or at constant elements every
        # iteration (`count[0] += ...; count[4] += ...`), a reduction combines them; `m[i][j] += ...` in a k loop
        # is left a carried dependence (the enclosing loops are the ones to parallelize)
        extent = _extent(fn, loop, key)
        if extent is None and fixed and _declared_pointer(fn, loop, key):
            extent = _fixed_section(rs)
        if extent is not None and _too_big_to_copy(fn, loop, key, rs[0].acc.pos, facts):
            return
        if extent is not None:
            facts.reductions.add(f"{red}:{key}{extent}")
            facts.notes.append(
                f"{key} is updated at possibly the same elements from different iterations: array reduction"
            )
        else:
            facts.needs_atomic.append(key)
            facts.unsized_reductions.append(f"{red}:{key}")
            if fixed or all((res.reason or "").startswith("every iteration uses the same") for _, _, res in found):
                facts.colliding.append(key)  # not "may meet": every iteration updates these very elements
            facts.blockers.append(
                f"{key} is updated at possibly the same elements from different iterations; its "
                f"size is unknown, so it needs '#pragma omp atomic' or reduction({red}:{key}[:N])"
            )
        return
    varying = _varying(ls)
    level = flow.headers.get(ls.header.var)
    exposed = certain.exposed_reads(rs)
    upgraded = [(r1, r2, certain.certain_pair(r1, r2, res, level, varying, exposed)) for r1, r2, res in found]
    # dependences proven here or by a distance go first, so that they are among those reported (and decide the
    # verdict); an element written by every iteration (no distance) keeps its place, as before these proofs: the
    # tests do not look at conditions, and ``if (iend == n) count[n] = s`` in a partition loop is written once
    first = [upgraded[n][2] is not found[n][2] or found[n][2].distance not in (None, 0) for n in range(len(found))]
    order = sorted(range(len(found)), key=lambda n: not (first[n] and upgraded[n][2].status == "carried"))
    for r1, r2, result in [upgraded[n] for n in order][:3]:
        facts.deps.append(_dependence(key, r1, r2, result, fn, loop))


def _pairs(rs: list[Resolved], checked: list[Resolved], headers) -> list[tuple[Resolved, Resolved, D.PairResult]]:
    """Pairs of accesses (one a write) that may meet in different iterations. Each pair is compared dimension by
    dimension first: equal subscripts in every dimension are the same element whatever the extents, so a carried
    dependence found that way stands; any other answer is taken from ``checked`` (:func:`bounds.checked`), where an
    index that may leave its dimension is flattened or undecidable."""
    unique: dict[tuple, tuple[Resolved, Resolved]] = {}
    for r, c in zip(rs, checked, strict=True):
        unique.setdefault(_signature(r), (r, c))
    reps = list(unique.values())
    found = []
    for i, (r1, c1) in enumerate(reps):
        for r2, c2 in reps[i:]:
            if not (r1.acc.kind & WRITE or r2.acc.kind & WRITE):
                continue
            a, b = r1, r2
            result = D.test_pair(a, b, headers)
            if result.status != "carried" and (c1 is not r1 or c2 is not r2):
                a, b = c1, c2
                result = D.test_pair(a, b, headers)
            if result.status in ("carried", "maybe"):
                found.append((a, b, result))
    return found


def _varying(ls: LoopS) -> set[str]:
    """Names whose value may differ between iterations: written or declared in the loop (``pstart`` of a
    partition), or given to a call or having their address taken (a macro like ``GB_PARTITION(pstart, ...)`` may
    assign them)."""
    names = set().union(*written_keys(ls)) | {a.key for a in ls.flat if a.decl or a.addressed}
    return names | {arg for c in ls.calls for arg in c.args}


def _privatized_array(fn, loop, ls, key: str, options, facts: _LoopFacts) -> bool:
    """A local array whose every read in an iteration sees a value that iteration wrote (see :mod:`privatize`):
    private when it is dead after the loop; lastprivate when it is not but every iteration writes it whole (the
    last iteration's copy is what the serial loop leaves). Only for an array whose name is used before and in the
    loop only to subscript it, so no pointer made earlier can reach the shared copy."""
    info = fn.lookup(key, loop.node.start_byte)
    if info is None or not info.array or info.pointer or info.kind != "local" or info.static or not info.dims:
        return False
    bytes_ = _array_bytes(fn, loop, key)
    if bytes_ is None or bytes_ > MAX_REDUCTION_BYTES or not fn.only_subscripted(key, loop.node):
        return False
    size = fn.integer_value(info.dims[0]) if len(info.dims) == 1 else None
    found = privatize.privatizable(ls, key, size)
    live = found is not None and fn.live_after(key, loop.node, options.snippet)  # a later `key[...]` is a use
    if found is None or (live and found != privatize.FILLED):
        return False
    (facts.lastprivate if live else facts.private).add(key)
    what = (
        "filled completely by every iteration before it is read"
        if found == privatize.FILLED
        else ("read only where the same iteration wrote it first")
    )
    facts.notes.append(f"{key} is {what}: a private copy per thread")
    return True


#: an array reduction gives every thread a private copy, on its stack with gcc and clang; beyond this the default
#: stacks (8 MiB for the main thread, less under some runtimes' OMP_STACKSIZE) overflow or come close
MAX_REDUCTION_BYTES = 1 << 20
_ELEMENT_BYTES = {"char": 1, "short": 2, "int": 4, "float": 4, "long": 8, "double": 8}


def _declared_pointer(fn, loop, key: str) -> bool:
    info = fn.lookup(key, loop.node.start_byte)
    return info is not None and info.pointer and not info.array


def _fixed_section(rs: list[Resolved]) -> str | None:
    """``[:n]`` covering one-dimensional constant elements of a pointer (``*sum += x`` is ``sum[0]``): the bare
    name compiles only for an array (for which it is also the safer spelling: see ``_extent``)."""
    if any(len(r.subs) != 1 for r in rs):
        return None
    values = [P.constant_value(r.subs[0]) for r in rs]
    if any(v is None or v < 0 for v in values):
        return None
    return f"[:{max(values) + 1}]"


def _too_big_to_copy(fn, loop, key: str, pos: tuple[int, int], facts: _LoopFacts) -> bool:
    """An array reduction of ``key`` would copy more than MAX_REDUCTION_BYTES per thread (a 320,000-double ``A``
    accumulated over a repetition loop segfaulted at 2 threads): the updates it would have combined are recorded as
    a carried dependence instead (even where they only may meet), so no pragma here races without the reduction
    and an inner loop is parallelized."""
    size = _array_bytes(fn, loop, key)
    if size is None or size <= MAX_REDUCTION_BYTES:
        return False
    note = f"updated from different iterations; an array reduction would put a {size / (1 << 20):.1f} MiB copy on "
    note += "every thread's stack"
    facts.deps.append(Dependence("flow", key, _at(pos), _at(pos), "<", None, True, note))
    return True


def _array_bytes(fn, loop, key: str) -> int | None:
    """Bytes of a declared array whose dimensions are integer constants or macros; None when unknown."""
    info = fn.lookup(key, loop.node.start_byte)
    if info is None or not info.array or not info.dims:
        return None
    count = 1
    for dim in info.dims:
        value = fn.integer_value(dim) if dim else None
        if value is None:
            return None
        count *= value
    words = info.type_text.replace("*", " ").split()
    element = next((_ELEMENT_BYTES[w] for w in reversed(words) if w in _ELEMENT_BYTES), 8)
    return count * element


def _extent(fn, loop, key: str) -> str | None:
    """How a reduction clause names the array: the bare name for an array declared here (local or global: OpenMP
    takes its size from the type, and clang 14 miscompiles array-section reductions of global arrays), a section
    ``[:n]`` for an array parameter (a pointer in C), None when the extent is unknown."""
    info = fn.lookup(key, loop.node.start_byte)
    if info is None or not info.array or not info.dims or not all(info.dims):
        return None
    if info.kind in ("local", "global") and not info.pointer:
        return ""
    return "".join(f"[:{d}]" for d in info.dims)


def _dependence(key, r1: Resolved, r2: Resolved, result: D.PairResult, fn, loop) -> Dependence:
    d = result.distance
    src, dst = (r2, r1) if d is not None and d < 0 else (r1, r2)
    if d is None and r2.acc.pos < r1.acc.pos:
        src, dst = r2, r1
    sw, dw = bool(src.acc.kind & WRITE), bool(dst.acc.kind & WRITE)
    kind = (
        "output"
        if sw and dw and src.acc.kind == WRITE and dst.acc.kind == WRITE
        else ("flow" if sw and (dst.acc.kind & ir.READ) else "anti")
    )
    direction = "<" if d else "*"
    note = result.reason or ""
    if src is dst:
        note = note or "the same element is written in every iteration"
    return Dependence(
        kind,
        key,
        _at(src.acc.pos),
        _at(dst.acc.pos),
        direction,
        abs(d) if d is not None else None,
        result.status == "carried",
        note,
    )


def _pointer_like(fn, start: int, key: str, base: str, options) -> tuple[bool, bool]:
    """(may point anywhere, restrict-qualified) for an accessed memory key."""
    info = fn.lookup(base, start)
    if key != base:
        return True, False
    if info is None:
        return True, False
    if info.array and info.kind != "param":
        return False, False
    if info.kind == "allocated":
        return False, False
    if info.pointer or info.reference:
        return True, info.restrict
    return info.kind == "param" and not info.struct_value, False


def _check_alias(fn, start: int, groups: dict[str, list[Resolved]], options, facts: _LoopFacts) -> None:
    keys = list(groups)
    written = [k for k in keys if any(r.acc.kind & WRITE for r in groups[k])]
    shapes = {k: _pointer_like(fn, start, k, groups[k][0].acc.base, options) for k in keys}
    only = not facts.deps and not facts.blockers  # is aliasing all that may stop the loop?
    pairs: list[str] = []
    rows: list[str] = []  # two-level pointers whose rows may overlap
    open_pairs: list[tuple[str, str]] = []  # pointers that may overlap, as far as anyone knows
    known = False  # a call passes the same array to two of them (or one of unknown target): no fix to suggest
    typed: list[str] = []  # pairs that strict aliasing keeps apart
    apart: list[tuple[str, str]] = []  # pairs every call of the function binds to distinct arrays
    for w in written:
        pw, rw = shapes[w]
        info = fn.lookup(groups[w][0].acc.base, start)
        multi = max(len(r.subs) for r in groups[w])
        if multi >= 2 and w == groups[w][0].acc.base and (info is None or info.pointer_depth >= 2):
            pairs.append(alias_advice.rows_obstacle(w, info))
            rows.append(w)
        for other in keys:
            if other == w or (other in written and other < w):
                continue
            po, ro = shapes[other]
            if rw or ro:
                continue
            global_array = _is_global_array(fn, start, other) or _is_global_array(fn, start, w)
            if not ((pw and po) or ((pw or po) and global_array)):
                continue
            types = _distinct_scalar_types(fn, start, w, other)
            if types:
                typed.append(f"{w} ({types[0]}) and {other} ({types[1]})")
                continue
            sites = callsites.separated(fn, start, w, other)
            if sites is not None:
                apart.append((w, other))
                continue
            text, conflict = alias_advice.pair_obstacle(fn, start, w, other)
            pairs.append(text)
            open_pairs.append((w, other))
            known = known or conflict
    if typed:
        facts.assumptions.append(
            "strict aliasing (C11 6.5p7, C++ [basic.lval]): pointers to different scalar types do not overlap: "
            + "; ".join(typed[:3])
        )
    if apart:
        facts.assumptions.append(callsites.call_sites(fn).describe(apart))
    if not pairs:
        return
    if options.assume_no_alias:
        facts.assumptions.append("assuming distinct pointers do not alias (--assume-no-alias): " + "; ".join(pairs[:3]))
        return
    facts.blockers.extend(pairs[:3])
    if only and not known:
        lang = fn.ctx.parsed.source.lang
        facts.notes.append(alias_advice.only_obstacle_fix(fn, start, open_pairs, rows, lang))


#: scalar types by their words (qualifiers and signedness dropped): an object of one may not be read or written
#: through an lvalue of another (strict aliasing), except through character types, which are left out
_SCALAR_TYPES = {
    ("double",): "double", ("float",): "float", ("long", "double"): "long double",
    ("int",): "int", (): "int", ("short",): "short", ("short", "int"): "short",
    ("long",): "long", ("long", "int"): "long", ("long", "long"): "long", ("long", "long", "int"): "long",
    ("bool",): "bool", ("_Bool",): "bool",
    ("int16_t",): "short", ("uint16_t",): "short", ("int32_t",): "int", ("uint32_t",): "int",
    ("int64_t",): "long", ("uint64_t",): "long", ("size_t",): "long", ("ssize_t",): "long",
    ("ptrdiff_t",): "long", ("intptr_t",): "long", ("uintptr_t",): "long",
}  # fmt: skip
_TYPE_NOISE = frozenset({"const", "volatile", "restrict", "__restrict", "__restrict__", "signed", "unsigned",
                         "static", "register", "extern", "std::"})  # fmt: skip


def _distinct_scalar_types(fn, start: int, a: str, b: str) -> tuple[str, str] | None:
    """The element types of two pointers or arrays when they are different scalar types (``int *`` and
    ``double *``), so by the language's aliasing rules they cannot name the same memory; None when either is not
    a pointer (or array) to a known scalar type, or both are the same type. ``long`` and ``long long`` count as one
    (``int64_t`` is either), so do a type's signed and unsigned forms (which may alias)."""
    if fn.cast_assigned(a) or fn.cast_assigned(b):
        return None  # a view made by a cast (``float *f = (float *)buf``) may be the other pointer's memory
    kinds = [_scalar_kind(fn.lookup(name, start), fn.ctx.typedefs) for name in (a, b)]
    if kinds[0] is None or kinds[1] is None or kinds[0] == kinds[1]:
        return None
    return kinds[0], kinds[1]


def _scalar_kind(info, typedefs: dict[str, str]) -> str | None:
    if info is None or not (info.pointer or info.array) or info.pointer_depth > 1 or info.reference:
        return None
    if info.array and info.pointer_depth == 1:
        return None  # an array of pointers
    words = _type_words(info.type_text)
    for _ in range(4):  # typedef chains of the file: `typedef double real; typedef real real_t;`
        if len(words) != 1 or words[0] not in typedefs:
            break
        words = _type_words(typedefs[words[0]])
    return _SCALAR_TYPES.get(words)


def _type_words(text: str) -> tuple[str, ...]:
    return tuple(w for w in text.replace("*", " ").replace("std::", "").split() if w not in _TYPE_NOISE)


def _is_global_array(fn, start: int, key: str) -> bool:
    info = fn.lookup(key, start)
    return info is not None and info.kind == "global" and info.array


# ---------------------------------------------------------------------------------------------------- result
def _fill(res: LoopAnalysis, ls: LoopS, flow, locals_, facts: _LoopFacts, options) -> None:
    proven = [d for d in facts.deps if d.proven]
    possible = [d for d in facts.deps if not d.proven]
    if ls.kind != "for" or ls.header.problem is not None:
        res.verdict = "unknown"  # without a countable iteration space, even the dependences are the header's
    elif proven:
        res.verdict = "serial"
    elif facts.blockers or possible:
        res.verdict = "unknown"
    else:
        res.verdict = "parallel"
    res.dependences = proven + possible
    res.reasons = [d.describe() for d in res.dependences] + facts.blockers + facts.notes
    iv = ls.header.var
    res.private = sorted(facts.private - {iv})
    res.firstprivate = sorted(facts.firstprivate)
    res.lastprivate = sorted(facts.lastprivate)
    res.reductions = sorted(facts.reductions)
    res.needs_atomic = facts.needs_atomic
    res.unsized_reductions = facts.unsized_reductions
    res.unknown_calls = facts.unknown_calls
    res.assumptions = facts.assumptions
    res.directive_blocker = facts.directive_blocker
    res.induction_declared = ls.header.declared
    res.colliding_updates = facts.colliding
    res.escaped = sorted({a.key for a in ls.flat if a.addressed} | {arg for c in ls.calls for arg in c.args})
    res.live_after = sorted(facts.live)
    res.locals = sorted(locals_)
    res.reads, res.writes = _access_lists(ls, flow, locals_)
    trip = D.trip_count(ls.header) if ls.kind == "for" else None
    cost = _cost(ls)
    total = (trip if trip is not None else DEFAULT_TRIP) * cost
    empty = not ls.flat and not ls.calls  # a body that does nothing (commented out): nothing to share
    res.profitability = {
        "trip_count": trip,
        "body_work": 0 if empty else cost,
        "estimated_work": 0 if empty else total,
        "profitable": not empty and (trip is None or trip * cost >= options.min_work),
    }
    if res.verdict == "parallel" and not res.private and not res.reductions and not res.lastprivate:
        res.reasons.append("no loop-carried dependence: every iteration touches its own elements")


def _access_lists(ls: LoopS, flow, locals_) -> tuple[list[str], list[str]]:
    reads, writes = {}, {}
    for acc in ls.flat:
        if acc.decl or acc.base in locals_:
            continue
        text = acc.key
        if acc.memory and acc.subs:
            text += "".join(f"[{P.to_text(s) if s is not None else '?'}]" for s in acc.subs)
        if acc.kind & ir.READ:
            reads.setdefault(text, None)
        if acc.kind & WRITE:
            writes.setdefault(text, None)
    return list(reads)[:40], list(writes)[:40]


def _cost(ls: LoopS) -> int:
    children = [m for m in ls.inner if m.parent is ls]
    own = len(ls.flat) + 4 * len(ls.calls) - sum(len(m.flat) + 4 * len(m.calls) for m in children)
    total = max(1, own)
    for m in children:
        trip = D.trip_count(m.header) if m.kind == "for" else None
        total += (trip if trip is not None else DEFAULT_TRIP) * _cost(m)
    return total


def _at(pos: tuple[int, int]) -> str:
    return f"{pos[0]}:{pos[1]}"


# ---------------------------------------------------------------------------------------------------- nests
def _chosen_ancestor(file_scan: FileScan, results: list[LoopAnalysis], i: int) -> int | None:
    j = file_scan.loops[i].parent
    while j is not None:
        if results[j].parallelize:
            return j
        j = file_scan.loops[j].parent
    return None


def _triangular_schedule(ls: LoopS, res: LoopAnalysis) -> str | None:
    """``static, 1`` when an inner loop's bounds move with this loop's variable (``for (j = 0; j < i; j++)``): the
    iterations' work grows (or shrinks) along the loop, so equal blocks leave one thread most of it, and round-robin
    shares it at no run-time cost (a pairwise kernel over 6,000 points, 2 threads: 0.99x -> 1.73x, ``ompgpt
    verify``). Not for a collapsed nest, whose bounds are rectangular."""
    iv = ls.header.var
    if res.collapse > 1 or iv is None:
        return None
    for inner in ls.inner:
        bounds = (inner.header.lower, inner.header.upper)
        if any(b is not None and iv in P.symbols(b) for b in bounds):
            why = f"the loop at line {inner.pos[0]} runs to {iv}: uneven iterations"
            res.reasons.append(why + ", shared round-robin (schedule(static, 1))")
            return "static, 1"
    return None


def _sole_inner(ls: LoopS) -> LoopS | None:
    body = ls.body
    while isinstance(body, ir.Seq):
        items = [x for x in body.items if not (isinstance(x, ir.Seq) and not x.items)]
        if len(items) != 1:
            return None
        body = items[0]
    return body if isinstance(body, LoopS) else None


def _header_names(ls: LoopS) -> set[str]:
    """Every name a loop header reads, subscripts included: CSR's ``for (j = rowptr[i]; j < rowptr[i + 1]; j++)``
    depends on ``i`` through an array, which collapse does not allow (OpenMP 5's non-rectangular nests take only
    affine bounds; gcc: "initializer expression refers to iteration variable 'i'")."""
    return {a.base for ev in (ls.init, ls.cond, ls.update) for a in ev.acc}


#: nest levels looked at for ``carried_levels``: no one collapses deeper, and a 400-deep nest stays linear
MAX_COLLAPSE_LEVELS = 8


def _carried_levels(ctx: FileContext, loop: Loop, res: LoopAnalysis, analysis_of) -> list[int]:
    """The levels of the perfect nest below ``loop`` (itself 1) whose own analysis proves a carried dependence
    (``serial``): the per-level facts of the nest's distance vectors, which ``collapse`` must respect."""
    levels = [1] if res.verdict == "serial" else []
    try:
        fn = ctx.function_of(loop.node)
    except (ValueError, RecursionError):  # a function nested too deeply to analyse: no inner facts
        return levels
    ls = fn.loops.get(loop.node.start_byte)
    depth = 1
    cur = _sole_inner(ls) if ls is not None else None
    while cur is not None and depth < min(res.nest_depth or 1, MAX_COLLAPSE_LEVELS):
        depth += 1
        inner = analysis_of(cur.start_byte)
        if inner is not None and inner.verdict == "serial":
            levels.append(depth)
        cur = _sole_inner(cur)
    return levels


def _finish(ctx: FileContext, loop: Loop, res: LoopAnalysis, options, analysis_of) -> None:
    """Collapse depth and pragma text for a loop proven parallel."""
    fn = ctx.function_of(loop.node)
    ls = fn.loops[loop.node.start_byte]
    ivs = [ls.header.var]
    nest = [ls]
    cur = _sole_inner(ls)
    while cur is not None:
        inner = analysis_of(cur.start_byte)
        iv = canonical_iv(cur)
        h = cur.header
        if inner is None or inner.verdict != "parallel" or iv is None or h.op == "!=" or _header_names(cur) & set(ivs):
            break
        ivs.append(iv)
        nest.append(cur)
        cur = _sole_inner(cur)
    ivs = ivs[: cost.collapse_depth(nest, res)]
    res.collapse = len(ivs)
    res.collapse_vars = [v for v in ivs[1:] if v in res.private or v in res.lastprivate]
    if res.collapse > 1:
        res.private = [v for v in res.private if v not in ivs]
        res.lastprivate = [v for v in res.lastprivate if v not in ivs]
    if not res.profitability.get("profitable", True):
        res.reasons.append(f"not worth parallelizing: about {res.profitability['estimated_work']} units of work")
        return
    res.schedule = _triangular_schedule(ls, res) or cost.uneven_schedule(ls, res)
    schedule = [f"schedule({res.schedule})"] if res.schedule else []
    text = " ".join(["#pragma omp parallel for", *res.clauses(), *schedule])
    try:
        res.pragma = parse_pragma(text).canonical(prefix=True)
    except PragmaError:
        res.pragma = text
    res.parallelize = True
