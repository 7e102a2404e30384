"""Check the existing OpenMP pragmas of C/C++ files: races from carried dependences, missing private or reduction
clauses, reductions on variables that are never updated, private values needed after the loop, loops too small to
pay off, malformed pragmas, and (as warnings) flags whose races a developer chose and I/O whose order changes.
Directories are walked with the include/exclude globs of the nearest ``[tool.ompgpt]`` / ``.ompgpt.toml``, as
``ompgpt annotate`` does; files named on the command line are always read.

Diagnostics read ``file:line:col: level[CODE]: message [fix: ...]`` (codes in the README). A fix is *proven* (it
rests on facts the analysis proved: a removal only for a proven race) or *unsafe* (the loop's verdict is undecided:
``[unsafe fix, ...]``, offered, applied only with ``--unsafe-fixes``); SARIF says which in ``properties.fix``.
``--fix`` applies the fixes in place (atomically, keeping FILE.ompgpt.bak, as ``annotate --in-place`` does:
never overwriting a backup, keeping mode and owner, leaving a file edited meanwhile alone); ``--diff`` prints them
as a unified diff instead. Exit codes: 0 no findings (or all fixed), 1 findings left, 2 errors (unreadable input,
a file that could not be written).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def configure(parser: argparse.ArgumentParser) -> None:
    from ompgpt.analysis.headers import add_preprocessor_options
    from ompgpt.analysis.project import add_project_option
    from ompgpt.limits import add_limit_options
    from ompgpt.report.atomic import add_backup_option

    parser.add_argument("paths", nargs="+", metavar="PATH", help="C/C++ files or directories")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--fix", action="store_true", help="apply the fixes in place (keeps FILE.ompgpt.bak)")
    group.add_argument("--diff", action="store_true", help="print the fixes as a unified diff")
    group.add_argument("--sarif", action="store_true", help="a SARIF 2.1.0 log on stdout")
    parser.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="with --fix/--diff: also apply fixes the analysis could not prove (by default only offered)",
    )
    parser.add_argument("--assume-no-alias", action="store_true", help="treat distinct pointers as not aliasing")
    parser.add_argument("--select", help="comma-separated codes to report (default: all)")
    add_project_option(parser)
    add_backup_option(parser)
    add_limit_options(parser, seconds=False)
    add_preprocessor_options(parser)


def _fixed_text(file_scan, findings, unsafe_fixes: bool = False) -> str:
    """The file with the fixes applied: proven ones, and unsafe ones only when asked (a fix resting on facts the
    analysis could not prove may change the program's meaning)."""
    from ompgpt.source.edit import set_loop_pragmas

    fixes = {(f.line, f.column): f.fix for f in findings if f.fix is not None and (f.kind != "unsafe" or unsafe_fixes)}
    changes = [
        (loop, fixes[(loop.pragma_site.line, loop.pragma_site.column)] or None)
        for loop in file_scan.loops
        if loop.pragma_site is not None and (loop.pragma_site.line, loop.pragma_site.column) in fixes
    ]
    return set_loop_pragmas(file_scan.parsed.source.text, changes)


def run(args: argparse.Namespace) -> int:
    import json

    from ompgpt.analysis.headers import options_from_args
    from ompgpt.analysis.project import index_paths
    from ompgpt.report.annotate import collect_files
    from ompgpt.report.atomic import backup_suffix
    from ompgpt.report.config import ConfigError, find_config
    from ompgpt.report.lint import CODES, lint_scan
    from ompgpt.report.output import write_diff, write_file
    from ompgpt.report.results import FileResult
    from ompgpt.report.sarif import Finding, to_sarif
    from ompgpt.source import SourceError, read_source, scan

    select = set(args.select.split(",")) if args.select else set(CODES)
    try:  # the same [tool.ompgpt] / .ompgpt.toml as annotate: include/exclude globs, assume-no-alias
        suffix = backup_suffix(args.backup_suffix)
        config = find_config(Path(args.paths[0]))
    except (ConfigError, ValueError) as exc:
        print(f"ompgpt lint: error: {exc}", file=sys.stderr)
        return 2
    no_alias = args.assume_no_alias or config.assume_no_alias
    errors, all_findings = 0, []
    includes = options_from_args(args)
    project = index_paths([*args.paths, *args.project], includes=includes)
    for path in collect_files(args.paths, config):
        try:
            source = read_source(path, max_bytes=args.max_file_size or config.max_file_size)
        except SourceError as exc:
            print(exc, file=sys.stderr)
            errors += 1
            continue
        file_scan = scan(source)
        notes: list[str] = []
        findings = [f for f in lint_scan(file_scan, no_alias, project, includes, notes) if f.code in select]
        for note in notes:
            print(note, file=sys.stderr)
        all_findings.extend(findings)
        if args.sarif:
            continue
        if args.fix or args.diff:
            fixed = _fixed_text(file_scan, findings, args.unsafe_fixes)
            if fixed != source.text and args.fix:
                message = write_file(source.path, source.encode(fixed), source.encode(), suffix)
                if message:  # not written (changed since read, backup in the way, write failed): the rest goes on
                    print(message, file=sys.stderr)
                    errors += 1
            elif fixed != source.text:
                changed = FileResult(str(path), original=source.text, updated=fixed)
                changed.encoding, changed.bom = source.encoding, source.bom
                write_diff(changed)
        stream = sys.stderr if args.diff else sys.stdout
        for finding in findings:
            print(finding.format(), file=stream)
    if args.sarif:
        sarif = [Finding(f.path, f.line, f.column, f.code, f.level, f.message, f.fix, f.kind) for f in all_findings]
        print(json.dumps(to_sarif(sarif, CODES), indent=2))
    if errors:
        return 2
    if args.fix:  # findings left: no fix, or an unsafe one not applied
        return 1 if any(f.fix is None or (f.kind == "unsafe" and not args.unsafe_fixes) for f in all_findings) else 0
    return 1 if all_findings else 0
