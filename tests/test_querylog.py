"""Tests for bot.querylog: schema, privacy, lookups, stats and failure handling."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import aiosqlite
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import logmaint, querylog
from bot.querylog import (
    FIND_REPLY_SQL,
    MIGRATIONS,
    DayCount,
    LoggedQuery,
    QueryLog,
    QueryLogError,
    QueryRecord,
    Stats,
    UnansweredGroup,
    chat_key,
    pseudonymize,
)

SECRET = b"test-secret"
T0 = datetime(2024, 5, 1, tzinfo=UTC)
USER = 5_123_456_789  # > 2**32, like recent Telegram ids; stored as 6 bytes if stored raw


def rec(**overrides: Any) -> QueryRecord:
    base = QueryRecord(chat_id=-1001234, chat_type="supergroup", user_id=42, command="ask")
    return replace(base, **overrides)


def sql(path: Path, statement: str, params: tuple[Any, ...] = ()) -> list[Any]:
    """Run one statement on a separate plain sqlite3 connection."""
    con = sqlite3.connect(path)
    try:
        return con.execute(statement, params).fetchall()
    finally:
        con.close()


def file_mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def file_bytes(path: Path) -> bytes:
    return path.read_bytes()


def make_read_only(path: Path) -> None:
    path.chmod(0o400)


def remove_log_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "log" / "queries.db"


@pytest.fixture
async def log(db_path: Path) -> AsyncIterator[QueryLog]:
    async with await QueryLog.open(db_path, secret=SECRET) as opened:
        yield opened


# --- opening and migrations --------------------------------------------------


async def test_open_creates_folders_and_applies_migrations(log: QueryLog, db_path: Path) -> None:
    assert sql(db_path, "PRAGMA user_version") == [(len(MIGRATIONS),)]
    columns = [row[1] for row in sql(db_path, "PRAGMA table_info(queries)")]
    assert columns == [
        *("id", "ts", "chat_id", "chat_type", "user", "command", "query", "answered"),
        *("article_id", "paragraph", "score", "rank", "latency_ms", "reply_message_id"),
        *("outcome", "reason", "context_id"),
    ]
    indexes = {row[0] for row in sql(db_path, "SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"queries_reply", "queries_ts"} <= indexes


async def test_wal_mode_is_on(log: QueryLog, db_path: Path) -> None:
    assert sql(db_path, "PRAGMA journal_mode") == [("wal",)]


async def test_reopen_is_a_no_op(db_path: Path) -> None:
    async with await QueryLog.open(db_path, secret=SECRET) as log:
        row_id = await log.record(rec(query="pertama"))
    schema = sql(db_path, "SELECT * FROM sqlite_master ORDER BY name")
    async with await QueryLog.open(db_path, secret=SECRET) as log:
        got = await log.get(row_id or -1)
    assert got is not None
    assert got.query == "pertama"
    assert sql(db_path, "SELECT * FROM sqlite_master ORDER BY name") == schema
    assert sql(db_path, "PRAGMA user_version") == [(len(MIGRATIONS),)]


async def test_later_migration_adding_a_column_applies_to_old_db(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with await QueryLog.open(db_path, secret=SECRET) as log:
        row_id = await log.record(rec(query="lama"))
    monkeypatch.setattr(
        querylog, "MIGRATIONS", (*MIGRATIONS, "ALTER TABLE queries ADD COLUMN lang TEXT;")
    )
    async with await QueryLog.open(db_path, secret=SECRET) as log:
        got = await log.get(row_id or -1)
        assert await log.record(rec()) is not None  # inserts still work
    assert got is not None
    assert got.query == "lama"
    assert sql(db_path, "PRAGMA user_version") == [(len(MIGRATIONS) + 1,)]
    assert "lang" in [row[1] for row in sql(db_path, "PRAGMA table_info(queries)")]


async def test_failed_migration_rolls_back_everything(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(querylog, "MIGRATIONS", (*MIGRATIONS, "ALTER TABLE nope ADD x INT;"))
    with pytest.raises(QueryLogError, match="no such table: nope"):
        await QueryLog.open(db_path, secret=SECRET)
    assert sql(db_path, "PRAGMA user_version") == [(0,)]
    assert sql(db_path, "SELECT name FROM sqlite_master WHERE type='table'") == []


async def test_too_new_schema_raises_one_line_error(db_path: Path) -> None:
    db_path.parent.mkdir()
    sql(db_path, f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(QueryLogError, match="newer than this code") as info:
        await QueryLog.open(db_path, secret=SECRET)
    assert "\n" not in str(info.value)


async def test_garbage_file_raises_query_log_error(tmp_path: Path) -> None:
    path = tmp_path / "not-a.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(QueryLogError, match="not a database"):
        await QueryLog.open(path, secret=SECRET)


async def test_empty_secret_is_refused(db_path: Path) -> None:
    with pytest.raises(QueryLogError, match="secret"):
        await QueryLog.open(db_path, secret=b"")


# --- record / get ------------------------------------------------------------


async def test_record_get_round_trip(log: QueryLog) -> None:
    wib = timezone(timedelta(hours=7))
    row_id = await log.record(
        rec(
            user_id=USER,
            query="Berapa harga BBM?",
            answered=True,
            article_id="003_8b1db099ec59a2e9",
            paragraph=4,
            score=0.8125,
            rank=0,
            latency_ms=12.5,
            reply_message_id=77,
            ts=datetime(2024, 5, 1, 14, 30, 0, 123456, tzinfo=wib),
        )
    )
    assert row_id is not None
    assert await log.get(row_id) == LoggedQuery(
        id=row_id,
        ts=datetime(2024, 5, 1, 7, 30, 0, 123000, tzinfo=UTC),
        chat_id=-1001234,
        chat_type="supergroup",
        user=pseudonymize(USER, SECRET),
        command="ask",
        query="Berapa harga BBM?",
        answered=True,
        article_id="003_8b1db099ec59a2e9",
        paragraph=4,
        score=0.8125,
        rank=0,
        latency_ms=12.5,
        reply_message_id=77,
        outcome="answered",
    )
    assert await log.get(row_id + 1) is None


async def test_ts_is_utc_iso_text_with_z(log: QueryLog, db_path: Path) -> None:
    await log.record(rec())
    await log.record(rec(ts=datetime(2024, 1, 2, 3, 4, 5)))  # naive means UTC
    stored = [row[0] for row in sql(db_path, "SELECT ts FROM queries ORDER BY id")]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", ts) for ts in stored)
    assert stored[1] == "2024-01-02T03:04:05.000Z"


async def test_no_user_is_stored_as_null(log: QueryLog) -> None:
    row_id = await log.record(rec(user_id=None, chat_type="channel", command="latest"))
    got = await log.get(row_id or -1)
    assert got is not None
    assert got.user is None


async def test_pseudonym_is_keyed_hmac_prefix() -> None:
    assert re.fullmatch(r"[0-9a-f]{16}", pseudonymize(USER, SECRET))
    assert pseudonymize(USER, SECRET) != pseudonymize(USER, b"other-secret")
    assert pseudonymize(USER, SECRET) != pseudonymize(USER + 1, SECRET)


async def test_raw_user_id_never_in_db_files(log: QueryLog, db_path: Path) -> None:
    # In a private chat Telegram's chat id *is* the user id, so it must not leak either.
    private_id = await log.record(
        rec(chat_id=USER, chat_type="private", user_id=USER, reply_message_id=5)
    )
    await log.record(rec(user_id=USER, query="grup"))
    await log.record(rec(chat_id=USER, chat_type="inline", user_id=USER, command="inline"))
    needles = (str(USER).encode(), USER.to_bytes(6, "big"), USER.to_bytes(8, "big"))

    def leaks() -> list[str]:
        files = [p for p in db_path.parent.iterdir() if p.is_file()]
        assert files
        return [p.name for p in files for n in needles if n in p.read_bytes()]

    assert leaks() == []  # while open: data sits in the -wal file
    found = await log.find_reply(USER, 5)  # callers still pass the real chat id
    assert found is not None
    assert found.id == private_id
    assert found.chat_id == chat_key(USER, SECRET) > 0
    await log.close()
    assert leaks() == []


async def test_user_id_kept_out_of_repr() -> None:
    assert str(USER) not in repr(rec(user_id=USER))


async def test_numpy_scalars_are_stored(log: QueryLog) -> None:
    row_id = await log.record(rec(score=np.float32(0.5), paragraph=np.int64(3), rank=np.int64(1)))
    got = await log.get(row_id or -1)
    assert got is not None
    assert (got.score, got.paragraph, got.rank) == (0.5, 3, 1)


# --- find_reply --------------------------------------------------------------


async def test_find_reply_returns_newest_row_for_that_message(log: QueryLog) -> None:
    await log.record(rec(reply_message_id=10, rank=0))
    await log.record(rec(reply_message_id=10, rank=1, command="more"))
    newest = await log.record(rec(reply_message_id=10, rank=2, command="more"))
    other_chat = await log.record(rec(chat_id=-999, reply_message_id=10, rank=0))
    await log.record(rec(reply_message_id=11, rank=0))

    found = await log.find_reply(-1001234, 10)
    assert found is not None
    assert (found.id, found.rank, found.command) == (newest, 2, "more")
    found_other = await log.find_reply(-999, 10)
    assert found_other is not None
    assert found_other.id == other_chat
    assert await log.find_reply(-1001234, 12) is None


async def test_find_reply_uses_index(log: QueryLog, db_path: Path) -> None:
    plan = sql(db_path, "EXPLAIN QUERY PLAN " + FIND_REPLY_SQL, (-1, 1))
    assert any("queries_reply" in row[-1] for row in plan), plan


# --- stats -------------------------------------------------------------------


async def record_known_set(log: QueryLog) -> None:
    rows = [
        rec(query="Harga BBM naik?", outcome="answered", user_id=1),
        rec(query="  harga  bbm NAIK? ", outcome="declined", reason="low-coverage", user_id=2),
        rec(query="harga bbm naik?", answered=True, user_id=3, command="inline"),
        rec(query="Siapa presiden?", outcome="declined", reason="no-match", user_id=1),
        rec(query="", user_id=2),  # a question without text: counted, never listed
        rec(command="latest", answered=True, user_id=4),
        rec(command="help", outcome="command", user_id=None),
        rec(command="sumber", answered=True, user_id=1),
        rec(query="gempa", user_id=5, command="inline"),  # declined, no reason given
        rec(query="Harga BBM naik?", outcome="send_failed", reason="TimedOut", user_id=6),
        rec(query="banjir", outcome="throttled", user_id=6),
        rec(query="SIAPA presiden?", outcome="declined", reason="no-match", user_id=7),
    ]
    for minute, row in enumerate(rows):
        assert await log.record(replace(row, ts=T0 + timedelta(minutes=minute))) is not None


def at(minute: int) -> datetime:
    return T0 + timedelta(minutes=minute)


async def test_stats_on_known_set(log: QueryLog) -> None:
    await record_known_set(log)
    stats = await log.stats()
    assert replace(stats, per_day=[]) == Stats(
        total=12,
        questions=9,
        answered=2,
        answered_rate=2 / 9,
        unique_users=7,
        by_command={"ask": 7, "inline": 2, "help": 1, "latest": 1, "sumber": 1},
        top_questions=[("harga bbm naik?", 4), ("siapa presiden?", 2), ("banjir", 1), ("gempa", 1)],
        recent_unanswered=[
            (at(11), "SIAPA presiden?"),
            (at(10), "banjir"),
            (at(9), "Harga BBM naik?"),
            (at(8), "gempa"),
            (at(3), "Siapa presiden?"),
            (at(1), "  harga  bbm NAIK? "),
        ],
        first_ts=T0,
        last_ts=at(11),
        by_outcome={"declined": 5, "answered": 4, "command": 1, "send_failed": 1, "throttled": 1},
        declined_by_reason={"no-match": 2, "unknown": 2, "low-coverage": 1},
        send_failed_by_reason={"TimedOut": 1},
        top_unanswered=[
            UnansweredGroup("siapa presiden?", 2, ("no-match",), at(11)),
            UnansweredGroup("gempa", 1, ("unknown",), at(8)),
            UnansweredGroup("harga bbm naik?", 1, ("low-coverage",), at(1)),
        ],
    )
    assert (stats.send_failed, stats.throttled, stats.too_long) == (1, 1, 0)


async def test_stats_limits_and_since(log: QueryLog) -> None:
    await record_known_set(log)
    limited = await log.stats(top=1, recent=1)
    assert limited.top_questions == [("harga bbm naik?", 4)]
    assert limited.recent_unanswered == [(at(11), "SIAPA presiden?")]
    assert [g.question for g in limited.top_unanswered] == ["siapa presiden?"]

    later = await log.stats(since=at(3))
    assert (later.total, later.questions, later.answered) == (9, 6, 0)
    assert (later.answered_rate, later.unique_users) == (0.0, 6)
    assert later.top_questions[:2] == [("siapa presiden?", 2), ("banjir", 1)]
    assert later.declined_by_reason == {"no-match": 2, "unknown": 2}
    assert later.first_ts == at(3)


async def test_per_day_counts_the_last_days_without_gaps(log: QueryLog) -> None:
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    rows = [
        rec(outcome="answered", ts=today),
        rec(outcome="declined", ts=today),
        rec(outcome="send_failed", ts=today - timedelta(days=2)),
        rec(outcome="answered", ts=today - timedelta(days=2)),
        rec(outcome="answered", ts=today - timedelta(days=40)),  # outside the window
        rec(command="latest", answered=True, ts=today),  # not a question
    ]
    for row in rows:
        await log.record(row)
    per_day = (await log.stats(days=5)).per_day
    days = [(today - timedelta(days=n)).date() for n in range(4, -1, -1)]
    assert [d.day for d in per_day] == days
    assert [(d.answered, d.declined, d.other) for d in per_day] == [
        (0, 0, 0),
        (0, 0, 0),
        (1, 0, 1),
        (0, 0, 0),
        (1, 1, 0),
    ]


async def test_stats_on_empty_log(log: QueryLog) -> None:
    stats = await log.stats()
    assert replace(stats, per_day=[]) == Stats(0, 0, 0, 0.0, 0, {}, [], [], None, None)
    assert len(stats.per_day) == 30
    assert stats.per_day[-1] == DayCount(datetime.now(UTC).date(), 0, 0, 0)


# --- outcome, reason, context (schema version 2) -----------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ({"outcome": "answered"}, ("answered", True)),
        ({"outcome": "send_failed", "answered": True}, ("send_failed", False)),  # outcome wins
        ({"outcome": "too_long"}, ("too_long", False)),
        ({"answered": True}, ("answered", True)),  # no outcome: derived
        ({}, ("declined", False)),
        ({"command": "inline"}, ("declined", False)),
        ({"command": "help"}, ("command", False)),
    ],
)
async def test_answered_follows_the_outcome(
    log: QueryLog, given: dict[str, Any], stored: tuple[str, bool]
) -> None:
    got = await log.get(await log.record(rec(**given)) or -1)
    assert got is not None
    assert (got.outcome, got.answered) == stored


async def test_reason_and_context_round_trip(log: QueryLog) -> None:
    first = await log.record(rec(query="Siapa Yuri Ushakov?", outcome="answered"))
    follow = await log.record(
        rec(query="kapan?", outcome="declined", reason="missing-term", context_id=first)
    )
    got = await log.get(follow or -1)
    assert got is not None
    assert (got.reason, got.context_id) == ("missing-term", first)


def v1_database(path: Path) -> None:
    """A log as the first schema left it, with a row of each kind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path)
    for statement in querylog.split_statements(MIGRATIONS[0]):
        con.execute(statement)
    con.execute("PRAGMA user_version = 1")
    rows = [("ask", 1, "dijawab"), ("ask", 0, "ditolak"), ("inline", 0, ""), ("latest", 1, "")]
    for command, answered, query in rows:
        con.execute(
            "INSERT INTO queries (ts, chat_id, chat_type, command, query, answered, latency_ms)"
            " VALUES ('2024-05-01T00:00:00.000Z', -1, 'group', ?, ?, ?, 1.0)",
            (command, query, answered),
        )
    con.commit()
    con.close()


async def test_version_1_log_is_migrated_and_outcomes_filled_in(db_path: Path) -> None:
    v1_database(db_path)
    async with await QueryLog.open(db_path, secret=SECRET) as log:
        got = [await log.get(i) for i in range(1, 5)]
        assert await log.record(rec(outcome="throttled")) == 5
    assert [(g.command, g.answered, g.outcome) for g in got if g] == [
        ("ask", True, "answered"),
        ("ask", False, "declined"),
        ("inline", False, "declined"),
        ("latest", True, "answered"),
    ]
    assert sql(db_path, "PRAGMA user_version") == [(len(MIGRATIONS),)]


# --- files: permissions, deletion, start-up refusals --------------------------


async def test_log_and_folders_are_private(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    db_path = shared / "a" / "b" / "queries.db"
    async with await QueryLog.open(db_path, secret=SECRET) as log:
        await log.record(rec())
        for name in (db_path.name, db_path.name + "-wal", db_path.name + "-shm"):
            assert stat.S_IMODE((db_path.parent / name).stat().st_mode) == 0o600, name
    assert stat.S_IMODE(db_path.parent.stat().st_mode) == 0o700  # created here
    assert stat.S_IMODE(db_path.parent.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755  # existing folders are left alone


async def test_deleted_log_is_noticed_once_and_a_fresh_one_started(
    log: QueryLog, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert await log.record(rec(query="sebelum")) == 1
    remove_log_files(db_path)
    with caplog.at_level(logging.WARNING, logger="bot.querylog"):
        first = await log.record(rec(query="sesudah"))
        second = await log.record(rec(query="lagi"))
    assert (first, second) == (1, 2)  # ids restart: a new file
    loud = [r for r in caplog.records if "deleted or replaced" in r.getMessage()]
    assert len(loud) == 1
    assert loud[0].levelno >= logging.ERROR
    assert str(db_path) in loud[0].getMessage()
    # The rows are in the file at the path, not in the unlinked one.
    assert sql(db_path, "SELECT query FROM queries ORDER BY id") == [("sesudah",), ("lagi",)]
    assert file_mode(db_path) == 0o600


async def test_deleted_folder_is_recreated_private(log: QueryLog, db_path: Path) -> None:
    await log.record(rec())
    shutil.rmtree(db_path.parent)
    assert await log.record(rec(query="baru")) == 1
    assert sql(db_path, "SELECT query FROM queries") == [("baru",)]
    assert stat.S_IMODE(db_path.parent.stat().st_mode) == 0o700


def assert_one_line_naming(exc: BaseException, path: Path, *needles: str) -> None:
    message = str(exc)
    assert "\n" not in message
    assert str(path) in message
    for needle in needles:
        assert needle in message, message


async def test_read_only_log_stops_the_start(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with await QueryLog.open(db_path, secret=SECRET) as log:
        await log.record(rec())
    if os.geteuid() != 0:
        make_read_only(db_path)
    else:  # root writes through file modes: make SQLite open the file read-only instead
        real_connect = aiosqlite.connect

        def read_only_connect(target: Any, **kwargs: Any) -> Any:
            return real_connect(querylog.readonly_uri(Path(target)), **kwargs | {"uri": True})

        monkeypatch.setattr(aiosqlite, "connect", read_only_connect)
    with pytest.raises(QueryLogError) as info:
        await QueryLog.open(db_path, secret=SECRET)
    assert_one_line_naming(info.value, db_path, "read-only", "writable")


async def test_full_disk_stops_the_start(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    full = shutil._ntuple_diskusage(total=10 << 30, used=10 << 30, free=4096)
    monkeypatch.setattr(shutil, "disk_usage", lambda _path: full)
    with pytest.raises(QueryLogError) as info:
        await QueryLog.open(db_path, secret=SECRET)
    assert_one_line_naming(info.value, db_path, "disk is full", "free some space")


def foreign_same_version(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE queries (id INTEGER PRIMARY KEY, sql TEXT, duration REAL)")
    con.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
    con.commit()
    con.close()


def foreign_unversioned(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
    con.execute("INSERT INTO contacts VALUES ('a', '1')")
    con.commit()
    con.close()


def corrupt_log(path: Path) -> None:
    """A real log whose data pages were overwritten in the middle."""
    con = sqlite3.connect(path)
    for statement in querylog.split_statements(MIGRATIONS[0]):
        con.execute(statement)
    con.executemany(
        "INSERT INTO queries (ts, chat_id, chat_type, command, query, answered, latency_ms)"
        " VALUES ('2024-05-01T00:00:00.000Z', -1, 'group', 'ask', ?, 0, 1.0)",
        [(f"pertanyaan {i} " * 20,) for i in range(300)],
    )
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    page = 4096
    with path.open("r+b") as fh:
        fh.seek(3 * page)
        fh.write(b"\xde\xad\xbe\xef" * (page // 2))


@pytest.mark.parametrize("make", [foreign_same_version, foreign_unversioned, corrupt_log])
async def test_a_file_that_is_not_our_log_stops_the_start_and_is_left_alone(
    tmp_path: Path, make: Any
) -> None:
    path = tmp_path / "queries.sqlite3"
    make(path)
    before = file_bytes(path)
    with pytest.raises(QueryLogError) as info:
        await QueryLog.open(path, secret=SECRET)
    assert_one_line_naming(info.value, path, "tanyaberita stats --repair")
    assert file_bytes(path) == before


async def test_garbage_file_names_the_repair_command(tmp_path: Path) -> None:
    path = tmp_path / "not-a.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(QueryLogError) as info:
        await QueryLog.open(path, secret=SECRET)
    assert_one_line_naming(info.value, path, "not a database", "tanyaberita stats --repair")


# --- read-only opening (tanyaberita stats) -------------------------------------


async def test_open_readonly_never_migrates_and_says_why(db_path: Path) -> None:
    v1_database(db_path)
    before = file_bytes(db_path)
    with pytest.raises(QueryLogError) as info:
        await QueryLog.open_readonly(db_path)
    assert_one_line_naming(info.value, db_path, "older", "tanyaberita run")
    assert file_bytes(db_path) == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == [db_path.name]


async def test_open_readonly_reads_beside_a_writer_and_cannot_write(
    log: QueryLog, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    await log.record(rec(query="satu", outcome="answered"))
    async with await QueryLog.open_readonly(db_path) as reader:
        assert (await reader.stats()).answered == 1
        with caplog.at_level(logging.ERROR, logger="bot.querylog"):
            assert await reader.record(rec()) is None
    assert sql(db_path, "SELECT count(*) FROM queries") == [(1,)]


async def test_open_readonly_refuses_a_newer_schema(db_path: Path) -> None:
    db_path.parent.mkdir()
    sql(db_path, f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(QueryLogError, match="newer than this code"):
        await QueryLog.open_readonly(db_path)


# --- prune -------------------------------------------------------------------


async def test_prune_deletes_only_older_rows(log: QueryLog) -> None:
    for day in range(5):
        await log.record(rec(query=f"hari {day}", ts=T0 + timedelta(days=day)))
    assert await log.prune(T0 + timedelta(days=2)) == 2
    assert await log.prune(T0 + timedelta(days=2)) == 0
    stats = await log.stats()
    assert stats.total == 3
    assert stats.first_ts == T0 + timedelta(days=2)


async def test_prune_older_than_uses_days_and_survives_a_closed_log(log: QueryLog) -> None:
    now = T0 + timedelta(days=10)
    await log.record(rec(ts=now - timedelta(days=8)))
    await log.record(rec(ts=now - timedelta(days=6)))
    assert await logmaint.prune_older_than(log, 7, now=now) == 1
    await log.close()
    assert await logmaint.prune_older_than(log, 7, now=now) == 0  # logged, not raised


# --- hostile text ------------------------------------------------------------


async def test_sql_metacharacters_stored_verbatim(log: QueryLog) -> None:
    evil = "'); DROP TABLE queries; --"
    row_id = await log.record(rec(query=evil, article_id='x" OR 1=1 --'))
    got = await log.get(row_id or -1)
    assert got is not None
    assert (got.query, got.article_id) == (evil, 'x" OR 1=1 --')
    assert (await log.stats()).total == 1  # the table survived


BIDI_AND_CONTROL = st.sampled_from(
    ["\u202e", "\u202a", "\u2066", "\u2069", "\u200f", "\u200b", "\x01", "\x1b", "\r", "\x7f"]
)
# Any encodable character except NUL, with bidi and control characters boosted.
HOSTILE_TEXT = st.text(
    st.one_of(st.characters(codec="utf-8", exclude_characters="\x00"), BIDI_AND_CONTROL)
)


# One log shared by all examples is intended: rows accumulate harmlessly.
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=HOSTILE_TEXT)
async def test_arbitrary_text_round_trips(log: QueryLog, text: str) -> None:
    row_id = await log.record(rec(query=text, article_id=text))
    assert row_id is not None
    got = await log.get(row_id)
    assert got is not None
    assert (got.query, got.article_id) == (text, text)


async def test_lone_surrogate_does_not_lose_the_row(log: QueryLog) -> None:
    row_id = await log.record(rec(query="a\ud800b"))
    got = await log.get(row_id or -1)
    assert got is not None
    assert got.query == "a?b"


# --- failures and concurrency -------------------------------------------------


async def test_record_after_close_returns_none_and_logs(
    log: QueryLog, caplog: pytest.LogCaptureFixture
) -> None:
    await log.close()
    await log.close()  # idempotent
    with caplog.at_level(logging.ERROR, logger="bot.querylog"):
        assert await log.record(rec()) is None
    assert [r.exc_info is not None for r in caplog.records] == [True]


async def test_record_on_broken_db_returns_none(
    log: QueryLog, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sql(db_path, "DROP TABLE queries")
    with caplog.at_level(logging.ERROR, logger="bot.querylog"):
        assert await log.record(rec()) is None
    assert "no such table" in caplog.text


async def test_reads_after_close_raise_query_log_error(log: QueryLog) -> None:
    await log.close()
    with pytest.raises(QueryLogError, match="closed"):
        await log.get(1)
    with pytest.raises(QueryLogError, match="closed"):
        await log.stats()


async def test_concurrent_records_all_land(log: QueryLog) -> None:
    ids = await asyncio.gather(*(log.record(rec(query=f"q{i}")) for i in range(50)))
    assert None not in ids
    assert len(set(ids)) == 50
    assert (await log.stats(top=100)).total == 50
    for i, row_id in enumerate(ids):
        got = await log.get(row_id or -1)
        assert got is not None
        assert got.query == f"q{i}"


async def test_a_batch_larger_than_one_insert_statement_keeps_every_row_and_its_id(
    log: QueryLog, db_path: Path
) -> None:
    # Recorded together: more rows than one INSERT statement takes, in one commit.
    n = 2 * querylog.GROUP_ROWS + 1
    writes = [asyncio.create_task(log.record(rec(query=f"q{i}"))) for i in range(n)]
    ids = await asyncio.gather(*writes)
    stored = dict(sql(db_path, "SELECT id, query FROM queries"))
    assert len(stored) == n
    assert [stored.get(row_id) for row_id in ids] == [f"q{i}" for i in range(n)]


async def test_reads_see_rows_recorded_before_them(log: QueryLog) -> None:
    # Rows recorded together are committed together; a read waits for that commit.
    writes = [asyncio.create_task(log.record(rec(query=f"q{i}"))) for i in range(20)]
    await asyncio.sleep(0)  # each write has handed its row over
    assert (await log.stats(top=100)).total == 20
    assert None not in await asyncio.gather(*writes)


async def test_close_commits_every_row_recorded_before_it(db_path: Path) -> None:
    log = await QueryLog.open(db_path, secret=SECRET)
    writes = [asyncio.create_task(log.record(rec(query=f"q{i}"))) for i in range(30)]
    await asyncio.sleep(0)
    await log.close()
    assert sorted(await asyncio.gather(*writes)) == list(range(1, 31))  # type: ignore[type-var]
    queries = [q for (q,) in sql(db_path, "SELECT query FROM queries ORDER BY id")]
    assert queries == [f"q{i}" for i in range(30)]


async def test_a_cancelled_caller_does_not_lose_its_row(log: QueryLog, db_path: Path) -> None:
    write = asyncio.create_task(log.record(rec(query="batal")))
    await asyncio.sleep(0)
    write.cancel()
    with pytest.raises(asyncio.CancelledError):
        await write
    await log.close()
    assert sql(db_path, "SELECT query FROM queries") == [("batal",)]


# --- faults: SIGKILL, locks, a full queue ---------------------------------------

ROOT = Path(__file__).resolve().parent.parent
WRITER = """
import asyncio, sys
from pathlib import Path
from types import SimpleNamespace
from bot.querylog import QueryLog, QueryRecord

async def main():
    log = await QueryLog.open(Path(sys.argv[1]), secret=b"k")
    n = 0
    while True:  # bursts of 20 concurrent rows until killed
        batch = range(n, n + 20)
        ids = await asyncio.gather(
            *(log.record(QueryRecord(-5, "group", i, "ask", f"q{i}")) for i in batch)
        )
        n += 20
        print(" ".join(f"{row_id}:q{i}" for row_id, i in zip(ids, batch)), flush=True)

asyncio.run(main())
"""


def test_sigkill_during_a_burst_keeps_committed_rows(tmp_path: Path) -> None:
    path = tmp_path / "queries.sqlite3"
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    reported: dict[int, str] = {}  # rows whose insert returned: committed

    def read(text: str) -> None:
        for pair in text.split():
            row_id, query = pair.split(":")
            reported[int(row_id)] = query

    try:
        for line in proc.stdout:
            read(line)
            if len(reported) >= 400:
                break
        proc.kill()  # SIGKILL: no flush, no close, mid-burst
    finally:
        proc.kill()
        rest, _ = proc.communicate(timeout=60)
    read(rest)
    assert proc.returncode == -9
    assert len(reported) >= 400

    assert sql(path, "PRAGMA integrity_check") == [("ok",)]
    stored = dict(sql(path, "SELECT id, query FROM queries"))
    assert {i: stored.get(i) for i in reported} == reported, "a committed row was lost"

    async def carry_on() -> int | None:  # the next start opens the log and writes
        async with await QueryLog.open(path, secret=b"k") as log:
            return await log.record(rec(query="setelah kill"))

    new_id = asyncio.run(carry_on())
    assert new_id is not None
    assert new_id > max(reported)


def hold_write_lock(path: Path) -> sqlite3.Connection:
    """Another process's writer: holds the write lock until rolled back."""
    con = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    con.execute("BEGIN IMMEDIATE")
    return con


async def test_locked_log_queues_rows_and_writes_them_in_order_later(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.querylog")
    async with await QueryLog.open(db_path, secret=SECRET, busy_timeout=0.05) as log:
        assert await log.record(rec(query="q0")) == 1
        locker = hold_write_lock(db_path)
        try:
            results = [await log.record(rec(query=f"q{i}")) for i in range(1, 6)]
            assert results == [None] * 5  # queued, not raised, not lost
            assert log.pending == 5
        finally:
            locker.rollback()
            locker.close()
        for _ in range(200):  # the retry task drains the queue (bounded wait)
            if not log.pending:
                break
            await asyncio.sleep(0.05)
        assert log.pending == 0
        assert log.dropped == 0
        assert await log.record(rec(query="q6")) == 7
    queries = [q for (q,) in sql(db_path, "SELECT query FROM queries ORDER BY id")]
    assert queries == [f"q{i}" for i in range(7)]
    messages = [r.getMessage() for r in caplog.records]
    assert sum("cannot be written" in m for m in messages) == 1  # warned once
    assert any("writable again" in m for m in messages)


async def test_full_queue_drops_and_counts(db_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    log = await QueryLog.open(db_path, secret=SECRET, busy_timeout=0.05, max_pending=3)
    locker = hold_write_lock(db_path)
    try:
        with caplog.at_level(logging.ERROR, logger="bot.querylog"):
            for i in range(8):
                await log.record(rec(query=f"q{i}"))
        assert (log.pending, log.dropped) == (3, 5)
        assert sum("dropping new rows" in r.getMessage() for r in caplog.records) == 1
    finally:
        locker.rollback()
        locker.close()
    await log.close()  # the last try writes what was queued
    assert sql(db_path, "SELECT query FROM queries ORDER BY id") == [("q0",), ("q1",), ("q2",)]


async def test_find_reply_is_time_bounded_behind_a_stuck_write(db_path: Path) -> None:
    # A 30 s busy timeout keeps the log's worker thread waiting on the lock; /sumber
    # must not wait with it.
    async with await QueryLog.open(
        db_path, secret=SECRET, busy_timeout=30, read_timeout=0.2
    ) as log:
        await log.record(rec(reply_message_id=9))
        locker = hold_write_lock(db_path)
        try:
            stuck = asyncio.create_task(log.record(rec(query="terkunci")))
            await asyncio.sleep(0.1)
            started = time.monotonic()
            with pytest.raises(QueryLogError, match="busy"):
                await log.find_reply(-1001234, 9)
            assert time.monotonic() - started < 15  # far below the 30 s lock wait
        finally:
            locker.rollback()
            locker.close()
        assert await stuck is not None  # the lock went away: the row was written
        found = await log.find_reply(-1001234, 9)
        assert found is not None


# --- the daily retention job ------------------------------------------------------


async def test_prune_job_applies_the_retention_setting(log: QueryLog) -> None:
    from telegram.ext import ApplicationBuilder

    from bot.config import load_settings
    from bot.services import Services, put_services

    now = datetime.now(UTC)
    for age in (400, 20, 0):
        await log.record(rec(query=f"{age} hari", ts=now - timedelta(days=age)))

    def context(retention: str | None) -> Any:
        env = {"QUERY_LOG_RETENTION_DAYS": retention} if retention else {}
        settings = load_settings(env, None, require_token=False)
        bot_data: dict[str, Any] = {}
        put_services(bot_data, Services(settings, live=None, querylog=log))  # type: ignore[arg-type]
        return SimpleNamespace(bot_data=bot_data)

    await logmaint.prune_job(context(None))  # unset: keep everything
    assert (await log.stats()).total == 3
    await logmaint.prune_job(context("30"))
    assert [q for _, q in (await log.stats()).recent_unanswered] == ["0 hari", "20 hari"]
    no_services: Any = SimpleNamespace(bot_data={})
    await logmaint.prune_job(no_services)  # shutting down: nothing to prune, no error
    # The job queue it is registered on exists (python-telegram-bot[job-queue]).
    assert ApplicationBuilder().token("123:abc").build().job_queue is not None


async def test_full_disk_while_running_queues_rows_until_space_returns(
    log: QueryLog, db_path: Path
) -> None:
    await log.record(rec(query="q0"))
    # SQLITE_FULL without filling a real disk: cap this connection's file size.
    db = log._db
    assert db is not None
    (pages,), *_ = await db.execute_fetchall("PRAGMA page_count")
    await db.execute(f"PRAGMA max_page_count = {int(pages)}")
    big = "x" * 20_000  # needs new pages
    assert await log.record(rec(query=big)) is None
    assert await log.record(rec(query="q2")) is None  # queued behind it, in order
    assert log.pending == 2
    await db.execute("PRAGMA max_page_count = 1073741823")  # space again
    for _ in range(200):
        if not log.pending:
            break
        await asyncio.sleep(0.05)
    assert log.pending == 0
    assert [q[:2] for (q,) in sql(db_path, "SELECT query FROM queries ORDER BY id")] == [
        "q0",
        "xx",
        "q2",
    ]


async def test_a_queued_row_the_database_refuses_does_not_block_the_others(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with await QueryLog.open(db_path, secret=SECRET, busy_timeout=0.05) as log:
        sql(
            db_path,
            "CREATE TRIGGER refuse BEFORE INSERT ON queries WHEN NEW.query = 'racun'"
            " BEGIN SELECT RAISE(ABORT, 'refused'); END",
        )
        locker = hold_write_lock(db_path)
        try:
            for query in ("q1", "racun", "q3"):
                assert await log.record(rec(query=query)) is None
        finally:
            locker.rollback()
            locker.close()
        for _ in range(200):
            if not log.pending:
                break
            await asyncio.sleep(0.05)
        assert (log.pending, log.dropped) == (0, 1)
    assert sql(db_path, "SELECT query FROM queries ORDER BY id") == [("q1",), ("q3",)]
    assert "refused a queued row" in caplog.text
