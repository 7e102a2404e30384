"""GCC's auto-parallelizer as a predictor: does ``-ftree-parallelize-loops`` parallelize the snippet's outer loop?

Each snippet is wrapped in a function with guessed declarations (every free identifier becomes a ``double``, an
array of it, or a function, from how the loop uses it), compiled with ``gcc -O2 -ftree-parallelize-loops=2
-fopt-info-loop-all``, and GCC's own report decides: "parallelizing outer loop" on the snippet's first line answers
``parallel for``, anything else ``none``. GCC privatizes and reduces internally without naming source variables, so
this predictor never proposes clauses: it measures the directive decision only. A snippet that does not compile is
*no answer*; the compile rate is reported in the note.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ompgpt.evaluate.records import EvalItem, Prediction, Predictor, Unavailable

_IDENT = re.compile(r"[A-Za-z_]\w*")
_KEYWORDS = frozenset(
    [
        "auto",
        "break",
        "case",
        "char",
        "const",
        "continue",
        "default",
        "do",
        "double",
        "else",
        "enum",
        "extern",
        "float",
        "for",
        "goto",
        "if",
        "inline",
        "int",
        "long",
        "register",
        "restrict",
        "return",
        "short",
        "signed",
        "sizeof",
        "static",
        "struct",
        "switch",
        "typedef",
        "union",
        "unsigned",
        "void",
        "volatile",
        "while",
        "bool",
        "true",
        "false",
        "NULL",
        "size_t",
    ]
)
_DECLARED = re.compile(r"\b(?:int|long|unsigned|size_t|double|float|char|short|bool|auto)\s+([A-Za-z_]\w*)")


def _dims(code: str, name: str) -> int:
    """How many subscripts follow ``name`` at most (``a[i][j]`` -> 2)."""
    best = 0
    for m in re.finditer(rf"\b{re.escape(name)}\s*((?:\[[^\[\]]*\]\s*)+)", code):
        best = max(best, m.group(1).count("["))
    return best


def declarations(code: str) -> str:
    """Guessed file-scope declarations for the free identifiers of ``code``."""
    declared = set(_DECLARED.findall(code))
    lines = []
    for name in sorted(set(_IDENT.findall(code)) - _KEYWORDS - declared):
        if re.search(rf"\b{re.escape(name)}\s*\(", code):
            lines.append(f"double {name}();")
        elif re.search(rf"(?:\.|->)\s*{re.escape(name)}\b", code):
            continue  # a member name
        else:
            dims = _dims(code, name)
            lines.append(f"double {name}{'[64]' * dims};" if dims else f"long {name};")
    return "\n".join(lines)


def wrap(code: str) -> tuple[str, int]:
    """A compilable C file around the snippet, and the line its first line lands on."""
    decls = declarations(code)
    head = f"#include <math.h>\n{decls}\nvoid ompgpt_snippet(void) {{\n"
    return head + code + "\n;}\n", head.count("\n") + 1


def _answer(report: str, line: int, file: str) -> str:
    for m in re.finditer(rf"{re.escape(file)}:(\d+):\d+: (?:optimized|missed): (.*)", report):
        if int(m.group(1)) == line and "parallelizing outer loop" in m.group(2):
            return "parallel for"
    return "none"


def predict_one(code: str, gcc: str, timeout: float) -> tuple[Prediction, bool]:
    """(prediction, compiled?) for one snippet."""
    source, line = wrap(code)
    with tempfile.TemporaryDirectory(prefix="ompgpt-gcc-") as tmp:
        path = Path(tmp) / "snippet.c"
        path.write_text(source, encoding="utf-8")
        cmd = [gcc, "-O2", "-ftree-parallelize-loops=2", "-fopt-info-loop-all", "-w", "-c", str(path),
               "-o", str(Path(tmp) / "snippet.o")]  # fmt: skip
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=tmp)
        except subprocess.TimeoutExpired:
            return Prediction(None), False
        if proc.returncode != 0:
            return Prediction(None), False
        return Prediction(_answer(proc.stdout + proc.stderr, line, path.name)), True


class GccPredictor:
    """Callable predictor that remembers its compile rate for the report note."""

    def __init__(self, gcc: str, timeout: float, workers: int = 2):
        self.gcc, self.timeout, self.workers = gcc, timeout, workers
        self.stats: Counter = Counter()

    def __call__(self, items: list[EvalItem]) -> list[Prediction]:
        with ThreadPoolExecutor(self.workers) as pool:
            results = list(pool.map(lambda it: predict_one(it.code, self.gcc, self.timeout), items))
        self.stats = Counter(total=len(items), compiled=sum(ok for _, ok in results))
        return [pred for pred, _ in results]

    def note(self) -> str:
        total = self.stats["total"]
        rate = self.stats["compiled"] / total if total else 0.0
        return f"compiled {self.stats['compiled']}/{total} ({rate:.0%}); the rest count as no answer"


def build_predictor(options) -> Predictor:
    gcc = shutil.which("gcc")
    if gcc is None:
        raise Unavailable("gcc not found on PATH")
    return GccPredictor(gcc, options.timeout)
