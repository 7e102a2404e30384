"""Writing a user's file safely: all or nothing, with a backup of the original.

The new content goes to a temporary file in the same directory, is flushed and fsync'ed, and replaces the original
with ``os.replace`` (atomic on POSIX), so an interrupted run leaves each file either fully old or fully new. The
backup (``FILE.ompgpt.bak``) is written the same way before the original is touched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

BACKUP_SUFFIX = ".ompgpt.bak"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` by ``data`` atomically, keeping its permission bits."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_with_backup(path: Path, data: bytes) -> Path:
    """Save the current content as ``path.ompgpt.bak``, then replace ``path`` atomically. Returns the backup path."""
    path = Path(path)
    backup = path.with_name(path.name + BACKUP_SUFFIX)
    atomic_write_bytes(backup, path.read_bytes())
    atomic_write_bytes(path, data)
    return backup
