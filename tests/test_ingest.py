"""The ingest library: fetch limits, extraction, canonical URLs, the archive store, feeds."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from retrieval.corpus import load_corpus
from retrieval.ingest import Ingester, IngestError, Limits, load_archive
from retrieval.ingest import archive as store
from retrieval.ingest.extract import from_html, strip_site_suffix
from retrieval.ingest.feeds import poll, read_states
from retrieval.ingest.fetch import fetch, user_agent
from retrieval.ingest.urls import canonical_url
from retrieval.models import Added, Article, Source
from tests import ingest_site
from tests.ingest_site import BERAS, TEXT_ARTICLE, Site, article_page


@pytest.fixture
def site() -> Iterator[Site]:
    server, site = ingest_site.start()
    yield site
    server.shutdown()
    server.server_close()


FAST = Limits(connect_timeout=2, read_timeout=0.5, total_timeout=5, max_bytes=1024 * 1024)


# --- fetch --------------------------------------------------------------------


def test_fetch_names_the_project_in_its_user_agent(site: Site) -> None:
    got = fetch(site.url("/berita/beras"))
    assert got.status == 200 and got.content_type == "text/html"
    sent = dict(site.requests[-1][1])
    assert sent["User-Agent"] == user_agent() and user_agent().startswith("TanyaBerita/")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/tidak-ada", "HTTP 404"),
        ("/dokumen.pdf", "not an HTML page (application/pdf)"),
        ("/loop", "more than 5 redirects"),
        ("/lambat", "timed out"),
        ("/besar", "larger than 1 MB"),
    ],
)
def test_fetch_failures_are_one_line(site: Site, path: str, message: str) -> None:
    with pytest.raises(IngestError) as info:
        fetch(site.url(path), limits=FAST)
    assert str(info.value) == f"{site.url(path)}: {message}"


def test_unreachable_host_is_one_line() -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(IngestError) as info:
        fetch(f"http://127.0.0.1:{port}/x", limits=FAST)
    assert "cannot connect" in str(info.value) and "\n" not in str(info.value)


# --- URLs and extraction --------------------------------------------------------


@pytest.mark.parametrize(
    "variant",
    [
        "https://www.detik.com/berita/d-1/harga-beras",
        "http://m.detik.com/berita/d-1/harga-beras/",
        "https://WWW.Detik.com/berita/d-1/harga-beras?utm_source=fb&utm_medium=x#komentar",
        "https://amp.detik.com/berita/d-1/harga-beras/amp",
        "https://www.detik.com/berita/d-1/harga-beras?page=2",
        "https://www.detik.com/berita/d-1/harga-beras?single=1",
    ],
)
def test_canonical_url_folds_variants(variant: str) -> None:
    assert canonical_url(variant) == "https://detik.com/berita/d-1/harga-beras"


def test_canonical_url_keeps_what_names_the_article() -> None:
    assert canonical_url("https://x.co.id/read?id=7") != canonical_url("https://x.co.id/read?id=8")


@pytest.mark.parametrize(
    ("title", "site", "url", "expected"),
    [
        ("Harga Beras Naik - Kompas.com", None, "https://www.kompas.com/a", "Harga Beras Naik"),
        ("Harga Naik | Republika Online", None, "https://republika.co.id/a", "Harga Naik"),
        (
            "Harga: Naik - Turun - detikNews",
            "detikcom",
            "https://news.detik.com/a",
            "Harga: Naik - Turun",
        ),
        ("Kabar Nusantara | Banjir di Palembang", "Kabar Nusantara", None, "Banjir di Palembang"),
        ("Banjir di Palembang", "Kabar Nusantara", None, "Banjir di Palembang"),
    ],
)
def test_site_names_are_stripped_from_titles(title, site, url, expected) -> None:
    assert strip_site_suffix(title, site, url) == expected


def test_html_page_gives_text_title_date_author_and_drops_furniture() -> None:
    draft = from_html(article_page(**BERAS), "https://www.kompas.com/read/2025/06/18/beras")  # type: ignore[arg-type]
    assert draft.title == BERAS["title"]
    assert draft.outlet == "Kompas"  # by the page's host, not its (invented) site name
    assert draft.published == datetime(2025, 6, 18, 9, 30, tzinfo=draft.published.tzinfo)  # type: ignore[union-attr]
    assert draft.published.utcoffset().total_seconds() == 7 * 3600  # type: ignore[union-attr]
    assert draft.has_time and draft.author == "Rina Marlina"
    text = "\n".join(draft.paragraphs)
    for paragraph in BERAS["paragraphs"][1:]:
        assert paragraph in draft.paragraphs
    for furniture in ("Baca juga", "Beranda", "Bagikan", "Copyright", "Terpopuler", "Editor:"):
        assert furniture not in text


# --- the archive store ----------------------------------------------------------


def _article(root: Path, text: str = "Paragraf satu.") -> Article:
    article_id = store.make_id(datetime(2025, 6, 18, tzinfo=UTC), "Kabar Nusantara", "k")
    return Article(
        id=article_id,
        path=store.article_path(root, article_id),
        source=Source(
            outlet="Kabar Nusantara",
            title='Judul dengan "kutipan"',
            published=datetime(2025, 6, 18, 9, 30, tzinfo=UTC),
            has_time=True,
            url="https://kabarnusantara.co.id/berita/1",
            wires=("Reuters",),
            author="Rina",
        ),
        provenance={
            "outlet": "stated",
            "title": "stated",
            "published": "stated",
            "url": "stated",
            "wires": "stated",
            "author": "stated",
        },
        paragraphs=(text, "Paragraf dua."),
        added=Added(
            via="url",
            ref="https://kabarnusantara.co.id/berita/1",
            at=datetime(2025, 6, 19, 1, 2, 3, tzinfo=UTC),
            by="admin-7f3a",
        ),
    )


def test_archive_round_trip_is_plain_files(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    article = _article(root)
    store.write_article(root, article)
    assert article.id == "20250618-kabar-nusantara-13fbd79c3d"
    assert article.path == root / "2025" / "06" / f"{article.id}.txt"
    assert article.path.read_text(encoding="utf-8") == "Paragraf satu.\n\nParagraf dua.\n"
    toml = article.path.with_suffix(".toml").read_text(encoding="utf-8")
    assert toml.startswith(f'[articles."{article.id}"]\noutlet = "Kabar Nusantara"\n')
    assert 'added = { via = "url", ref = "https://kabarnusantara.co.id/berita/1"' in toml
    (loaded,) = load_archive(root).articles
    assert loaded == article


def test_interrupted_write_leaves_no_article(tmp_path: Path, monkeypatch) -> None:
    root = tmp_path / "archive"
    article = _article(root)
    real = os.replace

    def crash_on_toml(src, dst):
        if str(dst).endswith(".toml"):
            raise KeyboardInterrupt  # a kill between the two renames
        real(src, dst)

    monkeypatch.setattr(os, "replace", crash_on_toml)
    with pytest.raises(KeyboardInterrupt):
        store.write_article(root, article)
    monkeypatch.undo()
    assert load_archive(root).articles == ()
    assert [p.name for p in root.rglob("*") if p.is_file() and p.name != ".lock"] == []


def test_failed_update_keeps_the_old_text(tmp_path: Path, monkeypatch) -> None:
    root = tmp_path / "archive"
    store.write_article(root, _article(root))
    real = os.replace

    def full_disk(src, dst):
        if str(dst).endswith(".toml"):
            raise OSError(28, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError, match="No space left"):
        store.write_article(root, _article(root, "Paragraf baru."))
    monkeypatch.undo()
    (loaded,) = load_archive(root).articles
    assert loaded.paragraphs[0] == "Paragraf satu."


# --- the ingester --------------------------------------------------------------


def test_url_added_then_duplicate_then_updated(site: Site, tmp_path: Path) -> None:
    root = tmp_path / "archive"
    with Ingester(root) as ingester:
        first = ingester.add(site.url("/berita/beras"))
        again = ingester.add(site.url("/berita/beras?utm_source=wa"))
        site.beras_version = 2
        changed = ingester.add(site.url("/berita/beras"))
    assert first.status == "added" and first.article is not None
    assert again.status == "duplicate" and again.duplicate_of == first.article.id
    assert changed.status == "updated" and changed.article is not None
    assert changed.article.id == first.article.id
    (stored,) = load_archive(root).articles
    assert "Bulog" in stored.paragraphs[-1]
    assert stored.added is not None and stored.added.via == "url"


def test_near_identical_text_is_a_duplicate(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(TEXT_ARTICLE, encoding="utf-8")
    # The same report with its closing line rewritten and a tracking footer.
    second.write_text(
        TEXT_ARTICLE.replace("kapal cepat.", "kapal cepat dari Kupang.") + "\nIkuti kami.\n",
        encoding="utf-8",
    )
    with Ingester(root) as ingester:
        added = ingester.add(str(first))
        twin = ingester.add(str(second))
    assert added.status == "added" and added.article is not None
    assert twin.status == "duplicate" and twin.duplicate_of == added.article.id


def test_seed_text_is_not_added_again(tmp_path: Path, seeds_dir: Path) -> None:
    corpus = load_corpus(seeds_dir)
    seed = corpus.articles[0]
    with Ingester(tmp_path / "archive", corpus.articles) as ingester:
        result = ingester.add(str(seed.path))
    assert result.status == "duplicate" and result.duplicate_of == seed.id
    assert not (tmp_path / "archive").exists()


def test_dry_run_preview_then_commit(site: Site, tmp_path: Path) -> None:
    root = tmp_path / "archive"
    with Ingester(root, dry_run=True, added_by="admin-1") as ingester:
        preview = ingester.add(site.url("/berita/banjir"))
        assert preview.status == "added" and not root.exists()
        ingester.commit(preview)
    (stored,) = load_archive(root).articles
    assert preview.article is not None and stored.id == preview.article.id
    assert stored.added is not None and stored.added.by == "admin-1"


def test_feed_pass_then_304(site: Site, tmp_path: Path) -> None:
    root = tmp_path / "archive"
    with Ingester(root) as ingester:
        results = list(ingester.add_feed(site.url("/feed.xml")))
        assert [r.status for r in results] == ["added", "added"]
        assert all(r.article and r.article.added and r.article.added.via == "feed" for r in results)
        assert read_states(root)[site.url("/feed.xml")].etag == site.feed_etag
        assert list(ingester.add_feed(site.url("/feed.xml"))) == []
    feed_requests = [h for p, h in site.requests if p == "/feed.xml"]
    assert feed_requests[-1].get("If-None-Match") == site.feed_etag
    assert poll(site.url("/feed.xml"), read_states(root)[site.url("/feed.xml")]).not_modified


def test_a_page_that_is_not_a_feed(site: Site) -> None:
    with pytest.raises(IngestError, match="not an RSS or Atom feed"):
        poll(site.url("/indeks"))


def test_a_shared_client_is_used(site: Site, tmp_path: Path) -> None:
    with httpx.Client() as client, Ingester(tmp_path / "a", client=client) as ingester:
        assert ingester.add(site.url("/berita/gempa")).status == "added"
        assert ingester.client is client


def test_plain_text_url_goes_through_our_cleaner(site: Site, tmp_path: Path) -> None:
    with Ingester(tmp_path / "archive") as ingester:
        result = ingester.add(site.url("/teks.txt"))
    assert result.status == "added" and result.article is not None
    source = result.article.source
    assert source.title == "Bandara Baru di Pulau Rote Mulai Beroperasi Bulan Depan"
    assert source.published is not None and source.published.day == 12
    assert source.url == site.url("/teks.txt")
    assert not any(
        p.startswith(("Baca juga", "Bagikan", "KUPANG -")) for p in result.article.paragraphs
    )
