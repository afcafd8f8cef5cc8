"""Follow-up questions: a question read in the context of an earlier answer.

"Berapa nilai perdagangan Rusia dan China?" ... "kalau tahun 2023?". The
follow-up's own words keep the lead; the earlier question's topic words join
at a lower weight; the earlier answer's article gets a small boost. If that
still finds nothing, the plain follow-up is asked on its own.

Which messages are follow-ups is the caller's decision (a reply to an answer,
or ``is_elliptical`` within a time window); this module only reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from retrieval.analyzer import apply_aliases
from retrieval.answer import AnswerPolicy, CorpusStats, answer_plan
from retrieval.index import Index
from retrieval.lexicon import QUERY_FUNCTION_WORDS
from retrieval.models import Answer, Corpus
from retrieval.query import Group, QueryPlan, Vocabulary, plan_query
from retrieval.text import normalize, words


@dataclass(frozen=True, slots=True)
class FollowUp:
    """The exchange a follow-up refers to: its question and the answer's article."""

    question: str
    article_id: str


@dataclass(frozen=True, slots=True)
class FollowUpPolicy:
    # The earlier question's words count this much of their own weight.
    topic_weight: float = 0.5
    # Paragraphs of the earlier answer's article rank this much higher.
    article_boost: float = 0.2


# Openers that hand the topic over from the previous exchange ("kalau ...",
# "terus ...", "bagaimana dengan ..."), after chat forms are read.
_OPENERS = (("kalau",), ("terus",), ("lalu",), ("kl",), ("bagaimana", "dengan"))
# Words that point back at something said before.
_POINTERS = frozenset({"itu", "tersebut", "dia", "mereka", "beliau", "ia"})


def is_elliptical(text: str) -> bool:
    """Whether a message leans on the previous exchange: it opens with
    "kalau", "terus", "lalu", "bagaimana dengan" (or their chat forms), points
    back ("itu", "tersebut", "dia", "mereka", a trailing "-nya" on a verb), or
    has no subject of its own (at most one informative word)."""
    raw = list(words(normalize(text)))
    tokens = apply_aliases(raw)
    if not tokens:
        return False
    if any(tuple(tokens[: len(o)]) == o for o in _OPENERS):
        return True
    if _POINTERS.intersection(tokens) or any(
        w.endswith("nya") and len(w) > 6 and w not in QUERY_FUNCTION_WORDS for w in raw
    ):
        return True
    informative = [t for t in tokens if t not in QUERY_FUNCTION_WORDS]
    return len(informative) <= 1


def has_own_subject(text: str, plan: QueryPlan) -> bool:
    """Whether a reply names its own subject: it does not lean on the
    previous exchange (``is_elliptical``) and names someone or something."""
    return not is_elliptical(text) and (
        any(g.name for g in plan.groups) or bool(plan.unknown_names)
    )


def merge_plans(own: QueryPlan, earlier: QueryPlan, policy: FollowUpPolicy) -> QueryPlan:
    """The follow-up's plan with the earlier question's topic words added at
    ``topic_weight`` (words the follow-up already has keep their own weight)."""
    have = {col for g in own.groups for col in g.columns}
    f = policy.topic_weight
    added = [
        replace(
            g,
            columns={c: w * f for c, w in g.columns.items()},
            weight=g.weight * f,
            position=-1,
            unit=-1 if g.unit < 0 else 1000 + g.unit,
        )
        for g in earlier.groups
        if not have.intersection(g.columns)
    ]
    groups: tuple[Group, ...] = (*own.groups, *added)
    return replace(
        own,
        words=(*own.words, *(g.word for g in added)),
        groups=groups,
        answer_type=own.answer_type or earlier.answer_type,
    )


def answer_followup(
    index: Index,
    corpus: Corpus,
    vocab: Vocabulary,
    text: str,
    k: int,
    policy: AnswerPolicy,
    stats: CorpusStats,
    context: FollowUp,
    followup: FollowUpPolicy | None = None,
) -> Answer:
    """Answer ``text`` in the context of an earlier exchange; the plain
    question's answer when the contextual reading finds nothing."""
    followup = followup or FollowUpPolicy()
    own = plan_query(index, vocab, text, policy.planning)
    if has_own_subject(text, own):
        # "Kapan Menteri Pertahanan China Li Shangfu bertemu Putin?" in reply
        # to an answer about trade: a question of its own, ranked as such.
        return answer_plan(index, corpus, own, text, k, policy, stats)
    earlier = plan_query(index, vocab, context.question, policy.planning)
    merged = merge_plans(own, earlier, followup)
    position = corpus.position(context.article_id)
    boost = None if position is None else (position, followup.article_boost)
    contextual = answer_plan(index, corpus, merged, text, k, policy, stats, boost, own)
    if contextual.answered or contextual.reason == "missing-term":
        # Answered, or the topic was found without what the follow-up adds:
        # the decline names it ("2023"), better than an answer on another topic.
        return contextual
    return answer_plan(index, corpus, own, text, k, policy, stats)
