"""The bot's Bot API transport (bot/transport.py) against the stand-in: what it sends
arrives as sent, and each way a call can fail surfaces as the PTB error the send
policy (bot/sending.py) classifies."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Iterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.sending import is_transient
from bot.transport import AiohttpRequest
from tests.botapi_standin import BotApiStandIn, Faults

CHAT = 5_000_001


@pytest.fixture
def standin() -> Iterator[BotApiStandIn]:
    with BotApiStandIn() as running:
        running.add_chat({"id": CHAT, "type": "private", "first_name": "Uji"})
        yield running


async def open_bot(base_url: str, token: str, *, read_timeout: float) -> Bot:
    bot = Bot(token, base_url=base_url, request=AiohttpRequest(read_timeout=read_timeout))
    await bot.initialize()
    return bot


@pytest.fixture
async def bot(standin: BotApiStandIn) -> AsyncIterator[Bot]:
    opened = await open_bot(standin.base_url, standin.token, read_timeout=0.5)
    try:
        yield opened
    finally:
        await opened.shutdown()


async def test_a_message_with_markup_arrives_as_sent(bot: Bot, standin: BotApiStandIn) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Hasil lain", callback_data="m:1")]])
    text = '<b>Jawaban</b> — "kutipan" &amp; <a href="https://contoh.id/a?b=1&amp;c=2">Kompas</a>'
    sent = await bot.send_message(CHAT, text, parse_mode="HTML", reply_markup=keyboard)
    (call,) = standin.calls("sendMessage")
    assert call.params["text"] == text and call.params["chat_id"] == CHAT
    assert call.params["reply_markup"] == keyboard.to_dict()
    assert sent.text == call.result["text"] and sent.message_id == call.result["message_id"]
    assert [e.type for e in sent.entities] == ["bold", "text_link"]


async def test_a_photo_is_uploaded_as_multipart(bot: Bot, standin: BotApiStandIn) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
    await bot.send_photo(CHAT, png, caption="Grafik <b>harian</b>", parse_mode="HTML")
    (call,) = standin.calls("sendPhoto")
    assert call.params["photo"]["size"] == len(png)
    assert call.result["caption"] == "Grafik harian"


async def test_the_api_refusing_a_call_is_a_bad_request(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(CHAT + 1, "halo")


async def test_a_slow_answer_times_out_as_timed_out(bot: Bot, standin: BotApiStandIn) -> None:
    standin.set_faults("sendMessage", Faults(slow=1.0, delay=(2.0, 2.0)))
    with pytest.raises(TimedOut) as caught:
        await bot.send_message(CHAT, "halo")
    assert is_transient(caught.value)  # the send policy retries it


async def test_a_dropped_connection_is_a_transient_network_error(
    bot: Bot, standin: BotApiStandIn
) -> None:
    standin.set_faults("sendMessage", Faults(drop=1.0))
    with pytest.raises(NetworkError) as caught:
        await bot.send_message(CHAT, "halo")
    assert not isinstance(caught.value, TimedOut) and is_transient(caught.value)


async def test_nobody_listening_is_a_transient_network_error(standin: BotApiStandIn) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest(connect_timeout=2)
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as caught:
            await request.post(f"http://127.0.0.1:{port}/bot{standin.token}/getMe")
        assert not isinstance(caught.value, TimedOut) and is_transient(caught.value)
    finally:
        await request.shutdown()
