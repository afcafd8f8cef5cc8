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
    """Cores not already busy: a worker on a fully busy core only adds its
    overhead to the build, one on a partly idle core still helps. Judged by
    what the machine does right now (``_busy_cores``), else by the 1-minute
    load average, which lags: a build started just after another heavy job
    would count that job's minute as busy. Kept for a quarter of an hour, so a
    build's analysis is not judged by the load of its own reading."""
    now = time.monotonic()
    if _IDLE and now - _IDLE[0][0] < _IDLE_FOR:
        return _IDLE[0][1]
    cores = available_cores()
    busy = _busy_cores()
    if busy is None:
        try:
            busy = os.getloadavg()[0]
        except OSError:  # no load average on this platform
            busy = 0.0
    idle = max(1, min(cores, math.ceil(cores - busy)))
    _IDLE[:] = [(now, idle)]
    return idle


_PROC_STAT = "/proc/stat"
_SAMPLE_S = 0.3


def _busy_cores() -> float | None:
    """How many cores were busy over the last ``_SAMPLE_S`` seconds (Linux's
    /proc/stat: every state but idle and I/O wait counts, niced work too);
    None where there is no /proc/stat."""
    try:
        before = _cpu_ticks()
        time.sleep(_SAMPLE_S)
        after = _cpu_ticks()
    except (OSError, ValueError, IndexError):
        return None
    total = sum(after) - sum(before)
    if total <= 0:
        return None
    idle = (after[3] + after[4]) - (before[3] + before[4])
    return (os.cpu_count() or 1) * (total - idle) / total


def _cpu_ticks() -> list[int]:
    """The machine's CPU ticks by state (user, nice, system, idle, iowait, ...)."""
    with open(_PROC_STAT, encoding="ascii") as stat:
        fields = stat.readline().split()
    if fields[0] != "cpu":
        raise ValueError("no cpu line")
    return [int(f) for f in fields[1:]]


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
