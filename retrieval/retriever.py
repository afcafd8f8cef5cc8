"""The facade the bot and the CLI use: load once, ask many times."""

from __future__ import annotations

import logging
from pathlib import Path

from retrieval import cache
from retrieval.answer import AnswerPolicy, CorpusStats, answer, make_hit
from retrieval.corpus import load_corpus
from retrieval.english import DEFAULT_DICT, EnglishDictionary
from retrieval.followup import FollowUp, answer_followup
from retrieval.index import Index, IndexSettings, corpus_fingerprint
from retrieval.models import Answer, Article, Corpus, Hit
from retrieval.query import QueryPlan, Vocabulary, plan_query

log = logging.getLogger(__name__)


class Retriever:
    def __init__(
        self,
        corpus: Corpus,
        index: Index,
        policy: AnswerPolicy | None = None,
        english: EnglishDictionary | None = None,
    ) -> None:
        self.corpus = corpus
        self.index = index
        self.policy = policy or AnswerPolicy()
        self.english = english
        self._vocab = Vocabulary(index, english, self.policy.planning)
        self._stats = CorpusStats(index, self.policy)
        self._rows = {
            (corpus.articles[r.article].id, r.number): row for row, r in enumerate(index.refs)
        }

    @classmethod
    def from_corpus(
        cls,
        corpus: Corpus,
        *,
        cache_dir: Path | None = None,
        settings: IndexSettings | None = None,
        policy: AnswerPolicy | None = None,
        english: EnglishDictionary | None = None,
    ) -> Retriever:
        """Index a corpus, reusing a fresh cache and rebuilding a stale one."""
        settings = settings or IndexSettings()
        if cache_dir is None:
            return cls(corpus, Index.build(corpus, settings), policy, english)
        fingerprint = corpus_fingerprint(corpus, settings)
        try:
            index = cache.load(cache_dir, fingerprint, settings, corpus)
            log.debug("index loaded from cache %s", cache_dir)
        except cache.StaleCache as why:
            if cache.cache_path(cache_dir, fingerprint).exists():
                log.warning("index cache ignored and rebuilt: %s", why)
            index = Index.build(corpus, settings)
            try:
                cache.save(index, cache_dir)
                cache.prune(cache_dir, keep=fingerprint)
            except OSError as exc:
                # A read-only disk costs start-up time, never the answer.
                log.warning("could not write index cache in %s: %s", cache_dir, exc)
        return cls(corpus, index, policy, english)

    @classmethod
    def load(
        cls,
        seeds_dir: Path,
        *,
        cache_dir: Path | None = None,
        settings: IndexSettings | None = None,
        policy: AnswerPolicy | None = None,
        english_dict: Path | None = DEFAULT_DICT,
        archive_dir: Path | None = None,
    ) -> Retriever:
        """Load the corpus in ``seeds_dir`` (and ``archive_dir``) and its index.

        Raises CorpusError.

        English questions are understood when the FreeDict English-Indonesian
        dictionary is found at ``english_dict`` (optional; None disables).
        """
        corpus = load_corpus(seeds_dir, archive_dir)
        english = EnglishDictionary.load(english_dict) if english_dict else None
        log.info("English questions: %s", "on" if english else "off (no dictionary)")
        return cls.from_corpus(
            corpus, cache_dir=cache_dir, settings=settings, policy=policy, english=english
        )

    def ask(self, query: str, k: int = 5, context: FollowUp | None = None) -> Answer:
        """Answer a question; with ``context``, as a follow-up to that exchange."""
        if context is not None:
            return answer_followup(
                self.index, self.corpus, self._vocab, query, k, self.policy, self._stats, context
            )
        return answer(self.index, self.corpus, self._vocab, query, k, self.policy, self._stats)

    def plan(self, query: str) -> QueryPlan:
        """How a query is read: its word groups, corrections and unknown words."""
        return plan_query(self.index, self._vocab, query, self.policy.planning)

    def hit(self, article_id: str, paragraph: int) -> Hit:
        """Full citation of one paragraph (e.g. of an answer logged earlier).

        Raises KeyError when the corpus no longer holds that paragraph.
        """
        row = self._rows[(article_id, paragraph)]
        return make_hit(self.index, self.corpus, row, 0.0, {})

    def related_articles(self, query: str, k: int = 5) -> list[tuple[Article, float]]:
        """Articles most relevant to the words, best first (by their best paragraph)."""
        best: dict[str, float] = {}
        for h in self.ask(query, k=max(k * 4, 20)).hits:
            best[h.article_id] = max(best.get(h.article_id, 0.0), h.score)
        ranked = sorted(best.items(), key=lambda kv: -kv[1])[:k]
        return [(self.corpus.article(a), s) for a, s in ranked]
