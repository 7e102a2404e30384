"""Score pragma predictors on benchmark datasets and print markdown tables (``ompgpt eval``).

Predictors: baseline (always ``parallel for``), monocoder / monocoder-recovered / gpt35 (the peers' recorded logs,
scored against the labels they carry), analysis, oneshot, chain, advisor (our stages, "unavailable" until built),
gcc (GCC's auto-parallelizer on wrapped snippets). ``--quick`` runs on the small fixture in tests/evaluate/fixtures
(for CI). ``--speed`` adds per-loop latency of our model against an untrained GPT of OMPGPT's size; ``--kernels``
adds the verify stage's kernel-suite execution metrics. Normalization rules: see ompgpt.evaluate.metrics.
"""

from __future__ import annotations

import argparse
from pathlib import Path

DEFAULT_PREDICTORS = "baseline,monocoder,monocoder-recovered,gpt35,analysis,analysis-noalias,oneshot,chain,advisor"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dataset", choices=("monocoder", "heldout", "validation", "quick"), default="monocoder",
                        help="items to score (default: the MonoCoder OpenMP test set)")  # fmt: skip
    parser.add_argument("--data", type=Path, help="dataset file (default: the dataset's usual path in a checkout)")
    parser.add_argument("--predictors", default=DEFAULT_PREDICTORS, help=f"comma list (default: {DEFAULT_PREDICTORS})")
    parser.add_argument("--limit", type=int, help="score only the first N items (and N log rows per peer)")
    parser.add_argument("--quick", action="store_true", help="CI mode: the fixture dataset and log excerpts")
    parser.add_argument("--monocoder-dir", type=Path, help="folder with the peers' logs")
    parser.add_argument("--model", type=Path, help="trained model folder for oneshot/chain/advisor")
    parser.add_argument("--lenient", action="store_true", help="read empty clauses like private() as absent")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per gcc compile")
    parser.add_argument("--speed", action="store_true", help="measure per-loop latency (model vs OMPGPT-size GPT)")
    parser.add_argument("--speed-loops", type=int, default=8, help="prompts timed per model with --speed")
    parser.add_argument("--kernels", action="store_true", help="kernel-suite execution metrics from ompgpt.verify")
    parser.add_argument("--kernel-limit", type=int, help="with --kernels: only the first N kernels")
    parser.add_argument("--out", type=Path, help="folder for plots (eval-*.png); needs matplotlib")


def _options(args: argparse.Namespace):
    from ompgpt.evaluate.predictors import Options

    options = Options(dataset="quick" if args.quick else args.dataset, quick=args.quick, limit=args.limit,
                      model_dir=args.model, timeout=args.timeout, lenient=args.lenient)  # fmt: skip
    if args.monocoder_dir is not None:
        options.monocoder_dir = args.monocoder_dir
    return options


def run(args: argparse.Namespace) -> int:
    import sys

    from ompgpt.evaluate import datasets, report
    from ompgpt.evaluate.predictors import SPECS
    from ompgpt.evaluate.runner import run_all

    names = [n.strip() for n in args.predictors.split(",") if n.strip()]
    unknown = [n for n in names if n not in SPECS]
    if unknown:
        choices = ", ".join(SPECS)
        print(f"ompgpt eval: unknown predictor(s) {', '.join(unknown)}; choose from {choices}", file=sys.stderr)
        return 2
    options = _options(args)
    try:
        items = datasets.load(options.dataset, args.data, args.limit)
    except FileNotFoundError as exc:
        print(f"ompgpt eval: {exc}", file=sys.stderr)
        return 2
    results = run_all(names, items, options)
    title = f"Dataset `{options.dataset}` ({len(items)} items{', lenient' if args.lenient else ''})"
    print(report.markdown(results, title))
    messages = []
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        messages.append(report.plot_clause_f1(results, args.out / f"eval-{options.dataset}-clauses.png"))
    if args.speed:
        messages.append(_speed(args, items, options))
    if args.kernels:
        from ompgpt.evaluate.kernels import run_kernels

        plot = args.out / "eval-kernel-speedups.png" if args.out else None
        table = run_kernels(names, options, args.kernel_limit, args.quick, plot)
        print("### Kernel suite (ompgpt.verify)\n\n" + table + "\n")
    for message in messages:
        print(message, file=sys.stderr)
    return 0


def _speed(args: argparse.Namespace, items, options) -> str:
    from ompgpt.evaluate import report, speed

    rows = speed.measure(items[: args.speed_loops], options, tiny_reference=args.quick)
    print(speed.markdown(rows))
    if args.out is None:
        return "latency plot skipped (no --out)"
    return report.plot_latency([r for r in rows if r.get("median_ms")], args.out / "eval-latency.png")
