"""Place names that look like derived words stay names.

The affix rules strip "ke-", "-i", "be-" ... down to a root word, which would
turn Kediri into "diri" (self), Bali into "bal", Maluku into "malu" (shy) and
Bekasi into "kasi". The lexicon's kept names (``[kept]`` in
retrieval/data/lexicon.toml) are never stemmed nor cut at a clitic.
"""

from __future__ import annotations

import pytest

from retrieval import Retriever
from retrieval.analyzer import Analyzer, analysis_version
from retrieval.lexicon import KEPT_NAMES
from retrieval.models import Corpus
from tests.retrieval_helpers import _article


@pytest.mark.parametrize(
    ("name", "word"), [("kediri", "diri"), ("bali", "bal"), ("maluku", "malu"), ("bekasi", "kasi")]
)
def test_a_kept_name_is_not_the_word_inside_it(name: str, word: str) -> None:
    analyzer = Analyzer()
    assert name in KEPT_NAMES
    assert analyzer.document_terms(name.capitalize()) == [name]
    assert analyzer.document_terms(f"{name}lah") == [name]  # a clitic comes off, the name stays
    assert word not in analyzer.document_terms(f"Warga {name.capitalize()} berkumpul.")


def test_ordinary_words_inside_the_list_are_still_stemmed() -> None:
    # Malang is a city and "malang" a word: not kept, stemmed like any word.
    analyzer = Analyzer()
    assert "malang" not in KEPT_NAMES and "pegunungan" not in KEPT_NAMES
    assert analyzer.document_terms("pegunungan") == ["gunung"]


def test_the_kept_names_are_part_of_the_analysis_version(monkeypatch: pytest.MonkeyPatch) -> None:
    from retrieval import analyzer as module
    from retrieval.analyzer import AnalyzerSettings

    before = analysis_version(AnalyzerSettings())
    analysis_version.cache_clear()
    monkeypatch.setattr(module, "KEPT_NAMES", KEPT_NAMES | {"sukamaju"})
    try:
        assert analysis_version(AnalyzerSettings()) != before
    finally:
        analysis_version.cache_clear()


def test_a_question_about_kediri_is_not_answered_about_someone_giving_himself_up() -> None:
    surrender = "Tersangka pencurian akhirnya menyerahkan diri ke kantor polisi setelah buron."
    kediri = "Pemerintah Kediri membuka pasar malam baru di alun-alun pada akhir pekan."
    corpus = Corpus(
        (
            _article(1, "Tersangka Menyerah", [surrender]),
            _article(2, "Pasar Malam Dibuka", [kediri]),
        ),
        (),
    )
    retriever = Retriever.from_corpus(corpus)
    answer = retriever.ask("Apa yang dibuka di Kediri?", k=3)
    assert answer.hits and answer.hits[0].text == kediri
    assert all(h.text != surrender for h in answer.hits)
