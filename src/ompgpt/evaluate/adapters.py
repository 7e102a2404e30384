"""Thin adapters from our own stages to the predictor interface.

Each imports its stage lazily and raises :class:`Unavailable` with the reason when the stage, its weights or the
API it needs are not there yet, so ``ompgpt eval`` keeps working (and says why) while the stages are being built.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from pathlib import Path

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
    return Path(_import("ompgpt.model").__file__).parent / "weights"


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


def _to_prediction(cands) -> Prediction:
    if not cands:
        return Prediction(None)
    alts = tuple(_strip_omp(c.pragma) for c in cands[1:])
    return Prediction(_strip_omp(cands[0].pragma), float(cands[0].probability), alts)


def _model_predictor(options, mode: str) -> Predictor:
    decoder = load_decoder(options)
    chain = _import("ompgpt.model.chain")
    loop_input = _import("ompgpt.model.decode").LoopInput
    decode: Callable = chain.chain_of_omp if mode == "chain" else chain.one_shot

    def predict(items: list[EvalItem]) -> list[Prediction]:
        out: list[Prediction] = []
        for start in range(0, len(items), BATCH):
            batch = items[start : start + BATCH]
            loops = [loop_input(it.code, str(it.meta.get("context", ""))) for it in batch]
            out.extend(_to_prediction(cands) for cands in decode(decoder, loops))
        return out

    return predict


def model_oneshot(options) -> Predictor:
    return _model_predictor(options, "oneshot")


def model_chain(options) -> Predictor:
    return _model_predictor(options, "chain")


#: entry points we look for in ompgpt.analysis / ompgpt.advisor, in order (their APIs are still being built)
_ANALYSIS_ENTRY = ("suggest_pragma", "advise_loop", "analyze_loop")
_ADVISOR_ENTRY = ("advise", "advise_loop", "suggest")


def _entry(module_name: str, names: tuple[str, ...]):
    module = _import(module_name)
    for name in names:
        fn = getattr(module, name, None)
        if callable(fn):
            return fn
    raise Unavailable(f"{module_name} has none of {', '.join(names)} yet")


def _pragma_of(result) -> str | None:
    """Best-effort reading of a stage's answer: a string, or an object with ``pragma``/``verdict``."""
    if result is None or isinstance(result, str):
        return result
    for attr in ("pragma", "suggestion", "verdict"):
        value = getattr(result, attr, None)
        if value is not None:
            return _strip_omp(str(value))
    return None


def _per_loop(fn) -> Predictor:
    def predict(items: list[EvalItem]) -> list[Prediction]:
        out = []
        for item in items:
            try:
                out.append(Prediction(_pragma_of(fn(item.code))))
            except Exception:  # a crash on one loop is "no answer" for that loop, not a failed run
                out.append(Prediction(None))
        return out

    return predict


def analysis(options) -> Predictor:
    return _per_loop(_entry("ompgpt.analysis", _ANALYSIS_ENTRY))


def advisor(options) -> Predictor:
    return _per_loop(_entry("ompgpt.advisor", _ADVISOR_ENTRY))
