"""Answers and articles as plain JSON-ready dicts (the CLI's --json output)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from retrieval.models import Answer, Article, Hit, SeenElsewhere


def iso_published(published: datetime | None, has_time: bool) -> str | None:
    """ISO 8601: a date-time with offset when the time is known, else the day."""
    if published is None:
        return None
    return published.isoformat() if has_time else published.date().isoformat()


def seen_to_dict(s: SeenElsewhere) -> dict[str, Any]:
    return {
        "article_id": s.article_id,
        "paragraph": s.paragraph,
        "outlet": s.outlet,
        "title": s.title,
        "published": iso_published(s.published, s.has_time),
    }


def hit_to_dict(h: Hit) -> dict[str, Any]:
    return {
        "article_id": h.article_id,
        "paragraph": h.paragraph,
        "score": round(h.score, 4),
        "text": h.text,
        "highlight": h.highlight,
        "outlet": h.outlet,
        "title": h.title,
        "published": iso_published(h.published, h.has_time),
        "url": h.url,
        "wires": list(h.wires),
        "also_reported_by": [seen_to_dict(s) for s in h.also_reported_by],
    }


def answer_to_dict(a: Answer) -> dict[str, Any]:
    return {
        "query": a.query,
        "answered": a.answered,
        "results": [hit_to_dict(h) for h in a.hits],
    }


def article_to_dict(a: Article) -> dict[str, Any]:
    return {
        "article_id": a.id,
        "outlet": a.outlet,
        "title": a.title,
        "published": iso_published(a.published, a.has_time),
        "url": a.url,
        "wires": list(a.wires),
        "paragraphs": len(a.paragraphs),
        "provenance": dict(a.provenance),
    }
