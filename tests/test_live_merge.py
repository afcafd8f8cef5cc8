"""The watcher folds a delta segment that grew large into the main index."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import live as live_module
from retrieval.corpus import load_corpus
from tests.bot_fixtures import live_index
from tests.test_cache_delta import add, reprint


async def test_a_large_delta_is_merged_and_a_small_one_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds, archive, cache, live = live_index(tmp_path)
    archive.mkdir()
    originals = list(load_corpus(seeds).articles)
    first, second = (reprint(a, n, archive) for n, a in enumerate(originals[:2], start=1))

    add(archive, [first])
    done = await live.refresh()
    assert (done.kind, done.added) == ("delta", 1)
    assert live.current.index.delta is not None
    assert len(list(cache.glob("corpus-*/delta-*"))) == 1  # saved with the index

    # Past the thresholds the next add merges: one main index, no delta.
    monkeypatch.setattr(live_module, "MERGE_MIN_ROWS", 0)
    monkeypatch.setattr(live_module, "MERGE_SHARE", 0.0)
    add(archive, [second])
    done = await live.refresh()
    assert done.kind == "full"
    assert live.current.index.delta is None
    assert list(cache.glob("corpus-*/delta-*")) == []
    assert len(list(cache.glob("corpus-*/index-*"))) == 1
    corpus = live.current.corpus
    assert corpus.find(first.id) is not None and corpus.find(second.id) is not None
    assert len(corpus.articles) == len(originals) + 2
