"""Expanding command-line paths into C/C++ source files."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from ompgpt.source.text import SOURCE_EXTENSIONS

_SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "build", "_build"}


def iter_source_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files given explicitly (whatever their extension), and C/C++ files found under directories, sorted."""
    for path in map(Path, paths):
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
                for name in sorted(files):
                    if Path(name).suffix in SOURCE_EXTENSIONS or Path(name).suffix.lower() in {".cpp", ".cc", ".cxx"}:
                        yield Path(root) / name
        else:
            yield path
