"""Train the OMPGPT model: pre-train on whole files, then fine-tune on loop/pragma pairs.

Needs the 'train' extra (PyTorch). Rerunning the same command in the same --out resumes from the last checkpoint.
The trained model is exported to OUT/export (weights.safetensors, config.json, tokenizer.json), the best-validation
one to OUT/best; ``ompgpt suggest --model OUT/export`` uses it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def configure(parser: argparse.ArgumentParser) -> None:
    from ompgpt.model.config import PRESETS

    parser.add_argument("--data", type=Path, required=True, help="folder with files-*.jsonl / loops-*.jsonl")
    parser.add_argument("--out", type=Path, required=True, help="run folder: checkpoints, tokenizer, exports")
    parser.add_argument("--stage", choices=("pretrain", "finetune"), default="pretrain")
    parser.add_argument("--init", type=Path, help="start from this export or checkpoint folder (for finetune)")
    parser.add_argument("--config", dest="size", choices=tuple(PRESETS), default="small", help="model size")
    parser.add_argument("--max-steps", type=int, help="length of the LR schedule (default: --epochs passes)")
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--max-minutes", type=float, help="stop and checkpoint after this long (resumable)")
    parser.add_argument(
        "--fit-minutes", type=float, help="shorten the LR schedule to end within this long (measured step time)"
    )
    parser.add_argument("--tokenizer", type=Path, help="use this tokenizer.json instead of training a new one")
    parser.add_argument("--batch-size", type=int, default=16, help="per process")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--warmup-steps", type=int, default=100)
    parser.add_argument("--dropout", type=float, default=0.0)
    parser.add_argument("--eval-every", type=int, default=200)
    parser.add_argument("--ckpt-every", type=int, default=500)
    parser.add_argument("--log-every", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1337)
    parser.add_argument("--vocab-size", type=int, default=8192, help="BPE vocabulary when training the tokenizer")
    parser.add_argument("--dtype", choices=("auto", "fp32", "bf16"), default="auto")
    parser.add_argument("--compile", action="store_true", help="torch.compile the model")
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:1 ...")
    parser.add_argument("--threads", type=int, help="CPU threads for PyTorch (default: all cores)")
    parser.add_argument("--export-dtype", choices=("fp16", "fp32"), default="fp16")


def run(args: argparse.Namespace) -> int:
    try:
        import torch  # noqa: F401
    except ImportError:
        print(
            "ompgpt train: PyTorch is missing; install the 'train' extra (pip install 'ompgpt[train]')", file=sys.stderr
        )
        return 2
    from ompgpt.train.loop import TrainOptions, train

    if not args.data.is_dir():
        print(f"ompgpt train: {args.data} is not a folder", file=sys.stderr)
        return 2
    opts = TrainOptions(
        data=args.data, out=args.out, stage=args.stage, init=args.init, size=args.size, max_steps=args.max_steps,
        epochs=args.epochs, max_minutes=args.max_minutes,
        fit_minutes=args.fit_minutes, tokenizer=args.tokenizer, batch_size=args.batch_size, lr=args.lr,
        warmup_steps=args.warmup_steps, dropout=args.dropout, eval_every=args.eval_every,
        ckpt_every=args.ckpt_every, log_every=args.log_every, seed=args.seed, vocab_size=args.vocab_size,
        dtype=args.dtype, compile=args.compile, device=args.device, export_dtype=args.export_dtype,
        threads=args.threads,
    )  # fmt: skip
    try:
        result = train(opts)
    except FileNotFoundError as exc:
        print(f"ompgpt train: {exc}", file=sys.stderr)
        return 2
    if result.interrupted:
        return 130
    print(f"trained {result.step} steps; final train loss {result.train_loss:.4f}; model in {result.export_dir}")
    return 0
