"""/sumber with no argument lists the sources per outlet from a saved corpus
without building every article, and prints exactly what grouping all the
articles gives (a corpus with more rows than a message holds included)."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.listings import EMPTY_ARCHIVE, _article_line, render_sources
from bot.render import MAX_MESSAGE, UNKNOWN_OUTLET, e, fit_lines
from retrieval.models import Article, Source
from retrieval.tables import ArticleChain, SavedArticles, write_articles

OUTLETS = ["Kabar Nusantara", "antara", "Berita Satu", "", None, "Zona Timur"]


def by_grouping(articles: Sequence[Article]) -> str:
    """What /sumber printed before: every article grouped and sorted."""
    groups: dict[str, list[Article]] = {}
    for a in articles:
        groups.setdefault(a.source.outlet or UNKNOWN_OUTLET, []).append(a)
    if not groups:
        return EMPTY_ARCHIVE
    rows = [f"<b>Sumber arsip</b>: {len(articles)} artikel dari {len(groups)} media"]
    for name in sorted(groups, key=lambda n: (n == UNKNOWN_OUTLET, n.casefold())):
        rows += ["", f"<b>{e(name)}</b>"]

        def key(a: Article) -> tuple[bool, float]:
            p = a.source.published
            return (p is not None, p.timestamp() if p else 0.0)

        newest = sorted(groups[name], key=key, reverse=True)
        rows += [f"• {_article_line(a, with_outlet=False)}" for a in newest]
    rows += ["", "Balas salah satu jawaban saya dengan /sumber untuk sumber lengkapnya."]
    return fit_lines(rows, MAX_MESSAGE)


def invented(n: int, seed: int, prefix: str) -> list[Article]:
    rng = random.Random(seed)
    start = datetime(2025, 1, 1).astimezone()
    made = []
    for i in range(n):
        day = rng.randrange(60)  # many ties
        published = None if rng.random() < 0.1 else start + timedelta(days=day)
        source = Source(rng.choice(OUTLETS), f"Judul {prefix}{i}", published, False, None)
        made.append(Article(f"{prefix}{i:05d}", Path(f"/a/{prefix}{i}.txt"), source, {}, ("x",)))
    return made


@pytest.mark.parametrize("n", [0, 7, MAX_MESSAGE + 300])
def test_sources_read_like_all_the_articles_grouped(
    n: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = invented(n, n, "a")
    folders = write_articles(tmp_path, articles)
    saved = SavedArticles(tmp_path, folders)
    extra = invented(5, n + 1, "z")
    built: list[int] = []
    real: Callable[[SavedArticles, int], Article] = SavedArticles._build

    def counted(self: SavedArticles, i: int) -> Article:
        built.append(i)
        return real(self, i)

    monkeypatch.setattr(SavedArticles, "_build", counted)
    assert render_sources(saved) == by_grouping(articles)
    assert len(built) <= MAX_MESSAGE  # only what a message can show
    built.clear()
    chain = ArticleChain(saved, extra)
    assert render_sources(chain) == by_grouping([*articles, *extra])
    assert len(built) <= MAX_MESSAGE + len(OUTLETS)
    monkeypatch.undo()
    assert render_sources(tuple(articles)) == by_grouping(articles)
