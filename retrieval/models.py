"""Plain data shared by the retrieval library: articles, paragraphs, answers.

Everything here is immutable and free of I/O so that every stage (loading,
indexing, answering) takes data and returns data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class Corpus:
    articles: tuple[Article, ...]
    warnings: tuple[str, ...] = ()

    def find(self, article_id: str | None) -> Article | None:
        """The article with that id, or None."""
        return next((a for a in self.articles if a.id == article_id), None)

    def article(self, article_id: str) -> Article:
        found = self.find(article_id)
        if found is None:
            raise KeyError(article_id)
        return found

    def newest(self, n: int) -> list[Article]:
        """The n most recently published articles; undated ones last."""
        dated = [a for a in self.articles if a.source.published is not None]
        undated = [a for a in self.articles if a.source.published is None]
        dated.sort(key=lambda a: cast(datetime, a.source.published), reverse=True)
        return (dated + undated)[: max(n, 0)]


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
