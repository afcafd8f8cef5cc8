"""Query planning: which corpus terms stand for each word a person typed."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval import Retriever
from retrieval.query import QueryPlan


@pytest.fixture(scope="module")
def retriever(seeds_dir: Path) -> Retriever:
    return Retriever.load(seeds_dir, english_dict=None)


def plan(retriever: Retriever, text: str) -> QueryPlan:
    return retriever.plan(text)


def test_typo_and_colloquial_words_are_replaced_by_corpus_words(retriever: Retriever):
    p = plan(retriever, "vaksn sputnik, china nyalahin nato")
    assert p.corrections == {"vaksn": "vaksin", "nyalahin": "salah"}
    assert p.unknown == ()


def test_real_words_the_corpus_lacks_stay_unknown(retriever: Retriever):
    p = plan(retriever, "harga kopi susu")
    assert set(p.unknown) == {"harga", "kopi", "susu"}
    assert p.corrections == {}
    assert p.groups == ()


def test_unknown_names_weigh_more_than_unknown_words(retriever: Retriever):
    top = retriever.index.max_idf
    assert plan(retriever, "Siapa presiden Prancis?").unknown_mass == pytest.approx(1.5 * top)
    assert plan(retriever, "siapa presiden prancis").unknown_mass == pytest.approx(top)
    assert plan(retriever, "siapa presiden kopi").unknown_mass == pytest.approx(0.75 * top)


def test_synonyms_join_a_words_group_at_a_discount(retriever: Retriever):
    (group,) = plan(retriever, "berbicara").groups
    index = retriever.index
    terms = {index.terms[c] for c in group.columns}
    assert {"bicara", "kata", "ujar"} <= terms
    own = index.vocabulary["bicara"]
    assert group.weight == group.columns[own] == pytest.approx(float(index.idf[own]))
    assert all(w < group.weight for c, w in group.columns.items() if c != own)


def test_title_and_date_words_count_as_context(retriever: Retriever):
    # "Kompak" appears only in a headline (003), never in a body paragraph.
    p = plan(retriever, "kompak")
    assert p.groups == () and p.unknown == ()
    assert list(p.context_only) == ["kompak"]


def test_answer_type_comes_from_the_question_words(retriever: Retriever):
    assert plan(retriever, "tgl brp pertemuan itu").answer_type == "date"
    assert plan(retriever, "brp persen kenaikan dagang").answer_type == "number"
