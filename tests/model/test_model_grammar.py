import pytest

from ompgpt.model.grammar import PragmaGrammar, TokenMasker, TokenTrie, loop_identifiers

LOOP = "for (i = 0; i < n; i++) { tmp = a[i]; sum += tmp * b[i]; }"


@pytest.mark.parametrize(
    "text",
    [
        "none",
        "omp parallel for",
        "omp parallel for simd",
        "omp parallel for private(tmp) reduction(+:sum)",
        "omp parallel for private(tmp, i) schedule(dynamic, 4)",
        "omp for schedule(static,n) nowait",
        "omp simd reduction(max:sum)",
        "omp target teams distribute parallel for collapse(2)",
        "omp parallel for reduction(&&:sum) default(none) shared(a, b, n)",
    ],
)
def test_complete_pragmas(text):
    assert PragmaGrammar(loop_identifiers(LOOP)).is_complete(text)


@pytest.mark.parametrize(
    "text",
    [
        "omp parallel for private(q)",  # q is not in the loop
        "omp parallel for private(tmp) private(i)",  # clause twice
        "omp simd schedule(static)",  # simd takes no schedule
        "none private(tmp)",
        "omp parallel for reduction(%:sum)",
        "omp parallel for collapse(0)",
        "omp parallel for private(for)",  # keyword
        "omp parallel forx",
        "omp parallel for  private(tmp)",
    ],
)
def test_invalid_pragmas_are_rejected_at_the_first_bad_character(text):
    grammar = PragmaGrammar(loop_identifiers(LOOP))
    assert not grammar.is_valid_prefix(text)


def test_prefixes_and_completeness():
    grammar = PragmaGrammar(loop_identifiers(LOOP))
    assert grammar.is_valid_prefix("omp parallel for s")  # simd or schedule or shared
    assert not grammar.is_complete("omp parallel for private(tmp")
    assert grammar.is_valid_prefix("omp parallel for private(tm")
    assert PragmaGrammar(None).is_complete("omp parallel for private(anything_goes)")


def test_token_masks_match_brute_force(tokenizer):
    strings = tokenizer.token_strings()
    grammar = PragmaGrammar(loop_identifiers(LOOP))
    masker = TokenMasker(TokenTrie(strings, tokenizer.end_of_pragma_id), grammar)
    for prefix in ("", "omp", "omp parallel for", "omp parallel for private(", "omp parallel for private(tmp",
                   "omp parallel for reduction(", "none"):  # fmt: skip
        states = grammar.advance(grammar.start(), prefix)
        expected = {i for i, s in enumerate(strings) if s and i != tokenizer.end_of_pragma_id
                    and grammar.is_valid_prefix(prefix + s)}  # fmt: skip
        if grammar.is_complete(prefix):
            expected.add(tokenizer.end_of_pragma_id)
        assert set(masker.allowed(states).tolist()) == expected, prefix


def test_chain_clause_order_is_the_canonical_order():
    pragma = pytest.importorskip("ompgpt.source.pragma")
    from ompgpt.model.chain import CLAUSE_ORDER
    from ompgpt.model.grammar import DIRECTIVES

    grammar_clauses = {c for clauses in DIRECTIVES.values() for c in clauses}
    assert set(CLAUSE_ORDER) == grammar_clauses
    assert list(CLAUSE_ORDER) == [c for c in pragma.CLAUSE_ORDER if c in grammar_clauses]


def test_canonical_pragmas_from_the_source_stage_are_in_the_language():
    pragma = pytest.importorskip("ompgpt.source.pragma")
    grammar = PragmaGrammar(loop_identifiers(LOOP))
    for text in ("parallel for reduction(+ : sum) private(tmp,i) schedule(dynamic,4)",
                 "simd reduction(max:sum)", "parallel for default(none) shared(n, a) collapse(2)"):  # fmt: skip
        canonical = pragma.parse_pragma("omp " + text).canonical()
        assert grammar.is_complete("omp " + canonical), canonical
