"""Limits that keep hostile or generated content from exhausting time or memory (README "Limits"), the per-file
time budget, and the command-line options that change them.

Size limits are checked before work (a file over ``--max-file-size`` is not read past the limit); structural caps
(loop nesting depth, identifier length, the model's window) bound the work per loop; the time budget bounds a whole
file: loops not reached when it runs out are skipped with one note, so a run always finishes.
"""

from __future__ import annotations

import argparse
import re
import time
from dataclasses import dataclass, field

#: seconds one file may take in annotate before the loops not yet decided are skipped
DEFAULT_FILE_SECONDS = 300.0
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([kmg]?)i?b?", re.IGNORECASE)


def parse_size(text: str) -> int:
    """``5000``, ``500k``, ``5M``, ``1GiB`` -> bytes (binary multiples)."""
    m = _SIZE.fullmatch(text.strip())
    if not m:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 5000, 500K, 5M)")
    return int(float(m.group(1)) * 1024 ** " kmg".index(m.group(2).lower() or " "))


def add_limit_options(parser: argparse.ArgumentParser, seconds: bool = True) -> None:
    """``--max-file-size`` (and ``--max-file-seconds`` for commands that decide loops)."""
    parser.add_argument(
        "--max-file-size", type=parse_size, metavar="SIZE", help="larger files are not read (default 5M; K/M suffixes)"
    )
    if seconds:
        parser.add_argument(
            "--max-file-seconds",
            type=float,
            metavar="S",
            help=f"time budget per file: loops not reached are skipped with a note (default {DEFAULT_FILE_SECONDS:g})",
        )


@dataclass
class Budget:
    """Time allowed for one file, started when it is created. ``seconds=None``: no limit."""

    seconds: float | None
    start: float = field(default_factory=time.monotonic)

    def spent(self) -> bool:
        return self.seconds is not None and time.monotonic() - self.start > self.seconds

    @property
    def reason(self) -> str:
        return f"skipped: over the {self.seconds:g} s budget for this file (--max-file-seconds)"
