"""Benchmark ``ompgpt annotate``: throughput in lines per minute (analysis only, and with the model when weights
ship), and the start-up time of ``ompgpt --help``.

Usage: python benchmarks/annotate_speed.py [--files 400] [--model-files 40]

Corpus files (every 20th of ../shared/corpus, deterministic) are written to a temp folder and annotated in-process
with one job; time is CPU time of this process (so it means one core even on a shared machine) and wall time.
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


def measure(folder: Path, lines: int, model: bool) -> str:
    options = AnnotateOptions(config=replace(Config(), model=model))
    wall, cpu = time.perf_counter(), time.process_time()
    results = annotate_paths([str(folder)], options, jobs=1, progress=False)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    loops = sum(len(r.loops) for r in results)
    return (
        f"{'model + analysis' if model else 'analysis only'}: {len(results)} files, {lines} lines, {loops} loops: "
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
    args = ap.parse_args()
    print(startup())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
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
