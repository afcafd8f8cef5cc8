"""How many worker processes a build starts: as many cores as are idle right now."""

from __future__ import annotations

import os

import pytest

from retrieval import workers


@pytest.fixture(autouse=True)
def fresh_judgement(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "_IDLE", [])
    monkeypatch.setattr(workers, "_SAMPLE_S", 0.0)
    monkeypatch.setattr(workers, "available_cores", lambda: 4)
    monkeypatch.setattr(os, "cpu_count", lambda: 4)


def ticks(monkeypatch: pytest.MonkeyPatch, busy: int, idle: int) -> None:
    """/proc/stat read twice: ``busy`` and ``idle`` ticks pass in between."""
    samples = iter([[0, 0, 0, 0, 0], [busy, 0, 0, idle, 0]])
    monkeypatch.setattr(workers, "_cpu_ticks", lambda: next(samples))


@pytest.mark.parametrize(("busy", "idle", "expected"), [(0, 400, 4), (100, 300, 3), (390, 10, 1)])
def test_workers_go_to_the_cores_idle_right_now(
    monkeypatch: pytest.MonkeyPatch, busy: int, idle: int, expected: int
) -> None:
    ticks(monkeypatch, busy, idle)
    monkeypatch.setattr(os, "getloadavg", lambda: (4.0, 4.0, 4.0))  # a past minute's load
    assert workers.worker_count(10_000, None, worth_it=2_000) == expected


def test_the_load_average_judges_where_there_is_no_proc_stat(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def missing() -> list[int]:
        raise OSError("no /proc/stat")

    monkeypatch.setattr(workers, "_cpu_ticks", missing)
    monkeypatch.setattr(os, "getloadavg", lambda: (2.5, 1.0, 1.0))
    assert workers.idle_cores() == 2


def test_small_jobs_and_explicit_counts_ignore_the_machine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ticks(monkeypatch, 0, 400)
    assert workers.worker_count(10, None, worth_it=2_000) == 1
    assert workers.worker_count(10, 3, worth_it=2_000) == 3
