"""Wiring: the PTB Application, its handlers and the services' lifetime."""

from __future__ import annotations

import asyncio
import gc
import logging
from typing import Any
from urllib.parse import urlsplit

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import Conflict, InvalidToken, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    ExtBot,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot import (
    admin,
    callbacks,
    feeds,
    handlers,
    inline,
    listings,
    live,
    logmaint,
    paging,
    reload,
    render,
    webhook,
)
from bot.addressing import ADDRESSED_TO_BOT
from bot.config import ConfigError, Settings, ensure_query_log_secret
from bot.logsetup import RedactingFilter, setup_logging
from bot.querylog import QueryLog, QueryLogError
from bot.sending import ResilientRequests
from bot.services import Services, had_conflict, pop_services, put_services
from bot.transport import AiohttpRequest
from retrieval import CorpusError, Retriever

logger = logging.getLogger(__name__)

# ExtBot[int]: the bot is typed by its rate limiter (ResilientRequests takes an int deadline).
BotApplication = Application[
    ExtBot[int], ContextTypes.DEFAULT_TYPE, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any
]

DEFAULT_LISTEN = "127.0.0.1"
DEFAULT_PORT = 8443
# Only what a handler uses: edits, channel posts and the rest are never fetched.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]

# One menu for private chats and groups alike.
COMMANDS = [
    BotCommand("tanya", "Ajukan pertanyaan tentang berita"),
    BotCommand("latest", "Berita terbaru, misalnya /latest 3"),
    BotCommand("sumber", "Sumber lengkap sebuah jawaban atau daftar sumber"),
    BotCommand("help", "Cara memakai TanyaBerita"),
]
RETENTION_INTERVAL = 24 * 3600  # seconds between query-log prunes
# Long enough to wait out a slow Bot API response rather than send twice.
READ_TIMEOUT = 30.0
CONFLICT_MESSAGE = (
    "another bot instance is polling Telegram with this TELEGRAM_BOT_TOKEN (409 Conflict);"
    " stop it (or its webhook) and start again"
)


class StartupError(Exception):
    """The bot cannot start for a reason the operator can fix; one line."""


def build_application(settings: Settings) -> BotApplication:
    """The configured Application; services are created in post_init."""

    async def post_init(app: BotApplication) -> None:
        # Before loading: a file that arrives during the load is seen by the watcher.
        files = await asyncio.to_thread(live.snapshot, settings.seeds_dir, settings.archive_dir)
        retriever = await asyncio.to_thread(
            Retriever.load,
            settings.seeds_dir,
            cache_dir=settings.index_cache_dir,
            english_dict=settings.english_dict,
            archive_dir=settings.archive_dir,
        )
        secret = await asyncio.to_thread(ensure_query_log_secret, settings)
        querylog = await QueryLog.open(settings.query_log_path, secret=secret)
        try:
            found = await asyncio.to_thread(
                Services.create, settings, retriever, querylog, secret, files
            )
            put_services(app.bot_data, found)
            await _set_commands(app)
            # The loaded index and services live as long as the bot: keep the
            # cyclic garbage collector from walking them again on every pass.
            gc.collect()
            gc.freeze()
        except BaseException:
            # Closed here, or its thread outlives the loop ("Event loop is closed").
            dropped = pop_services(app.bot_data)
            if dropped is not None:
                dropped.close()
            await querylog.close()
            raise
        logger.info(
            "@%s ready: %d articles, query log %s",
            app.bot.username,
            len(retriever.corpus.articles),
            settings.query_log_path,
        )

    async def post_shutdown(app: BotApplication) -> None:
        found = pop_services(app.bot_data)
        if found is not None:
            found.close()
            await found.querylog.close()

    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(ResilientRequests(deadline=settings.send_deadline))
        .request(AiohttpRequest(read_timeout=READ_TIMEOUT))
        .get_updates_request(AiohttpRequest(connection_pool_size=1))
        .concurrent_updates(True)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if settings.telegram_api_base_url:
        builder = builder.base_url(settings.telegram_api_base_url)
    app: BotApplication = builder.build()
    _add_handlers(app)
    if app.job_queue is not None:  # QUERY_LOG_RETENTION_DAYS, applied once a day
        app.job_queue.run_repeating(
            logmaint.prune_job, interval=RETENTION_INTERVAL, first=60, name="query-log-retention"
        )
        app.job_queue.run_repeating(
            reload.watch_job,
            interval=reload.WATCH_INTERVAL,
            first=reload.WATCH_INTERVAL,
            name="archive-watcher",
        )
        if settings.feeds:
            feeds.schedule(app.job_queue, settings.feed_interval, first=feeds.FIRST_DELAY)
    return app


def _add_handlers(app: BotApplication) -> None:
    # New messages only: edited messages and channel posts never reach a handler.
    new = filters.UpdateType.MESSAGE
    private = new & filters.ChatType.PRIVATE
    groups = new & filters.ChatType.GROUPS
    app.add_handlers(
        [
            CommandHandler(["start", "help"], handlers.help_command, filters=new),
            CommandHandler("tanya", handlers.tanya, filters=new),
            CommandHandler("latest", handlers.latest, filters=new),
            CommandHandler("sumber", handlers.sumber, filters=new),
            CommandHandler("stats", handlers.stats, filters=new),
            CommandHandler("reload", reload.reload_command, filters=new),
            CommandHandler("tambah", admin.tambah, filters=new),
            MessageHandler(private & filters.TEXT & ~filters.COMMAND, handlers.ask),
            MessageHandler(
                groups & filters.TEXT & ~filters.COMMAND & ADDRESSED_TO_BOT,
                handlers.ask_addressed,
            ),
            MessageHandler(private & filters.COMMAND, handlers.unknown_command),
            CallbackQueryHandler(callbacks.more, pattern=f"^{render.MORE_PREFIX}"),
            CallbackQueryHandler(admin.confirm, pattern=f"^{admin.PREFIX}"),
            CallbackQueryHandler(paging.latest_button, pattern=f"^{listings.LATEST_PREFIX}"),
            CallbackQueryHandler(callbacks.stale_button),
            InlineQueryHandler(inline.inline_query),
        ]
    )
    app.add_error_handler(handlers.on_error)


async def _set_commands(app: BotApplication) -> None:
    """Best-effort: the menus are a nicety, a failure is a warning, never a stop.

    /start needs no menu entry (Telegram shows a Start button); /stats is for
    admins only, who know it: a per-admin menu fails until they open a chat."""
    for scope in (BotCommandScopeAllPrivateChats(), BotCommandScopeAllGroupChats()):
        try:
            await app.bot.set_my_commands(COMMANDS, scope=scope)
        except TelegramError as exc:
            logger.warning("could not set the command menu (%s): %s", scope.type, exc)


def run_bot(
    settings: Settings,
    *,
    webhook_url: str | None = None,
    listen: str = DEFAULT_LISTEN,
    port: int = DEFAULT_PORT,
) -> int:
    """Run until SIGINT/SIGTERM; 0 on a clean stop. Raises StartupError or ConfigError."""
    setup_logging(settings.log_level, settings.secret_values)
    if webhook_url is not None and not settings.webhook_secret:
        raise ConfigError(
            "WEBHOOK_SECRET is required with --webhook-url (1-256 characters of A-Z a-z 0-9 _ -)"
        )
    app = build_application(settings)
    # PTB runs on the current loop and closes it when done; a fresh one makes
    # run_bot callable again in the same process (tests, embedding).
    asyncio.set_event_loop(asyncio.new_event_loop())
    try:
        if webhook_url is None:
            app.run_polling(allowed_updates=ALLOWED_UPDATES)
        else:
            webhook.install()
            app.run_webhook(
                listen=listen,
                port=port,
                url_path=urlsplit(webhook_url).path.lstrip("/"),
                webhook_url=webhook_url,
                secret_token=settings.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
    except InvalidToken:
        # PTB's own message quotes the token; ours does not.
        raise StartupError(
            "the Bot API rejected TELEGRAM_BOT_TOKEN; check it with @BotFather (/mybots)"
        ) from None
    except Conflict:
        raise StartupError(CONFLICT_MESSAGE) from None
    except (CorpusError, QueryLogError) as exc:
        raise StartupError(str(exc)) from None
    except TelegramError as exc:
        where = settings.telegram_api_base_url or "api.telegram.org"
        reason = RedactingFilter(settings.secret_values).redact(str(exc))
        raise StartupError(f"cannot reach the Telegram Bot API at {where}: {reason}") from None
    if had_conflict(app.bot_data):  # handlers.on_error stopped the polling
        raise StartupError(CONFLICT_MESSAGE)
    return 0
