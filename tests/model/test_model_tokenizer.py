from ompgpt.data.format import END_OF_LOOP, END_OF_PRAGMA, SPECIAL_TOKENS, loop_example
from ompgpt.model.tokenizer import OmpTokenizer


def test_round_trip_and_special_tokens_are_single_ids(tokenizer, tmp_path):
    text = loop_example("for (int i = 0; i < n; i++)\n\tz[i] = x[i] * 2.5f; // é", "parallel for", "float z[N];")
    ids = tokenizer.encode(text)
    assert tokenizer.decode(ids) == text
    assert ids.count(tokenizer.end_of_loop_id) == 1 and ids[-1] == tokenizer.end_of_pragma_id
    assert [tokenizer.tok.token_to_id(t) for t in SPECIAL_TOKENS] == [0, 1, 2, 3]
    tokenizer.save(tmp_path / "tokenizer.json")
    assert OmpTokenizer.from_file(tmp_path).encode(text) == ids


def test_pragma_tokenizes_alone_as_in_context(tokenizer):
    """Inference scores pragma texts on their own; that is only sound if context does not change their tokens."""
    for pragma in ("omp parallel for private(j, k) reduction(+:s)", "none", "omp simd"):
        alone = tokenizer.encode(pragma + END_OF_PRAGMA)
        in_context = tokenizer.encode(f"for (;;) x++;\n{END_OF_LOOP}{pragma}{END_OF_PRAGMA}")
        assert in_context[-len(alone) :] == alone
        # and a text cut at a word boundary is a token prefix of its continuation
        head = pragma.split(" (")[0].rsplit(" ", 1)[0]
        assert alone[: len(tokenizer.encode(head))] == tokenizer.encode(head)
