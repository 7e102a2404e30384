"""Suggest OpenMP pragmas for a loop with the model alone (no static analysis, no verification).

Reads one loop from stdin, or FILE:LINE (the loop starting at, or else the innermost loop containing, that line),
and prints the top-k pragmas with their probabilities. ``--jsonl IN.jsonl`` reads many loops (field ``code``,
optional ``context``) and writes one JSON line per loop: ``pragma``, ``probability``, ``alternatives``.
Pragmas in JSON use the dataset's canonical form (``parallel for private(j)`` or ``none``).
Exit codes: 0 ok, 2 errors (no model, unreadable file, no loop at LINE, records that are not loops).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

from ompgpt.model import DEFAULT_PROMPT_TOKENS, WEIGHTS_DIR

DEFAULT_MODEL_DIR = WEIGHTS_DIR
MIN_PROMPT_TOKENS = 16  # a loop header and the end-of-loop marker
_LOOP = re.compile(r"\bfor\s*\(")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", nargs="?", default="-", help="FILE:LINE, or - (default) to read a loop on stdin")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_DIR, help="model folder (from ompgpt train)")
    parser.add_argument("-k", "--top-k", type=int, default=3, help="number of pragmas to show")
    parser.add_argument(
        "--mode",
        choices=("chain", "oneshot"),
        default="chain",
        help="chain-of-OMP (directive, then clause by clause) or free constrained beam search",
    )
    parser.add_argument("--beam", type=int, default=4, help="beam width for --mode oneshot")
    parser.add_argument("--context", default="", help="declarations etc. to show the model before the loop")
    parser.add_argument("--jsonl", type=Path, help="many loops: a JSON-lines file with a 'code' field")
    parser.add_argument("--out", type=Path, help="with --jsonl: write here instead of stdout")
    parser.add_argument("--batch-size", type=int, default=16, help="loops per model batch with --jsonl")
    parser.add_argument(
        "--prompt-tokens",
        type=int,
        default=DEFAULT_PROMPT_TOKENS or 0,
        help="prompt budget in tokens: context, then the loop's middle, are cut beyond it; a speed setting "
        "(192 halves the time with context; see docs/BENCHMARKS.md); 0 (default): the model's whole window",
    )


def run(args: argparse.Namespace) -> int:
    # Inference multiplies small matrices: one BLAS thread is faster, and much faster on a busy machine.
    # (Only effective when numpy is not imported yet, which the lazy CLI ensures.)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from ompgpt.model.decode import PragmaDecoder

    if not (args.model / "weights.safetensors").exists():
        where = "no trained model is shipped yet" if args.model == DEFAULT_MODEL_DIR else f"no model in {args.model}"
        print(f"ompgpt suggest: {where}; train one with `ompgpt train` and pass --model RUN/export", file=sys.stderr)
        return 2
    if args.prompt_tokens < 0 or 0 < args.prompt_tokens < MIN_PROMPT_TOKENS:
        print(f"ompgpt suggest: --prompt-tokens must be 0 or at least {MIN_PROMPT_TOKENS}", file=sys.stderr)
        return 2
    decoder = PragmaDecoder.load(args.model, prompt_tokens=args.prompt_tokens or None)
    if args.jsonl is not None:
        return _run_jsonl(decoder, args)
    loop, error = _read_loop(args)
    if error:
        print(error, file=sys.stderr)
        return 2
    result = suggest(decoder, [loop], args)[0]
    for warning in result["warnings"]:
        print(f"ompgpt suggest: warning: {warning}", file=sys.stderr)
    for cand in result["candidates"][: args.top_k]:
        shown = "none (leave the loop serial)" if cand.pragma == "none" else f"#pragma {cand.pragma}"
        print(f"{cand.probability:6.3f}  {shown}")
    return 0


def suggest(decoder, loops, args: argparse.Namespace) -> list[dict]:
    """Candidates and prompt warnings for a batch of loops, by chain-of-OMP or one-shot decoding."""
    from ompgpt.model.chain import chain_of_omp, one_shot

    if args.mode == "chain":
        results = chain_of_omp(decoder, loops)
    else:
        results = one_shot(decoder, loops, beam_size=max(args.beam, args.top_k))
    return [
        {"candidates": cands, "warnings": decoder.prompt(loop).warnings}
        for loop, cands in zip(loops, results, strict=True)
    ]


def check_loop(code: str) -> str | None:
    """Why a snippet cannot be a loop to suggest for, or None."""
    if not code.strip():
        return "empty input: give the loop on stdin, or FILE:LINE"
    if not _LOOP.search(code):
        return "no for loop found in the snippet (OpenMP loop pragmas apply to for loops)"
    return None


def _read_loop(args: argparse.Namespace):
    """The loop to suggest for, or the one-line error message to print."""
    from ompgpt.model.decode import LoopInput

    if args.target == "-":
        code = sys.stdin.read()
    else:
        code, error = _loop_at(args.target)
        if error:
            return None, error
    error = check_loop(code)
    return (None, f"ompgpt suggest: error: {error}") if error else (LoopInput(code, args.context), None)


def _loop_at(target: str) -> tuple[str, str | None]:
    """The text of the loop at FILE:LINE, found with the source stage's loop finder, or an error message that
    starts with the file's name (``file:line:col: error: ...``)."""
    path, sep, line_text = target.rpartition(":")
    if not sep or not line_text.isdigit():
        return "", f"ompgpt suggest: error: expected FILE:LINE or -, got {target!r}"
    from ompgpt.source import SourceError, find_loops, read_source

    try:
        loops = find_loops(read_source(path))
    except SourceError as exc:
        return "", str(exc)
    line = int(line_text)
    starting = [lp for lp in loops if lp.line == line]
    containing = [lp for lp in loops if lp.line <= line <= lp.end_line]
    chosen = starting[0] if starting else max(containing, key=lambda lp: lp.depth, default=None)
    if chosen is None:
        return "", f"{path}:{line}:1: error: no for loop starts on or contains this line"
    return chosen.text, None


def canonical(pragma: str) -> str:
    """``omp parallel for`` -> ``parallel for`` (the dataset's form); ``none`` stays."""
    return pragma[len("omp ") :] if pragma.startswith("omp ") else pragma


def _run_jsonl(decoder, args: argparse.Namespace) -> int:
    from ompgpt.model.decode import LoopInput

    records, error = _read_records(args.jsonl)
    if error:
        print(error, file=sys.stderr)
        return 2
    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout  # noqa: SIM115
    failures = 0
    try:
        for start in range(0, len(records), args.batch_size):
            chunk = records[start : start + args.batch_size]
            errors = [check_loop(str(r.get("code", ""))) for r in chunk]
            loops = [LoopInput(r["code"], r.get("context", "")) for r, e in zip(chunk, errors, strict=True) if not e]
            results = iter(suggest(decoder, loops, args) if loops else [])
            for error in errors:
                row = {"error": error} if error else _json_row(next(results), args.top_k)
                failures += bool(error)
                out.write(json.dumps(row) + "\n")
    finally:
        if args.out:
            out.close()
    if failures:
        print(f"ompgpt suggest: {failures} record(s) were not loops; see their 'error' field", file=sys.stderr)
    return 2 if failures else 0


def _read_records(path: Path) -> tuple[list[dict], str | None]:
    """The JSON objects of a JSON-lines file, or a one-line ``file:line:1: error: ...`` message."""
    try:
        lines = path.read_text(encoding="utf-8").split("\n")  # not splitlines: JSON strings may hold U+2028
    except (OSError, UnicodeDecodeError) as exc:
        return [], f"{path}:1:1: error: cannot read file: {getattr(exc, 'strerror', None) or exc}"
    records = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            return [], f"{path}:{number}:{exc.colno}: error: not JSON: {exc.msg}"
        if not isinstance(record, dict):
            return [], f"{path}:{number}:1: error: expected a JSON object with a 'code' field"
        records.append(record)
    return records, None


def _json_row(result: dict, top_k: int) -> dict:
    cands = result["candidates"]
    if not cands:
        return {"pragma": None, "probability": 0.0, "alternatives": [], "warnings": result["warnings"]}
    alts = [{"pragma": canonical(c.pragma), "probability": c.probability} for c in cands[1:top_k]]
    row = {"pragma": canonical(cands[0].pragma), "probability": cands[0].probability, "alternatives": alts}
    if result["warnings"]:
        row["warnings"] = result["warnings"]
    return row
