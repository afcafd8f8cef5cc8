"""From a question to an Answer: plan, rank, decide, cite.

Deciding *not* to answer matters as much as ranking: "Siapa presiden
Prancis?" shares "presiden" with half the corpus. We require that most of the
query's information (its IDF mass) is present in the best paragraph or, at a
discount, in its article (the subject is often named only in the lead or the
title); a word the corpus never contains counts as highly informative, so an
unknown subject ("Prancis") sinks the coverage and the answer is declined.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from retrieval.index import Index, top_k
from retrieval.models import Answer, Corpus, Hit, SeenElsewhere
from retrieval.qtype import has_type
from retrieval.query import PlanningPolicy, QueryPlan, Vocabulary, plan_query
from retrieval.text import sentence_spans


@dataclass(frozen=True, slots=True)
class AnswerPolicy:
    planning: PlanningPolicy = field(default_factory=PlanningPolicy)
    # Share of the query's mass the best paragraph must cover to be answered.
    min_coverage: float = 0.61
    # A query word found elsewhere in the paragraph's article, or in its
    # title or date, counts this much.
    context_weight: float = 0.6
    # Floor on the TF-IDF score, against matches made of one weak word.
    min_score: float = 0.05
    # Ranking = coverage share + score_weight x TF-IDF score, times
    # (1 + type_boost) when the paragraph holds the kind of answer asked for.
    # Coverage first: a paragraph that says every part of the question beats
    # one that repeats its rarest word.
    score_weight: float = 0.1
    type_boost: float = 1.0
    # How many TF-IDF candidates are re-ranked.
    pool: int = 50


def coverage(index: Index, row: int, plan: QueryPlan, context_weight: float) -> float:
    """Share of the query's mass a paragraph covers, counting words found only
    elsewhere in its article (or its title/date) at ``context_weight``."""
    article = index.refs[row].article
    lo, hi = index.article_rows(article)
    context = index.article_context[article]
    covered = 0.0
    for group in plan.groups:
        in_article = False
        for col in group.columns:
            postings = index.postings(col)
            at, first, end = np.searchsorted(postings, [row, lo, hi])
            if at < len(postings) and postings[at] == row:
                covered += group.weight
                break
            in_article = in_article or end > first or index.terms[col] in context
        else:
            if in_article:
                covered += group.weight * context_weight
    for term, w in plan.context_only.items():
        if term in context:
            covered += w * context_weight
    return covered / (plan.total_mass or 1.0)


@dataclass(frozen=True, slots=True)
class Ranked:
    row: int
    value: float  # the ranking value
    tfidf: float  # the plain TF-IDF score, for the relevance floor


def rank(index: Index, plan: QueryPlan, k: int, policy: AnswerPolicy) -> list[Ranked]:
    """Candidates best first, one row per group of duplicates."""
    rows, scores = index.score(plan.weights)
    candidates: list[tuple[float, int, float]] = []
    for pos in top_k(scores, max(policy.pool, k)):
        row, tfidf = int(rows[pos]), float(scores[pos])
        value = coverage(index, row, plan, policy.context_weight) + policy.score_weight * tfidf
        if plan.answer_type and has_type(index.text(row), plan.answer_type):
            value *= 1.0 + policy.type_boost
        candidates.append((-value, row, tfidf))
    candidates.sort()
    ranked: list[Ranked] = []
    shown: set[int] = set()
    for neg, row, tfidf in candidates:
        if row in shown:
            continue
        shown.add(row)
        shown.update(index.duplicates.get(row, ()))
        ranked.append(Ranked(row, -neg, tfidf))
        if len(ranked) == k:
            break
    return ranked


def highlight(index: Index, text: str, weights: dict[int, float]) -> str:
    """The sentence of ``text`` carrying most of the query's weight."""
    spans = sentence_spans(text) or [(0, len(text))]
    best, best_mass = spans[0], 0.0
    for start, end in spans:
        mass = sum(weights.get(c, 0.0) for c in index.term_columns(text[start:end]))
        if mass > best_mass:
            best, best_mass = (start, end), mass
    return text[best[0] : best[1]]


def _seen_elsewhere(index: Index, corpus: Corpus, row: int) -> tuple[SeenElsewhere, ...]:
    seen = []
    for other in index.duplicates.get(row, ()):
        ref = index.refs[other]
        a = corpus.articles[ref.article]
        seen.append(SeenElsewhere(a.id, ref.number, a.source))
    seen.sort(key=lambda s: (s.source.published is None, s.source.published or 0, s.article_id))
    return tuple(seen)


def make_hit(
    index: Index, corpus: Corpus, row: int, score: float, weights: dict[int, float]
) -> Hit:
    ref = index.refs[row]
    article = corpus.articles[ref.article]
    text = article.paragraphs[ref.number - 1]
    return Hit(
        article_id=article.id,
        paragraph=ref.number,
        score=round(score, 6),
        text=text,
        highlight=highlight(index, text, weights),
        source=article.source,
        also_reported_by=_seen_elsewhere(index, corpus, row),
    )


def answer(
    index: Index, corpus: Corpus, vocab: Vocabulary, query: str, k: int, policy: AnswerPolicy
) -> Answer:
    plan = plan_query(index, vocab, query, policy.planning)
    if not plan.words:
        return Answer(query, False, (), reason="no-informative-words")
    ranked = rank(index, plan, k, policy)
    weights = plan.weights
    hits = tuple(make_hit(index, corpus, r.row, r.value, weights) for r in ranked)
    if not ranked:
        return Answer(query, False, hits, reason="no-match")
    best = ranked[0]
    if coverage(index, best.row, plan, policy.context_weight) < policy.min_coverage:
        reason = "low-coverage"
    elif best.tfidf < policy.min_score:
        reason = "low-score"
    else:
        reason = None
    return Answer(query, reason is None, hits, reason=reason)
