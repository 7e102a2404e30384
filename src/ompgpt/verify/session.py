"""One verification session: a workspace, the program, and builds shared between candidates.

The serial reference (build, outputs, timings) depends only on the target line, so it is computed once per
line
and reused by every candidate for that loop.
"""

from __future__ import annotations

import itertools
import platform
import shlex
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ompgpt.verify import sandbox, variants
from ompgpt.verify.build import OPENMP_FLAGS, Program
from ompgpt.verify.model import VerifyConfig
from ompgpt.verify.sandbox import Limits, RunResult

#: the environment every OpenMP run starts from: no dynamic adjustment, so the thread count we ask for is used
BASE_OMP_ENV = {"OMP_DYNAMIC": "false", "OMP_PROC_BIND": "false"}


@dataclass
class Build:
    """A compiled variant: its source, the executable (or None), and the compiler output when it failed."""

    src: Path
    exe: Path | None
    result: RunResult

    @property
    def ok(self) -> bool:
        return self.exe is not None


@dataclass
class Reference:
    """The serial reference for one target line: its build and one run's output."""

    build: Build
    run: RunResult | None
    timings: list[float] = field(default_factory=list)


@dataclass
class Session:
    """Shared state of a ``verify_candidates`` call."""

    program: Program
    workdir: Path
    references: dict[int, Reference] = field(default_factory=dict)
    #: builds run here, so the variants a candidate needs compile in parallel while its first runs go on
    pool: ThreadPoolExecutor | None = None
    builds: dict[tuple[str, str, tuple[str, ...]], Future[Build]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _counter: itertools.count = field(default_factory=itertools.count)

    @property
    def config(self) -> VerifyConfig:
        return self.program.config

    def new_dir(self, label: str) -> Path:
        """A fresh sub-directory for one build and its runs, so variants never see each other's files."""
        path = self.workdir / f"{next(self._counter):03d}-{label}"
        path.mkdir()
        return path

    def build(self, label: str, text: str, compiler: str, flags: tuple[str, ...]) -> Build:
        """Compile ``text`` with ``flags`` in a fresh directory (memoised: timing reuses differential builds)."""
        return self.build_async(label, text, compiler, flags).result()

    def build_async(self, label: str, text: str, compiler: str, flags: tuple[str, ...]) -> Future[Build]:
        """Start (or find) the build of ``text``; without a pool it is done before this returns."""
        key = (text, compiler, flags)
        with self._lock:
            if key not in self.builds:
                if self.pool is not None:
                    self.builds[key] = self.pool.submit(self._build, label, text, compiler, flags)
                else:
                    done: Future[Build] = Future()
                    done.set_result(self._build(label, text, compiler, flags))
                    self.builds[key] = done
            return self.builds[key]

    def cancel_pending(self) -> None:
        """Drop queued builds nobody will wait for (the candidate was rejected early); running ones finish."""
        with self._lock:
            for key, future in list(self.builds.items()):
                if future.cancel():
                    del self.builds[key]

    def _build(self, label: str, text: str, compiler: str, flags: tuple[str, ...]) -> Build:
        directory = self.new_dir(label)
        src = self.program.prepare(directory, text)
        build_dir = self.program.build_dir(directory)
        exe = build_dir / (src.stem + ".exe")
        named = src.relative_to(build_dir) if self.program.project else src
        cmd = self.program.build_command(named, exe, compiler, flags)
        limits = Limits(timeout=self.config.build_timeout, memory_mb=self.config.memory_limit_mb)
        env = self.program.build_env(named, exe, compiler, flags) if self.program.project else None
        result = self.execute(cmd, build_dir, limits, env)
        built = result.returncode == 0 and (exe.exists() or self.program.config.run_cmd is not None)
        return Build(src, exe if built else None, result)

    def run(self, build: Build, env: dict[str, str], limits: Limits, no_aslr: bool = False) -> RunResult:
        """Run a built variant with ``env`` added to the OpenMP base environment, from its own directory.

        ``no_aslr`` runs it under ``setarch -R``: clang 14's TSan aborts on kernels with high-entropy ASLR.
        """
        assert build.exe is not None
        cwd = build.src.parent
        cmd = self.program.run_command(build.src, build.exe)
        if no_aslr:
            shell = cmd if isinstance(cmd, str) else shlex.join(cmd)
            cmd = ["setarch", platform.machine(), "-R", "sh", "-c", shell]
        run_env = {**BASE_OMP_ENV, **self.config.env, **env, **self.program.run_env(build.src, build.exe)}
        return self.execute(cmd, cwd, limits, run_env)

    def execute(self, cmd: list[str] | str, cwd: Path, limits: Limits, env: dict[str, str] | None = None) -> RunResult:
        """``sandbox.run`` with the source's directory readable (its headers; it may lie under /home or /tmp)."""
        readable = [self.program.source.parent] if self.program.source is not None else []
        return sandbox.run(cmd, cwd, limits, env, readable)

    def run_limits(self) -> Limits:
        return Limits(timeout=self.config.run_timeout, memory_mb=self.config.memory_limit_mb)

    def reference(self, line: int, compiler: str) -> Reference:
        """Serial reference for ``line``: the original minus any pragma on that loop, one thread."""
        if line not in self.references:
            text = variants.remove_pragma_above(self.program.text, line)
            build = self.build("serial", text, compiler, OPENMP_FLAGS)
            run = self.run(build, {"OMP_NUM_THREADS": "1"}, self.run_limits()) if build.ok else None
            self.references[line] = Reference(build, run)
        return self.references[line]
