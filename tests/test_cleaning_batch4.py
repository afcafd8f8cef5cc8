"""Rules from the fourth batch of real pages, on invented pages (run everywhere); the batch
itself is scored in test_score_cleaning.py where the gathered pages are."""

from __future__ import annotations

import pytest

from retrieval.cleaning import clean_article, parse_dateline, strip_trailing_credit
from retrieval.metadata import stated_metadata

TITLE = "Warga Desa Sukamaju Perbaiki Jembatan Gantung Secara Swadaya"
P1 = "Warga Desa Sukamaju memperbaiki jembatan gantung yang rusak diterjang banjir pekan lalu."
P2 = "Kepala desa berharap jembatan itu bisa kembali dilalui anak-anak yang berangkat sekolah."
# reported speech: a short unquoted line closing with "(X/Y)" reads as a photo caption
QUOTE = "“Semoga jembatan ini awet dan bisa dilalui anak-anak,” kata kepala desa."


@pytest.mark.parametrize(
    "credit",
    [
        "(Tbn)",  # capitalised initials
        "(RWK-D/JS)",  # the outlet's initials, a desk letter, the editor's initials
        "(KBR-A)",
    ],
)
def test_closing_initials_are_cut(credit: str) -> None:
    assert strip_trailing_credit(P2 + credit) == P2
    cleaned = clean_article(f"{TITLE}\n{P1}\n{P2}\n{QUOTE}{credit}")
    assert cleaned.paragraphs == (P1, P2, QUOTE)


# Bare capitals after the last full stop may be a reporter's initials ("... IKI")
# or the sentence's last word ("Foto: Dok. ADM", "7. UEA"): they stay.
@pytest.mark.parametrize(
    "ending", [" (AFP)", " AFP", " (Reuters)", " (Jakarta)", " 2024", " IKI", " Dok. ADM"]
)
def test_a_wire_a_place_or_a_number_closing_a_paragraph_stays(ending: str) -> None:
    assert strip_trailing_credit(P2 + ending) == P2 + ending


def test_a_place_with_glued_initials_and_comma_dash_is_a_dateline() -> None:
    dateline = parse_dateline(f"Sukamaju Baru(KBR),– {P1}")
    assert dateline is not None
    assert (dateline.place, dateline.outlet, dateline.rest) == ("Sukamaju Baru", None, P1)
    cleaned = clean_article(f"{TITLE}\nSukamaju Baru(KBR),– {P1}\n{P2}")
    assert cleaned.paragraphs == (P1, P2)


@pytest.mark.parametrize(
    ("line", "outlet", "place"),
    [
        # a one-word place, then a one-word name in capitals: the outlet's (Kompas style)
        ("SUKAMAJU, GARUDAPOS - ", "Garudapos", "SUKAMAJU"),
        ("SUKAMAJU, SUARAKITA – ", "Suarakita", "SUKAMAJU"),
        # still nobody: initials, or two-word names on either side
        ("SUKAMAJU, SKM - ", None, "SUKAMAJU"),
        ("SINAR TIMUR, KUPANG - ", None, None),
    ],
)
def test_place_then_capitalised_name(line: str, outlet: str | None, place: str | None) -> None:
    dateline = parse_dateline(line + P1)
    assert dateline is not None and dateline.rest == P1
    assert dateline.outlet == outlet
    if place is not None:
        assert dateline.place == place


def test_an_app_prompt_is_neither_title_nor_paragraph() -> None:
    prompt = "Baca artikel Kabar Sukamaju lainnya di Kabar Sukamaju App"
    cleaned = clean_article(f"{prompt}\n\n{TITLE}\n\nSukamaju, Kabar Sukamaju - {P1}\n\n{P2}")
    assert cleaned.title == TITLE
    assert cleaned.paragraphs == (P1, P2)
    assert prompt in cleaned.dropped


@pytest.mark.parametrize(
    ("line", "outlet", "place"),
    [
        # initials the registry lists (data: retrieval/data/outlets.toml) name their outlet ...
        ("Sukamaju (KR) - ", "Kedaulatan Rakyat", "Sukamaju"),
        ("Sukamaju Baru(RWK),– ", "Radar Way Kanan", "Sukamaju Baru"),
        ("SUKAMAJU, MK - ", "Metro Kalimantan", "SUKAMAJU"),
        # ... unlisted initials name nobody
        ("Sukamaju (QX) - ", None, "Sukamaju"),
    ],
)
def test_registered_initials_name_the_outlet_in_a_dateline(
    line: str, outlet: str | None, place: str
) -> None:
    dateline = parse_dateline(line + P1)
    assert dateline is not None
    assert (dateline.outlet, dateline.place, dateline.rest) == (outlet, place, P1)
    assert stated_metadata(clean_article(f"{TITLE}\n{line}{P1}\n{P2}")).outlet == outlet


def test_initials_in_running_text_name_no_outlet() -> None:
    text = f"{TITLE}\n{P1} Anak-anak mengerjakan PR dan KR di rumah masing-masing.\n{P2}"
    assert stated_metadata(clean_article(text)).outlet is None
