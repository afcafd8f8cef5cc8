"""Ordered parallel maps over worker processes, for the corpus load and the build.

``OrderedMap(fn, tasks, workers)`` yields ``fn(task)`` in task order, so a
caller that merges results as they come gets the same answer with one worker
(run in this process, no pool at all) as with many. Workers are spawned, not
forked: safe from a process with threads (the bot rebuilds from a thread), and
a worker's memory is its own task's, not a copy of a large parent. At most a
few tasks are in flight per worker, which bounds the results waiting to be
merged. An exception in a task is raised here when its turn comes; later
tasks are cancelled.
"""

from __future__ import annotations

import copyreg
import math
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from types import MappingProxyType
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

AHEAD = 2  # tasks in flight per worker


def _read_only(mapping: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(mapping)


def _mappingproxy(proxy: MappingProxyType[Any, Any]) -> tuple[Any, tuple[dict[Any, Any]]]:
    return _read_only, (dict(proxy),)


# Article metadata holds read-only mappings; let them cross to the parent.
copyreg.pickle(MappingProxyType, _mappingproxy)


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_IDLE: list[tuple[float, int]] = []  # (when, idle cores): one answer per build
_IDLE_FOR = 900.0  # seconds; a build's later stages see its own workers' load


def idle_cores() -> int:
    """Cores not already busy (by the 1-minute load average): a worker on a
    fully busy core only adds its overhead to the build, one on a partly idle
    core still helps (the average counts this process's own start-up). Kept
    for a quarter of an hour, so a build's analysis is not judged by the load
    of its own reading."""
    now = time.monotonic()
    if _IDLE and now - _IDLE[0][0] < _IDLE_FOR:
        return _IDLE[0][1]
    cores = available_cores()
    try:
        idle = max(1, min(cores, math.ceil(cores - os.getloadavg()[0])))
    except OSError:  # no load average on this platform
        idle = cores
    _IDLE[:] = [(now, idle)]
    return idle


def worker_count(items: int, workers: int | None, worth_it: int) -> int:
    """``workers`` if given (at least 1), else every idle core for a job of at
    least ``worth_it`` items and none for a smaller one (spawning a worker and
    importing the analysis costs about a second)."""
    if workers is not None:
        return max(1, workers)
    return idle_cores() if items >= worth_it else 1


def batches(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class OrderedMap(Iterator[R]):
    """``fn`` over ``tasks``, results in order; in this process when
    ``workers`` is 1. With a pool, the first tasks are submitted at once (the
    caller may do other work meanwhile). ``fn`` must be a module-level
    function (it is pickled by name). Use as a context manager, or ``close()``."""

    def __init__(self, fn: Callable[[T], R], tasks: Iterable[T], workers: int) -> None:
        self._fn = fn
        self._tasks = iter(tasks)
        self._pending: deque[Future[R]] = deque()
        self._pool: ProcessPoolExecutor | None = None
        if workers > 1:
            self._pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn"))
            self._ahead = workers * AHEAD
            self._fill()

    def _fill(self) -> None:
        assert self._pool is not None
        while len(self._pending) < self._ahead:
            task = next(self._tasks, _END)
            if task is _END:
                return
            self._pending.append(self._pool.submit(self._fn, task))

    def __next__(self) -> R:
        if self._pool is None:
            return self._fn(next(self._tasks))
        if not self._pending:
            self.close()
            raise StopIteration
        try:
            result = self._pending.popleft().result()
        except BaseException:
            self.close()
            raise
        self._fill()
        return result

    def close(self) -> None:
        if self._pool is not None:
            for future in self._pending:
                future.cancel()
            self._pending.clear()
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            self._tasks = iter(())

    def __enter__(self) -> OrderedMap[R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_END: Any = object()
