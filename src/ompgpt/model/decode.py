"""Grammar-constrained decoding of pragmas with the numpy model: greedy, beam search, and scoring of given texts.

Every step masks the vocabulary to the tokens that keep the pragma text a valid prefix (:mod:`ompgpt.model.grammar`),
so the output is always well-formed OpenMP naming only identifiers of the loop. Probabilities are the model's own
(unmasked softmax), multiplied over tokens; a candidate list is then normalized to sum to one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ompgpt.data.format import END_OF_PRAGMA, loop_prompt
from ompgpt.data.normalize import normalize_loop_code
from ompgpt.model import DEFAULT_PROMPT_TOKENS
from ompgpt.model.grammar import PragmaGrammar, State, TokenMasker, TokenTrie, loop_identifiers
from ompgpt.model.numpy_gpt import KVCache, NumpyGPT, log_softmax
from ompgpt.model.tokenizer import OmpTokenizer

DEFAULT_MAX_NEW_TOKENS = 48
#: characters kept per prompt token at each end of a long loop before tokenizing: more than any token is long (73), so
#: both ends still hold the tokens the middle cut keeps
MAX_CHARS_PER_TOKEN = 128


@dataclass
class Candidate:
    """One suggested pragma: ``omp ...`` or ``none`` (without the end marker)."""

    pragma: str
    probability: float  # normalized over the list it came in
    logprob: float  # log P(pragma text + end marker | prompt) under the model


@dataclass
class LoopInput:
    code: str
    context: str = ""


@dataclass
class Prompt:
    """An encoded loop and what was done to fit it into the model's window."""

    ids: list[int]
    grammar: PragmaGrammar
    warnings: list[str] = field(default_factory=list)


def _head_and_tail(code: str, keep: int) -> tuple[str, bool]:
    """The first and last ``keep`` characters of a loop longer than twice that (and whether it was cut). A prompt
    keeps only the head and tail tokens of a long loop anyway; cutting the text first means a 1 MB loop is not
    tokenized whole for every decoding step (27 times per loop in chain-of-OMP)."""
    if len(code) <= 2 * keep:
        return code, False
    return code[:keep] + code[-keep:], True


def normalize(cands: list[Candidate]) -> list[Candidate]:
    """Merge equal texts (different token paths), sort by likelihood, and set probabilities that sum to one."""
    merged: dict[str, float] = {}
    for c in cands:
        merged[c.pragma] = np.logaddexp(merged[c.pragma], c.logprob) if c.pragma in merged else c.logprob
    if not merged:
        return []
    top = max(merged.values())
    total = sum(math.exp(lp - top) for lp in merged.values())
    out = [Candidate(p, math.exp(lp - top) / total, float(lp)) for p, lp in merged.items()]
    return sorted(out, key=lambda c: -c.logprob)


class PragmaDecoder:
    """The numpy model plus tokenizer, with the decoding primitives chain-of-OMP and ``ompgpt suggest`` build on."""

    def __init__(
        self,
        model: NumpyGPT,
        tokenizer: OmpTokenizer,
        max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS,
        prompt_tokens: int | None = DEFAULT_PROMPT_TOKENS,
    ):
        self.model = model
        self.tok = tokenizer
        self.max_new_tokens = max_new_tokens
        self.prompt_tokens = prompt_tokens
        self.strings = tokenizer.token_strings()
        self.end_id = tokenizer.end_of_pragma_id
        self.trie = TokenTrie(self.strings, self.end_id)
        self._maskers: dict[frozenset[str] | None, TokenMasker] = {}
        self._short_ids: dict[str, tuple[int, ...]] = {}

    @classmethod
    def load(cls, directory: str | Path, prompt_tokens: int | None = DEFAULT_PROMPT_TOKENS) -> PragmaDecoder:
        return cls(NumpyGPT.load(directory), OmpTokenizer.from_file(Path(directory)), prompt_tokens=prompt_tokens)

    # -- prompts -------------------------------------------------------------------------------------------------
    def prompt(self, loop: LoopInput) -> Prompt:
        """Encode a loop; drop the context, then cut the loop's middle, when it does not fit the prompt budget.

        The code is normalized as the training records were (``normalize_loop_code``: no trailing blanks, common
        indent removed), so a pasted or benchmark snippet reads like the loops the model learned from. Only cuts
        forced by the model's window are warned about; the budget is a speed setting (``prompt_tokens``)."""
        window = self.model.cfg.block_size - self.max_new_tokens
        limit = min(window, self.prompt_tokens) if self.prompt_tokens else window
        warnings: list[str] = []
        code, shortened = _head_and_tail(normalize_loop_code(loop.code), MAX_CHARS_PER_TOKEN * limit)
        ids = self.tok.encode(loop_prompt(code, loop.context))
        if len(ids) > limit and loop.context.strip():
            if len(ids) > window:
                warnings.append("context dropped: loop and context exceed the model window")
            ids = self.tok.encode(loop_prompt(code))
        if len(ids) > limit:
            if len(ids) > window:
                more = "+" if shortened else ""
                warnings.append(f"loop truncated from the middle: {len(ids)}{more} tokens > {window}")
            head = limit // 2
            ids = ids[:head] + ids[len(ids) - (limit - head) :]
        return Prompt(ids, PragmaGrammar(loop_identifiers(loop.code, loop.context)), warnings)

    def masker(self, grammar: PragmaGrammar) -> TokenMasker:
        key = grammar.identifiers
        if key not in self._maskers:
            if len(self._maskers) > 256:  # one per distinct loop vocabulary; keep memory bounded in batch runs
                self._maskers.clear()
            self._maskers[key] = TokenMasker(self.trie, grammar)
        return self._maskers[key]

    def prefill(self, prompts: list[list[int]]) -> tuple[np.ndarray, KVCache]:
        """Left-pad and run the prompts; returns next-token log-probs (B, V) and the cache."""
        width = max(len(p) for p in prompts)
        tokens = np.full((len(prompts), width), self.tok.pad_id, dtype=np.int64)
        valid = np.zeros((len(prompts), width), dtype=bool)
        for row, ids in enumerate(prompts):
            tokens[row, width - len(ids) :] = ids
            valid[row, width - len(ids) :] = True
        logits, cache = self.model.forward(tokens, valid=valid, all_logits=False)
        return log_softmax(logits), cache

    # -- scoring given texts ---------------------------------------------------------------------------------------
    def score_texts(self, first_logp: np.ndarray, cache: KVCache, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """log P(text | prompt) for each text after a one-row prompt cache, and the next-token log-probs after it.

        Texts are tokenized on their own: right after ``<|endofloop|>`` that is how they tokenize in context, and a
        text cut at a word boundary tokenizes as a prefix of its continuations (byte-level pre-tokenization).
        The texts' tokens are merged into a prefix tree and run in one forward pass, so shared prefixes (``omp
        parallel for`` in most directive candidates) cost once.
        """
        totals, after, _ = self.score_texts_run(first_logp, cache, texts)
        return totals, after

    def score_texts_run(
        self, first_logp: np.ndarray, cache: KVCache, texts: list[str]
    ) -> tuple[np.ndarray, np.ndarray, TextCaches]:
        """``score_texts``, plus the tree's keys and values, from which each text's own cache can be cut."""
        tree = _TextTree.build(self.tok, texts)
        logits, tree_cache = self.model.forward(tree.tokens[None], cache, tree=(tree.depth, tree.visible))
        totals, after = tree.scores(first_logp, log_softmax(logits[0]))
        return totals, after, TextCaches(tree, cache, tree_cache)

    def encode_short(self, text: str) -> tuple[int, ...]:
        """Token ids of a short fixed text (a clause hint), memoized: chain-of-OMP asks for the same few often."""
        ids = self._short_ids.get(text)
        if ids is None:
            ids = self._short_ids[text] = tuple(self.tok.encode(text))
        return ids

    def score_texts_extending(
        self, first_logp: np.ndarray, cache: KVCache, texts: list[str]
    ) -> tuple[np.ndarray, np.ndarray, KVCache]:
        """``score_texts``, plus ``cache`` extended by the tokens of ``texts[0]``: the first text's nodes come first
        in the tree and form a chain from its root, so their keys and values, sliced off the tree's, are exactly
        what running that text alone would have cached. Chain-of-OMP extends its prefix this way for free."""
        totals, after, run = self.score_texts_run(first_logp, cache, texts)
        return totals, after, run.cache_of(0)

    def prefill_scores(
        self, prompt_ids: list[int], texts: list[str]
    ) -> tuple[np.ndarray, KVCache, np.ndarray, np.ndarray, TextCaches]:
        """``prefill`` of one prompt and ``score_texts`` after it in a single forward pass.

        The prompt is a chain and the texts' prefix tree hangs off its last token, so one call does both: a
        forward pass has a fixed cost (~7 ms for a few tokens on one core) that the directive decision would
        otherwise pay twice. Returns the next-token log-probs after the prompt, the prompt's one-row cache (the
        tree's keys cut off: prompt tokens never see the tree), the texts' totals and next-token log-probs, and
        the texts' own caches (chain-of-OMP continues a directive from there without running it again).
        """
        tree = _TextTree.build(self.tok, texts)
        p, n = len(prompt_ids), len(tree.depth)
        tokens = np.concatenate([np.asarray(prompt_ids, dtype=np.int64), tree.tokens])[None]
        depth = np.concatenate([np.arange(p, dtype=np.int64), p + tree.depth])
        visible = np.zeros((p + n, p + n), dtype=bool)
        visible[:p, :p] = np.tril(np.ones((p, p), dtype=bool))
        visible[p:, :p] = True
        visible[p:, p:] = tree.visible
        logits, cache = self.model.forward(tokens, tree=(depth, visible), logits_from=p - 1)
        logp = log_softmax(logits[0])  # row 0: after the prompt; rows 1..: after each tree node
        prompt_cache = KVCache(
            k=[a[:, :, :p] for a in cache.k],
            v=[a[:, :, :p] for a in cache.v],
            valid=cache.valid[:, :p],
            next_pos=np.array([p], dtype=np.int64),
        )
        totals, after = tree.scores(logp[0], logp[1:])
        return logp[0], prompt_cache, totals, after, TextCaches(tree, prompt_cache, cache)

    # -- free constrained decoding ---------------------------------------------------------------------------------
    def beam_search(
        self, loops: list[LoopInput], beam_size: int = 4, n_best: int | None = None
    ) -> list[list[Candidate]]:
        """Constrained beam search for a batch of loops (greedy when ``beam_size`` is 1)."""
        prompts = [self.prompt(loop) for loop in loops]
        first_logp, cache = self.prefill([p.ids for p in prompts])
        return self.beam_from(prompts, first_logp, cache, beam_size, n_best or beam_size)

    def beam_from(
        self,
        prompts: list[Prompt],
        first_logp: np.ndarray,
        cache: KVCache,
        beam_size: int,
        n_best: int,
        prefixes: list[tuple[list[int], frozenset[State], float]] | None = None,
        stop_when_after: bool = False,
    ) -> list[list[Candidate]]:
        """Beam search from prefilled prompts (row b of ``cache`` is prompt b).

        ``prefixes`` optionally starts each prompt from already-written tokens (their ids, grammar states and
        log-prob; the tokens must already be in the cache). With ``stop_when_after`` a beam finishes as soon as its
        text is complete (a clause closed) instead of at the end marker: chain-of-OMP fills one clause at a time.
        """
        maskers = [self.masker(p.grammar) for p in prompts]
        beams: list[list[_Beam]] = []
        for b, p in enumerate(prompts):
            ids, states, lp = prefixes[b] if prefixes else ([], p.grammar.start(), 0.0)
            beams.append([_Beam(b, list(ids), states, lp, row=b)])
        finished: list[list[_Beam]] = [[] for _ in prompts]
        logp = first_logp
        for _ in range(self.max_new_tokens):
            alive = [beam for group in beams for beam in group]
            if not alive:
                break
            expansions: list[list[_Beam]] = [[] for _ in prompts]
            for beam in alive:
                allowed = maskers[beam.loop].allowed(beam.states)
                if allowed.size == 0:
                    continue
                scores = logp[beam.row, allowed]
                for j in np.argsort(-scores)[:beam_size]:
                    tok = int(allowed[j])
                    states = maskers[beam.loop].step_text(beam.states, self.strings[tok])
                    expansions[beam.loop].append(beam.extend(tok, float(scores[j]), states))
            beams = [[] for _ in prompts]
            for b, group in enumerate(expansions):
                group.sort(key=lambda x: -x.logprob)
                for beam in group:
                    done = beam.ids[-1] == self.end_id or (
                        stop_when_after and beam.states and all(s[0] == "after" for s in beam.states)
                    )
                    if done:
                        finished[b].append(beam)
                    elif len(beams[b]) < beam_size:
                        beams[b].append(beam)
                finished[b] = sorted(finished[b], key=lambda x: -x.logprob)[:beam_size]
                full = len(finished[b]) >= beam_size
                if full and beams[b] and beams[b][0].logprob < finished[b][-1].logprob:
                    beams[b] = []  # log-probs only fall: no live beam can still enter the top list
            alive = [beam for group in beams for beam in group]
            if not alive:
                break
            cache = cache.select([beam.row for beam in alive])
            for row, beam in enumerate(alive):
                beam.row = row
            logits, cache = self.model.forward(np.array([[beam.ids[-1]] for beam in alive]), cache)
            logp = log_softmax(logits[:, -1])
        return [self._candidates(group, n_best) for group in finished]

    def _candidates(self, group: list[_Beam], n_best: int) -> list[Candidate]:
        cands = [Candidate(self.text(beam.ids), 0.0, beam.logprob) for beam in group]
        return normalize(cands)[:n_best]

    def text(self, ids: list[int]) -> str:
        """Pragma text of generated ids, without the end marker."""
        return self.tok.decode([i for i in ids if i != self.end_id]).replace(END_OF_PRAGMA, "")


@dataclass
class _Beam:
    loop: int
    ids: list[int]
    states: frozenset[State]
    logprob: float
    row: int

    def extend(self, tok: int, logp: float, states: frozenset[State]) -> _Beam:
        return _Beam(self.loop, [*self.ids, tok], states, self.logprob + logp, self.row)


@dataclass
class TextCaches:
    """The keys and values of a text tree run after a one-row cache (``base``). Any text's cache, as if it had
    been run alone after ``base``, is cut out of it: a tree node's keys and values depend only on its ancestors
    and its depth, and the text's nodes are a chain of ancestors."""

    tree: _TextTree
    base: KVCache
    run: KVCache  # base's columns, then one per tree node

    def cache_of(self, index: int) -> KVCache:
        seq = self.tree.seqs[index]
        nodes = np.array([self.tree.nodes[seq[:k]] for k in range(1, len(seq) + 1)], dtype=np.int64)
        cols = np.concatenate([np.arange(self.base.length), self.base.length + nodes])
        contiguous = len(nodes) == 0 or (nodes[0] == 0 and nodes[-1] == len(nodes) - 1)
        pick = (lambda a: a[:, :, : len(cols)]) if contiguous else (lambda a: a[:, :, cols])
        return KVCache(
            k=[pick(a) for a in self.run.k],
            v=[pick(a) for a in self.run.v],
            valid=np.concatenate([self.base.valid, np.ones((1, len(nodes)), dtype=bool)], axis=1),
            next_pos=self.base.next_pos + len(nodes),
        )


@dataclass
class _TextTree:
    """Texts' token sequences merged into a prefix tree (parents before children), ready for a tree forward pass."""

    seqs: list[tuple[int, ...]]
    nodes: dict[tuple[int, ...], int]  # token prefix -> node index
    tokens: np.ndarray  # (n,) each node's last token
    depth: np.ndarray  # (n,) distance from the tree's root
    visible: np.ndarray  # (n, n) ancestors and self

    @classmethod
    def build(cls, tok: OmpTokenizer, texts: list[str]) -> _TextTree:
        seqs = [tuple(tok.encode(t)) for t in texts]
        nodes: dict[tuple[int, ...], int] = {}
        parent: list[int] = []
        for seq in seqs:
            for k in range(1, len(seq) + 1):
                if seq[:k] not in nodes:
                    nodes[seq[:k]] = len(parent)
                    parent.append(nodes[seq[: k - 1]] if k > 1 else -1)
        n = len(parent)
        visible = np.eye(n, dtype=bool)
        for i in range(n):  # parents precede children, so a parent's row is already complete
            if parent[i] >= 0:
                visible[i] |= visible[parent[i]]
        tokens = np.array([key[-1] for key in nodes], dtype=np.int64)
        depth = np.array([len(key) - 1 for key in nodes], dtype=np.int64)
        return cls(seqs, nodes, tokens, depth, visible)

    def scores(self, first_logp: np.ndarray, logp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per text: log P(text) from the prompt's next-token log-probs and the nodes' (n, V) rows; the log-probs
        after its last token."""
        totals = np.zeros(len(self.seqs))
        after = np.zeros((len(self.seqs), logp.shape[-1]), dtype=np.float32)
        for row, seq in enumerate(self.seqs):
            ids = [self.nodes[seq[:k]] for k in range(1, len(seq) + 1)]
            totals[row] = first_logp[seq[0]] + sum(logp[ids[k - 1], seq[k]] for k in range(1, len(seq)))
            after[row] = logp[ids[-1]]
        return totals, after
