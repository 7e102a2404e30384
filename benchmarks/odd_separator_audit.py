"""Corpus files holding characters ``str.splitlines`` breaks at but compilers do not: are they edited right?

Form feeds (page breaks in old C code), ``\\x0b``, ``\\x1c``-``\\x1e``, ``\\x85`` and U+2028/U+2029 are ordinary
characters inside a C line. For every corpus file containing one, this checks that ``strip`` removes only OpenMP
pragma lines (with their continuations), that ``annotate`` (analysis only) changes nothing but inserted
``#pragma omp`` lines, each directly above a ``for``, and that annotating the result again inserts nothing.

    python benchmarks/odd_separator_audit.py
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import json
import re
import tempfile
import time
from pathlib import Path

from ompgpt.report.annotate import AnnotateOptions, annotate_file
from ompgpt.report.config import Config
from ompgpt.source import read_source
from ompgpt.source.edit import strip_omp_pragmas

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
ODD = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
PRAGMA = re.compile(r"\s*#\s*pragma\s+omp\b")


def odd_records(corpus: Path) -> list[dict]:
    """Corpus records whose text holds at least one odd separator."""
    found = []
    for part in sorted(corpus.glob("openmp-c-files-*.jsonl.gz")):
        with gzip.open(part, "rt", encoding="utf-8") as fh:
            found += [r for r in map(json.loads, fh) if ODD.search(r["text"])]
    return found


def removed_other_lines(before: str, after: str) -> int:
    """Lines of ``before`` missing from ``after`` that are neither a pragma nor a pragma's continuation (or -1 when
    ``after`` has lines ``before`` lacks)."""
    a, b = before.split("\n"), after.split("\n")
    other = 0
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag not in ("equal", "delete"):
            return -1
        continued = False
        for line in a[i1:i2] if tag == "delete" else []:
            other += not (continued or PRAGMA.match(line))
            continued = line.rstrip("\r").endswith("\\")
    return other


def inserted_lines(before: str, after: str) -> tuple[int, int, int]:
    """(pragma lines inserted directly above a ``for``, inserted lines that are not, other changed lines)."""
    a, b = before.split("\n"), after.split("\n")
    good = bad = other = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "insert":
            for j in range(j1, j2):
                above_for = PRAGMA.match(b[j]) and re.match(r"\s*for\b", b[j + 1] if j + 1 < len(b) else "")
                good, bad = good + bool(above_for), bad + (not above_for)
        elif tag != "equal":
            other += max(i2 - i1, j2 - j1)
    return good, bad, other


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=CORPUS, help=f"the corpus folder (default {CORPUS})")
    ap.add_argument("--limit", type=int, default=0, help="at most this many files (default: all)")
    args = ap.parse_args()
    records = odd_records(args.corpus)[: args.limit or None]
    options = AnnotateOptions(config=Config(model=False))
    totals = dict.fromkeys(["strip_bad_files", "strip_other_lines", "placed", "misplaced", "other", "second_run"], 0)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for n, record in enumerate(records):
            path = Path(tmp) / f"f{n}{Path(record['path']).suffix or '.c'}"
            path.write_bytes(record["text"].encode("utf-8"))
            other = removed_other_lines(record["text"], strip_omp_pragmas(read_source(path))[0])
            totals["strip_bad_files"] += other != 0
            totals["strip_other_lines"] += max(other, 0)
            updated = annotate_file(path, options).updated or record["text"]
            placed, misplaced, changed = inserted_lines(record["text"], updated)
            totals["placed"] += placed
            totals["misplaced"] += misplaced
            totals["other"] += changed
            path.write_bytes(updated.encode("utf-8"))
            again = annotate_file(path, options)
            totals["second_run"] += sum(r.action == "insert" for r in again.loops)
    print(f"{len(records)} files with odd separators, {time.perf_counter() - start:.0f} s")
    print(
        f"strip: {totals['strip_bad_files']} files lose {totals['strip_other_lines']} non-pragma lines\n"
        f"annotate: {totals['placed']} pragma lines directly above a for, {totals['misplaced']} elsewhere, "
        f"{totals['other']} other lines changed; a second run inserts {totals['second_run']} more"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
