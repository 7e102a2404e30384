"""Suggestion latency of the trained model on real loops: the directive decision and the whole chain-of-OMP answer,
one loop at a time on one core (numpy, one BLAS thread), plus loops per second when batched.

    python benchmarks/chain_latency.py --dataset monocoder --limit 300
    python benchmarks/chain_latency.py --model runs/ft/best --dataset validation --json runs/latency.json

The issue's goal is <= 20 ms per suggestion (median). Each loop is timed once after a warm-up on a few others;
the machine's load average is printed beside the numbers, since the 2 cores are shared.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

from ompgpt.evaluate import datasets
from ompgpt.evaluate.adapters import item_loop_input
from ompgpt.model import DEFAULT_PROMPT_TOKENS
from ompgpt.model.chain import chain_of_omp, decide_directive
from ompgpt.model.decode import PragmaDecoder

DEFAULT_MODEL = Path(__file__).resolve().parents[1] / "src" / "ompgpt" / "model" / "weights"


def per_loop_ms(run, loops) -> list[float]:
    """Wall milliseconds of ``run(loop)`` for each loop."""
    out = []
    for loop in loops:
        t0 = time.perf_counter()
        run(loop)
        out.append(1000 * (time.perf_counter() - t0))
    return out


def summary(ms: list[float]) -> dict:
    return {"median_ms": round(float(np.median(ms)), 1), "p95_ms": round(float(np.percentile(ms, 95)), 1),
            "mean_ms": round(float(np.mean(ms)), 1)}  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    ap.add_argument("--dataset", default="monocoder", choices=tuple(datasets.LOADERS))
    ap.add_argument("--limit", type=int, default=300)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--json", type=Path, help="write the results here")
    ap.add_argument(
        "--prompt-tokens",
        type=int,
        default=DEFAULT_PROMPT_TOKENS or 0,
        help="prompt budget in tokens (0: the whole window)",
    )
    args = ap.parse_args()
    decoder = PragmaDecoder.load(args.model, prompt_tokens=args.prompt_tokens or None)
    loops = [item_loop_input(it) for it in datasets.load(args.dataset, limit=args.limit)]
    chain_of_omp(decoder, loops[:5])  # warm-up: masks, caches, BLAS
    prompt_tokens = [len(decoder.prompt(loop).ids) for loop in loops]
    decision = per_loop_ms(lambda loop: decide_directive(decoder, loop), loops)
    chain = per_loop_ms(lambda loop: chain_of_omp(decoder, [loop]), loops)
    t0 = time.perf_counter()
    for start in range(0, len(loops), args.batch_size):
        chain_of_omp(decoder, loops[start : start + args.batch_size])
    batched = len(loops) / (time.perf_counter() - t0)
    result = {
        "model": str(args.model), "dataset": args.dataset, "loops": len(loops), "prompt_budget": args.prompt_tokens,
        "prompt_tokens_median": float(np.median(prompt_tokens)), "directive_decision": summary(decision),
        "chain": summary(chain), "batched_loops_per_s": round(batched, 1), "batch_size": args.batch_size,
        "load_avg": [round(x, 1) for x in os.getloadavg()],
    }  # fmt: skip
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
