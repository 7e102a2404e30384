"""The unified diff is written in the file's own bytes, so ``patch``/``git apply`` give what ``--in-place`` writes.

Before, the diff was text printed through ``sys.stdout`` (UTF-8): a latin-1 byte in a string literal came out as
two bytes, the context no longer matched the file and ``patch`` rejected the hunk. The real ``patch`` and ``git``
tools check it here.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

LOOP = (
    b"#include <stdio.h>\n"
    b'static const char *label = "Temp\xe9rature \xb0C";\n'
    b"void scale(int n, float a, float *restrict y) {\n"
    b"  for (int i = 0; i < n; i++)\n"
    b"    y[i] = a * y[i];\n"
    b'  puts("d\xe9j\xe0 vu");\n'
    b"}"
)

VARIANTS = {
    "latin1_no_final_newline": LOOP,
    "latin1_crlf": LOOP.replace(b"\n", b"\r\n") + b"\r\n",
    "utf8_bom": b"\xef\xbb\xbf" + LOOP.decode("latin-1").encode() + b"\n",
    "latin1_form_feed_and_nel": LOOP.replace(b"#include", b"\x0c\n/* \x85 */\n#include") + b"\n",
}


def ompgpt(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ompgpt.cli", *args], cwd=cwd, capture_output=True)


def in_place_result(tmp_path: Path, data: bytes) -> bytes:
    ref = tmp_path / "ref"
    ref.mkdir()
    (ref / "k.c").write_bytes(data)
    proc = ompgpt(ref, "annotate", "--no-model", "--in-place", "k.c")
    assert proc.returncode == 0, proc.stderr
    return (ref / "k.c").read_bytes()


@pytest.mark.parametrize("name", sorted(VARIANTS))
@pytest.mark.parametrize("tool", ["patch", "git"])
def test_diff_applies_with_real_tools_and_matches_in_place(tmp_path: Path, name: str, tool: str):
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed")
    data = VARIANTS[name]
    expected = in_place_result(tmp_path, data)
    assert expected != data and b"#pragma omp parallel for" in expected
    work = tmp_path / "work"
    work.mkdir()
    (work / "k.c").write_bytes(data)
    proc = ompgpt(work, "annotate", "--no-model", "k.c")
    assert proc.returncode == 1, proc.stderr
    diff = proc.stdout
    assert diff.startswith(b"--- a/k.c\n+++ b/k.c\n")
    (tmp_path / "k.diff").write_bytes(diff)
    if tool == "patch":
        cmd = ["patch", "-p1", "--fuzz=0", "--binary", "--no-backup-if-mismatch", "-i", str(tmp_path / "k.diff")]
    else:
        cmd = ["git", "apply", "--unsafe-paths", "-p1", str(tmp_path / "k.diff")]
    applied = subprocess.run(cmd, cwd=work, capture_output=True)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert (work / "k.c").read_bytes() == expected
