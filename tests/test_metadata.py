from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from retrieval.cleaning import CleanedText, clean_article
from retrieval.dates import WIB
from retrieval.metadata import (
    ArticleMeta,
    load_metadata,
    merge_metadata,
    parse_metadata,
    stated_metadata,
    wires_cited,
)
from retrieval.models import CorpusError

SOURCE = "seeds/metadata.toml"
IDS = ["004_x", "005_y"]

GOOD_ENTRY = """
[articles."004_x"]
outlet = "kumparan"
title = "Judul"
published = "2022-12-30T17:54:00+07:00"
url = "https://kumparan.com/x"
wires = ["AFP"]
note = "anything"

[articles."004_x".provenance]  # the sub-table form works as well as the inline one
outlet = "looked-up"
title = "stated"
published = "stated"
url = "looked-up"
wires = "stated"
"""


def _parse(text: str) -> dict[str, ArticleMeta]:
    return parse_metadata(text, source=SOURCE, article_ids=IDS)


def _error(text: str) -> str:
    with pytest.raises(CorpusError) as info:
        _parse(text)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{SOURCE}: ")
    return message


@pytest.fixture(scope="module")
def seed_ids(seeds_dir: Path) -> list[str]:
    return [p.stem for p in seeds_dir.glob("*.txt")]


@pytest.fixture(scope="module")
def seed_meta(seeds_dir: Path, seed_ids: list[str]) -> dict[str, ArticleMeta]:
    return load_metadata(seeds_dir / "metadata.toml", seed_ids)


# --- the project's metadata.toml ----------------------------------------------


def test_every_seed_has_an_entry(seed_meta: dict[str, ArticleMeta], seed_ids: list[str]) -> None:
    assert sorted(seed_meta) == sorted(seed_ids)


@pytest.mark.parametrize(
    ("article_id", "outlet", "published", "has_time", "published_from"),
    [
        (
            "000_8799c207de8e574e",
            "Republika",
            datetime(2021, 12, 23, 14, 4, tzinfo=WIB),
            True,
            "looked-up",
        ),
        ("001_2093672d2c33194d", "VOI", datetime(2023, 11, 9, tzinfo=WIB), False, "inferred"),
        ("002_9a3f10300953471e", "Tempo", datetime(2023, 4, 17, tzinfo=WIB), False, "inferred"),
        (
            "003_8b1db099ec59a2e9",
            "Republika",
            datetime(2021, 12, 17, 2, 5, tzinfo=WIB),
            True,
            "stated",
        ),
        (
            "004_3f1231850dda2433",
            "kumparan",
            datetime(2022, 12, 30, 17, 54, tzinfo=WIB),
            True,
            "stated",
        ),
    ],
)
def test_seed_facts(
    seed_meta: dict[str, ArticleMeta],
    article_id: str,
    outlet: str,
    published: datetime,
    has_time: bool,
    published_from: str,
) -> None:
    meta = seed_meta[article_id]
    assert meta.outlet == outlet
    assert meta.published == published
    assert meta.has_time is has_time
    assert meta.provenance["published"] == published_from
    assert meta.title


def test_seed_urls_and_wires(seed_meta: dict[str, ArticleMeta]) -> None:
    assert seed_meta["004_3f1231850dda2433"].url is None  # not known
    assert "url" not in seed_meta["004_3f1231850dda2433"].provenance
    assert seed_meta["003_8b1db099ec59a2e9"].url == (
        "https://www.republika.co.id/berita/r47avt459/chinarusia-kompak-tolak-intervensi-barat"
    )
    assert seed_meta["003_8b1db099ec59a2e9"].wires == ("Xinhua", "Reuters")
    assert seed_meta["004_3f1231850dda2433"].wires == ("AFP", "Reuters", "TASS")
    assert seed_meta["002_9a3f10300953471e"].wires == ("Al Jazeera",)


# --- validation -------------------------------------------------------------


def test_good_entry() -> None:
    meta = _parse(GOOD_ENTRY)["004_x"]
    assert meta.outlet == "kumparan"
    assert meta.published == datetime(2022, 12, 30, 17, 54, tzinfo=WIB)
    assert meta.has_time is True
    assert meta.wires == ("AFP",)
    assert meta.note == "anything"
    assert dict(meta.provenance) == {
        "outlet": "looked-up",
        "title": "stated",
        "published": "stated",
        "url": "looked-up",
        "wires": "stated",
    }


def test_plain_date_is_midnight_wib_without_time() -> None:
    meta = _parse(
        '[articles."004_x"]\npublished = "2023-11-09"\nprovenance = { published = "inferred" }'
    )
    assert meta["004_x"].published == datetime(2023, 11, 9, tzinfo=WIB)
    assert meta["004_x"].has_time is False


def test_native_toml_dates_are_accepted() -> None:
    meta = _parse(
        '[articles."004_x"]\npublished = 2021-12-17T02:05:00+07:00\n'
        'provenance = { published = "stated" }\n'
        '[articles."005_y"]\npublished = 2023-04-17\nprovenance = { published = "inferred" }'
    )
    assert meta["004_x"].published == datetime(2021, 12, 17, 2, 5, tzinfo=WIB)
    assert meta["004_x"].has_time is True
    assert meta["005_y"].has_time is False


def test_empty_file_has_no_entries() -> None:
    assert _parse("# nothing yet\n") == {}


def test_unparseable_date() -> None:
    message = _error(
        '[articles."004_x"]\npublished = "kemarin"\nprovenance = { published = "stated" }'
    )
    assert (
        message == "seeds/metadata.toml: articles.\"004_x\".published: cannot parse date 'kemarin'"
    )


def test_date_without_offset() -> None:
    message = _error(
        '[articles."004_x"]\npublished = "2022-12-30T17:54:00"\n'
        'provenance = { published = "stated" }'
    )
    assert 'articles."004_x".published:' in message
    assert "offset" in message


def test_unknown_field() -> None:
    message = _error('[articles."004_x"]\nwriter = "Budi"')
    assert 'articles."004_x".writer: unknown field' in message


def test_unknown_provenance_value() -> None:
    message = _error('[articles."004_x"]\ntitle = "Judul"\nprovenance = { title = "guessed" }')
    assert "articles.\"004_x\".provenance.title: unknown provenance 'guessed'" in message


def test_provenance_is_required_for_every_given_field() -> None:
    message = _error('[articles."004_x"]\ntitle = "Judul"')
    assert 'articles."004_x".provenance.title: missing' in message


def test_provenance_for_an_absent_field() -> None:
    message = _error('[articles."004_x"]\nprovenance = { url = "looked-up" }')
    assert 'articles."004_x".provenance.url' in message


@pytest.mark.parametrize(
    "url", ["ftp://example.com/x", "www.tempo.co/read/1", "https://", "javascript:alert(1)"]
)
def test_url_must_be_http(url: str) -> None:
    message = _error(f'[articles."004_x"]\nurl = "{url}"\nprovenance = {{ url = "looked-up" }}')
    assert 'articles."004_x".url: not an http(s) URL' in message


def test_wires_must_be_a_list_of_names() -> None:
    message = _error('[articles."004_x"]\nwires = "AFP"\nprovenance = { wires = "stated" }')
    assert 'articles."004_x".wires' in message


def test_entry_without_article_file() -> None:
    message = _error('[articles."009_missing"]\ntitle = "Judul"\nprovenance = { title = "stated" }')
    assert 'articles."009_missing"' in message
    assert "009_missing.txt" in message


def test_invalid_toml_names_the_line() -> None:
    message = _error('[articles."004_x"]\ntitle = "Judul"\noutlet = \n')
    assert "invalid TOML" in message
    assert "line 3" in message


def test_unknown_top_level_key() -> None:
    assert "artikel" in _error('[artikel."004_x"]\ntitle = "x"')


def test_load_metadata_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "seeds" / "metadata.toml"
    path.parent.mkdir()
    path.write_text(
        '[articles."004_x"]\npublished = "kemarin"\nprovenance = { published = "stated" }'
    )
    with pytest.raises(CorpusError, match=r"^seeds/metadata\.toml: articles\.\"004_x\"\.published"):
        load_metadata(path, IDS)


# --- what the text states ---------------------------------------------------


def test_wires_cited_needs_an_attribution() -> None:
    paragraphs = [
        "Kerja sama militer antara Rusia dan China meningkat.",  # "antara" is not Antara
        "Pabrik itu memproduksi vaksin Covid-19 Rusia, Sputnik dan Sputnik Light.",
        '"Kami bertujuan," terang Putin, demikian dikutip dari AFP, Jumat (30/12).',
        "kata Putin, dikutip laman kantor berita Rusia, TASS.",
        "Hal itu dilaporkan Xinhua News Agency dan dilansir dari Reuters.",
        "Menurut AFP, pertemuan berlangsung delapan menit.",
    ]
    assert wires_cited(paragraphs) == ("AFP", "TASS", "Xinhua", "Reuters")


def test_wires_cited_matches_whole_names_only() -> None:
    assert wires_cited(["dikutip dari APBN dan laman Reutersnya."]) == ()
    assert wires_cited(["dikutip dari AP."]) == ("AP",)


_BARE = CleanedText(
    title=None,
    paragraphs=("Isi berita.",),
    dateline_outlet=None,
    dateline_place=None,
    date=None,
    wires_credited=(),
    dropped=(),
)


def _cleaned(**overrides: Any) -> CleanedText:
    return replace(_BARE, **overrides)


def test_stated_metadata_from_seed_004(seeds_dir: Path) -> None:
    cleaned = clean_article((seeds_dir / "004_3f1231850dda2433.txt").read_text(encoding="utf-8"))
    meta = stated_metadata(cleaned)
    assert meta.title == "Putin Ajak Xi Jinping Perkuat Kerja Sama Militer, Puji Usaha Lawan Barat"
    assert meta.published == datetime(2022, 12, 30, 17, 54, tzinfo=WIB)
    assert meta.has_time is True
    assert meta.outlet is None
    assert meta.url is None
    assert meta.wires == ("AFP", "Reuters", "TASS")
    assert dict(meta.provenance) == {"title": "stated", "published": "stated", "wires": "stated"}


def test_stated_outlet_provenance() -> None:
    assert stated_metadata(_cleaned(dateline_outlet="Tempo")).provenance["outlet"] == "stated"
    # A title-cased unknown domain is only a guess at the outlet's name.
    assert (
        stated_metadata(_cleaned(dateline_outlet="Beritabaru")).provenance["outlet"] == "inferred"
    )


def test_credits_come_before_mentions() -> None:
    cleaned = _cleaned(
        paragraphs=("Hal itu dikutip dari AFP.",), wires_credited=("Al Jazeera", "AFP")
    )
    assert stated_metadata(cleaned).wires == ("Al Jazeera", "AFP")


def test_merge_prefers_the_file_and_fills_gaps_from_the_text() -> None:
    stated = stated_metadata(
        _cleaned(
            title="Judul di teks",
            dateline_outlet="Tempo",
            date=(datetime(2023, 4, 17, 9, 0, tzinfo=WIB), True),
        )
    )
    entry = _parse(
        '[articles."004_x"]\ntitle = "Judul resmi"\npublished = "2023-04-16"\n'
        'provenance = { title = "looked-up", published = "inferred" }'
    )["004_x"]
    merged = merge_metadata(entry, stated)
    assert merged.title == "Judul resmi"
    assert merged.published == datetime(2023, 4, 16, tzinfo=WIB)
    assert merged.has_time is False  # the file's date-only value wins, time and all
    assert merged.outlet == "Tempo"
    assert dict(merged.provenance) == {
        "outlet": "stated",
        "title": "looked-up",
        "published": "inferred",
    }


def test_merge_without_entry_is_what_the_text_states() -> None:
    stated = stated_metadata(_cleaned(title="Judul"))
    assert merge_metadata(None, stated) == stated
