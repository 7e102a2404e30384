"""Are the pragmas `ompgpt annotate` suggests right when the program runs? An execution audit on real programs.

Takes corpus files that are whole programs (a ``main``, a serial version that builds and runs alone within the
timeout, exit status 0), annotates the serial version (``--mode suggest``: the model's unproven pragmas included,
as a user asking for suggestions gets them) and checks every inserted pragma with ``ompgpt verify``: it must
compile with clang and gcc with every written variable scoped, print the serial output at 2 and 4 threads under
static and dynamic schedules, and show no ThreadSanitizer/Archer race. A program's own nondeterminism (time, random
seeds, addresses in the output) shows up as differential rejections, so they are listed for reading, not counted
as our errors blindly.

    python benchmarks/annotate_verify_audit.py --files 3000 --splits train --programs 60 --json runs/verify-audit.json
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from annotate_compile_audit import REPO_ROOT, corpus_files, split_repos

from ompgpt.source.edit import strip_omp_pragmas

BUILD = {"c": ["gcc", "-std=gnu11", "-O1", "-fopenmp", "-w"], "cpp": ["g++", "-std=gnu++17", "-O1", "-fopenmp", "-w"]}


def runs_alone(path: Path, lang: str, timeout: float) -> bool:
    """The serial program builds, runs to exit status 0 within ``timeout`` and prints something to compare."""
    exe = path.with_suffix("")
    built = subprocess.run([*BUILD[lang], str(path), "-o", str(exe), "-lm"], capture_output=True, timeout=120)
    if built.returncode != 0:
        return False
    try:
        ran = subprocess.run([str(exe)], capture_output=True, timeout=timeout, cwd=path.parent)
    except subprocess.TimeoutExpired:
        return False
    return ran.returncode == 0 and bool(ran.stdout.strip())


def suggested(path: Path, lang: str) -> list[tuple[int, str]]:
    # the raw suggestions, unverified (suggest mode would verify them itself): this audit verifies them
    cmd = ["ompgpt", "annotate", "--json", "--mode", "suggest", "--verify-budget", "0", "--no-progress", "--lang", lang]
    cmd.append(str(path))
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600).stdout
    rows = [json.loads(line) for line in out.splitlines() if line.strip()]
    return [(r["line"], r["pragma"]) for r in rows if r.get("action") == "insert" and r.get("pragma")]


def verify(path: Path, pragmas: list[tuple[int, str]], timeout: float) -> list[dict]:
    cmd = ["ompgpt", "verify", str(path), "--json", "--no-timing", "--threads", "2,4", "--timeout", str(timeout),
           "--schedule", "static", "--schedule", "dynamic,1"]  # fmt: skip
    for line, pragma in pragmas:
        cmd += ["--pragma", f"{line}={pragma}"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=1800).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def audit_one(record: dict, work: Path, timeout: float) -> list[dict] | None:
    if "main" not in record["text"]:
        return None
    serial, _ = strip_omp_pragmas(record["text"], record["lang"])
    path = work / ("prog.c" if record["lang"] == "c" else "prog.cpp")
    path.write_text(serial, encoding="utf-8")
    if not runs_alone(path, record["lang"], timeout):
        return None
    pragmas = suggested(path, record["lang"])
    if not pragmas:
        return []
    return [_row(f"{record['repo']}/{record['path']}", r) for r in verify(path, pragmas, timeout)]


def _row(where: str, r: dict) -> dict:
    cand = r["candidate"]
    return {"file": where, "line": cand["line"], "pragma": cand["pragma"], "verdict": r["verdict"],
            "failed_check": r.get("failed_check"), "reason": (r.get("reason") or "")[:300]}  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=3000, help="corpus files to look through (sampled, seed 0)")
    ap.add_argument("--programs", type=int, default=60, help="stop after this many runnable programs")
    ap.add_argument("--splits", default="validation,test")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per program run")
    ap.add_argument("--data", type=Path, default=REPO_ROOT / "out" / "data")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    records = corpus_files(split_repos(args.data, args.splits.split(",")))
    random.Random(0).shuffle(records)
    rows: list[dict] = []
    programs, t0 = 0, time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        for record in records[: args.files]:
            found = audit_one(record, Path(tmp), args.timeout)
            if found is None:
                continue
            programs += 1
            rows.extend(found)
            if programs >= args.programs:
                break
    verdicts = Counter(r["verdict"] for r in rows)
    failed = Counter(r["failed_check"] for r in rows if r["verdict"] != "accepted")
    summary = {"programs": programs, "pragmas": len(rows), "verdicts": dict(verdicts), "failed_checks": dict(failed),
               "splits": args.splits, "seconds": round(time.monotonic() - t0)}  # fmt: skip
    print(json.dumps(summary, indent=2))
    for r in rows:
        if r["verdict"] != "accepted":
            what = f"{r['verdict']} ({r['failed_check']}): #pragma omp {r['pragma']}"
            print(f"{r['file']}:{r['line']}: {what}: {r['reason']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"summary": summary, "rows": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
