"""/tambah URL: an admin adds a web page to the archive from Telegram.

The path of one URL: ``tambah`` fetches and previews it in a worker thread
(``retrieval.ingest.Ingester`` in dry-run mode) and keeps the preview in
``bot_data`` under a short id; the "Tambahkan" button calls ``confirm``, which
writes it (``Ingester.commit``) and adds it to the live index as a delta
(``bot.live.LiveIndex.add_articles``): it is answerable at once, and /latest
lists it. "Batal" drops the preview; an unused preview expires.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import listings, texts
from bot.addressing import command_remainder
from bot.exchange import Exchange
from bot.handlers import deliver, exchange
from bot.render import e
from bot.services import log_exchange, services
from retrieval.ingest import Ingester, IngestResult
from retrieval.known import ingester_for
from retrieval.models import Corpus

logger = logging.getLogger(__name__)

PREFIX = "tambah:"  # callback data: "tambah:<id>:ok" or "tambah:<id>:no" (< 64 bytes)
PREVIEW_TTL = 15 * 60  # seconds a preview waits for its button
MAX_PENDING = 100
_KEY = "tanyaberita.previews"


@dataclass(frozen=True, slots=True)
class Pending:
    preview: IngestResult
    admin_id: int
    added_by: str
    expires: float  # time.monotonic()


def _pending(bot_data: MutableMapping[Any, Any]) -> dict[str, Pending]:
    found = bot_data.setdefault(_KEY, {})
    assert isinstance(found, dict)
    now = time.monotonic()
    for key in [k for k, p in found.items() if p.expires < now]:
        del found[key]
    return found


def remember(bot_data: MutableMapping[Any, Any], pending: Pending) -> str:
    """Keep a preview for its buttons; the short id the buttons carry."""
    found = _pending(bot_data)
    while len(found) >= MAX_PENDING:
        del found[next(iter(found))]  # the oldest
    key = secrets.token_hex(4)
    found[key] = pending
    return key


def keyboard(key: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(texts.TAMBAH_ADD_BUTTON, callback_data=f"{PREFIX}{key}:ok"),
                InlineKeyboardButton(texts.TAMBAH_CANCEL_BUTTON, callback_data=f"{PREFIX}{key}:no"),
            ]
        ]
    )


def preview(archive_dir: Path, corpus: Corpus, url: str, added_by: str) -> IngestResult:
    """Fetch and read the page, writing nothing (runs in a worker thread)."""
    with ingester_for(archive_dir, corpus, added_by=added_by, dry_run=True) as ingester:
        return ingester.add(url)


def store(archive_dir: Path, pending: Pending) -> IngestResult:
    """Write the previewed article into the archive (runs in a worker thread)."""
    with Ingester(archive_dir, added_by=pending.added_by) as ingester:
        return ingester.commit(pending.preview)


async def tambah(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/tambah URL, for the admins in ADMIN_USER_IDS: preview the page, then confirm."""
    message = update.message
    if message is None:
        return
    url = command_remainder(message)
    async with exchange(context, message, "tambah", url) as ex:
        if ex is None:
            return
        ex.outcome = "command"
        svc = services(context)
        markup = None
        if not svc.is_admin(message.from_user):
            text, ex.reason = texts.ADMIN_ONLY, "not_admin"
        elif not url or len(url.split()) != 1:
            text, ex.reason = texts.USAGE_TAMBAH, "usage"
        else:
            assert message.from_user is not None
            added_by = svc.pseudonym(message.from_user.id)
            corpus = svc.retriever.corpus
            found = await asyncio.to_thread(
                preview, svc.settings.archive_dir, corpus, url, added_by
            )
            if found.status == "error":
                text, ex.reason = texts.TAMBAH_FAILED.format(error=e(found.error or "")), "error"
            elif found.status == "duplicate" or found.article is None:
                known = corpus.find(found.duplicate_of)
                text, ex.reason = listings.render_duplicate(known, url), "duplicate"
            else:
                pending = Pending(
                    found, message.from_user.id, added_by, time.monotonic() + PREVIEW_TTL
                )
                markup = keyboard(remember(context.bot_data, pending))
                text = listings.render_preview(found.article, update=found.status == "updated")
        await deliver(context, ex, message, text, reply_markup=markup)


def parse_callback(data: str | None) -> tuple[str, bool] | None:
    """(preview id, confirmed) from a button's data; None for anything else."""
    if not data or not data.startswith(PREFIX):
        return None
    key, _, action = data[len(PREFIX) :].partition(":")
    if action not in ("ok", "no") or not key:
        return None
    return key, action == "ok"


async def confirm(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "Tambahkan" / "Batal" under a preview (only the admin who asked may press them)."""
    query = update.callback_query
    if query is None:
        return
    parsed = parse_callback(query.data)
    previews = _pending(context.bot_data)
    pending = previews.get(parsed[0]) if parsed else None
    message = query.message
    if (
        parsed is None
        or pending is None
        or pending.admin_id != query.from_user.id
        or not isinstance(message, Message)
    ):
        await query.answer(texts.STALE_BUTTON)
        return
    del previews[parsed[0]]
    if not parsed[1]:
        await _edit(query.edit_message_text(texts.TAMBAH_CANCELLED))
        await query.answer()
        return
    svc = services(context)
    article = pending.preview.article
    ex = Exchange.of_user(query.from_user, "tambah_ok", pending.preview.input, chat=message.chat)
    ex.outcome, ex.reply_message_id = "command", message.message_id
    try:
        try:
            await asyncio.to_thread(store, svc.settings.archive_dir, pending)
        except OSError as exc:
            logger.warning("could not store an article from /tambah: %s", exc)
            ex.reason = "store_failed"
            await _edit(query.edit_message_text(texts.TAMBAH_STORE_FAILED))
            await query.answer()
            return
        if pending.preview.status == "updated" or article is None:
            await svc.live.refresh(force=True)  # its old text must leave the index
        else:
            await svc.live.add_articles([article])
        title = article.source.title if article is not None else pending.preview.input
        await _edit(query.edit_message_text(texts.TAMBAH_ADDED.format(title=e(title or ""))))
        await query.answer()
    finally:
        await log_exchange(context, ex)


async def _edit(sending: Any) -> None:
    try:
        await sending
    except BadRequest as exc:  # pressed twice: the message already says so
        if "not modified" not in str(exc).lower():
            raise
