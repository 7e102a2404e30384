"""Does ``ompgpt annotate`` write races? And does ``ompgpt lint`` find the loop races of the originals?

On the race set under ``benchmarks/races`` (small programs of our own, each with a ``main``; ``manifest.json`` says
which of their loop pragmas race):

1. strips every OpenMP pragma (``ompgpt strip``), annotates the serial copy in safe mode and in suggest mode
   without ``--unsafe-fixes`` (``--in-place``, on copies), and checks every pragma written with the verifier
   (build with clang and gcc, output equal to the serial run at 1, 2 and 4 threads, no ThreadSanitizer/Archer race;
   the static unscoped-variable check is off, so execution judges): a pragma rejected by the differential or race
   check is a race written;
2. lints the original files and scores the race findings (OMP001 iterations race, OMP002 shared scalar or index,
   OMP003 missing reduction, OMP009 racy flag) per loop pragma against the manifest: precision and recall.

    python benchmarks/race_audit.py --json runs/race-audit.json
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
RACES = REPO_ROOT / "benchmarks" / "races"
RACE_CODES = ("OMP001", "OMP002", "OMP003", "OMP009")
MODES = {
    "safe": ["--mode", "safe"],
    "suggest": ["--mode", "suggest"],
    # the baseline: what suggest mode wrote before fix kinds (the model's pragmas, unverified)
    "suggest-unsafe": ["--mode", "suggest", "--unsafe-fixes", "--verify-budget", "0"],
}


def ompgpt(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ompgpt.cli", *args], capture_output=True, text=True)


def written_pragmas(annotated: str) -> list[tuple[int, str]]:
    """``(line of the loop in the stripped file, pragma)`` for every OpenMP pragma of an annotated copy of a
    stripped file: the stripped file has none, so each one was written by annotate."""
    out, inserted = [], 0
    for k, line in enumerate(annotated.splitlines()):
        text = line.strip()
        if text.startswith("#pragma omp"):
            out.append((k - inserted + 1, text.removeprefix("#pragma omp").strip()))
            inserted += 1
    return out


def verify(stripped: Path, pragmas: list[tuple[int, str]]) -> list[dict]:
    """Each written pragma verified alone on the stripped program, by execution: the static check (a written
    variable left unscoped) is off, so a missing clause shows as the race or wrong output it causes."""
    from ompgpt.verify.api import verify_candidates
    from ompgpt.verify.model import Candidate, VerifyConfig

    if not pragmas:
        return []
    config = VerifyConfig(threads=(1, 2, 4), timing_check=False, static_check=False)
    outcomes = verify_candidates(stripped, [Candidate(line, p) for line, p in pragmas], config)
    return [
        {"line": line, "pragma": p, "verdict": o.verdict, "failed_check": o.failed_check, "reason": o.reason[:300]}
        for (line, p), o in zip(pragmas, outcomes, strict=True)
    ]


def annotate_audit(name: str, work: Path, mode: str) -> dict:
    """Strip, annotate in place in ``mode``, verify what was written; the counts and the rejections."""
    folder = work / mode
    folder.mkdir(exist_ok=True)
    stripped = folder / f"serial_{name}"
    stripped.write_text(ompgpt("strip", str(RACES / name)).stdout)
    copy = folder / name
    shutil.copy(stripped, copy)
    start = time.monotonic()
    done = ompgpt("annotate", "--in-place", "--backup-suffix", ".orig", *MODES[mode], str(copy))
    seconds = time.monotonic() - start
    pragmas = written_pragmas(copy.read_text())
    checks = verify(stripped, pragmas)
    racy = [c for c in checks if c["failed_check"] in ("differential", "race")]
    other = [c for c in checks if c["verdict"] != "accepted" and c not in racy]
    return {
        "file": name,
        "mode": mode,
        "exit": done.returncode,
        "annotate_seconds": round(seconds, 1),
        "written": len(pragmas),
        "races_written": racy,
        "other_rejections": other,
    }


def lint_audit(manifest: dict) -> dict:
    """Lint findings with a race code, per loop pragma of the originals, against the manifest."""
    from ompgpt.source import read_source, scan

    tp = fp = fn = tn = 0
    cases = []
    for name, entry in manifest.items():
        path = RACES / name
        found = ompgpt("lint", str(path)).stdout.splitlines()
        flagged_lines = {int(f.split(":")[1]) for f in found if any(f"[{c}]" in f for c in RACE_CODES)}
        pragma_of = {lp.line: lp.pragma_site.line for lp in scan(read_source(path)).loops if lp.pragma_site}
        for loop in entry["loops"]:
            flagged = pragma_of.get(loop["line"]) in flagged_lines
            tp += flagged and loop["race"]
            fp += flagged and not loop["race"]
            fn += not flagged and loop["race"]
            tn += not flagged and not loop["race"]
            if flagged != loop["race"]:
                cases.append(f"{name}:{loop['line']}: {'false alarm' if flagged else 'missed race'}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn, "precision": precision, "recall": recall, "cases": cases}


def manifest_check(manifest: dict, work: Path) -> list[str]:
    """The manifest against execution: each original loop pragma verified on its file with only that pragma
    removed; a race loop must be rejected by the differential or race check, a race-free one accepted. The
    disagreements (a doacross nest cannot be checked so: its ``ordered`` constructs need their loop pragma)."""
    disagreements = []
    for name, entry in manifest.items():
        lines = (RACES / name).read_text().splitlines(keepends=True)
        for loop in entry["loops"]:
            at = loop["line"] - 1  # the pragma's line (1-based), where the loop moves up to
            program = work / f"manifest_{loop['line']}_{name}"
            program.write_text("".join(lines[: at - 1] + lines[at:]))
            (got,) = verify(program, [(at, loop["pragma"])])
            if "serial reference) does not build" in got["reason"]:
                disagreements.append(f"{name}:{loop['line']}: not checkable alone ({got['reason']})")
                continue
            racy = got["failed_check"] in ("differential", "race")
            if racy != loop["race"] or (not racy and got["verdict"] != "accepted"):
                disagreements.append(f"{name}:{loop['line']}: manifest race={loop['race']}, verifier {got}")
    return disagreements


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the full results here")
    parser.add_argument("--files", nargs="*", help="only these files of the race set")
    parser.add_argument(
        "--modes", default="safe,suggest", help=f"annotate modes to audit, of {', '.join(MODES)} (default safe,suggest)"
    )
    parser.add_argument("--check-manifest", action="store_true", help="verify the manifest's labels by execution")
    args = parser.parse_args()
    manifest = json.loads((RACES / "manifest.json").read_text())
    names = args.files or sorted(manifest)
    results = []
    with tempfile.TemporaryDirectory(prefix="ompgpt-race-audit-") as tmp:
        if args.check_manifest:
            bad = manifest_check({n: manifest[n] for n in names}, Path(tmp))
            print(f"manifest check: {len(bad)} disagreement(s)", *bad, sep="\n  ", flush=True)
        for name in names:
            for mode in args.modes.split(","):
                work = Path(tmp) / Path(name).stem
                work.mkdir(exist_ok=True)
                row = annotate_audit(name, work, mode)
                results.append(row)
                print(
                    f"{name:32s} {mode:8s} written {row['written']} races {len(row['races_written'])} "
                    f"other rejections {len(row['other_rejections'])} ({row['annotate_seconds']}s)",
                    flush=True,
                )
    lint = lint_audit({n: manifest[n] for n in names})
    summary = {
        mode: {
            "files": sum(r["mode"] == mode for r in results),
            "pragmas_written": sum(r["written"] for r in results if r["mode"] == mode),
            "races_written": sum(len(r["races_written"]) for r in results if r["mode"] == mode),
            "other_rejections": sum(len(r["other_rejections"]) for r in results if r["mode"] == mode),
            "annotate_seconds": round(sum(r["annotate_seconds"] for r in results if r["mode"] == mode), 1),
        }
        for mode in args.modes.split(",")
    }
    print(json.dumps(summary, indent=1))
    print(f"lint on the originals: P {lint['precision']:.3f} R {lint['recall']:.3f} "
          f"(tp {lint['tp']} fp {lint['fp']} fn {lint['fn']} tn {lint['tn']})")  # fmt: skip
    for case in lint["cases"]:
        print("  " + case)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"summary": summary, "lint": lint, "files": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
