"""Kernel-suite execution metrics: run each predictor's pragma through ``ompgpt.verify`` on ``benchmarks/kernels``.

Per predictor: *compile rate* (the pragma builds with ``-fopenmp``), *verified-correct rate* (accepted by every
check: same output as serial over threads and schedules, no race), *unsafe* (compiles but the differential or race
check rejects it: a pragma that would silently break the program), and the *speedup geomean* over accepted pragmas
that were timed. A ``none`` answer is neither correct nor unsafe. The verify stage does the work; this is only a
hook, reporting "unavailable" when that stage or the suite is missing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from ompgpt.evaluate.datasets import REPO_ROOT
from ompgpt.evaluate.records import EvalItem, Unavailable

KERNEL_DIR = REPO_ROOT / "benchmarks" / "kernels"
_NOT_BUILT = ("does not compile", "does not build")


@dataclass
class KernelScores:
    kernels: int = 0
    answered: int = 0  # a pragma (not none / no answer)
    compiled: int = 0
    accepted: int = 0
    unsafe: int = 0
    errors: int = 0  # the verify stage raised
    unsafe_cases: list[str] = field(default_factory=list)  # "kernel: pragma (check: reason)"
    speedups: list[float] = field(default_factory=list)
    speedup_by_kernel: dict[str, float] = field(default_factory=dict)  # accepted and timed, for the plot

    @property
    def speedup_geomean(self) -> float | None:
        return math.exp(sum(map(math.log, self.speedups)) / len(self.speedups)) if self.speedups else None


def _verify():
    try:
        from ompgpt.verify import api, model, suite
    except ImportError as exc:
        raise Unavailable(f"ompgpt.verify is not importable ({exc})") from None
    return api, model, suite


def kernel_items(directory: Path = KERNEL_DIR) -> tuple[list, list[EvalItem]]:
    """(kernels, one item per kernel whose code is its target loop)."""
    _, _, suite = _verify()
    if not (directory / "manifest.json").exists():
        raise Unavailable(f"no kernel suite in {directory}")
    from ompgpt.source import find_loops, read_source

    kernels = suite.load(directory)
    items = []
    for kernel in kernels:
        loops = [lp for lp in find_loops(read_source(kernel.path)) if lp.line == kernel.line]
        code = loops[0].text if loops else ""
        items.append(
            EvalItem(f"kernel:{kernel.name}", code, None, {"source_file": str(kernel.path), "source_line": kernel.line})
        )
    return kernels, items


def _classify(result, scores: KernelScores, kernel_name: str = "") -> None:
    failed, reason = result.failed_check, result.reason or ""
    compiled = failed != "edit" and not any(reason.startswith(p) for p in _NOT_BUILT)
    scores.compiled += compiled
    scores.accepted += result.accepted
    if compiled and failed in {"differential", "race"}:
        scores.unsafe += 1
        pragma = getattr(getattr(result, "candidate", None), "pragma", "?")
        scores.unsafe_cases.append(
            f"{kernel_name}: `{pragma}` ({failed}: {reason.splitlines()[0][:100] if reason else ''})"
        )
    if result.accepted and result.speedup:
        scores.speedups.append(result.speedup)
        scores.speedup_by_kernel[kernel_name] = result.speedup


def score_kernels(kernels, pragmas: list[str | None], config=None) -> KernelScores:
    """Verify one pragma per kernel (``None``/``none`` skipped) and tally the execution metrics."""
    api, model, _ = _verify()
    scores = KernelScores(kernels=len(kernels))
    for kernel, pragma in zip(kernels, pragmas, strict=True):
        if not pragma or pragma.strip().lower() == "none":
            continue
        scores.answered += 1
        text = pragma if pragma.lstrip().startswith(("#", "omp")) else f"omp {pragma}"
        try:
            result = api.verify_candidates(kernel.path, [model.Candidate(kernel.line, text)], config)[0]
        except Exception:  # the verify stage failing on one kernel must not lose the whole table
            scores.errors += 1
            continue
        _classify(result, scores, kernel.name)
    return scores


def markdown(rows: dict[str, KernelScores | str]) -> str:
    lines = [
        "| predictor | kernels | answered | compile rate | verified correct | unsafe | speedup geomean | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, s in rows.items():
        if isinstance(s, str):
            lines.append(f"| {name} | {s} | | | | | | |")
            continue
        rate = s.compiled / s.answered if s.answered else 0.0
        geo = f"{s.speedup_geomean:.2f}x" if s.speedup_geomean else "–"
        lines.append(
            f"| {name} | {s.kernels} | {s.answered} | {rate:.2f} | {s.accepted / s.kernels:.2f} | {s.unsafe} | {geo} "
            f"| {s.errors} |"
        )
    cases = [f"- {name}: {case}" for name, s in rows.items() if not isinstance(s, str) for case in s.unsafe_cases]
    return "\n".join(lines) + ("\n\nUnsafe answers:\n\n" + "\n".join(cases) if cases else "")


def quick_config():
    """A reduced verify matrix (two thread counts, no timing) for short runs."""
    _, model, _ = _verify()
    return model.VerifyConfig(threads=(2, 3), schedules=("static,1", "dynamic,1"), timing_check=False)


def run_kernels(
    names: list[str], options, limit: int | None = None, quick: bool = False, plot: Path | None = None
) -> str:
    """The kernel-suite table for the predictors ``names`` (recorded peers have no answers here); with ``plot``,
    also a bar chart of the speedup of every accepted pragma per kernel."""
    from ompgpt.evaluate.predictors import SPECS

    try:
        kernels, items = kernel_items()
        config = quick_config() if quick else None
    except Unavailable as exc:
        return f"Kernel suite: unavailable: {exc}"
    kernels, items = kernels[:limit], items[:limit]
    rows: dict[str, KernelScores | str] = {}
    for name in names:
        spec = SPECS[name]
        if spec.own_items is not None:
            continue
        try:
            predictions = spec.build(options)(items)
        except Unavailable as exc:
            rows[name] = f"unavailable: {exc}"
            continue
        rows[name] = score_kernels(kernels, [p.pragma for p in predictions], config)
    table = markdown(rows)
    if plot is not None:
        from ompgpt.evaluate.report import plot_kernel_speedups

        speedups = {n: s.speedup_by_kernel for n, s in rows.items() if isinstance(s, KernelScores)}
        table += "\n\n" + plot_kernel_speedups(speedups, plot)
    return table
