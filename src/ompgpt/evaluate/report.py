"""Markdown tables and (optional, matplotlib) plots for ``ompgpt eval`` results."""

from __future__ import annotations

from pathlib import Path

from ompgpt.evaluate.metrics import FEATURES, Scores
from ompgpt.evaluate.runner import Result


def _f(x: float) -> str:
    return f"{x:.3f}"


def _features(results: list[Result]) -> list[str]:
    """Clause features some label has (others have no meaningful recall)."""
    scored = [r.scores for r in results if r.scores]
    return [f for f in FEATURES if any(s.clauses[f].support for s in scored)]


def accuracy_table(results: list[Result]) -> str:
    """Main table: exact, directive, clause F1s, failure counts, one row per available predictor ("–": no label
    in that predictor's items has the clause)."""
    feats = _features(results)
    head = ["predictor", "n", "exact", "directive", *(f"{f} F1" for f in feats), "unparsable", "no answer"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * 2 + "---:|" * (len(head) - 2)]
    for r in results:
        if r.scores is None:
            continue
        s = r.scores
        f1s = [_f(s.clauses[f].f1) if s.clauses[f].support else "–" for f in feats]
        cells = [r.name, str(s.n), _f(s.exact), _f(s.directive), *f1s]
        lines.append("| " + " | ".join([*cells, str(s.pred_unparsable), str(s.no_answer)]) + " |")
    return "\n".join(lines)


def clause_table(results: list[Result]) -> str:
    """Per-clause precision / recall / F1 (support = labels with the clause)."""
    feats = _features(results)
    lines = ["| predictor | clause | support | precision | recall | F1 |", "|---|---|---:|---:|---:|---:|"]
    for r in results:
        for f in feats if r.scores else []:
            c = r.scores.clauses[f]
            if not c.support:
                continue
            lines.append(f"| {r.name} | {f} | {c.support} | {_f(c.precision)} | {_f(c.recall)} | {_f(c.f1)} |")
    return "\n".join(lines)


def needs_table(results: list[Result]) -> str | None:
    """ "Needs a pragma" scores, only when some scored data has negatives."""
    rows = [r for r in results if r.scores and r.scores.negatives]
    if not rows:
        return None
    lines = ["| predictor | negatives | precision | recall | accuracy |", "|---|---:|---:|---:|---:|"]
    for r in rows:
        n = r.scores.needs
        lines.append(f"| {r.name} | {r.scores.negatives} | {_f(n.precision)} | {_f(n.recall)} | {_f(n.accuracy)} |")
    return "\n".join(lines)


def notes(results: list[Result]) -> str:
    lines = []
    for r in results:
        extra = []
        if r.scores is not None:
            s: Scores = r.scores
            if s.label_unparsable:
                extra.append(f"{s.label_unparsable} unparsable labels left out")
            if r.seconds:
                extra.append(f"{1000 * r.seconds / max(r.n_items, 1):.1f} ms/loop")
        text = "; ".join([t for t in (r.note, *extra) if t])
        lines.append(f"- **{r.name}** ({r.description}){': ' + text if text else ''}")
    return "\n".join(lines)


def markdown(results: list[Result], title: str) -> str:
    parts = [f"### {title}", "", accuracy_table(results), "", notes(results), "", "Per clause (presence):", "",
             clause_table(results)]  # fmt: skip
    needs = needs_table(results)
    if needs:
        parts += ["", '"Needs a pragma" (negatives = `none` labels):', "", needs]
    return "\n".join(parts) + "\n"


def _pyplot():
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    return plt


def _save(plt, fig, path: Path) -> str:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return f"wrote {path}"


def plot_clause_f1(results: list[Result], path: Path) -> str:
    """Grouped bars: per-clause F1 (plus exact and directive) per available predictor."""
    plt = _pyplot()
    if plt is None:
        return "plots skipped: matplotlib is not installed (pip install matplotlib)"
    scored = [r for r in results if r.scores]
    groups = ["exact", "directive", *_features(results)]
    fig, ax = plt.subplots(figsize=(max(6, 1.3 * len(groups)), 4.4))
    width = 0.8 / max(len(scored), 1)
    for i, r in enumerate(scored):
        values = [r.scores.exact, r.scores.directive, *(r.scores.clauses[f].f1 for f in groups[2:])]
        ax.bar([g + i * width for g in range(len(groups))], values, width, label=r.name)
    ax.set_xticks([g + width * (len(scored) - 1) / 2 for g in range(len(groups))],
                  ["exact", "directive", *(f"{f} F1" for f in groups[2:])])  # fmt: skip
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8, ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.1), frameon=False)
    ax.set_title("Accuracy and per-clause F1 (clause presence)")
    return _save(plt, fig, path)


def plot_latency(rows: list[dict], path: Path) -> str:
    """Median per-loop latency (with p95 whiskers) against parameter count, log-log."""
    plt = _pyplot()
    if plt is None:
        return "plots skipped: matplotlib is not installed (pip install matplotlib)"
    fig, ax = plt.subplots(figsize=(5, 3.6))
    for row in rows:
        ax.errorbar([row["params"]], [row["median_ms"]], yerr=[[0], [row["p95_ms"] - row["median_ms"]]],
                    fmt="o", capsize=4, label=row["name"])  # fmt: skip
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("parameters")
    ax.set_ylabel("ms per loop (median, p95)")
    ax.set_title("Suggestion latency, CPU, one thread")
    ax.legend(fontsize=8)
    return _save(plt, fig, path)


def plot_kernel_speedups(speedups: dict[str, dict[str, float]], path: Path) -> str:
    """Grouped bars: speedup over the serial build per kernel (accepted, timed pragmas only) per predictor."""
    plt = _pyplot()
    if plt is None:
        return "plots skipped: matplotlib is not installed (pip install matplotlib)"
    kernels = sorted({k for per in speedups.values() for k in per})
    if not kernels:
        return "kernel speedup plot skipped: no accepted, timed pragma"
    fig, ax = plt.subplots(figsize=(min(16, max(6, 0.1 * len(kernels) * max(len(speedups), 1))), 4.8))
    width = 0.8 / max(len(speedups), 1)
    for i, (name, per) in enumerate(speedups.items()):
        xs = [k + i * width for k, kernel in enumerate(kernels) if kernel in per]
        ax.bar(xs, [per[kernel] for kernel in kernels if kernel in per], width, label=name)
    ax.axhline(1.0, color="grey", linewidth=0.8)
    ax.set_xticks([k + width * (len(speedups) - 1) / 2 for k in range(len(kernels))], kernels, rotation=90, fontsize=7)
    ax.set_ylabel("speedup vs serial")
    ax.set_title("Kernel suite: speedup of verified pragmas")
    ax.legend(fontsize=8)
    return _save(plt, fig, path)
