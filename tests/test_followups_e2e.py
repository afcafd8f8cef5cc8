"""Follow-up questions through the Bot API stand-in and PTB's real polling path.

A reply to one of the bot's answers (private chat or group), or an elliptical
private message within FOLLOWUP_WINDOW_MINUTES of the last answer, is asked in
that answer's context; its query-log row names the earlier row (context_id).
Expectations come from the seeds via the bot's own retriever: each test first
checks that the plain reading of the follow-up differs from the contextual one,
so it fails if the context is dropped.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot import render
from bot.followups import FollowUps
from retrieval.followup import FollowUp
from tests import test_bot_e2e as e2e
from tests.bot_fixtures import TRADE_FIGURE
from tests.botapi_standin import Call
from tests.test_bot_e2e import RunningBot

# The running bot of the end-to-end suite (one fixture, one place).
bot, standin, index_cache, extra_env = e2e.bot, e2e.standin, e2e.index_cache, e2e.extra_env

TRADE = "Berapa nilai perdagangan Rusia dan China?"
WHEN_2023 = "kalau tahun 2023?"
WHO_SAID = "siapa yang mengatakannya?"


async def ask_trade(bot: RunningBot, **where: Any) -> tuple[Call, dict[str, Any]]:
    """The trade question, answered (in groups as /tanya); its reply and its log row."""
    before = len(await bot.rows(0))
    mark = bot.standin.mark()
    group = where.get("chat_type", "private") != "private"
    bot.standin.send_text(f"/tanya {TRADE}" if group else TRADE, **where)
    call = await bot.standin.wait_for("sendMessage", after=mark)
    assert TRADE_FIGURE in call.result["text"]
    await bot.idle()
    rows = await bot.rows(before + 1)
    return call, rows[-1]


async def follow_up(
    bot: RunningBot, text: str, *, reply_to: Call | None = None, **where: Any
) -> tuple[Call, dict[str, Any]]:
    """Send ``text`` (as a reply to ``reply_to``); the bot's reply and its row."""
    before = len(await bot.rows(0))
    mark = bot.standin.mark()
    reply_id = reply_to.result["message_id"] if reply_to is not None else None
    bot.standin.send_text(text, reply_to_message_id=reply_id, **where)
    call = await bot.standin.wait_for("sendMessage", after=mark)
    await bot.idle()
    rows = await bot.rows(before + 1)
    return call, rows[-1]


def title_of(bot: RunningBot, article_id: str) -> str:
    title = bot.services.retriever.corpus.article(article_id).source.title
    assert title
    return title


def plain(bot: RunningBot, text: str, context: FollowUp | None = None) -> str | None:
    """Where the archive's answer to ``text`` is ("article#paragraph"), or None."""
    best = bot.services.retriever.ask(text, 5, context).best
    return None if best is None else f"{best.article_id}#{best.paragraph}"


def where(row: dict[str, Any]) -> str:
    return f"{row['article_id']}#{row['paragraph']}"


@pytest.mark.parametrize("chat_type", ["private", "supergroup"])
async def test_a_reply_to_an_answer_is_read_in_its_context(bot: RunningBot, chat_type: str) -> None:
    answer, first = await ask_trade(bot, chat_type=chat_type)
    trade = FollowUp(TRADE, first["article_id"])
    # Alone, "kalau tahun 2023?" has no subject: it is declined, not answered
    # with whatever mentions 2023.
    assert plain(bot, WHEN_2023) is None

    call, row = await follow_up(bot, WHEN_2023, reply_to=answer, chat_type=chat_type)
    text = call.result["text"]
    assert row["context_id"] == first["id"]
    # In context: the archive has the trade of 2021 only. The bot says what it did
    # not find and names the trade article first, rather than answer another topic.
    assert (row["outcome"], row["reason"]) == ("declined", "missing-term")
    assert "2023" in text
    closest = text.split("Artikel terdekat:", 1)[1]
    assert closest.lstrip("\n• ").startswith(title_of(bot, first["article_id"]))

    # "Who said it?" alone finds some other quote; as a reply, the trade paragraph.
    assert plain(bot, WHO_SAID) != where(first) == plain(bot, WHO_SAID, trade)
    call, row = await follow_up(bot, WHO_SAID, reply_to=answer, chat_type=chat_type)
    assert row["context_id"] == first["id"]
    assert (row["outcome"], where(row)) == ("answered", where(first))
    assert TRADE_FIGURE in call.result["text"]
    # A question with a subject of its own is a new question, even as a reply.
    own = "Kapan Putin bertemu Menteri Pertahanan China Li Shangfu?"
    _, row = await follow_up(bot, own, reply_to=answer, chat_type=chat_type)
    assert row["context_id"] is None and where(row) == plain(bot, own)


async def test_a_private_follow_up_within_the_window_needs_no_reply(bot: RunningBot) -> None:
    _, first = await ask_trade(bot)
    call, row = await follow_up(bot, WHO_SAID)
    assert row["context_id"] == first["id"]
    assert where(row) == where(first) and TRADE_FIGURE in call.result["text"]
    # A question with its own subject is not a follow-up.
    _, row = await follow_up(bot, "Kapan Putin bertemu Menteri Pertahanan China Li Shangfu?")
    assert row["context_id"] is None and row["article_id"] != first["article_id"]


async def test_after_the_window_only_a_reply_carries_context(bot: RunningBot) -> None:
    answer, first = await ask_trade(bot)
    followups = bot.services.followups
    assert followups.window == 10 * 60  # FOLLOWUP_WINDOW_MINUTES' default
    clock = followups.clock
    followups.clock = lambda: clock() + followups.window + 1  # eleven minutes later
    _, row = await follow_up(bot, WHEN_2023)
    assert row["context_id"] is None
    assert (row["outcome"], row["reason"]) == ("declined", "no-subject")
    # An explicit reply is read in context at any age.
    _, row = await follow_up(bot, WHEN_2023, reply_to=answer)
    assert (row["context_id"], row["reason"]) == (first["id"], "missing-term")


async def test_in_a_group_only_a_reply_to_the_bot_carries_context(bot: RunningBot) -> None:
    await ask_trade(bot, chat_type="supergroup")
    # Addressed to the bot by name, but not a reply: a question of its own.
    _, row = await follow_up(bot, f"@TanyaBeritaBot {WHEN_2023}", chat_type="supergroup")
    assert row["context_id"] is None
    assert (row["outcome"], row["reason"]) == ("declined", "no-subject")
    # A reply to someone else's message that mentions the bot: no context either.
    human = bot.standin.send_text("Menarik sekali.", chat_type="supergroup", user_id=424242)
    mark = bot.standin.mark()
    bot.standin.send_text(
        f"@TanyaBeritaBot {WHO_SAID}",
        chat_type="supergroup",
        reply_to_message_id=human["message"]["message_id"],
    )
    await bot.standin.wait_for("sendMessage", after=mark)
    await bot.idle()
    rows = await bot.rows(3)
    assert rows[-1]["query"] == WHO_SAID and rows[-1]["context_id"] is None


async def test_context_outlives_memory_through_the_log(bot: RunningBot) -> None:
    """Memory keeps the last answer of a bounded number of chats; a reply to an
    older answer is still read in context, from the query log."""
    bot.services.followups.capacity = 1
    answer, first = await ask_trade(bot)
    await ask_trade(bot, chat_id=909090, user_id=909090)  # pushes the first chat out
    assert len(bot.services.followups) == 1
    _, row = await follow_up(bot, WHO_SAID)  # not a reply: nothing remembered
    assert row["context_id"] is None
    reply, row = await follow_up(bot, WHO_SAID, reply_to=answer)
    assert row["context_id"] == first["id"] and where(row) == where(first)
    # /sumber on the follow-up's answer cites what it showed: the trade article.
    cite, _ = await follow_up(bot, "/sumber", reply_to=reply)
    assert title_of(bot, first["article_id"]) in cite.result["text"]


@pytest.mark.parametrize("extra_env", [{"FOLLOWUP_WINDOW_MINUTES": "0"}])
async def test_a_zero_window_leaves_replies_only(bot: RunningBot) -> None:
    answer, first = await ask_trade(bot)
    assert isinstance(bot.services.followups, FollowUps) and bot.services.followups.window == 0
    _, row = await follow_up(bot, WHO_SAID)
    assert row["context_id"] is None
    _, row = await follow_up(bot, WHO_SAID, reply_to=answer)
    assert row["context_id"] == first["id"]


async def test_more_results_of_a_follow_up_keep_its_context(bot: RunningBot) -> None:
    answer, first = await ask_trade(bot)
    reply, row = await follow_up(bot, WHO_SAID, reply_to=answer)
    trade = FollowUp(TRADE, first["article_id"])
    retriever = bot.services.retriever
    in_context = [f"{h.article_id}#{h.paragraph}" for h in retriever.ask(WHO_SAID, 5, trade).hits]
    alone = [f"{h.article_id}#{h.paragraph}" for h in retriever.ask(WHO_SAID, 5).hits]
    assert len(in_context) > 2 and in_context[1:3] != alone[1:3]
    message_id = reply.result["message_id"]
    for rank in (1, 2):  # the second press starts from the first press's row
        _, edit = await bot.press(message_id=message_id, data=render.more_callback_data(rank))
        assert edit is not None
        await bot.idle()
        more = (await bot.rows(row["id"] + rank))[-1]
        assert (more["command"], more["rank"]) == ("more", rank)
        assert where(more) == in_context[rank]
