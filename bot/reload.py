"""Taking new articles without a restart: the file watcher job and /reload.

The watcher polls the seeds and the archive on PTB's JobQueue every
``WATCH_INTERVAL`` seconds (a stat of each file, cheap) and lets
``bot.live.LiveIndex`` do the rest: ingest dropped ``.txt`` files, add new
archive articles as a delta, or rebuild fully when files changed or went away.
``/reload`` (admins only) forces a full rebuild. Either way the new index is
built off the event loop and swapped in; questions keep being answered meanwhile.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot import texts
from bot.handlers import deliver, exchange
from bot.render import e
from bot.services import services

logger = logging.getLogger(__name__)

WATCH_INTERVAL = 5.0  # seconds between two looks at the article files


async def watch_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """One look at the files; never raises (a failed reload keeps the old index)."""
    try:
        live = services(context).live
    except RuntimeError:  # not started yet
        return
    if live.lock.locked():
        return  # a reload is running: the next tick looks again
    await live.refresh()


async def reload_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reload, for the admins in ADMIN_USER_IDS: rebuild the index from the files now."""
    message = update.message
    if message is None:
        return
    async with exchange(context, message, "reload") as ex:
        if ex is None:
            return
        ex.outcome = "command"
        svc = services(context)
        user = message.from_user
        if not svc.is_admin(user):
            text, ex.reason = texts.ADMIN_ONLY, "not_admin"
        else:
            done = await svc.live.refresh(force=True)
            if done.kind == "failed":
                text, ex.reason = texts.RELOAD_FAILED.format(error=e(done.error or "")), "failed"
            else:
                text = texts.RELOAD_DONE.format(articles=done.articles, added=done.added)
        await deliver(context, ex, message, text)
