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
from collections.abc import Callable, Mapping
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
# reliab settings
DEFAULT_SEND_DEADLINE = 60.0
DEFAULT_THROTTLE_WINDOW = 60.0
DEFAULT_THROTTLE_USER_LIMIT = 10
DEFAULT_THROTTLE_CHAT_LIMIT = 40
DEFAULT_QUESTION_MAX_CHARS = 512
DEFAULT_QUESTION_MAX_TERMS = 64
# end reliab settings
DEFAULT_FOLLOWUP_WINDOW_MINUTES = 10.0  # followup

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
    # reliab settings
    send_deadline: float = DEFAULT_SEND_DEADLINE  # seconds one reply may spend on retries
    throttle_window: float = DEFAULT_THROTTLE_WINDOW  # seconds
    throttle_user_limit: int = DEFAULT_THROTTLE_USER_LIMIT  # per user and window; 0 = off
    throttle_chat_limit: int = DEFAULT_THROTTLE_CHAT_LIMIT  # per chat and window; 0 = off
    question_max_chars: int = DEFAULT_QUESTION_MAX_CHARS  # what retrieval reads of a question
    question_max_terms: int = DEFAULT_QUESTION_MAX_TERMS
    # end reliab settings
    # qlog settings (query log maintenance)
    query_log_retention_days: int | None = None  # None = keep every row
    # followup: private elliptical messages this soon after an answer follow up on it
    followup_window_minutes: float = DEFAULT_FOLLOWUP_WINDOW_MINUTES  # 0 = replies only

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
        # reliab settings
        send_deadline=_number(get, "SEND_DEADLINE_SECONDS", DEFAULT_SEND_DEADLINE, 1, 3600),
        throttle_window=_number(get, "THROTTLE_WINDOW_SECONDS", DEFAULT_THROTTLE_WINDOW, 1, 86400),
        throttle_user_limit=int(
            _number(get, "THROTTLE_USER_LIMIT", DEFAULT_THROTTLE_USER_LIMIT, 0, 10**6, whole=True)
        ),
        throttle_chat_limit=int(
            _number(get, "THROTTLE_CHAT_LIMIT", DEFAULT_THROTTLE_CHAT_LIMIT, 0, 10**6, whole=True)
        ),
        question_max_chars=int(
            _number(get, "QUESTION_MAX_CHARS", DEFAULT_QUESTION_MAX_CHARS, 16, 4096, whole=True)
        ),
        question_max_terms=int(
            _number(get, "QUESTION_MAX_TERMS", DEFAULT_QUESTION_MAX_TERMS, 4, 1000, whole=True)
        ),
        # end reliab settings
        # qlog settings
        query_log_retention_days=_retention_days(get("QUERY_LOG_RETENTION_DAYS")),
        followup_window_minutes=_number(
            get, "FOLLOWUP_WINDOW_MINUTES", DEFAULT_FOLLOWUP_WINDOW_MINUTES, 0, 1440
        ),
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


# reliab settings
def _number(
    get: Callable[[str], str | None],
    key: str,
    default: float,
    low: float,
    high: float,
    *,
    whole: bool = False,
) -> float:
    """A bounded number setting; one line naming the variable when it is not one."""
    raw = get(key)
    if raw is None:
        return default
    kind = "a whole number" if whole else "a number"
    try:
        value = int(raw) if whole else float(raw)
    except ValueError:
        raise ConfigError(f"{key} must be {kind} from {low:g} to {high:g}, not {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{key} must be {kind} from {low:g} to {high:g}, not {raw!r}")
    return value


# end reliab settings


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


# --- qlog settings: retention and the pseudonym secret ------------------------

MAX_RETENTION_DAYS = 36_500  # a century; larger values overflow date arithmetic


def _retention_days(value: str | None) -> int | None:
    """``QUERY_LOG_RETENTION_DAYS``: unset = keep every row; else whole days >= 1."""
    if value is None:
        return None
    if not value.isdigit() or not 1 <= int(value) <= MAX_RETENTION_DAYS:
        raise ConfigError(
            f"QUERY_LOG_RETENTION_DAYS must be a whole number of days from 1 to"
            f" {MAX_RETENTION_DAYS} (or unset to keep every row), not {value!r}"
        )
    return int(value)


def secret_file_for(query_log_path: Path) -> Path:
    return query_log_path.with_name(query_log_path.name + ".secret")


def _bad_secret_file(path: Path, problem: str) -> ConfigError:
    return ConfigError(
        f"query log secret file {path} {problem}; fix it, or set QUERY_LOG_SECRET, or remove"
        " it to generate a new one (pseudonyms in the existing log then stop matching)"
    )


def _read_secret_file(path: Path) -> bytes | None:
    """The secret stored at ``path``; None if there is no file; ConfigError if it is bad."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise _bad_secret_file(path, "is a directory") from None
    except OSError as exc:
        raise _bad_secret_file(path, f"cannot be read ({exc.strerror or exc})") from None
    try:
        value = raw.decode("ascii").strip()
    except UnicodeDecodeError:
        raise _bad_secret_file(path, "is not ASCII text") from None
    if not value:
        raise _bad_secret_file(path, "is empty")
    return value.encode()


def read_query_log_secret(settings: Settings) -> bytes | None:
    """The configured or previously generated secret, without creating one.

    Raises ConfigError (one line) when the secret file exists but is unusable.
    """
    if settings.query_log_secret:
        return settings.query_log_secret.encode()
    return _read_secret_file(secret_file_for(settings.query_log_path))


def ensure_query_log_secret(settings: Settings) -> bytes:
    """QUERY_LOG_SECRET, else a secret generated once and kept beside the log.

    The pseudonyms in the log only stay stable across restarts if the secret does,
    hence a file rather than a fresh secret per run. The file is written in full
    under a temporary name (0600) and then hard-linked into place, which fails
    if the name exists: of two processes starting at once exactly one creates
    it, and the other reads the complete file. A missing folder is created 0700.
    """
    existing = read_query_log_secret(settings)
    if existing is not None:
        return existing
    from bot.querylog import make_private_dirs

    path = secret_file_for(settings.query_log_path)
    value = secrets.token_hex(32)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        make_private_dirs(path.parent)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(value + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        try:
            _link_or_create(tmp, path, value)
        except FileExistsError:
            # Another process won the race; use its secret.
            found = _read_secret_file(path)
            if found is None:
                raise _bad_secret_file(path, "vanished while starting") from None
            return found
    except OSError as exc:
        raise ConfigError(f"QUERY_LOG_SECRET is unset and {path} cannot be created: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    logger.info(
        "QUERY_LOG_SECRET is unset: generated one and saved it to %s (mode 0600); keep that file"
        " to keep user pseudonyms stable",
        path,
    )
    return value.encode()


def _link_or_create(tmp: Path, path: Path, value: str) -> None:
    """Publish the complete file ``tmp`` as ``path``; FileExistsError if ``path`` exists.

    Where the file system has no hard links, fall back to an O_EXCL create (a racing
    reader may then briefly see an empty file, which it reports as "is empty").
    """
    try:
        os.link(tmp, path)
        return
    except FileExistsError:
        raise
    except OSError:
        pass
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(value + "\n")
