"""End to end: the real Application, polling the Bot API stand-in, answering from the seeds.

Every scenario checks what the user sees (the stand-in validates it as Telegram would)
and what the query log recorded; the fixture then checks that nothing was rejected by
"Telegram", nothing was logged at ERROR and the token never reached a log record.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from bot import render, texts
from bot.app import BotApplication, build_application
from bot.config import Settings, load_settings
from bot.logsetup import NOISY_LOGGERS
from bot.services import Services
from retrieval.dates import parse_date
from tests.bot_fixtures import (
    ADMIN_ID,
    OUT_OF_CORPUS,
    QUERY_LOG_SECRET,
    SEEDS_DIR,
    TRADE_FIGURE,
    TRADE_QUESTION,
    bold_texts,
    log_rows,
    wait_rows,
)
from tests.botapi_standin import (
    DEFAULT_GROUP_ID,
    DEFAULT_SUPERGROUP_ID,
    DEFAULT_USER_ID,
    BotApiStandIn,
    Call,
    Faults,
    render_message_text,
)

OTHER_USER = 515151


@dataclass
class RunningBot:
    app: BotApplication
    standin: BotApiStandIn
    settings: Settings
    caplog: pytest.LogCaptureFixture
    expected_error_logs: list[str] = field(default_factory=list)
    expected_api_errors: list[int] = field(default_factory=list)  # codes "Telegram" sent

    @property
    def services(self) -> Services:
        found = next(v for v in self.app.bot_data.values() if isinstance(v, Services))
        return found

    @property
    def log_path(self) -> Path:
        return self.settings.query_log_path

    async def say(self, text: str, *, method: str = "sendMessage", **kwargs: Any) -> Call:
        """Send ``text`` as a user and return the bot's next ``method`` call."""
        mark = self.standin.mark()
        self.standin.send_text(text, **kwargs)
        return await self.standin.wait_for(method, after=mark, timeout=10)

    async def press(self, **kwargs: Any) -> tuple[Call, Call | None]:
        """Press a button; the bot's answerCallbackQuery and its edit, if it made one."""
        mark = self.standin.mark()
        query_id = self.standin.send_callback(**kwargs)["callback_query"]["id"]
        ack = await self.standin.wait_for(
            "answerCallbackQuery",
            lambda c: c.params["callback_query_id"] == query_id,
            after=mark,
        )
        edits = [c for c in self.standin.calls()[mark : ack.index] if c.method == "editMessageText"]
        return ack, edits[0] if edits else None

    async def rows(self, count: int) -> list[dict[str, Any]]:
        return await asyncio.to_thread(wait_rows, self.log_path, count)

    async def idle(self) -> None:
        """Wait until every update fetched so far is fully handled (handlers run
        concurrently, so a reply seen does not mean earlier updates are done)."""
        processor = self.app.update_processor
        for _ in range(500):
            if self.app.update_queue.empty() and processor.current_concurrent_updates == 0:
                await asyncio.sleep(0.05)
                if self.app.update_queue.empty() and processor.current_concurrent_updates == 0:
                    return
            await asyncio.sleep(0.01)
        raise AssertionError("the bot never became idle")

    async def quiet_after(self, mark: int, *, chat_type: str = "private", **kwargs: Any) -> None:
        """Prove the updates queued since ``mark`` got no answer: a /help sent after
        them is answered, every update is handled, and /help got the only reply."""
        chat_id = kwargs.get("chat_id")
        self.standin.send_text("/help", chat_type=chat_type, **kwargs)
        call = await self.standin.wait_for("sendMessage", after=mark, timeout=10)
        assert call.result["text"].startswith("Halo! Saya TanyaBerita")
        if chat_id is not None:
            assert call.params["chat_id"] == chat_id
        await self.idle()
        sent = [c.method for c in self.standin.calls()[mark:] if c.method != "getUpdates"]
        assert sent == ["sendMessage"], sent


@pytest.fixture(scope="module")
def index_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("index-cache")


@pytest.fixture
def standin() -> Iterator[BotApiStandIn]:
    with BotApiStandIn() as server:
        yield server


@pytest.fixture
def extra_env() -> dict[str, str]:
    """More settings for one test's bot (override with ``parametrize("extra_env", ...)``)."""
    return {}


@pytest.fixture
async def bot(
    standin: BotApiStandIn,
    tmp_path: Path,
    index_cache: Path,
    caplog: pytest.LogCaptureFixture,
    extra_env: dict[str, str],
) -> AsyncIterator[RunningBot]:
    caplog.set_level(logging.INFO)
    # As in production (bot.logsetup): the per-request HTTP loggers stay quiet.
    noisy = {name: logging.getLogger(name).level for name in NOISY_LOGGERS}
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": standin.token,
            "TELEGRAM_API_BASE_URL": standin.base_url,
            "QUERY_LOG_PATH": str(tmp_path / "queries.sqlite3"),
            "QUERY_LOG_SECRET": QUERY_LOG_SECRET,
            "SEEDS_DIR": str(SEEDS_DIR),
            "INDEX_CACHE_DIR": str(index_cache),
            "ADMIN_USER_IDS": str(ADMIN_ID),
            **extra_env,
        },
        env_file=None,
    )
    app = build_application(settings)
    running = RunningBot(app, standin, settings, caplog)
    await app.initialize()
    try:
        assert app.post_init is not None
        await app.post_init(app)  # run_polling's order: initialize, post_init, poll, start
        assert app.updater is not None
        # Every update kind, unlike production's allowed_updates: handlers must
        # ignore edits and channel posts on their own.
        await app.updater.start_polling(
            poll_interval=0, timeout=1, allowed_updates=Update.ALL_TYPES
        )
        await app.start()
        yield running
    finally:
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)
        for name, level in noisy.items():
            logging.getLogger(name).setLevel(level)
    assert [c.error_code for c in standin.errors()] == running.expected_api_errors
    records = [r for when in ("setup", "call", "teardown") for r in caplog.get_records(when)]
    errors = [r.getMessage() for r in records if r.levelno >= logging.ERROR]
    assert errors == running.expected_error_logs
    for record in records:
        assert standin.token not in record.getMessage()
        if record.exc_info:
            assert standin.token not in logging.Formatter().formatException(record.exc_info)


def entities_of(call: Call) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = call.result.get("entities", [])
    return result


def buttons(call: Call) -> list[dict[str, Any]]:
    markup = call.result.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def quoted_id(call: Call) -> int | None:
    reply = call.result.get("reply_to_message")
    return None if reply is None else int(reply["message_id"])


# --- questions -------------------------------------------------------------------


async def test_private_question_gets_cited_answer(bot: RunningBot) -> None:
    call = await bot.say(TRADE_QUESTION)
    text = call.result["text"]
    assert TRADE_FIGURE in text
    assert any(TRADE_FIGURE in b for b in bold_texts(text, entities_of(call)))
    assert "Republika" in text
    assert "17 Desember 2021" in text
    assert "China-Rusia Kompak Tolak Intervensi Barat" in text
    links = [e["url"] for e in entities_of(call) if e["type"] == "text_link"]
    assert links and links[0].startswith("https://www.republika.co.id/")
    assert [b["text"] for b in buttons(call)] == ["Hasil lain", "Baca artikel"]
    assert quoted_id(call) is None  # private chats need no quote
    (row,) = await bot.rows(1)
    assert row["command"] == "ask"
    assert row["query"] == TRADE_QUESTION
    assert row["answered"] == 1
    assert row["article_id"] == "003_8b1db099ec59a2e9"
    assert bot.services.retriever.hit(row["article_id"], row["paragraph"]).text in text
    assert row["rank"] == 0
    assert row["score"] > 0
    assert row["reply_message_id"] == call.result["message_id"]
    assert row["chat_type"] == "private"
    assert row["latency_ms"] > 0
    # Pseudonymous: neither the user id nor the private chat id is stored raw.
    assert str(DEFAULT_USER_ID) not in (row["user"], str(row["chat_id"]))


async def test_out_of_corpus_question_is_declined(bot: RunningBot) -> None:
    call = await bot.say(OUT_OF_CORPUS)
    text = call.result["text"]
    assert text.startswith(texts.DECLINE_HEAD)
    assert "/latest" in text
    assert not [e for e in entities_of(call) if e["type"] == "bold"]
    assert buttons(call) == []
    # The decline still helps: the closest articles the retriever considered, linked.
    found = bot.services.retriever.ask(OUT_OF_CORPUS)
    assert found.hits and not found.answered
    nearest = {h.article_id: h.source for h in found.hits}
    assert texts.DECLINE_NEAREST in text
    for source in list(nearest.values())[:3]:
        assert f"{source.title} ({source.outlet}, " in text
    links = {e["url"] for e in entities_of(call) if e["type"] == "text_link"}
    assert links == {s.url for s in list(nearest.values())[:3] if s.url}
    (row,) = await bot.rows(1)
    assert (row["command"], row["query"], row["answered"]) == ("ask", OUT_OF_CORPUS, 0)
    assert (row["outcome"], row["reason"]) == ("declined", found.reason)
    assert row["reason"]
    assert row["article_id"] is None
    assert row["paragraph"] is None


async def test_group_chatter_and_other_bots_are_ignored(bot: RunningBot) -> None:
    mark = bot.standin.mark()
    group: dict[str, Any] = {"chat_type": "group", "chat_id": DEFAULT_GROUP_ID}
    bot.standin.send_text("Ada yang tahu berapa perdagangan Rusia dan China?", **group)
    bot.standin.send_text("@OtherBot berapa perdagangan Rusia dan China?", **group)
    bot.standin.send_text("/latest@OtherBot", **group)
    bot.standin.send_text("/tanya@OtherBot perdagangan Rusia", **group)
    bot.standin.send_text("/entahlah", **group)  # unknown commands may be another bot's
    await bot.quiet_after(mark, **group)
    rows = await bot.rows(1)
    assert [r["command"] for r in rows] == ["help"]


async def test_group_mention_is_a_question(bot: RunningBot) -> None:
    question = "@TanyaBeritaBot, berapa nilai perdagangan bilateral Rusia dan China?"
    mark = bot.standin.mark()
    asked = bot.standin.send_text(question, chat_type="group")
    call = await bot.standin.wait_for("sendMessage", after=mark)
    assert TRADE_FIGURE in call.result["text"]
    assert quoted_id(call) == asked["message"]["message_id"]
    (row,) = await bot.rows(1)
    assert row["query"] == "berapa nilai perdagangan bilateral Rusia dan China?"
    assert row["chat_type"] == "group"
    assert row["chat_id"] == DEFAULT_GROUP_ID  # groups are not people: stored as is
    alone = await bot.say("@TanyaBeritaBot", chat_type="group")
    assert "@TanyaBeritaBot" in alone.result["text"]
    assert [r["command"] for r in await bot.rows(2)] == ["ask", "usage"]


async def test_reply_to_the_bot_in_a_group_is_a_question(bot: RunningBot) -> None:
    first = await bot.say("/tanya perdagangan bilateral Rusia China", chat_type="supergroup")
    assert TRADE_FIGURE in first.result["text"]
    follow_up = "Kapan Menteri Pertahanan China Li Shangfu bertemu Putin?"
    mark = bot.standin.mark()
    asked = bot.standin.send_text(
        follow_up, chat_type="supergroup", reply_to_message_id=first.result["message_id"]
    )
    call = await bot.standin.wait_for("sendMessage", after=mark)
    assert quoted_id(call) == asked["message"]["message_id"]
    assert "Tempo" in call.result["text"]
    assert "Li" in " ".join(bold_texts(call.result["text"], entities_of(call)))
    rows = await bot.rows(2)
    assert rows[1]["query"] == follow_up
    assert rows[1]["chat_id"] == DEFAULT_SUPERGROUP_ID


async def test_tanya_without_words_gets_a_usage_hint(bot: RunningBot) -> None:
    call = await bot.say("/tanya@TanyaBeritaBot", chat_type="group")
    assert call.result["text"].startswith("Tulis pertanyaan Anda")
    assert "/tanya " in call.result["text"]
    (row,) = await bot.rows(1)
    assert (row["command"], row["outcome"], row["answered"]) == ("usage", "command", 0)


# --- /latest --------------------------------------------------------------------


def listed_dates(text: str) -> list[Any]:
    dates = []
    for line in text.splitlines()[1:]:
        parsed = parse_date(line.split(" · ")[0])
        assert parsed is not None, line
        dates.append(parsed[0])
    return dates


async def test_latest_lists_newest_first(bot: RunningBot) -> None:
    call = await bot.say("/latest")
    lines = call.result["text"].splitlines()
    assert lines[0] == "5 berita terbaru"
    dates = listed_dates(call.result["text"])
    assert len(dates) == 5
    assert dates == sorted(dates, reverse=True)
    newest = bot.services.retriever.corpus.newest(5)
    assert newest[0].source.outlet in lines[1]
    assert newest[0].source.title in lines[1]
    links = [e["url"] for e in entities_of(call) if e["type"] == "text_link"]
    assert links == [a.source.url for a in newest if a.source.url]  # no URL, no link
    three = await bot.say("/latest 3")
    assert three.result["text"].splitlines()[1:] == lines[1:4]
    rows = await bot.rows(2)
    # Concurrent updates are logged as they finish, not always in arrival order.
    assert sorted((r["command"], r["query"], r["outcome"], str(r["reason"])) for r in rows) == [
        ("latest", "", "command", "None"),
        ("latest", "3", "command", "None"),
    ]


async def test_latest_addressed_in_groups(bot: RunningBot) -> None:
    mark = bot.standin.mark()
    asked = bot.standin.send_text("/latest@TanyaBeritaBot 2", chat_type="group")
    call = await bot.standin.wait_for("sendMessage", after=mark)
    assert call.result["text"].startswith("2 berita terbaru")
    assert quoted_id(call) == asked["message"]["message_id"]
    mark = bot.standin.mark()
    bot.standin.send_text("/latest@OtherBot", chat_type="group")
    await bot.quiet_after(mark, chat_type="group")
    assert [r["command"] for r in await bot.rows(2)] == ["latest", "help"]


@pytest.mark.parametrize("arg", ["abc", "0", "101", "-2", "3 4"])
async def test_latest_with_a_bad_count_gets_usage(bot: RunningBot, arg: str) -> None:
    call = await bot.say(f"/latest {arg}")
    assert call.result["text"].startswith("Pemakaian: /latest")
    (row,) = await bot.rows(1)
    assert (row["command"], row["query"], row["reason"]) == ("latest", arg, "usage")


# --- /sumber --------------------------------------------------------------------


async def test_sumber_as_reply_cites_that_answer(bot: RunningBot) -> None:
    answer = await bot.say(f"/tanya {TRADE_QUESTION}", chat_type="group")
    (asked,) = await bot.rows(1)
    call = await bot.say(
        "/sumber", chat_type="group", reply_to_message_id=answer.result["message_id"]
    )
    text = call.result["text"]
    article = bot.services.retriever.corpus.article(asked["article_id"])
    assert "Media: Republika" in text
    assert f"Judul: {article.source.title}" in text
    assert "Terbit: 17 Desember 2021, 02.05 WIB" in text
    assert f"Paragraf: ke-{asked['paragraph']}" in text
    assert f"Kantor berita yang dikutip: {', '.join(article.source.wires)}" in text
    assert article.source.wires  # the seed quotes wires, so the line above is not vacuous
    assert any(e.get("url") == article.source.url for e in entities_of(call))
    rows = await bot.rows(2)
    assert rows[1]["command"] == "sumber"
    assert (rows[1]["article_id"], rows[1]["paragraph"]) == (
        asked["article_id"],
        asked["paragraph"],
    )


async def test_sumber_on_a_bot_message_without_an_answer(bot: RunningBot) -> None:
    latest = await bot.say("/latest 1")
    declined = await bot.say(OUT_OF_CORPUS)
    for message in (latest, declined):
        call = await bot.say("/sumber", reply_to_message_id=message.result["message_id"])
        assert call.result["text"] == texts.SUMBER_NOT_AN_ANSWER
    rows = await bot.rows(4)
    assert [(r["command"], r["reason"]) for r in rows[2:]] == [("sumber", "not_an_answer")] * 2


async def test_sumber_alone_lists_sources_per_outlet(bot: RunningBot) -> None:
    call = await bot.say("/sumber")
    lines = call.result["text"].splitlines()
    outlets = {a.source.outlet for a in bot.services.retriever.corpus.articles}
    assert outlets >= {"Republika", "Tempo", "VOI", "kumparan"}
    for outlet in outlets:
        assert outlet in lines
    assert "• 17 Desember 2021 — China-Rusia Kompak Tolak Intervensi Barat" in lines
    bolded = bold_texts(call.result["text"], entities_of(call))
    assert set(bolded) >= outlets
    (row,) = await bot.rows(1)
    assert (row["command"], row["query"], row["reason"]) == ("sumber", "", None)


async def test_sumber_with_words_lists_related_articles(bot: RunningBot) -> None:
    call = await bot.say("/sumber senjata canggih")
    lines = call.result["text"].splitlines()
    assert lines[0] == "Artikel paling relevan untuk “senjata canggih”"
    assert "Rusia-China Kolaborasi Kembangkan Senjata Berteknologi Canggih" in lines[1]
    assert "Republika" in lines[1]
    (row,) = await bot.rows(1)
    assert (row["command"], row["query"], row["reason"]) == ("sumber", "senjata canggih", None)


# --- buttons ----------------------------------------------------------------------


async def test_more_results_edits_in_place_and_sumber_follows(bot: RunningBot) -> None:
    answer = await bot.say(TRADE_QUESTION)
    message_id = answer.result["message_id"]
    first_text = answer.result["text"]
    (more_button,) = [b for b in buttons(answer) if b["text"] == "Hasil lain"]
    ack, edit = await bot.press(message_id=message_id, data=more_button["callback_data"])
    assert edit is not None
    assert not ack.params.get("text")
    assert edit.params["message_id"] == message_id
    text = edit.result["text"]
    assert text.startswith("Hasil lain 2 dari 5")
    assert text != first_text
    rows = await bot.rows(2)
    more = rows[1]
    assert (more["command"], more["rank"], more["query"]) == ("more", 1, TRADE_QUESTION)
    assert more["reply_message_id"] == message_id
    assert (more["article_id"], more["paragraph"]) != (rows[0]["article_id"], rows[0]["paragraph"])
    shown = bot.services.retriever.hit(more["article_id"], more["paragraph"])
    assert shown.text[:40] in text
    # /sumber on that message now cites what it shows, not the first answer.
    cite = await bot.say("/sumber", reply_to_message_id=message_id)
    assert f"Paragraf: ke-{more['paragraph']}" in cite.result["text"]
    assert f"Media: {shown.source.outlet}" in cite.result["text"]
    # Pressing on to the end: the last candidate, then a notice instead of an edit.
    for rank in range(2, 5):
        ack, edit = await bot.press(message_id=message_id, data=render.more_callback_data(rank))
        assert edit is not None
        assert edit.result["text"].startswith(f"Hasil lain {rank + 1} dari 5")
        assert not ack.params.get("text")
        # The last result has no "Hasil lain" button.
        assert ("Hasil lain" in [b["text"] for b in buttons(edit)]) is (rank < 4)
    ack, edit = await bot.press(message_id=message_id, data=render.more_callback_data(5))
    assert ack.params["text"] == texts.NO_MORE_RESULTS
    assert edit is None
    assert [r["rank"] for r in await bot.rows(6) if r["command"] == "more"] == [1, 2, 3, 4]


async def test_forged_stale_and_foreign_callbacks_get_a_notice(bot: RunningBot) -> None:
    answer = await bot.say(TRADE_QUESTION)
    help_message = await bot.say("/help")
    group_answer = await bot.say(f"/tanya {TRADE_QUESTION}", chat_type="group")
    presses = [
        {"message_id": 9999, "data": "more:1"},  # a message the bot never sent
        {"message_id": answer.result["message_id"], "data": "more:1:999999999999"},
        {"message_id": answer.result["message_id"], "data": "drop table"},
        {"message_id": answer.result["message_id"], "data": "more:0"},
        {"message_id": help_message.result["message_id"], "data": "more:1"},  # no answer there
        # A group message that is not the bot's answer (the question itself).
        {"chat_id": DEFAULT_GROUP_ID, "chat_type": "group", "message_id": 1, "data": "more:1"},
        # The group's answer exists, but not under that id in the private chat.
        {"message_id": group_answer.result["message_id"] + 100, "data": "more:1"},
    ]
    await bot.rows(3)
    for press in presses:
        ack, edit = await bot.press(**press)
        assert ack.params.get("text") == texts.STALE_BUTTON, press
        assert edit is None
    assert bot.standin.calls("editMessageText") == []
    assert [r["command"] for r in await bot.rows(3)] == ["ask", "help", "ask"]


# --- inline mode -------------------------------------------------------------------


async def test_inline_query_answers_with_rendered_results(bot: RunningBot) -> None:
    mark = bot.standin.mark()
    bot.standin.send_inline_query("perdagangan bilateral Rusia China")
    call = await bot.standin.wait_for("answerInlineQuery", after=mark)
    results = call.params["results"]
    assert 1 <= len(results) <= 5
    for result in results:
        content = result["input_message_content"]
        assert content["parse_mode"] == "HTML"
        text, _ = render_message_text(content["message_text"], content["parse_mode"])
        assert text.startswith("❓ perdagangan bilateral Rusia China")
        assert result["title"]
        assert result["description"]
    assert TRADE_FIGURE in results[0]["input_message_content"]["message_text"]
    assert results[0]["title"] == "China-Rusia Kompak Tolak Intervensi Barat"
    (row,) = await bot.rows(1)
    assert (row["command"], row["chat_type"], row["answered"]) == ("inline", "inline", 1)
    assert row["query"] == "perdagangan bilateral Rusia China"


async def test_inline_query_empty_or_unanswerable(bot: RunningBot) -> None:
    for query in ("", "   ", OUT_OF_CORPUS):
        mark = bot.standin.mark()
        bot.standin.send_inline_query(query)
        call = await bot.standin.wait_for("answerInlineQuery", after=mark)
        assert call.params["results"] == []
        assert call.params["button"]["start_parameter"] == "help"
    (row,) = await bot.rows(1)  # only the real question is logged
    assert (row["query"], row["answered"]) == (OUT_OF_CORPUS, 0)


# --- hostile input, ignored updates, commands ---------------------------------------------


HOSTILE = [
    "<b>tebal</b> & <script>alert('x')</script> perdagangan Rusia China?",
    "'; DROP TABLE queries; -- berapa perdagangan bilateral?",
    "Robert'); DELETE FROM queries WHERE 1=1; --",
    "😀🇮🇩👍🏽 perdagangan bilateral Rusia 中国 𝕏?",
    "Rusia\u202e China\u202c\u200f \x07\x1b[31m perdagangan\x00?",
    "perdagangan bilateral Rusia dan China " * 107 + "x" * (4096 - 38 * 107),
    "&amp; &lt; &#0; &#x110000; </a> <a href='javascript:alert(1)'>",
]


async def test_hostile_input_gets_valid_replies_and_is_logged_verbatim(bot: RunningBot) -> None:
    assert len(HOSTILE[5]) == 4096
    for i, text in enumerate(HOSTILE):
        call = await bot.say(text)
        assert call.result["text"]
        (row,) = (await bot.rows(i + 1))[i:]
        assert row["query"] == text
        assert row["reply_message_id"] == call.result["message_id"]
    group = await bot.say("@TanyaBeritaBot " + HOSTILE[0], chat_type="group")
    assert quoted_id(group) is not None
    rows = await bot.rows(len(HOSTILE) + 1)
    assert rows[-1]["query"] == HOSTILE[0]


async def test_stickers_edits_and_channel_posts_are_ignored(bot: RunningBot) -> None:
    await bot.say(TRADE_QUESTION)
    await bot.rows(1)
    mark = bot.standin.mark()
    bot.standin.send_sticker()
    bot.standin.send_sticker(chat_type="group")
    bot.standin.send_edited_message("Siapa Xi Jinping?")
    bot.standin.send_channel_post("/latest")
    bot.standin.send_channel_post("@TanyaBeritaBot berapa perdagangan Rusia China?")
    await bot.quiet_after(mark)
    assert [r["command"] for r in await bot.rows(2)] == ["ask", "help"]


async def test_start_and_help(bot: RunningBot) -> None:
    private = await bot.say("/start")
    text = private.result["text"]
    examples = bot.services.examples
    assert examples  # derived from the loaded corpus's titles
    for needed in ("/tanya", "/latest", "/sumber", "/help", *examples):
        assert needed in text
    assert "cukup kirim pertanyaan" in text
    group = await bot.say("/help@TanyaBeritaBot", chat_type="group")
    assert "sebut @TanyaBeritaBot dalam pesan" in group.result["text"]
    rows = await bot.rows(2)
    assert [(r["command"], r["outcome"]) for r in rows] == [
        ("start", "command"),
        ("help", "command"),
    ]


async def test_help_examples_are_answered(bot: RunningBot) -> None:
    titles = {a.source.title for a in bot.services.retriever.corpus.articles}
    assert bot.services.examples
    for i, question in enumerate(bot.services.examples):
        assert any(title and title in question for title in titles)
        call = await bot.say(question)
        assert bold_texts(call.result["text"], entities_of(call)), question
        row = (await bot.rows(i + 1))[i]
        assert (row["query"], row["answered"]) == (question, 1)


async def test_unknown_private_command_gets_a_hint(bot: RunningBot) -> None:
    call = await bot.say("/apaini")
    assert call.result["text"] == texts.UNKNOWN_COMMAND
    (row,) = await bot.rows(1)
    assert (row["command"], row["query"]) == ("unknown", "/apaini")


async def test_stats_for_admins_only(bot: RunningBot) -> None:
    await bot.say(TRADE_QUESTION, user_id=OTHER_USER)
    await bot.say(OUT_OF_CORPUS, user_id=OTHER_USER)
    refused = await bot.say("/stats", user_id=OTHER_USER)
    assert refused.result["text"] == texts.NOT_ADMIN
    in_group = await bot.say("/stats", chat_type="group", user_id=ADMIN_ID)
    assert in_group.result["text"] == texts.STATS_PRIVATE_ONLY
    call = await bot.say("/stats", user_id=ADMIN_ID)
    text = call.result["text"]
    assert text.startswith("Statistik TanyaBerita")
    assert "Terjawab: 1 dari 2 (50%)" in text
    assert "Pengguna unik: 2" in text
    assert TRADE_QUESTION.casefold() in text
    unanswered = text.split("Belum terjawab (terbaru)\n", 1)[1]
    assert OUT_OF_CORPUS in unanswered
    assert TRADE_QUESTION not in unanswered
    rows = await bot.rows(5)
    assert [(r["command"], r["reason"]) for r in rows[2:]] == [
        ("stats", "not_admin"),
        ("stats", "private_only"),
        ("stats", None),
    ]


async def test_command_menus_are_set(bot: RunningBot) -> None:
    private = bot.standin.commands({"type": "all_private_chats"})
    groups = bot.standin.commands({"type": "all_group_chats"})
    assert [c["command"] for c in private] == ["tanya", "latest", "sumber", "help"]
    assert [c["command"] for c in groups] == ["tanya", "latest", "sumber", "help"]


# --- failures -------------------------------------------------------------------------


async def test_a_broken_query_log_never_blocks_the_reply(bot: RunningBot) -> None:
    await bot.services.querylog.close()  # every write now fails inside the log
    call = await bot.say(TRADE_QUESTION)
    assert TRADE_FIGURE in call.result["text"]
    follow = await bot.say("/latest 1")  # the bot is still serving
    assert follow.result["text"].startswith("Berita terbaru")
    expected = [
        "query log: could not record a 'ask' row",
        "query log: could not record a 'latest' row",
    ]
    await bot.idle()  # the failed writes are logged after the replies went out
    bot.expected_error_logs = expected
    assert log_rows(bot.log_path) == []


async def test_a_failing_handler_apologises(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(query: str, k: int = 5) -> None:
        raise RuntimeError(f"index exploded near {bot.standin.base_url}")

    monkeypatch.setattr(bot.services.retriever, "ask", explode)
    call = await bot.say(TRADE_QUESTION)
    assert call.result["text"] == texts.ERROR_MESSAGE
    group = await bot.say("/tanya apa saja", chat_type="group")
    assert group.result["text"] == texts.ERROR_MESSAGE
    bot.expected_error_logs = ["error while handling an update"] * 2


# --- faults: sends that survive, one row per question ------------------------------------


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's RetryAfter
async def test_429_and_server_errors_are_retried_for_answers(bot: RunningBot) -> None:
    bot.standin.inject_error("sendMessage", code=429, retry_after=1)
    bot.standin.inject_error("sendMessage", code=500)
    call = await bot.say(TRADE_QUESTION)
    assert TRADE_FIGURE in call.result["text"]
    failed = [c for c in bot.standin.calls("sendMessage") if not c.ok]
    assert [c.error_code for c in failed] == [429, 500]
    # The retry after the 429 waited for its retry_after.
    assert bot.standin.calls("sendMessage")[1].time - failed[0].time >= 1.0
    (row,) = await bot.rows(1)
    assert (row["outcome"], row["answered"]) == ("answered", 1)
    assert row["reply_message_id"] == call.result["message_id"]
    assert len(bot.standin.bot_messages()) == 1


async def test_a_dropped_connection_is_retried(bot: RunningBot) -> None:
    bot.standin.set_faults("sendMessage", Faults(drop=1.0))
    mark = bot.standin.mark()
    bot.standin.send_text(TRADE_QUESTION)
    await bot.standin.wait_for(
        "sendMessage", lambda c: c.fault == "drop", after=mark, include_errors=True
    )
    bot.standin.set_faults("sendMessage", None)
    call = await bot.standin.wait_for("sendMessage", after=mark)
    assert TRADE_FIGURE in call.result["text"]
    (row,) = await bot.rows(1)
    assert row["outcome"] == "answered"


@pytest.mark.parametrize("extra_env", [{"SEND_DEADLINE_SECONDS": "2"}])
async def test_a_send_failing_past_the_deadline_still_gets_its_row(bot: RunningBot) -> None:
    bot.standin.inject_error("sendMessage", code=500, count=1000)
    bot.standin.send_text(TRADE_QUESTION)
    (row,) = await bot.rows(1)
    assert (row["outcome"], row["reason"], row["answered"]) == ("send_failed", "NetworkError", 0)
    assert row["article_id"]  # what it would have shown
    assert row["reply_message_id"] is None
    attempts = bot.standin.calls("sendMessage")
    assert len(attempts) >= 2 and attempts[-1].time - attempts[0].time <= 2.5


async def test_a_slow_bot_api_still_gets_one_reply_and_its_row(bot: RunningBot) -> None:
    # Slower than PTB's default 5 s read timeout: waited for, not sent twice.
    bot.standin.set_faults("sendMessage", Faults(slow=1.0, delay=(6.0, 6.0)))
    bot.standin.send_text(TRADE_QUESTION)
    (row,) = await asyncio.to_thread(wait_rows, bot.log_path, 1, within=20)
    assert row["outcome"] == "answered"
    assert row["latency_ms"] >= 6000
    assert len(bot.standin.bot_messages()) == 1


async def test_a_blocked_chat_fails_once_and_later_work_is_skipped(bot: RunningBot) -> None:
    bot.standin.set_blocked(OTHER_USER)
    bot.standin.send_text(TRADE_QUESTION, user_id=OTHER_USER)
    (row,) = await bot.rows(1)
    assert (row["outcome"], row["reason"]) == ("send_failed", "Forbidden")
    assert len(bot.standin.calls("sendMessage")) == 1  # a 403 is never retried
    bot.standin.send_text(OUT_OF_CORPUS, user_id=OTHER_USER)
    rows = await bot.rows(2)
    assert (rows[1]["outcome"], rows[1]["reason"]) == ("send_failed", "ChatUnreachable")
    assert len(bot.standin.calls("sendMessage")) == 1  # skipped: no second attempt
    warnings = [r.getMessage() for r in bot.caplog.records if "could not reply" in r.getMessage()]
    assert len(warnings) == 1
    assert str(OTHER_USER) not in warnings[0]
    # Unblocked, the user presses Start: the chat is reachable again.
    bot.standin.set_blocked(OTHER_USER, False)
    bot.expected_api_errors = [403]
    call = await bot.say("/start", user_id=OTHER_USER)
    assert call.result["text"].startswith("Halo!")
    again = await bot.say(TRADE_QUESTION, user_id=OTHER_USER)
    assert TRADE_FIGURE in again.result["text"]


async def test_one_slow_question_does_not_stall_other_chats(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    retriever = bot.services.retriever
    real_ask = retriever.ask
    release = asyncio.Event()
    loop = asyncio.get_running_loop()

    def slow_ask(query: str, k: int = 5) -> Any:
        if query == OUT_OF_CORPUS:  # held until the other chat has its answer
            asyncio.run_coroutine_threadsafe(release.wait(), loop).result(timeout=10)
        return real_ask(query, k)

    monkeypatch.setattr(retriever, "ask", slow_ask)
    mark = bot.standin.mark()
    bot.standin.send_text(OUT_OF_CORPUS, user_id=OTHER_USER)
    fast = await bot.say(TRADE_QUESTION)
    assert TRADE_FIGURE in fast.result["text"]
    assert not [
        c for c in bot.standin.calls("sendMessage")[mark:] if c.params["chat_id"] == OTHER_USER
    ]
    release.set()
    slow = await bot.standin.wait_for("sendMessage", lambda c: c.params["chat_id"] == OTHER_USER)
    assert slow.result["text"].startswith(texts.DECLINE_HEAD)
    await bot.rows(2)


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's RetryAfter
async def test_the_apology_waits_out_a_429(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(query: str, k: int = 5) -> None:
        raise RuntimeError("index exploded")

    monkeypatch.setattr(bot.services.retriever, "ask", explode)
    bot.standin.inject_error("sendMessage", code=429, retry_after=1)
    call = await bot.say(TRADE_QUESTION)
    assert call.result["text"] == texts.ERROR_MESSAGE
    (row,) = await bot.rows(1)
    assert (row["outcome"], row["reason"]) == ("error", "RuntimeError")
    bot.expected_error_logs = ["error while handling an update"]


async def test_the_error_handler_never_raises(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(query: str, k: int = 5) -> None:
        raise RuntimeError("index exploded")

    async def broken_send(*args: Any, **kwargs: Any) -> None:
        raise ValueError("not a TelegramError")

    monkeypatch.setattr(bot.services.retriever, "ask", explode)
    monkeypatch.setattr(type(bot.app.bot), "send_message", broken_send)
    bot.standin.send_text(TRADE_QUESTION)
    await bot.rows(1)
    await bot.idle()
    messages = [r.getMessage() for r in bot.caplog.records]
    assert any("could not tell the user about the error: ValueError" in m for m in messages)
    bot.expected_error_logs = ["error while handling an update"]


# --- flood control, long questions, small edges -------------------------------------------


@pytest.mark.parametrize("extra_env", [{"THROTTLE_USER_LIMIT": "3"}])
async def test_a_flooding_user_is_told_once_and_others_are_unaffected(bot: RunningBot) -> None:
    group: dict[str, Any] = {"chat_type": "group", "chat_id": DEFAULT_GROUP_ID}
    for _ in range(6):
        bot.standin.send_text(f"/tanya {TRADE_QUESTION}", **group)
    asked = bot.standin.send_text(f"/tanya {TRADE_QUESTION}", user_id=OTHER_USER, **group)
    other = await bot.standin.wait_for(
        "sendMessage", lambda c: quoted_id(c) == asked["message"]["message_id"]
    )
    assert TRADE_FIGURE in other.result["text"]
    rows = await bot.rows(7)
    await bot.idle()
    texts_sent = [c.result["text"] for c in bot.standin.calls("sendMessage")]
    assert texts_sent.count(texts.SLOW_DOWN) == 1
    assert sum(TRADE_FIGURE in t for t in texts_sent) == 4  # three for the flooder, one other
    outcomes = sorted(r["outcome"] for r in rows)
    assert outcomes == ["answered"] * 4 + ["throttled"] * 3


async def test_a_long_question_is_cut_politely_and_logged_whole(bot: RunningBot) -> None:
    question = TRADE_QUESTION + " " + "lorem ipsum dolor " * 60
    call = await bot.say(question)
    text = call.result["text"]
    assert f"{bot.settings.question_max_chars} karakter pertamanya" in text
    (row,) = await bot.rows(1)
    assert row["query"] == question
    assert row["outcome"] == "too_long"


async def test_sumber_replying_to_someone_else_says_so(bot: RunningBot) -> None:
    mark = bot.standin.mark()
    human = bot.standin.send_text("pesan biasa", chat_type="group", user_id=OTHER_USER)
    await bot.quiet_after(mark, chat_type="group")
    call = await bot.say(
        "/sumber", chat_type="group", reply_to_message_id=human["message"]["message_id"]
    )
    assert call.result["text"] == texts.SUMBER_NOT_THE_BOTS
