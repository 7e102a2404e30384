"""Shared fixtures: clang gating, small programs, and a fast verification config.

Tests needing clang skip with a visible reason when it is absent, except in CI (``CI`` set), where a missing
toolchain must fail the run instead of silently shrinking it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable

import pytest

from ompgpt.verify import reaper
from ompgpt.verify.model import VerifyConfig


def _have_clang() -> bool:
    return bool(shutil.which("clang") or shutil.which("clang-14"))


@pytest.fixture
def need_clang() -> None:
    """Skip (locally) or fail (CI) when clang is not installed."""
    if _have_clang():
        return
    if os.environ.get("CI"):
        pytest.fail("clang is required in CI (apt-get install clang libomp-dev libclang-rt-14-dev)")
    pytest.skip("clang not installed: verification by execution cannot run")


@pytest.fixture
def fast_config() -> VerifyConfig:
    """A small matrix for unit tests: enough to exercise every check, cheap on 2 cores."""
    return VerifyConfig(
        threads=(2, 3),
        schedules=("static,1", "static"),
        race_threads=(2,),
        race_schedules=("static,1",),
        timing_check=False,
    )


@pytest.fixture
def running() -> Callable[[str], list[int]]:
    """``running(marker)``: pids of live processes whose command line contains ``marker``."""
    return _running


def _running(marker: str) -> list[int]:
    """Live (non-zombie) processes whose command line contains ``marker``: pids inside a sandbox's PID
    namespace mean nothing out here, so tests find their processes by a unique word instead."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            with open(f"/proc/{name}/cmdline", "rb") as f:
                cmdline = f.read()
        except OSError:
            continue
        if marker.encode() in cmdline and reaper.alive(int(name)):
            found.append(int(name))
    return found
