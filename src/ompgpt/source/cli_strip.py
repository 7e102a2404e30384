"""Print a C/C++ file with every OpenMP pragma removed: the serial version used for evaluation and verification.

The output keeps everything else byte-for-byte (encoding, BOM, line endings). Exit codes: 0 ok, 2 unreadable input.
"""

from __future__ import annotations

import argparse
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="FILE", help="a C/C++ file")
    parser.add_argument("--lang", choices=["c", "cpp"], help="force the language (default: from extension/content)")


def run(args: argparse.Namespace) -> int:
    from ompgpt.source import SourceError, read_source
    from ompgpt.source.edit import strip_omp_pragmas

    try:
        source = read_source(args.path, lang=args.lang)
    except SourceError as exc:
        print(exc, file=sys.stderr)
        return 2
    stripped, _ = strip_omp_pragmas(source)
    sys.stdout.buffer.write(source.encode(stripped))
    sys.stdout.flush()
    return 0
