"""Plain data shared by the retrieval library: articles, paragraphs, answers.

Everything here is immutable and free of I/O so that every stage (loading,
indexing, answering) takes data and returns data.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal, cast

# Where a metadata value came from: printed in the article text, looked up
# from a public copy of the article, or inferred from other facts.
Provenance = Literal["stated", "looked-up", "inferred"]
PROVENANCES: tuple[Provenance, ...] = ("stated", "looked-up", "inferred")


class CorpusError(Exception):
    """A problem with the corpus a user can fix (bad metadata, unreadable file).

    The message is one line that names the file (and field, when relevant).
    """


@dataclass(frozen=True, slots=True)
class Source:
    """Where an article comes from: everything a citation prints.

    An article owns one; every hit, listing and citation reads the same object,
    so a new citation field is added here and nowhere else.
    """

    outlet: str | None
    title: str | None
    # Timezone-aware. When only the day is known, midnight local time and
    # ``has_time`` False, so nobody prints a time that was never published.
    published: datetime | None
    has_time: bool = False
    url: str | None = None
    wires: tuple[str, ...] = ()
    author: str | None = None


# How an archive article arrived: a saved file, a fetched URL, or a feed entry.
AddedVia = Literal["file", "url", "feed"]


@dataclass(frozen=True, slots=True)
class Added:
    """When, how and by whom an article was added to the archive (seeds have none)."""

    via: AddedVia
    ref: str  # the file path, URL or feed entry URL it came from
    at: datetime  # timezone-aware
    by: str | None = None  # pseudonym of the admin who added it; None from the terminal
    feed: str | None = None  # the feed's URL, for via="feed"


@dataclass(frozen=True, slots=True)
class Article:
    """One news article: its source (for citations) and its cleaned body paragraphs."""

    id: str  # file name without ".txt", e.g. "003_8b1db099ec59a2e9"
    path: Path
    source: Source
    provenance: Mapping[str, Provenance]
    paragraphs: tuple[str, ...]
    added: Added | None = None


def newest_order(articles: Sequence[Article]) -> list[int]:
    """Positions of ``articles``, most recently published first; undated ones
    last; ties in corpus order."""
    dated = [i for i, a in enumerate(articles) if a.source.published is not None]
    undated = [i for i, a in enumerate(articles) if a.source.published is None]
    dated.sort(key=lambda i: cast(datetime, articles[i].source.published), reverse=True)
    return dated + undated


def first_positions(ids: Iterable[str], start: int = 0) -> dict[str, int]:
    """Each id's first position (an id saved twice is found where it first
    stands), counted from ``start``."""
    positions: dict[str, int] = {}
    for i, article_id in enumerate(ids, start):
        positions.setdefault(article_id, i)
    return positions


class ArticleTable(Sequence[Article]):
    """Articles that know their ids and their newest-first order without
    building every ``Article`` (a saved corpus opens in constant time)."""

    @abstractmethod
    def position(self, article_id: str) -> int | None:
        """The position of the article with that id, or None."""

    @abstractmethod
    def newest(self, n: int) -> list[Article]:
        """The n most recently published articles; undated ones last."""

    def paragraph(self, article: int, number: int) -> str:
        """Paragraph ``number`` (1-based) of the article at ``article``."""
        return self[article].paragraphs[number - 1]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or len(self) != len(other):
            return False
        return all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class Corpus:
    """The articles (a tuple, or a table read on demand) and the load's warnings."""

    articles: Sequence[Article]
    warnings: tuple[str, ...] = ()
    _positions: dict[str, int] | None = field(default=None, init=False, repr=False, compare=False)

    def position(self, article_id: str | None) -> int | None:
        """The position of the article with that id in ``articles``, or None."""
        if article_id is None:
            return None
        if isinstance(self.articles, ArticleTable):
            return self.articles.position(article_id)
        if self._positions is None:
            object.__setattr__(self, "_positions", first_positions(a.id for a in self.articles))
        assert self._positions is not None
        return self._positions.get(article_id)

    def find(self, article_id: str | None) -> Article | None:
        """The article with that id, or None."""
        at = self.position(article_id)
        return None if at is None else self.articles[at]

    def article(self, article_id: str) -> Article:
        found = self.find(article_id)
        if found is None:
            raise KeyError(article_id)
        return found

    def paragraph(self, article: int, number: int) -> str:
        """Paragraph ``number`` (1-based) of the article at position ``article``."""
        if isinstance(self.articles, ArticleTable):
            return self.articles.paragraph(article, number)
        return self.articles[article].paragraphs[number - 1]

    def newest(self, n: int) -> list[Article]:
        """The n most recently published articles; undated ones last."""
        if isinstance(self.articles, ArticleTable):
            return self.articles.newest(max(n, 0))
        return [self.articles[i] for i in newest_order(self.articles)[: max(n, 0)]]


@dataclass(frozen=True, slots=True)
class SeenElsewhere:
    """The same paragraph reported by another article."""

    article_id: str
    paragraph: int  # 1-based
    source: Source


@dataclass(frozen=True, slots=True)
class Hit:
    """One ranked paragraph and the source that cites it."""

    article_id: str
    paragraph: int  # 1-based number of the paragraph within its article
    score: float
    text: str
    highlight: str  # the best-matching sentence(s) of ``text``, verbatim
    source: Source
    also_reported_by: tuple[SeenElsewhere, ...] = ()


@dataclass(frozen=True, slots=True)
class Answer:
    """What the retriever says about one question.

    ``hits`` lists the top-k candidates even when ``answered`` is False, so a
    caller can show what was considered; ``reason`` says why it declined.
    """

    query: str
    answered: bool
    hits: tuple[Hit, ...]
    reason: str | None = None
    # Informative question words the best candidate lacks (what a decline
    # can name: "Saya tidak menemukan apa pun tentang Prancis").
    missing: tuple[str, ...] = ()

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.answered and self.hits else None
