"""The live index: the retriever handlers read, swapped in place while the bot runs.

A handler reads ``LiveIndex.current`` once per question and keeps that retriever
for the whole question, so a swap never changes an answer half-way. Every new
index is built in a worker thread (``asyncio.to_thread``) and swapped in with one
assignment on the event loop; questions asked meanwhile use the old one.

What changed is read from the files' sizes and mtimes (one walk over the folders
per look): archive articles that are only *added* are read (just those) and go in
as a delta segment (``Retriever.add_articles``); anything changed or removed, or a
new seed, means a full ``Retriever.load`` (which itself loads the saved index and
indexes only added archive entries when that is all that changed). A ``.txt``
dropped into the archive without its ``.toml`` is first ingested (cleaned and
given its ``.toml`` by ``retrieval.ingest``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from retrieval import Retriever
from retrieval.ingest import Ingester, IngestResult
from retrieval.ingest.archive import load_entry
from retrieval.known import ingester_for
from retrieval.models import Article

logger = logging.getLogger(__name__)

# A dropped .txt younger than this may still be being written (e.g. by `tanyaberita add`).
ORPHAN_MIN_AGE = 3.0  # seconds
WATCHER = "watcher"  # the added_by of files the watcher ingests
# A delta segment this large (paragraphs, and share of the main index) is
# merged into the main index by the watcher.
MERGE_MIN_ROWS = 20_000
MERGE_SHARE = 0.1

Snapshot = dict[str, tuple[int, int]]  # "S:name" / "A:rel/path" -> (size, mtime_ns)
Kind = Literal["unchanged", "delta", "full", "failed"]


@dataclass(frozen=True, slots=True)
class Refreshed:
    kind: Kind
    articles: int  # in the index now
    added: int = 0  # articles new since the last index
    ingested: tuple[IngestResult, ...] = ()  # dropped .txt files read in this pass
    error: str | None = None


def scan(
    seeds_dir: Path, archive_dir: Path | None, min_age: float = ORPHAN_MIN_AGE
) -> tuple[Snapshot, list[Path]]:
    """One walk over the seeds and the archive (stat only): the article files'
    (size, mtime), and the archive ``.txt`` files without a ``.toml`` beside
    them (dropped in by hand) that are at least ``min_age`` seconds old."""
    found: Snapshot = {}
    texts: dict[str, tuple[Path, float]] = {}  # archive .txt -> (path, mtime)
    for label, folder, recursive in (("S", seeds_dir, False), ("A", archive_dir, True)):
        if folder is None or not folder.is_dir():
            continue
        stack = [""]
        while stack:
            rel = stack.pop()
            with os.scandir(folder / rel if rel else folder) as entries:
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    name = f"{rel}/{entry.name}" if rel else entry.name
                    if entry.is_dir():
                        if recursive:
                            stack.append(name)
                    elif entry.name.endswith((".txt", ".toml")) and entry.is_file():
                        st = entry.stat()
                        key = f"{label}:{name}"
                        found[key] = (st.st_size, st.st_mtime_ns)
                        if label == "A" and entry.name.endswith(".txt"):
                            texts[key] = (Path(entry.path), st.st_mtime)
    # An archive .txt without its .toml is not an article (yet): an orphan.
    now = time.time()
    orphans = sorted(
        path
        for key, (path, mtime) in texts.items()
        if f"{key[:-4]}.toml" not in found and now - mtime >= min_age
    )
    for key in texts:
        if f"{key[:-4]}.toml" not in found:
            del found[key]
    return found, orphans


def snapshot(seeds_dir: Path, archive_dir: Path | None) -> Snapshot:
    """(size, mtime) of every article file in the seeds and the archive (cheap: stat only)."""
    return scan(seeds_dir, archive_dir)[0]


class LiveIndex:
    """The current retriever, and the one lock that serialises rebuilds."""

    def __init__(
        self,
        retriever: Retriever,
        *,
        seeds_dir: Path,
        archive_dir: Path | None,
        cache_dir: Path | None,
        english_dict: Path | None,
        files: Snapshot | None = None,
    ) -> None:
        self.current = retriever
        self.seeds_dir = seeds_dir
        self.archive_dir = archive_dir
        self.cache_dir = cache_dir
        self.english_dict = english_dict
        self._files = files if files is not None else snapshot(seeds_dir, archive_dir)
        self._failed: set[tuple[str, int, int]] = set()  # dropped files that did not ingest
        self._lock: asyncio.Lock | None = None
        self.swaps = 0

    @property
    def lock(self) -> asyncio.Lock:
        if self._lock is None:  # created on the loop that uses it
            self._lock = asyncio.Lock()
        return self._lock

    def swap(self, retriever: Retriever) -> None:
        self.current = retriever
        self.swaps += 1

    async def add_articles(self, articles: Sequence[Article]) -> int:
        """Add what the index does not hold yet (a delta segment); how many went in."""
        async with self.lock:
            return await self._add(articles)

    async def _add(self, articles: Sequence[Article]) -> int:
        old = self.current
        corpus = old.corpus
        fresh = [a for a in {a.id: a for a in articles}.values() if corpus.position(a.id) is None]
        if fresh:
            new = await asyncio.to_thread(old.add_articles, fresh)
            self.swap(new)
            # Saved, so the next start loads the delta instead of indexing it again.
            try:
                await asyncio.to_thread(new.save_delta)
            except Exception:
                logger.warning("the added articles were not saved with the index", exc_info=True)
        return len(fresh)

    async def refresh(self, *, force: bool = False) -> Refreshed:
        """Bring the index up to the files; ``force`` rebuilds it whatever they say.
        Never raises: a failed rebuild keeps the old index (kind "failed")."""
        async with self.lock:
            try:
                return await self._refresh(force)
            except Exception as exc:
                logger.warning("the archive could not be reloaded (the old index stays): %s", exc)
                return Refreshed("failed", len(self.current.corpus.articles), error=str(exc))

    async def _refresh(self, force: bool) -> Refreshed:
        files, orphans = await asyncio.to_thread(scan, self.seeds_dir, self.archive_dir)
        ingested = await asyncio.to_thread(self._ingest_dropped, orphans) if orphans else ()
        if any(r.status in ("added", "updated") for r in ingested):  # it wrote files
            files, _ = await asyncio.to_thread(scan, self.seeds_dir, self.archive_dir)
        old = self._files
        if files == old and not force:
            return Refreshed("unchanged", len(self.current.corpus.articles), ingested=ingested)
        added = files.keys() - old.keys()
        changed = {k for k in files.keys() & old.keys() if files[k] != old[k]}
        removed = old.keys() - files.keys()
        before = len(self.current.corpus.articles)
        if force or changed or removed or any(k.startswith("S:") for k in added):
            new = await asyncio.to_thread(self._load)
            self.swap(new)
            self._files = files
            after = len(new.corpus.articles)
            logger.info("index reloaded: %d articles (was %d)", after, before)
            return Refreshed("full", after, max(0, after - before), ingested)
        # Only archive entries were added: read just those.
        entries = sorted(k[2:] for k in added if k.endswith(".toml"))
        count = await self._add(await asyncio.to_thread(self._entries, entries))
        self._files = files
        if count:
            logger.info("index extended: %d new articles", count)
        if self.delta_too_large():
            # Every later add re-analyses the delta: fold it into the main index
            # (built in a worker thread; questions use the current index meanwhile).
            merged = await asyncio.to_thread(self._load, merge=True)
            self.swap(merged)
            after = len(merged.corpus.articles)
            logger.info("delta segment merged into the main index: %d articles", after)
            return Refreshed("full", after, max(0, after - before), ingested)
        return Refreshed("delta", len(self.current.corpus.articles), count, ingested)

    def _load(self, *, merge: bool = False) -> Retriever:
        """A full ``Retriever.load`` from these folders (runs in a worker thread)."""
        return Retriever.load(
            self.seeds_dir,
            cache_dir=self.cache_dir,
            english_dict=self.english_dict,
            archive_dir=self.archive_dir,
            merge=merge,
        )

    def delta_too_large(self) -> bool:
        """Whether the delta segment has grown past MERGE_SHARE of the main
        index (and MERGE_MIN_ROWS paragraphs)."""
        index = self.current.index
        if index.base is None:
            return False
        rows = len(index) - len(index.base)
        return rows >= max(MERGE_MIN_ROWS, MERGE_SHARE * len(index.base))

    def _entries(self, names: Sequence[str]) -> list[Article]:
        """The archive articles of these ``.toml`` files (paths in the archive)."""
        archive = self.archive_dir
        if archive is None:
            return []
        loaded = (load_entry(archive, archive / name) for name in names)
        return [a for a in loaded if a is not None]

    def _ingest_dropped(self, orphans: Sequence[Path]) -> tuple[IngestResult, ...]:
        """Ingest the ``.txt`` files dropped into the archive without a ``.toml``. The
        original is removed once its article is stored (or found to be a duplicate)."""
        if self.archive_dir is None:
            return ()
        results: list[IngestResult] = []
        found = []
        for path in orphans:
            with contextlib.suppress(OSError):  # gone meanwhile
                st = path.stat()
                if (str(path), st.st_size, st.st_mtime_ns) not in self._failed:
                    found.append((path, (str(path), st.st_size, st.st_mtime_ns)))
        if not found:
            return ()
        corpus = self.current.corpus
        with ingester_for(self.archive_dir, corpus, added_by=WATCHER) as ingester:
            for path, key in found:
                self._ingest_one(ingester, path, key, results)
        return tuple(results)

    def _ingest_one(
        self,
        ingester: Ingester,
        path: Path,
        key: tuple[str, int, int],
        results: list[IngestResult],
    ) -> None:
        result = ingester.add(str(path))
        results.append(result)
        if result.ok:
            logger.info("dropped file %s ingested (%s)", path.name, result.status)
            if not path.with_suffix(".toml").exists():  # else stored under its own name
                with contextlib.suppress(OSError):
                    path.unlink()
        else:
            self._failed.add(key)
            logger.warning("dropped file %s not ingested: %s", path.name, result.error)
