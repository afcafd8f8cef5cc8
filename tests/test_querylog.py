"""Tests for bot.querylog: schema, privacy, lookups, stats and failure handling."""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import querylog
from bot.querylog import (
    FIND_REPLY_SQL,
    MIGRATIONS,
    LoggedQuery,
    QueryLog,
    QueryLogError,
    QueryRecord,
    Stats,
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
        rec(query="Harga BBM naik?", answered=True, user_id=1),
        rec(query="  harga  bbm NAIK? ", user_id=2),
        rec(query="harga bbm naik?", answered=True, user_id=3, command="inline"),
        rec(query="Siapa presiden?", user_id=1),
        rec(query="", user_id=2),  # a question without text: counted, never listed
        rec(command="latest", answered=True, user_id=4),
        rec(command="help", answered=True, user_id=None),
        rec(command="sumber", answered=True, user_id=1),
        rec(query="gempa", user_id=5, command="inline"),
    ]
    for minute, row in enumerate(rows):
        assert await log.record(replace(row, ts=T0 + timedelta(minutes=minute))) is not None


async def test_stats_on_known_set(log: QueryLog) -> None:
    await record_known_set(log)
    assert await log.stats() == Stats(
        total=9,
        questions=6,
        answered=2,
        answered_rate=2 / 6,
        unique_users=5,
        by_command={"ask": 4, "inline": 2, "help": 1, "latest": 1, "sumber": 1},
        top_questions=[("harga bbm naik?", 3), ("gempa", 1), ("siapa presiden?", 1)],
        recent_unanswered=[
            (T0 + timedelta(minutes=8), "gempa"),
            (T0 + timedelta(minutes=3), "Siapa presiden?"),
            (T0 + timedelta(minutes=1), "  harga  bbm NAIK? "),
        ],
        first_ts=T0,
        last_ts=T0 + timedelta(minutes=8),
    )


async def test_stats_limits_and_since(log: QueryLog) -> None:
    await record_known_set(log)
    limited = await log.stats(top=1, recent=1)
    assert limited.top_questions == [("harga bbm naik?", 3)]
    assert limited.recent_unanswered == [(T0 + timedelta(minutes=8), "gempa")]

    later = await log.stats(since=T0 + timedelta(minutes=3))
    assert (later.total, later.questions, later.answered) == (6, 3, 0)
    assert (later.answered_rate, later.unique_users) == (0.0, 4)
    assert later.top_questions == [("gempa", 1), ("siapa presiden?", 1)]
    assert later.first_ts == T0 + timedelta(minutes=3)


async def test_stats_on_empty_log(log: QueryLog) -> None:
    stats = await log.stats()
    assert stats == Stats(0, 0, 0, 0.0, 0, {}, [], [], None, None)


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
