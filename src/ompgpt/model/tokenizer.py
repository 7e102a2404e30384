"""Byte-level BPE tokenizer (HuggingFace ``tokenizers``), trained offline on the OpenMP corpus.

Byte-level means any C/C++ text round-trips exactly; the special tokens of :mod:`ompgpt.data.format` are added tokens,
so ``<|endofloop|>`` in a text always becomes one id. ``add_prefix_space`` stays off so the pragma right after
``<|endofloop|>`` tokenizes the same alone as in context (inference scores pragma strings on their own).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

from ompgpt.data.format import CONTEXT_SEP, END_OF_LOOP, END_OF_PRAGMA, PAD, SPECIAL_TOKENS

DEFAULT_VOCAB_SIZE = 8192
TOKENIZER_FILE = "tokenizer.json"


def train_tokenizer(texts: Iterable[str], vocab_size: int = DEFAULT_VOCAB_SIZE) -> OmpTokenizer:
    """Learn a byte-level BPE over ``texts``; special tokens get ids 0..3 in SPECIAL_TOKENS order (PAD is 0)."""
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(_strip_specials(texts), trainer=trainer)
    return OmpTokenizer(tok)


def _strip_specials(texts: Iterable[str]) -> Iterator[str]:
    """Special tokens are atomic ids; letting BPE see them as bytes would waste merges on ``<|``."""
    for text in texts:
        for special in SPECIAL_TOKENS:
            text = text.replace(special, "\n")
        yield text


class OmpTokenizer:
    """Thin wrapper: the ids the model needs by name, and the decoded text of every token (for grammar masks)."""

    def __init__(self, tok: Tokenizer):
        self.tok = tok
        self.pad_id = self._special_id(PAD)
        self.end_of_loop_id = self._special_id(END_OF_LOOP)
        self.end_of_pragma_id = self._special_id(END_OF_PRAGMA)
        self.context_id = self._special_id(CONTEXT_SEP)
        self._strings: list[str] | None = None

    def _special_id(self, token: str) -> int:
        idx = self.tok.token_to_id(token)
        if idx is None:
            raise ValueError(f"tokenizer lacks the special token {token}")
        return idx

    @classmethod
    def from_file(cls, path: str | Path) -> OmpTokenizer:
        path = Path(path)
        if path.is_dir():
            path = path / TOKENIZER_FILE
        return cls(Tokenizer.from_file(str(path)))

    def save(self, path: str | Path) -> None:
        path = Path(path)
        if path.is_dir():
            path = path / TOKENIZER_FILE
        self.tok.save(str(path))

    @property
    def vocab_size(self) -> int:
        return self.tok.get_vocab_size()

    def encode(self, text: str) -> list[int]:
        return self.tok.encode(text, add_special_tokens=False).ids

    def encode_batch(self, texts: Sequence[str]) -> list[list[int]]:
        return [e.ids for e in self.tok.encode_batch(list(texts), add_special_tokens=False)]

    def decode(self, ids: Sequence[int]) -> str:
        return self.tok.decode(list(ids), skip_special_tokens=False)

    def token_strings(self) -> list[str]:
        """The text of each id on its own. Tokens that are partial UTF-8 decode to U+FFFD, which no grammar accepts."""
        if self._strings is None:
            self._strings = [self.tok.decode([i], skip_special_tokens=False) for i in range(self.vocab_size)]
        return self._strings
