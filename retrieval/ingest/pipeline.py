"""Add articles: one input (a file, a URL or a feed entry) to one ``IngestResult``.

The path of one URL: ``fetch`` -> ``extract.from_html`` (trafilatura, then our
cleaner) -> ``checks.check_article`` -> duplicate check (canonical URL, then
text shingles) -> ``archive.write_article``. Plain synchronous code over data:
a bot calls it in a worker thread, the CLI calls it directly. An ``Ingester``
is not thread-safe; use one per thread (the archive lock keeps writers apart).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import httpx

from retrieval.ingest import archive as store
from retrieval.ingest import extract, feeds
from retrieval.ingest.checks import check_article
from retrieval.ingest.dedupe import ShingleIndex, fingerprint
from retrieval.ingest.errors import IngestError, size_text
from retrieval.ingest.fetch import Limits, fetch, make_client
from retrieval.ingest.urls import canonical_url, is_web_url
from retrieval.models import Added, AddedVia, Article, Source

Status = Literal["added", "updated", "duplicate", "error"]
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
# "www.kompas.com/read/..." typed without its scheme
_LOOKS_LIKE_HOST = re.compile(r"^(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/")
TEXT_SUFFIXES = (".txt",)


@dataclass(frozen=True, slots=True)
class IngestResult:
    input: str  # the path, URL or feed entry URL as given
    status: Status
    article: Article | None = None  # what was (or, in a dry run, would be) stored
    duplicate_of: str | None = None  # the existing article's id, for "duplicate"
    error: str | None = None  # one line, for "error"

    @property
    def ok(self) -> bool:
        return self.status != "error"


@dataclass(frozen=True, slots=True)
class Known:
    """What the corpus already holds, as the duplicate checks look it up (the
    articles by id, canonical URL and text hash; their sampled shingles);
    built from the articles, or read from columns saved with the index
    (``retrieval.known``)."""

    by_id: MutableMapping[str, Article]
    by_url: MutableMapping[str, str]
    by_text: MutableMapping[str, str]
    shingles: ShingleIndex


class Ingester:
    """Adds articles to one archive, knowing what the corpus already holds
    (``existing``, or ``known`` when that is already looked up)."""

    def __init__(
        self,
        archive_dir: Path,
        existing: Iterable[Article] = (),
        *,
        added_by: str | None = None,
        dry_run: bool = False,
        limits: Limits | None = None,
        client: httpx.Client | None = None,
        max_file_bytes: int = store.MAX_FILE_BYTES,
        known: Known | None = None,
    ) -> None:
        self.archive_dir = archive_dir
        self.added_by = added_by
        self.dry_run = dry_run
        self.limits = limits or Limits()
        self.max_file_bytes = max_file_bytes
        self._client = client
        self._own_client = client is None
        known = known or Known({}, {}, {}, ShingleIndex())
        self._by_id = known.by_id
        self._by_url = known.by_url
        self._by_text = known.by_text
        self._keys: dict[str, frozenset[int]] = {}
        self._shingles = known.shingles
        for article in existing:
            self._remember(article)

    # --- the public verbs ---------------------------------------------------

    def add(
        self, item: str, *, source_url: str | None = None, feed: str | None = None
    ) -> IngestResult:
        """Add one file or URL; never raises for a bad input (status "error")."""
        try:
            return self._add(item, source_url=source_url, feed=feed)
        except IngestError as exc:
            return IngestResult(item, "error", error=str(exc))
        except OSError as exc:
            return IngestResult(
                item, "error", error=f"{item}: cannot write the archive: {exc.strerror or exc}"
            )

    def add_feed(self, url: str) -> Iterator[IngestResult]:
        """One pass over a feed: a result per new entry (or one error for the feed)."""
        states = feeds.read_states(self.archive_dir)
        try:
            got = feeds.poll(url, states.get(url), client=self.client, limits=self.limits)
        except IngestError as exc:
            yield IngestResult(url, "error", error=str(exc))
            return
        for link in got.entries:
            if canonical_url(link) in self._by_url:
                continue  # already in the corpus: no need to fetch it again
            yield self.add(link, feed=url)
        if not self.dry_run and not got.not_modified:
            with store.locked(self.archive_dir):
                states = feeds.read_states(self.archive_dir)
                states[url] = got.state
                feeds.write_states(self.archive_dir, states)

    def commit(self, preview: IngestResult) -> IngestResult:
        """Write an article previewed by a dry-run ``add`` (e.g. after an admin confirms)."""
        if preview.status in ("added", "updated") and preview.article is not None:
            with store.locked(self.archive_dir):
                store.write_article(self.archive_dir, preview.article)
        return preview

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = make_client(self.limits)
        return self._client

    def close(self) -> None:
        if self._own_client and self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> Ingester:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- one input ----------------------------------------------------------

    def _add(self, item: str, *, source_url: str | None, feed: str | None) -> IngestResult:
        if source_url is not None and not is_web_url(source_url):
            raise IngestError(f"{source_url}: not an http(s) URL")
        via: AddedVia
        if is_web_url(item):
            draft = self._from_url(item)
            via, ref = ("feed" if feed else "url"), item
        else:
            draft = self._from_file(Path(item), source_url)
            via, ref = "file", str(Path(item))
        if draft.listing:
            raise IngestError(
                f"{item}: a list of other stories, not an article (an index or section page?)"
            )
        check_article(draft.paragraphs, item)
        url = draft.url or (item if via != "file" else source_url)
        now = datetime.now(UTC).replace(microsecond=0)
        added = Added(via=via, ref=ref, at=now, by=self.added_by, feed=feed)
        key = canonical_url(url) if url else None

        known = self._by_url.get(key) if key else None
        if known is not None:
            old = self._by_id[known]
            if old.paragraphs == draft.paragraphs or old.added is None:
                # Same text, or a seed (seeds are never rewritten).
                return IngestResult(item, "duplicate", article=old, duplicate_of=old.id)
            article = self._article(draft, url, added, known, reuse=old)
            self._store(article)
            return IngestResult(item, "updated", article=article)

        digest = _text_hash(draft.paragraphs)
        keys = fingerprint(draft.paragraphs)
        twin = self._by_text.get(digest) or self._shingles.match(keys)
        if twin is not None:
            old = self._by_id[twin]
            return IngestResult(item, "duplicate", article=old, duplicate_of=twin)
        article = self._article(draft, url, added, key or digest)
        self._store(article, keys)
        return IngestResult(item, "added", article=article)

    def _from_url(self, url: str) -> extract.Draft:
        got = fetch(url, kind="page", client=self.client, limits=self.limits)
        text = extract.decode(got.body, url, got.charset)
        if got.content_type == "text/plain":
            return extract.from_text(text, got.final_url)
        return extract.from_html(text, got.final_url)

    def _from_file(self, path: Path, source_url: str | None) -> extract.Draft:
        where = str(path)
        if not path.exists() and not path.is_symlink():
            hint = (
                " (a web page needs its URL with https://)" if _LOOKS_LIKE_HOST.match(where) else ""
            )
            raise IngestError(f"{where}: no such file{hint}")
        suffix = path.suffix.lower()
        if suffix not in HTML_SUFFIXES + TEXT_SUFFIXES:
            raise IngestError(
                f"{where}: unsupported file type {suffix or '(none)'}; expected .txt or .html"
            )
        try:
            size = path.stat().st_size
            if not path.is_file():
                raise IngestError(f"{where}: not a file")
            if size > self.max_file_bytes:
                raise IngestError(f"{where}: larger than {size_text(self.max_file_bytes)}")
            body = path.read_bytes()
        except FileNotFoundError:
            raise IngestError(f"{where}: no such file") from None
        except OSError as exc:
            raise IngestError(f"{where}: cannot read: {exc.strerror or exc}") from None
        if suffix in HTML_SUFFIXES:
            return extract.from_html(extract.decode(body, where), source_url)
        return extract.from_text(extract.decode(body, where, "utf-8"), source_url)

    def _article(
        self,
        draft: extract.Draft,
        url: str | None,
        added: Added,
        key: str,
        reuse: Article | None = None,
    ) -> Article:
        if reuse is not None:
            article_id, path = reuse.id, reuse.path
        else:
            article_id = store.make_id(draft.published or added.at, draft.outlet, key)
            path = store.article_path(self.archive_dir, article_id)
        provenance = dict(draft.provenance)
        if url is not None:
            provenance.setdefault("url", "stated")
        return Article(
            id=article_id,
            path=path,
            source=Source(
                outlet=draft.outlet,
                title=draft.title,
                published=draft.published,
                has_time=draft.has_time,
                url=url,
                wires=draft.wires,
                author=draft.author,
            ),
            provenance=provenance,
            paragraphs=draft.paragraphs,
            added=added,
        )

    def _store(self, article: Article, keys: frozenset[int] | None = None) -> None:
        if not self.dry_run:
            with store.locked(self.archive_dir):
                store.write_article(self.archive_dir, article)
        self._remember(article, keys)

    def _remember(self, article: Article, keys: frozenset[int] | None = None) -> None:
        old = self._by_id.get(article.id)
        if old is not None:
            self._by_text.pop(_text_hash(old.paragraphs), None)
            self._shingles.remove(article.id, self._keys.pop(article.id, frozenset()))
        self._by_id[article.id] = article
        if article.source.url:
            self._by_url[canonical_url(article.source.url)] = article.id
        self._by_text.setdefault(_text_hash(article.paragraphs), article.id)
        keys = keys if keys is not None else fingerprint(article.paragraphs)
        self._keys[article.id] = keys
        self._shingles.add(article.id, keys)


def _text_hash(paragraphs: Sequence[str]) -> str:
    return hashlib.sha1("\n\n".join(paragraphs).encode("utf-8")).hexdigest()


def ingest(
    inputs: Sequence[str],
    *,
    archive: Path,
    existing: Iterable[Article] = (),
    feed_urls: Sequence[str] = (),
    source_url: str | None = None,
    added_by: str | None = None,
    dry_run: bool = False,
    limits: Limits | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[IngestResult]:
    """Add files/URLs, then one pass over each feed; one result per input or entry.

    ``existing`` is the corpus already loaded (seeds and archive), for
    duplicates. ``progress(done, total)`` is called after each file or URL.
    """
    with Ingester(archive, existing, added_by=added_by, dry_run=dry_run, limits=limits) as ingester:
        for done, item in enumerate(inputs, start=1):
            yield ingester.add(item, source_url=source_url)
            if progress is not None:
                progress(done, len(inputs))
        for url in feed_urls:
            yield from ingester.add_feed(url)
