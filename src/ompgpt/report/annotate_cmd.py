"""Suggest OpenMP pragmas for the for loops of C/C++ files and directories.

By default prints a unified diff (in the file's own bytes, for ``patch``/``git apply``) and leaves files alone;
``--in-place`` writes each changed file atomically and keeps a backup (FILE.ompgpt.bak, never overwritten: pick
another name with ``--backup-suffix``; symlinks are written through, mode and owner kept, a file edited meanwhile
is left alone). ``--json`` prints one JSON object per loop (location, decision, pragma, confidence,
reasons, verification); ``--sarif`` prints a SARIF 2.1.0 log for code scanning. A summary goes to stderr.

Each change has a kind, like ruff's safe and unsafe fixes: *proven* (the analysis proved it), *verified* (built and
run: same output as serial at 1, 2, 4 threads, no TSan+Archer race), *unsafe* (the model's, unproven). The diff and
``--in-place`` hold proven and verified changes; unsafe ones are listed on stderr as suggestions and applied only
with ``--unsafe-fixes``; JSON says ``"fix": "proven"|"verified"|"unsafe"``, SARIF ``properties.fix``. In
``--mode suggest`` the unsafe candidates of a runnable file (a ``main``, or ``--build/--run``) are verified
automatically within ``--verify-budget`` seconds per file; a rejected one is dropped with the evidence and the loops
inside it are tried.

Exit codes (like ruff and clang-tidy): 0 nothing to change (or all changes written), 1 changes suggested (or unsafe
changes left unwritten), 2 errors (unreadable or unparsable input, bad options).
"""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    from ompgpt.analysis.headers import add_preprocessor_options
    from ompgpt.analysis.project import add_project_option
    from ompgpt.limits import add_limit_options
    from ompgpt.report.atomic import add_backup_option

    parser.add_argument("paths", nargs="+", metavar="PATH", help="C/C++ files or directories")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--in-place", action="store_true", help="write the changes (atomically, keeping a .ompgpt.bak)")
    out.add_argument("--json", action="store_true", help="one JSON object per loop on stdout")
    out.add_argument("--sarif", action="store_true", help="a SARIF 2.1.0 log on stdout")
    parser.add_argument("--mode", choices=["safe", "suggest"], help="safe: only proven or verified pragmas (default)")
    parser.add_argument("--no-model", action="store_true", help="analysis only: do not ask the model")
    parser.add_argument("--assume-no-alias", action="store_true", help="treat distinct pointers as not aliasing")
    parser.add_argument("--min-trip-count", type=int, help="skip loops known to run fewer iterations (default 64)")
    parser.add_argument("--verify", action="store_true", help="keep only pragmas that pass build/run/race checks")
    parser.add_argument(
        "--build", metavar="CMD", help="with --verify or --mode suggest: build command ({src}, {exe} placeholders)"
    )
    parser.add_argument("--run", metavar="CMD", help="with --verify or --mode suggest: run command ({exe} placeholder)")
    parser.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="also write (or show in the diff) unsafe changes: model-only or unproven pragmas no check passed",
    )
    parser.add_argument(
        "--verify-budget",
        type=float,
        metavar="SECONDS",
        help="suggest mode: seconds per file for verifying unsafe candidates by execution (default 120; 0: none)",
    )
    parser.add_argument("--keep-slower", action="store_true", help="with --verify: keep pragmas slower than serial")
    parser.add_argument("--jobs", "-j", type=int, default=1, help="files analysed in parallel (default 1)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar (it is off when not a TTY)")
    parser.add_argument("--lang", choices=["c", "cpp"], help="force the language (default: from extension/content)")
    add_project_option(parser)
    add_backup_option(parser)
    add_limit_options(parser)
    add_preprocessor_options(parser)


def run(args: argparse.Namespace) -> int:
    from ompgpt.report.annotate import AnnotateOptions, annotate_paths
    from ompgpt.report.atomic import backup_suffix
    from ompgpt.report.config import ConfigError
    from ompgpt.report.output import emit

    try:
        backup_suffix(args.backup_suffix)  # a bad suffix is a usage error, found before any work
        options = AnnotateOptions.from_args(args)
        results = annotate_paths(args.paths, options, jobs=max(1, args.jobs), progress=not args.no_progress)
    except (ConfigError, ValueError) as exc:
        import sys

        print(f"ompgpt annotate: error: {exc}", file=sys.stderr)
        return 2
    return emit(results, args)
