"""The ``ompgpt`` command line.

Each subcommand lives in the stage that owns it, in a module exposing ``configure(parser)`` and ``run(args) -> int``.
Those modules import only argparse-level things at top level, so ``ompgpt --help`` stays fast: heavy imports
(tree-sitter, numpy, torch) happen inside ``run``.

Exit codes follow ruff/clang-tidy, in every command: 0 nothing to change, 1 changes suggested or findings, 2 errors
(unreadable input, bad usage, an internal error). No traceback reaches a user: an unexpected exception prints one
line and exits 2; ``OMPGPT_DEBUG=1`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

#: subcommand -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "annotate": ("ompgpt.report.annotate_cmd", "suggest OpenMP pragmas for loops (diff, in place, JSON, SARIF)"),
    "lint": ("ompgpt.report.lint_cmd", "check existing OpenMP pragmas for races and missing clauses"),
    "explain": ("ompgpt.analysis.explain_cmd", "print the dependence facts and verdict for each loop"),
    "verify": ("ompgpt.verify.cli", "compile, run, race-check and time candidate pragmas"),
    "suggest": ("ompgpt.model.suggest_cmd", "top-k pragmas from the model for a loop"),
    "loops": ("ompgpt.source.cli_loops", "list the for loops of C/C++ files with their pragmas"),
    "strip": ("ompgpt.source.cli_strip", "print a file with every OpenMP pragma removed (the serial version)"),
    "data": ("ompgpt.data.cli", "build training records from an OpenMP corpus"),
    "train": ("ompgpt.train.cli", "train the model (needs the 'train' extra: PyTorch)"),
    "eval": ("ompgpt.evaluate.cli", "score predictors on benchmark datasets"),
}


def _selected(argv: list[str]) -> str | None:
    """The subcommand named on the command line (the first word that is one), without parsing anything else."""
    return next((arg for arg in argv if arg in COMMANDS), None)


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser, with the options of the selected subcommand only: importing every stage to describe every
    option would cost a second of start-up for ``ompgpt --help``."""
    parser = argparse.ArgumentParser(prog="ompgpt", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    chosen = _selected(sys.argv[1:] if argv is None else argv)
    for name, (module_name, help_text) in COMMANDS.items():
        if name != chosen:
            sub.add_parser(name, help=help_text, add_help=False)
            continue
        module = importlib.import_module(module_name)
        cmd = sub.add_parser(
            name,
            help=help_text,
            description=(module.__doc__ or help_text).strip(),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.configure(cmd)
        cmd.set_defaults(_module=module)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; its exit code. Unexpected exceptions become a one-line message and exit code 2."""
    try:
        return _dispatch(argv)
    except KeyboardInterrupt:
        print("ompgpt: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if os.environ.get("OMPGPT_DEBUG", "") not in {"", "0"}:
            raise
        command = _selected(sys.argv[1:] if argv is None else argv)
        prefix = f"ompgpt {command}" if command else "ompgpt"
        message = " ".join(str(exc).split())  # one line, whatever the exception's text holds
        print(
            f"{prefix}: internal error: {type(exc).__name__}: {message} (set OMPGPT_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        return 2


def _dispatch(argv: list[str] | None) -> int:
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if args.version:
        from ompgpt import __version__

        print(f"ompgpt {__version__}")
        return 0
    if args.command is None:
        parser.print_help()
        return 2
    return int(args._module.run(args))


if __name__ == "__main__":
    sys.exit(main())
