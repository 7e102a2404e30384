"""Checks on real code from ../shared/corpus (skipped when the corpus is absent, e.g. on a user's machine)."""

import gzip
import itertools
import json
from pathlib import Path

import pytest

from ompgpt.source import SourceFile, scan
from ompgpt.source.edit import restore_pragmas, strip_omp_pragmas

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def sample(n: int):
    shard = CORPUS / "openmp-c-files-01.jsonl.gz"
    if not shard.exists():
        pytest.skip(f"corpus not found at {CORPUS}")
    with gzip.open(shard, "rt", encoding="utf-8") as fh:
        yield from (json.loads(line) for line in itertools.islice(fh, 0, None, 7))


def test_strip_restore_round_trip_and_pragma_attachment_on_real_files():
    total = attached = 0
    for rec in itertools.islice(sample(0), 150):
        src = SourceFile.from_text(rec["text"], rec["lang"], rec["path"])
        stripped, removed = strip_omp_pragmas(src)
        assert restore_pragmas(stripped, removed) == src.text, rec["path"]
        for site in scan(src).pragmas:
            if site.pragma is not None and site.pragma.is_loop_directive:
                total += 1
                attached += site.loop is not None
    assert total > 300
    assert attached / total >= 0.97
