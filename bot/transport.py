"""The bot's HTTP transport to the Bot API: PTB's request interface over aiohttp.

PTB's default ``HTTPXRequest`` costs about 2 ms of CPU per Bot API call (httpx's
anyio layers, and a liveness probe of every pooled connection per request); this
``BaseRequest`` does the same job over an aiohttp session for about 0.5 ms
(``bench/bot_throughput.py``, issue #10). Everything above it is unchanged:
PTB still builds the requests and parses the answers, ``bot.sending`` still
retries and paces them.

Failures map to PTB's errors exactly as ``HTTPXRequest`` maps httpx's, which is
what ``bot.sending`` classifies: a timeout is ``TimedOut``, any other transport
failure (refused, reset, dropped connection) is ``NetworkError``.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# HTTPXRequest's defaults (seconds), except read, which the bot sets.
CONNECT_TIMEOUT = 5.0
WRITE_TIMEOUT = 5.0
POOL_TIMEOUT = 1.0
MEDIA_WRITE_TIMEOUT = 20.0


_JSON = {"Content-Type": "application/json"}


def _form(fields: dict[str, str], files: dict[str, Any]) -> aiohttp.FormData:
    """A multipart body: the parameters as PTB encodes them, and the files."""
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    for name, (filename, content, *rest) in files.items():
        kind = rest[0] if rest else "application/octet-stream"
        form.add_field(name, content, filename=filename, content_type=kind)
    return form


def _seconds(value: Any, default: float | None) -> float | None:
    """A timeout argument: PTB's DEFAULT_NONE means "this request's default"."""
    return default if isinstance(value, DefaultValue) else value


class AiohttpRequest(BaseRequest):
    """One aiohttp session with up to ``connection_pool_size`` connections."""

    def __init__(
        self,
        *,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        connect_timeout: float | None = CONNECT_TIMEOUT,
        write_timeout: float | None = WRITE_TIMEOUT,
        pool_timeout: float | None = POOL_TIMEOUT,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read = read_timeout
        self._connect = connect_timeout
        self._write = write_timeout
        self._pool = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, limit_per_host=0)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}
            )

    async def shutdown(self) -> None:
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    def _timeout(
        self, read: Any, write: Any, connect: Any, pool: Any, *, files: bool
    ) -> aiohttp.ClientTimeout:
        read_s = _seconds(read, self._read)
        write_s = _seconds(write, MEDIA_WRITE_TIMEOUT if files else self._write)
        connect_s = _seconds(connect, self._connect)
        pool_s = _seconds(pool, self._pool)
        # aiohttp has no write timeout: the whole exchange is bounded by the sum.
        parts = (read_s, write_s, connect_s, pool_s)
        total = None if any(p is None for p in parts) else sum(p for p in parts if p)
        acquire = None if pool_s is None or connect_s is None else pool_s + connect_s
        return aiohttp.ClientTimeout(
            total=total, connect=acquire, sock_connect=connect_s, sock_read=read_s
        )

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data is not None else {}
        body: aiohttp.FormData | bytes | None = None
        headers = None
        if files:
            body = _form(request_data.json_parameters if request_data else {}, files)
        elif request_data is not None and request_data.parameters:
            # A JSON body, which the Bot API accepts: one encoding pass, and no
            # multipart boundary (aiohttp's form data draws one from os.urandom).
            payload = json.dumps(request_data.parameters, ensure_ascii=False)
            body, headers = payload.encode("utf-8"), _JSON
        timeout = self._timeout(
            read_timeout, write_timeout, connect_timeout, pool_timeout, files=bool(files)
        )
        try:
            async with session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:  # asyncio's, which aiohttp's timeouts subclass
            raise TimedOut from exc
        except (aiohttp.ClientError, OSError) as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc
