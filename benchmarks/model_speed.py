"""Model speed on this machine: training tokens/s per size and variant, numpy suggestion latency and throughput.

    python benchmarks/model_speed.py --part train --sizes small medium large --seconds 45
    python benchmarks/model_speed.py --part infer --sizes small medium

Training runs on random token windows (speed does not depend on the text). Inference uses random weights of the
real shape and a real 8192-token BPE trained on the system's C headers (so the grammar masks see a realistic
vocabulary); the directive decision costs the same for any weights, full chain/beam decoding depends on what the
model writes. Results print as markdown rows and go to --json. Numbers for docs/MODEL.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # inference target: one core


def load_avg() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


# -- training ------------------------------------------------------------------------------------------------------
def bench_train(size: str, variant: str, seconds: float, batch: int, seq: int, threads: int) -> dict:
    import torch

    from ompgpt.model.config import GPTConfig
    from ompgpt.train.gpt import GPT

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    cfg = GPTConfig.preset(size, vocab_size=8192)
    model = GPT(cfg)
    opt = model.optimizer(1e-4, 0.1)
    fwd = torch.compile(model) if "compile" in variant else model
    amp = "bf16" in variant
    x = torch.randint(0, cfg.vocab_size, (batch, seq))

    def step() -> None:
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=amp):
            _, loss = fwd(x, x)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    t0 = time.perf_counter()
    step()  # warm-up (and compilation)
    step()
    warmup = time.perf_counter() - t0
    steps, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds or steps < 2:
        step()
        steps += 1
    elapsed = time.perf_counter() - t0
    return {
        "size": size, "params_M": round(cfg.n_params() / 1e6, 1), "variant": variant, "threads": threads,
        "batch": f"{batch}x{seq}", "tok_per_s": round(steps * batch * seq / elapsed),
        "s_per_step": round(elapsed / steps, 2), "warmup_s": round(warmup, 1), "load": load_avg(),
    }  # fmt: skip


# -- inference -----------------------------------------------------------------------------------------------------
def bench_tokenizer(cache: Path):
    """An 8192-token byte-level BPE trained on /usr/include (any C text gives a realistic vocabulary)."""
    from ompgpt.model.tokenizer import OmpTokenizer, train_tokenizer

    if cache.exists():
        return OmpTokenizer.from_file(cache)
    files = sorted(Path("/usr/include").rglob("*.h"))[:4000]
    texts = (f.read_text(errors="replace") for f in files)
    tok = train_tokenizer(texts, vocab_size=8192)
    tok.save(cache)
    return tok


def bench_infer(size: str, tok, reps: int) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "model"))
    from conftest import random_weights  # the test helper: weights with the trainer's names and shapes

    from ompgpt.model.chain import chain_of_omp, decide_directive, one_shot
    from ompgpt.model.config import GPTConfig
    from ompgpt.model.decode import LoopInput, PragmaDecoder
    from ompgpt.model.numpy_gpt import NumpyGPT
    from ompgpt.train.samples import SAMPLE_LOOPS

    cfg = GPTConfig.preset(size, vocab_size=tok.vocab_size)
    decoder = PragmaDecoder(NumpyGPT(cfg, random_weights(cfg)), tok)
    loops = [LoopInput(code, ctx) for ctx, code, _ in SAMPLE_LOOPS]
    prompt_tokens = [len(decoder.prompt(lp).ids) for lp in loops]

    def directive(loop: LoopInput) -> None:  # what chain_of_omp does first for one loop
        decide_directive(decoder, loop)

    directive(loops[0])  # builds the shared token masks once, as a long-running process would
    lat, cpu = [], []  # wall and CPU ms: CPU time is what the code costs when the cores are shared
    for _ in range(reps):
        for loop in loops:
            t0, c0 = time.perf_counter(), time.process_time()
            directive(loop)
            lat.append(1000 * (time.perf_counter() - t0))
            cpu.append(1000 * (time.process_time() - c0))
    chain_lat, shot_lat = [], []
    for loop in loops:
        t0 = time.perf_counter()
        chain_of_omp(decoder, [loop])
        chain_lat.append(1000 * (time.perf_counter() - t0))
        t0 = time.perf_counter()
        one_shot(decoder, [loop], beam_size=4)
        shot_lat.append(1000 * (time.perf_counter() - t0))
    many = loops * 4
    t0 = time.perf_counter()
    for start in range(0, len(many), 16):
        chain_of_omp(decoder, many[start : start + 16])
    chain_batched = len(many) / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    for start in range(0, len(many), 16):
        one_shot(decoder, many[start : start + 16], beam_size=4)
    shot_batched = len(many) / (time.perf_counter() - t0)

    def p95(xs: list[float]) -> float:
        return sorted(xs)[int(0.95 * (len(xs) - 1))]

    return {
        "size": size, "params_M": round(cfg.n_params() / 1e6, 1), "vocab": tok.vocab_size,
        "prompt_tokens_median": statistics.median(prompt_tokens),
        "directive_ms_median": round(statistics.median(lat), 1), "directive_ms_p95": round(p95(lat), 1),
        "directive_cpu_ms_median": round(statistics.median(cpu), 1), "directive_cpu_ms_p95": round(p95(cpu), 1),
        "chain_ms_median": round(statistics.median(chain_lat), 1), "chain_ms_p95": round(p95(chain_lat), 1),
        "oneshot_beam4_ms_median": round(statistics.median(shot_lat), 1),
        "chain_loops_per_s_batch16": round(chain_batched, 1), "oneshot_loops_per_s_batch16": round(shot_batched, 1),
        "load": load_avg(),
    }  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", choices=("train", "infer", "all"), default="all")
    ap.add_argument("--sizes", nargs="+", default=["small", "medium", "large"])
    ap.add_argument("--variants", nargs="+", default=["fp32", "bf16", "compile"], help="fp32 bf16 compile compile+bf16")
    ap.add_argument("--compile-sizes", nargs="+", default=["small"], help="sizes to also try torch.compile on")
    ap.add_argument("--seconds", type=float, default=45.0, help="timed part of each training measurement")
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--seq", type=int, default=512)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--reps", type=int, default=5, help="passes over the sample loops for latency")
    ap.add_argument("--tokenizer-cache", type=Path, default=Path("/tmp/ompgpt-bench-tokenizer.json"))
    ap.add_argument("--json", type=Path, help="append results here as JSON lines")
    args = ap.parse_args()
    results = []
    if args.part in ("train", "all"):
        for size in args.sizes:
            for variant in args.variants:
                if "compile" in variant and size not in args.compile_sizes:
                    continue
                results.append(bench_train(size, variant, args.seconds, args.batch, args.seq, args.threads))
                print(json.dumps(results[-1]), flush=True)
    if args.part in ("infer", "all"):
        tok = bench_tokenizer(args.tokenizer_cache)
        for size in args.sizes:
            results.append(bench_infer(size, tok, args.reps))
            print(json.dumps(results[-1]), flush=True)
    if args.json:
        with open(args.json, "a") as fh:
            fh.writelines(json.dumps(r) + "\n" for r in results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
