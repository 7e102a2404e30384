"""Static dependence analysis of C/C++ loops: accesses, privatization, reductions, array dependence tests, calls
and aliasing, giving a per-loop verdict (parallel / serial / unknown) with the clauses and the reasons.

Entry points: :func:`analyze_file` (every loop of a file, choosing the level to parallelize in each nest),
:func:`analyze_loop` (one loop) and :func:`analyze_snippet` (a loop cut out of its program).
"""

from ompgpt.analysis.core import (
    AnalysisOptions,
    Dependence,
    LoopAnalysis,
    analyze_file,
    analyze_loop,
    analyze_snippet,
    snippet_scan,
)

__all__ = [
    "AnalysisOptions",
    "Dependence",
    "LoopAnalysis",
    "analyze_file",
    "analyze_loop",
    "analyze_snippet",
    "snippet_scan",
]
