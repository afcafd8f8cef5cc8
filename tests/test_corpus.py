from __future__ import annotations

import logging
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from retrieval.corpus import load_corpus
from retrieval.dates import WIB
from retrieval.models import Corpus, CorpusError

ID_000 = "000_8799c207de8e574e"
ID_004 = "004_3f1231850dda2433"


@pytest.fixture(scope="module")
def corpus(seeds_dir: Path) -> Corpus:
    return load_corpus(seeds_dir)


@pytest.fixture
def bare_seeds(tmp_path: Path, seeds_dir: Path) -> Path:
    """Copies of seeds 000 and 004 with no metadata file."""
    target = tmp_path / "seeds"
    target.mkdir()
    for article_id in (ID_000, ID_004):
        shutil.copyfile(seeds_dir / f"{article_id}.txt", target / f"{article_id}.txt")
    return target


def _error(seeds: Path, metadata: Path | None = None, archive: Path | None = None) -> str:
    with pytest.raises(CorpusError) as info:
        load_corpus(seeds, archive, metadata_path=metadata)
    message = str(info.value)
    assert "\n" not in message
    return message


# --- the project's seeds ----------------------------------------------------


def test_seed_corpus(corpus: Corpus, seeds_dir: Path) -> None:
    assert [a.id for a in corpus.articles] == sorted(p.stem for p in seeds_dir.glob("*.txt"))
    assert corpus.warnings == ()
    for article in corpus.articles:
        raw = article.path.read_text(encoding="utf-8")
        assert article.paragraphs and article.added is None
        # a paragraph is one scraped line, at most with its dateline cut off
        for paragraph in article.paragraphs:
            assert paragraph and "\n" not in paragraph and paragraph in raw


def test_seed_articles_carry_their_metadata(corpus: Corpus, seeds_dir: Path) -> None:
    article = corpus.article("003_8b1db099ec59a2e9")
    assert article.path == seeds_dir / "003_8b1db099ec59a2e9.txt"
    assert article.source.outlet == "Republika"
    assert article.source.title == "China-Rusia Kompak Tolak Intervensi Barat"
    assert article.source.published == datetime(2021, 12, 17, 2, 5, tzinfo=WIB)
    assert article.source.has_time is True
    assert article.source.wires == ("Xinhua", "Reuters")  # the file wins over the text's guesses
    assert article.provenance["url"] == "looked-up"
    assert article.paragraphs[0].startswith("Presiden Rusia Vladimir Putin dan Presiden China")


def test_every_seed_article_is_dated_and_titled(corpus: Corpus) -> None:
    for article in corpus.articles:
        assert article.source.published is not None
        assert article.source.published.tzinfo is not None
        assert article.source.title
        assert article.source.outlet
        assert set(article.provenance) >= {"outlet", "title", "published"}
    assert corpus.article(ID_004).source.url is None


def test_metadata_path_can_point_elsewhere(tmp_path: Path, bare_seeds: Path) -> None:
    metadata = tmp_path / "meta.toml"
    metadata.write_text(
        f'[articles."{ID_000}"]\nurl = "https://www.republika.co.id/x"\n'
        'provenance = { url = "looked-up" }\n',
        encoding="utf-8",
    )
    corpus = load_corpus(bare_seeds, metadata_path=metadata)
    assert corpus.article(ID_000).source.url == "https://www.republika.co.id/x"
    assert corpus.article(ID_000).source.outlet == "Republika"  # still taken from the text
    assert len(corpus.warnings) == 1  # only 004 lacks an entry
    assert corpus.warnings[0].startswith(f"seeds/{ID_004}.txt: no metadata entry")


# --- articles without metadata ----------------------------------------------


def test_without_metadata_the_text_speaks(bare_seeds: Path) -> None:
    corpus = load_corpus(bare_seeds)
    first, second = corpus.articles
    assert first.id == ID_000
    assert first.source.outlet == "Republika"  # from "REPUBLIKA.CO.ID, MOSKOW –"
    assert first.source.published is None  # "Kamis (23/12)" has no year
    assert first.source.title is None
    assert first.source.wires == ("TASS", "Bloomberg")
    assert dict(first.provenance) == {"outlet": "stated", "wires": "stated"}

    assert second.id == ID_004
    assert second.source.outlet is None
    assert (
        second.source.title
        == "Putin Ajak Xi Jinping Perkuat Kerja Sama Militer, Puji Usaha Lawan Barat"
    )
    assert second.source.published == datetime(2022, 12, 30, 17, 54, tzinfo=WIB)
    assert second.source.has_time is True
    assert second.source.wires == ("AFP", "Reuters", "TASS")
    assert second.provenance["published"] == "stated"


def test_one_warning_per_file_without_metadata(
    bare_seeds: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="retrieval.corpus"):
        corpus = load_corpus(bare_seeds)
    assert corpus.warnings == (
        f"seeds/{ID_000}.txt: no metadata entry; missing title, published, url",
        f"seeds/{ID_004}.txt: no metadata entry; missing outlet, url",
    )
    logged = [r.getMessage() for r in caplog.records if r.name == "retrieval.corpus"]
    assert logged == list(corpus.warnings)


# --- errors -----------------------------------------------------------------


def test_missing_dir(tmp_path: Path) -> None:
    assert "nope" in _error(tmp_path / "nope")


def test_empty_dir(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    assert "empty" in _error(tmp_path / "seeds")


def test_dir_without_txt_files(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "metadata.toml").write_text("", encoding="utf-8")
    (seeds / "notes.md").write_text("x", encoding="utf-8")
    assert "no .txt" in _error(seeds)


def test_file_that_is_not_utf8(bare_seeds: Path) -> None:
    (bare_seeds / "001_latin1.txt").write_bytes("Berita ini ditulis pada café.\n".encode("latin-1"))
    message = _error(bare_seeds)
    assert "001_latin1.txt" in message
    assert "UTF-8" in message


def test_file_with_no_paragraphs(bare_seeds: Path) -> None:
    (bare_seeds / "001_ads.txt").write_text("ADVERTISEMENT\n\nBagikan:\n", encoding="utf-8")
    message = _error(bare_seeds)
    assert "001_ads.txt" in message
    assert "no body paragraphs" in message


def test_invalid_metadata_is_reported_with_file_article_and_field(bare_seeds: Path) -> None:
    (bare_seeds / "metadata.toml").write_text(
        f'[articles."{ID_004}"]\npublished = "kemarin"\nprovenance = {{ published = "stated" }}\n',
        encoding="utf-8",
    )
    assert _error(bare_seeds) == (
        f"seeds/metadata.toml: articles.\"{ID_004}\".published: cannot parse date 'kemarin'"
    )


def test_metadata_for_a_missing_article(bare_seeds: Path) -> None:
    (bare_seeds / "metadata.toml").write_text(
        '[articles."001_gone"]\ntitle = "x"\nprovenance = { title = "stated" }\n', encoding="utf-8"
    )
    message = _error(bare_seeds)
    assert message.startswith('seeds/metadata.toml: articles."001_gone"')


def test_explicit_metadata_path_must_exist(tmp_path: Path, bare_seeds: Path) -> None:
    assert "missing.toml" in _error(bare_seeds, tmp_path / "missing.toml")


def test_unreadable_article_file_is_an_error(bare_seeds: Path) -> None:
    (bare_seeds / "001_gone.txt").symlink_to(bare_seeds / "nowhere.txt")
    assert _error(bare_seeds) == "seeds/001_gone.txt: a broken symlink"


@pytest.mark.parametrize("kind", ["directory", "dangling symlink", "invalid TOML"])
def test_broken_metadata_file_is_an_error(bare_seeds: Path, kind: str) -> None:
    meta = bare_seeds / "metadata.toml"
    if kind == "directory":
        meta.mkdir()
    elif kind == "dangling symlink":
        meta.symlink_to(bare_seeds / "nowhere.toml")
    else:
        meta.write_text("[articles\n", encoding="utf-8")
    message = _error(bare_seeds)
    assert message.startswith("seeds/metadata.toml: ")


# --- at archive size: skipped files and summarised warnings --------------------


def test_many_warnings_become_one_line_per_kind(
    bare_seeds: Path, caplog: pytest.LogCaptureFixture
) -> None:
    text = (bare_seeds / f"{ID_004}.txt").read_text(encoding="utf-8")
    for n in range(8):
        (bare_seeds / f"1{n:02d}_copy.txt").write_text(text, encoding="utf-8")
    (bare_seeds / "200_huge.txt").write_text(text * 40, encoding="utf-8")
    (bare_seeds / "201_blob.txt").write_bytes(b"\x00\x01" * 50)
    with caplog.at_level(logging.WARNING, logger="retrieval.corpus"):
        corpus = load_corpus(bare_seeds, max_file_bytes=len(text.encode()) * 2)
    assert {"200_huge", "201_blob"}.isdisjoint(a.id for a in corpus.articles)
    missing = [w for w in corpus.warnings if "no metadata entry; missing outlet, url" in w]
    assert missing == [
        "9 files: no metadata entry; missing outlet, url (e.g. seeds/004_3f1231850dda2433.txt,"
        " seeds/100_copy.txt, seeds/101_copy.txt, seeds/102_copy.txt, seeds/103_copy.txt, ...)"
    ]
    assert any(w.startswith("seeds/200_huge.txt: skipped: larger than") for w in corpus.warnings)
    assert not any(" 0 MB" in w for w in corpus.warnings)
    assert "seeds/201_blob.txt: skipped: binary data" in corpus.warnings
    logged = [r.getMessage() for r in caplog.records if r.name == "retrieval.corpus"]
    assert logged == list(corpus.warnings) and len(logged) == 4


def _archive_article(root: Path, article_id: str, paragraphs: str, toml: str | None = None) -> None:
    folder = root / "2025" / "06"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{article_id}.txt").write_text(paragraphs, encoding="utf-8")
    if toml is None:
        toml = (
            f'[articles."{article_id}"]\noutlet = "Kabar Nusantara"\ntitle = "Judul"\n'
            'published = "2025-06-18"\nauthor = "Rina"\n'
            'provenance = { outlet = "stated", title = "stated", published = "stated",'
            ' author = "stated" }\n\n'
            f'[articles."{article_id}".added]\nvia = "file"\nref = "x.txt"\n'
            "at = 2025-06-19T01:02:03+00:00\n"
        )
    (folder / f"{article_id}.toml").write_text(toml, encoding="utf-8")


def test_archive_articles_load_as_stored(corpus: Corpus, seeds_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "archive"
    # Stored text is already clean: a line the cleaner would cut stays as it is.
    stored = "JAKARTA - Paragraf pertama.\n\nBaca juga: paragraf kedua.\n"
    _archive_article(root, "20250618-kabar-nusantara-0123456789", stored)
    both = load_corpus(seeds_dir, root)
    assert both.articles[: len(corpus.articles)] == corpus.articles
    added = both.articles[-1]
    assert added.paragraphs == ("JAKARTA - Paragraf pertama.", "Baca juga: paragraf kedua.")
    assert added.source.outlet == "Kabar Nusantara" and added.source.author == "Rina"
    assert added.added is not None and added.added.via == "file"
    assert both.warnings == ()


def test_half_added_article_is_invisible(seeds_dir: Path, corpus: Corpus, tmp_path: Path) -> None:
    root = tmp_path / "archive"
    (root / "2025" / "06").mkdir(parents=True)
    (root / "2025" / "06" / "20250618-web-0123456789.txt").write_text("Teks.\n", encoding="utf-8")
    (root / "2025" / "06" / ".20250618-web-0123456789.toml.x1.tmp").write_text(
        "[", encoding="utf-8"
    )
    both = load_corpus(seeds_dir, root)
    assert both.articles == corpus.articles
    assert both.warnings == (
        f"{root}/2025/06/20250618-web-0123456789.txt: skipped: no .toml beside it"
        " (an interrupted add?)",
    )


def test_broken_archive_entry_is_one_error(seeds_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "archive"
    _archive_article(root, "20250618-web-0123456789", "Teks.\n", toml="[articles.\n")
    message = _error(seeds_dir, archive=root)
    assert message.startswith("archive/2025/06/20250618-web-0123456789.toml: invalid TOML")


def test_archive_id_may_not_shadow_a_seed(seeds_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "archive"
    _archive_article(root, ID_000, "Teks.\n")
    assert "already a seed" in _error(seeds_dir, archive=root)
