"""Query planning: which corpus terms stand for each word a person typed."""

from __future__ import annotations

import pytest

from retrieval import Retriever
from retrieval.lexicon import QUERY_FUNCTION_WORDS
from retrieval.models import Corpus
from retrieval.query import QueryPlan
from tests.retrieval_helpers import _article, invented_retriever, seeds_retriever


@pytest.fixture(scope="module")
def retriever() -> Retriever:
    return seeds_retriever()


def plan(retriever: Retriever, text: str) -> QueryPlan:
    return retriever.plan(text)


def test_typo_and_colloquial_words_are_replaced_by_corpus_words(retriever: Retriever):
    p = plan(retriever, "vaksn sputnik, china nyalahin nato")
    assert p.corrections == {"vaksn": "vaksin", "nyalahin": "salah"}
    assert p.unknown == ()


def test_real_words_the_corpus_lacks_stay_unknown():
    # The invented corpus is about a port and a salt festival: no coffee, milk or prices.
    retriever = invented_retriever()
    p = plan(retriever, "harga kopi susu")
    assert set(p.unknown) == {"harga", "kopi", "susu"}
    assert p.corrections == {}
    assert p.groups == ()


def test_unknown_names_weigh_more_than_unknown_words():
    retriever = invented_retriever()
    capitalised = plan(retriever, "Siapa presiden Prancis?")
    lower = plan(retriever, "siapa presiden prancis")
    word = plan(retriever, "siapa presiden kopi")
    assert capitalised.unknown_mass > lower.unknown_mass > word.unknown_mass > 0
    # A name typed with a capital is a subject the corpus never mentions.
    assert capitalised.unknown_names == ("prancis",)
    assert word.unknown_names == ()


def test_synonyms_join_a_words_group_at_a_discount(retriever: Retriever):
    (group,) = plan(retriever, "berbicara").groups
    index = retriever.index
    terms = {index.terms[c] for c in group.columns}
    assert {"bicara", "kata", "ujar"} <= terms
    own = index.vocabulary["bicara"]
    assert group.columns[own] == pytest.approx(float(index.idf[own]))
    # A synonym counts at a discount of its own IDF; the word is worth its best column.
    discount = retriever.policy.planning.variant_weight
    for c, w in group.columns.items():
        if c != own:
            assert w == pytest.approx(discount * float(index.idf[c]))
    assert group.weight == max(group.columns.values())


def test_title_and_date_words_count_as_context(retriever: Retriever):
    # A word of some headline that no body paragraph uses (read from the corpus).
    index = retriever.index
    body = set(index.vocabulary)
    headline_only = sorted(
        w
        for a in retriever.corpus.articles
        for w in index.analyzer.surface_words(a.source.title or "")
        if w.isalpha() and index.analyzer.stem(w) not in body and w not in QUERY_FUNCTION_WORDS
    )
    if not headline_only:
        pytest.skip("every headline word also occurs in some body paragraph")
    word = headline_only[0]
    p = plan(retriever, word)
    assert p.groups == () and p.unknown == ()
    assert list(p.context_only) == [index.analyzer.stem(word)]


def test_names_are_read_from_how_the_corpus_writes_them():
    retriever = invented_retriever()
    groups = {
        g.word: g for g in plan(retriever, "kapan arsen dalimunthe meresmikan pelabuhan").groups
    }
    assert groups["arsen"].name and groups["dalimunthe"].name
    assert not groups["pelabuhan"].name and not groups["meresmikan"].name


def test_transliterated_names_find_the_corpus_spelling():
    # Two letters apart, too far for a typo: another transliteration of a name.
    retriever = invented_retriever()
    p = plan(retriever, "siapa Dmitriy Cvetkov")
    assert p.corrections == {"dmitriy": "dmitri", "cvetkov": "tsvetkov"}
    assert p.unknown == ()
    best = retriever.ask("siapa Dmitriy Cvetkov").best
    assert best is not None and "Tsvetkov" in best.text


def test_answer_type_comes_from_the_question_words(retriever: Retriever):
    assert plan(retriever, "tgl brp pertemuan itu").answer_type == "date"
    assert plan(retriever, "brp persen kenaikan dagang").answer_type == "number"


def test_a_misspelt_name_word_joins_its_name(retriever: Retriever):
    """ "xi jinpng" is one name, Xi Jinping, as "xi jinping" is: two names
    together would relax the grounding of a question about one person."""
    for typed in ("tinggi badan xi jinping", "tinggi badan xi jinpng"):
        plan = retriever.plan(typed)
        units = {g.unit for g in plan.groups if g.name}
        assert len(units) == 1, (typed, [(g.word, g.unit) for g in plan.groups])


def test_a_derived_form_the_corpus_never_writes_reads_as_the_close_word_it_does():
    """ "pesiang" parses as pe- + siang, but the corpus writes "pesaing", never
    "pesiang": the slip is read as both."""
    articles = [
        _article(1, "Pasar Lumbira", ["Toko Arsen menjadi pesaing terbesar pasar Sendara."]),
        _article(2, "Cuaca", ["Hujan turun sejak siang di pelabuhan Sendara."]),
        *[
            _article(n, f"Kabar {n}", [f"Pelabuhan {n} ramai.", "Nelayan datang."])
            for n in range(3, 8)
        ],
    ]
    retriever = Retriever.from_corpus(Corpus(tuple(articles)))
    assert retriever.plan("pesiang terbesar Sendara").corrections == {"pesiang": "pesaing"}
    answer = retriever.ask("siapa pesiang terbesar pasar Sendara")
    assert answer.best is not None and "pesaing terbesar" in answer.best.text
