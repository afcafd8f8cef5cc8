"""What the archive already holds, for the ingester's duplicate checks, saved
as columns beside the index so that adding an article (a feed poll, a file
dropped into the archive, ``/tambah``) never builds every ``Article`` or
shingles every text again.

Saved in a main index's folder (``retrieval.cache``), per article in corpus
order: its canonical URL (``known_urls``, empty when it has none) and the
hash of its text (``known_hashes``); and its sampled shingles
(``retrieval.ingest.dedupe.fingerprint``) as one sorted array of keys with
the article of each (``shingle_keys.npy``, ``shingle_articles.npy``).
``known_for`` reads them for a loaded corpus (articles past the saved main
index, a delta's, are looked up from memory); a cache without them falls
back to the articles themselves.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from retrieval.columns import ColumnError, Strings, write_strings
from retrieval.ingest import dedupe
from retrieval.ingest.pipeline import Ingester, Known, _text_hash
from retrieval.ingest.urls import canonical_url
from retrieval.models import Article, Corpus
from retrieval.tables import ArticleChain, SavedArticles

URLS = "known_urls"
HASHES = "known_hashes"
KEYS = "shingle_keys.npy"
OWNERS = "shingle_articles.npy"


def write_known(
    folder: Path, articles: Sequence[Article], known: npt.NDArray[np.uint64] | None = None
) -> None:
    """Save the look-ups of ``articles`` (in corpus order) into ``folder``.
    ``known``: their shingle keys if already worked out (a build's, ascending
    ``key << 32 | article``)."""
    write_strings(
        folder / URLS, (canonical_url(a.source.url) if a.source.url else "" for a in articles)
    )
    write_strings(folder / HASHES, (_text_hash(a.paragraphs) for a in articles))
    if known is None:
        known = shingle_keys(articles)
    np.save(folder / KEYS, (known >> np.uint64(32)).astype(np.uint32), allow_pickle=False)
    np.save(folder / OWNERS, (known & np.uint64(0xFFFFFFFF)).astype(np.int32), allow_pickle=False)


def shingle_keys(articles: Sequence[Article]) -> npt.NDArray[np.uint64]:
    """Every article's ``dedupe.fingerprint`` as ``key << 32 | article``,
    ascending (by key, then article)."""
    keys: list[int] = []
    owners: list[int] = []
    for i, a in enumerate(articles):
        found = dedupe.fingerprint(a.paragraphs)
        keys.extend(found)
        owners.extend([i] * len(found))
    combined = (np.array(keys, dtype=np.uint64) << np.uint64(32)) | np.array(owners, np.uint64)
    return np.sort(combined)


class _Saved:
    """The saved look-ups of a main index's articles (memory-mapped)."""

    def __init__(self, folder: Path, ids: Strings) -> None:
        self.ids = ids
        self.urls = Strings(folder / URLS)
        self.hashes = Strings(folder / HASHES)
        try:
            keys = np.load(folder / KEYS, mmap_mode="r", allow_pickle=False)
            owners = np.load(folder / OWNERS, mmap_mode="r", allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise ColumnError(f"{folder}: {exc}") from exc
        self.keys: npt.NDArray[np.uint32] = keys.view(np.ndarray)
        self.owners: npt.NDArray[np.int32] = owners.view(np.ndarray)
        if (
            len(self.urls) != len(ids)
            or len(self.hashes) != len(ids)
            or self.keys.shape != self.owners.shape
        ):
            raise ColumnError(f"{folder}: the saved look-ups are inconsistent")


class _Articles(MutableMapping[str, Article]):
    """Articles by id: the corpus's, and those stored since."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.own: dict[str, Article] = {}

    def __getitem__(self, key: str) -> Article:
        found = self.own.get(key) or self.corpus.find(key)
        if found is None:
            raise KeyError(key)
        return found

    def __setitem__(self, key: str, value: Article) -> None:
        self.own[key] = value

    def __delitem__(self, key: str) -> None:
        raise KeyError(key)  # the ingester never forgets an article

    def __iter__(self) -> Iterator[str]:
        raise TypeError("not iterable: the corpus's ids are not listed")

    def __len__(self) -> int:
        return len(self.corpus.articles) + len(self.own)


class _Lookup(MutableMapping[str, str]):
    """A saved look-up (read into a dict once, on first use) under the
    entries made since; a removed key hides the saved one."""

    def __init__(self, values: Strings, ids: Strings, *, first_wins: bool) -> None:
        self.column = values
        self.ids = ids
        self.first_wins = first_wins
        self._saved: dict[str, str] | None = None
        self.own: dict[str, str] = {}
        self.gone: set[str] = set()

    @property
    def saved(self) -> dict[str, str]:
        if self._saved is None:
            pairs = zip(self.column.tolist(), self.ids.tolist(), strict=True)
            kept = [(v, i) for v, i in pairs if v]
            self._saved = dict(reversed(kept) if self.first_wins else kept)
        return self._saved

    def __getitem__(self, key: str) -> str:
        if key in self.own:
            return self.own[key]
        if key in self.gone:
            raise KeyError(key)
        return self.saved[key]

    def __setitem__(self, key: str, value: str) -> None:
        self.own[key] = value
        self.gone.discard(key)

    def __delitem__(self, key: str) -> None:
        if key in self.own:
            del self.own[key]
        elif key in self.gone or key not in self.saved:
            raise KeyError(key)
        self.gone.add(key)

    def __iter__(self) -> Iterator[str]:
        yield from self.own
        yield from (k for k in self.saved if k not in self.own and k not in self.gone)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _Shingles(dedupe.ShingleIndex):
    """The saved shingle postings (sorted keys) plus those added since."""

    def __init__(self, saved: _Saved) -> None:
        super().__init__()
        self.saved = saved
        self.replaced: set[str] = set()  # saved articles whose keys no longer count

    def remove(self, article_id: str, keys: frozenset[int]) -> None:
        super().remove(article_id, keys)
        self.replaced.add(article_id)

    def _saved_ids(self, key: int) -> list[str]:
        keys = self.saved.keys
        lo = int(np.searchsorted(keys, key, side="left"))
        hi = int(np.searchsorted(keys, key, side="right"))
        if lo == hi:
            return []
        if hi - lo > dedupe.MAX_POSTINGS:  # boilerplate whatever is added
            return [""] * (hi - lo)
        ids = self.saved.ids
        return [ids[i] for i in self.saved.owners[lo:hi].tolist()]

    def ids(self, key: int) -> list[str]:
        saved = [i for i in self._saved_ids(key) if i not in self.replaced]
        return saved + super().ids(key)


def known_for(corpus: Corpus) -> Known | None:
    """The ingester's look-ups of ``corpus`` from the columns saved with its
    main index (articles after it are added from memory); None when the
    corpus was not loaded from a saved index that has them."""
    articles: Sequence[Article] = corpus.articles
    rest: Sequence[Article] = ()
    if isinstance(articles, ArticleChain):
        rest = articles.second
        articles = articles.first
    if not isinstance(articles, SavedArticles) or articles.folder is None:
        return None
    try:
        saved = _Saved(articles.folder, articles.ids)
    except ColumnError:
        return None
    known = Known(
        _Articles(corpus),
        _Lookup(saved.urls, saved.ids, first_wins=False),
        _Lookup(saved.hashes, saved.ids, first_wins=True),
        _Shingles(saved),
    )
    for a in rest:  # as Ingester._remember does for each existing article
        if a.source.url:
            known.by_url[canonical_url(a.source.url)] = a.id
        if _text_hash(a.paragraphs) not in known.by_text:
            known.by_text[_text_hash(a.paragraphs)] = a.id
        known.shingles.add(a.id, dedupe.fingerprint(a.paragraphs))
    return known


def ingester_for(
    archive_dir: Path, corpus: Corpus, *, added_by: str | None = None, dry_run: bool = False
) -> Ingester:
    """An ``Ingester`` that knows ``corpus``: from its saved look-ups when
    there are any, else from its articles."""
    known = known_for(corpus)
    if known is None:
        return Ingester(archive_dir, corpus.articles, added_by=added_by, dry_run=dry_run)
    return Ingester(archive_dir, added_by=added_by, dry_run=dry_run, known=known)
