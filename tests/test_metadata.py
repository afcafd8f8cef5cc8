from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval.cleaning import CleanedText, clean_article
from retrieval.dates import WIB
from retrieval.metadata import (
    ArticleMeta,
    format_entry,
    load_metadata,
    merge_metadata,
    parse_metadata,
    stated_metadata,
    wires_cited,
)
from retrieval.models import Added, AddedVia, CorpusError

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


# --- author, added, and writing entries ----------------------------------------

ADDED_ENTRY = """
[articles."005_y"]
title = "Judul"
author = "Budi Santoso"
provenance = { title = "stated", author = "stated" }

[articles."005_y".added]  # the sub-table form works as well as the inline one
via = "feed"
ref = "https://contoh.id/a/1"
at = 2026-12-02T04:40:00+07:00
by = "admin-1"
feed = "https://contoh.id/rss"
"""


def test_author_and_added() -> None:
    meta = _parse(ADDED_ENTRY)["005_y"]
    assert meta.author == "Budi Santoso"
    assert meta.provenance["author"] == "stated"
    assert meta.added == Added(
        via="feed",
        ref="https://contoh.id/a/1",
        at=datetime(2026, 12, 2, 4, 40, tzinfo=WIB),
        by="admin-1",
        feed="https://contoh.id/rss",
    )


@pytest.mark.parametrize(
    ("added", "field", "words"),
    [
        ('{ via = "email", ref = "x", at = 2026-12-02T04:40:00+07:00 }', "via", "expected one of"),
        ('{ via = "url", at = 2026-12-02T04:40:00+07:00 }', "ref", "missing"),
        ('{ via = "url", ref = "x", at = 2026-12-02T04:40:00 }', "at", "with an offset"),
        ('{ via = "url", ref = "x", at = "kemarin" }', "at", "with an offset"),
        ('{ via = "url", ref = "x", at = 2026-12-02T04:40:00Z, who = "a" }', "who", "unknown"),
        ('{ via = "url", ref = "x", at = 2026-12-02T04:40:00Z, feed = "f" }', "feed", "only for"),
        ('"yesterday"', None, "expected a table"),
    ],
)
def test_added_errors_name_file_article_and_field(
    added: str, field: str | None, words: str
) -> None:
    message = _error(f'[articles."004_x"]\nadded = {added}')
    where = 'articles."004_x".added' + (f".{field}" if field else "")
    assert where in message
    assert words in message


def test_author_needs_a_provenance() -> None:
    message = _error('[articles."004_x"]\nauthor = "Budi"')
    assert 'articles."004_x".provenance.author: missing (say where the author came from)' in message


def test_format_entry_round_trips_the_seed_metadata(seed_meta: dict[str, ArticleMeta]) -> None:
    text = "\n".join(format_entry(article_id, meta) for article_id, meta in seed_meta.items())
    assert parse_metadata(text, source=SOURCE, article_ids=list(seed_meta)) == seed_meta


def test_format_entry_writes_the_archive_fields() -> None:
    meta = _parse(ADDED_ENTRY)["005_y"]
    text = format_entry("005_y", meta)
    assert text.startswith('[articles."005_y"]\n')
    assert "at = 2026-12-02T04:40:00+07:00" in text  # a TOML date-time, not a string
    assert _parse(text)["005_y"] == meta


_TEXT = st.text(
    alphabet=st.characters(exclude_categories=["Cs", "Cc"]), min_size=1, max_size=40
).filter(lambda t: t.strip() == t and t.strip())
_WHEN = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(WIB)
)


ADDED_VIAS: tuple[AddedVia, ...] = ("file", "url", "feed")


@st.composite
def _metas(draw: st.DrawFn) -> ArticleMeta:
    fields: dict[str, Any] = {}
    for name in ("outlet", "title", "author", "note"):
        if draw(st.booleans()):
            fields[name] = draw(_TEXT)
    if draw(st.booleans()):
        fields["url"] = "https://contoh.id/" + draw(st.text("abc/-_", max_size=10))
    if draw(st.booleans()):
        fields["wires"] = tuple(draw(st.lists(_TEXT, max_size=3)))
    if draw(st.booleans()):
        fields["has_time"] = draw(st.booleans())
        when = draw(_WHEN).replace(second=0, microsecond=0)
        fields["published"] = when if fields["has_time"] else when.replace(hour=0, minute=0)
    if draw(st.booleans()):
        via = draw(st.sampled_from(ADDED_VIAS))
        fields["added"] = Added(
            via=via,
            ref=draw(_TEXT),
            at=draw(_WHEN),
            by=draw(st.none() | _TEXT),
            feed=draw(st.none() | _TEXT) if via == "feed" else None,
        )
    present = [n for n in ("outlet", "title", "published", "url", "wires", "author") if n in fields]
    origins = st.sampled_from(["stated", "looked-up", "inferred"])
    fields["provenance"] = MappingProxyType({n: draw(origins) for n in present})
    return ArticleMeta(**fields)


@settings(max_examples=150, deadline=None)
@given(_metas(), _TEXT)
def test_parse_of_format_is_identity(meta: ArticleMeta, article_id: str) -> None:
    text = format_entry(article_id, meta)
    assert parse_metadata(text, source=SOURCE, article_ids=[article_id]) == {article_id: meta}


def test_stated_metadata_author_and_update_date() -> None:
    cleaned = _cleaned(author="Budi", date=(datetime(2024, 5, 14, tzinfo=WIB), False))
    meta = stated_metadata(replace(cleaned, date_is_update=True))
    assert meta.author == "Budi"
    assert meta.provenance["author"] == "stated"
    assert meta.provenance["published"] == "inferred"
    assert meta.note is not None and "update" in meta.note


def test_stated_metadata_with_a_url_hint() -> None:
    meta = stated_metadata(_cleaned(), url="https://jateng.tribunnews.com/2024/05/14/judul")
    assert meta.outlet == "Tribun Jateng"
    assert meta.provenance["outlet"] == "inferred"
    assert meta.published == datetime(2024, 5, 14, tzinfo=WIB)
    assert meta.provenance["published"] == "inferred"
    assert meta.url == "https://jateng.tribunnews.com/2024/05/14/judul"
    # The host names the outlet even when the dateline credits a wire it quotes.
    quoted = stated_metadata(_cleaned(dateline_outlet="Antara"), url="https://kompas.com/a")
    assert quoted.outlet == "Kompas"
    # A printed date wins over the URL's day; an unknown host leaves the dateline's outlet.
    dated = _cleaned(dateline_outlet="Tempo", date=(datetime(2024, 5, 13, 9, 0, tzinfo=WIB), True))
    kept = stated_metadata(dated, url="https://contoh.org/2024/05/14/x")
    assert (kept.outlet, kept.published) == ("Tempo", datetime(2024, 5, 13, 9, 0, tzinfo=WIB))


def test_merge_keeps_the_entry_author_and_added() -> None:
    entry = _parse(ADDED_ENTRY)["005_y"]
    merged = merge_metadata(entry, stated_metadata(_cleaned(author="Orang Lain")))
    assert merged.author == "Budi Santoso"
    assert merged.added == entry.added


def test_a_photo_credit_does_not_name_the_outlet_when_the_url_can() -> None:
    text = (
        "Truk Hantam Mobil Polisi di Tol Merak\n\n"
        "Foto: Mobil patroli ditabrak truk di tol. (VIVA)\n\n"
        "Lancang Kuning – Dua anggota polisi dan empat warga menjadi korban tabrakan beruntun.\n\n"
        "Seluruh korban langsung dievakuasi ke rumah sakit untuk mendapatkan perawatan medis."
    )
    cleaned = clean_article(text)
    assert cleaned.dateline_outlet == "VIVA" and cleaned.outlet_from_credit
    assert stated_metadata(cleaned).outlet == "VIVA"  # text only: the credit is all there is
    url = "https://lancangkuning.com/post/27299/truk-hantam-mobil-polisi"
    assert stated_metadata(cleaned, url).outlet == "Lancangkuning.com"
