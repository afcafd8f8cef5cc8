"""Query-log maintenance: daily retention pruning and moving a broken log aside.

``prune_job`` is a PTB JobQueue callback (registered daily in ``post_init``
when ``QUERY_LOG_RETENTION_DAYS`` is set). ``diagnose`` and ``move_aside`` back
``tanyaberita stats --repair``: a corrupt or foreign file is renamed to
``<name>.corrupt-<UTC timestamp>`` (with its -wal and -shm), never deleted.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot.querylog import MIGRATIONS, QueryLog, QueryLogError, columns_at, readonly_uri

if TYPE_CHECKING:
    from telegram.ext import ContextTypes

logger = logging.getLogger(__name__)

SIDECARS = ("-wal", "-shm")  # SQLite's files beside the database


async def prune_older_than(log: QueryLog, days: int, *, now: datetime | None = None) -> int:
    """Delete rows older than ``days`` days; logs and returns how many (0 on failure)."""
    before = (now or datetime.now(UTC)) - timedelta(days=days)
    try:
        count = await log.prune(before)
    except QueryLogError as exc:
        logger.warning("query log: pruning rows older than %d days failed: %s", days, exc)
        return 0
    if count:
        logger.info(
            "query log: pruned %d rows older than %s (QUERY_LOG_RETENTION_DAYS=%d)",
            count,
            before.date().isoformat(),
            days,
        )
    return count


async def prune_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """JobQueue callback: apply QUERY_LOG_RETENTION_DAYS (nothing when unset). Never raises."""
    from bot.services import services

    try:
        svc = services(context)
    except Exception:  # the bot is shutting down: services are gone
        logger.debug("query log prune skipped: no services", exc_info=True)
        return
    days = svc.settings.query_log_retention_days
    if days is not None:
        await prune_older_than(svc.querylog, days)


# --- stats --repair ---------------------------------------------------------------


def diagnose(path: Path) -> str | None:
    """What makes ``path`` unusable as our log (corrupt, not SQLite, someone else's
    schema), or None when it is a healthy log of any schema version we know or a
    newer one. Reads only. QueryLogError when the file cannot be read at all."""
    if not path.is_file():
        raise QueryLogError(f"no query log at {path}")
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        raise QueryLogError(f"cannot read query log {path}: {exc.strerror or exc}") from None
    try:
        con = sqlite3.connect(readonly_uri(path), uri=True)
    except sqlite3.Error as exc:
        return " ".join(str(exc).split())
    try:
        check = con.execute("PRAGMA quick_check(1)").fetchall()
        if check != [("ok",)]:
            return f"integrity check: {check[0][0] if check else 'no answer'}"
        version = int(con.execute("PRAGMA user_version").fetchone()[0])
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        if version == 0:
            return f"a database of something else (tables: {', '.join(tables)})" if tables else None
        if version > len(MIGRATIONS):
            return None  # a newer tanyaberita's log: not broken
        columns = [row[1] for row in con.execute("PRAGMA table_info(queries)")]
        if columns != columns_at(version):
            return f"schema version {version} but not our queries table"
        return None
    except sqlite3.Error as exc:
        return " ".join(str(exc).split())
    finally:
        con.close()


@dataclass(frozen=True, slots=True)
class Moved:
    source: Path
    target: Path


def move_aside(path: Path, *, now: datetime | None = None) -> list[Moved]:
    """Rename ``path`` (and its -wal/-shm) to ``<name>.corrupt-<timestamp>``; never overwrites."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    base = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while any(Path(f"{base}{s}").exists() for s in ("", *SIDECARS)):
        n += 1
        base = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    moved: list[Moved] = []
    for suffix in ("", *SIDECARS):
        source = Path(f"{path}{suffix}")
        if source.exists():
            target = Path(f"{base}{suffix}")
            os.rename(source, target)
            moved.append(Moved(source, target))
    return moved
