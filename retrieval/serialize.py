"""Answers and articles as plain JSON-ready dicts (the CLI's --json output)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from retrieval.models import Answer, Article, Hit, SeenElsewhere, Source

if TYPE_CHECKING:
    from retrieval.ingest import IngestResult


def iso_published(published: datetime | None, has_time: bool) -> str | None:
    """ISO 8601: a date-time with offset when the time is known, else the day."""
    if published is None:
        return None
    return published.isoformat() if has_time else published.date().isoformat()


def source_to_dict(s: Source) -> dict[str, Any]:
    """A citation's fields, flat, in the order a reader scans them."""
    return {
        "outlet": s.outlet,
        "title": s.title,
        "published": iso_published(s.published, s.has_time),
        "url": s.url,
        "wires": list(s.wires),
        "author": s.author,
    }


def seen_to_dict(s: SeenElsewhere) -> dict[str, Any]:
    source = source_to_dict(s.source)
    return {
        "article_id": s.article_id,
        "paragraph": s.paragraph,
        **{k: source[k] for k in ("outlet", "title", "published")},
    }


def hit_to_dict(h: Hit) -> dict[str, Any]:
    return {
        "article_id": h.article_id,
        "paragraph": h.paragraph,
        "score": round(h.score, 4),
        "text": h.text,
        "highlight": h.highlight,
        **source_to_dict(h.source),
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
        **source_to_dict(a.source),
        "paragraphs": len(a.paragraphs),
        "provenance": dict(a.provenance),
    }


def ingest_result_to_dict(r: IngestResult) -> dict[str, Any]:
    """One ``tanyaberita add --json`` line: the input, what happened, the article."""
    article = None
    if r.article is not None:
        a = r.article
        article = {
            "id": a.id,
            **source_to_dict(a.source),
            "paragraphs": list(a.paragraphs),
            "added": None
            if a.added is None
            else {
                "via": a.added.via,
                "ref": a.added.ref,
                "at": a.added.at.isoformat(),
                "by": a.added.by,
                "feed": a.added.feed,
            },
        }
    return {
        "input": r.input,
        "status": r.status,
        "article": article,
        "duplicate_of": r.duplicate_of,
        "error": r.error,
    }
