"""How many loops ``collapse(n)`` may fold at a loop: the perfectly nested ``for`` loops whose bounds gcc 12 and
clang 14 both accept.

OpenMP 5.0 lets an inner bound depend on an outer loop variable only in the form ``a * i + b`` (``a`` and ``b``
invariant): both compilers accept ``j = i``, ``j < i + 1``, ``j <= 2 * i``, ``j = n - i``; gcc rejects anything else
(``j < i * i % 7``: "condition expression refers to iteration variable") and any step that uses an outer variable
(``j += i + 1``: clang accepts, gcc rejects). A range-based ``for`` ends the foldable nest here, as a loop whose
header we cannot read does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import tree_sitter

from ompgpt.source.loops import LOOP_TYPES, nest_shape


@dataclass
class CollapseLimit:
    """``depth``: the most loops ``collapse`` may fold here (1: none); ``variables``: the loop variable of each
    perfectly nested level (also below ``depth``), outermost first; ``declared``: whether that level declares it in
    its header (otherwise it lives outside the nest)."""

    depth: int
    variables: list[str] = field(default_factory=list)
    declared: list[bool] = field(default_factory=list)


def collapse_limit(node: tree_sitter.Node | None) -> CollapseLimit:
    """The :class:`CollapseLimit` of the loop at ``node``."""
    if node is None or node.type != "for_statement":
        return CollapseLimit(1)
    perfect = nest_shape(node).perfect
    limit, fits = CollapseLimit(0), True
    current: tree_sitter.Node | None = node
    while current is not None and len(limit.variables) < perfect and current.type == "for_statement":
        var, declared = _loop_variable(current)
        if var is None:
            break
        fits = fits and (not limit.variables or _bounds_fit(current, set(limit.variables[: limit.depth])))
        limit.depth += fits
        limit.variables.append(var)
        limit.declared.append(declared)
        current = _sole_inner_loop(current)
    limit.depth = max(limit.depth, 1)
    return limit


def _text(node: tree_sitter.Node | None) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text is not None else ""


def _loop_variable(node: tree_sitter.Node) -> tuple[str | None, bool]:
    """The variable the header initializes, and whether the header declares it."""
    init = node.child_by_field_name("initializer")
    if init is None:
        return None, False
    if init.type == "assignment_expression":
        left = init.child_by_field_name("left")
        return (_text(left), False) if left is not None and left.type == "identifier" else (None, False)
    if init.type == "declaration":
        decl = init.child_by_field_name("declarator")
        if decl is not None and decl.type == "init_declarator":
            name = decl.child_by_field_name("declarator")
            return (_text(name), True) if name is not None and name.type == "identifier" else (None, False)
    return None, False


def _sole_inner_loop(node: tree_sitter.Node) -> tree_sitter.Node | None:
    """The loop that is the whole body of ``node`` (blocks opened, comments and foreign pragmas left out)."""
    body = node.child_by_field_name("body")
    while body is not None and body.type == "compound_statement":
        inner = [c for c in body.named_children if c.type != "comment" and not _foreign_pragma(c)]
        body = inner[0] if len(inner) == 1 else None
    return body if body is not None and body.type in LOOP_TYPES else None


def _foreign_pragma(node: tree_sitter.Node) -> bool:
    words = _text(node).replace("#", "# ", 1).split()
    return node.type == "preproc_call" and words[1:2] == ["pragma"] and words[2:3] != ["omp"]


def _names(node: tree_sitter.Node | None) -> set[str]:
    """Every identifier below ``node``."""
    if node is None:
        return set()
    if node.type == "identifier":
        return {_text(node)}
    return set().union(*(_names(c) for c in node.children)) if node.children else set()


def _bounds_fit(node: tree_sitter.Node, outer: set[str]) -> bool:
    """The loop's start and end are invariant or ``a * i + b`` in one outer variable, and its step is invariant."""
    if _names(node.child_by_field_name("update")) & outer:
        return False
    init = node.child_by_field_name("initializer")
    start = init.child_by_field_name("right") if init is not None and init.type == "assignment_expression" else None
    if init is not None and init.type == "declaration":
        decl = init.child_by_field_name("declarator")
        start = decl.child_by_field_name("value") if decl is not None else None
    cond = node.child_by_field_name("condition")
    relational = cond is not None and _text(cond.child_by_field_name("operator")) in _RELATIONAL
    if cond is not None and _names(cond) & outer and (cond.type != "binary_expression" or not relational):
        return False
    ends = [start] + ([cond.child_by_field_name("left"), cond.child_by_field_name("right")] if cond else [])
    return all(_outer_uses(e, outer) in (0, 1) for e in ends if e is not None)


_RELATIONAL = ("<", "<=", ">", ">=", "!=")


def _outer_uses(node: tree_sitter.Node, outer: set[str]) -> int | None:
    """How many times an affine expression uses the outer variables (None: not affine in them)."""
    if not _names(node) & outer:
        return 0
    if node.type == "identifier":
        return 1
    if node.type == "parenthesized_expression" and node.named_child_count == 1:
        return _outer_uses(node.named_children[0], outer)
    if node.type == "unary_expression" and _text(node.child_by_field_name("operator")) in ("-", "+"):
        return _outer_uses(node.child_by_field_name("argument"), outer)
    if node.type != "binary_expression":
        return None
    op = _text(node.child_by_field_name("operator"))
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    uses = [_outer_uses(left, outer), _outer_uses(right, outer)]
    if None in uses:
        return None
    if op in ("+", "-"):
        return sum(uses)  # type: ignore[arg-type]
    if op == "*" and 0 in uses:
        return sum(uses)  # type: ignore[arg-type]
    return None
