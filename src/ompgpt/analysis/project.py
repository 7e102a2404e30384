"""Functions defined in the other files of a project, so a loop calling ``smooth(u, i)`` from ``util.c`` is judged by
what ``smooth`` does rather than stopped as a call of unknown effect.

Calls of unknown effect are the first reason the analysis leaves human-parallelized loops unproven (1,805 of 2,699
in our training repositories, docs/BENCHMARKS.md); many callees live in another file of the same project. The
index lists the files of a project (the files given to ``annotate``/``lint``/``explain`` and any ``--project``
paths), finds where each plain function is defined, and summarises a callee with the same one-level summary as a
same-file function (``FileContext.summary``). It answers only when the name has exactly one visible definition:
one non-``static`` definition in a source file, or one in a header (``static inline`` helpers), at file or
namespace scope (a class's methods are not free functions). Two definitions (``#ifdef`` variants, a test and a
library, C++ overloads) leave the call unknown, as does a function-like macro of the same name in the caller's
file, or a call made inside a C++ member function (it may name a method of the class).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ompgpt.analysis.context import FileContext
    from ompgpt.analysis.headers import IncludeOptions
    from ompgpt.analysis.ir import FunctionSummary
    from ompgpt.source import SourceFile
    from ompgpt.source.parse import ParsedSource

HEADER_SUFFIXES = frozenset({".h", ".hh", ".hpp", ".hxx", ".h++", ".inl", ".cuh", ".tcc"})
#: larger files are skipped when indexing (generated code; the same cap as the analysis of one file takes)
MAX_BYTES = 2_000_000
#: scopes whose function definitions are methods or nested functions, not free functions
_NOT_FREE = frozenset({"field_declaration_list", "class_specifier", "struct_specifier", "compound_statement"})


@dataclass(frozen=True)
class Definition:
    path: Path
    static: bool

    def visible_from(self, other: Path) -> bool:
        """A ``static`` function is visible only in its own translation unit, i.e. from files including its
        header; one in a ``.c``/``.cpp`` file is not callable from another."""
        return self.path != other and (not self.static or self.path.suffix.lower() in HEADER_SUFFIXES)


class ProjectIndex:
    """The free functions defined in a set of files, indexed on first use. Picklable: only the paths travel, and a
    process that receives it builds its own index (``--jobs`` forks workers after :meth:`build` where it can)."""

    def __init__(self, paths: Iterable[str | Path], lang: str | None = None, includes: IncludeOptions | None = None):
        self.paths = tuple(dict.fromkeys(Path(p).resolve() for p in paths))
        self.lang = lang
        #: how the project's files find their headers (their globals and macros shape the summaries)
        self.includes = includes
        #: texts held in memory by resolved path (``from_sources``): ``#include "x.h"`` finds them there too
        self.memory: dict[Path, ParsedSource] = {}
        self._definitions: dict[str, list[Definition]] | None = None
        self._contexts: dict[Path, FileContext | None] = {}

    @classmethod
    def from_sources(cls, sources: Iterable[SourceFile]) -> ProjectIndex:
        """An index of texts already in memory (a corpus, a test), keyed by their ``path``."""
        from ompgpt.analysis.context import FileContext
        from ompgpt.analysis.headers import IncludeOptions
        from ompgpt.source import parse

        by_path = {Path(s.path).resolve(): s for s in sources}
        index = cls(by_path, includes=IncludeOptions())
        index.memory = {path: parse(source) for path, source in by_path.items()}
        for path, parsed in index.memory.items():
            index._contexts[path] = FileContext(parsed, index, index.includes)
        return index

    def __getstate__(self) -> dict:
        state = {"paths": self.paths, "lang": self.lang, "includes": self.includes, "memory": {}}
        return {**state, "_definitions": None, "_contexts": {}}

    def __len__(self) -> int:
        return len(self.paths)

    def build(self) -> None:
        """Index every file now (before forking workers that then share the index)."""
        self.definitions("")

    def definitions(self, name: str) -> list[Definition]:
        if self._definitions is None:
            self._definitions = {}
            for path in self.paths:
                ctx = self._context(path)
                if ctx is not None:
                    for fn, static in free_functions(ctx):
                        self._definitions.setdefault(fn, []).append(Definition(path, static))
        return self._definitions.get(name, [])

    def summary(self, name: str, caller: Path, depth: int = 1) -> FunctionSummary | None:
        """The summary of ``name`` as seen from the file ``caller``, or None when no single definition is visible;
        ``depth``: how deep in a chain of calls it is (see ``ir.SUMMARY_DEPTH``)."""
        visible = [d for d in self.definitions(name) if d.visible_from(caller.resolve())]
        if len(visible) != 1:
            return None
        ctx = self._context(visible[0].path)
        return ctx.summary(name, depth) if ctx is not None else None

    def context(self, path: Path) -> FileContext | None:
        """The parsed file of the project at ``path`` (None when it cannot be read)."""
        return self._context(path.resolve())

    def _context(self, path: Path) -> FileContext | None:
        if path not in self._contexts:
            self._contexts[path] = _read_context(path, self.lang, self)
        return self._contexts[path]


def index_paths(
    paths: Iterable[str | Path], lang: str | None = None, includes: IncludeOptions | None = None
) -> ProjectIndex:
    """Every C/C++ file under the given paths, whatever include/exclude globs say: a file left unannotated may
    still define the functions the annotated ones call; ``includes``: how those files find their headers."""
    from ompgpt.source.files import iter_source_files

    return ProjectIndex((p for p in iter_source_files(paths) if p.is_file()), lang=lang, includes=includes)


def add_project_option(parser: argparse.ArgumentParser) -> None:
    """``--project PATH`` for the commands that analyse loops (annotate, lint, explain)."""
    parser.add_argument(
        "--project",
        action="append",
        default=[],
        metavar="PATH",
        help="other files or directories whose functions calls may reach (summarised, not changed; repeatable)",
    )


def _read_context(path: Path, lang: str | None, project: ProjectIndex) -> FileContext | None:
    """A FileContext for an indexed file, or None for one that cannot be read (it is only a source of summaries:
    the files being annotated report their own errors)."""
    from ompgpt.analysis.context import FileContext
    from ompgpt.source import SourceError, parse, read_source

    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        return FileContext(parse(read_source(path, lang=lang)), project, project.includes)
    except (OSError, SourceError, UnicodeError, ValueError):
        return None


def free_functions(ctx: FileContext) -> list[tuple[str, bool]]:
    """(name, ``static``) for each function the file defines at file or namespace scope; a name defined twice
    (overloads, ``#ifdef`` variants) appears twice."""
    from ompgpt.analysis.context import function_name

    found: list[tuple[str, bool]] = []
    text = ctx.parsed.text_of
    for node in ctx.function_nodes():
        name = function_name(ctx, node)
        up = node.parent
        while up is not None and up.type not in _NOT_FREE:
            up = up.parent
        if name is not None and up is None:
            static = any(c.type == "storage_class_specifier" and text(c) == "static" for c in node.children)
            found.append((name, static))
    return found
