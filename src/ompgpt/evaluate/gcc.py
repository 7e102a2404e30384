"""GCC's auto-parallelizer as a predictor: does ``-ftree-parallelize-loops`` parallelize the snippet's outer loop?

Each snippet is wrapped in a function with guessed declarations (functions return ``double``, subscripted names
become large global ``double`` arrays, other free names ``long``/``double`` parameters), compiled with ``gcc -O2
-ftree-parallelize-loops=2 -fno-tree-loop-distribute-patterns -fopt-info-loop-all`` (:data:`GCC_FLAGS`), and GCC's
own report decides: "parallelizing outer/inner loop" on the snippet's first line answers ``parallel for``, anything
else ``none``. GCC privatizes and reduces internally without naming source variables, so this predictor never
proposes clauses: it measures the directive decision only. Without ``-ffast-math`` GCC will not reorder
floating-point reductions, as for any user of that flag set. A snippet that does not compile is *no answer*; the
compile rate is reported in the note.
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
    re.findall(
        r"\w+",
        "auto break case char const continue default do double else enum extern float for goto if inline int long "
        "register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while "
        "bool true false NULL size_t",
    )
)
_CXX = re.compile(r"::|\bstd\b|\bauto\b|\btemplate\b|<\w+>|\bnew\b|\bstatic_cast\b")
#: loop distribution off: otherwise GCC turns zeroing/copy loops into memset/memcpy calls and never considers them
GCC_FLAGS = ("-O2", "-ftree-parallelize-loops=2", "-fno-tree-loop-distribute-patterns", "-fopt-info-loop-all")
#: array extent per dimension count: big enough that GCC does not bound the trip count below its threshold
_EXTENT = {1: "[1048576]", 2: "[2048]", 3: "[128]", 4: "[32]"}
_DECLARED = re.compile(r"\b(?:int|long|unsigned|size_t|double|float|char|short|bool|auto)\s+([A-Za-z_]\w*)")


def _dims(code: str, name: str) -> int:
    """How many subscripts follow ``name`` at most (``a[i][j]`` -> 2)."""
    best = 0
    for m in re.finditer(rf"\b{re.escape(name)}\s*((?:\[[^\[\]]*\]\s*)+)", code):
        best = max(best, m.group(1).count("["))
    return best


def free_names(code: str) -> tuple[list[str], list[str], list[str]]:
    """(functions, arrays as declarations, scalars) among the identifiers ``code`` uses but does not declare."""
    declared = set(_DECLARED.findall(code))
    functions, arrays, scalars = [], [], []
    for name in sorted(set(_IDENT.findall(code)) - _KEYWORDS - declared):
        if re.search(rf"(?:\.|->)\s*{re.escape(name)}\b", code):
            continue  # a member name
        if re.search(rf"\b{re.escape(name)}\s*\(", code):
            functions.append(name)
        elif dims := _dims(code, name):
            arrays.append(f"{name}{_EXTENT.get(dims, '[16]') * dims}")
        else:
            scalars.append(name)
    return functions, arrays, scalars


def _scalar_type(code: str, name: str) -> str:
    """``long`` for names used as subscripts, loop counters or with integer-only operators, else ``double``."""
    word = rf"\b{re.escape(name)}\b"
    in_brackets = any(re.search(word, inside) for inside in re.findall(r"\[([^\[\]]*)\]", code))
    in_header = any(re.search(word, header) for header in re.findall(r"\bfor\s*\(([^;]*;[^;]*;)", code))
    integer_op = re.search(rf"{word}\s*(?:%|<<|>>|&[^&]|\|[^|])|(?:%|<<|>>)\s*{word}", code)
    return "long" if in_brackets or in_header or integer_op else "double"


def declarations(code: str, cxx: bool = False) -> str:
    """Guessed file-scope declarations: functions return double (any arguments), arrays are large global doubles."""
    functions, arrays, _ = free_names(code)
    proto = "(...)" if cxx else "()"
    return "\n".join([*(f"double {f}{proto};" for f in functions), *(f"double {a};" for a in arrays)])


def wrap(code: str, cxx: bool = False) -> tuple[str, int]:
    """A compilable C file around the snippet, and the line its first line lands on.

    Free scalars become parameters (``long`` if used like an index, else ``double``; initialized and not
    addressable, so GCC may privatize them) and are all stored to a global sink after the loop, so a loop computing
    only scalars is not deleted as dead code."""
    _, _, scalars = free_names(code)
    params = ", ".join(f"{_scalar_type(code, v)} {v}" for v in scalars) or "void"
    sink = " + ".join(["0", *scalars])
    head = f"#include <math.h>\n{declarations(code, cxx)}\ndouble ompgpt_sink;\nvoid ompgpt_snippet({params}) {{\n"
    return f"{head}{code}\n;ompgpt_sink = (double)({sink});}}\n", head.count("\n") + 1


def _answer(report: str, line: int, file: str) -> str:
    for m in re.finditer(rf"{re.escape(file)}:(\d+):\d+: (?:optimized|missed): (.*)", report):
        if int(m.group(1)) == line and re.match(r"parallelizing (?:outer|inner) loop", m.group(2)):
            return "parallel for"
    return "none"


def predict_one(code: str, gcc: str, timeout: float, cxx: bool = False) -> tuple[Prediction, bool]:
    """(prediction, compiled?) for one snippet; ``cxx`` compiles it as C++ (``gcc`` picks the language by suffix)."""
    source, line = wrap(code, cxx)
    with tempfile.TemporaryDirectory(prefix="ompgpt-gcc-") as tmp:
        path = Path(tmp) / ("snippet.cpp" if cxx else "snippet.c")
        path.write_text(source, encoding="utf-8")
        cmd = [gcc, *GCC_FLAGS, "-w", "-c", str(path),
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
            results = list(pool.map(self._one, items))
        self.stats = Counter(total=len(items), compiled=sum(ok for _, ok in results))
        return [pred for pred, _ in results]

    def _one(self, item: EvalItem) -> tuple[Prediction, bool]:
        cxx = item.meta.get("lang") == "cpp" or bool(_CXX.search(item.code))
        return predict_one(item.code, self.gcc, self.timeout, cxx)

    def note(self) -> str:
        total = self.stats["total"]
        rate = self.stats["compiled"] / total if total else 0.0
        return f"compiled {self.stats['compiled']}/{total} ({rate:.0%}); the rest count as no answer"


def build_predictor(options) -> Predictor:
    gcc = shutil.which("gcc")
    if gcc is None:
        raise Unavailable("gcc not found on PATH")
    return GccPredictor(gcc, options.timeout)
