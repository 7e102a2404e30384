"""Reasons for aliasing obstacles that name the real one, and the one change the user can make.

``explain`` used to say "rows of B (a pointer to pointers) may overlap (pointers without restrict; ...)" for
``double (*restrict B)[n]``: wrong twice. The analysis now knows arrays of rows (``DeclInfo.row_dims``) and says
what each obstacle is: rows of a pointer to pointers or of an array of pointers (no ``restrict`` can say they are
distinct), two pointers without ``restrict``, or a call that passes the same array to both parameters (then no
annotation would be right). When aliasing is all that stops a loop, a note names the fix: ``restrict`` on a
parameter, spelled for its declaration, or ``--assume-no-alias``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ompgpt.analysis import callsites

if TYPE_CHECKING:
    from ompgpt.analysis.context import FunctionInfo
    from ompgpt.analysis.ir import DeclInfo


def rows_obstacle(name: str, info: DeclInfo | None) -> str:
    """Rows of a two-level pointer may be the same memory: say what the name is."""
    if info is None:
        what = "its declaration is not visible"
    elif info.array:
        what = "an array of pointers"
    else:
        what = "a pointer to pointers"
    return f"rows of {name} ({what}) may overlap"


def pair_obstacle(fn: FunctionInfo, at: int, a: str, b: str) -> tuple[str, bool]:
    """The reason two pointers may overlap, and whether a call is known to pass them the same array (then no
    annotation would be right, and none is suggested)."""
    sites = callsites.call_sites(fn)
    pa, pb = a in fn.params and fn.lookup(a, at) is fn.params[a], b in fn.params and fn.lookup(b, at) is fn.params[b]
    conflict = None
    if sites is not None and pa and pb:
        conflict = sites.conflict(a, b)
    elif sites is not None and (pa or pb):
        conflict = sites.conflict(a if pa else b, None)
    if conflict is not None:
        return f"{a} and {b} may refer to overlapping memory ({conflict[0]})", conflict[1]
    return f"{a} and {b} may refer to overlapping memory (pointers without restrict)", False


def only_obstacle_fix(fn: FunctionInfo, at: int, pairs: list[tuple[str, str]], rows: list[str], lang: str) -> str:
    """The note for a loop that aliasing alone stops: which parameters to declare ``restrict`` (one per pair, the
    written one first) when that covers every pair, else ``--assume-no-alias``."""
    if rows:
        also = "".join(f" and {a} and {b} never do" for a, b in pairs[:1])
        return (
            f"aliasing is the only obstacle: if the rows of {', '.join(rows)} never overlap{also}, use "
            "--assume-no-alias (restrict cannot say rows are distinct)"
        )
    targets: dict[str, str] = {}
    for a, b in pairs:
        if a in targets or b in targets:
            continue
        name = next((n for n in (a, b) if _restrictable(fn, at, n)), None)
        if name is None:
            names = " and ".join(f"{x} and {y}" for x, y in pairs[:3])
            return f"aliasing is the only obstacle: if {names} never overlap, use --assume-no-alias"
        targets[name] = _spelled(fn.params[name], lang)
    listed = ", ".join(f"{n} restrict ({decl})" if decl else f"{n} restrict" for n, decl in targets.items())
    word = "parameter" if len(targets) == 1 else "parameters"
    return (
        f"aliasing is the only obstacle: if they never overlap, declare the {word} {listed}, or use --assume-no-alias"
    )


def _restrictable(fn: FunctionInfo, at: int, name: str) -> bool:
    info = fn.params.get(name)
    return info is not None and fn.lookup(name, at) is info and info.pointer and not info.reference


def _spelled(info: DeclInfo, lang: str) -> str:
    """A pointer parameter's declaration with ``restrict`` (``__restrict`` in C++): ``double *restrict y``; empty
    for an array parameter, whose declaration may come from a macro (``DATA_TYPE POLYBENCH_2D(C, ...)``) that
    the analysis sees expanded, so spelling it would show the user text they never wrote."""
    if info.row_dims or info.type_text.count("*") != info.pointer_depth:
        return ""
    word = "__restrict" if lang == "cpp" else "restrict"
    base = info.type_text.rstrip("*").strip()
    stars = "*" * (info.pointer_depth - 1)
    return f"{base} {stars}*{word} {info.name}"
