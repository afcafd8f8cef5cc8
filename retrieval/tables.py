"""A cleaned corpus saved as columns, and read back one article at a time.

Saved beside an index (``retrieval.cache``), in plain files:

- ``ids``: every article's id (a column of strings, ``retrieval.columns``);
- ``articles``: per article one small JSON array (where its file is, its
  source, provenance and how it was added);
- ``paragraphs``: every paragraph's text, article after article;
- ``article_rows.npy``: where each article's paragraphs start (``n + 1``);
- ``newest.npy``: article positions, most recently published first.

Opening one maps the files and reads nothing per article; an ``Article`` is
built when it is asked for (and the last few thousand are kept).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from heapq import merge
from pathlib import Path
from typing import Any, cast, overload

import numpy as np
import numpy.typing as npt

from retrieval.columns import ColumnError, Concat, Strings, view_ints, write_strings
from retrieval.models import (
    Added,
    AddedVia,
    Article,
    ArticleTable,
    Provenance,
    Source,
    first_positions,
    newest_order,
)

MEMO = 20_000  # Articles kept once built
OUTLETS = "outlets"  # each article's outlet ("" for none); older caches lack it


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _when(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


def _record(a: Article, folders: dict[str, int]) -> str:
    s = a.source
    added = a.added
    folder = folders.setdefault(str(a.path.parent), len(folders))
    return json.dumps(
        [
            folder,
            a.path.name,
            s.outlet,
            s.title,
            _iso(s.published),
            s.has_time,
            s.url,
            list(s.wires),
            s.author,
            dict(a.provenance),
            None if added is None else [added.via, added.ref, _iso(added.at), added.by, added.feed],
        ],
        ensure_ascii=False,
    )


def write_articles(folder: Path, articles: Sequence[Article]) -> list[str]:
    """Save ``articles`` into ``folder``; returns the folders their files are
    in (kept by the caller with the other metadata)."""
    folders: dict[str, int] = {}
    write_strings(folder / "ids", (a.id for a in articles))
    write_strings(folder / "articles", (_record(a, folders) for a in articles))
    write_strings(folder / OUTLETS, (a.source.outlet or "" for a in articles))
    write_strings(folder / "paragraphs", (p for a in articles for p in a.paragraphs))
    starts = np.zeros(len(articles) + 1, dtype=np.int64)
    if articles:
        np.cumsum([len(a.paragraphs) for a in articles], out=starts[1:])
    np.save(folder / "article_rows.npy", starts, allow_pickle=False)
    order = np.array(newest_order(articles), dtype=np.int64)
    np.save(folder / "newest.npy", order, allow_pickle=False)
    return list(folders)


def _child(parent: Path, name: str) -> Path:
    """parent / name without parsing the parent again; pathlib's own fast
    path where it has one."""
    make = getattr(parent, "_make_child_relpath", None)
    return cast(Path, make(name)) if make is not None and "/" not in name else parent / name


class SavedArticles(ArticleTable):
    """The articles saved by ``write_articles``, built on demand."""

    def __init__(self, folder: Path, folders: list[str]) -> None:
        self.ids = Strings(folder / "ids")
        self.records = Strings(folder / "articles")
        self.texts = Strings(folder / "paragraphs")
        try:
            starts = np.load(folder / "article_rows.npy", mmap_mode="r", allow_pickle=False)
            order = np.load(folder / "newest.npy", mmap_mode="r", allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise ColumnError(f"{folder}: {exc}") from exc
        self.starts = cast(npt.NDArray[np.int64], starts.view(np.ndarray))
        self.order = cast(npt.NDArray[np.int64], order.view(np.ndarray))
        n = len(self.ids)
        if (
            len(self.records) != n
            or self.starts.shape != (n + 1,)
            or self.order.shape != (n,)
            or int(self.starts[-1]) != len(self.texts)
        ):
            raise ColumnError(f"{folder}: the saved articles are inconsistent")
        self.folders = [Path(f) for f in folders]
        self.folder: Path | None = folder  # where it is saved (other columns may be beside it)
        self._starts = view_ints(self.starts)
        self._memo: dict[int, Article] = {}
        self._positions: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def _build(self, i: int) -> Article:
        (folder, name, outlet, title, published, has_time, url, wires, author, prov, added) = (
            json.loads(self.records[i])
        )
        lo, hi = self._starts[i], self._starts[i + 1]
        return Article(
            id=self.ids[i],
            path=_child(self.folders[folder], name),
            source=Source(outlet, title, _when(published), has_time, url, tuple(wires), author),
            provenance=cast(dict[str, Provenance], prov),
            paragraphs=self.texts.span(lo, hi),
            added=None
            if added is None
            else Added(
                cast(AddedVia, added[0]), added[1], cast(datetime, _when(added[2])), *added[3:]
            ),
        )

    @overload
    def __getitem__(self, i: int) -> Article: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Article]: ...
    def __getitem__(self, i: int | slice) -> Article | Sequence[Article]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        found = self._memo.get(i)
        if found is None:
            found = self._build(i)
            if len(self._memo) >= MEMO:
                self._memo.clear()
            self._memo[i] = found
        return found

    def __iter__(self) -> Iterator[Article]:
        for i in range(len(self)):
            yield self[i]

    def outlets(self) -> list[str | None]:
        """Every article's outlet (None for none), without building them."""
        try:
            saved = Strings(self.folder / OUTLETS) if self.folder is not None else None
        except ColumnError:
            saved = None
        if saved is not None and len(saved) == len(self):
            return [o or None for o in saved.tolist()]
        return [json.loads(r)[2] or None for r in self.records.tolist()]

    def position(self, article_id: str) -> int | None:
        if self._positions is None:
            self._positions = first_positions(self.ids.tolist())
        return self._positions.get(article_id)

    def newest(self, n: int) -> list[Article]:
        return [self[i] for i in self.order[: max(n, 0)].tolist()]

    def paragraph(self, article: int, number: int) -> str:
        if article < 0:
            article += len(self)
        return self.texts[self._starts[article] + number - 1]


def newest_key(a: Article) -> tuple[bool, float]:
    published = a.source.published
    return (published is None, -published.timestamp() if published is not None else 0.0)


class ArticleChain(ArticleTable):
    """A table's articles followed by a few more (a delta segment's)."""

    def __init__(self, first: Sequence[Article], second: Sequence[Article]) -> None:
        self.first = first
        self.second = tuple(second)
        self._chain = Concat(first, self.second)
        self._positions: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self._chain)

    @overload
    def __getitem__(self, i: int) -> Article: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Article]: ...
    def __getitem__(self, i: int | slice) -> Article | Sequence[Article]:
        return cast(Article | Sequence[Article], self._chain[i])

    def __iter__(self) -> Iterator[Article]:
        return iter(self._chain)

    def position(self, article_id: str) -> int | None:
        # A table answers for its own articles; a plain first run is put in
        # the dict with the second (not scanned on every call).
        table = self.first if isinstance(self.first, ArticleTable) else None
        if self._positions is None:
            rest = self.second if table is not None else self._chain
            start = len(self.first) if table is not None else 0
            self._positions = first_positions((a.id for a in rest), start)
        at = table.position(article_id) if table is not None else None
        return at if at is not None else self._positions.get(article_id)

    def newest(self, n: int) -> list[Article]:
        # Both runs newest first, ties in corpus order; merged by the same key
        # (heapq.merge is stable: the first run wins ties, as corpus order does).
        n = max(n, 0)
        head = _newest(self.first, n)
        tail = [self.second[i] for i in newest_order(self.second)[:n]]
        return list(merge(head, tail, key=newest_key))[:n]

    def paragraph(self, article: int, number: int) -> str:
        n = len(self.first)
        if article < 0:
            article += len(self)
        if article < n and isinstance(self.first, ArticleTable):
            return self.first.paragraph(article, number)
        return self[article].paragraphs[number - 1]


def _newest(articles: Sequence[Article], n: int) -> list[Article]:
    if isinstance(articles, ArticleTable):
        return articles.newest(n)
    return [articles[i] for i in newest_order(articles)[:n]]
