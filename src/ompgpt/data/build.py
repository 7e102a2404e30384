"""``ompgpt data build``: corpus shards -> deduplicated, decontaminated, repo-split loop and file records.

Steps: (1) files are scanned in worker processes (loops, pragmas, context, MinHash signatures, test-set checks,
whole-file text); (2) each repository gets its split; (3) loops are deduplicated globally, exact then near, keeping
positives before negatives and train before validation before test, so no copy crosses splits; (4) per-split
negative sampling and per-repository caps; (5) everything is written to a temporary folder beside the output and
renamed into place only when complete.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ompgpt.data.corpus import iter_corpus
from ompgpt.data.decontam import TestSet, load_test_set
from ompgpt.data.dedup import LSHIndex
from ompgpt.data.parallel import ordered_map
from ompgpt.data.records import FileResult, process_file
from ompgpt.data.sampling import cap_by_repo, pick_negatives
from ompgpt.data.splits import SPLITS, split_of
from ompgpt.data.stats import build_stats, render_markdown

_TEST: TestSet | None = None


@dataclass
class Collected:
    """Everything the workers returned, plus counters."""

    positives: list[dict] = field(default_factory=list)
    negatives: list[dict] = field(default_factory=list)
    files: list[dict] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    bad: Counter = field(default_factory=Counter)
    bad_examples: list[str] = field(default_factory=list)
    n_records: int = 0

    def reject(self, reason: str, where: str) -> None:
        self.bad[reason] += 1
        if len(self.bad_examples) < 20:
            self.bad_examples.append(f"{where}: {reason}")


def _init_worker(test: TestSet) -> None:
    global _TEST
    _TEST = test


def _work(record: dict) -> tuple[dict, FileResult]:
    meta = {k: record.get(k, "") for k in ("repo", "path", "lang", "commit", "license")}
    return meta, process_file(record, _TEST)


def _good_records(corpus: Path, out: Collected):
    for record, reason in iter_corpus(corpus):
        out.n_records += 1
        if record is None:
            where, _, why = reason.partition(": ")
            out.reject(why.split(" (")[0], where)
        else:
            yield record


def collect(corpus: Path, test: TestSet, jobs: int, log=print) -> Collected:
    """Scan every corpus file (in ``jobs`` processes when > 1) and gather the results in corpus order."""
    out = Collected()
    records = _good_records(corpus, out)
    if jobs <= 1:
        _init_worker(test)
        results = map(_work, records)
        _gather(results, out, log)
        return out
    _gather(ordered_map(_work, records, jobs, _crashed, _init_worker, (test,)), out, log)
    return out


def _crashed(record: dict) -> tuple[dict, FileResult]:
    meta = {k: record.get(k, "") for k in ("repo", "path", "lang", "commit", "license")}
    return meta, FileResult(error="WorkerCrashed: the process scanning this file died")


def _gather(results, out: Collected, log) -> None:
    started = time.time()
    for n, (meta, res) in enumerate(results, 1):
        if n % 1000 == 0:
            log(f"  {n} files scanned ({time.time() - started:.0f}s)")
        if res.error is not None:
            out.reject(res.error.split(":")[0], f"{meta['repo']}/{meta['path']}")
            continue
        out.counts.update(res.counts)
        split = split_of(meta["repo"])
        for rec in res.positives + res.negatives:
            rec["split"] = split
        out.positives.extend(res.positives)
        out.negatives.extend(res.negatives)
        if res.file_contaminated:
            out.counts["files: contain a test loop (dropped from files-*)"] += 1
        elif res.file_text is not None:
            out.files.append({"text": res.file_text, **meta, "split": split})


def deduplicate(records: list[dict], counts: Counter) -> list[dict]:
    """Drop exact (normalized text) and near (MinHash) duplicates, keeping the first in priority order."""
    order = {s: i for i, s in enumerate(SPLITS)}
    records.sort(key=lambda r: (r["pragma"] == "none", order[r["split"]], r["repo"], r["path"], r["line"]))
    seen: set[str] = set()
    index = LSHIndex()
    kept = []
    for rec in records:
        kind = "negative" if rec["pragma"] == "none" else "positive"
        if rec["_key"] in seen:
            counts[f"{kind}: exact duplicate"] += 1
            continue
        seen.add(rec["_key"])
        if index.find(rec["_sig"]) is not None:
            counts[f"{kind}: near duplicate"] += 1
            continue
        index.add(rec["_sig"], f"{rec['repo']}/{rec['path']}:{rec['line']}")
        kept.append(rec)
    return kept


def _capped(items: list[dict], what: str, capped: dict, weight=lambda _: 1) -> list[dict]:
    """``cap_by_repo`` that records, per repository, how much it removed (for stats.json)."""
    kept = cap_by_repo(items, weight=weight)
    before, after = Counter(), Counter()
    for item in items:
        before[item["repo"]] += weight(item)
    for item in kept:
        after[item["repo"]] += weight(item)
    for repo in before:
        if before[repo] > after[repo]:
            capped.setdefault(repo, {})[what] = before[repo] - after[repo]
    return kept


def select(records: list[dict], files: list[dict], counts: Counter) -> tuple[dict, dict, dict]:
    """Per split: positives, sampled negatives and files; in train each is capped per repository (files by
    characters). Returns loops and files by split, and what the caps removed per repository."""
    loops_by_split, files_by_split, capped = {}, {}, {}
    for split in SPLITS:
        pos = [r for r in records if r["split"] == split and r["pragma"] != "none"]
        neg = [r for r in records if r["split"] == split and r["pragma"] == "none"]
        fil = [f for f in files if f["split"] == split]
        counts[f"negative candidates after dedup ({split})"] += len(neg)
        if split == "train":
            n_pos, n_fil = len(pos), len(fil)
            pos = _capped(pos, "positives", capped)
            fil = _capped(fil, "file_chars", capped, weight=lambda f: len(f["text"]))
            counts["positive: over per-repo cap"] += n_pos - len(pos)
            counts["files: over per-repo cap"] += n_fil - len(fil)
        neg = pick_negatives(neg, len(pos))
        if split == "train":
            n_neg = len(neg)
            neg = _capped(neg, "negatives", capped)
            counts["negative: over per-repo cap"] += n_neg - len(neg)
        loops_by_split[split] = pos + neg
        files_by_split[split] = fil
    return loops_by_split, files_by_split, capped


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps({k: v for k, v in row.items() if not k.startswith("_")}, ensure_ascii=False))
            fh.write("\n")


def publish_dir(out: Path, fill) -> None:
    """Let ``fill(tmp)`` write a folder at ``.<name>.tmp-<pid>`` beside ``out``, then swap it in: a failure at any
    point leaves ``out`` as it was, and readers never see a half-written folder."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tmp.mkdir()
        fill(tmp)
        if out.exists():
            out.rename(old)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old.exists() and not out.exists():
            old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def write_atomic(out: Path, loops: dict[str, list], files: dict[str, list], stats: dict) -> None:
    """Write the splits, stats.json and DATA-stats.md into ``out`` all at once (see :func:`publish_dir`)."""

    def fill(tmp: Path) -> None:
        for split in SPLITS:
            _write_jsonl(tmp / f"loops-{split}.jsonl", loops[split])
            _write_jsonl(tmp / f"files-{split}.jsonl", files[split])
        (tmp / "stats.json").write_text(json.dumps(stats, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        (tmp / "DATA-stats.md").write_text(render_markdown(stats), encoding="utf-8")

    publish_dir(out, fill)


def build(corpus: Path, out: Path, benchmarks: Path | None, jobs: int = 1, log=print) -> dict:
    """Run the whole build; returns the statistics that were written to ``out/stats.json``."""
    started = time.time()
    test = load_test_set(benchmarks)
    log(f"test set: {len(test)} distinct normalized loops")
    got = collect(corpus, test, jobs, log)
    log(
        f"scanned {got.n_records} records in {time.time() - started:.0f}s: {len(got.positives)} positive and "
        f"{len(got.negatives)} negative candidate loops, {len(got.files)} files, {sum(got.bad.values())} rejected"
    )
    counts = got.counts
    n_pos, n_neg = len(got.positives), len(got.negatives)
    kept = deduplicate(got.positives + got.negatives, counts)
    loops, files, capped = select(kept, got.files, counts)
    stats = build_stats(loops, files, got, counts, {"positive": n_pos, "negative": n_neg}, len(test))
    stats["capped_repos"] = dict(sorted(capped.items()))
    stats["build"] = {"seconds": round(time.time() - started, 1), "jobs": jobs, "corpus": str(corpus)}
    write_atomic(out, loops, files, stats)
    log(f"wrote {out} in {time.time() - started:.0f}s")
    return stats
