"""Train the training-signal ablation arms (issue #9) and a larger candidate model in one timed run.

Every arm uses the shipped tokenizer, the same model size and the same human validation split, so their validation
losses and benchmark scores compare directly:

    human       fine-tune from scratch on the human loop records only
    silver      + the analysis's silver records (source ``analysis``)
    synthetic   + the verified synthetic loops (the whole augmented training set)
    pretrained  whole-file language-model pre-training, then fine-tune as ``synthetic``
    large       the ``pretrained`` recipe at ``--large-size`` (the shipping candidate when it wins on validation)
    large-ctxdrop  as ``large`` (same pre-trained model), but half the fine-tuning records lose their context, so
                the model also learns to read bare loops (benchmark snippets, ``ompgpt suggest`` on stdin)

Built for a GPU (about 8 minutes on one H100/H200 with ``--minutes 6.5``); ``--smoke`` runs the same path on a CPU in
a minute with a tiny model and a slice of the data. Each arm's schedule is fitted to its share of ``--minutes``
(``TrainOptions.fit_minutes``), so a slower machine trains fewer steps instead of overrunning.

    python scripts/ablation_train.py --files out/data --loops out/data-aug --out runs/ablation --report runs/ablation

Writes ``REPORT/summary.json`` (per arm: steps, seconds, tokens, best validation loss, config) and
``REPORT/<arm>.safetensors`` (the best-validation fp16 weights; split into ``.partN`` files over 15 MiB so they fit
the transfer limits of a lent machine; ``cat`` them back together).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ompgpt.train.loop import TrainOptions, train  # noqa: E402

SHIPPED_TOKENIZER = ROOT / "src" / "ompgpt" / "model" / "weights" / "tokenizer.json"
ARM_SOURCES = {"human": {"human"}, "silver": {"human", "analysis"}, "synthetic": None}  # None: every record
CTXDROP = "synthetic-ctxdrop"
PART_BYTES = 15 * 2**20


#: the data folders each arm reads
ARM_DATA = {
    "pretrained": ("pretrain", "synthetic"),
    "human": ("human",),
    "silver": ("silver",),
    "synthetic": ("synthetic",),
    "large": ("pretrain", "synthetic"),
    "large-ctxdrop": ("pretrain", CTXDROP),
}


def stage_data(files: Path, loops: Path, work: Path, limit: int | None, arms: list[str]) -> dict[str, Path]:
    """The data folders ``arms`` read: whole files for pre-training, loop records filtered by ``source`` (or with
    half their contexts dropped) for fine-tuning."""
    work.mkdir(parents=True, exist_ok=True)
    dirs = {name: work / name for arm in arms for name in ARM_DATA[arm]}
    for d in dirs.values():
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir()
    for split in ("train", "validation"):
        if "pretrain" in dirs:
            _copy_lines(files / f"files-{split}.jsonl", dirs["pretrain"] / f"files-{split}.jsonl", limit)
        for arm, sources in ARM_SOURCES.items():
            if arm in dirs:
                keep = sources if split == "train" else None  # one (human) validation split for every arm
                _copy_lines(loops / f"loops-{split}.jsonl", dirs[arm] / f"loops-{split}.jsonl", limit, keep)
        if CTXDROP in dirs:
            _copy_lines(loops / f"loops-{split}.jsonl", dirs[CTXDROP] / f"loops-{split}.jsonl", limit,
                        drop_context=split == "train")  # fmt: skip
    return dirs


def _copy_lines(
    src: Path, dst: Path, limit: int | None, sources: set[str] | None = None, drop_context: bool = False
) -> None:
    """Copy JSON lines, keeping only records from ``sources``; ``drop_context`` empties the context of every other
    record (chosen by a hash of its code, so reruns pick the same half)."""
    if limit is None and sources is None and not drop_context:
        os.symlink(src.resolve(), dst)
        return
    kept = 0
    with open(src, encoding="utf-8") as fin, open(dst, "w", encoding="utf-8") as fout:
        for line in fin:
            if sources is not None and json.loads(line).get("source", "human") not in sources:
                continue
            if drop_context:
                record = json.loads(line)
                if zlib.crc32(record["code"].encode()) % 2 == 0:
                    line = json.dumps({**record, "context": ""}) + "\n"
            fout.write(line)
            kept += 1
            if limit is not None and kept >= limit:
                break


def run_arm(name: str, opts: TrainOptions, report: Path, summary: dict) -> Path:
    """Train one arm, copy its best export into ``report`` and record what it cost."""
    print(f"== {name}: {opts.stage} on {opts.data.name}, size {opts.size}, <= {opts.fit_minutes:.2f} min", flush=True)
    t0 = time.monotonic()
    result = train(opts)
    seconds = time.monotonic() - t0
    best = opts.out / "best"
    state = json.loads((opts.out / "ckpt" / "state.json").read_text())
    summary[name] = {
        "stage": opts.stage, "data": opts.data.name, "init": str(opts.init) if opts.init else None,
        "size": opts.size, "steps": result.step, "seconds": round(seconds, 1), "batch_size": opts.batch_size,
        "lr": opts.lr, "best_val": state["best_val"], "final_val": result.val_loss,
        "final_train_loss": result.train_loss, "config": json.loads((best / "config.json").read_text()),
    }  # fmt: skip
    _deliver(best / "weights.safetensors", report, name)
    (report / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(f"== {name}: {result.step} steps in {seconds:.0f} s, best validation {state['best_val']:.4f}", flush=True)
    return best


def _deliver(weights: Path, report: Path, name: str) -> None:
    data = weights.read_bytes()
    if len(data) <= PART_BYTES:
        (report / f"{name}.safetensors").write_bytes(data)
        return
    for i in range(0, len(data), PART_BYTES):
        (report / f"{name}.safetensors.part{i // PART_BYTES}").write_bytes(data[i : i + PART_BYTES])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=Path, required=True, help="folder with files-{train,validation}.jsonl")
    ap.add_argument("--loops", type=Path, required=True, help="augmented folder with loops-{train,validation}.jsonl")
    ap.add_argument("--out", type=Path, required=True, help="run folders")
    ap.add_argument("--report", type=Path, required=True, help="summary.json and the arms' weights")
    ap.add_argument("--minutes", type=float, default=6.5, help="training time for all arms together")
    ap.add_argument("--size", default="small")
    ap.add_argument("--large-size", default="medium", help="'' to skip the larger model")
    ap.add_argument("--arms", default="pretrained,human,silver,synthetic,large")
    ap.add_argument("--pretrain-minutes", type=float, help="override the pre-training share of --minutes")
    ap.add_argument("--large-pretrain-minutes", type=float, help="override the large pre-training share")
    ap.add_argument("--ft-minutes", type=float, help="override each fine-tuning share")
    ap.add_argument("--ft-epochs", type=float, default=4.0)
    ap.add_argument("--smoke", action="store_true", help="tiny model, 300 rows per file: checks the path on a CPU")
    args = ap.parse_args()

    limit = 300 if args.smoke else None
    size, large = ("tiny", "tiny") if args.smoke else (args.size, args.large_size)
    arms = [a for a in args.arms.split(",") if a and not (a.startswith("large") and not large)]
    unknown = sorted(set(arms) - set(ARM_DATA))
    if unknown:
        ap.error(f"unknown arm(s) {unknown}; choose from {', '.join(ARM_DATA)}")
    dirs = stage_data(args.files, args.loops, args.out / "data", limit, arms)
    args.report.mkdir(parents=True, exist_ok=True)
    # time shares: pre-training gets the most; each fine-tune a tenth (they converge in a few epochs)
    minutes = args.minutes
    budget = {"pretrain": args.pretrain_minutes or 0.30 * minutes, "ft": args.ft_minutes or 0.10 * minutes,
              "large-pretrain": args.large_pretrain_minutes or 0.22 * minutes}  # fmt: skip
    common = dict(tokenizer=SHIPPED_TOKENIZER, log_every=50, ckpt_every=10**9, eval_batches=20, seed=1337)
    pre = dict(stage="pretrain", batch_size=4 if args.smoke else 128, lr=2e-3, warmup_steps=100, epochs=8,
               eval_every=400, dropout=0.0)  # fmt: skip
    ft = dict(stage="finetune", batch_size=8 if args.smoke else 64, warmup_steps=50, epochs=args.ft_epochs,
              dropout=0.1)  # fmt: skip
    ft_eval = max(1, 27_000 // ft["batch_size"])  # about once per epoch of the full augmented set
    summary: dict = {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "minutes": minutes, "smoke": args.smoke}
    out = args.out

    def finetune(name: str, data: Path, init: Path | None, size_name: str) -> None:
        lr = 5e-4 if init is not None else 1e-3
        opts = TrainOptions(data=data, out=out / name, init=init, size=size_name, lr=lr, eval_every=ft_eval,
                            fit_minutes=budget["ft"], **ft, **common)  # fmt: skip
        run_arm(name, opts, args.report, summary)

    if "pretrained" in arms:
        lm = TrainOptions(data=dirs["pretrain"], out=out / "lm", size=size, fit_minutes=budget["pretrain"],
                          **pre, **common)  # fmt: skip
        run_arm("lm", lm, args.report, summary)
        finetune("pretrained", dirs["synthetic"], out / "lm" / "best", size)
    for arm in ("human", "silver", "synthetic"):
        if arm in arms:
            finetune(arm, dirs[arm], None, size)
    if "large" in arms or "large-ctxdrop" in arms:
        (out / "lm-large").mkdir(parents=True, exist_ok=True)
        if (out / "lm" / "tokens").exists():  # same data, tokenizer and window: reuse the tokenized corpus
            shutil.copytree(out / "lm" / "tokens", out / "lm-large" / "tokens", dirs_exist_ok=True)
        lm = TrainOptions(data=dirs["pretrain"], out=out / "lm-large", size=large,
                          fit_minutes=budget["large-pretrain"], **pre, **common)  # fmt: skip
        run_arm("lm-large", lm, args.report, summary)
        if "large" in arms:
            finetune("large", dirs["synthetic"], out / "lm-large" / "best", large)
        if "large-ctxdrop" in arms:
            finetune("large-ctxdrop", dirs[CTXDROP], out / "lm-large" / "best", large)
    for name in ("lm", "lm-large"):  # the pre-trained-only models are not worth the transfer
        for f in args.report.glob(f"{name}.safetensors*"):
            f.unlink()
    print(json.dumps({k: v.get("best_val") for k, v in summary.items() if isinstance(v, dict)}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
