"""Shared helpers for the bot's tests: sample hits, the query log's rows, the bot's env.

Imported explicitly by the bot test modules (not a conftest: other suites own that).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.live import LiveIndex
from retrieval import Retriever
from retrieval.dates import WIB
from retrieval.models import Hit, SeenElsewhere, Source
from tests.botapi_standin import EntityParseError, parse_telegram_html, utf16_len

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT / "seeds"
QUERY_LOG_SECRET = "test-query-log-secret"
ADMIN_ID = 777001
TRADE_QUESTION = "Berapa nilai perdagangan bilateral Rusia dan China?"
TRADE_FIGURE = "123 miliar dolar AS"
OUT_OF_CORPUS = "Siapa presiden Prancis?"
# Every environment variable the bot reads: a subprocess must not inherit them.
BOT_ENV_KEYS = (
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_API_BASE_URL",
    "QUERY_LOG_PATH",
    "QUERY_LOG_SECRET",
    "SEEDS_DIR",
    "INDEX_CACHE_DIR",
    "ADMIN_USER_IDS",
    "LOG_LEVEL",
    "WEBHOOK_SECRET",
    "ENGLISH_DICT",
    # archive and feeds (ingest)
    "ARCHIVE_DIR",
    "FEEDS",
    "FEED_INTERVAL",
    # reliab settings
    "SEND_DEADLINE_SECONDS",
    "THROTTLE_WINDOW_SECONDS",
    "THROTTLE_USER_LIMIT",
    "THROTTLE_CHAT_LIMIT",
    "QUESTION_MAX_CHARS",
    "QUESTION_MAX_TERMS",
    "QUERY_LOG_RETENTION_DAYS",  # qlog
    "FOLLOWUP_WINDOW_MINUTES",  # followup
)


SOURCE = Source(
    outlet="Republika",
    title="China-Rusia Kompak Tolak Intervensi Barat",
    published=datetime(2021, 12, 17, 2, 5, tzinfo=WIB),
    has_time=True,
    url="https://www.republika.co.id/berita/r47avt459/chinarusia-kompak-tolak-intervensi-barat",
    wires=("Xinhua", "Reuters"),
)
_SOURCE_FIELDS = frozenset(Source.__dataclass_fields__)


def make_hit(
    text: str = "Kalimat pertama. Kalimat kedua yang penting. Kalimat ketiga.",
    highlight: str = "Kalimat kedua yang penting.",
    **overrides: Any,
) -> Hit:
    """A hit on the seed article 003; source fields (outlet, url, ...) may be overridden too."""
    source = replace(SOURCE, **{k: v for k, v in overrides.items() if k in _SOURCE_FIELDS})
    fields: dict[str, Any] = {
        "article_id": "003_8b1db099ec59a2e9",
        "paragraph": 8,
        "score": 1.25,
        "text": text,
        "highlight": highlight,
        "source": source,
        "also_reported_by": (),
    }
    fields.update({k: v for k, v in overrides.items() if k not in _SOURCE_FIELDS})
    return Hit(**fields)


def elsewhere(outlet: str = "Republika", day: int = 23) -> SeenElsewhere:
    return SeenElsewhere(
        article_id="000_8799c207de8e574e",
        paragraph=6,
        source=Source(
            outlet=outlet,
            published=datetime(2021, 12, day, 14, 4, tzinfo=WIB),
            has_time=True,
            title="Rusia-China Kolaborasi Kembangkan Senjata Berteknologi Canggih",
        ),
    )


def parse_html(markup: str) -> tuple[str, list[dict[str, Any]]]:
    """Telegram's reading of ``markup``; fails the test on anything Telegram rejects,
    including the 4096 limit."""
    try:
        text, entities = parse_telegram_html(markup)
    except EntityParseError as exc:  # pragma: no cover - the assertion message is the point
        raise AssertionError(f"Telegram would reject this HTML: {exc.reason}\n{markup}") from exc
    assert utf16_len(text.strip()) <= 4096, f"{utf16_len(text)} UTF-16 units"
    return text, entities


def bold_texts(text: str, entities: list[dict[str, Any]]) -> list[str]:
    """The bold spans of a parsed message (offsets are UTF-16)."""
    units = text.encode("utf-16-le")
    return [
        units[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le")
        for e in entities
        if e["type"] == "bold"
    ]


def log_rows(path: Path) -> list[dict[str, Any]]:
    """Every query-log row, oldest first, read with plain sqlite3 (independent of QueryLog)."""
    if not path.exists():
        return []
    db = sqlite3.connect(path)
    try:
        db.row_factory = sqlite3.Row
        return [dict(r) for r in db.execute("SELECT * FROM queries ORDER BY id")]
    except sqlite3.OperationalError:  # the table is not created yet
        return []
    finally:
        db.close()


def wait_rows(path: Path, count: int, *, within: float = 10.0) -> list[dict[str, Any]]:
    """The log rows once there are at least ``count`` (blocking: in async tests run it
    with ``asyncio.to_thread``)."""
    deadline = time.monotonic() + within
    while True:
        rows = log_rows(path)
        if len(rows) >= count or time.monotonic() >= deadline:
            assert len(rows) >= count, f"expected {count} log rows, got {rows}"
            return rows
        time.sleep(0.02)


def clean_env() -> dict[str, str]:
    """This process's environment without any of the bot's settings."""
    return {k: v for k, v in os.environ.items() if k not in BOT_ENV_KEYS}


def live_index(tmp_path: Path) -> tuple[Path, Path, Path, LiveIndex]:
    """A copy of the seeds under ``tmp_path``, its archive and cache folders, and a
    LiveIndex over the retriever loaded from them: (seeds, archive, cache, live)."""
    seeds, archive, cache = tmp_path / "seeds", tmp_path / "archive", tmp_path / "cache"
    shutil.copytree(SEEDS_DIR, seeds)
    retriever = Retriever.load(seeds, cache_dir=cache, english_dict=None, archive_dir=archive)
    live = LiveIndex(
        retriever, seeds_dir=seeds, archive_dir=archive, cache_dir=cache, english_dict=None
    )
    return seeds, archive, cache, live
