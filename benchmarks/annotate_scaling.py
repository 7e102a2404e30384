"""Benchmark: ``ompgpt annotate`` time and peak memory on generated 100 KB / 1 MB / 5 MB C files (cost should be
linear in the file), and ``--jobs 1`` against ``--jobs 2`` on 200 corpus files, in one run.

Usage: python benchmarks/annotate_scaling.py [--sizes 100K,1M,5M] [--model-sizes 100K] [--files 200] [--repeats 3]
       [--size-repeats 1] [--jobs-model]

The generated files are realistic C: many functions, each with one of several loop shapes (maps, reductions,
2-D stencils, loops calling a helper, histogram updates, early exits), names and constants varied by a seeded
random generator. Every command runs as a subprocess under ``/usr/bin/time`` (wall seconds and max RSS); runs of
one comparison alternate and the median is reported, with ``uptime`` before and after.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" if (ROOT.parent / "shared").exists() else Path("/work/shared/corpus")

_SHAPES = [
    "void {f}(float *restrict {a}, const float *restrict {b}, int n) {{\n"
    "  for (int i = 0; i < n; i++) {{\n    {a}[i] = {b}[i] * {c}f + {a}[i];\n  }}\n}}\n",
    "double {f}(const double *{a}, int n) {{\n  double s = 0.0;\n"
    "  for (int i = 0; i < n; i++)\n    s += {a}[i] * {a}[i];\n  return s;\n}}\n",
    "void {f}(int rows, int cols, double {a}[rows][cols], double {b}[rows][cols]) {{\n"
    "  for (int i = 1; i < rows - 1; i++)\n    for (int j = 1; j < cols - 1; j++)\n"
    "      {b}[i][j] = 0.25 * ({a}[i - 1][j] + {a}[i + 1][j] + {a}[i][j - 1] + {a}[i][j + 1]);\n}}\n",
    "static inline float {f}_h(float x) {{ return x * x + {c}.0f; }}\n"
    "void {f}(float *{a}, int n) {{\n  for (int k = 0; k < n; ++k) {{\n    {a}[k] = {f}_h({a}[k]);\n  }}\n}}\n",
    "void {f}(const int *{a}, int *hist, int n) {{\n  for (int i = 0; i < n; i++) {{\n"
    "    int bin = {a}[i] % {c};\n    if (bin < 0) bin = -bin;\n    hist[bin]++;\n  }}\n}}\n",
    "int {f}(const float *{a}, int n, float key) {{\n  for (int i = 0; i < n; i++) {{\n"
    "    if ({a}[i] == key) return i;\n  }}\n  return -1;\n}}\n",
    "struct {f}_p {{ double x, y, vx, vy; }};\nvoid {f}(struct {f}_p *p, int n, double dt) {{\n"
    "  for (int i = 0; i < n; i++) {{\n    p[i].x += dt * p[i].vx;\n    p[i].y += dt * p[i].vy;\n  }}\n}}\n",
]


def generate_c(size: int, seed: int = 0) -> str:
    """About ``size`` bytes of C made of small functions with loops."""
    rng = random.Random(seed)
    parts, total, k = ["#include <stddef.h>\n\n"], 0, 0
    while total < size:
        shape = rng.choice(_SHAPES)
        text = shape.format(f=f"fn{k}", a=rng.choice("auvxy") + str(k % 7), b="w" + str(k % 5), c=rng.randrange(2, 99))
        parts.append(text + "\n")
        total += len(text) + 1
        k += 1
    return "".join(parts)


def parse_size(text: str) -> int:
    units = {"K": 1000, "M": 1000_000}
    return int(float(text[:-1]) * units[text[-1].upper()]) if text[-1].upper() in units else int(text)


def timed(cmd: list[str]) -> tuple[float, int, str, float]:
    """(wall seconds, max RSS in MB, the summary line, user+system CPU seconds with children) of a command run
    under /usr/bin/time. CPU time shows the work done whatever the machine's load."""
    proc = subprocess.run(
        ["/usr/bin/time", "-f", "TIME %e %M %U %S", *cmd], capture_output=True, text=True, env={**os.environ}
    )
    lines = proc.stderr.strip().splitlines()
    mark = next(line for line in reversed(lines) if line.startswith("TIME "))
    wall, rss_kb, user, system = mark.split()[1:]
    summary = next((line for line in reversed(lines) if line.startswith("files ")), "")
    return float(wall), int(rss_kb) // 1024, summary, float(user) + float(system)


def annotate_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "ompgpt.cli", "annotate", "--no-progress", *args]


def scaling(folder: Path, sizes: list[int], model: bool, repeats: int) -> None:
    label = "model + analysis (default)" if model else "analysis only (--no-model)"
    print(f"\n## annotate on generated files: {label}\n")
    print("| size | lines | loops | median wall s | CPU s | CPU s per MB | peak RSS MB | wall of each run |")
    print("|---|---|---|---|---|---|---|---|")
    for size in sizes:
        path = folder / f"gen_{size}.c"
        path.write_text(generate_c(size))
        cmd = annotate_cmd(*([] if model else ["--no-model"]), "--max-file-seconds", "3600", str(path))
        runs = [timed(cmd) for _ in range(repeats)]
        wall = statistics.median(r[0] for r in runs)
        lines = path.read_text().count("\n")
        loops = runs[0][2].split("loops ")[1].split(":")[0] if "loops " in runs[0][2] else "?"
        rss = max(r[1] for r in runs)
        cpu = statistics.median(r[3] for r in runs)
        times = ", ".join(f"{r[0]:.1f}" for r in runs)
        mb = size / 1e6
        print(f"| {mb:g} MB | {lines} | {loops} | {wall:.2f} | {cpu:.2f} | {cpu / mb:.1f} | {rss} | {times} |")


def corpus_files(folder: Path, count: int) -> int:
    """``count`` corpus files (every 10th record of the first shard, under 60 KB), written to ``folder``."""
    written = 0
    with gzip.open(sorted(CORPUS.glob("openmp-c-files-*.jsonl.gz"))[0], "rt", encoding="utf-8") as fh:
        for line in itertools.islice(fh, 0, None, 10):
            rec = json.loads(line)
            if len(rec["text"]) > 60_000:
                continue
            (folder / f"f{written:03d}{'.c' if rec['lang'] == 'c' else '.cpp'}").write_text(rec["text"])
            written += 1
            if written == count:
                break
    return sum(p.stat().st_size for p in folder.iterdir())


def jobs(folder: Path, count: int, repeats: int, model: bool) -> None:
    corpus = folder / "corpus"
    corpus.mkdir()
    size = corpus_files(corpus, count)
    extra = [] if model else ["--no-model"]
    label = "model + analysis" if model else "--no-model"
    print(f"\n## --jobs 1 vs --jobs 2 on {count} corpus files ({size / 1e6:.1f} MB), {label}\n")
    runs: dict[int, list[tuple]] = {1: [], 2: []}
    for _ in range(repeats):
        for j in (1, 2):
            runs[j].append(timed(annotate_cmd(*extra, "--jobs", str(j), str(corpus))))
    for j, res in runs.items():
        walls = ", ".join(f"{r[0]:.2f}" for r in res)
        cpu = statistics.median(r[3] for r in res)
        print(
            f"- --jobs {j}: median wall {statistics.median(r[0] for r in res):.2f} s (runs: {walls}), CPU {cpu:.2f} s"
        )
    wall1, wall2 = (statistics.median(r[0] for r in runs[j]) for j in (1, 2))
    print(f"- wall speed-up of --jobs 2: {wall1 / wall2:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100K,1M,5M")
    parser.add_argument("--model-sizes", default="100K", help="sizes also run with the model ('' for none)")
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3, help="alternating runs of each --jobs setting")
    parser.add_argument("--size-repeats", type=int, default=1, help="runs per generated size (median)")
    parser.add_argument("--jobs-model", action="store_true", help="also compare --jobs with the model")
    parser.add_argument("--only-jobs", action="store_true", help="skip the generated files")
    args = parser.parse_args()
    print("uptime before:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    print(f"cores: {os.cpu_count()}, python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if not args.only_jobs:
            scaling(folder, [parse_size(s) for s in args.sizes.split(",")], False, args.size_repeats)
        if args.model_sizes and not args.only_jobs:
            scaling(folder, [parse_size(s) for s in args.model_sizes.split(",")], True, 1)
        jobs(folder, args.files, args.repeats, False)
        if args.jobs_model:
            jobs(folder, args.files, 1, True)
    print("\nuptime after:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
