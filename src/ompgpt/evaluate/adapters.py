"""Thin adapters from our own stages to the predictor interface.

Each imports its stage lazily and raises :class:`Unavailable` with the reason when the stage, its weights or the
API it needs are not there yet, so ``ompgpt eval`` keeps working (and says why) while the stages are being built.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

from ompgpt.evaluate.records import EvalItem, Prediction, Predictor, Unavailable

BATCH = 8


def _import(module: str):
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise Unavailable(f"{module} is not importable ({exc})") from None


def _model_dir(options) -> Path:
    if options.model_dir is not None:
        return Path(options.model_dir)
    return _import("ompgpt.model").WEIGHTS_DIR


def load_decoder(options):
    """The model's decoder, or Unavailable when no trained weights are found."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    decode = _import("ompgpt.model.decode")
    directory = _model_dir(options)
    if not (directory / "weights.safetensors").exists():
        raise Unavailable(f"no trained model in {directory} (pass --model)")
    return decode.PragmaDecoder.load(directory)


def _strip_omp(pragma: str) -> str:
    return pragma[len("omp ") :] if pragma.startswith("omp ") else pragma


def _bare_pragma(text: str) -> str:
    """``#pragma omp parallel for ...`` as the predictions write it: ``parallel for ...``."""
    return _strip_omp(text.removeprefix("#pragma").strip())


def _to_prediction(cands) -> Prediction:
    if not cands:
        return Prediction(None)
    alts = tuple(_strip_omp(c.pragma) for c in cands[1:])
    return Prediction(_strip_omp(cands[0].pragma), float(cands[0].probability), alts)


def item_loop_input(item: EvalItem):
    """The model's input for an item: its loop and the context the dataset gives (none for MonoCoder)."""
    return _import("ompgpt.model.decode").LoopInput(item.code, str(item.meta.get("context", "")))


def item_place(item: EvalItem) -> SimpleNamespace:
    """What the advisor needs of the loop's place in its file: whether it already runs inside a parallel region
    (a field of our loop records, where a worksharing ``for`` is the right answer; MonoCoder's bare loops say
    nothing, so no)."""
    return SimpleNamespace(in_parallel_region=bool(item.meta.get("in_parallel_region")))


def _model_predictor(options, mode: str, given: bool = False) -> Predictor:
    decoder = load_decoder(options)
    chain = _import("ompgpt.model.chain")
    decode: Callable = chain.chain_of_omp if mode == "chain" else chain.one_shot

    def predict(items: list[EvalItem]) -> list[Prediction]:
        out: list[Prediction] = []
        for start in range(0, len(items), BATCH):
            batch = items[start : start + BATCH]
            loops = [item_loop_input(it) for it in batch]
            convert = _to_given_prediction if given else _to_prediction
            out.extend(convert(cands) for cands in decode(decoder, loops))
        return out

    return predict


def model_oneshot(options) -> Predictor:
    return _model_predictor(options, "oneshot")


def model_oneshot_given(options) -> Predictor:
    """One-shot beam search told that every loop needs a pragma: its best candidate other than ``none``."""
    return _model_predictor(options, "oneshot", given=True)


def model_chain(options) -> Predictor:
    return _model_predictor(options, "chain")


def model_chain_given(options) -> Predictor:
    """Chain-of-OMP told that every loop needs a pragma: its best candidate other than ``none``."""
    return _model_predictor(options, "chain", given=True)


def _analysis_pragma(la) -> str:
    """The analysis's answer for the top loop: its pragma when it proves the loop parallel, else ``none``.

    ``unknown`` (could not decide) also answers ``none``: that is what the tool does with such a loop."""
    if la is None or la.verdict != "parallel":
        return "none"
    if la.pragma:
        return _bare_pragma(la.pragma)
    clauses = [f"private({', '.join(la.private)})"] if la.private else []
    clauses += [f"reduction({r})" for r in la.reductions]
    return " ".join(["parallel for", *clauses])


class _CountingPredictor:
    """Wraps a per-item function; tallies the analysis verdicts for the report note."""

    def __init__(self, fn: Callable[[EvalItem], tuple[Prediction, str]]):
        self.fn = fn
        self.verdicts: dict[str, int] = {}

    def __call__(self, items: list[EvalItem]) -> list[Prediction]:
        self.verdicts = {}
        out = []
        for item in items:
            try:
                pred, verdict = self.fn(item)
            except Exception:  # one loop crashing the stage is "no answer" for that loop, not a failed run
                pred, verdict = Prediction(None), "crash"
            self.verdicts[verdict] = self.verdicts.get(verdict, 0) + 1
            out.append(pred)
        return out

    def note(self) -> str:
        return "verdicts: " + ", ".join(f"{k} {v}" for k, v in sorted(self.verdicts.items()))


def _analyze(item: EvalItem, no_alias: bool):
    """The analysis of the item's loop: in its whole file when the item knows it (kernel suite), else as a snippet
    (whose free names the analysis assumes declared before the loop and dead after it)."""
    core = _import("ompgpt.analysis")
    if item.meta.get("source_file") and item.meta.get("source_line"):
        found = core.analyze_file(str(item.meta["source_file"]), core.AnalysisOptions(assume_no_alias=no_alias))
        return next((la for la in found if la.line == item.meta["source_line"]), None)
    options = core.AnalysisOptions(snippet=True, assume_no_alias=no_alias)
    return core.analyze_snippet(item.code, item.meta.get("lang"), options)


def _analysis_predictor(no_alias: bool) -> Predictor:
    _import("ompgpt.analysis").analyze_snippet  # noqa: B018 (fail early, as Unavailable, if the API is missing)

    def one(item: EvalItem) -> tuple[Prediction, str]:
        la = _analyze(item, no_alias)
        return Prediction(_analysis_pragma(la)), "no loop" if la is None else la.verdict

    return _CountingPredictor(one)


def analysis(options) -> Predictor:
    """Static analysis alone, pointers assumed to possibly alias (the tool's default)."""
    return _analysis_predictor(no_alias=False)


def analysis_noalias(options) -> Predictor:
    """Static analysis alone with ``--assume-no-alias`` (distinct pointers never overlap)."""
    return _analysis_predictor(no_alias=True)


def advisor(options) -> Predictor:
    """The advisor's decision from the model's chain-of-OMP candidates and the analysis (``suggest`` mode)."""
    return _advisor_predictor(options, given=False)


def advisor_given(options) -> Predictor:
    """The advisor told that every loop needs a pragma (``advise_given``): the MonoCoder task's framing."""
    return _advisor_predictor(options, given=True)


def _advisor_predictor(options, given: bool) -> Predictor:
    advisor_module = _import("ompgpt.advisor")
    advise = getattr(advisor_module, "advise_given" if given else "advise", None)
    if advise is None:
        raise Unavailable("ompgpt.advisor has no advise() yet")
    candidates = _chain_candidates(options)

    def one(item: EvalItem) -> tuple[Prediction, str]:
        cands = candidates(item)
        la = _analyze(item, no_alias=False)
        if la is None:
            return (_to_given_prediction(cands) if given else _to_prediction(cands)), "no loop"
        pairs = [(c.pragma, c.probability) for c in cands]
        place = item_place(item)
        decision = advise(place, la, pairs) if given else advise(place, la, pairs, mode="suggest")
        return Prediction(decision_pragma(decision), decision.confidence), f"{la.verdict}/{decision.source}"

    return _CountingPredictor(one)


def _chain_candidates(options) -> Callable[[EvalItem], list]:
    """One item's chain-of-OMP candidates, from the model the options name (loaded once)."""
    decoder = load_decoder(options)
    chain = _import("ompgpt.model.chain")

    def candidates(item: EvalItem) -> list:
        return chain.chain_of_omp(decoder, [item_loop_input(item)])[0]

    return candidates


def decision_pragma(decision) -> str:
    """An advisor decision as a prediction text: the pragma without ``#pragma omp``, or ``none``."""
    return _bare_pragma(decision.pragma) if decision.pragma else "none"


def _to_given_prediction(cands) -> Prediction:
    """The best candidate that is a pragma (``parallel for`` when the model offered none)."""
    pragmas = [c for c in cands if c.pragma != "none"]
    if not pragmas:
        return Prediction("parallel for", 0.0)
    return Prediction(_strip_omp(pragmas[0].pragma), float(pragmas[0].probability))


def advisor_verify(options) -> Predictor:
    """The tool's safe path (``annotate --verify``): the advisor in ``safe`` mode, where a candidate the analysis
    cannot prove is inserted only once ``ompgpt.verify`` accepts it by execution. That needs a runnable program, so
    only items that carry their source file (the kernel suite) can be verified; a bare snippet gets the safe,
    unverified answer (``none`` unless the analysis proves the loop parallel)."""
    advise = _import("ompgpt.advisor").advise
    candidates = _chain_candidates(options)

    def one(item: EvalItem) -> tuple[Prediction, str]:
        cands = candidates(item)
        la = _analyze(item, no_alias=False)
        if la is None:
            return Prediction("none"), "no loop"
        pairs = [(c.pragma, c.probability) for c in cands]
        decision = advise(item_place(item), la, pairs, mode="safe")
        outcome = decision.source
        if decision.needs_verification and item.meta.get("source_file"):
            accepted = _verified(item, advise(item_place(item), la, pairs, mode="suggest").pragma)
            decision = advise(item_place(item), la, pairs, mode="safe", verified=accepted)
            outcome = "verified" if accepted else "rejected by verify"
        return Prediction(decision_pragma(decision), decision.confidence), f"{la.verdict}/{outcome}"

    return _CountingPredictor(one)


def _verified(item: EvalItem, pragma: str | None) -> bool:
    """Whether ``ompgpt.verify`` accepts ``pragma`` on the item's loop in its own program (default checks)."""
    if not pragma:
        return False
    api = _import("ompgpt.verify.api")
    candidate = _import("ompgpt.verify.model").Candidate(int(item.meta["source_line"]), pragma)
    return bool(api.verify_candidates(Path(item.meta["source_file"]), [candidate])[0].accepted)
