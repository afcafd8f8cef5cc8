"""Adding an article to a big archive reads what the archive holds from the
columns saved with the index (URLs, text hashes, shingles), not from every
article: and finds exactly the duplicates the articles themselves give."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from retrieval.corpus import load_corpus
from retrieval.ingest import Ingester, IngestResult
from retrieval.known import ingester_for, known_for
from retrieval.retriever import Retriever
from retrieval.tables import SavedArticles
from tests import ingest_site
from tests.bot_fixtures import SEEDS_DIR

ROTE_URL = "https://kabar.example/daerah/bandara-rote"
NEW_TEXT = (
    "Pemerintah kabupaten membuka pasar ikan higienis di pesisir utara pada Senin pagi,"
    " lengkap dengan ruang pendingin dan tempat pelelangan baru.\n\n"
    "Bupati mengatakan pasar itu dibangun agar nelayan tidak lagi menjual hasil tangkapan"
    " di pinggir jalan yang becek dan sempit.\n\n"
    "Para pedagang menyambut baik pasar tersebut, meski sebagian masih menunggu pembagian"
    " los yang dijanjikan pekan depan.\n"
)

EXTRA_TEXT = (
    "Sekolah dasar di lereng gunung itu akhirnya menerima sambungan listrik setelah"
    " bertahun-tahun belajar dengan lampu minyak.\n\n"
    "Kepala sekolah menyebut murid kini bisa memakai komputer bantuan yang sejak lama"
    " tersimpan di gudang karena tidak ada daya.\n\n"
    "Perusahaan listrik daerah berjanji menyambung tiga desa lain di sekitarnya"
    " sebelum akhir tahun.\n"
)

MORE = (
    "Sementara itu, warga di sekitar lokasi berharap pemerintah segera memberi penjelasan"
    " yang lebih lengkap kepada masyarakat pekan depan."
)


def outcome(r: IngestResult) -> tuple[str, str | None, str | None]:
    return r.status, r.duplicate_of, r.article.id if r.article is not None else None


@pytest.fixture
def corpus_dirs(tmp_path: Path) -> tuple[Path, Path, Path]:
    seeds, archive, cache_dir = tmp_path / "seeds", tmp_path / "archive", tmp_path / "cache"
    shutil.copytree(SEEDS_DIR, seeds)
    rote = tmp_path / "rote.txt"
    rote.write_text(ingest_site.TEXT_ARTICLE, encoding="utf-8")
    with Ingester(archive) as ingester:
        assert ingester.add(str(rote), source_url=ROTE_URL).status == "added"
    return seeds, archive, cache_dir


def inputs(tmp_path: Path, seeds: Path) -> list[tuple[str, str | None]]:
    """(file, source URL): the archive's article again (same URL, or another
    one, or updated), a seed as scraped, with a new opening or one paragraph
    more (a near-duplicate), a new story."""
    seed = sorted(seeds.glob("*.txt"))[1]
    raw = seed.read_text(encoding="utf-8")
    made: list[tuple[str, str | None]] = []
    for name, text, url in [
        ("same-url.txt", ingest_site.TEXT_ARTICLE, ROTE_URL),
        ("other-url.txt", ingest_site.TEXT_ARTICLE, "https://lain.example/rote"),
        ("updated.txt", ingest_site.TEXT_ARTICLE.replace("2.100", "2.400"), ROTE_URL),
        ("seed.txt", raw, None),
        ("seed-intro.txt", "Berita ini diterbitkan ulang dengan izin.\n\n" + raw, None),
        ("seed-more.txt", raw.rstrip() + "\n\n" + MORE, None),
        ("new.txt", NEW_TEXT, None),
    ]:
        path = tmp_path / "in" / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        made.append((str(path), url))
    return made


def test_the_saved_lookups_find_what_the_articles_find(
    corpus_dirs: tuple[Path, Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds, archive, cache_dir = corpus_dirs
    Retriever.load(seeds, cache_dir=cache_dir, english_dict=None, archive_dir=archive)
    saved = Retriever.load(seeds, cache_dir=cache_dir, english_dict=None, archive_dir=archive)
    # A delta article (added while running) is known too.
    extra = tmp_path / "extra.txt"
    extra.write_text(EXTRA_TEXT, encoding="utf-8")
    with Ingester(archive, load_corpus(seeds, archive).articles) as ingester:
        delta = ingester.add(str(extra))
    assert delta.status == "added" and delta.article is not None
    live = saved.add_articles([delta.article])
    todo = [*inputs(tmp_path, seeds), (str(extra), None)]

    expected = []
    with Ingester(archive, list(live.corpus.articles), dry_run=True) as ingester:
        for path, url in todo:
            expected.append(outcome(ingester.add(path, source_url=url)))
    assert {s for s, _, _ in expected} == {"duplicate", "updated", "added"}

    built: list[int] = []
    real: Callable[[SavedArticles, int], object] = SavedArticles._build

    def counted(self: SavedArticles, i: int) -> object:
        built.append(i)
        return real(self, i)

    monkeypatch.setattr(SavedArticles, "_build", counted)
    assert known_for(live.corpus) is not None
    got = []
    with ingester_for(archive, live.corpus, dry_run=True) as ingester:
        for path, url in todo:
            got.append(outcome(ingester.add(path, source_url=url)))
    assert got == expected
    assert len(built) <= len(todo)  # only the articles a result names


def test_a_corpus_without_a_saved_index_is_read_from_its_articles(
    corpus_dirs: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    seeds, archive, _ = corpus_dirs
    corpus = load_corpus(seeds, archive)
    assert known_for(corpus) is None
    with ingester_for(archive, corpus, dry_run=True) as ingester:
        found = ingester.add(inputs(tmp_path, seeds)[0][0], source_url=ROTE_URL)
    assert found.status == "duplicate"
