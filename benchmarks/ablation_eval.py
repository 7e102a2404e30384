"""Score trained models side by side (the training-signal ablation of issue #9, or any set of model folders).

For each model and dataset, chain-of-OMP (or, with ``--decode oneshot``, one-shot beam search) runs once per loop
and four predictions are read from it: ``chain`` (the model alone, which may answer ``none``), ``chain-given`` (its
best pragma other than ``none``), ``advisor`` (model + analysis, ``suggest`` mode) and ``advisor-given``
(``advise_given``: told the loop needs a pragma, the MonoCoder task's framing); the names stay ``chain...`` with
``--decode oneshot``. The always-``parallel for`` baseline is scored beside them. Metrics: ``ompgpt.evaluate.metrics``.

    python benchmarks/ablation_eval.py --model human=runs/gpu1/human --model shipped=src/ompgpt/model/weights \\
        --monocoder-limit 500 --jobs 2 --json runs/ablation-eval.json
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

from ompgpt.advisor import advise, advise_given
from ompgpt.evaluate import datasets, metrics
from ompgpt.evaluate.adapters import (
    _analyze,
    _strip_omp,
    _to_given_prediction,
    decision_pragma,
    item_loop_input,
    item_place,
)
from ompgpt.model import DEFAULT_PROMPT_TOKENS
from ompgpt.model.chain import ChainOptions, chain_of_omp, one_shot
from ompgpt.model.decode import Candidate, PragmaDecoder

PREDICTIONS = ("chain", "chain-given", "advisor", "advisor-given")


def predict_all(
    model_dir: str,
    dataset: str,
    limit: int | None,
    cache: Path | None = None,
    decode: str = "chain",
    prompt_tokens: int | None = DEFAULT_PROMPT_TOKENS,
) -> dict:
    """Labels and the four predictions per item, plus milliseconds per loop spent in the model. With ``cache``
    (a JSON file), the chain-of-OMP candidates are read from it when it holds this model's answers for these items
    and written to it otherwise, so a change to the analysis or the advisor is rescored in seconds."""
    items = datasets.load(dataset, limit=limit)
    all_cands, model_ms = _cached_candidates(cache, model_dir, items, prompt_tokens)
    if all_cands is None:
        decoder = PragmaDecoder.load(model_dir, prompt_tokens=prompt_tokens)
        t0 = time.perf_counter()
        run = DECODERS[decode]
        all_cands = [run(decoder, [item_loop_input(item)])[0] for item in items]
        model_ms = 1000 * (time.perf_counter() - t0) / len(items)
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            rows = [[dataclasses.astuple(c) for c in cands] for cands in all_cands]
            cache.write_text(json.dumps({**_cache_key(model_dir, items, prompt_tokens), "model_ms_per_loop": model_ms,
                                         "candidates": rows}))  # fmt: skip
    out: dict[str, list] = {name: [] for name in PREDICTIONS}
    for item, cands in zip(items, all_cands, strict=True):
        pairs = [(c.pragma, c.probability) for c in cands]
        out["chain"].append(_strip_omp(pairs[0][0]) if pairs else None)
        out["chain-given"].append(_to_given_prediction(cands).pragma)
        la = _analyze(item, no_alias=False)
        if la is None:
            out["advisor"].append(out["chain"][-1])
            out["advisor-given"].append(out["chain-given"][-1])
            continue
        out["advisor"].append(decision_pragma(advise(item_place(item), la, pairs, mode="suggest")))
        out["advisor-given"].append(decision_pragma(advise_given(item_place(item), la, pairs)))
    return {"labels": [it.label for it in items], "predictions": out, "model_ms_per_loop": model_ms}


DECODERS = {
    "chain": chain_of_omp,
    "chain-directive": lambda decoder, loops: chain_of_omp(decoder, loops, ChainOptions(rank="directive")),
    "oneshot": one_shot,
}


def _cache_key(model_dir: str, items, prompt_tokens: int | None) -> dict:
    """What a cache must match to be reused: the model folder, the items, the candidate layout and the prompt
    budget (caches written before the budget existed used the whole window, which reads as None)."""
    return {"format": 2, "model": str(Path(model_dir).resolve()), "items": [it.id for it in items],
            "prompt_tokens": prompt_tokens}  # fmt: skip


def _cached_candidates(cache: Path | None, model_dir: str, items, prompt_tokens) -> tuple[list | None, float]:
    if cache is None or not cache.exists():
        return None, 0.0
    data = json.loads(cache.read_text())
    if any(data.get(k) != v for k, v in _cache_key(model_dir, items, prompt_tokens).items()):
        return None, 0.0
    return [[Candidate(*row) for row in rows] for rows in data["candidates"]], data["model_ms_per_loop"]


def _row(name: str, scores: metrics.Scores) -> dict:
    c = scores.clauses
    return {"predictor": name, "n": scores.n, "exact": scores.exact, "directive": scores.directive,
            "private_f1": c["private"].f1, "reduction_f1": c["reduction"].f1,
            "needs_precision": scores.needs.precision, "needs_recall": scores.needs.recall,
            "needs_accuracy": scores.needs.accuracy}  # fmt: skip


def _job(args: tuple[str, str, str, int | None, Path | None, str, int | None]) -> tuple[str, str, dict]:
    name, model_dir, dataset, limit, cache_dir, decode, prompt_tokens = args
    budget = f"-p{prompt_tokens}" if prompt_tokens else ""
    cache = cache_dir / f"{name}-{decode}-{dataset}-{limit or 'all'}{budget}.json" if cache_dir else None
    return name, dataset, predict_all(model_dir, dataset, limit, cache, decode, prompt_tokens)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", action="append", required=True, help="NAME=FOLDER (repeatable)")
    ap.add_argument("--datasets", default="monocoder,heldout")
    ap.add_argument("--monocoder-limit", type=int, default=500, help="first N MonoCoder loops (0: all 2,593)")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--json", type=Path, help="write every row here")
    ap.add_argument("--decode", choices=tuple(DECODERS), default="chain", help="how the model's candidates are made")
    ap.add_argument(
        "--prompt-tokens",
        type=int,
        default=DEFAULT_PROMPT_TOKENS or 0,
        help="prompt budget in tokens (0: the whole window)",
    )
    ap.add_argument(
        "--candidates", type=Path, help="folder caching each model's chain-of-OMP candidates per dataset (reused "
        "when model folder and items match; delete it after retraining a model in the same folder)"
    )  # fmt: skip
    args = ap.parse_args()
    models = dict(m.split("=", 1) for m in args.model)
    limits = {ds: (args.monocoder_limit or None) if ds == "monocoder" else None for ds in args.datasets.split(",")}
    jobs = [(name, path, ds, limit, args.candidates, args.decode, args.prompt_tokens or None)
            for ds, limit in limits.items() for name, path in models.items()]  # fmt: skip
    t0 = time.monotonic()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(_job, jobs))
    rows = []
    for ds in args.datasets.split(","):
        per_ds = [(n, r) for n, d, r in results if d == ds]
        labels = per_ds[0][1]["labels"]
        baseline = metrics.score((lab, "parallel for") for lab in labels)
        rows.append({"dataset": ds, "model": "-", **_row("baseline (always parallel for)", baseline)})
        for name, res in per_ds:
            for pred in PREDICTIONS:
                scores = metrics.score(zip(res["labels"], res["predictions"][pred], strict=True))
                rows.append({"dataset": ds, "model": name, **_row(pred, scores),
                             "model_ms_per_loop": round(res["model_ms_per_loop"], 1)})  # fmt: skip
    print("| dataset | model | predictor | n | exact | directive | private F1 | reduction F1 | needs-pragma acc |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        scores = " | ".join(
            f"{r[k]:.3f}" for k in ("exact", "directive", "private_f1", "reduction_f1", "needs_accuracy")
        )
        print(f"| {r['dataset']} | {r['model']} | {r['predictor']} | {r['n']} | {scores} |")
    print(
        f"\n{len(jobs)} model x dataset runs in {time.monotonic() - t0:.0f} s with --jobs {args.jobs}", file=sys.stderr
    )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
