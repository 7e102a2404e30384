"""Call-site alias facts: pointer parameters that every call of a function binds to distinct arrays.

A kernel ``static void gemm(int n, double C[N][N], double A[N][N])`` cannot be proven alone: any caller could pass
the same array twice. When the function is ``static`` (only its file can call it) and its address never escapes,
every call is in the file: if each of them passes distinct objects (distinct named arrays, global or local, or the
results of distinct ``malloc``/``calloc``/``new`` calls held in pointers that are never reassigned), the parameters
do not alias inside the function. The analysis states that as an assumption of the loop ("all 1 call sites of gemm
pass distinct arrays ..."), as it states the strict-aliasing one: a program changed later to call the kernel with
aliases invalidates it.

Anything not understood keeps today's conservative answer: a use of the function's name other than a direct call
or its own declaration (its address taken, a macro body, a comment does not count), an argument whose origin is
unknown (a pointer parameter of the caller, a pointer assigned after its allocation, pointer arithmetic on a
pointer), a parameter the function itself reassigns, overloads, a function in a header or inside a class.
"""

from __future__ import annotations

import re
import weakref
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import tree_sitter

from ompgpt.analysis.project import HEADER_SUFFIXES, MAX_BYTES

if TYPE_CHECKING:
    from ompgpt.analysis.context import FileContext, FunctionInfo
    from ompgpt.analysis.ir import DeclInfo

#: calls whose result is fresh memory no other pointer names
ALLOCATORS = frozenset({"malloc", "calloc", "aligned_alloc", "_mm_malloc", "memalign", "valloc", "pvalloc"})
#: scopes whose functions are methods or nested functions (a ``static`` member is callable from anywhere)
_NOT_FREE = frozenset({"field_declaration_list", "class_specifier", "struct_specifier", "compound_statement"})
_IGNORED_TEXT = frozenset({"comment", "string_literal", "string_content", "raw_string_literal", "char_literal"})
_WRAPPERS = frozenset({"parenthesized_expression", "cast_expression"})
_CONTEXTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass
class CallSites:
    """What the calls of one function bind to its pointer parameters."""

    function: str
    count: int
    #: per pointer parameter, one origin per call (a hashable name of the object passed; None when unknown)
    origins: dict[str, list[tuple | None]] = field(default_factory=dict)
    #: per call, where it is (line, column) and the text of each pointer argument
    calls: list[tuple[tuple[int, int], dict[str, str]]] = field(default_factory=list)
    #: not ``static``: the calls are those of the given files, which are taken to be the whole program
    whole_program: bool = False

    def distinct(self, a: str, b: str) -> bool:
        """Does every call pass distinct known objects to the parameters ``a`` and ``b``?"""
        if a not in self.origins or b not in self.origins:
            return False
        pairs = zip(self.origins[a], self.origins[b], strict=True)
        return all(x is not None and y is not None and x != y for x, y in pairs)

    def apart_from_global(self, param: str, name: str) -> bool:
        """Does every call pass ``param`` a known object other than the global array ``name``?"""
        found = self.origins.get(param)
        return found is not None and all(o is not None and o != ("global", name) for o in found)

    def conflict(self, a: str, b: str | None) -> tuple[str, bool] | None:
        """Why a call does not keep the parameters ``a`` and ``b`` apart (``b`` None: ``a`` and a global array),
        naming the first such call, and whether it passes the same array to both; None when every call does, or
        when a parameter has no recorded origins (a C++ reference or a non-pointer: nothing to say per call)."""
        if a not in self.origins or (b is not None and b not in self.origins):
            return None
        for k, (pos, texts) in enumerate(self.calls):
            x = self.origins[a][k]
            y = self.origins[b][k] if b is not None else None
            where = f"the call at {pos[0]}:{pos[1]}"
            if x is None:
                return f"{where} passes {a} {texts[a]}, whose target is not known", False
            if b is not None and y is None:
                return f"{where} passes {b} {texts[b]}, whose target is not known", False
            if b is not None and x == y:
                return f"{where} passes the same array to {a} and {b}", True
        return None

    def describe(self, pairs: list[tuple[str, str]]) -> str:
        listed = "; ".join(f"{a} and {b}" for a, b in pairs[:3])
        where = " in the given files (taken as the whole program)" if self.whole_program else ""
        return f"all {self.count} call sites of {self.function}{where} pass distinct arrays: {listed}"


def call_sites(fn: FunctionInfo) -> CallSites | None:
    """The call-site facts of the function ``fn`` (cached per file), or None when some of its calls may be unseen
    or do not bind its parameters plainly."""
    cache = _CONTEXTS.setdefault(fn.ctx, {})
    key = fn.node.start_byte
    if key not in cache:
        cache[key] = _collect(fn, cache)
    return cache[key]


def separated(fn: FunctionInfo, at: int, a: str, b: str) -> CallSites | None:
    """The facts that keep the memory keys ``a`` and ``b`` of a loop at byte ``at`` apart (two pointer parameters
    every call binds to distinct objects, or a parameter and a global array no call passes), else None."""
    pa, pb = _param(fn, at, a), _param(fn, at, b)
    if pa is None and pb is None:
        return None
    sites = call_sites(fn)
    if sites is None:
        return None
    if pa is not None and pb is not None:
        return sites if sites.distinct(a, b) else None
    param, other = (a, b) if pa is not None else (b, a)
    info = fn.lookup(other, at)
    if info is None or info.kind != "global" or not info.array or info.pointer or fn.ctx.globals.get(other) is not info:
        return None
    return sites if sites.apart_from_global(param, other) else None


def _param(fn: FunctionInfo, at: int, name: str) -> DeclInfo | None:
    info = fn.params.get(name)
    return info if info is not None and fn.lookup(name, at) is info else None


# ---------------------------------------------------------------------------------------------------- collection
def _collect(fn: FunctionInfo, cache: dict) -> CallSites | None:
    from ompgpt.analysis.context import function_name

    ctx, node = fn.ctx, fn.node
    name = function_name(ctx, node) if node.type == "function_definition" else None
    if name is None or Path(ctx.parsed.source.path).suffix in HEADER_SUFFIXES:
        return None
    if "names" not in cache:  # how many functions of each name the file defines (overloads, #ifdef variants)
        cache["names"] = Counter(function_name(ctx, other) for other in ctx.function_nodes())
    if cache["names"][name] != 1 or not _free_function(node):
        return None
    static = _static(ctx, node)
    calls = _calls_of(ctx, name) if static else _program_calls_of(ctx, name)
    if not calls or (static and _named_in_headers(ctx, name)):
        return None
    pointers = [p for p, info in fn.params.items() if (info.pointer or info.array) and not info.reference]
    if any(_reassigned(fn, p, name) for p in pointers):
        return None
    positions = list(fn.params)
    sites = CallSites(name, len(calls), {p: [] for p in pointers}, whole_program=not static)
    for call_ctx, call in calls:
        args = call.child_by_field_name("arguments")
        values = [c for c in args.named_children if c.type != "comment"] if args is not None else []
        if len(values) != len(positions):
            return None  # variadic, defaulted or a different overload: the binding is not plain
        caller = _caller(call_ctx, call)
        texts = {}
        for p in pointers:
            value = values[positions.index(p)]
            sites.origins[p].append(_origin(caller, value, name))
            texts[p] = call_ctx.parsed.text_of(value)
        sites.calls.append(((call.start_point[0] + 1, call.start_point[1] + 1), texts))
    return sites


def _caller(ctx: FileContext, call: tree_sitter.Node) -> FunctionInfo:
    """The function holding a call, with its declarations: the analysis's own when built, else one without the IR
    (a large ``main`` calling every kernel need not be lowered just to look up what it passes)."""
    from ompgpt.analysis.context import FunctionInfo

    up = call.parent
    while up is not None and up.type not in ("function_definition", "lambda_expression"):
        up = up.parent
    if up is None or up.type == "lambda_expression":
        return ctx.function_of(call)
    built = ctx._functions.get(up.start_byte)
    if built is not None:
        return built
    light = _CONTEXTS.setdefault(ctx, {}).setdefault("callers", {})
    if up.start_byte not in light:
        info = FunctionInfo.__new__(FunctionInfo)
        info.ctx, info.node, info.params, info.locals, info._occurrences = ctx, up, {}, {}, None
        info.constants = {}
        info._collect_decls()
        light[up.start_byte] = info
    return light[up.start_byte]


def _static(ctx: FileContext, node: tree_sitter.Node) -> bool:
    text = ctx.parsed.text_of
    return any(c.type == "storage_class_specifier" and text(c) == "static" for c in node.children)


def _free_function(node: tree_sitter.Node) -> bool:
    """A function at file or namespace scope (a ``static`` member is callable from anywhere)."""
    up = node.parent
    while up is not None:
        if up.type in _NOT_FREE:
            return False
        up = up.parent
    return True


def _program_calls_of(ctx: FileContext, name: str) -> list[tuple[FileContext, tree_sitter.Node]] | None:
    """Every call of the non-``static`` function ``name`` in the given files, when they form a program (one of them
    defines ``main``) in which ``name`` is defined once, in this file; None otherwise. Files outside the given ones
    are assumed not to call it, as the reasons say."""
    project = ctx.project
    here = Path(ctx.parsed.source.path).resolve()
    if project is None or not project.definitions("main"):
        return None
    if [d.path for d in project.definitions(name)] != [here]:
        return None
    calls = _calls_of(ctx, name)
    for path in project.paths:
        if calls is None:
            return None
        if path == here:
            continue
        other = project.context(path)
        if other is None:
            return None  # an unreadable file of the program may call it
        if name.encode() in other.parsed.data:
            found = _calls_of(other, name)
            calls = None if found is None else calls + found
    return calls


def _named_in_headers(ctx: FileContext, name: str) -> bool:
    """Does a header the file includes with quotes (found next to it) name the function? A macro there may call
    it (``#define RUN() kernel(A, A)``), which the file's own text does not show. Headers not found are not read:
    the file is then judged by its own text."""
    folder = Path(ctx.parsed.source.path).parent
    pattern = re.compile(rb"\b" + re.escape(name.encode()) + rb"\b")
    for node in _includes(ctx):
        path = folder / ctx.parsed.text_of(node).strip('"')
        try:
            if path.is_file() and path.stat().st_size <= MAX_BYTES and pattern.search(path.read_bytes()):
                return True
        except OSError:
            continue
    return False


def _includes(ctx: FileContext) -> list[tree_sitter.Node]:
    found = []
    stack = [ctx.parsed.root]
    while stack:
        node = stack.pop()
        for child in node.named_children:
            if child.type == "preproc_include":
                path = child.child_by_field_name("path")
                if path is not None and path.type == "string_literal":
                    found.append(path)
            elif child.type.startswith("preproc_"):
                stack.append(child)
    return found


def _calls_of(ctx: FileContext, name: str) -> list[tuple[FileContext, tree_sitter.Node]] | None:
    """Every call of ``name`` in the file, or None when the name is used otherwise (its address taken, passed, in
    a macro body, redeclared as something else): then calls may be made that the file does not show."""
    calls: list[tuple[FileContext, tree_sitter.Node]] = []
    root = ctx.parsed.root
    for match in re.finditer(rb"\b" + re.escape(name.encode()) + rb"\b", ctx.parsed.data):
        node = root.descendant_for_byte_range(match.start(), match.end())
        if node is None:
            return None
        if node.type in _IGNORED_TEXT or (node.parent is not None and node.parent.type in _IGNORED_TEXT):
            continue
        parent = node.parent
        if node.type != "identifier" or parent is None:
            return None
        if parent.type == "function_declarator" and parent.child_by_field_name("declarator") == node:
            continue  # the definition, or a prototype
        if parent.type == "call_expression" and parent.child_by_field_name("function") == node:
            calls.append((ctx, parent))
            continue
        return None
    return calls


#: C functions that take pointers by value (a C++ call passing a pointer bare may bind it to a reference)
_BY_VALUE = frozenset({"free", "memset", "memcpy", "memmove", "printf", "fprintf"})


def _reassigned(fn: FunctionInfo, name: str, kernel: str) -> bool:
    """Does the function assign the pointer ``name`` (``p = q``, ``p++``), take its address, pass it to a
    function-like macro of the file, or (C++) pass it to a call other than one of ``kernel`` (a ``double *&``
    parameter may assign it)? Then the pointer may no longer be what the call passed, or what was allocated."""
    cpp = fn.ctx.parsed.source.lang == "cpp"
    return any(_written_use(fn.ctx, node, kernel if cpp else None) for node in fn.occurrences(name))


def _written_use(ctx: FileContext, node: tree_sitter.Node, kernel: str | None) -> bool:
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "argument_list":
        callee = parent.parent.child_by_field_name("function") if parent.parent is not None else None
        if callee is None or ctx.parsed.text_of(callee) in ctx.function_macros():
            return True  # a macro may assign its argument: ``#define RESET(p) (p = q)``
        return kernel is not None and ctx.parsed.text_of(callee) not in {kernel, *_BY_VALUE}
    if parent.type == "assignment_expression":
        return parent.child_by_field_name("left") == node
    if parent.type == "update_expression":
        return True
    if parent.type == "pointer_expression":
        return ctx.parsed.text_of(parent).lstrip().startswith("&")
    return False


# ---------------------------------------------------------------------------------------------------- origins
def _origin(caller: FunctionInfo, arg: tree_sitter.Node, kernel: str) -> tuple | None:
    """A name for the object an argument points into: ``("global", A)`` for a global array, ``("local", byte)``
    for a local array or a never-reassigned pointer to fresh memory; None when it may be anything else."""
    text = caller.ctx.parsed.text_of
    while arg.type in _WRAPPERS:
        inner = arg.child_by_field_name("value") or next(iter(arg.named_children[-1:]), None)
        if inner is None:
            return None
        arg = inner
    if arg.type == "pointer_expression" and text(arg).lstrip().startswith("&"):
        return _subscripted_origin(caller, arg.child_by_field_name("argument"), kernel, address=True)
    if arg.type == "subscript_expression":
        return _subscripted_origin(caller, arg, kernel, address=False)
    if arg.type == "binary_expression" and text(arg.child_by_field_name("operator")) in ("+", "-"):
        return _origin(caller, arg.child_by_field_name("left"), kernel)  # an offset stays inside the object passed
    if arg.type != "identifier":
        return None
    return _named_origin(caller, text(arg), arg.start_byte, kernel)


def _subscripted_origin(
    caller: FunctionInfo, node: tree_sitter.Node | None, kernel: str, address: bool
) -> tuple | None:
    """``A[0]`` (a row of a 2-D array) or ``&A[i][0]``: the array ``A`` itself, when it is a declared array of
    numbers (an element of an array of pointers may point anywhere)."""
    depth = 0
    while node is not None and node.type == "subscript_expression":
        node, depth = node.child_by_field_name("argument"), depth + 1
    if node is None or node.type != "identifier":
        return None
    name = caller.ctx.parsed.text_of(node)
    info = caller.lookup(name, node.start_byte)
    if info is None or not info.array or info.pointer or info.reference:
        return None
    if not address and depth >= len(info.dims):
        return None  # an element, not a row
    return _named_origin(caller, name, node.start_byte, kernel)


def _named_origin(caller: FunctionInfo, name: str, at: int, kernel: str) -> tuple | None:
    info = caller.lookup(name, at)
    if info is None or info.reference:
        return None
    if info.kind == "global":
        return ("global", name) if info.array and not info.pointer and caller.ctx.globals.get(name) is info else None
    if info.kind == "param" or caller.locals.get(name, [None])[0] is not info or len(caller.locals[name]) != 1:
        return None
    if info.array and not info.pointer:
        return ("local", info.start, "array")
    if info.kind == "allocated" and _fresh(caller, info) and not _reassigned(caller, name, kernel):
        return ("local", info.start, "fresh")
    return None


def _fresh(caller: FunctionInfo, info: DeclInfo) -> bool:
    """Is the local pointer ``info`` initialized with a call of an allocator (or ``new``), casts aside?"""
    for node in caller.occurrences(info.name):
        if node.start_byte < info.start:
            continue
        up = node.parent
        while up is not None and up.type in ("pointer_declarator", "parenthesized_declarator", "array_declarator"):
            up = up.parent
        if up is None or up.type != "init_declarator":
            return False
        value = up.child_by_field_name("value")
        while value is not None and value.type in _WRAPPERS:
            value = value.child_by_field_name("value") or next(iter(value.named_children[-1:]), None)
        if value is None:
            return False
        if value.type == "new_expression":
            return True
        callee = value.child_by_field_name("function") if value.type == "call_expression" else None
        return callee is not None and caller.ctx.parsed.text_of(callee) in ALLOCATORS
    return False
