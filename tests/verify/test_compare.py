"""Output comparison: float tolerance, exact integers, masked timing lines."""

from __future__ import annotations

from ompgpt.verify.compare import compare_outputs, mask_lines, tokens_equal
from ompgpt.verify.model import DEFAULT_TIMING_PATTERNS

P = DEFAULT_TIMING_PATTERNS


def test_floats_within_tolerance_match_and_beyond_do_not():
    assert tokens_equal("332834.511135952", "332834.511135948", 1e-6, 1e-9)
    assert not tokens_equal("332834.5", "332830.5", 1e-6, 1e-9)
    assert tokens_equal("nan", "nan", 1e-6, 0)
    assert not tokens_equal("inf", "1e308", 1e-6, 0)


def test_integers_compare_exactly():
    assert not tokens_equal("123456789", "123456788", 1e-3, 10)
    assert tokens_equal("0x1F", "0x1f", 0, 0)
    assert tokens_equal("-007", "-7", 0, 0)


def test_timing_lines_are_masked():
    assert mask_lines("sum 3\ntime: 0.25 s\nelapsed 3ms\n12.5 GFLOP/s\n", P) == ["sum 3"]


def test_compare_reports_first_mismatch_and_length_change():
    assert compare_outputs("sum 1.0000000001\nTime 0.1\n", "sum 1.0\nTime 9.9\n", P, 1e-6, 1e-9) is None
    mismatch = compare_outputs("a 1 2 3\n", "a 1 5 3\n", P, 1e-6, 1e-9)
    assert mismatch is not None
    assert (mismatch.index, mismatch.expected, mismatch.actual) == (2, "2", "5")
    shorter = compare_outputs("a 1 2\n", "a 1\n", P, 1e-6, 1e-9)
    assert shorter is not None
    assert shorter.actual == "<end>"


def test_non_numeric_tokens_must_match():
    assert compare_outputs("ok yes\n", "ok no\n", P, 1, 1) is not None
