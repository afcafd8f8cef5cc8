"""Recall of a paragraph asked for with the very forms it writes.

An invented archive: many short paragraphs write the plain forms of three
common words (logika, telah, beda); one long paragraph writes their derived
forms (berlogika, menyetelahkan, diberbeda). Asked with those derived forms,
TF-IDF over stems ranks the long paragraph behind the short ones, past the
re-ranked pool: the reader must still find it among the results.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from retrieval import Retriever
from retrieval.models import Article, Corpus
from retrieval.recall import expected_together
from tests.retrieval_helpers import _article as invented_article

QUESTION = "berlogika menyetelahkan diberbeda"
TARGET = (
    "Warga Kampung Rendang berlogika bahwa jembatan tua menyetelahkan banjir besar, "
    "sehingga pendapat mereka diberbeda oleh para insinyur yang datang dari kota "
    "dengan membawa peta, catatan hujan, contoh tanah, foto udara, dan laporan "
    "panjang tentang sungai, tebing, sawah, kebun, pasar, sekolah, serta jalan desa."
)
ASKED = "kenapa terima kasih sendara"
THANKS = (
    "Guru Kampung Rendang tidak menjelaskan kenapa ia mengucapkan terima kasih kepada "
    "warga Sendara yang menulis buku sejarah, padahal buku itu belum selesai dan dibaca "
    "oleh para guru lain di sekolah dasar, sekolah menengah, dan perpustakaan desa."
)
_NAMES = "Arum Bagas Citra Dimas Eka Fajar Gita Hana Indra Joko Kirana Lestari".split()
_PLACES = "Sendara Lumbira Kerapu Pandan Rawa Muara Tanjung Lembah Bukit Karang".split()


def _article(n: int, paragraphs: list[str]) -> Article:
    return invented_article(n, f"Kabar {n}", paragraphs)


@cache
def _archive() -> tuple[Corpus, int]:
    """The corpus and the number of the target's article."""
    articles = []
    for i in range(160):
        name, place = _NAMES[i % len(_NAMES)], _PLACES[(i // len(_NAMES)) % len(_PLACES)]
        articles.append(
            _article(
                i,
                [
                    f"Logika {name} dari {place} telah beda {i}.",
                    f"{name} bertemu warga {place} pada hari ke-{i + 1}.",
                ],
            )
        )
    for i in range(160, 320):
        name = _NAMES[i % len(_NAMES)]
        articles.append(_article(i, [f"Pelajaran logika untuk {name} nomor {i}."]))
    target = len(articles)
    articles.append(_article(target, ["Kampung Rendang sedang berbenah.", TARGET, THANKS]))
    return Corpus(tuple(articles), ()), target


@cache
def _retriever() -> Retriever:
    return Retriever.from_corpus(_archive()[0])


def _found(retriever: Retriever) -> bool:
    hits = retriever.ask(QUESTION, k=10).hits
    return any(h.text == TARGET for h in hits)


def test_a_question_in_derived_forms_finds_the_paragraph_writing_them() -> None:
    retriever = _retriever()
    index, policy = retriever.index, retriever.policy
    plan = retriever.plan(QUESTION)
    # Each word reaches the index through a stem other than itself ...
    assert len(plan.groups) == 3
    assert all(all(index.term(c) != g.word for c in g.columns) for g in plan.groups)
    # ... and the stems are common enough together to crowd the pool ...
    assert expected_together(index, plan) > policy.crowded * policy.pool
    # ... so TF-IDF puts the target past the pool (within the wider list).
    ranked = [row for row, _ in index.best(plan.weights, len(index))]
    at = next(i for i, row in enumerate(ranked) if index.text(row) == TARGET)
    assert policy.pool <= at < policy.wide_pool
    assert not _found(Retriever(index, replace(policy, wide_pool=0)))
    assert _found(retriever)


def test_plain_forms_are_not_pulled_past_the_pool() -> None:
    # Asked with the plain forms the short paragraphs write, nothing joins
    # the pool: the answer cites one of them, as before.
    retriever = _retriever()
    plain = retriever.ask("logika telah beda", k=10)
    narrow = Retriever(retriever.index, replace(retriever.policy, wide_pool=0))
    assert [h.text for h in plain.hits] == [
        h.text for h in narrow.ask("logika telah beda", k=10).hits
    ]
    assert all(h.text != TARGET for h in plain.hits)


def test_words_the_planner_leaves_out_still_tell_equal_candidates_apart() -> None:
    # "kenapa", "terima", "kasih" carry no weight: every paragraph writing
    # "Sendara" holds the question alike, and TF-IDF prefers short ones. The
    # one that also writes the other words typed is shown among the first.
    retriever = _retriever()
    index = retriever.index
    plan = retriever.plan(ASKED)
    assert plan.words == ("sendara",)
    ranked = [row for row, _ in index.best(plan.weights, len(index))]
    at = next(i for i, row in enumerate(ranked) if index.text(row) == THANKS)
    assert 10 <= at < retriever.policy.pool
    hits = retriever.ask(ASKED, k=10).hits
    assert [h.text for h in hits].index(THANKS) < 3
