"""Verifying candidates by execution, for ``annotate --verify`` and for suggest mode's unsafe candidates.

``--verify``: every pragma annotate would insert (and every model pragma waiting for proof) goes through the
verifier; the accepted ones are kept, the rejected ones dropped with the evidence. Each candidate is verified on
its own against the original program, so one bad pragma cannot hide another.

Suggest mode (:func:`auto_verify`): the *unsafe* candidates (the model's, or unproven) of a file that can be built
and run (a ``main``, or ``--build/--run``) are verified without being asked, within a per-file time budget
(``--verify-budget``). A passing one becomes *verified*; a failing one is dropped with the check's evidence, and the
loops inside it are decided again (an inner loop of a rejected outer loop may be the right place).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from ompgpt.report.results import FileResult, LoopResult


def _has_main(text: str) -> bool:
    return re.search(r"\bint\s+main\s*\(", text) is not None


def runnable(result: FileResult, options) -> bool:
    """Whether the verifier can build and run this file: a ``main`` of its own (single-file mode), or the
    ``--build``/``--run`` commands of a project."""
    return bool(options.build) or _has_main(result.original or "")


def _config(result: FileResult, options, budget: float | None = None):
    """The verifier's settings: the project's build/run commands and tolerances, compile_commands.json flags; for
    suggest mode's automatic checks, differential runs at 1, 2 and 4 threads, no timing, and run limits no longer
    than the budget left."""
    from ompgpt.report.config import compile_flags
    from ompgpt.verify.model import VerifyConfig

    flags = compile_flags(Path(result.path))
    config = VerifyConfig(
        build_cmd=options.build,
        run_cmd=options.run,
        rtol=options.config.rtol,
        atol=options.config.atol,
        extra_flags=tuple(flags.as_args()) if flags else (),
        # a pragma slower than serial is no improvement (issue 23: 0.57x and 0.49x were kept); the hook for trying
        # the inner loops of a rejected outer loop is the caller's next-candidate search
        reject_slower=not getattr(options, "keep_slower", False),
    )
    if budget is not None:
        config.threads, config.timing_check = (1, 2, 4), False
        config.race_timeout = min(config.race_timeout, max(10.0, budget))
    return config


def _check(result: FileResult, loop: LoopResult, pragma: str, config) -> dict:
    """Verify one pragma at ``loop``; the verdict as a plain dict (recorded in the JSON output)."""
    from ompgpt.verify.api import verify_candidates
    from ompgpt.verify.model import Candidate

    (outcome,) = verify_candidates(Path(result.path), [Candidate(loop.line, pragma)], config)
    return {
        "verdict": outcome.verdict,
        "accepted": outcome.accepted,
        "failed_check": outcome.failed_check,
        "reason": outcome.reason,
        "speedup": outcome.speedup,
        "seconds": round(outcome.seconds, 2),
    }


def _rejection(verdict: dict) -> str:
    return f"rejected by verification ({verdict['failed_check']}): {verdict['reason']}"


def verify_file(result: FileResult, options) -> None:
    """``--verify``: update ``result.loops`` in place, inserting only what passed, with the verdict attached."""
    todo = [loop for loop in result.loops if loop.action == "insert" or loop.candidate]
    if not todo:
        return
    if not runnable(result, options):
        _unverifiable(result, todo, "--verify needs a program with main() or --build/--run")
        return
    from ompgpt.verify.build import ToolchainError
    from ompgpt.verify.template import TemplateError

    config = _config(result, options)
    from ompgpt.report.regions import verify_hoisted

    try:
        verify_hoisted(result, config)  # hoisted regions as a whole; a rejected one leaves its loops to the loop below
    except (ToolchainError, TemplateError) as exc:
        _unverifiable(result, todo, str(exc))
        return
    todo = [loop for loop in result.loops if (loop.action == "insert" or loop.candidate) and not loop.verification]
    for loop in todo:
        pragma = loop.pragma or loop.candidate or ""
        try:
            verdict = _check(result, loop, pragma, config)
        except (ToolchainError, TemplateError) as exc:
            _unverifiable(result, todo, str(exc))
            return
        loop.verification = verdict
        if verdict["accepted"]:
            loop.action, loop.pragma = "insert", pragma
            loop.fix = "proven" if loop.fix == "proven" else "verified"
            loop.reasons.append(f"verified by execution (speedup {verdict['speedup'] or 0:.2f}x)")
        else:
            loop.action, loop.pragma, loop.fix = "none", None, None
            loop.reasons.insert(0, _rejection(verdict))


def _unverifiable(result: FileResult, todo: list, why: str) -> None:
    """No pragma of this file can be verified: insert none of them (verification's rule) and say why once."""
    result.errors.append(f"{result.path}:1:1: error: {why}; {len(todo)} pragma(s) left unverified and not inserted")
    for loop in todo:
        loop.action, loop.pragma, loop.fix = "none", None, None
        loop.reasons.append(f"not verified: {why}")


def auto_verify(result: FileResult, file_scan, options, memo: dict) -> None:
    """Suggest mode: verify the unsafe candidates of a runnable file within ``options.verify_budget`` seconds,
    deciding the loops inside a rejected one again, until nothing new is left to verify or the budget is spent."""
    from ompgpt.report.engine import decide_file

    if not any(loop.fix == "unsafe" for loop in result.loops):
        return
    if not runnable(result, options):
        _note_unsafe(result, "not verified: no runnable program (a main(), or --build/--run)")
        return
    deadline = time.monotonic() + options.verify_budget
    verdicts: dict[tuple[int, str], dict] = {}
    rejected: dict[int, list[str]] = {}
    evidence: dict[int, dict] = {}
    index_of = {(lp.line, lp.column): i for i, lp in enumerate(file_scan.loops)}
    from ompgpt.verify.build import ToolchainError
    from ompgpt.verify.template import TemplateError

    while True:
        try:
            fresh = _verify_round(result, options, verdicts, deadline)
        except (ToolchainError, TemplateError) as exc:  # no compiler, a bad --build template: they stay unsafe
            _note_unsafe(result, f"not verified: {exc}")
            _apply_verdicts(result, verdicts)
            return
        for loop in result.loops:
            verdict = verdicts.get((loop.line, loop.pragma or ""))
            if loop.fix == "unsafe" and verdict is not None and not verdict["accepted"]:
                index = index_of[(loop.line, loop.column)]
                rejected[index], evidence[index] = [_rejection(verdict), *loop.reasons], verdict
        if not fresh or not any(v["accepted"] is False for v in fresh):
            break
        result.loops, _ = decide_file(file_scan, options, rejected=rejected, memo=memo)
    _apply_verdicts(result, verdicts)
    for index, verdict in evidence.items():
        loop = next(
            lp
            for lp in result.loops
            if (lp.line, lp.column) == (file_scan.loops[index].line, file_scan.loops[index].column)
        )
        loop.verification = verdict
    _note_unsafe(result, f"not verified: the verification budget ({options.verify_budget:g}s for this file) ran out")


def _verify_round(result: FileResult, options, verdicts: dict, deadline: float) -> list[dict]:
    """Verify the unsafe candidates not yet verified, while time is left; the new verdicts."""
    fresh = []
    for loop in result.loops:
        key = (loop.line, loop.pragma or "")
        if loop.fix != "unsafe" or key in verdicts:
            continue
        left = deadline - time.monotonic()
        if left <= 0:
            break
        verdicts[key] = _check(result, loop, loop.pragma or "", _config(result, options, budget=left))
        fresh.append(verdicts[key])
    return fresh


def _apply_verdicts(result: FileResult, verdicts: dict) -> None:
    """Mark the loops whose candidate passed as *verified*, and attach every verdict to its loop."""
    for loop in result.loops:
        verdict = verdicts.get((loop.line, loop.pragma or ""))
        if verdict is None or loop.fix != "unsafe":
            continue
        loop.verification = verdict
        if verdict["accepted"]:
            loop.fix = "verified"
            loop.reasons.append("verified by execution: same output as serial at 1, 2, 4 threads, no race (TSan)")


def _note_unsafe(result: FileResult, why: str) -> None:
    for loop in result.loops:
        if loop.fix == "unsafe" and why not in loop.reasons:
            loop.reasons.append(why)
