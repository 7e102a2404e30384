"""Fix kinds (proven, verified, unsafe) and suggest mode's automatic verification, on programs of our own.

``alias_shift.c``: ``smooth(a + 1, a, n)`` makes the model's ``parallel for`` on ``smooth`` a real race (each
iteration reads what the previous one wrote); ``outer_rejected.c``: ``a[i][j] = a[prev[i]][j]...`` with
``prev[i] = i - 1`` carries a dependence on the outer loop (unknown to the analysis: indirect subscript) but not
on the inner one. Each runs the verifier (build, runs at 1/2/4 threads, TSan+Archer): a few seconds each.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

KINDS = Path(__file__).resolve().parent / "kinds"


def annotate(*args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "ompgpt.cli", "annotate", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


@pytest.fixture
def programs(tmp_path: Path) -> Path:
    shutil.copytree(KINDS, tmp_path / "kinds")
    return tmp_path / "kinds"


def rows(out: str) -> dict[int, dict]:
    return {r["line"]: r for r in map(json.loads, out.splitlines())}


@pytest.mark.slow
def test_unverified_model_pragma_is_unsafe_and_left_out_of_the_diff(programs: Path):
    path = programs / "alias_shift.c"
    plain = annotate("--mode", "suggest", "--verify-budget", "0", str(path))
    assert plain.returncode == 1
    assert "omp parallel for\n" not in plain.stdout.split("smooth")[1].split("int main")[0]  # not in the diff
    assert f"{path}:5:3: suggestion [unsafe, not applied: --unsafe-fixes]: #pragma omp parallel for" in plain.stderr
    assert f"{path}:11:3: fix [proven]: #pragma omp parallel for" in plain.stderr
    assert "1 unsafe (not applied; --unsafe-fixes applies them)" in plain.stderr
    unsafe = annotate("--mode", "suggest", "--verify-budget", "0", "--unsafe-fixes", str(path))
    assert "+  #pragma omp parallel for\n   for (int i = 0; i < n; i++)" in unsafe.stdout
    data = rows(annotate("--mode", "suggest", "--verify-budget", "0", "--json", str(path)).stdout)
    assert data[5]["fix"] == "unsafe" and data[11]["fix"] == "proven" and data[15]["fix"] == "proven"
    sarif = json.loads(annotate("--mode", "suggest", "--verify-budget", "0", "--sarif", str(path)).stdout)
    kinds = {r["locations"][0]["physicalLocation"]["region"]["startLine"]: r["properties"]["fix"]
             for r in sarif["runs"][0]["results"]}  # fmt: skip
    assert kinds == {5: "unsafe", 11: "proven", 15: "proven"}


def test_a_file_that_cannot_run_keeps_its_model_pragma_unsafe(tmp_path: Path):
    path = tmp_path / "lib.c"
    path.write_text((KINDS / "alias_shift.c").read_text().split("int main")[0])
    data = rows(annotate("--mode", "suggest", "--json", str(path)).stdout)
    assert data[5]["fix"] == "unsafe" and data[5]["verification"] is None
    assert "not verified: no runnable program (a main(), or --build/--run)" in data[5]["reasons"]


def test_in_place_writes_proven_changes_only_unless_unsafe_fixes(programs: Path):
    path = programs / "alias_shift.c"
    done = annotate("--mode", "suggest", "--verify-budget", "0", "--in-place", str(path))
    assert done.returncode == 1  # an unsafe change is left: like ruff, findings remain
    text = path.read_text()
    assert text.count("#pragma omp") == 2 and "#pragma omp parallel for\n  for (int i = 0; i < n; i++)" not in text


def test_suggest_mode_verifies_and_drops_the_racing_candidate(programs: Path):
    path = programs / "alias_shift.c"
    data = rows(annotate("--mode", "suggest", "--json", "--unsafe-fixes", str(path)).stdout)
    assert data[5]["action"] == "none" and data[5]["fix"] is None
    assert data[5]["reasons"][0].startswith("rejected by verification (differential)")
    assert data[5]["verification"]["failed_check"] == "differential"


@pytest.mark.slow
def test_rejected_outer_loop_gives_way_to_a_verified_inner_loop(programs: Path):
    path = programs / "outer_rejected.c"
    original = path.read_text()
    result = annotate("--mode", "suggest", "--in-place", str(path))
    assert result.returncode == 0, result.stderr
    text = path.read_text()
    assert "#pragma omp parallel for\n  for (int i = 1; i < N; i++)" not in text  # the outer loop stays serial
    assert "  for (int i = 1; i < N; i++)\n    #pragma omp parallel for\n    for (int j = 0; j < M; j++)" in text
    outcomes = verify_written(original, text)
    assert len(outcomes) == 4 and all(o.accepted for o in outcomes), [o.reason for o in outcomes]


def verify_written(original: str, annotated: str) -> list:
    """Every pragma ``annotated`` has and ``original`` (without pragmas) lacks, verified alone on the original:
    clang and gcc builds, output equal to the serial run at 1, 2, 4 threads, no race under TSan+Archer."""
    from ompgpt.verify.api import verify_candidates
    from ompgpt.verify.model import Candidate, VerifyConfig

    candidates, inserted = [], 0
    for k, line in enumerate(annotated.splitlines()):
        if line.strip().startswith("#pragma omp"):
            candidates.append(Candidate(k - inserted + 1, line.strip().removeprefix("#pragma omp").strip()))
            inserted += 1
    config = VerifyConfig(threads=(1, 2, 4), timing_check=False, static_check=False)
    return verify_candidates(original, candidates, config)


def test_collapse_is_cut_to_the_loops_both_compilers_fold(tmp_path: Path):
    src = tmp_path / "tri.c"
    src.write_text(
        "double g(int);\n"
        "void f(int n, double a[100][100], const int *len) {\n"
        "  int i, j;\n"
        "  for (i = 0; i < n; i++)\n"
        "    for (j = 0; j < len[i]; j++)\n"
        "      a[i][j] = g(j);\n"
        "}\n"
    )
    from ompgpt.advisor import advise
    from ompgpt.analysis import analyze_file
    from ompgpt.source import read_source, scan

    fs = scan(read_source(src))
    decision = advise(fs.loops[0], analyze_file(fs)[0], [("parallel for collapse(2)", 0.9)], "suggest")
    assert decision.pragma is not None and "collapse" not in decision.pragma and "private(j)" in decision.pragma
    assert compiles_with_gcc_and_clang(src, decision.pragma, tmp_path)
    assert not compiles_with_gcc_and_clang(src, "#pragma omp parallel for collapse(2)", tmp_path)
    tri = tmp_path / "tri2.c"
    tri.write_text(src.read_text().replace("len[i]", "i + 1"))
    fs = scan(read_source(tri))
    decision = advise(fs.loops[0], analyze_file(fs)[0], [("parallel for collapse(2)", 0.9)], "suggest")
    assert decision.pragma is not None and "collapse(2)" in decision.pragma  # OpenMP 5.0 'a*i+b': both accept
    assert compiles_with_gcc_and_clang(tri, decision.pragma, tmp_path)


def compiles_with_gcc_and_clang(src: Path, pragma: str, work: Path) -> bool:
    """``pragma`` put on the function's first loop (line 4) compiles with both gcc and clang."""
    lines = src.read_text().splitlines(keepends=True)
    program = work / f"with_{src.name}"
    program.write_text("".join([*lines[:3], pragma + "\n", *lines[3:]]))
    if not shutil.which("gcc") or not shutil.which("clang"):
        pytest.skip("gcc and clang are needed")
    results = [
        subprocess.run([cc, "-fopenmp", "-c", str(program), "-o", str(work / "x.o")], capture_output=True)
        for cc in ("gcc", "clang")
    ]
    return all(r.returncode == 0 for r in results)
