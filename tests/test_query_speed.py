"""The fast paths of answering give the answers of the plain ones: evidence
read from the candidates' local postings, and the highlight found from the
query terms a paragraph holds."""

from __future__ import annotations

import random

from retrieval.answer import AnswerPolicy, evidence, highlight
from retrieval.index import Index
from retrieval.text import sentence_spans
from tests.retrieval_helpers import seeds_retriever

QUESTIONS = [
    "Berapa nilai perdagangan bilateral Rusia dan China?",
    "Siapa yang bertemu Menteri Pertahanan China di Moskow?",
    "Kapan Putin dan Xi bertemu?",
    "latihan militer bersama angkatan laut",
    "sanksi Barat terhadap Rusia",
]


def _plain_highlight(index: Index, text: str, weights: dict[int, float]) -> str:
    spans = sentence_spans(text) or [(0, len(text))]
    best, best_mass = spans[0], 0.0
    for start, end in spans:
        mass = sum(weights.get(c, 0.0) for c in index.term_columns(text[start:end]))
        if mass > best_mass:
            best, best_mass = (start, end), mass
    return text[best[0] : best[1]]


def test_local_postings_give_the_evidence_of_the_full_postings() -> None:
    retriever = seeds_retriever()
    index, policy = retriever.index, AnswerPolicy()
    rng = random.Random(3)
    checked = 0
    for question in QUESTIONS:
        plan = retriever.plan(question)
        columns = [c for g in plan.groups for c in g.columns]
        full = {c: index.postings(c).tolist() for c in columns}
        rows = sorted(
            {r for c in columns for r in full[c][:20]} | set(rng.sample(range(len(index)), 20))
        )
        local = index.local_postings(columns, rows)
        for row in rows:
            expected = evidence(index, row, plan, policy, 1.0, full)
            assert evidence(index, row, plan, policy, 1.0, local) == expected
            assert evidence(index, row, plan, policy, 1.0) == expected
            checked += expected.coverage > 0
    assert checked > 50  # most rows hold some of the question


def test_highlight_from_the_terms_a_paragraph_holds_is_the_plain_one() -> None:
    retriever = seeds_retriever()
    index = retriever.index
    multi = 0
    for question in QUESTIONS:
        weights = retriever.plan(question).weights
        for row in sorted({int(r) for c in weights for r in index.postings(c)[:40]}):
            text = index.text(row)
            assert highlight(index, text, weights, row) == _plain_highlight(index, text, weights)
            multi += len(sentence_spans(text)) > 1
    assert multi > 50  # paragraphs of several sentences, where the choice matters
