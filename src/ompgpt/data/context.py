"""The bounded context shown before a loop: the enclosing function's signature and the declarations of the
variables the loop uses, found in the same function before the loop.

Why: whether a variable must be ``private`` or is a ``reduction`` target often depends on where and how it is
declared (a scalar declared outside the loop, a pointer parameter, an array). The window is bounded
(:data:`MAX_LINES` lines, :data:`MAX_CHARS` characters, nearest declarations first) so it never crowds the loop out
of the model's 512-token block. Inference must build its prompt with the same function to match training.
"""

from __future__ import annotations

import bisect
from functools import cache

import tree_sitter

from ompgpt.source.loops import Loop
from ompgpt.source.parse import ParsedSource

MAX_LINES = 10
MAX_CHARS = 600
MAX_DECL_CHARS = 200  # a longer declaration (big initializer list) is left out rather than cut
_NAME_TYPES = frozenset({"identifier", "field_identifier"})


@cache
def _query(language: tree_sitter.Language, pattern: str) -> tree_sitter.Query:
    return tree_sitter.Query(language, pattern)


def _captures(parsed: ParsedSource, pattern: str, node: tree_sitter.Node) -> list[tree_sitter.Node]:
    """Captures inside ``node``, run on the node itself (a byte range on the root walks the tree before it)."""
    found = tree_sitter.QueryCursor(_query(parsed.tree.language, pattern)).captures(node)
    return sorted((n for nodes in found.values() for n in nodes), key=lambda n: n.start_byte)


def _one_line(parsed: ParsedSource, node: tree_sitter.Node) -> str:
    return " ".join(parsed.text_of(node).split())


def used_names(parsed: ParsedSource, node: tree_sitter.Node) -> set[str]:
    """Every identifier that occurs in ``node``."""
    names = _captures(parsed, "(identifier) @id", node)
    return {parsed.text_of(n) for n in names if node.start_byte <= n.start_byte < node.end_byte}


def declared_names(parsed: ParsedSource, decl: tree_sitter.Node) -> list[str]:
    """Names a declaration introduces (``int i, *p = q, a[3];`` -> i, p, a)."""
    names = []
    for child in decl.children_by_field_name("declarator"):
        while child is not None and child.type not in _NAME_TYPES:
            inner = child.child_by_field_name("declarator")
            child = inner if inner is not None else next((c for c in child.named_children), None)
        if child is not None:
            names.append(parsed.text_of(child))
    return names


def _function(node: tree_sitter.Node) -> tree_sitter.Node | None:
    while node is not None and node.type != "function_definition":
        node = node.parent
    return node


def _signature(parsed: ParsedSource, func: tree_sitter.Node) -> str | None:
    body = func.child_by_field_name("body")
    end = body.start_byte if body is not None else func.end_byte
    text = " ".join(parsed.data[func.start_byte : end].decode("utf-8", errors="replace").split())
    return text if text and len(text) <= MAX_DECL_CHARS else None


def _declarations(parsed: ParsedSource, func: tree_sitter.Node, loop: tree_sitter.Node, used: set[str]) -> list[str]:
    """Declarations of used names in scope at the loop, nearest first, each name taken once (shadowing). A
    declaration is in scope when its parent encloses the loop and it ends before the loop: so each enclosing node
    up to the function is looked up, by name, for the nearest declaration before the loop. (Rescanning every
    declaration of the function for every loop was quadratic: 1,000 loops in one block took 26 s.)"""
    wanted, picked = set(used), []
    inner = loop
    while wanted and inner is not None and inner.id != func.id:
        outer = inner.parent
        if outer is None:
            break
        found: dict[int, tree_sitter.Node] = {}
        index = _names_declared_in(parsed, outer)
        for name in wanted & index.keys():
            starts, nodes = index[name]
            at = bisect.bisect_left(starts, inner.start_byte)
            if at:
                found[starts[at - 1]] = nodes[at - 1]
        for start in sorted(found, reverse=True):
            names = [n for n in declared_names(parsed, found[start]) if n in wanted]
            if names:
                wanted.difference_update(names)
                picked.append(_one_line(parsed, found[start]))
        inner = outer
    return picked


_index_cache: tuple[ParsedSource | None, dict[int, dict]] = (None, {})


def _names_declared_in(parsed: ParsedSource, parent: tree_sitter.Node) -> dict[str, tuple[list[int], list]]:
    """name -> (start bytes, declaration nodes), in source order, of the declarations among ``parent``'s children;
    built once per node of the file being read (the cache holds one file)."""
    global _index_cache
    if _index_cache[0] is not parsed:
        _index_cache = (parsed, {})
    cache = _index_cache[1]
    if parent.id not in cache:
        index: dict[str, tuple[list[int], list]] = {}
        for child in parent.named_children:
            if child.type == "declaration":
                for name in declared_names(parsed, child):
                    starts, nodes = index.setdefault(name, ([], []))
                    starts.append(child.start_byte)
                    nodes.append(child)
        cache[parent.id] = index
    return cache[parent.id]


def loop_context(parsed: ParsedSource, loop: Loop, max_lines: int = MAX_LINES, max_chars: int = MAX_CHARS) -> str:
    """Signature of the enclosing function (when short) and the nearest declarations of variables the loop uses."""
    node = loop.node
    func = _function(node) if node is not None else None
    if func is None:
        return ""
    used = used_names(parsed, node)
    lines: list[str] = []
    budget = max_chars
    for text in _declarations(parsed, func, node, used):
        if len(lines) >= max_lines - 1 or len(text) > MAX_DECL_CHARS or len(text) + 1 > budget:
            continue
        lines.append(text)
        budget -= len(text) + 1
    signature = _signature(parsed, func)
    head = [signature] if signature and len(signature) + 1 <= budget else []
    return "\n".join(head + lines[::-1])
