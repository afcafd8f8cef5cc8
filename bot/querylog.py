"""The query log: one SQLite row per question or command the bot handles.

Usage::

    async with await QueryLog.open(path, secret=secret) as log:
        row_id = await log.record(QueryRecord(chat_id=..., chat_type="private", ...))

``record`` never raises (a broken log must not break a reply); reads raise
``QueryLogError``. Timestamps are UTC ISO 8601 text with milliseconds and a
``Z`` (``2024-05-01T07:30:00.000Z``): fixed width, so text order is time order.

Privacy: raw Telegram user ids are never stored. ``user`` is an HMAC pseudonym,
and positive chat ids (private chats, whose id *is* the user id) are stored as a
keyed pseudonym too; ``find_reply`` applies the same mapping, so callers always
pass the real chat id.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self

import aiosqlite

logger = logging.getLogger(__name__)

ChatType = Literal["private", "group", "supergroup", "channel", "inline"]

# Applied in order; script n brings the schema to user_version n + 1. Later
# changes are appended (e.g. "ALTER TABLE queries ADD COLUMN lang TEXT;"),
# never edited. Reads name their columns, so a new column breaks nothing.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE queries (
        id INTEGER PRIMARY KEY,
        ts TEXT NOT NULL,
        chat_id INTEGER NOT NULL,
        chat_type TEXT NOT NULL,  -- no CHECK: Telegram adds chat types
        user TEXT,
        command TEXT NOT NULL,
        query TEXT NOT NULL DEFAULT '',
        answered INTEGER NOT NULL CHECK (answered IN (0, 1)),
        article_id TEXT,
        paragraph INTEGER,
        score REAL,
        rank INTEGER,
        latency_ms REAL NOT NULL,
        reply_message_id INTEGER
    );
    CREATE INDEX queries_reply ON queries (chat_id, reply_message_id)
        WHERE reply_message_id IS NOT NULL;
    CREATE INDEX queries_ts ON queries (ts);
    """,
    # reliab (contract with qlog): how each exchange ended.
    """
    ALTER TABLE queries ADD COLUMN outcome TEXT;
    ALTER TABLE queries ADD COLUMN reason TEXT;
    ALTER TABLE queries ADD COLUMN context_id INTEGER;
    """,
)

COLUMNS = (
    "id, ts, chat_id, chat_type, user, command, query, answered, article_id,"
    " paragraph, score, rank, latency_ms, reply_message_id"
)
INSERT_SQL = """
INSERT INTO queries (ts, chat_id, chat_type, user, command, query, answered,
    article_id, paragraph, score, rank, latency_ms, reply_message_id,
    outcome, reason, context_id)
VALUES (:ts, :chat_id, :chat_type, :user, :command, :query, :answered,
    :article_id, :paragraph, :score, :rank, :latency_ms, :reply_message_id,
    :outcome, :reason, :context_id)
"""
GET_SQL = f"SELECT {COLUMNS} FROM queries WHERE id = ?"
# Newest by id, not ts: ids follow insertion order even when a caller passes ts.
FIND_REPLY_SQL = (
    f"SELECT {COLUMNS} FROM queries WHERE chat_id = ? AND reply_message_id = ?"
    " ORDER BY id DESC LIMIT 1"
)
# Questions are the 'ask' and 'inline' commands. ':upto' pins every stats query
# to the rows the totals saw, so concurrent inserts cannot skew the figures.
STATS_TOTALS_SQL = """
SELECT count(*), total(command IN ('ask', 'inline')),
    total(command IN ('ask', 'inline') AND answered), count(DISTINCT user),
    min(ts), max(ts), max(id)
FROM queries WHERE ts >= :since
"""
STATS_BY_COMMAND_SQL = """
SELECT command, count(*) AS n FROM queries WHERE ts >= :since AND id <= :upto
GROUP BY command ORDER BY n DESC, command
"""
STATS_TOP_SQL = """
SELECT normalize_question(query) AS q, count(*) AS n FROM queries
WHERE command IN ('ask', 'inline') AND ts >= :since AND id <= :upto
GROUP BY q HAVING q != '' ORDER BY n DESC, q LIMIT :top
"""
STATS_UNANSWERED_SQL = """
SELECT ts, query FROM queries
WHERE command IN ('ask', 'inline') AND NOT answered AND query != ''
    AND ts >= :since AND id <= :upto
ORDER BY ts DESC, id DESC LIMIT :recent
"""


class QueryLogError(Exception):
    """The query log cannot be used (unreadable file, schema too new, closed)."""


@dataclass(frozen=True, slots=True)
class QueryRecord:
    """What a handler logs; ``user_id`` is raw and pseudonymised on insert."""

    chat_id: int
    chat_type: ChatType
    user_id: int | None = field(repr=False)  # kept out of reprs and log lines
    command: str
    query: str = ""
    answered: bool = False
    article_id: str | None = None
    paragraph: int | None = None
    score: float | None = None
    rank: int | None = None  # 0 = best candidate; "Hasil lain" shows 1, 2, ...
    latency_ms: float = 0.0
    reply_message_id: int | None = None
    ts: datetime | None = None  # None = now; naive = UTC
    # answered | declined | send_failed | throttled | too_long | command
    outcome: str | None = None
    reason: str | None = None  # decline reason code, or the error class of a failed send
    context_id: int | None = None  # the row an earlier exchange this one leans on


@dataclass(frozen=True, slots=True)
class LoggedQuery:
    """A row read back; ``user`` is the pseudonym, ``chat_id`` as stored."""

    id: int
    ts: datetime
    chat_id: int
    chat_type: str
    user: str | None
    command: str
    query: str
    answered: bool
    article_id: str | None
    paragraph: int | None
    score: float | None
    rank: int | None
    latency_ms: float
    reply_message_id: int | None


@dataclass(frozen=True, slots=True)
class Stats:
    total: int
    questions: int
    answered: int
    answered_rate: float  # answered / questions; 0.0 without questions
    unique_users: int
    by_command: dict[str, int]  # most used first
    top_questions: list[tuple[str, int]]  # normalised text (casefolded, spaces collapsed)
    recent_unanswered: list[tuple[datetime, str]]  # newest first
    first_ts: datetime | None
    last_ts: datetime | None


def pseudonymize(user_id: int, secret: bytes) -> str:
    return hmac.new(secret, str(user_id).encode(), hashlib.sha256).hexdigest()[:16]


def chat_key(chat_id: int, secret: bytes) -> int:
    """The stored chat id: positive ids are users' ids, so they are pseudonymised
    (60 bits, still positive, so they never collide with negative group ids)."""
    return int(pseudonymize(chat_id, secret)[:15], 16) if chat_id > 0 else chat_id


def normalize_question(text: str) -> str:
    return " ".join(text.casefold().split())


def format_ts(ts: datetime) -> str:
    ts = ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)
    return ts.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def insert_params(rec: QueryRecord, secret: bytes) -> dict[str, Any]:
    """Bound parameters for INSERT_SQL; coerces numpy scalars, which sqlite3 rejects."""

    def opt(conv: type[Any], value: Any) -> Any:
        return None if value is None else conv(value)

    return {
        "ts": format_ts(rec.ts or datetime.now(UTC)),
        "chat_id": chat_key(int(rec.chat_id), secret),
        "chat_type": rec.chat_type,
        "user": None if rec.user_id is None else pseudonymize(int(rec.user_id), secret),
        "command": rec.command,
        # Lone surrogates cannot be encoded to UTF-8: store "?" rather than lose the row.
        "query": rec.query.encode("utf-8", "replace").decode("utf-8"),
        "answered": int(bool(rec.answered)),
        "article_id": rec.article_id,
        "paragraph": opt(int, rec.paragraph),
        "score": opt(float, rec.score),
        "rank": opt(int, rec.rank),
        "latency_ms": float(rec.latency_ms),
        "reply_message_id": opt(int, rec.reply_message_id),
        "outcome": rec.outcome,
        "reason": rec.reason,
        "context_id": opt(int, rec.context_id),
    }


def split_statements(script: str) -> Iterator[str]:
    """The statements of a script (executescript would COMMIT our transaction)."""
    buf = ""
    for piece in script.split(";"):
        buf += piece + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \n;"):
                yield buf.strip()
            buf = ""


def _row_to_logged(row: sqlite3.Row) -> LoggedQuery:
    fields = dict(zip(row.keys(), row, strict=True))
    fields |= {"ts": datetime.fromisoformat(row["ts"]), "answered": bool(row["answered"])}
    return LoggedQuery(**fields)


class QueryLog:
    """Create with ``await QueryLog.open(...)``; close with ``close()`` or ``async with``."""

    def __init__(self, db: aiosqlite.Connection, secret: bytes) -> None:
        self._db: aiosqlite.Connection | None = db
        self._secret = secret

    @classmethod
    async def open(cls, path: Path, *, secret: bytes) -> QueryLog:
        if not secret:
            raise QueryLogError("query log secret must not be empty")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = await aiosqlite.connect(path, isolation_level=None)  # autocommit
            db.row_factory = sqlite3.Row
        except (OSError, sqlite3.Error) as exc:
            raise QueryLogError(f"cannot open query log {path}: {exc}") from exc
        try:
            await db.execute("PRAGMA busy_timeout = 5000")
            await db.execute("PRAGMA journal_mode = WAL")
            await db.execute("PRAGMA foreign_keys = ON")
            await db.create_function("normalize_question", 1, normalize_question, True)
            await _migrate(db, path)
        except BaseException as exc:
            await db.close()
            if isinstance(exc, sqlite3.Error):
                raise QueryLogError(f"cannot open query log {path}: {exc}") from exc
            raise
        return cls(db, secret)

    async def close(self) -> None:
        db, self._db = self._db, None
        if db is not None:
            await db.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def record(self, rec: QueryRecord) -> int | None:
        """Insert one row and return its id; on any failure log it and return None."""
        try:
            row = await self._conn().execute_insert(INSERT_SQL, insert_params(rec, self._secret))
            return None if row is None else int(row[0])
        except Exception:
            logger.exception("query log: could not record a %r row", rec.command)
            return None

    async def get(self, row_id: int) -> LoggedQuery | None:
        rows = await self._fetch(GET_SQL, (row_id,))
        return _row_to_logged(rows[0]) if rows else None

    async def find_reply(self, chat_id: int, reply_message_id: int) -> LoggedQuery | None:
        """The newest row describing bot message ``reply_message_id`` in that chat."""
        params = (chat_key(chat_id, self._secret), reply_message_id)
        rows = await self._fetch(FIND_REPLY_SQL, params)
        return _row_to_logged(rows[0]) if rows else None

    async def stats(
        self, *, top: int = 10, recent: int = 10, since: datetime | None = None
    ) -> Stats:
        """Figures over rows with ts >= since (naive = UTC; None = all rows)."""
        # "" sorts before every timestamp, so the same SQL serves "no since".
        p: dict[str, Any] = {"since": format_ts(since) if since else "", "top": top}
        (total, questions, answered, users, first, last, upto), *_ = await self._fetch(
            STATS_TOTALS_SQL, p
        )
        p |= {"upto": upto, "recent": recent}
        by_command = await self._fetch(STATS_BY_COMMAND_SQL, p)
        top_rows = await self._fetch(STATS_TOP_SQL, p)
        unanswered = await self._fetch(STATS_UNANSWERED_SQL, p)
        return Stats(
            total=total,
            questions=int(questions),
            answered=int(answered),
            answered_rate=answered / questions if questions else 0.0,
            unique_users=users,
            by_command={c: n for c, n in by_command},
            top_questions=[(q, n) for q, n in top_rows],
            recent_unanswered=[(datetime.fromisoformat(t), q) for t, q in unanswered],
            first_ts=datetime.fromisoformat(first) if first else None,
            last_ts=datetime.fromisoformat(last) if last else None,
        )

    def _conn(self) -> aiosqlite.Connection:
        if self._db is None:
            raise QueryLogError("query log is closed")
        return self._db

    async def _fetch(self, sql: str, params: Sequence[Any] | dict[str, Any]) -> list[Any]:
        try:
            return list(await self._conn().execute_fetchall(sql, params))
        except sqlite3.Error as exc:
            raise QueryLogError(f"query log read failed: {exc}") from exc


async def _checked_version(db: aiosqlite.Connection, path: Path) -> int:
    rows = list(await db.execute_fetchall("PRAGMA user_version"))
    version, known = int(rows[0][0]), len(MIGRATIONS)
    if version > known:
        raise QueryLogError(
            f"query log {path} has schema version {version}, newer than this code"
            f" knows ({known}); upgrade tanyaberita"
        )
    return version


async def _migrate(db: aiosqlite.Connection, path: Path) -> None:
    if await _checked_version(db, path) == len(MIGRATIONS):
        return  # the common case takes no write lock
    # IMMEDIATE takes the write lock, then re-read: another process may have migrated.
    await db.execute("BEGIN IMMEDIATE")
    try:
        for n in range(await _checked_version(db, path), len(MIGRATIONS)):
            for statement in split_statements(MIGRATIONS[n]):
                await db.execute(statement)
            # PRAGMA takes no parameters; n is our own integer.
            await db.execute(f"PRAGMA user_version = {n + 1:d}")
        await db.execute("COMMIT")
    except BaseException:
        await db.execute("ROLLBACK")
        raise
