"""One pass over an RSS/Atom feed: which entries are new since last time.

Conditional GET: the feed's ETag and Last-Modified are kept in a small JSON
state file in the archive (``feeds.json``), with the entry links already seen,
so an unchanged feed costs one 304 and a changed one only its new entries.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from retrieval.ingest.archive import atomic_write
from retrieval.ingest.errors import IngestError
from retrieval.ingest.fetch import Limits, fetch
from retrieval.ingest.urls import is_web_url

STATE_FILE = "feeds.json"
MAX_SEEN = 2000  # per feed; feeds list their last few dozen entries


@dataclass(frozen=True, slots=True)
class FeedState:
    etag: str | None = None
    last_modified: str | None = None
    seen: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FeedPass:
    url: str
    not_modified: bool
    entries: tuple[str, ...]  # entry links not seen before, in feed order
    state: FeedState = field(default_factory=FeedState)  # to save once they are handled


def read_states(archive_dir: Path) -> dict[str, FeedState]:
    path = archive_dir / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        return {}  # a damaged state file only costs one full fetch per feed
    states: dict[str, FeedState] = {}
    if isinstance(data, dict):
        for url, item in data.items():
            if isinstance(item, dict):
                seen = item.get("seen") or []
                states[url] = FeedState(
                    etag=item.get("etag") if isinstance(item.get("etag"), str) else None,
                    last_modified=item.get("last_modified")
                    if isinstance(item.get("last_modified"), str)
                    else None,
                    seen=tuple(s for s in seen if isinstance(s, str)),
                )
    return states


def write_states(archive_dir: Path, states: Mapping[str, FeedState]) -> None:
    data: dict[str, Any] = {
        url: {"etag": s.etag, "last_modified": s.last_modified, "seen": list(s.seen)}
        for url, s in sorted(states.items())
    }
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    atomic_write(archive_dir / STATE_FILE, text.encode("utf-8"))


def poll(
    url: str,
    state: FeedState | None = None,
    *,
    client: httpx.Client | None = None,
    limits: Limits | None = None,
) -> FeedPass:
    """Fetch the feed (conditionally) and list the entry links not seen before."""
    state = state or FeedState()
    if not is_web_url(url):
        raise IngestError(f"{url}: a feed must be an http(s) URL")
    got = fetch(
        url,
        kind="feed",
        client=client,
        limits=limits,
        etag=state.etag,
        last_modified=state.last_modified,
    )
    if got.not_modified:
        return FeedPass(url, True, (), state)
    import feedparser

    parsed = feedparser.parse(got.body)
    links: list[str] = []
    for entry in parsed.entries:
        link = entry.get("link")
        if isinstance(link, str) and is_web_url(link) and link not in links:
            links.append(link)
    if not links and (parsed.bozo or not parsed.get("version")):
        raise IngestError(f"{url}: not an RSS or Atom feed")
    seen = set(state.seen)
    new = tuple(link for link in links if link not in seen)
    updated = FeedState(
        etag=got.etag,
        last_modified=got.last_modified,
        seen=(*state.seen, *new)[-MAX_SEEN:],
    )
    return FeedPass(url, False, new, updated)
