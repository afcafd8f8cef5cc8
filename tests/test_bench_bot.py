"""The bot benchmark's closed loop: every question answered once, never more
open at a time than asked, each open question in its own chat."""

from __future__ import annotations

import queue
import time
from typing import Any

from bench.bot_throughput import drive


class InstantBot:
    """Answers each question at once; records how many were open at a time."""

    def __init__(self) -> None:
        self.replies: queue.Queue[tuple[int, float]] = queue.Queue()
        self.open: set[int] = set()
        self.most_open = 0
        self.asked: list[tuple[int, str]] = []

    def send_text(self, text: str, *, user_id: int, first_name: str) -> dict[str, Any]:
        assert user_id not in self.open  # one open question per chat
        self.open.add(user_id)
        self.most_open = max(self.most_open, len(self.open))
        self.asked.append((user_id, text))
        return {}

    def answer_one(self) -> None:
        chat = min(self.open)
        self.open.discard(chat)
        self.replies.put((chat, time.perf_counter()))


class Relay(InstantBot):
    """Answers in bursts, once 4 questions are open (or the last one came)."""

    def __init__(self, total: int) -> None:
        super().__init__()
        self.total = total

    def send_text(self, text: str, *, user_id: int, first_name: str) -> dict[str, Any]:
        result = super().send_text(text, user_id=user_id, first_name=first_name)
        if len(self.open) == 4 or len(self.asked) == self.total:
            while self.open:
                self.answer_one()
        return result


def test_closed_loop_answers_all_questions_with_bounded_concurrency() -> None:
    bot = Relay(50)
    answered, seconds, latencies, error = drive(
        bot, ["satu?", "dua?", "tiga?"], 50, concurrency=4, chats=7, timeout=5
    )
    assert error is None
    assert answered == len(latencies) == 50 and seconds < 5
    assert len(bot.asked) == 50 and bot.most_open == 4
    assert [q for _, q in bot.asked[:4]] == ["satu?", "dua?", "tiga?", "satu?"]
    assert len({chat for chat, _ in bot.asked}) == 7  # rotates through every chat


def test_a_silent_bot_times_out_with_a_message() -> None:
    answered, _, _, error = drive(InstantBot(), ["satu?"], 3, concurrency=2, chats=5, timeout=0.2)
    assert answered == 0 and error is not None and "timeout" in error


class Echo(InstantBot):
    """Answers each question as soon as it is asked."""

    def send_text(self, text: str, *, user_id: int, first_name: str) -> dict[str, Any]:
        result = super().send_text(text, user_id=user_id, first_name=first_name)
        self.open.discard(user_id)
        self.replies.put((user_id, time.perf_counter()))
        return result


def test_open_loop_asks_at_the_given_rate_whatever_the_answers() -> None:
    bot = Echo()
    answered, seconds, latencies, error = drive(
        bot, ["satu?", "dua?"], 40, concurrency=1, chats=5, timeout=10, rate=200
    )
    assert error is None and answered == len(latencies) == len(bot.asked) == 40
    assert 40 / 200 * 0.3 < seconds < 40 / 200 * 4  # paced by the arrivals, not the answers


def test_open_loop_stops_when_every_chat_waits() -> None:
    answered, _, _, error = drive(
        InstantBot(), ["satu?"], 10, concurrency=1, chats=3, timeout=5, rate=1000
    )
    assert answered == 0 and error is not None and "3 questions open" in error
