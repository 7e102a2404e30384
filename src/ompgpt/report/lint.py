"""Checking existing OpenMP loop pragmas against the dependence analysis.

Each finding has a stable code (documented in the README), a ``file:line:col`` of the pragma, and where possible a
fixed pragma. Only facts the analysis established are reported: a dependence must be proven to be called a race,
and clause findings come from the privatization and reduction facts, which hold even when the verdict is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ompgpt.advisor import whole_variable
from ompgpt.source.loops import nest_shape
from ompgpt.source.pragma import Clause, Pragma

CODES = {
    "OMP001": "carried dependence under a worksharing pragma: iterations race",
    "OMP002": "scalar written in every iteration but shared: missing private",
    "OMP003": "accumulated scalar without a reduction clause",
    "OMP004": "reduction clause on a variable the loop never updates",
    "OMP005": "loop too small for its parallel region to pay off",
    "OMP006": "malformed OpenMP pragma",
    "OMP007": "private variable whose value is used after the loop: needs lastprivate",
    "OMP008": "private variable read before it is written: needs firstprivate",
    "OMP009": "shared flag set to one constant and read by other iterations: a benign-looking race",
    "OMP010": "I/O or hidden random state in a parallel loop: results differ from the serial run",
    "OMP011": "collapse folds more loops than the nest has: does not compile",
    "OMP012": "collapse over imperfectly nested loops: gcc rejects it (OpenMP 5.1 intervening code)",
    "OMP013": "write or update through an indirect subscript (x[idx[i]]): iterations race if idx repeats a value",
}
_LEVEL = {
    "OMP001": "error",
    "OMP002": "error",
    "OMP003": "error",
    "OMP004": "warning",
    "OMP005": "note",
    "OMP006": "error",
    "OMP007": "error",
    "OMP008": "error",
    "OMP009": "warning",
    "OMP010": "warning",
    "OMP011": "error",
    "OMP012": "warning",
    "OMP013": "warning",
}
_SCOPED = ("private", "firstprivate", "lastprivate", "linear")


@dataclass
class LintFinding:
    path: str
    line: int
    column: int
    code: str
    message: str
    fix: str | None = None  # the corrected pragma ("" means: remove the pragma)
    #: "proven": ``--fix`` applies it; "unsafe": the analysis could not prove the facts it rests on (a loop with
    #: an undecided verdict), so it is only offered, and applied with ``--unsafe-fixes``
    kind: str | None = None

    @property
    def level(self) -> str:
        return _LEVEL[self.code]

    def format(self) -> str:
        text = f"{self.path}:{self.line}:{self.column}: {self.level}[{self.code}]: {self.message}"
        label = "fix" if self.kind != "unsafe" else "unsafe fix, not applied without --unsafe-fixes"
        if self.fix is not None:
            text += f" [{label}: remove the pragma]" if self.fix == "" else f" [{label}: #pragma omp {self.fix}]"
        return text


@dataclass
class _Fix:
    """Clause edits collected for one pragma, applied together."""

    add: dict[str, set[str]] = field(default_factory=dict)  # clause -> vars (reduction key: "reduction:op")
    drop: set[str] = field(default_factory=set)  # variables removed from every sharing clause
    collapse: int | None = None  # the loops collapse may fold (1: drop the clause)
    remove_pragma: bool = False

    def added(self, clause: str, var: str) -> None:
        self.add.setdefault(clause, set()).add(var)

    def apply(self, pragma: Pragma) -> str:
        if self.remove_pragma:
            return ""
        moved = {v for vs in self.add.values() for v in vs} | self.drop
        clauses = []
        for c in pragma.clauses:
            if c.name in (*_SCOPED, "reduction", "shared") and c.items:
                items = tuple(i for i in c.items if i not in moved)
                if items:
                    clauses.append(Clause(c.name, c.args, items, c.qualifier, c.suffix))
            elif c.name == "collapse" and self.collapse is not None:
                if self.collapse > 1:
                    clauses.append(Clause(c.name, str(self.collapse)))
            elif not c.unknown:
                clauses.append(c)
        for key, names in sorted(self.add.items()):
            name, _, op = key.partition(":")
            clauses.append(Clause(name, None, tuple(sorted(names)), op or None))
        return Pragma(pragma.directive, tuple(clauses), pragma.directive_arg).canonical()


def _names(entries: list[str]) -> set[str]:
    return {whole_variable(e) for e in entries}


def _implicit_private(loop, file_scan, pragma: Pragma) -> set[str]:
    """The loop's own induction variable, those of the loops ``collapse(n)`` or ``ordered(n)`` associates with it
    (predetermined private), those of inner loops with a loop directive of their own (``#pragma omp simd`` on the
    inner loop makes its variable linear, private to that construct), and the file's ``threadprivate`` variables
    (each thread has its own: an accumulation into one is no race)."""
    out, index = threadprivate_names(file_scan), file_scan.loops.index(loop)
    for _ in range(_associated_levels(pragma)):
        current = file_scan.loops[index]
        if current.induction_var:
            out.add(current.induction_var)
        if not current.children:
            break
        index = current.children[0]
    pending = list(loop.children)
    while pending:
        inner = file_scan.loops[pending.pop()]
        own = inner.pragma
        if own is not None and own.is_loop_directive and inner.induction_var:
            out.add(inner.induction_var)
        pending.extend(inner.children)
    return out


def threadprivate_names(file_scan) -> set[str]:
    """Variables named by a ``#pragma omp threadprivate(...)`` of the file, or by a ``copyin`` clause (which only
    takes threadprivate variables, declared maybe in a header)."""
    names: set[str] = set()
    for site in file_scan.pragmas:
        pragma = site.pragma
        if pragma is None:
            continue
        if pragma.directive == ("threadprivate",) and pragma.directive_arg:
            names |= {n.strip() for n in pragma.directive_arg.split(",") if n.strip()}
        names |= pragma.variables("copyin")
    return names


def _associated_levels(pragma: Pragma) -> int:
    """The loops associated with a loop directive: ``collapse(n)``, or ``ordered(n)`` (doacross) when larger."""
    clause = pragma.clause("ordered")
    text = (clause.args or "").strip() if clause else ""
    return max(_collapse_levels(pragma), int(text) if text.isdigit() else 1)


def _nest_variables(loop, file_scan) -> list[tuple[str, int]]:
    """The induction variables of the loops perfectly nested from ``loop`` down, with each loop's line."""
    out, current = [], loop
    while current is not None and current.induction_var:
        out.append((current.induction_var, current.line))
        current = file_scan.loops[current.children[0]] if len(current.children) == 1 else None
    return out


def _default_privatization(pragma: Pragma) -> str | None:
    """``private`` or ``firstprivate`` when the pragma's ``default`` clause gives every unlisted variable its own
    copy (taskloop and OpenMP 5.1 parallel constructs take them)."""
    clause = pragma.clause("default")
    kind = (clause.args or "").strip() if clause else ""
    return kind if kind in ("private", "firstprivate") else None


def _collapse_levels(pragma: Pragma) -> int:
    """The loops ``collapse(n)`` folds (1 without the clause, or when ``n`` is a macro we cannot read)."""
    clause = pragma.clause("collapse")
    text = (clause.args or "").strip() if clause else ""
    return int(text) if text.isdigit() else 1


def _collapse_findings(loop, pragma: Pragma, fix: _Fix) -> list[tuple[str, str]]:
    """``collapse(n)`` beyond the loops nested one per level (no compiler accepts it), or beyond the perfectly
    nested ones (gcc rejects what clang accepts as OpenMP 5.1 intervening code); silent when preprocessor
    conditionals inside the nest hide what is compiled. The fix folds the loops gcc can."""
    levels, shape = _collapse_levels(pragma), nest_shape(loop.node)
    if levels <= shape.perfect or not shape.certain:
        return []
    fix.collapse = shape.perfect
    if levels > shape.loops:
        return [("OMP011", f"collapse({levels}) but the nest has {_loops(shape.loops)} (gcc: 'not enough perfectly "
                 "nested loops')")]  # fmt: skip
    return [("OMP012", f"collapse({levels}) but only {_loops(shape.perfect)} perfectly nested, statements sit "
             "between the others: gcc rejects it ('not enough perfectly nested loops'), clang accepts")]  # fmt: skip


def _collapsed_race(loop, pragma: Pragma, analysis, file_scan, fix: _Fix) -> list[tuple[str, str]]:
    """``collapse(n)`` folding an inner loop that carries a proven dependence (``carried_levels``, found with the
    enclosing loops fixed): the folded iterations of that loop run on different threads. The fix folds only the
    loops above it."""
    levels = _collapse_levels(pragma)
    carried = getattr(analysis, "carried_levels", ())
    inner = [n for n in carried if 1 < n <= levels]
    if not inner or 1 in carried:  # a race of the loop itself is reported as such
        return []
    index = file_scan.loops.index(loop)
    for _ in range(inner[0] - 1):
        children = file_scan.loops[index].children
        index = children[0] if children else index
    name = file_scan.loops[index].induction_var or "?"
    fix.collapse = min(fix.collapse or levels, inner[0] - 1)
    return [("OMP001", f"iterations race: collapse({levels}) folds the loop over {name} (line "
             f"{file_scan.loops[index].line}), which carries a proven dependence")]  # fmt: skip


def _indirect_writes(analysis, is_covered) -> list[tuple[str, str]]:
    """A possible dependence through an indirect subscript (``x[idx[i]] = ...``): two iterations write the same
    element whenever ``idx`` repeats a value, which the analysis cannot see; a warning, since a permutation is
    race-free."""
    for dep in analysis.dependences:
        if not dep.proven and "indirect subscript" in (dep.note or "") and not is_covered(whole_variable(dep.variable)):
            return [("OMP013", f"possible {dep.kind} dependence on {dep.variable} from {dep.source} to {dep.sink}: "
                     "the subscript is read from memory, so iterations race if it repeats a value")]  # fmt: skip
    unreadable = {w.split("[", 1)[0] for w in analysis.writes if "[?]" in w}  # ``y[ix[i]]`` is listed ``y[?]``
    for name in analysis.needs_atomic:  # ``y[ix[i]] += v``: an update at elements the analysis cannot read
        if name in unreadable and not is_covered(whole_variable(name)):
            return [("OMP013", f"'{name}' is updated at elements that may repeat across iterations (an indirect "
                     "or non-affine subscript): iterations race unless they never meet; '#pragma omp atomic' or "
                     f"reduction(...:{name}[:n]) makes it exact")]  # fmt: skip
    return []


def _loops(n: int) -> str:
    return f"{n} loop{'s' if n > 1 else ''}"


#: dependences through a call's I/O or random state: the output's order (or the numbers drawn) changes, which a
#: developer may accept (progress messages, per-file work); reported as OMP010, not as a race to fix
_ORDER_ONLY = ("io", "rng")


def check_loop(loop, analysis, file_scan, min_work: int | None = None) -> list[LintFinding]:
    """Findings for one loop that carries a loop pragma."""
    site = loop.pragma_site
    path = file_scan.parsed.source.path
    if site.pragma is None:
        return [LintFinding(path, site.line, site.column, "OMP006", site.error or "cannot parse pragma")]
    pragma = site.pragma
    if not pragma.is_loop_directive:
        return []
    found: list[tuple[str, str]] = []
    if site.error:
        found.append(("OMP006", f"{site.error} (a macro? the compiler will reject it if not)"))
    fix = _Fix()
    scoped = set().union(*(pragma.variables(n) for n in _SCOPED))
    reduced = {whole_variable(v) for _, v in pragma.reductions()}  # `data[:n]` reduces `data`
    covered = scoped | reduced | _implicit_private(loop, file_scan, pragma)
    who = "SIMD lanes" if "simd" in pragma.directive and len(pragma.directive) == 1 else "threads"
    by_default = _default_privatization(pragma)  # default(firstprivate): every unlisted name is the task's own
    shared = pragma.variables("shared")

    def own_copy(name: str) -> bool:
        return name in scoped or (by_default is not None and name not in shared and name not in reduced)

    def is_covered(name: str) -> bool:
        return name in covered or own_copy(name)

    found.extend(_collapse_findings(loop, pragma, fix))
    if pragma.clause("ordered") is None:
        found.extend(_collapsed_race(loop, pragma, analysis, file_scan, fix))
        found.extend(_indirect_writes(analysis, is_covered))
    if analysis.verdict == "serial" and pragma.clause("ordered") is None:
        for dep in analysis.dependences:
            if dep.kind in _ORDER_ONLY:
                continue
            if dep.proven and not is_covered(whole_variable(dep.variable)):
                found.append(("OMP001", f"iterations race: {dep.describe()}"))
                fix.remove_pragma = True
                break
    for dep in analysis.dependences:
        if dep.kind == "flag" and not is_covered(dep.variable):
            found.append(("OMP009", f"'{dep.variable}' is {dep.note}"))
    order_only = [d for d in analysis.dependences if d.kind in _ORDER_ONLY]
    if order_only and pragma.clause("ordered") is None:
        dep = order_only[0]
        what = (
            "draws from hidden random state: other numbers than the serial run, and not reproducible"
            if dep.kind != "io"
            else "writes to a shared stream: lines interleave in another order, and a stream object is not "
            "thread-safe unless its library locks it (a critical section or per-thread buffers make it exact)"
            if "shared stream" in (dep.note or "")
            else "does I/O, which happens in another order than in the serial run (fine for progress messages and "
            "per-iteration files)"
        )
        found.append(("OMP010", f"{dep.variable} at {dep.source} {what}"))
    want_last = set(analysis.lastprivate)
    want_first = set(analysis.firstprivate)
    inner = _shared_inner_indices(loop, file_scan, pragma, analysis)
    for var in sorted(set(analysis.private) | want_last | want_first | set(inner)):
        if is_covered(var):
            continue
        clause = "lastprivate" if var in want_last else "firstprivate" if var in want_first else "private"
        what = "written in every iteration" + (
            f" (the index of the inner loop at line {inner[var]})" if var in inner else ""
        )
        found.append(("OMP002", f"'{var}' is {what} but shared between {who} (a data race): add {clause}({var})"))
        fix.added(clause, var)
    per_thread = threadprivate_names(file_scan)  # accumulated per thread on purpose (summed after the loop)
    for red in analysis.reductions:
        op, var = red.split(":", 1)
        if whole_variable(var) in reduced | per_thread:
            continue
        how = (
            f"private({var}) discards"
            if var in scoped
            else f"default({by_default}) discards"
            if own_copy(var)
            else f"'{var}' is shared, so {who} race on"
        )
        found.append(("OMP003", f"{how} the {op}-accumulation across iterations: use reduction({op}:{var})"))
        fix.added(f"reduction:{op}", var)
    written = _names(analysis.writes)
    hidden = any("lone name" in r or "could not be parsed" in r for r in analysis.reasons)  # a macro may update it
    for op, var in sorted(pragma.reductions()):
        if not hidden and whole_variable(var) not in written:
            found.append(("OMP004", f"reduction({op}:{var}) but the loop never updates '{var}'"))
            fix.drop.add(var)
    private = pragma.variables("private")
    for var in sorted(private & want_last):
        found.append(("OMP007", f"'{var}' is used after the loop but private leaves it undefined: use lastprivate"))
        fix.added("lastprivate", var)
    for var in sorted(private & want_first - want_last):
        found.append(("OMP008", f"'{var}' is read before it is written in an iteration: use firstprivate({var})"))
        fix.added("firstprivate", var)
    prof = analysis.profitability
    limit = min_work if min_work is not None else 0
    if prof.get("trip_count") is not None and not prof.get("profitable", True) and prof["estimated_work"] >= limit:
        found.append(
            (
                "OMP005",
                f"about {prof['estimated_work']} units of work ({prof['trip_count']} iterations): "
                "a parallel region costs more than it saves",
            )
        )
    fixed = fix.apply(pragma) if (fix.add or fix.drop or fix.remove_pragma or fix.collapse) else None
    kind = None if fixed is None else _fix_kind(fix, analysis)
    return [LintFinding(path, site.line, site.column, code, message, fixed, kind) for code, message in found]


def _fix_kind(fix: _Fix, analysis) -> str:
    """A fix is proven when what it rests on is: a removal needs a proven race (only those set it), clause edits
    need a loop the analysis decided (with an undecided verdict, a call or an alias may make the clause wrong),
    and cutting ``collapse`` rests on the syntax alone."""
    if fix.remove_pragma or not (fix.add or fix.drop):
        return "proven"
    return "proven" if analysis.verdict != "unknown" else "unsafe"


def _shared_inner_indices(loop, file_scan, pragma: Pragma, analysis) -> dict[str, int]:
    """Induction variables of sequential loops nested in the worksharing loop, declared outside it: shared unless
    a clause names them (C and C++ make only the associated loops' variables private), so threads race on them.
    Those the analysis moved into its own ``collapse`` (``collapse_vars``) beyond the pragma's levels count too;
    variable -> the inner loop's line."""
    levels = _associated_levels(pragma)
    nest = _nest_variables(loop, file_scan)
    out = {var: line for var, line in nest[levels:] if var in set(getattr(analysis, "collapse_vars", ()))}
    pending = list(loop.children)
    while pending:
        inner = file_scan.loops[pending.pop()]
        pending.extend(inner.children)
        var = inner.induction_var
        declared = (inner.init or "").split("=", 1)[0].split()
        if var and len(declared) == 1 and var not in analysis.locals and var in analysis.private:
            out.setdefault(var, inner.line)
    return out


def lint_scan(
    file_scan, assume_no_alias: bool = False, project=None, includes=None, notes: list[str] | None = None
) -> list[LintFinding]:
    """Findings for every loop pragma of a scanned file (malformed pragmas included); ``project``: a
    ``ProjectIndex`` of the files whose functions calls may reach; ``includes``: how headers are read
    (``ompgpt.analysis.headers.IncludeOptions``, default: the file's own ``#include "..."``), whose notes (a
    missing header ...) are appended to ``notes``."""
    from ompgpt.analysis import AnalysisOptions, analyze_file
    from ompgpt.analysis.context import FileContext
    from ompgpt.analysis.headers import IncludeOptions

    options = AnalysisOptions(assume_no_alias=assume_no_alias, project=project, includes=includes or IncludeOptions())
    ctx = FileContext(file_scan.parsed, project, options.includes)
    if notes is not None:
        notes.extend(ctx.included.notes)
    analyses = analyze_file(file_scan, options, ctx=ctx)
    findings: list[LintFinding] = []
    path = file_scan.parsed.source.path
    for site in file_scan.pragmas:
        if site.pragma is None and site.loop is None:
            findings.append(LintFinding(path, site.line, site.column, "OMP006", site.error or "cannot parse pragma"))
    for loop, analysis in zip(file_scan.loops, analyses, strict=True):
        if loop.pragma_site is not None:
            findings.extend(check_loop(loop, analysis, file_scan))
    return findings
