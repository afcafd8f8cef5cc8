"""Follow-up questions, bot side: which earlier exchange a message leans on.

A message that leans on an earlier answer (``retrieval.followup.is_elliptical``:
"kalau tahun 2023?", "siapa yang mengatakannya?") is read in the context of that
answer's question and article when it replies to the answer (private chat or
group; found by the replied-to message id, in the query log, else in memory), or,
in a private chat, when it comes within ``FOLLOWUP_WINDOW_MINUTES`` of the chat's
last answer. Anything else has no context. A question with a subject of its own is
a new question even as a reply: the earlier topic would only blur it ("Kapan Li
Shangfu bertemu Putin?" replying to a trade answer is about Li's visit).

Memory is bounded: the last answer of at most ``capacity`` chats, least recently
used dropped first. The follow-up's own query-log row names the earlier row
(``context_id``), so a context survives a restart through the log.

A follow-up's topic is its own question plus the question it followed (one level,
so a chain of follow-ups never grows the query): after "Berapa nilai perdagangan
Rusia dan China?" and "kalau tahun 2021?", a reply "siapa yang mengatakannya?" still
knows the trade topic.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from bot.querylog import LoggedQuery, QueryLog, QueryLogError
from retrieval.followup import FollowUp, is_elliptical

logger = logging.getLogger(__name__)

DEFAULT_CAPACITY = 10_000  # chats whose last answer is kept in memory
MAX_PRESSES = 20  # "Hasil lain" rows walked back to the question they show
# Log rows whose bot message shows an answer to a question.
_ANSWER_COMMANDS = ("ask", "more")


@dataclass(frozen=True, slots=True)
class Earlier:
    """An answered exchange a later message may follow up on."""

    question: str  # the question's own text
    article_id: str  # the answer's article (the one shown, after "Hasil lain")
    message_id: int | None  # the bot's answer message
    row_id: int | None  # its query-log row (None while the row waits to be written)
    topic: str = ""  # the question it followed up on, if any
    at: float = 0.0  # clock time of the answer

    def context(self) -> FollowUp:
        """What retrieval reads: the topic questions and the answer's article."""
        question = f"{self.topic} {self.question}" if self.topic else self.question
        return FollowUp(question, self.article_id)


class FollowUps:
    """The last answer per chat, LRU-bounded; the service handlers ask for context."""

    def __init__(
        self,
        window_minutes: float,
        capacity: int = DEFAULT_CAPACITY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.window = window_minutes * 60.0
        self.capacity = capacity
        self.clock = clock
        self._last: OrderedDict[int, Earlier] = OrderedDict()

    def __len__(self) -> int:
        return len(self._last)

    def remember(
        self,
        chat_id: int,
        question: str,
        article_id: str,
        *,
        message_id: int | None,
        row_id: int | None,
        followed: Earlier | None = None,
    ) -> Earlier:
        """Keep an answer as the chat's last one."""
        earlier = Earlier(
            question,
            article_id,
            message_id,
            row_id,
            topic=followed.question if followed is not None else "",
            at=self.clock(),
        )
        self._last[chat_id] = earlier
        self._last.move_to_end(chat_id)
        while len(self._last) > self.capacity:
            self._last.popitem(last=False)
        return earlier

    def recent(self, chat_id: int) -> Earlier | None:
        """The chat's last answer if it is younger than the window."""
        earlier = self._last.get(chat_id)
        if earlier is None:
            return None
        if self.clock() - earlier.at > self.window:
            del self._last[chat_id]
            return None
        self._last.move_to_end(chat_id)
        return earlier

    def of_message(self, chat_id: int, message_id: int) -> Earlier | None:
        """The chat's last answer, if it is that bot message (any age)."""
        earlier = self._last.get(chat_id)
        return earlier if earlier is not None and earlier.message_id == message_id else None

    async def lookup(
        self,
        querylog: QueryLog,
        chat_id: int,
        question: str,
        *,
        private: bool,
        replied_bot_message: int | None,
    ) -> Earlier | None:
        """The exchange ``question`` follows up on, or None.

        ``replied_bot_message``: the id of the bot message it replies to (None when
        it is not a reply to the bot). In groups only such a reply has context.
        """
        if not is_elliptical(question):
            return None
        if replied_bot_message is not None:
            # The log first: it knows what "Hasil lain" put in the message since.
            found = await from_log(querylog, chat_id, replied_bot_message)
            if found is None:  # e.g. its row still waits to be written
                found = self.of_message(chat_id, replied_bot_message)
            if found is not None or not private:
                return found
        return self.recent(chat_id) if private else None


async def from_log(querylog: QueryLog, chat_id: int, message_id: int) -> Earlier | None:
    """The answer bot message ``message_id`` shows, from the query log (None when
    it shows no answer, or the log cannot be read: then there is no context)."""
    try:
        row = await querylog.find_reply(chat_id, message_id)
        if row is None or row.command not in _ANSWER_COMMANDS or not row.article_id:
            return None
        topic = await _topic_of(querylog, row)
    except QueryLogError:
        logger.warning("query log unreadable; a reply is read without its context")
        return None
    return Earlier(row.query, row.article_id, message_id, row.id, topic=topic)


async def _topic_of(querylog: QueryLog, row: LoggedQuery) -> str:
    """The question an answered follow-up followed up on ("" for a plain question;
    a "more" row's context is the answer whose button was pressed, not a topic)."""
    if row.command != "ask" or row.context_id is None:
        return ""
    earlier = await querylog.get(row.context_id)
    return earlier.query if earlier is not None else ""


async def context_of_answer(querylog: QueryLog, row: LoggedQuery) -> FollowUp | None:
    """The context the answer in ``row`` was asked in, so "Hasil lain" re-asks a
    follow-up the same way (None for a plain question, or when the log cannot
    tell). "more" rows lead back, press by press, to the question's row."""
    try:
        for _ in range(MAX_PRESSES):
            if row.command != "more" or row.context_id is None:
                break
            pressed = await querylog.get(row.context_id)
            if pressed is None:
                return None
            row = pressed
        if row.command != "ask" or row.context_id is None:
            return None
        earlier = await querylog.get(row.context_id)
        if earlier is None or not earlier.article_id:
            return None
        topic = await _topic_of(querylog, earlier)
    except QueryLogError:
        logger.warning("query log unreadable; a follow-up's next result is read without context")
        return None
    return Earlier(earlier.query, earlier.article_id, None, earlier.id, topic=topic).context()
