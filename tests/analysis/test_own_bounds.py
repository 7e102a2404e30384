"""The analyzed loop's own symbolic bounds decide subscripts that differ by an invariant: in
``for (i = k + 1; i < n; i++) a[i] = a[i] / a[k];`` row ``i`` is never row ``k`` (LU's column update)."""

from __future__ import annotations

import pytest

from ompgpt.analysis import analyze_file
from ompgpt.source import SourceFile, scan


def verdict(header: str, body: str) -> str:
    code = f"void f(int n, int k, double *restrict a, double m[100][100]) {{\n  for ({header})\n    {body}\n}}\n"
    return analyze_file(scan(SourceFile.from_text(code, "c", path="k.c")))[0].verdict


@pytest.mark.parametrize(
    ("header", "body", "expected"),
    [
        ("int i = k + 1; i < n; i++", "a[i] = a[i] / a[k];", "parallel"),
        ("int i = 0; i < k; i++", "a[i] = a[k] * 2.0;", "parallel"),
        ("int i = k - 1; i >= 0; i--", "a[i] = a[k] * 2.0;", "parallel"),
        ("int i = k + 1; i < n; i++", "m[i][k] = m[i][k] / m[k][k];", "parallel"),
        ("int i = k + 2; i <= n; i += 2", "a[i] = a[k + 1];", "parallel"),
        # the range reaches the invariant element: a dependence (or at least no proof)
        ("int i = k; i < n; i++", "a[i] = a[i] / a[k];", "!parallel"),
        ("int i = 0; i <= k; i++", "a[i] = a[k] * 2.0;", "!parallel"),
        ("int i = k + 1; i < n; i++", "a[i] = a[k + 3];", "!parallel"),
        ("int i = k - 1; i >= 0; i--", "a[i] = a[k - 1] * 2.0;", "!parallel"),
        ("int i = n; i > k; i--", "a[i] = a[k + 1] * 2.0;", "!parallel"),
        ("int i = k + 1; i < n; i++", "{ a[i] = a[k]; k++; }", "!parallel"),  # k moves: the bound is stale
    ],
)
def test_the_loop_own_bounds_separate_a_row_from_the_pivot(header, body, expected):
    got = verdict(header, body)
    assert got == expected if expected == "parallel" else got != "parallel"
