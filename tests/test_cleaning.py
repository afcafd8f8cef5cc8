from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from retrieval.cleaning import (
    CleanedText,
    clean_article,
    is_caption,
    is_crosshead,
    is_date_line,
    is_widget,
    outlet_name,
    parse_dateline,
    wire_credit,
)
from retrieval.dates import WIB

SEED_COUNTS = {
    "000_8799c207de8e574e": 7,
    "001_2093672d2c33194d": 13,
    "002_9a3f10300953471e": 15,
    "003_8b1db099ec59a2e9": 9,
    "004_3f1231850dda2433": 21,
}

# Page furniture that must never survive into a paragraph, case-insensitively.
FURNITURE = [
    "foto:",
    "advertisement",
    "baca juga",
    "berita lainnya",
    "sumber :",
    "rep:",
    "red:",
    "tempo.co",
    "republika.co.id",
    "jakarta -",
    "al jazeera",
    "pilihan editor",
    "bagikan",
    "waktu baca",
    "sosmed-whatsapp",
    "copy-link-circle",
    "more-vertical",
    "zoom-in-white",
    "(tass/sergei bobylev via kremlin)",
    "dalam file foto",  # 003's caption, printed twice
    "vladimir putin dan xi jinping. foto",  # 004's caption, printed twice
    "menggelar pertemuan virtual dengan presiden china xi jinping di kediaman",  # 004 caption
    "mengadakan pertemuan trilateral",  # 004 caption
]
# Whole lines that must never be a paragraph on their own.
NOT_PARAGRAPHS = [
    "1",
    "·",
    "comment",
    "Kemitraan Tanpa Batas",
    "China dan Rusia setuju membela kepentingan keamanan satu sama lain dan menolak Barat",
    "Jumat 17 Dec 2021 02:05 WIB",
    "30 Desember 2022 17:54 WIB",
]


def _clean(seeds_dir: Path, article_id: str) -> CleanedText:
    return clean_article((seeds_dir / f"{article_id}.txt").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def cleaned(seeds_dir: Path) -> dict[str, CleanedText]:
    return {article_id: _clean(seeds_dir, article_id) for article_id in SEED_COUNTS}


# --- the seeds --------------------------------------------------------------


def test_every_seed_is_covered(seeds_dir: Path) -> None:
    assert sorted(p.stem for p in seeds_dir.glob("*.txt")) == sorted(SEED_COUNTS)


@pytest.mark.parametrize(("article_id", "count"), SEED_COUNTS.items())
def test_paragraph_count(cleaned: dict[str, CleanedText], article_id: str, count: int) -> None:
    assert len(cleaned[article_id].paragraphs) == count


@pytest.mark.parametrize("article_id", SEED_COUNTS)
def test_no_furniture_survives(cleaned: dict[str, CleanedText], article_id: str) -> None:
    for paragraph in cleaned[article_id].paragraphs:
        lowered = paragraph.casefold()
        for piece in FURNITURE:
            assert piece not in lowered, (piece, paragraph)
        assert paragraph not in NOT_PARAGRAPHS
        assert paragraph != cleaned[article_id].title


@pytest.mark.parametrize("article_id", SEED_COUNTS)
def test_paragraphs_are_verbatim_lines(
    seeds_dir: Path, cleaned: dict[str, CleanedText], article_id: str
) -> None:
    """Nothing but surrounding whitespace and the dateline is ever removed."""
    lines = (seeds_dir / f"{article_id}.txt").read_text(encoding="utf-8").splitlines()
    paragraphs = cleaned[article_id].paragraphs
    assert len(set(paragraphs)) == len(paragraphs)
    for paragraph in paragraphs:
        assert paragraph == paragraph.strip()
        assert any(line.strip().endswith(paragraph) for line in lines), paragraph
    # Every non-blank line is either a paragraph or recorded as dropped.
    assert len(paragraphs) + len(cleaned[article_id].dropped) == sum(1 for x in lines if x.strip())


@pytest.mark.parametrize(
    ("article_id", "start"),
    [
        ("000_8799c207de8e574e", "Presiden Rusia Vladimir Putin mengatakan"),
        ("001_2093672d2c33194d", "Presiden Vladimir Putin pada Hari Rabu memuji"),
        ("002_9a3f10300953471e", "Presiden Rusia Vladimir Putin telah bertemu"),
        ("003_8b1db099ec59a2e9", "Presiden Rusia Vladimir Putin dan Presiden China Xi Jinping"),
        ("004_3f1231850dda2433", "Presiden Rusia, Vladimir Putin, mengungkapkan"),
    ],
)
def test_first_paragraph_starts_after_the_dateline(
    cleaned: dict[str, CleanedText], article_id: str, start: str
) -> None:
    assert cleaned[article_id].paragraphs[0].startswith(start)


def test_last_paragraphs(cleaned: dict[str, CleanedText]) -> None:
    assert cleaned["002_9a3f10300953471e"].paragraphs[-1].startswith("Li telah berada")
    assert cleaned["003_8b1db099ec59a2e9"].paragraphs[-1].startswith("Ia mengatakan China")
    assert cleaned["004_3f1231850dda2433"].paragraphs[-1].startswith('"Saya dengan sepenuh')


@pytest.mark.parametrize(
    ("article_id", "title"),
    [
        ("000_8799c207de8e574e", None),
        (
            "001_2093672d2c33194d",
            "Puji Kerja Sama Teknologi Tinggi, Presiden Putin: "
            "Rusia dan China Tidak Membangun Aliansi Militer",
        ),
        ("002_9a3f10300953471e", None),
        ("003_8b1db099ec59a2e9", "China-Rusia Kompak Tolak Intervensi Barat"),
        (
            "004_3f1231850dda2433",
            "Putin Ajak Xi Jinping Perkuat Kerja Sama Militer, Puji Usaha Lawan Barat",
        ),
    ],
)
def test_titles(cleaned: dict[str, CleanedText], article_id: str, title: str | None) -> None:
    assert cleaned[article_id].title == title


@pytest.mark.parametrize(
    ("article_id", "outlet", "place"),
    [
        ("000_8799c207de8e574e", "Republika", "MOSKOW"),
        ("001_2093672d2c33194d", None, "JAKARTA"),
        ("002_9a3f10300953471e", "Tempo", "Jakarta"),
        ("003_8b1db099ec59a2e9", "Republika", "MOSKOW"),
        ("004_3f1231850dda2433", None, None),
    ],
)
def test_datelines(
    cleaned: dict[str, CleanedText], article_id: str, outlet: str | None, place: str | None
) -> None:
    assert cleaned[article_id].dateline_outlet == outlet
    assert cleaned[article_id].dateline_place == place


def test_dates_come_from_date_lines_only(cleaned: dict[str, CleanedText]) -> None:
    assert cleaned["003_8b1db099ec59a2e9"].date == (datetime(2021, 12, 17, 2, 5, tzinfo=WIB), True)
    assert cleaned["004_3f1231850dda2433"].date == (
        datetime(2022, 12, 30, 17, 54, tzinfo=WIB),
        True,
    )
    assert cleaned["000_8799c207de8e574e"].date is None  # only "Kamis (23/12)"
    # 002 mentions "Minggu, 16 April 2023" inside a paragraph: the meeting, not publication.
    assert cleaned["002_9a3f10300953471e"].date is None


def test_wire_credits(cleaned: dict[str, CleanedText]) -> None:
    assert cleaned["002_9a3f10300953471e"].wires_credited == ("Al Jazeera",)
    assert cleaned["003_8b1db099ec59a2e9"].wires_credited == ("Reuters",)
    assert cleaned["000_8799c207de8e574e"].wires_credited == ()


def test_003_caption_printed_twice_goes_entirely(cleaned: dict[str, CleanedText]) -> None:
    dropped = cleaned["003_8b1db099ec59a2e9"].dropped
    assert sum(line.startswith("Dalam file foto") for line in dropped) == 2
    assert "Foto: AP/Ramil Sitdikov/Pool Sputnik Kremlin" in dropped


def test_004_crosshead_is_dropped(cleaned: dict[str, CleanedText]) -> None:
    assert "Kemitraan Tanpa Batas" in cleaned["004_3f1231850dda2433"].dropped


# --- synthetic texts, one rule at a time ------------------------------------

BODY = "Putin bertemu Xi di Moskow pada pekan ini."
BODY2 = "Keduanya membahas kerja sama militer."


def _paragraphs(*lines: str) -> tuple[str, ...]:
    return clean_article("\n".join(lines)).paragraphs


def test_single_and_blank_line_separation_agree() -> None:
    assert clean_article(f"{BODY}\n{BODY2}") == clean_article(f"{BODY}\n\n{BODY2}\n\n")


def test_surrounding_whitespace_is_stripped_and_nothing_else() -> None:
    assert _paragraphs(f"   {BODY}\t", "  “Kami  setuju,”  kata  Xi.  ") == (
        BODY,
        "“Kami  setuju,”  kata  Xi.",
    )


@pytest.mark.parametrize("line", ["ADVERTISEMENT", "Advertisement", "advertisement"])
def test_advertisements(line: str) -> None:
    assert _paragraphs(BODY, line, BODY2) == (BODY, BODY2)


@pytest.mark.parametrize(
    "line",
    [
        "Bagikan:",
        "sosmed-whatsapp-white",
        "copy-link-circle",
        "more-vertical",
        "zoom-in-whitePerbesar",
        "comment",
        "12",
        "·",
        "waktu baca 3 menit",
    ],
)
def test_widgets_and_reading_time(line: str) -> None:
    assert _paragraphs(BODY, line, BODY2) == (BODY, BODY2)


@pytest.mark.parametrize(
    "line",
    [
        "Baca Juga",
        "BACA JUGA: Update Berita Politik, Klik di Sini",
        "Berita Lainnya",
        "Pilihan Editor: Illegal Fishing di Natuna Masih Marak",
    ],
)
def test_related_link_labels(line: str) -> None:
    # The label goes; the paragraph after it is real text and stays.
    assert _paragraphs(BODY, line, BODY2) == (BODY, BODY2)


def test_byline() -> None:
    assert _paragraphs(BODY, "Rep: Kamran Dikarma/ Red: Christiyaningsih", BODY2) == (BODY, BODY2)


@pytest.mark.parametrize(
    ("line", "wires"),
    [
        ("AL JAZEERA", ("Al Jazeera",)),
        ("Reuters", ("Reuters",)),
        ("sumber : Reuters", ("Reuters",)),
        ("Sumber: AFP/Antara", ("AFP", "Antara")),
        ("Sumber: Reuters, Kantor Berita Lokal", ("Reuters", "Kantor Berita Lokal")),
    ],
)
def test_wire_credit_lines(line: str, wires: tuple[str, ...]) -> None:
    cleaned = clean_article(f"{BODY}\n{BODY2}\n{line}")
    assert cleaned.paragraphs == (BODY, BODY2)
    assert cleaned.wires_credited == wires
    assert wire_credit(line) == wires


def test_wire_named_in_a_sentence_is_no_credit() -> None:
    assert wire_credit("Menurut Reuters, pertemuan itu berlangsung dua jam.") is None


def test_caption_ending_in_foto_credit() -> None:
    caption = "Vladimir Putin dan Xi Jinping. Foto: REUTERS/Wu Hong/Pool"
    assert _paragraphs(BODY, caption, BODY2) == (BODY, BODY2)


def test_standalone_foto_credit_takes_the_caption_before_it() -> None:
    caption = "Putin dan Xi berjabat tangan di Brasilia, Brasil."
    assert _paragraphs(BODY, caption, "Foto: AP/Ramil Sitdikov", BODY2) == (BODY, BODY2)


def test_parenthetical_photo_credit() -> None:
    caption = "Presiden Putin bersama Jenderal Zhang Youxia. (TASS/Sergei Bobylev via Kremlin)"
    assert _paragraphs(BODY, caption, BODY2) == (BODY, BODY2)
    # A date in brackets inside a sentence is not a photo credit.
    assert not is_caption("Hal itu dikatakan Putin, Kamis (23/12).")
    assert not is_caption("Hal itu dikatakan Putin pada Kamis (23/12)")


def test_caption_printed_twice_goes_entirely() -> None:
    caption = "Putin dan Xi berjabat tangan di Brasilia, Brasil."
    cleaned = clean_article("\n".join([caption, "Foto: AP/Pool", caption, BODY, BODY2]))
    assert cleaned.paragraphs == (BODY, BODY2)
    assert cleaned.dropped.count(caption) == 2


def test_repeated_body_line_is_kept_once() -> None:
    assert _paragraphs(BODY, BODY2, BODY) == (BODY, BODY2)


def test_header_title_and_standfirst() -> None:
    text = "\n".join(
        [
            "Jumat 17 Dec 2021 02:05 WIB",
            "China-Rusia Kompak Tolak Intervensi Barat",
            "China dan Rusia setuju menolak Barat",
            f"REPUBLIKA.CO.ID, MOSKOW – {BODY}",
            BODY2,
        ]
    )
    cleaned = clean_article(text)
    assert cleaned.title == "China-Rusia Kompak Tolak Intervensi Barat"
    assert cleaned.paragraphs == (BODY, BODY2)
    assert cleaned.date == (datetime(2021, 12, 17, 2, 5, tzinfo=WIB), True)
    assert "China dan Rusia setuju menolak Barat" in cleaned.dropped


def test_header_without_dateline_ends_at_first_sentence() -> None:
    cleaned = clean_article(f"Putin Ajak Xi Perkuat Kerja Sama\n30 Desember 2022 17:54 WIB\n{BODY}")
    assert cleaned.title == "Putin Ajak Xi Perkuat Kerja Sama"
    assert cleaned.paragraphs == (BODY,)
    assert cleaned.date == (datetime(2022, 12, 30, 17, 54, tzinfo=WIB), True)


def test_no_header_means_no_title() -> None:
    cleaned = clean_article(f"{BODY}\n{BODY2}")
    assert cleaned.title is None
    assert cleaned.paragraphs == (BODY, BODY2)


def test_crosshead_dropped_but_long_unpunctuated_paragraph_kept() -> None:
    long_line = "Cuplikan pertemuan menunjukkan Putin berjabat tangan dengan Li dan duduk di meja"
    assert _paragraphs(BODY, "Kemitraan Tanpa Batas", long_line, BODY2) == (
        BODY,
        long_line,
        BODY2,
    )


@pytest.mark.parametrize(
    ("line", "outlet", "place"),
    [
        (f"REPUBLIKA.CO.ID, MOSKOW – {BODY}", "Republika", "MOSKOW"),
        (f"TEMPO.CO, Jakarta - {BODY}", "Tempo", "Jakarta"),
        (f"JAKARTA - {BODY}", None, "JAKARTA"),
        (f"KUALA LUMPUR — {BODY}", None, "KUALA LUMPUR"),
        (f"KOMPAS.com - {BODY}", "Kompas", None),
        (f"BERITASATU.COM, Bandung - {BODY}", "Beritasatu", "Bandung"),
    ],
)
def test_datelines_are_stripped(line: str, outlet: str | None, place: str | None) -> None:
    cleaned = clean_article(f"{line}\n{BODY2}")
    assert cleaned.paragraphs == (BODY, BODY2)
    assert (cleaned.dateline_outlet, cleaned.dateline_place) == (outlet, place)


def test_a_sentence_with_a_dash_is_no_dateline() -> None:
    line = "Perjalanan Li ke Rusia – yang berlangsung hingga 19 April – adalah yang pertama."
    assert parse_dateline(line) is None
    assert _paragraphs(line) == (line,)


def test_outlet_name_map_and_fallback() -> None:
    assert outlet_name("REPUBLIKA.CO.ID") == "Republika"
    assert outlet_name("tempo.co") == "Tempo"
    assert outlet_name("SUARAMERDEKA.COM") == "Suara Merdeka"
    assert outlet_name("BERITABARU.ID") == "Beritabaru"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Jumat 17 Dec 2021 02:05 WIB", True),
        ("30 Desember 2022 17:54 WIB", True),
        ("Kamis (23/12)", False),
        ("Pertemuan yang diadakan pada Minggu, 16 April 2023 setelah kunjungan Xi.", False),
    ],
)
def test_is_date_line(line: str, expected: bool) -> None:
    assert is_date_line(line) is expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [("comment", True), ("1", True), ("Bagikan:", True), ("Share", True), ("Ya.", False)],
)
def test_is_widget(line: str, expected: bool) -> None:
    assert is_widget(line) is expected


def test_is_crosshead() -> None:
    assert is_crosshead("Kemitraan Tanpa Batas")
    assert not is_crosshead("Dia menambahkan bahwa hubungan telah memasuki era baru.")
    assert not is_crosshead("“Kami memiliki ikatan yang sangat kuat,” katanya")
