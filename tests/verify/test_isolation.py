"""Hostile programs under verify (issue 24): no writes outside their dir, no network, no environment of ours,
no surviving processes, no crash when they delete their cwd, nothing left behind when verify is killed."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from ompgpt.verify import build, isolation, sandbox
from ompgpt.verify.sandbox import Limits


def _usable(mode: str) -> bool:
    return mode == "none" or isolation._usable(mode)


@pytest.fixture(params=isolation.MODES)
def each_mode(request, monkeypatch) -> str:
    """Run the test under every isolation mode this kernel allows (skipped, with the reason, otherwise)."""
    if not _usable(request.param):
        pytest.skip(f"{request.param} cannot run here (no user namespaces?)")
    monkeypatch.setattr(isolation, "mode", lambda: request.param)
    return request.param


@pytest.fixture
def need_bwrap() -> None:
    if isolation.mode() != "bwrap":
        pytest.skip("bubblewrap cannot run here: the filesystem view is not isolated")


@pytest.fixture
def work(tmp_path: Path) -> Path:
    path = tmp_path / "work"
    path.mkdir()
    return path


@pytest.mark.usefixtures("need_bwrap")
def test_writes_outside_its_dir_fail_and_the_files_are_unchanged(tmp_path, work):
    project = tmp_path / "project"
    project.mkdir()
    (project / "prog.c").write_text("int main(void) { return 0; }\n")
    victim = tmp_path / "victim.txt"
    victim.write_text("original\n")
    script = f"""
        echo pwned > '{victim}'; echo pwned > '{project}/prog.c'; echo pwned > '{project}/new.c'
        rm -f '{victim}'; echo mine > own.txt; cat '{project}/prog.c'
    """
    result = sandbox.run(["sh", "-c", script], work, Limits(timeout=10), readable=[project])
    assert victim.read_text() == "original\n"
    assert (project / "prog.c").read_text() == "int main(void) { return 0; }\n"
    assert not (project / "new.c").exists()
    assert (work / "own.txt").read_text() == "mine\n"  # its own directory stays writable
    assert "int main" in result.stdout  # the project is readable


@pytest.mark.parametrize("mode", ["bwrap", "unshare"])
def test_a_socket_to_localhost_fails(mode, work, monkeypatch):
    if not _usable(mode):
        pytest.skip(f"{mode} cannot run here")
    monkeypatch.setattr(isolation, "mode", lambda: mode)
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        server.settimeout(0.5)
        port = server.getsockname()[1]
        client = f"import socket; socket.create_connection(('127.0.0.1', {port}), timeout=5); print('connected')"
        result = sandbox.run([sys.executable, "-c", client], work, Limits(timeout=20))
        assert result.returncode != 0
        assert "connected" not in result.stdout
        with pytest.raises(TimeoutError):
            server.accept()


def test_the_environment_is_an_allowlist(work, monkeypatch, each_mode):
    monkeypatch.setenv("OMPGPT_TEST_SECRET", "s3cret-token")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s3cret-key")
    monkeypatch.setenv("OMP_WAIT_POLICY", "passive")
    result = sandbox.run(["sh", "-c", "env"], work, Limits(timeout=10), {"OMP_NUM_THREADS": "3"})
    assert result.returncode == 0
    assert "s3cret" not in result.stdout
    names = {line.split("=", 1)[0] for line in result.stdout.splitlines() if "=" in line}
    assert {"PATH", "OMP_NUM_THREADS", "OMP_WAIT_POLICY", "HOME", "TMPDIR"} <= names


def test_a_setsid_child_is_killed_when_the_program_exits(work, each_mode, running):
    tag = uuid.uuid4().hex
    marker = work / f"marker-{tag}"
    script = f"setsid sh -c 'sleep 1; touch {marker.name}; : {tag}' & sleep 0.2; echo started"
    result = sandbox.run(["sh", "-c", script], work, Limits(timeout=10))
    assert result.stdout.strip() == "started"
    assert not running(tag)
    time.sleep(1.5)
    assert not marker.exists()


def test_a_setsid_child_is_killed_on_timeout(work, each_mode, running):
    tag = uuid.uuid4().hex
    script = f"setsid sh -c 'sleep 30; : {tag}' & sleep 30"
    result = sandbox.run(["sh", "-c", script], work, Limits(timeout=1))
    assert result.timed_out
    assert not running(tag)


def test_a_program_deleting_its_cwd_is_reported(work, each_mode):
    result = sandbox.run(["sh", "-c", 'rm -rf "$PWD"; echo gone; echo err >&2'], work, Limits(timeout=10))
    assert result.stdout == "gone\n" and result.stderr.endswith("err\n")  # bwrap: rm cannot remove a mount point
    again = sandbox.run(["sh", "-c", "echo again"], work, Limits(timeout=10))
    assert again.returncode != 0 or again.stdout == "again\n"  # gone, or a bind mount point rm could not remove


def test_a_run_in_a_missing_directory_is_a_result_not_a_traceback(tmp_path):
    result = sandbox.run(["true"], tmp_path / "missing", Limits(timeout=5))
    assert result.returncode is None and result.error
    assert result.describe().startswith("could not start")


PROGRAM_DELETING_CWD = r"""#include <stdio.h>
#include <stdlib.h>
int main(void) {
    double s = 0;
    for (int i = 0; i < 1000; i++)
        s += i * 0.5;
    printf("%.3f\n", s);
    return system("rm -rf \"$PWD\"") != 0;
}
"""


@pytest.mark.usefixtures("need_clang")
def test_verify_reports_a_program_that_deletes_its_cwd(tmp_path):
    src = tmp_path / "p.c"
    src.write_text(PROGRAM_DELETING_CWD)
    done = _verify(src, "5=parallel for reduction(+:s)", "--threads", "2,3", "--timing-runs", "2")
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    assert "p.c:5:" in done.stdout and "edit:" not in done.stdout


EXIT_THREE = r"""#include <stdio.h>
int main(void) {
    double s = 0;
    for (int i = 0; i < 1000; i++)
        s += i * 0.5;
    printf("%.3f\n", s);
    return 3;
}
"""


@pytest.mark.usefixtures("need_clang")
def test_a_program_exiting_three_cannot_be_verified_and_says_so(tmp_path):
    src = tmp_path / "p.c"
    src.write_text(EXIT_THREE)
    done = _verify(src, "4=parallel for reduction(+:s)", "--no-race")
    assert done.returncode == 1
    assert "rejected" in done.stdout
    assert "the serial program cannot be verified: it exits with code 3" in done.stdout


def test_a_resource_kill_is_named():
    with sandbox.workspace() as work:
        result = sandbox.run(["sh", "-c", "kill -XCPU $$"], work, Limits(timeout=10))
    assert result.describe() == "killed by SIGXCPU (the CPU-time limit was reached)"


@pytest.mark.parametrize("spec", ["99=", "99=parallel for", "10=parallel for"])
def test_a_line_past_the_end_is_a_usage_error(tmp_path, spec):
    src = tmp_path / "nine.c"
    src.write_text("".join(f"int v{i};\n" for i in range(9)))
    done = _verify(src, spec)
    line = spec.split("=")[0]
    assert done.returncode == 2
    assert done.stderr.strip() == f"{src}:{line}:1: error: line {line} is past the end of the file (9 lines)"


def test_an_empty_pragma_is_a_usage_error(tmp_path):
    src = tmp_path / "nine.c"
    src.write_text("".join(f"int v{i};\n" for i in range(9)))
    done = _verify(src, "3=")
    assert done.returncode == 2
    assert done.stderr.strip().startswith(f"{src}:3:1: error: empty pragma")


def _verify(src: Path, spec: str, *extra: str) -> subprocess.CompletedProcess:
    argv = [sys.executable, "-m", "ompgpt.cli", "verify", str(src), "--pragma", spec, "--threads", "2", *extra]
    return subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)


HANGING = r"""#include <stdio.h>
#include <unistd.h>
int main(void) {
    double s = 0;
    for (int i = 0; i < 1000; i++)
        s += i * 0.5;
    printf("%.3f\n", s);
    fflush(stdout);
    if (fork() == 0) { setsid(); for (;;) sleep(1); }
    for (;;) sleep(1);
}
"""


@pytest.mark.usefixtures("need_clang")
@pytest.mark.parametrize("signum", [15, 2, 1])
def test_killing_verify_removes_its_temp_dir_and_every_program(tmp_path, signum, running):
    """SIGTERM (and SIGHUP) used to leave the program and the temp dir, Ctrl-C (SIGINT) the program (and its
    setsid child)."""
    src, scratch = tmp_path / f"hang{uuid.uuid4().hex}.c", tmp_path / "scratch"
    src.write_text(HANGING)
    scratch.mkdir()
    argv = [sys.executable, "-m", "ompgpt.cli", "verify", str(src), "--pragma", "5=parallel for reduction(+:s)"]
    env = {**os.environ, "TMPDIR": str(scratch)}
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    wanted = 4 if isolation.mode() == "bwrap" else 2  # the program and its child (and two bwrap processes)
    while len(running(f"{src.stem}.exe")) < wanted and time.monotonic() < deadline:
        time.sleep(0.1)
    if not running(f"{src.stem}.exe"):
        proc.kill()
        pytest.fail(f"the program never started: {proc.communicate()}")
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == {15: 143, 2: 130, 1: 129}[signum]
    assert "Traceback" not in err
    assert not running(str(scratch))
    assert list(scratch.iterdir()) == []


def test_project_copies_never_follow_links_out_of_the_project(tmp_path):
    project, outside = tmp_path / "project", tmp_path / "outside"
    project.mkdir()
    outside.mkdir()
    (outside / "victim.txt").write_text("user data\n")
    (outside / "lib").mkdir()
    (project / "main.c").write_text("int main(void) { return 0; }\n")
    (project / "real.h").write_text("#define X 1\n")
    (project / "inc.h").symlink_to(project / "real.h")  # absolute, but inside the project
    (project / "victim.txt").symlink_to(outside / "victim.txt")
    (project / "lib").symlink_to(outside / "lib")
    (project / "dangling").symlink_to(tmp_path / "nowhere")
    os.mkfifo(project / "pipe.c")
    copy = tmp_path / "copy"
    build._copy_project(project, copy)
    assert os.readlink(copy / "inc.h") == "real.h"
    assert (copy / "inc.h").read_text() == "#define X 1\n"
    assert not (copy / "victim.txt").is_symlink() and (copy / "victim.txt").read_text() == "user data\n"
    (copy / "victim.txt").unlink()
    assert (outside / "victim.txt").read_text() == "user data\n"
    assert not os.path.lexists(copy / "lib") and not os.path.lexists(copy / "dangling")
    assert not os.path.lexists(copy / "pipe.c")


@pytest.mark.parametrize(
    ("unusable", "expected", "missing"),
    [({"bwrap"}, "unshare", "unshare -rn"), (set(isolation.MODES), "none", "no sandbox")],
)
def test_a_weaker_sandbox_warns_once_saying_what_is_missing(monkeypatch, capsys, unusable, expected, missing):
    monkeypatch.setattr(isolation, "_chosen", [])
    monkeypatch.setattr(isolation, "_usable", lambda mode: mode not in unusable)
    assert isolation.mode() == expected
    assert isolation.mode() == expected
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert err.startswith("ompgpt verify: warning: ") and missing in err


def test_bwrap_prints_no_warning(monkeypatch, capsys):
    if not _usable("bwrap"):
        pytest.skip("bubblewrap cannot run here")
    monkeypatch.setattr(isolation, "_chosen", [])
    assert isolation.mode() == "bwrap"
    assert capsys.readouterr().err == ""


@pytest.mark.usefixtures("need_bwrap")
def test_path_directories_are_shown_but_not_their_parents(tmp_path, work):
    """A PATH entry under a hidden root (here /tmp, like ~/.cargo/bin under /home) is bound back alone: the
    directory above it may hold credentials."""
    tools = tmp_path / "dot-cargo"
    (tools / "bin").mkdir(parents=True)
    (tools / "bin" / "hello").write_text("#!/bin/sh\necho hello from PATH\n")
    (tools / "bin" / "hello").chmod(0o755)
    (tools / "credentials.toml").write_text("token = 's3cret'\n")
    env = {"PATH": f"{tools / 'bin'}:/usr/bin:/bin"}
    script = f"hello; cat '{tools / 'credentials.toml'}'"
    result = sandbox.run(["sh", "-c", script], work, Limits(timeout=10), env)
    assert "hello from PATH" in result.stdout
    assert "s3cret" not in result.output


@pytest.mark.usefixtures("need_clang")
def test_a_program_writing_through_a_project_link_leaves_the_users_file_alone(tmp_path, monkeypatch, fast_config):
    """Even with no sandbox at all (the copy is the only protection then): the project's absolute link to a user
    file is copied as a file, so the program overwrites and deletes its own copy."""
    import dataclasses

    from ompgpt.verify.api import verify_candidates
    from ompgpt.verify.model import Candidate

    monkeypatch.setattr(isolation, "mode", lambda: "none")
    project, outside = tmp_path / "project", tmp_path / "outside"
    project.mkdir()
    outside.mkdir()
    (outside / "data.txt").write_text("user data\n")
    (project / "data.txt").symlink_to(outside / "data.txt")
    (project / "main.c").write_text(LINK_WRITER)
    config = dataclasses.replace(fast_config, build_cmd="cc {src} -o {exe}", run_cmd="{exe}", race_check=False)
    [result] = verify_candidates(project / "main.c", [Candidate(6, "parallel for reduction(+:s)")], config)
    assert result.verdict == "accepted", result.reason
    assert (outside / "data.txt").read_text() == "user data\n"
    assert (project / "data.txt").is_symlink()


LINK_WRITER = r"""#include <stdio.h>
#include <unistd.h>
int main(void) {
    FILE *f = fopen("data.txt", "w");
    double s = 0;
    for (int i = 0; i < 1000; i++)
        s += i;
    fprintf(f, "pwned %f\n", s);
    fclose(f);
    unlink("data.txt");
    printf("%f\n", s);
    return 0;
}
"""
