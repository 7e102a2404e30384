"""The whole-file pre-training variant: every loop pragma moved after its loop, OMPGPT style.

``#pragma omp parallel for\\nfor (...) {...}`` becomes
``for (...) {...}\\n<|endofloop|>omp parallel for<|endofpragma|>``
in place, so a causal model pre-trained on files already sees the fine-tuning shape. Non-loop pragmas (``parallel``,
``critical``, ``atomic``, ``target data`` ...) and pragmas that do not parse stay where they are: they are part of the
code the model reads, not a label.
"""

from __future__ import annotations

from ompgpt.data.format import END_OF_LOOP, pragma_target
from ompgpt.source.loops import FileScan, PragmaSite


def _line_span(data: bytes, site: PragmaSite) -> tuple[int, int]:
    """Byte range of the pragma's whole lines (continuations included), or just the ``_Pragma(...)`` when inline."""
    if site.inline:
        return site.start_byte, site.end_byte
    start = data.rfind(b"\n", 0, site.start_byte) + 1
    newline = data.find(b"\n", site.end_byte)
    return start, len(data) if newline < 0 else newline + 1


def pragmas_after_loops(fscan: FileScan) -> str:
    """The file text with each loop-directive pragma deleted and re-emitted as a marker after its loop."""
    data = fscan.parsed.data
    edits: list[tuple[int, int, int, bytes]] = []  # (start, end, order, replacement), non-overlapping
    for site in fscan.pragmas:
        if site.loop is None or site.pragma is None or not site.pragma.is_loop_directive:
            continue
        loop = fscan.loops[site.loop]
        if loop.pragma_site is not site or loop.node is None:
            continue
        start, end = _line_span(data, site)
        marker = f"\n{END_OF_LOOP}{pragma_target(site.pragma.canonical())}".encode()
        edits.append((start, end, 0, b""))
        # nested loops can end at the same byte: the inner loop's marker (later start) must come first
        edits.append((loop.node.end_byte, loop.node.end_byte, -loop.node.start_byte, marker))
    out, pos = [], 0
    for start, end, _, text in sorted(edits, key=lambda e: e[:3]):
        if start < pos:  # overlapping edit (should not happen); keep the text rather than corrupt it
            continue
        out.append(data[pos:start])
        out.append(text)
        pos = end
    out.append(data[pos:])
    return b"".join(out).decode("utf-8", errors="surrogateescape").replace("\r\n", "\n")
