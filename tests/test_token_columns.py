"""The word -> term column table saved with the index gives the highlight
exactly the columns a fresh analysis gives; an index saved without it still
loads and highlights the same. The typed-words tie-break keeps the first
result and reorders only candidates that are equal but for TF-IDF."""

from __future__ import annotations

from pathlib import Path

from retrieval import cache
from retrieval.answer import highlight
from retrieval.index import Index, IndexSettings
from retrieval.text import sentence_spans
from retrieval.token_columns import WORD_TERMS, WordColumns
from retrieval.verbatim import by_typed_words, typed_words_in
from tests.retrieval_helpers import seeds_retriever
from tests.test_query_speed import QUESTIONS


def _saved(tmp_path: Path) -> tuple[Index, Index]:
    """The seeds index saved and loaded twice: with its word table, and
    with the table's files removed (an index saved before it existed)."""
    built = Index.build(seeds_retriever().corpus, fingerprint="tokens-test")
    cache.save(built, tmp_path)
    with_table = cache.load(tmp_path, "tokens-test", IndexSettings())
    (cache.cache_path(tmp_path, "tokens-test") / WORD_TERMS).unlink()
    without = cache.load(tmp_path, "tokens-test", IndexSettings())
    return with_table, without


def test_the_saved_table_gives_the_columns_of_the_analysis(tmp_path: Path) -> None:
    with_table, without = _saved(tmp_path)
    assert isinstance(with_table.word_columns, WordColumns)
    assert without.word_columns is None
    analyzer = with_table.analyzer
    words: set[str] = set()
    for row in range(len(with_table)):
        text = with_table.text(row)
        for token in analyzer.tokens(text):
            # Every word of every paragraph is in the table, with the
            # column its analysis gives.
            word = analyzer.unclitic(token)
            assert with_table.word_columns[word] == with_table.vocabulary[analyzer.stem(word)]
            words.add(word)
        for start, end in sentence_spans(text):
            sentence = text[start:end]
            assert with_table.term_columns(sentence) == without.term_columns(sentence)
    # ...and nothing else.
    assert sorted(with_table.word_columns) == sorted(words)


def test_highlights_are_the_same_with_or_without_the_table(tmp_path: Path) -> None:
    with_table, without = _saved(tmp_path)
    assert not (cache.cache_path(tmp_path, "tokens-test") / WORD_TERMS).exists()
    retriever = seeds_retriever()
    several = 0
    for question in QUESTIONS:
        weights = retriever.plan(question).weights
        for row in sorted({int(r) for c in weights for r in with_table.postings(c)[:40]}):
            text = with_table.text(row)
            expected = highlight(without, text, weights, row)
            assert highlight(with_table, text, weights, row) == expected
            several += len(sentence_spans(text)) > 1
    assert several > 50


def test_typed_words_count_whole_words_in_any_case() -> None:
    text = "Berlogika saja, kata Menteri. Logika bukan berlogikanya."
    assert typed_words_in(text, ["berlogika", "logika", "kata"]) == 3
    assert typed_words_in(text, ["logik", "menteri", "bukan"]) == 2


def test_tie_break_reorders_only_ties_after_the_first() -> None:
    texts = {
        0: "kerja sama",  # first: keeps its place whatever it holds
        1: "bekerja sama",
        2: "kerja sama lain",
        3: "bekerja sama lagi",
        4: "kerjasama",
        5: "bekerja",
    }
    ties = {0: 1.0, 1: 0.9, 2: 0.8, 3: 0.9, 4: 0.9, 5: 0.8}
    ranked = [0, 1, 2, 3, 4, 5]  # best first, by the full ranking value
    out = by_typed_words(ranked, ties.__getitem__, texts.__getitem__, ["kerja", "sama"])
    # Rows 1, 3, 4 (tie 0.9) hold places 1, 3, 4: row 4 has no typed word,
    # rows 1 and 3 one each (kept in order); rows 2, 5 (tie 0.8) hold places
    # 2 and 5: row 2 has both typed words, row 5 none.
    assert out == [0, 1, 2, 3, 4, 5]
    texts[4] = "kerja sama"
    texts[5] = "kerja sama kerja"
    texts[2] = "bekerja"
    out = by_typed_words(ranked, ties.__getitem__, texts.__getitem__, ["kerja", "sama"])
    assert out == [0, 4, 5, 1, 3, 2]
    assert by_typed_words(ranked, ties.__getitem__, texts.__getitem__, []) == ranked
