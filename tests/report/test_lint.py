import shutil
import subprocess
from pathlib import Path

import pytest

from ompgpt.cli import main

PROGRAM = """#include <stdio.h>
double work(int n, double *restrict a, double *restrict b) {
  double s = 0.0, t, last = 0.0;
  int i, j;
#pragma omp parallel for
  for (i = 0; i < n; i++) {
    t = a[i] * 2.0;
    b[i] = t + 1.0;
  }
#pragma omp parallel for
  for (i = 0; i < n; i++) s += a[i];
#pragma omp parallel for
  for (i = 1; i < n; i++) a[i] = a[i - 1] + b[i];
#pragma omp parallel for reduction(+:s)
  for (i = 0; i < n; i++) b[i] = a[i];
#pragma omp parallel for private(last)
  for (i = 0; i < n; i++) { last = a[i]; b[i] = last; }
  printf("%f\\n", last);
#pragma omp parallel for privte(j)
  for (i = 0; i < n; i++) b[i] = 0;
#pragma omp parallel for
  for (i = 0; i < 4; i++) b[i] = 1;
#pragma omp parallel for private(j) reduction(+:s)
  for (i = 0; i < n; i++) { j = i % 7; s += a[j]; }
  return s;
}
"""

EXPECTED = [
    "5:1: error[OMP002]: 't' is written in every iteration but shared between threads (a data race): add private(t)"
    " [fix: #pragma omp parallel for private(t)]",
    "10:1: error[OMP003]: 's' is shared, so threads race on the +-accumulation across iterations: use reduction(+:s)"
    " [fix: #pragma omp parallel for reduction(+:s)]",
    "12:1: error[OMP001]: iterations race: carried flow dependence on a from 13:27 to 13:34, distance 1"
    " [fix: remove the pragma]",
    "14:1: warning[OMP004]: reduction(+:s) but the loop never updates 's' [fix: #pragma omp parallel for]",
    "16:1: error[OMP007]: 'last' is used after the loop but private leaves it undefined: use lastprivate"
    " [fix: #pragma omp parallel for lastprivate(last)]",
    "19:1: error[OMP006]: column 26: unknown clause 'privte' for 'parallel for' (a macro? the compiler will reject it"
    " if not)",
    "21:1: note[OMP005]: about 8 units of work (4 iterations): a parallel region costs more than it saves",
]


@pytest.fixture
def program(tmp_path: Path) -> Path:
    path = tmp_path / "work.c"
    path.write_text(PROGRAM)
    return path


def test_each_problem_is_found_once_with_code_location_and_fix(program: Path, capsys):
    assert main(["lint", str(program)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"{program}:{line}" for line in EXPECTED]  # the correct last pragma gets no finding


def test_fix_rewrites_pragmas_in_place_and_compiles(program: Path, capsys):
    assert main(["lint", "--fix", str(program)]) == 1  # OMP005/OMP006 have no automatic fix
    capsys.readouterr()
    fixed = program.read_text()
    assert (program.parent / "work.c.ompgpt.bak").read_text() == PROGRAM
    assert "#pragma omp parallel for private(t)\n" in fixed
    assert "#pragma omp parallel for lastprivate(last)\n" in fixed
    assert "a[i] = a[i - 1] + b[i]" in fixed and fixed.count("#pragma omp") == PROGRAM.count("#pragma omp") - 1
    main(["lint", "--select", "OMP001,OMP002,OMP003,OMP004,OMP007,OMP008", str(program)])
    assert capsys.readouterr().out == ""
    if shutil.which("gcc"):
        fixed_ok = fixed.replace("privte(j)", "private(j)")
        program.write_text(fixed_ok)
        proc = subprocess.run(["gcc", "-fopenmp", "-fsyntax-only", str(program)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr


def test_diff_leaves_the_file_alone(program: Path, capsys):
    assert main(["lint", "--diff", str(program)]) == 1
    out = capsys.readouterr()
    assert "-#pragma omp parallel for private(last)\n+#pragma omp parallel for lastprivate(last)\n" in out.out
    assert program.read_text() == PROGRAM


def test_clean_file_exits_zero(tmp_path: Path, capsys):
    path = tmp_path / "ok.c"
    path.write_text(
        "void f(int n, double *restrict a, double *restrict b) {\n#pragma omp parallel for\n"
        "  for (int i = 0; i < n; i++) a[i] = 2 * b[i];\n}\n"
    )
    assert main(["lint", str(path)]) == 0
    assert capsys.readouterr().out == ""


def test_names_declared_inside_the_parallel_region_are_private_already(tmp_path: Path, capsys):
    """`t` is declared in the `parallel` block: every thread has its own, so `omp for` needs no private(t). `u`,
    declared before the region, is shared and still reported."""
    path = tmp_path / "region.c"
    path.write_text(
        "void f(int n, double *restrict a, double *restrict b) {\n  double u;\n#pragma omp parallel\n  {\n"
        "    double t;\n#pragma omp for\n    for (int i = 0; i < n; i++) { t = a[i]; b[i] = t * 2; }\n"
        "#pragma omp for\n    for (int i = 0; i < n; i++) { u = a[i]; b[i] = u * 2; }\n  }\n}\n"
    )
    assert main(["lint", str(path)]) == 1
    out = capsys.readouterr().out
    assert "'u' is written in every iteration" in out and "'t'" not in out


def test_directories_honour_the_configured_exclude_globs(tmp_path: Path, capsys):
    racy = "void f(double *a, int n) {\n#pragma omp parallel for\n  for (int i = 1; i < n; i++) a[i] = a[i - 1];\n}\n"
    (tmp_path / "src").mkdir()
    (tmp_path / "third_party").mkdir()
    (tmp_path / "src" / "mine.c").write_text(racy)
    (tmp_path / "third_party" / "theirs.c").write_text(racy)
    (tmp_path / ".ompgpt.toml").write_text('exclude = ["third_party/**"]\n')
    assert main(["lint", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "mine.c:2:" in out and "theirs.c" not in out
    assert main(["lint", str(tmp_path / "third_party" / "theirs.c")]) == 1  # a file named explicitly is linted


ATOMIC_PROGRAM = """int main(void) {
  int hist[16] = {0}, a[1000], out[1000], used = 0;
  for (int i = 0; i < 1000; i++) a[i] = (i * 7) % 16;
#pragma omp parallel for
  for (int i = 0; i < 1000; i++) {
#pragma omp atomic
    hist[a[i]]++;
  }
#pragma omp parallel for
  for (int n = 0; n < 1000; n++) {
    int cur;
#pragma omp atomic capture
    cur = used++;
    out[cur] = n;
  }
  return hist[3] + out[5];
}
"""


def test_updates_under_omp_atomic_are_not_reported_as_races(tmp_path: Path, capsys):
    """An atomic update is race-free (a reduction clause would break the capture): no error, nothing to fix."""
    path = tmp_path / "atomic.c"
    path.write_text(ATOMIC_PROGRAM)
    assert main(["lint", str(path)]) == 0
    assert capsys.readouterr().out == ""


CRITICAL = """int count_positive(int n, const double *restrict a, int *restrict out) {
  int count = 0;
#pragma omp parallel for
  for (int i = 0; i < n; i++) {
    if (a[i] > 0) {
#pragma omp critical
      {
        out[count] = i;
        count++;
      }
    }
  }
  return count;
}
double sum_positive(int n, const double *restrict a, double *restrict b) {
  double s = 0;
#pragma omp parallel for
  for (int i = 0; i < n; i++) {
    if (a[i] > 0) {
#pragma omp critical(acc)
      s += a[i];
    }
  }
#pragma omp parallel for
  for (int i = 0; i < n; i++) {
#pragma omp critical(acc)
    s += a[i];
    b[i] = s;
  }
  return s;
}
"""


def test_locations_touched_only_inside_critical_sections_do_not_race(tmp_path: Path, capsys):
    """Compaction and accumulation under `omp critical` are race-free (they were reported as a carried dependence
    and a missing reduction); a read of `s` outside the section still races and is still reported."""
    path = tmp_path / "critical.c"
    path.write_text(CRITICAL)
    assert main(["lint", str(path)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith(f"{path}:24:1: error[OMP001]") and "on s" in out[0]


MAGICK = """typedef enum { MagickFalse, MagickTrue } MagickBooleanType;
int sync_row(double *q, long y);
double *get_row(long y);
MagickBooleanType negate(long rows, long columns) {
  MagickBooleanType status = MagickTrue;
  long y;
#pragma omp parallel for schedule(static) shared(status)
  for (y = 0; y < rows; y++) {
    double *q;
    long x;
    if (status == MagickFalse)
      continue;
    q = get_row(y);
    if (q == (double *) 0) {
      status = MagickFalse;
      continue;
    }
    for (x = 0; x < columns; x++)
      q[x] = 1.0 - q[x];
    if (sync_row(q, y) == MagickFalse)
      status = MagickFalse;
  }
  return status;
}
"""


def test_a_failure_flag_is_a_warning_not_a_race_to_fix_by_removing_the_pragma(tmp_path: Path, capsys):
    """ImageMagick's loops skip work once `status` is MagickFalse and only ever set it to MagickFalse. That read
    races with other iterations' writes (TSan says so), but the flag ends as in the serial loop: a warning with the
    exact alternatives, not OMP001's "remove the pragma"."""
    path = tmp_path / "negate.c"
    path.write_text(MAGICK)
    assert main(["lint", str(path)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith(f"{path}:7:1: warning[OMP009]: 'status' is only ever set to MagickFalse")
    path.write_text(
        MAGICK.replace("== MagickFalse)\n      status = MagickFalse;", "== MagickFalse)\n      status = 2;")
    )
    assert main(["lint", str(path)]) == 1
    assert "error[OMP001]" in capsys.readouterr().out  # two different values: a real carried dependence
    exact = MAGICK.replace(
        "    if (status == MagickFalse)\n",
        "    MagickBooleanType seen;\n#pragma omp atomic read\n    seen = status;\n    if (seen == MagickFalse)\n",
    )
    path.write_text(
        exact.replace("      status = MagickFalse;", "#pragma omp atomic write\n      status = MagickFalse;")
    )
    assert main(["lint", str(path)]) == 0, capsys.readouterr().out  # the fix the warning names is clean


def test_io_in_a_parallel_loop_is_a_warning_about_order_not_a_race(tmp_path: Path, capsys):
    """A parallel loop over files, or with a progress message, is a choice, not a bug to fix by removing the
    pragma (it was OMP001)."""
    path = tmp_path / "files.c"
    path.write_text(
        "#include <stdio.h>\nvoid work(const char *restrict *restrict names, double *restrict out, int n) {\n"
        '#pragma omp parallel for\n  for (int i = 0; i < n; i++) {\n    FILE *f = fopen(names[i], "r");\n'
        '    out[i] = 0;\n    if (f) fclose(f);\n    printf("%d done\\n", i);\n  }\n}\n'
    )
    assert main(["lint", str(path)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith(f"{path}:3:1: warning[OMP010]: fopen at 5:15 does I/O"), out


def test_a_counter_of_atomic_type_needs_no_reduction(tmp_path: Path, capsys):
    """`std::atomic<long> hits; ... hits++` is race-free (was OMP003 'use reduction(+:hits)'); a plain long is not."""
    text = (
        "#include <atomic>\nlong count(long n, const double *__restrict__ a) {\n  std::atomic<long> hits(0);\n"
        "#pragma omp parallel for\n  for (long i = 0; i < n; i++) {\n    if (a[i] > 0) hits++;\n  }\n"
        "  return hits;\n}\n"
    )
    path = tmp_path / "atomic.cpp"
    path.write_text(text)
    assert main(["lint", str(path)]) == 0, capsys.readouterr().out
    path.write_text(text.replace("std::atomic<long> hits(0);", "long hits = 0;"))
    assert main(["lint", str(path)]) == 1
    assert "error[OMP003]" in capsys.readouterr().out


def test_a_plain_read_of_an_atomically_updated_counter_is_a_warning(tmp_path: Path, capsys):
    """OpenMS shows progress with `setProgress(progress)` and `#pragma omp atomic ++progress`: the read races
    (OMP009, was OMP001 'remove the pragma'); reading it with 'atomic read' is clean."""
    text = (
        "void show(long);\nvoid work(long n, double *__restrict__ a) {\n  long progress = 0;\n"
        "#pragma omp parallel for\n  for (long i = 0; i < n; i++) {\n    show(progress);\n"
        "#pragma omp atomic\n    ++progress;\n    a[i] = 2 * a[i];\n  }\n}\n"
    )
    path = tmp_path / "progress.cpp"
    path.write_text(text)
    assert main(["lint", str(path)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "warning[OMP009]: 'progress' is updated atomically but read without" in out[0]
    path.write_text(
        text.replace("    show(progress);\n", "    long seen;\n#pragma omp atomic read\n    seen = progress;\n")
    )
    assert main(["lint", str(path)]) == 0, capsys.readouterr().out


LOCKED = """#include <mutex>
#include <omp.h>
std::mutex m;
omp_lock_t l;
double work(long n, const double *__restrict__ a, double *__restrict__ b) {
  long first = -1;
  double total = 0;
#pragma omp parallel for
  for (long i = 0; i < n; i++) {
    b[i] = 2 * a[i];
    m.lock();
    bool is_first = first == -1;
    first = i;
    m.unlock();
    if (is_first) b[i] = 0;
    {
      std::lock_guard<std::mutex> guard(m);
      total += b[i];
    }
  }
  return total + first;
}
"""


def test_locations_touched_only_while_holding_one_lock_do_not_race(tmp_path: Path, capsys):
    """m.lock()/unlock() and a lock_guard on the same mutex exclude each other, like one critical name (was
    OMP001 on `first` and OMP003 on `total`); under two different locks `total` still races."""
    path = tmp_path / "locked.cpp"
    path.write_text(LOCKED)
    assert main(["lint", str(path)]) == 0, capsys.readouterr().out
    two_locks = LOCKED.replace("      std::lock_guard<std::mutex> guard(m);\n", "").replace(
        "      total += b[i];\n", "      omp_set_lock(&l);\n      total += b[i];\n      omp_unset_lock(&l);\n"
    )
    path.write_text(two_locks.replace("    m.unlock();\n", "    total -= 1;\n    m.unlock();\n"))
    assert main(["lint", str(path)]) == 1
    assert "error[OMP003]: 'total'" in capsys.readouterr().out


def test_per_thread_elements_indexed_by_the_thread_number_do_not_race(tmp_path: Path, capsys):
    """`lists[ith].push_back(i)` with `ith = omp_get_thread_num()` is each thread's own (was OMP001 'the same element
    is written in every iteration'); a constant index shared by all threads still races."""
    path = tmp_path / "tid.cpp"
    path.write_text(
        "#include <omp.h>\n#include <vector>\n"
        "void collect(long n, const double *__restrict__ a, std::vector<long> *lists, double *sums) {\n"
        "#pragma omp parallel\n  {\n    const int ith = omp_get_thread_num();\n#pragma omp for\n"
        "    for (long i = 0; i < n; i++) {\n      if (a[i] > 0) lists[ith].push_back(i);\n"
        "      sums[ith] += a[i];\n    }\n  }\n}\n"
    )
    assert main(["lint", str(path)]) == 0, capsys.readouterr().out
    path.write_text(path.read_text().replace("const int ith = omp_get_thread_num();", "const int ith = 0;"))
    assert main(["lint", str(path)]) == 1
    assert "error[OMP001]" in capsys.readouterr().out


def test_the_enclosing_parallel_pragmas_private_and_reduction_names_count(tmp_path: Path, capsys):
    """`#pragma omp parallel private(sum1)` (or reduction(+:norm)) around an `omp for` accumulating into it: each
    thread sums into its own copy (was OMP003 'use reduction')."""
    path = tmp_path / "manual.c"
    path.write_text(
        "int sum_all(void) {\n  int sum = 0, sum1;\n  double norm = 0;\n#pragma omp parallel private(sum1) "
        "reduction(+:norm)\n  {\n    int i;\n    sum1 = 7;\n#pragma omp for\n    for (i = 1; i < 1000; i++) {\n"
        "      sum1 = sum1 + i;\n      norm += i * 0.5;\n    }\n#pragma omp critical\n    sum = sum + sum1;\n  }\n"
        "  return sum + (int) norm;\n}\n"
    )
    assert main(["lint", str(path)]) == 0, capsys.readouterr().out
    path.write_text(path.read_text().replace("private(sum1) reduction(+:norm)", "shared(sum1, norm)"))
    assert main(["lint", str(path)]) == 1
    out = capsys.readouterr().out
    assert "'sum1' is shared" in out and "'norm' is shared" in out


def test_a_member_only_ever_set_to_one_value_is_a_warning(tmp_path: Path, capsys):
    """PCL marks a cloud not dense with `output.is_dense = false;` inside its parallel loops: every writer stores
    the same value (OMP009, was OMP001 'remove the pragma'); two values stay an error."""
    text = (
        "struct Cloud { float *g; bool is_dense; };\nbool ok(long);\nvoid grad(long n, Cloud &output) {\n"
        "#pragma omp parallel for shared(output)\n  for (long idx = 0; idx < n; idx++) {\n    if (!ok(idx)) {\n"
        "      output.g[idx] = 0;\n      output.is_dense = false;\n      continue;\n    }\n    output.g[idx] = 1;\n"
        "  }\n}\n"
    )
    path = tmp_path / "dense.cpp"
    path.write_text(text)
    assert main(["lint", str(path)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "warning[OMP009]: 'output.is_dense' is only ever set to 0" in out[0]
    path.write_text(text.replace("    output.g[idx] = 1;\n", "    output.g[idx] = 1;\n    output.is_dense = true;\n"))
    assert main(["lint", str(path)]) == 1
    assert "error[OMP001]" in capsys.readouterr().out


def test_an_array_section_reduction_covers_its_array(tmp_path: Path, capsys):
    """`reduction(+:data[:n])` already reduces `data` (was OMP003 'use reduction(+:data)')."""
    path = tmp_path / "section.c"
    path.write_text(
        "void f(int n) {\n  int data[64] = {0};\n#pragma omp parallel for reduction(+:data[:n])\n"
        "  for (int it = 0; it < n; it++)\n    for (int i = 0; i < n; i++) data[i]++;\n}\n"
    )
    assert main(["lint", str(path)]) == 0, capsys.readouterr().out


def test_collapse_beyond_the_perfect_nest_is_an_error_with_the_depth_as_fix(tmp_path: Path, capsys):
    """gcc rejects collapse(3) on a two-deep nest ('not enough perfectly nested loops'); the fix folds the two."""
    path = tmp_path / "nest.c"
    text = (
        "void scale(int n, int m, double *restrict a) {\n  int i, j;\n#pragma omp parallel for collapse(3)\n"
        "  for (i = 0; i < n; i++)\n    for (j = 0; j < m; j++)\n      a[i * m + j] *= 2.0;\n}\n"
    )
    path.write_text(text)
    assert main(["lint", str(path)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert out == [
        f"{path}:3:1: error[OMP011]: collapse(3) but the nest has 2 loops (gcc: 'not enough perfectly nested "
        "loops') [fix: #pragma omp parallel for collapse(2)]"
    ], out
    path.write_text(text.replace("collapse(3)", "collapse(2)"))
    assert main(["lint", str(path)]) == 0, capsys.readouterr().out
    # a non-OpenMP pragma between the loops is dropped by the compiler: still a perfect nest
    path.write_text(text.replace("collapse(3)", "collapse(2)").replace("    for (j", "#pragma unroll\n    for (j"))
    assert main(["lint", str(path)]) == 0, capsys.readouterr().out


def test_collapse_over_intervening_code_warns_and_conditional_nests_are_left_alone(tmp_path: Path, capsys):
    """A statement between the loops: clang accepts collapse(2) (OpenMP 5.1 intervening code), gcc does not. With
    #if/#else inside the nest the compiled loops cannot be known from the text, so nothing is said."""
    path = tmp_path / "nest.c"
    text = (
        "void scale(int n, int m, double *restrict a) {\n#pragma omp parallel for collapse(2)\n"
        "  for (int i = 0; i < n; i++) {\n    double t = 2.0 * i;\n"
        "    for (int j = 0; j < m; j++)\n      a[i * m + j] *= t;\n  }\n}\n"
    )
    path.write_text(text)
    assert main(["lint", str(path)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and f"{path}:2:1: warning[OMP012]: collapse(2) but only 1 loop perfectly nested" in out[0]
    assert out[0].endswith("[fix: #pragma omp parallel for]"), out
    path.write_text(text.replace("    double t = 2.0 * i;\n", "#ifdef SCALE\n    double t = 2.0 * i;\n#endif\n"))
    assert main(["lint", str(path)]) == 0, capsys.readouterr().out


def test_pointers_allocated_inside_the_parallel_region_are_each_threads_own(tmp_path: Path, capsys):
    """SNAP's double buffer: `TIntV *nbrs = new TIntV();` at the top of the parallel block, swapped with another
    in every iteration of the `omp for` inside. Each thread swaps its own pointers (it was OMP001 'iterations
    race'); the same pointers declared before the region are shared and race."""
    path = tmp_path / "buffers.c"
    text = (
        "#include <stdlib.h>\nvoid f(int n, int m, double *out) {\n"
        "#pragma omp parallel\n  {\n    double *cur = malloc(m * sizeof(double));\n"
        "    double *old = malloc(m * sizeof(double));\n    double *tmp;\n#pragma omp for\n"
        "    for (int i = 0; i < n; i++) { tmp = old; old = cur; cur = tmp; out[i] = i * (cur != old); }\n"
        "    free(cur);\n    free(old);\n  }\n}\n"
    )
    path.write_text(text)
    assert main(["lint", str(path)]) == 0, capsys.readouterr().out
    shared = text.replace("#pragma omp parallel\n  {\n    double *cur", "  double *cur").replace(
        "    double *old = malloc(m * sizeof(double));\n",
        "  double *old = malloc(m * sizeof(double));\n#pragma omp parallel\n  {\n",
    )
    path.write_text(shared)
    assert main(["lint", str(path)]) == 1
    assert "error[OMP001]" in capsys.readouterr().out


def test_a_user_defined_reduction_covers_the_members_it_updates_and_macro_bodies_are_not_judged(tmp_path: Path, capsys):
    """RAJAPerf's minloc: reduction(minloc:mymin) with `mymin.val = ...; mymin.loc = i;` in the body was OMP001
    (a race on mymin.val) and OMP004 (mymin never updated); a body that is one macro name may update it too."""
    path = tmp_path / "minloc.c"
    text = (
        "typedef struct { double val; int loc; } minloc_t;\n"
        "#pragma omp declare reduction(minloc : minloc_t : omp_out = omp_in.val < omp_out.val ? omp_in : omp_out)"
        " initializer(omp_priv = omp_orig)\n"
        "int first_min(int n, const double *x) {\n  minloc_t mymin = {x[0], 0};\n"
        "#pragma omp parallel for reduction(minloc:mymin)\n"
        "  for (int i = 0; i < n; i++) {\n    if (x[i] < mymin.val) {\n      mymin.val = x[i];\n"
        "      mymin.loc = i;\n    }\n  }\n  return mymin.loc;\n}\n"
    )
    path.write_text(text)
    assert main(["lint", str(path)]) == 0, capsys.readouterr().out
    body = "    if (x[i] < mymin.val) {\n      mymin.val = x[i];\n      mymin.loc = i;\n    }\n"
    path.write_text(text.replace(body, "    MIN_BODY;\n"))
    assert main(["lint", str(path)]) == 0, capsys.readouterr().out


def test_a_shared_stream_is_an_io_warning_and_a_critical_section_makes_it_clean(tmp_path: Path, capsys):
    """`log << ...` on a stream the loop does not own (OpenMS's OPENMS_LOG_ERROR, an ofstream): threads interleave
    and race on the stream object; it was 'parallel' before streams were understood, then OMP001."""
    path = tmp_path / "log.cpp"
    text = (
        "#include <fstream>\nvoid f(std::ofstream &log, const double *a, double *b, int n) {\n"
        "#pragma omp parallel for\n  for (int i = 0; i < n; i++) {\n    b[i] = 2 * a[i];\n"
        '    if (b[i] < 0) log << "negative at " << i << "\\n";\n  }\n}\n'
    )
    path.write_text(text)
    assert main(["lint", str(path)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "warning[OMP010]: log at 6:19 writes to a shared stream" in out[0], out
    path.write_text(text.replace("    if (b[i] < 0) log", "#pragma omp critical\n    if (b[i] < 0) log"))
    assert main(["lint", str(path)]) == 0, capsys.readouterr().out


def test_a_variable_reused_only_in_the_other_branch_is_not_used_after_the_loop(tmp_path: Path, capsys):
    """CTF pads keys in both branches of `if (offsets == NULL) {...} else {...}` with private(k, knew): the else
    loop reads k, but control leaving the first loop never gets there (it was OMP007 'use lastprivate'). Inside
    an outer loop the else branch can follow, and a use after the if/else is a use."""
    path = tmp_path / "branches.c"
    text = (
        "void pad(long *key, const long *offsets, int n) {\n  long k;\n  int i;\n  if (offsets == 0) {\n"
        "#pragma omp parallel for private(k)\n    for (i = 0; i < n; i++) { k = key[i] * 2; key[i] = k + 1; }\n"
        "  } else {\n#pragma omp parallel for private(k)\n"
        "    for (i = 0; i < n; i++) { k = key[i] * 2; key[i] = k + offsets[i]; }\n  }\n}\n"
    )
    path.write_text(text)
    assert main(["lint", str(path)]) == 0, capsys.readouterr().out
    path.write_text(text.replace("  }\n}\n", "  }\n  key[0] = k;\n}\n"))
    assert main(["lint", str(path)]) == 1
    assert "error[OMP007]: 'k' is used after the loop" in capsys.readouterr().out


def test_a_variable_reused_only_in_a_later_case_is_not_used_after_the_loop(tmp_path: Path, capsys):
    """PROGRESS's adjungate: the same private(l) loop in `case 'u': ... break;` and `case 'l': ...`; the second
    case's reads are not reached from the first loop. Without the break they are (fallthrough)."""
    path = tmp_path / "cases.c"
    text = (
        "void adj(char which, int n, const int *nnz, double *out) {\n  int l;\n  switch (which) {\n"
        "  case 'u':\n#pragma omp parallel for private(l)\n"
        "    for (int i = 0; i < n; i++) { l = nnz[i]; out[i] = l; }\n"
        "    break;\n  case 'l':\n#pragma omp parallel for private(l)\n"
        "    for (int i = 0; i < n; i++) { l = nnz[i] * 2; out[i] = l; }\n    break;\n  }\n}\n"
    )
    path.write_text(text)
    assert main(["lint", str(path)]) == 0, capsys.readouterr().out
    path.write_text(text.replace("    break;\n  case 'l':", "  case 'l':\n    out[0] = l;"))
    assert main(["lint", str(path)]) == 1
    assert "error[OMP007]: 'l' is used after the loop" in capsys.readouterr().out


def test_an_inner_simd_loops_variable_and_default_firstprivate_names_are_not_shared(tmp_path: Path, capsys):
    """`int i, j;` with `#pragma omp simd` on the inner j loop: j is linear, private to the simd construct (it was
    OMP002 'add private(j)'); without the inner pragma j is shared and races. Under default(firstprivate) an
    accumulation goes to each task's copy: lost, not a race."""
    path = tmp_path / "matvec.c"
    text = (
        "void matvec(const double *restrict a, const double *restrict x, double *restrict y, int m, int n) {\n"
        "  int i, j;\n#pragma omp parallel for\n  for (i = 0; i < m; i++) {\n    double s = 0;\n"
        "#pragma omp simd reduction(+:s)\n    for (j = 0; j < n; j++) s += a[i * n + j] * x[j];\n    y[i] = s;\n"
        "  }\n}\n"
    )
    path.write_text(text)
    assert main(["lint", str(path)]) == 0, capsys.readouterr().out
    path.write_text(text.replace("#pragma omp simd reduction(+:s)\n", ""))
    assert main(["lint", str(path)]) == 1
    assert "error[OMP002]: 'j' is written in every iteration" in capsys.readouterr().out
    path.write_text(
        "void count(int n, int *out) {\n  int hits = 0;\n#pragma omp taskloop default(firstprivate)\n"
        "  for (int i = 0; i < n; i++) { out[i] = i; hits += 1; }\n  out[0] = hits;\n}\n"
    )
    assert main(["lint", str(path)]) == 1
    out = capsys.readouterr().out
    assert "OMP003]: default(firstprivate) discards the +-accumulation" in out and "is shared" not in out


def test_a_spaced_hash_pragma_inside_the_body_counts(tmp_path: Path, capsys):
    """FEBio writes `# pragma omp atomic` (a space after the hash, which C allows): the update is atomic (it was
    OMP003 'use reduction'), and `# pragma unroll` between nested loops is not a statement either."""
    path = tmp_path / "spaced.c"
    path.write_text(
        "int count(int n, const int *restrict a) {\n  int hits = 0;\n#pragma omp parallel for shared(hits)\n"
        "  for (int i = 0; i < n; i++) {\n    if (a[i] > 0) {\n      # pragma omp atomic\n      hits++;\n    }\n"
        "  }\n  return hits;\n}\n"
        "void scale(int n, int m, double *restrict a) {\n#pragma omp parallel for collapse(2)\n"
        "  for (int i = 0; i < n; i++) {\n    # pragma unroll\n"
        "    for (int j = 0; j < m; j++) a[i * m + j] *= 2;\n  }\n}\n"
    )
    assert main(["lint", str(path)]) == 0, capsys.readouterr().out


def test_updates_inside_an_ordered_block_run_in_order(tmp_path: Path, capsys):
    """`#pragma omp ordered { sum = sum + i; }` under `for ordered`: one block at a time, in iteration order (it
    was OMP003 'threads race, use reduction'); the same update outside the block races."""
    path = tmp_path / "ordered.c"
    text = (
        "int check(int i);\nint total(int n, int *restrict flags) {\n  int sum = 0;\n"
        "#pragma omp parallel for ordered schedule(static, 1)\n  for (int i = 1; i < n; i++) {\n"
        "    flags[i] = check(i);\n#pragma omp ordered\n    {\n      sum = sum + i;\n    }\n  }\n  return sum;\n}\n"
    )
    path.write_text(text)
    assert main(["lint", "--select", "OMP001,OMP002,OMP003", str(path)]) == 0, capsys.readouterr().out
    path.write_text(text.replace("#pragma omp ordered\n", ""))
    assert main(["lint", "--select", "OMP001,OMP002,OMP003", str(path)]) == 1
    assert "OMP003" in capsys.readouterr().out


def test_a_variable_only_a_function_like_macro_can_declare_is_not_judged(tmp_path: Path, capsys):
    """GraphBLAS's task loops start with `GB_GET_TASK_DESCRIPTOR (...) ;`, which declares `task_pending` inside
    the loop; counting into it was OMP003 'use reduction'. A variable declared in the file is still judged."""
    path = tmp_path / "tasks.c"
    text = (
        '#include "GB.h"\nvoid phase1(int ntasks, int64_t *restrict counts) {\n'
        "#pragma omp parallel for schedule(dynamic, 1)\n  for (int taskid = 0; taskid < ntasks; taskid++) {\n"
        "    GB_GET_TASK_DESCRIPTOR (taskid) ;\n    for (int64_t k = kfirst; k <= klast; k++) {\n"
        "      if (counts[k] == 0) task_pending++;\n    }\n  }\n}\n"
    )
    path.write_text(text)
    assert main(["lint", "--select", "OMP002,OMP003", str(path)]) == 0, capsys.readouterr().out
    declared = text.replace("{\n#pragma omp parallel for", "{\n  int64_t task_pending = 0;\n#pragma omp parallel for")
    path.write_text(declared)
    assert main(["lint", "--select", "OMP002,OMP003", str(path)]) == 1
    assert "task_pending" in capsys.readouterr().out


def test_a_vector_built_with_a_size_inside_the_region_is_each_threads_own(tmp_path: Path, capsys):
    """GauXC declares `std::vector<double> atomDist( natoms );` at the top of a parallel block; tree-sitter reads
    it as a function declaration (C++'s most vexing parse), so the vector was shared and OMP001 'iterations race'.
    Declared before the region it is shared and races."""
    path = tmp_path / "weights.cpp"
    text = (
        "#include <vector>\nvoid weights(int ntasks, int natoms, const int *parent, double *out) {\n"
        "#pragma omp parallel\n  {\n    std::vector<double> dist( natoms );\n#pragma omp for\n"
        "    for (int t = 0; t < ntasks; t++) {\n      dist[0] = 2.0 * parent[t];\n      out[t] = dist[0];\n"
        "    }\n  }\n}\n"
    )
    path.write_text(text)
    assert main(["lint", "--select", "OMP001,OMP002", str(path)]) == 0, capsys.readouterr().out
    moved = text.replace("#pragma omp parallel\n  {\n    std::vector<double> dist( natoms );\n",
                         "  std::vector<double> dist( natoms );\n#pragma omp parallel\n  {\n")  # fmt: skip
    path.write_text(moved)
    main(["lint", "--select", "OMP001,OMP002", str(path)])
    assert "dist" in capsys.readouterr().out
