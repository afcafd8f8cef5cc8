"""Fetch one web page or feed over HTTP(S), within limits.

Limits: connect/read timeouts and an overall deadline, a size cap enforced
while streaming, at most a few redirects, and a content-type check. Every
failure is an ``IngestError`` with one line such as ``https://x.id/a: HTTP 404``
or ``https://x.id/a.pdf: not an HTML page (application/pdf)``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from typing import Literal

import httpx

from retrieval.ingest.errors import IngestError, size_text

Kind = Literal["page", "feed"]

MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5

_ACCEPT: dict[Kind, str] = {
    "page": "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8",
    "feed": "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9",
}
_CONTENT_TYPES: dict[Kind, tuple[str, ...]] = {
    "page": ("text/html", "application/xhtml+xml", "text/plain"),
    "feed": (
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "text/html",  # some servers label every feed text/html; feedparser decides
        "text/plain",
    ),
}
_WHAT: dict[Kind, str] = {"page": "an HTML page", "feed": "a feed"}


@dataclass(frozen=True, slots=True)
class Limits:
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0  # the whole transfer, so a trickling server cannot hold us
    max_bytes: int = MAX_BYTES
    max_redirects: int = MAX_REDIRECTS


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  # as asked
    final_url: str  # after redirects
    status: int  # 200, or 304 when a conditional GET found nothing new
    content_type: str  # media type, lower-case, without parameters
    charset: str | None
    body: bytes
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@cache
def user_agent() -> str:
    try:
        ours = version("tanyaberita")
    except PackageNotFoundError:
        ours = "0"
    return f"TanyaBerita/{ours} (Indonesian news question-answering bot; httpx)"


def make_client(limits: Limits | None = None) -> httpx.Client:
    """An HTTP client configured with ``limits`` (reuse it across fetches)."""
    limits = limits or Limits()
    return httpx.Client(
        follow_redirects=True,
        max_redirects=limits.max_redirects,
        timeout=httpx.Timeout(
            connect=limits.connect_timeout,
            read=limits.read_timeout,
            write=limits.read_timeout,
            pool=limits.connect_timeout,
        ),
        headers={"User-Agent": user_agent()},
    )


def fetch(
    url: str,
    *,
    kind: Kind = "page",
    client: httpx.Client | None = None,
    limits: Limits | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Fetched:
    """GET ``url``; raises IngestError with one line on any failure."""
    limits = limits or Limits()
    headers = {"Accept": _ACCEPT[kind]}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    own = client is None
    http = client if client is not None else make_client(limits)
    try:
        return _get(http, url, kind, headers, limits)
    except httpx.TooManyRedirects:
        raise IngestError(f"{url}: more than {limits.max_redirects} redirects") from None
    except httpx.TimeoutException:
        raise IngestError(f"{url}: timed out") from None
    except httpx.InvalidURL as exc:
        raise IngestError(f"{url}: not a valid URL ({exc})") from None
    except httpx.UnsupportedProtocol:
        raise IngestError(f"{url}: only http and https URLs can be fetched") from None
    except httpx.ConnectError as exc:
        raise IngestError(f"{url}: cannot connect ({_reason(exc)})") from None
    except httpx.HTTPError as exc:
        raise IngestError(f"{url}: {type(exc).__name__} ({_reason(exc)})") from None
    finally:
        if own:
            http.close()


def _get(
    http: httpx.Client, url: str, kind: Kind, headers: dict[str, str], limits: Limits
) -> Fetched:
    deadline = time.monotonic() + limits.total_timeout
    with http.stream("GET", url, headers=headers) as response:
        if response.status_code == 304:
            return Fetched(url, str(response.url), 304, "", None, b"")
        if response.status_code >= 400 or response.status_code < 200:
            raise IngestError(f"{url}: HTTP {response.status_code}")
        media, charset = _content_type(response.headers.get("content-type", ""))
        if media and media not in _CONTENT_TYPES[kind]:
            raise IngestError(f"{url}: not {_WHAT[kind]} ({media})")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limits.max_bytes:
            raise IngestError(f"{url}: larger than {size_text(limits.max_bytes)}")
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limits.max_bytes:
                raise IngestError(f"{url}: larger than {size_text(limits.max_bytes)}")
            if time.monotonic() > deadline:
                raise IngestError(f"{url}: timed out")
            chunks.append(chunk)
        return Fetched(
            url=url,
            final_url=str(response.url),
            status=response.status_code,
            content_type=media,
            charset=charset,
            body=b"".join(chunks),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
        )


def _content_type(header: str) -> tuple[str, str | None]:
    media, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"').lower()
    return media.strip().lower(), charset


def _reason(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
