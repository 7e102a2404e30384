"""A character-level grammar of the pragma text the model writes after ``<|endofloop|>``.

The language: ``none``, or ``omp <directive>`` followed by clauses, each clause at most once and only those the
directive accepts; clause arguments are identifiers that occur in the loop or its context, reduction operators,
schedule kinds, or integers. The grammar is a small nondeterministic automaton over characters (so ``omp parallel
for s`` can still become ``simd`` or ``schedule``); a string is a valid prefix when some state survives.

:class:`TokenMasker` lifts it to tokens: the ids whose text keeps the prefix valid, cached per automaton state set.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from ompgpt.data.format import NO_PRAGMA

_LOOP_CLAUSES = ("private", "firstprivate", "lastprivate", "reduction", "collapse")
_PAR = ("shared", "num_threads", "default")
_SIMD = ("simdlen", "safelen")
_TARGET = (*_LOOP_CLAUSES, "shared", "default")
#: directive -> clauses it accepts (a syntax subset of OpenMP 5.x that covers loops; ``map``/``if``/``aligned``
#: and other expression-valued clauses are left out: the model should only write what the verifier can judge)
DIRECTIVES: dict[str, tuple[str, ...]] = {
    "parallel for": (*_LOOP_CLAUSES, "schedule", "ordered", *_PAR),
    "for": (*_LOOP_CLAUSES, "schedule", "ordered", "nowait"),
    "simd": ("private", "lastprivate", "reduction", "collapse", *_SIMD),
    "parallel for simd": (*_LOOP_CLAUSES, "schedule", *_PAR, *_SIMD),
    "for simd": (*_LOOP_CLAUSES, "schedule", "nowait", *_SIMD),
    "parallel": ("private", "firstprivate", "reduction", *_PAR),
    "taskloop": _TARGET,
    "taskloop simd": (*_TARGET, *_SIMD),
    "loop": ("private", "lastprivate", "reduction", "collapse"),
    "distribute": ("private", "firstprivate", "lastprivate", "collapse"),
    "distribute parallel for": (*_LOOP_CLAUSES, "schedule", *_PAR),
    "teams distribute": _TARGET,
    "teams distribute parallel for": (*_LOOP_CLAUSES, "schedule", *_PAR),
    "target parallel for": (*_LOOP_CLAUSES, "schedule", *_PAR),
    "target simd": ("private", "lastprivate", "reduction", "collapse", *_SIMD),
    "target teams distribute": _TARGET,
    "target teams loop": _TARGET,
    "target teams distribute parallel for": (*_LOOP_CLAUSES, "schedule", *_PAR),
    "target teams distribute parallel for simd": (*_LOOP_CLAUSES, "schedule", *_PAR, *_SIMD),
}
VAR_CLAUSES = frozenset({"private", "firstprivate", "lastprivate", "shared"})
FLAG_CLAUSES = frozenset({"nowait", "ordered"})
REPEATABLE = frozenset({"reduction"})  # one clause per operator
REDUCTION_OPS = ("+", "-", "*", "&", "|", "^", "&&", "||", "max", "min")
SCHEDULE_KINDS = ("static", "dynamic", "guided", "auto", "runtime")
DEFAULT_KINDS = ("none", "shared")
HEADS = (NO_PRAGMA, *(f"omp {d}" for d in DIRECTIVES))
_HEAD_DIRECTIVE = {f"omp {d}": d for d in DIRECTIVES}
_IDENT = re.compile(r"[A-Za-z_]\w*")
_C_KEYWORDS = frozenset(
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
        "nullptr",
        "class",
        "namespace",
        "template",
        "typename",
        "new",
        "delete",
        "this",
        "public",
        "private",
        "protected",
        "using",
        "operator",
        "virtual",
        "size_t",
    ]
)


def _prefixes(words: Iterable[str]) -> frozenset[str]:
    return frozenset(w[:i] for w in words for i in range(len(w) + 1))


_HEAD_PREFIXES = _prefixes(HEADS)
_OP_PREFIXES = _prefixes(REDUCTION_OPS)


#: longer identifiers are not offered as clause variables (README "Limits"; C guarantees 63 significant characters)
MAX_IDENTIFIER_CHARS = 128


def loop_identifiers(*texts: str) -> frozenset[str]:
    """Identifiers a clause may name: every non-keyword identifier of at most :data:`MAX_IDENTIFIER_CHARS`
    characters in the loop and its context."""
    return frozenset(
        w for text in texts for w in _IDENT.findall(text) if len(w) <= MAX_IDENTIFIER_CHARS and w not in _C_KEYWORDS
    )


def long_identifier(text: str) -> str | None:
    """The first identifier of ``text`` over :data:`MAX_IDENTIFIER_CHARS` characters (for a note), or None."""
    return next((w for w in _IDENT.findall(text) if len(w) > MAX_IDENTIFIER_CHARS), None)


class _Prefixes:
    """Membership of every prefix of a set of words, in memory linear in the words: a prefix is a word's when the
    first word not sorting before it starts with it. (A set of all prefixes took quadratic memory: 4.9 GB for
    one 100,000-character identifier.)"""

    def __init__(self, words: Iterable[str]):
        self.words = sorted(words)

    def __contains__(self, prefix: str) -> bool:
        at = bisect.bisect_left(self.words, prefix)
        return at < len(self.words) and self.words[at].startswith(prefix)


# A state is a tuple: (kind, directive, used_clauses, *fields). ``after`` is the accepting state between clauses.
State = tuple


@dataclass
class PragmaGrammar:
    """Valid pragma texts for one loop; ``identifiers=None`` allows any C identifier."""

    identifiers: frozenset[str] | None = None
    _id_prefixes: _Prefixes = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._id_prefixes = _Prefixes(self.identifiers or ())

    def start(self) -> frozenset[State]:
        return frozenset({("head", "", frozenset(), "")})

    def advance(self, states: frozenset[State], text: str) -> frozenset[State]:
        """States after reading ``text``; empty when the prefix became invalid."""
        for ch in text:
            states = frozenset(s for state in states for s in self._step(state, ch))
            if not states:
                break
        return states

    @staticmethod
    def accepting(states: frozenset[State]) -> bool:
        return any(s[0] in ("after", "end") for s in states)

    def is_valid_prefix(self, text: str) -> bool:
        return bool(self.advance(self.start(), text))

    def is_complete(self, text: str) -> bool:
        return self.accepting(self.advance(self.start(), text))

    # -- the automaton -------------------------------------------------------------------------------------------
    def _step(self, state: State, ch: str) -> list[State]:
        kind, directive, used = state[0], state[1], state[2]
        return getattr(self, f"_on_{kind}")(directive, used, state[3:], ch)

    def _on_head(self, _d, used, fields, ch):
        nb = fields[0] + ch
        out: list[State] = []
        if nb in _HEAD_PREFIXES:
            out.append(("head", "", used, nb))
            if nb == NO_PRAGMA:
                out.append(("end", "", used))
            elif nb in _HEAD_DIRECTIVE:
                out.append(("after", _HEAD_DIRECTIVE[nb], used))
        return out

    def _on_end(self, _d, _used, _fields, _ch):
        return []

    def _on_after(self, d, used, _fields, ch):
        return [("name", d, used, "")] if ch == " " else []

    def _on_name(self, d, used, fields, ch):
        nb = fields[0] + ch
        allowed = [c for c in DIRECTIVES[d] if c not in used or c in REPEATABLE]
        out: list[State] = []
        if any(c.startswith(nb) for c in allowed):
            out.append(("name", d, used, nb))
            if nb in FLAG_CLAUSES:
                out.append(("after", d, used | {nb}))
        if ch == "(" and fields[0] in allowed and fields[0] not in FLAG_CLAUSES:
            out.append(self._open(d, used, fields[0]))
        return out

    @staticmethod
    def _open(d, used, clause) -> State:
        used = used | {clause}
        if clause in VAR_CLAUSES:
            return ("vars", d, used, "", False)
        if clause == "reduction":
            return ("op", d, used, "")
        if clause == "schedule":
            return ("word", d, used, "", SCHEDULE_KINDS, True)
        if clause == "default":
            return ("word", d, used, "", DEFAULT_KINDS, False)
        return ("chunk", d, used, "", False)  # num_threads, collapse, simdlen, safelen: a number or a name

    def _ident_ok(self, buf: str, complete: bool) -> bool:
        if self.identifiers is None:
            return bool(_IDENT.fullmatch(buf)) and not (complete and buf in _C_KEYWORDS)
        return buf in (self.identifiers if complete else self._id_prefixes)

    def _on_vars(self, d, used, fields, ch):
        buf, after_comma = fields
        if ch == " ":
            return [("vars", d, used, "", False)] if after_comma and buf == "" else []
        if ch in ",)":
            if not buf or not self._ident_ok(buf, complete=True):
                return []
            return [("vars", d, used, "", True)] if ch == "," else [("after", d, used)]
        nb = buf + ch
        return [("vars", d, used, nb, False)] if self._ident_ok(nb, complete=False) else []

    def _on_op(self, d, used, fields, ch):
        buf = fields[0]
        if ch == ":":
            return [("vars", d, used, "", False)] if buf in REDUCTION_OPS else []
        nb = buf + ch
        return [("op", d, used, nb)] if nb in _OP_PREFIXES else []

    def _on_word(self, d, used, fields, ch):
        buf, words, chunk_ok = fields
        if ch == ")" and buf in words:
            return [("after", d, used)]
        if ch == "," and chunk_ok and buf in words:
            return [("chunk", d, used, "", True)]
        nb = buf + ch
        return [("word", d, used, nb, words, chunk_ok)] if any(w.startswith(nb) for w in words) else []

    def _on_chunk(self, d, used, fields, ch):
        """A chunk size / thread count: a positive integer or an identifier from the loop."""
        buf, space_ok = fields
        if ch == " ":
            return [("chunk", d, used, "", False)] if space_ok and buf == "" else []
        if ch == ")":
            done = (buf.isdigit() and buf[0] != "0") or (buf and self._ident_ok(buf, complete=True))
            return [("after", d, used)] if done else []
        nb = buf + ch
        if nb.isdigit():
            return [("chunk", d, used, nb, False)] if nb[0] != "0" else []
        return [("chunk", d, used, nb, False)] if self._ident_ok(nb, complete=False) else []


_IDENTIFIER_STATES = frozenset({"vars", "chunk"})  # the only states whose next step consults loop identifiers
_ALPHABET = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ (),:+-*&|^")


class TokenTrie:
    """The vocabulary's token texts as a character trie (grammar characters only). Built once per tokenizer."""

    def __init__(self, token_strings: list[str], end_id: int):
        self.end_id = end_id
        self.vocab_size = len(token_strings)
        self.root: dict = {}
        for idx, text in enumerate(token_strings):
            if text and idx != end_id and set(text) <= _ALPHABET:
                node = self.root
                for ch in text:
                    node = node.setdefault(ch, {})
                node.setdefault("", []).append(idx)  # "" holds the ids ending at this node
        # masks that never looked at a loop identifier, shared by every loop's masker
        self.shared: dict[frozenset[State], np.ndarray] = {}
        # per directive head: next-token ids that only end it, only extend it, or may do either (ompgpt.model.chain)
        self.head_splits: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}


class TokenMasker:
    """Which token ids may come next under one loop's grammar; cached per automaton state set.

    Walks the token trie with the automaton, pruning a branch as soon as its prefix is invalid, so a step visits a
    few hundred trie nodes instead of advancing every token text of the vocabulary.
    """

    def __init__(self, trie: TokenTrie, grammar: PragmaGrammar):
        self.trie = trie
        self.grammar = grammar
        self._cache: dict[frozenset[State], np.ndarray] = {}
        self._steps: dict[tuple[frozenset[State], str], frozenset[State]] = {}

    def step(self, states: frozenset[State], ch: str) -> frozenset[State]:
        key = (states, ch)
        out = self._steps.get(key)
        if out is None:
            out = self._steps[key] = self.grammar.advance(states, ch)
        return out

    def step_text(self, states: frozenset[State], text: str) -> frozenset[State]:
        """States after ``text`` (empty if invalid, e.g. for the end marker), memoized per character."""
        for ch in text:
            states = self.step(states, ch)
            if not states:
                break
        return states

    def allowed(self, states: frozenset[State]) -> np.ndarray:
        """Sorted ids allowed after ``states`` (the end-of-pragma id included when the text is complete)."""
        hit = self._cache.get(states)
        if hit is None:
            hit = self.trie.shared.get(states)
        if hit is not None:
            return hit
        ids = [self.trie.end_id] if self.grammar.accepting(states) else []
        stack = [(self.trie.root, states)]
        uses_identifiers = False
        while stack:
            node, node_states = stack.pop()
            uses_identifiers = uses_identifiers or any(s[0] in _IDENTIFIER_STATES for s in node_states)
            for ch, child in node.items():
                if ch == "":
                    continue
                child_states = self.step(node_states, ch)
                if child_states:
                    ids.extend(child.get("", ()))
                    stack.append((child, child_states))
        result = np.array(sorted(ids), dtype=np.int64)
        (self._cache if uses_identifiers else self.trie.shared)[states] = result
        return result

    def mask(self, states: frozenset[State]) -> np.ndarray:
        """Additive mask over the vocabulary: 0 where allowed, -inf elsewhere."""
        out = np.full(self.trie.vocab_size, -np.inf, dtype=np.float32)
        out[self.allowed(states)] = 0.0
        return out
