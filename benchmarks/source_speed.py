"""Benchmark the source stage on the whole corpus: parse + loop-find speed, and how many loop pragmas attach.

Usage: python benchmarks/source_speed.py [--corpus ../shared/corpus] [--limit N]

Speed is reported per CPU-second of this single process (time.process_time), so it means "lines per second on one
core" even when other work shares the machine; wall time is printed too. A loop pragma is a parsed pragma whose
directive is a loop directive (for, simd, loop, taskloop, distribute ...); it is attached when the statement it
governs is a for loop. Misses are listed by cause with examples.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import sys
import time
from pathlib import Path

from ompgpt.source import SourceFile, scan


def corpus_records(corpus: Path):
    for shard in sorted(corpus.glob("openmp-c-files-*.jsonl.gz")):
        with gzip.open(shard, "rt", encoding="utf-8") as fh:
            for line in fh:
                yield json.loads(line)


def miss_cause(parsed, site) -> str:
    if site.governed_start is None:
        follower = parsed.data[site.end_byte : site.end_byte + 200].decode("utf-8", "replace").split("\n")
        nxt = next((x.strip() for x in follower if x.strip()), "")
        return "followed by another OpenMP directive" if nxt.startswith("#") else "loop not parsed (macro/syntax)"
    text = parsed.data[site.governed_start : site.governed_start + 40].decode("utf-8", "replace")
    if text.startswith("{"):
        return "block with more than a loop (invalid OpenMP)"
    return "governs a non-loop statement (macro loop, while, call)"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpus")
    ap.add_argument("--limit", type=int, default=0, help="stop after N files (0: all)")
    args = ap.parse_args()
    lines = files = loops = total = attached = 0
    cpu = 0.0
    misses: collections.Counter[str] = collections.Counter()
    examples: dict[str, list[str]] = collections.defaultdict(list)
    wall0 = time.perf_counter()
    for rec in corpus_records(args.corpus):
        src = SourceFile.from_text(rec["text"], rec["lang"], f"{rec['repo']}/{rec['path']}")
        t0 = time.process_time()
        result = scan(src)
        cpu += time.process_time() - t0
        files += 1
        lines += rec["text"].count("\n") + 1
        loops += len(result.loops)
        for site in result.pragmas:
            if site.pragma is None or not site.pragma.is_loop_directive:
                continue
            total += 1
            if site.loop is not None:
                attached += 1
                continue
            cause = miss_cause(result.parsed, site)
            misses[cause] += 1
            if len(examples[cause]) < 3:
                examples[cause].append(f"{src.path}:{site.line}: {site.text.splitlines()[0][:70]}")
        if args.limit and files >= args.limit:
            break
    wall = time.perf_counter() - wall0
    print(f"files {files}, lines {lines}, loops {loops}")
    print(f"parse + loop-find: {cpu:.1f} CPU s -> {lines / cpu:,.0f} lines/s on one core (wall {wall:.1f} s total)")
    print(f"loop pragmas {total}, attached {attached} ({100 * attached / max(total, 1):.2f}%)")
    for cause, count in misses.most_common():
        print(f"  miss: {cause}: {count}")
        for ex in examples[cause]:
            print(f"      e.g. {ex}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
