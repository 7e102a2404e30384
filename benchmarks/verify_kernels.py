"""Run ``ompgpt.verify`` on every correct and wrong pragma of the kernel suite; print the table and timings.

    python benchmarks/verify_kernels.py                 # default VerifyConfig (what `ompgpt verify` runs)
    python benchmarks/verify_kernels.py --quick         # the reduced matrix the tests use
    python benchmarks/verify_kernels.py --only red_sum  # kernels whose file name contains red_sum

Exit code 1 if any correct pragma is rejected or any wrong pragma accepted.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

from ompgpt.verify.api import verify_candidates
from ompgpt.verify.model import Candidate, CandidateResult, VerifyConfig, machine_cores
from ompgpt.verify.suite import Kernel, load

KERNELS = Path(__file__).resolve().parent / "kernels"


def quick_config() -> VerifyConfig:
    """The reduced matrix used by tests/verify: fewer thread counts and schedules, no timing."""
    return VerifyConfig(
        threads=(2, 3),
        schedules=("static,1", "dynamic,1"),
        race_threads=(2, 4),
        race_schedules=("static,1", "static"),
        timing_check=False,
    )


def verify_kernel(kernel: Kernel, config: VerifyConfig) -> list[tuple[str, str, CandidateResult]]:
    """(expected, why, result) for each pragma of ``kernel``, correct ones first."""
    expected = [("accepted", p, "") for p in kernel.correct] + [("rejected", p, why) for p, why in kernel.wrong]
    results = verify_candidates(kernel.path, [Candidate(kernel.line, p) for _, p, _ in expected], config)
    return [(exp, why, res) for (exp, _, why), res in zip(expected, results, strict=True)]


def _row(kernel: Kernel, expected: str, result: CandidateResult) -> dict:
    return {
        "kernel": kernel.name,
        "pragma": result.candidate.pragma,
        "expected": expected,
        "verdict": result.verdict,
        "ok": result.verdict == expected,
        "caught_by": result.failed_check,
        "failed_checks": [c.name for c in result.checks if c.status == "failed"],
        "reason": result.reason,
        "seconds": round(result.seconds, 2),
        "speedup": round(result.speedup, 2) if result.speedup else None,
    }


def _summary(rows: list[dict], wall: float) -> str:
    correct = [r for r in rows if r["expected"] == "accepted"]
    wrong = [r for r in rows if r["expected"] == "rejected"]
    caught: dict[str, int] = {}
    for r in wrong:
        caught[r["caught_by"] or "-"] = caught.get(r["caught_by"] or "-", 0) + 1
    every: dict[str, int] = {}
    for r in wrong:
        for name in r["failed_checks"]:
            every[name] = every.get(name, 0) + 1
    times = [r["seconds"] for r in rows]
    lines = [
        f"machine: {platform.machine()}, {machine_cores()} cores, {platform.platform()}",
        f"correct accepted: {sum(r['ok'] for r in correct)}/{len(correct)}",
        f"wrong rejected:   {sum(r['ok'] for r in wrong)}/{len(wrong)}",
        "wrong caught by:  " + ", ".join(f"{k} {v}" for k, v in sorted(caught.items())) + " (first failing check)",
        "wrong failing each check: " + ", ".join(f"{k} {v}" for k, v in sorted(every.items())),
        f"seconds per candidate: median {statistics.median(times):.2f}, max {max(times):.2f}; "
        f"correct median {statistics.median(r['seconds'] for r in correct):.2f}, "
        f"wrong median {statistics.median(r['seconds'] for r in wrong):.2f}",
        f"total wall time: {wall:.0f} s for {len(rows)} candidates",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="reduced matrix (as in tests), no timing")
    parser.add_argument("--only", default="", help="substring of kernel file names to run")
    parser.add_argument("--json", type=Path, help="write every row as JSON here")
    parser.add_argument("--all-checks", action="store_true", help="run every check on every candidate")
    args = parser.parse_args(argv)
    config = quick_config() if args.quick else VerifyConfig()
    config.stop_at_first_failure = not args.all_checks
    kernels = [k for k in load(KERNELS) if args.only in k.name]
    rows, start = [], time.monotonic()
    for kernel in kernels:
        for expected, _why, result in verify_kernel(kernel, config):
            row = _row(kernel, expected, result)
            rows.append(row)
            mark = "ok  " if row["ok"] else "FAIL"
            extra = f"{row['caught_by']}: {row['reason'][:90]}" if row["caught_by"] else f"speedup {row['speedup']}"
            print(f"{mark} {row['seconds']:6.2f}s {kernel.name:28} {row['pragma']:55} {extra}", flush=True)
    print(_summary(rows, time.monotonic() - start))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
