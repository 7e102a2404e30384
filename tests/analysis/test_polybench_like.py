"""The PolyBench-style fixture (tests/analysis/fixtures/polybench_like): static kernels with array parameters, called
once from main with distinct arrays. Safe mode must insert a pragma at each loop an expert parallelizes there
(marked ``expert: parallel``) and leave each carried loop (``expert: serial``) without one; the same program
calling a kernel with one array twice must lose that kernel's proofs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ompgpt.cli import main

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "polybench_like"


def marked(text: str, mark: str) -> set[int]:
    return {n for n, line in enumerate(text.splitlines(), 1) if "for (" in line and f"expert: {mark}" in line}


def annotate(path: Path, capsys) -> dict[int, dict]:
    assert main(["annotate", "--json", "--no-model", str(path)]) in (0, 1)
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    return {r["line"]: r for r in rows}


@pytest.fixture
def work(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "polybench_like")
    return tmp_path / "polybench_like"


def test_every_loop_an_expert_parallelizes_is_proven_and_carried_loops_stay_serial(work: Path, capsys):
    text = (work / "kernels.c").read_text()
    rows = annotate(work / "kernels.c", capsys)
    parallel, serial = marked(text, "parallel"), marked(text, "serial")
    assert len(parallel) == 16 and len(serial) == 3
    missed = {n: rows[n]["reasons"] for n in parallel if rows[n]["action"] != "insert"}
    assert not missed
    # a serial loop is never shared: at most it holds one hoisted region (a bare `parallel`, issue 23)
    assert all(rows[n]["pragma"] in (None, "parallel") and rows[n]["verdict"] != "parallel" for n in serial)
    gemm = next(n for n in parallel if "kernel_gemm" in rows[n]["function"])
    assert rows[gemm]["pragma"] == "parallel for private(j, k)"


@pytest.mark.parametrize(
    ("call", "aliased", "kernel"),
    [
        ("kernel_jacobi(TSTEPS, N, grid, next);", "kernel_jacobi(TSTEPS, N, grid, grid);", "kernel_jacobi"),
        ("kernel_atax(NI, NK, A, x, y, t);", "kernel_atax(NI, NK, A, x, x, x);", "kernel_atax"),
    ],
)
def test_a_kernel_called_with_one_array_twice_is_not_proven(work: Path, capsys, call, aliased, kernel):
    path = work / "kernels.c"
    text = path.read_text()
    assert call in text
    path.write_text(text.replace(call, aliased))
    rows = annotate(path, capsys)
    expert = [rows[n] for n in marked(text, "parallel")]
    inside = [r for r in expert if r["function"] == kernel]
    assert len(inside) == 2 and not any(r["action"] == "insert" for r in inside)
    assert all("passes the same array to" in " ".join(r["reasons"]) for r in inside)
    others = [r for r in expert if r["function"] != kernel]
    assert all(r["action"] == "insert" for r in others)  # the other kernels keep their proofs


@pytest.mark.skipif(shutil.which("clang") is None, reason="clang not installed")
def test_the_annotated_program_prints_what_the_serial_one_prints(work: Path, capsys):
    serial = _run(work / "kernels.c", work / "serial", [])
    assert main(["annotate", "--in-place", "--no-model", str(work / "kernels.c")]) in (0, 1)
    annotated = (work / "kernels.c").read_text()
    assert annotated.count("#pragma omp parallel for") + annotated.count("#pragma omp for") == 16
    assert _run(work / "kernels.c", work / "parallel", ["-fopenmp"]) == serial


def _run(source: Path, exe: Path, flags: list[str]) -> str:
    subprocess.run(["clang", "-O1", *flags, str(source), "-o", str(exe), "-lm"], check=True, capture_output=True)
    return subprocess.run([str(exe)], check=True, capture_output=True, text=True, timeout=60).stdout


def header_variant(text: str) -> str:
    """kernels.c rewritten to take its sizes from polybench_like.h and to declare every 2-D array parameter through
    the header's ``REAL ARRAY_2D(name, rows, cols)``, as a kernel suite's files do."""
    text = re.sub(r"(#define \w+ \d+\n)+", '#include "polybench_like.h"\n', text, count=1)
    parameter = re.compile(r"([(,]\s+|^\s+)double (\w+)\[(\w+)\]\[(\w+)\]", re.M)
    return parameter.sub(r"\1REAL ARRAY_2D(\2, \3, \4)", text)


def test_the_kernels_with_their_macros_in_the_header_get_the_same_pragmas(work: Path, capsys):
    pytest.importorskip("ompgpt.analysis.headers", reason="#include is not followed in this tree (issue 21, 1-2)")
    text = (work / "kernels.c").read_text()
    plain = annotate(work / "kernels.c", capsys)
    variant = header_variant(text)
    assert "#define NI" not in variant and variant.count("ARRAY_2D(") == 16
    (work / "kernels.c").write_text(variant)
    rows = annotate(work / "kernels.c", capsys)
    shifted = len(text.splitlines()) - len(variant.splitlines())  # the #define lines became one #include
    assert {n - shifted: r["pragma"] for n, r in plain.items()} == {n: r["pragma"] for n, r in rows.items()}
    assert sum(r["action"] == "insert" and r["pragma"] != "parallel" for r in rows.values()) == 16
