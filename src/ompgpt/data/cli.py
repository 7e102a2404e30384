"""Build training data from an OpenMP corpus: ``ompgpt data build --corpus DIR --out DIR``.

Writes loops-{train,validation,test}.jsonl (fields code, context, pragma, ...), files-{split}.jsonl (field text),
stats.json and DATA-stats.md; see docs/DATA.md.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

DEFAULT_BENCHMARKS = "../shared/benchmarks/monocoder-omp"


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="data_command", metavar="ACTION")
    build = sub.add_parser("build", help="corpus shards -> loop and file records, split by repository")
    build.add_argument("--corpus", type=Path, required=True, help="folder with *.jsonl.gz shards")
    build.add_argument("--out", type=Path, required=True, help="output folder (replaced atomically)")
    build.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: all cores)")
    build.add_argument(
        "--benchmarks",
        type=Path,
        default=Path(DEFAULT_BENCHMARKS),
        help=f"folder with the MonoCoder test loops to remove (default: {DEFAULT_BENCHMARKS})",
    )
    build.add_argument("--no-decontaminate", action="store_true", help="skip test-set removal (for toy corpora only)")
    build.add_argument("--stats-md", type=Path, help="also write the markdown statistics to this file")


def run(args: argparse.Namespace) -> int:
    if args.data_command != "build":
        print("usage: ompgpt data build --corpus DIR --out DIR [--jobs N]", file=sys.stderr)
        return 2
    from ompgpt.data.build import build
    from ompgpt.data.stats import render_markdown

    benchmarks = None if args.no_decontaminate else args.benchmarks
    try:
        stats = build(
            args.corpus, args.out, benchmarks, jobs=max(1, args.jobs), log=lambda m: print(m, file=sys.stderr)
        )
    except FileNotFoundError as exc:
        print(f"ompgpt data build: error: {exc}", file=sys.stderr)
        return 2
    if args.stats_md is not None:
        args.stats_md.write_text(render_markdown(stats), encoding="utf-8")
    return 1 if stats["input"]["rejected"] else 0
