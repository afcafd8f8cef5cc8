"""Telegram HTML for answers and citations: data in, ``str`` or markup out.

Every piece of outside text (corpus, user input) goes through ``html.escape``;
tags are only ever produced here and in its siblings ``bot.listings`` (lists)
and ``bot.texts`` (fixed copy). Message length is measured the way Telegram
counts it: UTF-16 code units of the text after entity parsing.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from retrieval.dates import format_date
from retrieval.models import Answer, Hit, SeenElsewhere, Source
from retrieval.text import sentence_spans

MAX_MESSAGE = 4096  # Telegram's limit, after entity parsing
MAX_CALLBACK_DATA = 64  # bytes
ELLIPSIS = "…"
MORE_PREFIX = "more:"
MAX_RANK = 99  # far beyond any k the bot asks for; bounds what a callback may claim
ECHO_MAX = 200  # how much of a user's text is ever quoted back

UNKNOWN_OUTLET = "Media tidak diketahui"
UNKNOWN_TITLE = "(tanpa judul)"

# Characters that must never be echoed: controls other than newline/tab, and
# bidi overrides that could make a quoted question render misleadingly.
_UNSAFE_ECHO = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_TAG = re.compile(r"<[^>]*>")


# --- measuring ---------------------------------------------------------------


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def visible_text(markup: str) -> str:
    """The text Telegram shows for HTML we produced (tags dropped, entities decoded)."""
    return html.unescape(_TAG.sub("", markup))


def visible_len(markup: str) -> int:
    return utf16_len(visible_text(markup))


def e(text: str) -> str:
    return html.escape(text, quote=True)


def clip(text: str, limit: int) -> str:
    """At most ``limit`` UTF-16 units of plain text, cut at a word with an ellipsis."""
    if utf16_len(text) <= limit:
        return text
    return cut_at_word(text, limit - 1) + ELLIPSIS


def cut_at_word(text: str, limit: int) -> str:
    """A prefix of at most ``limit`` UTF-16 units, ending at a word boundary when one
    is reasonably near."""
    cut = _prefix_within(text, max(limit, 0))
    if len(cut) < len(text):
        space = cut.rfind(" ")
        if space > len(cut) // 2:
            cut = cut[:space]
    return cut.rstrip()


def _prefix_within(text: str, limit: int) -> str:
    """The longest prefix of ``text`` of at most ``limit`` UTF-16 units."""
    used = 0
    for i, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > limit:
            return text[:i]
    return text


def echo(text: str, limit: int = ECHO_MAX) -> str:
    """A user's text made safe to quote back: one line, no controls, clipped."""
    flat = " ".join(_UNSAFE_ECHO.sub(" ", unicodedata.normalize("NFC", text)).split())
    return clip(flat, limit)


# --- answers -------------------------------------------------------------------


def _is_http_url(url: str | None) -> bool:
    return bool(url) and re.match(r"https?://[^\s<>\"]+$", url or "") is not None


def link(text: str, url: str | None) -> str:
    return f'<a href="{e(url)}">{e(text)}</a>' if url and _is_http_url(url) else e(text)


def format_day(dt: datetime | None, *, with_time: bool = False) -> str | None:
    return format_date(dt, with_time=with_time) if dt is not None else None


def outlet_date(source: Source) -> str:
    parts = [source.outlet or UNKNOWN_OUTLET]
    if (day := format_day(source.published)) is not None:
        parts.append(day)
    return ", ".join(parts)


def _elsewhere(items: Sequence[SeenElsewhere], *, limit: int = 3) -> str:
    shown = [e(outlet_date(s.source)) for s in items[:limit]]
    if len(items) > limit:
        shown.append(f"dan {len(items) - limit} lainnya")
    return "; ".join(shown)


def source_lines(hit: Hit) -> str:
    """The source under an answer: outlet, Indonesian date, title (linked when known)."""
    source = hit.source
    title = clip(source.title or UNKNOWN_TITLE, 300)
    lines = [f"📰 <b>{e(outlet_date(source))}</b> — {link(title, source.url)}"]
    if hit.also_reported_by:
        lines.append(f"Juga diberitakan: {_elsewhere(hit.also_reported_by)}")
    return "\n".join(lines)


def _window(text: str, hs: int, he: int, budget: int) -> tuple[int, int]:
    """Whole sentences around ``text[hs:he]`` that fit ``budget`` (ellipses included)."""
    spans = sentence_spans(text) or [(0, len(text))]
    inside = [i for i, (s, t) in enumerate(spans) if s < he and t > hs] or [0]
    lo, hi = inside[0], inside[-1]
    start, end = min(spans[lo][0], hs), max(spans[hi][1], he)

    def cost(a: int, b: int) -> int:
        return utf16_len(text[a:b]) + (2 if a > 0 else 0) + (2 if b < len(text) else 0)

    if cost(start, end) > budget:
        return hs, he  # the caller clips an over-long highlight
    grew = True
    while grew:  # alternate: the next sentence first, then the one before
        grew = False
        if hi + 1 < len(spans) and cost(start, spans[hi + 1][1]) <= budget:
            hi, end, grew = hi + 1, spans[hi + 1][1], True
        if lo > 0 and cost(spans[lo - 1][0], end) <= budget:
            lo, start, grew = lo - 1, spans[lo - 1][0], True
    return start, end


def excerpt(text: str, highlight: str, budget: int) -> str:
    """``text`` as HTML with ``highlight`` in bold, trimmed to ``budget`` at sentences.

    Bold is placed by position in the raw text, then each piece is escaped, so
    escaping can never split or shift the highlighted span.
    """
    hs = text.find(highlight) if highlight else -1
    if hs < 0:
        hs = he = 0
    else:
        he = hs + len(highlight)
    if utf16_len(text) <= budget:
        start, end = 0, len(text)
    elif he > hs:
        start, end = _window(text, hs, he, budget)
    else:
        start, end = _window(text, 0, 0, budget) if budget > 0 else (0, 0)
    body = text[start:end]
    lead = ELLIPSIS + " " if start > 0 else ""
    tail = " " + ELLIPSIS if end < len(text) else ""
    room = budget - utf16_len(lead) - utf16_len(tail)
    if utf16_len(body) > room:  # a single sentence longer than the whole budget
        body = cut_at_word(body, room - 1)
        tail = ELLIPSIS
    a, b = max(hs - start, 0), min(he - start, len(body))
    if b <= a:
        return lead + e(body).strip() + tail
    return lead + e(body[:a]) + "<b>" + e(body[a:b]) + "</b>" + e(body[b:]) + tail


def render_answer(hit: Hit, *, header: str = "", question: str | None = None) -> str:
    """An answer: optional header/question, the excerpt with its bold highlight, the source."""
    top = []
    if question:
        top.append(f"❓ <i>{e(echo(question))}</i>")
    if header:
        top.append(header)
    head = "\n".join(top) + "\n\n" if top else ""
    source = source_lines(hit)
    # Room for the excerpt is what the header and source leave, less a little slack.
    budget = MAX_MESSAGE - visible_len(head) - visible_len(source) - 2 - 8
    return head + excerpt(hit.text, hit.highlight, budget) + "\n\n" + source


def more_header(rank: int, total: int) -> str:
    return f"<i>Hasil lain {rank + 1} dari {total}</i>"


def more_callback_data(next_rank: int) -> str:
    """Callback data of "Hasil lain". Only the rank: the handler finds the query
    from the log row of the very message the button sits on (chat + message id),
    so forged data can at most ask for another rank of that same question."""
    data = f"{MORE_PREFIX}{next_rank}"
    assert len(data.encode()) <= MAX_CALLBACK_DATA
    return data


def parse_more_callback(data: str | None) -> int | None:
    """The rank a "Hasil lain" button asks for, or None when the data is not ours."""
    if not data or not data.startswith(MORE_PREFIX):
        return None
    digits = data[len(MORE_PREFIX) :]
    if not digits.isascii() or not digits.isdigit() or len(digits) > 2:
        return None
    rank = int(digits)
    return rank if 1 <= rank <= MAX_RANK else None


def answer_keyboard(hit: Hit, *, next_rank: int | None) -> InlineKeyboardMarkup | None:
    """ "Hasil lain" (when asked for) and "Baca artikel" (when the URL is known)."""
    row = []
    if next_rank is not None:
        row.append(InlineKeyboardButton("Hasil lain", callback_data=more_callback_data(next_rank)))
    url = hit.source.url
    if url and _is_http_url(url):
        row.append(InlineKeyboardButton("Baca artikel", url=url))
    return InlineKeyboardMarkup([row]) if row else None


# --- declines, notes, help ----------------------------------------------------------

NEAREST_MAX = 3


def render_decline(found: Answer, *, header: str = "") -> str:
    """A decline that still helps: the closest articles (linked) and the words the
    archive lacks, when the retriever names them."""
    rows = [header, ""] if header else []
    rows.append(e(texts.DECLINE_HEAD))
    if found.missing:
        words = ", ".join(f"“{echo(w, 40)}”" for w in found.missing[:5])
        rows.append(e(texts.DECLINE_MISSING.format(words=words)))
    seen: set[str] = set()
    nearest: list[Source] = []
    for hit in found.hits:
        if hit.article_id not in seen and len(nearest) < NEAREST_MAX:
            seen.add(hit.article_id)
            nearest.append(hit.source)
    if nearest:
        rows += ["", e(texts.DECLINE_NEAREST)]
        for source in nearest:
            title = link(clip(source.title or UNKNOWN_TITLE, 200), source.url)
            rows.append(f"• {title} ({e(outlet_date(source))})")
    rows += ["", e(texts.DECLINE_HINT)]
    return fit_lines(rows, MAX_MESSAGE)


def cut_note(*, chars: int | None = None, terms: int | None = None) -> str:
    """The note under a reply to a question that was cut to ``chars`` or ``terms``."""
    if chars is not None:
        limit = texts.CUT_CHARS.format(n=chars)
    else:
        limit = texts.CUT_TERMS.format(n=terms)
    return texts.QUESTION_CUT.format(limit=e(limit))


def render_help(bot_username: str | None, *, group: bool, examples: Sequence[str]) -> str:
    mention = e(f"@{bot_username}" if bot_username else "nama bot")
    rows = [texts.HELP_INTRO, ""]
    if examples:
        rows += [texts.HELP_EXAMPLES, *(f"• {e(q)}" for q in examples), ""]
    rows += [texts.HELP_COMMANDS, ""]
    rows.append(texts.HELP_GROUP.format(mention=mention) if group else texts.HELP_PRIVATE)
    if bot_username:
        rows.append(texts.HELP_INLINE.format(mention=mention))
    return "\n".join(rows)


def usage_tanya(example: str) -> str:
    return texts.USAGE_TANYA.format(example=e(example))


def usage_mention(bot_username: str | None, example: str) -> str:
    mention = e(f"@{bot_username}" if bot_username else "nama bot")
    return texts.USAGE_MENTION.format(mention=mention, example=e(example))


# --- /sumber -------------------------------------------------------------------


def render_citation(hit: Hit) -> str:
    """The full citation of one answered paragraph."""
    source = hit.source
    published = format_day(source.published, with_time=source.has_time)
    rows = [
        "<b>Sumber jawaban ini</b>",
        f"Media: {e(source.outlet or UNKNOWN_OUTLET)}",
        f"Judul: {e(clip(source.title or UNKNOWN_TITLE, 400))}",
        f"Terbit: {e(published or 'tidak diketahui')}",
    ]
    if source.author:
        rows.append(f"Penulis: {e(clip(source.author, 200))}")
    if source.url and _is_http_url(source.url):
        rows.append(f"Tautan: {link(clip(source.url, 500), source.url)}")
    else:
        rows.append("Tautan: tidak diketahui")
    rows.append(f"Paragraf: ke-{hit.paragraph}")
    if source.wires:
        rows.append(f"Kantor berita yang dikutip: {e(', '.join(source.wires))}")
    else:
        rows.append("Kantor berita yang dikutip: tidak ada")
    if hit.also_reported_by:
        rows.append("Juga diberitakan:")
        for s in hit.also_reported_by[:10]:
            title = clip(s.source.title or UNKNOWN_TITLE, 200)
            rows.append(f"• {e(outlet_date(s.source))}, paragraf ke-{s.paragraph}: {e(title)}")
    return fit_lines(rows, MAX_MESSAGE)


# --- inline mode -----------------------------------------------------------------


def inline_title(hit: Hit) -> str:
    return clip(hit.source.title or hit.source.outlet or UNKNOWN_TITLE, 100)


def inline_description(hit: Hit) -> str:
    lead = outlet_date(hit.source)
    return clip(f"{lead}: {hit.highlight or hit.text}", 200)


# --- fitting -------------------------------------------------------------------------


def fit_lines(rows: Sequence[str], limit: int) -> str:
    """Join HTML lines, dropping trailing ones (with a note) to stay within ``limit``.

    Each line must be balanced HTML on its own, so cutting between lines is safe.
    """
    text = "\n".join(rows)
    if visible_len(text) <= limit:
        return text
    kept: list[str] = []
    used = 0
    for i, row in enumerate(rows):
        note = f"\n… dan {len(rows) - i} baris lagi"
        cost = visible_len(row) + 1
        if used + cost + utf16_len(note) > limit:
            return "\n".join(kept) + note
        kept.append(row)
        used += cost
    return "\n".join(kept)
