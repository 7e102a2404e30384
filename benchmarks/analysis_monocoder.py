"""Static analysis on the MonoCoder OpenMP test loops (loops humans parallelized).

Each record's ``code`` is a loop cut from its program with the pragma removed; it is analysed as a snippet
(``ompgpt.analysis.analyze_snippet``): wrapped in a dummy function, parsed as C or else C++ (fewer parse errors
wins), names it does not declare assumed declared before the loop, of unknown type, and dead after it. Two alias
policies are measured: the default (undeclared arrays may be overlapping pointers) and ``--assume-no-alias``.

Scoring against the human pragma (``parallel for private(end j)``: variables separated by spaces):
  * verdict shares (parallel / serial / unknown). Every loop here was parallelized by a human, so ``serial``
    is either an analysis false positive or a human pragma that needs clauses the label format dropped.
  * clause presence precision/recall/F1 for ``private`` and ``reduction`` (over all loops, as the analysis reports
    its private/reduction sets whatever the verdict; over the loops it judges parallel; and over the loops whose
    label is ``parallel for ...``, since ``for`` labels sit inside parallel regions whose locals are already private).
  * exact set agreement. Normalization: names lower-cased and sorted; firstprivate/lastprivate folded into
    private; the analysed loop's own induction variable dropped from both sides (it is private either way);
    the iteration variables of loops we collapse counted as private (labels carry no collapse clause);
    array-section reductions compared by array name (``hist[:256]`` -> ``hist``); reductions as (op, name) with
    ``-`` folded into ``+``.

Speed: snippets are timed end to end (parse + scan + analysis per loop); whole files from the training corpus are
timed for the analysis alone (``--corpus-files``).

Usage: python benchmarks/analysis_monocoder.py [--data PATH] [--limit N] [--json OUT] [--corpus-files N]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

from ompgpt.analysis import AnalysisOptions, analyze_snippet

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/benchmarks/monocoder-omp/cpu-test.jsonl"
_PRIVATE = re.compile(r"\b(?:first|last)?private\s*\(([^)]*)\)")
_REDUCTION = re.compile(r"\breduction\s*\(\s*([^:]+?)\s*:([^)]*)\)")


def _names(text: str) -> list[str]:
    return [n.strip().lower() for n in re.split(r"[\s,]+", text) if n.strip()]


def human_sets(pragma: str) -> tuple[set[str], set[tuple[str, str]]]:
    private = {n for m in _PRIVATE.finditer(pragma) for n in _names(m.group(1))}
    reductions = set()
    for m in _REDUCTION.finditer(pragma):
        op = "+" if m.group(1).strip() == "-" else m.group(1).strip().lower()
        reductions |= {(op, n.split("[")[0]) for n in _names(m.group(2))}
    return private, reductions


def predicted_sets(la) -> tuple[set[str], set[tuple[str, str]]]:
    private = {n.lower() for n in [*la.private, *la.firstprivate, *la.lastprivate, *la.collapse_vars]}
    reductions = set()
    for red in la.reductions:
        op, var = red.split(":", 1)
        reductions.add(("+" if op == "-" else op.lower(), var.split("[")[0].lower()))
    return private, reductions


class Presence:
    """Clause-presence confusion counts and exact-set agreement."""

    def __init__(self):
        self.tp = self.fp = self.fn = self.exact = self.total = self.exact_when_labelled = self.labelled = 0

    def add(self, pred: set, gold: set) -> None:
        self.total += 1
        self.tp += bool(pred) and bool(gold)
        self.fp += bool(pred) and not gold
        self.fn += not pred and bool(gold)
        self.exact += pred == gold
        if gold:
            self.labelled += 1
            self.exact_when_labelled += pred == gold

    def summary(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(f1, 3),
            "exact_set": round(self.exact / self.total, 3) if self.total else 0.0,
            "exact_set_when_labelled": round(self.exact_when_labelled / self.labelled, 3) if self.labelled else 0.0,
            "n": self.total,
        }


def evaluate(records: list[dict], options: AnalysisOptions) -> dict:
    verdicts: dict[str, int] = {}
    scopes = {name: (Presence(), Presence()) for name in ("all", "judged_parallel", "label_parallel_for")}
    reasons: dict[str, int] = {}
    start, cpu_start = time.perf_counter(), time.process_time()
    analysed = []
    for rec in records:
        analysed.append(analyze_snippet(rec["code"], options=options))
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    for rec, la in zip(records, analysed, strict=True):
        verdict = "no loop" if la is None else la.verdict
        verdicts[verdict] = verdicts.get(verdict, 0) + 1
        if la is None:
            continue
        for reason in la.reasons[:1] if verdict != "parallel" else ():
            key = _reason_kind(reason)
            reasons[key] = reasons.get(key, 0) + 1
        gold_p, gold_r = human_sets(rec["pragma"])
        iv = (la.induction_var or "").lower()
        gold_p.discard(iv)
        pred_p, pred_r = predicted_sets(la)
        pred_p.discard(iv)
        for scope, (priv, red) in scopes.items():
            if scope == "judged_parallel" and verdict != "parallel":
                continue
            if scope == "label_parallel_for" and not rec["pragma"].startswith("parallel for"):
                continue
            priv.add(pred_p, gold_p)
            red.add(pred_r, gold_r)
    n = len(records)
    return {
        "loops": n,
        "verdict_share": {k: round(v / n, 3) for k, v in sorted(verdicts.items())},
        "verdict_count": dict(sorted(verdicts.items())),
        "private": {s: pr[0].summary() for s, pr in scopes.items()},
        "reduction": {s: pr[1].summary() for s, pr in scopes.items()},
        "first_blocker": dict(sorted(reasons.items(), key=lambda kv: -kv[1])[:12]),
        "wall_seconds": round(elapsed, 2),
        "cpu_seconds": round(cpu, 2),
        "loops_per_cpu_second": round(n / cpu, 1),  # parse + scan + analysis of each snippet
    }


_REASON_KINDS = [
    ("internal analysis error", "internal error"),
    ("may refer to overlapping memory", "possible aliasing"),
    ("rows of", "pointer-to-pointer rows may overlap"),
    ("unknown side effects", "call with unknown effects"),
    ("could not be parsed", "parse error"),
    ("non-canonical", "non-canonical header"),
    ("leaves the loop early", "early exit"),
    ("already contains '#pragma", "inner OpenMP pragma"),
    ("possible", "undecided array dependence"),
    ("carried flow dependence", "carried scalar/array flow dependence"),
    ("carried anti", "carried anti dependence"),
    ("carried output", "carried output dependence"),
    ("carried io", "I/O in the loop"),
    ("carried rng", "random numbers in the loop"),
    ("needs '#pragma omp atomic'", "array reduction of unknown size"),
    ("changes inside the loop", "pointer changes in the loop"),
]


def _reason_kind(reason: str) -> str:
    return next((kind for needle, kind in _REASON_KINDS if needle in reason), reason[:60])


def corpus_speed(path: Path, files: int) -> dict:
    """analyze_file speed on whole files (every 7th file of a training-corpus shard, under 200 KB): CPU time of
    the analysis alone, parse and loop scan excluded, since a file is parsed once for all of its loops. Also the
    agreement of our private/reduction sets with the corpus's own ``parallel for`` pragmas (full-file context)."""
    import gzip

    from ompgpt.analysis import analyze_file
    from ompgpt.source import SourceFile, scan

    scans = []
    with gzip.open(path, "rt") as fh:
        for i, line in enumerate(fh):
            if i % 7:
                continue
            rec = json.loads(line)
            if len(rec["text"]) < 200_000:
                scans.append(scan(SourceFile.from_text(rec["text"], rec["lang"], path=rec["path"])))
            if len(scans) >= files:
                break
    loops = sum(len(s.loops) for s in scans)
    verdicts: dict[str, int] = {}
    cpu_start = time.process_time()
    analyses = [analyze_file(s) for s in scans]
    cpu = time.process_time() - cpu_start
    same_private = same_reduction = labelled = 0
    for s, results in zip(scans, analyses, strict=True):
        for loop, res in zip(s.loops, results, strict=True):
            verdicts[res.verdict] = verdicts.get(res.verdict, 0) + 1
            p = loop.pragma
            if p is None or p.directive != ("parallel", "for") or loop.in_parallel_region:
                continue
            labelled += 1
            gold = set(p.variables("private") | p.variables("firstprivate") | p.variables("lastprivate"))
            pred = {*res.private, *res.firstprivate, *res.lastprivate, *res.collapse_vars}
            same_private += gold - {loop.induction_var} == pred - {loop.induction_var}
            same_reduction += {v for _, v in p.reductions()} == {
                r.split(":", 1)[1].split("[")[0] for r in res.reductions
            }
    return {
        "files": len(scans),
        "loops": loops,
        "cpu_seconds": round(cpu, 2),
        "loops_per_cpu_second": round(loops / cpu, 1),
        "verdicts": verdicts,
        "parallel_for_loops": labelled,
        "private_set_agreement": round(same_private / labelled, 3) if labelled else None,
        "reduction_set_agreement": round(same_reduction / labelled, 3) if labelled else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--json", type=Path, help="write the results here as JSON")
    parser.add_argument(
        "--corpus",
        type=Path,
        default=DEFAULT_DATA.parents[2] / "corpus/openmp-c-files-00.jsonl.gz",
        help="training-corpus shard for the whole-file speed measurement",
    )
    parser.add_argument("--corpus-files", type=int, default=300, help="files for the speed measurement (0: skip)")
    args = parser.parse_args(argv)
    records = [json.loads(line) for line in args.data.read_text().splitlines() if line.strip()][: args.limit]
    results = {}
    for name, options in (
        ("default", AnalysisOptions(snippet=True)),
        ("assume_no_alias", AnalysisOptions(snippet=True, assume_no_alias=True)),
    ):
        results[name] = evaluate(records, options)
        print(f"== {name}", file=sys.stderr)
        print(json.dumps(results[name], indent=1), file=sys.stderr)
    if args.corpus_files and args.corpus.exists():
        results["file_speed"] = corpus_speed(args.corpus, args.corpus_files)
        print(json.dumps(results["file_speed"]), file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
