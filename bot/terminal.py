"""Plain-text rendering of answers and article lists for the terminal."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from datetime import datetime

from retrieval.dates import format_date
from retrieval.models import Answer, Article, Hit

BOLD, RESET = "\033[1m", "\033[0m"
WIDTH = 88


def emphasise(hit: Hit, ansi: bool) -> str:
    """The paragraph with its best sentence in bold (ANSI) or **marked**."""
    start = hit.text.find(hit.highlight)
    if start < 0 or hit.highlight == hit.text:
        return hit.text
    on, off = (BOLD, RESET) if ansi else ("**", "**")
    end = start + len(hit.highlight)
    return f"{hit.text[:start]}{on}{hit.highlight}{off}{hit.text[end:]}"


def date_text(published: datetime | None, has_time: bool = False) -> str:
    """Indonesian date, with the time only when it was published."""
    if published is None:
        return "tanggal tidak diketahui"
    return format_date(published, with_time=has_time)


def source_line(hit: Hit) -> str:
    source = hit.source
    parts = [source.outlet or "Sumber tidak diketahui", date_text(source.published)]
    if source.title:
        parts.append(f"“{source.title}”")
    parts.append(f"paragraf {hit.paragraph}")
    return " · ".join(parts)


def format_answer(answer: Answer, *, ansi: bool = False, alternatives: int = 0) -> str:
    if not answer.answered or answer.best is None:
        return (
            "Maaf, saya belum menemukan jawabannya di arsip berita.\n"
            "Coba dengan kata lain yang lebih spesifik, atau lihat artikel terbaru: "
            "tanyaberita latest"
        )
    best = answer.best
    lines = [textwrap.fill(emphasise(best, ansi), WIDTH), "", f"— {source_line(best)}"]
    if best.source.url:
        lines.append(f"  {best.source.url}")
    if best.also_reported_by:
        others = ", ".join(
            f"{s.source.outlet or s.article_id} ({date_text(s.source.published)})"
            for s in best.also_reported_by
        )
        lines.append(f"  Juga diberitakan: {others}")
    for i, hit in enumerate(answer.hits[1 : 1 + alternatives], start=2):
        excerpt = textwrap.shorten(hit.text, 160, placeholder=" …")
        lines += ["", f"{i}. {excerpt}", f"   — {source_line(hit)}"]
    return "\n".join(lines)


def format_articles(articles: Iterable[Article]) -> str:
    lines = []
    for a in articles:
        src = a.source
        lines.append(f"{date_text(src.published)} · {src.outlet or '?'} · {src.title or a.id}")
        if src.url:
            lines.append(f"    {src.url}")
    return "\n".join(lines)


def format_sources(articles: Iterable[Article]) -> str:
    by_outlet: dict[str, list[Article]] = {}
    for a in articles:
        by_outlet.setdefault(a.source.outlet or "Sumber tidak diketahui", []).append(a)
    blocks = []
    for outlet in sorted(by_outlet, key=str.casefold):
        items = sorted(by_outlet[outlet], key=lambda a: a.source.published is None)
        lines = [f"{outlet} ({len(items)} artikel)"]
        for a in items:
            src = a.source
            lines.append(f"  {date_text(src.published, src.has_time)} · {src.title or a.id}")
            lines.append(f"    {src.url or '(URL tidak diketahui)'}")
            if src.wires:
                lines.append(f"    mengutip: {', '.join(src.wires)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
