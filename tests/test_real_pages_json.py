"""Shape of tests/data/real_pages.json, the hand-written expectations for real pages.

The pages themselves are other people's text and live outside git; this test only checks
that the expectations file is well formed, so a scoring script can rely on it.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

DATA = Path(__file__).parent / "data" / "real_pages.json"
PAGE_KEYS = {"file", "url", "outlet", "title", "published", "published_shown", "furniture", "body"}


def _load() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return doc


DOC = _load()
PAGES: list[dict[str, Any]] = DOC["pages"]


def _outlet_for(host: str, outlets: dict[str, str]) -> str | None:
    matches = [d for d in outlets if host == d or host.endswith("." + d)]
    return outlets[max(matches, key=len)] if matches else None


def test_top_level_shape() -> None:
    assert isinstance(DOC["about"], str) and len(DOC["about"]) > 200
    outlets = DOC["outlets"]
    assert isinstance(outlets, dict) and outlets
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in outlets.items())
    assert isinstance(PAGES, list) and len(PAGES) >= 40


def test_files_are_unique_plain_names() -> None:
    files = [p["file"] for p in PAGES]
    assert len(files) == len(set(files))
    assert all(f.endswith(".txt") and "/" not in f for f in files)


def test_enough_outlets_and_at_most_three_pages_each() -> None:
    counts: dict[str, int] = {}
    for p in PAGES:
        counts[p["outlet"]] = counts.get(p["outlet"], 0) + 1
    assert len(counts) >= 25
    assert max(counts.values()) <= 3


@pytest.mark.parametrize("page", PAGES, ids=[p["file"] for p in PAGES])
def test_page_shape(page: dict[str, Any]) -> None:
    assert page.keys() >= PAGE_KEYS
    assert set(page) <= PAGE_KEYS | {"notes"}
    host = urlsplit(page["url"]).hostname
    assert page["url"].startswith(("http://", "https://")) and host
    assert _outlet_for(host, DOC["outlets"]) == page["outlet"]
    assert page["title"] is None or (isinstance(page["title"], str) and page["title"].strip())
    for key in ("furniture", "body"):
        quotes = page[key]
        assert isinstance(quotes, list) and len(quotes) >= 3
        assert all(isinstance(q, str) and q.strip() for q in quotes)
    assert all(8 <= len(b.split()) <= 20 for b in page["body"])
    # A furniture string that the expected title or a kept sentence contains could never pass.
    for f in page["furniture"]:
        assert page["title"] is None or f not in page["title"]
        assert not any(f in b for b in page["body"])
    assert isinstance(page.get("notes", ""), str)


@pytest.mark.parametrize("page", PAGES, ids=[p["file"] for p in PAGES])
def test_published_is_iso_and_consistent(page: dict[str, Any]) -> None:
    published = page["published"]
    assert page["published_shown"] is (published is not None)
    if published is None:
        return
    if "T" in published:
        stamp = datetime.fromisoformat(published)
        assert stamp.utcoffset() is not None, "a time needs its zone offset"
    else:
        date.fromisoformat(published)
