"""The send policy on its own: what is retried, for how long, and what is not."""

from __future__ import annotations

import random
import time
from typing import Any

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.sending import BACKOFF_CAP, ResilientRequests, backoff, chat_is_gone, is_transient
from bot.throttling import Throttle, Verdict


class Flaky:
    """A Bot API call that fails with ``errors`` in turn, then succeeds."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls: list[float] = []

    async def __call__(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(time.monotonic())
        if self.errors:
            raise self.errors.pop(0)
        return {"ok": True}


async def send(limiter: ResilientRequests, call: Flaky, endpoint: str = "sendMessage") -> Any:
    data = {"chat_id": 42, "text": "x"}
    return await limiter.process_request(call, (), {}, endpoint, data, None)


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_429_waits_for_retry_after_then_succeeds() -> None:
    limiter = ResilientRequests(deadline=10, seed=1)
    call = Flaky(RetryAfter(1))
    assert await send(limiter, call) == {"ok": True}
    assert call.calls[1] - call.calls[0] >= 1.0
    assert limiter.retries == 1


async def test_transient_errors_back_off_then_succeed() -> None:
    limiter = ResilientRequests(deadline=10, seed=1)
    call = Flaky(NetworkError("Internal Server Error (500)"), TimedOut(), NetworkError("x"))
    assert await send(limiter, call) == {"ok": True}
    gaps = [b - a for a, b in zip(call.calls, call.calls[1:], strict=False)]
    assert len(gaps) == 3 and gaps[0] < gaps[2]  # exponential


async def test_permanent_errors_are_not_retried() -> None:
    for error in (Forbidden("bot was blocked by the user"), BadRequest("message is too long")):
        limiter = ResilientRequests(deadline=10, seed=1)
        call = Flaky(error)
        with pytest.raises(type(error)):
            await send(limiter, call)
        assert len(call.calls) == 1 and limiter.retries == 0


async def test_transient_errors_stop_at_the_deadline() -> None:
    limiter = ResilientRequests(deadline=1.5, seed=1)
    call = Flaky(*[NetworkError("Bad Gateway")] * 100)
    started = time.monotonic()
    with pytest.raises(NetworkError):
        await send(limiter, call)
    assert time.monotonic() - started <= 1.6
    assert 2 <= len(call.calls) < 100


def test_backoff_is_capped_and_jittered() -> None:
    rng = random.Random(5)
    waits = [backoff(n, rng) for n in range(12)]
    assert all(0 < w <= BACKOFF_CAP for w in waits)
    assert waits[-1] >= BACKOFF_CAP / 2
    assert len({round(w, 6) for w in waits[-4:]}) == 4  # jittered, not one fixed value


def test_error_kinds() -> None:
    assert is_transient(TimedOut()) and is_transient(NetworkError("Bad Gateway"))
    assert not is_transient(BadRequest("chat not found")) and not is_transient(Forbidden("x"))
    assert chat_is_gone(Forbidden("bot was kicked")) and chat_is_gone(BadRequest("Chat not found"))
    assert not chat_is_gone(BadRequest("message is too long"))


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_throttle_tells_a_flooder_once_then_ignores_until_the_window_passes() -> None:
    clock = Clock()
    throttle = Throttle(window=60, per_user=3, per_chat=5, clock=clock)
    group, flooder, other = -100, 1, 2
    verdicts = [throttle.check(group, flooder) for _ in range(6)]
    assert verdicts == [Verdict.PASS] * 3 + [Verdict.NOTIFY] + [Verdict.IGNORE] * 2
    assert throttle.check(group, other) is Verdict.PASS  # the group is still open
    clock.now += 61
    assert throttle.check(group, flooder) is Verdict.PASS


def test_throttle_per_chat_limit_mutes_the_chat() -> None:
    clock = Clock()
    throttle = Throttle(window=10, per_user=100, per_chat=4, clock=clock)
    verdicts = [throttle.check(-5, user) for user in range(6)]
    assert verdicts == [Verdict.PASS] * 4 + [Verdict.NOTIFY, Verdict.IGNORE]
    assert throttle.check(-6, 99) is Verdict.PASS  # other chats are unaffected


def test_throttle_off_when_limits_are_zero() -> None:
    throttle = Throttle(window=10, per_user=0, per_chat=0)
    assert {throttle.check(1, 1) for _ in range(1000)} == {Verdict.PASS}


def test_reliab_settings_load_and_reject_bad_values() -> None:
    from bot.config import ConfigError, load_settings

    base = {"TELEGRAM_BOT_TOKEN": "1:abc"}
    defaults = load_settings(base, env_file=None)
    assert (defaults.send_deadline, defaults.question_max_chars) == (60.0, 512)
    tuned = load_settings(
        {**base, "SEND_DEADLINE_SECONDS": "5", "THROTTLE_USER_LIMIT": "0"}, env_file=None
    )
    assert (tuned.send_deadline, tuned.throttle_user_limit) == (5.0, 0)
    for key, value in [
        ("SEND_DEADLINE_SECONDS", "soon"),
        ("THROTTLE_CHAT_LIMIT", "-1"),
        ("QUESTION_MAX_TERMS", "2.5"),
    ]:
        with pytest.raises(ConfigError, match=key):
            load_settings({**base, key: value}, env_file=None)
