"""Per-file and per-function facts computed once and shared by every loop analysis: the function's IR, its
declarations (params, locals, globals), same-file callee summaries, and identifier occurrences for liveness.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_left
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import tree_sitter

from ompgpt.analysis import ir
from ompgpt.analysis import poly as P
from ompgpt.analysis.headers import macro_parameter
from ompgpt.analysis.ir import Builder, DeclInfo, FunctionSummary, LoopS, declarator_info
from ompgpt.analysis.macros import pure_body
from ompgpt.source.parse import ParsedSource

if TYPE_CHECKING:
    from ompgpt.analysis.headers import IncludeOptions
    from ompgpt.analysis.project import ProjectIndex

_CONDITIONAL = frozenset(
    {
        "if_statement",
        "while_statement",
        "do_statement",
        "switch_statement",
        "case_statement",
        "conditional_expression",
        "catch_clause",
        "lambda_expression",
        "preproc_if",
        "preproc_ifdef",
        "preproc_else",
        "preproc_elif",
    }
)
_FUNCTION_TYPES = frozenset({"function_definition", "lambda_expression"})
_ALLOCATORS = ("malloc", "calloc", "new ", "new(", "aligned_alloc", "_mm_malloc", "alloca")


@cache
def _query(language: tree_sitter.Language, pattern: str) -> tree_sitter.Query:
    return tree_sitter.Query(language, pattern)


#: declarations whose ``type`` names a type: ``Real_t x;``, ``f(Real_t x)``, ``struct { Real_t x; }``
_TYPED_DECLARATIONS = ("declaration", "parameter_declaration", "field_declaration")


def _captures(node: tree_sitter.Node, pattern: str, language: tree_sitter.Language) -> list[tree_sitter.Node]:
    query = _query(language, pattern)
    found = tree_sitter.QueryCursor(query).captures(node)
    return sorted(found.get("n", []), key=lambda n: n.start_byte)


class FunctionInfo:
    """One function (or the translation unit, for code outside functions) with its IR and declarations."""

    def __init__(self, ctx: FileContext, node: tree_sitter.Node):
        self.ctx, self.node = ctx, node
        #: ``const int N = 1000;`` visible here (a file-scope constant not shadowed, or one declared once in the
        #: function): bounds and sizes that name it are numbers, as with a ``#define``
        self.constants = _constants(ctx, node)
        self.builder = Builder(ctx, constants=self.constants)
        body = node.child_by_field_name("body") if node.type in _FUNCTION_TYPES else node
        self.ir = self.builder.stmt(body) if body is not None else ir.Seq([])
        self.loops: dict[int, LoopS] = self.builder.loops
        self.params: dict[str, DeclInfo] = {}
        self.locals: dict[str, list[DeclInfo]] = {}
        self._occurrences: dict[str, list[tree_sitter.Node]] | None = None
        self._collect_decls()

    def _collect_decls(self) -> None:
        text = self.ctx.parsed.text_of
        if self.node.type in _FUNCTION_TYPES:
            decl = self.node.child_by_field_name("declarator")
            while decl is not None and decl.type not in ("function_declarator", "abstract_function_declarator"):
                decl = decl.child_by_field_name("declarator")
            params = decl.child_by_field_name("parameters") if decl is not None else None
            scope = (self.node.start_byte, self.node.end_byte)
            for p in params.named_children if params is not None else []:
                d = p.child_by_field_name("declarator")
                if d is None:
                    continue
                info = declarator_info(text, d, p.child_by_field_name("type"), "param", scope, False)
                if info is None and d.type == "function_declarator":  # ``DATA_TYPE POLYBENCH_2D(C, NI, ...)``
                    info = macro_parameter(self.ctx, p, d, scope)
                if info is not None:
                    info.const = info.const or "const" in text(p).split("*")[0]
                    self.params[info.name] = info
        if self.node.type == "translation_unit":
            return
        for node in _captures(self.node, "(declaration) @n", self.ctx.language):
            parent = node.parent
            scope = (parent.start_byte, parent.end_byte) if parent is not None else (0, 0)
            static = any(c.type == "storage_class_specifier" and text(c) == "static" for c in node.children)
            type_node = node.child_by_field_name("type")
            for d in node.children_by_field_name("declarator"):
                info = declarator_info(text, d, type_node, "local", scope, static)
                if info is None:
                    continue
                value = d.child_by_field_name("value") if d.type == "init_declarator" else None
                if value is not None and any(a in text(value) for a in _ALLOCATORS):
                    info.kind = "allocated"
                self.locals.setdefault(info.name, []).append(info)

    def integer_value(self, text: str) -> int | None:
        """An integer constant expression of literals, macros and the constants visible in this function."""
        return self.ctx.integer_value(text, self.constants)

    def lookup(self, name: str, at: int) -> DeclInfo | None:
        """The declaration ``name`` refers to at byte ``at`` (nearest visible local, then param, then global)."""
        best = None
        for info in self.locals.get(name, ()):
            if info.start <= at and info.scope[0] <= at < info.scope[1] and (best is None or info.start > best.start):
                best = info
        if best is not None:
            return best
        found = self.params.get(name)
        if found is None and self.node.type == "lambda_expression" and self.node.parent is not None:
            found = self.ctx.function_of(self.node.parent).lookup(name, at)  # captured from the enclosing function
        return found or self.ctx.globals.get(name)

    def captured(self, info: DeclInfo) -> bool:
        """Is ``info`` declared outside this lambda (captured)? Its value may be read after the lambda returns."""
        return self.node.type == "lambda_expression" and not (self.node.start_byte <= info.start < self.node.end_byte)

    def has_members(self, name: str, info: DeclInfo) -> bool:
        """Is the variable ``info`` declares used with a member (``x.zero()``, ``x.re``): a struct or class?
        Only uses that refer to that declaration count (RAJAPerf reuses ``sum`` for a ``RAJA::ReduceSum`` in
        another block of the same function)."""
        for node in self.occurrences(name):
            if self.lookup(name, node.start_byte) is not info:
                continue
            parent = node.parent
            if parent is not None and parent.type == "field_expression":
                argument = parent.child_by_field_name("argument")
                if argument is not None and argument.start_byte == node.start_byte and self._dot(parent):
                    return True
        return False

    def _dot(self, field: tree_sitter.Node) -> bool:
        operator = field.child_by_field_name("operator")
        return operator is not None and self.ctx.parsed.text_of(operator) == "."

    def cast_assigned(self, name: str) -> bool:
        """Is ``name`` initialized or assigned, anywhere in the function, from an expression with a cast in it
        (``float *f = (float *)buf;``)? Then it may be a second view of memory another pointer names, whatever
        its type says (type punning)."""
        for node in self.occurrences(name):
            parent = node.parent
            while parent is not None and parent.type in ("pointer_declarator", "reference_declarator"):
                node, parent = parent, parent.parent
            if parent is None:
                continue
            if parent.type == "init_declarator" or (
                parent.type == "assignment_expression" and parent.child_by_field_name("left") == node
            ):
                value = parent.child_by_field_name("value") or parent.child_by_field_name("right")
                if value is not None and _has_cast(value, self.ctx.parsed.text_of(value)):
                    return True
        return False

    def only_subscripted(self, name: str, loop_node: tree_sitter.Node) -> bool:
        """Is the array ``name``, up to the end of the loop, only ever subscripted (``a[i]``), declared or measured
        (``sizeof a``)? Then no pointer to it was made that could reach the shared copy from inside the loop."""
        for node in self.occurrences(name):
            if node.start_byte >= loop_node.end_byte:
                break
            parent = node.parent
            if parent is None:
                return False
            if parent.type == "subscript_expression":
                argument = parent.child_by_field_name("argument")
                if argument is not None and argument.start_byte == node.start_byte:
                    continue
            if parent.type in ("array_declarator", "sizeof_expression"):
                continue
            return False
        return True

    def occurrences(self, name: str) -> list[tree_sitter.Node]:
        if self._occurrences is None:
            occ: dict[str, list[tree_sitter.Node]] = {}
            for node in _captures(self.node, "(identifier) @n", self.ctx.language):
                occ.setdefault(self.ctx.parsed.text_of(node), []).append(node)
            self._occurrences = occ
        return self._occurrences.get(name, [])

    def live_after(self, name: str, loop_node: tree_sitter.Node, snippet: bool) -> bool:
        """Might the value ``name`` holds when the loop ends be read later? Conservative (True when unsure),
        except that undeclared names in snippet mode are assumed dead (nothing follows a snippet)."""
        start, end = loop_node.start_byte, loop_node.end_byte
        info = self.lookup(name, start)
        if info is None:
            return not snippet
        if info.kind == "global" or info.static or info.reference or self.captured(info):
            return True
        occ = self.occurrences(name)
        starts = [n.start_byte for n in occ]
        outer = _outermost_enclosing_loop(loop_node)
        if outer is not None:  # the next outer iteration reaches the code before the loop
            before = occ[bisect_left(starts, outer.start_byte) : bisect_left(starts, start)]
            if self._first_use(before, loop_node, []) == "read":
                return True
        after = occ[bisect_left(starts, end) :]
        exclusive = _exclusive_branches(loop_node) if outer is None else []
        return self._first_use(after, loop_node, exclusive) == "read"

    def _first_use(self, nodes, loop_node: tree_sitter.Node, skip: list[tuple[int, int]]) -> str | None:
        """``read`` or ``write``: what reaches first among ``nodes`` (in order), passing over spans in ``skip``
        and the rest of a ``for`` statement whose initializer assigns the name (``for (i = 0; ...)``); None when
        neither does."""
        skip_to = -1
        for node in nodes:
            if node.start_byte < skip_to or any(lo <= node.start_byte < hi for lo, hi in skip):
                continue
            kind = self._occurrence_kind(node, loop_node)
            if kind in ("read", "write"):
                return kind
            owner = _for_init_owner(node)
            if owner is not None:
                skip_to = owner.end_byte
        return None

    def _occurrence_kind(self, node: tree_sitter.Node, loop_node: tree_sitter.Node) -> str:
        """``write`` (a plain assignment reached whenever control passes the loop), ``read``, or ``other``
        (a conditional write or a redeclaration)."""
        parent = node.parent
        text = self.ctx.parsed.text_of
        if parent is None:
            return "read"
        if parent.type in ("init_declarator", "array_declarator", "pointer_declarator", "declaration"):
            return "other"
        if parent.type != "assignment_expression" or parent.child_by_field_name("left") != node:
            return "read"
        op = parent.child_by_field_name("operator")
        right = parent.child_by_field_name("right")
        if op is None or text(op) != "=" or right is None:
            return "read"
        if any(text(n) == text(node) for n in _captures(right, "(identifier) @n", self.ctx.language)):
            return "read"
        child, up = parent, parent.parent
        while up is not None and not (up.start_byte <= loop_node.start_byte < up.end_byte):
            if up.type in _CONDITIONAL:
                return "other"
            if up.type == "for_statement" and child != up.child_by_field_name("initializer"):
                return "other"
            if up.type == "binary_expression" and text(up.child_by_field_name("operator")) in ("&&", "||"):
                return "other"
            child, up = up, up.parent
        return "write"


def _for_init_owner(node: tree_sitter.Node) -> tree_sitter.Node | None:
    """The for statement whose initializer assigns ``node`` (``for (j = 0; ...)``), if that is what it is."""
    parent = node.parent
    if parent is None or parent.type != "assignment_expression" or parent.child_by_field_name("left") != node:
        return None
    up = parent.parent
    if up is not None and up.type == "comma_expression":
        up = up.parent
    if (
        up is not None
        and up.type == "for_statement"
        and up.child_by_field_name("initializer") in (parent, parent.parent)
    ):
        return up
    return None


def _exclusive_branches(loop_node: tree_sitter.Node) -> list[tuple[int, int]]:
    """Byte spans control never enters after leaving the loop (when no loop encloses it, which the caller checks):
    the ``else`` branch of an if whose ``then`` branch holds the loop (CTF pads keys in both branches of
    ``if (offsets == NULL) {...} else {...}``), and the later cases of a switch when a ``break`` follows the loop
    in its case."""
    spans, child, up = [], loop_node, loop_node.parent
    while up is not None and up.type not in ("function_definition", "lambda_expression"):
        if up.type == "if_statement" and up.child_by_field_name("consequence") == child:
            alt = up.child_by_field_name("alternative")
            if alt is not None:
                spans.append((alt.start_byte, alt.end_byte))
        if up.type == "compound_statement" and up.parent is not None and up.parent.type == "switch_statement":
            later = _later_cases_after_break(child, loop_node)
            if later is not None:
                spans.append((later, up.end_byte))
        child, up = up, up.parent
    return spans


def _later_cases_after_break(top: tree_sitter.Node, loop_node: tree_sitter.Node) -> int | None:
    """Where the next case label starts when a ``break`` (or ``return``) follows the loop before it; ``top`` is the
    switch body's child holding the loop: a case holding it, or (tree-sitter ends a case at a ``#pragma``) the
    loop's statement itself, its case's statements following as siblings."""
    following: list[tree_sitter.Node] = []
    if top.type == "case_statement":
        inner = loop_node
        while inner.parent is not None and inner.parent != top:
            inner = inner.parent
        following = [c for c in top.named_children if c.start_byte > inner.start_byte]
    sibling = top.next_named_sibling
    while sibling is not None and sibling.type != "case_statement":
        following.append(sibling)
        sibling = sibling.next_named_sibling
    left = any(c.type in ("break_statement", "return_statement") for c in following)
    return sibling.start_byte if left and sibling is not None else None


def _outermost_enclosing_loop(node: tree_sitter.Node) -> tree_sitter.Node | None:
    found, up = None, node.parent
    while up is not None and up.type not in ("function_definition", "lambda_expression"):
        if up.type in ("for_statement", "for_range_loop", "while_statement", "do_statement"):
            found = up
        up = up.parent
    return found


class FileContext:
    """Caches for one parsed file: function IRs by node, file-scope declarations, callee summaries."""

    def __init__(
        self, parsed: ParsedSource, project: ProjectIndex | None = None, includes: IncludeOptions | None = None
    ):
        self.parsed = parsed
        #: the other files of the project, whose functions calls may reach (None: this file alone)
        self.project = project
        #: how to find the file's headers (``ompgpt.analysis.headers``); None: the file alone
        self.includes = includes
        self._function_macros: frozenset[str] | None = None
        self.language = parsed.tree.language
        self._functions: dict[int, FunctionInfo | Exception] = {}
        self._summaries: dict[tuple[str, int], FunctionSummary | None] = {}
        self._definitions: dict[str, tree_sitter.Node] | None = None
        self._type_names: frozenset[str] | None = None
        self.globals: dict[str, DeclInfo] = {}
        self.macros: dict[str, int] = {}
        #: ``typedef double real_t;``: plain type aliases of the file, name -> the aliased type's text
        self.typedefs: dict[str, str] = {}
        #: file-scope ``const``/``constexpr`` integers with constant initializers (functions may shadow them)
        self.constants: dict[str, int] = {}
        #: ``#define INDEX(i, j) ((i) * N + (j))``: function-like macros whose body is an integer polynomial of their
        #: parameters, so ``a[INDEX(i, j)]`` is an affine subscript rather than a call of unknown effect
        self.index_macros: dict[str, tuple[tuple[str, ...], P.Poly]] = {}
        #: ``#define A(i, j) A_p[(i) + order * (j)]``: function-like macros that name an array element, so
        #: ``A(i, j) = ...`` is a write of ``A_p`` at an affine subscript (ParRes Kernels' transpose)
        self.element_macros: dict[str, tuple[tuple[str, ...], str, tuple[P.Poly | None, ...]]] = {}
        #: ``#define SCALAR_VAL(x) (x)``, ``#define DIST(a, b) sqrt((a) * (a) + (b) * (b))``: function-like macros
        #: whose body reads nothing but their arguments and calls only pure functions: calls of no effect
        self.pure_macros: set[str] = set()
        self._collect_globals()

    def _collect_globals(self) -> None:
        self._take_included()
        text = self.parsed.text_of
        root = self.parsed.root
        scope = (root.start_byte, root.end_byte)
        stack = [root]
        while stack:
            node = stack.pop()
            for child in node.named_children:
                if child.type == "type_definition":
                    self._typedef(child)
                elif child.type == "declaration":
                    self.constants.update(self.declared_constants(child, self.constants))
                    static = any(c.type == "storage_class_specifier" for c in child.children)
                    for d in child.children_by_field_name("declarator"):
                        info = declarator_info(text, d, child.child_by_field_name("type"), "global", scope, static)
                        if info is not None:
                            self.globals[info.name] = info
                elif child.type == "preproc_def":
                    self._macro(child)
                elif child.type in (
                    "preproc_if",
                    "preproc_ifdef",
                    "preproc_else",
                    "linkage_specification",
                    "namespace_definition",
                    "declaration_list",
                ):
                    stack.append(child)
        # a ``#define`` holds from its line on wherever it stands, also inside a function body
        for node in _captures(root, "(preproc_function_def) @n", self.language):
            self._index_macro(node)
        for macro in self.included.function_macros:
            self._function_macro(macro.name, macro.params or (), macro.body)

    def _take_included(self) -> None:
        """Facts from the file's headers (``ompgpt.analysis.headers``), taken first: the file's own declarations
        replace them, and macro values are those the ``#if`` conditions select, under ``-D``/``-U``."""
        from ompgpt.analysis.headers import included

        self.included = included(self, self.includes)
        self.macros.update(self.included.int_macros)
        self.typedefs.update(self.included.typedefs)
        self.globals.update(self.included.globals)

    def assigned_names(self, block: tree_sitter.Node) -> list[tree_sitter.Node]:
        """Identifiers assigned (``x = ...``, ``x += ...``, ``x++``) or declared anywhere inside ``block``."""
        pattern = (
            "(assignment_expression left: (identifier) @n) (update_expression argument: (identifier) @n) "
            "(init_declarator declarator: (identifier) @n) (pointer_expression argument: (identifier) @n)"
        )
        found = _captures(block, pattern, self.language)
        text = self.parsed.text_of
        return [n for n in found if n.parent.type != "pointer_expression" or text(n.parent).startswith("&")]

    def _typedef(self, node: tree_sitter.Node) -> None:
        type_node = node.child_by_field_name("type")
        for d in node.children_by_field_name("declarator"):
            if type_node is not None and d.type == "type_identifier":
                self.typedefs.setdefault(self.parsed.text_of(d), self.parsed.text_of(type_node))

    def _macro(self, node: tree_sitter.Node) -> None:
        """``#define N 1024`` (an integer constant, possibly parenthesized): its value makes bounds numeric."""
        name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        if name is None or value is None:
            return
        number = self.integer_value(self.parsed.text_of(value))
        if number is not None:
            self.macros.setdefault(self.parsed.text_of(name), number)

    def _index_macro(self, node: tree_sitter.Node) -> None:
        name, params, value = (node.child_by_field_name(f) for f in ("name", "parameters", "value"))
        if name is None or params is None or value is None:
            return
        names = tuple(self.parsed.text_of(p) for p in params.named_children if p.type == "identifier")
        if len(names) != params.named_child_count:
            return
        self._function_macro(self.parsed.text_of(name), names, self.parsed.text_of(value).replace("\\\n", " "))

    def _function_macro(self, name: str, names: tuple[str, ...], text: str) -> None:
        """Classify a function-like macro by its body: an integer polynomial of its parameters (an index), an array
        element, or a pure expression; the first definition of a name counts."""
        if name in self.index_macros or name in self.element_macros or name in self.pure_macros:
            return
        text = text.strip()
        try:
            tree = ast.parse(text, mode="eval").body
        except (SyntaxError, ValueError):
            tree = None
        body = _poly_expr(tree, self.macros) if tree is not None else None
        if body is not None:
            self.index_macros[name] = (names, body)
            return
        element = _element_expr(tree, self.macros) if tree is not None else None
        if element is not None:
            self.element_macros[name] = (names, *element)
        elif pure_body(text, names, self.macros):
            self.pure_macros.add(name)

    def integer_value(self, text: str, constants: dict[str, int] | None = None) -> int | None:
        """An integer constant expression of literals, already-defined macros and the given constants
        (``64*5000``, ``(N + 1)``, ``1 << 10``), or None: array sizes and bounds are written that way."""
        try:
            tree = ast.parse(text.strip(), mode="eval").body
        except (SyntaxError, ValueError):
            return P.parse_int(text.strip())
        return _int_expr(tree, {**(constants or {}), **self.macros})

    def declared_constants(self, node: tree_sitter.Node, known: dict[str, int]) -> dict[str, int]:
        """``const int N = 1000, M = 2 * N;`` (or ``constexpr``): each name with the value of its initializer."""
        text = self.parsed.text_of
        if not any(c.type == "type_qualifier" and text(c) in ("const", "constexpr") for c in node.children):
            return {}
        found: dict[str, int] = {}
        for d in node.children_by_field_name("declarator"):
            name, value = d.child_by_field_name("declarator"), d.child_by_field_name("value")
            if d.type != "init_declarator" or name is None or name.type != "identifier" or value is None:
                continue
            number = self.integer_value(text(value), {**known, **found})
            if number is not None:
                found[text(name)] = number
        return found

    def function_of(self, node: tree_sitter.Node) -> FunctionInfo:
        """The FunctionInfo for the function containing ``node`` (built on first use)."""
        up = node
        while up is not None and up.type not in _FUNCTION_TYPES:
            up = up.parent
        owner = up if up is not None else self.parsed.root
        info = self._functions.get(owner.start_byte)
        if info is None:
            info = self._functions[owner.start_byte] = self._build_function(owner)
        if isinstance(info, Exception):
            raise ValueError(str(info))
        return info

    def _build_function(self, owner: tree_sitter.Node) -> FunctionInfo | Exception:
        """A function's IR, or the error that stopped it: remembered, so code nested deeper than Python's
        recursion limit is not rebuilt (and failed again) for every loop in the function."""
        try:
            return FunctionInfo(self, owner)
        except RecursionError:
            return RecursionError("code nested too deeply to analyse")

    def function_nodes(self) -> list[tree_sitter.Node]:
        return _captures(self.parsed.root, "(function_definition) @n", self.language)

    def definitions(self) -> dict[str, tree_sitter.Node]:
        if self._definitions is None:
            defs: dict[str, tree_sitter.Node] = {}
            for node in self.function_nodes():
                name = function_name(self, node)
                if name is not None:
                    defs.setdefault(name, node)
            self._definitions = defs
        return self._definitions

    def type_names(self) -> frozenset[str]:
        """Names this file uses as types (``typedef double Real_t;``, ``Real_t dx;``, ``using Real = double;``):
        a call ``Real_t(0.5)`` is a functional cast or a temporary, not a call of unknown effect. LULESH's
        ``Real_t(...)`` alone kept 170 human-parallelized loops unproven in our training repositories. Names the
        file also declares as functions are left out (C++ allows a function and a class of one name)."""
        if self._type_names is None:
            patterns = [f"({kind} type: (type_identifier) @n)" for kind in _TYPED_DECLARATIONS]
            patterns.append("(type_definition declarator: (type_identifier) @n)")
            if self.parsed.source.lang == "cpp":
                patterns.append("(alias_declaration name: (type_identifier) @n)")
            text = self.parsed.text_of
            found = {text(n) for n in _captures(self.parsed.root, " ".join(patterns), self.language)}
            functions = _captures(self.parsed.root, "(function_declarator declarator: (identifier) @n)", self.language)
            # names declared as variables or parameters somewhere are not types (misparsed macro-laden
            # declarations, ``EXPORT void f(const T& kspace)``, can make a variable look like one)
            variables = _captures(self.parsed.root, self._declared_names_pattern(), self.language)
            found |= self.included.type_names
            self._type_names = frozenset(found - {text(n) for n in functions} - {text(n) for n in variables})
        return self._type_names

    def _declared_names_pattern(self) -> str:
        return _DECLARED_NAMES_CPP if self.parsed.source.lang == "cpp" else _DECLARED_NAMES

    def summary(self, name: str, depth: int = 1) -> FunctionSummary | None:
        """Side effects of the same-file function ``name`` (None when it is not defined in this file), its own
        calls summarised down to ``ir.SUMMARY_DEPTH`` levels below ``depth``. A recursive call finds None (the
        placeholder set while the summary is built) and stays unknown."""
        key = (name, depth)
        if key in self._summaries:
            return self._summaries[key]
        node = self.definitions().get(name)
        self._summaries[key] = None
        if node is None:
            return None
        self._summaries[key] = summary = _summarise(self, name, node, depth)
        return summary

    def project_summary(self, name: str, call: tree_sitter.Node, depth: int = 1) -> FunctionSummary | None:
        """Side effects of ``name`` defined in another file of the project (``ompgpt.analysis.project``), for a
        call this file cannot resolve itself: not when a function-like macro of the file has that name, nor from
        inside a C++ member function, where the name may be a method of the class."""
        if self.project is None or name in self.definitions() or name in self.function_macros():
            return None
        if _in_member_function(call):
            return None
        return self.project.summary(name, Path(self.parsed.source.path), depth)

    def function_macros(self) -> frozenset[str]:
        if self._function_macros is None:
            names = _captures(self.parsed.root, "(preproc_function_def name: (identifier) @n)", self.language)
            own = {self.parsed.text_of(n) for n in names}
            self._function_macros = frozenset(own | {m.name for m in self.included.function_macros})
        return self._function_macros


def _declared_name(definition: tree_sitter.Node) -> tree_sitter.Node | None:
    """The name node of a function definition: an identifier, or ``A::f``, an operator, a destructor ..."""
    decl = definition.child_by_field_name("declarator")
    while decl is not None and decl.type != "function_declarator":
        decl = decl.child_by_field_name("declarator")
    return decl.child_by_field_name("declarator") if decl is not None else None


def function_name(ctx: FileContext, node: tree_sitter.Node) -> str | None:
    """The plain name a function definition declares (None for ``A::f``, operators, destructors)."""
    name = _declared_name(node)
    return ctx.parsed.text_of(name) if name is not None and name.type == "identifier" else None


def _in_member_function(node: tree_sitter.Node) -> bool:
    """Inside a class body, or in a function defined as ``A::f``: a bare call may name a method of ``A``."""
    up = node.parent
    while up is not None:
        if up.type in ("field_declaration_list", "class_specifier"):
            return True
        if up.type == "function_definition":
            name = _declared_name(up)
            if name is not None and name.type in ("qualified_identifier", "field_identifier", "destructor_name"):
                return True
        up = up.parent
    return False


def _summarise(ctx: FileContext, name: str, node: tree_sitter.Node, depth: int = 1) -> FunctionSummary:
    info = FunctionInfo.__new__(FunctionInfo)
    info.ctx, info.node, info.params, info.locals, info._occurrences = ctx, node, {}, {}, None
    info.constants = _constants(ctx, node)
    info._collect_decls()
    builder = Builder(ctx, depth=depth, constants=info.constants)
    holder = LoopS("fn", node.start_byte, (0, 0), ir.Ev([], []), ir.Ev([], []), ir.Ev([], []), None, ir.Header())
    builder._loop_stack.append(holder)
    builder.stmt(node.child_by_field_name("body"))
    params = list(info.params)
    summary = FunctionSummary(name, params)
    local_names = {a.key for a in holder.flat if a.decl}
    moved = {a.base for a in holder.flat if a.kind & ir.WRITE and not a.memory and a.key == a.base}
    # scalar parameters the callee never assigns: subscripts over them bind to the call's arguments
    stable = {
        p: k for k, (p, d) in enumerate(info.params.items()) if not (d.pointer or d.array or d.reference or p in moved)
    }
    for acc in holder.flat:
        if acc.key == "?" and acc.kind & ir.WRITE:
            summary.calls.append((name, "unknown"))
        elif acc.memory and acc.kind & ir.WRITE and _local_pointer(info, acc.base):
            summary.calls.append((f"{name} (writes through {acc.base})", "unknown"))
        elif acc.base in info.params and acc.base not in local_names:
            k = params.index(acc.base)
            p = info.params[acc.base]
            if acc.memory:
                off = _param_offset(acc, stable)
                for flag, seen in ((ir.READ, summary.reads_params), (ir.WRITE, summary.writes_params)):
                    if acc.kind & flag:
                        old = seen.get(k, ())
                        seen[k] = None if off is None or old is None else (*old, off)
            elif p.reference and acc.kind & ir.WRITE:
                summary.writes_params[k] = ()
                if acc.kind & ir.READ:
                    summary.reads_params.setdefault(k, ())
        elif acc.base not in local_names and acc.base not in info.params:
            if acc.kind & ir.WRITE:
                summary.writes_globals.add(acc.key)
            elif acc.base in ctx.globals:
                summary.reads_globals.add(acc.key)
    for seen in (summary.reads_params, summary.writes_params):
        for k, offsets in list(seen.items()):
            if params[k] in moved:  # `*out = x; out++;`: offsets from where the pointer now is are not offsets
                seen[k] = None
            elif offsets:
                seen[k] = tuple({P.key(o): o for o in offsets}.values())
    for call in holder.calls:
        summary.calls.append((call.name, "unknown" if call.kind in ("local", "method") else call.kind))
    for jump in holder.jumps:
        if jump.kind in ("goto", "throw"):
            summary.calls.append((name, "unknown"))
    return summary


def _local_pointer(info: FunctionInfo, name: str) -> bool:
    """A pointer variable of the function's own (not an array, not memory it allocated itself): it may point into
    a parameter's or a global's memory (``float *o = output + g * n; *o++ = ...``), which the summary cannot follow,
    so writes through it make the function's effect unknown to its callers (they were dropped, and a loop calling
    ``kernel(output, ...)`` with the same ``output`` in every iteration was proven parallel)."""
    decls = info.locals.get(name, [])
    return any(
        (d.pointer or d.reference or _deduced(d.type_text)) and not d.array and d.kind != "allocated" for d in decls
    )


def _deduced(type_text: str) -> bool:
    """``auto out = output + h * n;``: a deduced type may well be a pointer into a parameter's memory."""
    return re.search(r"\bauto\b|\bdecltype\b", type_text) is not None


def _param_offset(acc: ir.Access, stable: dict[str, int]) -> P.Poly | None:
    """The one subscript of an access through a pointer parameter as a polynomial over the positions (``#k``) of
    unassigned scalar parameters, or None (two dimensions, the callee's own variables, not affine)."""
    if acc.subs is None or len(acc.subs) != 1 or acc.subs[0] is None:
        return None
    sub = acc.subs[0]
    if not sub:
        return P.const(0)
    if not P.symbols(sub) <= stable.keys():
        return None
    return P.rename(sub, lambda name: f"#{stable[name]}")


_INT_OPS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.FloorDiv: lambda a, b: a // b if b else None,
    ast.Div: lambda a, b: int(a / b) if b else None,  # C integer division truncates
    ast.LShift: lambda a, b: a << b if 0 <= b < 64 else None,
}


def _int_expr(node: ast.AST, macros: dict[str, int]) -> int | None:
    """Evaluate a parsed integer expression; None for anything but literals, known macros and + - * / <<."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.Name):
        return macros.get(node.id)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _int_expr(node.operand, macros)
        return None if inner is None else -inner
    if isinstance(node, ast.BinOp) and type(node.op) in _INT_OPS:
        left, right = _int_expr(node.left, macros), _int_expr(node.right, macros)
        if left is None or right is None:
            return None
        return _INT_OPS[type(node.op)](left, right)
    return None


#: declarators that introduce a name in a function (parameters, locals); C++ adds references
_DECLARED_NAMES = (
    "(init_declarator declarator: (identifier) @n) (declaration declarator: (identifier) @n) "
    "(parameter_declaration declarator: (identifier) @n) (pointer_declarator declarator: (identifier) @n) "
    "(array_declarator declarator: (identifier) @n)"
)
_DECLARED_NAMES_CPP = _DECLARED_NAMES + " (reference_declarator (identifier) @n)"


def _constants(ctx: FileContext, node: tree_sitter.Node) -> dict[str, int]:
    """The integer constants visible in a function: file-scope ones its parameters and locals do not shadow, and
    ``const`` locals with constant initializers declared once in it (a second declaration may be another value)."""
    if node.type == "translation_unit":
        return dict(ctx.constants)
    if not ctx.constants and b"const" not in ctx.parsed.data[node.start_byte : node.end_byte]:
        return {}  # the common case, without two queries over the function
    counts: dict[str, int] = {}
    for n in _captures(node, ctx._declared_names_pattern(), ctx.language):
        name = ctx.parsed.text_of(n)
        counts[name] = counts.get(name, 0) + 1
    visible = {k: v for k, v in ctx.constants.items() if k not in counts}
    for decl in _captures(node, "(declaration) @n", ctx.language):
        for name, value in ctx.declared_constants(decl, visible).items():
            if counts.get(name) == 1:
                visible[name] = value
    return visible


def _has_cast(node: tree_sitter.Node, text: str) -> bool:
    return (
        "_cast" in text
        or any(n.type == "cast_expression" for n in ir.descendants(node))
        or (node.type == "cast_expression")
    )


def _element_expr(node: ast.AST, macros: dict[str, int]) -> tuple[str, tuple[P.Poly | None, ...]] | None:
    """``a[e1][e2]`` (a macro body) as the array's name and one polynomial per subscript (None where a subscript
    is not one); None for any other expression."""
    subs: list[P.Poly | None] = []
    while isinstance(node, ast.Subscript):
        subs.append(_poly_expr(node.slice, macros))
        node = node.value
    if not subs or not isinstance(node, ast.Name):
        return None
    return node.id, tuple(reversed(subs))


def _poly_expr(node: ast.AST, macros: dict[str, int]) -> P.Poly | None:
    """A parsed macro body as an integer polynomial (literals, names, + - * and constant shifts), else None."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return P.const(node.value)
    if isinstance(node, ast.Name):
        return P.const(macros[node.id]) if node.id in macros else P.symbol(node.id)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _poly_expr(node.operand, macros)
        return None if inner is None else P.scale(inner, -1)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult)):
        left, right = _poly_expr(node.left, macros), _poly_expr(node.right, macros)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Mult):
            return P.mul(left, right)
        return P.add(left, right, 1 if isinstance(node.op, ast.Add) else -1)
    return None
