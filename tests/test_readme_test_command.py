"""The README's test command (which .ci/run runs verbatim) prints pytest's summary line ("N passed")."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _readme_command() -> str:
    match = re.search(
        r"^pip install -e '\.\[test,train\]' && (python -m pytest.*)$", (ROOT / "README.md").read_text(), re.M
    )
    assert match, "README lost its test command"
    return match.group(1)


def test_ci_runs_exactly_the_readme_command():
    assert f"pip install -e '.[test,train]' && {_readme_command()}\n" in (ROOT / ".ci" / "run").read_text()


def test_readme_command_prints_the_summary_line(tmp_path: Path):
    """pyproject's addopts used to add a second ``-q`` to the README's, and ``-qq`` prints no "N passed" line."""
    (tmp_path / "test_one.py").write_text("def test_one():\n    pass\n")
    flags = _readme_command().split()[3:]  # after "python -m pytest"
    command = [sys.executable, "-m", "pytest", *flags, "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(tmp_path)]
    proc = subprocess.run([*command, "-p", "no:cacheprovider", str(tmp_path)], capture_output=True, text=True)
    assert proc.returncode == 0 and re.search(r"^1 passed in ", proc.stdout, re.M), proc.stdout
