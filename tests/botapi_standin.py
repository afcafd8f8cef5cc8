"""A stand-in for the Telegram Bot API, for end-to-end tests.

``BotApiStandIn`` is a real HTTP server on 127.0.0.1 (``http.server`` in a background
thread, independent of any asyncio loop), so the real python-telegram-bot stack runs
against it: httpx, ``getUpdates`` long polling, handlers. Point PTB at it with
``ApplicationBuilder().base_url(standin.base_url)`` or a bot subprocess with
``TELEGRAM_API_BASE_URL=standin.base_url``.

It validates what the bot sends the way Telegram does and answers with Telegram's error
texts. The HTML parser is a port of TDLib's ``parse_html`` (td/telegram/MessageEntity.cpp),
so byte offsets, error reasons and UTF-16 entity offsets match the real server. One
deliberate difference: by default an ``&`` that does not start an entity Telegram knows
(``&lt; &gt; &amp; &quot; &#NN; &#xNN;``) is rejected, whereas Telegram would show it
literally; the Bot API docs require escaping it, and a renderer that forgets to is one
``&lt=`` in a URL away from corrupting a message. Pass ``strict_html=False`` to get
Telegram's lenient behaviour.

Not emulated: MarkdownV2/Markdown parse modes, media uploads, group privacy mode (every
group message is delivered), Telegram's merging/splitting of overlapping entities, and
auto-detection of bare domains, e-mails and phone numbers (``http(s)://`` URLs, mentions,
hashtags and bot commands are detected, as Telegram does).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import random
import re
import select
import socket
import sys
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

JSONDict = dict[str, Any]

DEFAULT_TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz012"
DEFAULT_BOT_USERNAME = "TanyaBeritaBot"
DEFAULT_BOT_ID = 123456
DEFAULT_USER_ID = 424242
DEFAULT_GROUP_ID = -4001234567
DEFAULT_SUPERGROUP_ID = -1001234567890
DEFAULT_CHANNEL_ID = -1009876543210

MAX_MESSAGE_LENGTH = 4096  # UTF-16 code units after entity parsing
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_RESULTS = 50
MAX_LONG_POLL_SECONDS = 50.0

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"

# Update kinds Telegram only sends when asked for explicitly.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


# --------------------------------------------------------------------------- text helpers


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def utf16_slice(text: str, offset: int, length: int) -> str:
    """The part of ``text`` an entity with this UTF-16 offset and length covers."""
    units = text.encode("utf-16-le", "surrogatepass")
    return units[2 * offset : 2 * (offset + length)].decode("utf-16-le", "surrogatepass")


def _is_word_char(ch: str) -> bool:
    # TDLib's is_word_character: letters, numbers, underscore.
    return ch.isalnum() or ch == "_"


def _is_hashtag_letter(ch: str) -> bool:
    if ch in "_\u200c\u00b7" or "\u0d80" <= ch <= "\u0dff":
        return True
    cat = unicodedata.category(ch)
    return cat.startswith("L") or cat == "Nd"


def _is_ascii_word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch == "_")


# --------------------------------------------------------------------------- HTML parser


class EntityParseError(ValueError):
    """Telegram's "can't parse entities" failure; ``reason`` is the text after the colon."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_SUPPORTED_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins",
        "tg-spoiler", "tg-emoji", "span", "pre", "code", "blockquote",
    }
)  # fmt: skip
_SIMPLE_TAG_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
# TDLib's MessageEntity::get_type_priority, used to order entities sharing a range.
_TYPE_PRIORITY = {
    "mention": 50, "hashtag": 50, "bot_command": 50, "url": 50, "email": 50,
    "bold": 90, "italic": 91, "code": 20, "pre": 11, "text_link": 49, "text_mention": 49,
    "cashtag": 50, "phone_number": 50, "underline": 92, "strikethrough": 93,
    "blockquote": 0, "spoiler": 94, "custom_emoji": 99, "expandable_blockquote": 0,
}  # fmt: skip
_SPLITTABLE_TYPES = frozenset({"bold", "italic", "underline", "strikethrough", "spoiler"})
_BLOCKQUOTE_TYPES = frozenset({"blockquote", "expandable_blockquote"})
_NAMED_ENTITIES = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}
_SPACE_BYTES = frozenset(b" \t\r\n\v\0")  # TDLib's is_space counts NUL, the end sentinel
_HEX = frozenset(b"0123456789abcdefABCDEF")
_DIGITS = frozenset(b"0123456789")
_NAME_TOKEN_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")


def _entity_sort_key(entity: JSONDict) -> tuple[int, int, int]:
    priority = _TYPE_PRIORITY.get(entity["type"], 50)
    if entity["type"] == "pre" and entity.get("language"):
        priority = 10
    return (entity["offset"], -entity["length"], priority)


def sort_entities(entities: list[JSONDict]) -> list[JSONDict]:
    """Entities in Telegram's order: by offset, longer first, then by type priority."""
    return sorted(entities, key=_entity_sort_key)


def _decode_html_entity(data: bytes, pos: int) -> tuple[str, int] | None:
    """Decode the character reference at ``data[pos] == '&'`` as TDLib does.

    Returns the character and the position after the reference (``;`` is optional),
    or None when Telegram would leave the ``&`` as literal text.
    """
    n = len(data)

    def at(i: int) -> int:
        return data[i] if i < n else 0

    end = pos + 1
    if at(end) == ord("#"):
        end += 1
        code = 0
        if at(end) == ord("x"):
            end += 1
            while at(end) in _HEX:
                code = code * 16 + int(chr(data[end]), 16)
                end += 1
        else:
            while at(end) in _DIGITS:
                code = code * 10 + data[end] - ord("0")
                end += 1
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return None
        char = chr(code)
    else:
        while at(end) != 0 and chr(at(end)).isascii() and chr(at(end)).isalpha():
            end += 1
        named = _NAMED_ENTITIES.get(data[pos + 1 : end])
        if named is None:
            return None
        char = named
    if at(end) == ord(";"):
        end += 1
    return char, end


def _normalize_link(url: str) -> str | None:
    """Approximation of TDLib's ``LinkManager::get_checked_link``; None = invalid link."""
    if not url or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return None
    lowered = url.lower()
    for scheme in ("tg", "ton", "tonsite"):
        if lowered.startswith(scheme + ":"):
            rest = url[len(scheme) + 1 :].removeprefix("//")
            if not re.match(r"[A-Za-z0-9_\-.]+", rest):
                return None
            return f"{scheme}://{rest}"
    if "://" in url:
        scheme, _, _ = url.partition("://")
        if scheme.lower() not in ("http", "https"):
            return None
    else:
        url = "http://" + url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname or ""
    if "." not in host or host.startswith(".") or ".." in host:
        return None
    if not all(ch.isalnum() or ch in "-._~%" or not ch.isascii() for ch in host):
        return None
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = (userinfo + "@" if userinfo else "") + host + (f":{port}" if port else "")
    result = f"{parts.scheme.lower()}://{netloc}{parts.path or '/'}"
    if parts.query:
        result += "?" + parts.query
    if parts.fragment:
        result += "#" + parts.fragment
    return result


def _link_user_id(url: str) -> int | None:
    match = re.fullmatch(r"(?i)tg:(?://)?user\?id=(\d{1,18})", url)
    return int(match.group(1)) if match and int(match.group(1)) > 0 else None


@dataclass
class _OpenTag:
    name: str
    argument: str
    utf16_offset: int
    result_pos: int  # byte position in the output where the tag's text starts


def parse_telegram_html(text: str, *, strict: bool = True) -> tuple[str, list[JSONDict]]:
    """Parse Telegram-flavoured HTML into plain text and Bot API ``MessageEntity`` dicts.

    A port of TDLib's ``parse_html``: the same supported tags, error reasons and UTF-8
    byte offsets in them, and entity offsets/lengths in UTF-16 code units. Raises
    :class:`EntityParseError`. With ``strict`` (the default) an ``&`` that does not start
    a supported character reference is an error instead of literal text (see module doc).
    Trimming and the length limit are applied later, by :func:`render_message_text`.
    """
    data = text.encode("utf-8", "surrogatepass")
    n = len(data)

    def at(i: int) -> int:
        return data[i] if i < n else 0  # TDLib reads a NUL terminator past the end

    def is_space(c: int) -> bool:
        return c in _SPACE_BYTES

    out = bytearray()
    utf16_offset = 0
    need_recheck_utf8 = False
    stack: list[_OpenTag] = []
    entities: list[JSONDict] = []
    i = 0
    while i < n:
        c = data[i]
        if c == ord("&"):
            decoded = _decode_html_entity(data, i)
            if decoded is not None:
                char, i = decoded
                utf16_offset += 2 if ord(char) > 0xFFFF else 1
                need_recheck_utf8 |= 0xD800 <= ord(char) <= 0xDFFF
                out += char.encode("utf-8", "surrogatepass")
                continue
            if strict:
                raise EntityParseError(
                    f'Unescaped "&" at byte offset {i}: escape it as "&amp;" '
                    "(stand-in strict mode; Telegram would show it literally)"
                )
        if c != ord("<"):
            if c & 0xC0 != 0x80:  # first byte of a UTF-8 sequence
                utf16_offset += 2 if c >= 0xF0 else 1
            out.append(c)
            i += 1
            continue

        begin = i
        i += 1
        if at(i) != ord("/"):
            while not is_space(at(i)) and at(i) != ord(">"):
                i += 1
            if at(i) == 0:
                raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
            tag = data[begin + 1 : i].lower().decode("utf-8", "replace")
            if tag not in _SUPPORTED_TAGS:
                raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {begin}')
            argument = ""
            while at(i) != ord(">"):
                while at(i) != 0 and is_space(at(i)):
                    i += 1
                if at(i) == ord(">"):
                    break
                attr_begin = i
                while not is_space(at(i)) and at(i) not in b"=>/\"'":
                    i += 1
                attr_name = data[attr_begin:i]
                if not attr_name:
                    raise EntityParseError(
                        f'Empty attribute name in the tag "{tag}" at byte offset {begin}'
                    )
                while at(i) != 0 and is_space(at(i)):
                    i += 1
                if at(i) != ord("="):
                    if at(i) == 0:
                        raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
                    if tag == "blockquote" and attr_name == b"expandable":
                        argument = "1"
                    continue
                i += 1
                while at(i) != 0 and is_space(at(i)):
                    i += 1
                if at(i) == 0:
                    raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
                if at(i) not in b"\"'":
                    # An unquoted name token: letters, digits, periods, hyphens.
                    token_begin = i
                    while at(i) in _NAME_TOKEN_BYTES:
                        i += 1
                    value = data[token_begin:i].lower().decode("utf-8", "replace")
                    if not is_space(at(i)) and at(i) != ord(">"):
                        raise EntityParseError(
                            f"Unexpected end of name token at byte offset {token_begin}"
                        )
                else:
                    quote = at(i)
                    i += 1
                    raw = bytearray()
                    while at(i) != quote and at(i) != 0:
                        if at(i) == ord("&"):
                            decoded = _decode_html_entity(data, i)
                            if decoded is not None:
                                raw += decoded[0].encode("utf-8", "surrogatepass")
                                i = decoded[1]
                                continue
                            if strict:
                                raise EntityParseError(
                                    f'Unescaped "&" at byte offset {i}: escape it as "&amp;" '
                                    "(stand-in strict mode; Telegram would keep it literally)"
                                )
                        raw.append(at(i))
                        i += 1
                    if at(i) == quote:
                        i += 1
                    value = raw.decode("utf-8", "replace")
                if at(i) == 0:
                    raise EntityParseError(f"Unclosed start tag at byte offset {begin}")

                if tag == "a" and attr_name == b"href":
                    argument = value
                elif tag == "code" and attr_name == b"class" and value.startswith("language-"):
                    argument = value[len("language-") :]
                elif tag == "span" and attr_name == b"class" and value.startswith("tg-"):
                    argument = value[len("tg-") :]
                elif tag == "tg-emoji" and attr_name == b"emoji-id":
                    argument = value
                elif tag == "blockquote" and attr_name == b"expandable":
                    argument = "1"
            if tag == "span" and argument != "spoiler":
                raise EntityParseError(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {begin}'
                )
            stack.append(_OpenTag(tag, argument, utf16_offset, len(out)))
            i += 1  # past '>'
            continue

        # An end tag.
        if not stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {begin}")
        while not is_space(at(i)) and at(i) != ord(">"):
            i += 1
        end_name = data[begin + 2 : i].lower().decode("utf-8", "replace")
        while is_space(at(i)) and at(i) != 0:
            i += 1
        if at(i) != ord(">"):
            raise EntityParseError(f"Unclosed end tag at byte offset {begin}")
        top = stack[-1]
        if end_name and end_name != top.name:
            raise EntityParseError(
                f'Unmatched end tag at byte offset {begin}, expected "</{top.name}>", '
                f'found "</{end_name}>"'
            )
        if utf16_offset > top.utf16_offset:
            _close_tag(top, utf16_offset, bytes(out), entities)
        stack.pop()
        i += 1  # past '>'

    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    try:
        plain = bytes(out).decode("utf-8")
    except UnicodeDecodeError:
        if need_recheck_utf8:
            raise EntityParseError(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            ) from None
        raise EntityParseError("Strings must be encoded in UTF-8") from None
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)  # a language only sticks inside <pre>
    return plain, sort_entities(entities)


def _close_tag(tag: _OpenTag, utf16_offset: int, out: bytes, entities: list[JSONDict]) -> None:
    offset = tag.utf16_offset
    length = utf16_offset - offset
    base: JSONDict = {"offset": offset, "length": length}
    name = tag.name
    last = entities[-1] if entities else None
    same_range = last is not None and last["offset"] == offset and last["length"] == length
    if name in _SIMPLE_TAG_TYPES:
        entities.append({"type": _SIMPLE_TAG_TYPES[name], **base})
    elif name == "tg-emoji":
        try:
            emoji_id = int(tag.argument)
        except ValueError:
            emoji_id = 0
        if emoji_id <= 0 or emoji_id >= 2**63:
            raise EntityParseError("Invalid custom emoji identifier specified")
        entities.append({"type": "custom_emoji", **base, "custom_emoji_id": str(emoji_id)})
    elif name == "a":
        url = tag.argument or out[tag.result_pos :].decode("utf-8", "replace")
        user_id = _link_user_id(url)
        if user_id is not None:
            user = {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}
            entities.append({"type": "text_mention", **base, "user": user})
        else:
            checked = _normalize_link(url)
            if checked is not None:  # Telegram silently drops links it can't use
                entities.append({"type": "text_link", **base, "url": checked})
    elif name == "pre":
        if same_range and last is not None and last["type"] == "code" and last.get("language"):
            last["type"] = "pre"
        else:
            entities.append({"type": "pre", **base})
    elif name == "code":
        if same_range and last is not None and last["type"] == "pre" and tag.argument:
            last["language"] = tag.argument
        else:
            entity = {"type": "code", **base}
            if tag.argument:
                entity["language"] = tag.argument
            entities.append(entity)
    elif name == "blockquote":
        kind = "expandable_blockquote" if tag.argument else "blockquote"
        entities.append({"type": kind, **base})


# --------------------------------------------------------------------------- auto entities


def _utf16_offsets(text: str) -> list[int]:
    """UTF-16 offset of every code point index (plus the end) of ``text``."""
    offsets = [0]
    for ch in text:
        offsets.append(offsets[-1] + (2 if ord(ch) > 0xFFFF else 1))
    return offsets


def find_entities(text: str) -> list[JSONDict]:
    """Entities Telegram detects by itself: bot commands, mentions, hashtags, URLs.

    Ports TDLib's match_bot_commands/match_mentions/match_hashtags; URL detection is
    simplified to explicit ``http(s)://`` links.
    """
    spans: list[tuple[int, int, str]] = []
    n = len(text)

    def char(i: int) -> str:
        return text[i] if 0 <= i < n else ""

    for match in re.finditer("/", text):
        p = match.start()
        prev = char(p - 1)
        if prev and (_is_word_char(prev) or prev in "/<>"):
            continue
        j = p + 1
        while j < n and _is_ascii_word(text[j]):
            j += 1
        if not 1 <= j - p - 1 <= 64:
            continue
        end = j
        if char(j) == "@":
            k = j + 1
            while k < n and _is_ascii_word(text[k]):
                k += 1
            if not 3 <= k - j - 1 <= 32:
                continue
            end = k
        nxt = char(end)
        if nxt and (_is_word_char(nxt) or nxt in "/<>"):
            continue
        spans.append((p, end, "bot_command"))

    for match in re.finditer("@", text):
        p = match.start()
        if p > 0 and _is_word_char(text[p - 1]):
            continue
        j = p + 1
        while j < n and _is_ascii_word(text[j]):
            j += 1
        size = j - p - 1
        if not 2 <= size <= 32 or (j < n and _is_word_char(text[j])):
            continue
        if size >= 4 or text[p + 1 : j].lower() in ("gif", "vid", "pic"):
            spans.append((p, j, "mention"))

    for match in re.finditer("#", text):
        p = match.start()
        if p > 0 and _is_hashtag_letter(text[p - 1]):
            continue
        j = p + 1
        cut: int | None = None
        size = 0
        has_letter = False
        while j < n and _is_hashtag_letter(text[j]):
            j += 1
            if size == 255:
                cut = j
            if size != 256:
                has_letter |= unicodedata.category(text[j - 1]).startswith("L")
                size += 1
        if size < 1 or char(j) == "#" or not has_letter:
            continue
        spans.append((p, cut if cut is not None else j, "hashtag"))

    for match in re.finditer(r"(?i)(?<![\w/@.])https?://[^\s<>\"]+", text):
        start, end = match.span()
        while end > start:
            last = text[end - 1]
            if last in ".,:;!?'\"*" or (
                last in ")]}"
                and text[start:end].count(last) > text[start:end].count("([{"[")]}".index(last)])
            ):
                end -= 1
                continue
            break
        if _normalize_link(text[start:end]) is not None:
            spans.append((start, end, "url"))

    # Like TDLib: sort, then drop any detected entity intersecting an earlier one.
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    offsets = _utf16_offsets(text)
    result: list[JSONDict] = []
    last_end = -1
    for start, end, kind in spans:
        if start < last_end:
            continue
        last_end = end
        result.append(
            {"type": kind, "offset": offsets[start], "length": offsets[end] - offsets[start]}
        )
    return result


def _merge_detected(entities: list[JSONDict], detected: list[JSONDict]) -> list[JSONDict]:
    """Add auto-detected entities that don't collide with explicit ones (TDLib rules)."""
    merged = list(entities)
    for new in detected:
        a0, a1 = new["offset"], new["offset"] + new["length"]
        clash = False
        for old in entities:
            b0, b1 = old["offset"], old["offset"] + old["length"]
            if a0 >= b1 or b0 >= a1 or old["type"] in _SPLITTABLE_TYPES:
                continue
            inside_quote = old["type"] in _BLOCKQUOTE_TYPES and b0 <= a0 and a1 <= b1
            if not inside_quote:
                clash = True
                break
        if not clash:
            merged.append(new)
    return sort_entities(merged)


# --------------------------------------------------------------------------- API errors


class ApiError(Exception):
    """A Bot API error response: ``{"ok": false, "error_code": code, "description": ...}``."""

    def __init__(self, code: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


def _bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


def _finalize_text(text: str, entities: list[JSONDict]) -> tuple[str, list[JSONDict]]:
    """Telegram's fix_formatted_text, the parts that matter: trim, limits, auto entities."""
    entities = [e for e in entities if e["length"] > 0]
    trimmed = text.rstrip(" \n")
    if not trimmed:
        raise _bad_request("message text is empty")
    end16 = utf16_len(trimmed)
    clipped: list[JSONDict] = []
    for entity in entities:
        if entity["offset"] >= end16:
            continue
        entity = dict(entity)
        entity["length"] = min(entity["length"], end16 - entity["offset"])
        clipped.append(entity)
    # Leading spaces/newlines go too, but only up to the first entity.
    first_entity = min((e["offset"] for e in clipped), default=len(trimmed))
    lead = len(trimmed) - len(trimmed.lstrip(" \n"))
    lead = min(lead, first_entity)
    if lead:
        trimmed = trimmed[lead:]
        for entity in clipped:
            entity["offset"] -= lead
    if utf16_len(trimmed) > MAX_MESSAGE_LENGTH:
        raise _bad_request("message is too long")
    return trimmed, _merge_detected(clipped, find_entities(trimmed))


def _validate_entities(text: str, raw: Any) -> list[JSONDict]:
    if not isinstance(raw, list) or not all(isinstance(e, dict) for e in raw):
        raise _bad_request("can't parse entities JSON object")
    total = utf16_len(text)
    result: list[JSONDict] = []
    for entity in raw:
        offset, length, kind = entity.get("offset"), entity.get("length"), entity.get("type")
        if not isinstance(offset, int) or not isinstance(length, int) or not isinstance(kind, str):
            raise _bad_request("can't parse entities JSON object")
        if offset < 0 or length < 0 or offset + length > total:
            raise _bad_request(
                f"can't parse entities: entity beginning at UTF-16 offset {offset} "
                f"ends after the end of the text at UTF-16 offset {offset + length}"
            )
        result.append(dict(entity))
    return sort_entities(result)


def render_message_text(
    text: Any,
    parse_mode: Any = None,
    entities: Any = None,
    *,
    strict_html: bool = True,
) -> tuple[str, list[JSONDict]]:
    """What ``sendMessage`` makes of ``text``: the stored text and entity list.

    Raises :class:`ApiError` with Telegram's description ("Bad Request: can't parse
    entities: ...", "Bad Request: message text is empty", "Bad Request: message is too
    long"). Useful on its own to check a renderer's output.
    """
    if text is None or text == "":
        raise _bad_request("message text is empty")
    if not isinstance(text, str):
        text = json.dumps(text)  # Telegram would read a JSON number as its text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise _bad_request("strings must be encoded in UTF-8") from None
    mode = parse_mode.lower() if isinstance(parse_mode, str) else parse_mode
    if mode in (None, ""):
        found = _validate_entities(text, entities) if entities is not None else []
        plain = text
    elif mode == "html":
        try:
            plain, found = parse_telegram_html(text, strict=strict_html)
        except EntityParseError as exc:
            raise _bad_request(f"can't parse entities: {exc.reason}") from None
    elif mode in ("markdown", "markdownv2"):
        raise _bad_request(f"parse_mode {parse_mode} is not implemented by the test stand-in")
    else:
        raise _bad_request(f"unsupported parse_mode {parse_mode}")
    return _finalize_text(plain, found)


# --------------------------------------------------------------------------- reply markup


_BUTTON_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)  # fmt: skip


def validate_reply_markup(markup: Any) -> JSONDict | None:
    """Validate ``reply_markup``; return the inline keyboard to echo in the Message, if any."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise _bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        # Reply keyboards, ForceReply and ReplyKeyboardRemove aren't echoed in messages.
        if not any(k in markup for k in ("keyboard", "remove_keyboard", "force_reply")):
            raise _bad_request("can't parse reply keyboard markup JSON object")
        return None
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise _bad_request('Field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
    if sum(len(row) for row in rows) > 100:
        raise _bad_request("reply markup is too long")
    for row in rows:
        for button in row:
            _validate_button(button)
    return {"inline_keyboard": copy.deepcopy(rows)}


def _validate_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise _bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
        )
    text = button.get("text")
    if not isinstance(text, str):
        raise _bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    if not text.strip():
        raise _bad_request("BUTTON_TEXT_INVALID")
    actions = [key for key in _BUTTON_ACTIONS if key in button]
    if not actions:
        raise _bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if len(actions) > 1:
        raise _bad_request(
            "can't parse inline keyboard button: exactly one of the optional fields must be "
            f"used, got {', '.join(actions)}"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
            raise _bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        if (
            not isinstance(url, str)
            or not re.match(r"(?i)(https?|tg)://", url)
            or _normalize_link(url) is None
        ):
            raise _bad_request("BUTTON_URL_INVALID")


# --------------------------------------------------------------------------- recording


@dataclass
class Call:
    """One request the bot made. ``error`` is Telegram's description when it failed."""

    index: int
    method: str
    params: JSONDict
    time: float
    result: Any = None
    error: str | None = None
    error_code: int | None = None
    # The client hung up before the answer (e.g. a long poll PTB cancelled on shutdown);
    # such errors reached nobody, so errors() leaves them out.
    abandoned: bool = False
    # A failure the test asked for (inject_error, set_faults): "429", "500", "drop",
    # "slow" (a slow but successful answer). errors() leaves them out too.
    fault: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class _Query:
    kind: str
    answered: bool = False
    answer: JSONDict = field(default_factory=dict)


@dataclass(frozen=True)
class Faults:
    """Random failures of one Bot API method, rolled per call (seeded, see ``set_faults``).

    ``status`` maps an HTTP error code to its probability (429 answers carry a
    ``retry_after`` drawn from ``retry_after``); ``drop`` closes the connection without
    an answer, before the call takes effect; ``slow`` answers only after a delay drawn
    from ``delay`` (the call takes effect at once, as a slow server's would).
    """

    status: tuple[tuple[int, float], ...] = ()
    retry_after: tuple[int, int] = (1, 3)
    drop: float = 0.0
    slow: float = 0.0
    delay: tuple[float, float] = (10.0, 12.0)


class _Dropped(Exception):
    """Close the connection without an answer."""


_STATUS_TEXT = {
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


@dataclass
class _InjectedError:
    method: str
    code: int
    description: str
    parameters: JSONDict | None
    remaining: int


# Parameters whose form-encoded value is a plain string even if it looks like JSON.
_STRING_PARAMS = frozenset(
    {
        "text", "parse_mode", "callback_query_id", "inline_query_id", "inline_message_id",
        "url", "secret_token", "action", "language_code", "next_offset", "caption",
        "description", "short_description", "name", "title", "query", "emoji",
        "ip_address", "business_connection_id", "message_effect_id", "switch_pm_text",
        "switch_pm_parameter", "certificate", "sticker", "photo", "document",
    }
)  # fmt: skip


def _decode_value(key: str, value: str) -> Any:
    # PTB JSON-encodes every non-string parameter (ints, bools, lists, dicts).
    if key in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def decode_request_params(content_type: str, body: bytes, query: str = "") -> JSONDict:
    """Parameters of a Bot API request: query string plus a form, multipart or JSON body."""
    params: JSONDict = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        params[key] = _decode_value(key, value)
    ctype = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return params
    if ctype == "application/json":
        try:
            loaded = json.loads(body)
        except ValueError:
            raise _bad_request("can't parse JSON encoded request body") from None
        if isinstance(loaded, dict):
            params.update(loaded)
    elif ctype == "multipart/form-data":
        head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1")
        message = BytesParser(policy=HTTP).parsebytes(head + body)
        for part in message.walk():
            if part.is_multipart():
                continue
            name = part.get_param("name", header="content-disposition")
            if not isinstance(name, str):
                continue
            payload = part.get_payload(decode=True)
            raw = payload if isinstance(payload, bytes) else b""
            filename = part.get_filename()
            if filename is not None:
                params[name] = {"filename": filename, "size": len(raw)}
            else:
                params[name] = _decode_value(name, raw.decode("utf-8", "replace"))
    else:
        text = body.decode("utf-8", "replace")
        for key, value in parse_qsl(text, keep_blank_values=True):
            params[key] = _decode_value(key, value)
    return params


# --------------------------------------------------------------------------- HTTP server


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stop() must not wait for parked long polls
    allow_reuse_address = True
    standin: BotApiStandIn

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client hanging up (a bot process killed or stopped mid-request) is normal.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like api.telegram.org
    # Headers and body leave in separate writes: with Nagle's algorithm on, the body
    # waits for the client's delayed ACK of the headers (~40 ms a request on Linux).
    disable_nagle_algorithm = True
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.standin._track_connection(self.connection, add=True)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        self.server.standin._track_connection(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean; every call is recorded instead

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def client_gone(self) -> bool:
        """Whether the client closed the connection (it would read EOF)."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            if not readable:
                return False
            return bool(self.connection.recv(1, socket.MSG_PEEK) == b"")
        except (OSError, ValueError):
            return True

    def _handle(self) -> None:
        standin = self.server.standin
        standin._request_started()
        try:
            url = urlsplit(self.path)
            body = self._read_body()
            try:
                status, payload = standin._dispatch(
                    url.path, self.headers.get("Content-Type", ""), body, url.query, self
                )
            except _Dropped:
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                return
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                self.close_connection = True
        finally:
            standin._request_finished()


_PATH_RE = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>[A-Za-z0-9_]+)/?$")
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip
_SCOPE_TYPES = frozenset(
    {
        "default", "all_private_chats", "all_group_chats", "all_chat_administrators",
        "chat", "chat_administrators", "chat_member",
    }
)  # fmt: skip

Predicate = Callable[[Call], bool]


class BotApiStandIn:
    """A fake Bot API server for one bot. See the module docstring.

    Sync methods are thread-safe; ``wait_for`` is the asyncio-friendly waiter for tests
    that run PTB in the test's event loop, ``wait_for_sync`` the blocking one for tests
    that run the bot in a subprocess.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        bot_username: str = DEFAULT_BOT_USERNAME,
        bot_id: int = DEFAULT_BOT_ID,
        *,
        bot_first_name: str = "TanyaBerita",
        port: int = 0,
        strict_html: bool = True,
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        self.bot_id = bot_id
        self.strict_html = strict_html
        self.bot_user: JSONDict = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self._requested_port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._cond = threading.Condition(threading.RLock())
        self._connections: set[socket.socket] = set()
        self._in_flight = 0
        self._stopping = False

        self._calls: list[Call] = []
        self._updates: list[JSONDict] = []
        self._update_ids = itertools.count(1)
        self._chats: dict[int, JSONDict] = {}
        self._users: dict[int, JSONDict] = {}
        self._blocked: set[int] = set()
        self._messages: dict[tuple[int, int], JSONDict] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._bot_message_keys: list[tuple[int, int]] = []
        self._inline_messages: dict[str, JSONDict] = {}
        self._queries: dict[str, _Query] = {}
        self._query_ids = itertools.count(1)
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._webhook: JSONDict = {"url": ""}
        self._allowed_updates: list[str] | None = None
        self._poll_generation = 0
        self._injected: list[_InjectedError] = []
        self._faults: dict[str, Faults] = {}
        self._fault_rng = random.Random(0)

    # ------------------------------------------------------------------ lifecycle

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the stand-in is not running; call start() first")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)`` / ``TELEGRAM_API_BASE_URL``."""
        return f"http://127.0.0.1:{self.port}/bot"

    def start(self) -> None:
        if self._server is not None:
            return
        server = _Server(("127.0.0.1", self._requested_port), _Handler)
        server.standin = self
        self._server = server
        self._stopping = False
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"botapi-standin-{self.port}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        with self._cond:
            self._stopping = True  # releases parked long polls
            self._cond.notify_all()
            # Let released requests write their answers before connections close.
            deadline = time.monotonic() + 2
            while self._in_flight and time.monotonic() < deadline:
                self._cond.wait(0.05)
        server.shutdown()
        server.server_close()
        with self._cond:
            connections = list(self._connections)
        for conn in connections:  # unblock keep-alive handler threads
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if thread is not None:
            thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> BotApiStandIn:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _request_started(self) -> None:
        with self._cond:
            self._in_flight += 1

    def _request_finished(self) -> None:
        with self._cond:
            self._in_flight -= 1
            self._cond.notify_all()

    def _track_connection(self, conn: socket.socket, *, add: bool) -> None:
        with self._cond:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    # ------------------------------------------------------------------ building updates

    def _user(
        self, user_id: int, first_name: str, username: str | None, language_code: str | None
    ) -> JSONDict:
        user: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        return user

    def _chat(
        self,
        chat_type: str,
        chat_id: int | None,
        user: JSONDict | None,
        title: str | None,
        username: str | None = None,
    ) -> JSONDict:
        if chat_type == "private":
            if user is None:
                raise ValueError("a private chat needs a user")
            chat: JSONDict = {
                "id": user["id"] if chat_id is None else chat_id,
                "type": "private",
                "first_name": user["first_name"],
            }
            if user.get("username"):
                chat["username"] = user["username"]
            return chat
        defaults = {
            "group": (DEFAULT_GROUP_ID, "Grup Diskusi Berita"),
            "supergroup": (DEFAULT_SUPERGROUP_ID, "Forum Berita Indonesia"),
            "channel": (DEFAULT_CHANNEL_ID, "Kanal Berita"),
        }
        if chat_type not in defaults:
            raise ValueError(f"unknown chat type {chat_type!r}")
        default_id, default_title = defaults[chat_type]
        chat = {
            "id": default_id if chat_id is None else chat_id,
            "type": chat_type,
            "title": title or default_title,
        }
        if username:
            chat["username"] = username
        return chat

    def _next_message_id(self, chat_id: int) -> int:
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        return next(counter)

    def _reply_copy(self, message: JSONDict) -> JSONDict:
        # Telegram nests only one level of reply_to_message.
        reply = copy.deepcopy(message)
        reply.pop("reply_to_message", None)
        return reply

    def _user_message(
        self,
        *,
        chat_id: int | None,
        chat_type: str,
        user_id: int,
        first_name: str,
        username: str | None,
        chat_title: str | None,
        reply_to_message_id: int | None,
        language_code: str | None = "id",
    ) -> JSONDict:
        user = self._user(user_id, first_name, username, language_code)
        chat = self._chat(chat_type, chat_id, user, chat_title)
        message: JSONDict = {
            "message_id": self._next_message_id(chat["id"]),
            "from": user,
            "chat": chat,
            "date": int(time.time()),
        }
        if reply_to_message_id is not None:
            target = self._messages.get((chat["id"], reply_to_message_id))
            if target is None:
                raise ValueError(
                    f"message {reply_to_message_id} does not exist in chat {chat['id']}"
                )
            message["reply_to_message"] = self._reply_copy(target)
        return message

    def send_text(
        self,
        text: str,
        *,
        chat_id: int | None = None,
        chat_type: str = "private",
        user_id: int = DEFAULT_USER_ID,
        first_name: str = "Budi",
        username: str | None = None,
        reply_to_message_id: int | None = None,
        chat_title: str | None = None,
        language_code: str | None = "id",
    ) -> JSONDict:
        """Queue a text message from a user; returns the queued Update.

        ``chat_id`` defaults to the user's id (private) or a fixed group/supergroup id.
        Entities (bot_command, mention, hashtag, url) are detected as Telegram would.
        """
        with self._cond:
            message = self._user_message(
                chat_id=chat_id,
                chat_type=chat_type,
                user_id=user_id,
                first_name=first_name,
                username=username,
                chat_title=chat_title,
                reply_to_message_id=reply_to_message_id,
                language_code=language_code,
            )
            message["text"] = text
            entities = find_entities(text)
            if entities:
                message["entities"] = entities
            return self.queue_update({"message": message})

    def send_sticker(
        self,
        *,
        emoji: str = "👍",
        chat_id: int | None = None,
        chat_type: str = "private",
        user_id: int = DEFAULT_USER_ID,
        first_name: str = "Budi",
        username: str | None = None,
    ) -> JSONDict:
        """Queue a sticker message (a non-text message the bot should ignore)."""
        with self._cond:
            message = self._user_message(
                chat_id=chat_id,
                chat_type=chat_type,
                user_id=user_id,
                first_name=first_name,
                username=username,
                chat_title=None,
                reply_to_message_id=None,
            )
            unique = f"AgAD{message['chat']['id'] & 0xFFFF:04x}{message['message_id']:04d}"
            message["sticker"] = {
                "file_id": f"CAACAgIAAxkBAAE{unique}",
                "file_unique_id": unique,
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": emoji,
                "file_size": 23456,
            }
            return self.queue_update({"message": message})

    def send_edited_message(
        self,
        text: str,
        *,
        message_id: int | None = None,
        chat_id: int | None = None,
        chat_type: str = "private",
        user_id: int = DEFAULT_USER_ID,
        first_name: str = "Budi",
        username: str | None = None,
    ) -> JSONDict:
        """Queue an ``edited_message`` update for one of the user's earlier messages.

        ``message_id`` defaults to the user's latest message in that chat.
        """
        with self._cond:
            user = self._user(user_id, first_name, username, "id")
            chat = self._chat(chat_type, chat_id, user, None)
            if message_id is None:
                own = [
                    mid
                    for (cid, mid), msg in self._messages.items()
                    if cid == chat["id"] and msg.get("from", {}).get("id") == user_id
                ]
                if not own:
                    raise ValueError(f"user {user_id} has no message in chat {chat['id']} to edit")
                message_id = max(own)
            original = self._messages.get((chat["id"], message_id))
            if original is None:
                raise ValueError(f"message {message_id} does not exist in chat {chat['id']}")
            edited = copy.deepcopy(original)
            edited["text"] = text
            edited["edit_date"] = max(int(time.time()), edited["date"] + 1)
            edited.pop("entities", None)
            entities = find_entities(text)
            if entities:
                edited["entities"] = entities
            return self.queue_update({"edited_message": edited})

    def send_channel_post(
        self,
        text: str,
        *,
        chat_id: int = DEFAULT_CHANNEL_ID,
        chat_title: str = "Kanal Berita",
        chat_username: str | None = "kanalberita",
    ) -> JSONDict:
        """Queue a ``channel_post`` (the bot is a channel admin; it should ignore these)."""
        with self._cond:
            chat = self._chat("channel", chat_id, None, chat_title, chat_username)
            message: JSONDict = {
                "message_id": self._next_message_id(chat["id"]),
                "sender_chat": chat,
                "chat": chat,
                "date": int(time.time()),
                "text": text,
            }
            entities = find_entities(text)
            if entities:
                message["entities"] = entities
            return self.queue_update({"channel_post": message})

    def send_callback(
        self,
        *,
        message_id: int | None = None,
        chat_id: int | None = None,
        data: str,
        user_id: int = DEFAULT_USER_ID,
        chat_type: str = "private",
        first_name: str = "Budi",
        username: str | None = None,
        inline_message_id: str | None = None,
    ) -> JSONDict:
        """Queue a ``callback_query``: the user pressed a button with ``data``.

        Normally on one of the bot's messages (``message_id``/``chat_id``); a message id
        the bot never sent yields an *inaccessible* message (``date`` 0), which is what a
        forged or stale press looks like. With ``inline_message_id`` the press is on an
        inline-mode message instead.
        """
        with self._cond:
            user = self._user(user_id, first_name, username, "id")
            query_id = f"{next(self._query_ids)}{user_id % 10**6:06d}"
            query: JSONDict = {"id": query_id, "from": user}
            if inline_message_id is not None:
                self._inline_messages.setdefault(inline_message_id, {})
                query["inline_message_id"] = inline_message_id
                query["chat_instance"] = f"-{abs(hash(inline_message_id)) % 10**18}"
            else:
                if message_id is None:
                    raise ValueError("send_callback needs message_id or inline_message_id")
                if chat_id is None:
                    chat = self._chat(chat_type, None, user, None)
                else:
                    chat = self._chats.get(chat_id) or self._chat(chat_type, chat_id, user, None)
                stored = self._messages.get((chat["id"], message_id))
                if stored is not None:
                    query["message"] = copy.deepcopy(stored)
                else:
                    query["message"] = {"message_id": message_id, "chat": chat, "date": 0}
                query["chat_instance"] = f"{abs(chat['id']) * 7919 % 10**18}"
            query["data"] = data
            self._queries[query_id] = _Query("callback")
            return self.queue_update({"callback_query": query})

    def send_inline_query(
        self,
        query: str,
        *,
        user_id: int = DEFAULT_USER_ID,
        first_name: str = "Budi",
        username: str | None = None,
        offset: str = "",
        chat_type: str | None = "sender",
    ) -> JSONDict:
        """Queue an ``inline_query`` (the user typed ``@bot query`` somewhere)."""
        with self._cond:
            user = self._user(user_id, first_name, username, "id")
            query_id = f"{next(self._query_ids)}{user_id % 10**6:06d}"
            inline: JSONDict = {"id": query_id, "from": user, "query": query, "offset": offset}
            if chat_type is not None:
                inline["chat_type"] = chat_type
            self._queries[query_id] = _Query("inline")
            return self.queue_update({"inline_query": inline})

    def queue_update(self, update: JSONDict) -> JSONDict:
        """Queue a raw Update (``update_id`` is assigned when missing); returns it.

        Chats, users and messages it mentions become known, so the bot may answer.
        """
        with self._cond:
            update = copy.deepcopy(update)
            if "update_id" not in update:
                update["update_id"] = next(self._update_ids)
            self._learn(update)
            self._updates.append(update)
            self._cond.notify_all()
            return copy.deepcopy(update)

    def _learn(self, obj: Any) -> None:
        if isinstance(obj, list):
            for item in obj:
                self._learn(item)
            return
        if not isinstance(obj, dict):
            return
        for key, value in obj.items():
            if key == "chat" and isinstance(value, dict) and "id" in value and "type" in value:
                self._chats.setdefault(value["id"], copy.deepcopy(value))
            elif key == "from" and isinstance(value, dict) and not value.get("is_bot"):
                self._users.setdefault(value["id"], copy.deepcopy(value))
            self._learn(value)
        if {"message_id", "chat", "date"} <= obj.keys() and obj["date"]:
            key = (obj["chat"]["id"], obj["message_id"])
            stored = copy.deepcopy(obj)
            if key in self._messages and "edit_date" not in obj:
                return
            self._messages[key] = stored
            counter = self._message_ids.setdefault(key[0], itertools.count(1))
            # Keep auto-assigned ids above raw ones a test queued itself.
            peek = next(counter)
            self._message_ids[key[0]] = itertools.count(max(peek, key[1] + 1))

    # ------------------------------------------------------------------ test controls

    def add_chat(self, chat: JSONDict) -> None:
        """Make a chat known without an update (e.g. a chat the bot posts to)."""
        with self._cond:
            self._chats[chat["id"]] = copy.deepcopy(chat)

    def set_blocked(self, user_id: int, blocked: bool = True) -> None:
        """Simulate the user blocking the bot: sends then fail with 403 Forbidden."""
        with self._cond:
            if blocked:
                self._blocked.add(user_id)
            else:
                self._blocked.discard(user_id)

    def inject_error(
        self,
        method: str,
        *,
        code: int = 429,
        description: str | None = None,
        retry_after: int | None = None,
        count: int = 1,
    ) -> None:
        """Make the next ``count`` calls of ``method`` fail (e.g. 429 flood control)."""
        if description is None:
            description = (
                f"Too Many Requests: retry after {retry_after or 1}"
                if code == 429
                else "Internal Server Error"
            )
        parameters = None
        if code == 429:
            parameters = {"retry_after": retry_after or 1}
        with self._cond:
            self._injected.append(
                _InjectedError(method.lower(), code, description, parameters, count)
            )

    def set_faults(self, method: str, faults: Faults | None, *, seed: int = 0) -> None:
        """Fail ``method`` at random from now on (None: stop). Seeded, so a run repeats
        (given the same order of calls)."""
        with self._cond:
            if faults is None:
                self._faults.pop(method.lower(), None)
            else:
                self._faults[method.lower()] = faults
            self._fault_rng = random.Random(seed)

    def fault_counts(self) -> dict[str, int]:
        """How many calls each kind of fault hit so far ("429", "500", "drop", "slow")."""
        with self._cond:
            counts: dict[str, int] = {}
            for call in self._calls:
                if call.fault is not None:
                    counts[call.fault] = counts.get(call.fault, 0) + 1
            return counts

    def _roll_fault(self, method: str) -> tuple[str | None, ApiError | None, float]:
        """(fault kind, error to answer with, delay) for one call; under the lock."""
        faults = self._faults.get(method.lower())
        if faults is None:
            return None, None, 0.0
        rng = self._fault_rng
        roll = rng.random()
        for code, probability in faults.status:
            if roll < probability:
                parameters = None
                retry_after = rng.randint(*faults.retry_after)
                if code == 429:
                    parameters = {"retry_after": retry_after}
                text = _STATUS_TEXT.get(code, "Internal Server Error")
                return (
                    str(code),
                    ApiError(code, text.format(retry_after=retry_after), parameters),
                    0.0,
                )
            roll -= probability
        if roll < faults.drop:
            return "drop", None, 0.0
        roll -= faults.drop
        if roll < faults.slow:
            return "slow", None, rng.uniform(*faults.delay)
        return None, None, 0.0

    # ------------------------------------------------------------------ observing

    def calls(self, method: str | None = None) -> list[Call]:
        """Recorded requests in completion order, optionally of one method."""
        with self._cond:
            if method is None:
                return list(self._calls)
            wanted = method.lower()
            return [c for c in self._calls if c.method.lower() == wanted]

    def mark(self) -> int:
        """The current number of calls: pass as ``after=`` to wait only for newer ones."""
        with self._cond:
            return len(self._calls)

    def errors(self) -> list[Call]:
        """Calls answered with an error the bot received. Tests usually assert ``== []``."""
        with self._cond:
            return [c for c in self._calls if not c.ok and not c.abandoned and c.fault is None]

    def bot_messages(self, chat_id: int | None = None) -> list[JSONDict]:
        """Messages the bot sent (current state, after edits), oldest first."""
        with self._cond:
            return [
                copy.deepcopy(self._messages[key])
                for key in self._bot_message_keys
                if chat_id is None or key[0] == chat_id
            ]

    def message(self, chat_id: int, message_id: int) -> JSONDict | None:
        """Current state of any known message (the user's or the bot's)."""
        with self._cond:
            found = self._messages.get((chat_id, message_id))
            return copy.deepcopy(found) if found is not None else None

    def pending_updates(self) -> int:
        """Updates queued but not yet confirmed by a getUpdates ``offset``."""
        with self._cond:
            return len(self._updates)

    def commands(self, scope: JSONDict | None = None, language_code: str = "") -> list[JSONDict]:
        """The command list set for a scope (default scope when None) and language."""
        with self._cond:
            key = (_scope_key(scope), language_code)
            return copy.deepcopy(self._commands.get(key, []))

    def query_answer(self, query_id: str) -> JSONDict | None:
        """The parameters of the answer to a callback or inline query, if answered."""
        with self._cond:
            query = self._queries.get(query_id)
            return copy.deepcopy(query.answer) if query and query.answered else None

    def _find_call(
        self, method: str, predicate: Predicate | None, after: int, include_errors: bool
    ) -> Call | None:
        wanted = method.lower()
        for call in self._calls[after:]:
            if call.method.lower() != wanted or (not call.ok and not include_errors):
                continue
            if predicate is None or predicate(call):
                return call
        return None

    def _timeout_message(self, method: str, after: int, timeout: float) -> str:
        lines = [f"no matching {method} call within {timeout:g}s (after index {after}); calls:"]
        polls = 0
        for call in self._calls:
            if call.method.lower() == "getupdates" and call.ok:
                polls += 1
                continue
            outcome = "ok" if call.ok else f"{call.error_code} {call.error}"
            params = json.dumps(call.params, ensure_ascii=False)
            lines.append(f"  #{call.index} {call.method} {params[:300]} -> {outcome}")
        lines.append(f"  (+{polls} successful getUpdates)")
        return "\n".join(lines)

    async def wait_for(
        self,
        method: str,
        predicate: Predicate | None = None,
        *,
        timeout: float = 10.0,  # noqa: ASYNC109 - a deadline, not a cancellation scope
        after: int = 0,
        include_errors: bool = False,
    ) -> Call:
        """Wait (without blocking the event loop) for a matching call after index ``after``.

        Only successful calls match unless ``include_errors``. Raises AssertionError,
        listing every call, on timeout.
        """
        deadline = time.monotonic() + timeout
        while True:
            with self._cond:
                found = self._find_call(method, predicate, after, include_errors)
                if found is not None:
                    return found
                if time.monotonic() >= deadline:
                    raise AssertionError(self._timeout_message(method, after, timeout))
            await asyncio.sleep(0.01)

    def wait_for_sync(
        self,
        method: str,
        predicate: Predicate | None = None,
        *,
        timeout: float = 10.0,
        after: int = 0,
        include_errors: bool = False,
    ) -> Call:
        """Blocking twin of :meth:`wait_for`, e.g. for a bot running in a subprocess."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = self._find_call(method, predicate, after, include_errors)
                if found is not None:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(self._timeout_message(method, after, timeout))
                self._cond.wait(min(remaining, 0.1))

    # ------------------------------------------------------------------ dispatch

    def _dispatch(
        self, path: str, content_type: str, body: bytes, query: str, handler: _Handler
    ) -> tuple[int, JSONDict]:
        started = time.time()
        fault: str | None = None
        match = _PATH_RE.match(path)
        method = match.group("method") if match else path
        params: JSONDict = {}
        result: Any = None
        try:
            if match is None:
                raise ApiError(404, "Not Found")
            params = decode_request_params(content_type, body, query)
            if match.group("token") != self.token:
                raise ApiError(401, "Unauthorized")
            implementation = self._methods.get(method.lower())
            if implementation is None and method.lower() != "getupdates":
                raise ApiError(404, "Not Found")
            with self._cond:
                fault, fault_error, delay = self._roll_fault(method)
                if fault_error is not None:
                    raise fault_error
                if fault != "drop":
                    injected = self._take_injected(method)
                    if injected is not None:
                        fault = str(injected.code)
                        raise injected
                    if implementation is not None:
                        result = implementation(self, params)
            if fault == "drop":
                raise _Dropped
            if delay:
                time.sleep(delay)
            if implementation is None:
                # Outside the lock: a long poll parks on the condition instead.
                result = self._get_updates(params, handler)
            error: ApiError | None = None
        except ApiError as exc:
            error = exc
        except _Dropped:
            error = ApiError(0, "connection dropped")
        except Exception as exc:  # a stand-in bug must not look like a network failure
            error = ApiError(500, f"Internal Server Error: stand-in failed: {exc!r}")
        abandoned = False
        if method.lower() == "getupdates" or (error is not None and error.code == 409):
            abandoned = handler.client_gone()
        with self._cond:
            call = Call(
                index=len(self._calls),
                method=method,
                params=params,
                time=started,
                result=copy.deepcopy(result) if error is None else None,
                error=error.description if error else None,
                error_code=error.code if error else None,
                abandoned=abandoned,
                fault=fault,
            )
            self._calls.append(call)
            self._cond.notify_all()
        if fault == "drop":
            raise _Dropped
        if error is not None:
            payload: JSONDict = {
                "ok": False,
                "error_code": error.code,
                "description": error.description,
            }
            if error.parameters:
                payload["parameters"] = error.parameters
            return error.code, payload
        return 200, {"ok": True, "result": result}

    def _take_injected(self, method: str) -> ApiError | None:
        for injected in self._injected:
            if injected.method == method.lower() and injected.remaining > 0:
                injected.remaining -= 1
                return ApiError(injected.code, injected.description, injected.parameters)
        return None

    # ------------------------------------------------------------------ lookups

    def _require_chat(self, chat_id: Any) -> JSONDict:
        if chat_id is None or chat_id == "":
            raise _bad_request("chat_id is empty")
        if isinstance(chat_id, str):
            if chat_id.startswith("@"):
                for known in self._chats.values():
                    if known.get("username", "").lower() == chat_id[1:].lower():
                        return known
                raise _bad_request("chat not found")
            try:
                chat_id = int(chat_id)
            except ValueError:
                raise _bad_request("chat not found") from None
        if not isinstance(chat_id, int) or isinstance(chat_id, bool):
            raise _bad_request("chat not found")
        chat = self._chats.get(chat_id)
        if chat is None:
            if chat_id in self._users:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
            raise _bad_request("chat not found")
        if chat["type"] == "private" and chat_id in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    @staticmethod
    def _int_param(params: JSONDict, name: str, *, required: bool = True) -> int | None:
        value = params.get(name)
        if value is None:
            if required:
                raise _bad_request(f"{name} is empty")
            return None
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise _bad_request(f"wrong parameter {name} in request")
        try:
            return int(value)
        except ValueError:
            raise _bad_request(f"wrong parameter {name} in request") from None

    def _reply_target(self, chat: JSONDict, params: JSONDict) -> JSONDict | None:
        reply_parameters = params.get("reply_parameters")
        if reply_parameters is not None:
            if not isinstance(reply_parameters, dict) or "message_id" not in reply_parameters:
                raise _bad_request("can't parse reply parameters JSON object")
            target_chat = chat
            if reply_parameters.get("chat_id") not in (None, chat["id"]):
                target_chat = self._require_chat(reply_parameters["chat_id"])
            message_id = self._int_param(reply_parameters, "message_id")
            allow = bool(reply_parameters.get("allow_sending_without_reply", False))
        elif params.get("reply_to_message_id") is not None:
            target_chat = chat
            message_id = self._int_param(params, "reply_to_message_id")
            allow = bool(params.get("allow_sending_without_reply", False))
        else:
            return None
        target = self._messages.get((target_chat["id"], message_id or 0))
        if target is None:
            if allow:
                return None
            raise _bad_request("message to be replied not found")
        return self._reply_copy(target)

    def _edit_target(self, params: JSONDict) -> tuple[JSONDict, bool]:
        """The message an edit method addresses, and whether it is an inline message."""
        inline_id = params.get("inline_message_id")
        if inline_id:
            inline = self._inline_messages.get(str(inline_id))
            if inline is None:
                raise _bad_request("MESSAGE_ID_INVALID")
            return inline, True
        if params.get("chat_id") is None and params.get("message_id") is None:
            raise _bad_request("message identifier is not specified")
        chat = self._require_chat(params.get("chat_id"))
        message_id = self._int_param(params, "message_id")
        message = self._messages.get((chat["id"], message_id or 0))
        if message is None:
            raise _bad_request("message to edit not found")
        if message.get("from", {}).get("id") != self.bot_id:
            raise _bad_request("message can't be edited")
        return message, False

    # ------------------------------------------------------------------ methods

    def _render(self, params: JSONDict, text_key: str = "text") -> tuple[str, list[JSONDict]]:
        return render_message_text(
            params.get(text_key),
            params.get("parse_mode"),
            params.get("entities"),
            strict_html=self.strict_html,
        )

    def _m_get_me(self, params: JSONDict) -> Any:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _m_send_message(self, params: JSONDict) -> Any:
        chat = self._require_chat(params.get("chat_id"))
        text, entities = self._render(params)
        markup = validate_reply_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat, params)
        message: JSONDict = {
            "message_id": self._next_message_id(chat["id"]),
            "from": copy.deepcopy(self.bot_user),
            "chat": copy.deepcopy(chat),
            "date": int(time.time()),
        }
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        message["text"] = text
        if entities:
            message["entities"] = entities
        preview = params.get("link_preview_options")
        if isinstance(preview, dict) and preview:
            message["link_preview_options"] = copy.deepcopy(preview)
        if markup is not None:
            message["reply_markup"] = markup
        key = (chat["id"], message["message_id"])
        self._messages[key] = message
        self._bot_message_keys.append(key)
        return copy.deepcopy(message)

    def _m_send_photo(self, params: JSONDict) -> Any:
        """An uploaded photo (multipart), recorded by its size; the caption is parsed as text."""
        chat = self._require_chat(params.get("chat_id"))
        photo = params.get("photo")
        if not isinstance(photo, dict) or not photo.get("size"):
            raise _bad_request("there is no photo in the request")
        message_id = self._next_message_id(chat["id"])
        message: JSONDict = {
            "message_id": message_id,
            "from": copy.deepcopy(self.bot_user),
            "chat": copy.deepcopy(chat),
            "date": int(time.time()),
            "photo": [
                {
                    "file_id": f"photo-{chat['id']}-{message_id}",
                    "file_unique_id": f"p{chat['id']}{message_id}",
                    "width": 800,
                    "height": 400,
                    "file_size": photo["size"],
                }
            ],
        }
        if params.get("caption"):
            caption, entities = self._render(params, "caption")
            message["caption"] = caption
            if entities:
                message["caption_entities"] = entities
        key = (chat["id"], message_id)
        self._messages[key] = message
        self._bot_message_keys.append(key)
        return copy.deepcopy(message)

    def _m_edit_message_text(self, params: JSONDict) -> Any:
        message, inline = self._edit_target(params)
        text, entities = self._render(params)
        markup = validate_reply_markup(params.get("reply_markup"))
        unchanged = (
            message.get("text") == text
            and message.get("entities", []) == entities
            and message.get("reply_markup") == markup
        )
        if unchanged:
            raise _bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        message["text"] = text
        message.pop("entities", None)
        if entities:
            message["entities"] = entities
        # Like Telegram: an edit without reply_markup removes the inline keyboard.
        message.pop("reply_markup", None)
        if markup is not None:
            message["reply_markup"] = markup
        if inline:
            return True
        message["edit_date"] = max(int(time.time()), message["date"])
        return copy.deepcopy(message)

    def _m_edit_message_reply_markup(self, params: JSONDict) -> Any:
        message, inline = self._edit_target(params)
        markup = validate_reply_markup(params.get("reply_markup"))
        if "text" in message and message.get("reply_markup") == markup:
            raise _bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        message.pop("reply_markup", None)
        if markup is not None:
            message["reply_markup"] = markup
        if inline:
            return True
        message["edit_date"] = max(int(time.time()), message["date"])
        return copy.deepcopy(message)

    def _take_query(self, query_id: Any, kind: str) -> _Query:
        query = self._queries.get(str(query_id)) if query_id is not None else None
        if query is None or query.kind != kind or query.answered:
            raise _bad_request(QUERY_TOO_OLD.removeprefix("Bad Request: "))
        return query

    def _m_answer_callback_query(self, params: JSONDict) -> Any:
        query = self._take_query(params.get("callback_query_id"), "callback")
        text = params.get("text")
        if isinstance(text, str) and len(text) > 200:
            raise _bad_request("MESSAGE_TOO_LONG")
        query.answered = True
        query.answer = copy.deepcopy(params)
        return True

    def _m_answer_inline_query(self, params: JSONDict) -> Any:
        query = self._take_query(params.get("inline_query_id"), "inline")
        results = params.get("results")
        if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
            raise _bad_request("can't parse inline query results JSON object")
        if len(results) > MAX_INLINE_RESULTS:
            raise _bad_request("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            result_id = result.get("id")
            if not isinstance(result_id, str) or not 1 <= len(result_id.encode("utf-8")) <= 64:
                raise _bad_request("RESULT_ID_INVALID")
            if result_id in seen:
                raise _bad_request("RESULT_ID_DUPLICATE")
            seen.add(result_id)
            self._validate_inline_result(result)
        next_offset = params.get("next_offset")
        if isinstance(next_offset, str) and len(next_offset.encode("utf-8")) > 64:
            raise _bad_request("NEXT_OFFSET_INVALID")
        query.answered = True
        query.answer = copy.deepcopy(params)
        return True

    def _validate_inline_result(self, result: JSONDict) -> None:
        kind = result.get("type")
        if not isinstance(kind, str):
            raise _bad_request(
                'can\'t parse InlineQueryResult: Field "type" must be of type String'
            )
        content = result.get("input_message_content")
        if kind == "article":
            if not isinstance(result.get("title"), str) or not result["title"]:
                raise _bad_request(
                    'can\'t parse InlineQueryResultArticle: Field "title" must be of type String'
                )
            if not isinstance(content, dict):
                raise _bad_request(
                    "can't parse InlineQueryResultArticle: "
                    'Field "input_message_content" must be of type Object'
                )
        if isinstance(content, dict) and "message_text" in content:
            self._render(content, "message_text")
        elif content is not None and not isinstance(content, dict):
            raise _bad_request("can't parse InputMessageContent JSON object")
        validate_reply_markup(result.get("reply_markup"))

    def _m_set_my_commands(self, params: JSONDict) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list) or not all(isinstance(c, dict) for c in commands):
            raise _bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad_request("too many commands specified")
        cleaned = []
        for command in commands:
            name, description = command.get("command"), command.get("description")
            if not isinstance(name, str) or not _COMMAND_RE.match(name):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": description})
        key = self._commands_key(params)
        if cleaned:
            self._commands[key] = cleaned
        else:
            self._commands.pop(key, None)
        return True

    def _commands_key(self, params: JSONDict) -> tuple[str, str]:
        scope = params.get("scope")
        if scope is not None and (
            not isinstance(scope, dict) or scope.get("type") not in _SCOPE_TYPES
        ):
            raise _bad_request("can't parse BotCommandScope JSON object")
        if isinstance(scope, dict) and "chat_id" in scope:
            self._require_chat(scope["chat_id"])
        language = params.get("language_code") or ""
        if not isinstance(language, str) or (language and not re.fullmatch(r"[a-z]{2}", language)):
            raise _bad_request("invalid language code specified")
        return _scope_key(scope), language

    def _m_get_my_commands(self, params: JSONDict) -> Any:
        return copy.deepcopy(self._commands.get(self._commands_key(params), []))

    def _m_delete_my_commands(self, params: JSONDict) -> Any:
        self._commands.pop(self._commands_key(params), None)
        return True

    def _m_send_chat_action(self, params: JSONDict) -> Any:
        self._require_chat(params.get("chat_id"))
        if params.get("action") not in _CHAT_ACTIONS:
            raise _bad_request("wrong parameter action in request")
        return True

    def _m_delete_webhook(self, params: JSONDict) -> Any:
        self._webhook = {"url": ""}
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _m_set_webhook(self, params: JSONDict) -> Any:
        url = params.get("url") or ""
        if not isinstance(url, str):
            raise _bad_request("bad webhook: Failed to resolve host: Name or service not known")
        if url and not url.lower().startswith("https://"):
            raise _bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self._webhook = {"url": url}
        if isinstance(params.get("allowed_updates"), list):
            self._allowed_updates = list(params["allowed_updates"])
        return True

    def _m_get_webhook_info(self, params: JSONDict) -> Any:
        info: JSONDict = {
            "url": self._webhook["url"],
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self._webhook["url"]:
            info["max_connections"] = 40
            if self._allowed_updates is not None:
                info["allowed_updates"] = list(self._allowed_updates)
        return info

    def _m_true(self, params: JSONDict) -> Any:
        return True

    _methods: ClassVar[dict[str, Callable[[BotApiStandIn, JSONDict], Any]]] = {
        "getme": _m_get_me,
        "sendmessage": _m_send_message,
        "sendphoto": _m_send_photo,
        "editmessagetext": _m_edit_message_text,
        "editmessagereplymarkup": _m_edit_message_reply_markup,
        "answercallbackquery": _m_answer_callback_query,
        "answerinlinequery": _m_answer_inline_query,
        "setmycommands": _m_set_my_commands,
        "getmycommands": _m_get_my_commands,
        "deletemycommands": _m_delete_my_commands,
        "sendchataction": _m_send_chat_action,
        "deletewebhook": _m_delete_webhook,
        "setwebhook": _m_set_webhook,
        "getwebhookinfo": _m_get_webhook_info,
        "close": _m_true,
        "logout": _m_true,
    }

    # ------------------------------------------------------------------ long polling

    def _deliverable(self, limit: int) -> list[JSONDict]:
        allowed = self._allowed_updates
        batch = []
        for update in list(self._updates):
            kind = next((k for k in update if k != "update_id"), "")
            wanted = kind not in _OPT_IN_UPDATES if not allowed else kind in allowed
            if not wanted:
                self._updates.remove(update)  # Telegram never queues unwanted kinds
                continue
            batch.append(copy.deepcopy(update))
            if len(batch) >= limit:
                break
        return batch

    def _get_updates(self, params: JSONDict, handler: _Handler) -> list[JSONDict]:
        offset = self._int_param(params, "offset", required=False)
        limit = self._int_param(params, "limit", required=False) or 100
        limit = max(1, min(limit, 100))
        raw_timeout = params.get("timeout") or 0
        if not isinstance(raw_timeout, int | float) or isinstance(raw_timeout, bool):
            raise _bad_request("wrong parameter timeout in request")
        timeout = min(max(float(raw_timeout), 0.0), MAX_LONG_POLL_SECONDS)
        allowed = params.get("allowed_updates")
        deadline = time.monotonic() + timeout
        with self._cond:
            if self._webhook["url"]:
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                )
            # A newer poll terminates an older one, as on Telegram.
            self._poll_generation += 1
            generation = self._poll_generation
            self._cond.notify_all()
            if isinstance(allowed, list):
                self._allowed_updates = [str(kind) for kind in allowed]
            if offset is not None:
                if offset < 0:
                    del self._updates[: max(len(self._updates) + offset, 0)]
                else:
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while True:
                if self._stopping:
                    return []
                if generation != self._poll_generation:
                    raise ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; "
                        "make sure that only one bot instance is running",
                    )
                batch = self._deliverable(limit)
                remaining = deadline - time.monotonic()
                if batch or remaining <= 0:
                    return batch
                self._cond.wait(min(remaining, 0.5))
                if handler.client_gone():
                    return []


def _scope_key(scope: JSONDict | None) -> str:
    return json.dumps(scope or {"type": "default"}, sort_keys=True)


def iter_text_entities(message: JSONDict) -> Iterator[tuple[JSONDict, str]]:
    """(entity, covered text) pairs of a Bot API message dict, for assertions."""
    text = message.get("text", "")
    for entity in message.get("entities", []):
        yield entity, utf16_slice(text, entity["offset"], entity["length"])
