"""Content that makes the work grow faster than the file: many loops, deep nests, long identifiers, long loop
bodies. Each case is generated at two small sizes and the cost of the larger must grow about linearly (< 3x for
2x the input; the quadratic code this guards against grew 4x). Times are the minimum of a few runs, to damp the
noise of a shared machine."""

from __future__ import annotations

import time
from collections.abc import Callable

from ompgpt.source import SourceFile, scan
from ompgpt.source.edit import set_loop_pragmas


def functions_with_loops(count: int) -> str:
    """``count`` small functions, each with one parallelizable loop (a file of many loops)."""
    return "".join(
        f"void f{k}(float *restrict a, int n) {{\n  for (int i = 0; i < n; i++)\n    a[i] = a[i] * {k} + 1;\n}}\n\n"
        for k in range(count)
    )


def assert_linear(make: Callable[[int], Callable[[], object]], n: int, repeat: int = 5) -> None:
    """Doubling the input must cost < 3x the time. The two sizes are timed alternately and the minimum of each is
    compared, with the collector paused, so a burst of load on a shared machine does not land on one size only."""
    import gc

    works, best = (make(n), make(2 * n)), [float("inf"), float("inf")]
    gc.collect()
    gc.disable()
    try:
        for _ in range(repeat):
            for k, work in enumerate(works):
                start = time.perf_counter()
                work()
                best[k] = min(best[k], time.perf_counter() - start)
    finally:
        gc.enable()
    assert best[1] < 3 * best[0] + 0.05, f"{n}: {best[0]:.3f} s, {2 * n}: {best[1]:.3f} s"  # 50 ms: scheduling noise


def test_inserting_a_pragma_above_every_loop_is_linear_in_the_file():
    """Before: the file was split into lines once per inserted pragma (2,000 loops: 2.8 s)."""

    def make(n: int) -> Callable[[], str]:
        source = SourceFile.from_text(functions_with_loops(n), "c", "many.c")
        changes = [(loop, "parallel for") for loop in scan(source).loops]
        return lambda: set_loop_pragmas(source.text, changes)

    assert_linear(make, 3000)
    source = SourceFile.from_text(functions_with_loops(3), "c", "three.c")
    out = set_loop_pragmas(source.text, [(loop, "parallel for") for loop in scan(source).loops])
    assert out.count("  #pragma omp parallel for\n  for (int i") == 3


def _annotated(n: int) -> tuple[list[str], list[str]]:
    source = SourceFile.from_text(functions_with_loops(n), "c", "many.c")
    after = set_loop_pragmas(source.text, [(loop, "parallel for") for loop in scan(source).loops])
    return source.text.splitlines(keepends=True), after.splitlines(keepends=True)


def test_the_diff_of_a_file_with_thousands_of_pragmas_is_linear_and_applies(tmp_path, monkeypatch):
    """Before: difflib's search for the longest match in every gap took 7 s of a 10 s run on 2,000 loops."""
    import difflib
    import subprocess

    from ompgpt.report import diff as diff_module
    from ompgpt.report.diff import unified_diff

    def make(n: int) -> Callable[[], str]:
        before, after = _annotated(n)
        return lambda: "".join(unified_diff(before, after, "a/x.c", "b/x.c"))

    assert_linear(make, 4000)
    monkeypatch.setattr(diff_module, "SMALL", 100)  # the linear matcher on a size difflib still does quickly
    before, after = _annotated(300)
    diff = "".join(unified_diff(before, after, "a/x.c", "b/x.c"))
    assert diff == "".join(difflib.unified_diff(before, after, "a/x.c", "b/x.c"))  # same hunks as difflib
    (tmp_path / "x.c").write_text("".join(before))
    subprocess.run(["patch", "-s", "-p1"], input=diff, text=True, cwd=tmp_path, check=True)
    assert (tmp_path / "x.c").read_text() == "".join(after)


def test_a_diff_with_unrelated_changes_still_applies(tmp_path):
    import random
    import subprocess

    from ompgpt.report.diff import unified_diff

    rng = random.Random(7)
    before = [f"line {rng.randrange(50)}\n" for _ in range(30_000)]
    after = list(before)
    for _ in range(300):  # removals, insertions and replacements of up to 80 lines, beyond the re-sync window
        at, size = rng.randrange(len(after)), rng.randrange(1, 80)
        after[at : at + rng.choice([0, size])] = [f"new {rng.randrange(9)}\n"] * rng.choice([0, size])
    diff = "".join(unified_diff(before, after, "a/y.c", "b/y.c"))
    (tmp_path / "y.c").write_text("".join(before))
    subprocess.run(["patch", "-s", "-p1"], input=diff, text=True, cwd=tmp_path, check=True)
    assert (tmp_path / "y.c").read_text() == "".join(after)


def _annotate_text(tmp_path, name: str, text: str, **config):
    from dataclasses import replace

    from ompgpt.report.annotate import AnnotateOptions, annotate_file
    from ompgpt.report.config import Config

    path = tmp_path / name
    path.write_text(text)
    return annotate_file(path, AnnotateOptions(config=replace(Config(), **{"model": False, **config})))


def nested_loops(depth: int) -> str:
    heads = "".join(f"for (int i{k} = 0; i{k} < n; i{k}++)\n" for k in range(depth))
    return f"void f(float *restrict a, int n) {{\n{heads}a[i0] += 1;\n}}\n"


def test_a_deep_nest_is_cut_at_the_depth_limit_with_a_note(tmp_path):
    """Before: 400 nested loops took 33 s (each loop rebuilt the function after a RecursionError, and every
    loop's walks to its function and its depth went through the whole nest)."""
    from ompgpt.source.loops import MAX_LOOP_DEPTH

    assert_linear(lambda n: lambda: _annotate_text(tmp_path, f"deep{n}.c", nested_loops(n)), 300, repeat=2)
    result = _annotate_text(tmp_path, "deep.c", nested_loops(400))
    assert len(result.loops) == MAX_LOOP_DEPTH + 1
    line = MAX_LOOP_DEPTH + 3  # the function's line, then one line per loop
    assert f"{tmp_path / 'deep.c'}:{line}:1: note: {400 - MAX_LOOP_DEPTH - 1} loop(s) nested more than" in "".join(
        result.warnings
    )
    assert not result.errors


def test_a_shallow_nest_still_gets_its_pragma(tmp_path):
    result = _annotate_text(tmp_path, "three.c", nested_loops(3))
    assert [r.action for r in result.loops] == ["insert", "skip", "skip"]
    assert not result.warnings


def test_many_parallel_regions_and_pragmas_scan_in_linear_time():
    """Before: every loop was tested against every parallel region, and every pragma counted the newlines
    before it (4,000 regions: 6.5 s)."""

    def make(n: int) -> Callable[[], object]:
        text = "".join(
            f"void f{k}(float *a, int n) {{\n#pragma omp parallel\n  {{\n  for (int i = 0; i < n; i++)\n"
            "    a[i] += 1;\n  }\n}\n"
            for k in range(n)
        )
        source = SourceFile.from_text(text, "c", "regions.c")
        return lambda: scan(source)

    assert_linear(make, 1500)
    loops = make(3)().loops
    assert all(lp.in_parallel_region for lp in loops)
    assert loops[2].region_site.line == 16


def test_a_loop_with_a_huge_identifier_gets_a_note_and_still_an_answer(tmp_path):
    name = "v" * 100_000
    text = f"void f(float *restrict a, int n) {{\n  float {name} = 0;\n  for (int i = 0; i < n; i++)\n"
    text += f"    {name} += a[i];\n  a[0] = {name};\n}}\n"
    result = _annotate_text(tmp_path, "ident.c", text, model=True)
    assert any(":3:3: note: identifier vvvv" in w and "(100000 characters)" in w for w in result.warnings)
    assert [r.line for r in result.loops] == [3] and not result.errors
