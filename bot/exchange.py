"""One exchange: what a user asked, what the bot did about it, and how it ended.

A handler opens an :class:`Exchange` when an update arrives, fills it in as it
goes (answer, reply id, outcome) and the exchange is logged exactly once when the
outcome is known, whether the reply went out, failed, or the handler raised.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Literal, get_args

from telegram import Chat, Message, User

from bot.querylog import ChatType, QueryRecord
from retrieval import Answer, Hit

Outcome = Literal[
    "answered",  # a question answered with a cited paragraph
    "declined",  # a question the archive does not answer
    "too_long",  # a question cut to what retrieval reads (a hit, if any, is kept)
    "throttled",  # over a flood limit: told once, then ignored
    "send_failed",  # the reply could not be delivered (``reason``: the error class)
    "command",  # anything but a question: /help, /latest, /sumber (``reason``: a refusal)
    "error",  # the handler failed (``reason``: the exception class); it apologised
]


def chat_type(chat: Chat | None) -> ChatType:
    value = chat.type if chat is not None else "private"
    return value if value in get_args(ChatType) else "group"  # type: ignore[return-value]


@dataclass(slots=True)
class Exchange:
    command: str
    chat_id: int
    chat_type: ChatType
    user_id: int | None = field(repr=False)  # raw: pseudonymised when logged
    query: str = ""
    started: float = field(default_factory=time.monotonic)
    hit: Hit | None = None
    rank: int | None = None
    ranked: bool = True  # False for a hit that was looked up (/sumber), not scored
    outcome: Outcome | None = None
    reason: str | None = None
    reply_message_id: int | None = None
    context_id: int | None = None  # the row of the earlier exchange a follow-up leans on
    row_id: int | None = None  # this exchange's own row, once logged
    retrieval_ms: float | None = None
    logged: bool = False

    @classmethod
    def of_message(cls, message: Message, command: str, query: str = "") -> Exchange:
        user = message.from_user
        return cls(
            command=command,
            chat_id=message.chat.id,
            chat_type=chat_type(message.chat),
            user_id=user.id if user is not None else None,
            query=query,
        )

    @classmethod
    def of_user(
        cls, user: User | None, command: str, query: str, *, chat: Chat | None = None
    ) -> Exchange:
        """Inline queries (no chat) and button presses (the message's chat)."""
        user_id = user.id if user is not None else None
        return cls(
            command=command,
            chat_id=chat.id if chat is not None else (user_id or 0),
            chat_type=chat_type(chat) if chat is not None else "inline",
            user_id=user_id,
            query=query,
        )

    def took(self, found: Answer, *, cut: bool = False, rank: int = 0) -> None:
        """Record what retrieval said about the question."""
        hit = found.hits[rank] if found.answered and rank < len(found.hits) else None
        self.hit, self.rank = hit, (rank if hit is not None else None)
        if cut:
            self.outcome = "too_long"
        else:
            self.outcome = "answered" if hit is not None else "declined"
        self.reason = None if hit is not None else found.reason

    @property
    def answered(self) -> bool:
        """Answered means an answer was shown (the query log's rule, too)."""
        return self.outcome == "answered"

    @property
    def latency_ms(self) -> float:
        return (time.monotonic() - self.started) * 1000.0

    def to_record(self) -> QueryRecord:
        hit = self.hit
        return QueryRecord(
            chat_id=self.chat_id,
            chat_type=self.chat_type,
            user_id=self.user_id,
            command=self.command,
            query=self.query,
            answered=self.answered,
            article_id=hit.article_id if hit is not None else None,
            paragraph=hit.paragraph if hit is not None else None,
            score=hit.score if hit is not None and self.ranked else None,
            rank=self.rank,
            latency_ms=self.latency_ms,
            reply_message_id=self.reply_message_id,
            outcome=self.outcome,
            reason=self.reason,
            context_id=self.context_id,
        )
