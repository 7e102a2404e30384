"""Writing a user's file safely: all or nothing, with a backup of the original, never losing a byte.

The new content goes to a temporary file in the target's directory, is flushed and fsync'ed, gets the original's
mode and owner, and replaces the target with ``os.replace`` (atomic on POSIX), so an interrupted run leaves each file
either fully old or fully new. Before that, the current bytes are saved as ``FILE.ompgpt.bak`` (same mode and owner
as the original), created next to the name given without ever replacing an existing backup: a backup left by an
earlier run holds the only copy of the true original, so the file is refused (``--backup-suffix`` picks another
name).

Edge cases, each decided for the user's sake:

- a symlink is written through: its target gets the new content and the link stays a link;
- a file with several hard links is rewritten in place (truncate and write, after the backup is safely on disk):
  replacing it would silently detach this name from the others, which then keep the old content. The rewrite is not
  atomic, so if it fails the original bytes are written back, and the backup holds them in any case. A file whose
  owner or group a new file could not get (the runner is neither root nor its owner) is rewritten in place too,
  rather than silently changing hands;
- a file whose bytes differ from what was analysed (edited while ompgpt ran) is not written;
- temporary files are named ``.FILE.ompgpt-tmp.PID.*``; they are removed on every exit path (SIGTERM and SIGHUP
  become an exception while writing, like Ctrl-C), and a later run removes those whose process is gone (after
  ``kill -9``).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import glob
import os
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

BACKUP_SUFFIX = ".ompgpt.bak"
TMP_MARK = ".ompgpt-tmp."
#: signals whose default action would kill the process between creating a temporary file and removing it
_TERMINATING = (signal.SIGTERM, signal.SIGHUP)


class InPlaceError(Exception):
    """A file that was deliberately not written; ``str()`` says why in a few words."""


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived while a file was being written: unwinds like Ctrl-C, so temporary files are
    removed."""


def add_backup_option(parser: argparse.ArgumentParser) -> None:
    """``--backup-suffix``, shared by ``annotate --in-place`` and ``lint --fix``."""
    parser.add_argument(
        "--backup-suffix",
        metavar="SUFFIX",
        help=f"back up FILE as FILE+SUFFIX (default {BACKUP_SUFFIX}); an existing backup is never overwritten",
    )


def backup_suffix(value: str | None) -> str:
    """The suffix to use; raises ValueError for one that would not name a new file beside the original."""
    if value is None:
        return BACKUP_SUFFIX
    if not value or "/" in value or "\0" in value:
        raise ValueError(f"--backup-suffix {value!r}: give a non-empty suffix without '/'")
    return value


@contextlib.contextmanager
def signals_as_exceptions() -> Iterator[None]:
    """While writing, turn SIGTERM and SIGHUP into :class:`Terminated` so ``finally``/``except`` blocks remove
    temporary files (the default action would kill the process on the spot). Only the main thread sets handlers."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def raise_terminated(signum, frame):
        raise Terminated()

    previous = {signum: signal.signal(signum, raise_terminated) for signum in _TERMINATING}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)


def remove_stale_temps(path: Path) -> list[Path]:
    """Remove ``.NAME.ompgpt-tmp.PID.*`` files beside ``path`` whose process no longer exists (a run killed with
    SIGKILL or by a power cut). Returns what was removed."""
    removed = []
    for name in glob.glob(glob.escape(str(path.parent / f".{path.name}{TMP_MARK}")) + "*"):
        pid = Path(name).name[len(f".{path.name}{TMP_MARK}") :].split(".")[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(name)
                removed.append(Path(name))
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it exists, under another user
        return True
    return True


def _copy_owner_and_mode(fd: int, like: os.stat_result) -> None:
    """Give the file ``fd`` the owner, group and permission bits of ``like``. Changing the owner needs root (or the
    same user, for a group the user is in); when the system says no, the runner keeps ownership."""
    if os.geteuid() in (0, like.st_uid):
        with contextlib.suppress(PermissionError):
            os.fchown(fd, like.st_uid, like.st_gid)
    os.fchmod(fd, stat.S_IMODE(like.st_mode))  # after chown, which clears set-user-ID bits


def _write_temp(directory: Path, name: str, data: bytes, like: os.stat_result | None) -> str:
    """A fsync'ed temporary file holding ``data`` in ``directory``, owned and moded like ``like``; its path."""
    fd, tmp = tempfile.mkstemp(prefix=f".{name}{TMP_MARK}{os.getpid()}.", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if like is not None:
                _copy_owner_and_mode(fh.fileno(), like)
            os.fsync(fh.fileno())
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def atomic_write_bytes(path: Path, data: bytes, like: os.stat_result | None = None) -> None:
    """Replace ``path`` by ``data`` atomically with the mode and owner of ``like`` (default: of ``path`` if any)."""
    path = Path(path)
    if like is None and path.exists():
        like = path.stat()
    tmp = _write_temp(path.parent, path.name, data, like)
    try:
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _create_backup(backup: Path, data: bytes, like: os.stat_result) -> None:
    """Write ``backup`` only if no such file exists, atomically (a hard link of a finished temporary file)."""
    tmp = _write_temp(backup.parent, backup.name, data, like)
    try:
        os.link(tmp, backup)
    except FileExistsError:
        raise InPlaceError(_backup_exists(backup)) from None
    except OSError as exc:  # a file system without hard links: check, then rename
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        if os.path.lexists(backup):
            raise InPlaceError(_backup_exists(backup)) from None
        os.replace(tmp, backup)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _backup_exists(backup: Path) -> str:
    return f"backup {backup} already exists (from an earlier run?); not written: remove it or pass --backup-suffix"


def _can_keep_owner(like: os.stat_result) -> bool:
    """Whether a new file can be given the owner and group of ``like``: root can; its owner only for a group the
    owner belongs to."""
    if os.geteuid() == 0:
        return True
    return os.geteuid() == like.st_uid and (like.st_gid == os.getegid() or like.st_gid in os.getgroups())


def _rewrite_in_place(fh, data: bytes, original: bytes) -> None:
    """Overwrite the open file ``fh`` (its inode, links and owner stay); on failure write ``original`` back."""
    try:
        fh.write(data)
        fh.truncate()
        fh.flush()
        os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            fh.seek(0)
            fh.write(original)
            fh.truncate()
            fh.flush()
        raise


def _same_file_state(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino, a.st_size, a.st_mtime_ns) == (b.st_dev, b.st_ino, b.st_size, b.st_mtime_ns)


def write_with_backup(path: Path, data: bytes, expected: bytes | None = None, suffix: str = BACKUP_SUFFIX) -> Path:
    """Save the current content as ``path + suffix``, then give ``path`` (through a symlink: its target) the bytes
    ``data``. ``expected``: the bytes the new content was computed from; the file is refused if it now differs.
    Raises :class:`InPlaceError` for a refused file and ``OSError`` for a failed write. Returns the backup path."""
    path = Path(path)
    target = Path(os.path.realpath(path))
    backup = path.with_name(path.name + suffix)
    with signals_as_exceptions():
        before = os.stat(target)
        current = target.read_bytes()
        if expected is not None and current != expected:
            raise InPlaceError("file changed since ompgpt read it; not written")
        if os.path.lexists(backup):
            raise InPlaceError(_backup_exists(backup))
        remove_stale_temps(backup)
        remove_stale_temps(target)
        _create_backup(backup, current, before)
        in_place = before.st_nlink > 1 or not _can_keep_owner(before)
        try:
            if not in_place:
                _replace(target, data, before)
                return backup
            fh = _open_unchanged(target, before)
        except BaseException:  # the file is untouched: a backup of it would only block the next run
            backup.unlink(missing_ok=True)
            raise
        with fh:  # the backup stays whatever happens now: the rewrite may be partial
            _rewrite_in_place(fh, data, current)
    return backup


def _open_unchanged(target: Path, before: os.stat_result):
    """``target`` opened for rewriting, unless it changed since ``before`` was taken."""
    fh = open(target, "r+b")  # noqa: SIM115 (the caller closes it after the rewrite)
    if not _same_file_state(before, os.fstat(fh.fileno())):
        fh.close()
        raise InPlaceError("file changed while ompgpt was writing it; not written")
    return fh


def _replace(target: Path, data: bytes, before: os.stat_result) -> None:
    """Atomically replace ``target`` unless it changed since ``before`` was taken."""
    tmp = _write_temp(target.parent, target.name, data, before)
    try:
        if not _same_file_state(before, os.stat(target)):
            raise InPlaceError("file changed while ompgpt was writing it; not written")
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
