"""Rules from the fourth batch of real pages, on invented pages (run everywhere), and the
batch itself (only where the gathered pages are: they are other people's text, not in git)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from retrieval.cleaning import clean_article, parse_dateline, strip_trailing_credit
from retrieval.metadata import stated_metadata

ROOT = Path(__file__).resolve().parent.parent
BATCH4 = ROOT / "tests" / "data" / "real_pages_batch4.json"
BATCH4_PAGES = Path("/work/real-pages/batch4")

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
        " IKI",  # bare initials after the last full stop
        " ABC/DEF",
    ],
)
def test_closing_initials_are_cut(credit: str) -> None:
    assert strip_trailing_credit(P2 + credit) == P2
    cleaned = clean_article(f"{TITLE}\n{P1}\n{P2}\n{QUOTE}{credit}")
    assert cleaned.paragraphs == (P1, P2, QUOTE)


@pytest.mark.parametrize("ending", [" (AFP)", " AFP", " (Reuters)", " (Jakarta)", " 2024"])
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


# --- the gathered batch (skipped where the pages are absent) -------------------------


@pytest.fixture(scope="module")
def score_script() -> ModuleType:
    path = ROOT / "scripts" / "score_cleaning.py"
    spec = importlib.util.spec_from_file_location("score_cleaning_batch4", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["score_cleaning_batch4"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(
    not BATCH4_PAGES.is_dir(), reason=f"{BATCH4_PAGES} absent (gathered pages are not in git)"
)
def test_batch4_titles_and_bodies(score_script: ModuleType) -> None:
    pages = score_script.load_real(BATCH4_PAGES, BATCH4)
    assert pages, "no batch-4 page found"
    tally = score_script.score(pages, with_url=False)
    lost = [f for f in tally.failures if "body lost" in f or ": title " in f]
    assert not lost, lost
    assert tally.furniture[0] >= 0.9 * tally.furniture[1]
    for page in pages:  # the stated metadata never invents a date the page does not print
        if page.published is None:
            meta = stated_metadata(clean_article(page.text))
            assert meta.published is None, page.id


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
