"""Source stage: read and parse C/C++, find loops, the OpenMP pragma grammar, and pragma edits."""

from ompgpt.source.loops import FileScan, Loop, PragmaSite, find_loops, find_pragmas, scan
from ompgpt.source.parse import ParsedSource, parse
from ompgpt.source.pragma import Clause, Pragma, PragmaError, parse_pragma
from ompgpt.source.text import SourceError, SourceFile, detect_language, read_source

__all__ = [
    "Clause",
    "FileScan",
    "Loop",
    "ParsedSource",
    "Pragma",
    "PragmaError",
    "PragmaSite",
    "SourceError",
    "SourceFile",
    "detect_language",
    "find_loops",
    "find_pragmas",
    "parse",
    "parse_pragma",
    "read_source",
    "scan",
]
