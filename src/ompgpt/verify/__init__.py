"""Verification by execution: does a candidate OpenMP pragma compile, keep the results, stay race-free, and help?

Public API (plain dataclasses in and out)::

    from ompgpt.verify import Candidate, VerifyConfig, verify_candidates
    results = verify_candidates("prog.c", [Candidate(12, "parallel for private(j)")], VerifyConfig())
    results[0].verdict, results[0].failed_check, results[0].reason, results[0].speedup

Names resolve lazily so that ``ompgpt --help`` (which imports ``ompgpt.verify.cli``) stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Candidate": "ompgpt.verify.model",
    "CandidateResult": "ompgpt.verify.model",
    "CheckResult": "ompgpt.verify.model",
    "Timing": "ompgpt.verify.model",
    "VerifyConfig": "ompgpt.verify.model",
    "verify_candidates": "ompgpt.verify.api",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'ompgpt.verify' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
