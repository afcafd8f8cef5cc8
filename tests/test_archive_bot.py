"""The bot takes new articles without a restart (issue #7 §3), end to end through
PTB's polling against the Bot API stand-in: the file watcher and /reload under a
stream of questions, /tambah with its preview buttons, and feed polling. Pages and
feeds come from the invented loopback site in ``tests/ingest_site.py``.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from bot import admin, feeds, reload, texts
from retrieval.dates import WIB
from retrieval.models import Article, Source
from tests import ingest_site
from tests import test_bot_e2e as e2e
from tests.bot_fixtures import ADMIN_ID, OUT_OF_CORPUS, TRADE_FIGURE, TRADE_QUESTION, log_rows
from tests.ingest_site import BERAS, Site
from tests.test_bot_e2e import RunningBot, buttons

# The running bot of the end-to-end suite (one fixture, one place).
bot, standin, index_cache = e2e.bot, e2e.standin, e2e.index_cache

OTHER_USER = 515151
ROTE_QUESTION = "Berapa panjang landasan bandara di Pulau Rote?"
ROTE_FIGURE = "2.100 meter"
BERAS_QUESTION = "Berapa harga beras medium di Pasar Induk Cipinang?"
BERAS_FIGURE = "Rp14.500"
BANJIR_QUESTION = "Berapa rumah yang terendam banjir di Kecamatan Sungai Lebar?"


@pytest.fixture(autouse=True)
def fast_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reload, "WATCH_INTERVAL", 0.3)
    monkeypatch.setattr(feeds, "FIRST_DELAY", 0.1)


@pytest.fixture
def site() -> Iterator[Site]:
    server: ThreadingHTTPServer
    server, found = ingest_site.start()
    try:
        yield found
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return tmp_path / "archive"


@pytest.fixture
def extra_env(archive: Path, site: Site, request: pytest.FixtureRequest) -> dict[str, str]:
    env = {"ARCHIVE_DIR": str(archive), "THROTTLE_USER_LIMIT": "0", "THROTTLE_CHAT_LIMIT": "0"}
    if "feed" in request.node.name:
        env["FEEDS"] = site.url("/feed.xml")
    return env


async def eventually(check: object, *, within: float = 60.0) -> None:
    """Wait until ``check()`` (a sync callable) is true (generous bound: a
    loaded machine extracts and indexes slowly; a passing run never waits it out)."""
    assert callable(check)
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, "the condition never became true"
        await asyncio.sleep(0.1)


def tomls(archive: Path) -> int:
    """How many articles the archive holds (each has one .toml)."""
    return len(list(archive.rglob("*.toml")))


def answers(bot: RunningBot, question: str, figure: str) -> bool:
    best = bot.services.retriever.ask(question, k=1).best
    return best is not None and figure in best.text


# --- the watcher and /reload ----------------------------------------------------------


async def test_reload_and_a_dropped_file_under_a_stream_of_questions(
    bot: RunningBot, archive: Path
) -> None:
    before = await bot.say(ROTE_QUESTION)
    assert ROTE_FIGURE not in before.result["text"]
    refused = await bot.say("/reload", user_id=OTHER_USER)
    assert refused.result["text"] == texts.ADMIN_ONLY
    swaps = bot.services.live.swaps

    questions = 200
    mark = bot.standin.mark()
    dropped = archive / "masuk" / "bandara-rote.txt"
    for i in range(questions):
        question = TRADE_QUESTION if i % 2 else OUT_OF_CORPUS
        bot.standin.send_text(question, chat_id=900_000 + i, user_id=900_000 + i)
        if i == 40:  # a full rebuild while the questions keep coming
            bot.standin.send_text("/reload", user_id=ADMIN_ID)
        if i == 80:  # and a file dropped in by hand (old enough to be read at once)
            dropped.parent.mkdir(parents=True)
            dropped.write_text(ingest_site.TEXT_ARTICLE, encoding="utf-8")
            os.utime(dropped, (time.time() - 60, time.time() - 60))
        if i % 20 == 0:
            await asyncio.sleep(0.05)

    def replied() -> list[dict[str, object]]:
        return [c.params for c in bot.standin.calls()[mark:] if c.method == "sendMessage"]

    await eventually(lambda: len(replied()) >= questions + 1, within=50)
    await bot.idle()
    sent = [c for c in bot.standin.calls()[mark:] if c.method == "sendMessage"]
    per_chat = Counter(int(c.params["chat_id"]) for c in sent)
    for i in range(questions):
        assert per_chat[900_000 + i] == 1, f"question {i} got {per_chat[900_000 + i]} replies"
        reply = next(c for c in sent if int(c.params["chat_id"]) == 900_000 + i)
        text = reply.result["text"]
        assert text != texts.ERROR_MESSAGE
        assert (TRADE_FIGURE in text) == bool(i % 2), text[:200]
    reloaded = next(c for c in sent if int(c.params["chat_id"]) == ADMIN_ID)
    assert reloaded.result["text"].startswith("Arsip sudah dimuat ulang")
    rows = [r for r in log_rows(bot.log_path) if r["command"] == "ask"]
    assert len(rows) == questions + 1  # and the first question
    assert all(r["outcome"] != "error" for r in rows)

    # The dropped text became an archive article (its .toml written, the original
    # tidied away), and the index was swapped without a restart.
    await eventually(lambda: answers(bot, ROTE_QUESTION, ROTE_FIGURE))
    assert bot.services.live.swaps > swaps
    assert not await asyncio.to_thread(dropped.exists)
    assert tomls(archive) == 1
    after = await bot.say(ROTE_QUESTION)
    assert ROTE_FIGURE in after.result["text"]


# --- /tambah ------------------------------------------------------------------------


async def test_tambah_previews_then_adds_a_page_that_is_answerable_at_once(
    bot: RunningBot, site: Site, archive: Path
) -> None:
    url = site.url("/berita/beras")
    refused = await bot.say(f"/tambah {url}", user_id=OTHER_USER)
    assert refused.result["text"] == texts.ADMIN_ONLY
    usage = await bot.say("/tambah", user_id=ADMIN_ID)
    assert usage.result["text"].startswith("Pemakaian: /tambah URL")
    missing = await bot.say(f"/tambah {site.url('/tidak-ada')}", user_id=ADMIN_ID)
    assert missing.result["text"].startswith("Maaf, halaman itu tidak bisa ditambahkan.")

    shown = await bot.say(f"/tambah {url}", user_id=ADMIN_ID)
    text = shown.result["text"]
    assert text.startswith("Pratinjau artikel")
    assert BERAS["title"] in text
    assert "Media: Kabar Nusantara" in text
    assert "18 Juni 2025" in text
    assert "Jumlah paragraf: " in text
    assert BERAS["paragraphs"][0][:60] in text
    assert tomls(archive) == 0  # nothing written before the admin confirms
    labels = [b["text"] for b in buttons(shown)]
    assert labels == ["Tambahkan", "Batal"]
    add, _ = (b["callback_data"] for b in buttons(shown))
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons(shown))
    where = {"message_id": shown.result["message_id"], "chat_id": ADMIN_ID}

    ack, edit = await bot.press(data=add, user_id=OTHER_USER, **where)  # not theirs
    assert ack.params.get("text") == texts.STALE_BUTTON and edit is None
    assert not answers(bot, BERAS_QUESTION, BERAS_FIGURE)

    ack, edit = await bot.press(data=add, user_id=ADMIN_ID, **where)
    assert edit is not None and edit.result["text"].startswith("Sudah ditambahkan ke arsip")
    assert tomls(archive) == 1
    answer = await bot.say(BERAS_QUESTION)
    assert BERAS_FIGURE in answer.result["text"]
    newest = await bot.say("/latest 1")
    assert BERAS["title"] in newest.result["text"]
    again, _ = await bot.press(data=add, user_id=ADMIN_ID, **where)  # used up
    assert again.params.get("text") == texts.STALE_BUTTON

    duplicate = await bot.say(f"/tambah {url}", user_id=ADMIN_ID)
    assert duplicate.result["text"].startswith("Artikel ini sudah ada di arsip")
    assert BERAS["title"] in duplicate.result["text"]

    other = await bot.say(f"/tambah {site.url('/berita/banjir')}", user_id=ADMIN_ID)
    cancel = buttons(other)[1]["callback_data"]
    _, edit = await bot.press(
        data=cancel, user_id=ADMIN_ID, message_id=other.result["message_id"], chat_id=ADMIN_ID
    )
    assert edit is not None and edit.result["text"] == texts.TAMBAH_CANCELLED
    assert tomls(archive) == 1
    assert not answers(bot, BANJIR_QUESTION, "412 rumah")


def test_callback_data_is_parsed_strictly() -> None:
    assert admin.parse_callback("tambah:ab12cd34:ok") == ("ab12cd34", True)
    assert admin.parse_callback("tambah:ab12cd34:no") == ("ab12cd34", False)
    for data in (None, "", "more:1", "tambah::ok", "tambah:ab12cd34:maybe"):
        assert admin.parse_callback(data) is None


# --- feeds --------------------------------------------------------------------------


async def test_feed_entries_become_answerable(bot: RunningBot, archive: Path) -> None:
    await eventually(lambda: tomls(archive) == 2)
    await eventually(lambda: answers(bot, BANJIR_QUESTION, "412 rumah"))
    # The two entries may join the index in two steps: wait for the second one too.
    await eventually(lambda: answers(bot, "Berapa magnitudo gempa di Pulau Seram?", "5,1"))
    answer = await bot.say("Berapa magnitudo gempa di Pulau Seram?")
    assert "5,1" in answer.result["text"]


# --- /stats -------------------------------------------------------------------------


async def test_stats_groups_unanswered_questions_and_sends_the_chart(bot: RunningBot) -> None:
    await bot.say(OUT_OF_CORPUS, user_id=OTHER_USER)
    await bot.say(f"  {OUT_OF_CORPUS.upper()} ")  # the same question, written differently
    await bot.say("Kapan gerhana matahari berikutnya?", user_id=OTHER_USER)
    await bot.say(TRADE_QUESTION)
    mark = bot.standin.mark()
    bot.standin.send_text("/stats", user_id=ADMIN_ID)
    photo = await bot.standin.wait_for("sendPhoto", after=mark, timeout=20)
    text_call = await bot.standin.wait_for("sendMessage", after=mark)
    assert text_call.index < photo.index  # the figures first, then the chart
    grouped = text_call.result["text"].split("Belum terjawab terbanyak", 1)[1]
    grouped = grouped.split("Belum terjawab (terbaru)", 1)[0]
    lines = [line for line in grouped.splitlines() if line[:1].isdigit()]
    assert lines[0] == f"1. {OUT_OF_CORPUS.casefold()} (2×)"
    assert any("gerhana" in line and "(1×)" in line for line in lines)
    assert not any("perdagangan" in line for line in lines)
    assert photo.params["chat_id"] == ADMIN_ID
    assert photo.result["photo"][0]["file_size"] > 1000
    assert photo.result["caption"] == texts.STATS_CHART_CAPTION


# --- /latest pages ------------------------------------------------------------------


def invented(n: int) -> Article:
    return Article(
        id=f"20990101-halaman-{n:04d}",
        path=Path(f"archive/halaman-{n}.txt"),
        source=Source(
            outlet="Kabar Nusantara",
            title=f"Berita Uji Halaman Nomor {n}",
            published=datetime(2099, 1, 1 + n, 8, 0, tzinfo=WIB),
            has_time=True,
            url=f"https://kabar.example/berita/{n}",
        ),
        provenance={},
        paragraphs=(f"Paragraf uji halaman nomor {n} tentang pasar ikan di Kota Contoh.",),
    )


async def test_help_examples_follow_the_index_after_a_swap(bot: RunningBot) -> None:
    before = bot.services.examples
    article = invented(28)  # newer than every article of the corpus
    question = texts.EXAMPLE_FROM_TITLE.format(title=article.source.title)
    assert question not in before
    live = bot.services.live
    live.swap(live.current.add_articles([article]))  # as a reload or /tambah does
    assert bot.services.retriever.ask(question, k=1).answered
    call = await bot.say("/help")
    assert question in call.result["text"]  # the newest article's title leads the examples
    assert bot.services.examples[0] == question


async def test_latest_pages_through_a_long_list_in_place(bot: RunningBot) -> None:
    live = bot.services.live
    live.swap(live.current.add_articles([invented(n) for n in range(1, 16)]))  # a swap, too
    newest = bot.services.retriever.corpus.newest(20)
    first = await bot.say("/latest 20")
    text = first.result["text"]
    assert text.splitlines()[0] == f"{len(newest)} berita terbaru (1–10)"
    assert newest[0].source.title in text and newest[10].source.title not in text
    assert [b["text"] for b in buttons(first)] == [texts.LATEST_NEXT]
    where = {"message_id": first.result["message_id"], "chat_id": first.params["chat_id"]}

    _, second = await bot.press(data=buttons(first)[0]["callback_data"], **where)
    assert second is not None and second.result["message_id"] == first.result["message_id"]
    lines = second.result["text"].splitlines()
    assert lines[0] == f"{len(newest)} berita terbaru (11–{len(newest)})"
    assert lines[1].startswith("11. ") and newest[10].source.title in lines[1]
    assert [b["text"] for b in buttons(second)] == [texts.LATEST_PREVIOUS]

    _, back = await bot.press(data=buttons(second)[0]["callback_data"], **where)
    assert back is not None and back.result["text"] == text
    short = await bot.say("/latest 3")
    assert buttons(short) == []
    forged, edit = await bot.press(data="latest:20:9", **where)
    assert forged.params.get("text") == texts.STALE_BUTTON and edit is None
