"""Message and command handlers: Update -> (follow-up context) -> retrieval -> render
-> reply -> log.

Each handler is small: it opens an :class:`~bot.exchange.Exchange`, fills it in
and replies through :func:`deliver`; the exchange is logged once, whatever happens.
Everything the user reads comes from ``bot.render``/``bot.texts``, everything the
bot knows from ``retrieval`` via ``bot.services``. Retrieval runs in the services'
retrieval threads, so one slow question never stalls the other chats.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import Conflict, Forbidden, NetworkError, TelegramError
from telegram.ext import ContextTypes

from bot import charts, listings, render, texts
from bot.addressing import (
    command_remainder,
    is_group,
    is_reply_to_bot,
    mentions_of_bot,
    strip_mentions,
)
from bot.exchange import Exchange
from bot.followups import Earlier
from bot.querylog import QueryLogError, Stats
from bot.sending import chat_is_gone
from bot.services import (
    CANDIDATES,
    had_conflict,
    log_exchange,
    mark_conflict,
    services,
)
from bot.throttling import Verdict
from retrieval import Answer, Hit
from retrieval.followup import FollowUp

logger = logging.getLogger(__name__)

# Commands that prove a chat is reachable again (an unblocked user presses Start).
_REOPENING = ("start", "help")


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


async def deliver(
    context: ContextTypes.DEFAULT_TYPE,
    ex: Exchange,
    message: Message,
    text: str,
    *,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> Message | None:
    """Reply (the rate limiter retries what can succeed); a failure that remains is
    the exchange's outcome, logged once with the chat's pseudonym, never raised."""
    try:
        sent = await reply(message, text, reply_markup=reply_markup)
    except TelegramError as exc:
        svc = services(context)
        ex.outcome, ex.reason = "send_failed", type(exc).__name__
        if chat_is_gone(exc):
            svc.mark_unreachable(ex.chat_id)
        logger.warning(
            "could not reply in chat %s (%s): %s", svc.pseudonym(ex.chat_id), ex.reason, exc
        )
        return None
    ex.reply_message_id = sent.message_id
    return sent


@asynccontextmanager
async def exchange(
    context: ContextTypes.DEFAULT_TYPE, message: Message, command: str, query: str = ""
) -> AsyncIterator[Exchange | None]:
    """The exchange for one message, logged on exit; None when the message must get
    no work (flood limit, or a chat the bot can no longer write to)."""
    ex = Exchange.of_message(message, command, query)
    try:
        yield await _admit(context, ex, message)
    except BaseException as exc:
        ex.outcome, ex.reason = "error", type(exc).__name__
        raise
    finally:
        await log_exchange(context, ex)


async def _admit(
    context: ContextTypes.DEFAULT_TYPE, ex: Exchange, message: Message
) -> Exchange | None:
    svc = services(context)
    if svc.is_unreachable(ex.chat_id):
        if ex.command not in _REOPENING:
            ex.outcome, ex.reason = "send_failed", "ChatUnreachable"
            return None
        svc.unreachable.pop(ex.chat_id, None)
    verdict = svc.throttle.check(ex.chat_id, ex.user_id)
    if verdict is Verdict.PASS:
        return ex
    ex.outcome = "throttled"
    if verdict is Verdict.NOTIFY:
        logger.info(
            "flood limit: %s in chat %s muted for %.0f s",
            svc.pseudonym(ex.user_id),
            svc.pseudonym(ex.chat_id),
            svc.settings.throttle_window,
        )
        await deliver(context, ex, message, texts.SLOW_DOWN)
    return None


# --- questions ------------------------------------------------------------------


async def ask_archive(
    context: ContextTypes.DEFAULT_TYPE, question: str, earlier: Earlier | None = None
) -> tuple[Answer, str | None]:
    """Retrieval in a worker thread, on what one question may cost; and what cut it.
    With ``earlier``, the question is read as a follow-up to that answer."""
    svc = services(context)
    capped, cut = svc.capped(question)
    ask = svc.retriever.ask
    if earlier is not None:
        topic = earlier.context()
        followup = FollowUp(svc.capped(topic.question)[0], topic.article_id)
        ask = functools.partial(ask, context=followup)
    found = await svc.retrieve(ask, capped, CANDIDATES)
    return found, cut


async def followed_up(
    context: ContextTypes.DEFAULT_TYPE, message: Message, question: str
) -> Earlier | None:
    """The earlier answer this message leans on (bot.followups): the bot's answer
    it replies to, or in a private chat the last one within the window."""
    svc = services(context)
    replied = message.reply_to_message
    to_bot = replied.message_id if replied is not None and is_reply_to_bot(message) else None
    return await svc.followups.lookup(
        svc.querylog,
        message.chat.id,
        question,
        private=message.chat.type == ChatType.PRIVATE,
        replied_bot_message=to_bot,
    )


def render_found(found: Answer, note: str) -> tuple[str, InlineKeyboardMarkup | None]:
    """The answer with its buttons ("Hasil lain" only when there is another), or a
    decline naming the closest articles."""
    hit = found.best
    if hit is None:
        return render.render_decline(found, header=note), None
    more = 1 if len(found.hits) > 1 else None
    return render.render_answer(hit, header=note), render.answer_keyboard(hit, next_rank=more)


async def answer_question(
    context: ContextTypes.DEFAULT_TYPE, message: Message, question: str, command: str = "ask"
) -> None:
    async with exchange(context, message, command, question) as ex:
        if ex is None:
            return
        earlier = await followed_up(context, message, question)
        ex.context_id = earlier.row_id if earlier is not None else None
        started = time.monotonic()
        found, cut = await ask_archive(context, question, earlier)
        ex.retrieval_ms = (time.monotonic() - started) * 1000.0
        ex.took(found, cut=cut is not None)
        settings = services(context).settings
        note = ""
        if cut == "chars":
            note = render.cut_note(chars=settings.question_max_chars)
        elif cut == "terms":
            note = render.cut_note(terms=settings.question_max_terms)
        text, keyboard = render_found(found, note)
        await deliver(context, ex, message, text, reply_markup=keyboard)
    if ex.hit is not None and ex.reply_message_id is not None:  # logged: ex.row_id is known
        services(context).followups.remember(
            ex.chat_id,
            question,
            ex.hit.article_id,
            message_id=ex.reply_message_id,
            row_id=ex.row_id,
            followed=earlier,
        )


async def answer_or_hint(
    context: ContextTypes.DEFAULT_TYPE, message: Message, question: str, hint: str
) -> None:
    """Answer the question, or say how to ask one when it is empty."""
    if question:
        await answer_question(context, message, question)
        return
    async with exchange(context, message, "usage") as ex:
        if ex is not None:
            ex.outcome = "command"
            await deliver(context, ex, message, hint)


def example(context: ContextTypes.DEFAULT_TYPE) -> str:
    examples = services(context).examples
    return examples[0] if examples else texts.EXAMPLE_FALLBACK


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Private chat: any text is a question."""
    message = update.message
    if message is not None and message.text:
        await answer_question(context, message, message.text)


async def ask_addressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Group: a message that mentions the bot or replies to it."""
    message = update.message
    if message is None or not message.text:
        return
    question = strip_mentions(message.text, mentions_of_bot(message))
    hint = render.usage_mention(context.bot.username, example(context))
    await answer_or_hint(context, message, question, hint)


async def tanya(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/tanya <pertanyaan>"""
    message = update.message
    if message is None:
        return
    hint = render.usage_tanya(example(context))
    await answer_or_hint(context, message, command_remainder(message), hint)


# --- commands -------------------------------------------------------------------


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start and /help"""
    message = update.message
    if message is None:
        return
    command = "start" if (message.text or "").startswith("/start") else "help"
    async with exchange(context, message, command) as ex:
        if ex is None:
            return
        ex.outcome = "command"
        examples = services(context).examples
        text = render.render_help(context.bot.username, group=is_group(message), examples=examples)
        await deliver(context, ex, message, text)


async def latest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/latest [n]"""
    message = update.message
    if message is None:
        return
    async with exchange(context, message, "latest", command_remainder(message)) as ex:
        if ex is None:
            return
        n = listings.parse_latest_count(context.args or [])
        markup = None
        if n is None:
            text = texts.USAGE_LATEST
        else:
            text, markup = listings.latest_page(services(context).retriever.corpus.newest(n), 0)
        ex.outcome, ex.reason = "command", None if n is not None else "usage"
        await deliver(context, ex, message, text, reply_markup=markup)


async def sumber(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/sumber: as a reply, that answer's citation; alone, the archive; with words, the
    most relevant articles."""
    message = update.message
    if message is None:
        return
    words = command_remainder(message)
    async with exchange(context, message, "sumber", words) as ex:
        if ex is None:
            return
        ex.outcome, ex.ranked = "command", False
        svc = services(context)
        replied = message.reply_to_message
        if is_reply_to_bot(message) and replied is not None:
            hit = await _cited(context, ex, message.chat.id, replied.message_id)
            text = render.render_citation(hit) if hit else texts.SUMBER_NOT_AN_ANSWER
            ex.hit, ex.reason = hit, None if hit else "not_an_answer"
        elif words:
            related = await svc.retrieve(svc.retriever.related_articles, words, CANDIDATES)
            text = listings.render_related(words, related)
            ex.reason = None if related else "no_related"
        elif replied is not None and not replied.forum_topic_created:
            text = texts.SUMBER_NOT_THE_BOTS  # a reply, but to someone else's message
            ex.reason = "not_the_bots"
        else:
            text = listings.render_sources(svc.retriever.corpus.articles)
        await deliver(context, ex, message, text)


async def _cited(
    context: ContextTypes.DEFAULT_TYPE, ex: Exchange, chat_id: int, message_id: int
) -> Hit | None:
    """The paragraph a bot message shows, from the log (never from the replied text:
    a bot message's text may be trimmed and its buttons may have changed it)."""
    svc = services(context)
    try:
        logged = await svc.querylog.find_reply(chat_id, message_id)
    except QueryLogError:
        logger.warning("query log unreadable; /sumber cannot cite", exc_info=True)
        return None
    if logged is None:
        return None
    ex.context_id = logged.id
    if not (logged.article_id and logged.paragraph):
        return None
    try:
        return svc.retriever.hit(logged.article_id, logged.paragraph)
    except KeyError:
        logger.info("logged paragraph %s#%s left the corpus", logged.article_id, logged.paragraph)
        return None


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats, for the admins in ADMIN_USER_IDS, in a private chat only: the figures
    include other chats' questions."""
    message = update.message
    if message is None:
        return
    async with exchange(context, message, "stats") as ex:
        if ex is None:
            return
        ex.outcome = "command"
        svc = services(context)
        user = message.from_user
        figures: Stats | None = None
        if not svc.is_admin(user):
            text, ex.reason = texts.NOT_ADMIN, "not_admin"
        elif message.chat.type != ChatType.PRIVATE:
            text, ex.reason = texts.STATS_PRIVATE_ONLY, "private_only"
        else:
            try:
                figures = await svc.querylog.stats(top=5, recent=5)
                text = listings.render_stats(figures)
            except QueryLogError as exc:
                logger.warning("query log unreadable for /stats: %s", exc)
                text, ex.reason = texts.STATS_UNAVAILABLE, "log_unreadable"
        sent = await deliver(context, ex, message, text)
        if sent is not None and figures is not None:
            await send_chart(message, figures)


async def send_chart(message: Message, figures: Stats) -> None:
    """/stats's chart (questions per day, answered against declined), after the text;
    a chart that cannot be drawn or sent costs only a warning."""
    try:
        png = await asyncio.to_thread(charts.questions_per_day_png, figures)
        await message.reply_photo(png, caption=texts.STATS_CHART_CAPTION)
    except Exception as exc:
        logger.warning("could not send the /stats chart: %s: %s", type(exc).__name__, exc)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An unknown /command in a private chat (groups: it may be for another bot)."""
    message = update.message
    if message is None:
        return
    async with exchange(context, message, "unknown", message.text or "") as ex:
        if ex is not None:
            ex.outcome = "command"
            await deliver(context, ex, message, texts.UNKNOWN_COMMAND)


# --- errors ------------------------------------------------------------------


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure and, when there is a chat, apologise. Never raises."""
    try:
        await _apologise(update, context)
    except Exception:  # the error handler must never fail in turn
        logger.warning("the error handler failed", exc_info=True)


async def _apologise(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    if isinstance(error, Conflict):  # another instance polls with this token
        if not had_conflict(context.bot_data):
            mark_conflict(context.bot_data)
            context.application.stop_running()
        return
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
    except Exception as exc:
        logger.warning("could not tell the user about the error: %s: %s", type(exc).__name__, exc)
