"""End-to-end ``ompgpt eval --quick`` on the fixture (the full evaluation is a benchmark, not a test)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ompgpt.cli import main
from ompgpt.evaluate.datasets import load
from ompgpt.evaluate.gcc import declarations, wrap


def test_quick_fixture_shape() -> None:
    items = load("quick")
    assert len(items) == 30
    assert sum(it.label == "none" for it in items) == 3
    assert all("for" in it.code for it in items)


def test_eval_quick_end_to_end(capsys) -> None:
    assert main(["eval", "--quick", "--predictors", "baseline,monocoder,gpt35,analysis,chain"]) == 0
    out = capsys.readouterr().out
    assert "| baseline | 30 | 0.167 | 0.667 |" in out
    assert "| monocoder | 7 | 0.571 | 0.714 |" in out
    assert "| gpt35 | 6 | 0.500 | 0.500 |" in out
    assert "**analysis**" in out and "**chain**" in out  # listed, with numbers or "unavailable: <reason>"
    assert "| baseline | 3 | 0.900 | 1.000 | 0.900 |" in out  # needs-a-pragma row


def test_eval_unknown_predictor() -> None:
    assert main(["eval", "--quick", "--predictors", "nope"]) == 2


def test_gcc_wrapper_declarations() -> None:
    code = "for (i = 0; i < n; i++) { double t = f(a[i][j]); s += t + p->w; }"
    decls = declarations(code)
    assert decls.splitlines() == ["double f();", "double a[2048][2048];"]
    source, line = wrap(code)
    assert source.splitlines()[line - 1] == code
    assert "void ompgpt_snippet(long i, long j, long n, double p, double s) {" in source  # w: a member, skipped
    assert source.rstrip().endswith("ompgpt_sink = (double)(0 + i + j + n + p + s);}")


def test_eval_help_is_light() -> None:
    """``ompgpt eval --help`` must not import numpy or the stages."""
    code = "import sys; from ompgpt.cli import main\ntry: main(['eval','--help'])\nexcept SystemExit: pass\n"
    code += "print('numpy' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, cwd=Path(__file__).parent
    )
    assert out.stdout.strip().endswith("False")


def test_speed_protocol_on_tiny_shapes() -> None:
    from ompgpt.evaluate.speed import TINY_SHAPE, RandomGPT2, markdown, token_count

    assert token_count("for (i = 0; i < n; i++) a[i] = 2.5 * b[i];") == 26
    model = RandomGPT2(**TINY_SHAPE)
    assert model.n_params() == 1000 * 64 + 1024 * 64 + 2 * (64 * 192 + 64 * 64 + 64 * 256 + 256 * 64)
    model.suggest(20, new_tokens=3)  # runs prefill + cached steps without shape errors
    row = {"name": "m", "params": 2e6, "loops": 2, "median_ms": 1.0, "p95_ms": 2.0, "prompt_tokens_median": 9}
    assert "| m | 2.0M | 2 | 1.0 | 2.0 |" in markdown([row])
