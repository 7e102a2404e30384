"""verify_candidates on small real programs: each check accepts what it should and rejects what it should."""

from __future__ import annotations

import dataclasses

import pytest

from ompgpt.verify.api import verify_candidates
from ompgpt.verify.model import ACCEPTED, FAILED, REJECTED, SKIPPED, Candidate

pytestmark = pytest.mark.usefixtures("need_clang")

SUM = r"""#include <stdio.h>
#define N 200000
static double a[N], b[N];
int main(void) {
    double s = 0, t;
    int n = N;
    for (int i = 0; i < n; i++) a[i] = (i % 97) * 0.5;
    for (int i = 0; i < n; i++) {
        t = a[i] * 2.0;
        b[i] = t;
        s += t;
    }
    for (int i = 1; i < n; i++) a[i] = a[i - 1] * 0.5 + b[i];
    printf("s %.6f last %.6f\n", s, a[n - 1]);
    printf("time: %f s\n", (double)n * 1e-9);
    return 0;
}
"""
LOOP, CARRIED = 8, 13


def _one(source, line, pragma, config):
    [result] = verify_candidates(source, [Candidate(line, pragma)], config)
    return result


def test_correct_pragma_is_accepted_with_every_check_passing(tmp_path, fast_config):
    src = tmp_path / "sum.c"
    src.write_text(SUM)
    config = dataclasses.replace(fast_config, timing_check=True, timing_runs=2, timing_threads=2)
    result = _one(src, LOOP, "parallel for private(t) reduction(+:s)", config)
    assert result.verdict == ACCEPTED, result.reason
    assert [c.name for c in result.checks] == ["static", "differential", "race", "timing"]
    assert all(c.status == "passed" for c in result.checks)
    assert result.unscoped == {"a": "shared", "b": "shared", "n": "shared"}
    assert result.timing is not None and result.timing.speedup > 0
    assert src.read_text() == SUM  # the user's file is never touched


def test_unscoped_written_scalars_are_reported_by_name(fast_config):
    result = _one(SUM, LOOP, "parallel for reduction(+:s)", fast_config)
    assert result.verdict == REJECTED
    assert result.failed_check == "static"
    assert result.reason == "missing data-sharing clause for t"
    assert result.unscoped["t"] == "written"
    assert "'t'" in result.checks[0].evidence


def test_carried_dependence_is_rejected_by_execution(fast_config):
    result = _one(SUM, CARRIED, "parallel for", fast_config)
    assert result.verdict == REJECTED
    assert result.failed_check == "differential"
    assert "output differs" in result.reason


def test_race_check_catches_what_the_outputs_hide(fast_config):
    # writes the same value from every thread: outputs always agree, but it is still a race
    src = SUM.replace("s += t;", "b[0] = 0.0;")
    config = dataclasses.replace(fast_config, differential_check=True)
    result = _one(src, LOOP, "parallel for private(t) reduction(+:s)", config)
    assert result.verdict == REJECTED
    assert result.failed_check == "race"
    assert "data race" in result.reason
    assert "ThreadSanitizer" in result.checks[-1].evidence


def test_syntax_error_in_pragma_is_a_compile_rejection(fast_config):
    result = _one(SUM, LOOP, "parallel for reduction(+ s)", fast_config)
    assert result.failed_check == "static"
    assert "does not compile" in result.reason


def test_line_without_loop_is_rejected_not_raised(fast_config):
    result = _one(SUM, 5, "parallel for", fast_config)
    assert result.failed_check == "edit"


def test_hang_is_a_timeout_and_omp_calls_link_in_the_reference(fast_config):
    src = r"""#include <omp.h>
#include <stdio.h>
int main(void) {
    volatile int spin = 1;
    long s = 0;
    for (int i = 0; i < 100; i++) {
        if (omp_get_thread_num() != 0) while (spin) {}
        s += i;
    }
    printf("%ld\n", s);
    return 0;
}
"""
    config = dataclasses.replace(fast_config, run_timeout=2.0, static_check=False)
    result = _one(src, 6, "parallel for reduction(+:s)", config)
    assert result.failed_check == "differential"
    assert "timed out" in result.reason


def test_exit_code_change_rejects(fast_config):
    src = r"""#include <omp.h>
#include <stdio.h>
int main(void) {
    int bad = 0;
    for (int i = 0; i < 1000; i++)
        if (omp_get_thread_num() > 0) bad = 1;
    printf("done\n");
    return bad ? 3 : 0;
}
"""
    config = dataclasses.replace(fast_config, static_check=False, race_check=False)
    result = _one(src, 5, "parallel for reduction(max:bad)", config)
    assert result.failed_check == "differential"
    assert "exit code 3" in result.reason


def test_missing_archer_fails_the_race_check_instead_of_passing(fast_config):
    config = dataclasses.replace(fast_config, env={"OMP_TOOL": "disabled"}, differential_check=False)
    result = _one(SUM, LOOP, "parallel for private(t) reduction(+:s)", config)
    assert result.failed_check == "race"
    assert "Archer did not load" in result.reason
    lenient = dataclasses.replace(config, require_archer=False)
    result = _one(SUM, LOOP, "parallel for private(t) reduction(+:s)", lenient)
    assert result.verdict == ACCEPTED
    assert result.checks[-1].status == SKIPPED
    assert any("Archer did not load" in w for w in result.warnings)


def test_reference_that_does_not_build_is_reported(fast_config):
    src = SUM.replace("return 0;", "return undefined_symbol();")
    config = dataclasses.replace(fast_config, static_check=False)
    result = _one(src, LOOP, "parallel for private(t) reduction(+:s)", config)
    assert result.failed_check == "differential"
    assert "serial reference" in result.reason


def test_cxx_program_text_and_all_checks_mode(fast_config):
    src = """#include <cstdio>
#include <vector>
int main() {
    std::vector<double> v(100000);
    double s = 0;
    for (std::size_t i = 0; i < v.size(); i++) v[i] = i % 10;
    for (double x : v) s += x;
    std::printf("%.1f\\n", s);
}
"""
    config = dataclasses.replace(fast_config, stop_at_first_failure=False)
    good, bad = verify_candidates(
        src, [Candidate(7, "parallel for reduction(+:s)"), Candidate(7, "parallel for")], config
    )
    assert good.verdict == ACCEPTED, good.reason
    assert bad.verdict == REJECTED and bad.failed_check == "static"
    statuses = {c.name: c.status for c in bad.checks}
    assert statuses["static"] == FAILED and statuses["race"] == FAILED  # every check ran


def test_project_mode_uses_build_and_run_templates(tmp_path, fast_config):
    (tmp_path / "helper.h").write_text("static double scale(double x) { return 2.0 * x; }\n")
    main = tmp_path / "main.c"
    main.write_text(
        SUM.replace("#include <stdio.h>", '#include <stdio.h>\n#include "helper.h"').replace(
            "t = a[i] * 2.0;", "t = scale(a[i]);"
        )
    )
    config = dataclasses.replace(
        fast_config, build_cmd="{cc} {cflags} {src} -o {exe} -lm", run_cmd="{exe}", race_check=False
    )
    good, bad = verify_candidates(
        main,
        [Candidate(LOOP + 1, "parallel for private(t) reduction(+:s)"), Candidate(CARRIED + 1, "parallel for")],
        config,
    )
    assert good.verdict == ACCEPTED, good.reason
    assert bad.failed_check == "differential"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["helper.h", "main.c"]


def test_missing_file_path_raises_instead_of_compiling_the_name(fast_config):
    with pytest.raises(FileNotFoundError):
        verify_candidates("no/such/prog.c", [Candidate(1, "parallel for")], fast_config)
