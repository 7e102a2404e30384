"""``ompgpt data augment``: a built data folder + silver (analysis) + synthetic (verified) loops -> a new folder.

Why a separate command: the base build takes ~5-10 minutes on the shared 2-core machine; augmentation only needs the
built records (for deduplication and agreement) and one more pass over the corpus. Validation, test and whole-file
outputs are linked (hard link, else copied) unchanged: augmentation only ever adds *training* loop records.

Mixing (documented in docs/DATA.md and written to ``mix.json``):

* silver records are capped per repository like the human ones (:func:`ompgpt.data.sampling.cap_by_repo`, 5%);
* silver ``none`` records are kept at most :data:`SILVER_NONE_PER_PARALLEL` per silver parallel record, in hash order;
* silver + synthetic records together are at most the number of human records, so human records stay >= 50% of the
  training loop records (:data:`MIN_HUMAN_SHARE`); silver is cut (parallel and ``none`` in proportion, hash order).
Every record appears once (weight 1): the mix is set by these counts, not by sampling weights.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections import Counter
from pathlib import Path

from ompgpt.data.build import _write_jsonl, publish_dir
from ompgpt.data.decontam import load_test_set
from ompgpt.data.format import NO_PRAGMA
from ompgpt.data.sampling import _identity_hash, cap_by_repo
from ompgpt.data.silver import load_human, silver_labels

MIN_HUMAN_SHARE = 0.5
SILVER_NONE_PER_PARALLEL = 1.0
LINKED = (
    "loops-validation.jsonl",
    "loops-test.jsonl",
    "files-train.jsonl",
    "files-validation.jsonl",
    "files-test.jsonl",
    "stats.json",
    "DATA-stats.md",
)


def _take(items: list[dict], n: int) -> list[dict]:
    """The first ``n`` items in a stable hash order of their identity (spreads the cut over repos and files)."""
    return sorted(items, key=_identity_hash)[: max(0, n)]


def mix_silver(silver: list[dict], n_human: int, n_synthetic: int, counts: Counter) -> list[dict]:
    """Apply the repository cap, the ``none`` ratio and the human-share cap (see the module docstring)."""
    capped = cap_by_repo(silver)
    counts["silver: over per-repo cap"] += len(silver) - len(capped)
    par = [r for r in capped if r["pragma"] != NO_PRAGMA]
    neg = [r for r in capped if r["pragma"] == NO_PRAGMA]
    keep_neg = _take(neg, int(SILVER_NONE_PER_PARALLEL * len(par)))
    counts["silver none: over the none-per-parallel ratio"] += len(neg) - len(keep_neg)
    room = int(n_human * (1 - MIN_HUMAN_SHARE) / MIN_HUMAN_SHARE) - n_synthetic
    total = len(par) + len(keep_neg)
    if total > room:
        n_par = round(room * len(par) / total) if total else 0
        counts["silver: over the human-share cap"] += total - room
        par, keep_neg = _take(par, n_par), _take(keep_neg, room - n_par)
    return par + keep_neg


def kinds_table(records: list[dict]) -> dict[str, int]:
    """Records per clause kind (a record with private and reduction counts under both)."""
    table: Counter = Counter()
    for rec in records:
        table.update([NO_PRAGMA] if rec["pragma"] == NO_PRAGMA else rec.get("clauses") or ["plain"])
    table["records"] = len(records)
    return dict(table.most_common())


def _link(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _silver(corpus, human, forbidden, test, budget_s, silver_from, counts, log) -> tuple[list[dict], dict]:
    """Silver records before mixing, labelled now or read back from an earlier augment output (``silver_from``:
    its ``silver-records.jsonl``, else the ``analysis`` records of its ``loops-train.jsonl``, already mixed once)."""
    if silver_from is None:
        res = silver_labels(corpus, human, forbidden, test, budget_s, log)
        counts.update(res.counts)
        info = {
            "seconds": res.seconds,
            "labelled_before_mixing": kinds_table(res.records),
            "agreement_with_human_pragmas": res.agreement.summary(),
        }
        return res.records, info
    cached = silver_from / "silver-records.jsonl"
    source = cached if cached.exists() else silver_from / "loops-train.jsonl"
    with open(source, encoding="utf-8") as fh:
        records = [r for r in map(json.loads, fh) if r.get("source") == "analysis"]
    for rec in records:
        forbidden.add(rec["code"], f"silver:{rec['repo']}/{rec['path']}:{rec['line']}")
    info = json.loads((silver_from / "mix.json").read_text(encoding="utf-8")).get("silver", {})
    info["reused_from"] = str(source)
    log(f"augment: reused {len(records)} silver records from {source}")
    return records, info


def _write(out: Path, data_dir: Path, train: list[dict], extra: dict[str, dict], rows: dict[str, list]) -> None:
    """Write the augmented folder all at once (see :func:`ompgpt.data.build.publish_dir`)."""

    def fill(tmp: Path) -> None:
        for name in LINKED:
            if (data_dir / name).exists():
                _link(data_dir / name, tmp / name)
        _write_jsonl(tmp / "loops-train.jsonl", train)
        for name, items in rows.items():
            _write_jsonl(tmp / name, items)
        for name, obj in extra.items():
            (tmp / name).write_text(json.dumps(obj, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    publish_dir(out, fill)


def _order(rec: dict) -> tuple:
    return (rec["repo"], rec["path"], rec.get("line", 0), rec.get("source", ""))


def augment(
    data_dir: Path,
    corpus: Path,
    out: Path,
    benchmarks: Path | None,
    sources: tuple[str, ...] = ("silver", "synthetic"),
    synthetic_n: int = 200,
    silver_budget_s: float | None = None,
    synthetic_budget_s: float | None = None,
    seed: int = 0,
    silver_from: Path | None = None,
    confirm_serial: bool = False,
    log=print,
) -> dict:
    """Build ``out`` from ``data_dir`` plus the requested sources; returns what ``mix.json`` holds."""
    started = time.time()
    human, forbidden = load_human(data_dir)
    test = load_test_set(benchmarks)
    log(f"augment: {len(human['train'])} human train records, test set {len(test)} loops")
    counts: Counter = Counter()
    all_silver, silver_info, synthetic, synth_info = [], {}, [], {}
    if "silver" in sources and silver_from is not None:  # first, so synthetic loops are deduplicated against them
        all_silver, silver_info = _silver(corpus, human, forbidden, test, None, silver_from, counts, log)
    if "synthetic" in sources and synthetic_n > 0:
        from ompgpt.data.synthetic import synthetic_records

        synthetic, synth_info = synthetic_records(
            synthetic_n, forbidden, test, seed, synthetic_budget_s, log, confirm_serial
        )
    if "silver" in sources and silver_from is None:
        all_silver, silver_info = _silver(corpus, human, forbidden, test, silver_budget_s, None, counts, log)
    silver = mix_silver(all_silver, len(human["train"]), len(synthetic), counts)
    train = [{**r, "source": "human"} for r in human["train"]] + silver + synthetic
    train.sort(key=_order)
    mix = _mix_summary(human["train"], silver, synthetic, counts, silver_info, synth_info)
    mix["seconds"] = round(time.time() - started, 1)
    programs = synth_info.pop("programs", [])
    extra = {"silver-records.jsonl": all_silver, "synthetic-programs.jsonl": programs}
    _write(out, data_dir, train, {"mix.json": mix}, extra)
    log(f"augment: wrote {out} ({len(train)} train loop records) in {time.time() - started:.0f}s")
    return mix


def _mix_summary(human, silver, synthetic, counts, silver_info, synth_info) -> dict:
    n = {"human": len(human), "analysis": len(silver), "synthetic": len(synthetic)}
    total = sum(n.values())
    return {
        "counts": n,
        "shares": {k: round(v / total, 4) for k, v in n.items()},
        "weights": {k: 1.0 for k in n},
        "rules": {
            "min_human_share": MIN_HUMAN_SHARE,
            "silver_none_per_parallel": SILVER_NONE_PER_PARALLEL,
            "silver_repo_cap": "sampling.cap_by_repo (5%, test suites 1%)",
        },
        "clause_kinds": {
            "human": kinds_table(human),
            "analysis": kinds_table(silver),
            "synthetic": kinds_table(synthetic),
        },
        "silver": silver_info,
        "synthetic": synth_info,
        "removed": dict(sorted(counts.items())),
    }
