"""``tanyaberita stats``: the query log's figures as plain text or JSON, no Telegram."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.querylog import QueryLog, Stats

# Questions are user input: a terminal must not execute their escape sequences.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Reading never pseudonymises anything, but QueryLog.open insists on a secret.
_READ_ONLY_SECRET = b"stats-read-only"


async def read_stats(
    path: Path, *, top: int, recent: int, since: datetime | None, secret: bytes | None
) -> Stats:
    log = await QueryLog.open(path, secret=secret or _READ_ONLY_SECRET)
    async with log:
        return await log.stats(top=top, recent=recent, since=since)


def _iso(ts: datetime | None) -> str | None:
    return ts.isoformat() if ts is not None else None


def stats_to_dict(stats: Stats) -> dict[str, Any]:
    return {
        "total": stats.total,
        "questions": stats.questions,
        "answered": stats.answered,
        "answered_rate": round(stats.answered_rate, 4),
        "unique_users": stats.unique_users,
        "by_command": stats.by_command,
        "top_questions": [{"question": q, "count": n} for q, n in stats.top_questions],
        "recent_unanswered": [{"ts": _iso(ts), "question": q} for ts, q in stats.recent_unanswered],
        "first_ts": _iso(stats.first_ts),
        "last_ts": _iso(stats.last_ts),
    }


def printable(text: str) -> str:
    """``text`` with control and bidi characters shown as escapes."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode(), text)


def format_stats(stats: Stats, path: Path) -> str:
    lines = [
        f"Query log: {path}",
        f"Rows: {stats.total} (questions: {stats.questions})",
        f"Answered: {stats.answered} of {stats.questions} ({stats.answered_rate:.0%})",
        f"Unique users: {stats.unique_users}",
    ]
    if stats.first_ts and stats.last_ts:
        lines.append(f"Period: {_iso(stats.first_ts)} to {_iso(stats.last_ts)}")
    if stats.by_command:
        lines.append("By command: " + ", ".join(f"{c} {n}" for c, n in stats.by_command.items()))
    lines += ["", "Most frequent questions:"]
    lines += [f"  {n:>4}  {printable(q)}" for q, n in stats.top_questions] or ["  (none yet)"]
    lines += ["", "Most recent unanswered questions:"]
    lines += [f"  {_iso(ts)}  {printable(q)}" for ts, q in stats.recent_unanswered] or ["  (none)"]
    return "\n".join(lines)
