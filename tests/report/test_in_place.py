"""``annotate --in-place`` and ``lint --fix`` on the files users really have: symlinks, hard links, other owners,
backups from an earlier run, files edited while ompgpt runs, writes that fail, and a SIGTERM in the middle.

Each test failed before: the symlink became a regular file, the owner became root's, the backup was 0600, hard
links silently split, a second run overwrote the backup, a killed run left ``.tmp`` files, ``lint --fix`` lost an
edit made while it ran and printed a traceback when the write failed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ompgpt.cli import main
from ompgpt.report import atomic
from ompgpt.report.atomic import BACKUP_SUFFIX, InPlaceError, remove_stale_temps, write_with_backup

SAXPY = (
    "void saxpy(int n, float a, const float *restrict x, float *restrict y) {\n"
    "  for (int i = 0; i < n; i++)\n"
    "    y[i] = a * x[i] + y[i];\n"
    "}\n"
)
#: what ``lint --fix`` changes: ``t`` needs ``private``
RACY = (
    "void work(int n, double *restrict a, double *restrict b) {\n"
    "  double t;\n"
    "#pragma omp parallel for\n"
    "  for (int i = 0; i < n; i++) {\n"
    "    t = a[i] * 2.0;\n"
    "    b[i] = t + 1.0;\n"
    "  }\n"
    "}\n"
)
PRAGMA = "  #pragma omp parallel for\n"


def annotated(text: str = SAXPY) -> str:
    return text.replace("  for (int i", PRAGMA + "  for (int i")


def listing(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_a_symlink_is_written_through_and_stays_a_symlink(tmp_path: Path, capsys):
    real = tmp_path / "lib" / "saxpy.c"
    real.parent.mkdir()
    real.write_text(SAXPY)
    link = tmp_path / "saxpy.c"
    link.symlink_to(Path("lib") / "saxpy.c")
    assert main(["annotate", "--no-model", "--in-place", str(link)]) == 0
    assert link.is_symlink() and os.readlink(link) == str(Path("lib") / "saxpy.c")
    assert real.read_text() == annotated()
    backup = tmp_path / ("saxpy.c" + BACKUP_SUFFIX)
    assert not backup.is_symlink() and backup.read_text() == SAXPY
    assert listing(real.parent) == ["saxpy.c"]  # no temporary file left beside the target
    capsys.readouterr()


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_owner_group_and_mode_are_kept_for_the_file_and_its_backup(tmp_path: Path, capsys):
    path = tmp_path / "saxpy.c"
    path.write_text(SAXPY)
    os.chown(path, 1234, 5678)
    path.chmod(0o640)
    assert main(["annotate", "--no-model", "--in-place", str(path)]) == 0
    backup = tmp_path / ("saxpy.c" + BACKUP_SUFFIX)
    for written in (path, backup):
        st = written.stat()
        assert (st.st_uid, st.st_gid, st.st_mode & 0o7777) == (1234, 5678, 0o640), written
    assert path.read_text() == annotated() and backup.read_text() == SAXPY
    capsys.readouterr()


def test_backup_gets_the_mode_of_the_original_not_0600(tmp_path: Path):
    path = tmp_path / "k.c"
    path.write_bytes(b"old\n")
    path.chmod(0o664)
    backup = write_with_backup(path, b"new\n")
    assert backup.stat().st_mode & 0o777 == 0o664 and path.stat().st_mode & 0o777 == 0o664


def test_a_hard_linked_file_is_rewritten_in_place_so_every_name_sees_the_change(tmp_path: Path, capsys):
    path = tmp_path / "saxpy.c"
    path.write_text(SAXPY)
    other = tmp_path / "copy_of_saxpy.txt"
    os.link(path, other)
    inode = path.stat().st_ino
    assert main(["annotate", "--no-model", "--in-place", str(path)]) == 0
    assert path.stat().st_ino == inode and path.stat().st_nlink == 2
    assert other.read_text() == annotated()
    assert (tmp_path / ("saxpy.c" + BACKUP_SUFFIX)).read_text() == SAXPY
    capsys.readouterr()


def test_an_existing_backup_is_never_overwritten(tmp_path: Path, capsys):
    first, second = tmp_path / "a.c", tmp_path / "b.c"
    first.write_text(SAXPY)
    second.write_text(SAXPY)
    old_backup = tmp_path / ("a.c" + BACKUP_SUFFIX)
    old_backup.write_text("the true original, from an earlier run\n")
    assert main(["annotate", "--no-model", "--in-place", str(first), str(second)]) == 2
    err = capsys.readouterr().err
    assert f"{first}:1:1: error: backup {old_backup} already exists" in err and "--backup-suffix" in err
    assert first.read_text() == SAXPY and old_backup.read_text() == "the true original, from an earlier run\n"
    assert second.read_text() == annotated()  # the other file is still written
    assert main(["annotate", "--no-model", "--in-place", "--backup-suffix", ".orig", str(first)]) == 0
    assert first.read_text() == annotated() and (tmp_path / "a.c.orig").read_text() == SAXPY
    assert old_backup.read_text() == "the true original, from an earlier run\n"
    capsys.readouterr()


@pytest.mark.parametrize("suffix", ["", "/x", "../up"])
def test_a_backup_suffix_that_names_no_new_file_is_a_usage_error(tmp_path: Path, suffix: str, capsys):
    path = tmp_path / "a.c"
    path.write_text(SAXPY)
    for command in (["annotate", "--no-model", "--in-place"], ["lint", "--fix"]):
        assert main([*command, f"--backup-suffix={suffix}", str(path)]) == 2
        assert "--backup-suffix" in capsys.readouterr().err
    assert listing(tmp_path) == ["a.c"] and path.read_text() == SAXPY


def test_lint_fix_refuses_an_existing_backup_too(tmp_path: Path, capsys):
    path = tmp_path / "work.c"
    path.write_text(RACY)
    (tmp_path / ("work.c" + BACKUP_SUFFIX)).write_text("older\n")
    assert main(["lint", "--fix", str(path)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert path.read_text() == RACY


def test_lint_fix_leaves_a_file_edited_while_it_ran_alone(tmp_path: Path, monkeypatch, capsys):
    from ompgpt.report import lint

    path = tmp_path / "work.c"
    path.write_text(RACY)
    real_lint_scan = lint.lint_scan

    def edit_during_analysis(*args, **kwargs):
        with path.open("a") as fh:  # the user saves an edit while lint analyses the file
            fh.write("/* the user's edit */\n")
        return real_lint_scan(*args, **kwargs)

    monkeypatch.setattr(lint, "lint_scan", edit_during_analysis)
    assert main(["lint", "--fix", str(path)]) == 2
    assert f"{path}:1:1: error: file changed since ompgpt read it; not written" in capsys.readouterr().err
    assert path.read_text() == RACY + "/* the user's edit */\n"
    assert listing(tmp_path) == ["work.c"]


def test_annotate_leaves_a_file_edited_while_it_ran_alone(tmp_path: Path, monkeypatch, capsys):
    from ompgpt.report import engine

    path = tmp_path / "saxpy.c"
    path.write_text(SAXPY)
    real_decide = engine.decide_file

    def edit_during_analysis(*args, **kwargs):
        path.write_text(SAXPY + "/* edited */\n")
        return real_decide(*args, **kwargs)

    monkeypatch.setattr(engine, "decide_file", edit_during_analysis)
    assert main(["annotate", "--no-model", "--in-place", str(path)]) == 2
    assert "file changed since ompgpt read it" in capsys.readouterr().err
    assert path.read_text() == SAXPY + "/* edited */\n" and listing(tmp_path) == ["saxpy.c"]


def test_a_change_between_the_backup_and_the_replace_is_detected(tmp_path: Path, monkeypatch):
    path = tmp_path / "k.c"
    path.write_bytes(b"old\n")
    real_write_temp = atomic._write_temp

    def edit_while_writing(directory, name, data, like):
        if name == "k.c":
            path.write_bytes(b"old, edited by the user\n")
        return real_write_temp(directory, name, data, like)

    monkeypatch.setattr(atomic, "_write_temp", edit_while_writing)
    with pytest.raises(InPlaceError, match="changed while ompgpt was writing"):
        write_with_backup(path, b"new\n", expected=b"old\n")
    assert path.read_bytes() == b"old, edited by the user\n"
    assert listing(tmp_path) == ["k.c"]  # neither the temporary file nor a backup of an untouched file is left


def test_lint_fix_reports_a_failed_write_in_one_line_and_fixes_the_other_files(tmp_path: Path):
    """A name of 248 bytes can be read, but its backup's name (259 bytes) cannot be created: a real write error
    that root cannot bypass (unlike a read-only directory)."""
    long_name = tmp_path / ("w" * 246 + ".c")
    long_name.write_text(RACY)
    ok = tmp_path / "ok.c"
    ok.write_text(RACY)
    proc = subprocess.run(
        [sys.executable, "-m", "ompgpt.cli", "lint", "--fix", str(long_name), str(ok)], capture_output=True, text=True
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    [error] = [line for line in proc.stderr.splitlines() if "error:" in line]
    assert error.startswith(f"{long_name}:1:1: error: cannot write: File name too long")
    assert long_name.read_text() == RACY
    assert "private(t)" in ok.read_text()


def test_stale_temporary_files_of_dead_runs_are_removed_and_live_ones_kept(tmp_path: Path):
    path = tmp_path / "k.c"
    path.write_bytes(b"old\n")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".k.c.ompgpt-tmp.{int(dead.stdout)}.abc123"
    live = tmp_path / ".k.c.ompgpt-tmp.1.def456"  # pid 1 is always alive
    foreign = tmp_path / ".k.c.xyz.tmp"  # not ours: never touched
    for p in (stale, live, foreign):
        p.write_bytes(b"partial")
    assert remove_stale_temps(path) == [stale]
    write_with_backup(path, b"new\n")
    assert listing(tmp_path) == sorted(["k.c", "k.c" + BACKUP_SUFFIX, live.name, foreign.name])


KILL_DURING_WRITE = """
import os, signal, sys
real_fsync, calls = os.fsync, []
def fsync(fd):
    calls.append(fd)
    real_fsync(fd)
    if len(calls) == 2:  # the new content is in its temporary file, not yet renamed over the original
        os.kill(os.getpid(), getattr(signal, sys.argv[1]))
os.fsync = fsync
from ompgpt.cli import main
sys.exit(main(["annotate", "--no-model", "--in-place", sys.argv[2]]))
"""


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGINT", "SIGHUP"])
def test_a_signal_while_writing_leaves_the_original_and_no_temporary_file(tmp_path: Path, signame: str):
    path = tmp_path / "saxpy.c"
    path.write_text(SAXPY)
    proc = subprocess.run(
        [sys.executable, "-c", KILL_DURING_WRITE, signame, str(path)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode in (130, -signal.SIGTERM, 128 + signal.SIGTERM) and "interrupted" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert listing(tmp_path) == ["saxpy.c"] and path.read_text() == SAXPY


def test_a_file_named_twice_or_through_a_symlink_is_written_once(tmp_path: Path, capsys):
    path = tmp_path / "saxpy.c"
    path.write_text(SAXPY)
    (tmp_path / "link.c").symlink_to("saxpy.c")
    assert main(["annotate", "--no-model", "--in-place", str(tmp_path)]) == 0, capsys.readouterr().err
    assert path.read_text() == annotated() and (tmp_path / "link.c").is_symlink()
    assert listing(tmp_path) == ["link.c", "link.c" + BACKUP_SUFFIX, "saxpy.c"]  # the first name found gets it


def test_a_file_the_runner_could_not_give_back_to_its_owner_is_rewritten_in_place(tmp_path: Path, monkeypatch):
    """Run as a user who may write the file but does not own it (simulated: the tests run as root, and another
    user could not run this interpreter): a replacement file would belong to the runner, so the inode is kept."""
    path = tmp_path / "k.c"
    path.write_bytes(b"old\n")
    os.chown(path, 4321, 4321)
    inode = path.stat().st_ino
    monkeypatch.setattr(atomic.os, "geteuid", lambda: 1234)
    backup = write_with_backup(path, b"new\n")
    st = path.stat()
    assert (st.st_ino, st.st_uid, st.st_gid) == (inode, 4321, 4321)
    assert path.read_bytes() == b"new\n" and backup.read_bytes() == b"old\n"
