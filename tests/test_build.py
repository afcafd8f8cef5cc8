"""The build: worker processes give the index one process gives, and every
weight is what the paragraph alone says (a reference computed naively)."""

from __future__ import annotations

import io
import math
import random
import shutil
import zlib
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from bot.cli import main
from bot.progress import progress
from retrieval import corpus as corpus_module
from retrieval import duplicates as dup
from retrieval import index as index_module
from retrieval.analyzer import Analyzer
from retrieval.corpus import load_corpus
from retrieval.index import Index, IndexSettings
from retrieval.ingest import dedupe
from retrieval.known import shingle_keys
from retrieval.models import Corpus, CorpusError


@pytest.fixture(scope="module")
def corpus(seeds_dir: Path) -> Corpus:
    return load_corpus(seeds_dir, workers=1)


def assert_same_index(a: Index, b: Index) -> None:
    assert a.terms == b.terms and a.vocabulary == b.vocabulary
    for name in ("indptr", "indices", "data"):
        x, y = getattr(a.main, name), getattr(b.main, name)
        assert x.dtype == y.dtype and np.array_equal(x, y), name
    assert np.array_equal(a.refs.article, b.refs.article)
    assert np.array_equal(a.refs.number, b.refs.number)
    assert a.surface == b.surface
    assert a.duplicates == b.duplicates
    assert np.array_equal(a.sketch_rows, b.sketch_rows)
    assert np.array_equal(a.sketch_hashes, b.sketch_hashes)
    assert list(a.article_context) == list(b.article_context)
    assert a.known_keys is not None and b.known_keys is not None
    assert np.array_equal(a.known_keys, b.known_keys)


def test_two_workers_build_the_one_worker_index(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = Index.build(corpus, workers=1)
    assert one.duplicates  # the seeds carry near-duplicates: their check runs too
    # Tiny runs: many chunks merged, a term first met in any of them.
    monkeypatch.setattr(index_module, "CHUNK", 3)
    two = Index.build(corpus, workers=2)
    assert_same_index(one, two)


def test_two_workers_load_the_one_worker_corpus(
    seeds_dir: Path, corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(corpus_module, "FILES_PER_TASK", 1)
    assert load_corpus(seeds_dir, workers=2) == corpus


def test_a_workers_error_is_the_one_worker_error(
    seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir, seeds)
    names = sorted(p.name for p in seeds.glob("*.txt"))
    (seeds / names[-1]).write_bytes(b"Paragraf \xff rusak.\n")
    monkeypatch.setattr(corpus_module, "FILES_PER_TASK", 1)
    messages = []
    for workers in (1, 2):
        with pytest.raises(CorpusError) as info:
            load_corpus(seeds, workers=workers)
        messages.append(str(info.value))
    assert messages[0] == messages[1] and names[-1] in messages[0]


def test_weights_and_columns_follow_the_paragraphs_alone(corpus: Corpus) -> None:
    """Columns number terms by first occurrence; a paragraph's weights are its
    l2-normalised 1 + log(tf), squares summed in column order (float32)."""
    index = Index.build(corpus, workers=1)
    terms_of = index.analyzer.document_terms
    first_seen: dict[str, int] = {}
    for row in range(len(index)):
        for term in terms_of(index.text(row)):
            first_seen.setdefault(term, len(first_seen))
    assert index.vocabulary == first_seen
    postings = 0
    for row in range(len(index)):
        counts = Counter(index.vocabulary[t] for t in terms_of(index.text(row)))
        postings += len(counts)
        tf = {col: 1.0 + math.log(n) for col, n in sorted(counts.items())}
        squares = 0.0
        for value in tf.values():
            squares += value * value
        for col, value in tf.items():
            assert index.weight(row, col) == float(np.float32(value / math.sqrt(squares)))
    assert int(index.main.indptr[-1]) == postings  # and nothing else


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("stream", [io.StringIO(), _Terminal()], ids=["pipe", "terminal"])
def test_progress_shows_each_stage_of_a_build(stream: io.StringIO) -> None:
    """Files read (60), then paragraphs analysed (100): a bar or a closing
    line for each, not one bar going backwards."""
    with progress("indexing", stream=stream, interval=3600) as report:
        for total in (60, 100):
            for done in range(1, total + 1):
                report(done, total)
    out = stream.getvalue()
    assert "60/60" in out and "100/100" in out
    assert "100/60" not in out and "60/100" not in out


def test_the_builds_archive_keys_are_every_articles_fingerprint(corpus: Corpus) -> None:
    """The keys the analysis works out from its own words are the ones the
    ingester's duplicate check computes from each article's text."""
    index = Index.build(corpus, workers=1)
    assert index.known_keys is not None and index.known_keys.size
    assert np.array_equal(index.known_keys, shingle_keys(corpus.articles))


def _wire_copies(seed: int) -> tuple[list[str], list[int]]:
    """Invented paragraphs, each reprinted in other articles with a few words
    changed, dropped or added (from none to most of them)."""
    rng = random.Random(seed)
    pool = [f"kata{i}" for i in range(60)] + ["pemerintah", "menyatakan", "kebijakan"]
    texts: list[str] = []
    groups: list[int] = []
    for story in range(40):
        words = [rng.choice(pool) for _ in range(rng.randint(6, 30))]
        for copy in range(rng.randint(1, 4)):
            edited = [w if rng.random() > copy * 0.15 else rng.choice(pool) for w in words]
            texts.append(" ".join(edited) + ".")
            groups.append(story * 10 + copy % 3)
    return texts, groups


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_near_duplicate_pairs_are_those_dup_confirm_finds(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counted with numpy over compact arrays, in batches, the confirmed
    pairs (and their order) are those of ``dup.confirm`` over sets."""
    texts, groups = _wire_copies(seed)
    analyzer = Analyzer()
    token_terms = index_module._TokenTerms(analyzer)
    term_ids = index_module._TermIds(analyzer, [], {})
    analysed = index_module.analyse(texts, IndexSettings(), term_ids, here=token_terms)
    pairs = dup.candidate_pairs(analysed.sketch_rows, analysed.sketch_hashes)
    arts = np.array(groups, dtype=np.int32)
    monkeypatch.setattr(index_module, "PAIRS_AT_ONCE", 7)
    sizes = []
    for containment in (0.9, 0.6, 0.3, 0.0):
        hashes_of = index_module._TokenHashes(token_terms, term_ids)
        found = index_module._near_duplicates(pairs, arts, texts, hashes_of, containment)
        expected = dup.confirm(
            pairs,
            groups.__getitem__,
            lambda row: dup.paragraph_shingles(analyzer.document_terms(texts[row])),
            containment,
        )
        assert found == expected and list(found) == list(expected)
        sizes.append(len(found))
    assert sizes[-1] > sizes[0]  # the thresholds were exercised


def test_index_workers_flag_builds_the_same_cache(seeds_dir: Path, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    saved = []
    for workers in ("1", "2"):
        cache_dir = tmp_path / f"cache{workers}"
        folders = [
            "--seeds",
            str(seeds_dir),
            "--archive",
            str(archive),
            "--cache-dir",
            str(cache_dir),
        ]
        assert main(["index", "--workers", workers, *folders]) == 0
        [index_dir] = cache_dir.glob("corpus-*/index-*")
        saved.append({p.name: p.read_bytes() for p in index_dir.iterdir()})
    assert saved[0] == saved[1]


def test_index_workers_flag_refuses_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index", "--workers", "0"]) == 2
    assert "--workers" in capsys.readouterr().err


def test_archive_keys_are_the_sampled_crc32_of_each_word_shingle(corpus: Corpus) -> None:
    """A reference computed naively: every 4-word shingle of each paragraph's
    normalised words, crc32 of its words joined by spaces, one in SAMPLE."""
    for article in corpus.articles:
        expected = {
            key
            for paragraph in article.paragraphs
            for shingle in dup.shingles(paragraph)
            if (key := zlib.crc32(" ".join(shingle).encode())) % dedupe.SAMPLE == 0
        }
        assert dedupe.fingerprint(article.paragraphs) == expected
