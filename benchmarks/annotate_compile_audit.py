"""Do the pragmas `ompgpt annotate` suggests compile? An audit on real files from repositories we did not train on.

For corpus files of the validation and held-out repositories (``out/data/files-{validation,test}.jsonl`` name
them, else the same split is computed from the repository names; ``--splits train`` for the others), every OpenMP
pragma is stripped (the serial version); files whose serial version compiles on its own (``gcc``/``g++`` and
``clang``/``clang++ -fsyntax-only -fopenmp``, system headers only) are annotated by ``ompgpt annotate --in-place``
and compiled again with both. A suggestion that breaks the build is a bug the user would meet first, whatever its
speed-up.

    python benchmarks/annotate_compile_audit.py --files 400 --mode suggest --json runs/compile-audit.json

Reports files tried / compiling alone / annotated, pragmas inserted, and every file whose annotated version fails
with the compiler's first error lines.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ompgpt.source.edit import strip_omp_pragmas

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPUS = REPO_ROOT.parent / "shared" / "corpus"
COMPILERS = {
    "c": [["gcc", "-std=gnu11", "-x", "c"], ["clang", "-std=gnu11", "-x", "c"]],
    "cpp": [["g++", "-std=gnu++17", "-x", "c++"], ["clang++", "-std=gnu++17", "-x", "c++"]],
}


def split_repos(data_dir: Path, splits: list[str]) -> set[str]:
    """Repositories of the given splits (validation and test: never trained on)."""
    if not all((data_dir / f"files-{split}.jsonl").exists() for split in splits):
        return _repos_by_hash(splits)  # no `ompgpt data build` output here: the same split, computed
    repos = set()
    for split in splits:
        with open(data_dir / f"files-{split}.jsonl", encoding="utf-8") as f:
            repos.update(json.loads(line)["repo"] for line in f)
    return repos


def _repos_by_hash(splits: list[str]) -> set[str]:
    """The corpus repositories whose split (``ompgpt.data.splits.split_of``, what the dataset build uses) is one of
    ``splits``."""
    from ompgpt.data.splits import split_of

    repos = set()
    for shard in sorted(CORPUS.glob("openmp-c-files-*.jsonl.gz")):
        with gzip.open(shard, "rt", encoding="utf-8") as f:
            repos.update(r["repo"] for r in map(json.loads, f) if split_of(r["repo"]) in splits)
    return repos


def corpus_files(repos: set[str]) -> list[dict]:
    out = []
    for shard in sorted(CORPUS.glob("openmp-c-files-*.jsonl.gz")):
        with gzip.open(shard, "rt", encoding="utf-8") as f:
            out.extend(r for r in map(json.loads, f) if r["repo"] in repos)
    return out


def compiles(path: Path, lang: str) -> tuple[bool, str]:
    """Whether gcc and clang both accept the file (OpenMP on); the first one's errors otherwise."""
    for compiler in COMPILERS[lang]:
        cmd = [*compiler, "-fsyntax-only", "-fopenmp", "-w", str(path)]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        except subprocess.TimeoutExpired:
            return False, f"{compiler[0]}: timeout"
        if done.returncode != 0:
            return False, f"{compiler[0]}: {done.stderr}"
    return True, ""


def audit_one(record: dict, work: Path, mode: str) -> dict | None:
    """None when the serial version does not compile on its own (missing project headers, mostly)."""
    suffix = ".c" if record["lang"] == "c" else ".cpp"
    serial, _ = strip_omp_pragmas(record["text"], record["lang"])
    path = work / f"unit{suffix}"
    path.write_text(serial, encoding="utf-8")
    ok, _ = compiles(path, record["lang"])
    if not ok:
        return None
    path.with_name(path.name + ".ompgpt.bak").unlink(missing_ok=True)  # annotate never overwrites a backup
    # every suggestion, unsafe ones included and unverified: the audit asks what may not compile
    cmd = ["ompgpt", "annotate", "--in-place", "--mode", mode, "--unsafe-fixes", "--verify-budget", "0"]
    cmd += ["--no-progress", "--lang", record["lang"], str(path)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    annotated = path.read_text(encoding="utf-8")
    inserted = annotated.count("#pragma omp") - serial.count("#pragma omp")
    ok, err = compiles(path, record["lang"])
    row = {"repo": record["repo"], "path": record["path"], "lang": record["lang"], "inserted": inserted,
           "annotate_rc": done.returncode, "compiles": ok}  # fmt: skip
    if not ok:
        row["error"] = "\n".join(line for line in err.splitlines() if "error" in line)[:800]
    return row


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=400, help="corpus files to try (sampled, seed 0)")
    ap.add_argument("--mode", choices=("safe", "suggest"), default="suggest")
    ap.add_argument("--data", type=Path, default=REPO_ROOT / "out" / "data")
    ap.add_argument("--splits", default="validation,test", help="whose repositories' files (train: seen in training)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    records = corpus_files(split_repos(args.data, args.splits.split(",")))
    random.Random(0).shuffle(records)
    rows, t0 = [], time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        for record in records[: args.files]:
            row = audit_one(record, Path(tmp), args.mode)
            if row is not None:
                rows.append(row)
    annotated = [r for r in rows if r["inserted"] > 0]
    failed = [r for r in annotated if not r["compiles"]]
    summary = {
        "files_tried": min(args.files, len(records)), "compile_alone": len(rows), "annotated": len(annotated),
        "pragmas_inserted": sum(r["inserted"] for r in rows), "annotated_files_failing": len(failed),
        "mode": args.mode, "splits": args.splits, "seconds": round(time.monotonic() - t0),
    }  # fmt: skip
    print(json.dumps(summary, indent=2))
    for r in failed:
        print(f"\n{r['repo']}/{r['path']} ({r['inserted']} inserted):\n{r['error']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"summary": summary, "rows": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
