"""List the for loops of C/C++ files: location, function, nesting, header, and the OpenMP pragma governing each.

Unreadable files are reported as ``file:line:col: error: ...`` and skipped; malformed OpenMP pragmas are reported
the same way; places where the parser had to recover are warnings. Exit codes: 0 ok, 1 malformed pragmas (findings,
as in ``ompgpt lint``), 2 unreadable inputs.
"""

from __future__ import annotations

import argparse
import json
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="C/C++ files or directories")
    parser.add_argument("--json", action="store_true", help="one JSON object per loop, one per line")
    parser.add_argument("--lang", choices=["c", "cpp"], help="force the language (default: from extension/content)")


def _row(loop) -> str:
    header = f"{loop.induction_var or '?'}: {loop.lower or '?'} {loop.cond_op or '?'} {loop.upper or '?'}"
    if loop.kind == "range_for":
        header = f"{loop.induction_var or '?'} : {loop.upper or '?'}"
    nest = f"x{loop.perfect_nest_depth}" if loop.perfectly_nested else ""
    region = " [in parallel region]" if loop.in_parallel_region else ""
    pragma = loop.pragma.canonical() if loop.pragma else (loop.pragma_site.text if loop.pragma_site else "-")
    return (
        f"{loop.file}:{loop.line}:{loop.column}\t{loop.function or '-'}\t{'  ' * loop.depth}{header}\t"
        f"{nest}\t{pragma}{region}"
    )


def run(args: argparse.Namespace) -> int:
    from ompgpt.source import SourceError, read_source, scan
    from ompgpt.source.files import iter_source_files

    status = 0  # the worst seen: 1 malformed pragma, 2 unreadable file
    for path in iter_source_files(args.paths):
        try:
            source = read_source(path, lang=args.lang)
        except SourceError as exc:
            print(exc, file=sys.stderr)
            status = 2
            continue
        result = scan(source)
        for line, col in result.parsed.error_locations(limit=5):
            print(
                f"{source.path}:{line}:{col}: warning: could not parse this code; loops here may be missed",
                file=sys.stderr,
            )
        for site in result.pragmas:
            if site.pragma is None:
                print(
                    f"{source.path}:{site.line}:{site.column}: error: malformed OpenMP pragma: {site.error}",
                    file=sys.stderr,
                )
                status = max(status, 1)
        for loop in result.loops:
            print(json.dumps(loop.to_dict()) if args.json else _row(loop))
    return status
