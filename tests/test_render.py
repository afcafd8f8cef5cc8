"""bot.render: every output must be HTML Telegram accepts, within its limits."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import listings, render, texts
from bot.querylog import Stats
from retrieval.dates import WIB
from retrieval.models import Answer, Article, Source
from tests.bot_fixtures import bold_texts, elsewhere, make_hit, parse_html
from tests.botapi_standin import render_message_text, utf16_len

HOSTILE = "<script>alert('x')</script> & \"kutip\" 'tunggal' &amp; </b> <a href=x>"


def article(n: int, **overrides: object) -> Article:
    """An invented article; source fields (outlet, title, ...) may be overridden."""
    source: dict[str, object] = {
        "outlet": "Tempo",
        "title": f"Judul {n}",
        "published": datetime(2023, 4, n % 28 + 1, tzinfo=WIB),
        "has_time": False,
        "url": f"https://dunia.tempo.co/read/{n}",
        "wires": (),
    }
    source.update({k: v for k, v in overrides.items() if k in source})
    return Article(
        id=f"{n:03d}_x",
        path=Path(f"seeds/{n:03d}_x.txt"),
        source=Source(**source),  # type: ignore[arg-type]
        provenance={},
        paragraphs=("x",),
    )


# --- answers -------------------------------------------------------------------


def test_answer_bolds_exactly_the_highlight_and_cites_the_source() -> None:
    hit = make_hit()
    text, entities = parse_html(render.render_answer(hit))
    assert bold_texts(text, entities)[0] == "Kalimat kedua yang penting."
    assert "Kalimat pertama. Kalimat kedua yang penting. Kalimat ketiga." in text
    assert "Republika, 17 Desember 2021" in text
    links = [e for e in entities if e["type"] == "text_link"]
    assert [e["url"] for e in links] == [hit.source.url]


def test_bold_is_placed_by_position_even_when_escaping_changes_lengths() -> None:
    # The highlight comes after characters that grow when escaped, and its own text
    # also occurs (unescaped) earlier on: string replacement would bold the wrong span.
    body = 'A & B <c> "d". Kedua & terakhir <x>. A & B <c> "d".'
    hit = make_hit(text=body, highlight="Kedua & terakhir <x>.")
    text, entities = parse_html(render.render_answer(hit))
    assert bold_texts(text, entities)[0] == "Kedua & terakhir <x>."
    assert text.startswith(body)


def test_hostile_text_everywhere_is_escaped() -> None:
    hit = make_hit(
        text=f"{HOSTILE}. Kalimat aman.",
        highlight="Kalimat aman.",
        outlet=HOSTILE,
        title=HOSTILE,
        url='https://example.com/a?b=1&c=<2>"',
        also_reported_by=(elsewhere(outlet=HOSTILE),),
        wires=(HOSTILE,),
    )
    for markup in (
        render.render_answer(hit, question=HOSTILE),
        render.render_citation(hit),
        listings.render_related(HOSTILE, [(article(1, title=HOSTILE, outlet=HOSTILE), 1.0)]),
        listings.render_sources([article(1, title=HOSTILE, outlet=HOSTILE)]),
        listings.render_latest([article(1, title=HOSTILE, outlet=HOSTILE)]),
    ):
        text, entities = parse_html(markup)
        assert "<script>alert('x')</script>" in text
        assert all(e["type"] in ("bold", "italic", "text_link") for e in entities)


def test_highlight_missing_from_text_renders_without_bold() -> None:
    hit = make_hit(highlight="tidak ada di teks")
    text, entities = parse_html(render.render_answer(hit))
    assert bold_texts(text, entities) == ["Republika, 17 Desember 2021"]  # the source only


def test_long_paragraph_is_trimmed_at_sentences_and_keeps_the_highlight() -> None:
    filler = [f"Kalimat pengisi nomor {i} yang cukup panjang untuk ruang." for i in range(220)]
    key = "Nilai perdagangan naik 31 persen menjadi 123 miliar dolar AS."
    body = " ".join([*filler[:120], key, *filler[120:]])
    assert len(body) > 10_000
    text, entities = parse_html(render.render_answer(make_hit(text=body, highlight=key)))
    excerpt = text.split("\n\n")[0]
    assert excerpt.startswith("… Kalimat pengisi") and excerpt.endswith("ruang. …")
    assert bold_texts(text, entities)[0] == key
    # Trimmed between sentences: every full sentence shown is one of the paragraph's.
    inner = excerpt.removeprefix("… ").removesuffix(" …")
    assert inner in body
    assert len(text) > 3000  # it used the room it had


def test_single_sentence_longer_than_a_message_is_cut_with_an_ellipsis() -> None:
    words = " ".join(f"kata{i}" for i in range(3000))  # ~20,000 characters, no full stop
    text, entities = parse_html(render.render_answer(make_hit(text=words, highlight=words)))
    assert text.split("\n\n")[0].endswith("…")
    assert bold_texts(text, entities)[0].startswith("kata0 kata1")


@pytest.mark.parametrize("char", ["😀", "𝕏", "é", "中"])
def test_length_is_counted_in_utf16_units(char: str) -> None:
    sentence = f"Kata {char * 30}."
    body = " ".join([sentence] * 300)
    markup = render.render_answer(make_hit(text=body, highlight=sentence))
    text, _ = render_message_text(markup, "HTML")  # raises on "message is too long"
    assert utf16_len(text) > 3500  # filled the message, so the limit was what bound it


@settings(max_examples=60, deadline=None)
@given(
    body=st.text(min_size=1, max_size=6000),
    start=st.integers(min_value=0, max_value=6000),
    size=st.integers(min_value=0, max_value=400),
    question=st.text(max_size=5000),
)
def test_any_paragraph_renders_valid_html_within_the_limit(
    body: str, start: int, size: int, question: str
) -> None:
    start = min(start, len(body))
    highlight = body[start : start + size]
    hit = make_hit(text=body, highlight=highlight, title=question[:500] or None)
    for header in ("", render.more_header(1, 5)):
        markup = render.render_answer(hit, header=header, question=question or None)
        if body.strip():
            render_message_text(markup, "HTML")  # Telegram's full check, limit included
        parse_html(markup)


def test_also_reported_by_is_one_short_line() -> None:
    hit = make_hit(also_reported_by=(elsewhere(day=23),))
    text, _ = parse_html(render.render_answer(hit))
    assert "Juga diberitakan: Republika, 23 Desember 2021" in text.splitlines()


def test_unknown_metadata_never_shows_none() -> None:
    hit = make_hit(outlet=None, title=None, published=None, url=None, wires=())
    for markup in (render.render_answer(hit), render.render_citation(hit)):
        text, entities = parse_html(markup)
        assert "None" not in text
        assert not [e for e in entities if e["type"] == "text_link"]
    assert render.answer_keyboard(hit, next_rank=None) is None


def test_question_echo_is_clipped_and_stripped_of_controls() -> None:
    question = "\u202eabc\x00\x1b[31m " + "x" * 5000
    text, _ = parse_html(render.render_answer(make_hit(), question=question))
    first = text.splitlines()[0]
    assert "\u202e" not in first and "\x00" not in first and "\x1b" not in first
    assert len(first) <= render.ECHO_MAX + 3


# --- buttons ---------------------------------------------------------------------


def test_callback_data_fits_64_bytes_and_round_trips() -> None:
    for rank in (1, 2, render.MAX_RANK):
        data = render.more_callback_data(rank)
        assert len(data.encode()) <= render.MAX_CALLBACK_DATA
        assert render.parse_more_callback(data) == rank


@pytest.mark.parametrize(
    "data",
    [None, "", "more:", "more:0", "more:-1", "more:100", "more:1x", "more:١", "less:1", "x" * 64],
)
def test_foreign_or_forged_callback_data_is_rejected(data: str | None) -> None:
    assert render.parse_more_callback(data) is None


def test_keyboard_has_more_and_read_buttons() -> None:
    hit = make_hit()
    markup = render.answer_keyboard(hit, next_rank=3)
    assert markup is not None
    (row,) = markup.inline_keyboard
    assert [b.text for b in row] == ["Hasil lain", "Baca artikel"]
    assert row[0].callback_data == "more:3"
    assert row[1].url == hit.source.url
    bad = replace(hit, source=replace(hit.source, url="javascript:alert(1)"))
    no_url = render.answer_keyboard(bad, next_rank=1)
    assert no_url is not None and [b.text for b in no_url.inline_keyboard[0]] == ["Hasil lain"]


# --- /sumber, /latest, /help, /stats ---------------------------------------------------


def test_citation_lists_every_field_with_time_when_known() -> None:
    hit = make_hit(also_reported_by=(elsewhere(),))
    text, entities = parse_html(render.render_citation(hit))
    for expected in (
        "Media: Republika",
        "Judul: China-Rusia Kompak Tolak Intervensi Barat",
        "Terbit: 17 Desember 2021, 02.05 WIB",
        "Paragraf: ke-8",
        "Kantor berita yang dikutip: Xinhua, Reuters",
        "Republika, 23 Desember 2021, paragraf ke-6",
    ):
        assert expected in text
    assert any(e.get("url") == hit.source.url for e in entities)
    day_only = replace(hit, source=replace(hit.source, has_time=False))
    assert "Terbit: 17 Desember 2021\n" in parse_html(render.render_citation(day_only))[0]


def test_sources_are_grouped_per_outlet_newest_first() -> None:
    arts = [
        article(1, outlet="Tempo", published=datetime(2023, 1, 1, tzinfo=WIB)),
        article(2, outlet="Republika", published=datetime(2021, 12, 17, tzinfo=WIB)),
        article(3, outlet="Tempo", published=datetime(2023, 4, 17, tzinfo=WIB)),
        article(4, outlet=None, published=None),
    ]
    text, _ = parse_html(listings.render_sources(arts))
    lines = text.splitlines()
    assert lines[0] == "Sumber arsip: 4 artikel dari 3 media"
    assert lines.index("Republika") < lines.index("Tempo") < lines.index("Media tidak diketahui")
    tempo = lines.index("Tempo")
    assert lines[tempo + 1].startswith("• 17 April 2023")
    assert lines[tempo + 2].startswith("• 1 Januari 2023")


def test_huge_lists_are_cut_to_fit_with_a_note() -> None:
    arts = [article(i, title="Judul panjang " * 20) for i in range(400)]
    for markup in (listings.render_sources(arts), listings.render_latest(arts)):
        text, _ = parse_html(markup)
        assert text.rstrip().endswith("baris lagi")


@pytest.mark.parametrize(
    ("args", "expected"),
    [([], 5), (["3"], 3), (["100"], 100), (["0"], None), (["101"], None), (["abc"], None),
     (["-1"], None), (["3", "4"], None), (["²"], None)],
)  # fmt: skip
def test_latest_count(args: list[str], expected: int | None) -> None:
    assert listings.parse_latest_count(args) == expected


def test_latest_lists_date_outlet_title_and_link() -> None:
    text, entities = parse_html(listings.render_latest([article(16), article(2)]))
    assert text.splitlines()[1] == "1. 17 April 2023 · Tempo — Judul 16"
    assert [e["url"] for e in entities if e["type"] == "text_link"] == [
        "https://dunia.tempo.co/read/16",
        "https://dunia.tempo.co/read/2",
    ]


@pytest.mark.parametrize("group", [False, True])
def test_help_is_valid_and_mentions_the_commands(group: bool) -> None:
    examples = ["Apa isi berita “<Judul> & co”?"]
    text, _ = parse_html(render.render_help("TanyaBeritaBot", group=group, examples=examples))
    for command in ("/tanya", "/latest", "/sumber", "/help"):
        assert command in text
    assert examples[0] in text
    assert ("@TanyaBeritaBot dalam pesan" in text) is group
    bare, _ = parse_html(render.render_help(None, group=group, examples=[]))
    assert "Contoh pertanyaan" not in bare


def test_decline_names_the_closest_articles_and_missing_words() -> None:
    hits = (
        make_hit(article_id="a1", title="Judul <satu>", url="https://example.org/1"),
        make_hit(article_id="a1", paragraph=3, title="Judul <satu>"),
        make_hit(article_id="a2", title="Judul dua", outlet="Tempo", url=None),
    )
    found = Answer("Siapa presiden Prancis?", False, hits, reason="no-match", missing=("Prancis",))
    text, entities = parse_html(render.render_decline(found))
    lines = text.splitlines()
    assert lines[0] == texts.DECLINE_HEAD
    assert "“Prancis”" in lines[1]
    nearest = [line for line in lines if line.startswith("• ")]
    assert nearest == [
        "• Judul <satu> (Republika, 17 Desember 2021)",
        "• Judul dua (Tempo, 17 Desember 2021)",
    ]
    assert [e["url"] for e in entities if e["type"] == "text_link"] == ["https://example.org/1"]
    bare, _ = parse_html(render.render_decline(Answer("?", False, ())))
    assert "Artikel terdekat" not in bare


def test_fixed_texts_and_usages_are_valid_html() -> None:
    for markup in (
        render.render_decline(Answer("x", False, ())),
        texts.USAGE_LATEST,
        render.usage_tanya("Apa <itu>?"),
        render.usage_mention("TanyaBeritaBot", "Apa & siapa?"),
        render.cut_note(chars=512),
        render.cut_note(terms=64),
        texts.SLOW_DOWN,
        texts.SUMBER_NOT_THE_BOTS,
        texts.SUMBER_NOT_AN_ANSWER,
        texts.NOT_ADMIN,
        texts.ERROR_MESSAGE,
        texts.UNKNOWN_COMMAND,
    ):
        parse_html(markup)
    assert len(texts.STALE_BUTTON) <= 200 and len(texts.NO_MORE_RESULTS) <= 200


def test_stats_render_escapes_questions() -> None:
    stats = Stats(
        total=3,
        questions=2,
        answered=1,
        answered_rate=0.5,
        unique_users=2,
        by_command={"ask": 2, "help": 1},
        top_questions=[("<b>siapa</b> & apa", 2)],
        recent_unanswered=[(datetime(2024, 5, 1, tzinfo=UTC), "<i>tidak</i>")],
        first_ts=datetime(2024, 5, 1, tzinfo=UTC),
        last_ts=datetime(2024, 5, 2, tzinfo=UTC),
    )
    text, _ = parse_html(listings.render_stats(stats))
    assert "Terjawab: 1 dari 2 (50%)" in text
    assert "1. <b>siapa</b> & apa (2×)" in text
    assert "• 1 Mei 2024: <i>tidak</i>" in text
