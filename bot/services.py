"""The long-lived services handlers use, kept in ``application.bot_data``.

One typed object under one private key, so no handler indexes ``bot_data``
with bare strings and mypy knows what it gets back.
"""

from __future__ import annotations

import logging
import time
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any, get_args

from telegram import Chat, Message, User
from telegram.ext import ContextTypes

from bot.config import Settings
from bot.querylog import ChatType, QueryLog, QueryRecord
from retrieval import Hit, Retriever

logger = logging.getLogger(__name__)

_KEY = "tanyaberita.services"
CANDIDATES = 5  # how many hits one question asks for: the answer plus "Hasil lain"


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    retriever: Retriever
    querylog: QueryLog


def put_services(bot_data: MutableMapping[Any, Any], services: Services) -> None:
    bot_data[_KEY] = services


def pop_services(bot_data: MutableMapping[Any, Any]) -> Services | None:
    found = bot_data.pop(_KEY, None)
    return found if isinstance(found, Services) else None


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    found = context.bot_data.get(_KEY)
    if not isinstance(found, Services):
        raise RuntimeError("services are not ready: post_init has not run")
    return found


def chat_type(chat: Chat | None) -> ChatType:
    value = chat.type if chat is not None else "private"
    return value if value in get_args(ChatType) else "group"  # type: ignore[return-value]


def elapsed_ms(started: float) -> float:
    return (time.monotonic() - started) * 1000.0


async def record(
    context: ContextTypes.DEFAULT_TYPE,
    *,
    command: str,
    started: float,
    chat: Chat | None,
    user: User | None,
    query: str = "",
    answered: bool = False,
    hit: Hit | None = None,
    rank: int | None = None,
    reply: Message | None = None,
    chat_type_override: ChatType | None = None,
    ranked: bool = True,
) -> int | None:
    """Log one handled update. Never raises: a broken log must not break replies.

    ``ranked=False`` for a hit that was looked up (``/sumber``), not scored.
    """
    try:
        chat_id = chat.id if chat is not None else (user.id if user is not None else 0)
        row = QueryRecord(
            chat_id=chat_id,
            chat_type=chat_type_override or chat_type(chat),
            user_id=user.id if user is not None else None,
            command=command,
            query=query,
            answered=answered,
            article_id=hit.article_id if hit is not None else None,
            paragraph=hit.paragraph if hit is not None else None,
            score=hit.score if hit is not None and ranked else None,
            rank=rank,
            latency_ms=elapsed_ms(started),
            reply_message_id=reply.message_id if reply is not None else None,
        )
        return await services(context).querylog.record(row)
    except Exception:
        logger.exception("could not log a %r row", command)
        return None
