"""How much the kernel lets us isolate a build or a program: bubblewrap, ``unshare -rn``, or limits only.

Candidate programs are the user's code with pragmas nobody has checked yet, and the project they come from may be
hostile (issue 24): they must not reach the network, write outside their directory or read our environment.

* ``bwrap`` (Debian ``bubblewrap``): ``--unshare-all`` (no network, own PID namespace, so killing its init kills
  every process the run started, ``setsid()`` or not), ``--die-with-parent``, ``--new-session``; the whole file
  system read-only (``--ro-bind / /``) with ``/tmp``, ``/var/tmp``, ``/home``, ``/root`` and ``/run`` (sockets of
  system daemons) replaced by empty tmpfs; the run's own directory bound read-write; the source's directory,
  the ``PATH`` directories and the installation of the command and of the compiler bound back read-only when
  they lie under a hidden root.
* ``unshare``: ``unshare -rn`` (user and network namespaces): no network, nothing else.
* ``none``: time, memory and output limits only.

The mode is probed once per process, trying them in that order (``OMPGPT_SANDBOX=bwrap|unshare|none`` starts the
search lower); anything weaker than bwrap prints one warning to stderr saying which protection is missing.
Whatever the mode, a program sees only an allowlisted environment (``environment``), never all of ours.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

MODES = ("bwrap", "unshare", "none")
HIDDEN_ROOTS = ("/tmp", "/var/tmp", "/home", "/root", "/run")
#: variables a build or program may inherit from us: locale, search paths of compilers and the dynamic linker
#: (toolchains installed outside /usr need them), and sanitizer/OpenMP settings the user chose
PASSED_NAMES = frozenset(
    {"PATH", "LANG", "LANGUAGE", "TZ", "TSAN_OPTIONS", "LD_LIBRARY_PATH", "LIBRARY_PATH", "CPATH"}
    | {"C_INCLUDE_PATH", "CPLUS_INCLUDE_PATH"}
)
PASSED_PREFIXES = ("LC_", "OMP_")
_WARNINGS = {
    "unshare": "{why}, so programs run under `unshare -rn`: no network, but they can write outside their directory"
    " and read the whole file system",
    "none": "no sandbox ({why}): programs run with time and memory limits only and can open sockets and write"
    " outside their directory",
}
_CAUSES = {
    "unshare": "bubblewrap (bwrap) is missing or cannot create namespaces here",
    "none": "bwrap and `unshare -rn` both unusable here",
}
_lock = threading.Lock()
_chosen: list[str] = []


def environment(extra: Mapping[str, str]) -> dict[str, str]:
    """Our allowlisted variables plus ``extra`` (what the caller sets wins): ``env -i`` with a short list."""
    kept = {k: v for k, v in os.environ.items() if k in PASSED_NAMES or k.startswith(PASSED_PREFIXES)}
    return {**kept, **extra}


def mode() -> str:
    """The strongest usable mode, probed once per process; warns (once) when it is not bwrap."""
    with _lock:
        if not _chosen:
            forced = os.environ.get("OMPGPT_SANDBOX", "")
            start = MODES.index(forced) if forced in MODES else 0
            chosen = next(m for m in MODES[start:] if m == "none" or _usable(m))
            _chosen.append(chosen)
            if chosen in _WARNINGS:
                why = f"OMPGPT_SANDBOX={forced}" if chosen == forced else _CAUSES[chosen]
                print(f"ompgpt verify: warning: {_WARNINGS[chosen].format(why=why)}", file=sys.stderr)
        return _chosen[0]


def _usable(candidate: str) -> bool:
    """Whether ``candidate`` can run ``true`` here, with the same options real runs use."""
    with tempfile.TemporaryDirectory(prefix="ompgpt-probe-") as work:
        argv = wrap(candidate, ["true"], Path(work).resolve(), {"PATH": os.environ.get("PATH", "/usr/bin:/bin")})
        try:
            done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=20, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return False
    return done.returncode == 0


def _hidden(path: Path) -> bool:
    return any(path == Path(root) or Path(root) in path.parents for root in HIDDEN_ROOTS)


def _read_only_views(argv: Sequence[str], env: Mapping[str, str], readable: Sequence[Path], cwd: Path) -> list[str]:
    """``--ro-bind`` options bringing back what a run needs from under the hidden roots."""
    wanted = [Path(os.path.realpath(p)) for p in readable]
    wanted += [Path(os.path.realpath(p)) for p in env.get("PATH", "").split(os.pathsep) if p]
    tools = [t for t in (argv[0], env.get("OMPGPT_CC", ""), env.get("CC", "")) if os.path.isabs(t)]
    for tool in tools:
        wanted += [_prefix(Path(os.path.dirname(tool))), _prefix(Path(os.path.dirname(os.path.realpath(tool))))]
    options: list[str] = []
    for path in dict.fromkeys(wanted):
        if _hidden(path) and path.is_dir() and path != cwd and cwd not in path.parents:
            options += ["--ro-bind", str(path), str(path)]
    return options


def _prefix(directory: Path) -> Path:
    """The installation of a tool we run: ``PREFIX`` for ``PREFIX/bin`` (an interpreter or a compiler needs
    ``PREFIX/lib``). Only for the command and the compiler: a whole ``~/.cargo`` for a ``PATH`` entry would show
    its credentials."""
    return directory.parent if directory.name == "bin" else directory


def wrap(
    chosen: str, argv: Sequence[str], cwd: Path, env: Mapping[str, str], readable: Sequence[Path] = ()
) -> list[str]:
    """``argv`` wrapped to run under ``chosen`` in ``cwd`` (which must be an absolute, resolved path)."""
    if chosen == "unshare":
        return ["unshare", "-rn", "--", *argv]
    if chosen != "bwrap":
        return list(argv)
    options = ["--unshare-all", "--die-with-parent", "--new-session", "--ro-bind", "/", "/"]
    options += ["--dev", "/dev", "--proc", "/proc"]
    for root in HIDDEN_ROOTS:
        if os.path.isdir(root) and not os.path.islink(root):
            options += ["--tmpfs", root]
    options += _read_only_views(argv, env, readable, cwd)
    options += ["--bind", str(cwd), str(cwd), "--chdir", str(cwd)]
    return ["bwrap", *options, "--", *argv]
