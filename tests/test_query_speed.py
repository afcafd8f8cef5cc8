"""The fast paths of answering give the answers of the plain ones: evidence
read from the candidates' local postings, and the highlight found from the
query terms a paragraph holds."""

from __future__ import annotations

import random

import numpy as np
import pytest

from retrieval import index as index_module
from retrieval.answer import AnswerPolicy, evidence, highlight
from retrieval.index import Index, top_k
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


def test_best_is_top_k_over_every_touched_row(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the long-postings shortcuts on, ``best`` still gives exactly the
    pool of scoring every touched row, ties and order included."""
    index = seeds_retriever().index
    df = np.diff(np.asarray(index.main.indptr))
    common = [int(c) for c in np.argsort(-df)[:40]]
    monkeypatch.setattr(index_module, "LONG_POSTINGS", int(df[common[-1]]))
    rare = [int(c) for c in np.flatnonzero((df > 0) & (df < 4))[:400]]
    rng = random.Random(5)
    for trial in range(600):
        cols = [*rng.sample(common, 1 + trial % 3), *rng.sample(rare, rng.randint(0, 4))]
        order = rng.sample(cols, len(cols))
        weights = {c: rng.choice([1.0, 0.5, rng.random(), 4 * rng.random()]) for c in order}
        rows, scores = index.score(weights)
        for k in (1, 10, 50):
            expected = [(int(rows[p]), float(scores[p])) for p in top_k(scores, k).tolist()]
            assert index.best(weights, k) == expected


def test_top_k_breaks_ties_at_the_cut_by_position() -> None:
    scores = np.array([1.0, 2.0, 0.5, 2.0, 2.0, 2.0, 0.0])
    assert top_k(scores, 2).tolist() == [1, 3]
    assert top_k(scores, 5).tolist() == [1, 3, 4, 5, 0]
