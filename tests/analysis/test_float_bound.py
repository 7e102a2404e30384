"""A loop compared with a floating-point bound is not in OpenMP's canonical form: gcc rejects `omp for` on it
("invalid controlling predicate"; found by the compile audit on ROCm/aomp data_issue_59.cpp)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from ompgpt.analysis import analyze_file
from ompgpt.source import SourceFile, scan

CODE = """double total(double x0, {bound_type} n) {{
  double sumx = 0.0;
  for (int i = 0; i < n; ++i)
    sumx += x0;
  return sumx;
}}
"""


def loop_result(bound_type: str):
    source = SourceFile.from_text(CODE.format(bound_type=bound_type), "c", path="b.c")
    return analyze_file(scan(source))[0]


def test_a_double_bound_rules_out_a_loop_directive():
    result = loop_result("double")
    assert result.verdict != "parallel"
    assert result.directive_blocker and "floating-point" in result.directive_blocker


def test_an_integer_bound_is_still_proven():
    result = loop_result("int")
    assert result.verdict == "parallel", result.reasons


@pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc not installed")
def test_gcc_rejects_the_pragma_the_analysis_now_withholds(tmp_path):
    """The rule follows the compiler: the pragma on the double-bound loop does not compile with gcc."""
    path = tmp_path / "b.c"
    path.write_text(
        CODE.format(bound_type="double").replace("  for", "  #pragma omp parallel for reduction(+:sumx)\n  for")
    )
    done = subprocess.run(["gcc", "-fopenmp", "-fsyntax-only", str(path)], capture_output=True, text=True)
    assert done.returncode != 0 and "controlling predicate" in done.stderr
