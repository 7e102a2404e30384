"""What a file's headers tell the analysis: integer macros (bounds, extents, trip counts), function-like macros
(index, element and pure expression macros), extern globals with their types and extents, typedefs and type
names. The headers are found and walked by ``ompgpt.source.preprocess`` under the ``-I``/``-D``/``-U``/``--std``
options and the file's ``compile_commands.json`` entry; this module turns the walk into facts a
``FileContext`` takes before its own declarations (the file's own win where both declare a name).

NPB's solvers declare every array in ``header.h`` (``extern double u[KMAX][JMAXP+1][IMAXP+1][5];``) and define
it in another file; read alone, a solver file sees names it cannot place and each loop writing them stays
unproven. With the header, ``u`` is an array of arrays, which no other named array overlaps.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ompgpt.analysis.ir import DeclInfo, declarator_info
from ompgpt.analysis.macros import SCALAR_TYPE_WORDS
from ompgpt.source import compile_db
from ompgpt.source.parse import parse
from ompgpt.source.preprocess import Header, Macro, Search, expand_calls, walk
from ompgpt.source.text import SourceFile

if TYPE_CHECKING:
    from ompgpt.analysis.context import FileContext

#: the scope given to declarations from headers: visible in the whole file
_WHOLE_FILE = (0, 1 << 62)
#: a type macro's expansion (``#define DATA_TYPE volatile int64_t``) is made of these words
_TYPE_WORDS = SCALAR_TYPE_WORDS | {"volatile", "int64_t", "int32_t"}


@dataclass(frozen=True)
class IncludeOptions:
    """How to see a file as its compiler would: ``-I``/``-D``/``-U``/``--std`` from the command line, added after
    those of the file's ``compile_commands.json`` entry; ``--project`` directories are searched last."""

    include_dirs: tuple[str, ...] = ()
    macro_ops: tuple[tuple[str, str, str | None], ...] = ()
    std: str | None = None
    #: a compile database (file or folder) instead of the one found above each file
    compile_commands: str | None = None
    project_dirs: tuple[str, ...] = ()

    def search_for(self, path: str, memory: dict | None = None) -> Search:
        """The search path and macro operations for the file at ``path``."""
        db = None
        if not path.startswith("<") and Path(path).is_file():
            explicit = Path(self.compile_commands) if self.compile_commands else None
            db = compile_db.flags_for(Path(path), explicit)
        dirs = [*(db.includes if db else []), *self.include_dirs, *self.project_dirs]
        return Search(
            include_dirs=tuple(Path(d).resolve() for d in dirs),
            macro_ops=(*(db.macros if db else ()), *self.macro_ops),
            std=self.std or (db.std if db else None),
            memory=memory or {},
        )


def add_preprocessor_options(parser: argparse.ArgumentParser) -> None:
    """``-I``, ``-D``, ``-U``, ``--std`` and ``--compile-commands`` for annotate, lint and explain."""
    group = parser.add_argument_group("preprocessor (headers and macros the analysis reads)")
    group.add_argument("-I", dest="include_dirs", action="append", default=[], metavar="DIR", help="search DIR")
    group.add_argument("-D", dest="macro_ops", action="append", default=[], type=_op("D"), metavar="NAME[=VALUE]")
    group.add_argument("-U", dest="macro_ops", action="append", type=_op("U"), metavar="NAME", help="undefine NAME")
    group.add_argument("--std", metavar="STD", help="language standard, as for the compiler (c99, c++17 ...)")
    group.add_argument("--compile-commands", metavar="PATH", help="compile_commands.json (default: found above)")


def _op(kind: str):
    def parse(text: str) -> tuple[str, str, str | None]:
        name, eq, value = text.partition("=")
        if not re.fullmatch(r"[A-Za-z_]\w*", name) or (kind == "U" and eq):
            raise argparse.ArgumentTypeError(f"not a macro name{'' if kind == 'U' else '[=value]'}: {text!r}")
        return kind, name, value if eq else None

    return parse


def options_from_args(args: argparse.Namespace) -> IncludeOptions:
    """IncludeOptions from parsed command-line options (``--project`` folders become the last search dirs)."""
    projects = tuple(p for p in getattr(args, "project", []) if Path(p).is_dir())
    return IncludeOptions(
        include_dirs=tuple(getattr(args, "include_dirs", []) or ()),
        macro_ops=tuple(getattr(args, "macro_ops", []) or ()),
        std=getattr(args, "std", None),
        compile_commands=getattr(args, "compile_commands", None),
        project_dirs=projects,
    )


@dataclass
class Included:
    """The facts a file takes from its translation unit."""

    notes: list[str] = field(default_factory=list)
    #: every macro defined at the end of the file (the file's own and its headers'), by name
    macros: dict[str, Macro] = field(default_factory=dict)
    #: integer object-like macros at the end of the file, the file's own and its headers' (``#if`` respected)
    int_macros: dict[str, int] = field(default_factory=dict)
    #: function-like macros of the headers (the file's own are read from its tree)
    function_macros: list[Macro] = field(default_factory=list)
    globals: dict[str, DeclInfo] = field(default_factory=dict)
    typedefs: dict[str, str] = field(default_factory=dict)
    type_names: frozenset[str] = frozenset()
    header_lines: int = 0


def included(ctx: FileContext, options: IncludeOptions | None) -> Included:
    """Walk ``ctx``'s file and its headers and collect what the analysis uses."""
    if options is None:
        return Included()
    memory = getattr(ctx.project, "memory", None)
    unit = walk(ctx.parsed, options.search_for(ctx.parsed.source.path, memory))
    out = Included(notes=unit.notes, macros=unit.macros, header_lines=unit.header_lines)
    out.int_macros = _integers(ctx, unit.macros)
    main = ctx.parsed.source.path
    out.function_macros = [m for m in unit.macros.values() if m.params is not None and m.origin != main]
    names: set[str] = set()
    for macro in unit.macros.values():
        words = macro.body.split()
        if macro.params is None and words and set(words) <= _TYPE_WORDS:
            out.typedefs[macro.name] = macro.body  # ``#define DATA_TYPE double``
    for header, node in unit.decls:
        for info in _declarations(header, node, names, out.typedefs):
            out.globals[info.name] = replace(info)  # a copy: the header's memo is shared by every file
    out.type_names = frozenset(names)
    return out


def _integers(ctx: FileContext, macros: dict[str, Macro]) -> dict[str, int]:
    """Values of the object-like macros that are integer constant expressions once function-like macros in them
    are expanded (``#define _PB_N POLYBENCH_LOOP_BOUND(N, n)``); a macro may use one defined after it (expansion
    is lazy), hence the second round."""
    known: dict[str, int] = {}
    for _ in range(2):
        for macro in macros.values():
            if macro.params is None and macro.name not in known and macro.body:
                body = expand_calls(macro.body, macros) if "(" in macro.body else macro.body
                value = ctx.integer_value(body, known) if body is not None else None
                if value is not None:
                    known[macro.name] = value
    return known


_ARRAY_DECLARATOR = re.compile(r"\s*[A-Za-z_]\w*\s*(\[[^\[\];]*\]\s*)+")


def macro_parameter(ctx: FileContext, param, decl, scope: tuple[int, int]) -> DeclInfo | None:
    """A parameter declared through a function-like macro, ``DATA_TYPE POLYBENCH_2D(C, NI, NJ, ni, nj)``, whose
    expansion is an array declarator (``C[NI][NJ]``): the parameter that declarator declares, else None."""
    text = ctx.parsed.text_of
    name, type_node = decl.child_by_field_name("declarator"), param.child_by_field_name("type")
    if name is None or type_node is None or name.type != "identifier":
        return None
    macro = ctx.included.macros.get(text(name))
    if macro is None or macro.params is None:
        return None
    expanded = expand_calls(text(decl), ctx.included.macros)
    if expanded is None or not _ARRAY_DECLARATOR.fullmatch(expanded):
        return None
    snippet = parse(SourceFile.from_text(f"{text(type_node)} {expanded};", ctx.parsed.source.lang))
    node = snippet.root.named_children[0] if snippet.root.named_child_count else None
    declarator = node.child_by_field_name("declarator") if node is not None else None
    if node is None or declarator is None or node.type != "declaration":
        return None
    info = declarator_info(snippet.text_of, declarator, node.child_by_field_name("type"), "param", scope, False)
    if info is not None:
        info.start = decl.start_byte
    return info


def _declarations(header: Header, node, names: set[str], typedefs: dict[str, str]) -> list[DeclInfo]:
    """Globals a header's file-scope node declares (memoised per header); type names and typedefs it adds go into
    ``names`` and ``typedefs``."""
    text = header.parsed.text_of
    key = ("decl", node.start_byte)
    if node.type == "type_definition":
        type_node = node.child_by_field_name("type")
        for d in node.children_by_field_name("declarator"):
            if d.type == "type_identifier":
                names.add(text(d))
                if type_node is not None:
                    typedefs.setdefault(text(d), text(type_node))
    type_node = node if node.type in ("struct_specifier", "union_specifier") else node.child_by_field_name("type")
    if type_node is not None and type_node.type in ("struct_specifier", "union_specifier"):
        tag = type_node.child_by_field_name("name")
        if tag is not None:
            names.add(text(tag))
    if node.type != "declaration":
        return []
    if key not in header.memo:
        static = any(c.type == "storage_class_specifier" for c in node.children)
        found = []
        for d in node.children_by_field_name("declarator"):
            info = declarator_info(text, d, node.child_by_field_name("type"), "global", _WHOLE_FILE, static)
            if info is not None:
                info.start = 0
                found.append(info)
        header.memo[key] = found
    return header.memo[key]
