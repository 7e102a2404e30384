"""Loop choice for speed (issue 23): serial vs ``ompgpt annotate --no-model`` (safe mode) vs hand-written pragmas.

For every kernel ``K.c`` of ``benchmarks/speed_kernels`` (with its hand-parallelized ``K.hand.c``):

- serial: ``K.c`` built without OpenMP (pragmas it already has are ignored: the serial program);
- annotated: ``K.c`` after ``ompgpt annotate --no-model --in-place`` (a copy), built with ``-fopenmp``;
- hand: ``K.hand.c`` built with ``-fopenmp``.

The three are run in alternating rounds (serial, annotated, hand, serial, ...) at ``--threads`` threads, so load
that comes and goes hits them alike; medians are compared. Every program's output is checked against the serial
one. The load average is recorded before and after: on a shared machine only the ratios mean anything.

    PYTHONPATH=src python benchmarks/speed_suite.py --rounds 5 --threads 2 [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KERNELS = Path(__file__).resolve().parent / "speed_kernels"
#: -O3: at -O2 gcc 12 vectorizes the serial loops (very-cheap cost model) but not the same loops outlined by OpenMP,
#: whose bounds are only known at run time: 1 thread ran jacobi1d 1.7x slower than serial from that alone
FLAGS = ("-O3", "-Wno-unknown-pragmas")


def build(cc: str, source: Path, exe: Path, openmp: bool) -> None:
    """Compile one program; a failure stops the suite with the compiler's message."""
    cmd = [cc, *FLAGS, *(["-fopenmp"] if openmp else []), str(source), "-o", str(exe), "-lm"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{source}: build failed:\n{done.stderr}")


def annotate(source: Path, work: Path) -> Path:
    """``ompgpt annotate --no-model --in-place`` on a copy of ``source``; returns the copy."""
    copy = work / source.name
    shutil.copyfile(source, copy)
    cmd = [sys.executable, "-m", "ompgpt.cli", "annotate", "--no-model", "--in-place", "--no-progress", str(copy)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode == 2:
        sys.exit(f"{source}: annotate failed:\n{done.stderr}")
    return copy


def run(exe: Path, threads: int, wait_policy: str) -> tuple[float, str]:
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "OMP_WAIT_POLICY": wait_policy}
    start = time.perf_counter()
    done = subprocess.run([str(exe)], capture_output=True, text=True, env=env, check=True)
    return time.perf_counter() - start, done.stdout.strip()


def same(a: str, b: str) -> bool:
    """Checksums equal up to reassociation of floating-point sums (relative 1e-9)."""
    try:
        x, y = float(a), float(b)
    except ValueError:
        return a == b
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)


def pragmas(path: Path) -> list[str]:
    return [ln.strip() for ln in path.read_text().splitlines() if ln.strip().startswith("#pragma omp")]


def measure(name: str, cc: str, work: Path, rounds: int, threads: int, wait_policy: str) -> dict:
    """Build the three programs of one kernel, check their outputs, time them in alternating rounds."""
    source = KERNELS / f"{name}.c"
    annotated = annotate(source, work)
    exes = {v: work / f"{name}.{v}" for v in ("serial", "annotated", "hand")}
    build(cc, source, exes["serial"], openmp=False)
    build(cc, annotated, exes["annotated"], openmp=True)
    build(cc, KERNELS / f"{name}.hand.c", exes["hand"], openmp=True)
    times: dict[str, list[float]] = {v: [] for v in exes}
    outputs: dict[str, str] = {}
    for _ in range(rounds):
        for variant, exe in exes.items():
            seconds, out = run(exe, threads, wait_policy)
            times[variant].append(seconds)
            outputs.setdefault(variant, out)
    for variant in ("annotated", "hand"):
        if not same(outputs[variant], outputs["serial"]):
            sys.exit(f"{name}: {variant} printed {outputs[variant]}, serial {outputs['serial']}")
    med = {v: statistics.median(t) for v, t in times.items()}
    return {
        "kernel": name,
        "median_s": med,
        "annotated_vs_serial": med["serial"] / med["annotated"],
        "hand_vs_serial": med["serial"] / med["hand"],
        "annotated_vs_hand": med["hand"] / med["annotated"],
        "pragmas": pragmas(annotated),
    }


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


def table(rows: list[dict]) -> str:
    lines = [
        "| kernel | serial s | annotated s | hand s | annotated/serial | hand/serial | annotated vs hand |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        m = r["median_s"]
        lines.append(
            f"| {r['kernel']} | {m['serial']:.3f} | {m['annotated']:.3f} | {m['hand']:.3f} | "
            f"{r['annotated_vs_serial']:.2f}x | {r['hand_vs_serial']:.2f}x | {r['annotated_vs_hand']:.2f} |"
        )
    g = [geomean([r[k] for r in rows]) for k in ("annotated_vs_serial", "hand_vs_serial", "annotated_vs_hand")]
    lines.append(f"| **geomean** | | | | {g[0]:.2f}x | {g[1]:.2f}x | {g[2]:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--cc", default="gcc")
    parser.add_argument(
        "--wait-policy",
        default="passive",
        choices=["passive", "active"],
        help="OMP_WAIT_POLICY: on an oversubscribed machine spinning threads wait for a partner that is not running",
    )
    parser.add_argument("--kernels", nargs="*", help="names (default: every K.c with a K.hand.c)")
    parser.add_argument("--json", type=Path, help="write the measurements here too")
    args = parser.parse_args(argv)
    names = args.kernels or sorted(p.name[: -len(".hand.c")] for p in KERNELS.glob("*.hand.c"))
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="ompgpt-speed-") as tmp:
        rows = [measure(n, args.cc, Path(tmp), args.rounds, args.threads, args.wait_policy) for n in names]
    load_after = os.getloadavg()
    print(table(rows))
    print(f"\nload average before {load_before[0]:.2f}, after {load_after[0]:.2f} ({os.cpu_count()} cores)")
    setting = f"{args.threads} threads, OMP_WAIT_POLICY={args.wait_policy}, {args.rounds} rounds"
    print(f"{args.cc} {' '.join(FLAGS)}, {setting}")
    for r in rows:
        print(f"{r['kernel']}: " + " | ".join(r["pragmas"]))
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "load": [load_before, load_after]}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
