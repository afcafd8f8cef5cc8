"""Webhook hardening for PTB's Tornado webhook server.

PTB's handler reads the whole body (Tornado allows 100 MB) before it checks the
secret-token header. This handler streams the body instead: the secret token and
the declared size are checked on the headers alone, and the body is capped at
``MAX_BODY`` bytes (Telegram's updates are a few kilobytes).
"""

from __future__ import annotations

import hmac
from http import HTTPStatus
from typing import Any

import tornado.web
from telegram.ext._utils import webhookhandler

MAX_BODY = 1024 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@tornado.web.stream_request_body
class GuardedTelegramHandler(webhookhandler.TelegramHandler):
    def prepare(self) -> None:
        """Runs on the headers, before any of the body is read."""
        expected = self.secret_token or ""
        given = self.request.headers.get(SECRET_HEADER, "")
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        declared = self.request.headers.get("Content-Length")
        if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        connection = self.request.connection
        if connection is not None and hasattr(connection, "set_max_body_size"):
            connection.set_max_body_size(MAX_BODY)  # chunked bodies too
        self._chunks: list[bytes] = []
        self._size = 0

    def data_received(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if self._size > MAX_BODY:
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        self._chunks.append(chunk)

    async def post(self) -> None:
        self.request.body = b"".join(self._chunks)
        await super().post()


class GuardedWebhookApp(webhookhandler.WebhookAppClass):
    """PTB's webhook application with :class:`GuardedTelegramHandler`."""

    def __init__(self, webhook_path: str, bot: Any, update_queue: Any, secret_token: Any) -> None:
        self.shared_objects = {
            "bot": bot,
            "update_queue": update_queue,
            "secret_token": secret_token,
        }
        handlers = [(rf"{webhook_path}/?", GuardedTelegramHandler, self.shared_objects)]
        tornado.web.Application.__init__(self, handlers)


def install() -> None:
    """Make PTB's Updater build :class:`GuardedWebhookApp` (it looks the class up by
    name in its module when the webhook starts)."""
    from telegram.ext import _updater

    setattr(_updater, "WebhookAppClass", GuardedWebhookApp)  # noqa: B010 - private name
