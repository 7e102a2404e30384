"""What verify's bubblewrap sandbox costs: per process, per build, and on whole `ompgpt verify` runs.

Modes alternate run by run (bwrap, none, bwrap, ...) so machine load hits both alike; medians are reported.

    PYTHONPATH=src python benchmarks/sandbox_overhead.py [--runs 40] [--examples]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from ompgpt.verify import isolation, sandbox
from ompgpt.verify.build import clang_for
from ompgpt.verify.sandbox import Limits

ROOT = Path(__file__).resolve().parent.parent
TINY = '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n'
#: one candidate per example loop, as `ompgpt annotate --no-model examples/` suggests them
EXAMPLES = {
    "blur.cpp": ["20=parallel for", "26=parallel for reduction(+:mean)"],
    "heat.c": ["16=parallel for collapse(2)", "30=parallel for reduction(max:diff) collapse(2)"],
    "histogram.c": ["22=parallel for reduction(+:hist)", "29=parallel for reduction(max:peak)"],
    "matmul.c": ["8=parallel for private(k) collapse(2)", "28=parallel for reduction(+:trace)"],
    "nbody.c": ["31=parallel for private(dx, dy, dz, inv, j, r2)", "62=parallel for reduction(+:e)"],
}


def _timed(mode: str, cmd: list[str], cwd: Path) -> float:
    isolation._chosen[:] = [mode]
    start = time.perf_counter()
    result = sandbox.run(cmd, cwd, Limits(timeout=60))
    assert result.returncode == 0, result.output
    return time.perf_counter() - start


def per_process(runs: int) -> dict[str, dict[str, float]]:
    """Median ms of running a tiny executable and of compiling it with clang, per mode."""
    times: dict[str, dict[str, list[float]]] = {m: {"run": [], "build": []} for m in ("bwrap", "none")}
    with sandbox.workspace() as work:
        (work / "t.c").write_text(TINY)
        build = [clang_for(False) or "cc", "-O2", str(work / "t.c"), "-o", str(work / "t.exe")]
        _timed("none", build, work)
        for i in range(runs):
            for mode in ("bwrap", "none") if i % 2 == 0 else ("none", "bwrap"):
                times[mode]["run"].append(_timed(mode, [str(work / "t.exe")], work))
                if i % 4 == 0:
                    times[mode]["build"].append(_timed(mode, build, work))
    return {m: {k: round(statistics.median(v) * 1000, 2) for k, v in d.items()} for m, d in times.items()}


def examples() -> list[dict]:
    """Wall seconds and verdicts of `ompgpt verify` (no timing check) on two loops of each example, per mode."""
    rows = []
    for i, (name, specs) in enumerate(EXAMPLES.items()):
        for mode in ("bwrap", "none") if i % 2 == 0 else ("none", "bwrap"):
            argv = [sys.executable, "-m", "ompgpt.cli", "verify", str(ROOT / "examples" / name), "--json"]
            argv.append("--no-timing")
            for spec in specs:
                argv += ["--pragma", spec]
            env = {**os.environ, "OMPGPT_SANDBOX": mode}
            start = time.perf_counter()
            done = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
            seconds = time.perf_counter() - start
            verdicts = [json.loads(line)["verdict"] for line in done.stdout.splitlines()]
            rows.append({"file": name, "mode": mode, "seconds": round(seconds, 1), "verdicts": verdicts})
            print(json.dumps(rows[-1]), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--examples", action="store_true", help="also time ompgpt verify on examples/")
    args = parser.parse_args()
    if not isolation._usable("bwrap"):
        sys.exit("bubblewrap cannot run here")
    print(json.dumps({"per_process_ms": per_process(args.runs)}), flush=True)
    if args.examples:
        rows = examples()
        for mode in ("bwrap", "none"):
            total = sum(r["seconds"] for r in rows if r["mode"] == mode)
            print(json.dumps({"mode": mode, "total_seconds": round(total, 1)}))


if __name__ == "__main__":
    main()
