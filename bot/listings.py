"""Lists: /latest, the archive's sources, related articles, /stats."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import islice

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.querylog import Stats
from bot.render import (
    MAX_MESSAGE,
    UNKNOWN_OUTLET,
    UNKNOWN_TITLE,
    clip,
    e,
    echo,
    fit_lines,
    format_day,
    link,
)
from bot.texts import (
    LATEST_DEFAULT,
    LATEST_MAX,
    LATEST_NEXT,
    LATEST_PREVIOUS,
    SUMBER_NO_RELATED,
    TAMBAH_CONFIRM,
    TAMBAH_DUPLICATE,
    TAMBAH_UPDATE,
)
from retrieval.catalog import outlets
from retrieval.dates import format_date
from retrieval.models import Article

EMPTY_ARCHIVE = "Arsip berita saya masih kosong."
LATEST_PAGE = 10  # articles per /latest page
LATEST_PREFIX = "latest:"  # button data: "latest:<n>:<page>"


def _article_line(a: Article, *, with_outlet: bool = True) -> str:
    bits = []
    if (day := format_day(a.source.published)) is not None:
        bits.append(day)
    if with_outlet:
        bits.append(a.source.outlet or UNKNOWN_OUTLET)
    lead = e(" · ".join(bits))
    title = link(clip(a.source.title or UNKNOWN_TITLE, 300), a.source.url)
    return f"{lead} — {title}" if lead else title


def render_sources(articles: Sequence[Article]) -> str:
    """The archive's sources grouped per outlet, newest first within each.
    Only the articles a message can show are built (``retrieval.catalog``):
    rows past MAX_MESSAGE are only counted (fit_lines never reaches them)."""
    groups = {g.name or UNKNOWN_OUTLET: g for g in outlets(articles)}
    if not groups:
        return EMPTY_ARCHIVE
    count = sum(g.count for g in groups.values())
    rows = [f"<b>Sumber arsip</b>: {count} artikel dari {len(groups)} media"]
    names = sorted(groups, key=lambda n: (n == UNKNOWN_OUTLET, n.casefold()))
    for name in names:
        rows.append("")
        rows.append(f"<b>{e(name)}</b>")
        shown = min(groups[name].count, max(0, MAX_MESSAGE + 2 - len(rows)))
        newest = islice(groups[name].newest(), shown)
        rows.extend(f"• {_article_line(a, with_outlet=False)}" for a in newest)
        rows.extend([""] * (groups[name].count - shown))
    rows += ["", "Balas salah satu jawaban saya dengan /sumber untuk sumber lengkapnya."]
    return fit_lines(rows, MAX_MESSAGE)


def render_related(query: str, related: Sequence[tuple[Article, float]]) -> str:
    if not related:
        return SUMBER_NO_RELATED
    rows = [f"<b>Artikel paling relevan untuk “{e(echo(query, 100))}”</b>"]
    rows += [f"{i}. {_article_line(a)}" for i, (a, _score) in enumerate(related, start=1)]
    return fit_lines(rows, MAX_MESSAGE)


# --- /latest -------------------------------------------------------------------


def parse_latest_count(args: Sequence[str]) -> int | None:
    """n from ``/latest [n]``; None for anything but one number in 1..LATEST_MAX."""
    if not args:
        return LATEST_DEFAULT
    if len(args) != 1 or not args[0].isascii() or not args[0].isdigit():
        return None
    n = int(args[0])
    return n if 1 <= n <= LATEST_MAX else None


def render_latest(articles: Sequence[Article], *, start: int = 1, total: int = 0) -> str:
    """The newest articles, numbered from ``start``; ``total`` > the list's length
    means it is one page of a longer list."""
    if not articles:
        return EMPTY_ARCHIVE
    total = max(total, len(articles))
    head = "Berita terbaru" if total == 1 else f"{total} berita terbaru"
    if total > len(articles):
        head += f" ({start}–{start + len(articles) - 1})"
    rows = [f"<b>{head}</b>"]
    rows += [f"{i}. {_article_line(a)}" for i, a in enumerate(articles, start=start)]
    return fit_lines(rows, MAX_MESSAGE)


def latest_page(newest: Sequence[Article], page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of /latest's list, with "Sebelumnya"/"Berikutnya" buttons when it is long.
    The buttons carry the list's length and the page (the list is read again on a press)."""
    pages = max(1, -(-len(newest) // LATEST_PAGE))
    page = min(max(page, 0), pages - 1)
    first = page * LATEST_PAGE
    chunk = newest[first : first + LATEST_PAGE]
    text = render_latest(chunk, start=first + 1, total=len(newest))
    row = []
    if page > 0:
        row.append(
            InlineKeyboardButton(LATEST_PREVIOUS, callback_data=latest_data(len(newest), page - 1))
        )
    if page < pages - 1:
        row.append(
            InlineKeyboardButton(LATEST_NEXT, callback_data=latest_data(len(newest), page + 1))
        )
    return text, InlineKeyboardMarkup([row]) if row else None


def latest_data(n: int, page: int) -> str:
    return f"{LATEST_PREFIX}{n}:{page}"


def parse_latest_data(data: str | None) -> tuple[int, int] | None:
    """(n, page) from a /latest button; None for anything else."""
    if not data or not data.startswith(LATEST_PREFIX):
        return None
    n, _, page = data[len(LATEST_PREFIX) :].partition(":")
    if not (n.isascii() and n.isdigit() and page.isascii() and page.isdigit()):
        return None
    if not 1 <= int(n) <= LATEST_MAX or int(page) * LATEST_PAGE >= int(n):
        return None
    return int(n), int(page)


def render_stats(stats: Stats) -> str:
    rows = [
        "<b>Statistik TanyaBerita</b>",
        f"Total entri: {stats.total} (pertanyaan: {stats.questions})",
        f"Terjawab: {stats.answered} dari {stats.questions} ({stats.answered_rate:.0%})",
        f"Pengguna unik: {stats.unique_users}",
    ]
    if stats.first_ts and stats.last_ts:
        rows.append(f"Rentang: {format_day(stats.first_ts)} – {format_day(stats.last_ts)} (UTC)")
    if stats.by_command:
        rows.append(
            "Per perintah: " + e(", ".join(f"{c} {n}" for c, n in stats.by_command.items()))
        )
    rows += ["", "<b>Pertanyaan terbanyak</b>"]
    rows += [f"{i}. {e(echo(q, 120))} ({n}×)" for i, (q, n) in enumerate(stats.top_questions, 1)]
    if not stats.top_questions:
        rows.append("belum ada")
    rows += ["", "<b>Belum terjawab terbanyak</b> (calon artikel untuk /tambah)"]
    rows += [
        f"{i}. {e(echo(g.question, 120))} ({g.count}×)"
        for i, g in enumerate(stats.top_unanswered, 1)
    ]
    if not stats.top_unanswered:
        rows.append("tidak ada")
    rows += ["", "<b>Belum terjawab (terbaru)</b>"]
    rows += [f"• {e(format_date(ts))}: {e(echo(q, 120))}" for ts, q in stats.recent_unanswered]
    if not stats.recent_unanswered:
        rows.append("tidak ada")
    return fit_lines(rows, MAX_MESSAGE)


def render_preview(article: Article, *, update: bool) -> str:
    """/tambah's preview: what would go into the archive, before the admin confirms."""
    s = article.source
    rows = [
        "<b>Pratinjau artikel</b>",
        f"Judul: {link(clip(s.title or UNKNOWN_TITLE, 300), s.url)}",
        f"Media: {e(s.outlet or UNKNOWN_OUTLET)}",
        f"Tanggal: {e(format_day(s.published) or 'tidak diketahui')}",
        f"Jumlah paragraf: {len(article.paragraphs)}",
    ]
    if article.paragraphs:
        rows += ["", f"<i>{e(clip(article.paragraphs[0], 600))}</i>"]
    if update:
        rows += ["", TAMBAH_UPDATE]
    rows += ["", TAMBAH_CONFIRM]
    return fit_lines(rows, MAX_MESSAGE)


def render_duplicate(article: Article | None, fallback: str) -> str:
    """/tambah on a page the archive already holds."""
    if article is None:
        return TAMBAH_DUPLICATE.format(title=e(fallback))
    title = link(clip(article.source.title or UNKNOWN_TITLE, 300), article.source.url)
    return TAMBAH_DUPLICATE.format(title=title)
