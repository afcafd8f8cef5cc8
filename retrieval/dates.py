"""Indonesian dates: formatting for people and parsing of scraped date lines.

Formatting uses Babel's ``id`` locale; parsing uses ``dateparser``. A regex only
locates candidate spans (day, month word, year, optional time and zone) so that
dateparser never guesses a date from a bare weekday or a ``(23/12)`` without a year.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import dateparser
from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time

# Indonesia's three zones; none has observed daylight saving since 1964, so
# fixed offsets are exact and need no tz database.
WIB = timezone(timedelta(hours=7), "WIB")
WITA = timezone(timedelta(hours=8), "WITA")
WIT = timezone(timedelta(hours=9), "WIT")
_ZONES: dict[str, timezone] = {
    "WIB": WIB,
    "WITA": WITA,
    "WIT": WIT,
    "UTC": UTC,
    "GMT": UTC,
}
_ZONE_NAMES: dict[timedelta, str] = {
    timedelta(hours=7): "WIB",
    timedelta(hours=8): "WITA",
    timedelta(hours=9): "WIT",
}

_LOCALE = "id"
_DATEPARSER_SETTINGS = {
    "DATE_ORDER": "DMY",
    "STRICT_PARSING": True,  # day, month and year must all be present
    "RETURN_AS_TIMEZONE_AWARE": False,
}

# "17 Dec 2021", "30 Desember 2022 17:54 WIB", "16 April 2023, pukul 09.30 WITA".
# The month is any word; dateparser decides whether it is a month name.
_CANDIDATE = re.compile(
    r"\b(?P<date>\d{1,2}\s+[A-Za-z]{3,10}\.?\s+\d{4})\b"
    r"(?:\s*,?\s*(?:pukul\s+)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})\b"
    r"(?:\s*(?P<zone>WITA|WIB|WIT|UTC|GMT)\b)?)?",
    re.IGNORECASE,
)


def _zone_label(dt: datetime) -> str:
    offset = dt.utcoffset()
    if offset is None:
        raise ValueError("format_date(with_time=True) needs a timezone-aware datetime")
    if offset in _ZONE_NAMES:
        return _ZONE_NAMES[offset]
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def format_date(dt: datetime, *, with_time: bool = False) -> str:
    """``17 Desember 2021`` or, with the time, ``17 Desember 2021, 02.05 WIB``.

    The date and time are shown in ``dt``'s own zone, not converted.
    """
    day = babel_format_date(dt.date(), "d MMMM y", locale=_LOCALE)
    if not with_time:
        return day
    clock = babel_format_time(dt.time(), "HH.mm", locale=_LOCALE)
    return f"{day}, {clock} {_zone_label(dt)}"


def format_weekday_date(dt: datetime) -> str:
    """``Jumat, 17 Desember 2021``."""
    return babel_format_date(dt.date(), "EEEE, d MMMM y", locale=_LOCALE)


def parse_date(text: str) -> tuple[datetime, bool] | None:
    """The first full date (with year) in ``text`` and whether it has a time.

    The result is timezone-aware: the printed zone (WIB/WITA/WIT/UTC/GMT), or
    WIB when none is printed, since the corpus is Indonesian news.
    """
    for match in _CANDIDATE.finditer(text):
        has_time = match["hour"] is not None
        span = f"{match['date']} {match['hour']}:{match['minute']}" if has_time else match["date"]
        parsed = _dateparse(span)
        if parsed is None and has_time:  # e.g. "25.99" was not a time after all
            has_time, parsed = False, _dateparse(match["date"])
        if parsed is None:
            continue
        zone = _ZONES[match["zone"].upper()] if has_time and match["zone"] else WIB
        if not has_time:
            parsed = parsed.replace(hour=0, minute=0)
        return parsed.replace(second=0, microsecond=0, tzinfo=zone), has_time
    return None


def _dateparse(span: str) -> datetime | None:
    result: datetime | None = dateparser.parse(
        span, languages=["id", "en"], settings=_DATEPARSER_SETTINGS
    )
    return result
