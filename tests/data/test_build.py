"""End-to-end tests of ``ompgpt data build`` on the hand-written fixture corpus (tests/data/fixtures)."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from ompgpt.cli import main
from ompgpt.data import build as build_module
from ompgpt.data.build import build
from ompgpt.data.format import END_OF_LOOP, END_OF_PRAGMA, loop_example
from ompgpt.data.normalize import exact_text
from ompgpt.data.splits import SPLITS, split_of

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "corpus"
BENCH = FIXTURES / "benchmarks"
REAL_BENCH = Path(__file__).resolve().parents[3] / "shared" / "benchmarks" / "monocoder-omp"


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("build") / "data"
    stats = build(CORPUS, out, BENCH, jobs=1, log=lambda _: None)
    return out, stats


def _loops(out: Path) -> dict[str, list[dict]]:
    return {s: _read(out / f"loops-{s}.jsonl") for s in SPLITS}


def _files(out: Path) -> dict[str, list[dict]]:
    return {s: _read(out / f"files-{s}.jsonl") for s in SPLITS}


def test_outputs_and_fields(built):
    out, stats = built
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        ["stats.json", "DATA-stats.md"] + [f"{k}-{s}.jsonl" for k in ("loops", "files") for s in SPLITS]
    )
    assert json.loads((out / "stats.json").read_text()) == stats
    rows = [r for split in _loops(out).values() for r in split]
    assert rows
    for r in rows:
        assert {"code", "context", "pragma", "lang", "repo", "path", "line", "why"} <= r.keys()
        assert not any(k.startswith("_") for k in r)
        assert r["code"].startswith("for")
        assert not r["pragma"].startswith(("#", "omp "))
        assert loop_example(r["code"], r["pragma"], r["context"]).endswith(END_OF_PRAGMA)


def test_positive_records(built):
    rows = {(r["path"], r["line"]): r for split in _loops(built[0]).values() for r in split}
    jacobi = rows[("src/stencil.c", 20)]
    assert jacobi["pragma"] == "parallel for private(j) reduction(+:diff) schedule(static)"
    assert "#pragma" not in jacobi["code"]
    assert "double diff = 0.0;" in jacobi["context"].splitlines()
    assert jacobi["context"].splitlines()[0].startswith("double jacobi_step(")
    histogram = rows[("src/nbody.cpp", 47)]
    assert "#pragma omp atomic" in histogram["code"]  # inner pragmas stay in the loop text
    assert rows[("offload.c", 17)]["pragma"] == "taskloop grainsize(64)"
    assert rows[("src/nbody.cpp", 15)]["directive"] == "for"  # worksharing loop inside a parallel region
    assert rows[("src/nbody.cpp", 15)]["in_parallel_region"] and not jacobi["in_parallel_region"]


def test_negative_records(built):
    loops = _loops(built[0])
    negatives = [r for split in loops.values() for r in split if r["pragma"] == "none"]
    assert negatives and all(r["why"].startswith("no pragma; ") for r in negatives)
    lines = {(r["path"], r["line"]) for r in negatives}
    assert ("src/nbody.cpp", 25) not in lines  # serial loop inside a parallel region is not a negative
    assert ("src/stencil.c", 34) not in lines or ("src/stencil.c", 32) in lines
    for split, rows in loops.items():
        n_pos = sum(r["pragma"] != "none" for r in rows)
        assert sum(r["pragma"] == "none" for r in rows) <= max(0, n_pos // 2), split


def test_splits_are_disjoint_by_repo(built):
    loops, files = _loops(built[0]), _files(built[0])
    repos = {s: {r["repo"] for r in loops[s]} | {f["repo"] for f in files[s]} for s in SPLITS}
    for s in SPLITS:
        assert all(split_of(repo) == s for repo in repos[s])
    assert not (
        repos["train"] & repos["validation"] or repos["train"] & repos["test"] or repos["validation"] & repos["test"]
    )
    assert repos["validation"] == {"acme/physics"} and repos["test"] == {"sci/md"}


def test_exact_duplicates_removed(built):
    out, stats = built
    saxpy = exact_text("for (i = 0; i < n; i++) { y[i] = a * x[i] + y[i]; }")
    hits = [r for split in _loops(out).values() for r in split if exact_text(r["code"]) == saxpy]
    assert len(hits) == 1 and hits[0]["repo"] == "acme/stencil"  # the reformatted copy in hpclab/nbody is dropped
    assert stats["removed_and_skipped"]["positive: exact duplicate"] == 1


def test_near_duplicates_removed(built):
    out, stats = built
    assert stats["removed_and_skipped"]["positive: near duplicate"] == 1
    functions = {r["function"] for split in _loops(out).values() for r in split}
    assert "jacobi_step" in functions and "relax" not in functions  # the first copy in priority order is kept


def test_test_set_loops_never_kept(built):
    out, stats = built
    test_loops = [r["code"] for name in ("cpu-test.jsonl", "gpu-offload.jsonl") for r in _read(BENCH / name)]
    kept = {exact_text(r["code"]) for split in _loops(out).values() for r in split}
    assert not kept & {exact_text(c) for c in test_loops}
    assert not any("smooth" in r["function"] or "copy_clamped" in r["function"] for r in _all(out))
    removed = stats["removed_and_skipped"]
    assert removed["positive: test loop (exact)"] == 1 and removed["positive: test loop (near duplicate)"] == 1
    texts = "".join(f["text"] for split in _files(out).values() for f in split)
    assert "copy_clamped" not in texts and "smooth_signal" not in texts  # files holding test loops are dropped


def _all(out: Path) -> list[dict]:
    return [r for split in _loops(out).values() for r in split if r["function"]]


def test_whole_file_variant(built):
    files = _files(built[0])
    train = {f["path"]: f["text"] for f in files["train"]}
    text = train["pagerank.c"]
    assert "#pragma omp parallel for" not in text
    marker = f"}}\n{END_OF_LOOP}omp parallel for reduction(+:delta) schedule(dynamic, 64){END_OF_PRAGMA}\n"
    assert marker in text
    assert f"rank[v] = 1.0 / g->n;\n{END_OF_LOOP}omp parallel for simd{END_OF_PRAGMA}" in text
    offload = files["validation"][0]["text"]
    assert "#pragma omp parallel\n#pragma omp single\n" in offload  # non-loop pragmas stay where they are
    assert f"{END_OF_LOOP}omp taskloop grainsize(64){END_OF_PRAGMA}" in offload


def test_bad_records_counted(built):
    rejected = built[1]["input"]["rejected"]
    assert rejected == {"invalid JSON": 1, "unknown lang 'fortran'": 1, "missing or non-string field 'text'": 1}
    assert built[1]["input"]["records"] == 8


def test_parallel_build_is_identical(built, tmp_path):
    out = tmp_path / "data"
    build(CORPUS, out, BENCH, jobs=2, log=lambda _: None)
    for name in [f"{k}-{s}.jsonl" for k in ("loops", "files") for s in SPLITS]:
        assert (out / name).read_bytes() == (built[0] / name).read_bytes(), name


def test_failed_build_keeps_previous_output(built, tmp_path, monkeypatch):
    out = tmp_path / "data"
    shutil.copytree(built[0], out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    calls = []

    def failing_write(path, rows):
        calls.append(path)
        if len(calls) == 3:
            raise OSError("disk full")
        path.write_text("partial\n")

    monkeypatch.setattr(build_module, "_write_jsonl", failing_write)
    with pytest.raises(OSError, match="disk full"):
        build(CORPUS, out, BENCH, jobs=1, log=lambda _: None)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]  # no temporary folder left behind


def test_gzip_shards_and_truncated_shard(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    data = (CORPUS / "openmp-c-files-00.jsonl").read_bytes()
    (corpus / "openmp-c-files-00.jsonl.gz").write_bytes(gzip.compress(data))
    (corpus / "openmp-c-files-01.jsonl.gz").write_bytes(gzip.compress(data)[:200])
    stats = build(corpus, tmp_path / "out", BENCH, jobs=1, log=lambda _: None)
    assert sum(s["positives"] for s in stats["splits"].values()) > 0
    assert any(k.startswith("unreadable shard") for k in stats["input"]["rejected"])


def test_cli(tmp_path, capsys):
    out = tmp_path / "data"
    md = tmp_path / "DATA.md"
    args = ["data", "build", "--corpus", str(CORPUS), "--out", str(out), "--jobs", "1", "--benchmarks", str(BENCH)]
    assert main([*args, "--stats-md", str(md)]) == 1  # the fixture has bad records
    assert "## Records per split" in md.read_text()
    assert main([*args[:-2], "--benchmarks", str(tmp_path / "missing")]) == 2
    assert "test set file" in capsys.readouterr().err


@pytest.mark.skipif(not REAL_BENCH.exists(), reason="shared MonoCoder test set not available")
def test_real_test_loops_are_removed(tmp_path):
    tests = _read(REAL_BENCH / "cpu-test.jsonl")
    picked = [r["code"] for r in tests if 200 < len(r["code"]) < 600 and "#pragma" not in r["code"]][:3]
    body = "\n".join(
        f"void f{i}(double *a, double *b, int n, int m)\n{{\n#pragma omp parallel for\n{c}\n}}\n"
        for i, c in enumerate(picked)
    )
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    record = {"repo": "x/y", "commit": "0" * 40, "path": "k.cpp", "license": "MIT", "lang": "cpp", "text": body}
    (corpus / "s.jsonl").write_text(json.dumps(record) + "\n")
    stats = build(corpus, tmp_path / "out", REAL_BENCH, jobs=1, log=lambda _: None)
    assert sum(s["positives"] for s in stats["splits"].values()) == 0
    assert stats["removed_and_skipped"].get("positive: test loop (exact)", 0) == len(picked)
