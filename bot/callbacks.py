"""Inline-button handlers: "Hasil lain" edits an answer to the next candidate."""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import render, texts
from bot.exchange import Exchange
from bot.followups import context_of_answer
from bot.querylog import LoggedQuery, QueryLogError
from bot.services import CANDIDATES, log_exchange, services

logger = logging.getLogger(__name__)

# Log rows whose message carries a "Hasil lain" button.
_ANSWER_COMMANDS = ("ask", "more")


async def _logged_answer(
    context: ContextTypes.DEFAULT_TYPE, message: Message
) -> LoggedQuery | None:
    """The logged question behind the bot message the button sits on.

    Looked up by this chat and this message, so callback data from another
    chat or message can never reach someone else's question.
    """
    try:
        logged = await services(context).querylog.find_reply(message.chat.id, message.message_id)
    except QueryLogError:
        logger.warning("query log unreadable; button cannot be served", exc_info=True)
        return None
    # A hit, not ``answered``: a cut question's answer (too_long) has buttons too.
    if logged is None or logged.command not in _ANSWER_COMMANDS or not logged.article_id:
        return None
    return logged if logged.query else None


async def more(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "Hasil lain": show candidate ``rank`` of the same question, in place."""
    query = update.callback_query
    if query is None:
        return
    rank = render.parse_more_callback(query.data)
    message = query.message
    logged = None
    if rank is not None and isinstance(message, Message):
        logged = await _logged_answer(context, message)
    if logged is None or rank is None or not isinstance(message, Message):
        await query.answer(texts.STALE_BUTTON)
        return
    ex = Exchange.of_user(query.from_user, "more", logged.query, chat=message.chat)
    ex.context_id, ex.reply_message_id = logged.id, message.message_id
    try:
        svc = services(context)
        followup = await context_of_answer(svc.querylog, logged)  # a follow-up's context
        question = svc.capped(logged.query)[0]
        found = await svc.retrieve(svc.retriever.ask, question, CANDIDATES, followup)
        if not found.answered or rank >= len(found.hits):
            ex.logged = True  # nothing shown: no row
            await query.answer(texts.NO_MORE_RESULTS)
            return
        ex.took(found, rank=rank)
        hit = found.hits[rank]
        # The last candidate has no "Hasil lain" button.
        next_rank = rank + 1 if rank + 1 < len(found.hits) else None
        try:
            await query.edit_message_text(
                render.render_answer(hit, header=render.more_header(rank, len(found.hits))),
                reply_markup=render.answer_keyboard(hit, next_rank=next_rank),
            )
        except BadRequest as exc:
            # An old button pressed again asks for what is already shown.
            if "not modified" not in str(exc).lower():
                raise
        await query.answer()
    finally:
        await log_exchange(context, ex)


async def stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any other callback data: not ours, or from an older version of the bot."""
    if update.callback_query is not None:
        await update.callback_query.answer(texts.STALE_BUTTON)
