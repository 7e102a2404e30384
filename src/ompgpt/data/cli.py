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
    build.add_argument(
        "--augment",
        type=Path,
        metavar="DIR",
        help="then add silver and synthetic loops as 'ompgpt data augment' does, writing DIR (one command)",
    )
    build.add_argument("--synthetic", type=int, default=200, help="with --augment: synthetic loops to verify")
    build.add_argument("--synthetic-budget", type=float, default=1800.0, help="with --augment: seconds for those")
    build.add_argument("--confirm-serial", action="store_true", help="with --augment: see 'ompgpt data augment'")
    _configure_augment(sub)


def _configure_augment(sub) -> None:
    aug = sub.add_parser("augment", help="built data + silver (analysis) and synthetic (verified) training loops")
    aug.add_argument("--data", type=Path, required=True, help="a folder written by 'ompgpt data build'")
    aug.add_argument("--corpus", type=Path, required=True, help="the corpus that folder was built from")
    aug.add_argument("--out", type=Path, required=True, help="output folder (replaced atomically)")
    aug.add_argument("--augment", default="silver,synthetic", help="sources to add: silver, synthetic (comma list)")
    aug.add_argument("--synthetic", type=int, default=200, help="synthetic loops to generate and verify")
    aug.add_argument("--silver-budget", type=float, help="seconds for silver labelling (files not reached: counted)")
    aug.add_argument("--synthetic-budget", type=float, default=1800.0, help="seconds for synthetic verification")
    aug.add_argument("--seed", type=int, default=0, help="seed of the synthetic generator")
    aug.add_argument(
        "--confirm-serial",
        action="store_true",
        help="label a synthetic serial loop only if the verifier rejects 'parallel for'",
    )
    aug.add_argument("--silver-from", type=Path, help="reuse the silver records of an earlier augment output folder")
    aug.add_argument("--benchmarks", type=Path, default=Path(DEFAULT_BENCHMARKS), help="MonoCoder test loops")
    aug.add_argument("--no-decontaminate", action="store_true", help="skip test-set removal (toy corpora only)")


def run(args: argparse.Namespace) -> int:
    if args.data_command == "augment":
        return _run_augment(args)
    if args.data_command != "build":
        print("usage: ompgpt data {build,augment} ...", file=sys.stderr)
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
    code = 1 if stats["input"]["rejected"] else 0
    if args.augment is not None:
        augment_args = argparse.Namespace(
            data=args.out, corpus=args.corpus, out=args.augment, augment="silver,synthetic",
            synthetic=args.synthetic, silver_budget=None, synthetic_budget=args.synthetic_budget, seed=0,
            silver_from=None, confirm_serial=args.confirm_serial, benchmarks=args.benchmarks,
            no_decontaminate=args.no_decontaminate,
        )  # fmt: skip
        code = max(code, _run_augment(augment_args))
    return code


def _run_augment(args: argparse.Namespace) -> int:
    from ompgpt.data.augment import augment
    from ompgpt.verify.build import ToolchainError

    sources = tuple(s.strip() for s in args.augment.split(",") if s.strip())
    unknown = set(sources) - {"silver", "synthetic"}
    if unknown:
        print(f"ompgpt data augment: error: unknown source(s) {sorted(unknown)}", file=sys.stderr)
        return 2
    try:
        augment(
            args.data,
            args.corpus,
            args.out,
            None if args.no_decontaminate else args.benchmarks,
            sources,
            synthetic_n=args.synthetic,
            silver_budget_s=args.silver_budget,
            synthetic_budget_s=args.synthetic_budget,
            seed=args.seed,
            silver_from=args.silver_from,
            confirm_serial=args.confirm_serial,
            log=lambda m: print(m, file=sys.stderr),
        )
    except (FileNotFoundError, ToolchainError) as exc:
        print(f"ompgpt data augment: error: {exc}", file=sys.stderr)
        return 2
    return 0
