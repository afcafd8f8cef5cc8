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
pass the real chat id. The file is created 0600 (SQLite gives its -wal and -shm
files the same mode), in folders created 0700.

Keeping what it was given (issue #9):

- ``open`` refuses, with one line naming the file and the fix, a file it cannot
  write (read-only, full disk), a corrupt file and a file that is not ours (a
  foreign schema at any ``user_version``). ``tanyaberita stats --repair`` moves
  such a file aside (``bot.logmaint.move_aside``); nothing here deletes a log.
- Rows that cannot be written (database locked past the busy timeout, disk
  full, I/O error) wait in a bounded in-memory queue and are retried with
  backoff; ``dropped`` counts the rows the bound turned away.
- Every write first checks that the path still names the file that was opened:
  a log deleted or replaced while the bot runs is reported once, loudly, and a
  fresh log is started at the path.
- ``find_reply`` is time-bounded, so ``/sumber`` never stalls behind a lock.
- ``open_readonly`` (``tanyaberita stats``) never writes or migrates.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import functools
import hashlib
import hmac
import logging
import os
import shutil
import sqlite3
from collections import deque
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self
from urllib.parse import quote

import aiosqlite

logger = logging.getLogger(__name__)

ChatType = Literal["private", "group", "supergroup", "channel", "inline"]
# What became of a row's question or command (QueryRecord.outcome).
Outcome = Literal["answered", "declined", "send_failed", "throttled", "too_long", "command"]
OUTCOMES: tuple[str, ...] = (
    "answered",
    "declined",
    "send_failed",
    "throttled",
    "too_long",
    "command",
)
QUESTION_COMMANDS = ("ask", "inline")

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
    # 2: what became of each row (outcome), why a question was declined or a
    # send failed (reason), and the earlier exchange a follow-up leans on.
    # Rows from before: answered stays answered; other questions were declined.
    """
    ALTER TABLE queries ADD COLUMN outcome TEXT;
    ALTER TABLE queries ADD COLUMN reason TEXT;
    ALTER TABLE queries ADD COLUMN context_id INTEGER;
    UPDATE queries SET outcome = CASE
        WHEN answered THEN 'answered'
        WHEN command IN ('ask', 'inline') THEN 'declined'
        ELSE 'command' END;
    """,
)

COLUMNS = (
    "id, ts, chat_id, chat_type, user, command, query, answered, article_id,"
    " paragraph, score, rank, latency_ms, reply_message_id, outcome, reason, context_id"
)
# The columns a row is inserted with (multi-row inserts bind them by position).
INSERT_FIELDS = (
    "ts",
    "chat_id",
    "chat_type",
    "user",
    "command",
    "query",
    "answered",
    "article_id",
    "paragraph",
    "score",
    "rank",
    "latency_ms",
    "reply_message_id",
    "outcome",
    "reason",
    "context_id",
)
INSERT_SQL = (
    f"INSERT INTO queries ({', '.join(INSERT_FIELDS)})"
    f" VALUES ({', '.join(':' + name for name in INSERT_FIELDS)})"
)
GET_SQL = f"SELECT {COLUMNS} FROM queries WHERE id = ?"
# Newest by id, not ts: ids follow insertion order even when a caller passes ts.
FIND_REPLY_SQL = (
    f"SELECT {COLUMNS} FROM queries WHERE chat_id = ? AND reply_message_id = ?"
    " ORDER BY id DESC LIMIT 1"
)
PRUNE_SQL = "DELETE FROM queries WHERE ts < ?"
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
STATS_BY_OUTCOME_SQL = """
SELECT coalesce(outcome, 'unknown') AS o, count(*) AS n FROM queries
WHERE ts >= :since AND id <= :upto GROUP BY o ORDER BY n DESC, o
"""
# Reasons of declined questions, and error classes of failed sends.
STATS_REASONS_SQL = """
SELECT coalesce(reason, 'unknown') AS r, count(*) AS n FROM queries
WHERE outcome = :outcome AND ts >= :since AND id <= :upto
GROUP BY r ORDER BY n DESC, r
"""
STATS_TOP_SQL = """
SELECT normalize_question(query) AS q, count(*) AS n FROM queries
WHERE command IN ('ask', 'inline') AND ts >= :since AND id <= :upto
GROUP BY q HAVING q != '' ORDER BY n DESC, q LIMIT :top
"""
# What to add to the archive next: declined questions, grouped by their text.
STATS_TOP_UNANSWERED_SQL = """
SELECT normalize_question(query) AS q, count(*) AS n,
    group_concat(DISTINCT coalesce(reason, 'unknown')) AS reasons, max(ts) AS last
FROM queries
WHERE outcome = 'declined' AND query != '' AND ts >= :since AND id <= :upto
GROUP BY q HAVING q != '' ORDER BY n DESC, last DESC, q LIMIT :top
"""
STATS_UNANSWERED_SQL = """
SELECT ts, query FROM queries
WHERE command IN ('ask', 'inline') AND NOT answered AND query != ''
    AND ts >= :since AND id <= :upto
ORDER BY ts DESC, id DESC LIMIT :recent
"""
STATS_PER_DAY_SQL = """
SELECT substr(ts, 1, 10) AS day, total(outcome = 'answered'), total(outcome = 'declined'),
    total(coalesce(outcome, '') NOT IN ('answered', 'declined'))
FROM queries
WHERE command IN ('ask', 'inline') AND ts >= :day0 AND id <= :upto
GROUP BY day
"""

BUSY_TIMEOUT = 5.0  # seconds SQLite waits for another process's lock
READ_TIMEOUT = 2.0  # seconds find_reply may take before it gives up
MAX_PENDING = 10_000  # rows kept in memory while the file cannot be written
RETRY_FIRST, RETRY_MAX = 0.2, 10.0  # backoff between retries of queued rows (s)
RETRY_BATCH = 500  # queued rows written per transaction
GROUP_ROWS = 500  # rows per INSERT statement (16 parameters each; SQLite allows 32,766)
# Multi-row INSERT ... RETURNING needs SQLite 3.35 (2021); older libraries (Debian 11
# ships 3.34) take the transaction of ``_insert_rows``.
RETURNING = sqlite3.sqlite_version_info >= (3, 35, 0)
MIN_FREE_BYTES = 1 << 20  # below this much free disk space the log will not start
REPAIR_HINT = (
    "move it aside with `tanyaberita stats --repair` (renamed, never deleted)"
    " or point QUERY_LOG_PATH at another file"
)


class QueryLogError(Exception):
    """The query log cannot be used (unreadable file, schema too new, closed)."""


@dataclass(frozen=True, slots=True)
class QueryRecord:
    """What a handler logs; ``user_id`` is raw and pseudonymised on insert.

    ``outcome`` (one of OUTCOMES) decides ``answered``: a row is answered iff its
    outcome is "answered". Without an outcome, one is derived from ``answered``
    and ``command`` (answered / declined for questions / command).
    """

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
    outcome: str | None = None  # see OUTCOMES
    reason: str | None = None  # decline reason code, or the error class of a failed send
    context_id: int | None = None  # row id of the earlier exchange a follow-up leans on


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
    outcome: str | None = None
    reason: str | None = None
    context_id: int | None = None


@dataclass(frozen=True, slots=True)
class UnansweredGroup:
    """Declined questions with the same normalised text."""

    question: str  # normalised (casefolded, spaces collapsed)
    count: int
    reasons: tuple[str, ...]  # decline reason codes seen, sorted; "unknown" when unset
    last_ts: datetime


@dataclass(frozen=True, slots=True)
class DayCount:
    """Questions asked on one UTC day, by what became of them."""

    day: date
    answered: int
    declined: int
    other: int  # send_failed, throttled, too_long


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
    by_outcome: dict[str, int] = field(default_factory=dict)  # every row, most first
    declined_by_reason: dict[str, int] = field(default_factory=dict)
    send_failed_by_reason: dict[str, int] = field(default_factory=dict)  # error classes
    top_unanswered: list[UnansweredGroup] = field(default_factory=list)
    per_day: list[DayCount] = field(default_factory=list)  # oldest first, no gaps

    @property
    def send_failed(self) -> int:
        return self.by_outcome.get("send_failed", 0)

    @property
    def throttled(self) -> int:
        return self.by_outcome.get("throttled", 0)

    @property
    def too_long(self) -> int:
        return self.by_outcome.get("too_long", 0)


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


def row_outcome(rec: QueryRecord) -> str:
    if rec.outcome is not None:
        return rec.outcome
    if rec.answered:
        return "answered"
    return "declined" if rec.command in QUESTION_COMMANDS else "command"


def insert_params(rec: QueryRecord, secret: bytes) -> dict[str, Any]:
    """Bound parameters for INSERT_SQL; coerces numpy scalars, which sqlite3 rejects."""

    def opt(conv: type[Any], value: Any) -> Any:
        return None if value is None else conv(value)

    def text(value: str) -> str:
        # Lone surrogates cannot be encoded to UTF-8: store "?" rather than lose the row.
        return value.encode("utf-8", "replace").decode("utf-8")

    outcome = row_outcome(rec)
    return {
        "ts": format_ts(rec.ts or datetime.now(UTC)),
        "chat_id": chat_key(int(rec.chat_id), secret),
        "chat_type": rec.chat_type,
        "user": None if rec.user_id is None else pseudonymize(int(rec.user_id), secret),
        "command": rec.command,
        "query": text(rec.query),
        "answered": int(outcome == "answered"),
        "article_id": rec.article_id,
        "paragraph": opt(int, rec.paragraph),
        "score": opt(float, rec.score),
        "rank": opt(int, rec.rank),
        "latency_ms": float(rec.latency_ms),
        "reply_message_id": opt(int, rec.reply_message_id),
        "outcome": text(outcome),
        "reason": None if rec.reason is None else text(rec.reason),
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


def _identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file at ``path``, None when nothing is there."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def describe_error(path: Path, exc: BaseException) -> str:
    """One line naming the file, what is wrong and how to fix it."""
    name = getattr(exc, "sqlite_errorname", "")
    detail = " ".join(str(exc).split())
    code = getattr(exc, "errno", None)
    if name == "SQLITE_READONLY" or code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (
            f"query log {path} is read-only ({detail}); make the file and its folder writable"
            " by the bot's user, or point QUERY_LOG_PATH at a writable file"
        )
    if name == "SQLITE_FULL" or code == errno.ENOSPC:
        return (
            f"query log {path}: the disk is full ({detail}); free some space or point"
            " QUERY_LOG_PATH at another disk"
        )
    if name in ("SQLITE_NOTADB", "SQLITE_CORRUPT"):
        return f"query log {path} is corrupt or not a SQLite database ({detail}); {REPAIR_HINT}"
    if name in ("SQLITE_BUSY", "SQLITE_LOCKED"):
        return (
            f"query log {path} is locked by another process ({detail}); stop the other"
            " process (another `tanyaberita run`?) and start again"
        )
    if name == "SQLITE_CANTOPEN":
        return (
            f"cannot open query log {path} ({detail}); check that its folder exists and"
            " is writable, or set QUERY_LOG_PATH"
        )
    return f"cannot use query log {path}: {detail}"


def make_private_dirs(folder: Path) -> None:
    """Create ``folder`` and missing parents with mode 0700; existing ones are left alone."""
    missing: list[Path] = []
    while not folder.exists():
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    for created in reversed(missing):
        try:
            created.mkdir(mode=0o700)
        except FileExistsError:
            pass  # created by another process meanwhile
        else:
            os.chmod(created, 0o700)  # mkdir's mode is filtered by the umask


def _create_private_file(path: Path) -> None:
    """Create an empty ``path`` with mode 0600 unless something is already there."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def _check_free_space(path: Path) -> None:
    try:
        free = shutil.disk_usage(path.parent).free
    except OSError:
        return  # the open itself will say what is wrong
    if free < MIN_FREE_BYTES:
        raise QueryLogError(
            f"query log {path}: the disk is full ({free // 1024} KiB free); free some space"
            " or point QUERY_LOG_PATH at another disk"
        )


def columns_at(version: int) -> list[str]:
    """The columns of ``queries`` that the first ``version`` MIGRATIONS build."""
    con = sqlite3.connect(":memory:")
    try:
        for script in MIGRATIONS[:version]:
            for statement in split_statements(script):
                con.execute(statement)
        return [row[1] for row in con.execute("PRAGMA table_info(queries)")]
    finally:
        con.close()


def readonly_uri(path: Path) -> str:
    """SQLite's URI for opening ``path`` read-only (never created, never written)."""
    return f"file:{quote(os.path.abspath(path))}?mode=ro"


async def _connect(path: Path, *, busy_timeout: float, readonly: bool) -> aiosqlite.Connection:
    target: str | Path = readonly_uri(path) if readonly else path
    try:
        db = await aiosqlite.connect(target, isolation_level=None, uri=readonly)  # autocommit
    except (OSError, sqlite3.Error) as exc:
        raise QueryLogError(describe_error(path, exc)) from exc
    db.row_factory = sqlite3.Row
    try:
        await db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000):d}")
        await db.create_function("normalize_question", 1, normalize_question, True)
        # Checks that only read come first: a file that is not ours is left untouched.
        if not readonly:
            await _check_integrity(db, path)
        version = await _checked_version(db, path)
        if readonly:
            _check_readable_version(path, version)
        else:
            await _check_not_foreign(db, path, version)
        if version:
            await _check_columns(db, path, version)
        if not readonly:
            await db.execute("PRAGMA journal_mode = WAL")
            await _migrate(db, path)
            await _probe_write(db)
            await _check_columns(db, path, len(MIGRATIONS))
    except BaseException as exc:
        await db.close()
        if isinstance(exc, sqlite3.Error):
            raise QueryLogError(describe_error(path, exc)) from exc
        raise
    return db


class QueryLog:
    """Create with ``await QueryLog.open(...)``; close with ``close()`` or ``async with``."""

    def __init__(
        self,
        db: aiosqlite.Connection,
        path: Path,
        secret: bytes | None,
        *,
        busy_timeout: float = BUSY_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
        max_pending: int = MAX_PENDING,
    ) -> None:
        self._db: aiosqlite.Connection | None = db
        self._path = path
        self._secret = secret
        self._busy_timeout = busy_timeout
        self._read_timeout = read_timeout
        self._identity = _identity(path)
        self._closed = False
        self._closing = False  # close() has begun: no more retries in the background
        self._write_lock = asyncio.Lock()
        self._pending: deque[dict[str, Any]] = deque()
        self._max_pending = max_pending
        self._retry_task: asyncio.Task[None] | None = None
        self._incoming: list[_Incoming] = []  # recorded rows waiting for the next commit
        self._flusher: asyncio.Task[None] | None = None
        self._last_written: asyncio.Future[int | None] | None = None  # newest recorded row
        self._failing = False  # a write failed and queued rows wait
        self.dropped = 0  # rows lost because the queue was full

    @classmethod
    async def open(
        cls,
        path: Path,
        *,
        secret: bytes,
        busy_timeout: float = BUSY_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
        max_pending: int = MAX_PENDING,
    ) -> QueryLog:
        """Open (creating and migrating) the log for writing; QueryLogError if unusable."""
        if not secret:
            raise QueryLogError("query log secret must not be empty")
        db = await cls._open_file(path, busy_timeout)
        return cls(
            db,
            path,
            secret,
            busy_timeout=busy_timeout,
            read_timeout=read_timeout,
            max_pending=max_pending,
        )

    @classmethod
    async def open_readonly(cls, path: Path, *, read_timeout: float = 30.0) -> QueryLog:
        """Open an existing log for reading only: never creates, writes or migrates it."""
        db = await _connect(path, busy_timeout=BUSY_TIMEOUT, readonly=True)
        return cls(db, path, None, read_timeout=read_timeout, max_pending=0)

    @staticmethod
    async def _open_file(path: Path, busy_timeout: float) -> aiosqlite.Connection:
        try:
            make_private_dirs(path.parent)
            _check_free_space(path)
            _create_private_file(path)
        except OSError as exc:
            raise QueryLogError(describe_error(path, exc)) from exc
        return await _connect(path, busy_timeout=busy_timeout, readonly=False)

    @property
    def path(self) -> Path:
        return self._path

    @property
    def pending(self) -> int:
        """Rows waiting in memory for the file to become writable again."""
        return len(self._pending)

    async def close(self) -> None:
        """Write what is still queued (one last try), then close; idempotent."""
        if self._closing:
            return
        self._closing = True
        # Rows already recorded are committed first (the flusher takes the lock itself).
        if self._flusher is not None:
            await asyncio.gather(self._flusher, return_exceptions=True)
        # Take the lock first: a retry that is writing finishes its batch (cancelling
        # it mid-COMMIT could write the batch twice); one that waits or sleeps stops.
        async with self._write_lock:
            task, self._retry_task = self._retry_task, None
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
            if self._pending:
                try:
                    await self._write_pending()
                except (sqlite3.Error, QueryLogError, OSError) as exc:
                    logger.error(
                        "query log %s: %d queued rows could not be written and are lost: %s",
                        self._path,
                        len(self._pending),
                        exc,
                    )
            if self.dropped:
                logger.error(
                    "query log %s: %d rows were dropped while it could not be written",
                    self._path,
                    self.dropped,
                )
            self._closed = True
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
        """Insert one row and return its id, once it is committed.

        Never raises. Rows recorded while an earlier commit is under way are
        written together, in one transaction (group commit: one fsync for many
        rows, in the order they were recorded). When a row cannot be written now
        (locked, disk full, I/O error) it is queued for a retry and None is
        returned; on any other failure the error is logged and None is returned.
        """
        try:
            if self._closed or self._secret is None:
                raise QueryLogError("query log is closed" if self._closed else "read-only log")
            params = insert_params(rec, self._secret)
        except Exception:
            logger.exception("query log: could not record a %r row", rec.command)
            return None
        loop = asyncio.get_running_loop()
        written: asyncio.Future[int | None] = loop.create_future()
        self._incoming.append(_Incoming(params, written, rec.command))
        self._last_written = written
        if self._flusher is None or self._flusher.done():
            self._flusher = loop.create_task(self._flush_incoming())
        # A cancelled caller does not cancel the write: the row is logged regardless.
        return await asyncio.shield(written)

    async def _flush_incoming(self) -> None:
        """Write what ``record`` collected, a transaction per batch, until none is left."""
        while self._incoming:
            async with self._write_lock:
                batch = list(self._incoming)
                self._incoming.clear()
                try:
                    await self._write_batch(batch)
                except Exception:
                    logger.exception("query log: could not record %d rows", len(batch))
                finally:
                    for item in batch:  # nobody waits forever, whatever happened
                        item.resolve(None)

    async def _write_batch(self, batch: list[_Incoming]) -> None:
        """Commit ``batch`` and resolve each row's future with its id (None: queued or lost)."""
        if self._pending:  # keep the order: earlier rows are still waiting
            for item in batch:
                self._enqueue(item.params)
                item.resolve(None)
            return
        try:
            db = await self._writable()
            ids = await _insert_many(db, [item.params for item in batch])
        except Exception as exc:
            retry = isinstance(exc, (sqlite3.OperationalError, QueryLogError, OSError))
            if retry and _transient(exc):
                for item in batch:
                    self._enqueue(item.params)
                    item.resolve(None)
                self._write_failed(exc)
                return
            if len(batch) == 1:
                logger.exception("query log: could not record a %r row", batch[0].command)
                batch[0].resolve(None)
                return
        else:
            for item, row_id in zip(batch, ids, strict=True):
                item.resolve(row_id)
            return
        for item in batch:  # a row the database refuses loses only itself
            await self._write_batch([item])

    async def get(self, row_id: int) -> LoggedQuery | None:
        rows = await self._fetch(GET_SQL, (row_id,))
        return _row_to_logged(rows[0]) if rows else None

    async def find_reply(self, chat_id: int, reply_message_id: int) -> LoggedQuery | None:
        """The newest row describing bot message ``reply_message_id`` in that chat.

        Time-bounded: raises QueryLogError rather than wait behind a lock.
        """
        if self._secret is None:
            raise QueryLogError("find_reply needs the log's secret")
        params = (chat_key(chat_id, self._secret), reply_message_id)
        try:
            rows = await asyncio.wait_for(self._fetch(FIND_REPLY_SQL, params), self._read_timeout)
        except TimeoutError:
            raise QueryLogError(
                f"query log busy: no answer within {self._read_timeout:g} s"
            ) from None
        return _row_to_logged(rows[0]) if rows else None

    async def prune(self, before: datetime) -> int:
        """Delete rows older than ``before`` (naive = UTC); returns how many."""
        async with self._write_lock:
            try:
                db = await self._writable()
                cursor = await db.execute(PRUNE_SQL, (format_ts(before),))
                count = cursor.rowcount
                await cursor.close()
            except sqlite3.Error as exc:
                raise QueryLogError(f"query log prune failed: {exc}") from exc
        return max(count, 0)

    async def stats(
        self, *, top: int = 10, recent: int = 10, since: datetime | None = None, days: int = 30
    ) -> Stats:
        """Figures over rows with ts >= since (naive = UTC; None = all rows).

        ``per_day`` always covers the ``days`` UTC days up to today.
        """
        # "" sorts before every timestamp, so the same SQL serves "no since".
        p: dict[str, Any] = {"since": format_ts(since) if since else "", "top": top}
        (total, questions, answered, users, first, last, upto), *_ = await self._fetch(
            STATS_TOTALS_SQL, p
        )
        p |= {"upto": upto if upto is not None else 0, "recent": recent}
        by_command = await self._fetch(STATS_BY_COMMAND_SQL, p)
        by_outcome = await self._fetch(STATS_BY_OUTCOME_SQL, p)
        declined = await self._fetch(STATS_REASONS_SQL, p | {"outcome": "declined"})
        failed = await self._fetch(STATS_REASONS_SQL, p | {"outcome": "send_failed"})
        top_rows = await self._fetch(STATS_TOP_SQL, p)
        top_unanswered = await self._fetch(STATS_TOP_UNANSWERED_SQL, p)
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
            by_outcome={o: n for o, n in by_outcome},
            declined_by_reason={r: n for r, n in declined},
            send_failed_by_reason={r: n for r, n in failed},
            top_unanswered=[
                UnansweredGroup(q, n, tuple(sorted(set(reasons.split(",")))), _parse_ts(last))
                for q, n, reasons, last in top_unanswered
            ],
            per_day=await self._per_day(days, p["upto"]),
        )

    async def _per_day(self, days: int, upto: int) -> list[DayCount]:
        today = datetime.now(UTC).date()
        day0 = today - timedelta(days=max(days, 1) - 1)
        rows = await self._fetch(STATS_PER_DAY_SQL, {"day0": day0.isoformat(), "upto": upto})
        found = {r[0]: (int(r[1]), int(r[2]), int(r[3])) for r in rows}
        out: list[DayCount] = []
        for i in range((today - day0).days + 1):
            day = day0 + timedelta(days=i)
            out.append(DayCount(day, *found.get(day.isoformat(), (0, 0, 0))))
        return out

    # --- writing through failures ---------------------------------------------

    def _enqueue(self, params: dict[str, Any]) -> None:
        if len(self._pending) >= self._max_pending:
            if self.dropped == 0:
                logger.error(
                    "query log %s: %d rows are waiting to be written; dropping new rows"
                    " until the log is writable again (counted in QueryLog.dropped)",
                    self._path,
                    len(self._pending),
                )
            self.dropped += 1
            return
        self._pending.append(params)
        if self._retry_task is None or self._retry_task.done():
            self._retry_task = asyncio.get_running_loop().create_task(self._retry_pending())

    def _write_failed(self, exc: BaseException) -> None:
        if not self._failing:
            self._failing = True
            logger.warning(
                "query log %s cannot be written (%s); keeping rows in memory (up to %d)"
                " and retrying",
                self._path,
                " ".join(str(exc).split()),
                self._max_pending,
            )

    async def _retry_pending(self) -> None:
        delay = RETRY_FIRST
        while self._pending and not self._closing:
            await asyncio.sleep(delay)
            async with self._write_lock:
                try:
                    written = await self._write_pending()
                except (sqlite3.Error, QueryLogError, OSError) as exc:
                    logger.debug("query log: retry failed: %s", exc)
                    delay = min(delay * 2, RETRY_MAX)
                    continue
            if self._failing:
                self._failing = False
                logger.warning(
                    "query log %s is writable again: wrote %d queued rows (%d dropped)",
                    self._path,
                    written,
                    self.dropped,
                )

    async def _write_pending(self) -> int:
        """Write the queued rows in order, a batch per transaction; returns how many.

        A row the database refuses for good (not a lock, space or I/O problem) would
        block the queue: the batch is then retried row by row and that row dropped.
        """
        written, size = 0, RETRY_BATCH
        while self._pending:
            db = await self._writable()
            batch = [self._pending[i] for i in range(min(size, len(self._pending)))]
            await db.execute("BEGIN IMMEDIATE")
            try:
                await db.executemany(INSERT_SQL, batch)
                await db.execute("COMMIT")
            except sqlite3.Error as exc:
                await _rollback(db)
                if _transient(exc):
                    raise
                if len(batch) > 1:
                    size = 1  # find the refused row
                    continue
                self._pending.popleft()
                self.dropped += 1
                logger.error("query log %s refused a queued row (%s); dropped it", self._path, exc)
                continue
            except BaseException:
                await _rollback(db)
                raise
            for _ in batch:
                self._pending.popleft()
            written += len(batch)
        return written

    async def _writable(self) -> aiosqlite.Connection:
        """The connection, after making sure the path still names our file."""
        if self._closed:
            raise QueryLogError("query log is closed")
        if self._db is not None and _identity(self._path) == self._identity:
            return self._db
        if self._db is not None:
            logger.error(
                "query log %s was deleted or replaced while the bot was running;"
                " starting a fresh log there (rows written before are no longer in it)",
                self._path,
            )
            old, self._db = self._db, None
            await old.close()  # checkpoints into the old file, if anyone still holds it
        self._db = await self._open_file(self._path, self._busy_timeout)
        self._identity = _identity(self._path)
        return self._db

    # --- reading ----------------------------------------------------------------

    async def _fetch(self, sql: str, params: Sequence[Any] | dict[str, Any]) -> list[Any]:
        if self._closed:
            raise QueryLogError("query log is closed")
        last = self._last_written
        if last is not None and not last.done():
            # Reads see every row recorded before them (rows are settled in order; rows
            # recorded later are not waited for, so a busy log never starves a read).
            await asyncio.shield(last)
        if self._db is None:
            raise QueryLogError(f"query log {self._path} is not available")
        try:
            return list(await self._db.execute_fetchall(sql, params))
        except sqlite3.Error as exc:
            raise QueryLogError(f"query log read failed: {exc}") from exc


@dataclass(slots=True)
class _Incoming:
    """A recorded row on its way to the next commit, and who waits for its id."""

    params: dict[str, Any]
    written: asyncio.Future[int | None]
    command: str

    def resolve(self, row_id: int | None) -> None:
        if not self.written.done():
            self.written.set_result(row_id)


async def _insert_many(db: aiosqlite.Connection, rows: list[dict[str, Any]]) -> list[int | None]:
    """Insert ``rows`` atomically; their ids, in order.

    Up to GROUP_ROWS rows are one multi-row ``INSERT ... RETURNING`` statement,
    atomic on its own in autocommit mode: one trip to the database thread per
    group commit instead of five (BEGIN, a max(id) read, the inserts, the ids,
    COMMIT). A larger batch (rows that waited out a lock) takes a transaction.
    """
    if not RETURNING:
        return await _insert_rows(db, rows)
    if len(rows) <= GROUP_ROWS:
        return await _insert_group(db, rows)
    ids: list[int | None] = []
    async with _transaction(db):
        for start in range(0, len(rows), GROUP_ROWS):
            ids += await _insert_group(db, rows[start : start + GROUP_ROWS])
    return ids


async def _insert_rows(db: aiosqlite.Connection, rows: list[dict[str, Any]]) -> list[int | None]:
    """``_insert_many`` for SQLite before 3.35 (no RETURNING; Debian 11 has 3.34):
    the rows in one transaction. Under BEGIN IMMEDIATE no other writer can
    insert, and each new row takes the next id after the largest (``INTEGER
    PRIMARY KEY``), so the ids above the largest before are these rows', in order.
    """
    async with _transaction(db):
        (before,), *_ = await db.execute_fetchall("SELECT max(id) FROM queries")
        await db.executemany(INSERT_SQL, rows)
        new = await db.execute_fetchall(
            "SELECT id FROM queries WHERE id > ? ORDER BY id", (before or 0,)
        )
    ids: list[int | None] = [int(r[0]) for r in new]
    return ids if len(ids) == len(rows) else [None] * len(rows)


async def _insert_group(db: aiosqlite.Connection, rows: list[dict[str, Any]]) -> list[int | None]:
    """One INSERT statement for ``rows``; the ids it returns, in the rows' order.

    RETURNING gives the ids in no set order. Each new row of an ``INTEGER PRIMARY
    KEY`` table takes the next id after the largest, and one statement holds the
    write lock throughout, so the ids are consecutive and ascend in the rows'
    order; anything else (cannot happen with one writer) gives no ids, a nicety.
    """
    params = [row[name] for row in rows for name in INSERT_FIELDS]
    found = sorted(int(r[0]) for r in await db.execute_fetchall(_group_sql(len(rows)), params))
    if len(found) != len(rows) or found[-1] - found[0] != len(rows) - 1:
        return [None] * len(rows)
    return list(found)


@functools.lru_cache(maxsize=64)
def _group_sql(n: int) -> str:
    """``INSERT ... VALUES (?, ...), ... RETURNING id`` for ``n`` rows."""
    marks = "(" + ", ".join("?" * len(INSERT_FIELDS)) + ")"
    return (
        f"INSERT INTO queries ({', '.join(INSERT_FIELDS)}) VALUES"
        f" {', '.join([marks] * n)} RETURNING id"
    )


# Failures that pass: another process's lock, a full disk, I/O trouble, a log
# being re-created. Anything else (a dropped table, a bad value) is logged at once.
_TRANSIENT = {"SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_FULL", "SQLITE_IOERR", "SQLITE_CANTOPEN"}


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.Error):
        # Extended codes keep their primary code's prefix: SQLITE_IOERR_WRITE, ...
        name = str(getattr(exc, "sqlite_errorname", ""))
        return "_".join(name.split("_")[:2]) in _TRANSIENT
    return isinstance(exc, OSError) or (isinstance(exc, QueryLogError) and "closed" not in str(exc))


def _parse_ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def _rollback(db: aiosqlite.Connection) -> None:
    with contextlib.suppress(sqlite3.Error):  # SQLite may have rolled back already
        await db.execute("ROLLBACK")


@contextlib.asynccontextmanager
async def _transaction(db: aiosqlite.Connection) -> AsyncIterator[None]:
    """A write transaction (BEGIN IMMEDIATE): committed when the block ends,
    rolled back when it (or the COMMIT) raises."""
    await db.execute("BEGIN IMMEDIATE")
    try:
        yield
        await db.execute("COMMIT")
    except BaseException:
        await _rollback(db)
        raise


async def _checked_version(db: aiosqlite.Connection, path: Path) -> int:
    rows = list(await db.execute_fetchall("PRAGMA user_version"))
    version, known = int(rows[0][0]), len(MIGRATIONS)
    if version > known:
        raise QueryLogError(
            f"query log {path} has schema version {version}, newer than this code"
            f" knows ({known}); upgrade tanyaberita"
        )
    return version


def _check_readable_version(path: Path, version: int) -> None:
    known = len(MIGRATIONS)
    if version == 0:
        raise QueryLogError(f"{path} is not a TanyaBerita query log (no schema); {REPAIR_HINT}")
    if version < known:
        raise QueryLogError(
            f"query log {path} has schema version {version}, older than this code reads"
            f" ({known}); `tanyaberita run` upgrades it when it starts (stats never changes"
            " the file)"
        )


async def _check_integrity(db: aiosqlite.Connection, path: Path) -> None:
    rows = list(await db.execute_fetchall("PRAGMA quick_check(1)"))
    if [tuple(r) for r in rows] != [("ok",)]:
        problem = " ".join(str(rows[0][0]).split()) if rows else "no answer"
        raise QueryLogError(f"query log {path} is corrupt ({problem}); {REPAIR_HINT}")


async def _check_not_foreign(db: aiosqlite.Connection, path: Path, version: int) -> None:
    """A file without our schema version must hold no tables: we do not adopt others' files."""
    if version > 0:
        return
    rows = list(await db.execute_fetchall("SELECT name FROM sqlite_master WHERE type = 'table'"))
    if rows:
        names = ", ".join(sorted(str(r[0]) for r in rows)[:5])
        raise QueryLogError(
            f"{path} is a SQLite database of something else (tables: {names}), not a"
            f" TanyaBerita query log; {REPAIR_HINT}"
        )


async def _check_columns(db: aiosqlite.Connection, path: Path, version: int) -> None:
    rows = list(await db.execute_fetchall("PRAGMA table_info(queries)"))
    found, expected = [str(r[1]) for r in rows], columns_at(version)
    if found != expected:
        what = "no queries table" if not found else "its queries table has other columns"
        raise QueryLogError(
            f"{path} is not a TanyaBerita query log ({what}, at schema version {version});"
            f" {REPAIR_HINT}"
        )


async def _probe_write(db: aiosqlite.Connection) -> None:
    """Fail now, not on the first question, when the file cannot be written."""
    rows = list(await db.execute_fetchall("PRAGMA user_version"))
    await db.execute("BEGIN IMMEDIATE")
    try:
        await db.execute(f"PRAGMA user_version = {int(rows[0][0]):d}")
    finally:
        await _rollback(db)


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
