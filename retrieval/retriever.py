"""The facade the bot and the CLI use: load once, ask many times."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from retrieval import cache
from retrieval.answer import AnswerPolicy, CorpusStats, answer, make_hit
from retrieval.corpus import load_corpus
from retrieval.english import DEFAULT_DICT, EnglishDictionary
from retrieval.followup import FollowUp, answer_followup
from retrieval.index import Index, IndexSettings, Progress
from retrieval.ingest.archive import load_entry
from retrieval.models import Answer, Article, Corpus, CorpusError, Hit
from retrieval.query import QueryPlan, Vocabulary, plan_query

log = logging.getLogger(__name__)


class Retriever:
    def __init__(
        self,
        index: Index,
        policy: AnswerPolicy | None = None,
        english: EnglishDictionary | None = None,
    ) -> None:
        self.index = index
        self.corpus = index.corpus
        self.policy = policy or AnswerPolicy()
        self.english = english
        self._vocab = Vocabulary(index, english, self.policy.planning)
        self._stats = CorpusStats(index, self.policy)
        self._source: tuple[Path, Path | None, IndexSettings] | None = None
        self._cache_dir: Path | None = None

    @classmethod
    def from_corpus(
        cls,
        corpus: Corpus,
        *,
        settings: IndexSettings | None = None,
        policy: AnswerPolicy | None = None,
        english: EnglishDictionary | None = None,
        progress: Progress | None = None,
    ) -> Retriever:
        """Index a corpus in memory."""
        return cls(Index.build(corpus, settings, progress=progress), policy, english)

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
        progress: Progress | None = None,
        strict_cache: bool = False,
        verify_files: bool = False,
        merge: bool = False,
        workers: int | None = None,
    ) -> Retriever:
        """Load the corpus in ``seeds_dir`` (and ``archive_dir``) and its index,
        from a fresh cache in ``cache_dir`` when there is one (reading no
        article file), else by cleaning and indexing it and saving the cache.
        Raises CorpusError; with ``strict_cache``, also CacheWriteError when the
        cache cannot be written (otherwise that only costs start-up time).
        A cache is judged fresh from the folders' stamp; ``verify_files``
        checks every file instead (see ``files_changed`` for a later check).
        Archive articles added since the cache was built are indexed alone,
        as a delta segment saved beside it; ``merge`` rebuilds one main index
        instead (``tanyaberita index``). A rebuild cleans and analyses with
        ``workers`` processes (default: the idle cores, for a large corpus).

        English questions are understood when the FreeDict English-Indonesian
        dictionary is found at ``english_dict`` (optional; None disables).
        """
        english = EnglishDictionary.load(english_dict) if english_dict else None
        log.info("English questions: %s", "on" if english else "off (no dictionary)")
        settings = settings or IndexSettings()
        if cache_dir is None:
            corpus = load_corpus(seeds_dir, archive_dir)
            return cls.from_corpus(
                corpus, settings=settings, policy=policy, english=english, progress=progress
            )
        index = load_index(
            seeds_dir,
            cache_dir,
            settings=settings,
            archive_dir=archive_dir,
            progress=progress,
            strict_cache=strict_cache,
            verify_files=verify_files,
            merge=merge,
            workers=workers,
        )
        retriever = cls(index, policy, english)
        retriever._source = (seeds_dir, archive_dir, settings)
        retriever._cache_dir = cache_dir
        return retriever

    def files_changed(self) -> bool:
        """Whether the corpus files (every one's size and mtime) differ from
        those this index was built from: the lazy half of a fast start. False
        for a retriever not loaded from folders with a cache."""
        if self._source is None or not self.index.fingerprint:
            return False
        seeds_dir, archive_dir, settings = self._source
        return cache.raw_fingerprint(seeds_dir, settings, archive_dir) != self.index.fingerprint

    def add_articles(self, articles: Sequence[Article]) -> Retriever:
        """A retriever that also knows ``articles`` (a delta segment; costs
        only their analysis). Its answers equal a full rebuild's."""
        extended = Retriever(self.index.extend(articles), self.policy, self.english)
        extended._source = self._source
        extended._cache_dir = self._cache_dir
        return extended

    def save_delta(self) -> bool:
        """Save this index's delta segment (articles added while running) in
        the cache it was loaded from, so the next start loads it instead of
        indexing those articles again. Saved only when the delta holds
        exactly the archive entries added since the saved main index, as
        their files read back; False (nothing written) otherwise. Costs a
        stat of every corpus file and the delta's own columns."""
        if self._source is None or self._cache_dir is None:
            return False
        seeds_dir, archive_dir, settings = self._source
        return save_live_delta(self.index, seeds_dir, self._cache_dir, settings, archive_dir)

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
        position = self.corpus.position(article_id)
        if position is None:
            raise KeyError(article_id)
        lo, hi = self.index.article_rows(position)
        if not 1 <= paragraph <= hi - lo:
            raise KeyError((article_id, paragraph))
        return make_hit(self.index, self.corpus, lo + paragraph - 1, 0.0, {})

    def related_articles(self, query: str, k: int = 5) -> list[tuple[Article, float]]:
        """Articles most relevant to the words, best first (by their best paragraph)."""
        best: dict[str, float] = {}
        for h in self.ask(query, k=max(k * 4, 20)).hits:
            best[h.article_id] = max(best.get(h.article_id, 0.0), h.score)
        ranked = sorted(best.items(), key=lambda kv: -kv[1])[:k]
        return [(self.corpus.article(a), s) for a, s in ranked]


def cache_status(
    seeds_dir: Path,
    cache_dir: Path,
    *,
    settings: IndexSettings | None = None,
    archive_dir: Path | None = None,
) -> tuple[Path, bool]:
    """Where this corpus's cache is, and whether it is fresh (loadable)."""
    settings = settings or IndexSettings()
    folder = cache.corpus_dir(cache_dir, seeds_dir, archive_dir)
    fingerprint = cache.raw_fingerprint(seeds_dir, settings, archive_dir)
    try:
        cache.load(folder, fingerprint, settings)
        fresh = True
    except cache.StaleCache:
        fresh = False
    return cache.saved_path(folder, fingerprint), fresh


def saved_corpus(
    seeds_dir: Path,
    cache_dir: Path,
    *,
    settings: IndexSettings | None = None,
    archive_dir: Path | None = None,
) -> Corpus | None:
    """The cleaned corpus saved with a fresh index (opened lazily: no article
    file is read, no article built until asked for), or None when there is
    no fresh one. Fresh as ``load_index`` judges it (the folders' stamp, else
    every file's size and mtime); builds and writes nothing."""
    settings = settings or IndexSettings()
    folder = cache.corpus_dir(cache_dir, seeds_dir, archive_dir)
    if not folder.is_dir():
        return None
    known = cache.stamped_fingerprint(folder, cache.folder_stamp(seeds_dir, settings, archive_dir))
    if known is not None:
        try:
            return cache.load(folder, known, settings).corpus
        except cache.StaleCache:
            pass  # the stamp named a cache that is gone: check every file
    try:
        fingerprint = cache.raw_fingerprint(seeds_dir, settings, archive_dir)
        return cache.load(folder, fingerprint, settings).corpus
    except cache.StaleCache:
        return None


def load_index(
    seeds_dir: Path,
    cache_dir: Path,
    *,
    settings: IndexSettings | None = None,
    archive_dir: Path | None = None,
    progress: Progress | None = None,
    strict_cache: bool = False,
    verify_files: bool = False,
    merge: bool = False,
    workers: int | None = None,
) -> Index:
    """The index of a corpus folder (its corpus is ``index.corpus``): loaded
    from a fresh cache; else, when the archive only gained articles since the
    main index was saved, that index with the new articles as a delta segment
    (saved too); else rebuilt and saved (pruning only this corpus's older
    caches). ``merge`` rebuilds rather than load or make a delta.

    Freshness is judged from the folders' stamp (mtimes and entry counts), so
    a cold start stats no article file; ``verify_files`` checks every file's
    size and mtime instead (``tanyaberita index`` does)."""
    settings = settings or IndexSettings()
    folder = cache.corpus_dir(cache_dir, seeds_dir, archive_dir)
    stamp = cache.folder_stamp(seeds_dir, settings, archive_dir)
    if not verify_files and not merge:
        known = cache.stamped_fingerprint(folder, stamp)
        if known is not None:
            try:
                return cache.load(folder, known, settings)
            except cache.StaleCache:
                pass
    files = cache.listing(seeds_dir, archive_dir)
    fingerprint = cache.fingerprint_of(files, settings)
    if not (merge and cache.delta_path(folder, fingerprint).exists()):
        try:
            index = cache.load(folder, fingerprint, settings)
            log.debug("index loaded from cache %s", folder)
            _remember(folder, stamp, fingerprint, strict_cache)
            return index
        except cache.StaleCache as why:
            if cache.saved_path(folder, fingerprint).exists():
                log.warning("index cache ignored and rebuilt: %s", why)
    if not merge and archive_dir is not None:
        extended = _with_new_articles(folder, files, fingerprint, settings, archive_dir)
        if extended is not None:
            if _save(folder, extended, strict_cache, delta=True):
                _remember(folder, stamp, fingerprint, strict_cache)
            return extended
    corpus = load_corpus(seeds_dir, archive_dir, progress, workers=workers)
    index = Index.build(
        corpus, settings, fingerprint=fingerprint, progress=progress, workers=workers
    )
    if _save(folder, index, strict_cache, files=files):
        _remember(folder, stamp, fingerprint, strict_cache)
    return index


def _with_new_articles(
    folder: Path, files: cache.Files, fingerprint: str, settings: IndexSettings, archive_dir: Path
) -> Index | None:
    """The saved main index plus the archive entries added since it was
    built, as a delta segment; None when that is not what changed (or the
    new entries do not load cleanly: the full load then says why)."""
    saved = cache.main_listing(folder)
    if saved is None:
        return None
    main_fingerprint, main_files = saved
    added = cache.added_entries(main_files, files)
    if not added:
        return None
    try:
        base = cache.load(folder, main_fingerprint, settings)
        articles = [load_entry(archive_dir, archive_dir / rel) for rel in added]
    except (cache.StaleCache, CorpusError):
        return None
    fresh = [a for a in articles if a is not None]
    ids = {a.id for a in fresh}
    if len(fresh) != len(articles) or len(ids) != len(fresh):
        return None  # skipped files or clashing ids: a full load reports them
    if any(base.corpus.position(i) is not None for i in ids):
        return None
    log.info("index: %d new archive articles indexed as a delta segment", len(fresh))
    return base.extend(fresh, fingerprint=fingerprint)


def _save(
    folder: Path,
    index: Index,
    strict: bool,
    *,
    files: cache.Files | None = None,
    delta: bool = False,
) -> bool:
    """Save a main index (and prune the older ones) or a delta; a cache that
    cannot be written costs start-up time, never the answer (unless strict)."""
    try:
        if delta:
            assert index.base is not None
            cache.save_delta(index, folder)
            cache.prune(folder, keep=index.fingerprint, main=index.base.fingerprint)
        else:
            cache.save(index, folder, files)
            cache.prune(folder, keep=index.fingerprint)
    except cache.CacheWriteError as exc:
        if strict:
            raise
        log.warning("%s", exc)
        return False
    return True


def _remember(folder: Path, stamp: str, fingerprint: str, strict: bool) -> None:
    try:
        cache.remember_stamp(folder, stamp, fingerprint)
    except cache.CacheWriteError as exc:
        if strict:
            raise
        log.warning("%s", exc)


def save_live_delta(
    index: Index,
    seeds_dir: Path,
    cache_dir: Path,
    settings: IndexSettings,
    archive_dir: Path | None,
) -> bool:
    """``Retriever.save_delta`` for an index and its corpus folders."""
    base, parts = index.base, index.parts
    if base is None or parts is None or archive_dir is None or not base.fingerprint:
        return False
    folder = cache.corpus_dir(cache_dir, seeds_dir, archive_dir)
    saved = cache.main_listing(folder)
    if saved is None or saved[0] != base.fingerprint:
        return False
    stamp = cache.folder_stamp(seeds_dir, settings, archive_dir)
    files = cache.listing(seeds_dir, archive_dir)
    added = cache.added_entries(saved[1], files)
    ours = {a.id: a for a in parts.articles}
    if added is None or len(added) != len(ours) or len(ours) != len(parts.articles):
        return False
    try:
        on_disk = [load_entry(archive_dir, archive_dir / rel) for rel in added]
    except (CorpusError, OSError):
        return False
    if any(a is None or ours.get(a.id) != a for a in on_disk):
        return False  # the files say something else: the next start reads them
    fingerprint = cache.fingerprint_of(files, settings)
    if fingerprint == index.fingerprint and cache.delta_path(folder, fingerprint).is_dir():
        return True
    if not _save(folder, base.joined(parts, fingerprint), False, delta=True):
        return False
    if cache.folder_stamp(seeds_dir, settings, archive_dir) == stamp:
        _remember(folder, stamp, fingerprint, False)
    log.info("index: %d added articles saved as a delta segment", len(ours))
    return True
