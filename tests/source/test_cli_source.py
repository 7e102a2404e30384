import json
import subprocess
import sys
from pathlib import Path

from ompgpt.cli import main

PROGRAM = """#include <stdio.h>
int main(void) {
  double a[1000], s = 0;
  for (int i = 0; i < 1000; i++) a[i] = i;
#pragma omp parallel for reduction(+:s)
  for (int i = 0; i < 1000; i++) s += a[i];
  printf("%f\\n", s);
  return 0;
}
"""


def test_loops_table_json_and_errors(tmp_path: Path, capsys):
    good = tmp_path / "prog.c"
    good.write_text(PROGRAM)
    bad = tmp_path / "bad.c"
    bad.write_text("void f(int n,int*a){\n#pragma omp parallel for private(\nfor(int i=0;i<n;i++)a[i]=0;\n}\n")
    assert main(["loops", str(good)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert len(table) == 2 and table[1].startswith(f"{good}:6:3\tmain") and "parallel for reduction(+:s)" in table[1]

    assert main(["loops", "--json", str(bad), str(good)]) == 1  # a malformed pragma is a finding
    capsys.readouterr()
    assert main(["loops", "--json", str(tmp_path / "missing.c"), str(bad), str(good)]) == 2  # unreadable: an error
    captured = capsys.readouterr()
    rows = [json.loads(line) for line in captured.out.splitlines()]
    assert [r["line"] for r in rows] == [3, 4, 6]
    assert f"{tmp_path / 'missing.c'}:1:1: error: cannot read file" in captured.err
    assert f"{bad}:2:1: error: malformed OpenMP pragma" in captured.err


def test_loops_walks_directories(tmp_path: Path, capsys):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "k.cpp").write_text("void f(){ for (int i=0;i<3;++i) g(i); }\n")
    (tmp_path / "notes.txt").write_text("for (;;)")
    assert main(["loops", str(tmp_path)]) == 0
    assert capsys.readouterr().out.count("\n") == 1


def test_strip_prints_serial_version_bytes(tmp_path: Path):
    path = tmp_path / "prog.c"
    path.write_bytes(PROGRAM.replace("\n", "\r\n").encode())
    out = subprocess.run([sys.executable, "-m", "ompgpt.cli", "strip", str(path)], capture_output=True, check=True)
    assert b"#pragma" not in out.stdout and out.stdout.count(b"\r\n") == PROGRAM.count("\n") - 1


def test_usage_errors_exit_2():
    proc = subprocess.run([sys.executable, "-m", "ompgpt.cli", "loops"], capture_output=True, text=True)
    assert proc.returncode == 2 and "usage:" in proc.stderr
    assert subprocess.run([sys.executable, "-m", "ompgpt.cli"], capture_output=True).returncode == 2


def test_every_command_has_help():
    from ompgpt.cli import COMMANDS

    for name in COMMANDS:
        proc = subprocess.run([sys.executable, "-m", "ompgpt.cli", name, "--help"], capture_output=True, text=True)
        assert proc.returncode == 0 and f"usage: ompgpt {name}" in proc.stdout, name


def test_top_level_help_imports_no_stage():
    code = "import sys; from ompgpt.cli import build_parser; build_parser(['--help']); print(sorted(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    for heavy in ("tree_sitter", "numpy", "torch", "ompgpt.analysis", "ompgpt.source"):
        assert f"'{heavy}'" not in out, heavy


def test_loops_json_inside_a_parallel_region(tmp_path: Path, capsys):
    """A loop inside ``#pragma omp parallel { ... }`` carries its region's pragma; --json used to raise
    ``TypeError: Object of type PragmaSite is not JSON serializable``."""
    path = tmp_path / "region.c"
    path.write_text(
        "void f(int n, double *a) {\n#pragma omp parallel\n  {\n#pragma omp for\n"
        "    for (int i = 0; i < n; i++) a[i] = 0;\n  }\n}\n"
    )
    assert main(["loops", "--json", str(path)]) == 0
    (row,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert row["in_parallel_region"] is True and row["line"] == 5
    assert row["pragma"]["canonical"] == "for" and row["region_pragma"]["line"] == 2
    assert row["region_pragma"]["canonical"] == "parallel"
