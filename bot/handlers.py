"""Message and command handlers: Update -> retrieval -> render -> reply -> log.

Each handler is small; everything the user reads comes from ``bot.render``,
everything the bot knows comes from ``retrieval`` via ``bot.services``.
"""

from __future__ import annotations

import logging
import time

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import Forbidden, NetworkError, TelegramError
from telegram.ext import ContextTypes

from bot import listings, render, texts
from bot.addressing import (
    command_remainder,
    is_group,
    is_reply_to_bot,
    mentions_of_bot,
    strip_mentions,
)
from bot.querylog import QueryLogError
from bot.services import CANDIDATES, record, services
from retrieval.models import Hit

logger = logging.getLogger(__name__)


async def reply(
    message: Message, text: str, *, reply_markup: InlineKeyboardMarkup | None = None
) -> Message:
    """Reply in the message's chat; in groups as a quote, so the thread stays clear
    (and still sent if the question was deleted meanwhile)."""
    return await message.reply_html(
        text,
        do_quote=is_group(message),
        allow_sending_without_reply=True,
        reply_markup=reply_markup,
    )


async def respond(
    context: ContextTypes.DEFAULT_TYPE,
    message: Message,
    text: str,
    *,
    command: str,
    started: float,
    reply_markup: InlineKeyboardMarkup | None = None,
    query: str = "",
    answered: bool = False,
    hit: Hit | None = None,
    rank: int | None = None,
    ranked: bool = True,
) -> Message:
    """Reply, then log the exchange with the reply's id (what /sumber looks up)."""
    sent = await reply(message, text, reply_markup=reply_markup)
    await record(
        context,
        command=command,
        started=started,
        chat=message.chat,
        user=message.from_user,
        query=query,
        answered=answered,
        hit=hit,
        rank=rank,
        reply=sent,
        ranked=ranked,
    )
    return sent


# --- questions ------------------------------------------------------------------


async def answer_question(
    update: Update, context: ContextTypes.DEFAULT_TYPE, question: str, started: float
) -> None:
    message = update.message
    if message is None:
        return
    svc = services(context)
    found = svc.retriever.ask(question, k=CANDIDATES)
    hit = found.best
    if hit is None:
        text, keyboard = texts.NO_ANSWER, None
    else:
        more = 1 if len(found.hits) > 1 else None
        text, keyboard = render.render_answer(hit), render.answer_keyboard(hit, next_rank=more)
    await respond(
        context,
        message,
        text,
        reply_markup=keyboard,
        command="ask",
        started=started,
        query=question,
        answered=hit is not None,
        hit=hit,
        rank=0 if hit is not None else None,
    )


async def answer_or_hint(
    update: Update, context: ContextTypes.DEFAULT_TYPE, question: str, hint: str, started: float
) -> None:
    """Answer the question, or say how to ask one when it is empty."""
    if question:
        await answer_question(update, context, question, started)
    elif update.message is not None:
        await respond(context, update.message, hint, command="usage", started=started)


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Private chat: any text is a question."""
    started = time.monotonic()
    if update.message and update.message.text:
        await answer_question(update, context, update.message.text, started)


async def ask_addressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Group: a message that mentions the bot or replies to it."""
    started = time.monotonic()
    message = update.message
    if message is None or not message.text:
        return
    question = strip_mentions(message.text, mentions_of_bot(message))
    hint = texts.usage_mention(context.bot.username)
    await answer_or_hint(update, context, question, hint, started)


async def tanya(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/tanya <pertanyaan>"""
    started = time.monotonic()
    message = update.message
    if message is None:
        return
    await answer_or_hint(update, context, command_remainder(message), texts.usage_tanya(), started)


# --- commands -------------------------------------------------------------------


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start and /help"""
    started = time.monotonic()
    message = update.message
    if message is None:
        return
    command = "start" if (message.text or "").startswith("/start") else "help"
    text = texts.render_help(context.bot.username, group=is_group(message))
    await respond(context, message, text, command=command, started=started, answered=True)


async def latest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/latest [n]"""
    started = time.monotonic()
    message = update.message
    if message is None:
        return
    n = listings.parse_latest_count(context.args or [])
    if n is None:
        text = texts.USAGE_LATEST
    else:
        text = listings.render_latest(services(context).retriever.corpus.newest(n))
    await respond(
        context,
        message,
        text,
        command="latest",
        started=started,
        query=command_remainder(message),
        answered=n is not None,
    )


async def sumber(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/sumber: as a reply, that answer's citation; alone, the archive; with words, the
    most relevant articles."""
    started = time.monotonic()
    message = update.message
    if message is None:
        return
    svc = services(context)
    words = command_remainder(message)
    hit = None
    if is_reply_to_bot(message) and message.reply_to_message is not None:
        # The citation comes from the log, never from the replied text: a bot
        # message's text may be trimmed and its buttons may have changed it.
        try:
            logged = await svc.querylog.find_reply(
                message.chat.id, message.reply_to_message.message_id
            )
        except QueryLogError:
            logger.warning("query log unreadable; /sumber cannot cite", exc_info=True)
            logged = None
        if logged is not None and logged.article_id and logged.paragraph:
            try:
                hit = svc.retriever.hit(logged.article_id, logged.paragraph)
            except KeyError:
                logger.info(
                    "logged paragraph %s#%s left the corpus", logged.article_id, logged.paragraph
                )
        text = render.render_citation(hit) if hit else texts.SUMBER_NOT_AN_ANSWER
        answered = hit is not None
    elif words:
        related = svc.retriever.related_articles(words, k=CANDIDATES)
        text, answered = listings.render_related(words, related), bool(related)
    else:
        text, answered = listings.render_sources(svc.retriever.corpus.articles), True
    await respond(
        context,
        message,
        text,
        command="sumber",
        started=started,
        query=words,
        answered=answered,
        hit=hit,
        ranked=False,
    )


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats, for the admins in ADMIN_USER_IDS, in a private chat only: the figures
    include other chats' questions."""
    started = time.monotonic()
    message = update.message
    if message is None:
        return
    svc = services(context)
    user = message.from_user
    allowed = user is not None and user.id in svc.settings.admin_user_ids
    if not allowed:
        text = texts.NOT_ADMIN
    elif message.chat.type != ChatType.PRIVATE:
        text, allowed = texts.STATS_PRIVATE_ONLY, False
    else:
        try:
            text = listings.render_stats(await svc.querylog.stats(top=5, recent=5))
        except QueryLogError as exc:
            logger.warning("query log unreadable for /stats: %s", exc)
            text, allowed = texts.STATS_UNAVAILABLE, False
    await respond(context, message, text, command="stats", started=started, answered=allowed)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An unknown /command in a private chat (groups: it may be for another bot)."""
    started = time.monotonic()
    message = update.message
    if message is None:
        return
    await respond(
        context,
        message,
        texts.UNKNOWN_COMMAND,
        command="unknown",
        started=started,
        query=message.text or "",
    )


# --- errors ------------------------------------------------------------------


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure and, when there is a chat, apologise. Never raises."""
    error = context.error
    if isinstance(error, Forbidden):  # blocked by the user, or removed from the group
        logger.info("cannot write to that chat any more: %s", error)
        return
    if isinstance(error, NetworkError):  # and TimedOut: operational, no traceback needed
        logger.warning("network trouble while handling an update: %s", error)
    else:
        logger.error("error while handling an update", exc_info=error)
    if not isinstance(update, Update):
        return
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(texts.ERROR_MESSAGE[:200])
        elif update.effective_chat is not None and update.message is not None:
            await context.bot.send_message(update.effective_chat.id, texts.ERROR_MESSAGE)
    except TelegramError:
        logger.warning("could not tell the user about the error", exc_info=True)
