"""Combine the model's pragma candidates with static analysis into one decision per loop.

Analysis outranks the model where it has a proof: a proven carried dependence (``serial``) vetoes every
candidate, and a proven-parallel loop gets the analysis's data-sharing clauses (private, firstprivate,
lastprivate, reduction) whatever the candidate said, keeping the candidate's other choices (``simd``,
``schedule``...). Where analysis could not decide (``unknown``) the model's candidate is kept but marked as needing
verification; in ``safe`` mode it is only used once execution has verified it (``verified=True``).

A worksharing ``for`` candidate for a loop outside any parallel region (annotate only decides such loops; a snippet
without context counts as one) would run on one thread, so it is promoted to the combined ``parallel for``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ompgpt.source.pragma import Clause, Pragma, PragmaError, parse_pragma

MODES = ("safe", "suggest")
#: a loop with a constant trip count below this is not worth a parallel region (``min-trip-count`` in the config)
DEFAULT_MIN_TRIP_COUNT = 64
_PROMOTED = {("for",): ("parallel", "for"), ("for", "simd"): ("parallel", "for", "simd")}
_DEMOTED = {combined: alone for alone, combined in _PROMOTED.items()}
_PARALLEL_ONLY = frozenset({"num_threads", "shared", "default", "if", "proc_bind", "copyin"})
_PRIVATE_KINDS = ("private", "firstprivate", "lastprivate")
_SHARING = frozenset({"private", "firstprivate", "lastprivate", "reduction", "collapse", "shared", "linear"})


@dataclass
class Decision:
    action: str  # insert, keep, replace, remove, none
    pragma: str | None
    confidence: float
    source: str  # analysis, model, both, none
    reasons: list[str] = field(default_factory=list)
    needs_verification: bool = False
    #: safe mode: the model's pragma that was not inserted because nothing proved it (``--verify`` may accept it)
    candidate: str | None = None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def advise(
    loop,
    analysis,
    candidates: Sequence[tuple[str, float]] = (),
    mode: str = "safe",
    verified: bool = False,
    min_trip_count: int = DEFAULT_MIN_TRIP_COUNT,
) -> Decision:
    """One decision for ``loop`` (a source ``Loop``, whose existing pragma is considered) given its
    ``LoopAnalysis`` and model candidates ``[(pragma_text, probability)]``. ``verified`` says the best candidate
    was checked by execution (compiled, same output, no race found). A new pragma is not suggested for a loop
    with a constant trip count below ``min_trip_count``."""
    decision = _advise(loop, analysis, candidates, mode, verified, min_trip_count)
    return _fit_collapse(loop, decision)


def _advise(loop, analysis, candidates, mode: str, verified: bool, min_trip_count: int) -> Decision:
    """:func:`advise` before ``collapse`` is fitted to the nest."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    existing = _existing(loop)
    parsed, notes = _usable_candidates(loop, candidates)
    if analysis.verdict == "serial":
        return _serial(analysis, existing, parsed, notes)
    trip = analysis.profitability.get("trip_count")
    if existing is None and trip is not None and trip < min_trip_count:
        reason = f"runs {trip} iterations, fewer than min-trip-count {min_trip_count}"
        return Decision("none", None, 0.9, "analysis", [reason, *notes], False)
    if analysis.verdict == "parallel":
        return _parallel(loop, analysis, existing, parsed, notes)
    return _unknown(analysis, existing, parsed, notes, mode, verified)


def _fit_collapse(loop, decision: Decision) -> Decision:
    """Whoever wrote it (model or analysis), a ``collapse(n)`` is cut to the loops both gcc and clang fold here
    (:func:`collapse_limit`: perfectly nested, bounds rectangular or OpenMP 5.0 affine), and dropped when one loop
    is left; a loop variable declared outside that leaves the collapsed nest becomes private (inside the parallel
    loop a sequential loop's variable is shared unless named)."""
    from ompgpt.source.collapse_nest import collapse_limit

    for field_name in ("pragma", "candidate"):
        text = getattr(decision, field_name)
        clause = _parse(text).clause("collapse") if text else None
        wanted = (clause.args or "").strip() if clause else ""
        if not wanted.isdigit() or getattr(loop, "node", None) is None:
            continue
        limit = collapse_limit(loop.node)
        if int(wanted) <= limit.depth:
            continue
        fitted = _cut_collapse(_parse(text), int(wanted), limit)
        prefix = "#pragma omp " if text.startswith("#") else ""
        setattr(decision, field_name, fitted.canonical(prefix=bool(prefix)))
        decision.reasons.append(
            f"collapse({wanted}) cut to {limit.depth} loop(s): the loops below are not perfectly nested with bounds "
            "gcc and clang both fold (rectangular, or OpenMP 5.0 'a*i+b' in one outer variable)"
        )
    return decision


def _cut_collapse(pragma: Pragma, wanted: int, limit) -> Pragma:
    """``pragma`` with ``collapse(limit.depth)`` (no clause for 1) and the dropped levels' outer-declared
    variables made private."""
    clauses = [c for c in pragma.clauses if c.name != "collapse"]
    if limit.depth > 1:
        clauses.append(Clause("collapse", args=str(limit.depth)))
    named = set().union(*(pragma.variables(n) for n in (*_PRIVATE_KINDS, "linear")))
    dropped = [
        v
        for v, declared in zip(limit.variables[limit.depth : wanted], limit.declared[limit.depth : wanted], strict=True)
        if not declared and v not in named
    ]
    if dropped:
        clauses.append(Clause("private", items=tuple(dropped)))
    return Pragma(pragma.directive, tuple(clauses), pragma.directive_arg)


def _existing(loop) -> Pragma | None:
    pragma = getattr(loop, "pragma", None)
    return pragma if pragma is not None and pragma.is_loop_directive else None


def _parse(text: str) -> Pragma:
    body = text.strip()
    if not body.startswith(("#", "_Pragma", "omp ")):
        body = "omp " + body
    return parse_pragma(body)


def _candidates(candidates) -> tuple[list[tuple[Pragma, float]], list[str]]:
    """Candidates that parse as loop directives, best first; reasons for the ones dropped."""
    out, notes = [], []
    for text, prob in sorted(candidates, key=lambda c: -c[1]):
        if not text or text.strip().lower() in ("none", "no pragma"):
            continue
        try:
            pragma = _parse(text)
        except PragmaError as exc:
            notes.append(f"model candidate '{text}' is not a valid pragma ({exc})")
            continue
        if not pragma.is_loop_directive:
            notes.append(f"model candidate '{text}' is not a loop directive")
            continue
        out.append((pragma, prob))
    return out, notes


def _usable_candidates(loop, candidates) -> tuple[list[tuple[Pragma, float]], list[str]]:
    """``_candidates`` put in their place: a worksharing ``for`` promoted when the loop is outside any parallel
    region, a combined ``parallel for`` demoted inside one (as the analysis's own pragma is: ``_for_its_place``)."""
    parsed, notes = _candidates(candidates)
    place = _demote_in_region if getattr(loop, "in_parallel_region", False) else _promote_orphan
    return [(place(p, notes), prob) for p, prob in parsed], notes


def _promote_orphan(pragma: Pragma, notes: list[str]) -> Pragma:
    """``for`` / ``for simd`` become ``parallel for`` / ``parallel for simd`` (dropping ``nowait``, which the
    combined construct does not take): outside a parallel region a worksharing loop has one thread to share."""
    if pragma.directive not in _PROMOTED:
        return pragma
    clauses = tuple(c for c in pragma.clauses if c.name != "nowait")
    promoted = Pragma(_PROMOTED[pragma.directive], clauses, pragma.directive_arg)
    notes.append(
        f"no enclosing parallel region: model candidate '{pragma.canonical()}' promoted to '{promoted.canonical()}'"
    )
    return promoted


def _demote_in_region(pragma: Pragma, notes: list[str]) -> Pragma:
    """A model candidate's ``parallel for`` inside a parallel region, as ``_worksharing_form`` explains."""
    placed = _worksharing_form(pragma)
    if placed is not pragma:
        notes.append(
            f"inside a parallel region: model candidate '{pragma.canonical()}' demoted to '{placed.canonical()}'"
        )
    return placed


def _for_its_place(loop, pragma: Pragma) -> Pragma:
    """``pragma`` as it must read where ``loop`` is: ``_worksharing_form`` inside a parallel region."""
    return _worksharing_form(pragma) if getattr(loop, "in_parallel_region", False) else pragma


def _worksharing_form(pragma: Pragma) -> Pragma:
    """A combined ``parallel for`` as a worksharing ``for``, for a loop that already runs inside a parallel region: a
    second ``parallel`` there would nest a team per thread (with nesting off, the default, every thread would run
    all the iterations) instead of sharing them. Clauses of the ``parallel`` part (``num_threads``, ``shared``,
    ``default``, ``if``, ``proc_bind``, ``copyin``) are dropped: ``for`` does not take them."""
    if pragma.directive not in _DEMOTED:
        return pragma
    clauses = tuple(c for c in pragma.clauses if c.name not in _PARALLEL_ONLY)
    return Pragma(_DEMOTED[pragma.directive], clauses, pragma.directive_arg)


def _serial(analysis, existing, parsed, notes) -> Decision:
    reasons = [f"loop is serial: {analysis.reasons[0]}" if analysis.reasons else "loop is serial", *notes]
    for pragma, prob in parsed[:1]:
        reasons.append(f"vetoed model candidate '{pragma.canonical()}' (p={prob:.2f})")
    if existing is not None:
        return Decision("remove", None, 0.95, "analysis", [*reasons, "the existing pragma races"], False)
    return Decision("none", None, 0.95, "analysis", reasons, False)


def _with_analysis_clauses(base: Pragma, analysis) -> tuple[Pragma, list[str]]:
    """``base``'s directive and non-sharing clauses plus the analysis's sharing clauses; what changed."""
    proven = _parse("omp parallel for " + " ".join(analysis.clauses()))
    proven = Pragma(proven.directive, (*proven.clauses, *_harmless(base, proven, analysis)), proven.directive_arg)
    kept = [c for c in base.clauses if c.name not in _SHARING and not _default_none(c) and _fits(c, analysis)]
    changes = [f"dropped {c.name}({c.args})" for c in base.clauses if not _fits(c, analysis)]
    if any(_default_none(c) for c in base.clauses):
        changes.append("dropped default(none)")
    for name in _PRIVATE_KINDS:
        have, want = base.variables(name), proven.variables(name)
        if have != want:
            changes.append(_diff(name, have, want))
    have_red, want_red = base.reductions(), proven.reductions()
    if have_red != want_red:
        changes.append(_diff("reduction", {f"{o}:{v}" for o, v in have_red}, {f"{o}:{v}" for o, v in want_red}))
    have_c = base.clause("collapse")
    want_c = proven.clause("collapse")
    if (have_c.args if have_c else None) != (want_c.args if want_c else None):
        changes.append(f"collapse {have_c.args if have_c else 1} -> {want_c.args if want_c else 1}")
    clauses: list[Clause] = [*kept, *(c for c in proven.clauses if c.name in _SHARING)]
    schedule = getattr(analysis, "schedule", None)
    if schedule and base.clause("schedule") is None:  # the model's own schedule, if any, stays
        clauses.append(Clause("schedule", args=schedule))
        changes.append(f"added schedule({schedule})")
    return Pragma(base.directive, tuple(clauses), base.directive_arg), changes


def _harmless(base: Pragma, proven: Pragma, analysis) -> list[Clause]:
    """Clauses of ``base`` the analysis would not write but that change nothing, so a developer's (or the model's)
    style stays: the loop's own induction variable as private or lastprivate (predetermined private; OpenMP lets
    one name it, unless the header declares it: then it does not exist at the pragma) and firstprivate of a scalar
    the loop only reads (every thread starts from the same value)."""
    named = set().union(*(proven.variables(name) for name in _PRIVATE_KINDS), {v for _, v in proven.reductions()})
    read_only = _read_only_scalars(analysis)
    own = set() if getattr(analysis, "induction_declared", False) else {analysis.induction_var}
    out = []
    for clause in base.clauses:
        allowed = own if clause.name in ("private", "lastprivate") else set()
        if clause.name == "firstprivate":
            allowed = read_only
        items = tuple(v for v in clause.items if v in allowed and v not in named)
        if items:
            out.append(replace(clause, items=items))
    return out


def _default_none(c: Clause) -> bool:
    return c.name == "default" and (c.args or "").strip() == "none"


def _diff(name: str, have, want) -> str:
    added, removed = sorted(set(want) - set(have)), sorted(set(have) - set(want))
    parts = []
    if added:
        parts.append(f"added {name}({', '.join(added)})")
    if removed:
        parts.append(f"removed {name}({', '.join(removed)})")
    return "; ".join(parts)


def _parallel(loop, analysis, existing, parsed, notes) -> Decision:
    reasons = list(notes)
    if analysis.pragma is None:
        why = [r for r in analysis.reasons if "parallelized instead" in r or "worth" in r]
        reasons.extend(why or ["analysis proves the loop parallel but does not pick this level"])
        if existing is not None:
            return Decision("keep", existing.canonical(prefix=True), 0.8, "analysis", reasons, False)
        return Decision("none", None, 0.8, "analysis", reasons, False)
    source = "analysis"
    base = _for_its_place(loop, _parse(analysis.pragma))
    if parsed:
        cand, prob = parsed[0]
        base, changes = _with_analysis_clauses(cand, analysis)
        source = "both"
        if changes:
            reasons.append(f"corrected model candidate '{cand.canonical()}': " + "; ".join(changes))
        else:
            reasons.append(f"model candidate '{cand.canonical()}' (p={prob:.2f}) confirmed by analysis")
    else:
        reasons.append("analysis proves the loop parallel")
    text = base.canonical(prefix=True)
    confidence = 0.97 if source == "both" else 0.9
    if existing is None:
        return Decision("insert", text, confidence, source, reasons, False)
    if existing.same_as(base):
        return Decision("keep", text, confidence, source, [*reasons, "existing pragma is correct"], False)
    _, changes = _with_analysis_clauses(existing, analysis)
    fixed = _with_analysis_clauses(existing, analysis)[0] if source == "analysis" else base
    return Decision(
        "replace",
        fixed.canonical(prefix=True),
        confidence,
        source,
        [*reasons, "existing pragma: " + ("; ".join(changes) or "different clauses")],
        False,
    )


def _unknown(analysis, existing, parsed, notes, mode, verified) -> Decision:
    blockers = [f"not proven: {r}" for r in analysis.reasons[:3]] or ["analysis could not decide"]
    reasons = [*blockers, *notes]
    if existing is not None:
        return Decision(
            "keep",
            existing.canonical(prefix=True),
            0.6 if verified else 0.5,
            "none",
            [*reasons, "keeping the existing pragma"],
            not verified,
        )
    if not parsed:
        return Decision("none", None, 0.5, "none", reasons, False)
    if analysis.directive_blocker and not verified:
        # a loop directive needs OpenMP's canonical loop form (a range-based for, OpenMP 5.0's exception, needs a
        # random-access container); in our training repositories people left 593 of 678 outer range-based for
        # loops serial, and most other such headers do not compile under a loop directive
        why = f"no loop directive applies as written ({analysis.directive_blocker})"
        return Decision("none", None, 0.8, "analysis", [why, *notes], False)
    cand, prob = parsed[0]
    text = _add_known_clauses(cand, analysis)
    racing = _uncovered_updates(text, analysis)
    if racing and not verified:
        why = f"{', '.join(racing)}: every iteration updates the same elements, and no reduction covers them"
        return Decision("none", None, 0.8, "analysis", [*reasons, why], False)
    if verified:
        return Decision(
            "insert",
            text,
            min(0.95, 0.6 + 0.35 * prob),
            "model",
            [*reasons, "model candidate verified by execution"],
            False,
        )
    if mode == "safe":
        why = f"model candidate '{text}' needs verification (safe mode)"
        return Decision("none", None, 0.5, "model", [*reasons, why], True, candidate=text)
    return Decision(
        "insert", text, round(0.7 * prob, 3), "model", [*reasons, "model candidate kept; needs verification"], True
    )


def _add_known_clauses(cand: Pragma, analysis) -> str:
    """The candidate with the analysis's scalar facts applied. They hold even when the verdict is unknown (they
    come from the loop's own scalar accesses; calls and memory are what it could not decide): private and
    reduction variables it found are added, and a model clause that contradicts them is dropped, because it would
    be wrong, not merely redundant: privatizing a scalar the loop only reads leaves it uninitialized, a plain
    ``private`` where the analysis needs ``lastprivate`` (a value used after the loop) or ``firstprivate`` loses
    that value, and a reduction of a variable the loop does not accumulate (one it only reads, or only assigns,
    like a flag set with ``status = 1``), or privatizing one it does, changes the result."""
    want_private = set(analysis.private) | set(analysis.firstprivate) | set(analysis.lastprivate)
    want_red = {var: op for op, var in (r.split(":", 1) for r in analysis.reductions) if "[" not in var}
    sections = {whole_variable(v): (op, v) for op, v in (r.split(":", 1) for r in analysis.reductions) if "[" in v}
    no_private, no_reduction = _vetoed(cand, analysis, want_private, want_red)
    read_only = _read_only_scalars(analysis)  # firstprivate copies them, which is harmless
    clauses: list[Clause] = []
    copied = set(analysis.firstprivate) | set(analysis.lastprivate)  # a plain private copy would lose a value
    for clause in cand.clauses:
        if clause.name in _PRIVATE_KINDS:
            allowed = read_only if clause.name == "firstprivate" else set()
            keep = tuple(
                v
                for v in clause.items
                if (v not in no_private or v in allowed) and not (clause.name == "private" and v in copied)
            )
        elif clause.name == "reduction":
            op = clause.operator
            keep = tuple(
                v
                for v in clause.items
                if whole_variable(v) not in sections
                and ("[" in v or (want_red.get(v, op) == op and v not in no_reduction))
            )
        elif clause.name == "collapse":
            clauses.extend(_collapse_within_nest(clause, analysis))
            continue
        else:
            if _fits(clause, analysis):
                clauses.append(clause)
            continue
        if keep:
            clauses.append(replace(clause, items=keep))
    fixed = Pragma(cand.directive, tuple(clauses), cand.directive_arg)
    covered = set().union(*(fixed.variables(name) for name in _PRIVATE_KINDS))
    extra: list[Clause] = []
    for name, want in (
        ("private", set(analysis.private) - covered),
        ("firstprivate", set(analysis.firstprivate) - fixed.variables("firstprivate")),
        ("lastprivate", set(analysis.lastprivate) - fixed.variables("lastprivate")),
    ):
        if want:
            extra.append(Clause(name, items=tuple(sorted(want))))
    have = {v for _, v in fixed.reductions()}
    for var, op in sorted(want_red.items()) + sorted((v, op) for op, v in sections.values()):
        if var not in have:
            extra.append(Clause("reduction", items=(var,), qualifier=op))
    return Pragma(fixed.directive, (*fixed.clauses, *extra), fixed.directive_arg).canonical(prefix=True)


def _uncovered_updates(text: str, analysis) -> list[str]:
    """Arrays the analysis found updated at the same elements by every iteration (``colliding_updates``) that the
    pragma's reductions do not name: as written, it races."""
    reduced = {whole_variable(v) for _, v in _parse(text).reductions()}
    return sorted(set(getattr(analysis, "colliding_updates", ())) - reduced)


def _collapse_within_nest(clause: Clause, analysis) -> list[Clause]:
    """A model's ``collapse(n)`` cut to the loops perfectly nested here: folding more loops than the nest has does
    not compile (``collapse(3)`` on a two-deep nest); ``collapse(1)`` is no clause at all. It is also cut above the
    first level that carries a proven dependence (``carried_levels``): folding that loop into the parallel one
    shares its dependent iterations between threads."""
    depth = getattr(analysis, "nest_depth", None)
    carried = [n for n in getattr(analysis, "carried_levels", ()) if n > 1]
    if carried:
        depth = min(depth or carried[0] - 1, carried[0] - 1)
    text = (clause.args or "").strip()
    if depth is None or not text.isdigit() or int(text) <= depth:
        return [clause]
    return [replace(clause, args=str(depth))] if depth > 1 else []


def _vetoed(cand: Pragma, analysis, want_private: set[str], want_red: dict[str, str]) -> tuple[set[str], set[str]]:
    """The variables a model clause may not privatize, and those it may not reduce. Both exclude names declared
    inside the loop or in its header (out of scope at the pragma: a compile error or another variable), names the
    loop never touches, and scalars it only reads (a private copy is uninitialized); privatizing also excludes
    arrays it only reads. A reduction also needs a variable the loop both reads and writes as a whole: not one it
    only reads (``count[c]``; with a call of unknown effect, unless the call is given it) or only assigns, and not a
    pointer or array it only indexes (``reduction(+:out)`` on a pointer does not compile; a whole-array reduction is
    the analysis's to find)."""
    common = set(analysis.locals) | _read_only_scalars(analysis) | _untouched(cand, analysis) | _qualified(cand)
    if getattr(analysis, "induction_declared", False):  # ``for (int i = ...)``: `i` is undeclared at the pragma
        common.add(analysis.induction_var)
    no_private = common | set(want_red) | _read_only_memory(analysis)
    accumulated = _accumulated_arrays(cand, analysis)
    no_reduction = common | want_private | _write_only_scalars(analysis) | (_only_indexed(analysis) - accumulated)
    no_reduction |= {d.variable for d in analysis.dependences if "arithmetic type" in (d.note or "")}  # class types
    written = {whole_variable(k) for k in analysis.writes}
    unchanged = {whole_variable(k) for k in analysis.reads} - written
    if analysis.unknown_calls:  # a callee changes only what it is given: the address, or a macro's bare argument
        unchanged -= set(getattr(analysis, "escaped", unchanged))
    no_reduction |= unchanged
    return no_private, no_reduction


def _qualified(cand: Pragma) -> set[str]:
    """Names with a scope (``ns::x``, ``S::count``) in the candidate's clauses: a static data member is
    predetermined shared, so gcc and clang reject it in private and reduction clauses, and a snippet does not say
    whether the name is one."""
    return {v for c in cand.clauses for v in c.items if "::" in v}


def _accumulated_arrays(cand: Pragma, analysis) -> set[str]:
    """Arrays the loop only updates with the operator the candidate reduces them with, where the analysis could
    not size the array itself (a snippet's ``count[0] += ...; count[4] += ...``): the developer's (or the model's)
    ``reduction(+:count)`` stands, as it compiles for a declared array."""
    unsized = {tuple(r.split(":", 1)) for r in getattr(analysis, "unsized_reductions", ())}
    return {v for op, v in cand.reductions() if (op, v) in unsized}


def whole_variable(key: str) -> str:
    """``a`` of ``a[i]``, ``s.x``, ``p->y``, ``a[:n]``: the variable a clause names to cover the access (also for
    lint: ``reduction(minloc:mymin)`` covers ``mymin.val``)."""
    return re.split(r"[\[.]|->", key, maxsplit=1)[0].strip()


def _fits(clause: Clause, analysis) -> bool:
    """False for a ``num_threads(x)`` whose ``x`` the loop indexes, or writes, or declares: the model read a
    count-like name (``num_threads[j] = omp_get_num_threads();``), and an array there does not compile."""
    if clause.name != "num_threads":
        return True
    name = (clause.args or "").strip()
    written = {whole_variable(k) for k in analysis.writes}
    return name not in _only_indexed(analysis) | written | set(analysis.locals)


def _read_only_memory(analysis) -> set[str]:
    """Arrays and pointers the loop only reads through subscripts or members: a private copy is uninitialized
    (the model's `private(ky)` for a coefficient array gave NaN; verify audit, aomp SAtealeaf)."""
    written = {whole_variable(k) for k in (*analysis.writes, *analysis.locals)}
    return _only_indexed(analysis) - written - set(getattr(analysis, "escaped", ()))


def _only_indexed(analysis) -> set[str]:
    """Names the loop accesses only through subscripts or members, never as a plain variable."""
    keys = (*analysis.reads, *analysis.writes)
    plain = {k for k in keys if k.isidentifier()}
    return {whole_variable(k) for k in keys if not k.isidentifier()} - plain


def _read_only_scalars(analysis) -> set[str]:
    """Plain variables the loop reads and never writes (shared, unchanged): no data-sharing clause but shared
    suits them. Names with subscripts, members or pointers are memory, which the analysis may not see whole; and
    with a call of unknown effect, not the names it could write (``f(&x)``, a macro's bare ``x``: ``escaped``).
    (A callee may also write a global, but then a private copy would hide that from it all the same.)"""
    writes = set(analysis.writes) | set(analysis.locals)
    if analysis.unknown_calls:
        writes |= set(getattr(analysis, "escaped", analysis.reads))
    return {r for r in analysis.reads if r.isidentifier() and r not in writes and r != analysis.induction_var}


def _untouched(cand: Pragma, analysis) -> set[str]:
    """Variables a candidate's clauses name that the loop never touches (a name from the context): such a clause
    does nothing, or hides a typo. Unknown when the body has a lone macro name or did not parse, since those may
    touch anything."""
    if any("lone name" in r or "could not be parsed" in r for r in analysis.reasons):
        return set()
    touched = {whole_variable(k) for k in (*analysis.reads, *analysis.writes, *analysis.locals)}
    named = {v for c in cand.clauses if c.name in (*_PRIVATE_KINDS, "reduction") for v in c.items}
    return {v for v in named if v.isidentifier() and v not in touched}


def _write_only_scalars(analysis) -> set[str]:
    """Plain variables the loop assigns and never reads (a flag, a last value): nothing to combine, so no
    reduction; ``reduction(&&:ok)`` for ``if (...) ok = 1;`` would even lose the flag."""
    reads = set(analysis.reads) | set(analysis.locals)
    return {w for w in analysis.writes if w.isidentifier() and w not in reads and w != analysis.induction_var}


def advise_given(loop, analysis, candidates: Sequence[tuple[str, float]] = ()) -> Decision:
    """The best pragma for a loop known to need one: a user asking "which pragma here?", or a benchmark made only
    of parallelized loops (MonoCoder's). The advisor's own decision where it makes one; otherwise (a serial or
    undecided verdict, or a model that prefers ``none``) the model's best directive, or ``parallel for``, with the
    clauses the analysis found, always flagged for verification."""
    decision = advise(loop, analysis, candidates, mode="suggest")
    if decision.pragma is not None:
        return decision
    parsed, notes = _usable_candidates(loop, candidates)
    base = parsed[0][0] if parsed else _for_its_place(loop, _parse("omp parallel for"))
    reasons = [*decision.reasons, *notes, "the loop is known to need a pragma: best directive kept despite that"]
    return Decision("insert", _add_known_clauses(base, analysis), 0.3, "model" if parsed else "none", reasons, True)
