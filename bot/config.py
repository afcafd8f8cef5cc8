"""Bot settings from the environment and an optional ``.env`` file.

The real environment wins over ``.env`` so a deployment can override a
checked-out file. Every bad value raises ``ConfigError`` with one line that
names the variable; the CLI prints it and exits 2.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from retrieval.english import DEFAULT_DICT

logger = logging.getLogger(__name__)

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DEFAULT_QUERY_LOG_PATH = Path("data/queries.sqlite3")
DEFAULT_SEEDS_DIR = Path("seeds")
DEFAULT_INDEX_CACHE_DIR = Path("data/index")
# --- archive and feeds (ingest) ---
DEFAULT_ARCHIVE_DIR = Path("data/archive")
DEFAULT_FEED_INTERVAL = 15 * 60  # seconds

_TOKEN_RE = re.compile(r"\d{1,20}:[A-Za-z0-9_-]{1,200}")
# What Telegram accepts as X-Telegram-Bot-Api-Secret-Token.
_WEBHOOK_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
_KEY_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

MISSING_TOKEN_MESSAGE = (
    "TELEGRAM_BOT_TOKEN is not set. To get one, talk to @BotFather on Telegram, send /newbot"
    " and follow the steps, then put the token in .env as TELEGRAM_BOT_TOKEN=123456:ABC..."
    " (see .env.example). Without a token you can still ask the archive from the command"
    ' line: tanyaberita ask "pertanyaan"'
)


class ConfigError(Exception):
    """A setting a user can fix; the message is one line naming the variable."""


@dataclass(frozen=True, slots=True)
class Settings:
    # Secrets stay out of repr() so a logged Settings never leaks them.
    telegram_bot_token: str | None = field(repr=False)
    telegram_api_base_url: str | None = None
    query_log_path: Path = DEFAULT_QUERY_LOG_PATH
    query_log_secret: str | None = field(default=None, repr=False)
    seeds_dir: Path = DEFAULT_SEEDS_DIR
    index_cache_dir: Path = DEFAULT_INDEX_CACHE_DIR
    admin_user_ids: frozenset[int] = frozenset()
    log_level: str = "INFO"
    webhook_secret: str | None = field(default=None, repr=False)
    english_dict: Path | None = DEFAULT_DICT
    # --- archive and feeds (ingest) ---
    archive_dir: Path = DEFAULT_ARCHIVE_DIR
    feeds: tuple[str, ...] = ()
    feed_interval: int = DEFAULT_FEED_INTERVAL  # seconds between feed passes

    @property
    def token(self) -> str:
        """The token, for code paths that only run after ``require_token``."""
        if self.telegram_bot_token is None:
            raise ConfigError(MISSING_TOKEN_MESSAGE)
        return self.telegram_bot_token

    @property
    def secret_values(self) -> tuple[str, ...]:
        """Everything log redaction must hide."""
        values = (self.telegram_bot_token, self.query_log_secret, self.webhook_secret)
        return tuple(v for v in values if v)


def parse_env_file(text: str, *, name: str = ".env") -> dict[str, str]:
    """``KEY=VALUE`` lines; ``#`` comments; optional ``export``; optional quotes.

    Unquoted values may carry a trailing `` # comment``; quoted values are
    taken verbatim between their quotes.
    """
    values: dict[str, str] = {}
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not _KEY_RE.fullmatch(key):
            raise ConfigError(f"{name} line {lineno}: expected KEY=VALUE")
        value = value.strip()
        if value[:1] in ("'", '"'):
            quote = value[0]
            end = value.find(quote, 1)
            if end == -1:
                raise ConfigError(f"{name} line {lineno}: {key} has an unclosed {quote} quote")
            value = value[1:end]
        else:
            value = re.split(r"\s+#", value, maxsplit=1)[0].strip()
        values[key] = value
    return values


def load_settings(
    environ: Mapping[str, str],
    env_file: Path | None = Path(".env"),
    *,
    require_token: bool = True,
) -> Settings:
    merged: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        try:
            text = env_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read {env_file}: {exc}") from exc
        merged.update(parse_env_file(text, name=str(env_file)))
    merged.update(environ)

    def get(key: str) -> str | None:
        value = merged.get(key, "").strip()
        return value or None

    token = get("TELEGRAM_BOT_TOKEN")
    if token is None:
        if require_token:
            raise ConfigError(MISSING_TOKEN_MESSAGE)
    elif not _TOKEN_RE.fullmatch(token):
        # Never echo the value: it may be a real token with a typo.
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN does not look like a bot token (expected digits:characters,"
            " as @BotFather gives it)"
        )

    return Settings(
        telegram_bot_token=token,
        telegram_api_base_url=_base_url(get("TELEGRAM_API_BASE_URL")),
        query_log_path=Path(get("QUERY_LOG_PATH") or DEFAULT_QUERY_LOG_PATH),
        query_log_secret=get("QUERY_LOG_SECRET"),
        seeds_dir=Path(get("SEEDS_DIR") or DEFAULT_SEEDS_DIR),
        index_cache_dir=Path(get("INDEX_CACHE_DIR") or DEFAULT_INDEX_CACHE_DIR),
        admin_user_ids=_admin_ids(get("ADMIN_USER_IDS")),
        log_level=_log_level(get("LOG_LEVEL")),
        webhook_secret=_webhook_secret(get("WEBHOOK_SECRET")),
        english_dict=_english_dict(get("ENGLISH_DICT")),
        # --- archive and feeds (ingest) ---
        archive_dir=Path(get("ARCHIVE_DIR") or DEFAULT_ARCHIVE_DIR),
        feeds=_feeds(get("FEEDS")),
        feed_interval=_feed_interval(get("FEED_INTERVAL")),
    )


# --- archive and feeds (ingest) ---


def _feeds(value: str | None) -> tuple[str, ...]:
    """``FEEDS``: RSS/Atom URLs separated by commas or spaces."""
    urls = tuple(u for u in re.split(r"[\s,]+", value or "") if u)
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"FEEDS must list http(s) feed URLs; {url!r} is not one")
    return urls


def _feed_interval(value: str | None) -> int:
    """``FEED_INTERVAL``: minutes between feed passes (default 15)."""
    if value is None:
        return DEFAULT_FEED_INTERVAL
    if not value.isdigit() or not 1 <= int(value) <= 24 * 60:
        raise ConfigError(f"FEED_INTERVAL must be minutes from 1 to 1440, not {value!r}")
    return int(value) * 60


def _base_url(value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in value:
        raise ConfigError(
            f"TELEGRAM_API_BASE_URL must be an http(s) URL such as"
            f" http://127.0.0.1:8081/bot, not {value!r}"
        )
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise ConfigError(f"TELEGRAM_API_BASE_URL has a bad port: {value!r}") from exc
    return value


def _admin_ids(value: str | None) -> frozenset[int]:
    ids: set[int] = set()
    for item in (value or "").split(","):
        item = item.strip()
        if not item:
            continue
        try:
            ids.add(int(item))
        except ValueError:
            raise ConfigError(
                f"ADMIN_USER_IDS must be comma-separated numeric Telegram user ids;"
                f" {item!r} is not a number"
            ) from None
    return frozenset(ids)


def _log_level(value: str | None) -> str:
    level = (value or "INFO").upper()
    if level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {value!r}")
    return level


def _english_dict(value: str | None) -> Path | None:
    """``ENGLISH_DICT``: unset -> the Debian path; "none"/"off" -> English disabled."""
    if value is None:
        return DEFAULT_DICT
    if value.casefold() in {"none", "off", "no", "0", "false"}:
        return None
    return Path(value)


def _webhook_secret(value: str | None) -> str | None:
    if value is not None and not _WEBHOOK_SECRET_RE.fullmatch(value):
        raise ConfigError(
            "WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)"
        )
    return value


def secret_file_for(query_log_path: Path) -> Path:
    return query_log_path.with_name(query_log_path.name + ".secret")


def read_query_log_secret(settings: Settings) -> bytes | None:
    """The configured or previously generated secret, without creating one."""
    if settings.query_log_secret:
        return settings.query_log_secret.encode()
    try:
        stored = secret_file_for(settings.query_log_path).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return stored.encode() or None


def ensure_query_log_secret(settings: Settings) -> bytes:
    """QUERY_LOG_SECRET, else a secret generated once and kept beside the log (0600).

    The pseudonyms in the log only stay stable across restarts if the secret does,
    hence a file rather than a fresh secret per run.
    """
    existing = read_query_log_secret(settings)
    if existing is not None:
        return existing
    path = secret_file_for(settings.query_log_path)
    value = secrets.token_hex(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # Another process won the race; use its secret.
        return path.read_text(encoding="ascii").strip().encode()
    except OSError as exc:
        raise ConfigError(f"QUERY_LOG_SECRET is unset and {path} cannot be created: {exc}") from exc
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(value + "\n")
    logger.info(
        "QUERY_LOG_SECRET is unset: generated one and saved it to %s (mode 0600); keep that file"
        " to keep user pseudonyms stable",
        path,
    )
    return value.encode()
