"""Who owns what, and what is synchronized, in a loop body: names each thread declares inside its parallel region,
locations only touched atomically or inside ``omp critical`` (no race, though the order may change), variables of
atomic type, and flags (a scalar only ever set to one constant, or an atomic counter read plainly) whose races a
developer chose. The dependence tests of :mod:`ompgpt.analysis.core` leave these locations out."""

from __future__ import annotations

import dataclasses
import re

from ompgpt.analysis import ir
from ompgpt.analysis import poly as P
from ompgpt.analysis.context import FunctionInfo
from ompgpt.analysis.flow import written_keys
from ompgpt.analysis.ir import READ, WRITE, Access, LoopS
from ompgpt.source.loops import Loop

#: declarations local to a function; "allocated" is a local pointer initialized by malloc/new (a thread's own
#: ``TIntV *nbrs = new TIntV();`` at the top of a parallel block)
_LOCAL_KINDS = frozenset({"local", "allocated"})


def region_locals(fn: FunctionInfo, loop: Loop, ls: LoopS) -> set[str]:
    """Names the loop uses that are declared inside its enclosing parallel region, before the loop: each thread
    has its own, so they are as private as the loop's own locals (``double t;`` at the top of a ``parallel`` block
    needs no ``private(t)`` on the ``for`` inside it). Static locals are shared and stay out. Not for a loop
    inside a workshared loop (``#pragma omp simd`` under ``parallel for``): the outer iteration's ``double s;`` is
    one variable for all the inner iterations, so the inner ``s += ...`` is a reduction there."""
    span = getattr(loop, "parallel_region", None)
    if span is None or loop.node is None or getattr(loop, "in_omp_loop", False):
        return set()  # inside a workshared loop, names of its iteration are shared by the inner loop's iterations
    at = loop.node.start_byte
    found = _region_clause_names(loop) & {acc.base for acc in ls.flat}
    for acc in ls.flat:
        info = fn.lookup(acc.base, at)
        if info is not None and info.kind in _LOCAL_KINDS and not info.static and span[0] <= info.start < at:
            found.add(acc.base)
    return found


def _region_clause_names(loop: Loop) -> set[str]:
    """Names the enclosing ``parallel`` pragma gives each thread its own copy of: private, firstprivate and
    reduction variables (``#pragma omp parallel private(sum1)`` around an ``omp for`` summing into ``sum1``)."""
    site = getattr(loop, "region_site", None)
    pragma = site.pragma if site is not None else None
    if pragma is None:
        return set()
    names = set().union(*(pragma.variables(n) for n in ("private", "firstprivate", "lastprivate")))
    return names | {v for _, v in pragma.reductions()}


def atomic_typed(fn: FunctionInfo, loop: Loop, ls: LoopS) -> set[str]:
    """Variables the loop uses whose declared type is atomic (``std::atomic<long>``, ``atomic_int``, ``_Atomic``):
    every access is an atomic load, store or read-modify-write."""
    at = loop.node.start_byte if loop.node is not None else 0
    found = set()
    for acc in ls.flat:
        info = fn.lookup(acc.key, at) if acc.key == acc.base else None
        if info is not None and not info.pointer and re.search(r"\batomic\b|\batomic_\w+|_Atomic", info.type_text):
            acc.atomic = "type"  # a fact of the access, whichever loop is analysed
            found.add(acc.key)
    return found


#: a call that returns the calling thread's number: omp_get_thread_num(), ImageMagick's GetOpenMPThreadId(),
#: FDPS's PS::Comm::getThreadNum() ...
_THREAD_NUMBER = re.compile(r"(?i)(thread_?num|thread_?id)\s*\(")


def thread_owned(fn: FunctionInfo, loop: Loop, ls: LoopS) -> dict[str, str]:
    """Arrays the loop only subscripts by the thread number (``buf[tid]`` after ``int tid =
    omp_get_thread_num();``), with that variable's name: each thread has its own element, and iterations of one
    thread run one after another, so these accesses cannot race. The variable must not change in the loop."""
    if loop.node is None:
        return {}
    data = fn.ctx.parsed.data
    written, _ = written_keys(ls)
    by_base: dict[str, list[Access]] = {}
    for acc in ls.flat:
        if acc.memory:
            by_base.setdefault(acc.base, []).append(acc)
    owned: dict[str, str] = {}
    for base, accs in by_base.items():
        names = {_sole_symbol(a.subs[0]) if a.subs else None for a in accs}
        if len(names) != 1 or (tid := names.pop()) is None or tid in written:
            continue
        info = fn.lookup(tid, loop.node.end_byte - 1)
        declared = data[info.start : info.start + 300].decode("utf-8", "replace").split(";")[0] if info else ""
        if _THREAD_NUMBER.search(declared):
            for acc in accs:
                acc.owned = True
            owned[base] = tid
    return owned


def _sole_symbol(sub) -> str | None:
    """``t`` when a subscript is exactly the variable ``t``."""
    if sub is None or P.constant_value(sub) is not None:
        return None
    symbols = P.symbols(sub)
    return next(iter(symbols)) if len(symbols) == 1 and P.to_text(sub) == next(iter(symbols)) else None


def without_synchronized(
    ls: LoopS, atomic_typed: set[str] = frozenset(), owned: dict[str, str] | None = None
) -> tuple[LoopS, dict[str, str], dict[str, tuple]]:
    """The loop with its synchronized locations left out, for each key how it is synchronized, and the flags among
    them (key -> where written, where read plainly, why: see :func:`_unsynchronized_read`). A location
    counts only when every access to it in the loop is atomic (an update, or reads and writes) or inside ``omp
    critical`` sections of one name; one plain read or write elsewhere races with them, so then all its accesses
    stay and the ordinary tests see the conflict. Except plain reads of a location only ever written atomically
    (a progress counter shown with ``setProgress(progress)``): a possible "flag" dependence, not a proven one."""
    by_key: dict[str, list] = {}
    for acc in ls.flat:
        by_key.setdefault(acc.key, []).append(acc)
    synchronized: dict[str, str] = {}
    flags: dict[str, tuple] = {}
    for key, accs in by_key.items():
        if any(a.decl for a in accs):
            continue  # declared inside the loop: each iteration's own
        if owned and key in owned:
            synchronized[key] = f"indexed by the thread number {owned[key]}: each thread has its own element"
        elif key in atomic_typed:
            synchronized[key] = "accessed through its atomic type: no race (loads may see other iterations' updates)"
        elif all(a.atomic in ("update", "capture", "compare") for a in accs):
            synchronized[key] = "updated under '#pragma omp atomic': no race, and the order does not matter"
        elif all(a.atomic for a in accs) and any(a.kind & WRITE for a in accs):
            synchronized[key] = (
                "accessed through '#pragma omp atomic' read/write: no race, though other iterations may see its "
                "changes in another order than the serial loop"
            )
        elif _one_critical_section(accs) and any(a.kind & WRITE for a in accs):
            name = accs[0].critical
            section = f"'#pragma omp critical({name})'" if name else "'#pragma omp critical'"
            where = f"while holding {name[5:]}" if name.startswith("lock ") else f"under {section}"
            synchronized[key] = (
                "accessed only inside '#pragma omp ordered' blocks: no race, and in the serial iterations' order"
                if name == ir.ORDERED
                else f"accessed {where}: no race, though the sections may run in another order than the serial "
                "iterations"
            )
        elif (torn := _unsynchronized_read(accs)) is not None:
            flags[key] = torn
    if not synchronized and not flags:
        return ls, synchronized, flags
    kept = [a for a in ls.flat if a.key not in synchronized and a.key not in flags]
    return dataclasses.replace(ls, flat=kept), synchronized, flags


def _one_critical_section(accs: list) -> bool:
    """Every access is inside ``omp critical`` sections of one name."""
    name = accs[0].critical
    return name is not None and all(a.critical == name for a in accs)


def _unsynchronized_read(accs: list) -> tuple[tuple[int, int], tuple[int, int], str] | None:
    """A location every write of which is atomic, read somewhere without ``atomic read``: where it is written,
    where it is read plainly, and why that matters."""
    writes = [a for a in accs if a.kind & WRITE]
    plain = [a for a in accs if not a.atomic and a.critical is None]
    if not writes or not plain or any(not a.atomic for a in writes) or any(a.kind & WRITE for a in plain):
        return None
    note = (
        "updated atomically but read without '#pragma omp atomic read': the read races with other iterations' "
        "updates (harmless for a progress display, exact with 'atomic read')"
    )
    return writes[0].pos, plain[0].pos, note


def flag_value(accs: list[Access], ls: LoopS, iv: str | None) -> str | None:
    """Why a scalar read before it is written is a flag, when every write sets it to one constant (a literal or a
    name the loop never writes), as ImageMagick's ``if (status == MagickFalse) continue; ... status =
    MagickFalse;``: else None. Its value at the end is the serial one; what races is a read in one iteration with
    the write in another, so the parallel loop may skip other iterations than the serial loop would. Not a proven
    dependence (the developer chose it), but not a parallel loop either."""
    writes = [a for a in accs if a.kind & WRITE]
    values = {repr(a.value) for a in writes}
    if any(a.kind != WRITE or a.op is not None or a.value is None for a in writes) or len(values) != 1:
        return None
    symbols = P.symbols(writes[0].value)
    written_vars, _ = written_keys(ls)
    if symbols & written_vars or (iv is not None and iv in symbols):
        return None
    const = P.to_text(writes[0].value)
    if not any(a.kind & READ for a in accs):
        return (
            f"only ever set to {const}: every thread that writes it stores the same value (a race by the letter of the "
            "memory model, harmless in practice; exact with '#pragma omp atomic write')"
        )
    return (
        f"only ever set to {const}, a flag: a read in one iteration races with the write in another, so the parallel "
        "loop may skip other iterations than the serial one (the flag itself ends the same); exact with '#pragma omp "
        "atomic read' / 'atomic write' on it, or 'omp cancel for'"
    )
