"""An article added while the bot runs (``/tambah``, a feed poll) is saved with
the index: the next start loads it and indexes nothing again."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval import Retriever
from retrieval import retriever as retriever_module
from retrieval.corpus import load_corpus
from retrieval.index import Index
from retrieval.ingest import Ingester
from tests import ingest_site
from tests.bot_fixtures import live_index

QUESTION = "Berapa panjang landasan bandara di Pulau Rote?"


def _never(*args: object, **kwargs: object) -> object:
    raise AssertionError("the corpus was read or indexed again")


async def test_an_article_added_live_is_not_indexed_again_at_the_next_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds, archive, cache, live = live_index(tmp_path)
    source = tmp_path / "rote.txt"
    source.write_text(ingest_site.TEXT_ARTICLE, encoding="utf-8")
    with Ingester(archive, live.current.corpus.articles, added_by="admin") as ingester:
        added = ingester.add(str(source))
    assert added.status == "added" and added.article is not None
    assert await live.add_articles([added.article]) == 1
    best = live.current.ask(QUESTION, k=1).best
    assert best is not None and best.article_id == added.article.id
    assert len(list(cache.glob("corpus-*/delta-*"))) == 1  # saved with the index

    # The next start reads no article file and analyses nothing.
    for name in ("load_corpus", "load_entry"):
        monkeypatch.setattr(retriever_module, name, _never)
    monkeypatch.setattr(Index, "build", _never)
    monkeypatch.setattr(Index, "extend", _never)
    restarted = Retriever.load(seeds, cache_dir=cache, english_dict=None, archive_dir=archive)
    monkeypatch.undo()
    assert restarted.index.delta_articles == (added.article,)
    # And it answers like a rebuild of the files.
    rebuilt = Retriever(Index.build(load_corpus(seeds, archive)))
    questions = [QUESTION, *(" ".join(p.split()[1:8]) for p in added.article.paragraphs)]
    for q in questions:
        assert restarted.ask(q, k=10) == rebuilt.ask(q, k=10), q


async def test_a_live_add_the_files_do_not_match_is_not_saved(tmp_path: Path) -> None:
    """An article that was never written to the archive (or differs from its
    files) stays in memory only: the next start goes by the files."""
    seeds, archive, cache, live = live_index(tmp_path)
    source = tmp_path / "rote.txt"
    source.write_text(ingest_site.TEXT_ARTICLE, encoding="utf-8")
    with Ingester(archive, live.current.corpus.articles, dry_run=True) as ingester:
        preview = ingester.add(str(source))
    assert preview.article is not None
    assert await live.add_articles([preview.article]) == 1
    assert list(cache.glob("corpus-*/delta-*")) == []
    restarted = Retriever.load(seeds, cache_dir=cache, english_dict=None, archive_dir=archive)
    assert restarted.corpus.find(preview.article.id) is None
