"""``tanyaberita stats``: the query log's figures as plain text or JSON, no Telegram.

The log is opened read-only (``mode=ro``): stats never creates, migrates or
writes it, so it is safe beside a running bot. JSON keys are only ever added.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.querylog import QueryLog, Stats

# Questions are user input: a terminal must not execute their escape sequences.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


async def read_stats(
    path: Path,
    *,
    top: int,
    recent: int,
    since: datetime | None,
    secret: bytes | None = None,  # unused: reading needs no pseudonyms (kept for callers)
    days: int = 30,
) -> Stats:
    log = await QueryLog.open_readonly(path)
    async with log:
        return await log.stats(top=top, recent=recent, since=since, days=days)


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
        # Added with the outcome columns (schema version 2).
        "by_outcome": stats.by_outcome,
        "send_failed": stats.send_failed,
        "throttled": stats.throttled,
        "too_long": stats.too_long,
        "declined_by_reason": stats.declined_by_reason,
        "send_failed_by_reason": stats.send_failed_by_reason,
        "top_unanswered": [
            {"question": g.question, "count": g.count, "reasons": list(g.reasons)}
            | {"last_ts": _iso(g.last_ts)}
            for g in stats.top_unanswered
        ],
        "per_day": [
            {"day": d.day.isoformat(), "answered": d.answered, "declined": d.declined}
            | {"other": d.other}
            for d in stats.per_day
        ],
    }


def printable(text: str) -> str:
    """``text`` with control and bidi characters shown as escapes."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode(), text)


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{printable(k)} {n}" for k, n in counts.items())


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
    if stats.by_outcome:
        lines.append("By outcome: " + _counts(stats.by_outcome))
    lines.append(
        f"Send failures: {stats.send_failed}"
        + (f" ({_counts(stats.send_failed_by_reason)})" if stats.send_failed_by_reason else "")
        + f"; throttled: {stats.throttled}; too long: {stats.too_long}"
    )
    if stats.declined_by_reason:
        lines.append("Declined, by reason: " + _counts(stats.declined_by_reason))
    lines += ["", "Most frequent questions:"]
    lines += [f"  {n:>4}  {printable(q)}" for q, n in stats.top_questions] or ["  (none yet)"]
    lines += ["", "Top unanswered questions (declined; what to add to the archive next):"]
    lines += [
        f"  {g.count:>4}  {printable(g.question)}  [{printable(', '.join(g.reasons))}]"
        for g in stats.top_unanswered
    ] or ["  (none)"]
    lines += ["", "Most recent unanswered questions:"]
    lines += [f"  {_iso(ts)}  {printable(q)}" for ts, q in stats.recent_unanswered] or ["  (none)"]
    return "\n".join(lines)
