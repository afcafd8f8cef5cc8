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


def _error(seeds: Path, metadata: Path | None = None) -> str:
    with pytest.raises(CorpusError) as info:
        load_corpus(seeds, metadata)
    message = str(info.value)
    assert "\n" not in message
    return message


# --- the project's seeds ----------------------------------------------------


def test_seed_corpus(corpus: Corpus, seeds_dir: Path) -> None:
    assert [a.id for a in corpus.articles] == sorted(p.stem for p in seeds_dir.glob("*.txt"))
    assert [len(a.paragraphs) for a in corpus.articles] == [7, 13, 15, 9, 21]
    assert corpus.warnings == ()


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
    corpus = load_corpus(bare_seeds, metadata)
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
    assert len(second.paragraphs) == 21


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
