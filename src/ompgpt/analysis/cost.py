"""Work per parallel region: is a parallel loop nested in a loop that stays serial worth its fork/join?

A ``parallel for`` on a loop inside a serial loop (a time step, an LU pivot, a recurrence) opens and closes a team
once per iteration of the serial loop. That costs a few microseconds at every step (libgomp/libomp at 2 threads),
which a small inner loop never earns back: PolyBench's ludcmp ran 14 times slower than serial with a region per
``(i, j)`` for a reduction over ``k < j``. So for such a loop the analysis estimates the work one region gets:

    work per region ~ iterations of the loop x operations per iteration

where a bound that moves with an enclosing loop's variable (``for (i = k + 1; i < N; i++)``) is taken at the middle
of that variable's range (the average region), operations count the body's memory and scalar events with inner
loops multiplied by their own trip counts, and a trip count that cannot be evaluated (a runtime size) is unknown.
An unknown estimate is never "small": the loop keeps its pragma (and ``annotate --verify`` can time it).
"""

from __future__ import annotations

from dataclasses import dataclass

from ompgpt.analysis import poly as P
from ompgpt.analysis.ir import Header, If, LoopS, Seq, Switch

#: below this many work units (IR events) per region, a loop nested in a serial loop is left serial. A unit is about
#: one memory access or arithmetic event (~0.3-1 ns); a fork/join costs ~2-5 us at 2 threads, and a region must
#: do roughly twice its overhead in work to come out ahead with two threads.
MIN_REGION_WORK = 20_000
_UNKNOWN_INNER = 64  # iterations assumed for an inner loop of unknown trip count when sizing the *body*
#: a branch or data-dependent loop must hold at least this much work before dynamic scheduling's per-chunk cost pays
HEAVY_BRANCH = 1_000
#: an outer loop with fewer iterations than this (known) shares badly among threads: collapse the nest anyway
COLLAPSE_BELOW = 128


@dataclass
class RegionWork:
    """The estimate for one loop: ``iterations`` (None: unknown) x ``ops`` per iteration."""

    iterations: int | None
    ops: int
    enclosing_line: int

    @property
    def total(self) -> int | None:
        return None if self.iterations is None else self.iterations * self.ops

    @property
    def small(self) -> bool:
        total = self.total
        return total is not None and total < MIN_REGION_WORK

    def describe(self) -> str:
        its = "unknown" if self.iterations is None else str(self.iterations)
        total = "" if self.total is None else f" = {self.total}"
        return f"work per region ~ {its} iterations x {self.ops} ops{total}"


def midpoint(h: Header, env: dict[str, P.Poly]) -> P.Poly | None:
    """The middle of a loop variable's range (its bounds evaluated in ``env``): the average value it takes."""
    if h.lower is None or h.upper is None:
        return None
    lo = P.constant_value(P.substitute(h.lower, env))
    up = P.constant_value(P.substitute(h.upper, env))
    return None if lo is None or up is None else P.const((lo + up) // 2)


def trip_at(h: Header, env: dict[str, P.Poly]) -> int | None:
    """Trip count of a header whose bounds may name enclosing loop variables, evaluated with ``env``."""
    if h.lower is None or h.upper is None or not h.step:
        return None
    lo = P.constant_value(P.substitute(h.lower, env))
    up = P.constant_value(P.substitute(h.upper, env))
    if lo is None or up is None:
        return None
    if h.step > 0:
        hi = up - 1 if h.op == "<" else up if h.op == "<=" else None
        return None if hi is None else max(0, (hi - lo) // h.step + 1)
    low = up + 1 if h.op == ">" else up if h.op == ">=" else None
    return None if low is None else max(0, (lo - low) // -h.step + 1)


def ops_per_iteration(ls: LoopS, env: dict[str, P.Poly]) -> int:
    """Events of one iteration of ``ls``'s body, inner loops counted for their (estimated) trip counts."""
    children = [m for m in ls.inner if m.parent is ls]
    own = len(ls.flat) + 4 * len(ls.calls) - sum(len(m.flat) + 4 * len(m.calls) for m in children)
    total = max(1, own)
    if ls.header.var is not None:
        mid = midpoint(ls.header, env)
        env = {**env, ls.header.var: mid} if mid is not None else env
    for m in children:
        trip = trip_at(m.header, env) if m.kind == "for" else None
        total += (trip if trip is not None else _UNKNOWN_INNER) * ops_per_iteration(m, env)
    return total


def region_work(ls: LoopS, enclosing: list[LoopS]) -> RegionWork:
    """The estimate for ``ls`` run once per iteration of ``enclosing`` (outermost first)."""
    env: dict[str, P.Poly] = {}
    for outer in enclosing:
        if outer.kind == "for" and outer.header.var is not None:
            mid = midpoint(outer.header, env)
            if mid is not None:
                env[outer.header.var] = mid
    iterations = trip_at(ls.header, env) if ls.kind == "for" else None
    return RegionWork(iterations, ops_per_iteration(ls, env), enclosing[-1].pos[0])


def collapse_depth(nest: list[LoopS], res) -> int:
    """How many loops of the perfectly nested, parallel ``nest`` (outermost first) to collapse. Collapsing the
    innermost loop of a nest turns its body into one that recovers every index from a linear counter, which the
    compiler no longer vectorizes (2 threads: a 2-D stencil 0.64x with collapse(2) vs 0.84x without, a 3-D one
    0.54x vs 0.88x, benchmarks/speed_suite.py); so such a nest is only collapsed when its outer loop has a known,
    small trip count, too few iterations to share evenly; a deeper nest collapses all but its innermost loop. A
    nest whose collapsed loops enclose another loop keeps its collapse (the inner loop stays a plain loop)."""
    if len(nest) < 2 or nest[-1].inner:
        return len(nest)
    if len(nest) > 2:
        return len(nest) - 1  # the innermost loop stays whole, the ones around it are still shared together
    trip = trip_at(nest[0].header, {}) if nest[0].kind == "for" else None
    if trip is not None and trip < COLLAPSE_BELOW:
        return 2
    iterations = trip if trip is not None else "a runtime number of"
    res.reasons.append(
        f"not collapsed: the outer loop has {iterations} iterations to share, and collapsing the innermost loop "
        "would keep the compiler from vectorizing it"
    )
    return 1


def uneven_schedule(ls: LoopS, res) -> str | None:
    """``dynamic`` when iterations may cost very different amounts, and how much is known only at run time: a
    ``while``/``do`` loop in the body (an escape-time count like Mandelbrot's) or a branch that holds a heavy inner
    loop the other path skips. Equal static blocks would leave one thread the expensive iterations; handing
    chunks out as threads free up costs a little per chunk, which the heavy work pays for. None otherwise (and a
    triangular nest gets ``static, 1`` before this is asked). Not for a collapsed nest: its iterations are single
    points, the finest grain, where the per-chunk cost weighs most (Mandelbrot with collapse(2) ran no faster with
    dynamic than static here, 2 loaded cores)."""
    if res.collapse > 1:
        return None
    for inner in ls.inner:
        if inner.kind in ("while", "do") and _inside_for_of(ls, inner):
            res.reasons.append(
                f"the {inner.kind} loop at line {inner.pos[0]} runs a data-dependent number of times: uneven "
                "iterations, handed out as threads free up (schedule(dynamic))"
            )
            return "dynamic"
    heavy = _heavy_branch(ls.body)
    if heavy is not None:
        res.reasons.append(
            f"the loop at line {heavy.pos[0]} sits in a branch that other iterations may skip: uneven iterations, "
            "handed out as threads free up (schedule(dynamic))"
        )
        return "dynamic"
    return None


def _inside_for_of(ls: LoopS, inner: LoopS) -> bool:
    """Is ``inner`` nested in ``ls`` through ``for`` loops only (its run count is then the same every iteration)?"""
    up = inner.parent
    while up is not None and up is not ls:
        if up.kind != "for":
            return False
        up = up.parent
    return up is ls


def _heavy_branch(node) -> LoopS | None:
    """The first loop of enough work that sits in one arm of an ``if``/``switch`` of ``node`` (not in a loop)."""
    if isinstance(node, Seq):
        return next((found for item in node.items if (found := _heavy_branch(item)) is not None), None)
    if isinstance(node, (If, Switch)):
        arms = [node.then, node.other] if isinstance(node, If) else list(node.cases)
        for arm in arms:
            for loop in _loops_in(arm):
                if _work(loop) >= HEAVY_BRANCH:
                    return loop
    return None


def _work(loop: LoopS) -> int:
    """Events of a whole loop on its own (an unknown trip count taken as ``_UNKNOWN_INNER``)."""
    trip = trip_at(loop.header, {}) if loop.kind == "for" else None
    return (trip if trip is not None else _UNKNOWN_INNER) * ops_per_iteration(loop, {})


def _loops_in(node) -> list[LoopS]:
    if isinstance(node, LoopS):
        return [node]
    if isinstance(node, Seq):
        return [loop for item in node.items for loop in _loops_in(item)]
    if isinstance(node, If):
        return _loops_in(node.then) + _loops_in(node.other)
    if isinstance(node, Switch):
        return [loop for case in node.cases for loop in _loops_in(case)]
    return []


def check_nested_regions(ctx, file_scan, results) -> None:
    """For every loop the analysis chose to parallelize inside a loop that is not parallelized: record the work per
    region in its profitability, and drop the pragma (with the reason) when that work is small."""
    for i, (loop, res) in enumerate(zip(file_scan.loops, results, strict=True)):
        if not res.parallelize or loop.parent is None:
            continue
        fn = ctx.function_of(loop.node)
        ls = fn.loops.get(loop.node.start_byte)
        chain = _enclosing(fn, file_scan, i)
        if ls is None or not chain:
            continue
        work = region_work(ls, chain)
        res.profitability["region_work"] = work.total
        res.profitability["region_estimate"] = work.describe()
        res.profitability["region_small"] = work.small
        if work.small:
            res.parallelize, res.pragma = False, None
            res.reasons.append(
                f"not worth a parallel region per iteration of the loop at line {work.enclosing_line}: "
                f"{work.describe()}, below {MIN_REGION_WORK}"
            )


def _enclosing(fn, file_scan, i: int) -> list[LoopS]:
    """The IR loops enclosing loop ``i`` in the same function, outermost first."""
    chain = []
    j = file_scan.loops[i].parent
    while j is not None:
        outer = fn.loops.get(file_scan.loops[j].node.start_byte)
        if outer is None:
            break
        chain.append(outer)
        j = file_scan.loops[j].parent
    return chain[::-1]
