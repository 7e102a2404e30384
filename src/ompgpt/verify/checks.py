"""The four checks run on a candidate: static gate, differential runs, race check, timing.

Each takes the session and a ``Trial`` (the candidate with its edited source) and returns a ``CheckResult``;
a FAILED status rejects the candidate. Rules worth knowing:

* Static gate. The candidate must compile with ``clang -fopenmp -fsyntax-only`` (and gcc when present). A copy
  with ``default(none)`` then makes the compiler list every variable the pragma leaves unscoped. Unscoped
  variables the loop only reads (bounds, arrays, constants) are fine: shared is what they would get anyway.
  Unscoped variables the loop *writes as a whole* (``t = ...``, ``s += ...``, ``j++``, ``&x``) are shared
  scalars written by every thread, i.e. a race: that rejects, as "missing data-sharing clause for X".
  Element writes (``a[i] = ...``) are left to the dynamic checks.
* Differential runs. Reference: the original program with any pragma on the target loop removed, compiled with
  ``-fopenmp -O2`` (so ``omp_get_*`` calls still link) and run with ``OMP_NUM_THREADS=1``. Candidate: compiled
  with ``-fopenmp -O2`` once per configured schedule, the schedule *compiled into* the pragma when it is a
  worksharing ``for`` without a schedule of its own, then run at each thread count x repetitions. Any output
  mismatch (see ``compare``), crash, timeout or exit-code change rejects. Why not ``schedule(runtime)`` with
  ``OMP_SCHEDULE``: libomp then sends every chunk through its dynamic dispatcher, so ``static,1`` on a
  10^6-iteration loop costs ~1.5 s per run instead of ~50 ms (and ~9 s instead of ~0.2 s under TSan); a
  compiled-in schedule has the same semantics and costs one extra ~0.3 s build.
* Race check. clang ThreadSanitizer + libomp's Archer tool (which tells TSan about OpenMP synchronisation;
  TSan alone reports false races and can livelock in libomp). Built once per ``race_schedules`` entry (same
  injection rule), run at each ``race_threads``. A data-race report with a stack frame in the user's source
  rejects; the run is killed as soon as the first such report is complete (a racy loop otherwise spends
  minutes reporting). A two-thread probe program checks first that Archer loads; if it does not, or its
  banner is missing from a run, the check fails (``require_archer``) rather than passing silently.
* User schedules. A pragma with its own ``schedule(dynamic,k)`` is also built with ``schedule(static,k)``
  for both dynamic checks: one legal execution of it that does not depend on timing (see
  ``variants.static_stand_in``).
* Timing. Median of N wall-clock runs, serial reference vs candidate at the machine's core count.
"""

from __future__ import annotations

import platform
import re
import shutil
import statistics
import time
from dataclasses import dataclass

from ompgpt.verify import build as tc
from ompgpt.verify import variants
from ompgpt.verify.compare import compare_outputs
from ompgpt.verify.model import FAILED, PASSED, SKIPPED, Candidate, CheckResult, Timing
from ompgpt.verify.sandbox import Limits, RunResult
from ompgpt.verify.session import Build, Reference, Session

_CLANG_UNSCOPED = re.compile(r"variable '([A-Za-z_]\w*)' must have explicitly specified data sharing")
_GCC_UNSCOPED = re.compile(r"'([A-Za-z_]\w*)' not specified in enclosing '")
_RACE_HEADER = "WARNING: ThreadSanitizer: data race"
_ARCHER_BANNER = "Archer detected OpenMP application"
_TSAN_MAPPING_ERROR = "unexpected memory mapping"


@dataclass
class Trial:
    """A candidate being verified: normalised pragma, edited source, and what checks learned along the way."""

    candidate: Candidate
    pragma: str
    text: str
    compiler: str
    unscoped: dict[str, str]
    reference: Reference | None = None


def truncate(text: str, limit: int) -> str:
    """Keep the head and tail of long output: the first error and the summary are usually what matters."""
    text = text.strip()
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]}\n[... {len(text) - limit} chars ...]\n{text[-half:]}"


def _result(name: str, status: str, message: str, evidence: str, start: float, session: Session) -> CheckResult:
    """A CheckResult with workspace paths shortened to the file name (they mean nothing once it is
    deleted)."""
    scratch = re.compile(re.escape(str(session.workdir)) + r"/[^/\s]+/(project/)?")
    message, evidence = scratch.sub("", message), scratch.sub("", evidence)
    return CheckResult(
        name, status, message, truncate(evidence, session.config.evidence_chars), time.monotonic() - start
    )


# ---------------------------------------------------------------- static gate


def _syntax(session: Session, compiler: str, text: str, extra: tuple[str, ...] = ()) -> RunResult:
    directory = session.new_dir("syntax")
    src = session.program.prepare(directory, text)
    includes = [f"-I{session.program.source.parent}"] if session.program.source else []
    flags = (*extra, *session.program.language_flags, *session.config.extra_flags)
    cmd = [compiler, "-fopenmp", "-fsyntax-only", *flags, *includes, str(src)]
    limits = Limits(timeout=session.config.build_timeout, memory_mb=session.config.memory_limit_mb)
    return session.execute(cmd, directory, limits)


def static_gate(session: Session, trial: Trial) -> CheckResult:
    """Compiles with clang and gcc; no variable written in the loop is left without a data-sharing clause."""
    start = time.monotonic()
    cxx = session.program.cxx
    clang = tc.clang_for(cxx) or trial.compiler
    compilers = [clang]
    gcc = tc.gcc_for(cxx)
    if session.config.gcc_check and gcc:
        compilers.append(gcc)
    for compiler in compilers:
        result = _syntax(session, compiler, trial.text, ("-ferror-limit=0",) if "clang" in compiler else ())
        if result.returncode != 0:
            name = "clang" if "clang" in compiler else "gcc"
            return _result("static", FAILED, f"does not compile with {name}", result.output, start, session)
    if not variants.opens_region(trial.pragma):
        return _result("static", PASSED, "compiles (no default(none) check for this directive)", "", start, session)
    return _default_none(session, trial, clang, start)


def _default_none(session: Session, trial: Trial, compiler: str, start: float) -> CheckResult:
    text = variants.insert_pragma(session.program.text, trial.candidate.line, variants.with_default_none(trial.pragma))
    is_clang = "clang" in compiler
    result = _syntax(session, compiler, text, ("-ferror-limit=0",) if is_clang else ("-c", "-o", "/dev/null"))
    names = set((_CLANG_UNSCOPED if is_clang else _GCC_UNSCOPED).findall(result.output))
    loop = variants.loop_text(session.program.text, trial.candidate.line)
    written = variants.written_names(loop, names)
    trial.unscoped.update({name: "written" if name in written else "shared" for name in sorted(names)})
    if written:
        listed = ", ".join(sorted(written))
        lines = [ln for ln in result.output.splitlines() if any(f"'{w}'" in ln for w in written)]
        return _result("static", FAILED, f"missing data-sharing clause for {listed}", "\n".join(lines), start, session)
    message = "compiles; unscoped, not written as a whole (shared): " + (", ".join(sorted(names)) or "none")
    return _result("static", PASSED, message, "", start, session)


# ---------------------------------------------------------------- differential runs


def _reference_problem(ref: Reference) -> str | None:
    """Why the serial program cannot serve as a reference: it must build and exit 0 by itself (a program that
    exits 3 used to be compared with a candidate that also exits 3 and "accepted" silently)."""
    if not ref.build.ok:
        return "the original program (serial reference) does not build"
    if ref.run is None or not ref.run.ok:
        why = ref.run.describe() if ref.run else "not run"
        return f"the serial program cannot be verified: it {_phrase(why)} (verification needs a run that exits 0)"
    return None


def _phrase(why: str) -> str:
    """``describe()`` text as a verb phrase: "exit code 3" -> "exits with code 3"."""
    return why.replace("exit code", "exits with code", 1) if why.startswith("exit code") else f"was {why}"


def _schedule_variants(trial: Trial, wanted: tuple[str, ...]) -> list[tuple[str, str]]:
    """(label, pragma) pairs to build: each configured schedule compiled in when the pragma has none; else the
    pragma as written, plus a ``static,k`` stand-in for a ``dynamic,k`` schedule (see variants.static_stand_in).
    """
    if wanted and variants.schedulable(trial.pragma):
        return [(s, variants.with_schedule(trial.pragma, s)) for s in wanted]
    pairs = [("", trial.pragma)]
    stand_in = variants.static_stand_in(trial.pragma)
    if stand_in:
        pairs.append(("static stand-in for dynamic", stand_in))
    return pairs


def prefetch(session: Session, trial: Trial) -> None:
    """Queue every build the dynamic checks will want, so they compile in parallel (unused ones are cancelled)."""
    cfg = session.config
    program = session.program
    if cfg.differential_check or cfg.timing_check:
        serial = variants.remove_pragma_above(program.text, trial.candidate.line)
        session.build_async("serial", serial, trial.compiler, tc.OPENMP_FLAGS)
    if cfg.differential_check:
        for _, pragma in _schedule_variants(trial, cfg.schedules):
            text = variants.insert_pragma(program.text, trial.candidate.line, pragma)
            session.build_async("parallel", text, trial.compiler, tc.OPENMP_FLAGS)
    clang = tc.clang_for(program.cxx)
    if cfg.race_check and clang:
        for _, pragma in _schedule_variants(trial, cfg.race_schedules):
            text = variants.insert_pragma(program.text, trial.candidate.line, pragma)
            session.build_async("tsan", text, clang, tc.TSAN_FLAGS)
    if cfg.timing_check:
        session.build_async("timed", trial.text, trial.compiler, tc.OPENMP_FLAGS)


def _where(threads: int, label: str) -> str:
    if not label:
        return f"{threads} threads"
    return f"{threads} threads, " + (f"schedule({label})" if "stand-in" not in label else label)


def _build_pragma(
    session: Session, trial: Trial, pragma: str, label: str, compiler: str, flags: tuple[str, ...]
) -> Build:
    text = variants.insert_pragma(session.program.text, trial.candidate.line, pragma)
    return session.build(label, text, compiler, flags)


def differential(session: Session, trial: Trial) -> CheckResult:
    """Same output as the serial reference at every thread count and schedule."""
    start = time.monotonic()
    ref = trial.reference = session.reference(trial.candidate.line, trial.compiler)
    problem = _reference_problem(ref)
    if problem:
        evidence = ref.build.result.output if not ref.build.ok else (ref.run.output if ref.run else "")
        return _result("differential", FAILED, problem, evidence, start, session)
    cfg, runs = session.config, 0
    for schedule, pragma in _schedule_variants(trial, cfg.schedules):
        built = _build_pragma(session, trial, pragma, "parallel", trial.compiler, tc.OPENMP_FLAGS)
        if not built.ok:
            message = "does not build with -fopenmp"
            return _result("differential", FAILED, message, built.result.output, start, session)
        for threads in cfg.threads:
            for _ in range(cfg.repetitions):
                runs += 1
                failure = _differential_run(session, ref.run, built, threads, schedule)
                if failure:
                    return _result("differential", FAILED, failure[0], failure[1], start, session)
    return _result("differential", PASSED, f"{runs} runs match the serial output", "", start, session)


def _differential_run(
    session: Session, expected: RunResult, built: Build, threads: int, schedule: str
) -> tuple[str, str] | None:
    """(message, evidence) when this run disagrees with the reference, else None."""
    where = _where(threads, schedule)
    got = session.run(built, {"OMP_NUM_THREADS": str(threads)}, session.run_limits())
    if got.timed_out or got.memory_exceeded or got.returncode != expected.returncode:
        return f"{got.describe()} at {where} (serial: exit code {expected.returncode})", got.output
    cfg = session.config
    mismatch = compare_outputs(expected.stdout, got.stdout, cfg.mask_patterns, cfg.rtol, cfg.atol)
    if mismatch:
        return f"output differs at {where}: {mismatch}", got.stdout
    return None


# ---------------------------------------------------------------- race check


def _tsan_env(threads: int) -> dict[str, str]:
    # history_size=7: TSan drops a report when it cannot restore the earlier access's stack; with the default
    # history a racy counter in a 3e5-iteration loop was reported in 0-6 of 8 runs, with 7 in 8 of 8.
    options = "ignore_noninstrumented_modules=1 halt_on_error=0 exitcode=66 history_size=7"
    symbolizer = tc.find_tool("llvm-symbolizer", "llvm-symbolizer-14")
    if symbolizer:
        options += f" external_symbolizer_path={symbolizer}"
    env = {"OMP_NUM_THREADS": str(threads), "TSAN_OPTIONS": options, "ARCHER_OPTIONS": "verbose=1"}
    archer = tc.archer_library()
    if archer:
        env["OMP_TOOL_LIBRARIES"] = archer
    return env


def race_reports(output: str, user_markers: tuple[str, ...]) -> list[str]:
    """TSan data-race reports with at least one stack frame in user code (a path containing a marker)."""
    reports = []
    for block in output.split("==================")[1:]:
        if _RACE_HEADER in block and any(marker in block for marker in user_markers):
            reports.append(block.strip())
    return reports


_ARCHER_PROBE = """#include <stdio.h>
int main(void) {
    int hits = 0;
#pragma omp parallel num_threads(2) reduction(+:hits)
    hits += 1;
    printf("%d\\n", hits);
    return 0;
}
"""
_PROBE_CACHE: dict[tuple, tuple[bool, str]] = {}


def archer_probe(session: Session, clang: str) -> tuple[bool, str]:
    """(active, output) of a two-thread TSan program: is Archer loaded in this environment?

    Probed once per process and environment, because without Archer a TSan build of a real candidate can
    livelock in libomp's barriers until the race timeout (minutes) instead of failing fast.
    """
    key = (clang, tuple(sorted(session.config.env.items())))
    if key not in _PROBE_CACHE:
        directory = session.new_dir("archer-probe")
        src, exe = directory / "probe.c", directory / "probe.exe"
        src.write_text(_ARCHER_PROBE)
        limits = Limits(timeout=session.config.build_timeout, memory_mb=session.config.memory_limit_mb)
        build = session.execute([clang, *tc.TSAN_FLAGS, str(src), "-o", str(exe)], directory, limits)
        if build.returncode != 0:
            return False, "TSan probe does not build:\n" + build.output
        limits = Limits(timeout=15, memory_mb=session.config.memory_limit_mb, address_space=False)
        env = {**session.config.env, **_tsan_env(2)}
        got = session.execute([str(exe)], directory, limits, env)
        if _TSAN_MAPPING_ERROR in got.stderr and shutil.which("setarch"):
            got = session.execute(["setarch", platform.machine(), "-R", str(exe)], directory, limits, env)
        _PROBE_CACHE[key] = (_ARCHER_BANNER in got.output and got.returncode == 0, got.output)
    return _PROBE_CACHE[key]


def race_check(session: Session, trial: Trial) -> CheckResult:
    """No ThreadSanitizer data race in user code under Archer, at each configured thread count."""
    start = time.monotonic()
    clang = tc.clang_for(session.program.cxx)
    if clang is None:
        return _race_unavailable(session, "clang not found", start)
    active, probe_output = archer_probe(session, tc.clang_for(False) or clang)
    if not active:
        return _race_unavailable(session, "Archer did not load (TSan probe)", start, probe_output)
    expected = trial.reference.run.returncode if trial.reference and trial.reference.run else 0
    for schedule, pragma in _schedule_variants(trial, session.config.race_schedules):
        built = _build_pragma(session, trial, pragma, "tsan", clang, tc.TSAN_FLAGS)
        if not built.ok:
            return _race_unavailable(session, "TSan build failed", start, built.result.output)
        markers = (str(built.src.parent), built.src.name)
        for threads in session.config.race_threads:
            failure = _race_run(session, built, threads, schedule, markers, expected, start)
            if failure:
                return failure
    return _result("race", PASSED, "no data race reported (TSan + Archer)", "", start, session)


def _race_run(
    session: Session,
    built: Build,
    threads: int,
    schedule: str,
    markers: tuple[str, ...],
    expected: int | None,
    start: float,
) -> CheckResult | None:
    limits = Limits(
        timeout=session.config.race_timeout,
        memory_mb=session.config.memory_limit_mb,
        address_space=False,
        stop_when=lambda err: bool(race_reports(err[: err.rfind("==================")], markers)),
    )
    env = _tsan_env(threads)
    got = session.run(built, env, limits)
    if _TSAN_MAPPING_ERROR in got.stderr and shutil.which("setarch"):
        got = session.run(built, env, limits, no_aslr=True)
    where = _where(threads, schedule)
    if "FATAL: ThreadSanitizer" in got.stderr or "ThreadSanitizer: CHECK failed" in got.stderr:
        return _race_unavailable(session, f"ThreadSanitizer failed to start at {where}", start, got.stderr)
    if _ARCHER_BANNER not in got.output:
        return _race_unavailable(session, f"Archer did not load at {where}", start, got.stderr)
    reports = race_reports(got.output, markers)
    if reports:
        summary = "; ".join(
            sorted(
                {
                    ln.split("data race", 1)[-1].strip()
                    for ln in got.output.splitlines()
                    if ln.startswith("SUMMARY: ThreadSanitizer: data race")
                }
            )
        )
        message = f"data race at {where}: {len(reports)} report(s) {summary}".strip()
        return _result("race", FAILED, message, reports[0], start, session)
    if got.stopped:  # stop_when fired, yet no report in the final output: cannot happen, but never pass it
        return _result("race", FAILED, f"TSan run stopped at {where}", got.output, start, session)
    if got.timed_out or got.memory_exceeded or got.returncode not in (expected, 66):
        return _result("race", FAILED, f"{got.describe()} under TSan at {where}", got.output, start, session)
    return None


def _race_unavailable(session: Session, why: str, start: float, evidence: str = "") -> CheckResult:
    """The race checker could not run: fail (default) or skip, never pass silently."""
    status = FAILED if session.config.require_archer else SKIPPED
    return _result("race", status, f"race check unavailable: {why}", evidence, start, session)


# ---------------------------------------------------------------- timing


def timing(session: Session, trial: Trial) -> tuple[CheckResult, Timing | None]:
    """Median wall time, serial reference vs candidate as written at ``timing_threads``."""
    start = time.monotonic()
    cfg = session.config
    ref = trial.reference or session.reference(trial.candidate.line, trial.compiler)
    if _reference_problem(ref):
        return _result("timing", SKIPPED, "no serial reference", "", start, session), None
    built = session.build("timed", trial.text, trial.compiler, tc.OPENMP_FLAGS)
    if not built.ok:
        return _result("timing", FAILED, "does not build", built.result.output, start, session), None
    if len(ref.timings) < cfg.timing_runs:
        runs = [session.run(ref.build, {"OMP_NUM_THREADS": "1"}, session.run_limits()) for _ in range(cfg.timing_runs)]
        failed = next((r for r in runs if not r.ok), None)
        if failed:
            message = f"serial run failed during timing: {failed.describe()}"
            return _result("timing", FAILED, message, failed.output, start, session), None
        ref.timings = [r.seconds for r in runs]
    env = {"OMP_NUM_THREADS": str(cfg.timing_threads)}
    runs = [session.run(built, env, session.run_limits()) for _ in range(cfg.timing_runs)]
    failed = next((r for r in runs if not r.ok), None)
    if failed:
        message = f"{failed.describe()} during timing at {cfg.timing_threads} threads"
        return _result("timing", FAILED, message, failed.output, start, session), None
    parallel = [r.seconds for r in runs]
    serial = ref.timings[: cfg.timing_runs]
    result = _speedup(cfg.timing_threads, serial, parallel)
    message = f"speedup {result.speedup:.2f}x at {result.threads} threads"
    status = FAILED if result.slower_than_serial and cfg.reject_slower else PASSED
    if result.slower_than_serial:
        message += " (slower than serial)"
    return _result("timing", status, message, "", start, session), result


def _speedup(threads: int, serial: list[float], parallel: list[float]) -> Timing:
    med_s, med_p = statistics.median(serial), statistics.median(parallel)
    speedup = med_s / med_p if med_p > 0 else float("inf")
    low = min(serial) / max(parallel) if max(parallel) > 0 else float("inf")
    high = max(serial) / min(parallel) if min(parallel) > 0 else float("inf")
    return Timing(threads, serial, parallel, speedup, low, high, speedup < 1.0)
