"""Line-based source edits that build the program variants the checks compile.

Kept inside ``verify`` and deliberately textual: the verifier must work on any file a compiler accepts, and a wrong
edit shows up as a compile error, never as a silent acceptance. Lines are counted as ``ompgpt.source`` counts them
(``split_lines``: at "\\n" only), so a line number means the same line everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ompgpt.source.text import split_lines

PRAGMA_RE = re.compile(r"^\s*#\s*pragma\s+omp\b")
_PREFIX_RE = re.compile(r"^\s*#?\s*pragma\s+omp\s+", re.IGNORECASE)
_FOR_RE = re.compile(r"\bfor\s*\(")
_DEFAULT_RE = re.compile(r"\bdefault\s*\([^)]*\)")
_SCHEDULE_RE = re.compile(r"\bschedule\s*\(")
_DIRECTIVE_WORDS = ("parallel", "for", "simd", "taskloop", "teams", "distribute", "target", "loop")


class EditError(ValueError):
    """The requested line is not a ``for`` statement (or the file is too malformed to edit)."""


def normalize_pragma(pragma: str) -> str:
    """``"#pragma omp parallel for"``, ``"omp parallel for"`` and ``"parallel for"`` all mean the same."""
    text = " ".join(pragma.replace("\\\n", " ").split())
    text = _PREFIX_RE.sub("", text)
    return re.sub(r"^omp\s+", "", text)


def directive_words(pragma: str) -> list[str]:
    """Leading directive names (``parallel for simd``) before the first clause."""
    words = []
    for word in normalize_pragma(pragma).split():
        if word not in _DIRECTIVE_WORDS:
            break
        words.append(word)
    return words


def is_worksharing_for(pragma: str) -> bool:
    """True for ``for``/``parallel for`` (with or without ``simd``): the pragmas ``schedule(runtime)``
    applies to."""
    words = directive_words(pragma)
    return "for" in words and not {"taskloop", "distribute", "teams", "target"} & set(words)


def opens_region(pragma: str) -> bool:
    """Whether the directive accepts ``default(...)``: it creates a data environment of its own."""
    return bool({"parallel", "teams", "taskloop"} & set(directive_words(pragma)))


def with_default_none(pragma: str) -> str:
    """The pragma with its ``default`` clause replaced by ``default(none)`` (added if absent)."""
    text = normalize_pragma(pragma)
    if _DEFAULT_RE.search(text):
        return _DEFAULT_RE.sub("default(none)", text, count=1)
    return f"{text} default(none)"


def schedulable(pragma: str) -> bool:
    """Whether a schedule may be injected: a worksharing ``for`` with no schedule (or ordered) of its own."""
    text = normalize_pragma(pragma)
    return is_worksharing_for(text) and not _SCHEDULE_RE.search(text) and not re.search(r"\bordered\b", text)


def with_schedule(pragma: str, schedule: str) -> str:
    """The pragma with ``schedule(SCHEDULE)`` added when ``schedulable``; otherwise unchanged.

    The user's own schedule is never overridden: it is part of what is being verified. Dynamic and guided
    schedules get the ``monotonic`` modifier, which is what ``OMP_SCHEDULE=dynamic,1`` gives through
    ``schedule(runtime)``: OpenMP 5 makes a bare ``schedule(dynamic)`` nonmonotonic, libomp then steals work
    out of order, and clang 14's ``lastprivate`` copies out the wrong iteration's value under it.
    """
    text = normalize_pragma(pragma)
    if not schedule or not schedulable(text):
        return text
    if ":" not in schedule and schedule.split(",")[0].strip() in ("dynamic", "guided"):
        schedule = f"monotonic:{schedule}"
    return f"{text} schedule({schedule})"


_DYNAMIC_RE = re.compile(r"\bschedule\s*\(\s*(?:(?:non)?monotonic\s*:\s*)?dynamic\s*(?:,\s*([^)]+?))?\s*\)")


def static_stand_in(pragma: str) -> str | None:
    """For ``schedule(dynamic,k)``: the same pragma with ``schedule(static,k)``, else None.

    A dynamic schedule may hand its chunks to threads in any way, round-robin included, so ``static,k`` is one
    legal execution of it; unlike the real thing it does not depend on timing, which on a loaded machine can
    let one thread grab every chunk and hide a race from TSan and from the outputs alike.
    """
    text = normalize_pragma(pragma)
    match = _DYNAMIC_RE.search(text)
    if not match:
        return None
    chunk = (match.group(1) or "1").strip()
    return text[: match.start()] + f"schedule(static,{chunk})" + text[match.end() :]


def strip_comments_and_strings(text: str) -> str:
    """Blank out comments and string/char literals, keeping offsets and newlines, so brace matching is
    safe."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        two = text[i : i + 2]
        if two == "//":
            j = text.find("\n", i)
            j = n if j < 0 else j
        elif two == "/*":
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
        elif text[i] in "\"'":
            j = _literal_end(text, i)
        else:
            i += 1
            continue
        for k in range(i, j):
            if out[k] != "\n":
                out[k] = " "
        i = j
    return "".join(out)


def _literal_end(text: str, start: int) -> int:
    quote, i = text[start], start + 1
    while i < len(text) and text[i] != quote and text[i] != "\n":
        i += 2 if text[i] == "\\" else 1
    return min(i + 1, len(text))


@dataclass(frozen=True)
class LoopSpan:
    """Character offsets of a ``for`` statement: header parentheses and the whole statement."""

    start: int
    header_end: int
    end: int


def _line_offsets(text: str) -> list[int]:
    offsets = [0]
    offsets.extend(m.end() for m in re.finditer("\n", text))
    return offsets


def find_loop(text: str, line: int) -> LoopSpan:
    """The ``for`` statement starting on 1-based ``line`` (its body's extent found by bracket matching)."""
    clean = strip_comments_and_strings(text)
    offsets = _line_offsets(text)
    count = len(offsets) - (1 if text.endswith("\n") else 0)  # a final newline ends the last line
    if not 1 <= line <= count:
        raise EditError(f"line {line} is outside the file ({count} lines)")
    line_end = offsets[line] if line < len(offsets) else len(text)
    match = _FOR_RE.search(clean, offsets[line - 1], line_end)
    if match is None:
        raise EditError(f"line {line} has no `for` statement")
    header_end = _match_close(clean, match.end() - 1)
    return LoopSpan(match.start(), header_end, _statement_end(clean, header_end))


def _match_close(clean: str, open_at: int) -> int:
    """Offset just past the bracket closing the one at ``open_at``."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    stack = []
    for i in range(open_at, len(clean)):
        ch = clean[i]
        if ch in pairs:
            stack.append(pairs[ch])
        elif ch in ")]}":
            if not stack or stack.pop() != ch:
                raise EditError("unbalanced brackets")
            if not stack:
                return i + 1
    raise EditError("unterminated bracket")


def _statement_end(clean: str, pos: int) -> int:
    """End of the statement starting at ``pos``: a braced block, a nested control statement, or up to
    ``;``."""
    while pos < len(clean) and clean[pos].isspace():
        pos += 1
    if pos >= len(clean):
        raise EditError("loop has no body")
    if clean[pos] == "{":
        return _match_close(clean, pos)
    word = re.match(r"(for|while|if|switch|do)\b", clean[pos:])
    if word and word.group(1) in ("for", "while", "switch", "if"):
        paren = clean.index("(", pos)
        end = _statement_end(clean, _match_close(clean, paren))
        if word.group(1) == "if":
            rest = re.match(r"\s*else\b", clean[end:])
            if rest:
                end = _statement_end(clean, end + rest.end())
        return end
    if word and word.group(1) == "do":
        end = _statement_end(clean, pos + 2)
        semi = clean.index(";", end)
        return semi + 1
    depth = 0
    for i in range(pos, len(clean)):
        if clean[i] in "([{":
            depth += 1
        elif clean[i] in ")]}":
            depth -= 1
        elif clean[i] == ";" and depth == 0:
            return i + 1
    raise EditError("unterminated statement")


def _pragma_lines_above(lines: list[str], index: int) -> int:
    """How many ``#pragma omp`` lines (with continuations) sit directly above 0-based line ``index``."""
    count, i = 0, index - 1
    while i >= 0:
        block_start = i
        while block_start > 0 and lines[block_start - 1].rstrip().endswith("\\"):
            block_start -= 1
        if not PRAGMA_RE.match(lines[block_start]):
            break
        count += i - block_start + 1
        i = block_start - 1
    return count


def insert_pragma(text: str, line: int, pragma: str) -> str:
    """``text`` with ``#pragma omp PRAGMA`` on its own line above the ``for`` on ``line``.

    Existing ``#pragma omp`` lines directly above are replaced (a candidate supersedes what was there). The
    ``for``
    must start its line (after indentation) so the pragma can go on its own line; if it does not, the line
    is split.
    """
    find_loop(text, line)
    lines = split_lines(text, keepends=True)
    index = line - 1
    body = lines[index]
    indent = body[: len(body) - len(body.lstrip())]
    clean_line = strip_comments_and_strings(body)
    for_at = _FOR_RE.search(clean_line)
    if for_at and clean_line[: for_at.start()].strip():
        head, tail = body[: for_at.start()], body[for_at.start() :]
        lines[index : index + 1] = [head.rstrip() + "\n", indent + tail]
        index += 1
    above = _pragma_lines_above(lines, index)
    new = f"{indent}#pragma omp {normalize_pragma(pragma)}\n"
    lines[index - above : index] = [new]
    return "".join(lines)


def remove_pragma_above(text: str, line: int) -> str:
    """``text`` with the ``#pragma omp`` lines directly above ``line`` blanked (line numbers preserved)."""
    lines = split_lines(text, keepends=True)
    above = _pragma_lines_above(lines, line - 1)
    for i in range(line - 1 - above, line - 1):
        lines[i] = "\n"
    return "".join(lines)


def loop_text(text: str, line: int) -> str:
    """Source of the ``for`` statement on ``line`` with comments and strings blanked (for write detection)."""
    span = find_loop(text, line)
    return strip_comments_and_strings(text)[span.start : span.end]


def written_names(loop_source: str, names: set[str]) -> set[str]:
    """Which of ``names`` the loop may write as a whole variable (not through an index or a pointer).

    Scalars assigned (``x =``, ``x +=``, ``x++``, ``--x``), struct members (``x.f =``) and address-taken
    (``&x``, which may be written through) count; ``x[i] =`` and ``*x =`` write memory x refers to, which the
    race check judges, not the variable, so they do not.
    """
    written = set()
    for name in names:
        n = re.escape(name)
        patterns = (
            rf"(?<![\w.>*])(?<!\*\s)\b{n}\s*(\.\s*\w+\s*)*([-+*/%&|^]|<<|>>)?=(?!=)",
            rf"(?<![\w.>*])(?<!\*\s)\b{n}\s*(\+\+|--)",
            rf"(\+\+|--)\s*\b{n}\b(?!\s*[\[.(]|\s*->)",
            rf"(?:^|[(,=;{{}}?:])\s*&\s*\b{n}\b(?!\s*[\[(]|\s*->)",
        )
        if any(re.search(p, loop_source) for p in patterns):
            written.add(name)
    return written
