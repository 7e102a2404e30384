"""Nested parallelism: no new ``parallel`` in a function the project already calls from a parallel region.

Rodinia's heartwall calls a kernel from an existing ``parallel for``; a ``parallel for`` inside that kernel nests
a team in every thread (or, with nesting off, the default, runs one-thread teams: pure overhead). So a loop of a
function that is called from inside a parallel construct (an existing ``parallel``/``parallel for``/``for``, or a
loop given ``parallel for`` in this same run), directly or through other functions of the file, gets nothing; the
reason names the call. (Orphaned worksharing, a bare ``for`` binding to the caller's team, would also need every
call to come from a ``parallel`` region and none from a worksharing loop; it is not offered.)
"""

from __future__ import annotations

from pathlib import Path

import tree_sitter

_FUNCTIONS = ("function_definition",)


def drop_nested(file_scan, results, project=None) -> None:
    """Turn every ``insert`` of a ``parallel`` construct in a function called from a parallel construct into
    ``none``, with the call site as reason."""
    inserted = [file_scan.loops[i].node for i, r in enumerate(results) if r.action == "insert"]
    callers = called_in_parallel(file_scan.parsed, file_scan.pragmas, inserted)
    if project is not None and len(project) > 1:
        for path, found in _project_callers(project, Path(file_scan.parsed.source.path)).items():
            for name, where in found.items():
                callers.setdefault(name, f"{where} of {path}")
    for loop, res in zip(file_scan.loops, results, strict=True):
        name = (loop.function or "").split("::")[-1]
        if res.action != "insert" or not res.pragma or not res.pragma.startswith("parallel") or name not in callers:
            continue
        res.action, res.pragma, res.fix = "none", None, None
        res.reasons.insert(
            0,
            f"{name} is called from inside a parallel construct ({callers[name]}): a new parallel region here "
            "would nest a team in each of its threads",
        )


def called_in_parallel(parsed, pragmas, extra=()) -> dict[str, str]:
    """``{function name: 'line N'}`` for every function called inside a parallel or worksharing construct of this
    file (``extra``: more such statements, as nodes), or from a function that is, through calls in this file."""
    spans = [
        (s.governed_start, s.governed_end)
        for s in pragmas
        if s.pragma is not None
        and s.governed_start is not None
        and (s.pragma.opens_parallel_region or s.pragma.is_loop_directive)
    ]
    spans += [(node.start_byte, node.end_byte) for node in extra]
    calls = list(_calls(parsed))
    found: dict[str, str] = {}
    for name, node in calls:
        if any(lo <= node.start_byte < hi for lo, hi in spans) and name not in found:
            found[name] = f"the call at line {node.start_point[0] + 1}"
    bodies = _function_spans(parsed)
    changed = True
    while changed:  # what a function called in a region calls runs in the region too
        changed = False
        for name, node in calls:
            owner = next((f for f, (lo, hi) in bodies.items() if lo <= node.start_byte < hi), None)
            if owner in found and name not in found:
                found[name] = f"via {owner}, {found[owner]}"
                changed = True
    return found


def _calls(parsed):
    """``(callee name, call node)`` for every call of a plain name in the file."""
    stack = [parsed.root]
    while stack:
        node: tree_sitter.Node = stack.pop()
        if node.type == "call_expression":
            fn = node.child_by_field_name("function")
            if fn is not None and fn.type in ("identifier", "qualified_identifier"):
                yield parsed.text_of(fn).split("::")[-1], node
        stack.extend(node.children)


def _function_spans(parsed) -> dict[str, tuple[int, int]]:
    out = {}
    stack = [parsed.root]
    while stack:
        node = stack.pop()
        if node.type in _FUNCTIONS:
            name = _declared_name(parsed, node)
            if name:
                out[name] = (node.start_byte, node.end_byte)
        stack.extend(node.children)
    return out


def _declared_name(parsed, node) -> str | None:
    decl = node.child_by_field_name("declarator")
    while decl is not None and decl.type != "function_declarator":
        decl = decl.child_by_field_name("declarator")
    inner = decl.child_by_field_name("declarator") if decl is not None else None
    return parsed.text_of(inner).split("::")[-1] if inner is not None else None


def _project_callers(project, own: Path) -> dict[Path, dict[str, str]]:
    """``called_in_parallel`` of every other file of the project (existing pragmas only)."""
    from ompgpt.source.loops import find_pragmas

    out = {}
    for path in project.paths:
        if path == own.resolve():
            continue
        ctx = project._context(path)
        if ctx is not None:
            out[path] = called_in_parallel(ctx.parsed, find_pragmas(ctx.parsed))
    return out
