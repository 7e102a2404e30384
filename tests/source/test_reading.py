"""Hostile files in a scanned folder: FIFOs, devices, sockets and oversized files are refused before they are read,
with a one-line error, and the run goes on with the other files."""

from __future__ import annotations

import os
import resource
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from ompgpt.source import SourceError, read_source
from ompgpt.source.reading import ReadRefused, read_regular_file

LOOP = "void f(float *restrict a, int n) {\n  for (int i = 0; i < n; i++)\n    a[i] = 2 * a[i];\n}\n"


def _cap_memory() -> None:
    """Keep a regression from eating the machine: reading /dev/zero fails at 2 GB instead."""
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def test_symlink_to_a_device_is_refused_without_reading(tmp_path: Path):
    link = tmp_path / "null.c"
    link.symlink_to("/dev/null")  # before: read as an empty file
    with pytest.raises(SourceError, match=r"null\.c:1:1: error: not a regular file \(character device\)"):
        read_source(link)


def test_socket_is_refused(tmp_path: Path):
    path = tmp_path / "s.c"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        with pytest.raises(SourceError, match=r"not a regular file \(socket\)"):
            read_source(path)


def test_symlink_to_a_regular_file_is_read(tmp_path: Path):
    (tmp_path / "real.c").write_text(LOOP)
    (tmp_path / "link.c").symlink_to(tmp_path / "real.c")
    assert read_source(tmp_path / "link.c").text == LOOP


def test_read_stops_after_the_limit_even_when_the_size_lies(tmp_path: Path):
    path = tmp_path / "big.c"
    path.write_bytes(b"x" * 5000)
    with pytest.raises(ReadRefused, match="over the 4000 bytes limit"):
        read_regular_file(path, 4000)
    assert read_regular_file(path, 5000) == b"x" * 5000


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_and_device_under_a_folder_and_given_explicitly_are_errors_and_the_run_goes_on(tmp_path: Path):
    """Before: ``open()`` of the FIFO blocked forever (killed here by the timeout) and /dev/zero was read until
    memory ran out."""
    (tmp_path / "good.c").write_text(LOOP)
    os.mkfifo(tmp_path / "pipe.c")
    (tmp_path / "zero.c").symlink_to("/dev/zero")
    cmd = [sys.executable, "-m", "ompgpt.cli", "annotate", "--no-model", str(tmp_path), str(tmp_path / "pipe.c")]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, preexec_fn=_cap_memory)
    assert proc.returncode == 2, proc.stderr
    assert f"{tmp_path / 'pipe.c'}:1:1: error: not a regular file (FIFO)" in proc.stderr
    assert f"{tmp_path / 'zero.c'}:1:1: error: not a regular file (character device)" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert "#pragma omp parallel for" in proc.stdout  # good.c was still annotated (diff on stdout)
