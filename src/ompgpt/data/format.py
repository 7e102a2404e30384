"""The OMPGPT text format shared by the data builder, training and inference.

OMPGPT (Chen et al., 2024) moves every pragma *after* its loop, so a causal model reads the loop first and then
writes the pragma. A loop record renders as::

    <context lines, optional>
    <loop text without its pragma>
    <|endofloop|>omp parallel for private(j)<|endofpragma|>

and a loop that should stay serial ends in ``<|endofloop|>none<|endofpragma|>``. In the whole-file variant used for
pre-training, each pragma-governed loop is followed by the same two markers and its pragma, in place.
"""

from __future__ import annotations

END_OF_LOOP = "<|endofloop|>"
END_OF_PRAGMA = "<|endofpragma|>"
CONTEXT_SEP = "<|context|>"
PAD = "<|pad|>"
SPECIAL_TOKENS = (PAD, END_OF_LOOP, END_OF_PRAGMA, CONTEXT_SEP)
NO_PRAGMA = "none"


def loop_prompt(code: str, context: str = "") -> str:
    """The prompt the model sees for one loop: optional context, the loop, then the end-of-loop marker."""
    head = f"{context.rstrip()}\n{CONTEXT_SEP}\n" if context.strip() else ""
    return f"{head}{code.rstrip()}\n{END_OF_LOOP}"


def loop_example(code: str, pragma: str, context: str = "") -> str:
    """A full training example: the prompt followed by the pragma (``omp ...`` or ``none``) and the end marker."""
    return f"{loop_prompt(code, context)}{pragma_target(pragma)}"


def pragma_target(pragma: str) -> str:
    """The text the model must produce after the prompt: ``omp <directive and clauses>`` or ``none``."""
    pragma = pragma.strip()
    if pragma == NO_PRAGMA:
        return f"{NO_PRAGMA}{END_OF_PRAGMA}"
    if pragma.startswith("#"):
        pragma = pragma.lstrip("#").strip()
        pragma = pragma[len("pragma") :].strip() if pragma.startswith("pragma") else pragma
    if not pragma.startswith("omp "):
        pragma = f"omp {pragma}"
    return f"{pragma}{END_OF_PRAGMA}"
