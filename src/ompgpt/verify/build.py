"""Compilers, flags and build/run commands for one program variant.

Two modes. Single file: the variant is written into the workspace and compiled with clang (``cc`` when
clang is
missing; ``clang++``/``c++`` for C++) plus ``-I<original dir>`` so local headers still resolve. Project: the
user's ``--build``/``--run`` templates run in a copy of the source's directory with the variant written
over the file; placeholders ``{src}`` (the variant, relative to the copy), ``{exe}``, ``{cc}`` and ``{cflags}``
become references to environment variables (see ``template``: a file name is never re-parsed by the shell),
and ``CC``/``CXX``/``CFLAGS``/``CXXFLAGS``/``LDFLAGS`` are exported for Makefiles that use them.
"""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from ompgpt.verify import template
from ompgpt.verify.model import VerifyConfig

CXX_SUFFIXES = {".cc", ".cpp", ".cxx", ".c++", ".C", ".hpp", ".hh"}
OPENMP_FLAGS = ("-fopenmp", "-O2")
TSAN_FLAGS = ("-fopenmp", "-fsanitize=thread", "-g", "-O1", "-fno-omit-frame-pointer")
PROJECT_COPY_LIMIT = 200 << 20


class ToolchainError(RuntimeError):
    """No usable compiler (or clang missing for a check that needs it)."""


def is_cxx(path: str | Path) -> bool:
    return Path(path).suffix in CXX_SUFFIXES


def find_tool(*names: str) -> str | None:
    """First of ``names`` on PATH, so a versioned clang (clang-14) works when the plain name is absent."""
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


def clang_for(cxx: bool) -> str | None:
    return find_tool("clang++", "clang++-14") if cxx else find_tool("clang", "clang-14")


def gcc_for(cxx: bool) -> str | None:
    return find_tool("g++") if cxx else find_tool("gcc")


def compiler_for(cxx: bool, config: VerifyConfig) -> str:
    """The compiler for differential and timing builds: configured, else clang (same runtime as TSan), else
    cc."""
    chosen = (config.cxx if cxx else config.cc) or clang_for(cxx) or find_tool("c++" if cxx else "cc")
    if not chosen:
        raise ToolchainError("no C/C++ compiler found (install clang)")
    return chosen


def archer_library() -> str | None:
    """libarcher.so shipped with the LLVM OpenMP runtime, if installed (Debian: libomp-dev)."""
    candidates = [Path(p) for p in os.environ.get("OMPGPT_ARCHER", "").split(os.pathsep) if p]
    candidates += sorted(Path("/usr/lib").glob("llvm-*/lib/libarcher.so"), reverse=True)
    candidates += [Path("/usr/lib/x86_64-linux-gnu/libarcher.so"), Path("/usr/local/lib/libarcher.so")]
    return next((str(p) for p in candidates if p.is_file()), None)


@dataclass
class Program:
    """Where the original program lives and how to build and run it."""

    source: Path | None
    text: str
    cxx: bool
    config: VerifyConfig

    @property
    def name(self) -> str:
        if self.source is not None:
            return self.source.name
        return "program.cpp" if self.cxx else "program.c"

    @property
    def project(self) -> bool:
        return bool(self.config.build_cmd)

    def build_dir(self, workdir: Path) -> Path:
        """Where builds happen: the workspace, or (project mode) a copy of the source's directory inside
        it."""
        return workdir / "project" if self.project else workdir

    def prepare(self, workdir: Path, text: str) -> Path:
        """Lay out the variant ``text`` in ``workdir``; returns the path of the variant source."""
        if self.project and self.source is not None:
            root = self.build_dir(workdir)
            if not root.exists():
                _copy_project(self.source.parent, root)
            target = root / self.source.name
        else:
            target = workdir / self.name
        target.write_text(text)
        return target

    @property
    def language_flags(self) -> tuple[str, ...]:
        """One C++ standard for both compilers: gcc 12 defaults to gnu++17 but clang 14 to gnu++14, so a program
        using ``std::align_val_t`` built with gcc (its serial reference) but not with clang (a verify audit
        rejection that was the verifier's, not the pragma's). A ``-std`` the user passes wins."""
        if not self.cxx or any(f.startswith("-std=") for f in self.config.extra_flags):
            return ()
        return ("-std=gnu++17",)

    def check_template_name(self) -> None:
        """Project mode: refuse a source name with braces before any work (raises ``TemplateError``)."""
        if self.project and self.source is not None:
            template.check_name(self.source)

    def build_command(self, src: Path, exe: Path, compiler: str, flags: tuple[str, ...]) -> list[str] | str:
        """The argv (single file) or shell string (project) building ``src`` into ``exe``."""
        if self.project:
            return template.fill(self.config.build_cmd or "", flags)
        includes = [f"-I{self.source.parent}"] if self.source is not None else []
        return [
            compiler,
            *flags,
            *self.language_flags,
            *self.config.extra_flags,
            *includes,
            str(src),
            "-o",
            str(exe),
            *self.config.libs,
        ]

    def build_env(self, src: Path, exe: Path, compiler: str, flags: tuple[str, ...]) -> dict[str, str]:
        """Project builds: the template's variables plus the ``CC``/``CFLAGS`` family for Makefiles."""
        joined = " ".join((*flags, *self.config.extra_flags))
        return {
            **template.environment(src, exe, compiler, flags),
            "CC": compiler,
            "CXX": compiler,
            "CFLAGS": joined,
            "CXXFLAGS": joined,
            "LDFLAGS": joined,
        }

    def run_command(self, src: Path, exe: Path) -> list[str] | str:
        if self.config.run_cmd:
            return template.fill(self.config.run_cmd)
        return [str(exe)]

    def run_env(self, src: Path, exe: Path) -> dict[str, str]:
        """The variables a ``--run`` template's references read (none for a plain executable)."""
        return template.environment(src, exe, "", ()) if self.config.run_cmd else {}


def _copy_project(source_dir: Path, dest: Path) -> None:
    """Copy the project so builds never write into the user's tree; refuse absurdly large directories.

    Never follows a link (issue 24: a program deleted a user's real file through an absolute symlink in the
    copy): a link resolving inside the project is recreated relative, inside the copy; one resolving outside it
    to a regular file is replaced by a copy of that file (headers kept elsewhere still build); any other is
    dropped. Only directories, regular files and links are copied: a FIFO or a device would hang the copy.
    """
    root = source_dir.resolve()
    dest.mkdir(parents=True)
    total = 0
    for current, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]
        here = Path(current)
        for name in [*dirs, *files]:
            if name == ".git":
                continue
            total += _copy_entry(root, here / name, dest / here.relative_to(root) / name)
            if total > PROJECT_COPY_LIMIT:
                raise ToolchainError(f"{source_dir} is over {PROJECT_COPY_LIMIT >> 20} MiB; too large to copy")


def _copy_entry(root: Path, src: Path, target: Path) -> int:
    """Copy one directory entry as ``_copy_project`` says; returns the bytes copied."""
    mode = os.lstat(src).st_mode
    if stat.S_ISDIR(mode):
        target.mkdir()
    elif stat.S_ISREG(mode):
        shutil.copy2(src, target, follow_symlinks=False)
        return target.stat().st_size
    elif stat.S_ISLNK(mode):
        resolved = Path(os.path.realpath(src))
        if resolved == root or root in resolved.parents:
            target.symlink_to(os.path.relpath(resolved, os.path.realpath(src.parent)))
        elif resolved.is_file() and stat.S_ISREG(resolved.stat().st_mode):
            shutil.copyfile(resolved, target)
            return target.stat().st_size
    return 0
