"""The preprocessor's view of a file, as far as the analysis needs it: which ``#include "..."`` headers it reads
(relative to the including file, then ``-I`` directories), which macros are defined at its end under the given
``-D``/``-U`` and the ``#if``/``#ifdef`` conditions around them, and the file-scope declarations of its headers.

Nothing is expanded into the text and no file is rewritten: the file itself stays the tree-sitter tree of its
original text (so diffs are written against it), and the headers are tree-sitter trees of theirs. Each header is
read and parsed once per process (keyed by resolved path, size and modification time) into a small program of
directives and declarations; walking that program under another file's macros is cheap. System headers
(``<stdio.h>``) are not read: known library functions are summarised by the analysis.

Bad input never stops the walk: a header that is missing, not a regular file (a FIFO, a device, a directory),
too large or unreadable, an include cycle without a guard, or nesting past 200 levels each give a note naming the
including file and line, and the rest goes on.
"""

from __future__ import annotations

import ast
import os
import re
import stat
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import tree_sitter

from ompgpt.source.parse import ParsedSource, parse
from ompgpt.source.text import SourceFile

#: headers larger than this are not read (generated tables); the same cap as a project file
MAX_HEADER_BYTES = 2_000_000
#: nesting depth of ``#include`` (GCC's limit)
MAX_DEPTH = 200
#: headers read for one file, counting repeats: bounds X-macro style repeated inclusion
MAX_INCLUDES = 2_000
#: rounds of object-like macro expansion in an ``#if`` condition
_EXPANSION_ROUNDS = 20


@dataclass(frozen=True)
class Macro:
    name: str
    params: tuple[str, ...] | None  # None: an object-like macro
    body: str
    origin: str  # the file defining it


@dataclass
class Header:
    """One header read from disk or memory: its tree and its directive program (see :func:`program`)."""

    path: Path
    parsed: ParsedSource
    items: list[tuple]
    lines: int
    #: anything later code computed once per header (declarations as the analysis reads them)
    memo: dict = field(default_factory=dict)


@dataclass
class Unit:
    """The result of walking one file: macros at its end, the headers' declarations, notes on bad input."""

    macros: dict[str, Macro] = field(default_factory=dict)
    #: file-scope declaration-like nodes of the headers, in include order, with the header they come from
    decls: list[tuple[Header, tree_sitter.Node]] = field(default_factory=list)
    headers: list[Header] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: lines of headers read for this file (a header read twice counts twice)
    header_lines: int = 0


# ------------------------------------------------------------------------------------------------ directive programs
def program(parsed: ParsedSource, nodes: list[tree_sitter.Node], with_decls: bool) -> list[tuple]:
    """The directives among ``nodes`` (file-scope children) in order, as tuples: ``("include", name, line)``,
    ``("define", Macro)``, ``("undef", name)``, ``("once",)``, ``("if", [(condition, items), ...])`` and, when
    ``with_decls``, ``("decl", node)`` for declarations, typedefs and struct definitions."""
    text = parsed.text_of
    items: list[tuple] = []
    for node in nodes:
        t = node.type
        if t == "preproc_include":
            path = node.child_by_field_name("path")
            if path is not None and path.type == "string_literal":
                items.append(("include", text(path)[1:-1], node.start_point[0] + 1))
        elif t in ("preproc_def", "preproc_function_def"):
            macro = _macro(parsed, node)
            if macro is not None:
                items.append(("define", macro))
        elif t == "preproc_call":
            directive, arg = node.child_by_field_name("directive"), node.child_by_field_name("argument")
            word, value = text(directive).strip() if directive else "", text(arg).strip() if arg else ""
            if word == "#undef" and value:
                items.append(("undef", value.split()[0]))
            elif word == "#pragma" and value == "once":
                items.append(("once",))
        elif t in ("preproc_if", "preproc_ifdef"):
            items.append(("if", _branches(parsed, node, with_decls)))
        elif t in ("linkage_specification", "declaration_list", "ERROR"):
            body = node.child_by_field_name("body") if t == "linkage_specification" else node
            items.extend(program(parsed, body.named_children if body is not None else [], with_decls))
        elif with_decls and t in ("declaration", "type_definition", "struct_specifier", "union_specifier"):
            items.append(("decl", node))
    return items


def _macro(parsed: ParsedSource, node: tree_sitter.Node) -> Macro | None:
    name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
    if name is None:
        return None
    params = None
    if node.type == "preproc_function_def":
        plist = node.child_by_field_name("parameters")
        params = tuple(parsed.text_of(p) for p in plist.named_children) if plist is not None else ()
    body = clean(parsed.text_of(value)) if value is not None else ""
    return Macro(parsed.text_of(name), params, body, parsed.source.path)


def clean(text: str) -> str:
    """A directive's text without line continuations and comments."""
    text = re.sub(r"/\*.*?\*/", " ", text.replace("\\\r\n", " ").replace("\\\n", " "), flags=re.S)
    return re.sub(r"//.*", "", text).strip()


def _branches(parsed: ParsedSource, node: tree_sitter.Node, with_decls: bool) -> list[tuple]:
    """``[(condition, items), ...]`` of an ``#if``/``#ifdef`` chain; a condition is ``("defined", name, wanted)``,
    ``("expr", text)`` or ``("else",)``."""
    out: list[tuple] = []
    current: tree_sitter.Node | None = node
    while current is not None:
        alternative = current.child_by_field_name("alternative")
        skip = {id(n) for n in (alternative, current.child_by_field_name("condition")) if n is not None}
        name = current.child_by_field_name("name")
        if name is not None:
            skip.add(id(name))
        keyword = parsed.text_of(current.children[0]).strip() if current.children else ""
        if current.type == "preproc_else":
            cond: tuple = ("else",)
        elif name is not None:
            cond = ("defined", parsed.text_of(name), "n" not in keyword.removeprefix("#").removeprefix("el")[:3])
        else:
            condition = current.child_by_field_name("condition")
            cond = ("expr", clean(parsed.text_of(condition)) if condition is not None else "0")
        body = [c for c in current.named_children if id(c) not in skip]
        out.append((cond, program(parsed, body, with_decls)))
        current = alternative
    return out


# ---------------------------------------------------------------------------------------------------- conditions
_DEFINED = re.compile(r"\bdefined\s*(?:\(\s*([A-Za-z_]\w*)\s*\)|([A-Za-z_]\w*))")
_NUMBER = re.compile(r"\b(0[xX][0-9a-fA-F]+|\d+)[uUlL]*\b")
_IDENT = re.compile(r"\b[A-Za-z_]\w*\b")


def evaluate(condition: str, macros: dict[str, Macro]) -> bool:
    """An ``#if`` condition under ``macros``: ``defined`` and object-like macros expanded, names left over are 0
    (as in C). A condition this cannot evaluate (a function-like macro call, a character literal) is false."""

    def defined(m: re.Match) -> str:
        return " 1 " if (m.group(1) or m.group(2)) in macros else " 0 "

    text = _DEFINED.sub(defined, condition)
    for _ in range(_EXPANSION_ROUNDS):
        names = [n for n in _IDENT.findall(text) if n in macros and macros[n].params is None]
        if not names:
            break
        text = _IDENT.sub(lambda m: _expand(m.group(), macros), text)
        text = _DEFINED.sub(defined, text)
    if "'" in text or '"' in text or "?" in text:
        return False
    text = _NUMBER.sub(lambda m: str(_c_int(m.group(1))), text)
    if re.search(r"\b[A-Za-z_]\w*\s*\(", text):
        return False  # a function-like macro or a call
    text = _IDENT.sub("0", text)
    text = text.replace("&&", " and ").replace("||", " or ")
    text = re.sub(r"!(?!=)", " not ", text).replace("/", "//")
    try:
        value = _int(ast.parse(text.strip() or "0", mode="eval").body)
    except (SyntaxError, ValueError, RecursionError, ZeroDivisionError, OverflowError):
        return False
    return bool(value)


def _c_int(literal: str) -> int:
    """``0``, ``0755`` (octal) and ``0x1F``, as C reads them."""
    if literal[:2] in ("0x", "0X"):
        return int(literal, 16)
    return int(literal, 8) if len(literal) > 1 and set(literal) <= set("01234567") else int(literal)


def _expand(name: str, macros: dict[str, Macro]) -> str:
    macro = macros.get(name)
    if macro is None or macro.params is not None:
        return name
    return f"({macro.body})" if macro.body else " "


_BIN: dict[type, Callable[[int, int], int]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.FloorDiv: lambda a, b: int(a / b),
    ast.Mod: lambda a, b: a - b * int(a / b),
    ast.LShift: lambda a, b: a << min(b, 64),
    ast.RShift: lambda a, b: a >> min(b, 64),
    ast.BitAnd: lambda a, b: a & b,
    ast.BitOr: lambda a, b: a | b,
    ast.BitXor: lambda a, b: a ^ b,
}
_CMP: dict[type, Callable[[int, int], bool]] = {
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
}


def _int(node: ast.AST) -> int:
    """Evaluate a translated condition with C's integer meaning (``&&`` and comparisons give 0 or 1)."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.BoolOp):
        values = [_int(v) != 0 for v in node.values]
        return int(all(values) if isinstance(node.op, ast.And) else any(values))
    if isinstance(node, ast.UnaryOp):
        value = _int(node.operand)
        ops = {ast.Not: lambda v: int(not v), ast.USub: lambda v: -v, ast.UAdd: lambda v: v, ast.Invert: lambda v: ~v}
        return ops[type(node.op)](value)
    if isinstance(node, ast.BinOp) and type(node.op) in _BIN:
        return _BIN[type(node.op)](_int(node.left), _int(node.right))
    if isinstance(node, ast.Compare) and all(type(op) in _CMP for op in node.ops):
        left, result = _int(node.left), True
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = _int(right_node)
            result, left = result and _CMP[type(op)](left, right), right
        return int(result)
    raise ValueError("not an integer expression")


# ------------------------------------------------------------------------------------------------------- reading
_HEADERS: dict[tuple[str, int, int, str], Header] = {}


def predefined(lang: str, std: str | None) -> dict[str, Macro]:
    """The standard's own macros (``__STDC_VERSION__`` or ``__cplusplus`` from ``--std``); no compiler's."""
    std = (std or "").lower()
    years = {"89": 199409, "90": 199409, "99": 199901, "9x": 199901, "11": 201112, "1x": 201112, "17": 201710}
    years |= {"18": 201710, "2x": 202311, "23": 202311}
    if lang == "cpp":
        cpp = {"98": 199711, "03": 199711, "11": 201103, "14": 201402, "17": 201703, "20": 202002, "23": 202302}
        value = next((v for k, v in cpp.items() if std.endswith(k)), 201703)
        return {"__cplusplus": Macro("__cplusplus", None, f"{value}L", "<built-in>")}
    value = next((v for k, v in years.items() if std.endswith(k)), 201710)
    return {
        "__STDC__": Macro("__STDC__", None, "1", "<built-in>"),
        "__STDC_VERSION__": Macro("__STDC_VERSION__", None, f"{value}L", "<built-in>"),
    }


def read_header(path: Path, lang: str) -> Header | str:
    """The header at ``path`` (cached by path, size and modification time), or why it cannot be read. Opened
    without blocking and checked to be a regular file before reading: a FIFO or a device never hangs the walk."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return "is not a regular file"
        if st.st_size > MAX_HEADER_BYTES:
            return f"is {st.st_size / 1e6:.1f} MB, over the {MAX_HEADER_BYTES / 1e6:.0f} MB limit"
        key = (str(path), st.st_size, st.st_mtime_ns, lang)
        if key in _HEADERS:
            return _HEADERS[key]
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = fh.read(MAX_HEADER_BYTES + 1)
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    finally:
        os.close(fd)
    header = header_of(SourceFile.from_text(data.decode("utf-8", errors="replace"), lang, path=str(path)))
    _HEADERS[key] = header
    return header


def header_of(source: SourceFile | ParsedSource) -> Header:
    """A Header for a text already in memory (a project file, a test). Where the header writes macros that only
    make syntax (``EXPORT extern double u[N];``, ``BEGIN_DECLS``), the declarations are read from a second parse
    with their uses blanked (see :func:`blank_syntax_macros`)."""
    parsed = source if isinstance(source, ParsedSource) else parse(source)
    masked = blank_syntax_macros(parsed)
    if masked is not None:
        parsed = parse(SourceFile.from_text(masked, parsed.source.lang, path=parsed.source.path))
    items = program(parsed, parsed.root.named_children, with_decls=True)
    return Header(Path(parsed.source.path), parsed, items, parsed.source.text.count("\n") + 1)


#: the usual names of ``extern "C" {`` / ``}`` wrappers, defined in headers the walk does not read
_DECLS_WRAPPERS = frozenset({"__BEGIN_DECLS", "__END_DECLS", "BEGIN_C_DECLS", "END_C_DECLS", "G_BEGIN_DECLS"})
_SYNTAX_BODIES = frozenset({"", "{", "}", 'extern "C" {', 'extern "C"{'})
_DIRECTIVE_LINE = re.compile(r"^[ \t]*#.*?(?<!\\)$", re.M | re.S)


def blank_syntax_macros(parsed: ParsedSource) -> str | None:
    """The text with the uses of macros that expand to nothing or to a lone brace (this header's own, and the
    usual ``extern "C"`` wrappers, ``G_END_DECLS`` too) replaced by spaces outside directives, so offsets and lines
    stay; None when there is none to blank (the common case: no second parse)."""
    names = set(_DECLS_WRAPPERS | {"G_END_DECLS"})
    for node in parsed.root.named_children:
        if node.type == "preproc_def":
            macro = _macro(parsed, node)
            if macro is not None and macro.body in _SYNTAX_BODIES:
                names.add(macro.name)
    text = parsed.source.text
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, names))) + r")\b")
    spans = [(m.start(), m.end()) for m in _DIRECTIVE_LINE.finditer(text)]
    starts = [lo for lo, _ in spans]

    def in_directive(at: int) -> bool:
        k = bisect_right(starts, at) - 1
        return k >= 0 and at < spans[k][1]

    hits = [m for m in pattern.finditer(text) if not in_directive(m.start())]
    if not hits:
        return None
    out, last = [], 0
    for m in hits:
        out.append(text[last : m.start()] + " " * len(m.group()))
        last = m.end()
    return "".join(out) + text[last:]


_MEMORY: dict[int, Header] = {}


def _memory_header(parsed: ParsedSource) -> Header:
    """The Header of a text held in memory, built once (the Header keeps ``parsed`` alive, so its id is unique)."""
    header = _MEMORY.get(id(parsed))
    if header is None or header.parsed is not parsed:
        header = _MEMORY[id(parsed)] = header_of(parsed)
    return header


# --------------------------------------------------------------------------------------------------------- walking
@dataclass
class Search:
    """Where ``#include "x.h"`` looks after the including file's folder, and texts held in memory."""

    include_dirs: tuple[Path, ...] = ()
    #: ``("D", name, value)`` / ``("U", name, None)`` from the command line or the compile database, in order
    macro_ops: tuple[tuple[str, str, str | None], ...] = ()
    std: str | None = None
    #: files known by resolved path without reading the disk (the corpus's project files)
    memory: dict[Path, ParsedSource] = field(default_factory=dict)


def walk(parsed: ParsedSource, search: Search) -> Unit:
    """Walk ``parsed`` (the file being analysed) and the headers it includes, in order, under ``search``."""
    unit = Unit(macros=predefined(parsed.source.lang, search.std))
    for kind, name, value in search.macro_ops:
        if kind == "U":
            unit.macros.pop(name, None)
        else:
            unit.macros[name] = Macro(name, None, "1" if value is None else value, "<command line>")
    path = parsed.source.path
    here = None if path.startswith("<") else Path(path).resolve().parent
    walker = _Walker(unit, search, parsed.source.lang)
    stack = [Path(path).resolve()] if here is not None else []  # a header including the file is a cycle too
    walker.run(program(parsed, parsed.root.named_children, with_decls=False), here, path, stack, main=True)
    return unit


class _Walker:
    def __init__(self, unit: Unit, search: Search, lang: str):
        self.unit, self.search, self.lang = unit, search, lang
        self.once: set[Path] = set()
        self.count = 0
        #: the header being walked (its declarations are recorded with it)
        self.current: Header | None = None

    def run(self, items: list[tuple], here: Path | None, where: str, stack: list[Path], main: bool) -> None:
        unit = self.unit
        for item in items:
            kind = item[0]
            if kind == "define":
                unit.macros.pop(item[1].name, None)  # the latest definition goes last (definition order)
                unit.macros[item[1].name] = item[1]
            elif kind == "undef":
                unit.macros.pop(item[1], None)
            elif kind == "if":
                for cond, body in item[1]:
                    if self._holds(cond):
                        self.run(body, here, where, stack, main)
                        break
            elif kind == "include":
                self._include(item[1], item[2], here, where, stack)
            elif kind == "once" and stack and not main:
                self.once.add(stack[-1])
            elif kind == "decl" and not main:
                unit.decls.append((self.current, item[1]))

    def _holds(self, cond: tuple) -> bool:
        if cond[0] == "else":
            return True
        if cond[0] == "defined":
            return (cond[1] in self.unit.macros) == cond[2]
        return evaluate(cond[1], self.unit.macros)

    def _include(self, name: str, line: int, here: Path | None, where: str, stack: list[Path]) -> None:
        note = f'{where}:{line}:1: note: header "{name}"'
        found = self._resolve(name, here)
        if found is None:
            self.unit.notes.append(f"{note} not found; its declarations are unknown")
            return
        if found in self.once:
            return
        if found in stack:
            self.unit.notes.append(f"{note} includes itself (through {_chain(stack, found)}); not read again")
            return
        if len(stack) >= MAX_DEPTH or self.count >= MAX_INCLUDES:
            self.unit.notes.append(f"{note} is nested too deeply or included too often; not read")
            return
        held = self.search.memory.get(found)
        loaded = _memory_header(held) if held is not None else read_header(found, self.lang)
        if isinstance(loaded, str):
            self.unit.notes.append(f"{note} {loaded}; its declarations are unknown")
            return
        self.count += 1
        self.unit.headers.append(loaded)
        self.unit.header_lines += loaded.lines
        outer, self.current = self.current, loaded
        self.run(loaded.items, found.parent, str(found), [*stack, found], main=False)
        self.current = outer

    def _resolve(self, name: str, here: Path | None) -> Path | None:
        """The first folder holding ``name``: the including file's, then the ``-I`` directories. A name that
        exists but is not a regular file is still found (reading it gives the note). Text that is no file on
        disk (a snippet, ``here`` None) reaches no absolute path."""
        folders = ([here] if here is not None else []) + list(self.search.include_dirs)
        if Path(name).is_absolute():
            folders = [Path("/")] if here is not None else []
        for folder in folders:
            candidate = Path(os.path.normpath(folder / name))
            if candidate in self.search.memory or os.path.lexists(candidate):
                return candidate.resolve() if candidate not in self.search.memory else candidate
        return None


_CALL = re.compile(r"\b([A-Za-z_]\w*)\s*\(")
#: rounds of function-like macro expansion (a macro expanding to another's call ...)
_CALL_ROUNDS = 10


def expand_calls(text: str, macros: dict[str, Macro]) -> str | None:
    """``text`` with the calls of function-like ``macros`` expanded (arguments put in for the parameters, ``#``
    and ``##`` not supported), repeatedly; object-like macros are left as they are. None when a call's parentheses
    do not close, its arguments do not match the parameters, or expansion does not settle."""
    for _ in range(_CALL_ROUNDS):
        m = next((m for m in _CALL.finditer(text) if _function_like(macros.get(m.group(1)))), None)
        if m is None:
            return text
        macro = macros[m.group(1)]
        args, end = _arguments(text, m.end())
        params = macro.params or ()
        if args == [""] and not params:
            args = []
        if args is None or "#" in macro.body or len(args) != len(params):
            return None
        text = text[: m.start()] + _substitute(macro.body, dict(zip(params, args, strict=True))) + text[end:]
    return None


def _substitute(body: str, values: dict[str, str]) -> str:
    return re.sub(r"\b[A-Za-z_]\w*\b", lambda w: values.get(w.group(), w.group()), body)


def _function_like(macro: Macro | None) -> bool:
    return macro is not None and macro.params is not None


def _arguments(text: str, start: int) -> tuple[list[str] | None, int]:
    """The comma-separated arguments of a call whose ``(`` ends just before ``start``, and where the call ends."""
    depth, args, current = 0, [], start
    for k in range(start, len(text)):
        c = text[k]
        if c in "([{":
            depth += 1
        elif c in ")]}" and depth:
            depth -= 1
        elif c == ")":
            args.append(text[current:k].strip())
            return args, k + 1
        elif c == "," and not depth:
            args.append(text[current:k].strip())
            current = k + 1
    return None, len(text)


def _chain(stack: list[Path], found: Path) -> str:
    names = [p.name for p in stack[stack.index(found) :]]
    return " -> ".join([*names, found.name])
