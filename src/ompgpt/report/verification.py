"""``annotate --verify``: run every pragma annotate would insert (and every model pragma waiting for proof)
through the verifier, keep the accepted ones, and record the evidence for the rejected ones.

Each candidate is verified on its own against the original program, so one bad pragma cannot hide another.
"""

from __future__ import annotations

from pathlib import Path

from ompgpt.report.results import FileResult


def _has_main(text: str) -> bool:
    import re

    return re.search(r"\bint\s+main\s*\(", text) is not None


def verify_file(result: FileResult, options) -> None:
    """Update ``result.loops`` in place: insert only what passed, with the verifier's verdict attached."""
    from ompgpt.verify.api import verify_candidates
    from ompgpt.verify.model import Candidate, VerifyConfig

    todo = [loop for loop in result.loops if loop.action == "insert" or loop.candidate]
    if not todo:
        return
    if not options.build and not _has_main(result.original or ""):
        _unverifiable(result, todo, "--verify needs a program with main() or --build/--run")
        return
    from ompgpt.report.config import compile_flags

    flags = compile_flags(Path(result.path))
    config = VerifyConfig(
        build_cmd=options.build,
        run_cmd=options.run,
        rtol=options.config.rtol,
        atol=options.config.atol,
        extra_flags=tuple(flags.as_args()) if flags else (),
    )
    from ompgpt.verify.build import ToolchainError
    from ompgpt.verify.template import TemplateError

    for loop in todo:
        pragma = loop.pragma or loop.candidate
        try:
            (outcome,) = verify_candidates(Path(result.path), [Candidate(loop.line, pragma)], config)
        except (ToolchainError, TemplateError) as exc:
            _unverifiable(result, todo, str(exc))
            return
        loop.verification = {
            "verdict": outcome.verdict,
            "failed_check": outcome.failed_check,
            "reason": outcome.reason,
            "speedup": outcome.speedup,
            "seconds": round(outcome.seconds, 2),
        }
        if outcome.accepted:
            loop.action, loop.pragma = "insert", pragma
            loop.reasons.append(f"verified by execution (speedup {outcome.speedup or 0:.2f}x)")
        else:
            loop.action, loop.pragma = "none", None
            loop.reasons.insert(0, f"rejected by verification ({outcome.failed_check}): {outcome.reason}")


def _unverifiable(result: FileResult, todo: list, why: str) -> None:
    """No pragma of this file can be verified: insert none of them (verification's rule) and say why once."""
    result.errors.append(f"{result.path}:1:1: error: {why}; {len(todo)} pragma(s) left unverified and not inserted")
    for loop in todo:
        loop.action, loop.pragma = "none", None
        loop.reasons.append(f"not verified: {why}")
