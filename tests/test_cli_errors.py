"""Exit codes and error messages shared by every command: 0 nothing to change, 1 changes or findings, 2 errors,
and never a traceback (an unexpected exception is one line and exit 2; OMPGPT_DEBUG=1 shows the traceback)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ompgpt.cli import main
from ompgpt.source.files import iter_source_files

LOOP = "void f(int n, double *a) {\n  for (int i = 0; i < n; i++)\n    a[i] = 0;\n}\n"


def _argv(command: str, path: str) -> list[str]:
    """A command line naming ``path`` where each command takes its input."""
    return {
        "explain": ["explain", path],
        "suggest": ["suggest", f"{path}:2"],
        "verify": ["verify", path, "--pragma", "2=parallel for"],
        "annotate": ["annotate", "--no-model", path],
    }.get(command, [command, path])


@pytest.mark.parametrize("command", ["annotate", "lint", "explain", "strip", "loops", "suggest", "verify"])
def test_a_missing_path_exits_2_with_one_line_naming_it(command, tmp_path: Path, capsys):
    """explain, strip, loops and suggest exited 1 on a missing file while annotate, lint and verify exited 2."""
    missing = str(tmp_path / "missing.c")
    assert main(_argv(command, missing)) == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("files ")]
    assert len(errors) == 1 and errors[0].startswith(f"{missing}:1:1: error: "), errors


@pytest.mark.parametrize("command", ["annotate", "lint", "explain", "strip", "loops"])
def test_a_symlink_loop_is_an_error_not_a_traceback(command, tmp_path: Path, capsys):
    """``ln -s self.c self.c``: find_config raised RuntimeError from Path.resolve (annotate, lint)."""
    loop = tmp_path / "self.c"
    loop.symlink_to("self.c")
    assert main(_argv(command, str(loop))) == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("files ")]
    assert len(errors) == 1 and errors[0].startswith(f"{loop}:1:1: error: "), errors


def test_directory_symlink_cycles_are_walked_once(tmp_path: Path, capsys):
    """Symbolic links to directories are not followed while walking (os.walk's default), so a cycle ends."""
    inner = tmp_path / "d"
    inner.mkdir()
    (inner / "k.c").write_text(LOOP)
    (inner / "up").symlink_to("..")
    (inner / "loop").symlink_to(inner)
    (tmp_path / "self").symlink_to("self")
    assert list(iter_source_files([tmp_path])) == [inner / "k.c"]
    assert main(["annotate", "--no-model", str(tmp_path)]) == 1
    assert capsys.readouterr().out.count("#pragma omp parallel for") == 1


def test_an_unexpected_exception_is_one_line_and_exit_2(tmp_path: Path, monkeypatch, capsys):
    path = tmp_path / "k.c"
    path.write_text(LOOP)

    def broken(*_args, **_kwargs):
        raise ValueError("bad\nstate")

    monkeypatch.setattr("ompgpt.source.scan", broken)
    monkeypatch.delenv("OMPGPT_DEBUG", raising=False)
    assert main(["loops", str(path)]) == 2
    assert capsys.readouterr().err == (
        "ompgpt loops: internal error: ValueError: bad state (set OMPGPT_DEBUG=1 for the traceback)\n"
    )
    monkeypatch.setenv("OMPGPT_DEBUG", "1")
    with pytest.raises(ValueError, match="bad"):
        main(["loops", str(path)])


def test_no_traceback_reaches_a_user_of_the_real_command(tmp_path: Path):
    """A crash inside a command, in a real process: one line on stderr, exit 2; OMPGPT_DEBUG=1 prints the traceback."""
    code = (
        "import sys, ompgpt.source.cli_strip as m\n"
        "def run(args):\n    raise OSError(5, 'disk on fire')\n"
        "m.run = run\nfrom ompgpt.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    )
    command = [sys.executable, "-c", code, "strip", str(tmp_path / "x.c")]
    env = {k: v for k, v in os.environ.items() if k != "OMPGPT_DEBUG"}
    proc = subprocess.run(command, capture_output=True, text=True, env=env)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == (
        "ompgpt strip: internal error: OSError: [Errno 5] disk on fire (set OMPGPT_DEBUG=1 for the traceback)\n"
    )
    proc = subprocess.run(command, capture_output=True, text=True, env={**env, "OMPGPT_DEBUG": "1"})
    assert proc.returncode == 1 and "Traceback" in proc.stderr and "disk on fire" in proc.stderr


def test_usage_errors_stay_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["annotate", "--jobs", "many", "x.c"])
    assert exit_info.value.code == 2 and "invalid int value" in capsys.readouterr().err


def test_annotate_a_loop_over_non_ascii_identifiers(tmp_path: Path, capsys):
    """A reduction on ``Éotal`` (UTF-8) ended in "internal error while analysing this file" (test_fuzz seed 3257)."""
    path = tmp_path / "sum.c"
    path.write_bytes(
        "double sum(int n, const double *a) {\n  double Éotal = 0;\n"
        "  for (int i = 0; i < n; i++)\n    Éotal += a[i];\n  return Éotal;\n}\n".encode()
    )
    assert main(["annotate", "--no-model", "--min-trip-count", "0", str(path)]) == 1
    captured = capsys.readouterr()
    assert "error:" not in captured.err and "+  #pragma omp parallel for reduction(+:Éotal)" in captured.out
