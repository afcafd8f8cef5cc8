"""Property tests over what users may type: any Unicode (control, zero-width and bidi
characters, escaped lone surrogates), lengths at and beyond Telegram's 4096, HTML,
Markdown and SQL metacharacters, thousands of repeated words.

For every text: retrieval never raises on what the bot gives it, every reply the bot
would send passes the stand-in's Telegram-HTML and length checks, and the query log
stores the text exactly."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import render
from bot.config import DEFAULT_QUESTION_MAX_CHARS, DEFAULT_QUESTION_MAX_TERMS
from bot.exchange import Exchange
from bot.handlers import render_found
from bot.querylog import QueryLog
from bot.services import cap_question
from retrieval import Retriever
from tests.bot_fixtures import parse_html

NASTY = (
    "\u200b", "\u200c", "\u200d", "\ufeff", "\u200e", "\u200f", "\u202a", "\u202e",
    "\u2066", "\u2069", "\x00", "\x07", "\x1b[31m", "\r\n", "\t", "\\ud800", "\\udfff",
    "<b>", "</a>", "<a href='javascript:x'>", "&amp;", "&#0;", "&#x110000;", "&lt", "*", "_",
    "`", "[x](http://a)", "~~", "||", "'; DROP TABLE queries;--", "\" OR 1=1 --", "%s", "{0}",
    "😀", "🇮🇩", "👍🏽", "𝕏", "中国", "ا", "Rusia", "China", "perdagangan", "?",
)  # fmt: skip
# Any code point a JSON update can carry: everything but lone surrogates (which
# appear above only in their escaped form).
ANY_CHAR = st.characters(exclude_categories=["Cs"])
PIECES = st.one_of(st.sampled_from(NASTY), st.text(ANY_CHAR, min_size=1, max_size=20))
MIXED = st.lists(PIECES, max_size=60).map("".join)
REPEATED = st.builds(
    lambda word, n: " ".join([word] * n),
    st.sampled_from(["Rusia", "perdagangan", "yang", "<b>", "x", "😀"]),
    st.integers(min_value=1000, max_value=3000),
)
AT_THE_LIMIT = st.builds(
    lambda head, n: (head + "perdagangan Rusia China " * 200)[:n],
    MIXED,
    st.integers(min_value=4090, max_value=4100),
)
MESSAGES = st.one_of(MIXED, st.text(ANY_CHAR, max_size=5000), REPEATED, AT_THE_LIMIT)

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture(scope="module")
def querylog(
    loop: asyncio.AbstractEventLoop, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[QueryLog]:
    path: Path = tmp_path_factory.mktemp("props") / "queries.sqlite3"
    log = loop.run_until_complete(QueryLog.open(path, secret=b"property-secret"))
    yield log
    loop.run_until_complete(log.close())


@PROPERTY
@given(text=MESSAGES)
def test_any_message_gets_a_valid_reply(retriever: Retriever, text: str) -> None:
    capped, cut = cap_question(text, DEFAULT_QUESTION_MAX_CHARS, DEFAULT_QUESTION_MAX_TERMS)
    assert len(capped) <= DEFAULT_QUESTION_MAX_CHARS
    assert len(capped.split()) <= DEFAULT_QUESTION_MAX_TERMS
    assert (cut is None) == (capped == text)
    found = retriever.ask(capped, k=5)  # must not raise
    note = render.cut_note(chars=DEFAULT_QUESTION_MAX_CHARS) if cut else ""
    reply, _ = render_found(found, note)
    parse_html(reply)  # Telegram's HTML rules and the 4096 limit
    for hit in found.hits[:2]:  # inline mode echoes the question above the answer
        parse_html(render.render_answer(hit, question=text))
    parse_html(render.render_decline(found))


@PROPERTY
@given(text=MESSAGES)
def test_the_log_stores_any_message_exactly(
    loop: asyncio.AbstractEventLoop, querylog: QueryLog, text: str
) -> None:
    ex = Exchange(command="ask", chat_id=-100, chat_type="group", user_id=7, query=text)
    ex.outcome = "declined"

    async def roundtrip() -> str | None:
        row_id = await querylog.record(ex.to_record())
        assert row_id is not None
        logged = await querylog.get(row_id)
        return None if logged is None else logged.query

    assert loop.run_until_complete(roundtrip()) == text
