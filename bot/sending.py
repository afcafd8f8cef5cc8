"""Bot API requests that survive Telegram's faults.

Installed as the bot's PTB rate limiter, so every request goes through it: answers,
apologies, button acknowledgements and inline answers alike.

- 429 Too Many Requests: waited out for its ``retry_after``, then retried.
- Transient trouble (5xx, timeouts, dropped connections): retried with capped
  exponential backoff and jitter.
- Both stop at a total deadline per request (``SEND_DEADLINE_SECONDS``); then the
  last error is raised.
- Permanent errors (403 blocked or removed, 400 bad request, 401/404, 409) are raised
  at once: retrying cannot help.

Requests are also paced before they leave (Telegram's documented limits: about 30
messages a second overall, 20 a minute into one group), so bursts rarely meet a 429.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import warnings
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

logger = logging.getLogger(__name__)

BACKOFF_BASE = 0.5  # seconds before the first retry of a transient error
BACKOFF_CAP = 8.0  # the longest wait between two tries
OVERALL_PER_SECOND = 30
GROUP_PER_MINUTE = 20
# Telegram lets a callback or inline query expire after a few seconds: retrying it
# for a minute only delays the next update.
SHORT_DEADLINE = 10.0
SHORT_ENDPOINTS = frozenset({"answerCallbackQuery", "answerInlineQuery"})
# Endpoints that are not messages to a chat and need no pacing.
UNPACED = frozenset({"getMe", "getUpdates", "deleteWebhook", "setWebhook", "setMyCommands"})

JSONDict = dict[str, Any]
Callback = Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]]


def is_transient(error: BaseException) -> bool:
    """Worth retrying: network trouble and server errors, not the bot's own mistakes."""
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


def chat_is_gone(error: BaseException) -> bool:
    """The bot can no longer write to that chat at all (blocked, removed, chat deleted)."""
    if isinstance(error, Forbidden):
        return True
    return isinstance(error, BadRequest) and "chat not found" in str(error).lower()


def backoff(attempt: int, rng: random.Random) -> float:
    """Seconds before retry ``attempt`` (0-based): capped exponential, jittered to 50-100%."""
    return min(BACKOFF_CAP, BACKOFF_BASE * 2.0**attempt) * rng.uniform(0.5, 1.0)


class ResilientRequests(BaseRateLimiter[int]):
    """PTB rate limiter that paces requests and retries what can succeed later.

    ``retries`` counts the retries made (for logs, tests and the load script).
    """

    def __init__(self, *, deadline: float = 60.0, seed: int | None = None) -> None:
        self.deadline = deadline
        self.retries = 0
        self._rng = random.Random(seed)
        self._overall = AsyncLimiter(OVERALL_PER_SECOND, 1)
        self._groups: dict[int | str, AsyncLimiter] = {}

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    def _group_limiter(self, chat_id: int | str) -> AsyncLimiter:
        limiter = self._groups.get(chat_id)
        if limiter is None:
            if len(self._groups) > 10_000:  # idle limiters hold nothing worth keeping
                self._groups.clear()
            limiter = self._groups[chat_id] = AsyncLimiter(GROUP_PER_MINUTE, 60)
        return limiter

    async def _paced(
        self, callback: Callback, args: Any, kwargs: Any, endpoint: str, data: JSONDict
    ) -> Any:
        if endpoint in UNPACED:
            return await callback(*args, **kwargs)
        chat_id = data.get("chat_id")
        if (isinstance(chat_id, int) and chat_id < 0) or isinstance(chat_id, str):
            async with self._group_limiter(chat_id), self._overall:
                return await callback(*args, **kwargs)
        async with self._overall:
            return await callback(*args, **kwargs)

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        budget = float(rate_limit_args) if rate_limit_args else self.deadline
        if endpoint in SHORT_ENDPOINTS:
            budget = min(budget, SHORT_DEADLINE)
        give_up_at = time.monotonic() + budget
        attempt = 0
        error: TelegramError
        while True:
            try:
                result: bool | JSONDict | list[JSONDict] = await self._paced(
                    callback, args, kwargs, endpoint, data
                )
                return result
            except RetryAfter as exc:
                with warnings.catch_warnings():  # PTB 22.2+: int now, timedelta later
                    warnings.simplefilter("ignore", PTBDeprecationWarning)
                    wait = exc.retry_after
                seconds = wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait)
                pause, error = seconds + self._rng.uniform(0.05, 0.25), exc
            except TelegramError as exc:
                if not is_transient(exc):
                    raise
                pause, error = backoff(attempt, self._rng), exc
                attempt += 1
            if time.monotonic() + pause > give_up_at:
                raise error  # the deadline would pass before the next try
            self.retries += 1
            logger.debug("%s: retrying in %.2f s", endpoint, pause)
            await asyncio.sleep(pause)
