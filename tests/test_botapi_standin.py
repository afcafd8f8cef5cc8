"""Tests for the Bot API stand-in, driven by the real python-telegram-bot client."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, RetryAfter
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.botapi_standin import (
    DEFAULT_GROUP_ID,
    DEFAULT_USER_ID,
    BotApiStandIn,
    EntityParseError,
    find_entities,
    iter_text_entities,
    parse_telegram_html,
    render_message_text,
    utf16_len,
)

CHAT = DEFAULT_USER_ID


@pytest.fixture
def standin() -> Iterator[BotApiStandIn]:
    with BotApiStandIn() as server:
        yield server


@pytest.fixture
async def bot(standin: BotApiStandIn) -> AsyncIterator[Bot]:
    async with Bot(standin.token, base_url=standin.base_url) as client:
        yield client


@pytest.fixture
def chat(standin: BotApiStandIn) -> int:
    """A private chat the bot may write to (the user has said something)."""
    standin.send_text("halo")
    return CHAT


def last_error(standin: BotApiStandIn) -> str:
    errors = standin.errors()
    assert errors, "expected a recorded error"
    return errors[-1].error or ""


def post(url: str, data: bytes, content_type: str) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=data, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


# --------------------------------------------------------------------------- HTML parser


def test_parse_plain_text_and_entities_with_utf16_offsets() -> None:
    text, entities = parse_telegram_html("😀 <b>Berita</b> &amp; <i>analisis</i>")
    assert text == "😀 Berita & analisis"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 6},
        {"type": "italic", "offset": 12, "length": 8},
    ]


def test_parse_all_supported_tags() -> None:
    html = (
        "<strong>a</strong><em>b</em><u>c</u><ins>d</ins><s>e</s><strike>f</strike>"
        '<del>g</del><tg-spoiler>h</tg-spoiler><span class="tg-spoiler">i</span>'
        '<code>j</code><pre>k</pre><pre><code class="language-python">l</code></pre>'
        "<blockquote>m</blockquote><blockquote expandable>n</blockquote>"
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji><a href="https://x.id">o</a>'
    )
    text, entities = parse_telegram_html(html)
    assert text == "abcdefghijkl" + "mn👍o"
    kinds = [(e["type"], e["offset"], e["length"]) for e in entities]
    assert kinds == [
        ("bold", 0, 1),
        ("italic", 1, 1),
        ("underline", 2, 1),
        ("underline", 3, 1),
        ("strikethrough", 4, 1),
        ("strikethrough", 5, 1),
        ("strikethrough", 6, 1),
        ("spoiler", 7, 1),
        ("spoiler", 8, 1),
        ("code", 9, 1),
        ("pre", 10, 1),
        ("pre", 11, 1),
        ("blockquote", 12, 1),
        ("expandable_blockquote", 13, 1),
        ("custom_emoji", 14, 2),
        ("text_link", 16, 1),
    ]
    assert entities[11]["language"] == "python"
    assert "language" not in entities[10]
    assert entities[14]["custom_emoji_id"] == "5368324170671202286"
    assert entities[15]["url"] == "https://x.id/"


def test_parse_entities_numeric_references_and_case() -> None:
    text, entities = parse_telegram_html("&lt;a&gt; &quot;q&quot; &#39;&#x27; &#128512; <B>x</B>")
    assert text == "<a> \"q\" '' 😀 x"
    assert entities == [{"type": "bold", "offset": 14, "length": 1}]


def test_parse_nested_entities_sorted_like_telegram() -> None:
    _, entities = parse_telegram_html("<i><b>ab</b>c</i>")
    assert entities == [
        {"type": "italic", "offset": 0, "length": 3},
        {"type": "bold", "offset": 0, "length": 2},
    ]
    _, same_range = parse_telegram_html("<i><b>ab</b></i>")
    assert [e["type"] for e in same_range] == ["bold", "italic"]  # by type priority


def test_parse_links() -> None:
    _, entities = parse_telegram_html('<a href="kompas.com/a?b=1&amp;c=2">k</a>')
    assert entities[0]["url"] == "http://kompas.com/a?b=1&c=2"
    _, no_href = parse_telegram_html("<a>https://tempo.co</a>")
    assert no_href[0] == {
        "type": "text_link",
        "offset": 0,
        "length": 16,
        "url": "https://tempo.co/",
    }
    _, mention = parse_telegram_html('<a href="tg://user?id=42">Budi</a>')
    assert mention[0]["type"] == "text_mention"
    assert mention[0]["user"]["id"] == 42
    # Links Telegram can't use are dropped silently, keeping the text.
    text, dropped = parse_telegram_html('<a href="javascript:alert(1)">x</a>')
    assert (text, dropped) == ("x", [])


def test_parse_empty_tags_produce_no_entity() -> None:
    assert parse_telegram_html("a<b></b>c") == ("ac", [])


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("Berita <br> baru", 'Unsupported start tag "br" at byte offset 7'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("é <p>", 'Unsupported start tag "p" at byte offset 3'),  # byte, not char, offset
        ("<b>tebal", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ('<a href="x>y</a>', "Unclosed start tag at byte offset 0"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ('<a href=x"y>z</a>', "Unexpected end of name token at byte offset 8"),
        ('<tg-emoji emoji-id="abc">👍</tg-emoji>', "Invalid custom emoji identifier specified"),
    ],
)
def test_parse_errors_match_telegram(html: str, reason: str) -> None:
    with pytest.raises(EntityParseError) as info:
        parse_telegram_html(html)
    assert info.value.reason == reason


@pytest.mark.parametrize("html", ["AT&T", "a &apos; b", "R&D <b>x</b>", '<a href="?a=1&b=2">x</a>'])
def test_bare_ampersand_is_strict_but_telegram_keeps_it(html: str) -> None:
    with pytest.raises(EntityParseError, match='Unescaped "&"'):
        parse_telegram_html(html)
    parse_telegram_html(html, strict=False)  # Telegram itself accepts these


def test_render_trims_and_checks_length() -> None:
    assert render_message_text("\n  <b>x</b> y \n\n", "HTML") == (
        "x y",
        [{"type": "bold", "offset": 0, "length": 1}],
    )
    assert render_message_text("  x", None)[0] == "x"
    assert render_message_text("a" * 4096)[0] == "a" * 4096
    for text in ("", " \n ", "<b> </b>"):
        with pytest.raises(Exception, match="message text is empty"):
            render_message_text(text, "HTML")
    with pytest.raises(Exception, match="message is too long"):
        render_message_text("😀" * 2049)  # 4098 UTF-16 code units
    assert utf16_len("😀" * 2048) == 4096
    render_message_text("😀" * 2048)


def test_find_entities_like_telegram() -> None:
    text = (
        "/tanya@TanyaBeritaBot soal #Pemilu2024, cc @redaksi_id dan @ab lihat https://kompas.id/x)."
    )
    found = {
        (e["type"], text[e["offset"] : e["offset"] + e["length"]]) for e in find_entities(text)
    }
    assert found == {
        ("bot_command", "/tanya@TanyaBeritaBot"),
        ("hashtag", "#Pemilu2024"),
        ("mention", "@redaksi_id"),
        ("url", "https://kompas.id/x"),
    }
    assert find_entities("/tanya, apa kabar?")[0] == {
        "type": "bot_command",
        "offset": 0,
        "length": 6,
    }
    assert find_entities("a/b and x/y") == []


# --------------------------------------------------------------------------- Bot methods


async def test_get_me(bot: Bot, standin: BotApiStandIn) -> None:
    me = await bot.get_me()
    assert me.id == standin.bot_id == 123456
    assert me.username == "TanyaBeritaBot"
    assert me.is_bot
    assert me.can_join_groups
    assert me.supports_inline_queries
    assert me.can_read_all_group_messages is False


async def test_send_message_html_entities_utf16(bot: Bot, standin: BotApiStandIn, chat: int):
    sent = await bot.send_message(
        chat,
        '<b>Halo</b> 😀 <i>dunia</i> <a href="https://kompas.com">tautan</a>',
        parse_mode="HTML",
    )
    assert sent.text == "Halo 😀 dunia tautan"
    assert sent.from_user is not None
    assert sent.from_user.id == standin.bot_id
    assert sent.chat.id == chat
    assert sent.entities == (
        MessageEntity("bold", 0, 4),
        MessageEntity("italic", 8, 5),
        MessageEntity("text_link", 14, 6, url="https://kompas.com/"),
    )
    assert [sent.parse_entity(e) for e in sent.entities] == ["Halo", "dunia", "tautan"]
    stored = standin.bot_messages(chat)
    assert [m["message_id"] for m in stored] == [sent.message_id]
    pairs = [(e["type"], covered) for e, covered in iter_text_entities(stored[0])]
    assert pairs == [("bold", "Halo"), ("italic", "dunia"), ("text_link", "tautan")]
    assert standin.errors() == []


async def test_message_ids_grow_per_chat(bot: Bot, standin: BotApiStandIn, chat: int):
    first = await bot.send_message(chat, "satu")
    update = standin.send_text("dua")
    second = await bot.send_message(chat, "tiga")
    assert first.message_id < update["message"]["message_id"] < second.message_id


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("skor 2 < 3", 'Unsupported start tag "" at byte offset 7'),
        ("AT&T", 'Unescaped "&" at byte offset 2'),
        ("<b>tebal", 'Can\'t find end tag corresponding to start tag "b"'),
    ],
)
async def test_send_message_invalid_html(
    bot: Bot, standin: BotApiStandIn, chat: int, html: str, reason: str
) -> None:
    with pytest.raises(BadRequest) as info:
        await bot.send_message(chat, html, parse_mode="HTML")
    assert "can't parse entities" in info.value.message.lower()
    assert last_error(standin).startswith(f"Bad Request: can't parse entities: {reason}")


@pytest.mark.parametrize(
    ("text", "description"),
    [
        ("a" * 4097, "Bad Request: message is too long"),
        ("", "Bad Request: message text is empty"),
        ("  \n ", "Bad Request: message text is empty"),
    ],
)
async def test_send_message_length_limits(
    bot: Bot, standin: BotApiStandIn, chat: int, text: str, description: str
) -> None:
    with pytest.raises(BadRequest):
        await bot.send_message(chat, text)
    assert last_error(standin) == description


async def test_send_message_max_length_ok(bot: Bot, chat: int) -> None:
    sent = await bot.send_message(chat, "a" * 4096)
    assert sent.text is not None
    assert len(sent.text) == 4096


@pytest.mark.parametrize(
    ("button", "description"),
    [
        (InlineKeyboardButton("x", callback_data="d" * 65), "Bad Request: BUTTON_DATA_INVALID"),
        (InlineKeyboardButton("x", callback_data="é" * 33), "Bad Request: BUTTON_DATA_INVALID"),
        (InlineKeyboardButton("x", url="javascript:alert(1)"), "Bad Request: BUTTON_URL_INVALID"),
        (InlineKeyboardButton("x", url="http://localhost/"), "Bad Request: BUTTON_URL_INVALID"),
    ],
)
async def test_inline_keyboard_validation(
    bot: Bot, standin: BotApiStandIn, chat: int, button: InlineKeyboardButton, description: str
) -> None:
    with pytest.raises(BadRequest):
        await bot.send_message(chat, "pilih", reply_markup=InlineKeyboardMarkup([[button]]))
    assert last_error(standin) == description


@pytest.mark.filterwarnings("ignore:Please use 'Bot.sendMessage'")
async def test_text_only_button_rejected(bot: Bot, standin: BotApiStandIn, chat: int) -> None:
    markup = {"inline_keyboard": [[{"text": "x"}]]}
    with pytest.raises(BadRequest):
        await bot.do_api_request(
            "sendMessage", api_kwargs={"chat_id": chat, "text": "t", "reply_markup": markup}
        )
    assert "Text buttons are unallowed" in last_error(standin)


async def test_keyboard_is_echoed(bot: Bot, chat: int) -> None:
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Lagi", callback_data="d" * 64)],
            [InlineKeyboardButton("Buka", url="https://kompas.id/berita")],
        ]
    )
    sent = await bot.send_message(chat, "pilih", reply_markup=markup)
    assert sent.reply_markup == markup


async def test_chat_not_found_and_forbidden(bot: Bot, standin: BotApiStandIn) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(999, "halo")
    standin.send_text("/tanya", chat_type="group", user_id=777)
    with pytest.raises(Forbidden, match="initiate conversation"):
        await bot.send_message(777, "halo")  # seen in a group, never started the bot
    await bot.send_message(DEFAULT_GROUP_ID, "ok")  # the group itself is fine
    standin.send_text("halo", user_id=778)
    standin.set_blocked(778)
    with pytest.raises(Forbidden, match="blocked"):
        await bot.send_message(778, "halo")


async def test_replies(bot: Bot, standin: BotApiStandIn) -> None:
    question = standin.send_text("apa kabar?")["message"]
    reply = await bot.send_message(
        CHAT, "baik", reply_parameters=ReplyParameters(question["message_id"])
    )
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.text == "apa kabar?"
    with pytest.raises(BadRequest, match="replied not found"):
        await bot.send_message(CHAT, "x", reply_parameters=ReplyParameters(9999))
    loose = await bot.send_message(
        CHAT,
        "x",
        reply_parameters=ReplyParameters(9999, allow_sending_without_reply=True),
    )
    assert loose.reply_to_message is None
    nested = standin.send_text("terima kasih", reply_to_message_id=reply.message_id)
    assert nested["message"]["reply_to_message"]["text"] == "baik"
    assert "reply_to_message" not in nested["message"]["reply_to_message"]


async def test_edit_message_text(bot: Bot, standin: BotApiStandIn, chat: int) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Lagi", callback_data="more")]])
    sent = await bot.send_message(chat, "<b>Memuat</b>", parse_mode="HTML", reply_markup=markup)
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text(
            "<b>Memuat</b>", chat, sent.message_id, parse_mode="HTML", reply_markup=markup
        )
    edited = await bot.edit_message_text("Selesai", chat, sent.message_id)
    assert not isinstance(edited, bool)
    assert edited.text == "Selesai"
    assert edited.edit_date is not None
    assert edited.reply_markup is None  # an edit without reply_markup drops the keyboard
    assert standin.bot_messages(chat)[-1]["text"] == "Selesai"
    with pytest.raises(BadRequest, match="to edit not found"):
        await bot.edit_message_text("x", chat, 9999)
    user_message = standin.send_text("pesan saya")["message"]["message_id"]
    with pytest.raises(BadRequest, match="can't be edited"):
        await bot.edit_message_text("x", chat, user_message)


async def test_edit_reply_markup(bot: Bot, chat: int) -> None:
    sent = await bot.send_message(chat, "x")
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_reply_markup(chat, sent.message_id)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="a")]])
    edited = await bot.edit_message_reply_markup(chat, sent.message_id, reply_markup=markup)
    assert not isinstance(edited, bool)
    assert edited.reply_markup == markup


async def test_answer_callback_query(bot: Bot, standin: BotApiStandIn, chat: int) -> None:
    sent = await bot.send_message(chat, "x")
    update = standin.send_callback(message_id=sent.message_id, chat_id=chat, data="more")
    query = update["callback_query"]
    assert query["message"]["text"] == "x"
    assert await bot.answer_callback_query(query["id"], text="Oke")
    assert standin.query_answer(query["id"]) == {"callback_query_id": query["id"], "text": "Oke"}
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query["id"])
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query("12345")


async def test_forged_callback_is_inaccessible(bot: Bot, standin: BotApiStandIn, chat: int):
    update = Update.de_json(standin.send_callback(message_id=777, chat_id=chat, data="x"), bot)
    assert update.callback_query is not None
    assert update.callback_query.message is not None
    assert not update.callback_query.message.is_accessible


async def test_answer_inline_query(bot: Bot, standin: BotApiStandIn) -> None:
    def article(result_id: str, text: str = "<b>isi</b>") -> InlineQueryResultArticle:
        return InlineQueryResultArticle(
            result_id, "Judul", InputTextMessageContent(text, parse_mode="HTML")
        )

    query_id = standin.send_inline_query("pemilu")["inline_query"]["id"]
    assert await bot.answer_inline_query(query_id, [article("1"), article("2")])
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_inline_query(query_id, [])

    cases = [
        ([article(str(i)) for i in range(51)], "Bad Request: RESULTS_TOO_MUCH"),
        ([article("1"), article("1")], "Bad Request: RESULT_ID_DUPLICATE"),
        ([article("x" * 65)], "Bad Request: RESULT_ID_INVALID"),
        ([article("1", "<i>x")], "Bad Request: can't parse entities: Can't find end tag"),
    ]
    for results, description in cases:
        fresh = standin.send_inline_query("x")["inline_query"]["id"]
        with pytest.raises(BadRequest):
            await bot.answer_inline_query(fresh, results)
        assert last_error(standin).startswith(description)


async def test_commands(bot: Bot, standin: BotApiStandIn) -> None:
    commands = [BotCommand("tanya", "Ajukan pertanyaan"), BotCommand("bantuan", "Cara pakai")]
    assert await bot.set_my_commands(commands)
    assert await bot.set_my_commands(commands[:1], scope=BotCommandScopeAllGroupChats())
    assert await bot.set_my_commands(commands[1:], language_code="en")
    assert tuple(await bot.get_my_commands()) == tuple(commands)
    assert tuple(await bot.get_my_commands(scope=BotCommandScopeAllGroupChats())) == (commands[0],)
    assert standin.commands(language_code="en") == [commands[1].to_dict()]
    assert await bot.delete_my_commands(language_code="en")
    assert await bot.get_my_commands(language_code="en") == ()
    for bad, description in [
        (BotCommand("Tanya", "x"), "BOT_COMMAND_INVALID"),
        (BotCommand("a" * 33, "x"), "BOT_COMMAND_INVALID"),
        (BotCommand("tanya-berita", "x"), "BOT_COMMAND_INVALID"),
        (BotCommand("tanya", "x" * 257), "BOT_COMMAND_DESCRIPTION_INVALID"),
        (BotCommand("tanya", ""), "BOT_COMMAND_DESCRIPTION_INVALID"),
    ]:
        with pytest.raises(BadRequest):
            await bot.set_my_commands([bad])
        assert last_error(standin) == f"Bad Request: {description}"


async def test_chat_action_close_logout_webhook(bot: Bot, standin: BotApiStandIn, chat: int):
    assert await bot.send_chat_action(chat, "typing")
    with pytest.raises(BadRequest, match="Wrong parameter action"):
        await bot.send_chat_action(chat, "dancing")
    assert await bot.set_webhook("https://example.com/hook")
    assert (await bot.get_webhook_info()).url == "https://example.com/hook"
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert standin.pending_updates() == 0
    assert (await bot.get_webhook_info()).url == ""
    assert await bot.close()
    assert await bot.log_out()


async def test_wrong_token_and_unknown_method(standin: BotApiStandIn, bot: Bot) -> None:
    stranger = Bot("999:WRONG-token", base_url=standin.base_url)
    with pytest.raises(InvalidToken):
        await stranger.get_me()
    with pytest.raises(Exception, match="not found"):
        await bot.do_api_request("sendRocket", api_kwargs={"chat_id": 1})
    assert [(c.method, c.error_code) for c in standin.errors()] == [
        ("getMe", 401),
        ("sendRocket", 404),
    ]


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_injected_flood_error(bot: Bot, standin: BotApiStandIn, chat: int) -> None:
    standin.inject_error("sendMessage", retry_after=3)
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(chat, "x")
    assert "Retry in 3" in str(info.value)
    assert (await bot.send_message(chat, "x")).text == "x"


# --------------------------------------------------------------------------- getUpdates


async def test_long_poll_times_out_when_idle(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 <= time.monotonic() - started < 3


async def test_long_poll_returns_immediately_when_queued(bot: Bot, standin: BotApiStandIn):
    standin.send_text("halo")
    started = time.monotonic()
    updates = await bot.get_updates(timeout=5)
    assert time.monotonic() - started < 1
    assert [u.message.text for u in updates if u.message] == ["halo"]


async def test_long_poll_wakes_on_new_update(bot: Bot, standin: BotApiStandIn) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()
    started = time.monotonic()
    standin.send_text("baru")
    updates = await asyncio.wait_for(poll, 3)
    assert time.monotonic() - started < 1
    assert len(updates) == 1


async def test_offset_confirms_and_limit(bot: Bot, standin: BotApiStandIn) -> None:
    for text in ("a", "b", "c"):
        standin.send_text(text)
    first = await bot.get_updates(limit=2)
    assert [u.message.text for u in first if u.message] == ["a", "b"]
    assert standin.pending_updates() == 3  # delivered but not yet confirmed
    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.message.text for u in rest if u.message] == ["c"]
    assert standin.pending_updates() == 1
    assert await bot.get_updates(offset=rest[-1].update_id + 1) == ()
    assert standin.pending_updates() == 0


async def test_allowed_updates_filter(bot: Bot, standin: BotApiStandIn) -> None:
    standin.send_text("pesan")
    standin.send_inline_query("kueri")
    updates = await bot.get_updates(allowed_updates=["inline_query"])
    assert [u.inline_query.query for u in updates if u.inline_query] == ["kueri"]
    assert len(updates) == 1


async def test_ignored_update_kinds_deserialize(bot: Bot, standin: BotApiStandIn) -> None:
    standin.send_text("asli")
    standin.send_edited_message("diubah")
    standin.send_channel_post("pengumuman")
    standin.send_sticker()
    updates = await bot.get_updates()
    assert updates[1].edited_message is not None
    assert updates[1].edited_message.text == "diubah"
    assert updates[1].edited_message.message_id == updates[0].message.message_id  # type: ignore[union-attr]
    assert updates[2].channel_post is not None
    assert updates[2].channel_post.from_user is None
    assert updates[3].message is not None
    assert updates[3].message.sticker is not None


async def test_group_updates(bot: Bot, standin: BotApiStandIn) -> None:
    update = standin.send_text("/tanya@TanyaBeritaBot harga beras", chat_type="supergroup")
    message = Update.de_json(update, bot).message
    assert message is not None
    assert message.chat.type == "supergroup"
    assert message.entities[0].type == "bot_command"
    assert message.entities[0].length == 21
    reply = await bot.send_message(
        message.chat.id, "jawab", reply_parameters=ReplyParameters(message.message_id)
    )
    assert reply.chat.title == "Forum Berita Indonesia"


# --------------------------------------------------------------------------- Application


async def test_application_polls_and_replies(standin: BotApiStandIn) -> None:
    seen: list[str] = []

    async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("Selamat datang!")

    async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        assert update.effective_message.text
        seen.append(update.effective_message.text)
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("Lagi", callback_data="more")]])
        await update.effective_message.reply_html(
            f"<b>Jawaban</b> untuk {len(seen)}",
            reply_markup=markup,
            do_quote=True,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer()
        await update.callback_query.edit_message_text("Diperbarui")

    app = ApplicationBuilder().token(standin.token).base_url(standin.base_url).build()
    app.add_handler(CommandHandler("start", on_start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
    app.add_handler(CallbackQueryHandler(on_button))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(timeout=2)
    try:
        standin.send_text("/start")
        welcome = await standin.wait_for("sendMessage", timeout=5)
        assert welcome.result["text"] == "Selamat datang!"

        mark = standin.mark()
        question = standin.send_text("Berapa harga beras?")["message"]
        standin.send_sticker()  # ignored: no handler matches
        answer = await standin.wait_for(
            "sendMessage", lambda c: "Jawaban" in c.params["text"], after=mark, timeout=5
        )
        assert answer.params["parse_mode"] == "HTML"
        assert answer.result["reply_to_message"]["message_id"] == question["message_id"]
        assert answer.result["entities"] == [{"type": "bold", "offset": 0, "length": 7}]

        standin.send_callback(message_id=answer.result["message_id"], chat_id=CHAT, data="more")
        await standin.wait_for("editMessageText", timeout=5)
        await standin.wait_for("answerCallbackQuery", timeout=5)
        assert standin.bot_messages(CHAT)[-1]["text"] == "Diperbarui"
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    assert seen == ["Berapa harga beras?"]
    assert standin.errors() == []
    assert standin.pending_updates() == 0  # PTB confirms the last offset on shutdown


# --------------------------------------------------------------------------- raw HTTP


def test_form_json_and_multipart_bodies(standin: BotApiStandIn) -> None:
    standin.send_text("halo")
    url = f"{standin.base_url}{standin.token}/sendMessage"
    markup = json.dumps({"inline_keyboard": [[{"text": "a", "callback_data": "1"}]]})
    form = urllib.parse.urlencode({"chat_id": CHAT, "text": "123", "reply_markup": markup})
    status, body = post(url, form.encode(), "application/x-www-form-urlencoded")
    assert status == 200
    assert body["result"]["text"] == "123"
    assert body["result"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "1"
    call = standin.calls("sendMessage")[-1]
    assert call.params == {"chat_id": CHAT, "text": "123", "reply_markup": json.loads(markup)}

    status, body = post(
        url, json.dumps({"chat_id": CHAT, "text": "j"}).encode(), "application/json"
    )
    assert status == 200
    assert body["result"]["text"] == "j"

    boundary = "XyZ"
    multipart = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="chat_id"\r\n\r\n{CHAT}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="text"\r\n\r\nm\r\n'
        f"--{boundary}--\r\n"
    )
    status, body = post(url, multipart.encode(), f"multipart/form-data; boundary={boundary}")
    assert status == 200
    assert body["result"]["text"] == "m"

    status, body = post(url, b"chat_id=1&text=x", "application/x-www-form-urlencoded")
    assert (status, body) == (
        400,
        {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"},
    )
    status, body = post(url.replace(standin.token, "1:x"), b"", "application/json")
    assert (status, body["description"]) == (401, "Unauthorized")


async def test_wait_for_sync_from_another_thread(standin: BotApiStandIn) -> None:
    standin.send_text("halo")

    def subprocess_like_bot() -> None:
        time.sleep(0.1)
        url = f"{standin.base_url}{standin.token}/sendChatAction"
        post(url, f"chat_id={CHAT}&action=typing".encode(), "application/x-www-form-urlencoded")

    waiter = asyncio.to_thread(standin.wait_for_sync, "sendChatAction", timeout=5)
    call, _ = await asyncio.gather(waiter, asyncio.to_thread(subprocess_like_bot))
    assert call.params == {"chat_id": CHAT, "action": "typing"}


async def test_wait_for_times_out_with_listing(standin: BotApiStandIn, bot: Bot) -> None:
    await bot.get_me()
    started = time.monotonic()
    with pytest.raises(AssertionError, match=r"(?s)no matching sendMessage call.*#0 getMe"):
        await standin.wait_for("sendMessage", timeout=0.2)
    assert time.monotonic() - started < 1
    with pytest.raises(AssertionError):
        standin.wait_for_sync("sendMessage", timeout=0.1)


async def test_wait_for_error_calls(standin: BotApiStandIn, bot: Bot) -> None:
    with pytest.raises(BadRequest):
        await bot.send_message(1, "x")
    with pytest.raises(AssertionError):
        await standin.wait_for("sendMessage", timeout=0.1)
    failed = await standin.wait_for("sendMessage", include_errors=True, timeout=1)
    assert not failed.ok
    assert failed.error_code == 400


def test_stop_releases_parked_long_poll() -> None:
    standin = BotApiStandIn()
    standin.start()
    url = f"{standin.base_url}{standin.token}/getUpdates"
    results: list[tuple[int, dict[str, Any]]] = []

    poller = threading.Thread(
        target=lambda: results.append(post(url, b"timeout=30", "application/x-www-form-urlencoded"))
    )
    poller.start()
    time.sleep(0.2)
    started = time.monotonic()
    standin.stop()
    poller.join(timeout=5)
    assert not poller.is_alive()
    assert time.monotonic() - started < 3
    assert results == [(200, {"ok": True, "result": []})]


async def test_second_poller_terminates_the_first(bot: Bot, standin: BotApiStandIn) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    async with Bot(standin.token, base_url=standin.base_url) as other:
        assert await other.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates"):
        await asyncio.wait_for(first, 3)
    assert [c.error_code for c in standin.errors()] == [409]


async def test_inline_message_edit_and_raw_update(bot: Bot, standin: BotApiStandIn) -> None:
    query = standin.send_callback(inline_message_id="AAIn1", data="more")["callback_query"]
    assert "message" not in query
    assert await bot.edit_message_text("baru", inline_message_id="AAIn1") is True
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("baru", inline_message_id="AAIn1")
    with pytest.raises(BadRequest):
        await bot.edit_message_text("baru", inline_message_id="nope")
    assert last_error(standin) == "Bad Request: MESSAGE_ID_INVALID"

    raw = {
        "message": {
            "message_id": 50,
            "from": {"id": 9, "is_bot": False, "first_name": "Sari"},
            "chat": {"id": 9, "type": "private", "first_name": "Sari"},
            "date": 1700000000,
            "text": "hai",
        }
    }
    queued = standin.queue_update(raw)
    assert queued["update_id"] >= 1
    reply = await bot.send_message(9, "halo", reply_parameters=ReplyParameters(50))
    assert reply.message_id == 51  # numbering continues above the raw message
