"""Logging set-up: one stderr handler, quiet HTTP libraries, secrets redacted.

The bot token is part of every Bot API URL (``.../bot<TOKEN>/getUpdates``), so
any library that logs a URL or an exception can leak it. The filter sits on the
handlers, not on loggers, because handler filters also see records that
propagate up from child loggers such as ``httpx`` or ``telegram.ext``.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from urllib.parse import quote

from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter

REDACTED = "[REDACTED]"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Libraries that log one INFO line per HTTP request, URL (and so token) included.
# apscheduler: a "Running job" pair every few seconds for the archive watcher (bot.reload).
NOISY_LOGGERS = ("httpx", "httpcore", "apscheduler")
# PTB loggers whose DEBUG lines carry whole updates and requests (user ids, usernames,
# message texts): kept at INFO even when debugging; the bot's own DEBUG lines name
# users and chats by pseudonym only.
RAW_PAYLOAD_LOGGERS = (
    "telegram.Bot",
    "telegram.ext.ExtBot",
    "telegram.ext.Application",
    "telegram.ext.Updater",
    "aiosqlite",  # every statement with its parameters
)
_OPERATIONAL = (NetworkError, InvalidToken, Conflict, RetryAfter)


class RedactingFilter(logging.Filter):
    """Replaces each secret in a record's message, arguments and traceback."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # Also the percent-encoded form (a token's ":" in a quoted URL); longest
        # first, so a secret containing another is hidden whole.
        forms = {form for s in secrets if s for form in (s, quote(s, safe=""))}
        self._secrets = sorted(forms, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = f"{record.msg!r} % {record.args!r}"
        record.msg, record.args = self.redact(message), None
        if record.exc_info and record.exc_info[0] is not None:
            # Formatters reuse exc_text when set, so the raw traceback is never rendered.
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class BriefTelegramErrors(logging.Filter):
    """Network trouble and a rejected token are operational, not bugs: PTB logs
    them with a traceback on every retry; keep one line unless debugging."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, _OPERATIONAL) and not logging.getLogger().isEnabledFor(logging.DEBUG):
            record.msg = f"{record.getMessage()} ({type(exc).__name__}: {exc})"
            record.args, record.exc_info, record.exc_text = None, None, None
        return True


def install_redaction(handler: logging.Handler, secrets: Iterable[str]) -> RedactingFilter:
    redacting = RedactingFilter(secrets)
    handler.addFilter(redacting)
    return redacting


def setup_logging(level: str, secrets: Iterable[str]) -> None:
    """Log to stderr at ``level`` with every secret redacted on every root handler."""
    root = logging.getLogger()
    if not root.handlers:
        stderr = logging.StreamHandler(sys.stderr)
        stderr.setFormatter(logging.Formatter(LOG_FORMAT))
        root.addHandler(stderr)
    root.setLevel(level)
    secrets = tuple(secrets)
    for handler in root.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(BriefTelegramErrors())  # first: its one line is redacted next
            install_redaction(handler, secrets)
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    for name in RAW_PAYLOAD_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO)
