"""Find and kill every process a verified program started, even the ones that left its process group.

A process group is not enough: a child that calls ``setsid()`` leaves the group and, once its parent exits, is
re-parented to init, so ``killpg`` misses it and it outlives verify (issue 24). Two ways to still find it:

* while its ancestors live it is a *descendant* of the process we started (parent links in ``/proc``); under
  bubblewrap every process of the run stays a descendant, because orphans are re-parented to the sandbox's
  PID-namespace init, which is ours;
* without a PID namespace, an orphan is found by the run's token: every run gets ``OMPGPT_RUN_ID=<token>`` in its
  environment, which children inherit; ``/proc/PID/environ`` shows it (same user only).
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterable

RUN_ID_VAR = "OMPGPT_RUN_ID"


def _stat(pid: str) -> list[str] | None:
    """Fields of ``/proc/PID/stat`` after the command name (which may contain spaces and parentheses)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    return text[text.rfind(")") + 2 :].split()


def _parents() -> dict[int, int]:
    """pid -> parent pid of every live process."""
    links = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            fields = _stat(name)
            if fields and len(fields) > 1:
                links[int(name)] = int(fields[1])
    return links


def descendants(root: int) -> list[int]:
    """Every live process below ``root`` (not ``root`` itself), parents before children."""
    children: dict[int, list[int]] = {}
    for pid, parent in _parents().items():
        children.setdefault(parent, []).append(pid)
    found, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def tagged(token: str) -> list[int]:
    """Live processes whose environment carries ``OMPGPT_RUN_ID=token``."""
    needle = b"\0" + f"{RUN_ID_VAR}={token}".encode() + b"\0"
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        with contextlib.suppress(OSError), open(f"/proc/{name}/environ", "rb") as f:
            if needle in b"\0" + f.read() + b"\0":
                found.append(int(name))
    return found


def rss_mb(pids: Iterable[int]) -> float:
    """Resident memory of ``pids`` together, in MiB (threads share their process's, so pids suffice)."""
    page, total = os.sysconf("SC_PAGE_SIZE"), 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError), open(f"/proc/{pid}/statm") as f:
            total += int(f.read().split()[1])
    return total * page / (1 << 20)


def alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    fields = _stat(str(pid))
    return bool(fields) and fields[0] != "Z"


def kill(pids: Iterable[int], wait: float = 2.0) -> None:
    """SIGKILL ``pids`` and wait (up to ``wait`` seconds) until none of them runs any more."""
    pids = list(pids)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + wait
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.005)
