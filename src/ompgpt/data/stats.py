"""Statistics of a build (``stats.json``) and their markdown rendering (copied into ``docs/DATA.md``)."""

from __future__ import annotations

from collections import Counter

from ompgpt.data.decontam import MIN_PREFIX_CHARS
from ompgpt.data.dedup import BANDS, NEAR_THRESHOLD, NUM_PERM, SHINGLE
from ompgpt.data.records import MAX_LOOP_CHARS
from ompgpt.data.sampling import NEGATIVE_RATIO, NEGATIVES_PER_FILE, REPO_SHARE, SUITE_SHARE, TEST_SUITES
from ompgpt.data.splits import FRACTIONS, SEED, SPLITS

LENGTH_BINS = ((1, 1), (2, 5), (6, 10), (11, 20), (21, 50), (51, 100), (101, 10**9))


def _length_hist(rows: list[dict]) -> dict[str, int]:
    hist = {}
    for lo, hi in LENGTH_BINS:
        label = f"{lo}" if lo == hi else (f"{lo}-{hi}" if hi < 10**9 else f">{lo - 1}")
        hist[label] = sum(1 for r in rows if lo <= r["n_lines"] <= hi)
    return hist


def _percentiles(values: list[int]) -> dict[str, int]:
    if not values:
        return {}
    values = sorted(values)
    return {f"p{p}": values[min(len(values) - 1, int(p / 100 * len(values)))] for p in (10, 50, 90, 99)}


def _split_stats(loops: list[dict], files: list[dict]) -> dict:
    pos = [r for r in loops if r["pragma"] != "none"]
    neg = [r for r in loops if r["pragma"] == "none"]
    repos = Counter(r["repo"] for r in loops)
    total = max(1, len(loops))
    return {
        "positives": len(pos),
        "negatives": len(neg),
        "files": len(files),
        "file_chars": sum(len(f["text"]) for f in files),
        "repos": len({r["repo"] for r in loops} | {f["repo"] for f in files}),
        "with_context": sum(1 for r in loops if r["context"]),
        "directives": dict(Counter(r["directive"] for r in pos).most_common()),
        "clauses": dict(Counter(c for r in pos for c in r["clauses"]).most_common()),
        "loop_lines": {"positive": _length_hist(pos), "negative": _length_hist(neg)},
        "loop_lines_percentiles": _percentiles([r["n_lines"] for r in loops]),
        "test_suite_share": round(sum(n for r, n in repos.items() if r in TEST_SUITES) / total, 4),
        "top_repos": [{"repo": r, "records": n, "share": round(n / total, 4)} for r, n in repos.most_common(15)],
        "negative_why": dict(Counter(r["why"] for r in neg).most_common()),
    }


def parameters() -> dict:
    return {
        "split_seed": SEED,
        "split_fractions": list(FRACTIONS),
        "near_duplicate": {"shingle_tokens": SHINGLE, "jaccard": NEAR_THRESHOLD, "perm": NUM_PERM, "bands": BANDS},
        "test_prefix_min_chars": MIN_PREFIX_CHARS,
        "max_loop_chars": MAX_LOOP_CHARS,
        "negative_ratio": NEGATIVE_RATIO,
        "negatives_per_file": NEGATIVES_PER_FILE,
        "repo_share_cap": REPO_SHARE,
        "test_suite_share_cap": SUITE_SHARE,
        "test_suites": sorted(TEST_SUITES),
    }


def build_stats(loops, files, got, counts: Counter, candidates: dict, n_test: int) -> dict:
    """Everything docs/DATA.md reports, as plain JSON."""
    return {
        "parameters": parameters(),
        "input": {
            "records": got.n_records,
            "rejected": dict(got.bad.most_common()),
            "rejected_examples": got.bad_examples,
            "test_loops": n_test,
        },
        "candidates": candidates,
        "removed_and_skipped": dict(sorted(counts.items())),
        "splits": {s: _split_stats(loops[s], files[s]) for s in SPLITS},
    }


def _table(header: list[str], rows: list[list]) -> str:
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|",
    ]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def render_markdown(stats: dict) -> str:
    """A markdown report of the statistics (the generated part of docs/DATA.md)."""
    sp = stats["splits"]
    out = ["## Records per split", ""]
    out.append(
        _table(
            ["split", "positives", "negatives", "files", "file MB", "repos", "with context"],
            [
                [
                    s,
                    sp[s]["positives"],
                    sp[s]["negatives"],
                    sp[s]["files"],
                    f"{sp[s]['file_chars'] / 1e6:.1f}",
                    sp[s]["repos"],
                    sp[s]["with_context"],
                ]
                for s in SPLITS
            ],
        )
    )
    out += ["", "## Removed and skipped (counts over all splits)", ""]
    out.append(_table(["what", "count"], [[k, v] for k, v in stats["removed_and_skipped"].items()]))
    out += [
        "",
        f"Candidates before deduplication: {stats['candidates']}. Input records: {stats['input']['records']}; "
        f"rejected: {stats['input']['rejected'] or 'none'}.",
        "",
    ]
    train = sp["train"]
    out += ["## Directives (train positives)", ""]
    out.append(_table(["directive", "count"], [[f"`{k}`", v] for k, v in list(train["directives"].items())[:20]]))
    out += ["", "## Clauses (train positives)", ""]
    out.append(_table(["clause", "count"], [[f"`{k}`", v] for k, v in train["clauses"].items()]))
    out += ["", "## Loop length in lines (train)", ""]
    hist = train["loop_lines"]
    out.append(
        _table(["lines", "positives", "negatives"], [[k, v, hist["negative"][k]] for k, v in hist["positive"].items()])
    )
    out += ["", f"Percentiles (all train loops): {train['loop_lines_percentiles']}", ""]
    out += [
        f"Share of train loop records from the flagged OpenMP test suites: {100 * train['test_suite_share']:.1f}%",
        "",
    ]
    out += ["## Negatives kept (train), by reason", ""]
    out.append(_table(["why", "count"], [[k, v] for k, v in train["negative_why"].items()]))
    out += ["", "## Largest repositories (train loop records)", ""]
    out.append(
        _table(
            ["repo", "records", "share"],
            [[r["repo"], r["records"], f"{100 * r['share']:.1f}%"] for r in train["top_repos"]],
        )
    )
    capped = stats.get("capped_repos", {})
    out += ["", "## Removed by the per-repository cap (train)", ""]
    out.append(
        _table(
            ["repo", "positives", "negatives", "file MB"],
            [
                [r, c.get("positives", 0), c.get("negatives", 0), f"{c.get('file_chars', 0) / 1e6:.2f}"]
                for r, c in capped.items()
            ],
        )
    )
    out += ["", f"Build: {stats.get('build', {})}", ""]
    return "\n".join(out)
