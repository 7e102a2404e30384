"""Parsing un-preprocessed C/C++ with tree-sitter.

tree-sitter is error-tolerant: unknown macros, missing headers and K&R definitions yield ERROR nodes locally rather
than failing the file, which is what a tool run over real projects needs. Parsers are cached per language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import tree_sitter

from ompgpt.source.text import SourceFile


@cache
def _parser(lang: str) -> tree_sitter.Parser:
    if lang == "c":
        import tree_sitter_c as grammar
    elif lang == "cpp":
        import tree_sitter_cpp as grammar
    else:
        raise ValueError(f"unknown language {lang!r} (expected 'c' or 'cpp')")
    return tree_sitter.Parser(tree_sitter.Language(grammar.language()))


#: a macro standing for ``restrict`` between ``*`` and a declarator name (``const Quantum *magick_restrict p;``, as
#: ImageMagick writes it; also ``RESTRICT``, ``__restrict_arr``): tree-sitter does not know the macro, reads
#: ``Quantum *magick_restrict`` as a multiplication and drops the declaration, so the analysis thinks ``p`` is shared
_QUALIFIER_WORD = r"[A-Za-z_]?\w*restrict\w*"
_QUALIFIER_MACRO = re.compile(rb"(?<=\*)(\s*)(" + _QUALIFIER_WORD.encode() + rb")(?=\s+[A-Za-z_])", re.IGNORECASE)
_QUALIFIER_NAME = re.compile(_QUALIFIER_WORD, re.IGNORECASE)


def is_restrict_qualifier(name: str) -> bool:
    """``restrict``, ``__restrict__``, or a macro spelling of it that :func:`masked_for_parsing` replaces."""
    return _QUALIFIER_NAME.fullmatch(name) is not None


def masked_for_parsing(data: bytes) -> bytes:
    """``data`` with ``restrict`` macros in pointer declarators spelled ``restrict`` and padded with spaces, so the
    tree's byte offsets (and columns) still refer to the original text. Spellings tree-sitter knows stay."""

    def spell(m: re.Match) -> bytes:
        word = m.group(2)
        if word in (b"restrict", b"__restrict", b"__restrict__") or len(word) < len(b"restrict"):
            return m.group()
        return m.group(1) + b"restrict" + b" " * (len(word) - len(b"restrict"))

    return _QUALIFIER_MACRO.sub(spell, data)


@dataclass
class ParsedSource:
    """A source file with its syntax tree. Byte offsets refer to ``data`` (the UTF-8 encoding of the text)."""

    source: SourceFile
    data: bytes
    tree: tree_sitter.Tree

    @property
    def root(self) -> tree_sitter.Node:
        return self.tree.root_node

    def text_of(self, node: tree_sitter.Node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", errors="replace")

    def line_col(self, point: tree_sitter.Point) -> tuple[int, int]:
        """1-based (line, column) in characters for a tree-sitter point (whose column counts bytes)."""
        row, byte_col = point
        lines = self.source.lines
        if row < len(lines) and byte_col:
            prefix = lines[row].encode("utf-8", errors="surrogateescape")[:byte_col]
            return row + 1, len(prefix.decode("utf-8", errors="replace")) + 1
        return row + 1, byte_col + 1

    def error_locations(self, limit: int = 20) -> list[tuple[int, int]]:
        """Where tree-sitter had to recover (ERROR or MISSING nodes), as 1-based (line, col)."""
        found: list[tuple[int, int]] = []
        if not self.root.has_error:
            return found
        cursor = [self.root]
        while cursor and len(found) < limit:
            node = cursor.pop()
            if node.is_error or node.is_missing:
                found.append(self.line_col(node.start_point))
                continue
            if node.has_error:
                cursor.extend(reversed(node.children))
        return sorted(found)


def parse(source: SourceFile) -> ParsedSource:
    """Parse a source file with the grammar of its language (``restrict`` macros masked, offsets unchanged)."""
    data = source.text.encode("utf-8", errors="surrogateescape")
    return ParsedSource(source=source, data=data, tree=_parser(source.lang).parse(masked_for_parsing(data)))
