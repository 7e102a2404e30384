"""Print, for each for loop of a C/C++ file, the facts static analysis found and its verdict.

For every loop: the verdict (parallel / serial / unknown), the suggested pragma with its clauses when this is the
level of the nest to parallelize, what the body reads and writes, the private / reduction variables, carried or
possible dependences with both source positions, what blocked a proof, and a rough profitability estimate.
``FILE:LINE`` restricts the output to the loop starting on (or, failing that, the loops enclosing) that line.
Exit codes: 0 ok, 2 errors (unreadable file, no loop at LINE).
"""

from __future__ import annotations

import argparse
import json
import re
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    from ompgpt.analysis.headers import add_preprocessor_options
    from ompgpt.analysis.project import add_project_option
    from ompgpt.limits import add_limit_options

    parser.add_argument("target", metavar="FILE[:LINE]", help="C/C++ file, optionally with the line of one loop")
    parser.add_argument("--json", action="store_true", help="one JSON object per loop (a JSON list)")
    parser.add_argument(
        "--assume-no-alias", action="store_true", help="assume distinct pointers never refer to overlapping memory"
    )
    parser.add_argument("--lang", choices=["c", "cpp"], help="override language detection")
    add_project_option(parser)
    add_limit_options(parser, seconds=False)
    add_preprocessor_options(parser)


def _split_target(target: str) -> tuple[str, int | None]:
    m = re.match(r"^(.*):(\d+)$", target)
    if m:
        from pathlib import Path

        if not Path(target).exists():
            return m.group(1), int(m.group(2))
    return target, None


def run(args: argparse.Namespace) -> int:
    from ompgpt.analysis import AnalysisOptions, analyze_file
    from ompgpt.analysis.context import FileContext
    from ompgpt.analysis.headers import options_from_args
    from ompgpt.analysis.project import index_paths
    from ompgpt.source import SourceError, read_source, scan

    path, line = _split_target(args.target)
    try:
        source = read_source(path, lang=args.lang, **({"max_bytes": args.max_file_size} if args.max_file_size else {}))
    except SourceError as exc:
        print(exc, file=sys.stderr)
        return 2
    file_scan = scan(source)
    includes = options_from_args(args)
    project = index_paths([path, *args.project], args.lang, includes) if args.project else None
    options = AnalysisOptions(assume_no_alias=args.assume_no_alias, project=project, includes=includes)
    ctx = FileContext(file_scan.parsed, project, options.includes)
    for note in ctx.included.notes:
        print(note, file=sys.stderr)
    results = analyze_file(file_scan, options, ctx=ctx)
    if line is not None:
        exact = [r for r in results if r.line == line]
        results = exact or [r for r in results if r.line <= line <= r.end_line]
        if not results:
            print(f"{path}:{line}:1: error: no for loop starts on or contains this line", file=sys.stderr)
            return 2
    if args.json:
        json.dump([r.to_dict() for r in results], sys.stdout, indent=1)
        print()
    else:
        if not results:
            print(f"{path}: no for loops")
        for r in results:
            print(format_analysis(r))
    return 0


def format_analysis(r) -> str:
    """Human-readable report of one LoopAnalysis."""
    var = f" over {r.induction_var}" if r.induction_var else ""
    lines = [f"{r.location}: loop{var} (depth {r.depth}{', in ' + r.function if r.function else ''}): {r.verdict}"]
    if r.pragma:
        lines.append(f"  suggest: {r.pragma}")
    elif r.verdict == "parallel" and r.clauses():
        lines.append(f"  clauses: {' '.join(r.clauses())}")
    for label, items in (
        ("reads", r.reads),
        ("writes", r.writes),
        ("declared inside", r.locals),
        ("private", r.private),
        ("firstprivate", r.firstprivate),
        ("lastprivate", r.lastprivate),
        ("reduction", r.reductions),
        ("live after loop", r.live_after),
        ("needs atomic", r.needs_atomic),
    ):
        if items:
            lines.append(f"  {label}: {', '.join(items)}")
    for reason in r.reasons:
        lines.append(f"  - {reason}")
    for text in r.assumptions:
        lines.append(f"  assumption: {text}")
    inner = [str(n) for n in getattr(r, "carried_levels", ()) if n > 1]
    if inner:
        levels = ", ".join(inner)
        lines.append(f"  collapse: level {levels} of the nest carries a proven dependence (collapse below it)")
    p = r.profitability
    if p:
        trip = p["trip_count"] if p["trip_count"] is not None else "unknown"
        verdict = "worth it" if p["profitable"] else "too little work"
        lines.append(f"  profitability: trip count {trip}, ~{p['body_work']} units/iteration: {verdict}")
        if p.get("region_estimate"):
            small = "too little work" if p.get("region_small") else "worth it"
            lines.append(f"  {p['region_estimate']} (a region per iteration of the enclosing loop): {small}")
    return "\n".join(lines)
