"""Accuracy metrics for suggested OpenMP pragmas: pure functions over (label, prediction) text pairs.

Normalization (the same for labels and predictions, so peers and our stages are scored alike):

1. ``None``, ``"none"`` (any case) mean "leave the loop serial" (a negative). A prediction of ``None`` or ``""`` is
   *no answer*. A leading ``#pragma`` / ``omp`` is dropped.
2. MonoCoder's space-separated variable lists are accepted: inside a list clause with no top-level comma, variables
   are split on whitespace (``private(end j)`` = ``private(end, j)``; ``reduction( + : a b )`` = ``reduction(+:a, b)``).
   The text is then parsed by :func:`ompgpt.source.pragma.parse_pragma` (strict: unknown clauses, unbalanced
   parentheses, empty lists or a reduction without an operator make the pragma *unparsable*).
3. What is compared: the directive words as a set (``simd for`` = ``for simd``); the private set, with
   ``firstprivate`` and ``lastprivate`` folded into it; the reduction (operator, variable) set. Variable names are
   lower-cased and array sections cut (``a[:n]`` -> ``a``); reduction modifiers written as variables (``inscan``,
   ``task``, ``default``) are dropped, and so is a ``conditional:`` prefix in ``private`` (MonoCoder's labels turned
   ``lastprivate(conditional: x)`` into ``private(conditional: x)``). Every other clause (``shared``, ``schedule``,
   ``collapse``, ``default`` ...) is ignored by *exact* match.
4. *Exact*: same directive words, same private set and same reduction set (a negative label is matched only by a
   ``none`` answer). *Directive*: same directive words (or both negative).
5. Clause scores are on *presence*, over items whose label is a pragma: ``private`` (after folding),
   ``reduction``, ``firstprivate``, ``lastprivate``, ``schedule``, ``collapse``, and ``simd`` (a directive word).
   Precision, recall and F1 are 0 when their denominator is 0.
6. "Needs a pragma": positive = the label is a pragma. A pragma answer is a predicted positive, ``none`` a predicted
   negative. *No answer* and *unparsable* answers count as wrong on every measure: a false negative for a pragma
   label, a false positive for a ``none`` label (and as absent clauses for the clause scores). They are also counted
   separately. Items whose *label* is unparsable are left out of every score and counted.
7. ``lenient=True`` (``ompgpt eval --lenient``) reads an empty list clause (``private ( )``, ``reduction ( )``, which
   OpenMP and compilers reject) as absent instead of unparsable. It exists to show how much a peer's score depends
   on that choice (MonoCoder-OMP writes ~100 of them); the strict rule is the reported one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ompgpt.source.pragma import LIST_CLAUSES, PragmaError, parse_pragma

#: clause-presence features scored per clause, in report order
FEATURES = ("private", "reduction", "firstprivate", "lastprivate", "schedule", "collapse", "simd")
_REDUCTION_MODIFIERS = frozenset({"inscan", "task", "default"})
_CLAUSE_OPEN = re.compile(r"([A-Za-z_]\w*)\s*\(")
_EMPTY_CLAUSE = re.compile(r"\b[A-Za-z_]\w*\s*\(\s*\)")
_NEGATIVE = frozenset({"none"})
#: list clauses whose ``qualifier:`` comes before the variables
_QUALIFIED = frozenset({"reduction", "in_reduction", "task_reduction", "lastprivate", "map", "depend", "allocate"})
#: clauses that take no modifier, whose ``x:`` prefix is dropped
_UNQUALIFIED = frozenset({"private", "firstprivate"})


class Unparsable(ValueError):
    """A pragma text that cannot be read as an OpenMP pragma (the reason is the message)."""


@dataclass(frozen=True)
class Norm:
    """A pragma reduced to what the metrics compare."""

    directive: frozenset[str]
    private: frozenset[str] = frozenset()
    reductions: frozenset[tuple[str, str]] = frozenset()
    features: frozenset[str] = frozenset()

    def key(self) -> tuple:
        """What *exact* compares."""
        return (self.directive, self.private, self.reductions)


def _top_level(text: str, char: str) -> int:
    """Index of the first ``char`` outside brackets, or -1."""
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == char and depth == 0:
            return i
    return -1


def _closing(text: str, open_index: int) -> int:
    """Index of the parenthesis closing the one at ``open_index``, or -1 when unbalanced."""
    depth = 0
    for i in range(open_index, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _spaced_items(text: str) -> list[str]:
    """Split a whitespace-separated variable list, keeping bracketed parts (``a[0 : n]``) whole."""
    items, current, depth = [], "", 0
    for ch in text:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if ch.isspace() and depth == 0:
            if current:
                items.append(current)
            current = ""
        elif not ch.isspace():
            current += ch
    return [*items, current] if current else items


def _commafy_body(name: str, body: str) -> str:
    colon = _top_level(body, ":")
    if name in _UNQUALIFIED and colon >= 0:
        body, colon = body[colon + 1 :], -1  # MonoCoder's ``private(conditional: x)``: a lastprivate lost its "last"
    if _top_level(body, ",") >= 0:
        return body
    head = ""
    if name in _QUALIFIED and colon >= 0:
        head, body = body[:colon].strip() + ":", body[colon + 1 :]
    return head + ", ".join(_spaced_items(body))


def commafy(text: str) -> str:
    """Rewrite MonoCoder's space-separated list clauses with commas; other text is kept as is."""
    out, pos = [], 0
    for m in _CLAUSE_OPEN.finditer(text):
        if m.start() < pos or m.group(1).lower() not in LIST_CLAUSES:
            continue
        close = _closing(text, m.end() - 1)
        if close < 0:
            break
        out.append(text[pos : m.end()] + _commafy_body(m.group(1).lower(), text[m.end() : close]) + ")")
        pos = close + 1
    return "".join(out) + text[pos:]


def _variable(item: str) -> str:
    return item.split("[", 1)[0].lower()


def normalize(text: str, lenient: bool = False) -> Norm | None:
    """The normalized pragma, or ``None`` for a ``none`` (leave serial) answer; raises :class:`Unparsable`."""
    stripped = " ".join((_EMPTY_CLAUSE.sub(" ", text) if lenient else text).split())
    if stripped.lower() in _NEGATIVE:
        return None
    if not stripped:
        raise Unparsable("empty pragma")
    try:
        pragma = parse_pragma(commafy(stripped))
    except PragmaError as err:
        raise Unparsable(str(err)) from None
    private = {_variable(v) for name in ("private", "firstprivate", "lastprivate") for v in pragma.variables(name)}
    reductions = {(op.lower(), _variable(v)) for op, v in pragma.reductions() if v.lower() not in _REDUCTION_MODIFIERS}
    present = {c.name for c in pragma.clauses} & set(FEATURES)
    if private:
        present.add("private")
    if "simd" in pragma.directive:
        present.add("simd")
    return Norm(frozenset(pragma.directive), frozenset(private), frozenset(reductions), frozenset(present))


@dataclass
class Counts:
    """Binary confusion counts with the derived scores."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, truth: bool, predicted: bool) -> None:
        if truth and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif truth:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        total = self.tp + self.fp + self.fn + self.tn
        return (self.tp + self.tn) / total if total else 0.0


@dataclass
class Scores:
    """Everything :func:`score` measures over one predictor on one dataset."""

    n: int = 0
    exact_hits: int = 0
    directive_hits: int = 0
    label_unparsable: int = 0
    pred_unparsable: int = 0
    no_answer: int = 0
    negatives: int = 0
    clauses: dict[str, Counts] = field(default_factory=lambda: {f: Counts() for f in FEATURES})
    needs: Counts = field(default_factory=Counts)

    @property
    def exact(self) -> float:
        return self.exact_hits / self.n if self.n else 0.0

    @property
    def directive(self) -> float:
        return self.directive_hits / self.n if self.n else 0.0


#: the state of an answer: a normalized pragma, "none", or one of the failure kinds
_NONE, _NO_ANSWER, _UNPARSABLE = "none", "no answer", "unparsable"


def read_prediction(text: str | None, lenient: bool = False) -> Norm | str:
    """A prediction as a :class:`Norm`, or ``"none"``, ``"no answer"`` or ``"unparsable"``."""
    if text is None or not text.strip():
        return _NO_ANSWER
    try:
        norm = normalize(text, lenient)
    except Unparsable:
        return _UNPARSABLE
    return _NONE if norm is None else norm


def _add(scores: Scores, label: Norm | None, pred: Norm | str) -> None:
    scores.n += 1
    scores.negatives += label is None
    scores.no_answer += pred == _NO_ANSWER
    scores.pred_unparsable += pred == _UNPARSABLE
    if label is None:
        scores.exact_hits += pred == _NONE
        scores.directive_hits += pred == _NONE
        scores.needs.add(False, pred != _NONE)
        return
    got = pred if isinstance(pred, Norm) else None
    scores.exact_hits += got is not None and got.key() == label.key()
    scores.directive_hits += got is not None and got.directive == label.directive
    scores.needs.add(True, got is not None)
    for feature, counts in scores.clauses.items():
        counts.add(feature in label.features, got is not None and feature in got.features)


def score(pairs: Iterable[tuple[str | None, str | None]], lenient: bool = False) -> Scores:
    """Score (label, prediction) text pairs; see the module docstring for the rules."""
    scores = Scores()
    for label_text, pred_text in pairs:
        try:
            label = None if label_text is None else normalize(label_text, lenient)
        except Unparsable:
            scores.label_unparsable += 1
            continue
        _add(scores, label, read_prediction(pred_text, lenient))
    return scores
