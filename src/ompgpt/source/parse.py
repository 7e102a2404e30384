"""Parsing un-preprocessed C/C++ with tree-sitter.

tree-sitter is error-tolerant: unknown macros, missing headers and K&R definitions yield ERROR nodes locally rather
than failing the file, which is what a tool run over real projects needs. Parsers are cached per language.
"""

from __future__ import annotations

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
    """Parse a source file with the grammar of its language."""
    data = source.text.encode("utf-8", errors="surrogateescape")
    return ParsedSource(source=source, data=data, tree=_parser(source.lang).parse(data))
