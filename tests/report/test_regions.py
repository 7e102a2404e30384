"""Issue 23: one parallel region around serial time loops, no nested regions, and the emitted programs run right.

Every kernel of benchmarks/speed_kernels is annotated, built with gcc and clang, and run at 1, 2 and 4 threads
(with small sizes given by -D): its output must match the serial program's.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ompgpt.report.annotate import AnnotateOptions, annotate_file
from ompgpt.report.config import Config

KERNELS = Path(__file__).resolve().parents[2] / "benchmarks" / "speed_kernels"
SMALL = ("-DN=48", "-DT=4", "-DM=24", "-DROWS=40", "-DCOLS=64", "-DREPS=2")

STENCIL = """#include <stdio.h>
#define N 100000
double a[N], b[N];
int main(void) {
  int t;
  for (t = 0; t < 100; t++) {
    for (int i = 1; i < N - 1; i++)
      b[i] = 0.33333 * (a[i - 1] + a[i] + a[i + 1]);
    for (int i = 1; i < N - 1; i++)
      a[i] = b[i];
  }
  printf("%f\\n", a[N / 2]);
  return 0;
}
"""


def annotate_text(tmp_path: Path, text: str, name: str = "prog.c"):
    path = tmp_path / name
    path.write_text(text)
    result = annotate_file(path, AnnotateOptions(config=Config(model=False)))
    return result, result.updated or text


def test_time_loop_stencil_gets_one_hoisted_region_with_t_serial(tmp_path: Path):
    result, text = annotate_text(tmp_path, STENCIL)
    lines = [ln.strip() for ln in text.splitlines()]
    t_at = lines.index("for (t = 0; t < 100; t++) {")
    assert lines[t_at - 1] == "#pragma omp parallel private(t)"  # t is dead after the loop: one copy per thread
    assert [ln for ln in lines if ln.startswith("#pragma")] == [
        "#pragma omp parallel private(t)",
        "#pragma omp for",
        "#pragma omp for",
    ]
    t_loop = next(r for r in result.loops if r.line == 6)
    assert any("one parallel region around this serial loop" in r for r in t_loop.reasons)
    assert {r.region_line for r in result.loops if r.line in (7, 9)} == {6}


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("s = 0.5 * s;", "it writes s outside the parallel loops"),
        ('printf("%d\\n", t);', "it calls printf outside the parallel loops"),
        ("if (a[0] > 1) break;", "'break' in its body"),
        ("double m = a[N / 2];", "it reads a outside the parallel loops, and they write it"),
    ],
)
def test_hoisting_is_refused_with_the_reason(tmp_path: Path, body: str, why: str):
    text = STENCIL.replace("int t;", "int t; double s = 1;").replace(
        "      a[i] = b[i];\n", "      a[i] = b[i];\n" + body
    )
    result, out = annotate_text(tmp_path, text)
    t_loop = next(r for r in result.loops if r.line == 6)
    assert t_loop.action == "none"
    assert any(why in r for r in t_loop.reasons), t_loop.reasons
    assert out.count("#pragma omp parallel for") == 2  # the inner loops keep their own regions


def test_loop_variable_read_after_the_loop_is_not_privatized(tmp_path: Path):
    text = STENCIL.replace('printf("%f\\n", a[N / 2]);', 'printf("%f %d\\n", a[N / 2], t);')
    result, _ = annotate_text(tmp_path, text)
    t_loop = next(r for r in result.loops if r.line == 6)
    assert t_loop.action == "none" and any("t is read after the loop" in r for r in t_loop.reasons)


def test_kernel_called_inside_a_parallel_loop_gets_no_new_region(tmp_path: Path):
    result, text = annotate_text(tmp_path, (KERNELS / "called.c").read_text(), "called.c")
    smooth = next(r for r in result.loops if r.function == "smooth")
    assert smooth.verdict == "parallel" and smooth.action == "none"
    assert "smooth is called from inside a parallel construct (the call at line 27)" in smooth.reasons[0]
    body = text[text.index("static void smooth") : text.index("int main")]
    assert "#pragma" not in body


def test_a_callee_in_another_project_file_gets_no_new_region(tmp_path: Path):
    """The caller's parallel loop is in main.c; the kernel is in kernel.c, annotated with the project index."""
    from ompgpt.analysis.project import index_paths

    (tmp_path / "main.c").write_text(
        "void smooth(double *restrict d, const double *restrict s, int n);\ndouble g[4096][4096], o[4096][4096];\n"
        "int main(void) {\n#pragma omp parallel for\n  for (int i = 0; i < 4096; i++)\n"
        "    smooth(o[i], g[i], 4096);\n  return 0;\n}\n"
    )
    kernel = tmp_path / "kernel.c"
    kernel.write_text(
        "void smooth(double *restrict d, const double *restrict s, int n) {\n"
        "  for (int j = 0; j < 4096; j++) d[j] = 2 * s[j];\n}\n"
    )
    alone = annotate_file(kernel, AnnotateOptions(config=Config(model=False)))
    assert alone.loops[0].action == "insert"  # on its own the kernel is a fine parallel loop
    project = index_paths([str(tmp_path)])
    result = annotate_file(kernel, AnnotateOptions(config=Config(model=False), project=project))
    assert result.loops[0].action == "none"
    assert (
        "main.c" in result.loops[0].reasons[0]
        and "called from inside a parallel construct" in result.loops[0].reasons[0]
    )


def _compilers() -> list[str]:
    found = [c for c in ("gcc", "clang") if shutil.which(c)]
    if len(found) < 2 and not os.environ.get("CI"):
        pytest.skip("needs gcc and clang")
    return found


def _run(exe: Path, threads: int) -> str:
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "OMP_WAIT_POLICY": "passive"}
    return subprocess.run([str(exe)], capture_output=True, text=True, env=env, check=True, timeout=60).stdout


def _same(a: str, b: str) -> bool:
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


@pytest.mark.parametrize("kernel", sorted(p.stem for p in KERNELS.glob("*.c") if not p.stem.endswith(".hand")))
def test_emitted_programs_compile_with_gcc_and_clang_and_match_serial(tmp_path: Path, kernel: str):
    compilers = _compilers()
    result, text = annotate_text(tmp_path, (KERNELS / f"{kernel}.c").read_text(), f"{kernel}.c")
    assert not result.errors
    (tmp_path / "annotated.c").write_text(text)
    serial = tmp_path / "serial"
    subprocess.run(["gcc", "-O2", "-Wno-unknown-pragmas", *SMALL, str(tmp_path / f"{kernel}.c"), "-o", str(serial)],
                   check=True)  # fmt: skip
    expected = _run(serial, 1)
    for cc in compilers:
        exe = tmp_path / f"annotated-{cc}"
        build = [
            cc,
            "-O2",
            "-fopenmp",
            "-Werror=unknown-pragmas",
            *SMALL,
            str(tmp_path / "annotated.c"),
            "-o",
            str(exe),
        ]
        subprocess.run(build, check=True, capture_output=True)
        for threads in (1, 2, 4):
            assert _same(_run(exe, threads), expected), (kernel, cc, threads)


SLOW = """#include <stdio.h>
#include <stdlib.h>
double a[64];
int main(int argc, char **argv) {
  int n = argc > 5 ? atoi(argv[1]) : 16;
  for (int k = 0; k < 50000; k++)
    for (int j = 0; j < n; j++)
      a[j] = a[j] * 0.5 + k;
  printf("%f\\n", a[3]);
  return 0;
}
"""


@pytest.mark.skipif(shutil.which("clang") is None and not os.environ.get("CI"), reason="needs clang")
def test_annotate_verify_rejects_pragmas_slower_than_serial(tmp_path: Path):
    """The j loop's trip count is a runtime value (not "small"), so annotate proposes it, hoisted into one region
    around k; 50,000 barriers for 16 iterations each are far slower than serial (5,000 were not always: with the
    sandbox's start-up per run the two times were once within noise in CI), and --verify now says no to both the
    region and the loop's own parallel for (``--keep-slower`` restores the old behaviour)."""
    path = tmp_path / "slow.c"
    path.write_text(SLOW)
    proposed = annotate_file(path, AnnotateOptions(config=Config(model=False)))
    assert [(r.line, r.pragma) for r in proposed.loops if r.action == "insert"] == [(6, "parallel"), (7, "for")]
    result = annotate_file(path, AnnotateOptions(config=Config(model=False), verify=True))
    k_loop, j_loop = result.loops
    assert k_loop.action == "none" and "hoisted region rejected by verification (timing)" in k_loop.reasons[0]
    assert j_loop.action == "none" and "rejected by verification (timing)" in j_loop.reasons[0]
    assert result.updated is None


@pytest.mark.skipif(shutil.which("clang") is None and not os.environ.get("CI"), reason="needs clang")
def test_annotate_verify_checks_a_hoisted_region_as_one_candidate(tmp_path: Path):
    """The region and its worksharing loops are built, compared with serial and race-checked together (alone, a
    bare ``parallel`` would run every step on every thread). --keep-slower: this test is about correctness, and
    the 2-core test machine is too loaded for speed."""
    path = tmp_path / "stencil.c"
    path.write_text(STENCIL.replace("#define N 100000", "#define N 20000").replace("t < 100", "t < 30"))
    result = annotate_file(path, AnnotateOptions(config=Config(model=False), verify=True, keep_slower=True))
    t_loop, first, second = result.loops
    assert (t_loop.action, t_loop.pragma) == ("insert", "parallel private(t)"), t_loop.reasons
    assert t_loop.verification["verdict"] == "accepted"
    assert (first.pragma, second.pragma) == ("for", "for") and first.verification == t_loop.verification
    assert "#pragma omp parallel private(t)\n  for (t = 0; t < 30; t++) {\n    #pragma omp for" in result.updated
