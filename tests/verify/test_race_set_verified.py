"""Issue 22's race set through the real verifier (clang, TSan + Archer, outputs against the serial run at 1, 2 and
4 threads): every pragma safe mode writes, on the race programs and on their race-free twins, is accepted; the racy
pragma a person would write on a race program is rejected, which shows each race is real."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.analysis.race_programs import DIAGONAL, GAUSS_SEIDEL, ROW_RECURRENCE, ROW_WRAP, SHADOWED, TIME_STEP

from ompgpt.cli import main

VERIFY = ["--threads", "1,2,4", "--race-threads", "2,4", "--schedule", "static", "--schedule", "static,1"]


def emitted(path: Path, capsys) -> list[str]:
    """The pragmas ``annotate --no-model`` writes, as ``LINE=PRAGMA`` arguments for ``ompgpt verify``."""
    assert main(["annotate", "--json", "--no-model", str(path)]) in (0, 1)
    rows = map(json.loads, capsys.readouterr().out.splitlines())
    return [f"{r['line']}={r['pragma']}" for r in rows if r["action"] == "insert"]


def verify(path: Path, pragmas: list[str], capsys) -> list[dict]:
    args = [a for p in pragmas for a in ("--pragma", p)]
    main(["verify", str(path), "--json", "--no-timing", *VERIFY, *args])
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


@pytest.mark.slow
@pytest.mark.usefixtures("need_clang")
@pytest.mark.parametrize(
    "case", [TIME_STEP, GAUSS_SEIDEL, DIAGONAL, ROW_RECURRENCE, SHADOWED, ROW_WRAP], ids=lambda c: c.name
)
def test_safe_mode_pragmas_pass_and_the_racy_one_fails(case, tmp_path: Path, capsys):
    for label, code in (("race", case.code), ("twin", case.twin)):
        path = tmp_path / f"{case.name}_{label}.c"
        path.write_text(code)
        pragmas = emitted(path, capsys)
        assert pragmas, label
        if label == "twin":
            assert any(p.startswith(f"{case.proven}=") for p in pragmas), pragmas
        rows = verify(path, pragmas, capsys)
        assert [r["verdict"] for r in rows] == ["accepted"] * len(pragmas), [
            (r["line"], r.get("failed_check"), r.get("reason")) for r in rows
        ]
    path = tmp_path / f"{case.name}_race.c"
    (row,) = verify(path, [f"{case.racy}={case.pragma}"], capsys)
    assert row["verdict"] == "rejected", row
