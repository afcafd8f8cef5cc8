"""The corpus's sources per outlet (``/sumber`` with no argument), without
building every ``Article``: a saved corpus gives each article's outlet from
a column and its newest-first order from ``newest.npy``; only the articles
a listing actually shows are built.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from heapq import merge
from typing import cast

from retrieval.models import Article, newest_order
from retrieval.tables import ArticleChain, SavedArticles, newest_key


@dataclass(frozen=True, slots=True)
class Outlet:
    """One outlet's articles: how many, and (lazily) newest first."""

    name: str | None  # None: the article names no outlet
    count: int
    newest: Callable[[], Iterator[Article]]


def _names(articles: Sequence[Article]) -> list[str | None]:
    if isinstance(articles, SavedArticles):
        return articles.outlets()
    if isinstance(articles, ArticleChain):
        return [*_names(articles.first), *(a.source.outlet for a in articles.second)]
    return [a.source.outlet for a in articles]


def _order(articles: Sequence[Article]) -> list[int] | None:
    """Positions newest first, when known without building the articles."""
    if isinstance(articles, SavedArticles):
        return cast(list[int], articles.order.tolist())
    if isinstance(articles, ArticleChain):
        return None
    return newest_order(articles)


def outlets(articles: Sequence[Article]) -> list[Outlet]:
    """The outlets of ``articles`` (in order of first appearance), each with
    its articles most recently published first (undated ones last, ties in
    corpus order)."""
    names = [n or None for n in _names(articles)]
    counts = Counter(names)  # in order of first appearance

    def newest(name: str | None) -> Iterator[Article]:
        order = _order(articles)
        if order is not None:
            return (articles[p] for p in order if names[p] == name)
        assert isinstance(articles, ArticleChain)
        head = _order(articles.first)
        if head is None:  # a chain in a chain: built to be sorted
            head = newest_order(articles.first)
        n = len(articles.first)
        tail = [n + p for p in newest_order(articles.second)]
        runs = [(p for p in run if names[p] == name) for run in (head, tail)]
        return (articles[p] for p in merge(*runs, key=lambda p: newest_key(articles[p])))

    return [Outlet(name, count, partial(newest, name)) for name, count in counts.items()]
