"""The saved index as a user meets it: a restart after articles were added to
the archive indexes only those (a delta saved beside the main index) and
answers exactly like a full rebuild; the saved corpus reads like the loaded
one; ``merge`` folds the delta back into one main index."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from retrieval import cache
from retrieval import retriever as retriever_module
from retrieval.corpus import load_corpus
from retrieval.index import Index
from retrieval.ingest.archive import article_path, write_article
from retrieval.models import Article, Corpus
from retrieval.retriever import Retriever, cache_status
from tests.bot_fixtures import SEEDS_DIR

QUESTIONS = [
    "Berapa nilai perdagangan bilateral Rusia dan China?",
    "Siapa Yuri Ushakov?",
    "vaksin sputnik",
    "Siapa presiden Prancis?",
    "harga cabai rawit",
]


def reprint(article: Article, n: int, archive: Path) -> Article:
    """A seed article as another outlet's archive copy (a near-duplicate),
    dated after every seed, so it sorts after the archive's older entries."""
    published = datetime(2099, 1, 1 + n, 9, 0).astimezone()
    article_id = f"{published:%Y%m%d}-salinan-{n:04d}"
    source = replace(article.source, outlet="Salinan", published=published, url=None)
    new = replace(article, id=article_id, source=source, path=Path())
    return replace(new, path=article_path(archive, article_id).with_suffix(".txt"))


def add(archive: Path, articles: list[Article]) -> None:
    for a in articles:
        a.path.parent.mkdir(parents=True, exist_ok=True)
        write_article(archive, a)


def questions_about(articles: list[Article]) -> list[str]:
    """Questions from the corpus itself: a stretch of each paragraph's words."""
    found = list(QUESTIONS)
    for a in articles:
        for p in a.paragraphs[:3]:
            found.append(" ".join(p.split()[2:9]))
    return found


def folder_files(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}


@pytest.fixture
def corpus_dirs(tmp_path: Path) -> tuple[Path, Path, Path]:
    seeds, archive, cache_dir = tmp_path / "seeds", tmp_path / "archive", tmp_path / "cache"
    shutil.copytree(SEEDS_DIR, seeds)
    archive.mkdir()
    return seeds, archive, cache_dir


def test_restart_after_an_add_indexes_only_the_new_articles_like_a_rebuild(
    corpus_dirs: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds, archive, cache_dir = corpus_dirs
    originals = list(load_corpus(seeds).articles)
    add(archive, [reprint(originals[0], 1, archive)])
    first = Retriever.load(seeds, cache_dir=cache_dir, english_dict=None, archive_dir=archive)
    (main,) = cache_dir.glob("corpus-*/index-*")
    saved = folder_files(main)

    new = [reprint(a, n, archive) for n, a in enumerate(originals[1:3], start=2)]
    add(archive, new)
    # The next start neither reads the old articles nor analyses them again.
    reads: list[Path] = []
    real_build = Index.build

    def build(corpus: Corpus, *args: object, **kwargs: object) -> Index:
        reads.append(Path("build"))
        return real_build(corpus, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Index, "build", build)
    restarted = Retriever.load(seeds, cache_dir=cache_dir, english_dict=None, archive_dir=archive)
    assert reads == []
    assert folder_files(main) == saved  # the main index was not rewritten
    (delta,) = cache_dir.glob("corpus-*/delta-*")
    assert len(restarted.corpus.articles) == len(first.corpus.articles) + len(new)
    # Exactly a rebuild's answers: hits, scores, order, near-duplicates, declines.
    monkeypatch.undo()
    rebuilt = Retriever(Index.build(load_corpus(seeds, archive)))
    questions = questions_about(new)
    for q in questions:
        assert restarted.ask(q, k=10) == rebuilt.ask(q, k=10), q
    assert restarted.corpus.newest(len(rebuilt.corpus.articles)) == rebuilt.corpus.newest(
        len(rebuilt.corpus.articles)
    )
    assert restarted.corpus.article(new[-1].id) == rebuilt.corpus.article(new[-1].id)

    # A second restart loads the saved delta: no article file is read at all.
    def no_reading(*args: object, **kwargs: object) -> Corpus:
        raise AssertionError("the corpus was read again")

    monkeypatch.setattr(retriever_module, "load_corpus", no_reading)
    monkeypatch.setattr(retriever_module, "load_entry", no_reading)
    again = Retriever.load(seeds, cache_dir=cache_dir, english_dict=None, archive_dir=archive)
    monkeypatch.undo()
    for q in questions:
        assert again.ask(q, k=10) == rebuilt.ask(q, k=10), q
    assert cache_status(seeds, cache_dir, archive_dir=archive) == (delta, True)

    # Merging (tanyaberita index) leaves one main index with the same answers.
    merged = Retriever.load(
        seeds, cache_dir=cache_dir, english_dict=None, archive_dir=archive, merge=True
    )
    assert merged.index.delta is None
    assert list(cache_dir.glob("corpus-*/delta-*")) == []
    ((only,),) = [list(cache_dir.glob("corpus-*/index-*"))]
    assert only != main
    for q in questions:
        assert merged.ask(q, k=10) == rebuilt.ask(q, k=10), q


def test_a_changed_or_removed_file_still_means_a_full_rebuild(
    corpus_dirs: tuple[Path, Path, Path],
) -> None:
    seeds, archive, cache_dir = corpus_dirs
    originals = list(load_corpus(seeds).articles)
    copies = [reprint(a, n, archive) for n, a in enumerate(originals[:2], start=1)]
    add(archive, copies)
    Retriever.load(seeds, cache_dir=cache_dir, english_dict=None, archive_dir=archive)
    edited = copies[0].path
    edited.write_text(
        "Harga cabai rawit di Kota Contoh naik dua kali lipat pekan ini.\n", encoding="utf-8"
    )
    copies[1].path.with_suffix(".toml").unlink()
    copies[1].path.unlink()
    later = Retriever.load(seeds, cache_dir=cache_dir, english_dict=None, archive_dir=archive)
    assert later.index.delta is None
    assert list(cache_dir.glob("corpus-*/delta-*")) == []
    best = later.ask("Berapa harga cabai rawit di Kota Contoh?").best
    assert best is not None and best.article_id == copies[0].id
    assert later.corpus.find(copies[1].id) is None


def test_saved_corpus_reads_like_the_loaded_one(
    corpus_dirs: tuple[Path, Path, Path],
) -> None:
    seeds, archive, cache_dir = corpus_dirs
    originals = list(load_corpus(seeds).articles)
    add(archive, [reprint(a, n, archive) for n, a in enumerate(originals[:2], start=1)])
    loaded = load_corpus(seeds, archive)
    Retriever.load(seeds, cache_dir=cache_dir, english_dict=None, archive_dir=archive)
    saved = Retriever.load(seeds, cache_dir=cache_dir, english_dict=None, archive_dir=archive)
    corpus = saved.corpus
    assert corpus == loaded
    assert list(corpus.articles) == list(loaded.articles)
    for n in (0, 1, 3, len(loaded.articles) + 5):
        assert corpus.newest(n) == loaded.newest(n)
    for i, a in enumerate(loaded.articles):
        assert corpus.position(a.id) == i and corpus.find(a.id) == a
        assert corpus.paragraph(i, len(a.paragraphs)) == a.paragraphs[-1]
    assert corpus.find("no-such-article") is None
    # Newest first across the main index and a delta, ties in corpus order.
    tie = replace(originals[2], id="zz-tie", source=loaded.newest(1)[0].source)
    undated = replace(
        originals[3], id="zz-undated", source=replace(originals[3].source, published=None)
    )
    early = replace(
        originals[4],
        id="zz-early",
        source=replace(originals[4].source, published=datetime(1990, 1, 1).astimezone()),
    )
    extended = saved.add_articles([tie, undated, early])
    plain = Corpus((*loaded.articles, tie, undated, early))
    for n in (1, 2, 5, len(plain.articles)):
        assert extended.corpus.newest(n) == plain.newest(n)
    assert extended.corpus.position("zz-undated") == len(loaded.articles) + 1


def test_extend_shares_the_main_segment(corpus_dirs: tuple[Path, Path, Path]) -> None:
    """Adding an article leaves the saved arrays in place (no copy of the
    main postings or vocabulary), and a later add absorbs the delta."""
    seeds, archive, cache_dir = corpus_dirs
    originals = list(load_corpus(seeds).articles)
    Retriever.load(seeds, cache_dir=cache_dir, english_dict=None, archive_dir=archive)
    saved = Retriever.load(seeds, cache_dir=cache_dir, english_dict=None, archive_dir=archive)
    one = saved.add_articles([reprint(originals[0], 1, archive)])
    assert one.index.main is saved.index.main
    two = one.add_articles([reprint(originals[1], 2, archive)])
    assert two.index.base is saved.index and len(two.index.delta_articles) == 2
    rebuilt = Retriever(Index.build(Corpus(tuple(two.corpus.articles))))
    for q in questions_about(list(two.index.delta_articles)):
        assert two.ask(q, k=10) == rebuilt.ask(q, k=10), q


def test_damaged_delta_is_rebuilt(corpus_dirs: tuple[Path, Path, Path]) -> None:
    seeds, archive, cache_dir = corpus_dirs
    originals = list(load_corpus(seeds).articles)
    Retriever.load(seeds, cache_dir=cache_dir, english_dict=None, archive_dir=archive)
    new = reprint(originals[0], 1, archive)
    add(archive, [new])
    Retriever.load(seeds, cache_dir=cache_dir, english_dict=None, archive_dir=archive)
    (delta,) = cache_dir.glob("corpus-*/delta-*")
    (delta / "indices.npy").write_bytes(b"garbage")
    again = Retriever.load(seeds, cache_dir=cache_dir, english_dict=None, archive_dir=archive)
    assert again.corpus.find(new.id) == load_corpus(seeds, archive).find(new.id)
    assert cache.load(delta.parent, again.index.fingerprint, again.index.settings).delta is not None


def test_the_stamp_moves_when_an_article_is_added_a_day_later(
    corpus_dirs: tuple[Path, Path, Path],
) -> None:
    """An added archive article is seen at the next start (the folder stamp
    changes), even in a month folder that already existed."""
    seeds, archive, cache_dir = corpus_dirs
    originals = list(load_corpus(seeds).articles)
    first = reprint(originals[0], 1, archive)
    add(archive, [first])
    Retriever.load(seeds, cache_dir=cache_dir, english_dict=None, archive_dir=archive)
    second = reprint(originals[1], 2, archive)
    assert second.path.parent == first.path.parent
    add(archive, [second])
    later = Retriever.load(seeds, cache_dir=cache_dir, english_dict=None, archive_dir=archive)
    assert later.corpus.find(second.id) == load_corpus(seeds, archive).find(second.id)
    assert later.index.delta is not None
    assert timedelta(0) < second.source.published - first.source.published  # type: ignore[operator]
