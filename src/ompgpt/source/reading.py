"""Reading a file that a scanned repository may have made hostile: only regular files are opened, and never more
than the size limit is read.

A FIFO named ``x.c`` would block ``open()`` forever, a symlink to ``/dev/zero`` would be read until memory runs
out, and opening a device can have side effects. So the path is ``stat``-ed first and only a regular file is opened;
the open is non-blocking and the descriptor is ``fstat``-ed again, so a file swapped for a FIFO or device between
the two calls is refused too. At most ``max_bytes + 1`` bytes are read, whatever the file claims its size is.
"""

from __future__ import annotations

import os
import stat

_CHUNK = 1 << 20
_KINDS = (
    (stat.S_ISDIR, "is a directory"),
    (stat.S_ISFIFO, "not a regular file (FIFO)"),
    (stat.S_ISSOCK, "not a regular file (socket)"),
    (stat.S_ISCHR, "not a regular file (character device)"),
    (stat.S_ISBLK, "not a regular file (block device)"),
)


class ReadRefused(Exception):
    """The file was not read; ``str()`` is the reason, worded for a ``file:line:col: error:`` message."""


def file_kind_problem(mode: int) -> str | None:
    """Why a file of this ``st_mode`` must not be read as source, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((reason for test, reason in _KINDS if test(mode)), "not a regular file")


def size_problem(size: int, max_bytes: int) -> str | None:
    if size <= max_bytes:
        return None
    return f"file is {_mib(size)}, over the {_mib(max_bytes)} limit (--max-file-size)"


def read_regular_file(path: str | os.PathLike, max_bytes: int) -> bytes:
    """The bytes of the regular file ``path`` (a symlink to one is followed); :class:`ReadRefused` for anything
    else, a file over ``max_bytes``, or an OS error."""
    try:
        problem = file_kind_problem(os.stat(path).st_mode)
        if problem:
            raise ReadRefused(problem)
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(path, flags)
    except OSError as exc:
        raise ReadRefused(f"cannot read file: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        problem = file_kind_problem(info.st_mode) or size_problem(info.st_size, max_bytes)
        if problem:
            raise ReadRefused(problem)
        return _read_at_most(fd, max_bytes)
    except OSError as exc:
        raise ReadRefused(f"cannot read file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def _read_at_most(fd: int, max_bytes: int) -> bytes:
    """Read to the end, but refuse (without reading further) a file that grew past ``max_bytes`` while read."""
    chunks: list[bytes] = []
    total = 0
    while total <= max_bytes:
        chunk = os.read(fd, min(_CHUNK, max_bytes + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
    raise ReadRefused(f"file is over the {_mib(max_bytes)} limit (--max-file-size)")


def _mib(size: int) -> str:
    return f"{size / 2**20:.3g} MiB" if size >= 2**20 else f"{size} bytes"
