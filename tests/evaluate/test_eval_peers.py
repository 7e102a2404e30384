"""Log parsers on small excerpts written to mimic the peers' log formats (tests/evaluate/fixtures)."""

from __future__ import annotations

from pathlib import Path

from ompgpt.evaluate.metrics import score
from ompgpt.evaluate.peers import monocoder_label, read_gpt35_log, read_monocoder_log, read_table

FIXTURES = Path(__file__).parent / "fixtures"


def test_read_table_uses_border_columns() -> None:
    lines = ["+-------+------+", "| Label | Pred |", "+-------+------+", "| a||b  | c    |", "+-------+------+"]
    assert read_table(lines) == [{"Label": " a||b  ", "Pred": " c    "}]


def test_monocoder_label_forms() -> None:
    assert monocoder_label("  parallel  for private ( i )  ") == "parallel  for private ( i )"
    assert monocoder_label("  parallel for  ", "recovered") == "for"
    assert monocoder_label("  parallel  for  ", "recovered") == "parallel  for"
    assert monocoder_label("  parallel simd for", "recovered") == "simd for"
    assert monocoder_label("  parallel", "recovered") == "parallel"
    assert monocoder_label("  None  ") is None


def test_monocoder_excerpt_logged() -> None:
    pairs = read_monocoder_log(FIXTURES / "monocoder-excerpt.log")
    assert len(pairs) == 8
    assert pairs[4] == (None, "parallel for")
    assert pairs[6] == ("parallel  reduction ( || : ok )", "parallel for  reduction( || : ok )")
    s = score([p for p in pairs if p[0] is not None])
    assert (s.n, s.exact_hits, s.directive_hits, s.pred_unparsable) == (7, 4, 5, 1)
    assert s.clauses["private"].f1 == 0.8
    assert s.clauses["reduction"].f1 == 1.0


def test_monocoder_excerpt_recovered() -> None:
    pairs = read_monocoder_log(FIXTURES / "monocoder-excerpt.log", "recovered")
    assert pairs[1] == ("for", "parallel for")
    s = score([p for p in pairs if p[0] is not None])
    assert (s.exact_hits, s.directive_hits) == (3, 4)


def test_gpt35_excerpt() -> None:
    pairs = read_gpt35_log(FIXTURES / "gpt35-excerpt.log")
    assert len(pairs) == 6  # the truncated line is skipped
    assert pairs[4] == ("parallel for ", "")
    s = score(pairs)
    assert (s.n, s.exact_hits, s.directive_hits, s.pred_unparsable, s.no_answer) == (6, 3, 3, 1, 1)
    assert s.clauses["reduction"].f1 == 2 / 3
    assert s.clauses["collapse"].fp == 1 and s.clauses["collapse"].support == 0
