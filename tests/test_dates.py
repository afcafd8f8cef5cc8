from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import dateparser
import pytest

from retrieval.dates import WIB, WIT, WITA, find_date, format_date, parse_date


def test_format_date_is_indonesian() -> None:
    assert format_date(datetime(2021, 12, 17, 2, 5, tzinfo=WIB)) == "17 Desember 2021"
    assert format_date(datetime(2023, 5, 1, tzinfo=WIB)) == "1 Mei 2023"


@pytest.mark.parametrize(
    ("tz", "expected"),
    [
        (WIB, "17 Desember 2021, 02.05 WIB"),
        (WITA, "17 Desember 2021, 02.05 WITA"),
        (WIT, "17 Desember 2021, 02.05 WIT"),
        (UTC, "17 Desember 2021, 02.05 UTC+00:00"),
        (timezone(timedelta(hours=5, minutes=30)), "17 Desember 2021, 02.05 UTC+05:30"),
        (timezone(-timedelta(hours=3, minutes=30)), "17 Desember 2021, 02.05 UTC-03:30"),
    ],
)
def test_format_date_with_time_names_the_zone(tz: timezone, expected: str) -> None:
    assert format_date(datetime(2021, 12, 17, 2, 5, tzinfo=tz), with_time=True) == expected


def test_format_date_shows_the_datetimes_own_zone() -> None:
    # 19:05 UTC on the 16th is 02:05 WIB on the 17th; no conversion happens.
    dt = datetime(2021, 12, 16, 19, 5, tzinfo=UTC).astimezone(WIB)
    assert format_date(dt, with_time=True) == "17 Desember 2021, 02.05 WIB"


def test_format_date_with_time_needs_a_zone() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        format_date(datetime(2021, 12, 17, 2, 5), with_time=True)


@pytest.mark.parametrize(
    ("text", "expected", "has_time"),
    [
        ("30 Desember 2022 17:54 WIB", datetime(2022, 12, 30, 17, 54, tzinfo=WIB), True),
        ("Jumat 17 Dec 2021 02:05 WIB", datetime(2021, 12, 17, 2, 5, tzinfo=WIB), True),
        ("Minggu, 16 April 2023", datetime(2023, 4, 16, tzinfo=WIB), False),
        ("pada 9 Nov 2023 pukul 10.30 WITA", datetime(2023, 11, 9, 10, 30, tzinfo=WITA), True),
        ("12 Agustus 2020 08:00 WIT", datetime(2020, 8, 12, 8, 0, tzinfo=WIT), True),
        ("3 Juni 2020 10:00 GMT", datetime(2020, 6, 3, 10, 0, tzinfo=UTC), True),
        ("5 Mei 2020 00:00", datetime(2020, 5, 5, tzinfo=WIB), True),
    ],
)
def test_parse_date(text: str, expected: datetime, has_time: bool) -> None:
    result = parse_date(text)
    assert result is not None
    parsed, parsed_has_time = result
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()
    assert parsed_has_time is has_time


def test_parse_date_without_zone_is_wib() -> None:
    result = parse_date("30 Desember 2022 17:54")
    assert result is not None
    assert result[0].utcoffset() == timedelta(hours=7)


@pytest.mark.parametrize(
    "text",
    [
        "Kamis (23/12)",  # no year
        "kata Putin, Kamis (23/12), dikutip laman TASS.",
        "17 orang 2021",  # not a month
        "31 Februari 2020",  # no such day
        "Kemitraan Tanpa Batas",
        "",
    ],
)
def test_parse_date_rejects(text: str) -> None:
    assert parse_date(text) is None


def test_parse_date_takes_the_first_real_date() -> None:
    result = parse_date("sejak 17 orang 2021, lalu 5 Mei 2020 dan 6 Mei 2021")
    assert result == (datetime(2020, 5, 5, tzinfo=WIB), False)


def test_parse_date_ignores_an_impossible_time() -> None:
    assert parse_date("1 Jan 2020 25:99 WIB") == (datetime(2020, 1, 1, tzinfo=WIB), False)


def test_parse_then_format_round_trip() -> None:
    result = parse_date("Jumat 17 Dec 2021 02:05 WIB")
    assert result is not None
    assert format_date(result[0], with_time=result[1]) == "17 Desember 2021, 02.05 WIB"


@pytest.mark.parametrize(
    ("text", "expected", "has_time"),
    [
        ("Senin, 14 Mei 2024 19:07 WIB", datetime(2024, 5, 14, 19, 7, tzinfo=WIB), True),
        ("14/05/2024, 19:07 WIB", datetime(2024, 5, 14, 19, 7, tzinfo=WIB), True),
        ("14 Mei 2024 | 19.07 WIB", datetime(2024, 5, 14, 19, 7, tzinfo=WIB), True),
        ("Selasa 14 Mei 2024, 07:00 WIB", datetime(2024, 5, 14, 7, 0, tzinfo=WIB), True),
        ("Kompas.com - 14/05/2024, 19:07 WIB", datetime(2024, 5, 14, 19, 7, tzinfo=WIB), True),
        (
            "Tayang: Selasa, 10 Juni 2025 08:52 WITA",
            datetime(2025, 6, 10, 8, 52, tzinfo=WITA),
            True,
        ),
        (
            ", Jurnalis-Kamis, 19 Juni 2025 |03:33 WIB",
            datetime(2025, 6, 19, 3, 33, tzinfo=WIB),
            True,
        ),
        ("Senin, 9 Jun 2025 - 18:28 WIB_x0000_", datetime(2025, 6, 9, 18, 28, tzinfo=WIB), True),
        ("2024-05-14T19:07:00+07:00", datetime(2024, 5, 14, 19, 7, tzinfo=WIB), True),
        ("2024-05-14T12:07:00Z", datetime(2024, 5, 14, 12, 7, tzinfo=UTC), True),
        ("2024-05-14", datetime(2024, 5, 14, tzinfo=WIB), False),
        ("May 14, 2024", datetime(2024, 5, 14, tzinfo=WIB), False),
        ("14 August 2024 10:00 WIT", datetime(2024, 8, 14, 10, 0, tzinfo=WIT), True),
        ("3 Agu 2024", datetime(2024, 8, 3, tzinfo=WIB), False),
        ("3 Okt 2024", datetime(2024, 10, 3, tzinfo=WIB), False),
        ("3 Des 2024", datetime(2024, 12, 3, tzinfo=WIB), False),
        ("9 Sept. 2021", datetime(2021, 9, 9, tzinfo=WIB), False),
    ],
)
def test_parse_date_shapes(text: str, expected: datetime, has_time: bool) -> None:
    result = parse_date(text)
    assert result is not None
    assert result == (expected, has_time)
    assert result[0].utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    "text",
    ["2 jam yang lalu", "Kemarin, 19:07 WIB", "14/05, 19:07 WIB", "32/13/2024", "2024-02-30"],
)
def test_no_date_is_better_than_a_wrong_one(text: str) -> None:
    assert parse_date(text) is None


def test_update_times_are_marked() -> None:
    found = find_date("Diperbarui 18 Jun 2025, 14:05 WIB")
    assert found is not None
    assert found.updated
    published = find_date("Tayang: Selasa, 10 Juni 2025 08:52 WITA")
    assert published is not None
    assert not published.updated


def test_common_shapes_never_reach_dateparser(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path (regex + month table) handles the usual shapes on its own."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("dateparser was called")

    monkeypatch.setattr(dateparser, "parse", refuse)
    for text in ["Senin, 14 Mei 2024 19:07 WIB", "14/05/2024", "17 Dec 2021", "May 14, 2024"]:
        assert parse_date(text) is not None
    assert parse_date("17 orang 2021") is None  # not a month: rejected without dateparser
