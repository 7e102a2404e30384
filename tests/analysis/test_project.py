"""Calls into other files of a project (``ompgpt.analysis.project``): which definitions are visible, and what the
loops calling them become."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from ompgpt.analysis import AnalysisOptions, analyze_file
from ompgpt.analysis.project import ProjectIndex
from ompgpt.cli import main
from ompgpt.source import read_source, scan

CALLER = """\
double smooth(const double *u, int i);
void step(double *restrict out, const double *restrict u, int n) {
  for (int i = 1; i < n - 1; i++)
    out[i] = smooth(u, i);
}
"""
SMOOTH = "double smooth(const double *u, int i) { return 0.25 * (u[i - 1] + 2.0 * u[i] + u[i + 1]); }\n"


def verdicts(path: Path, project: ProjectIndex | None) -> list[str]:
    return [r.verdict for r in analyze_file(scan(read_source(path)), AnalysisOptions(project=project))]


def write(root: Path, files: dict[str, str]) -> list[Path]:
    paths = []
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        paths.append(path)
    return paths


def test_a_pure_function_of_another_file_lets_the_loop_be_proven(tmp_path):
    main, util = write(tmp_path, {"main.c": CALLER, "util.c": SMOOTH})
    assert verdicts(main, None) == ["unknown"]
    assert verdicts(main, ProjectIndex([main, util])) == ["parallel"]


def test_a_callee_writing_shared_state_makes_the_loop_serial(tmp_path):
    caller = "void bump(void);\nvoid f(int n) { for (int i = 0; i < n; i++) bump(); }\n"
    main, util = write(tmp_path, {"main.c": caller, "util.c": "int counter;\nvoid bump(void) { counter++; }\n"})
    assert verdicts(main, ProjectIndex([main, util])) == ["serial"]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # a static function of another .c file is not the one called
        ({"util.c": "static " + SMOOTH}, "unknown"),
        # a static inline helper in a header is
        ({"util.h": "static inline " + SMOOTH}, "parallel"),
        # two definitions (#ifdef variants, a test and a library): which one links is unknown
        ({"util.c": SMOOTH, "other/util.c": SMOOTH}, "unknown"),
        # a method of a class is not a free function
        ({"util.hpp": "struct S { " + SMOOTH.strip() + " };\n"}, "unknown"),
    ],
)
def test_only_one_visible_free_definition_is_used(tmp_path, files, expected):
    main, *others = write(tmp_path, {"main.c": CALLER, **files})
    assert verdicts(main, ProjectIndex([main, *others])) == [expected]


def test_a_function_like_macro_of_the_caller_hides_the_project_function(tmp_path):
    caller = "#define smooth(u, i) g_smooth(u, i)\n" + CALLER
    main, util = write(tmp_path, {"main.c": caller, "util.c": SMOOTH})
    assert verdicts(main, ProjectIndex([main, util])) == ["unknown"]


def test_a_call_inside_a_member_function_may_be_a_method(tmp_path):
    caller = (
        "double smooth(const double *u, int i);\n"
        "void Grid::step(double *out, const double *u, int n) {\n"
        "  for (int i = 1; i < n - 1; i++) out[i] = smooth(u, i);\n}\n"
    )
    main, util = write(tmp_path, {"main.cpp": caller, "util.cpp": SMOOTH})
    assert verdicts(main, ProjectIndex([main, util])) == ["unknown"]


def test_an_unreadable_project_file_is_skipped(tmp_path):
    main, util = write(tmp_path, {"main.c": CALLER, "util.c": SMOOTH})
    index = ProjectIndex([main, util, tmp_path / "missing.c"])
    assert verdicts(main, index) == ["parallel"]


def test_the_index_pickles_without_its_caches(tmp_path):
    main, util = write(tmp_path, {"main.c": CALLER, "util.c": SMOOTH})
    index = ProjectIndex([main, util])
    assert index.summary("smooth", main) is not None
    copy = pickle.loads(pickle.dumps(index))
    assert copy._definitions is None and copy.paths == index.paths
    assert copy.summary("smooth", main) is not None


def run_cli(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


def test_annotate_reads_the_other_files_given_and_under_project(tmp_path, capsys):
    main_c, _ = write(tmp_path, {"src/main.c": CALLER, "lib/util.c": SMOOTH})
    code, out = run_cli(capsys, "annotate", "--no-model", str(main_c))
    assert code == 0 and "#pragma omp" not in out
    code, out = run_cli(capsys, "annotate", "--no-model", str(main_c), "--project", str(tmp_path / "lib"))
    assert code == 1 and "+  #pragma omp parallel for" in out
    code, out = run_cli(capsys, "annotate", "--no-model", "--jobs", "2", str(tmp_path / "src"), str(tmp_path / "lib"))
    assert code == 1 and "+  #pragma omp parallel for" in out


def test_lint_and_explain_take_project(tmp_path, capsys):
    racy = "int counter;\nvoid bump(void) { counter++; }\n"
    caller = "void bump(void);\nvoid f(int n) {\n#pragma omp parallel for\n  for (int i = 0; i < n; i++) bump();\n}\n"
    main_c, lib = write(tmp_path, {"main.c": caller, "lib.c": racy})
    assert "OMP001" not in run_cli(capsys, "lint", str(main_c))[1]
    assert "OMP001" in run_cli(capsys, "lint", str(main_c), "--project", str(lib))[1]
    out = run_cli(capsys, "explain", str(main_c), "--project", str(lib))[1]
    assert "serial" in out and "written by call bump" in out


def test_a_callee_that_only_writes_through_a_pointer_reads_nothing_there(tmp_path):
    code = (
        "static void zero(double *t, int n) { for (int j = 0; j < n; j++) t[j] = 0.0; }\n"
        "void f(double *restrict a, double *restrict b, int n) {\n  double t[8];\n"
        "  for (int i = 0; i < n; i++) { zero(t, 8); t[0] = a[i]; b[i] = t[0]; }\n}\n"
    )
    (main,) = write(tmp_path, {"main.c": code})
    loop = analyze_file(scan(read_source(main)))[1]
    assert "t[?]" in loop.writes and "t[?]" not in loop.reads
