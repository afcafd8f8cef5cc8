"""bot.logsetup: the token never reaches a log line, whatever form it takes."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from telegram.error import InvalidToken, NetworkError

from bot.logsetup import (
    NOISY_LOGGERS,
    REDACTED,
    BriefTelegramErrors,
    RedactingFilter,
    install_redaction,
    setup_logging,
)

TOKEN = "987654321:AAH-secret_TOKEN-value-0123456789xyz"


@pytest.fixture
def restore_root() -> Iterator[logging.Logger]:
    root = logging.getLogger()
    level, handlers = root.level, {h: list(h.filters) for h in root.handlers}
    noisy = {name: logging.getLogger(name).level for name in NOISY_LOGGERS}
    yield root
    root.setLevel(level)
    for handler in list(root.handlers):
        if handler in handlers:
            handler.filters[:] = handlers[handler]
        else:
            root.removeHandler(handler)
    for name, old in noisy.items():
        logging.getLogger(name).setLevel(old)


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A private logger whose only handler writes to a buffer through the filter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    install_redaction(handler, [TOKEN])
    logger = logging.getLogger("tests.logsetup.captured")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    yield logger, stream
    logger.removeHandler(handler)


def test_token_in_message_and_args_is_redacted(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = captured
    logger.info(f"token {TOKEN} in the message")
    logger.info("HTTP Request: POST %s %r", f"https://api.telegram.org/bot{TOKEN}/getUpdates", 200)
    logger.warning("quoted %s", f"http://127.0.0.1:8081/bot{TOKEN.replace(':', '%3A')}/getMe")
    out = stream.getvalue()
    assert TOKEN not in out
    assert TOKEN.split(":")[1] not in out  # not even the secret half, in any encoding
    assert f"https://api.telegram.org/bot{REDACTED}/getUpdates 200" in out
    assert out.count(REDACTED) == 3


def test_token_in_a_traceback_is_redacted(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    try:
        raise RuntimeError(f"request to /bot{TOKEN}/sendMessage failed")
    except RuntimeError:
        logger.exception("handler failed for %s", TOKEN)
    out = stream.getvalue()
    assert "Traceback (most recent call last)" in out  # the traceback itself is kept
    assert "RuntimeError: request to /bot[REDACTED]/sendMessage failed" in out
    assert TOKEN not in out


def test_bad_format_arguments_do_not_lose_the_record(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = captured
    logger.info("%d apples from %s", "not a number", TOKEN)
    out = stream.getvalue()
    assert "apples" in out
    assert TOKEN not in out


def test_no_secrets_means_records_pass_untouched() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "a %s", ("b",), None)
    assert RedactingFilter([""]).filter(record)
    assert (record.msg, record.args) == ("a %s", ("b",))


def test_setup_logging_guards_every_root_handler(restore_root: logging.Logger) -> None:
    extra = logging.StreamHandler(io.StringIO())
    restore_root.addHandler(extra)
    setup_logging("WARNING", [TOKEN])
    assert restore_root.level == logging.WARNING
    for handler in restore_root.handlers:
        assert any(isinstance(f, RedactingFilter) for f in handler.filters)
    for name in NOISY_LOGGERS:
        assert logging.getLogger(name).level == logging.WARNING
    setup_logging("WARNING", [TOKEN])  # idempotent: no second filter
    assert sum(isinstance(f, RedactingFilter) for f in extra.filters) == 1


def test_httpx_request_lines_are_silenced(restore_root: logging.Logger) -> None:
    stream = io.StringIO()
    restore_root.addHandler(logging.StreamHandler(stream))
    setup_logging("INFO", [TOKEN])
    logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot%s/x", TOKEN)
    logging.getLogger("bot.test").info("kept")
    assert stream.getvalue() == "kept\n"


@pytest.mark.parametrize(
    "exc", [NetworkError("httpx.ConnectError: refused"), InvalidToken(f"token `{TOKEN}`")]
)
def test_operational_telegram_errors_are_one_line(
    restore_root: logging.Logger, exc: Exception
) -> None:
    stream = io.StringIO()
    restore_root.addHandler(logging.StreamHandler(stream))
    setup_logging("INFO", [TOKEN])
    try:
        raise exc
    except Exception:
        logging.getLogger("telegram.ext").exception("Network Retry Loop: Aborting.")
    out = stream.getvalue()
    assert out.count("\n") == 1
    assert "Traceback" not in out
    assert type(exc).__name__ in out
    assert TOKEN not in out


def test_bugs_keep_their_traceback(restore_root: logging.Logger) -> None:
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom", None, None)
    try:
        raise ValueError("a bug")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    restore_root.setLevel(logging.INFO)
    assert BriefTelegramErrors().filter(record)
    assert record.exc_info is not None
