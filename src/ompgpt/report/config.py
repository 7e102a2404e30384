"""Project configuration: ``[tool.ompgpt]`` in pyproject.toml or a ``.ompgpt.toml`` file, plus compile_commands.json.

The nearest file found walking up from the first input path (then the working directory) wins; command-line
options override it. Unknown keys are an error naming the file, so a typo does not silently change behaviour.
"""

from __future__ import annotations

import fnmatch
import json
import os
import shlex
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from ompgpt.advisor import DEFAULT_MIN_TRIP_COUNT
from ompgpt.limits import DEFAULT_FILE_SECONDS
from ompgpt.source.text import MAX_FILE_BYTES


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file and the key."""


@dataclass
class Config:
    include: list[str] = field(
        default_factory=lambda: ["**/*.c", "**/*.h", "**/*.cc", "**/*.cpp", "**/*.cxx", "**/*.hpp", "**/*.hh"]
    )
    exclude: list[str] = field(default_factory=list)
    mode: str = "safe"  # "safe": only proven (or verified) pragmas; "suggest": also the model's unproven ones
    model: bool = True  # ask the model for candidates (analysis-only when False or when no weights are shipped)
    assume_no_alias: bool = False
    min_trip_count: int = DEFAULT_MIN_TRIP_COUNT
    max_file_size: int = MAX_FILE_BYTES  # bytes; larger files are not read (README "Limits")
    max_file_seconds: float = DEFAULT_FILE_SECONDS  # per-file time budget of annotate
    rtol: float = 1e-6
    atol: float = 1e-9
    #: suggest mode: seconds per file for verifying unsafe candidates by execution (0: never)
    verify_budget: float = 120.0
    source: str | None = None  # the file the values came from

    def selects(self, path: Path, root: Path) -> bool:
        """Whether a file found under a directory argument is analysed (include/exclude globs, relative paths)."""
        try:
            rel = _resolved(path).relative_to(_resolved(root)).as_posix()
        except ValueError:
            rel = path.as_posix()

        def match(patterns: list[str]) -> bool:
            return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(rel, p.removeprefix("**/")) for p in patterns)

        return match(self.include) and not match(self.exclude)


def _resolved(path: Path) -> Path:
    """``path`` with symlinks resolved, or made absolute as written when they cannot be: Python 3.11's
    ``Path.resolve`` raises RuntimeError on a symlink loop (``ln -s self self``), which a scanned repository may hold;
    reading such a file later fails with a one-line error instead."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


_KEYS = {f.name.replace("_", "-"): f for f in fields(Config) if f.name != "source"}


def _from_table(table: dict, source: Path) -> Config:
    config = Config(source=str(source))
    for key, value in table.items():
        spec = _KEYS.get(key) or _KEYS.get(key.replace("_", "-"))
        if spec is None:
            raise ConfigError(f"{source}: unknown key {key!r} in ompgpt configuration (known: {', '.join(_KEYS)})")
        expected = {"list[str]": list, "str": str, "bool": bool, "int": int, "float": (float, int)}[str(spec.type)]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(f"{source}: {key} should be of type {spec.type}, got {value!r}")
        if key == "mode" and value not in {"safe", "suggest"}:
            raise ConfigError(f"{source}: mode must be 'safe' or 'suggest', got {value!r}")
        setattr(config, spec.name, value)
    return config


def find_config(start: Path) -> Config:
    """The configuration governing ``start`` (a file or directory), or defaults when there is none."""
    start = _resolved(start)
    for folder in [start, *start.parents] if start.is_dir() else list(start.parents):
        dotfile = folder / ".ompgpt.toml"
        if dotfile.is_file():
            return _from_table(_load(dotfile), dotfile)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            table = _load(pyproject).get("tool", {}).get("ompgpt")
            if table is not None:
                return _from_table(table, pyproject)
    return Config()


def _load(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from None


@dataclass
class CompileFlags:
    """Include directories and macro definitions for one file, from compile_commands.json."""

    includes: list[str] = field(default_factory=list)
    defines: list[str] = field(default_factory=list)

    def as_args(self) -> list[str]:
        return [f"-I{d}" for d in self.includes] + [f"-D{d}" for d in self.defines]


def compile_flags(path: Path) -> CompileFlags | None:
    """Flags for ``path`` from the nearest compile_commands.json above it (or in a ``build/`` folder there)."""
    path = _resolved(path)
    for folder in path.parents:
        for candidate in (folder / "compile_commands.json", folder / "build" / "compile_commands.json"):
            if candidate.is_file():
                return _flags_for(candidate, path)
    return None


def _flags_for(database: Path, path: Path) -> CompileFlags | None:
    try:
        entries = json.loads(database.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    for entry in entries:
        directory = Path(entry.get("directory", database.parent))
        if _resolved(directory / entry.get("file", "")) != path:
            continue
        args = entry.get("arguments") or shlex.split(entry.get("command", ""))
        flags = CompileFlags()
        it = iter(args)
        for arg in it:
            if arg in {"-I", "-D", "-isystem"}:
                value = next(it, "")
                arg = arg + value if arg != "-isystem" else "-I" + value
            if arg.startswith("-I"):
                inc = Path(arg[2:])
                flags.includes.append(str(inc if inc.is_absolute() else directory / inc))
            elif arg.startswith("-D"):
                flags.defines.append(arg[2:])
        return flags
    return None
