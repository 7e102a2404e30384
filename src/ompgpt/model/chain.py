"""Chain-of-OMP: build a pragma step by step, asking the model one small question at a time.

1. Directive: compare the likelihood of ``none`` against each directive, where "directive d" means the text
   ``omp d`` followed by something that ends the directive (the end marker or a clause), not a longer directive.
2. Clauses, in a fixed order: offer the hint `` private`` (`` reduction``, ...) and accept it when the model finds it
   likelier than every way of not taking it here (ending the pragma, or a later clause); the model then fills the
   clause's arguments itself under the grammar (so only loop identifiers can appear).
3. Each finished pragma is scored as a whole, log P(pragma + end marker): known from the step that ended it
   (ending beat every clause left), otherwise scored in one more pass; the candidates are then normalized.

The text accepted so far stays in a KV cache, so each step runs only what it adds, and a hint's likelihood is
read off the next-token log-probs where it is one token (docs/BENCHMARKS.md, latency).

The one-shot path is plain constrained beam search. Both return ``list[Candidate]`` per loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ompgpt.data.format import END_OF_PRAGMA, NO_PRAGMA
from ompgpt.model.decode import Candidate, LoopInput, PragmaDecoder, Prompt, TextCaches, normalize
from ompgpt.model.grammar import DIRECTIVES, FLAG_CLAUSES, HEADS, State
from ompgpt.model.numpy_gpt import KVCache

#: the order clauses are offered in: that of the canonical pragma text the model was trained on
#: (``ompgpt.source.pragma.CLAUSE_ORDER``, restricted to the grammar's clauses; a test keeps them in step)
CLAUSE_ORDER = (
    "num_threads", "default", "shared", "private", "firstprivate", "lastprivate", "reduction",
    "safelen", "simdlen", "collapse", "ordered", "schedule", "nowait",
)  # fmt: skip


#: accelerator-offload directive words: ompgpt parallelizes for the CPU (and verifies there), so heads with them
#: are scored only on request (``ChainOptions.offload``); leaving them out also shrinks the decision's token tree
OFFLOAD_WORDS = frozenset({"target", "teams", "distribute"})
CPU_HEADS = tuple(h for h in HEADS if not OFFLOAD_WORDS & set(h.split()))


@dataclass
class ChainOptions:
    n_directives: int = 3  # directives (besides ``none``) expanded into full pragmas
    min_directive_prob: float = 0.02  # ...if at least this likely among the directive choices
    fill_beam: int = 2  # beam width when the model fills a clause's arguments
    offload: bool = False  # also consider target/teams/distribute directives
    rank: str = "pragma"  # order candidates by the whole pragma's likelihood, or by their step-1 "directive" score


@dataclass
class _Row:
    """One prompt's prefilled state: enough to score any continuation of it."""

    prompt: Prompt
    first_logp: np.ndarray  # (V,) next-token log-probs after the prompt
    cache: KVCache  # one row
    heads: _Heads | None = None  # the directive decision's run, when kept: clause steps start from there


@dataclass
class _Heads:
    """The directive heads as scored in step 1: their log-probs, next-token log-probs and keys/values."""

    names: list[str]
    totals: np.ndarray
    after: np.ndarray
    run: TextCaches

    def prefix(self, head: str) -> _Prefix | None:
        if head not in self.names:
            return None
        k = self.names.index(head)
        seq = self.run.tree.seqs[k]
        return _Prefix(head, list(seq), self.run.cache_of(k), self.after[k], float(self.totals[k]))


def one_shot(decoder: PragmaDecoder, loops: list[LoopInput], beam_size: int = 4) -> list[list[Candidate]]:
    """Free constrained decoding: the model writes the whole pragma; beam search keeps the best ``beam_size``."""
    return decoder.beam_search(loops, beam_size=beam_size)


def chain_of_omp(
    decoder: PragmaDecoder, loops: list[LoopInput], options: ChainOptions | None = None
) -> list[list[Candidate]]:
    options = options or ChainOptions()
    heads = HEADS if options.offload else CPU_HEADS
    if len(loops) == 1:  # the latency path: prompt and directive tree in one forward pass
        row, scores = decide_directive(decoder, loops[0], heads)
        return [_chain_one(decoder, row, options, scores)]
    prompts = [decoder.prompt(loop) for loop in loops]
    first_logp, cache = decoder.prefill([p.ids for p in prompts])
    rows = [_Row(p, first_logp[b], cache.select([b])) for b, p in enumerate(prompts)]
    return [_chain_one(decoder, row, options, directive_scores(decoder, row, heads)) for row in rows]


def decide_directive(
    decoder: PragmaDecoder, loop: LoopInput, heads: tuple[str, ...] = CPU_HEADS
) -> tuple[_Row, dict[str, float]]:
    """The directive decision for one loop (``directive_scores``) with the prompt's prefill in the same forward
    pass; also returns the prompt's row for the clause steps that follow."""
    prompt = decoder.prompt(loop)
    first, cache, totals, after, run = decoder.prefill_scores(prompt.ids, list(heads))
    row = _Row(prompt, first, cache, _Heads(list(heads), totals, after, run))
    return row, _scores_from(decoder, row, heads, totals, after)


def directive_scores(decoder: PragmaDecoder, row: _Row, heads: tuple[str, ...] = CPU_HEADS) -> dict[str, float]:
    """log P(the head is exactly this) for ``none`` and each ``omp <directive>``: the step the 20 ms budget is for.

    ``omp d`` is exact when what follows ends the directive (end marker or a clause), not a longer directive such
    as ``omp d simd``. Next tokens are sorted by the grammar into ending, extending, and ambiguous ones (`` s``
    can start ``simd`` or ``schedule``); the ambiguous mass is split using the longer heads' own scores, which are
    computed anyway (heads end at word boundaries, so their token sequences are prefixes of one another). The heads'
    run is kept in ``row`` (``row.heads``): the clause steps continue each directive from it.
    """
    totals, after, run = decoder.score_texts_run(row.first_logp, row.cache, list(heads))
    row.heads = _Heads(list(heads), totals, after, run)
    return _scores_from(decoder, row, heads, totals, after)


def _scores_from(decoder: PragmaDecoder, row: _Row, heads, totals: np.ndarray, after: np.ndarray) -> dict[str, float]:
    """``directive_scores`` from the heads' totals and next-token log-probs."""
    prefix = dict(zip(heads, totals, strict=True))
    masker = decoder.masker(row.prompt.grammar)
    scores: dict[str, float] = {}
    for head, total, nxt in zip(heads, totals, after, strict=True):
        if head == NO_PRAGMA:
            scores[head] = float(total + nxt[decoder.end_id])
            continue
        only_end, only_ext, both = _head_split(masker, head)
        p = np.exp(nxt.astype(np.float64))
        pure_end, pure_ext, ambiguous = p[only_end].sum(), p[only_ext].sum(), p[both].sum()
        longer = sum(np.exp(prefix[h] - total) for h in _next_heads(head, heads))
        end_mass = pure_end + max(0.0, ambiguous - max(0.0, longer - pure_ext))
        scores[head] = float(total + np.log(end_mass)) if end_mass > 0 else -np.inf
    return scores


def _head_split(masker, head: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Next-token ids after ``head`` that only end it, only extend it to a longer head, or may do either.

    The sets depend on the grammar alone (not the loop's identifiers) when the masker's trie shares them, so the
    split is then cached on the trie: set differences per head per loop were ~10 % of the directive decision."""
    end_state = frozenset({("after", head[len("omp ") :], frozenset())})
    ext_state = frozenset({("head", "", frozenset(), head)})
    splits = masker.trie.head_splits
    if head in splits:
        return splits[head]
    ends, extends = masker.allowed(end_state), masker.allowed(ext_state)
    split = (
        np.setdiff1d(ends, extends, assume_unique=True),
        np.setdiff1d(extends, ends, assume_unique=True),
        np.intersect1d(ends, extends, assume_unique=True),
    )
    if end_state in masker.trie.shared and ext_state in masker.trie.shared:
        splits[head] = split
    return split


def _next_heads(head: str, heads: tuple[str, ...] = HEADS) -> list[str]:
    """Heads one or more words longer than ``head`` with no other head in between (``omp parallel`` ->
    ``omp parallel for``, not ``omp parallel for simd``)."""
    longer = [h for h in heads if h.startswith(head + " ")]
    return [h for h in longer if not any(h.startswith(m + " ") for m in longer)]


def _chain_one(decoder: PragmaDecoder, row: _Row, options: ChainOptions, scores: dict[str, float]) -> list[Candidate]:
    heads = sorted(scores, key=lambda h: -scores[h])
    norm = np.logaddexp.reduce(np.array(list(scores.values())))
    texts, known, chosen = [], [], []
    for head in heads:
        if head == NO_PRAGMA:
            texts.append(NO_PRAGMA)
            known.append(scores[head])  # log P(none + end marker), from step 1
        elif len(texts) < options.n_directives + 1 and np.exp(scores[head] - norm) >= options.min_directive_prob:
            text, logprob = _fill_clauses(decoder, row, head, options)
            texts.append(text)
            known.append(logprob)
        else:
            continue
        chosen.append(head)
        if len(texts) > options.n_directives and NO_PRAGMA in texts:
            break
    if options.rank == "directive":  # the step-1 decision orders them; clauses do not re-rank directives
        totals = [scores[h] for h in chosen]
    else:
        totals = _whole_pragma_scores(decoder, row, texts, known)
    return normalize([Candidate(t, 0.0, float(lp)) for t, lp in zip(texts, totals, strict=True)])


def _whole_pragma_scores(decoder: PragmaDecoder, row: _Row, texts: list[str], known: list[float | None]) -> list:
    """log P(text + end marker) per finished pragma: most are known from the step that ended them (ending beat
    every clause left); the rest are scored in one more forward pass."""
    missing = [t for t, lp in zip(texts, known, strict=True) if lp is None]
    if not missing:
        return known
    totals, _ = decoder.score_texts(row.first_logp, row.cache, [t + END_OF_PRAGMA for t in missing])
    scored = iter(totals)
    return [next(scored) if lp is None else lp for lp in known]


@dataclass
class _Prefix:
    """A pragma prefix already run through the model after the prompt: its text and tokens, the cache holding
    them, the next-token log-probs after it, and log P(prefix | prompt). Clause steps then run only what is new."""

    text: str
    ids: list[int]
    cache: KVCache
    logp: np.ndarray
    total: float


def _continue(decoder: PragmaDecoder, prefix: _Prefix, root: _Prefix, text: str) -> tuple[_Prefix, str, list[int]]:
    """The prefix to continue ``text`` from, the part of ``text`` after it and that part's tokens: ``prefix`` when
    ``text`` extends it token for token (byte-level BPE cuts at the word boundaries where clauses start, so it
    does), else the prompt."""
    full = decoder.tok.encode(text)
    if text.startswith(prefix.text):
        rest = text[len(prefix.text) :]
        rest_ids = decoder.tok.encode(rest) if rest else []
        if full == prefix.ids + rest_ids:
            return prefix, rest, rest_ids
    return root, text, full


def _fill_clauses(decoder: PragmaDecoder, row: _Row, head: str, options: ChainOptions) -> tuple[str, float | None]:
    """Walk CLAUSE_ORDER from ``head``, accepting hints the model prefers and letting it fill their arguments.
    Returns the pragma and log P(pragma + end marker) when the last step computed it (None otherwise).

    What was accepted stays in a KV cache (``_Prefix``): the directive comes from step 1's run, and a step runs
    only the newly accepted part; the hints' likelihoods are then read off the next-token log-probs
    (``_offers``)."""
    directive = head[len("omp ") :]
    remaining = [c for c in CLAUSE_ORDER if c in DIRECTIVES[directive]]
    root = _Prefix("", [], row.cache, row.first_logp, 0.0)
    prefix, text = (row.heads and row.heads.prefix(head)) or root, head
    while remaining:
        prefix, new, new_ids = _continue(decoder, prefix, root, text)
        if new:
            totals, after, cache = decoder.score_texts_extending(prefix.logp, prefix.cache, [new])
            prefix = _Prefix(text, prefix.ids + new_ids, cache, after[0], prefix.total + totals[0])
        stop = prefix.logp[decoder.end_id]  # log P(end marker | text)
        offers = _offers(decoder, prefix, remaining, stop)  # log P(hint | text)
        choice = int(np.argmax(offers))
        if offers[choice] <= stop:  # ending here beats every clause still on offer
            return text, float(prefix.total + stop)
        if choice > 0:  # a later clause is likelier than the offered one: decline the offered ones before it
            remaining = remaining[choice:]
            continue
        clause = remaining.pop(0)
        hint = f"{text} {clause}"
        filled = hint if clause in FLAG_CLAUSES else _fill_arguments(decoder, row, prefix, root, hint, options)
        if filled is None:  # no valid arguments: keep what was accepted before this clause
            break
        text = filled
    return text, None


def _offers(decoder: PragmaDecoder, prefix: _Prefix, clauses: list[str], stop: float) -> np.ndarray:
    """log P(" clause" | prefix) for each clause on offer. A one-token hint (`` private``) is read off the prefix's
    next-token log-probs; a longer one (`` last`` ``private``) is at most as likely as its first token, so it is
    scored (one more forward pass) only when that bound beats ending and every one-token hint. The step's choice
    is then the one scoring every hint would give, without a forward pass in most steps."""
    ids = [decoder.encode_short(" " + c) for c in clauses]
    offers = np.array([prefix.logp[t[0]] for t in ids], dtype=np.float64)
    best = max([float(stop), *(float(offers[k]) for k, t in enumerate(ids) if len(t) == 1)])
    unsure = [k for k, t in enumerate(ids) if len(t) > 1 and offers[k] > best]
    if unsure:
        totals, _ = decoder.score_texts(prefix.logp, prefix.cache, [" " + clauses[k] for k in unsure])
        offers[unsure] = totals
    return offers


def _fill_arguments(
    decoder: PragmaDecoder, row: _Row, prefix: _Prefix, root: _Prefix, text: str, options: ChainOptions
) -> str | None:
    """Let the model write ``(args)`` after an accepted clause word (``text``); None when no valid completion was
    found."""
    prefix, _, word_ids = _continue(decoder, prefix, root, text)
    ids = prefix.ids + word_ids
    masker = decoder.masker(row.prompt.grammar)
    states: frozenset[State] = row.prompt.grammar.start()
    for tok in ids:
        states = masker.step_text(states, decoder.strings[tok])
    logits, cache = decoder.model.forward(np.array([word_ids]), prefix.cache)
    logp = logits[:, -1] - np.logaddexp.reduce(logits[:, -1], axis=-1, keepdims=True)
    found = decoder.beam_from(
        [row.prompt], logp, cache, options.fill_beam, 1, prefixes=[(ids, states, 0.0)], stop_when_after=True
    )[0]
    if not found:
        return None
    return found[0].pragma
