"""Inline mode: ``@TanyaBeritaBot pertanyaan`` in any chat."""

from __future__ import annotations

import logging

from telegram import (
    InlineQuery,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import render, texts
from bot.exchange import Exchange
from bot.services import CANDIDATES, log_exchange, services

logger = logging.getLogger(__name__)

# Answers change only when the corpus does; a short cache still spares repeats.
CACHE_SECONDS = 60


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    iq = update.inline_query
    if iq is None:
        return
    question = iq.query.strip()
    if not question:
        await iq.answer(
            [],
            cache_time=CACHE_SECONDS,
            button=InlineQueryResultsButton(texts.INLINE_HINT, start_parameter="help"),
        )
        return
    ex = Exchange.of_user(iq.from_user, "inline", question)
    try:
        await _answer(context, ex, iq)
    finally:
        await log_exchange(context, ex)


async def _answer(context: ContextTypes.DEFAULT_TYPE, ex: Exchange, iq: InlineQuery) -> None:
    svc = services(context)
    question = svc.capped(ex.query)[0]
    found = await svc.retrieve(svc.retriever.ask, question, CANDIDATES)
    ex.took(found)
    hits = found.hits if found.answered else ()
    results = [
        InlineQueryResultArticle(
            id=f"{rank}:{hit.article_id}:{hit.paragraph}"[:64],
            title=render.inline_title(hit),
            description=render.inline_description(hit),
            input_message_content=InputTextMessageContent(
                render.render_answer(hit, question=question)
            ),
            reply_markup=render.answer_keyboard(hit, next_rank=None),
        )
        for rank, hit in enumerate(hits)
    ]
    button = None
    if not results:
        button = InlineQueryResultsButton(texts.INLINE_NOT_FOUND, start_parameter="help")
    try:
        await iq.answer(results, cache_time=CACHE_SECONDS, button=button)
    except TelegramError as exc:  # the query expired meanwhile, or Telegram failed us
        ex.outcome, ex.reason = "send_failed", type(exc).__name__
        logger.warning("could not answer an inline query: %s: %s", ex.reason, exc)
