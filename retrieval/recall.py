"""Candidate gathering: the TF-IDF pool, widened when its cut is arbitrary.

The answer path re-ranks the ``pool`` best TF-IDF paragraphs of a question.
When every word of the question has a common stem ("berlogika",
"menyetelahkan", "diberbeda": the stems logika, telah, beda occur in tens of
thousands of paragraphs of a big archive), many more paragraphs than the pool
hold all of them, and which of those the pool keeps is decided by length
normalisation alone: the paragraph that uses the very forms typed may rank
just past the cut. Stemming is what lets a question find other wordings, so
the pool stays stem-based; but when a word is typed in a derived form and
the paragraphs expected to hold every stem come near the pool's size (more
than ``crowded`` x ``pool``, estimated from the postings' lengths as if the
words were independent), a wider TF-IDF list is read and the paragraphs
beyond the pool that hold every word of the question as typed (whole words,
any case, clitics aside) join it, a few at most. At 1M synthetic paragraphs
this is 10 questions in 300 (the others pay only the estimate). They then
compete under the same ranking as the others (``retrieval.answer.rank``);
among candidates equal but for TF-IDF, ``retrieval.verbatim`` puts the typed
forms first.
"""

from __future__ import annotations

from collections.abc import Iterable
from math import prod

import numpy as np

from retrieval.index import Index
from retrieval.query import QueryPlan
from retrieval.verbatim import typed_words_in


def expected_together(index: Index, plan: QueryPlan) -> float:
    """How many paragraphs would hold a term of every group of ``plan`` if
    its words occurred independently (0 without groups or paragraphs)."""
    rows = len(index)
    if not plan.groups or not rows:
        return 0.0
    shares = (
        min(1.0, sum(index.postings(c).shape[0] for c in g.columns) / rows) for g in plan.groups
    )
    return float(rows * prod(shares))


def gather(
    index: Index, plan: QueryPlan, pool: int, wide: int, pulled: int, crowded: float = 1.0
) -> list[tuple[int, float]]:
    """The ``pool`` best (row, TF-IDF score) pairs, best first, plus, when a
    word of the question is typed in a derived form and more than
    ``crowded`` x ``pool`` paragraphs are expected to hold every stem of the question
    (``expected_together``), up to ``pulled`` of the next ``wide - pool``
    that hold every typed word of the question (in TF-IDF order, after the
    pool's)."""
    words = plan.words
    if (
        wide <= pool
        or pulled <= 0
        or not words
        or not any(_derived(index, g.word, g.columns) for g in plan.groups)
        or expected_together(index, plan) <= crowded * pool
    ):
        return index.best(plan.weights, pool)
    ranked = index.best(plan.weights, wide)
    out = ranked[:pool]
    rest = ranked[pool:]
    need = len(words)
    for at in _holding_every_group(index, plan, [row for row, _ in rest]):
        row, score = rest[at]
        if typed_words_in(index.text(row), words) == need:
            out.append((row, score))
            if len(out) - pool == pulled:
                break
    return out


def _derived(index: Index, word: str, columns: Iterable[int]) -> bool:
    """Whether ``word`` is typed in a form none of its terms is (an affixed
    form: its stem is what the index holds)."""
    return all(index.term(c) != word for c in columns)


def _holding_every_group(index: Index, plan: QueryPlan, rows: list[int]) -> list[int]:
    """Positions in ``rows`` of those holding a term of every group of
    ``plan`` (the only ones that can hold every typed word)."""
    if not rows:
        return []
    wanted = np.asarray(rows, dtype=np.int64)
    held = np.ones(wanted.shape[0], dtype=np.bool_)
    for group in plan.groups:
        found = np.zeros(wanted.shape[0], dtype=np.bool_)
        for col in group.columns:
            postings = index.postings(col)
            if not postings.shape[0]:
                continue
            at = np.minimum(np.searchsorted(postings, wanted), postings.shape[0] - 1)
            found |= postings[at] == wanted
        held &= found
    return np.flatnonzero(held).tolist()
