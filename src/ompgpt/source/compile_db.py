"""Preprocessor flags of one file from a ``compile_commands.json`` (CMake's ``-DCMAKE_EXPORT_COMPILE_COMMANDS=ON``,
Bear, meson): include directories, ``-D``/``-U`` in command-line order, and ``--std``/``-std=``.

The database governing a file is the nearest ``compile_commands.json`` above it, or one in a ``build/`` folder
there (how the verifier finds it), unless a path is given. Databases are read once per process (keyed by path,
size and modification time); an unreadable or malformed one is treated as absent: the flags only widen what the
analysis sees, they never decide whether a file can be annotated.
"""

from __future__ import annotations

import json
import os
import shlex
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

#: options whose value may follow as the next argument
_SPLIT = {"-I", "-D", "-U", "-isystem", "-iquote", "-idirafter", "-std", "--std"}


@dataclass
class Flags:
    """What a compile command says about preprocessing: search directories (absolute) and macro operations."""

    includes: list[str] = field(default_factory=list)
    #: ``("D", "N", "100")``, ``("D", "DEBUG", None)`` (defined as 1) or ``("U", "N", None)``, in order
    macros: list[tuple[str, str, str | None]] = field(default_factory=list)
    std: str | None = None


def parse_args(args: list[str], directory: Path) -> Flags:
    """The preprocessing flags among a compiler's arguments; relative include directories are taken from
    ``directory`` (the command's working directory)."""
    flags = Flags()
    it = iter(args)
    for arg in it:
        if arg in _SPLIT:
            arg = arg + ("=" if arg.endswith("std") else "") + next(it, "")
        for prefix in ("-I", "-isystem", "-iquote", "-idirafter"):
            if arg.startswith(prefix) and len(arg) > len(prefix):
                inc = Path(arg[len(prefix) :])
                flags.includes.append(str(inc if inc.is_absolute() else directory / inc))
                break
        else:
            if arg.startswith("-D") and len(arg) > 2:
                name, eq, value = arg[2:].partition("=")
                flags.macros.append(("D", name, value if eq else None))
            elif arg.startswith("-U") and len(arg) > 2:
                flags.macros.append(("U", arg[2:], None))
            elif arg.startswith(("-std=", "--std=")):
                flags.std = arg.split("=", 1)[1]
    return flags


def find_database(path: Path) -> Path | None:
    """The nearest ``compile_commands.json`` above ``path`` (or in a ``build/`` folder there)."""
    for folder in path.resolve().parents:
        for candidate in (folder / "compile_commands.json", folder / "build" / "compile_commands.json"):
            if candidate.is_file():
                return candidate
    return None


def flags_for(path: Path, database: Path | None = None) -> Flags | None:
    """The flags of ``path``'s entry in ``database`` (default: the one found above it); None when there is no
    database or no entry for the file."""
    database = database if database is not None else find_database(path)
    if database is None:
        return None
    if database.is_dir():
        database = database / "compile_commands.json"
    try:
        st = database.stat()
    except OSError:
        return None
    return _entries(str(database.resolve()), st.st_size, st.st_mtime_ns).get(str(path.resolve()))


@lru_cache(maxsize=16)
def _entries(database: str, size: int, mtime: int) -> dict[str, Flags]:
    """Every entry of a database by the resolved path of its file (the first entry of a file wins)."""
    del size, mtime  # cache key only: a rewritten database is read again
    try:
        with open(database, encoding="utf-8") as fh:
            entries = json.load(fh)
    except (OSError, ValueError, UnicodeError):
        return {}
    found: dict[str, Flags] = {}
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            continue
        directory = Path(entry.get("directory") or os.path.dirname(database))
        try:
            args = entry.get("arguments") or shlex.split(entry.get("command", ""))
        except ValueError:
            continue
        found.setdefault(str((directory / entry["file"]).resolve()), parse_args([str(a) for a in args], directory))
    return found
