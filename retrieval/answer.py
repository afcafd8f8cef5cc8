"""From a question to an Answer: plan, rank, ground, decide, cite.

Deciding *not* to answer matters as much as ranking, and it has to hold as
the archive grows: a big corpus matches most of a question's words somewhere
by chance. So an answer must be *grounded*:

- every name the question is about (a person, place or organisation: a word
  typed with a capital, or one the corpus itself writes as a name) must occur
  in the answer's article (its paragraphs or title); a name the corpus never
  mentions ("Prancis") declines at once;
- the word a "Siapa X ..."/"Apa X ..." question asks for (its focus: istri,
  warna, alasan) must be in the paragraph itself;
- the question's content words (rarer than the words that make up 30% of
  the corpus's running text, an IDF cut read from the index itself) must be
  covered by the paragraph, or at a discount by its article, to a share
  ``min_content`` (unless the paragraph holds two of the question's names
  together); and the whole question's IDF mass to a share ``min_coverage``.

Shares of IDF mass are ratios of the same corpus's weights, so they keep
their meaning when articles are added and every IDF shifts; the cut between
framing words ("menurut", "tidak") and content words moves with the corpus.
A declined Answer says why (``reason``) and what was not found (``missing``).
"""

from __future__ import annotations

import math
import weakref
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Literal

import numpy as np

from retrieval.index import Index
from retrieval.models import Answer, Corpus, Hit, SeenElsewhere
from retrieval.qtype import has_type, is_time_word
from retrieval.query import PlanningPolicy, QueryPlan, Vocabulary, plan_query, remember
from retrieval.recall import gather
from retrieval.text import sentence_spans
from retrieval.verbatim import by_typed_words


@dataclass(frozen=True, slots=True)
class AnswerPolicy:
    planning: PlanningPolicy = field(default_factory=PlanningPolicy)
    # Share of the query's mass the best paragraph must cover to be answered.
    min_coverage: float = 0.6
    # The same for an English question: a dictionary's translations cover
    # less of news prose's wording.
    min_coverage_english: float = 0.5
    # Share of the content words' mass (names aside) it must cover, unless
    # the paragraph holds at least ``names_together`` of the question's names.
    min_content: float = 0.5
    names_together: int = 2
    together_content: float = 0.0
    # Where a name of the question must be found besides the paragraph: its
    # article's title and lead ("lead"), or anywhere in the article ("article").
    names_in: Literal["lead", "article"] = "article"
    # For a question with a focus ("Siapa wali kota Beijing?"), where its
    # names must be for an answer: the paragraph with the focus word or its
    # title and lead ("lead"), or anywhere in the article ("article").
    focus_names_in: Literal["lead", "article"] = "lead"
    # A query word found elsewhere in the paragraph's article, or in its
    # title or date, counts this much.
    context_weight: float = 0.6
    # A content word found in the article but neither in the paragraph nor
    # in the title or lead counts this much towards ``min_content``.
    content_context: float = 0.3
    # Content words are those with an IDF above this quantile of the
    # corpus's running words (token-weighted IDF distribution).
    content_quantile: float = 0.3
    # Ranking = coverage share + score_weight x TF-IDF score, times
    # (1 + type_boost) when the paragraph holds the kind of answer asked for,
    # times ungrounded_factor when a name of the question is not in its article
    # or the question's focus word is not in the paragraph.
    # Coverage first: a paragraph that says every part of the question beats
    # one that repeats its rarest word.
    score_weight: float = 0.1
    type_boost: float = 1.0
    ungrounded_factor: float = 0.5
    # How many TF-IDF candidates are re-ranked. When a word is typed in a
    # derived form and more than ``crowded`` x that many paragraphs are
    # expected to hold every stem of the question (words taken as
    # independent), up to ``pulled`` of the next ``wide_pool - pool`` that
    # hold every word as typed join them (``retrieval.recall``).
    pool: int = 50
    wide_pool: int = 250
    pulled: int = 10
    crowded: float = 0.25
    # An answer must stand out from the question's own candidates: when at
    # least ``rivals`` others rank within ``rival_margin`` of it holding the
    # very same words of the question in the same places (paragraph, title
    # or lead, article), the archive has the question's words but no answer
    # to it in particular (a big corpus says "Persib" and "pertandingan" in
    # many places alike), and the question is declined as "ambiguous".
    rivals: int = 2
    rival_margin: float = 0.1
    # The words of a focus phrase ("presiden pertama") count as together in
    # a sentence when at most this many words apart ("presiden RI pertama").
    phrase_gap: int = 3
    # Share of the ranking value read with weights local to the candidates
    # (see ``local_weights``) rather than the corpus's IDF.
    local_weight: float = 0.5


class CorpusStats:
    """Thresholds read from the index, so they re-calibrate with the corpus."""

    def __init__(self, index: Index, policy: AnswerPolicy) -> None:
        self.index = index
        self.policy = policy

    @cached_property
    def content_idf(self) -> float:
        """IDF above which a word is content rather than framing: the IDF of
        the word at ``content_quantile`` of the corpus's running text."""
        idf = np.asarray(self.index.idf, dtype=np.float64)
        if idf.size == 0:
            return 0.0
        df = np.asarray(self.index.df, dtype=np.float64)  # paragraphs holding each term
        order = np.argsort(idf, kind="stable")
        cumulative = np.cumsum(df[order])
        at = int(np.searchsorted(cumulative, self.policy.content_quantile * cumulative[-1]))
        return float(idf[order][min(at, idf.size - 1)])


@dataclass(frozen=True, slots=True)
class Evidence:
    """How much of the question a candidate paragraph holds."""

    coverage: float  # share of the query's mass (paragraph, article at a discount)
    content: float  # the same share over content words only (1.0 if none)
    missing_names: tuple[str, ...]  # names not in the paragraph's article
    missing: tuple[str, ...]  # query words found neither in the paragraph nor its article
    # Distinct names of the question (adjacent name words count once) that
    # the paragraph itself holds: several together are evidence in their own right.
    names_here: int = 0
    focus_here: bool = True  # the question's focus word is in the paragraph (or it has none)
    # Names in neither the paragraph nor its article's title and lead.
    names_off_lead: tuple[str, ...] = ()
    # Per group of the plan: 1.0 in the paragraph, context_weight in its
    # article, 0.0 nowhere (for ranking against the other candidates).
    shares: tuple[float, ...] = ()
    # The same, as ranking reads them (see ``evidence``).
    rank_shares: tuple[float, ...] = ()

    def rank_coverage(self, plan: QueryPlan) -> float:
        """``coverage`` with ``rank_shares`` in place of ``shares``."""
        delta = sum(
            g.weight * (r - s)
            for g, r, s in zip(plan.groups, self.rank_shares, self.shares, strict=True)
        )
        return self.coverage + delta / (plan.total_mass or 1.0)

    @property
    def grounded(self) -> bool:
        return not self.missing_names


def evidence(
    index: Index,
    row: int,
    plan: QueryPlan,
    policy: AnswerPolicy,
    cut: float,
    postings: Mapping[int, Sequence[int]] | None = None,
) -> Evidence:
    """Where each query word occurs relative to ``row``: in the paragraph, in
    its article (other paragraphs, title, outlet, date), or nowhere."""
    if postings is None:
        postings = index.local_postings((c for g in plan.groups for c in g.columns), (row,))
    return Grounds(index, plan, policy, cut, postings).evidence(row)


class Grounds:
    """``evidence`` for the candidates of one question. A paragraph's
    evidence depends on its row only through its article and which groups
    the paragraph itself holds: where each group is in an article is read
    once per article, and candidates alike in both share one Evidence."""

    __slots__ = (
        "_articles",
        "_columns",
        "_cut",
        "_index",
        "_memo",
        "_plan",
        "_policy",
        "_postings",
        "_titles",
    )

    def __init__(
        self,
        index: Index,
        plan: QueryPlan,
        policy: AnswerPolicy,
        cut: float,
        postings: Mapping[int, Sequence[int]],
    ) -> None:
        self._index = index
        self._plan = plan
        self._policy = policy
        self._cut = cut
        self._postings = postings
        self._columns = [[postings[c] for c in g.columns] for g in plan.groups]
        self._titles: set[str] = {g.word for g in plan.groups if g.title}
        # article -> per group (in its lead or context, in the article at all).
        self._articles: dict[int, list[tuple[bool, bool]]] = {}
        self._memo: dict[tuple[int, tuple[bool, ...]], Evidence] = {}

    def evidence(self, row: int) -> Evidence:
        index = self._index
        article = index.refs.article.item(row)
        here = tuple(map(_holds(row), self._columns))
        key = (article, here)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._evidence(article, here)
        return found

    def _places(self, article: int) -> list[tuple[bool, bool]]:
        """Per group: whether the article's lead or context holds one of its
        terms, and whether any of its paragraphs or its context does."""
        places = self._articles.get(article)
        if places is not None:
            return places
        index = self._index
        lo, hi = index.article_rows(article)
        places = []
        for group in self._plan.groups:
            in_lead = in_article = False
            for col in group.columns:
                rows = self._postings[col]
                first = bisect_left(rows, lo)
                in_context = index.in_context(index.term(col), article)
                if in_context or (first < len(rows) and rows[first] == lo):
                    in_lead = True
                in_article = in_article or (first < len(rows) and rows[first] < hi) or in_context
            places.append((in_lead, in_article))
        self._articles[article] = places
        return places

    def _evidence(self, article: int, heres: tuple[bool, ...]) -> Evidence:
        index, plan, policy, cut = self._index, self._plan, self._policy, self._cut
        covered = content_covered = content_total = 0.0
        missing_names: list[str] = []
        missing: list[str] = []
        shares: list[float] = []
        rank_shares: list[float] = []
        name_units: set[int] = set()
        # Units with a word in the paragraph other than an ordinary word typed as
        # part of a name ("Angkatan Laut", "Tembok Besar"): distinct names, which
        # together are evidence in their own right.
        telling_units: set[int] = set()
        names: list[tuple[int, str, bool, bool, bool]] = []
        titles = self._titles
        focus_here = plan.focus is None
        for group, here, (in_lead, in_article) in zip(
            plan.groups, heres, self._places(article), strict=True
        ):
            share = 1.0 if here else policy.context_weight if (in_lead or in_article) else 0.0
            shares.append(share)
            # For ranking, a word of the question's relation found only deep in
            # the article is weaker evidence than a name found there: the article
            # may be about the name, the paragraph must say the relation.
            rank_shares.append(
                share if here or group.name or in_lead or not in_article else policy.content_context
            )
            if here and group.word == plan.focus:
                focus_here = True
            covered += group.weight * share
            if not (here or in_article):
                missing.append(group.word)
            if group.name:
                names.append((group.unit, group.word, here, in_lead, in_article))
                if here:
                    name_units.add(group.unit)
                    if not group.title:
                        telling_units.add(group.unit)
            elif group.weight >= cut:
                content_total += group.weight
                # Content words elsewhere in a long article are as likely to be
                # about something else: they count less than in its title or lead.
                away = policy.context_weight if in_lead else policy.content_context
                content_covered += group.weight * (1.0 if here else away if in_article else 0.0)
        off_lead: list[str] = []
        for unit in _name_units(names):
            # A name of several words ("Zhang Youxia") is there if one of its
            # words is; not its title alone ("Presiden" of "Presiden Rusia").
            telling = [n for n in unit if n[1] not in titles] or unit
            if not any(
                here or (in_lead if policy.names_in == "lead" else in_article)
                for _, _, here, in_lead, in_article in telling
            ):
                missing_names += [word for _, word, *_ in unit]
            if not any(here or in_lead for _, _, here, in_lead, _ in telling):
                off_lead += [word for _, word, *_ in unit]
        # A name of several words is in the paragraph when one of its words is
        # ("Jenderal Zhang" for "Zhang Youxia").
        for g, group in enumerate(plan.groups):
            if group.name and group.unit in name_units:
                rank_shares[g] = 1.0
        for term, w in plan.context_only.items():
            if index.in_context(term, article):
                covered += w * policy.context_weight
        content_total += plan.unknown_mass
        missing += [w for w in plan.unknown if w not in plan.unknown_names]
        if not focus_here and plan.focus is not None and plan.focus not in missing:
            missing.insert(0, plan.focus)
        return Evidence(
            coverage=covered / (plan.total_mass or 1.0),
            content=content_covered / content_total if content_total else 1.0,
            missing_names=(*plan.unknown_names, *missing_names),
            missing=tuple(dict.fromkeys([*plan.unknown_names, *missing_names, *missing])),
            names_here=len(telling_units),
            focus_here=focus_here,
            names_off_lead=(*plan.unknown_names, *off_lead),
            shares=tuple(shares),
            rank_shares=tuple(rank_shares),
        )


def _holds(row: int) -> Callable[[list[Sequence[int]]], bool]:
    """Whether any of a group's columns (their ascending rows) holds ``row``."""

    def held(columns: list[Sequence[int]]) -> bool:
        for rows in columns:
            at = bisect_left(rows, row)
            if at < len(rows) and rows[at] == row:
                return True
        return False

    return held


def _name_units(
    names: list[tuple[int, str, bool, bool, bool]],
) -> list[list[tuple[int, str, bool, bool, bool]]]:
    """Name groups by unit (a name of several words is one unit)."""
    units: dict[int, list[tuple[int, str, bool, bool, bool]]] = {}
    for name in names:
        units.setdefault(name[0], []).append(name)
    return list(units.values())


@dataclass(frozen=True, slots=True)
class Ranked:
    row: int
    value: float  # the ranking value
    tfidf: float  # the plain TF-IDF score
    evidence: Evidence


def local_weights(plan: QueryPlan, evs: list[Evidence]) -> list[float] | None:
    """Group weights re-read among the candidates, normalised to sum 1: a word
    every candidate holds ("Putin" in an archive about Putin) tells them apart
    less than one few of them hold, whatever its IDF in the whole corpus."""
    if not evs or not plan.groups:
        return None
    n = len(evs)
    weights = []
    for g, group in enumerate(plan.groups):
        holding = sum(ev.rank_shares[g] == 1.0 for ev in evs)
        weights.append(group.weight * (math.log((n + 1) / (holding + 1)) + 1.0))
    total = sum(weights) + plan.unknown_mass
    return [w / total for w in weights] if total else None


def holds_type(index: Index, row: int, plan: QueryPlan, ev: Evidence) -> bool:
    """Whether paragraph ``row`` holds the kind of answer the plan asks for.
    A news lead reports what happened on its article's date: for a "kapan"
    question whose every word the lead says, the lead of a dated article
    holds the date (the one its citation shows)."""
    assert plan.answer_type is not None
    memo = _remembered(index).types
    key = (row, plan.answer_type)
    typed = memo.get(key)
    if typed is None:
        typed = remember(memo, key, has_type(index.text(row), plan.answer_type), _Remembered.SIZE)
    if typed:
        return True
    ref = index.refs[row]
    return (
        plan.answer_type == "date"
        and ref.number == 1
        and all(share == 1.0 for share in ev.shares)
        and index.corpus.articles[ref.article].source.published is not None
    )


def rank(
    index: Index,
    plan: QueryPlan,
    k: int,
    policy: AnswerPolicy,
    cut: float = 0.0,
    boost: tuple[int, float] | None = None,
) -> list[Ranked]:
    """Candidates best first, one row per group of duplicates. ``boost`` is
    (article position, factor): that article's paragraphs rank higher."""
    size = max(policy.pool, k)
    pool = gather(index, plan, size, max(policy.wide_pool, size), policy.pulled, policy.crowded)
    # Each query term's postings once per question, not once per candidate.
    # (only the rows in the candidates' articles: the same answers, as lists).
    postings = index.local_postings(
        (c for g in plan.groups for c in g.columns), (r for r, _ in pool)
    )
    grounds = Grounds(index, plan, policy, cut, postings)
    evs = [grounds.evidence(row) for row, _ in pool]
    local = local_weights(plan, evs)
    candidates: list[tuple[float, int, float, Evidence]] = []
    tie: dict[int, float] = {}  # row -> its value without the TF-IDF part
    # Candidates alike share one Evidence: its coverage and mass are read once.
    read: dict[int, tuple[float, float]] = {}
    for (row, tfidf), ev in zip(pool, evs, strict=True):
        parts = read.get(id(ev))
        if parts is None:
            mass = 0.0
            if local is not None:
                mass = sum(w * s for w, s in zip(local, ev.rank_shares, strict=True))
            parts = read[id(ev)] = (ev.rank_coverage(plan), mass)
        coverage, mass = parts
        value = coverage + policy.score_weight * tfidf
        base = coverage
        if local is not None:
            value = (1 - policy.local_weight) * value + policy.local_weight * mass
            base = (1 - policy.local_weight) * base + policy.local_weight * mass
        if plan.answer_type and holds_type(index, row, plan, ev):
            value *= 1.0 + policy.type_boost
            base *= 1.0 + policy.type_boost
        if not ev.grounded or not ev.focus_here:
            value *= policy.ungrounded_factor
            base *= policy.ungrounded_factor
        if boost is not None and index.refs[row].article == boost[0]:
            value *= 1.0 + boost[1]
            base *= 1.0 + boost[1]
        candidates.append((-value, row, tfidf, ev))
        tie[row] = base
    candidates.sort(key=lambda c: (c[0], c[1]))
    # Candidates equal but for TF-IDF: the question's words as typed first
    # (among the places the loop below can reach: k, plus one per candidate
    # a duplicate of another may hide).
    hidden = sum(any(o in tie for o in index.duplicates.get(r, ())) for r in tie)
    candidates = by_typed_words(
        candidates,
        lambda c: tie[c[1]],
        lambda c: index.text(c[1]),
        plan.words,
        k + hidden,
        plan.typed,
    )
    ranked: list[Ranked] = []
    shown: set[int] = set()
    for neg, row, tfidf, ev in candidates:
        if row in shown:
            continue
        shown.add(row)
        shown.update(index.duplicates.get(row, ()))
        ranked.append(Ranked(row, -neg, tfidf, ev))
        if len(ranked) == k:
            break
    return ranked


def highlight(index: Index, text: str, weights: dict[int, float], row: int | None = None) -> str:
    """The sentence of ``text`` carrying most of the query's weight (the first
    of equals). With the paragraph's ``row``, only the query terms its postings
    hold are looked for, and the search stops at a sentence holding them all."""
    spans = sentence_spans(text) or [(0, len(text))]
    best, best_mass = spans[0], 0.0
    if row is not None and len(spans) > 1:
        weights = {c: w for c, w in weights.items() if w > 0 and index.weight(row, c) > 0}
    if len(spans) == 1 or not weights:
        return text[best[0] : best[1]]
    whole = sum(weights.values())
    memo = _remembered(index).sentences
    for start, end in spans:
        key = (text, start)
        held = memo.get(key)
        if held is None:
            held = remember(
                memo, key, frozenset(index.term_columns(text[start:end])), _Remembered.SIZE
            )
        mass = sum(w for c, w in weights.items() if c in held)
        if mass > best_mass:
            best, best_mass = (start, end), mass
            if mass >= whole:
                break
    return text[best[0] : best[1]]


class _Remembered:
    """What answering reads of an index's paragraphs that many questions read
    again (their candidates and answers overlap), bounded in size: the term
    columns of a highlighted sentence, by (paragraph text, sentence start),
    and whether a paragraph holds an answer type, by (row, type)."""

    __slots__ = ("sentences", "types")
    SIZE = 20_000

    def __init__(self) -> None:
        self.sentences: dict[tuple[str, int], frozenset[int]] = {}
        self.types: dict[tuple[int, str], bool] = {}


_REMEMBERED: weakref.WeakKeyDictionary[Index, _Remembered] = weakref.WeakKeyDictionary()


def _remembered(index: Index) -> _Remembered:
    found = _REMEMBERED.get(index)
    if found is None:
        found = _REMEMBERED.setdefault(index, _Remembered())
    return found


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
        highlight=highlight(index, text, weights, row),
        source=article.source,
        also_reported_by=_seen_elsewhere(index, corpus, row),
    )


def _column_sequence(index: Index, text: str) -> list[int]:
    """The index column of each word of ``text`` in order (-1 if none)."""
    analyzer = index.analyzer
    return [
        index.vocabulary.get(analyzer.stem(analyzer.unclitic(token)), -1)
        for token in analyzer.tokens(text)
    ]


def phrase_split(index: Index, row: int, plan: QueryPlan, gap: int) -> bool:
    """Whether one sentence of paragraph ``row`` holds both words of the
    question's focus phrase but never within ``gap`` words of each other
    ("Presiden China ... panggilan telepon pertama" is not "presiden
    pertama"): the paragraph uses them for something else."""
    if plan.focus_phrase is None:
        return False
    first, second = plan.focus_phrase
    text = index.text(row)
    split = False
    for start, end in sentence_spans(text):
        sequence = _column_sequence(index, text[start:end])
        at_first = [i for i, c in enumerate(sequence) if c in first.columns]
        at_second = [i for i, c in enumerate(sequence) if c in second.columns]
        if not (at_first and at_second):
            continue
        if any(0 < j - i <= gap for i in at_first for j in at_second):
            return False
        split = True
    return split


def rivals(ranked: list[Ranked], policy: AnswerPolicy) -> int:
    """How many candidates rank within ``rival_margin`` of the best one with
    the very same evidence (each question word found in the same place),
    when that evidence lacks a word of the question altogether (0 when the
    best paragraph's article holds every word: many reports of one event)."""
    top = ranked[0]
    if all(share > 0.0 for share in top.evidence.rank_shares):
        return 0
    floor = (1.0 - policy.rival_margin) * top.value
    return sum(
        r.value >= floor and r.evidence.rank_shares == top.evidence.rank_shares for r in ranked[1:]
    )


def decide(
    best: Evidence, policy: AnswerPolicy, english: bool = False, focus: bool = False
) -> str | None:
    """Why the best candidate is not an answer, or None if it is."""
    if not best.grounded or not best.focus_here:
        return "missing-term"
    if focus and policy.focus_names_in == "lead" and best.names_off_lead:
        return "missing-term"
    together = best.names_here >= policy.names_together
    floor = policy.together_content if together else policy.min_content
    if best.content < floor:
        return "missing-term" if best.missing else "low-coverage"
    if best.coverage < (policy.min_coverage_english if english else policy.min_coverage):
        return "low-coverage"
    return None


def answer(
    index: Index,
    corpus: Corpus,
    vocab: Vocabulary,
    query: str,
    k: int,
    policy: AnswerPolicy,
    stats: CorpusStats | None = None,
) -> Answer:
    plan = plan_query(index, vocab, query, policy.planning)
    return answer_plan(index, corpus, plan, query, k, policy, stats)


def answer_plan(
    index: Index,
    corpus: Corpus,
    plan: QueryPlan,
    query: str,
    k: int,
    policy: AnswerPolicy,
    stats: CorpusStats | None = None,
    boost: tuple[int, float] | None = None,
    own: QueryPlan | None = None,
) -> Answer:
    """Rank, ground and decide for a planned query. ``own`` (a follow-up's own
    words, when ``plan`` also carries an earlier question's) must be grounded
    in the best paragraph on its own too."""
    if not plan.words:
        return Answer(query, False, (), reason="no-informative-words")
    if not plan.unknown and all(is_time_word(g.word) for g in plan.groups):
        # "tahun 2023?": a time without a subject matches anything of that time.
        return Answer(query, False, (), reason="no-subject")
    cut = (stats or CorpusStats(index, policy)).content_idf
    ranked = rank(index, plan, max(k, policy.rivals + 1), policy, cut, boost)
    weights = plan.weights
    hits = tuple(make_hit(index, corpus, r.row, r.value, weights) for r in ranked[:k])
    if not ranked:
        return Answer(query, False, hits, reason="no-match", missing=plan.unknown)
    best = ranked[0].evidence
    # "Siapa istri Xi?": the names go with the focus word (the paragraph or
    # its lead says whose). "Berapa biaya ...?": the focus must be there, the
    # names as for any question.
    focus = plan.focus is not None and plan.answer_type != "number"
    reason = decide(best, policy, plan.english, focus)
    if reason is None and rivals(ranked, policy) >= policy.rivals:
        reason = "ambiguous"
    if reason is None and focus and phrase_split(index, ranked[0].row, plan, policy.phrase_gap):
        reason = "missing-term"
        best = replace(best, missing=(" ".join(g.word for g in plan.focus_phrase or ()),))
    if reason is None and own is not None:
        # A follow-up is short and deliberate: each of its own words must be
        # found in the paragraph or its article.
        mine = evidence(index, ranked[0].row, own, policy, cut=0.0)
        if mine.missing:
            reason, best = "missing-term", mine
    return Answer(query, reason is None, hits, reason=reason, missing=best.missing)
