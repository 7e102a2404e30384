"""Deciding every loop of a file: analysis facts, model candidates, and the advisor's verdict joined into results.

Loops are decided outermost first. A loop is skipped (not parallelized again) when it already has a pragma, sits
inside a parallel region, or an enclosing loop has or receives a pragma: nested parallel regions are almost never
what a user wants. The model is asked only when enabled and a trained model ships with the package.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from ompgpt.limits import Budget
from ompgpt.model import WEIGHTS_DIR
from ompgpt.report.results import LoopResult

MODEL_DIR = WEIGHTS_DIR


@cache
def load_decoder(model_dir: str = str(MODEL_DIR)):
    """The numpy model, once per process; None when no weights ship (analysis-only mode)."""
    if not (Path(model_dir) / "weights.safetensors").exists():
        return None
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from ompgpt.model.decode import PragmaDecoder

    return PragmaDecoder.load(model_dir)


def model_candidates(file_scan, indices: list[int], budget=None) -> dict[int, list[tuple[str, float]]]:
    """Chain-of-OMP candidates ``(pragma without 'omp ', probability)`` for the given loops, batched; loops of
    batches not started when ``budget`` is spent get none."""
    decoder = load_decoder()
    if decoder is None or not indices:
        return {}
    from ompgpt.data.context import loop_context
    from ompgpt.data.normalize import normalize_loop_code
    from ompgpt.model.chain import chain_of_omp
    from ompgpt.model.decode import LoopInput

    loops = file_scan.loops
    out: dict[int, list[tuple[str, float]]] = {}
    for start in range(0, len(indices), 16):
        if budget is not None and budget.spent():
            break
        inputs = [
            LoopInput(code=normalize_loop_code(loops[i].text), context=loop_context(file_scan.parsed, loops[i]))
            for i in indices[start : start + 16]
        ]
        batch = chain_of_omp(decoder, inputs)
        for i, cands in zip(indices[start : start + 16], batch, strict=True):
            out[i] = [(c.pragma.removeprefix("omp "), c.probability) for c in cands]
    return out


def _budget_notes(file_scan, analyses, candidates, asked: list[int], budget: Budget | None) -> list[str]:
    """One note at the first loop the analysis skipped, and one at the first the model was not asked about,
    when the file's time budget ran out."""
    if budget is None:
        return []
    notes = []
    cut = [i for i, a in enumerate(analyses) if budget.reason in a.reasons]
    unasked = []  # without a spent budget, no candidates means no model (no weights shipped), not a cut
    if budget.spent():
        unasked = [i for i in asked if i not in candidates and budget.reason not in analyses[i].reasons]
    for found, what in ((cut, "loop(s) skipped"), (unasked, "loop(s) decided without the model")):
        if found:
            loop = file_scan.loops[found[0]]
            notes.append(
                f"{loop.file}:{loop.line}:{loop.column}: note: this and {len(found) - 1} later {what}: "
                f"over the {budget.seconds:g} s budget for this file (--max-file-seconds)"
            )
    return notes


def _long_identifier_notes(file_scan, asked) -> list[str]:
    """A note for each loop the model was asked about whose identifiers include one too long to offer."""
    from ompgpt.model.grammar import MAX_IDENTIFIER_CHARS, long_identifier

    notes = []
    for i in asked:
        loop = file_scan.loops[i]
        name = long_identifier(loop.text)
        if name is not None:
            notes.append(
                f"{loop.file}:{loop.line}:{loop.column}: note: identifier {name[:20]}... ({len(name)} characters) "
                f"is not offered as a clause variable: over {MAX_IDENTIFIER_CHARS}"
            )
    return notes


def _skip_reason(file_scan, i: int, taken: set[int], noncode=None) -> str | None:
    loop = file_scan.loops[i]
    if loop.in_parallel_region:
        return "inside a parallel region"
    parent = loop.parent
    while parent is not None:
        if parent in taken:
            return f"the enclosing loop at line {file_scan.loops[parent].line} is parallelized"
        parent = file_scan.loops[parent].parent
    if loop.node is not None and loop.node.has_error:
        return "could not parse this loop (macros or syntax the parser does not know)"
    blocker = noncode.insertion_blocker(loop.line, loop.column) if noncode is not None else None
    if blocker is not None:  # tree-sitter recovered a loop a compiler reads as a comment, a string or a #define
        return f"a pragma here would land inside a {blocker}"
    return None


def decide_file(
    file_scan,
    options,
    budget: Budget | None = None,
    rejected: dict[int, list[str]] | None = None,
    memo: dict | None = None,
) -> tuple[list[LoopResult], list[str]]:
    """One :class:`LoopResult` per loop, plus warnings about code that could not be parsed. Loops not analysed
    when ``budget`` runs out are skipped; those the model was not asked about are decided by the analysis alone;
    one note says where this began. ``rejected``: loops (by index) whose candidate verification refused, with its
    evidence: left serial, so their inner loops are decided; ``memo`` keeps the analyses and model candidates
    between such rounds."""
    rejected = rejected or {}
    memo = {} if memo is None else memo
    from ompgpt.advisor import advise
    from ompgpt.analysis import AnalysisOptions, analyze_file
    from ompgpt.analysis.context import FileContext
    from ompgpt.analysis.headers import IncludeOptions
    from ompgpt.source.lexical import NonCode

    config = options.config
    path = file_scan.parsed.source.path
    warnings = [
        f"{path}:{line}:{col}: warning: could not parse this code; loops here are left alone"
        for line, col in file_scan.parsed.error_locations(limit=5)
    ]
    if file_scan.too_deep is not None:
        from ompgpt.source.loops import MAX_LOOP_DEPTH

        (line, col), count = file_scan.too_deep
        warnings.append(
            f"{path}:{line}:{col}: note: {count} loop(s) nested more than {MAX_LOOP_DEPTH} loops deep skipped"
        )
    if "analyses" not in memo:
        analysis_options = AnalysisOptions(
            assume_no_alias=config.assume_no_alias,
            project=getattr(options, "project", None),
            budget=budget,
            includes=getattr(options, "includes", IncludeOptions()),
        )
        ctx = FileContext(file_scan.parsed, analysis_options.project, analysis_options.includes)
        memo["header_notes"] = list(ctx.included.notes)
        memo["analyses"] = analyze_file(file_scan, analysis_options, ctx=ctx)
    warnings.extend(memo["header_notes"])
    analyses = memo["analyses"]
    loops = file_scan.loops
    eligible = [
        i
        for i, lp in enumerate(loops)
        if lp.pragma_site is None and not lp.omp_attribute and not lp.in_parallel_region and not lp.in_omp_loop
    ]
    if "candidates" not in memo:
        memo["candidates"] = model_candidates(file_scan, eligible, budget) if config.model else {}
    candidates = memo["candidates"]
    warnings.extend(_budget_notes(file_scan, analyses, candidates, eligible if config.model else [], budget))
    if candidates:
        warnings.extend(_long_identifier_notes(file_scan, candidates))
    taken: set[int] = {
        i for i, lp in enumerate(loops) if (lp.pragma is not None and lp.pragma.is_loop_directive) or lp.omp_attribute
    }
    noncode = NonCode(file_scan.parsed.source.text, file_scan.parsed.source.lang)
    results = []
    for i, (loop, analysis) in enumerate(zip(loops, analyses, strict=True)):
        base = dict(path=path, line=loop.line, column=loop.column, function=loop.function, verdict=analysis.verdict)
        if loop.pragma_site is not None:
            existing = loop.pragma.canonical() if loop.pragma else loop.pragma_site.text
            results.append(LoopResult(action="keep", existing=existing, reasons=["already has a pragma"], **base))
            continue
        if loop.omp_attribute:  # a pragma beside it does not compile
            reasons = ["already has an OpenMP attribute"]
            results.append(LoopResult(action="keep", existing=loop.omp_attribute, reasons=reasons, **base))
            continue
        skip = budget.reason if budget is not None and budget.reason in analysis.reasons else None
        skip = skip or _skip_reason(file_scan, i, taken, noncode)
        if skip is None and i in rejected:  # verification rejected its candidate: the inner loops are tried
            results.append(LoopResult(action="none", reasons=list(rejected[i]), **base))
            continue
        if skip:
            results.append(LoopResult(action="skip", reasons=[skip], **base))
            continue
        decision = advise(loop, analysis, candidates.get(i, ()), config.mode, min_trip_count=config.min_trip_count)
        action = "insert" if decision.action in {"insert", "replace"} and decision.pragma else "none"
        if action == "insert":
            taken.add(i)
        pragma = decision.pragma.removeprefix("#pragma omp ") if action == "insert" and decision.pragma else None
        results.append(
            LoopResult(
                action=action,
                pragma=pragma,
                confidence=decision.confidence,
                source=decision.source,
                reasons=list(decision.reasons),
                candidate=decision.candidate.removeprefix("#pragma omp ") if decision.candidate else None,
                fix=None if action != "insert" else "unsafe" if decision.needs_verification else "proven",
                **base,
            )
        )
    from ompgpt.report.nesting import drop_nested
    from ompgpt.report.regions import hoist_regions

    project = getattr(options, "project", None)
    drop_nested(file_scan, results, project)  # no parallel region in a function called from one
    hoist_regions(file_scan, results, project)  # one region around serial time loops
    return results, warnings
