"""Benchmark ``ompgpt annotate``: throughput in lines per minute (analysis only, and with the model when weights
ship), and the start-up time of ``ompgpt --help``.

Usage: python benchmarks/annotate_speed.py [--files 400] [--model-files 40] [--with-headers]

Corpus files (every 20th of ../shared/corpus, deterministic) are written to a temp folder and annotated in-process
with one job; time is CPU time of this process (so it means one core even on a shared machine) and wall time.
``--with-headers`` writes each file at its path in its repository, with every header of those repositories the
corpus holds, so ``#include "..."`` finds them; the lines counted are the files' plus the header lines read for
them (a header included by three files counts three times; it is parsed once).
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from ompgpt.report.annotate import AnnotateOptions, annotate_paths
from ompgpt.report.config import Config

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def corpus_records():
    for shard in sorted(CORPUS.glob("openmp-c-files-*.jsonl.gz")):
        with gzip.open(shard, "rt", encoding="utf-8") as fh:
            yield from (json.loads(line) for line in fh)


def write_sample(folder: Path, count: int) -> int:
    lines = 0
    records = corpus_records()
    for i, rec in enumerate(itertools.islice(records, 0, None, 20)):
        if i >= count:
            break
        suffix = ".c" if rec["lang"] == "c" else ".cpp"
        (folder / f"f{i:05d}{suffix}").write_text(rec["text"], encoding="utf-8")
        lines += rec["text"].count("\n") + 1
    return lines


HEADER_SUFFIXES = (".h", ".hh", ".hpp", ".hxx")


def write_repos(folder: Path, count: int) -> tuple[list[str], int]:
    """The sample at its repository paths plus the corpus's headers of those repositories; (files, their lines)."""
    sample = [r for r in itertools.islice(corpus_records(), 0, None, 20) if not r["path"].endswith(HEADER_SUFFIXES)]
    sample = sample[:count]
    repos = {r["repo"] for r in sample}
    chosen = {(r["repo"], r["path"]) for r in sample}
    files, lines = [], 0
    for rec in corpus_records():
        key = (rec["repo"], rec["path"])
        if rec["repo"] in repos and (key in chosen or rec["path"].endswith(HEADER_SUFFIXES)):
            path = folder / rec["repo"] / rec["path"]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(rec["text"], encoding="utf-8")
            if key in chosen:
                chosen.discard(key)
                files.append(str(path))
                lines += rec["text"].count("\n") + 1
    return files, lines


def header_lines(files: list[str]) -> int:
    """Lines of the headers the analysis reads for ``files`` (0 where the code under test reads none)."""
    try:
        from ompgpt.source import parse, read_source
        from ompgpt.source.preprocess import Search, walk
    except ImportError:
        return 0
    return sum(walk(parse(read_source(f)), Search()).header_lines for f in files)


def measure(folder: Path, lines: int, model: bool, files: list[str] | None = None) -> str:
    options = AnnotateOptions(config=replace(Config(), model=model))
    wall, cpu = time.perf_counter(), time.process_time()
    results = annotate_paths(files or [str(folder)], options, jobs=1, progress=False)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if files:
        extra = header_lines(files)
        lines, label = lines + extra, f"{lines} file lines + {extra} header lines read = "
    else:
        label = ""
    loops = sum(len(r.loops) for r in results)
    return (
        f"{'model + analysis' if model else 'analysis only'}: {len(results)} files, {label}{lines} lines, "
        f"{loops} loops: "
        f"{cpu:.1f} CPU s ({60 * lines / cpu:,.0f} lines/min on one core), wall {wall:.1f} s"
    )


def startup() -> str:
    times = []
    for _ in range(7):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "ompgpt.cli", "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    return f"`ompgpt --help` start-up: median {1000 * statistics.median(times):.0f} ms over 7 runs"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=400)
    ap.add_argument("--model-files", type=int, default=40)
    ap.add_argument("--with-headers", action="store_true", help="files at their repository paths, with headers")
    ap.add_argument("--corpus", type=Path, help="folder of the corpus shards (default ../shared/corpus)")
    args = ap.parse_args()
    if args.corpus is not None:
        global CORPUS
        CORPUS = args.corpus
    print(startup())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.with_headers:
            files, lines = write_repos(folder, args.files)
            print(measure(folder, lines, model=False, files=files))
        else:
            print(measure(folder, write_sample(folder, args.files), model=False))
    from ompgpt.report.engine import load_decoder

    if load_decoder() is not None and args.model_files:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            print(measure(folder, write_sample(folder, args.model_files), model=True))
    else:
        print("model + analysis: no shipped weights; skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
