"""Reading C/C++ files as text without losing anything: BOM, CRLF and non-UTF-8 bytes survive a round trip.

Edits are made on the decoded text and written back with the same encoding, BOM and line endings, so a file we touch
differs from the original only where we meant it to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ompgpt.source.reading import ReadRefused, read_regular_file

MAX_FILE_BYTES = 5 * 1024 * 1024  # --max-file-size; README "Limits"
C_EXTENSIONS = {".c"}
CPP_EXTENSIONS = {".cc", ".cpp", ".cxx", ".c++", ".hpp", ".hh", ".hxx", ".ipp", ".inl", ".tcc", ".C", ".cu"}
HEADER_EXTENSIONS = {".h"}
SOURCE_EXTENSIONS = C_EXTENSIONS | CPP_EXTENSIONS | HEADER_EXTENSIONS

# Constructs that only C++ has; a `.h` file containing any of them is parsed as C++.
_CPP_ONLY = re.compile(
    r"::|\btemplate\s*<|\bclass\s+\w+\s*[:{]|\bnamespace\b|\bstd::|\bpublic:|\bprivate:|\bconstexpr\b|"
    r"\bnullptr\b|\busing\s+\w+\s*=|#include\s*<(?:vector|string|iostream|algorithm|memory|cmath|cstdio|cstdlib)>|"
    r"\bfor\s*\([^;)]*[^:]:[^:][^;]*\)"  # a range-based for: `for (auto v : g.N(u))`
)


class SourceError(Exception):
    """A file that cannot be read as C/C++ source; ``str()`` is a ``file:line:col: error: reason`` message."""

    def __init__(self, path: str, reason: str, line: int = 1, col: int = 1):
        super().__init__(f"{path}:{line}:{col}: error: {reason}")
        self.path, self.reason, self.line, self.col = path, reason, line, col


@dataclass
class SourceFile:
    """A decoded source file and what is needed to write it back byte-for-byte."""

    path: str
    text: str  # decoded, BOM removed, line endings as in the file
    lang: str  # "c" or "cpp"
    encoding: str = "utf-8"
    bom: bool = False
    newline: str = "\n"
    _lines: list[str] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_text(cls, text: str, lang: str | None = None, path: str = "<string>") -> SourceFile:
        lang = lang or detect_language(path, text)
        return cls(path=path, text=text, lang=lang, newline=detect_newline(text))

    @property
    def lines(self) -> list[str]:
        """Lines without their terminators (cached), numbered as tree-sitter and compilers number them."""
        if self._lines is None:
            self._lines = split_lines(self.text)
        return self._lines

    def encode(self, text: str | None = None) -> bytes:
        """Bytes of ``text`` (default: this file's text) in this file's encoding, with its BOM."""
        data = (self.text if text is None else text).encode(self.encoding, errors="surrogateescape")
        return (b"\xef\xbb\xbf" + data) if self.bom else data


def split_lines(text: str, keepends: bool = False) -> list[str]:
    """Lines as compilers and tree-sitter count them: a line ends at ``"\\n"`` only.

    ``str.splitlines`` also breaks at form feeds, ``\\x0b``, ``\\x1c``-``\\x1e``, ``\\x85`` and U+2028/U+2029, which
    are ordinary characters inside a C line; using it shifts every later line number by one per such character, so
    a pragma would land above the wrong line. ``"".join(split_lines(t, True)) == t`` always. Without ``keepends``
    the terminator (``"\\n"`` or ``"\\r\\n"``) is dropped.
    """
    lines = text.split("\n")
    last = lines.pop()
    if keepends:
        return [line + "\n" for line in lines] + ([last] if last else [])
    return [line[:-1] if line.endswith("\r") else line for line in lines] + ([last] if last else [])


def detect_newline(text: str) -> str:
    """The file's dominant line ending, so inserted lines match it."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf >= text.count("\n") - crlf else "\n"


def detect_language(path: str, text: str = "") -> str:
    """``c`` or ``cpp`` from the extension; a ``.h`` (or unknown) file is C++ when it uses C++-only constructs."""
    suffix = Path(path).suffix
    if suffix in C_EXTENSIONS:
        return "c"
    if suffix in CPP_EXTENSIONS or suffix.lower() in {s.lower() for s in CPP_EXTENSIONS - {".C"}}:
        return "cpp"
    return "cpp" if _CPP_ONLY.search(text[:200_000]) else "c"


def decode(data: bytes) -> tuple[str, str, bool]:
    """Decode bytes as UTF-8 (BOM stripped), falling back to latin-1, which never fails and round-trips."""
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8", bom
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1", bom


def read_source(path: str | Path, lang: str | None = None, max_bytes: int = MAX_FILE_BYTES) -> SourceFile:
    """Read one C/C++ file; raise :class:`SourceError` for unreadable, binary or oversized files and for anything
    that is not a regular file (FIFO, device, socket: never opened, see :mod:`ompgpt.source.reading`)."""
    name = str(path)
    try:
        data = read_regular_file(path, max_bytes)
    except ReadRefused as exc:
        raise SourceError(name, str(exc)) from None
    if b"\x00" in data[:65536]:
        raise SourceError(name, "binary file (contains NUL bytes)")
    text, encoding, bom = decode(data)
    return SourceFile(
        path=name,
        text=text,
        lang=lang or detect_language(name, text),
        encoding=encoding,
        bom=bom,
        newline=detect_newline(text),
    )
