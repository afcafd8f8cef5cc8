"""Flood control: per user and per chat, a limit of messages per time window.

Past a limit the sender gets one short notice and is then ignored until the
window has passed. A user flooding a group mutes only that user; the whole chat
is muted only when the chat as a whole passes its (higher) limit.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

MAX_KEYS = 50_000  # idle entries are dropped beyond this, so memory stays bounded


class Verdict(Enum):
    PASS = "pass"
    NOTIFY = "notify"  # over the limit just now: say "pelan-pelan" once
    IGNORE = "ignore"  # already told: stay silent until the window has passed


@dataclass(slots=True)
class _Bucket:
    times: deque[float] = field(default_factory=deque)
    muted_until: float = 0.0


class _Limit:
    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self._buckets: dict[object, _Bucket] = {}

    def state(self, key: object, now: float) -> Verdict:
        if self.limit <= 0:
            return Verdict.PASS
        bucket = self._buckets.get(key)
        if bucket is None:
            return Verdict.PASS
        if now < bucket.muted_until:
            return Verdict.IGNORE
        while bucket.times and bucket.times[0] <= now - self.window:
            bucket.times.popleft()
        return Verdict.NOTIFY if len(bucket.times) >= self.limit else Verdict.PASS

    def mute(self, key: object, now: float) -> None:
        bucket = self._buckets.setdefault(key, _Bucket())
        bucket.muted_until = now + self.window
        bucket.times.clear()

    def count(self, key: object, now: float) -> None:
        if self.limit <= 0:
            return
        if len(self._buckets) >= MAX_KEYS:
            self._prune(now)
        self._buckets.setdefault(key, _Bucket()).times.append(now)

    def _prune(self, now: float) -> None:
        stale = [
            k
            for k, b in self._buckets.items()
            if b.muted_until <= now and (not b.times or b.times[-1] <= now - self.window)
        ]
        for k in stale:
            del self._buckets[k]


class Throttle:
    """``check(chat_id, user_id)`` once per incoming message; not thread-safe (one loop)."""

    def __init__(
        self,
        *,
        window: float,
        per_user: int,
        per_chat: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._users = _Limit(per_user, window)
        self._chats = _Limit(per_chat, window)
        self._clock = clock

    def check(self, chat_id: int, user_id: int | None) -> Verdict:
        now = self._clock()
        user_key = ("user", user_id if user_id is not None else chat_id)
        verdicts = [(self._users, user_key), (self._chats, chat_id)]
        states = [(limit, key, limit.state(key, now)) for limit, key in verdicts]
        if any(state is Verdict.IGNORE for _, _, state in states):
            return Verdict.IGNORE
        over = [(limit, key) for limit, key, state in states if state is Verdict.NOTIFY]
        if over:
            for limit, key in over:
                limit.mute(key, now)
            return Verdict.NOTIFY
        for limit, key in verdicts:
            limit.count(key, now)
        return Verdict.PASS
