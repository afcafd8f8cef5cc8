"""Who is the bot being spoken to: mentions, replies, commands, chat kinds.

In groups the bot answers only when addressed; these helpers decide that and
extract the question from the message.
"""

from __future__ import annotations

import re

from telegram import Message, MessageEntity
from telegram.constants import ChatType
from telegram.ext import filters


def mentions_of_bot(message: Message) -> list[str]:
    """The texts of ``message``'s entities that address this bot."""
    bot = message.get_bot()
    username = (bot.username or "").casefold()
    found = []
    for entity, text in message.parse_entities(
        [MessageEntity.MENTION, MessageEntity.TEXT_MENTION]
    ).items():
        by_name = entity.type == MessageEntity.MENTION and text.casefold() == f"@{username}"
        by_id = entity.user is not None and entity.user.id == bot.id
        if (by_name and username) or by_id:
            found.append(text)
    return found


def is_reply_to_bot(message: Message) -> bool:
    """A reply to one of the bot's messages. (In a forum topic every message
    "replies" to the topic's creation message, which is not a reply to the bot.)"""
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or replied.forum_topic_created:
        return False
    return replied.from_user.id == message.get_bot().id


class AddressedToBot(filters.MessageFilter):
    """A group message that mentions the bot or replies to one of its messages."""

    __slots__ = ()

    def filter(self, message: Message) -> bool:
        return is_reply_to_bot(message) or bool(mentions_of_bot(message))


ADDRESSED_TO_BOT = AddressedToBot(name="AddressedToBot")


def strip_mentions(text: str, mentions: list[str]) -> str:
    """The question without the bot's mentions; otherwise verbatim (it is logged)."""
    if not mentions:
        return text.strip()
    for mention in mentions:
        text = re.sub(re.escape(mention), " ", text, count=1, flags=re.IGNORECASE)
    # "@Bot, berapa ...?" leaves a leading comma or colon behind.
    return re.sub(r"[ \t]{2,}", " ", text).strip().lstrip(",:;-–— ").strip()


def command_remainder(message: Message) -> str:
    """The text after ``/command[@bot]``, verbatim (``context.args`` loses spacing)."""
    text = message.text or ""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


def is_group(message: Message) -> bool:
    return message.chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)
