"""A question naming the place of an article's dateline finds that article.

"SEMARANG, KOMPAS.com - Banjir merendam ..." : the cleaner moves the dateline
out of the paragraph (the text shown), but a reader asking about the flood
in Semarang expects that article. Invented articles: several floods, each
datelined in another city; only the dateline names the city.
"""

from __future__ import annotations

from pathlib import Path

from retrieval import Retriever

_CITIES = ("JAKARTA", "SEMARANG", "BANDUNG", "SURABAYA", "MEDAN", "MAKASSAR")
_BODY = (
    "{city}, KOMPAS.com - Banjir merendam {n} rumah warga di tepi sungai sejak Senin pagi "
    "setelah hujan deras turun selama enam jam.",
    "Petugas mengevakuasi {m} warga ke balai desa dan menyiapkan dapur umum.",
    "Kepala badan penanggulangan bencana meminta warga tetap waspada hingga akhir pekan.",
)


def _write(seeds: Path) -> None:
    seeds.mkdir()
    for i, city in enumerate(_CITIES):
        body = "\n\n".join(p.format(city=city, n=40 + 7 * i, m=100 + 11 * i) for p in _BODY)
        title = f"Banjir Rendam Ratusan Rumah, Warga Mengungsi ({i + 1})"
        (seeds / f"{i:03d}_banjir.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")


def test_a_question_naming_the_dateline_city_finds_that_article(tmp_path: Path) -> None:
    _write(tmp_path / "seeds")
    retriever = Retriever.load(tmp_path / "seeds", cache_dir=tmp_path / "cache", english_dict=None)
    articles = retriever.corpus.articles
    by_place = {a.source.place: a for a in articles}
    target = by_place["SEMARANG"]
    # The cleaner took the dateline out of every text the reader is shown.
    assert not any("semarang" in p.lower() for a in articles for p in a.paragraphs)
    answer = retriever.ask("Berapa rumah yang terendam banjir di Semarang?", k=5)
    assert answer.hits
    assert answer.hits[0].article_id == target.id
    assert answer.hits[0].text == target.paragraphs[0]
    # The other cities' articles are found by their own names just as well.
    for city in ("BANDUNG", "MEDAN"):
        top = retriever.ask(f"banjir {city.lower()} rumah warga", k=5).hits[0]
        assert top.article_id == by_place[city].id
