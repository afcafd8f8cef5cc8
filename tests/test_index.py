"""The index: inverted scoring against a dense reference, top-k, duplicates,
delta segments against rebuilds, and the cache (keyed per corpus, by raw files
and analysis)."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import numpy as np
import pytest

from retrieval import cache, lexicon
from retrieval import retriever as retriever_module
from retrieval.analyzer import AnalyzerSettings, analysis_version
from retrieval.corpus import load_corpus
from retrieval.duplicates import near_duplicates
from retrieval.index import Index, IndexSettings, top_k
from retrieval.models import Corpus
from retrieval.retriever import Retriever, cache_status

QUESTIONS = [
    "Berapa nilai perdagangan bilateral Rusia dan China?",
    "Siapa Yuri Ushakov?",
    "vaksin sputnik",
    "Siapa presiden Prancis?",
    "menteri pertahanan li shangfu",
    "harga cabai rawit",
]


@pytest.fixture(scope="module")
def corpus(seeds_dir: Path) -> Corpus:
    return load_corpus(seeds_dir)


@pytest.fixture(scope="module")
def index(corpus: Corpus) -> Index:
    return Index.build(corpus)


def dense(index: Index) -> np.ndarray:
    matrix = np.zeros((len(index), len(index.vocabulary)))
    for col in range(len(index.vocabulary)):
        for row in index.postings(col).tolist():
            matrix[row, col] = index.weight(row, col)
    return matrix


def test_index_holds_every_paragraph(index: Index, corpus: Corpus):
    assert len(index) == sum(len(a.paragraphs) for a in corpus.articles)
    for row, ref in enumerate(index.refs):
        assert index.text(row) == corpus.articles[ref.article].paragraphs[ref.number - 1]
        lo, hi = index.article_rows(ref.article)
        assert lo <= row < hi
    # Every paragraph's weights are l2-normalised on their own.
    np.testing.assert_allclose(np.linalg.norm(dense(index), axis=1), 1.0, rtol=1e-5)


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
        q[col] = w * index.idf[col] / index.max_idf
    reference = dense(index) @ q
    touched = np.flatnonzero(reference)
    assert rows.tolist() == touched.tolist()
    np.testing.assert_allclose(scores, reference[touched], rtol=1e-6)
    # Same ranking as sorting the dense scores.
    k = min(5, len(touched))
    assert rows[top_k(scores, k)].tolist() == np.argsort(-reference, kind="stable")[:k].tolist()
    # Scoring twice gives the same (the reused buffers are reset).
    again_rows, again = index.score(weights)
    assert again_rows.tolist() == rows.tolist() and again.tolist() == scores.tolist()


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


def test_delta_segment_answers_exactly_like_a_rebuild(corpus: Corpus):
    """Index all but the last articles, add them as a delta: every answer
    (hits, scores, declines, duplicates) equals a full rebuild's."""
    assert len(corpus.articles) >= 2
    cut = len(corpus.articles) - 2
    base = Retriever(Index.build(Corpus(corpus.articles[:cut])))
    extended = base.add_articles(corpus.articles[cut:])
    rebuilt = Retriever(Index.build(corpus))
    assert extended.index.delta is not None and len(extended.index) == len(rebuilt.index)
    assert extended.index.duplicates == rebuilt.index.duplicates
    assert set(extended.index.surface) == set(rebuilt.index.surface)
    for q in QUESTIONS:
        assert extended.ask(q, k=10) == rebuilt.ask(q, k=10), q
    # Adding one more article after that absorbs the first delta: still exact.
    one_by_one = Retriever(Index.build(Corpus(corpus.articles[:cut]))).add_articles(
        corpus.articles[cut : cut + 1]
    )
    one_by_one = one_by_one.add_articles(corpus.articles[cut + 1 :])
    assert one_by_one.index.duplicates == rebuilt.index.duplicates
    for q in QUESTIONS:
        assert one_by_one.ask(q, k=10) == rebuilt.ask(q, k=10), q
    # The delta's own words are searchable.
    new_text = corpus.articles[-1].paragraphs[0]
    assert extended.ask(new_text).hits[0].article_id == corpus.articles[-1].id


def copy_seeds(seeds_dir: Path, to: Path) -> Path:
    shutil.copytree(seeds_dir, to)
    return to


def test_raw_fingerprint_follows_files_settings_and_analysis(
    seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    seeds = copy_seeds(seeds_dir, tmp_path / "seeds")
    base = cache.raw_fingerprint(seeds, IndexSettings())
    assert base == cache.raw_fingerprint(seeds, IndexSettings())
    assert base != cache.raw_fingerprint(seeds, IndexSettings(sublinear_tf=False))
    other = IndexSettings(AnalyzerSettings(stemmer="sastrawi"))
    assert base != cache.raw_fingerprint(seeds, other)
    # A clitic, an alias or a function word more: another analysis.
    for name, value in [
        ("CLITICS", (*lexicon.CLITICS, "tah")),
        ("ALIASES", {**lexicon.ALIASES, "rrx": "china"}),
        ("QUERY_FUNCTION_WORDS", lexicon.QUERY_FUNCTION_WORDS | {"gerangan"}),
    ]:
        with monkeypatch.context() as m:
            m.setattr(f"retrieval.analyzer.{name}", value)
            analysis_version.cache_clear()
            assert cache.raw_fingerprint(seeds, IndexSettings()) != base, name
        analysis_version.cache_clear()
    assert cache.raw_fingerprint(seeds, IndexSettings()) == base
    # A raw file rewritten, added or removed.
    first = sorted(seeds.glob("*.txt"))[0]
    first.write_bytes(first.read_bytes() + b"\n")
    changed = cache.raw_fingerprint(seeds, IndexSettings())
    assert changed != base
    (seeds / "zzz_new.txt").write_text("Paragraf baru.\n", encoding="utf-8")
    assert cache.raw_fingerprint(seeds, IndexSettings()) not in (base, changed)


def test_cache_round_trip(index: Index, corpus: Corpus, tmp_path: Path):
    cache.save(index, tmp_path)
    loaded = cache.load(tmp_path, index.fingerprint, index.settings)
    assert loaded.corpus == corpus
    assert loaded.vocabulary == index.vocabulary
    assert list(loaded.refs) == list(index.refs)
    assert loaded.duplicates == index.duplicates
    assert loaded.surface == index.surface
    assert list(loaded.article_context) == list(index.article_context)
    np.testing.assert_array_equal(loaded.idf, index.idf)
    for q in QUESTIONS:
        assert Retriever(loaded).ask(q) == Retriever(index).ask(q)


def test_fresh_cache_loads_without_reading_articles(
    seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    first = Retriever.load(seeds_dir, cache_dir=tmp_path, english_dict=None)
    (saved,) = tmp_path.glob("corpus-*/index-*")
    stamp = (saved / "corpus.json").stat().st_mtime_ns

    def no_reading(*args: object, **kwargs: object) -> Corpus:
        raise AssertionError("the corpus was read again")

    def no_file_stats(*args: object, **kwargs: object) -> str:
        raise AssertionError("every file was stat'ed")

    monkeypatch.setattr(retriever_module, "load_corpus", no_reading)
    monkeypatch.setattr(cache, "raw_fingerprint", no_file_stats)
    second = Retriever.load(seeds_dir, cache_dir=tmp_path, english_dict=None)
    monkeypatch.undo()
    assert not second.files_changed()
    assert (saved / "corpus.json").stat().st_mtime_ns == stamp  # loaded, not rewritten
    assert second.corpus == first.corpus
    for q in QUESTIONS:
        assert first.ask(q) == second.ask(q)
    assert cache_status(seeds_dir, tmp_path) == (saved, True)


def test_stale_cache_is_rebuilt_and_only_this_corpus_pruned(seeds_dir: Path, tmp_path: Path):
    seeds = copy_seeds(seeds_dir, tmp_path / "seeds")
    other = copy_seeds(seeds_dir, tmp_path / "other")
    cache_dir = tmp_path / "cache"
    Retriever.load(seeds, cache_dir=cache_dir, english_dict=None)
    Retriever.load(other, cache_dir=cache_dir, english_dict=None)
    before = {p.relative_to(cache_dir) for p in cache_dir.glob("corpus-*/index-*")}
    assert len(before) == 2  # one folder per corpus
    (seeds / "zzz_new.txt").write_text(
        "TEMPO.CO, Jakarta - Harga cabai rawit di Jakarta naik dua kali lipat pekan ini.\n",
        encoding="utf-8",
    )
    fresh = Retriever.load(seeds, cache_dir=cache_dir, english_dict=None)
    after = {p.relative_to(cache_dir) for p in cache_dir.glob("corpus-*/index-*")}
    assert len(after) == 2 and len(after & before) == 1  # the other corpus's cache stays
    assert fresh.ask("harga cabai rawit").best is not None
    unchanged = Retriever.load(other, cache_dir=cache_dir, english_dict=None)
    assert unchanged.ask("harga cabai rawit").best is None


def test_file_rewritten_in_place_is_caught_by_the_lazy_check(seeds_dir: Path, tmp_path: Path):
    seeds = copy_seeds(seeds_dir, tmp_path / "seeds")
    cache_dir = tmp_path / "cache"
    Retriever.load(seeds, cache_dir=cache_dir, english_dict=None)
    target = sorted(seeds.glob("*.txt"))[-1]
    with target.open("a", encoding="utf-8") as f:
        f.write("\nHarga cabai rawit di Jakarta naik dua kali lipat pekan ini.\n")
    quick = Retriever.load(seeds, cache_dir=cache_dir, english_dict=None)
    assert quick.files_changed()  # the folder stamp may not show an in-place edit
    checked = Retriever.load(seeds, cache_dir=cache_dir, english_dict=None, verify_files=True)
    assert not checked.files_changed()
    assert checked.ask("harga cabai rawit").best is not None
    assert not Retriever.load(seeds, cache_dir=cache_dir, english_dict=None).files_changed()


@pytest.mark.parametrize("damage", ["garbage", "truncate", "delete"])
def test_corrupt_cache_is_rebuilt_with_a_warning(
    seeds_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: str
):
    Retriever.load(seeds_dir, cache_dir=tmp_path, english_dict=None)
    (folder,) = tmp_path.glob("corpus-*/index-*")
    target = folder / ("corpus.json" if damage != "truncate" else "indices.npy")
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
    assert cache_status(seeds_dir, tmp_path) == (folder, True)  # repaired


def test_unwritable_cache_dir_still_answers_or_reports(seeds_dir: Path, tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    retriever = Retriever.load(seeds_dir, cache_dir=blocker / "cache", english_dict=None)
    assert retriever.ask("Siapa Yuri Ushakov?").answered
    with pytest.raises(cache.CacheWriteError, match="cannot write the index cache"):
        Retriever.load(seeds_dir, cache_dir=blocker / "cache", english_dict=None, strict_cache=True)


def test_near_duplicate_candidates_stay_bounded_for_boilerplate():
    """A paragraph reprinted by every article pairs each copy with the first
    GROUP_CAP copies only: candidates grow linearly, not quadratically."""
    from retrieval import duplicates as dup

    copies = 200
    text = "Baca berita terbaru dan terpercaya setiap hari hanya di portal kami yang resmi."
    found = near_duplicates([text] * copies, list(range(copies)))
    assert len(found) == copies
    assert sum(len(o) for o in found.values()) <= 2 * dup.GROUP_CAP * copies
    # A late copy is paired with the first copies (its oldest reprints) only.
    assert found[copies - 1] == list(range(dup.GROUP_CAP))
