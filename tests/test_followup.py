"""Follow-up questions read in the context of an earlier exchange (library side)."""

from __future__ import annotations

import pytest

from retrieval import Retriever
from retrieval.followup import FollowUp, is_elliptical
from tests.retrieval_helpers import seeds_retriever

TRADE = "Berapa nilai perdagangan Rusia dan China?"


@pytest.fixture(scope="module")
def retriever() -> Retriever:
    return seeds_retriever()


@pytest.fixture(scope="module")
def trade(retriever: Retriever) -> FollowUp:
    best = retriever.ask(TRADE).best
    assert best is not None and "perdagangan bilateral" in best.text
    return FollowUp(TRADE, best.article_id)


@pytest.mark.parametrize(
    "text",
    [
        "kalau tahun 2023?",
        "kl tahun lalu?",
        "terus?",
        "trus gimana",
        "lalu apa tanggapan China?",
        "bagaimana dengan India?",
        "siapa yang mengatakannya?",
        "apa kata mereka?",
        "dia bilang apa",
        "kenapa begitu?",
    ],
)
def test_elliptical_messages(text: str):
    assert is_elliptical(text)


@pytest.mark.parametrize(
    "text",
    [
        TRADE,
        "Siapa presiden Prancis?",
        "Kapan Putin bertemu Menteri Pertahanan China Li Shangfu?",
        "",
    ],
)
def test_questions_with_their_own_subject_are_not_elliptical(text: str):
    assert not is_elliptical(text)


def test_who_said_it_finds_the_earlier_answer(retriever: Retriever, trade: FollowUp):
    alone = retriever.ask("siapa yang mengatakannya?")
    followed = retriever.ask("siapa yang mengatakannya?", context=trade)
    best = followed.best
    assert best is not None and best.article_id == trade.article_id
    assert "perdagangan bilateral" in best.text
    assert alone.best is None or "perdagangan bilateral" not in alone.best.text


def test_a_follow_up_keeps_the_topic_and_names_what_is_missing(
    retriever: Retriever, trade: FollowUp
):
    # The seeds give the trade of 2021 only: no 2023 figure, and no answer
    # about some other 2023 event either.
    answer = retriever.ask("kalau tahun 2023?", context=trade)
    assert not answer.answered and answer.reason == "missing-term"
    assert answer.missing == ("2023",)
    assert "perdagangan bilateral" in answer.hits[0].text
    # The year the articles do hold is answered in context.
    best = retriever.ask("kalau tahun 2021?", context=trade).best
    assert best is not None and "123 miliar dolar AS" in best.text


def test_a_follow_up_that_finds_nothing_in_context_is_asked_plainly(
    retriever: Retriever, trade: FollowUp
):
    plain = retriever.ask("vaksin sputnik diproduksi di china")
    followed = retriever.ask("vaksin sputnik diproduksi di china", context=trade)
    assert followed.answered and plain.best is not None and followed.best is not None
    assert "Sputnik" in followed.best.text
    # An unknown article id is no boost, not an error.
    gone = FollowUp(TRADE, "no-such-article")
    assert retriever.ask("siapa yang mengatakannya?", context=gone).hits


def test_a_reply_with_its_own_subject_ranks_as_the_plain_question(
    retriever: Retriever, trade: FollowUp
):
    question = "Kapan Menteri Pertahanan China Li Shangfu bertemu Putin?"
    plain = retriever.ask(question)
    replied = retriever.ask(question, context=trade)
    assert plain.answered and replied.answered
    assert [(h.article_id, h.paragraph) for h in replied.hits] == [
        (h.article_id, h.paragraph) for h in plain.hits
    ]
    assert "perdagangan" not in replied.missing
