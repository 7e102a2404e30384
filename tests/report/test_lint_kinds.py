"""Lint on OpenMP constructs it used to misread, with programs of our own (``lintcases/``): a threadprivate
accumulation, ``linear(k:2)``, a doacross loop nest (``ordered(2)`` with ``depend(sink/source)``), ``copyin`` and
``copyprivate``, ``critical``/``atomic`` protection (all race-free: no finding, ``--fix`` leaves them alone), and a
shared inner loop index (a race: OMP002, fixed by ``private(j)``).

Each pattern is also run: the loop's pragma is verified on the program without it (build, output equal to the
serial run at 1, 2, 4 threads, no race under TSan+Archer); the doacross nest, whose ``ordered`` constructs need
their loop pragma, is run whole under TSan+Archer.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ompgpt.verify import build as tc
from ompgpt.verify.api import verify_candidates
from ompgpt.verify.model import Candidate, VerifyConfig

CASES = Path(__file__).resolve().parent / "lintcases"
RACE_FREE = {"tp.c": 13, "lin.c": 7, "crit.c": 7, "copy.c": 14}  # file -> line of the loop pragma


def lint(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ompgpt.cli", "lint", *args], capture_output=True, text=True)


def verify_pragma_at(path: Path, line: int, static_check: bool = True):
    """The pragma on ``line`` verified on the program without it (the loop moves up to that line)."""
    lines = path.read_text().splitlines(keepends=True)
    pragma = lines[line - 1].strip().removeprefix("#pragma omp ").strip()
    config = VerifyConfig(threads=(1, 2, 4), timing_check=False, static_check=static_check)
    (outcome,) = verify_candidates("".join(lines[: line - 1] + lines[line:]), [Candidate(line, pragma)], config)
    return outcome


@pytest.mark.parametrize("name", sorted(RACE_FREE))
def test_race_free_constructs_get_no_finding_and_verify(name: str, tmp_path: Path):
    path = tmp_path / name
    shutil.copy(CASES / name, path)
    before = path.read_bytes()
    result = lint("--fix", str(path))
    assert result.returncode == 0 and result.stdout == "", result.stdout
    assert path.read_bytes() == before
    outcome = verify_pragma_at(path, RACE_FREE[name])
    assert outcome.accepted, outcome.reason


def test_doacross_loop_variables_are_private_and_its_carried_dependence_is_legal(tmp_path: Path):
    path = tmp_path / "doacross.c"
    shutil.copy(CASES / "doacross.c", path)
    result = lint(str(path))
    assert result.returncode == 0 and result.stdout == "", result.stdout  # was OMP002 'add private(j)'
    assert same_output_at_1_2_4_threads(path, tmp_path)


def same_output_at_1_2_4_threads(path: Path, work: Path) -> bool:
    """Build the program as written (clang) and compare its output at 2 and 4 threads with the 1-thread run, five
    times each. Not under TSan: Archer (LLVM 14) does not model doacross synchronization and reports the
    ``depend(sink)``-ordered accesses as races."""
    clang = tc.clang_for(False)
    if clang is None:
        pytest.skip("clang is needed")
    exe = work / "plain.exe"
    subprocess.run([clang, "-fopenmp", "-O2", str(path), "-o", str(exe), "-lm"], check=True)
    outputs = {_run(exe, {"OMP_NUM_THREADS": str(t)}).stdout for t in (1, 2, 4, 2, 4, 2, 4, 2, 4, 4)}
    return len(outputs) == 1


def _run(exe: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([str(exe)], capture_output=True, text=True, env={**os.environ, **env}, timeout=120)


def test_shared_inner_loop_index_is_a_race_found_and_fixed(tmp_path: Path):
    path = tmp_path / "innerj.c"
    shutil.copy(CASES / "innerj.c", path)
    found = lint(str(path))
    assert found.returncode == 1
    assert "error[OMP002]: 'j' is written in every iteration (the index of the inner loop at line 8)" in found.stdout
    raw = verify_pragma_at(path, 6, static_check=False)
    assert not raw.accepted and raw.failed_check in ("differential", "race"), raw.reason  # a real race
    assert lint("--fix", str(path)).returncode == 0
    assert "#pragma omp parallel for private(j)\n" in path.read_text()
    assert verify_pragma_at(path, 6).accepted


def test_a_fix_the_analysis_cannot_prove_is_offered_not_applied(tmp_path: Path):
    """``t`` is written in every iteration (private is missing) but ``g`` may change anything: the verdict is
    undecided, so ``private(t)`` is an unsafe fix, printed, applied only with ``--unsafe-fixes``."""
    path = tmp_path / "calls.c"
    path.write_text(
        "void g(double *);\nvoid f(int n, double *a) {\n  double t;\n#pragma omp parallel for\n"
        "  for (int i = 0; i < n; i++) {\n    t = a[i];\n    g(&a[i]);\n    a[i] = t * 2;\n  }\n}\n"
    )
    before = path.read_text()
    offered = lint("--fix", str(path))
    assert offered.returncode == 1 and path.read_text() == before
    assert "[unsafe fix, not applied without --unsafe-fixes: #pragma omp parallel for private(t)]" in offered.stdout
    sarif = json.loads(lint("--sarif", str(path)).stdout)
    assert [r["properties"]["fix"] for r in sarif["runs"][0]["results"]] == ["unsafe"]
    assert lint("--fix", "--unsafe-fixes", str(path)).returncode == 0
    assert "#pragma omp parallel for private(t)\n" in path.read_text()


def test_collapsed_loop_variables_are_private_but_the_next_inner_index_is_not(tmp_path: Path):
    path = tmp_path / "col.c"
    path.write_text(
        "void f(int n, int m, double a[n][m]) {\n  int i, j, k;\n#pragma omp parallel for collapse(2)\n"
        "  for (i = 0; i < n; i++)\n    for (j = 0; j < m; j++)\n      for (k = 0; k < 4; k++)\n"
        "        a[i][j] += k;\n}\n"
    )
    found = lint(str(path)).stdout.splitlines()
    assert len(found) == 1 and "'k' is written in every iteration (the index of the inner loop at line 6)" in found[0]
    assert lint("--fix", str(path)).returncode == 0
    assert "#pragma omp parallel for private(k) collapse(2)\n" in path.read_text()
