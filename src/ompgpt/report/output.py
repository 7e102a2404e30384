"""Printing annotate results: unified diffs, JSON lines, SARIF, in-place writes, and the summary table."""

from __future__ import annotations

import argparse
import collections
import difflib
import json
import os
import sys

from ompgpt.report.atomic import BACKUP_SUFFIX, InPlaceError, backup_suffix, write_with_backup
from ompgpt.report.diff import unified_diff as linear_unified_diff
from ompgpt.report.results import FileResult
from ompgpt.report.sarif import Finding, to_sarif

RULES = {
    "OMP100": "loop can be parallelized with the suggested OpenMP pragma",
}


_NO_NEWLINE = b"\n\\ No newline at end of file\n"


def unified_diff(result: FileResult) -> bytes:
    """The change as a unified diff in the file's own bytes (encoding, BOM, line endings as read), so ``patch -p1``
    or ``git apply`` reproduces exactly what ``--in-place`` writes. Lines end at ``\\n`` only, as everywhere."""
    before = result.encode(result.original).split(b"\n")
    after = result.encode(result.updated).split(b"\n")
    name = os.fsencode(result.path)
    diff = difflib.diff_bytes(linear_unified_diff, _keep_ends(before), _keep_ends(after), b"a/" + name, b"b/" + name)
    return b"".join(line if line.endswith(b"\n") else line + _NO_NEWLINE for line in diff)


def _keep_ends(parts: list[bytes]) -> list[bytes]:
    """``data.split(b"\\n")`` back into lines that keep their ``\\n`` (the last one may have none)."""
    return [part + b"\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def write_diff(result: FileResult) -> None:
    """Print the diff of one file as bytes (text already printed is flushed first, so the order holds)."""
    sys.stdout.flush()
    sys.stdout.buffer.write(unified_diff(result))
    sys.stdout.buffer.flush()


def findings(results: list[FileResult]) -> list[Finding]:
    """One SARIF result per inserted pragma, its kind (proven, verified, unsafe) in ``properties.fix``."""
    return [
        Finding(
            loop.path,
            loop.line,
            loop.column,
            "OMP100",
            "note",
            f"parallelizable ({loop.fix}): #pragma omp {loop.pragma} ({'; '.join(loop.reasons[:2])})",
            loop.pragma,
            loop.fix,
        )
        for r in results
        for loop in r.loops
        if loop.action == "insert"
    ]


def change_lines(result: FileResult, unsafe_fixes: bool) -> list[str]:
    """The stderr lines that go with a file's diff: each change with its kind, and the unsafe ones left out of the
    diff as suggestions (``--unsafe-fixes`` includes them). The kind is never written into the code."""
    out = []
    for loop in result.loops:
        if loop.action != "insert":
            continue
        where = f"{loop.path}:{loop.line}:{loop.column}"
        if loop.fix == "unsafe" and not unsafe_fixes:
            why = next((r for r in reversed(loop.reasons) if r.startswith("not verified")), "not proven")
            out.append(f"{where}: suggestion [unsafe, not applied: --unsafe-fixes]: #pragma omp {loop.pragma} ({why})")
        else:
            out.append(f"{where}: fix [{loop.fix}]: #pragma omp {loop.pragma}")
    return out


def write_in_place(results: list[FileResult], suffix: str = BACKUP_SUFFIX) -> list[str]:
    """Write each changed file atomically with a backup; returns error messages for files that failed or were
    refused (changed since read, backup already there). The other files are still written."""
    errors = []
    written: dict[str, bytes] = {}  # real path -> new bytes: a file named twice (or via a symlink) is written once
    for r in results:
        if not r.changed:
            continue
        data, target = r.encode(r.updated), os.path.realpath(r.path)
        if written.get(target) == data:
            continue
        message = write_file(r.path, data, r.encode(r.original), suffix)
        if message:
            errors.append(message)
        else:
            written[target] = data
    return errors


def write_file(path: str, data: bytes, expected: bytes, suffix: str = BACKUP_SUFFIX) -> str | None:
    """:func:`write_with_backup`, with failures as a one-line ``file:1:1: error: ...`` message (None: written)."""
    try:
        write_with_backup(path, data, expected=expected, suffix=suffix)
    except InPlaceError as exc:
        return f"{path}:1:1: error: {exc}"
    except OSError as exc:
        return f"{path}:1:1: error: cannot write: {exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")
    return None


def summary(results: list[FileResult], unsafe_fixes: bool = False) -> str:
    loops = [loop for r in results for loop in r.loops]
    actions = collections.Counter(loop.action for loop in loops)
    kinds = collections.Counter(loop.fix for loop in loops if loop.action == "insert")
    reasons = collections.Counter(loop.reasons[0] for loop in loops if loop.action == "none" and loop.reasons)
    lines = sum(r.lines for r in results)
    out = [
        f"files {len(results)} ({sum(bool(r.errors) for r in results)} with errors), lines {lines}, "
        f"loops {len(loops)}: {actions['insert']} parallelized, {actions['keep']} already had a pragma, "
        f"{actions['none']} left serial, {actions['skip']} skipped (inside a parallel loop or region)",
    ]
    if kinds:
        out.append(
            f"changes: {kinds['proven']} proven, {kinds['verified']} verified, {kinds['unsafe']} unsafe "
            f"({'applied' if unsafe_fixes else 'not applied; --unsafe-fixes applies them'})"
            if kinds["unsafe"]
            else f"changes: {kinds['proven']} proven, {kinds['verified']} verified"
        )
    if reasons:
        out.append("top reasons for leaving loops serial:")
        out += [f"  {count:5d}  {reason}" for reason, count in reasons.most_common(5)]
    speedups = [
        loop.verification["speedup"] for loop in loops if loop.verification and loop.verification.get("speedup")
    ]
    if speedups:
        out.append(f"verified speedups: median {sorted(speedups)[len(speedups) // 2]:.2f}x over {len(speedups)} loops")
    return "\n".join(out)


def emit(results: list[FileResult], args: argparse.Namespace) -> int:
    """Print what was asked, write files for --in-place, and return the exit code."""
    errors = [e for r in results for e in r.errors]
    for message in [w for r in results for w in r.warnings] + errors:
        print(message, file=sys.stderr)
    changed = [r for r in results if r.changed]
    unsafe_fixes = bool(getattr(args, "unsafe_fixes", False))
    if args.json:
        for r in results:
            for loop in r.loops:
                print(json.dumps(loop.to_dict()))
    elif args.sarif:
        print(json.dumps(to_sarif(findings(results), RULES), indent=2))
    elif args.in_place:
        write_errors = write_in_place(results, backup_suffix(getattr(args, "backup_suffix", None)))
        for message in write_errors:
            print(message, file=sys.stderr)
        errors += write_errors
    else:
        for r in results:
            for line in change_lines(r, unsafe_fixes):
                print(line, file=sys.stderr)
            if r.changed:
                write_diff(r)
    print(summary(results, unsafe_fixes), file=sys.stderr)
    if errors:
        return 2
    if args.in_place:  # like ruff: findings left (unsafe changes not written) exit 1
        return 1 if any(loop.fix == "unsafe" for r in results for loop in r.loops) and not unsafe_fixes else 0
    suggested = any(loop.action == "insert" for r in results for loop in r.loops)
    return 1 if changed or suggested else 0
