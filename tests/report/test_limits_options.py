"""The limits are options (and configuration keys), and hitting one is a one-line note or error, not a hang."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import ompgpt
from ompgpt.limits import parse_size

LOOPS = "".join(
    f"void f{k}(float *restrict a, int n) {{\n  for (int i = 0; i < n; i++)\n    a[i] = 2 * a[i];\n}}\n"
    for k in range(3)
)


def _annotate(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The CLI run in ``cwd`` (a config file there applies), importing this checkout's package."""
    cmd = [sys.executable, "-m", "ompgpt.cli", "annotate", "--no-model", *args]
    env = {**os.environ, "PYTHONPATH": str(Path(ompgpt.__file__).parents[1])}
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=cwd, env=env)


def test_a_spent_time_budget_skips_the_remaining_loops_with_one_note(tmp_path: Path):
    (tmp_path / "a.c").write_text(LOOPS)
    proc = _annotate("--max-file-seconds", "0", "a.c", cwd=tmp_path)
    assert proc.stderr.count("note:") == 1
    assert "a.c:2:3: note: this and 2 later loop(s) skipped: over the 0 s budget for this file" in proc.stderr
    assert proc.returncode == 0 and proc.stdout == ""  # nothing decided, nothing to change
    assert "#pragma omp" in _annotate("a.c", cwd=tmp_path).stdout  # the default budget is ample


@pytest.mark.parametrize("where", ["option", "config"])
def test_max_file_size_from_the_option_or_the_config(tmp_path: Path, where: str):
    (tmp_path / "a.c").write_text(LOOPS)
    args = ["--max-file-size", "100"] if where == "option" else []
    if where == "config":
        (tmp_path / ".ompgpt.toml").write_text("max-file-size = 100\n")
    proc = _annotate(*args, "a.c", cwd=tmp_path)
    assert proc.returncode == 2
    assert f"a.c:1:1: error: file is {len(LOOPS)} bytes, over the 100 bytes limit (--max-file-size)" in proc.stderr


def test_sizes_take_binary_suffixes():
    assert [parse_size(s) for s in ("5000", "500K", "5M", "1GiB", "2.5k")] == [5000, 512_000, 5 << 20, 1 << 30, 2560]


def test_when_the_budget_runs_out_before_the_model_the_analysis_still_decides(tmp_path: Path):
    """A budget spent after the analysis of the three loops (three checks) and before the model's first batch:
    the loops are decided without the model, with one note, not skipped."""
    from dataclasses import replace

    from ompgpt.limits import Budget
    from ompgpt.report.annotate import AnnotateOptions
    from ompgpt.report.config import Config
    from ompgpt.report.engine import decide_file
    from ompgpt.source import SourceFile, scan

    class AfterThreeChecks(Budget):
        checks = 0

        def spent(self) -> bool:
            self.checks += 1
            return self.checks > 3

    file_scan = scan(SourceFile.from_text(LOOPS, "c", "a.c"))
    options = AnnotateOptions(config=replace(Config(), model=True))
    results, warnings = decide_file(file_scan, options, AfterThreeChecks(60.0))
    assert [r.action for r in results] == ["insert"] * 3
    assert warnings == [
        "a.c:2:3: note: this and 2 later loop(s) decided without the model: over the 60 s budget for this file "
        "(--max-file-seconds)"
    ]
