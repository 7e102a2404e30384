"""Reading the corpus: gzip JSON Lines shards, one record per source file (see the corpus DATASHEET).

Records are checked here, before any parsing, so a malformed line is counted with its reason and skipped instead of
stopping the build.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

REQUIRED_FIELDS = ("repo", "path", "lang", "text")
LANGS = ("c", "cpp")


def shard_paths(corpus: Path) -> list[Path]:
    """The shards of a corpus folder in name order (``*.jsonl.gz``, or plain ``*.jsonl`` for small fixtures)."""
    paths = sorted(corpus.glob("*.jsonl.gz")) or sorted(corpus.glob("*.jsonl"))
    if not paths:
        raise FileNotFoundError(f"no *.jsonl.gz or *.jsonl shards in {corpus}")
    return paths


def check_record(record: object) -> str | None:
    """Why a decoded record cannot be used, or None when it can."""
    if not isinstance(record, dict):
        return "record is not a JSON object"
    for name in REQUIRED_FIELDS:
        if not isinstance(record.get(name), str) or not record[name]:
            return f"missing or non-string field {name!r}"
    if record["lang"] not in LANGS:
        return f"unknown lang {record['lang']!r}"
    if "\x00" in record["text"]:
        return "text contains NUL bytes"
    return None


def iter_corpus(corpus: Path) -> Iterator[tuple[dict | None, str | None]]:
    """Yield ``(record, None)`` for good records and ``(None, reason)`` for bad ones, across all shards."""
    for shard in shard_paths(corpus):
        yield from _iter_shard(shard)


def _iter_shard(shard: Path) -> Iterator[tuple[dict | None, str | None]]:
    opener = gzip.open if shard.suffix == ".gz" else open
    number = 0
    try:
        with opener(shard, "rt", encoding="utf-8", errors="surrogateescape") as fh:
            for number, line in enumerate(fh, 1):
                if line.strip():
                    yield _decode(line, f"{shard.name}:{number}")
    except (OSError, EOFError) as exc:  # truncated or corrupt gzip: keep what was read, report the rest
        yield None, f"{shard.name}:{number + 1}: unreadable shard from here on ({exc})"


def _decode(line: str, where: str) -> tuple[dict | None, str | None]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, f"{where}: invalid JSON ({exc.msg})"
    reason = check_record(record)
    return (None, f"{where}: {reason}") if reason is not None else (record, None)
