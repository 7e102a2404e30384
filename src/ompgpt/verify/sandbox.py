"""Run untrusted builds and programs in a throw-away directory with limits.

Candidate pragmas can turn a terminating program into one that hangs, forks or eats memory, so every process:
runs with cwd (and TMPDIR/HOME) in a fresh temp dir, gets a wall-clock timeout enforced by killing its whole
process group (``start_new_session``), CPU-time and file-size rlimits, and a memory limit. ``RLIMIT_AS`` is
used where possible; ThreadSanitizer reserves terabytes of shadow address space (and RLIMIT_DATA breaks it
too),
so TSan runs instead get a resident-set watchdog that polls ``/proc``. Output goes to files inside the temp
dir
(bounded by RLIMIT_FSIZE) rather than pipes, so a program printing forever cannot exhaust our memory.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

OUTPUT_LIMIT = 64 << 20
_POLL_SECONDS = 0.02


@dataclass
class RunResult:
    """What one sandboxed process did; ``returncode`` is negative for a signal, None on timeout."""

    returncode: int | None
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool = False
    memory_exceeded: bool = False
    stopped: bool = False

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def describe(self) -> str:
        """One phrase for a failing run: why it did not exit normally."""
        if self.timed_out:
            return f"timed out after {self.seconds:.1f}s"
        if self.stopped:
            return "stopped early"
        if self.memory_exceeded:
            return "exceeded the memory limit"
        if self.returncode is not None and self.returncode < 0:
            with contextlib.suppress(ValueError):
                return f"killed by {signal.Signals(-self.returncode).name}"
        return f"exit code {self.returncode}"


@dataclass
class Limits:
    """Per-process limits. ``memory_mb`` is an address-space cap unless ``address_space`` is False (TSan)."""

    timeout: float = 20.0
    memory_mb: int = 4096
    address_space: bool = True
    cpu_seconds: int | None = None
    #: kill the run as soon as this returns True on the stderr seen so far (e.g. the first race report is in)
    stop_when: Callable[[str], bool] | None = None


@contextlib.contextmanager
def workspace(prefix: str = "ompgpt-verify-") -> Iterator[Path]:
    """A fresh temp directory, removed afterwards whatever happens inside."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _preexec(limits: Limits):
    cpu = limits.cpu_seconds or int(limits.timeout * max(os.cpu_count() or 1, 1)) + 5

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
        resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_LIMIT, OUTPUT_LIMIT))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if limits.address_space:
            cap = limits.memory_mb << 20
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    return apply


def _rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` in MiB (0 once it is gone); threads share it, so the leader suffices."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / (1 << 20)
    except (OSError, IndexError, ValueError):
        return 0.0


def _kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _read(path: Path) -> str:
    with open(path, "rb") as f:
        return f.read(OUTPUT_LIMIT).decode("utf-8", errors="replace")


def run(
    cmd: Sequence[str] | str,
    cwd: Path,
    limits: Limits,
    env: Mapping[str, str] | None = None,
) -> RunResult:
    """Run ``cmd`` (argv, or a shell string) inside ``cwd`` under ``limits``; never raises for program
    failures."""
    full_env = {**os.environ, "TMPDIR": str(cwd), "HOME": str(cwd), **(env or {})}
    out_path, err_path = cwd / ".stdout", cwd / ".stderr"
    start = time.monotonic()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen(
            cmd,
            shell=isinstance(cmd, str),
            cwd=cwd,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
            preexec_fn=_preexec(limits),
        )
        outcome = _watch(proc, limits, start, err_path)
    seconds = time.monotonic() - start
    result = RunResult(
        None if outcome == "timeout" else proc.returncode,
        _read(out_path),
        _read(err_path),
        seconds,
        outcome == "timeout",
        outcome == "memory",
        outcome == "stopped",
    )
    out_path.unlink(missing_ok=True)
    err_path.unlink(missing_ok=True)
    return result


def _watch(proc: subprocess.Popen, limits: Limits, start: float, err_path: Path) -> str:
    """Wait for ``proc``; kill its process group on timeout, excess RSS (no RLIMIT_AS) or ``stop_when``.

    Returns "exited", "timeout", "memory" or "stopped".
    """
    deadline = start + limits.timeout
    polling = not limits.address_space or limits.stop_when is not None
    seen = 0
    while True:
        try:
            proc.wait(timeout=_POLL_SECONDS if polling else max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
        else:
            _kill_group(proc)  # reap stray children left in the group
            return "exited"
        if time.monotonic() >= deadline:
            _kill_group(proc)
            return "timeout"
        if not limits.address_space and _rss_mb(proc.pid) > limits.memory_mb:
            _kill_group(proc)
            return "memory"
        if limits.stop_when is not None:
            size = err_path.stat().st_size
            if size != seen and limits.stop_when(_read(err_path)):
                _kill_group(proc)
                return "stopped"
            seen = size
