"""Compile, run, race-check and time candidate OpenMP pragmas.

Example:  ompgpt verify --pragma prog.c:12="parallel for private(j) reduction(+:s)"

Each candidate is checked in a temp directory: it must compile (clang and gcc) with no written variable left
unscoped, print the same output as the serial program at several thread counts and schedules, show no
ThreadSanitizer/Archer data race, and is timed against the serial program. Exit code 0 when every candidate
is accepted, 1 when any is rejected, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import json
import re
import sys

_PRAGMA_RE = re.compile(r"^(?:(?P<file>.+):)?(?P<line>\d+)=(?P<pragma>.*)$", re.DOTALL)


def _ints(text: str) -> tuple[int, ...]:
    try:
        values = tuple(int(x) for x in text.split(",") if x.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got {text!r}") from exc
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected positive integers, got {text!r}")
    return values


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", nargs="?", help="program file (or give FILE: in each --pragma)")
    parser.add_argument(
        "--pragma",
        action="append",
        default=[],
        metavar='[FILE:]LINE="PRAGMA"',
        help="candidate: pragma for the for statement on 1-based LINE (repeatable)",
    )
    parser.add_argument("--build", metavar="CMD", help="project build command; placeholders {src} {exe} {cc} {cflags}")
    parser.add_argument("--run", dest="run_cmd", metavar="CMD", help="project run command; placeholders {exe} {src}")
    parser.add_argument("--json", action="store_true", help="print one JSON object per candidate (JSON lines)")
    parser.add_argument("--cc", help="C compiler for differential and timing builds (default clang)")
    parser.add_argument("--cxx", help="C++ compiler (default clang++)")
    parser.add_argument("--flag", action="append", default=[], help="extra compiler flag (repeatable)")
    parser.add_argument("--threads", type=_ints, help="thread counts of differential runs (default 2,3,4,8)")
    parser.add_argument(
        "--schedule",
        action="append",
        help="OMP_SCHEDULE values (repeatable; default static,1 dynamic,1 static)",
    )
    parser.add_argument("--repetitions", type=int, help="repetitions of each differential run (default 1)")
    parser.add_argument("--race-threads", type=_ints, help="thread counts of TSan runs (default 2,4)")
    parser.add_argument("--timing-runs", type=int, help="runs per side for the median speedup (default 5)")
    parser.add_argument("--rtol", type=float, help="relative tolerance for floating-point tokens (default 1e-6)")
    parser.add_argument("--atol", type=float, help="absolute tolerance for floating-point tokens (default 1e-9)")
    parser.add_argument("--mask", action="append", default=[], help="extra regex: output lines to ignore")
    parser.add_argument("--timeout", type=float, help="wall-clock limit per run in seconds (default 20)")
    parser.add_argument("--no-race", action="store_true", help="skip the TSan/Archer race check")
    parser.add_argument("--no-timing", action="store_true", help="skip timing")
    parser.add_argument("--allow-no-archer", action="store_true", help="skip (not fail) the race check without Archer")
    parser.add_argument("--all-checks", action="store_true", help="run every check even after one fails")
    parser.add_argument("--reject-slower", action="store_true", help="reject candidates slower than serial")


def _config(args: argparse.Namespace):
    from ompgpt.verify.model import VerifyConfig

    cfg = VerifyConfig(
        cc=args.cc, cxx=args.cxx, extra_flags=tuple(args.flag), build_cmd=args.build, run_cmd=args.run_cmd
    )
    overrides = {
        "threads": args.threads,
        "schedules": tuple(args.schedule) if args.schedule else None,
        "repetitions": args.repetitions,
        "race_threads": args.race_threads,
        "timing_runs": args.timing_runs,
        "rtol": args.rtol,
        "atol": args.atol,
        "run_timeout": args.timeout,
    }
    for key, value in overrides.items():
        if value is not None:
            setattr(cfg, key, value)
    cfg.mask_patterns = (*cfg.mask_patterns, *args.mask)
    cfg.race_check, cfg.timing_check = not args.no_race, not args.no_timing
    cfg.require_archer, cfg.stop_at_first_failure = not args.allow_no_archer, not args.all_checks
    cfg.reject_slower = args.reject_slower
    return cfg


def parse_pragmas(specs: list[str], default_source: str | None) -> dict[str, list[tuple[int, str]]]:
    """``[FILE:]LINE=PRAGMA`` specs grouped by file, in order; raises ValueError on a malformed spec."""
    grouped: dict[str, list[tuple[int, str]]] = {}
    for spec in specs:
        match = _PRAGMA_RE.match(spec.strip())
        if not match:
            raise ValueError(f'bad --pragma {spec!r}: expected [FILE:]LINE="PRAGMA"')
        source = match.group("file") or default_source
        if not source:
            raise ValueError(f"--pragma {spec!r} names no file and no SOURCE was given")
        pragma = match.group("pragma").strip().strip("\"'")
        grouped.setdefault(source, []).append((int(match.group("line")), pragma))
    return grouped


def check_specs(source: str, specs: list[tuple[int, str]]) -> str | None:
    """A one-line usage error for the first spec that cannot name a loop of ``source`` (missing file, line past
    its end, empty pragma), else None: these are the user's mistakes, not verdicts on a candidate."""
    from pathlib import Path

    path = Path(source)
    if not path.is_file():
        return f"{source}:1:1: error: cannot read file: no such regular file"
    data = path.read_bytes()
    text_lines = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    for line, pragma in specs:
        if line < 1 or line > text_lines:
            return f"{source}:{line}:1: error: line {line} is past the end of the file ({text_lines} lines)"
        if not pragma:
            return f'{source}:{line}:1: error: empty pragma (expected {line}="PRAGMA")'
    return None


def _print_text(source: str, result) -> None:
    c = result.candidate
    line = f"{source}:{c.line}: {result.verdict}: #pragma omp {c.pragma}"
    if result.timing:
        t = result.timing
        line += f"  [speedup {t.speedup:.2f}x ({t.speedup_min:.2f}-{t.speedup_max:.2f}) at {t.threads} threads]"
    print(line)
    if result.failed_check:
        print(f"  {result.failed_check}: {result.reason}")
        failed = next((ch for ch in result.checks if ch.name == result.failed_check), None)
        if failed and failed.evidence:
            print("    " + "\n    ".join(failed.evidence.splitlines()[:20]))
    for warning in result.warnings:
        print(f"  warning: {warning}")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ompgpt.verify.api import verify_candidates
    from ompgpt.verify.build import ToolchainError
    from ompgpt.verify.model import Candidate
    from ompgpt.verify.template import TemplateError

    if bool(args.build) != bool(args.run_cmd):
        print("ompgpt verify: --build and --run go together", file=sys.stderr)
        return 2
    try:
        grouped = parse_pragmas(args.pragma, args.source)
    except ValueError as exc:
        print(f"ompgpt verify: {exc}", file=sys.stderr)
        return 2
    if not grouped:
        print("ompgpt verify: give at least one --pragma", file=sys.stderr)
        return 2
    config, any_rejected = _config(args), False
    for source, specs in grouped.items():
        problem = check_specs(source, specs)
        if problem:
            print(problem, file=sys.stderr)
            return 2
        try:
            results = verify_candidates(Path(source), [Candidate(ln, p) for ln, p in specs], config)
        except TemplateError as exc:
            print(f"ompgpt verify: {source}: {exc}", file=sys.stderr)
            return 2
        except ToolchainError as exc:
            print(f"ompgpt verify: {exc}", file=sys.stderr)
            return 2
        for result in results:
            any_rejected |= not result.accepted
            if args.json:
                print(json.dumps({"file": source, **result.to_json()}))
            else:
                _print_text(source, result)
    return 1 if any_rejected else 0
