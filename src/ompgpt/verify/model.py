"""Plain dataclasses that go in and out of the verifier.

They carry no behaviour beyond serialisation so the advisor, ``annotate`` and the CLI can build and read them
without importing anything heavy.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field

#: a check passed, failed (rejects the candidate), or was not run (earlier failure, or disabled)
PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"
ACCEPTED, REJECTED = "accepted", "rejected"

DEFAULT_TIMING_PATTERNS: tuple[str, ...] = (
    r"(?i)\btim(e|es|ing)\b",
    r"(?i)elapsed",
    r"(?i)\bsec(ond)?s?\b",
    r"(?i)\b[mun]?s\b\s*$",
    r"(?i)gflop",
    r"(?i)mflop",
    r"(?i)bandwidth|gb/s|mb/s",
    r"(?i)\bwall\b|\bclock\b",
)


def machine_cores() -> int:
    """Cores this process may run on (affinity-aware, so containers limited by cpuset are respected)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Candidate:
    """A pragma to put above the ``for`` statement on 1-based ``line`` (without the ``#pragma omp`` prefix
    or with)."""

    line: int
    pragma: str


@dataclass
class VerifyConfig:
    """Knobs of every check. Defaults aim at < 10 s per candidate for a program running ~0.1 s serially."""

    cc: str | None = None
    cxx: str | None = None
    extra_flags: tuple[str, ...] = ()
    libs: tuple[str, ...] = ("-lm",)
    #: extra environment for every program run (inputs the program reads; never overrides OMP_NUM_THREADS)
    env: dict[str, str] = field(default_factory=dict)
    #: project mode: shell templates with {src} {exe} {cc} {cflags}; both or neither
    build_cmd: str | None = None
    run_cmd: str | None = None
    threads: tuple[int, ...] = (2, 3, 4, 8)
    schedules: tuple[str, ...] = ("static,1", "dynamic,1", "static")
    repetitions: int = 1
    race_threads: tuple[int, ...] = (2, 4)
    #: static,1 puts neighbouring iterations on different threads; plain static catches long-distance
    #: conflicts
    race_schedules: tuple[str, ...] = ("static,1", "static")
    #: fail the race check when Archer cannot be shown to be active (TSan alone reports false races in OpenMP)
    require_archer: bool = True
    timing_runs: int = 5
    timing_threads: int = field(default_factory=machine_cores)
    reject_slower: bool = False
    rtol: float = 1e-6
    atol: float = 1e-9
    mask_patterns: tuple[str, ...] = DEFAULT_TIMING_PATTERNS
    build_timeout: float = 60.0
    run_timeout: float = 20.0
    race_timeout: float = 120.0
    memory_limit_mb: int = 4096
    #: parallel builds per candidate (None: one per core); program runs are never overlapped
    build_jobs: int | None = None
    static_check: bool = True
    gcc_check: bool = True
    differential_check: bool = True
    race_check: bool = True
    timing_check: bool = True
    #: stop at the first failing check (saves the slow ones); False runs every check for a full report
    stop_at_first_failure: bool = True
    evidence_chars: int = 1200


@dataclass
class CheckResult:
    """Outcome of one check; ``evidence`` is a truncated excerpt of compiler or program output."""

    name: str
    status: str
    message: str = ""
    evidence: str = ""
    seconds: float = 0.0


@dataclass
class Timing:
    """Wall-clock seconds of the serial reference and the candidate at ``threads`` threads."""

    threads: int
    serial: list[float]
    parallel: list[float]
    speedup: float
    speedup_min: float
    speedup_max: float
    slower_than_serial: bool


@dataclass
class CandidateResult:
    """Verdict on one candidate; ``failed_check`` names the first check that rejected it."""

    candidate: Candidate
    verdict: str
    failed_check: str | None = None
    reason: str = ""
    checks: list[CheckResult] = field(default_factory=list)
    timing: Timing | None = None
    unscoped: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def accepted(self) -> bool:
        return self.verdict == ACCEPTED

    @property
    def speedup(self) -> float | None:
        return self.timing.speedup if self.timing else None

    def to_json(self) -> dict:
        """A JSON-ready dict, with the speedup lifted to the top level for consumers that only want that."""
        data = asdict(self)
        data["speedup"] = self.speedup
        return data
