"""Metric code on hand-made cases with exact expected values."""

from __future__ import annotations

import pytest

from ompgpt.evaluate.metrics import Counts, Norm, Unparsable, commafy, normalize, read_prediction, score


def test_commafy_spaced_lists() -> None:
    assert commafy("parallel for private(end j)") == "parallel for private(end, j)"
    assert commafy("parallel  for reduction ( + : sq1 sq2 )  private ( i )") == (
        "parallel  for reduction (+:sq1, sq2)  private (i)"
    )
    assert commafy("for reduction(+:a[0 : n] b)") == "for reduction(+:a[0:n], b)"
    assert commafy("parallel for private(a, b) shared(c d)") == "parallel for private(a, b) shared(c, d)"
    assert commafy("parallel for schedule(static, 4)") == "parallel for schedule(static, 4)"


def test_normalize_monocoder_and_gpt_forms_agree() -> None:
    spaced = normalize("parallel  for reduction ( + : SQ1 sq2 )  private ( i I j )")
    commas = normalize("omp parallel for private(j, i) reduction(+: sq2, sq1) shared(x) schedule(static)")
    assert spaced == Norm(
        frozenset({"parallel", "for"}),
        frozenset({"i", "j"}),
        frozenset({("+", "sq1"), ("+", "sq2")}),
        frozenset({"private", "reduction"}),
    )
    assert commas is not None and spaced is not None
    assert commas.key() == spaced.key()
    assert commas.features == frozenset({"private", "reduction", "schedule"})


def test_normalize_folding_and_special_forms() -> None:
    folded = normalize("#pragma omp for firstprivate(a) lastprivate(B) private(c)")
    assert folded is not None and folded.private == frozenset({"a", "b", "c"})
    assert folded.features == frozenset({"private", "firstprivate", "lastprivate"})
    simd = normalize("simd for reduction( +:a[:n] b inscan)")
    assert simd is not None and simd.directive == frozenset({"for", "simd"})
    assert simd.reductions == frozenset({("+", "a"), ("+", "b")})
    assert "simd" in simd.features
    conditional = normalize("parallel  for private ( conditional :  w2 )")
    assert conditional is not None and conditional.private == frozenset({"w2"})
    assert normalize("none") is None and normalize(" None ") is None


@pytest.mark.parametrize(
    "text",
    ["", "parallel for private ( )", "parallel for  reduction( i )", "parallel for reduction(+:", "omp foo bar"],
)
def test_unparsable(text: str) -> None:
    with pytest.raises(Unparsable):
        normalize(text)


def test_lenient_reads_empty_clauses_as_absent() -> None:
    assert normalize("parallel for private ( ) reduction(+:s)", lenient=True) == normalize(
        "parallel for reduction(+:s)"
    )
    s = score([("parallel for", "parallel for private( )")], lenient=True)
    assert (s.exact_hits, s.pred_unparsable) == (1, 0)
    assert score([("parallel for", "parallel for private( )")]).pred_unparsable == 1


def test_read_prediction_states() -> None:
    assert read_prediction(None) == "no answer"
    assert read_prediction("  ") == "no answer"
    assert read_prediction("none") == "none"
    assert read_prediction("parallel for private()") == "unparsable"
    assert isinstance(read_prediction("omp for"), Norm)


def test_counts_exact_values() -> None:
    c = Counts(tp=3, fp=1, fn=2, tn=4)
    assert c.precision == 0.75
    assert c.recall == 0.6
    assert c.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert c.accuracy == 0.7
    assert Counts().precision == 0.0 and Counts().recall == 0.0 and Counts().f1 == 0.0 and Counts().accuracy == 0.0


def test_score_hand_made_set() -> None:
    pairs = [
        ("parallel for", "omp parallel for"),  # exact
        ("for", "parallel for"),  # wrong directive
        ("parallel for private(i j)", "parallel for private(j, i) shared(a)"),  # exact: shared ignored
        ("parallel for private(i j)", "parallel for private(i)"),  # private present both, set differs
        ("parallel for reduction(+:s)", "parallel for reduction(max:s)"),  # reduction present both, op differs
        ("parallel for reduction(+:s)", "parallel for reduction(+:s"),  # unparsable -> wrong, clause absent
        ("parallel for", "parallel for private(k)"),  # private false positive
        ("parallel for", None),  # no answer
        ("none", "none"),  # correct negative
        ("none", "parallel for"),  # false positive
        ("parallel for reduction(+:", "parallel for"),  # unparsable label: left out
        ("parallel for simd", "for simd parallel"),  # same directive words
    ]
    s = score(pairs)
    assert (s.n, s.label_unparsable, s.pred_unparsable, s.no_answer, s.negatives) == (11, 1, 1, 1, 2)
    assert s.exact_hits == 4  # rows 1, 3, 9, 12
    assert s.directive_hits == 7  # rows 1, 3, 4, 5, 7, 9, 12
    assert s.exact == 4 / 11
    priv = s.clauses["private"]
    assert (priv.tp, priv.fp, priv.fn) == (2, 1, 0)
    assert priv.f1 == pytest.approx(0.8)
    red = s.clauses["reduction"]
    assert (red.tp, red.fp, red.fn) == (1, 0, 1)
    assert red.precision == 1.0 and red.recall == 0.5
    simd = s.clauses["simd"]
    assert (simd.tp, simd.fp, simd.fn) == (1, 0, 0)
    needs = s.needs
    # positives: 9 rows; answered with a pragma: all but the unparsable and the no-answer rows
    assert (needs.tp, needs.fn, needs.tn, needs.fp) == (7, 2, 1, 1)
    assert needs.accuracy == 8 / 11


def test_directive_hits_listed() -> None:
    """The directive count of the hand-made set, spelled out row by row."""
    rows = [
        ("parallel for", "omp parallel for", 1),
        ("for", "parallel for", 0),
        ("parallel for private(i j)", "parallel for private(i)", 1),
        ("parallel for reduction(+:s)", "parallel for reduction(+:s", 0),
        ("parallel for", None, 0),
        ("none", "none", 1),
        ("none", "parallel for", 0),
    ]
    assert score([(a, b) for a, b, _ in rows]).directive_hits == sum(hit for *_, hit in rows)
