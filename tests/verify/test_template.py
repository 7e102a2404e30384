"""``--build``/``--run`` templates never let the shell run a file name (issue 24: command injection)."""

from __future__ import annotations

import shutil

import pytest

from ompgpt.cli import main
from ompgpt.verify import sandbox, template
from ompgpt.verify.sandbox import Limits

PROGRAM = r"""#include <stdio.h>
int main(void) {
    double s = 0;
    for (int i = 0; i < 1000; i++)
        s += i * 0.5;
    printf("%.3f\n", s);
    return 0;
}
"""
FAST = ["--threads", "2", "--schedule", "static", "--no-race", "--no-timing"]
HOSTILE_NAMES = ["x;touch PWNED;y.c", "$(touch PWNED2).c", "a b'\"`touch PWNED3`.c", "-o.c"]
TEMPLATES = ["cc {src} -o {exe}", 'cc "{src}" -o "{exe}"', "cc '{src}' -o '{exe}'", "cc {cflags} {src} -o {exe}"]


def test_placeholders_are_filled_in_one_pass_as_quoted_references():
    filled = template.fill("""{cc} {cflags} {src} "{src}.o" '{exe}' \\{src} {other}""", ("-O2", "-fopenmp"))
    assert filled == (
        '"${OMPGPT_CC}" -O2 -fopenmp "${OMPGPT_SRC}" "${OMPGPT_SRC}.o" \'\'"${OMPGPT_EXE}"\'\' \\{src} {other}'
    )


@pytest.mark.parametrize("name", HOSTILE_NAMES)
@pytest.mark.parametrize("pattern", TEMPLATES)
def test_a_hostile_file_name_builds_and_runs_nothing(tmp_path, name, pattern):
    if not shutil.which("cc"):
        pytest.skip("no cc")
    work = tmp_path / "work"
    work.mkdir()
    (work / name).write_text(PROGRAM)
    src, exe = work / name, work / "prog.exe"
    env = template.environment(src.relative_to(work), exe, "cc", ("-O1",))
    result = sandbox.run(template.fill(pattern, ("-O1",)), work, Limits(timeout=60), env)
    assert result.returncode == 0, result.output
    assert exe.exists()
    assert not [p.name for p in work.iterdir() if p.name.startswith("PWNED")]


@pytest.mark.usefixtures("need_clang")
def test_braces_in_a_file_name_are_a_usage_error(tmp_path, capsys, monkeypatch):
    src = tmp_path / "x;touch PWNED;{exe}.c"
    src.write_text(PROGRAM)
    monkeypatch.chdir(tmp_path)
    template_args = ["--build", "cc {src} -o {exe}", "--run", "{exe}"]
    code = main(["verify", src.name, *template_args, *FAST, "--pragma", "4=parallel for"])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "file name contains '{' or '}'" in err and "x;touch PWNED;{exe}.c" in err
    assert not list(tmp_path.glob("PWNED*"))


@pytest.mark.usefixtures("need_clang")
def test_command_substitution_in_a_quoted_src_does_not_run(tmp_path, capsys):
    """With ``"{src}"`` in the template, ``$(touch PWNED2)`` in the name used to run before cc (and the build
    then failed on the emptied name); the build below also fails if PWNED2 appeared in the build dir."""
    src = tmp_path / "$(touch PWNED2).c"
    src.write_text(PROGRAM)
    build = 'cc "{src}" -o {exe} && test ! -e PWNED2'
    pragma = "4=parallel for reduction(+:s)"
    code = main(["verify", str(src), "--build", build, "--run", "{exe}", *FAST, "--pragma", pragma])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "accepted" in out
    assert not list(tmp_path.glob("PWNED*"))


def test_annotate_verify_reports_a_braced_name_instead_of_crashing(tmp_path, capsys):
    src = tmp_path / "p{exe}.c"
    src.write_text(PROGRAM)
    code = main(["annotate", "--no-model", "--verify", "--build", "cc {src} -o {exe}", "--run", "{exe}", str(src)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{src}:1:1: error: file name contains '{{' or '}}'" in err
    assert "Traceback" not in err
    assert src.read_text() == PROGRAM
