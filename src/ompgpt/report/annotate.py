"""Annotating files: read, scan, decide per loop (engine), apply the pragmas to the text. No output here."""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from ompgpt.analysis.headers import IncludeOptions, options_from_args
from ompgpt.analysis.project import ProjectIndex, index_paths
from ompgpt.limits import Budget
from ompgpt.report.config import Config, find_config
from ompgpt.report.results import FileResult


@dataclass
class AnnotateOptions:
    """Configuration file values overridden by command-line options."""

    config: Config
    verify: bool = False
    build: str | None = None
    run: str | None = None
    lang: str | None = None
    #: with --verify: keep pragmas that pass every check but run slower than serial (rejected by default)
    keep_slower: bool = False
    #: every file given and under ``--project``: functions defined there are summarised for calls elsewhere
    project: ProjectIndex | None = None
    #: write (or show in the diff) unsafe changes too: model-only or unproven pragmas that no check passed
    unsafe_fixes: bool = False
    #: suggest mode: seconds per file spent verifying unsafe candidates by execution (0: none)
    verify_budget: float = 120.0
    #: ``-I``/``-D``/``-U``/``--std``/``--compile-commands``: how the files' headers are found and read
    includes: IncludeOptions = field(default_factory=IncludeOptions)

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> AnnotateOptions:
        config = find_config(Path(args.paths[0]) if args.paths else Path.cwd())
        overrides = {
            "mode": args.mode,
            "model": False if args.no_model else None,
            "assume_no_alias": True if args.assume_no_alias else None,
            "min_trip_count": args.min_trip_count,
            "max_file_size": getattr(args, "max_file_size", None),
            "max_file_seconds": getattr(args, "max_file_seconds", None),
        }
        config = replace(config, **{k: v for k, v in overrides.items() if v is not None})
        if (args.build or args.run) and not (args.verify or config.mode == "suggest"):
            raise ValueError("--build/--run are only used with --verify or --mode suggest")
        budget = getattr(args, "verify_budget", None)
        if budget is not None and budget < 0:
            raise ValueError("--verify-budget must be >= 0 seconds")
        includes = options_from_args(args)
        project = index_paths([*args.paths, *getattr(args, "project", [])], args.lang, includes)
        return cls(
            config=config,
            verify=args.verify,
            build=args.build,
            run=args.run,
            lang=args.lang,
            project=project,
            unsafe_fixes=bool(getattr(args, "unsafe_fixes", False)),
            verify_budget=config.verify_budget if budget is None else budget,
            includes=includes,
            keep_slower=bool(getattr(args, "keep_slower", False)),
        )


def collect_files(paths: list[str], config: Config) -> list[Path]:
    """Explicit files always; files under directories only when the include/exclude globs select them."""
    from ompgpt.source.files import iter_source_files

    files: list[Path] = []
    for raw in paths:
        root = Path(raw)
        for path in iter_source_files([root]):
            if not root.is_dir() or config.selects(path, root):
                files.append(path)
    return files


def annotate_file(path: Path, options: AnnotateOptions) -> FileResult:
    """Decide every loop of one file and compute its new text. Never raises for bad input: errors are recorded."""
    from ompgpt.report.engine import decide_file
    from ompgpt.source import SourceError, read_source, scan
    from ompgpt.source.edit import set_loop_pragmas

    budget = Budget(options.config.max_file_seconds)
    result = FileResult(path=str(path))
    try:
        source = read_source(path, lang=options.lang, max_bytes=options.config.max_file_size)
    except SourceError as exc:
        result.errors.append(str(exc))
        return result
    result.original, result.lines = source.text, source.text.count("\n") + 1
    result.encoding, result.bom = source.encoding, source.bom
    memo: dict = {}
    try:
        file_scan = scan(source)
        result.loops, result.warnings = decide_file(file_scan, options, budget, memo=memo)
    except Exception as exc:
        result.errors.append(f"{path}:1:1: error: internal error while analysing this file: {exc!r}")
        return result
    if options.verify:
        from ompgpt.report.verification import verify_file

        verify_file(result, options)
    elif options.config.mode == "suggest" and options.verify_budget > 0:
        from ompgpt.report.verification import auto_verify

        auto_verify(result, file_scan, options, memo)
    by_place = {(lp.line, lp.column): lp for lp in file_scan.loops}
    inserts = [(by_place[(r.line, r.column)], r.pragma) for r in result.loops if applies(r, options.unsafe_fixes)]
    text = set_loop_pragmas(source.text, inserts)
    result.updated = text if text != source.text else None
    return result


def applies(loop, unsafe_fixes: bool) -> bool:
    """Whether a loop's pragma is written (and shown in the diff): proven and verified changes always, unsafe
    ones only when asked for (``--unsafe-fixes``), as ruff does."""
    return loop.action == "insert" and (loop.fix != "unsafe" or unsafe_fixes)


def _progress(done: int, total: int, enabled: bool) -> None:
    if enabled:
        width = 30
        filled = width * done // max(total, 1)
        print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} files", end="", file=sys.stderr, flush=True)
        if done == total:
            print(file=sys.stderr)


def annotate_paths(
    paths: list[str], options: AnnotateOptions, jobs: int = 1, progress: bool = True
) -> list[FileResult]:
    """Annotate every selected file, in parallel when ``jobs`` > 1; results come back in input order."""
    files = collect_files(paths, options.config)
    show = progress and sys.stderr.isatty() and len(files) > 1
    results: list[FileResult] = []
    if jobs > 1 and len(files) > 1:
        workers = min(jobs, os.cpu_count() or 1, len(files))
        with _worker_pool(workers, options) as pool:
            for result in pool.map(_annotate_in_worker, files, chunksize=max(1, len(files) // (4 * workers))):
                results.append(result)
                _progress(len(results), len(files), show)
    else:
        for path in files:
            results.append(annotate_file(path, options))
            _progress(len(results), len(files), show)
    return results


#: the options of this worker process, set once by the pool's initializer (tasks carry only a path)
_worker_options: AnnotateOptions | None = None


def _worker_pool(workers: int, options: AnnotateOptions) -> ProcessPoolExecutor:
    """Processes that share one project index and one model. With ``fork`` both are built here first and the
    workers inherit them copy-on-write; elsewhere each worker builds its own once, in the initializer. (Options
    used to travel with every chunk of files, and each chunk rebuilt the index: ``--jobs 2`` was 7x slower than
    ``--jobs 1`` on 200 files.)"""
    fork = "fork" in multiprocessing.get_all_start_methods()
    if fork:
        if options.project is not None:
            options.project.build()
        if options.config.model:
            from ompgpt.report.engine import load_decoder

            load_decoder()
    context = multiprocessing.get_context("fork" if fork else None)
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=(options,))


def _init_worker(options: AnnotateOptions) -> None:
    global _worker_options
    _worker_options = options


def _annotate_in_worker(path: Path) -> FileResult:
    assert _worker_options is not None, "the pool initializer sets the options"
    return annotate_file(path, _worker_options)
