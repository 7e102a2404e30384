"""``verify_candidates``: the entry point the advisor, ``annotate`` and the CLI share."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ompgpt.verify import build as tc
from ompgpt.verify import checks, sandbox, variants
from ompgpt.verify.model import (
    ACCEPTED,
    FAILED,
    REJECTED,
    Candidate,
    CandidateResult,
    CheckResult,
    VerifyConfig,
    machine_cores,
)
from ompgpt.verify.session import Session


def _load(source: str | Path, cxx: bool | None) -> tuple[Path | None, str, bool]:
    """A path (existing file) or program text; C++ is inferred from the suffix or the text when not given."""
    path: Path | None = None
    looks_like_path = isinstance(source, Path) or ("\n" not in source and len(source) < 4096)
    if looks_like_path and (isinstance(source, Path) or Path(source).suffix in (".c", *tc.CXX_SUFFIXES)):
        path = Path(source).resolve()
        if not path.is_file():
            raise FileNotFoundError(f"no such program: {source}")
        text = path.read_text()
    elif looks_like_path and Path(source).is_file():
        path = Path(source).resolve()
        text = path.read_text()
    else:
        text = str(source)
    if cxx is None:
        cxx = tc.is_cxx(path) if path else _looks_like_cxx(text)
    return path, text, cxx


def _looks_like_cxx(text: str) -> bool:
    markers = ("#include <iostream>", "#include <vector>", "std::", "namespace ", "template<", "template <")
    return any(m in text for m in markers)


def verify_candidates(
    source: str | Path,
    candidates: list[Candidate],
    config: VerifyConfig | None = None,
    cxx: bool | None = None,
) -> list[CandidateResult]:
    """Verify each candidate pragma on ``source`` (a path, or program text); one result per candidate, in
    order.

    The user's files are never written: every build and run happens in a temp directory removed afterwards,
    isolated (see ``sandbox``); Ctrl-C or SIGTERM kills every process started and removes the directory.
    """
    config = config or VerifyConfig()
    path, text, is_cxx = _load(source, cxx)
    program = tc.Program(path, text, is_cxx, config)
    program.check_template_name()
    compiler = tc.compiler_for(is_cxx, config)
    jobs = config.build_jobs if config.build_jobs is not None else machine_cores()
    with sandbox.terminate_cleanly(), sandbox.workspace() as workdir:
        pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="ompgpt-build") if jobs > 1 else None
        session = Session(program, workdir, pool=pool)
        try:
            return [_verify_one(session, candidate, compiler) for candidate in candidates]
        except BaseException:
            sandbox.kill_all()  # before waiting for the pool: its builds would otherwise run to their timeout
            raise
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)


def _verify_one(session: Session, candidate: Candidate, compiler: str) -> CandidateResult:
    start = time.monotonic()
    pragma = variants.normalize_pragma(candidate.pragma)
    try:
        text = variants.insert_pragma(session.program.text, candidate.line, pragma)
    except variants.EditError as exc:
        check = CheckResult("edit", FAILED, str(exc))
        return CandidateResult(candidate, REJECTED, "edit", str(exc), [check], seconds=time.monotonic() - start)
    trial = checks.Trial(candidate, pragma, text, compiler, {})
    result = CandidateResult(candidate, ACCEPTED, unscoped=trial.unscoped)
    try:
        _run_checks(session, trial, result)
    finally:
        session.cancel_pending()
    result.seconds = time.monotonic() - start
    return result


def _run_checks(session: Session, trial: checks.Trial, result: CandidateResult) -> None:
    """Cheap checks first, so a rejected candidate rarely pays for TSan or timing."""
    cfg = session.config
    if not cfg.static_check:
        checks.prefetch(session, trial)
    steps = [
        (cfg.static_check, checks.static_gate),
        (cfg.differential_check, checks.differential),
        (cfg.race_check, checks.race_check),
    ]
    for enabled, step in steps:
        if not enabled:
            continue
        check = step(session, trial)
        if _record(result, check) and cfg.stop_at_first_failure:
            return
        if step is checks.static_gate:
            checks.prefetch(session, trial)
    if cfg.timing_check and (result.verdict == ACCEPTED or not cfg.stop_at_first_failure):
        check, timing = checks.timing(session, trial)
        result.timing = timing
        if timing and timing.slower_than_serial:
            result.warnings.append(f"slower than serial ({timing.speedup:.2f}x at {timing.threads} threads)")
        _record(result, check)
    result.warnings.extend(c.message for c in result.checks if c.status == "skipped")


def _record(result: CandidateResult, check: CheckResult) -> bool:
    """Append ``check``; returns True (and rejects) when it failed."""
    result.checks.append(check)
    if check.status != FAILED:
        return False
    if result.verdict == ACCEPTED:
        result.verdict, result.failed_check, result.reason = REJECTED, check.name, check.message
    return True
