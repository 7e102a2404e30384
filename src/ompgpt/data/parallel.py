"""An ordered process-pool map that survives a worker dying (a segfault in a parser, the OOM killer).

``multiprocessing.Pool`` hangs forever when a worker dies mid-task, and ``concurrent.futures`` fails every pending
task. Here records go out in small batches; when the pool breaks, the batches in flight are redone one record per
fresh single-worker pool, so only the record that kills its process is lost (reported through ``on_crash``) and the
build goes on.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice

BATCH = 16


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _run_batch(work: Callable, batch: list) -> list:
    return [work(item) for item in batch]


def _isolated(work: Callable, item, on_crash: Callable, initializer, initargs):
    """Run one item in its own process, so a crash can be pinned on it."""
    with ProcessPoolExecutor(1, mp_context=_context(), initializer=initializer, initargs=initargs) as pool:
        try:
            return pool.submit(work, item).result()
        except BrokenProcessPool:
            return on_crash(item)


def ordered_map(
    work: Callable,
    items: Iterable,
    jobs: int,
    on_crash: Callable,
    initializer: Callable | None = None,
    initargs: tuple = (),
) -> Iterator:
    """``map(work, items)`` over ``jobs`` processes, results in input order; ``on_crash(item)`` stands in for the
    result of an item whose process died."""
    source = iter(items)

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(jobs, mp_context=_context(), initializer=initializer, initargs=initargs)

    pool = new_pool()
    pending: deque = deque()
    try:
        while True:
            while len(pending) < 2 * jobs and (batch := list(islice(source, BATCH))):
                pending.append((batch, pool.submit(_run_batch, work, batch)))
            if not pending:
                return
            batch, future = pending.popleft()
            try:
                yield from future.result()
            except BrokenProcessPool:
                redo = [batch] + [b for b, _ in pending]
                pending.clear()
                pool.shutdown(wait=True, cancel_futures=True)
                for items_again in redo:
                    for item in items_again:
                        yield _isolated(work, item, on_crash, initializer, initargs)
                pool = new_pool()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
