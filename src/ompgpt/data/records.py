"""One corpus file -> loop records (positives and negative candidates) and its whole-file training text.

Runs in worker processes: everything returned is plain data (dicts, strings, numpy arrays) so it pickles cheaply.
Fields starting with ``_`` are build-internal (dedup keys, signatures) and are dropped before writing.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

import numpy as np

from ompgpt.data.context import loop_context
from ompgpt.data.decontam import TestSet
from ompgpt.data.dedup import minhash
from ompgpt.data.format import NO_PRAGMA
from ompgpt.data.normalize import exact_key, exact_text, normalize_loop_code
from ompgpt.data.wholefile import pragmas_after_loops
from ompgpt.source.loops import FileScan, Loop, scan
from ompgpt.source.parse import ParsedSource, _parser, masked_for_parsing
from ompgpt.source.text import SourceFile

MAX_LOOP_CHARS = 4000  # longer loops do not fit the model's 512-token block with their pragma; they are counted


@dataclass
class FileResult:
    """What one file contributes, plus per-file counters for the statistics."""

    positives: list[dict] = field(default_factory=list)
    negatives: list[dict] = field(default_factory=list)
    file_text: str | None = None
    file_contaminated: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    error: str | None = None

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n


_OMP_LINE = re.compile(rb"^[ \t]*#[ \t]*pragma[ \t]+omp\b(?:[^\n\\]|\\\r?\n|\\)*", re.MULTILINE)


def scan_source(source: SourceFile) -> FileScan:
    """``scan`` with the syntax tree built from the text with OpenMP pragma lines blanked (same byte offsets).

    Why: tree-sitter cannot parse a ``#pragma`` between a ``for`` header and an unbraced body
    (``for (...)\\n#pragma omp simd\\nfor (...) ...``): the outer loop gets an empty body and the inner loop becomes
    its sibling. Without the pragma lines the loop nest parses as the compiler sees it; the pragmas themselves are
    still found on the original bytes. Inference should scan files the same way.
    """
    data = source.text.encode("utf-8", errors="surrogateescape")
    blanked = _OMP_LINE.sub(lambda m: re.sub(rb"[^\r\n]", b" ", m.group()), data)
    return scan(ParsedSource(source=source, data=data, tree=_parser(source.lang).parse(masked_for_parsing(blanked))))


def process_file(record: dict, test: TestSet) -> FileResult:
    """Scan one corpus record; never raises (a failure becomes ``error`` with its reason)."""
    result = FileResult()
    try:
        source = SourceFile.from_text(_valid_unicode(record["text"]), record["lang"], record["path"])
        fscan = scan_source(source)
        _collect(record, fscan, test, result)
        result.file_text = pragmas_after_loops(fscan)
    except Exception as exc:  # one bad file must not stop the build; the reason is counted
        return FileResult(error=f"{type(exc).__name__}: {exc}"[:300])
    return result


def _valid_unicode(text: str) -> str:
    """Lone surrogates (from ``\\udcxx`` escapes in the JSON) cannot be written as UTF-8: they become "?"."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", errors="replace").decode("utf-8")
    return text


def _test_matches(fscan: FileScan, sigs: list[np.ndarray], test: TestSet) -> dict[int, str]:
    """Loops matching a test loop (``exact``, ``near duplicate``) and loops enclosing one (``contains a test loop``)."""
    hit: dict[int, str] = {}
    for i, loop in enumerate(fscan.loops):
        if test.exact_match(exact_text(loop.text)):
            hit[i] = "exact"
        elif test.near_match(sigs[i]) is not None:
            hit[i] = "near duplicate"
    for i in list(hit):
        j = fscan.loops[i].parent
        while j is not None and j not in hit:
            hit[j] = "contains a test loop"
            j = fscan.loops[j].parent
    return hit


def _contains_omp(fscan: FileScan) -> set[int]:
    """Indices of loops whose text contains any OpenMP pragma (they are not clean negatives)."""
    starts = sorted(s.start_byte for s in fscan.pragmas)
    out = set()
    for i, loop in enumerate(fscan.loops):
        node = loop.node
        k = bisect_left(starts, node.start_byte) if node is not None else len(starts)
        if k < len(starts) and starts[k] < node.end_byte:
            out.add(i)
    return out


def _collect(record: dict, fscan: FileScan, test: TestSet, result: FileResult) -> None:
    codes = [normalize_loop_code(loop.text) for loop in fscan.loops]
    sigs = [minhash(code) for code in codes]
    contaminated = _test_matches(fscan, sigs, test)
    result.file_contaminated = bool(contaminated)
    has_omp_inside = _contains_omp(fscan)
    for i, loop in enumerate(fscan.loops):
        kind, why = _classify(loop, i in has_omp_inside)
        if kind is None:
            result.count(f"skipped: {why}")
        elif i in contaminated:
            result.count(f"{kind}: test loop ({contaminated[i]})")
        elif len(codes[i]) > MAX_LOOP_CHARS:
            result.count(f"{kind}: longer than {MAX_LOOP_CHARS} chars")
        else:
            rec = _record(record, fscan, loop, codes[i], why, sigs[i])
            (result.positives if kind == "positive" else result.negatives).append(rec)


def _body_missing(loop: Loop) -> bool:
    """The loop's body did not parse (e.g. an ``#if`` line between header and body): only the header is left."""
    body = loop.node.child_by_field_name("body") if loop.node is not None else None
    if body is None:
        return True
    return body.type == "expression_statement" and body.child_count == 1 and body.children[0].is_missing


def _classify(loop: Loop, contains_omp: bool) -> tuple[str | None, str]:
    """``("positive", why)``, ``("negative", why)`` or ``(None, reason it is neither)``."""
    if _body_missing(loop):
        return None, "loop body did not parse"
    site = loop.pragma_site
    if site is not None:
        if site.pragma is None:
            return None, "pragma does not parse"
        if not site.pragma.is_loop_directive:
            return None, f"governed by non-loop directive '{site.pragma.directive_name}'"
        return "positive", "governed by a loop directive"
    if loop.in_omp_loop:
        return None, "inside a loop with a loop directive"
    if loop.in_parallel_region:
        return None, "inside a parallel region"
    if contains_omp:
        return None, "contains an OpenMP pragma"
    where = "outermost loop" if loop.parent is None else "inner loop of a serial loop"
    return "negative", f"no pragma; {where} in a file that uses OpenMP"


def _record(record: dict, fscan: FileScan, loop: Loop, code: str, why: str, signature: np.ndarray) -> dict:
    pragma = loop.pragma
    out = {
        "code": code,
        "context": loop_context(fscan.parsed, loop),
        "pragma": pragma.canonical() if pragma is not None else NO_PRAGMA,
        "directive": pragma.directive_name if pragma is not None else NO_PRAGMA,
        "clauses": sorted({c.name for c in pragma.merged_clauses()}) if pragma is not None else [],
        "lang": record["lang"],
        "repo": record["repo"],
        "path": record["path"],
        "commit": record.get("commit", ""),
        "license": record.get("license", ""),
        "line": loop.line,
        "function": loop.function,
        "depth": loop.depth,
        "in_parallel_region": loop.in_parallel_region,
        "n_lines": code.count("\n") + 1,
        "why": why,
        "_key": exact_key(code),
        "_sig": signature,
    }
    if pragma is not None:
        out["pragma_text"] = " ".join(loop.pragma_site.text.split())
        if loop.pragma_site.error:
            out["pragma_warning"] = loop.pragma_site.error
    return out
