"""``--jobs``: the project index is built once, in the parent, and shared with the worker processes."""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import replace
from pathlib import Path

import pytest

from ompgpt.analysis import project
from ompgpt.analysis.project import index_paths
from ompgpt.report.annotate import AnnotateOptions, annotate_paths
from ompgpt.report.config import Config

HELPER = "double scale(double x) { return 2.0 * x; }\n"
CALLER = (
    "double scale(double x);\n"
    "void f{k}(double *restrict a, int n) {{\n  for (int i = 0; i < n; i++)\n    a[i] = scale(a[i]);\n}}\n"
)


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_jobs_read_every_project_file_once_and_give_the_serial_results(tmp_path: Path, monkeypatch):
    """Before: the options (with the index) were pickled with every chunk of 4 files and each chunk re-read and
    re-parsed the whole project in its worker: 200 files with --jobs 2 took 7x as long as --jobs 1."""
    (tmp_path / "util.c").write_text(HELPER)
    for k in range(12):
        (tmp_path / f"caller{k}.c").write_text(CALLER.format(k=k))
    log = tmp_path.parent / f"{tmp_path.name}.reads"
    original = project._read_context

    def logged(path, lang, index):
        with open(log, "a") as fh:
            fh.write(f"{os.getpid()} {path.name}\n")
        return original(path, lang, index)

    monkeypatch.setattr(project, "_read_context", logged)

    def run(jobs: int):
        options = AnnotateOptions(config=replace(Config(), model=False), project=index_paths([tmp_path]))
        return annotate_paths([str(tmp_path)], options, jobs=jobs, progress=False)

    serial = run(1)
    log.unlink()
    parallel = run(2)
    reads = log.read_text().split("\n")[:-1]
    assert sorted(r.split()[1] for r in reads) == sorted(p.name for p in tmp_path.glob("*.c"))  # each file once
    assert {r.split()[0] for r in reads} == {str(os.getpid())}  # all in this process, before the fork
    assert [(r.path, r.updated) for r in parallel] == [(r.path, r.updated) for r in serial]
    assert sum(r.updated is not None for r in parallel) == 12  # scale() summarised from util.c: parallel
