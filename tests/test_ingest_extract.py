"""Reading a page's main text, headline, date and outlet (invented pages in outlets' shapes)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from retrieval.cleaning import clean_article
from retrieval.corpus import load_corpus
from retrieval.ingest.archive import skip_reason
from retrieval.ingest.density import densest_text, main_text
from retrieval.ingest.extract import from_html, strip_site_suffix, visible_headline
from retrieval.metadata import site_domain, stated_metadata

LEAD = (
    "Pemerintah Kabupaten Lebak menggelar rapat koordinasi dengan camat se-Lebak untuk membahas"
    " penanganan banjir di wilayah selatan pada Senin pagi."
)
BODY = [
    "Bupati meminta setiap kecamatan menyiapkan posko pengungsian dan dapur umum sebelum puncak"
    " musim hujan tiba bulan depan.",
    "Menurut data BPBD, sebanyak 12 desa berada di daerah rawan banjir dan longsor, terutama di"
    " sepanjang aliran Sungai Ciujung.",
    "Warga diminta melapor ke posko terdekat bila melihat tanda-tanda tanah bergerak atau air"
    " sungai naik dengan cepat.",
]
TEASERS = [
    ("Harga cabai di Pasar Rangkasbitung naik dua kali lipat", "/berita/cabai"),
    ("Jembatan gantung di Cibeber rusak diterjang arus sungai", "/berita/jembatan"),
    ("Ribuan warga hadiri festival budaya Baduy di alun-alun", "/berita/baduy"),
    ("Pemkab Lebak buka lowongan tenaga honorer untuk guru", "/berita/guru"),
]


def _page(*, heading: str | None = None, lead_link: bool = True) -> str:
    """A regional outlet's article: the lead as bare text with an inline link, then <div>s."""
    name = '<a href="/tag/lebak">Pemerintah Kabupaten Lebak</a>' if lead_link else "Pemkab"
    lead = LEAD.replace("Pemerintah Kabupaten Lebak", name)
    crosshead = f"<strong>{heading}</strong><br/>" if heading else ""
    related = "".join(
        f'<li><a href="{href}">{title}</a> <span>2 jam lalu</span></li>' for title, href in TEASERS
    )
    return (
        "<html><head><title>Rapat Banjir Lebak | Kabar Lebak</title></head><body>"
        '<nav><a href="/">Beranda</a> <a href="/daerah">Daerah</a></nav>'
        f'<div class="isi"><b>KABARLEBAK.COM</b> - {lead}<br/><br/>'
        f"{crosshead}{BODY[0]}<div>{BODY[1]}</div><div>{BODY[2]}</div></div>"
        f'<div class="terkait"><h3>Berita Terkait</h3><ul>{related}</ul></div>'
        "</body></html>"
    )


def test_densest_block_keeps_a_lead_with_links_and_skips_menus_and_teasers() -> None:
    teasers = "".join(
        f'<li><a href="{href}">{title}</a><p>{title}, kata warga setempat.</p></li>'
        for title, href in TEASERS
    )
    text = densest_text(_page().replace("</ul>", teasers + "</ul>"))
    assert LEAD in text  # the link inside the lead's sentence stays
    for paragraph in BODY:
        assert paragraph in text.splitlines()
    assert "Beranda" not in text and "Berita Terkait" not in text
    assert not any(title in text for title, _ in TEASERS)


def test_a_bold_crosshead_opens_its_paragraph_and_a_label_does_not() -> None:
    text = densest_text(_page(heading="Posko Pengungsian"))
    assert f"Posko Pengungsian: {BODY[0]}" in text.splitlines()
    labelled = densest_text(_page(heading="Foto: Humas Pemkab"))
    assert BODY[0] in labelled.splitlines()  # a credit label is not made part of the text
    assert "Humas Pemkab: " not in labelled


def test_main_text_takes_the_article_when_trafilatura_took_the_teasers() -> None:
    dense = densest_text(_page())
    teasers = "\n".join(f"{title}, kata warga setempat kepada wartawan." for title, _ in TEASERS)
    assert main_text(teasers, dense, lambda: teasers) == dense


def test_main_text_keeps_trafilatura_when_it_agrees_or_the_page_has_no_dense_block() -> None:
    article = "\n".join([LEAD, *BODY])
    assert main_text(article, "", lambda: article) == article
    short = "\n".join(BODY[1:])
    assert main_text(short, "", lambda: article) == article  # recall kept the lead precise lost
    assert main_text(article, BODY[0], lambda: article) == article  # a block with less prose


def test_html_page_gives_the_article_without_menus_and_related_links() -> None:
    draft = from_html(_page(), "https://kabarlebak.com/berita/2025/06/18/rapat-banjir")
    assert draft.title == "Rapat Banjir Lebak"
    assert draft.outlet == "Kabarlebak"  # its dateline "KABARLEBAK.COM -", not the domain
    assert draft.paragraphs[0] == LEAD
    assert all(p in draft.paragraphs for p in BODY)
    assert not any(title in p for p in draft.paragraphs for title, _ in TEASERS)


@pytest.mark.parametrize(
    ("title", "site", "url", "expected"),
    [
        ("KapanLagi.com: Judul Film Baru", "KapanLagi.com", None, "Judul Film Baru"),
        (
            "KapanLagi.com: FOTO: Judul Film",
            None,
            "https://www.kapanlagi.com/a",
            "FOTO: Judul Film",
        ),
        ("FOTO: Judul Film", "KapanLagi.com", None, "FOTO: Judul Film"),  # a rubric stays
    ],
)
def test_a_leading_site_label_is_cut_from_titles(title, site, url, expected) -> None:
    assert strip_site_suffix(title, site, url) == expected


def test_the_printed_rubric_of_a_headline_is_kept() -> None:
    title = "KPK Periksa Pejabat yang Tertangkap"
    html = f'<div class="jdl">In Picture: {title}</div><h6><a>In Picture: Lain</a></h6>'
    assert visible_headline(html, title) == f"In Picture: {title}"
    assert visible_headline(f"<h1>{title}</h1>", title) == title
    long_label = f"<div>Kabar terbaru dari pemerintah daerah kita: {title}</div>"
    assert visible_headline(long_label, title) == title


def test_a_date_in_the_page_metadata_keeps_its_time_and_zone() -> None:
    html = _page().replace(
        "<title>",
        '<meta property="article:published_time" content="2025-06-18T19:07:00+08:00"><title>',
    )
    draft = from_html(html, "https://kabarlebak.com/berita/rapat-banjir")
    assert draft.published == datetime.fromisoformat("2025-06-18T19:07:00+08:00")
    assert draft.has_time


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.perspektif.info/2025/10/17/x", "Perspektif.info"),
        ("http://berita.kukarkab.go.id/index.php/berita/1", "Kukarkab.go.id"),
        ("https://nomorsatukaltim.disway.id/read/1", "Disway.id"),
        ("http://127.0.0.1:8080/berita/1", None),
        ("http://localhost/berita/1", None),
    ],
)
def test_an_unknown_host_names_its_outlet_by_domain(url: str, expected: str | None) -> None:
    assert site_domain(url) == expected
    meta = stated_metadata(clean_article("Judul Berita\n\nIsi berita yang panjang sekali."), url)
    assert meta.outlet == expected
    assert expected is None or meta.provenance["outlet"] == "inferred"


def test_a_dateline_outlet_beats_the_domain_and_the_registry_beats_both() -> None:
    text = "Judul Berita Daerah\n\nLEBAK, BeritaKilat.com - Isi berita yang panjang sekali."
    cleaned = clean_article(text)
    assert cleaned.dateline_outlet is not None
    assert stated_metadata(cleaned, "https://beritakilat.co.id/a").outlet == cleaned.dateline_outlet
    assert stated_metadata(cleaned, "https://www.kompas.com/read/a").outlet == "Kompas"


def test_one_skip_rule_for_seeds_and_archive(tmp_path: Path) -> None:
    big, binary, fine = tmp_path / "besar.txt", tmp_path / "biner.txt", tmp_path / "ok.txt"
    big.write_text("kata " * 400, encoding="utf-8")
    binary.write_bytes(b"Judul\x00\x01\x02")
    fine.write_text("Judul\n\nIsi.", encoding="utf-8")
    assert skip_reason(big, 1024, "besar.txt") == "larger than 1 KB"
    assert skip_reason(binary, 1024, "biner.txt") == "binary data"
    assert skip_reason(fine, 1024, "ok.txt") is None
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for path in (big, binary, fine):
        (seeds / path.name).write_bytes(path.read_bytes())
    corpus = load_corpus(seeds, max_file_bytes=1024)
    assert [a.id for a in corpus.articles] == ["ok"]


def test_a_section_page_is_a_listing_and_an_article_with_related_links_is_not() -> None:
    from tests.ingest_site import SECTION_PAGE

    assert from_html(SECTION_PAGE, "https://kabarlebak.com/daerah").listing
    article = _page().replace("<br/><br/>", '<br/>Baca juga: <a href="/x">Jembatan gantung'
                              " di Cibeber rusak diterjang arus</a><br/>")  # fmt: skip
    draft = from_html(article, "https://kabarlebak.com/berita/banjir")
    assert draft.paragraphs and not draft.listing
