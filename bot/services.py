"""The long-lived services handlers use, kept in ``application.bot_data``.

One typed object under one private key, so no handler indexes ``bot_data``
with bare strings and mypy knows what it gets back. Also the exchange log:
every handled update ends in exactly one query-log row.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

from telegram import User
from telegram.ext import ContextTypes

from bot import texts
from bot.config import Settings
from bot.exchange import Exchange
from bot.followups import FollowUps
from bot.live import LiveIndex, Snapshot
from bot.querylog import QueryLog, pseudonymize
from bot.throttling import Throttle
from retrieval import Retriever

logger = logging.getLogger(__name__)

_KEY = "tanyaberita.services"
_CONFLICT_KEY = "tanyaberita.conflict"
CANDIDATES = 5  # how many hits one question asks for: the answer plus "Hasil lain"
EXAMPLES = 3  # example questions in /help
# Asked once at start-up, off the event loop, besides the /help examples (Indonesian):
# an English question loads the English lemmatiser's tables (~0.2 s of CPU, holding
# the GIL), which would otherwise happen on a user's first English question while
# every other chat waits.
WARM_UP_QUESTIONS = ("What did the minister say?",)
# How long a chat that blocked or removed the bot is skipped (a re-added bot recovers).
UNREACHABLE_SECONDS = 600.0
UNREACHABLE_MAX = 100_000
# Threads that run retrieval off the event loop. Retrieval holds the GIL for most
# of its time, so more threads add no throughput, only GIL hand-offs between them
# and the loop (asyncio's default pool has cores + 4 threads); a second one lets a
# slow question run beside the others instead of holding them all up. Measured
# against the default pool (bench/bot_throughput.py): the same within the noise of
# a shared machine, with a little less system time.
RETRIEVAL_THREADS = 2

P = ParamSpec("P")
T = TypeVar("T")


def _retrieval_pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(RETRIEVAL_THREADS, thread_name_prefix="retrieval")


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    live: LiveIndex  # the current retriever, swapped on reload (bot.live)
    querylog: QueryLog
    secret: bytes = field(default=b"", repr=False)  # pseudonyms in log lines
    throttle: Throttle = field(default_factory=lambda: Throttle(window=60, per_user=0, per_chat=0))
    # The /help examples of one retriever: (that retriever, its examples); see ``examples``.
    _examples: list[tuple[Retriever, tuple[str, ...]]] = field(
        default_factory=list, repr=False, compare=False
    )
    # Chats the bot can no longer write to (blocked, removed) -> when that was seen.
    unreachable: dict[int, float] = field(default_factory=dict)
    # Each chat's last answer, for follow-up questions (bot.followups).
    followups: FollowUps = field(default_factory=lambda: FollowUps(window_minutes=0))
    # Where retrieval runs (``retrieve``); threads start on first use.
    pool: ThreadPoolExecutor = field(default_factory=_retrieval_pool, repr=False, compare=False)

    def capped(self, question: str) -> tuple[str, str | None]:
        """What retrieval reads of a question (QUESTION_MAX_CHARS/TERMS), and what
        cut it; every path to ``retriever.ask`` goes through here."""
        s = self.settings
        return cap_question(question, s.question_max_chars, s.question_max_terms)

    def is_admin(self, user: User | None) -> bool:
        """Whether ``user`` is one of ADMIN_USER_IDS (/stats, /reload, /tambah)."""
        return user is not None and user.id in self.settings.admin_user_ids

    async def retrieve(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """``fn(*args, **kwargs)``, a retrieval call, in the retrieval threads: the
        event loop serves other chats meanwhile."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, functools.partial(fn, *args, **kwargs))

    def close(self) -> None:
        """Stop the retrieval threads (a call under way finishes on its own)."""
        self.pool.shutdown(wait=False, cancel_futures=True)

    @property
    def retriever(self) -> Retriever:
        """The index now; read it once per question (a reload may swap it meanwhile)."""
        return self.live.current

    @property
    def examples(self) -> tuple[str, ...]:
        """Example questions for /help from the current index's newest titles,
        worked out again after a reload or an added article swaps the index."""
        retriever = self.retriever
        if not self._examples or self._examples[0][0] is not retriever:
            self._examples[:] = [(retriever, example_questions(retriever))]
        return self._examples[0][1]

    @classmethod
    def create(
        cls,
        settings: Settings,
        retriever: Retriever,
        querylog: QueryLog,
        secret: bytes,
        files: Snapshot | None = None,
    ) -> Services:
        throttle = Throttle(
            window=settings.throttle_window,
            per_user=settings.throttle_user_limit,
            per_chat=settings.throttle_chat_limit,
        )
        followups = FollowUps(window_minutes=settings.followup_window_minutes)
        live = LiveIndex(
            retriever,
            seeds_dir=settings.seeds_dir,
            archive_dir=settings.archive_dir,
            cache_dir=settings.index_cache_dir,
            english_dict=settings.english_dict,
            files=files,
        )
        found = cls(settings, live, querylog, secret, throttle, followups=followups)
        _ = found.examples  # worked out at start-up, not on the first /help
        for question in WARM_UP_QUESTIONS:
            retriever.ask(question, k=1)
        return found

    def mark_unreachable(self, chat_id: int) -> None:
        if len(self.unreachable) >= UNREACHABLE_MAX:
            self.unreachable.clear()  # a bound, not a guarantee: the marks only save work
        self.unreachable[chat_id] = time.monotonic()

    def is_unreachable(self, chat_id: int) -> bool:
        """Marked within UNREACHABLE_SECONDS: work for it is skipped (a user who unblocks
        the bot and presses Start clears the mark at once)."""
        marked = self.unreachable.get(chat_id)
        if marked is None:
            return False
        if time.monotonic() - marked > UNREACHABLE_SECONDS:
            del self.unreachable[chat_id]
            return False
        return True

    def pseudonym(self, some_id: int | None) -> str:
        """What logs print instead of a user or chat id."""
        return "-" if some_id is None else pseudonymize(some_id, self.secret)[:10]


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


def mark_conflict(bot_data: MutableMapping[Any, Any]) -> None:
    """Another instance polls with this token (409): the run must end, non-zero."""
    bot_data[_CONFLICT_KEY] = True


def had_conflict(bot_data: MutableMapping[Any, Any]) -> bool:
    return bool(bot_data.get(_CONFLICT_KEY))


def example_questions(retriever: Retriever, limit: int = EXAMPLES) -> tuple[str, ...]:
    """Questions built from the newest articles' titles that the archive answers, so a
    bot over any archive suggests what it can answer."""
    found: list[str] = []
    for article in retriever.corpus.newest(limit * 3):
        title = " ".join((article.source.title or "").split())
        if not title or len(title) > 120:
            continue
        question = texts.EXAMPLE_FROM_TITLE.format(title=title)
        if retriever.ask(question, k=1).answered:
            found.append(question)
        if len(found) == limit:
            break
    return tuple(found)


def cap_question(text: str, max_chars: int, max_terms: int) -> tuple[str, str | None]:
    """What retrieval reads of a question: at most ``max_chars`` characters and
    ``max_terms`` words. The second value says what cut it ("chars", "terms") or None."""
    capped, cut = text, None
    if len(capped) > max_chars:
        capped, cut = capped[:max_chars], "chars"
    words = capped.split()
    if len(words) > max_terms:
        capped, cut = " ".join(words[:max_terms]), cut or "terms"
    return capped, cut


async def log_exchange(context: ContextTypes.DEFAULT_TYPE, ex: Exchange) -> int | None:
    """Write the exchange's one row (a second call is a no-op). Never raises."""
    if ex.logged:
        return None
    ex.logged = True
    try:
        svc = services(context)
        row_id = ex.row_id = await svc.querylog.record(ex.to_record())
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s by %s in chat %s: %s%s, %.0f ms",
                ex.command,
                svc.pseudonym(ex.user_id),
                svc.pseudonym(ex.chat_id),
                ex.outcome,
                f" ({ex.reason})" if ex.reason else "",
                ex.latency_ms,
            )
        return row_id
    except Exception:
        logger.exception("could not log a %r row", ex.command)
        return None
