"""Inline mode: ``@TanyaBeritaBot pertanyaan`` in any chat."""

from __future__ import annotations

import time

from telegram import (
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)
from telegram.ext import ContextTypes

from bot import render, texts
from bot.services import CANDIDATES, record, services

# Answers change only when the corpus does; a short cache still spares repeats.
CACHE_SECONDS = 60


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    started = time.monotonic()
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
    found = services(context).retriever.ask(question, k=CANDIDATES)
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
    await iq.answer(results, cache_time=CACHE_SECONDS, button=button)
    best = found.best
    await record(
        context,
        command="inline",
        started=started,
        chat=None,
        user=iq.from_user,
        query=question,
        answered=best is not None,
        hit=best,
        rank=0 if best is not None else None,
        chat_type_override="inline",
    )
