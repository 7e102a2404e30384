"""The sandbox really bounds what a candidate can do: time, memory, output, stray children, cwd."""

from __future__ import annotations

import os
import sys
import time
import uuid

from ompgpt.verify import sandbox
from ompgpt.verify.sandbox import Limits


def test_runs_in_the_temp_dir_and_cleans_up():
    with sandbox.workspace() as work:
        result = sandbox.run(["sh", "-c", "pwd; echo data > out.txt; echo $TMPDIR"], work, Limits(timeout=10))
        assert result.returncode == 0
        assert result.stdout.splitlines() == [str(work), str(work)]
        assert (work / "out.txt").exists()
    assert not work.exists()


def test_timeout_kills_the_whole_process_group(running):
    marker = f"sleep-{uuid.uuid4().hex}"
    with sandbox.workspace() as work:
        start = time.monotonic()
        # the child sleeper would outlive a kill of the shell alone
        script = f"sh -c 'sleep 30; : {marker}' & wait"
        result = sandbox.run(["sh", "-c", script], work, Limits(timeout=1))
        assert result.timed_out
        assert result.returncode is None
        assert time.monotonic() - start < 10
        assert not running(marker)


def test_address_space_limit_stops_a_memory_hog():
    hog = [sys.executable, "-c", "x = bytearray(1 << 30); print('allocated')"]
    with sandbox.workspace() as work:
        result = sandbox.run(hog, work, Limits(timeout=20, memory_mb=256))
    assert result.returncode != 0
    assert "allocated" not in result.stdout


def test_rss_watchdog_replaces_rlimit_as_when_disabled():
    hog = [
        sys.executable,
        "-c",
        "import time; x = bytearray(600 << 20); x[::4096] = b'1' * len(x[::4096]); time.sleep(5)",
    ]
    with sandbox.workspace() as work:
        result = sandbox.run(hog, work, Limits(timeout=20, memory_mb=200, address_space=False))
    assert result.memory_exceeded
    assert result.describe() == "exceeded the memory limit"


def test_output_is_bounded_by_file_size_limit(monkeypatch):
    monkeypatch.setattr(sandbox, "OUTPUT_LIMIT", 1 << 20)
    with sandbox.workspace() as work:
        result = sandbox.run(["sh", "-c", "yes 0123456789"], work, Limits(timeout=20))
    assert not result.timed_out
    assert len(result.stdout) <= 1 << 20
    assert result.returncode != 0  # SIGXFSZ or a write error


def test_stop_when_ends_the_run_early():
    script = "echo first >&2; sleep 0.2; echo MARK >&2; sleep 30"
    with sandbox.workspace() as work:
        start = time.monotonic()
        result = sandbox.run(["sh", "-c", script], work, Limits(timeout=20, stop_when=lambda err: "MARK" in err))
    assert result.stopped
    assert "MARK" in result.stderr
    assert time.monotonic() - start < 10


def test_environment_is_passed_and_user_cwd_untouched(tmp_path):
    before = sorted(os.listdir(tmp_path))
    with sandbox.workspace() as work:
        result = sandbox.run(["sh", "-c", "echo $FOO; touch x"], work, Limits(timeout=5), {"FOO": "bar"})
    assert result.stdout.strip() == "bar"
    assert sorted(os.listdir(tmp_path)) == before
