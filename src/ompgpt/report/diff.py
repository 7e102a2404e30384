"""A unified diff whose cost is linear in the file, for the diffs annotate, lint and strip print.

``difflib`` looks for the longest common block again in every gap between matches; with thousands of inserted
pragmas in a large file that grew quadratic (a 400 KB file of 2,000 loops: 7 s of a 10 s run). Our edits insert or
remove a few lines at a time, so a greedy walk that re-synchronises within a small window finds the same matches in
linear time. Small inputs keep ``difflib``'s output exactly; any output is a correct diff (every matched line is
equal, unmatched lines are listed as removed and added), just not always the shortest.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence

#: inputs with fewer lines (both sides together) go to difflib
SMALL = 20_000
#: how far ahead a run of inserted or removed lines is looked for
WINDOW = 64


def unified_diff(
    before: Sequence[str],
    after: Sequence[str],
    fromfile: str = "",
    tofile: str = "",
    fromfiledate: str = "",
    tofiledate: str = "",
    n: int = 3,
    lineterm: str = "\n",
) -> Iterator[str]:
    """Lines of a unified diff (``---``/``+++`` header, ``@@`` hunks with ``n`` lines of context), like
    :func:`difflib.unified_diff` (same arguments, so :func:`difflib.diff_bytes` takes it) on lines that keep their
    endings."""
    if len(before) + len(after) <= SMALL:
        yield from difflib.unified_diff(before, after, fromfile, tofile, fromfiledate, tofiledate, n, lineterm)
        return
    matcher = _GreedyMatcher(None, before, after, autojunk=False)
    for number, group in enumerate(matcher.get_grouped_opcodes(n)):
        if number == 0:
            yield f"--- {fromfile}{_date(fromfiledate)}{lineterm}"
            yield f"+++ {tofile}{_date(tofiledate)}{lineterm}"
        yield f"@@ -{_range(group[0][1], group[-1][2])} +{_range(group[0][3], group[-1][4])} @@{lineterm}"
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                yield from (" " + line for line in before[i1:i2])
                continue
            yield from ("-" + line for line in before[i1:i2])
            yield from ("+" + line for line in after[j1:j2])


def _date(date: str) -> str:
    return f"\t{date}" if date else ""


def _range(start: int, stop: int) -> str:
    """A hunk range as ``diff -u`` writes it: 1-based start, length omitted when 1, start-1 when empty."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start if length == 0 else start + 1},{length}"


class _GreedyMatcher(difflib.SequenceMatcher):
    """A SequenceMatcher whose matching blocks come from :func:`greedy_blocks` (opcodes and grouping are
    difflib's own)."""

    def get_matching_blocks(self) -> list[difflib.Match]:
        if self.matching_blocks is None:
            self.matching_blocks = greedy_blocks(self.a, self.b)
        return self.matching_blocks


def greedy_blocks(a: Sequence[str], b: Sequence[str], window: int = WINDOW) -> list[difflib.Match]:
    """Maximal runs of equal lines, walking both sides once: at a difference, the nearest offset (within
    ``window``) where the two sides agree again on two lines is taken as lines inserted or removed; failing
    that, one line on each side counts as replaced."""
    blocks: list[difflib.Match] = []
    i = j = 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            si, sj = i, j
            while i < len(a) and j < len(b) and a[i] == b[j]:
                i, j = i + 1, j + 1
            blocks.append(difflib.Match(si, sj, i - si))
            continue
        di, dj = _resync(a, b, i, j, window)
        i, j = i + di, j + dj
    blocks.append(difflib.Match(len(a), len(b), 0))
    return blocks


def _resync(a: Sequence[str], b: Sequence[str], i: int, j: int, window: int) -> tuple[int, int]:
    for k in range(1, window + 1):
        if a[i : i + 2] == b[j + k : j + k + 2] and j + k < len(b):
            return 0, k
        if a[i + k : i + k + 2] == b[j : j + 2] and i + k < len(a):
            return k, 0
    return 1, 1
