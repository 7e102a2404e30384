"""The training loop: AdamW, cosine schedule with warmup, periodic validation, checkpoints and exact resume.

A checkpoint directory holds ``model.safetensors``, ``optimizer.safetensors``, ``rng.safetensors`` and
``state.json`` (step, data position, options); it is written to a temporary directory and renamed, so an interrupted
run never leaves a half checkpoint. Resuming restores all of it, so an interrupted run continues bit-identically.
Under ``torchrun`` (WORLD_SIZE > 1) the model is wrapped in DDP and every rank takes its own slice of each global
batch; only rank 0 logs, evaluates and writes.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file

from ompgpt.model.config import GPTConfig
from ompgpt.model.numpy_gpt import CONFIG_FILE, WEIGHTS_FILE
from ompgpt.model.tokenizer import DEFAULT_VOCAB_SIZE, TOKENIZER_FILE, OmpTokenizer, train_tokenizer
from ompgpt.train.data import BatchOrder, Examples, load_examples, stage_texts
from ompgpt.train.gpt import GPT

CKPT_DIR = "ckpt"
EXPORT_DIR = "export"


@dataclass
class TrainOptions:
    data: Path
    out: Path
    stage: str = "pretrain"
    init: Path | None = None  # checkpoint or export directory to start from (fine-tuning)
    size: str = "small"
    max_steps: int | None = None  # schedule length; default: ``epochs`` passes over the data
    epochs: float = 1.0
    max_minutes: float | None = None  # stop (and checkpoint) after this long; resume continues the schedule
    fit_minutes: float | None = None  # shorten the LR schedule so it ends within this long (measured step time)
    tokenizer: Path | None = None  # use this tokenizer.json instead of training one (comparable runs share one)
    batch_size: int = 16
    lr: float = 1e-3
    min_lr_ratio: float = 0.1
    warmup_steps: int = 100
    weight_decay: float = 0.1
    grad_clip: float = 1.0
    dropout: float = 0.0
    eval_every: int = 200
    eval_batches: int = 20
    ckpt_every: int = 500
    log_every: int = 10
    seed: int = 1337
    vocab_size: int = DEFAULT_VOCAB_SIZE
    dtype: str = "auto"  # auto | fp32 | bf16 (autocast)
    compile: bool = False
    device: str = "auto"
    threads: int | None = None  # CPU threads for torch (default: torch's choice)
    export_dtype: str = "fp16"


@dataclass
class TrainResult:
    step: int
    train_loss: float
    val_loss: float | None
    interrupted: bool
    export_dir: Path | None
    losses: list[float] = field(default_factory=list)


# -- environment ---------------------------------------------------------------------------------------------------
@dataclass
class Dist:
    rank: int = 0
    world: int = 1
    local_rank: int = 0

    @property
    def main(self) -> bool:
        return self.rank == 0


def setup_dist() -> Dist:
    """Initialise torch.distributed only under a multi-process launcher, so the plain CLI needs nothing."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return Dist()
    backend = "nccl" if torch.cuda.is_available() else "gloo"
    torch.distributed.init_process_group(backend=backend)
    return Dist(torch.distributed.get_rank(), world, int(os.environ.get("LOCAL_RANK", "0")))


def pick_device(name: str, dist: Dist) -> torch.device:
    if name != "auto":
        return torch.device(name)
    if torch.cuda.is_available():
        torch.cuda.set_device(dist.local_rank)
        return torch.device("cuda", dist.local_rank)
    return torch.device("cpu")


def autocast_dtype(name: str, device: torch.device) -> torch.dtype | None:
    """bf16 autocast where it pays: CUDA with bf16 support. On CPU only when asked (see docs/MODEL.md timings)."""
    if name == "fp32":
        return None
    if name == "bf16":
        return torch.bfloat16
    if device.type == "cuda" and torch.cuda.is_bf16_supported():
        return torch.bfloat16
    return None


def lr_at(step: int, opts: TrainOptions, total: int) -> float:
    """Linear warmup, then cosine decay to ``min_lr_ratio * lr`` at ``total``."""
    warmup = min(opts.warmup_steps, max(total // 10, 1))
    if step < warmup:
        return opts.lr * (step + 1) / warmup
    progress = min((step - warmup) / max(total - warmup, 1), 1.0)
    floor = opts.lr * opts.min_lr_ratio
    return floor + (opts.lr - floor) * 0.5 * (1.0 + math.cos(math.pi * progress))


# -- tokenizer and model -------------------------------------------------------------------------------------------
def prepare_tokenizer(opts: TrainOptions, dist: Dist) -> OmpTokenizer:
    """Reuse the run's tokenizer (resume) or the init model's; otherwise train one on the training texts."""
    path = opts.out / TOKENIZER_FILE
    if not path.exists() and dist.main:
        if opts.tokenizer is not None:
            shutil.copyfile(opts.tokenizer, path)
        elif opts.init is not None:
            shutil.copyfile(opts.init / TOKENIZER_FILE, path)
        else:
            texts = stage_texts(opts.data, "pretrain", "train")
            if opts.stage == "finetune":
                texts += stage_texts(opts.data, "finetune", "train")
            train_tokenizer(texts, opts.vocab_size).save(path)
    if dist.world > 1:
        torch.distributed.barrier()
    return OmpTokenizer.from_file(path)


def prepare_examples(opts: TrainOptions, split: str, tok: OmpTokenizer, block: int, dist: Dist) -> Examples:
    """Rank 0 tokenizes (into OUT/tokens, reused on resume); the other ranks then read that cache."""
    cache = opts.out / "tokens"
    if dist.main:
        examples = load_examples(opts.data, opts.stage, split, tok, block, cache)
    if dist.world > 1:
        torch.distributed.barrier()
    return examples if dist.main else load_examples(opts.data, opts.stage, split, tok, block, cache)


def build_model(opts: TrainOptions, tok: OmpTokenizer) -> GPT:
    if opts.init is not None:
        cfg = GPTConfig.load(opts.init / CONFIG_FILE)
        cfg.dropout = opts.dropout
        model = GPT(cfg)
        weights = opts.init / WEIGHTS_FILE
        state = load_file(str(weights if weights.exists() else opts.init / "model.safetensors"))
        model.load_state_dict({k: v.float() for k, v in state.items()})
        return model
    return GPT(GPTConfig.preset(opts.size, vocab_size=tok.vocab_size, dropout=opts.dropout))


# -- checkpoints ---------------------------------------------------------------------------------------------------
def _flatten_optimizer(opt: torch.optim.Optimizer) -> tuple[dict[str, torch.Tensor], dict]:
    sd = opt.state_dict()
    tensors = {f"{pid}.{k}": v.contiguous() for pid, st in sd["state"].items() for k, v in st.items()}
    return tensors, {"param_groups": sd["param_groups"]}


def _unflatten_optimizer(tensors: dict[str, torch.Tensor], meta: dict) -> dict:
    state: dict[int, dict[str, torch.Tensor]] = {}
    for key, value in tensors.items():
        pid, name = key.split(".", 1)
        state.setdefault(int(pid), {})[name] = value
    return {"state": state, "param_groups": meta["param_groups"]}


def save_checkpoint(directory: Path, model: GPT, opt: torch.optim.Optimizer, state: dict) -> None:
    tmp = directory.with_name(directory.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(tmp / "model.safetensors"))
    opt_tensors, opt_meta = _flatten_optimizer(opt)
    save_file(opt_tensors, str(tmp / "optimizer.safetensors"))
    rng = {"torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        rng["cuda"] = torch.cuda.get_rng_state()
    save_file(rng, str(tmp / "rng.safetensors"))
    model.cfg.save(tmp / CONFIG_FILE)
    (tmp / "state.json").write_text(json.dumps({**state, "optimizer": opt_meta}, indent=2) + "\n")
    old = directory.with_name(directory.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if directory.exists():
        directory.rename(old)
    tmp.rename(directory)
    shutil.rmtree(old, ignore_errors=True)


def find_checkpoint(out: Path) -> Path | None:
    """The last complete checkpoint (``ckpt``, or ``ckpt.old`` if a save was cut between its two renames)."""
    for name in (CKPT_DIR, CKPT_DIR + ".old"):
        if (out / name / "state.json").exists():
            return out / name
    return None


def load_checkpoint(directory: Path, model: GPT, opt: torch.optim.Optimizer, device: torch.device) -> dict:
    model.load_state_dict(load_file(str(directory / "model.safetensors"), device=str(device)))
    state = json.loads((directory / "state.json").read_text())
    opt_tensors = load_file(str(directory / "optimizer.safetensors"), device=str(device))
    opt.load_state_dict(_unflatten_optimizer(opt_tensors, state.pop("optimizer")))
    rng = load_file(str(directory / "rng.safetensors"))
    torch.set_rng_state(rng["torch"])
    if "cuda" in rng and torch.cuda.is_available():
        torch.cuda.set_rng_state(rng["cuda"])
    return state


def export_model(model: GPT, tok: OmpTokenizer, directory: Path, dtype: str = "fp16") -> Path:
    """What inference loads: ``weights.safetensors`` (fp16 by default), ``config.json``, ``tokenizer.json``."""
    directory.mkdir(parents=True, exist_ok=True)
    cast = torch.float16 if dtype == "fp16" else torch.float32
    weights = {k: v.detach().to("cpu", cast).contiguous() for k, v in model.state_dict().items()}
    save_file(weights, str(directory / WEIGHTS_FILE))
    cfg = GPTConfig.from_json({**model.cfg.to_json(), "dropout": 0.0})
    cfg.save(directory / CONFIG_FILE)
    tok.save(directory / TOKENIZER_FILE)
    return directory


# -- time-fitted schedule -----------------------------------------------------------------------------------------
class ScheduleFitter:
    """Shortens the LR schedule so a run ends within ``minutes``: a schedule cut by a deadline never decays its LR.

    Seconds per step are measured after a few warm-up steps (the first CUDA steps are slow) and re-measured at growing
    intervals; the schedule only ever shrinks, and the estimate includes validation and checkpoint time.
    """

    CHECKS = (25, 100, 400, 1600)

    def __init__(self, minutes: float | None, first_step: int):
        self.deadline = time.monotonic() + 60 * minutes if minutes else None
        self.first_step = first_step
        self.ref: tuple[int, float] | None = None

    def fit(self, step: int, total: int, dist: Dist) -> int:
        if self.deadline is None:
            return total
        done = step - self.first_step
        if done == 5:
            self.ref = (step, time.monotonic())
        if self.ref is None or done not in self.CHECKS:
            return total
        now = time.monotonic()
        per_step = (now - self.ref[1]) / max(step - self.ref[0], 1)
        fitted = min(total, max(step + 1, step + int(0.97 * (self.deadline - now) / max(per_step, 1e-9))))
        if dist.world > 1:  # every rank must stop at the same step
            t = torch.tensor([fitted], dtype=torch.int64, device="cuda" if torch.cuda.is_available() else "cpu")
            torch.distributed.all_reduce(t, op=torch.distributed.ReduceOp.MIN)
            fitted = int(t.item())
        return fitted


# -- progress ------------------------------------------------------------------------------------------------------
class Progress:
    """One status line: overwritten in place on a terminal, plain lines every ``log_every`` steps otherwise."""

    def __init__(self, total: int, log_every: int, enabled: bool):
        self.total, self.log_every, self.enabled = total, log_every, enabled
        self.tty = sys.stderr.isatty()
        self.t0 = time.monotonic()
        self.tokens = 0
        self.first_step: int | None = None

    def update(self, step: int, loss: float, lr: float, tokens: int, deadline: float | None) -> None:
        self.tokens += tokens
        if self.first_step is None:
            self.first_step = step
        if not self.enabled or (not self.tty and step % self.log_every and step + 1 != self.total):
            return
        elapsed = time.monotonic() - self.t0
        done = step + 1 - self.first_step
        eta = (self.total - step - 1) * elapsed / max(done, 1)
        if deadline is not None:
            eta = min(eta, max(deadline - time.monotonic(), 0.0))
        line = (
            f"step {step + 1}/{self.total} | loss {loss:.4f} | lr {lr:.2e} | "
            f"{self.tokens / max(elapsed, 1e-9):,.0f} tok/s | ETA {_fmt_time(eta)}"
        )
        print(f"\r{line}\x1b[K" if self.tty else line, end="" if self.tty else "\n", file=sys.stderr, flush=True)

    def message(self, text: str) -> None:
        if self.enabled:
            print(("\n" if self.tty else "") + text, file=sys.stderr, flush=True)


def _fmt_time(seconds: float) -> str:
    m, s = divmod(int(seconds), 60)
    h, m = divmod(m, 60)
    return f"{h}h{m:02d}m" if h else f"{m}m{s:02d}s"


# -- the loop ------------------------------------------------------------------------------------------------------
@torch.no_grad()
def evaluate(model: GPT, data: Examples, opts: TrainOptions, device: torch.device, amp: torch.dtype | None) -> float:
    """Mean loss over the first ``eval_batches`` validation batches, always in the same order."""
    model.eval()
    losses = []
    for start in range(0, min(len(data), opts.eval_batches * opts.batch_size), opts.batch_size):
        x, y = data.batch(list(range(start, min(start + opts.batch_size, len(data)))))
        with torch.autocast(device.type, dtype=amp or torch.float32, enabled=amp is not None):
            _, loss = model(torch.from_numpy(x).to(device), torch.from_numpy(y).to(device))
        losses.append(loss.item())
    model.train()
    return float(np.mean(losses)) if losses else float("nan")


def train(opts: TrainOptions, on_step: Callable[[int, float], None] | None = None) -> TrainResult:
    """Train (or resume) according to ``opts``. ``on_step(step, loss)`` is called after each optimizer step."""
    if opts.threads:
        torch.set_num_threads(opts.threads)
    dist = setup_dist()
    device = pick_device(opts.device, dist)
    amp = autocast_dtype(opts.dtype, device)
    opts.out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(opts.seed + dist.rank)
    tok = prepare_tokenizer(opts, dist)
    model = build_model(opts, tok).to(device)
    block = model.cfg.block_size
    train_data, val_data = (prepare_examples(opts, split, tok, block, dist) for split in ("train", "validation"))
    global_batch = opts.batch_size * dist.world
    total = opts.max_steps or max(1, math.ceil(opts.epochs * len(train_data) / global_batch))
    opt = model.optimizer(opts.lr, opts.weight_decay)
    lengths = np.array([len(r) for r in train_data.rows]) if opts.stage == "finetune" else None
    order = BatchOrder(len(train_data), opts.seed, lengths=lengths, batch=global_batch)
    step, best_val = 0, float("inf")
    ckpt = find_checkpoint(opts.out)
    if ckpt is not None:
        state = load_checkpoint(ckpt, model, opt, device)
        step, best_val = state["step"], state.get("best_val", best_val)
        order.epoch, order.index = state["data"]["epoch"], state["data"]["index"]
        total = state.get("total_steps", total) if opts.max_steps is None else total
    progress = Progress(total, opts.log_every, dist.main)
    progress.message(
        f"{'resuming at step ' + str(step) if ckpt else 'training'}: {opts.stage}, {model.n_params() / 1e6:.1f}M "
        f"params, {len(train_data)} train / {len(val_data)} val examples, {total} steps, device {device}"
        f"{', bf16 autocast' if amp else ''}{', DDP x' + str(dist.world) if dist.world > 1 else ''}"
    )
    raw = model
    if dist.world > 1:
        model = torch.nn.parallel.DistributedDataParallel(
            model, device_ids=[device.index] if device.type == "cuda" else None
        )
    fwd = torch.compile(model) if opts.compile else model
    deadline = time.monotonic() + 60 * opts.max_minutes if opts.max_minutes else None
    fitter = ScheduleFitter(opts.fit_minutes, step)
    stop = {"signal": False}
    previous = _install_stop_handler(stop)
    losses: list[float] = []
    val_loss = None
    interrupted = False

    def snapshot() -> dict:
        return {"step": step, "total_steps": total, "best_val": best_val, "data": order.state(),
                "options": json.loads(json.dumps(asdict(opts), default=str))}  # fmt: skip

    try:
        model.train()
        while step < total:
            lr = lr_at(step, opts, total)
            for group in opt.param_groups:
                group["lr"] = lr
            indices = order.take(global_batch)[dist.rank * opts.batch_size : (dist.rank + 1) * opts.batch_size]
            x, y = train_data.batch(indices)
            xt, yt = torch.from_numpy(x).to(device), torch.from_numpy(y).to(device)
            with torch.autocast(device.type, dtype=amp or torch.float32, enabled=amp is not None):
                _, loss = fwd(xt, yt)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            if opts.grad_clip:
                torch.nn.utils.clip_grad_norm_(raw.parameters(), opts.grad_clip)
            opt.step()
            step += 1
            losses.append(loss.item())
            fitted = fitter.fit(step, total, dist)
            if fitted < total:
                progress.message(f"step {step}: schedule fitted to {opts.fit_minutes:g} min: {total} -> {fitted} steps")
                total = progress.total = fitted
            progress.update(step - 1, losses[-1], lr, int((x != tok.pad_id).sum()) * dist.world, deadline)
            if on_step is not None:
                on_step(step, losses[-1])
            if dist.main and (step % opts.eval_every == 0 or step == total):
                val_loss = evaluate(raw, val_data, opts, device, amp)
                progress.message(f"step {step}: validation loss {val_loss:.4f}")
                if val_loss < best_val:
                    best_val = val_loss
                    export_model(raw, tok, opts.out / "best", opts.export_dtype)
            if dist.main and step % opts.ckpt_every == 0:
                save_checkpoint(opts.out / CKPT_DIR, raw, opt, snapshot())
            if stop["signal"] or (deadline is not None and time.monotonic() > deadline):
                interrupted = step < total
                break
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    if dist.main:
        save_checkpoint(opts.out / CKPT_DIR, raw, opt, snapshot())
        progress.message(
            f"checkpoint saved at step {step}" + (" (interrupted; rerun to resume)" if interrupted else "")
        )
    export_dir = None
    if dist.main and not interrupted:
        export_dir = export_model(raw, tok, opts.out / EXPORT_DIR, opts.export_dtype)
    if dist.world > 1:  # wait for rank 0's checkpoint and export: a rank leaving alone while gloo still talks to
        torch.distributed.barrier()  # the others died with "terminate called without an active exception"
        torch.distributed.destroy_process_group()
    return TrainResult(step, losses[-1] if losses else float("nan"), val_loss, interrupted, export_dir, losses)


def _install_stop_handler(stop: dict):
    """SIGTERM (a scheduler's stop) ends the step in flight, then checkpoints like Ctrl-C does."""

    def handler(signum, frame):
        stop["signal"] = True

    try:
        return signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave signals alone
        return None
