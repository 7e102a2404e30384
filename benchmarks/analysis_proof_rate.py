"""How many loops that people parallelized does the static analysis prove parallel, and what stops the rest?

Reads corpus files of the chosen splits' repositories (as ``annotate_compile_audit.py`` does), analyses each whole
file, and looks at every loop that carries a plain worksharing pragma (``parallel for`` / ``for``, without
``simd``, ``target``, ``taskloop``, ``ordered`` or ``linear``): a loop somebody parallelized, so almost always a
parallel one. Prints the verdicts (``parallel`` / ``unknown`` / ``serial``) and, for the loops not proven, the most
common reasons with the analysis's wording (names and positions folded), each with an example location. A
classical analysis's recall on real code, and where to work next.

    python benchmarks/analysis_proof_rate.py --files 2500 --splits train
    python benchmarks/analysis_proof_rate.py --files 2500 --splits train --project   # calls across a repo's files

With ``--project`` each file is analysed with a ``ProjectIndex`` of the files read from its repository (the corpus
holds only the files that use OpenMP, so callees in other files are found less often than in a whole checkout).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from annotate_compile_audit import REPO_ROOT, corpus_files, split_repos

from ompgpt.analysis import AnalysisOptions, analyze_file
from ompgpt.analysis.project import ProjectIndex
from ompgpt.source import SourceFile, scan

#: pragma words that make a loop something other than a plain worksharing loop
OTHER_CONSTRUCTS = ("target", "simd", "teams", "distribute", "taskloop", "ordered", "linear")
MAX_CHARS = 200_000

_FOLDS = [
    (re.compile(r"'[^']*'"), "X"),
    (re.compile(r"\b\d+:\d+\b"), "L"),
    (re.compile(r"on \S+ from"), "on V from"),
    (re.compile(r"call to \S+"), "call to F"),
    (re.compile(r"through \S+"), "through P"),
    (re.compile(r"^\S+ (and \S+ )?may refer"), "P may refer"),
    (re.compile(r"distance \S+"), "distance D"),
    (re.compile(r"^\S+ is (updated|written|read)"), r"V is \1"),
]


def reason_kind(reason: str) -> str:
    """The reason with names, positions and distances folded, so equal causes count together."""
    for pattern, repl in _FOLDS:
        reason = pattern.sub(repl, reason)
    return reason[:120]


def worksharing(site) -> bool:
    words = site.text.replace("(", " ").split()
    return "for" in words and not any(w in OTHER_CONSTRUCTS for w in words)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=2500, help="corpus files to read (in corpus order)")
    ap.add_argument("--splits", default="train", help="comma-separated splits whose repositories to read")
    ap.add_argument("--top", type=int, default=20, help="reasons to list")
    ap.add_argument("--project", action="store_true", help="resolve calls across the files of each repository")
    ap.add_argument("--dump", type=Path, help="write each loop's verdict here, to diff two runs")
    args = ap.parse_args()
    repos = split_repos(REPO_ROOT / "out" / "data", args.splits.split(","))
    verdicts: Counter = Counter()
    reasons: Counter = Counter()
    examples: dict[str, str] = {}
    dump: list[str] = []
    t0 = time.perf_counter()
    records = [r for r in corpus_files(repos) if len(r["text"]) <= MAX_CHARS][: args.files]
    sources = [SourceFile.from_text(r["text"], r["lang"], path=f"{r['repo']}/{r['path']}") for r in records]
    projects: dict[str, ProjectIndex] = {}
    if args.project:
        by_repo: dict[str, list[SourceFile]] = {}
        for record, source in zip(records, sources, strict=True):
            by_repo.setdefault(record["repo"], []).append(source)
        projects = {repo: ProjectIndex.from_sources(files) for repo, files in by_repo.items()}
    for record, source in zip(records, sources, strict=True):
        try:
            file_scan = scan(source)
            results = analyze_file(file_scan, AnalysisOptions(project=projects.get(record["repo"])))
        except Exception as error:  # a file the tools cannot read is counted, not fatal
            verdicts[f"error: {type(error).__name__}"] += 1
            continue
        for loop, result in zip(file_scan.loops, results, strict=True):
            marked = "pragma" if loop.pragma_site is not None and loop.pragma_site.pragma is not None else "none"
            dump.append(f"{record['repo']}/{record['path']}:{result.line}:{result.column} {marked} {result.verdict}")
            if loop.pragma_site is None or loop.pragma_site.pragma is None or not worksharing(loop.pragma_site):
                continue
            verdicts[result.verdict] += 1
            if result.verdict == "parallel":
                continue
            for kind in dict.fromkeys(reason_kind(r) for r in result.reasons):
                reasons[kind] += 1
                examples.setdefault(kind, f"{record['repo']}/{record['path']}:{result.line}")
    if args.dump:
        args.dump.write_text("\n".join(dump) + "\n")
    total = sum(v for k, v in verdicts.items() if not k.startswith("error"))
    print(f"{len(records)} files, {total} loops with a worksharing pragma, {time.perf_counter() - t0:.0f} s")
    for verdict, count in verdicts.most_common():
        print(f"  {verdict}: {count} ({count / max(total, 1):.1%})")
    print(f"reasons for the loops not proven (a loop counts once per kind; top {args.top}):")
    for kind, count in reasons.most_common(args.top):
        print(f"  {count:5d}  {kind}  [{examples[kind]}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
