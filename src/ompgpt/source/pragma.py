"""The OpenMP directive model: parse ``#pragma omp ...`` into directive words and clauses, print it canonically,
and compare two pragmas by meaning (clause and variable sets, order-insensitive).

The parser is hand-written and tolerant of layout (``# pragma omp``, backslash continuations, commas between
clauses) but strict about structure: unbalanced parentheses, unknown clause names or a ``reduction`` without an
operator give a :class:`PragmaError` with the column and reason, never a stack trace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

DIRECTIVE_WORDS = frozenset(
    [
        "parallel",
        "for",
        "do",
        "simd",
        "sections",
        "section",
        "single",
        "master",
        "masked",
        "critical",
        "atomic",
        "barrier",
        "taskwait",
        "taskgroup",
        "taskyield",
        "flush",
        "ordered",
        "task",
        "taskloop",
        "target",
        "teams",
        "distribute",
        "loop",
        "declare",
        "end",
        "begin",
        "data",
        "enter",
        "exit",
        "update",
        "threadprivate",
        "requires",
        "scope",
        "metadirective",
        "tile",
        "unroll",
        "cancel",
        "cancellation",
        "point",
        "scan",
        "depobj",
        "allocate",
        "assume",
        "assumes",
        "dispatch",
        "interop",
        "error",
        "nothing",
        "variant",
        "mapper",
        "reduction",
        "workshare",
    ]
)
#: words that are directive words only right after a given directive word
_CONTEXT_WORDS = {
    "data": {"target", "enter", "exit"},
    "enter": {"target"},
    "exit": {"target"},
    "update": {"target"},
    "reduction": {"declare"},
    "variant": {"declare"},
    "mapper": {"declare"},
    "point": {"cancellation"},
}
#: directives taking a parenthesized argument right after the word, e.g. critical(name), flush(a, b)
_DIRECTIVE_ARGS = frozenset(
    ["critical", "flush", "threadprivate", "allocate", "depobj", "reduction", "variant", "mapper", "declare", "scan"]
)
LOOP_WORDS = frozenset({"for", "do", "simd", "loop", "taskloop", "distribute"})
_ORDERED_CLAUSE_AFTER = LOOP_WORDS

LIST_CLAUSES = frozenset(
    [
        "private",
        "firstprivate",
        "lastprivate",
        "shared",
        "copyin",
        "copyprivate",
        "linear",
        "aligned",
        "nontemporal",
        "reduction",
        "in_reduction",
        "task_reduction",
        "map",
        "to",
        "from",
        "is_device_ptr",
        "use_device_ptr",
        "use_device_addr",
        "has_device_addr",
        "allocate",
        "uniform",
        "inclusive",
        "exclusive",
        "depend",
        "link",
        "enter",
        "affinity",
    ]
)
#: list clauses whose ``prefix:`` part qualifies the list (operator, map type, dependence type...)
_PREFIXED = frozenset(
    [
        "reduction",
        "in_reduction",
        "task_reduction",
        "map",
        "depend",
        "to",
        "from",
        "allocate",
        "lastprivate",
        "affinity",
    ]
)
#: list clauses whose ``:suffix`` part follows the list (linear step, alignment)
_SUFFIXED = frozenset({"linear", "aligned"})
_REDUCTION_CLAUSES = frozenset({"reduction", "in_reduction", "task_reduction"})
REDUCTION_OPERATORS = frozenset({"+", "-", "*", "&", "|", "^", "&&", "||", "max", "min"})

KNOWN_CLAUSES = LIST_CLAUSES | frozenset(
    [
        "default",
        "schedule",
        "collapse",
        "num_threads",
        "if",
        "nowait",
        "ordered",
        "safelen",
        "simdlen",
        "proc_bind",
        "device",
        "num_teams",
        "thread_limit",
        "dist_schedule",
        "untied",
        "mergeable",
        "final",
        "priority",
        "grainsize",
        "num_tasks",
        "nogroup",
        "defaultmap",
        "inbranch",
        "notinbranch",
        "order",
        "bind",
        "hint",
        "read",
        "write",
        "update",
        "capture",
        "compare",
        "seq_cst",
        "acq_rel",
        "acquire",
        "release",
        "relaxed",
        "threads",
        "simd",
        "filter",
        "detach",
        "device_type",
        "full",
        "partial",
        "sizes",
        "when",
        "match",
        "adjust_args",
        "append_args",
        "destroy",
        "init",
        "use",
        "at",
        "severity",
        "message",
        "align",
        "doacross",
        "fail",
        "weak",
        "novariants",
        "nocontext",
        "indirect",
        "allocator",
        "uses_allocators",
        "otherwise",
        "default",
        "absent",
        "contains",
        "holds",
        "no_openmp",
        "no_openmp_routines",
        "no_parallelism",
        "unified_address",
        "unified_shared_memory",
        "reverse_offload",
        "dynamic_allocators",
        "atomic_default_mem_order",
        "self_maps",
        "novariants",
        "nocontext",
        "memscope",
    ]
)

#: canonical clause order: data sharing first, then reductions, then loop shape, then scheduling and the rest
CLAUSE_ORDER = [
    "if",
    "num_threads",
    "default",
    "shared",
    "private",
    "firstprivate",
    "lastprivate",
    "copyin",
    "reduction",
    "linear",
    "aligned",
    "nontemporal",
    "safelen",
    "simdlen",
    "collapse",
    "ordered",
    "schedule",
    "dist_schedule",
    "order",
    "proc_bind",
    "map",
    "device",
    "num_teams",
    "thread_limit",
    "nowait",
]
_ORDER_INDEX = {name: i for i, name in enumerate(CLAUSE_ORDER)}

_PREFIX = re.compile(r"^\s*(?:#\s*pragma\s+|_Pragma\s*\(\s*\"\s*|__pragma\s*\(\s*)?omp\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z_]\w*")
#: a list item starts like a C identifier (letters include non-ASCII ones, which C23, C++ and compilers accept in
#: UTF-8 source: ``reduction(+:Σ)``), or with ``(``/``*`` (array sections, dereferences)
_LIST_ITEM_START = re.compile(r"[^\W\d]|[(*]")


class PragmaError(ValueError):
    """A malformed OpenMP pragma: ``column`` is 1-based in the (continuation-joined) pragma text."""

    def __init__(self, column: int, reason: str):
        super().__init__(f"column {column}: {reason}")
        self.column, self.reason = column, reason


@dataclass(frozen=True)
class Clause:
    """One clause. For list clauses ``items`` holds the variables (array sections kept as written, spaces
    removed) and ``qualifier`` the operator / map type / modifier before the colon (or the step/alignment after it,
    in ``suffix``). Other clauses keep their argument text in ``args``."""

    name: str
    args: str | None = None
    items: tuple[str, ...] = ()
    qualifier: str | None = None
    suffix: str | None = None
    unknown: bool = False  # not an OpenMP clause (kept only by a lenient parse; usually a macro)

    @property
    def operator(self) -> str | None:
        """The reduction operator (``+``, ``max``, a user identifier...), for reduction clauses."""
        if self.name not in _REDUCTION_CLAUSES or self.qualifier is None:
            return None
        return self.qualifier.rsplit(",", 1)[-1].strip()

    def render(self) -> str:
        if self.name in LIST_CLAUSES:
            body = ", ".join(sorted(self.items))
            if self.qualifier:
                body = f"{self.qualifier}:{body}"
            if self.suffix:
                body = f"{body}:{self.suffix}"
            return f"{self.name}({body})"
        return self.name if self.args is None else f"{self.name}({self.args})"

    def key(self) -> tuple:
        """What the clause means, for order-insensitive comparison."""
        if self.name in LIST_CLAUSES:
            return (self.name, self.qualifier, self.suffix)
        return (self.name, self.args)


@dataclass(frozen=True)
class Pragma:
    """A parsed ``#pragma omp`` line: directive words, an optional directive argument, and clauses."""

    directive: tuple[str, ...]
    clauses: tuple[Clause, ...] = ()
    directive_arg: str | None = None
    text: str = field(default="", compare=False)

    @property
    def directive_name(self) -> str:
        return " ".join(self.directive)

    @property
    def is_loop_directive(self) -> bool:
        """True when the directive applies to the following ``for`` loop (worksharing, simd, taskloop ...)."""
        return bool(LOOP_WORDS & set(self.directive)) and "declare" not in self.directive

    @property
    def opens_parallel_region(self) -> bool:
        """True when the directive creates a team of threads (``parallel ...`` or ``teams ...``)."""
        return "parallel" in self.directive or "teams" in self.directive

    def clause(self, name: str) -> Clause | None:
        return next((c for c in self.clauses if c.name == name), None)

    def variables(self, name: str) -> frozenset[str]:
        """The union of variables over every clause called ``name``."""
        return frozenset(item for c in self.clauses if c.name == name for item in c.items)

    def reductions(self) -> frozenset[tuple[str, str]]:
        """The (operator, variable) pairs of the reduction clauses."""
        return frozenset((c.operator or "", item) for c in self.clauses if c.name == "reduction" for item in c.items)

    def merged_clauses(self) -> list[Clause]:
        """Clauses in canonical order, list clauses with the same name and qualifier merged into one."""
        merged: dict[tuple, Clause] = {}
        for c in self.clauses:
            if c.unknown:
                continue
            key = c.key()
            if key in merged and c.name in LIST_CLAUSES:
                old = merged[key]
                merged[key] = Clause(c.name, None, tuple(sorted(set(old.items) | set(c.items))), c.qualifier, c.suffix)
            else:
                merged.setdefault(key, Clause(c.name, c.args, tuple(sorted(set(c.items))), c.qualifier, c.suffix))
        return sorted(merged.values(), key=lambda c: (_ORDER_INDEX.get(c.name, len(_ORDER_INDEX)), c.name, c.render()))

    def canonical(self, prefix: bool = False) -> str:
        """Fixed clause order, sorted variable lists, single spaces: equal text means equal meaning."""
        head = self.directive_name + (f"({self.directive_arg})" if self.directive_arg is not None else "")
        text = " ".join([head, *(c.render() for c in self.merged_clauses())])
        return f"#pragma omp {text}" if prefix else text

    def key(self) -> tuple:
        return (
            self.directive,
            self.directive_arg,
            frozenset((c.key(), frozenset(c.items)) for c in self.merged_clauses()),
        )

    def same_as(self, other: Pragma) -> bool:
        """Semantic equality: same directive words and the same clauses with the same variable sets."""
        return self.key() == other.key()

    def with_clauses(self, clauses: list[Clause] | tuple[Clause, ...]) -> Pragma:
        return Pragma(self.directive, tuple(clauses), self.directive_arg)

    def __str__(self) -> str:
        return self.canonical(prefix=True)


def join_continuations(text: str) -> str:
    """Join backslash-continued lines, drop comments, and collapse whitespace runs to single spaces."""
    text = re.sub(r"\\\r?\n", " ", text)
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.DOTALL)
    text = re.sub(r"//.*", "", text)
    return " ".join(text.split())


def is_omp_pragma(text: str) -> bool:
    return bool(_PREFIX.match(text))


class _Scanner:
    def __init__(self, text: str, pos: int):
        self.text, self.pos = text, pos

    def skip(self, commas: bool = False) -> None:
        while self.pos < len(self.text) and (self.text[self.pos].isspace() or (commas and self.text[self.pos] == ",")):
            self.pos += 1

    def at_end(self) -> bool:
        self.skip()
        return self.pos >= len(self.text)

    def peek_word(self) -> str | None:
        self.skip()
        m = _WORD.match(self.text, self.pos)
        return m.group() if m else None

    def take_word(self) -> str:
        word = self.peek_word()
        if word is None:
            raise PragmaError(self.pos + 1, f"expected a clause name, found {self.text[self.pos]!r}")
        self.pos += len(word)
        return word

    def next_is_paren(self) -> bool:
        self.skip()
        return self.text.startswith("(", self.pos)

    def take_parens(self) -> str:
        """The text inside balanced parentheses starting at the current position."""
        self.skip()
        start, depth = self.pos, 0
        for i in range(self.pos, len(self.text)):
            ch = self.text[i]
            if ch in "([":
                depth += 1
            elif ch in ")]":
                depth -= 1
                if depth == 0:
                    self.pos = i + 1
                    return self.text[start + 1 : i].strip()
                if depth < 0:
                    break
        raise PragmaError(start + 1, "unbalanced parentheses")


def split_top_level(text: str, sep: str = ",") -> list[str]:
    """Split on ``sep`` outside brackets and parentheses (array sections like ``a[0:n]`` stay whole)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _list_clause(name: str, args: str, column: int) -> Clause:
    qualifier = suffix = None
    colon_parts = split_top_level(args, ":")
    if name in _PREFIXED and len(colon_parts) > 1:
        qualifier = " ".join(":".join(colon_parts[:-1]).split())
        args = colon_parts[-1]
    elif name in _SUFFIXED and len(colon_parts) > 1:
        args, suffix = colon_parts[0], _squash(":".join(colon_parts[1:]))
    if name in _REDUCTION_CLAUSES:
        if qualifier is None:
            raise PragmaError(column, f"{name} clause needs an operator, as in {name}(+:x)")
        op = qualifier.rsplit(",", 1)[-1].strip()
        if op not in REDUCTION_OPERATORS and not _WORD.fullmatch(op.lstrip(":")):
            raise PragmaError(column, f"unknown reduction operator {op!r}")
        qualifier = _squash(qualifier.replace(",", ", ")).replace(",", ", ")
    items = tuple(_squash(item) for item in split_top_level(args) if item.strip())
    if not items:
        raise PragmaError(column, f"{name} clause has an empty variable list")
    for item in items:
        if not _LIST_ITEM_START.match(item):
            raise PragmaError(column, f"{name} clause: {item!r} is not a variable")
    return Clause(name, None, items, qualifier, suffix)


def _clause(scanner: _Scanner, context: tuple[str, ...], allow_unknown: bool) -> Clause:
    column = scanner.pos + 1
    word = scanner.take_word()
    name = word.lower()
    if name not in KNOWN_CLAUSES:
        if not allow_unknown:
            raise PragmaError(column, f"unknown clause {word!r} for '{' '.join(context)}'")
        args = scanner.take_parens() if scanner.next_is_paren() else None
        return Clause(word, args, unknown=True)
    if not scanner.next_is_paren():
        if name in LIST_CLAUSES and name not in {"allocate", "enter"}:
            raise PragmaError(scanner.pos + 1, f"{name} clause needs a parenthesized variable list")
        return Clause(name)
    args = scanner.take_parens()
    if name in LIST_CLAUSES:
        return _list_clause(name, args, column)
    if not args and name not in {"ordered"}:
        raise PragmaError(column, f"{name} clause has empty parentheses")
    return Clause(name, ", ".join(" ".join(p.split()) for p in split_top_level(args)))


def _directive(scanner: _Scanner) -> tuple[tuple[str, ...], str | None]:
    words: list[str] = []
    directive_arg = None
    while True:
        word = scanner.peek_word()
        if word is None or word.lower() not in DIRECTIVE_WORDS:
            break
        low = word.lower()
        prev = words[-1] if words else None
        if low in _CONTEXT_WORDS and prev not in _CONTEXT_WORDS[low]:
            break
        if low == "ordered" and LOOP_WORDS & set(words):
            break  # `for ordered`: the ordered clause
        if low == "allocate" and words:
            break  # the allocate clause
        if low in {"simd", "update"} and prev in {"ordered", "atomic"}:
            break  # `ordered simd` is a clause form; `atomic update` likewise
        scanner.pos += len(word)
        words.append(low)
        if low in _DIRECTIVE_ARGS and scanner.next_is_paren():
            directive_arg = " ".join(scanner.take_parens().split())
            if low != "declare":
                break
    return tuple(words), directive_arg


def parse_pragma(text: str, allow_unknown: bool = False) -> Pragma:
    """Parse an OpenMP pragma (``#pragma omp ...``, ``omp ...`` or just ``parallel for ...``).

    ``allow_unknown`` keeps unknown clause names (macros in real code) as clauses marked ``unknown`` instead of
    failing; canonical printing and comparison ignore them."""
    joined = join_continuations(text)
    m = _PREFIX.match(joined)
    body_start = m.end() if m else 0
    if not m and joined.lstrip().startswith("#"):
        raise PragmaError(1, "not an OpenMP pragma")
    if joined.endswith('")') and joined.lstrip().startswith("_Pragma"):
        joined = joined[:-2]
    elif joined.endswith(")") and joined.lstrip().startswith("__pragma"):
        joined = joined[:-1]
    scanner = _Scanner(joined, body_start)
    directive, directive_arg = _directive(scanner)
    if not directive:
        word = scanner.peek_word()
        scanner.skip()
        what = repr(word) if word else "nothing"
        raise PragmaError(scanner.pos + 1, f"expected an OpenMP directive, found {what}")
    clauses = []
    while True:
        scanner.skip(commas=True)
        if scanner.pos >= len(joined):
            break
        clauses.append(_clause(scanner, directive, allow_unknown))
    return Pragma(directive, tuple(clauses), directive_arg, text=joined)
