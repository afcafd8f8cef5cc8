"""Indonesian dates: formatting for people and parsing of scraped date lines.

Formatting uses Babel's ``id`` locale. Parsing is plain regexes plus a month
table (day-month-year words, English month-day-year, ``dd/mm/yyyy`` and ISO),
each with an optional time and zone; only a month spelling the table lacks goes
to ``dateparser``. A date needs a year, so a bare weekday or a ``(23/12)`` is
never guessed into one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo

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

# Month words, Indonesian and English, full and abbreviated -> month number.
MONTHS: dict[str, int] = {
    **dict.fromkeys(("januari", "january", "jan"), 1),
    **dict.fromkeys(("februari", "pebruari", "february", "feb", "peb"), 2),
    **dict.fromkeys(("maret", "march", "mar"), 3),
    **dict.fromkeys(("april", "apr"), 4),
    **dict.fromkeys(("mei", "may"), 5),
    **dict.fromkeys(("juni", "june", "jun"), 6),
    **dict.fromkeys(("juli", "july", "jul"), 7),
    **dict.fromkeys(("agustus", "august", "agu", "agt", "ags", "agst", "aug"), 8),
    **dict.fromkeys(("september", "sep", "sept", "sept"), 9),
    **dict.fromkeys(("oktober", "october", "okt", "oct"), 10),
    **dict.fromkeys(("november", "nov", "nop", "nopember"), 11),
    **dict.fromkeys(("desember", "december", "des", "dec"), 12),
}
_MONTH_PREFIXES = frozenset(m[:3] for m in MONTHS)
_EARLIEST_YEAR, _LATEST_YEAR = 1900, 2100

# A time after a date: "19:07 WIB", "| 19.07 WIB", ", pukul 09.30 WITA", "- 18:28".
_TIME = (
    r"(?:[\s,|/–—-]*(?:pukul|pkl\.?|jam)?\s*(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?![\d])"
    r"(?::\d{2})?\s*(?P<zone>WITA|WIB|WIT|UTC|GMT|Z|[+-]\d{2}:?\d{2})?(?![A-Za-z]))?"
)
# "14 Mei 2024", "17 Dec 2021", "9 Jun. 2025"; the month word is checked afterwards.
_DAY_MONTH_YEAR = re.compile(
    r"(?<![\d])(?P<day>\d{1,2})\s*(?P<month>[A-Za-z]{3,10})\.?,?\s*(?P<year>\d{4})(?![\d])" + _TIME,
    re.IGNORECASE,
)
# "May 14, 2024" (English order).
_MONTH_DAY_YEAR = re.compile(
    r"\b(?P<month>[A-Za-z]{3,10})\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})(?![\d])" + _TIME,
    re.IGNORECASE,
)
# "14/05/2024", "14-05-2024", "14.05.2024" (day first, as in Indonesia).
_NUMERIC = re.compile(
    r"(?<![\d/.-])(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})[/.-](?P<year>\d{4})(?![\d])" + _TIME
)
# ISO 8601: "2024-05-14", "2024-05-14T19:07:00+07:00".
_ISO = re.compile(
    r"(?<![\d])(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::\d{2}(?:\.\d+)?)?"
    r"\s*(?P<zone>Z|[+-]\d{2}:?\d{2}|WIB|WITA|WIT)?)?(?![\d])"
)
_PATTERNS = (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _NUMERIC, _ISO)
# Words that make a printed date a last-update time rather than the publication.
_UPDATE_CUE = re.compile(r"(?i)\b(diperbarui|diperbaharui|pembaruan|updated?|update terakhir)\b")


@dataclass(frozen=True, slots=True)
class FoundDate:
    value: datetime  # timezone-aware
    has_time: bool
    updated: bool = False  # printed as a last-update time ("Diperbarui ...")


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


def parse_date(text: str) -> tuple[datetime, bool] | None:
    """The first full date (with year) in ``text`` and whether it has a time.

    The result is timezone-aware: the printed zone (WIB/WITA/WIT/UTC/GMT or an
    offset), or WIB when none is printed, since the corpus is Indonesian news.
    Dates without a year, relative dates ("2 jam yang lalu") and impossible
    dates give ``None``: no date is better than a wrong one.
    """
    found = find_date(text)
    return (found.value, found.has_time) if found is not None else None


def find_date(text: str) -> FoundDate | None:
    """Like :func:`parse_date`, and says whether the date is a last-update time."""
    matches = [m for pattern in _PATTERNS for m in pattern.finditer(text)]
    matches.sort(key=lambda m: m.start())
    for match in matches:
        parsed = _from_match(match)
        if parsed is not None:
            value, has_time = parsed
            updated = _UPDATE_CUE.search(text, 0, match.start()) is not None
            return FoundDate(value, has_time, updated)
    return None


def _from_match(match: re.Match[str]) -> tuple[datetime, bool] | None:
    year, day = int(match["year"]), int(match["day"])
    word = match["month"]
    if word.isdigit():
        month: int | None = int(word)
    else:
        month = MONTHS.get(word.lower())
        if month is None:
            return _slow_path(match) if word[:3].lower() in _MONTH_PREFIXES else None
    if not _EARLIEST_YEAR <= year <= _LATEST_YEAR or month is None:
        return None
    try:
        day_start = datetime(year, month, day)
    except ValueError:  # 31 Februari
        return None
    hour, minute = match["hour"], match["minute"]
    if hour is None or int(hour) > 23 or int(minute) > 59:
        return day_start.replace(tzinfo=WIB), False
    zone = _zone(match["zone"])
    return day_start.replace(hour=int(hour), minute=int(minute), tzinfo=zone), True


def _zone(label: str | None) -> tzinfo:
    if label is None:
        return WIB
    if label.upper() in _ZONES:
        return _ZONES[label.upper()]
    if label.upper() == "Z":
        return UTC
    sign = -1 if label[0] == "-" else 1
    digits = label[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _slow_path(match: re.Match[str]) -> tuple[datetime, bool] | None:
    """dateparser for a month spelling the table lacks (costly: ~4 ms a call)."""
    parsed = _dateparse(f"{match['day']} {match['month']} {match['year']}")
    if parsed is None or not _EARLIEST_YEAR <= parsed.year <= _LATEST_YEAR:
        return None
    return parsed.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=WIB), False


def _dateparse(span: str) -> datetime | None:
    import dateparser  # imported on first use: it is slow to load and rarely needed

    result: datetime | None = dateparser.parse(
        span, languages=["id", "en"], settings=_DATEPARSER_SETTINGS
    )
    return result
