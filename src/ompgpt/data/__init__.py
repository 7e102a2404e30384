"""Data stage: corpus shards -> OMPGPT-format loop records and whole-file texts (``ompgpt data build``).

Inference should scan files with :func:`scan_source` and build its prompts with :func:`normalize_loop_code` and
:func:`loop_context` so they match the training records, and render them with :mod:`ompgpt.data.format`.
"""

from ompgpt.data.format import (
    CONTEXT_SEP,
    END_OF_LOOP,
    END_OF_PRAGMA,
    NO_PRAGMA,
    PAD,
    SPECIAL_TOKENS,
    loop_example,
    loop_prompt,
    pragma_target,
)
from ompgpt.data.normalize import exact_text, normalize_loop_code, strip_comments

__all__ = [
    "CONTEXT_SEP",
    "END_OF_LOOP",
    "END_OF_PRAGMA",
    "NO_PRAGMA",
    "PAD",
    "SPECIAL_TOKENS",
    "build_dataset",
    "exact_text",
    "loop_context",
    "loop_example",
    "loop_prompt",
    "normalize_loop_code",
    "pragma_target",
    "scan_source",
    "strip_comments",
]


def __getattr__(name: str):
    """``build_dataset``, ``loop_context``, ``scan_source`` need tree-sitter and numpy: imported only when asked."""
    if name == "build_dataset":  # not ``build``: that name is the submodule
        from ompgpt.data.build import build

        return build
    if name == "loop_context":
        from ompgpt.data.context import loop_context

        return loop_context
    if name == "scan_source":
        from ompgpt.data.records import scan_source

        return scan_source
    raise AttributeError(f"module 'ompgpt.data' has no attribute {name!r}")
