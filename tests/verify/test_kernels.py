"""The kernel suite: every known-correct pragma is accepted and every known-wrong one rejected.

Runs the whole suite with a reduced matrix (benchmarks.verify_kernels.quick_config) so the module stays within a
few minutes on 2 cores; the full default matrix is measured by benchmarks/verify_kernels.py.
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ompgpt.verify.suite import load

ROOT = Path(__file__).resolve().parents[2]
KERNEL_DIR = ROOT / "benchmarks" / "kernels"
sys.path.insert(0, str(ROOT / "benchmarks"))
from verify_kernels import quick_config, verify_kernel  # noqa: E402

KERNELS = load(KERNEL_DIR)


def test_suite_shape():
    assert len(KERNELS) >= 40
    categories = {k.category for k in KERNELS}
    for needed in (
        "map",
        "reduction",
        "private",
        "stencil",
        "prefix",
        "histogram",
        "indirect",
        "nested",
        "triangular",
        "call",
        "pointer",
        "c++",
    ):
        assert needed in categories
    for kernel in KERNELS:
        assert kernel.wrong, f"{kernel.name} has no known-wrong pragma"
        assert kernel.path.read_text().splitlines()[kernel.line - 1].lstrip().startswith("for")
    assert sum(len(k.correct) for k in KERNELS) >= 60
    assert any(k.path.suffix == ".cpp" for k in KERNELS)


@pytest.fixture(scope="module")
def suite_results():
    """Every kernel verified once, two at a time: builds are single-threaded, so two keep both cores busy."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = pool.map(lambda k: verify_kernel(k, quick_config()), KERNELS)
        return dict(zip([k.name for k in KERNELS], results, strict=True))


@pytest.mark.slow
@pytest.mark.usefixtures("need_clang")
@pytest.mark.parametrize("kernel", KERNELS, ids=[k.name for k in KERNELS])
def test_kernel_verdicts(kernel, suite_results):
    problems = []
    for expected, why, result in suite_results[kernel.name]:
        if result.verdict != expected:
            detail = result.reason or "all checks passed"
            problems.append(f"{result.candidate.pragma!r}: expected {expected} ({why}), got {detail}")
    assert not problems, "\n".join(problems)
