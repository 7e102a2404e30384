"""Run untrusted builds and programs in a throw-away directory, isolated and with limits.

Candidate pragmas can turn a terminating program into one that hangs, forks or eats memory, and the program
itself may be hostile, so every process:

* runs isolated as far as the kernel allows (``isolation``: bubblewrap, else ``unshare -rn``, else a warning),
  with an allowlisted environment, cwd (and TMPDIR/HOME) in a fresh temp dir;
* gets a wall-clock timeout, CPU-time and file-size rlimits and a memory limit. ``RLIMIT_AS`` is used where
  possible; ThreadSanitizer reserves terabytes of shadow address space (RLIMIT_DATA breaks it too), so TSan runs
  instead get a resident-set watchdog that polls ``/proc`` for the whole process tree;
* is killed with its whole tree on every exit path: normal exit (stray children), timeout, watchdog, an
  exception or Ctrl-C in verify, SIGTERM or SIGHUP to verify (``terminate_cleanly``), and verify's own death
  (``PR_SET_PDEATHSIG``). ``reaper`` finds children that left the process group with ``setsid()``;
* writes its output to anonymous temp files outside its directory (bounded by RLIMIT_FSIZE), not pipes, so a
  program printing forever cannot exhaust our memory and one deleting its cwd cannot lose or crash the read.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ompgpt.verify import isolation, reaper

OUTPUT_LIMIT = 64 << 20
_POLL_SECONDS = 0.02
_TREE_EVERY = 5  # polls between scans of the process tree for the memory watchdog
_PR_SET_PDEATHSIG = 1
_LIBC = ctypes.CDLL(None, use_errno=True)
_RESOURCE_SIGNALS = {
    signal.SIGXCPU: "the CPU-time limit",
    signal.SIGXFSZ: "the output-size limit",
}


@dataclass
class RunResult:
    """What one sandboxed process did; ``returncode`` is negative for a signal, None on timeout or no start."""

    returncode: int | None
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool = False
    memory_exceeded: bool = False
    stopped: bool = False
    #: why the command could not be started at all (e.g. its directory was deleted by an earlier run)
    error: str = ""

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    @property
    def ok(self) -> bool:
        """Exited by itself with status 0."""
        return self.returncode == 0 and not (self.timed_out or self.memory_exceeded or self.stopped)

    def describe(self) -> str:
        """One phrase for a failing run: why it did not exit normally, resource kills named."""
        if self.error:
            return f"could not start ({self.error})"
        if self.timed_out:
            return f"timed out after {self.seconds:.1f}s"
        if self.stopped:
            return "stopped early"
        if self.memory_exceeded:
            return "exceeded the memory limit"
        if self.returncode is not None and self.returncode < 0:
            with contextlib.suppress(ValueError):
                sig = signal.Signals(-self.returncode)
                limit = _RESOURCE_SIGNALS.get(sig)
                return f"killed by {sig.name}" + (f" ({limit} was reached)" if limit else "")
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


class Terminated(SystemExit):
    """Raised in the main thread on SIGTERM or SIGHUP, so every ``finally`` (kill the tree, remove the temp dir)
    runs; exits with the shell's code for that signal (143, 129)."""

    def __init__(self, signum: int) -> None:
        super().__init__(128 + signum)


_TERMINATING = (signal.SIGTERM, signal.SIGHUP)


@contextlib.contextmanager
def terminate_cleanly() -> Iterator[None]:
    """Turn SIGTERM/SIGHUP into ``Terminated`` while inside (main thread, default handlers only); kill what runs
    on the way out."""
    main = threading.current_thread() is threading.main_thread()
    installed = [s for s in _TERMINATING if main and signal.getsignal(s) == signal.SIG_DFL]

    def handler(signum: int, frame: object) -> None:
        raise Terminated(signum)

    for signum in installed:
        signal.signal(signum, handler)
    try:
        yield
    except BaseException:
        kill_all()
        raise
    finally:
        _STOPPING.clear()
        for signum in installed:
            signal.signal(signum, signal.SIG_DFL)


@contextlib.contextmanager
def workspace(prefix: str = "ompgpt-verify-") -> Iterator[Path]:
    """A fresh temp directory (resolved: the sandbox binds it by that name), removed afterwards whatever happens."""
    path = Path(tempfile.mkdtemp(prefix=prefix)).resolve()
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _preexec(limits: Limits) -> Callable[[], None]:
    cpu = limits.cpu_seconds or int(limits.timeout * max(os.cpu_count() or 1, 1)) + 5

    def apply() -> None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # dies with the thread that started it
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
        resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_LIMIT, OUTPUT_LIMIT))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if limits.address_space:
            cap = limits.memory_mb << 20
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    return apply


@dataclass
class _Live:
    """A started run: its process, the token its environment carries, and how it is isolated."""

    proc: subprocess.Popen
    token: str
    mode: str


_LIVE: dict[int, _Live] = {}
_LIVE_LOCK = threading.Lock()
#: set by ``kill_all``: build threads must not start anything new while verify is being interrupted
_STOPPING = threading.Event()


def _kill_tree(live: _Live) -> None:
    """Kill the run's process, its group and every process it started, and wait until they are gone.

    Once our process is reaped its pid may be reused, so it and its descendants are only looked at before; its
    orphans are then in the PID namespace that died with it (bwrap) or carry the run's token.
    """
    unreaped = live.proc.returncode is None
    pids = [live.proc.pid, *reaper.descendants(live.proc.pid)] if unreaped else []
    if live.mode != "bwrap":  # without a PID namespace, orphans that called setsid() are found by token
        pids += reaper.tagged(live.token)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(live.proc.pid, signal.SIGKILL)
    reaper.kill(pids)
    live.proc.wait()


def kill_all() -> None:
    """Kill every run still going, and refuse new ones until ``terminate_cleanly`` exits (Ctrl-C or SIGTERM in
    verify: build threads must not outlive it)."""
    _STOPPING.set()
    with _LIVE_LOCK:
        lives = list(_LIVE.values())
    for live in lives:
        _kill_tree(live)


def _read(file: IO[bytes]) -> str:
    """The output so far. ``pread``: the program shares this file's offset, so seeking would move its writes."""
    return os.pread(file.fileno(), OUTPUT_LIMIT, 0).decode("utf-8", errors="replace")


def _returncode(live: _Live) -> int | None:
    """bwrap reports a signal death of the program as 128 + signal; give it back as Popen does (negative)."""
    code = live.proc.returncode
    if live.mode == "bwrap" and code is not None and code > 128:
        with contextlib.suppress(ValueError):
            return -signal.Signals(code - 128)
    return code


def run(
    cmd: Sequence[str] | str,
    cwd: Path,
    limits: Limits,
    env: Mapping[str, str] | None = None,
    readable: Sequence[Path] = (),
) -> RunResult:
    """Run ``cmd`` (argv, or a shell string) inside ``cwd`` under ``limits``, isolated; never raises for
    program failures. ``readable``: directories the command must read even if they lie under a hidden root."""
    token = uuid.uuid4().hex
    cwd = cwd.resolve()
    full_env = isolation.environment({"TMPDIR": str(cwd), "HOME": str(cwd), **(env or {}), reaper.RUN_ID_VAR: token})
    argv = ["sh", "-c", cmd] if isinstance(cmd, str) else list(cmd)
    chosen = isolation.mode()
    start = time.monotonic()
    if _STOPPING.is_set():
        return RunResult(None, "", "", 0.0, error="verify is being interrupted")
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            proc = subprocess.Popen(
                isolation.wrap(chosen, argv, cwd, full_env, readable),
                cwd=cwd,
                env=full_env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,
                preexec_fn=_preexec(limits),
            )
        except OSError as exc:
            return RunResult(None, "", "", time.monotonic() - start, error=exc.strerror or str(exc))
        live = _Live(proc, token, chosen)
        outcome = _supervise(live, limits, start, err)
        seconds = time.monotonic() - start
        return RunResult(
            None if outcome == "timeout" else _returncode(live),
            _read(out),
            _read(err),
            seconds,
            outcome == "timeout",
            outcome == "memory",
            outcome == "stopped",
        )


def _supervise(live: _Live, limits: Limits, start: float, err: IO[bytes]) -> str:
    """``_watch`` the run with it registered as live; its whole tree is dead when this returns or raises."""
    with _LIVE_LOCK:
        _LIVE[live.proc.pid] = live
    try:
        return _watch(live, limits, start, err)
    finally:
        _kill_tree(live)
        with _LIVE_LOCK:
            _LIVE.pop(live.proc.pid, None)


def _watch(live: _Live, limits: Limits, start: float, err: IO[bytes]) -> str:
    """Wait for the run; it is killed (by the caller) on timeout, excess RSS (no RLIMIT_AS) or ``stop_when``.

    Returns "exited", "timeout", "memory" or "stopped".
    """
    proc = live.proc
    deadline = start + limits.timeout
    polling = not limits.address_space or limits.stop_when is not None
    seen, polls, tree = 0, 0, [proc.pid]
    while True:
        try:
            proc.wait(timeout=_POLL_SECONDS if polling else max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
        else:
            return "exited"
        if time.monotonic() >= deadline:
            return "timeout"
        if not limits.address_space:
            if polls % _TREE_EVERY == 0:
                tree = [proc.pid, *reaper.descendants(proc.pid)]
            polls += 1
            if reaper.rss_mb(tree) > limits.memory_mb:
                return "memory"
        if limits.stop_when is not None:
            size = os.fstat(err.fileno()).st_size
            if size != seen and limits.stop_when(_read(err)):
                return "stopped"
            seen = size
