"""Region hoisting: one ``#pragma omp parallel`` around a serial loop whose inner loops are parallelized.

A time loop (``for t``) or an outer sweep that stays serial, with ``parallel for`` on the loops inside it, forks
and joins a team at every step. One region around the serial loop, with worksharing ``for`` on the inner loops,
forks once: every thread runs the serial loop itself (its variable private to each thread), and the implicit
barrier at the end of each ``for`` keeps the steps in order (no ``nowait``: the next loop usually reads what this
one wrote). That is only correct when every thread would do the same thing outside the inner loops, so the serial
loop is hoisted only when, outside its parallelized loops, its body

- writes nothing but variables declared inside it (each thread has its own), so there is nothing to race on or to
  do once (``single``);
- calls no function (output, allocation or unknown effects would happen once per thread);
- has no ``break``, ``return`` or ``goto``, no OpenMP directive, and no loop header reading a variable it writes
  (every thread must take the same path through the same ``for`` constructs);

and when its variable is declared in its header or dead after it (then ``private``), and no clause of an inner
loop names a variable declared inside it (a reduction or lastprivate must be shared in the region).
Anything else is left as it was, with the reason.
"""

from __future__ import annotations

from ompgpt.analysis.ir import WRITE, LoopS, pos_of

_COMBINED = ("parallel for ", "parallel for simd")


def hoist_regions(file_scan, results, project=None) -> None:
    """Rewrite ``results`` in place: for every outermost serial loop that can hold one region for the parallel
    loops inside it, the serial loop gets ``parallel`` and those loops the worksharing form of their pragma."""
    loops = file_scan.loops
    ctx = None
    done: set[int] = set()
    for i, loop in enumerate(loops):
        if i in done or results[i].action != "none" or loop.kind != "for" or loop.in_parallel_region:
            continue
        inner = [j for j in _descendants(loops, i) if results[j].action == "insert"]
        if not inner:
            continue
        if not all(_combined(results[j].pragma) and getattr(results[j], "fix", "proven") == "proven" for j in inner):
            continue  # only analysis-proven loops share a hoisted region (a model's pragma is verified on its own)
        if ctx is None:
            from ompgpt.analysis.context import FileContext

            ctx = FileContext(file_scan.parsed, project)
        why = _refusal(ctx, file_scan, i, inner, results)
        if why is not None:
            results[i].reasons.append(f"no parallel region around this loop for the loops inside it: {why}")
            continue
        _hoist(ctx, file_scan, i, inner, results)
        done.update(_descendants(loops, i))


def _combined(pragma: str | None) -> bool:
    return pragma is not None and (pragma.startswith(_COMBINED) or pragma == "parallel for")


def _descendants(loops, i: int) -> list[int]:
    out, todo = [], list(loops[i].children)
    while todo:
        j = todo.pop(0)
        out.append(j)
        todo.extend(loops[j].children)
    return sorted(out)


def _span(node) -> tuple[tuple[int, int], tuple[int, int]]:
    row, col = node.end_point
    return pos_of(node), (row + 1, col + 1)


def _inside(pos: tuple[int, int], spans) -> bool:
    return any(lo <= pos < hi for lo, hi in spans)


def _refusal(ctx, file_scan, i: int, inner: list[int], results) -> str | None:
    """Why the serial loop ``i`` cannot hold one region for its parallelized loops ``inner``; None when it can."""
    loop = file_scan.loops[i]
    fn = ctx.function_of(loop.node)
    ls: LoopS | None = fn.loops.get(loop.node.start_byte)
    if ls is None or ls.kind != "for" or ls.header.var is None:
        return "its header is not a plain counted loop"
    spans = [_span(file_scan.loops[j].node) for j in inner]
    outside = [a for a in ls.flat if not _inside(a.pos, spans)]
    declared = {a.key for a in outside if a.decl}
    why = _outside_code(ls, outside, declared, spans) or _headers(ls, inner, file_scan, declared, spans)
    if why:
        return why
    var = ls.header.var
    if not ls.header.declared and fn.live_after(var, loop.node, snippet=False):
        return f"{var} is read after the loop (a private copy per thread would lose it)"
    for j in inner:
        named = _clause_names(results[j].pragma) & declared
        if named:
            line = file_scan.loops[j].line
            return f"the loop at line {line} has a clause on {sorted(named)[0]}, declared inside (it must be shared)"
    return None


def _outside_code(ls: LoopS, outside, declared: set[str], spans) -> str | None:
    """What the serial loop's body does outside its parallelized loops that every thread cannot do at once."""
    shared_writes = sorted({a.key for a in outside if a.kind & WRITE and not a.decl and a.base not in declared})
    if shared_writes:
        return f"it writes {', '.join(shared_writes[:3])} outside the parallel loops (every thread would)"
    calls = [c.name for c in ls.calls if not _inside(c.pos, spans)]
    if calls:
        return f"it calls {calls[0]} outside the parallel loops (every thread would)"
    jumps = [j.kind for j in ls.jumps if not _inside(j.pos, spans)]
    if jumps:
        return f"'{jumps[0]}' in its body"
    if ls.omps or ls.errors:
        return "it has OpenMP directives or code that did not parse"
    written = {a.base for a in ls.flat if a.kind & WRITE and not a.decl} - declared
    read = {a.base for a in outside if not a.decl} & written
    if read:  # a fast thread may already be writing it in the next parallel loop (no barrier at a loop's start)
        return f"it reads {sorted(read)[0]} outside the parallel loops, and they write it"
    return None


def _headers(ls: LoopS, inner: list[int], file_scan, declared: set[str], spans) -> str | None:
    """Every thread must run the same ``for`` constructs: no loop header here may read what the loop writes."""
    written = {a.base for a in ls.flat if a.kind & WRITE and not a.decl} - declared
    starts = {file_scan.loops[j].node.start_byte for j in inner}
    for m in [ls, *ls.inner]:
        if _inside(m.pos, spans) and m.start_byte not in starts:
            continue
        names = {a.base for ev in (m.init, m.cond, m.update) for a in ev.acc} - {m.header.var}
        if names & written:
            return f"the loop at line {m.pos[0]} is bounded by {sorted(names & written)[0]}, written inside"
    return None


def _clause_names(pragma: str) -> set[str]:
    """Every name inside the clauses' parentheses (a reduction's operator dropped)."""
    from ompgpt.source.pragma import parse_pragma

    parsed = parse_pragma("omp " + pragma)
    return {v for c in parsed.clauses for v in c.items}


def _hoist(ctx, file_scan, i: int, inner: list[int], results) -> None:
    loop = file_scan.loops[i]
    ls = ctx.function_of(loop.node).loops[loop.node.start_byte]
    var = ls.header.var
    pragma = "parallel" if ls.header.declared else f"parallel private({var})"
    lines = ", ".join(str(file_scan.loops[j].line) for j in inner)
    res = results[i]
    res.action, res.pragma, res.source, res.confidence = "insert", pragma, "analysis", 0.9
    res.fix = "proven"
    res.candidate = None  # a model pragma for the serial loop itself is superseded by the region
    res.reasons.append(
        f"one parallel region around this serial loop: the loops at lines {lines} share its threads "
        f"(omp for, implicit barrier after each), {var} runs on every thread (one fork/join instead of one per "
        "iteration)"
    )
    for j in inner:
        results[j].pragma = "for" + results[j].pragma.removeprefix("parallel for")
        results[j].reasons.append(f"worksharing loop in the parallel region around the loop at line {loop.line}")
        results[j].region_line = loop.line


def verify_hoisted(result, config) -> None:
    """``annotate --verify`` for each hoisted region as one candidate: the program with the inner loops' ``for``
    pragmas (serial on their own: an orphaned worksharing loop outside a region runs on one thread) is the
    reference, and the serial loop's ``parallel`` the pragma tried. A rejected region is undone: the serial loop
    gets nothing and the inner loops their own ``parallel for`` back, to be verified one by one like any other."""
    from dataclasses import replace
    from pathlib import Path

    from ompgpt.verify.api import verify_candidates
    from ompgpt.verify.model import Candidate
    from ompgpt.verify.variants import insert_pragma

    heads = [r for r in result.loops if r.action == "insert" and r.pragma and r.pragma.startswith("parallel") and
             any(m.region_line == r.line for m in result.loops)]  # fmt: skip
    folder = Path(result.path).resolve().parent
    config = replace(config, extra_flags=(*config.extra_flags, f"-I{folder}"))
    for head in heads:
        members = [m for m in result.loops if m.region_line == head.line]
        text = result.original or ""
        for m in sorted(members, key=lambda m: -m.line):
            text = insert_pragma(text, m.line, m.pragma)
        (outcome,) = verify_candidates(text, [Candidate(head.line, head.pragma)], config, cxx=_cxx(result.path))
        head.verification = _evidence(outcome)
        if outcome.accepted:
            head.reasons.append(
                f"verified by execution with its worksharing loops (speedup {outcome.speedup or 0:.2f}x)"
            )
            for m in members:
                m.verification = head.verification
            continue
        head.action, head.pragma, head.fix = "none", None, None
        head.reasons.insert(0, f"hoisted region rejected by verification ({outcome.failed_check}): {outcome.reason}")
        for m in members:
            m.pragma, m.region_line = "parallel " + m.pragma, None
            m.reasons.append(f"the region around the loop at line {head.line} was rejected: verified on its own")


def _cxx(path: str) -> bool:
    from ompgpt.verify import build as tc

    return tc.is_cxx(__import__("pathlib").Path(path))


def _evidence(outcome) -> dict:
    return {
        "verdict": outcome.verdict,
        "failed_check": outcome.failed_check,
        "reason": outcome.reason,
        "speedup": outcome.speedup,
        "seconds": round(outcome.seconds, 2),
    }
