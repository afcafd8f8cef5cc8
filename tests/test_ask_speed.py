"""What answering remembers between candidates and between questions never
changes an answer: a retriever that has answered many questions answers each
as a fresh one does, and candidates that share an Evidence get the one each
would get alone."""

from __future__ import annotations

import json
from pathlib import Path

from retrieval import Retriever
from retrieval.answer import AnswerPolicy, Grounds, evidence
from retrieval.recall import gather
from tests.retrieval_helpers import seeds_retriever

QUESTIONS = Path(__file__).parent / "data" / "questions.jsonl"


def _questions() -> list[str]:
    lines = QUESTIONS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["q"] for line in lines if line.strip()]


def test_a_warm_retriever_answers_as_a_fresh_one() -> None:
    warm = seeds_retriever()
    questions = _questions()
    for question in questions:  # fills every memo (planning, evidence, highlights)
        warm.ask(question, k=5)
    # Its own index: nothing remembered of the warm one's.
    fresh = Retriever.from_corpus(warm.corpus, settings=warm.index.settings)
    answered = 0
    for question in reversed(questions):
        again = warm.ask(question, k=5)
        assert again == fresh.ask(question, k=5), question
        answered += again.answered
    assert answered > len(questions) // 2  # the comparison covers real answers


def test_candidates_sharing_an_evidence_get_their_own() -> None:
    retriever = seeds_retriever()
    index, policy = retriever.index, AnswerPolicy()
    shared = 0
    for question in _questions()[:40]:
        plan = retriever.plan(question)
        if not plan.groups:
            continue
        pool = [row for row, _ in gather(index, plan, policy.pool, policy.pool, 0)]
        columns = [c for g in plan.groups for c in g.columns]
        postings = index.local_postings(columns, pool)
        grounds = Grounds(index, plan, policy, 1.0, postings)
        seen: set[int] = set()
        for row in pool:
            ev = grounds.evidence(row)
            shared += id(ev) in seen
            seen.add(id(ev))
            assert ev == evidence(index, row, plan, policy, 1.0), (question, row)
    assert shared > 0  # some candidates did share one
