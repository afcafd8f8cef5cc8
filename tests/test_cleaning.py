from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from retrieval.cleaning import (
    CleanedText,
    clean_article,
    is_caption,
    is_crosshead,
    is_date_line,
    is_widget,
    outlet_name,
    parse_dateline,
    split_sentences,
    wire_credit,
)
from retrieval.dates import WIB
from retrieval.metadata import load_metadata, stated_metadata
from tests.conftest import SEEDS_DIR

SEED_IDS = sorted(p.stem for p in SEEDS_DIR.glob("*.txt"))

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
    return {article_id: _clean(seeds_dir, article_id) for article_id in SEED_IDS}


# --- the seeds --------------------------------------------------------------


def test_what_the_text_states_agrees_with_the_metadata_file(
    seeds_dir: Path, cleaned: dict[str, CleanedText]
) -> None:
    """Where metadata.toml says a field is printed in the text, the cleaner finds that value."""
    entries = load_metadata(seeds_dir / "metadata.toml", SEED_IDS)
    checked = 0
    for article_id, entry in entries.items():
        stated = stated_metadata(cleaned[article_id])
        for name in ("outlet", "title", "published"):
            if entry.provenance.get(name) == "stated":
                assert getattr(stated, name) == getattr(entry, name), (article_id, name)
                checked += 1
        if entry.provenance.get("wires") == "stated" and entry.wires:
            assert set(stated.wires or ()) <= set(entry.wires), article_id
    assert checked > 0


@pytest.mark.parametrize("article_id", SEED_IDS)
def test_every_seed_has_a_body(cleaned: dict[str, CleanedText], article_id: str) -> None:
    assert cleaned[article_id].paragraphs


@pytest.mark.parametrize("article_id", SEED_IDS)
def test_no_furniture_survives(cleaned: dict[str, CleanedText], article_id: str) -> None:
    for paragraph in cleaned[article_id].paragraphs:
        lowered = paragraph.casefold()
        for piece in FURNITURE:
            assert piece not in lowered, (piece, paragraph)
        assert paragraph not in NOT_PARAGRAPHS
        assert paragraph != cleaned[article_id].title


@pytest.mark.parametrize("article_id", SEED_IDS)
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


# --- invented pages laid out in each outlet's shape ---------------------------
# Every text below is made up for these tests; only the layout follows the outlet.

P1 = "Pemerintah kota membuka pasar murah di lima kecamatan mulai pekan ini."
P2 = "Warga bisa membeli beras, minyak goreng dan gula dengan harga lebih rendah."
P3 = '"Kami ingin harga tetap terjangkau menjelang hari raya," kata wali kota.'


@dataclass(frozen=True)
class Shape:
    name: str
    text: str
    title: str | None
    outlet: str | None
    date: tuple[datetime, bool] | None
    author: str | None = None


SHAPES = [
    Shape(
        "kompas",
        "\n".join(
            [
                "Pasar Murah Dibuka di Lima Kecamatan",
                "Kompas.com - 14/05/2024, 19:07 WIB",
                "Baca berita tanpa iklan. Gabung Kompas.com+",
                "Penulis: Budi Santoso | Editor: Sari Dewi",
                f"JAKARTA, KOMPAS.com - {P1}",
                "Baca juga: Harga Beras Naik Lagi di Pasar Induk",
                P2,
                P3,
                "Dapatkan update berita pilihan dan breaking news setiap hari dari Kompas.com.",
            ]
        ),
        "Pasar Murah Dibuka di Lima Kecamatan",
        "Kompas",
        (datetime(2024, 5, 14, 19, 7, tzinfo=WIB), True),
        "Budi Santoso",
    ),
    Shape(
        "detik",
        "\n".join(
            [
                "Pasar Murah Dibuka di Lima Kecamatan",
                "Rina Wati - detikNews",
                "Senin, 14 Mei 2024 19:07 WIB",
                "Foto: Ilustrasi pasar (dok detikcom)",
                f"Jakarta - {P1}",
                "ADVERTISEMENT",
                "SCROLL TO CONTINUE WITH CONTENT",
                P2,
                'Simak Video "Pasar Murah Diserbu Warga"',
                "[Gambas:Video 20detik]",
                P3,
            ]
        ),
        "Pasar Murah Dibuka di Lima Kecamatan",
        "detikcom",
        (datetime(2024, 5, 14, 19, 7, tzinfo=WIB), True),
        "Rina Wati",
    ),
    Shape(
        "cnn",
        "\n".join(
            [
                "Pasar Murah Dibuka di Lima Kecamatan",
                "Budi Santoso, CNN Indonesia",
                "Selasa, 14 Mei 2024 07:00 WIB",
                "Jakarta, CNN Indonesia --",
                P1,
                P2,
                "Lihat juga video: Warga Antre Sejak Subuh",
                P3,
            ]
        ),
        "Pasar Murah Dibuka di Lima Kecamatan",
        "CNN Indonesia",
        (datetime(2024, 5, 14, 7, 0, tzinfo=WIB), True),
        "Budi Santoso",
    ),
    Shape(
        "liputan6 glued",
        "\n".join(
            [
                "Pasar Murah Dibuka di Lima Kecamatan",
                "Diperbarui 14 Mei 2024, 19:07 WIB",
                f"Liputan6.com, Jakarta{P1}",
                "Baca Juga",
                "Harga Beras Naik Lagi di Pasar Induk",
                "Stok Minyak Goreng Aman Hingga Lebaran",
                "Advertisement",
                P2,
                P3,
                "* Follow Official WhatsApp Channel Liputan6.com untuk berita terkini.",
            ]
        ),
        "Pasar Murah Dibuka di Lima Kecamatan",
        "Liputan6",
        (datetime(2024, 5, 14, 19, 7, tzinfo=WIB), True),
    ),
    Shape(
        "antara",
        "\n".join(
            [
                f"Semarang (ANTARA) - {P1}",
                P2,
                "Warga antre di pasar murah. ANTARA FOTO/Aji Styawan/aww.",
                P3,
                "Pewarta: Aji Wibowo",
                "Editor: Sari Dewi",
                "Copyright © ANTARA 2024",
            ]
        ),
        None,
        "Antara",
        None,
        "Aji Wibowo",
    ),
    Shape(
        "tribun",
        "\n".join(
            [
                "Ekonomi",
                "Pasar Murah Dibuka di Lima Kecamatan, Warga Antre Sejak Subuh",
                "Tayang: Selasa, 14 Mei 2024 08:52 WITA",
                "Laporan Wartawan Tribun Jateng, Dewi Lestari",
                f"TRIBUNJATENG.COM, SEMARANG - {P1}",
                "Baca juga: Harga Beras Naik Lagi",
                P2,
                P3,
                "Tags:",
                "pasar murah",
                "Semarang",
            ]
        ),
        "Pasar Murah Dibuka di Lima Kecamatan, Warga Antre Sejak Subuh",
        "Tribun Jateng",
        (datetime(2024, 5, 14, 8, 52, tzinfo=timezone(timedelta(hours=8))), True),
        "Dewi Lestari",
    ),
    Shape(
        "okezone",
        "\n".join(
            [
                "Pasar Murah Dibuka di Lima Kecamatan!",
                "Budi Santoso , Jurnalis-Selasa, 14 Mei 2024 |19:07 WIB",
                f"KEDIRI- {P1}",
                P2,
                P3,
            ]
        ),
        "Pasar Murah Dibuka di Lima Kecamatan!",
        None,
        (datetime(2024, 5, 14, 19, 7, tzinfo=WIB), True),
    ),
    Shape(
        "gatra wire",
        "\n".join(
            [
                "Rusia Buka Pasar Murah untuk Warga Perbatasan",
                f"Moskow, Gatra.com - {P1}",
                P2,
                "Sumber: Reuters | Editor: Sari Dewi",
            ]
        ),
        "Rusia Buka Pasar Murah untuk Warga Perbatasan",
        "Gatra",
        None,
    ),
    Shape(
        "tempo",
        "\n".join([f"TEMPO.CO, Jakarta - {P1}", "Pilihan Editor: Harga Beras Naik Lagi", P2, P3]),
        None,
        "Tempo",
        None,
    ),
]


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.name)
def test_outlet_shapes(shape: Shape) -> None:
    cleaned = clean_article(shape.text)
    assert cleaned.title == shape.title
    assert cleaned.dateline_outlet == shape.outlet
    assert cleaned.date == shape.date
    if shape.date is not None:
        assert cleaned.date is not None and cleaned.date[0].utcoffset() == shape.date[0].utcoffset()
    assert cleaned.author == shape.author
    # The body is exactly the invented sentences the page holds, in order.
    assert cleaned.paragraphs == tuple(p for p in (P1, P2, P3) if p in shape.text)


def test_an_update_time_is_used_only_without_a_publication_date_and_is_marked() -> None:
    only_update = clean_article(
        f"Judul Berita Pasar Murah\nDiperbarui 14 Mei 2024, 19:07 WIB\n{P1}"
    )
    assert only_update.date == (datetime(2024, 5, 14, 19, 7, tzinfo=WIB), True)
    assert only_update.date_is_update
    both = clean_article(
        "Judul Berita Pasar Murah\nDiperbarui 15 Mei 2024, 10:00 WIB\n"
        f"Senin, 13 Mei 2024 08:00 WIB\n{P1}"
    )
    assert both.date == (datetime(2024, 5, 13, 8, 0, tzinfo=WIB), True)
    assert not both.date_is_update


def test_a_date_inside_the_body_is_no_publication_date() -> None:
    # A related story's time stamp after the body has started.
    cleaned = clean_article(
        f"Judul Berita Pasar Murah\n{P1}\n{P2}\nSenin, 13 Mei 2024 08:00 WIB\n{P3}"
    )
    assert cleaned.date is None


@pytest.mark.parametrize(
    "text",
    [
        "2 jam yang lalu",  # relative, nothing anchors it
        "Kamis (23/12)",
        "14/05",
    ],
)
def test_no_date_is_better_than_a_guess(text: str) -> None:
    assert clean_article(f"Judul Berita Pasar Murah\n{text}\n{P1}").date is None


@pytest.mark.parametrize(
    "furniture",
    [
        "loading...",
        "Loading...",
        "Next Article",
        "Baca berita tanpa iklan. Gabung Kompas.com+",
        "Jakarta, CNN Indonesia --",
        "ADVERTISEMENT",
        "Logo Pasar Kita",
        "Terverifikasi Administratif dan Faktual oleh Dewan Pers",
    ],
)
def test_a_title_is_never_furniture(furniture: str) -> None:
    cleaned = clean_article(f"{furniture}\n{P1}\n{P2}")
    assert cleaned.title is None
    assert cleaned.paragraphs == (P1, P2)


@pytest.mark.parametrize(
    "line",
    [
        "Baca juga: Harga Beras Naik Lagi",
        "BACA JUGA: Harga Beras Naik Lagi",
        "Simak juga: Stok Aman",
        "Lihat juga video: Warga Antre",
        "Artikel terkait",
        "Berita Terkait: Harga Beras",
        "SCROLL TO CONTINUE WITH CONTENT",
        "Next Article",
        "Warga antre di pasar murah. Foto: Budi/ANTARA",
        "Warga antre di pasar murah (Foto: Budi/Kompas)",
        "Ikuti Whatsapp Channel kami untuk berita terbaru",
        "Simak breaking news dan berita pilihan kami langsung di Google News",
        "Editor: Sari Dewi",
        "Reporter: Budi Santoso",
        "Copyright © 2024 Pasar Kita. All rights reserved.",
        "Tags: pasar murah, beras",
        "Bagikan:",
        "Kami membuka kesempatan bagi Anda yang ingin menjadi mitra kami.",
        "<a href='https://contoh.id/'></a>",
        "KUALIFIKASI PIALA DUNIA: Pelatih Baru Tiba di Jakarta",
    ],
)
def test_furniture_lines_go(line: str) -> None:
    assert _paragraphs(P1, line, P2, P3) == (P1, P2, P3)


def test_related_link_bullets_go_with_their_label() -> None:
    text = [P1, "Baca juga:", "- Harga Beras Naik Lagi di Pasar Induk", "- Stok Minyak Aman", P2]
    assert _paragraphs(*text) == (P1, P2)
    unlabelled = [
        P1,
        "- Harga Beras Naik Lagi di Pasar Induk",
        "- Stok Minyak Goreng Aman Hingga Lebaran",
        P2,
    ]
    assert _paragraphs(*unlabelled) == (P1, P2)


def test_inline_related_note_is_cut_out() -> None:
    line = f"{P1} (Baca juga: Harga Beras Naik Lagi) {P2}"
    assert _paragraphs(line, P3) == (P1, P2, P3)


def test_source_and_editor_credit() -> None:
    cleaned = clean_article(f"{P1}\n{P2}\nSumber: Reuters | Editor: Sari Dewi")
    assert cleaned.wires_credited == ("Reuters",)
    assert wire_credit("Sumber: Reuters | Editor: Sari Dewi") == ("Reuters",)
    assert cleaned.paragraphs == (P1, P2)


@pytest.mark.parametrize(
    ("line", "author"),
    [
        ("Penulis: Budi Santoso | Editor: Sari Dewi", "Budi Santoso"),
        ("Reporter : Budi Santoso", "Budi Santoso"),
        ("Pewarta: Aji Wibowo", "Aji Wibowo"),
        ("Rep: Kamran Dikarma/ Red: Christiyaningsih", "Kamran Dikarma"),
        ("Laporan Wartawan Tribunnews.com, Dewi Lestari", "Dewi Lestari"),
        ("Oleh Syamsuddin Hasan", "Syamsuddin Hasan"),
        ("Rina Wati - detikNews", "Rina Wati"),
        ("Jokowi - Prabowo", None),
        ("Editor: Sari Dewi", None),
    ],
)
def test_author_from_bylines(line: str, author: str | None) -> None:
    cleaned = clean_article(f"{line}\n{P1}\n{P2}")
    assert cleaned.author == author
    assert cleaned.paragraphs == (P1, P2)


def test_html_leftovers_and_entities() -> None:
    cleaned = clean_article(
        f"<p>{P1}</p>\nPasar&nbsp;murah dibuka &amp; warga senang sekali hari ini.\n{P2}"
    )
    assert cleaned.paragraphs == (P1, "Pasar murah dibuka & warga senang sekali hari ini.", P2)


def _page_without_breaks(n: int) -> tuple[str, list[str]]:
    sentences = [
        f"Kalimat nomor {i} menceritakan kegiatan warga di pasar murah hari ini." for i in range(n)
    ]
    return " ".join(sentences), sentences


def test_a_page_on_one_line_is_split_into_paragraphs() -> None:
    text, sentences = _page_without_breaks(24)
    paragraphs = clean_article(f"JAKARTA - {text}").paragraphs
    assert len(paragraphs) > 1
    assert all(2 <= len(split_sentences(p)) <= 4 for p in paragraphs)
    assert " ".join(paragraphs) == " ".join(sentences)


def test_sentence_split_respects_quotes_and_abbreviations() -> None:
    text = (
        'Dr. Hasan datang ke Jl. Merdeka. "Saya senang. Sangat senang," katanya. '
        "Prof. Budi menambahkan hal itu."
    )
    assert split_sentences(text) == [
        "Dr. Hasan datang ke Jl. Merdeka.",
        '"Saya senang. Sangat senang," katanya.',
        "Prof. Budi menambahkan hal itu.",
    ]


def test_glued_sentences_are_separated() -> None:
    cleaned = clean_article(f"{P1}\nWarga menyambut ulasannya.Di tengah pasar, antrean mengular.")
    assert cleaned.paragraphs[-1] == "Warga menyambut ulasannya. Di tengah pasar, antrean mengular."
    assert clean_article("Harga di KOMPAS.com naik. Menurut Liputan6.com turun.").paragraphs == (
        "Harga di KOMPAS.com naik. Menurut Liputan6.com turun.",
    )


def test_lines_broken_at_every_link_are_rejoined() -> None:
    text = "\n".join(
        ["Jakarta", "-", "Wali kota membuka pasar murah di", "Kecamatan Gambir", "pada Senin pagi."]
    )
    cleaned = clean_article(text)
    assert cleaned.paragraphs == (
        "Wali kota membuka pasar murah di Kecamatan Gambir pada Senin pagi.",
    )
    assert cleaned.dateline_place == "Jakarta"


@pytest.mark.parametrize(
    ("line", "outlet", "place"),
    [
        (f"Liputan6.com, Jakarta {P1}", "Liputan6", "Jakarta"),
        (f"Liputan6.com, Jakarta{P1}", "Liputan6", "Jakarta"),
        (f"Jakarta, CNN Indonesia -- {P1}", "CNN Indonesia", "Jakarta"),
        (f"Jakarta, CNBC Indonesia - {P1}", "CNBC Indonesia", "Jakarta"),
        (f"Moskow, Gatra.com - {P1}", "Gatra", "Moskow"),
        (f"Beijing (ANTARA) - {P1}", "Antara", "Beijing"),
        (f"Mataram, NTB (ANTARA News) - {P1}", "Antara", "Mataram, NTB"),
        (f"TRIBUNJATENG.COM, SEMARANG - {P1}", "Tribun Jateng", "SEMARANG"),
        (f"TEMPO.CO,Jakarta-{P1}", "Tempo", "Jakarta"),
        (f"KOMPAS.com—{P1}", "Kompas", None),
        (f"DONETSK –{P1}", None, "DONETSK"),
        (f"JAKARTA. {P1}", None, "JAKARTA"),
    ],
)
def test_dateline_forms(line: str, outlet: str | None, place: str | None) -> None:
    cleaned = clean_article(f"{line}\n{P2}")
    assert cleaned.paragraphs == (P1, P2)
    assert (cleaned.dateline_outlet, cleaned.dateline_place) == (outlet, place)


def test_the_page_furniture_names_the_outlet_when_no_dateline_does() -> None:
    cleaned = clean_article(f"{P1}\n{P2}\nBaca berita Mongabay.co.id lainnya di Google News")
    assert cleaned.dateline_outlet == "Mongabay Indonesia"
    # ... but a photo credit from a wire agency does not.
    credit = clean_article(f"Warga antre di pasar. (ANTARA FOTO/Budi)\n{P1}\n{P2}")
    assert credit.dateline_outlet is None


# --- properties over any text ---------------------------------------------------

_ANY_LINE = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\r\n&<"),
    max_size=120,
)
_NEWSY_LINE = st.sampled_from(
    [
        P1,
        P2,
        P3,
        "Baca juga: Harga Naik",
        "ADVERTISEMENT",
        "JAKARTA, KOMPAS.com - " + P1,
        "Senin, 14 Mei 2024 19:07 WIB",
        "Foto: Budi/ANTARA",
        "Judul Berita Pasar Murah",
        "",
        "Penulis: Budi | Editor: Sari",
        "- Stok Beras Aman Hingga Lebaran",
    ]
)


def _squash(text: str) -> str:
    return "".join(text.split())


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_ANY_LINE, _NEWSY_LINE), max_size=25))
def test_cleaning_never_raises_and_keeps_only_input_text(lines: list[str]) -> None:
    text = "\n".join(lines)
    cleaned = clean_article(text)
    squashed = _squash(text)
    for paragraph in cleaned.paragraphs:
        assert paragraph.strip() == paragraph and paragraph
        # Modulo whitespace every paragraph is a piece of the input (the dateline is cut off).
        assert _squash(paragraph) in squashed


_BODY_LINES = st.sampled_from(
    [
        P1,
        P2,
        P3,
        "Harga cabai di pasar tradisional turun dua ribu rupiah per kilogram sejak Senin.",
        "Petugas memeriksa setiap kendaraan yang melintas di perbatasan kota pada malam hari.",
        "Pemerintah daerah menyiapkan anggaran tambahan untuk memperbaiki jalan yang rusak.",
    ]
)
_FURNITURE_LINES = st.sampled_from(
    ["ADVERTISEMENT", "Baca juga: Harga Naik", "Bagikan:", "Editor: Sari", "Loading...", ""]
)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(_BODY_LINES, _FURNITURE_LINES), max_size=15))
def test_cleaning_its_own_output_changes_nothing(lines: list[str]) -> None:
    # A sentence printed twice in a row at the top is a standfirst: not this property's case.
    assume(all(a != b for a, b in pairwise(x for x in lines if x.endswith("."))))
    body = clean_article("\n".join(lines)).paragraphs
    assert body == tuple(dict.fromkeys(x for x in lines if x.endswith(".") and len(x) > 40))
    assert clean_article("\n".join(body)).paragraphs == body


def test_a_lede_ending_in_a_question_is_body_not_title() -> None:
    lede = "Harga beras naik lagi pekan ini. Warga mulai mengeluh. Lantas apa sebabnya?"
    cleaned = clean_article(f"{lede}\n{P1}\n{P2}")
    assert cleaned.title is None
    assert cleaned.paragraphs == (lede, P1, P2)
    question = clean_article(f"Harga Beras Naik Lagi, Apa Sebabnya?\n{P1}\n{P2}")
    assert question.title == "Harga Beras Naik Lagi, Apa Sebabnya?"


def test_a_name_that_is_also_an_outlet_word_names_no_outlet() -> None:
    # "(Fajar Anugrah)" is a reporter, not the outlet Fajar; "antara" is a plain word.
    cleaned = clean_article(f"{P1}\n{P2}\n(Fajar Anugrah)\nKerja sama antara kota")
    assert cleaned.dateline_outlet is None


def test_two_capitalised_names_before_a_dash_name_no_outlet() -> None:
    dateline = parse_dateline(f"SINAR TIMUR, KUPANG - {P1}")
    assert dateline is not None
    assert (dateline.outlet, dateline.rest) == (None, P1)


@pytest.mark.parametrize(
    ("line", "outlet", "place"),
    [
        # a press word (registry data) makes a capitalised name an outlet, on either side
        ("POS-KUPANG, KUPANG - ", "Pos-Kupang", "KUPANG"),
        ("KABAR SELATAN ,PALOPO – ", "Kabar Selatan", "PALOPO"),
        ("MAKASSAR, WARTA TIMUR - ", "Warta Timur", "MAKASSAR"),
        ("HARIAN SELATAN - ", "Harian Selatan", None),
        ("KORANSELATAN MAKASSAR – ", "Koranselatan Makassar", None),
        # places stay places: no press word ("POSO" only starts like one)
        ("JAKARTA - ", None, "JAKARTA"),
        ("KOTA BANDUNG – ", None, "KOTA BANDUNG"),
        ("POSO - ", None, "POSO"),
        # a bar instead of a dash; an outlet's initials after the place name nobody
        ("LOMBOK TENGAH | ", None, "LOMBOK TENGAH"),
        ("MEDAN BARU-M24 | ", None, "MEDAN BARU"),
        ("BUNTOK, QX - ", None, "BUNTOK"),
        # a name with a press word, a double bar and a place on a line of their own
        ("Warta Humas Daerah || Balikpapan\n", "Warta Humas Daerah", "Balikpapan"),
        # a long host printed whole
        ("Palu, humas.polres.sulteng.go.id – ", "humas.polres.sulteng.go.id", "Palu"),
    ],
)
def test_unknown_outlets_datelines_by_their_shape(
    line: str, outlet: str | None, place: str | None
) -> None:
    dateline = parse_dateline(line.rstrip("\n") if line.endswith("\n") else line + P1)
    assert dateline is not None
    assert (dateline.outlet, dateline.place) == (outlet, place)
    cleaned = clean_article(f"Judul Berita Daerah Hari Ini Cukup Panjang\n{line}{P1}\n{P2}")
    assert cleaned.paragraphs[0] == P1 and cleaned.dateline_outlet == outlet


@pytest.mark.parametrize(
    "furniture",
    [
        "Penulis/Fotografer: Rina Wati",
        "Teks & Foto: Budi Santoso",
        "Beranda Headline Lebak …",
        "Home Blog Page 4520",
        "Beranda › Daerah › Banten",
        "Berita Terbaru Polisi Tangkap Pencuri Motor Harga Cabai Naik Lagi Jelang Lebaran",
    ],
)
def test_credit_breadcrumb_and_ticker_lines_are_never_the_title(furniture: str) -> None:
    title = "Pemkab Lebak Siapkan Posko Banjir di Selatan"
    for page in (f"{furniture}\n{title}\n{P1}\n{P2}", f"{title}\n{furniture}\n{P1}\n{P2}"):
        cleaned = clean_article(page)
        assert cleaned.title == title
        assert furniture not in cleaned.paragraphs


def test_teasers_of_other_stories_go() -> None:
    after = [
        "Baca Lainnya :",
        "Kuliner Lokal3 months agoWarung Sederhana Ini Viral Karena Foto Para Pelanggan",
        "Daerah 2 jam laluJembatan Gantung di Cibeber Rusak Diterjang Arus",
        "Lebih baru Lebih lama",
        "Alamat email Anda tidak akan dipublikasikan. Ruas yang wajib ditandai *",
    ]
    cleaned = clean_article("\n".join(["Judul Berita Daerah Hari Ini", P1, P2, P3, *after]))
    assert cleaned.paragraphs == (P1, P2, P3)


def test_a_slider_teaser_above_the_article_is_neither_title_nor_body() -> None:
    teaser = "Harga Cabai Naik Dua Kali Lipat di Pasar Rangkasbitung"
    cut = "Lebak(kabarlebak.com)Harga cabai rawit di Pasar Rangkasbitung naik menjadi Rp80 ribu"
    cleaned = clean_article(f"{teaser}\n{cut}\n{P1}\n{P2}\n{P3}")
    assert cleaned.title is None
    assert cleaned.paragraphs == (P1, P2, P3)
    assert cleaned.dateline_outlet == "Kabarlebak"  # the teaser is the same site's


def test_end_mark_and_photo_credit_stay_apart() -> None:
    last = f"{P3} (*)"
    cleaned = clean_article(f"{P1}\n{last}\n(Kompas.com/Budi Santoso/Sari Dewi)")
    assert cleaned.paragraphs == (P1, last)


def test_bulleted_headline_goes_but_a_bulleted_date_is_a_date() -> None:
    text = "\n".join(
        [
            "Judul Berita Pasar Murah",
            "  • Senin, 28 Oktober 2013, 19:05 WIB",
            P1,
            "• CATATAN Harga Beras Naik, Pedagang Pasar Induk Mengeluh",
            P2,
        ]
    )
    cleaned = clean_article(text)
    assert cleaned.date == (datetime(2013, 10, 28, 19, 5, tzinfo=WIB), True)
    assert cleaned.paragraphs == (P1, P2)


def test_a_signed_paragraph_is_body_not_a_caption() -> None:
    signed = f"{P3} (Tribunbatam.id/Febriyuanda)"
    assert _paragraphs(P1, signed, P2) == (P1, signed, P2)
    long_signed = f"{P1} {P2} Harga cabai juga turun di pasar tradisional. (Tribunnews.com/Budi)"
    assert _paragraphs(P1, long_signed) == (P1, long_signed)


def test_a_question_after_a_related_label_is_body() -> None:
    question = "Warga menunggu harga turun lagi. Lantas, kapan harga beras kembali normal?"
    assert _paragraphs(P1, "Baca Juga", question, P2) == (P1, question, P2)


@pytest.mark.parametrize(
    ("last", "kept"),
    [
        ("kepada wartawan. (alh)", "kepada wartawan."),
        ("kepada wartawan.(rid/ipg)", "kepada wartawan."),
        ("selepas olah TKP.( Alfian/ Humas Polda)", "selepas olah TKP."),
        ("kepada wartawan. (*)", "kepada wartawan. (*)"),  # an end mark, not a credit
        ("kepada wartawan. (AFP)", "kepada wartawan. (AFP)"),  # a wire is a source
        ("di depan rumahnya (kanan)", "di depan rumahnya (kanan)"),
    ],
)
def test_credits_closing_the_last_sentence_go_and_wires_stay(last: str, kept: str) -> None:
    body = '"Sopir truk yang menabrak tiga kendaraan di jalan tol sudah kami amankan," kata dia'

    text = f"Polisi Amankan Sopir Truk\n\nJAKARTA, KOMPAS.com - {body} {last}"
    assert clean_article(text).paragraphs[-1] == f"{body} {kept}"


def test_a_village_site_page_headline_shortcodes_and_notices() -> None:
    text = "\n".join(
        [
            "Begini Cara Warga Mengelola Website Desanya...",
            "  • Admin Desa",
            "  • Mar 19, 2019",
            "",
            "SUKAMAJU.DESA.ID - Warga Desa Sukamaju mengikuti pelatihan pengelolaan website desa"
            " selama dua hari di balai desa.",
            '[caption id="attachment_81" align="aligncenter" width="640"] Peserta pelatihan'
            " mempresentasikan website desa.[/caption]",
            "Pelatihan itu diikuti perangkat desa dan pemuda karang taruna yang akan mengelola"
            " berita desa setiap pekan.",
            "JIKA MENEMUKAN BERITA KAMI TIDAK SESUAI FAKTA, SEGERA HUBUNGI 0813 0000 0000",
        ]
    )
    cleaned = clean_article(text)
    assert cleaned.title == "Begini Cara Warga Mengelola Website Desanya..."
    assert cleaned.paragraphs[0].startswith("Warga Desa Sukamaju mengikuti pelatihan")
    assert len(cleaned.paragraphs) == 2
    assert not any("caption" in p or "HUBUNGI" in p for p in cleaned.paragraphs)


def test_a_short_headline_may_hold_two_sentences() -> None:
    title = "Pasar Murah. Apa yang Dijual dan Siapa yang Boleh Membeli"
    cleaned = clean_article(f"{title}\nOleh Redaksi | 04 November 2016\n{P1}\n{P2}")
    assert cleaned.title == title and cleaned.paragraphs == (P1, P2)
