"""Fill ``--build``/``--run`` templates without ever letting the shell re-parse a file name.

The old filler chained ``str.replace`` calls: ``{exe}`` inside an already quoted ``{src}`` value was replaced
again, breaking the quoting (``x;touch PWNED;{exe}.c`` ran ``touch``), and a template that quoted ``"{src}"``
itself put our single quotes inside its double quotes, so ``$(...)`` in a file name ran. Now:

* every placeholder is replaced in ONE regular-expression pass over the template, so no value is scanned for
  placeholders again;
* the values travel as environment variables (``OMPGPT_SRC``, ``OMPGPT_EXE``, ``OMPGPT_CC``,
  ``OMPGPT_CFLAGS``) and a placeholder becomes a *reference* to its variable, quoted to suit where it stands
  (bare, inside ``"..."`` or inside ``'...'``). The shell never re-parses the result of a parameter expansion
  for ``$(...)``, ``;`` or quotes, so a file name is data whatever it contains;
* file names with ``{`` or ``}`` are refused outright (``check_name``): they read as placeholders to a person
  and to other tools that fill such templates.

``{cflags}`` outside quotes is the exception: our own compiler flags, inserted shell-quoted so they stay
separate words.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from pathlib import Path

PLACEHOLDER_RE = re.compile(r"\{(src|exe|cc|cflags)\}")
ENV_NAMES = {"src": "OMPGPT_SRC", "exe": "OMPGPT_EXE", "cc": "OMPGPT_CC", "cflags": "OMPGPT_CFLAGS"}
#: quoting state of a template character: outside quotes, in '...', in "...", or escaped by a backslash
BARE, SINGLE, DOUBLE, ESCAPED = "bare", "single", "double", "escaped"


class TemplateError(ValueError):
    """A file name a template cannot take (it contains a brace)."""


def check_name(source: Path) -> None:
    """Refuse a source whose name contains ``{`` or ``}`` (it would read as a placeholder)."""
    if "{" in source.name or "}" in source.name:
        raise TemplateError("file name contains '{' or '}', which --build/--run templates cannot take; rename the file")


def quote_states(template: str) -> list[str]:
    """The POSIX-shell quoting state at each character of ``template`` (a small scanner, not a parser).

    Good enough to choose how to reference a variable: a wrong guess (e.g. inside ``$(...)`` within double
    quotes) can only cost word splitting of our own path, never code execution, because expansions are not
    re-parsed.
    """
    states, state, i = [], BARE, 0
    while i < len(template):
        ch = template[i]
        states.append(state)
        if state == SINGLE:
            state = BARE if ch == "'" else SINGLE
        elif ch == "\\" and i + 1 < len(template):
            states.append(ESCAPED)
            i += 1
        elif state == DOUBLE:
            state = BARE if ch == '"' else DOUBLE
        elif ch in "'\"":
            state = SINGLE if ch == "'" else DOUBLE
        i += 1
    return states


def _reference(key: str, state: str, flags: Sequence[str]) -> str:
    """Shell text standing for placeholder ``key`` at quoting ``state``."""
    name = ENV_NAMES[key]
    if state == DOUBLE:
        return "${" + name + "}"
    if state == SINGLE:
        return "'\"${" + name + "}\"'"
    if key == "cflags":
        return shlex.join(flags)
    return '"${' + name + '}"'


def fill(template: str, flags: Sequence[str] = ()) -> str:
    """``template`` with each placeholder replaced by a quoted reference to its environment variable."""
    states = quote_states(template)

    def replace(match: re.Match[str]) -> str:
        state = states[match.start()]
        if state == ESCAPED:
            return match.group(0)
        return _reference(match.group(1), state, flags)

    return PLACEHOLDER_RE.sub(replace, template)


def environment(src: Path, exe: Path, compiler: str, flags: Sequence[str]) -> dict[str, str]:
    """The variables ``fill``'s references read. A relative ``src`` starting with ``-`` gets ``./`` so no
    compiler takes it for an option."""
    text = str(src)
    if text.startswith("-"):
        text = "./" + text
    return {
        ENV_NAMES["src"]: text,
        ENV_NAMES["exe"]: str(exe),
        ENV_NAMES["cc"]: compiler,
        ENV_NAMES["cflags"]: " ".join(flags),
    }
