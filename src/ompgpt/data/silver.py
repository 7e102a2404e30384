"""Silver labels: loops of the training repositories that carry no human pragma, labelled by the static analysis.

Why: the human records hold ~12k positives, few of them with ``private``/``reduction``/``collapse`` clauses, and
noisy ``none`` labels (a serial loop in an OpenMP file may just never have been worth parallelizing). The analysis
(:mod:`ompgpt.analysis`) is one-sided: ``parallel`` only with a proof (it then gives the full data-sharing clauses),
``serial`` only with a proven carried dependence. Those two verdicts become labels; ``unknown`` loops stay out.

Which loops: exactly the builder's negative candidates (:func:`ompgpt.data.records._classify`: no pragma, not in a
parallel region or parallelized loop, containing no pragma) of files in *train* repositories. Records are built by
the builder's own :func:`ompgpt.data.records._record` (same code/context normalization, so prompts match) and are
removed when they match the MonoCoder test set (the builder's checks), a human record of any split, a loop of a
validation/test file, or an earlier silver record (exact key, then MinHash near-duplicate).

The same pass measures the analysis against the human pragmas of the training records (its quality estimate).
"""

from __future__ import annotations

import json
import signal
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ompgpt.analysis import AnalysisOptions, LoopAnalysis, analyze_file
from ompgpt.data.corpus import iter_corpus
from ompgpt.data.decontam import TestSet
from ompgpt.data.dedup import LSHIndex, minhash
from ompgpt.data.format import NO_PRAGMA
from ompgpt.data.normalize import exact_key, normalize_loop_code
from ompgpt.data.records import (
    MAX_LOOP_CHARS,
    _classify,
    _contains_omp,
    _record,
    _test_matches,
    _valid_unicode,
    scan_source,
)
from ompgpt.data.splits import split_of
from ompgpt.source.loops import FileScan
from ompgpt.source.pragma import PragmaError, parse_pragma
from ompgpt.source.text import SourceFile

FILE_TIMEOUT_S = 20  # one pathological file must not eat the budget; it is counted and skipped
SOURCE = "analysis"


@dataclass
class Agreement:
    """Analysis vs. human pragma on training loops with a work-sharing ``for`` directive."""

    loops: int = 0
    verdicts: Counter = field(default_factory=Counter)
    private_equal: int = 0
    reduction_equal: int = 0
    both_equal: int = 0
    human_has_private: int = 0
    human_has_reduction: int = 0
    private_equal_when_human_has: int = 0
    reduction_equal_when_human_has: int = 0
    none_verdicts: Counter = field(default_factory=Counter)  # human "none" records: what the analysis says

    def summary(self) -> dict:
        par = self.verdicts["parallel"]
        return {
            "human_worksharing_loops_analysed": self.loops,
            "verdicts": dict(self.verdicts),
            "share_called_serial": share(self.verdicts["serial"], self.loops),
            "share_called_parallel": share(par, self.loops),
            "human_none_records_verdicts": dict(self.none_verdicts),
            "when_parallel": {
                "loops": par,
                "private_set_equal": share(self.private_equal, par),
                "reduction_set_equal": share(self.reduction_equal, par),
                "both_equal": share(self.both_equal, par),
                "human_has_private": self.human_has_private,
                "private_set_equal_when_human_has_private": share(
                    self.private_equal_when_human_has, self.human_has_private
                ),
                "human_has_reduction": self.human_has_reduction,
                "reduction_set_equal_when_human_has_reduction": share(
                    self.reduction_equal_when_human_has, self.human_has_reduction
                ),
            },
        }


def share(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


@dataclass
class SilverResult:
    """Silver records (deduplicated, not yet capped) and what happened on the way."""

    records: list[dict] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    agreement: Agreement = field(default_factory=Agreement)
    seconds: float = 0.0


class Forbidden:
    """Loops silver records must not repeat: human records of all splits, validation/test loops, earlier silver."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.index = LSHIndex()

    def add(self, code: str, label: str, signature=None) -> None:
        self.keys.add(exact_key(code))
        self.index.add(minhash(code) if signature is None else signature, label)

    def why(self, key: str, signature) -> str | None:
        if key in self.keys:
            return "exact duplicate"
        return "near duplicate" if self.index.find(signature) is not None else None


def load_human(data_dir: Path) -> tuple[dict[str, list[dict]], Forbidden]:
    """The built loop records per split, and a :class:`Forbidden` seeded with all of them."""
    human: dict[str, list[dict]] = {}
    forbidden = Forbidden()
    for split in ("train", "validation", "test"):
        with open(data_dir / f"loops-{split}.jsonl", encoding="utf-8") as fh:
            human[split] = [json.loads(line) for line in fh if line.strip()]
        for rec in human[split]:
            forbidden.add(rec["code"], f"{split}:{rec['repo']}/{rec['path']}:{rec['line']}")
    return human, forbidden


def _human_pragmas(train: list[dict]) -> dict[tuple[str, str], dict[int, str]]:
    """Training records with a work-sharing ``for`` directive or ``none``, by file and line (agreement numbers)."""
    out: dict[tuple[str, str], dict[int, str]] = {}
    for rec in train:
        if rec["pragma"] == NO_PRAGMA or "for" in rec["directive"].split():
            out.setdefault((rec["repo"], rec["path"]), {})[rec["line"]] = rec["pragma"]
    return out


class _Timeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise _Timeout


def analyse(fscan: FileScan, timeout_s: int = FILE_TIMEOUT_S) -> list[LoopAnalysis] | None:
    """``analyze_file`` with a wall-clock limit (SIGALRM, main thread only); None when it failed or ran out."""
    old = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(timeout_s)
    try:
        return analyze_file(fscan, AnalysisOptions())
    except _Timeout:
        return None
    except Exception:  # an analysis crash on one file is counted, not fatal
        return None
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def label_of(res: LoopAnalysis) -> str | None:
    """``parallel for ...`` (canonical, no ``#pragma omp``) when proven parallel at the chosen level, ``none`` when
    proven serial, else None."""
    if res.pragma is not None:
        try:
            return parse_pragma(res.pragma).canonical()
        except PragmaError:
            return None
    return NO_PRAGMA if res.verdict == "serial" else None


def _private_like(pragma_vars: set[str], drop: set[str]) -> frozenset[str]:
    return frozenset(pragma_vars - drop)


def compare(human: str, res: LoopAnalysis, agreement: Agreement) -> None:
    """Add one human-labelled loop to the agreement counts. Private-like = private, firstprivate and lastprivate,
    without the loop's own index and variables declared inside the loop (privatizing those is a no-op)."""
    if human == NO_PRAGMA:
        agreement.none_verdicts[res.verdict + (" (chosen)" if res.pragma else "")] += 1
        return
    agreement.loops += 1
    agreement.verdicts[res.verdict] += 1
    if res.verdict != "parallel":
        return
    try:
        pragma = parse_pragma("#pragma omp " + human, allow_unknown=True)
    except PragmaError:
        return
    drop = set(res.locals) | {res.induction_var}
    hp = _private_like(
        set(pragma.variables("private") | pragma.variables("firstprivate") | pragma.variables("lastprivate")), drop
    )
    ap = _private_like(set(res.private) | set(res.firstprivate) | set(res.lastprivate) | set(res.collapse_vars), drop)
    hr = frozenset(pragma.reductions())
    ar = frozenset(tuple(r.split(":", 1)) for r in res.reductions)
    agreement.private_equal += hp == ap
    agreement.reduction_equal += hr == ar
    agreement.both_equal += hp == ap and hr == ar
    if hp:
        agreement.human_has_private += 1
        agreement.private_equal_when_human_has += hp == ap
    if hr:
        agreement.human_has_reduction += 1
        agreement.reduction_equal_when_human_has += hr == ar


def _candidates(fscan: FileScan, test: TestSet, counts: Counter) -> list[tuple[int, str, object]]:
    """(loop index, normalized code, signature) of the file's unlabelled loops that may become silver records."""
    codes = [normalize_loop_code(loop.text) for loop in fscan.loops]
    sigs = [minhash(code) for code in codes]
    contaminated = _test_matches(fscan, sigs, test)
    has_omp = _contains_omp(fscan)
    out = []
    for i, loop in enumerate(fscan.loops):
        kind, _ = _classify(loop, i in has_omp)
        if kind != "negative":
            continue
        if i in contaminated:
            counts[f"silver: test loop ({contaminated[i]})"] += 1
        elif len(codes[i]) > MAX_LOOP_CHARS:
            counts[f"silver: longer than {MAX_LOOP_CHARS} chars"] += 1
        else:
            out.append((i, codes[i], sigs[i]))
    return out


def _scan(record: dict) -> FileScan | None:
    try:
        source = SourceFile.from_text(_valid_unicode(record["text"]), record["lang"], record["path"])
        return scan_source(source)
    except Exception:  # the builder rejected the same files; counted
        return None


def _silver_record(record: dict, fscan: FileScan, i: int, code: str, sig, label: str) -> dict:
    loop = fscan.loops[i]
    rec = _record(record, fscan, loop, code, "", sig)
    rec["pragma"] = label
    if label == NO_PRAGMA:
        rec["why"] = "analysis: proven loop-carried dependence (serial)"
    else:
        parsed = parse_pragma("#pragma omp " + label)
        rec["directive"] = parsed.directive_name
        rec["clauses"] = sorted({c.name for c in parsed.merged_clauses()})
        rec["why"] = "analysis: proven parallel at the chosen nest level"
    rec["split"] = "train"
    rec["source"] = SOURCE
    return rec


def _file(record: dict, test: TestSet, forbidden: Forbidden, human_here: dict[int, str], out: SilverResult) -> None:
    fscan = _scan(record)
    if fscan is None:
        out.counts["files: scan failed"] += 1
        return
    cands = _candidates(fscan, test, out.counts)
    if not cands and not human_here:
        return
    results = analyse(fscan)
    if results is None:
        out.counts["files: analysis failed or timed out"] += 1
        return
    out.counts["files: analysed"] += 1
    for loop, res in zip(fscan.loops, results, strict=True):
        if loop.line in human_here:
            compare(human_here[loop.line], res, out.agreement)
    for i, code, sig in cands:
        label = label_of(results[i])
        out.counts[f"candidates: verdict {results[i].verdict}{' (chosen)' if results[i].pragma else ''}"] += 1
        if label is None:
            continue
        kind = "none" if label == NO_PRAGMA else "parallel"
        why = forbidden.why(exact_key(code), sig)
        if why is not None:
            out.counts[f"silver {kind}: {why} of a human, held-out or earlier silver loop"] += 1
            continue
        rec = _silver_record(record, fscan, i, code, sig, label)
        forbidden.add(code, f"silver:{record['repo']}/{record['path']}:{rec['line']}", sig)
        out.records.append(rec)


def _forbid_held_out(record: dict, forbidden: Forbidden, counts: Counter) -> None:
    """Every loop of a validation/test file is off limits (not only the sampled records)."""
    fscan = _scan(record)
    if fscan is None:
        return
    for loop in fscan.loops:
        forbidden.add(normalize_loop_code(loop.text), f"held-out:{record['repo']}/{record['path']}")
    counts["held-out files indexed"] += 1


def silver_labels(
    corpus: Path,
    human: dict[str, list[dict]],
    forbidden: Forbidden,
    test: TestSet,
    budget_s: float | None = None,
    log=print,
) -> SilverResult:
    """Label the unlabelled loops of the training files (see the module docstring). Validation/test files are read
    first-come in corpus order, so they are indexed in a first pass; ``budget_s`` stops the labelling pass early
    (counted) so a slow machine still gets a result."""
    started = time.time()
    out = SilverResult()
    held, train_files = [], 0
    for record, _ in iter_corpus(corpus):
        if record is not None and split_of(record["repo"]) != "train":
            held.append(record)
    for record in held:
        _forbid_held_out(record, forbidden, out.counts)
    log(f"silver: indexed {len(held)} validation/test files ({time.time() - started:.0f}s)")
    pragmas = _human_pragmas(human["train"])
    for record, _ in iter_corpus(corpus):
        if record is None or split_of(record["repo"]) != "train":
            continue
        if budget_s is not None and time.time() - started > budget_s:
            out.counts["files: not reached (time budget)"] += 1
            continue
        train_files += 1
        if train_files % 500 == 0:
            log(f"  silver: {train_files} train files, {len(out.records)} records ({time.time() - started:.0f}s)")
        _file(record, test, forbidden, pragmas.get((record["repo"], record["path"]), {}), out)
    out.counts["files: train files processed"] = train_files
    out.seconds = round(time.time() - started, 1)
    return out
