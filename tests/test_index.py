"""The index: inverted scoring against a dense reference, top-k, duplicates, cache."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import numpy as np
import pytest

from retrieval import cache
from retrieval.corpus import load_corpus
from retrieval.duplicates import near_duplicates
from retrieval.index import Index, IndexSettings, corpus_fingerprint, top_k
from retrieval.models import Corpus
from retrieval.retriever import Retriever


@pytest.fixture(scope="module")
def corpus(seeds_dir: Path) -> Corpus:
    return load_corpus(seeds_dir)


@pytest.fixture(scope="module")
def index(corpus: Corpus) -> Index:
    return Index.build(corpus)


def test_index_holds_every_paragraph(index: Index, corpus: Corpus):
    assert len(index) == sum(len(a.paragraphs) for a in corpus.articles) == 65
    assert index.matrix.format == "csc"
    assert index.matrix.shape == (65, len(index.vocabulary))


@pytest.mark.parametrize(
    "query",
    ["perdagangan bilateral rusia china", "vaksin sputnik", "menteri pertahanan li shangfu"],
)
def test_inverted_scores_equal_dense_reference(index: Index, query: str):
    weights = {
        index.vocabulary[t]: float(index.idf[index.vocabulary[t]])
        for t in index.analyzer.document_terms(query)
        if t in index.vocabulary
    }
    rows, scores = index.score(weights)
    q = np.zeros(len(index.vocabulary))
    for col, w in weights.items():
        q[col] = w
    dense = index.matrix.toarray() @ q
    touched = np.flatnonzero(dense)
    assert rows.tolist() == touched.tolist()
    np.testing.assert_allclose(scores, dense[touched])
    # Same ranking as sorting the dense scores.
    k = min(5, len(touched))
    assert rows[top_k(scores, k)].tolist() == np.argsort(-dense, kind="stable")[:k].tolist()


def test_score_of_nothing_is_empty(index: Index):
    rows, scores = index.score({})
    assert rows.size == 0 and scores.size == 0


def test_top_k_orders_best_first_with_ties_in_corpus_order():
    scores = np.array([0.1, 0.9, 0.5, 0.9, 0.0])
    assert top_k(scores, 3).tolist() == [1, 3, 2]
    assert top_k(scores, 10).tolist() == [1, 3, 2, 0, 4]
    assert top_k(scores, 0).tolist() == []


def test_near_duplicates_pair_the_two_republika_reports(index: Index, corpus: Corpus):
    pairs = {
        tuple(
            sorted(
                (corpus.articles[index.refs[a].article].id[:3], index.refs[a].number)
                for a in (row, other)
            )
        )
        for row, others in index.duplicates.items()
        for other in others
    }
    # Xi on "demokrasi" and Ushakov on security guarantees, carried by 000 and 003.
    assert pairs == {(("000", 6), ("003", 2)), (("000", 7), ("003", 3))}


def test_near_duplicates_ignore_same_article_and_unrelated_text():
    texts = [
        "Putin dan Xi sepakat menolak intervensi Barat terhadap negara mereka hari ini.",
        "Putin dan Xi sepakat menolak intervensi Barat terhadap negara mereka hari ini.",
        "Harga cabai di pasar tradisional naik tajam menjelang akhir tahun ini.",
    ]
    assert near_duplicates(texts, [0, 0, 1]) == {}
    assert near_duplicates(texts, [0, 1, 2]) == {0: [1], 1: [0]}


def test_fingerprint_follows_text_and_settings(corpus: Corpus):
    base = corpus_fingerprint(corpus, IndexSettings())
    assert base == corpus_fingerprint(corpus, IndexSettings())
    assert base != corpus_fingerprint(corpus, IndexSettings(sublinear_tf=False))
    edited = Corpus(corpus.articles[:-1])
    assert base != corpus_fingerprint(edited, IndexSettings())


def test_cache_round_trip(index: Index, corpus: Corpus, tmp_path: Path):
    cache.save(index, tmp_path)
    loaded = cache.load(tmp_path, index.fingerprint, index.settings, corpus)
    assert loaded.vocabulary == index.vocabulary
    assert loaded.refs == index.refs
    assert loaded.duplicates == index.duplicates
    assert loaded.surface == index.surface
    assert loaded.texts == index.texts  # bound to the corpus on load
    assert (loaded.matrix != index.matrix).nnz == 0
    np.testing.assert_array_equal(loaded.idf, index.idf)


def test_retriever_reuses_fresh_cache_and_answers_alike(seeds_dir: Path, tmp_path: Path):
    first = Retriever.load(seeds_dir, cache_dir=tmp_path, english_dict=None)
    saved = list(tmp_path.glob("index-*"))
    assert len(saved) == 1
    stamp = (saved[0] / "meta.json").stat().st_mtime_ns
    second = Retriever.load(seeds_dir, cache_dir=tmp_path, english_dict=None)
    assert (saved[0] / "meta.json").stat().st_mtime_ns == stamp  # loaded, not rewritten
    q = "Berapa nilai perdagangan bilateral Rusia dan China?"
    assert first.ask(q) == second.ask(q)


def test_stale_cache_is_rebuilt_and_old_one_pruned(seeds_dir: Path, tmp_path: Path):
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir, seeds)
    cache_dir = tmp_path / "cache"
    Retriever.load(seeds, cache_dir=cache_dir, english_dict=None)
    old = {p.name for p in cache_dir.glob("index-*")}
    (seeds / "005_new.txt").write_text(
        "TEMPO.CO, Jakarta - Harga cabai rawit di Jakarta naik dua kali lipat pekan ini.\n",
        encoding="utf-8",
    )
    fresh = Retriever.load(seeds, cache_dir=cache_dir, english_dict=None)
    new = {p.name for p in cache_dir.glob("index-*")}
    assert new and new.isdisjoint(old)
    assert fresh.ask("harga cabai rawit").best is not None


@pytest.mark.parametrize("damage", ["garbage", "truncate", "delete"])
def test_corrupt_cache_is_rebuilt_with_a_warning(
    seeds_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: str
):
    Retriever.load(seeds_dir, cache_dir=tmp_path, english_dict=None)
    (folder,) = tmp_path.glob("index-*")
    target = folder / ("meta.json" if damage != "truncate" else "matrix.npz")
    if damage == "garbage":
        target.write_text("{not json", encoding="utf-8")
    elif damage == "truncate":
        target.write_bytes(target.read_bytes()[:20])
    else:
        target.unlink()
    with caplog.at_level(logging.WARNING, logger="retrieval.retriever"):
        retriever = Retriever.load(seeds_dir, cache_dir=tmp_path, english_dict=None)
    assert "rebuilt" in caplog.text
    assert retriever.ask("Siapa Yuri Ushakov?").answered
    index = retriever.index
    cache.load(tmp_path, index.fingerprint, index.settings, retriever.corpus)  # repaired


def test_unwritable_cache_dir_still_answers(seeds_dir: Path, tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    retriever = Retriever.load(seeds_dir, cache_dir=blocker / "cache", english_dict=None)
    assert retriever.ask("Siapa Yuri Ushakov?").answered
