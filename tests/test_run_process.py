"""``tanyaberita run`` as a real process (``python -m bot``) against the Bot API stand-in.

Each process is bounded: every wait has a timeout and a finalizer always kills it.
"""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot import texts
from retrieval.dates import parse_date
from tests.bot_fixtures import (
    ADMIN_ID,
    OUT_OF_CORPUS,
    ROOT,
    SEEDS_DIR,
    TRADE_FIGURE,
    TRADE_QUESTION,
    clean_env,
    log_rows,
    wait_rows,
)
from tests.botapi_standin import DEFAULT_GROUP_ID, BotApiStandIn, Call

WAIT = 20.0  # seconds; the bound on every wait for the process


@dataclass
class BotProcess:
    proc: subprocess.Popen[bytes]
    standin: BotApiStandIn
    output: Path
    log_path: Path

    def say(self, text: str, **kwargs: Any) -> Call:
        mark = self.standin.mark()
        self.standin.send_text(text, **kwargs)
        return self.standin.wait_for_sync("sendMessage", after=mark, timeout=WAIT)

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> int:
        self.proc.send_signal(sig)
        return self.proc.wait(timeout=WAIT)

    def text_output(self) -> str:
        return self.output.read_text(encoding="utf-8", errors="replace")


def bot_env(standin: BotApiStandIn, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = clean_env()
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "TELEGRAM_BOT_TOKEN": standin.token,
            "TELEGRAM_API_BASE_URL": standin.base_url,
            "QUERY_LOG_PATH": str(tmp_path / "data" / "queries.sqlite3"),
            "INDEX_CACHE_DIR": str(tmp_path / "data" / "index"),
            "SEEDS_DIR": str(SEEDS_DIR),
            "ADMIN_USER_IDS": str(ADMIN_ID),
            "LOG_LEVEL": "INFO",
        }
    )
    env.update(extra)
    return env


@pytest.fixture
def standin() -> Iterator[BotApiStandIn]:
    with BotApiStandIn() as server:
        yield server


def start(
    standin: BotApiStandIn, tmp_path: Path, args: list[str], env: dict[str, str]
) -> Iterator[BotProcess]:
    output = tmp_path / "output.txt"
    with output.open("wb") as sink:
        # cwd=tmp_path: no developer's .env is picked up.
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", *args],
            cwd=tmp_path,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        try:
            yield BotProcess(proc, standin, output, Path(env["QUERY_LOG_PATH"]))
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=WAIT)


@pytest.fixture
def bot_process(standin: BotApiStandIn, tmp_path: Path) -> Iterator[BotProcess]:
    yield from start(standin, tmp_path, [], bot_env(standin, tmp_path))


def wait_until_started(bot: BotProcess) -> None:
    """Until the updater bootstraps (deleteWebhook), just before it polls. (A finished
    getUpdates would mean waiting out a whole long poll: the stand-in records calls
    when they complete.)"""
    try:
        bot.standin.wait_for_sync("deleteWebhook", timeout=WAIT)
    except AssertionError:
        raise AssertionError(f"the bot did not start:\n{bot.text_output()}") from None


def test_conversation_then_clean_sigterm(bot_process: BotProcess) -> None:
    bot = bot_process
    wait_until_started(bot)

    # A private question: excerpt, outlet and date.
    answer = bot.say(TRADE_QUESTION)
    text = answer.result["text"]
    assert TRADE_FIGURE in text
    assert "Republika" in text
    assert "17 Desember 2021" in text

    # Group chatter and another bot's command get nothing; /latest@ours is answered.
    mark = bot.standin.mark()
    bot.standin.send_text("Berapa nilai perdagangan bilateral Rusia dan China?", chat_type="group")
    bot.standin.send_text("/latest@OtherBot", chat_type="group")
    bot.standin.send_text("@OtherBot /latest", chat_type="group")
    latest = bot.say("/latest@TanyaBeritaBot", chat_type="group")
    sent = [c for c in bot.standin.calls()[mark:] if c.method == "sendMessage"]
    assert sent == [latest]
    assert latest.params["chat_id"] == DEFAULT_GROUP_ID
    lines = latest.result["text"].splitlines()
    dates = [parse_date(line.split(" · ")[0]) for line in lines[1:]]
    assert all(d is not None for d in dates)
    days = [d[0] for d in dates if d is not None]
    assert len(days) == 5
    assert days == sorted(days, reverse=True)

    # /sumber as a reply cites that answer.
    cite = bot.say("/sumber", reply_to_message_id=answer.result["message_id"])
    assert "Media: Republika" in cite.result["text"]
    assert "China-Rusia Kompak Tolak Intervensi Barat" in cite.result["text"]
    assert "Paragraf: ke-" in cite.result["text"]

    # Out of the corpus: a polite decline, no paragraph.
    declined = bot.say(OUT_OF_CORPUS)
    assert declined.result["text"].startswith(texts.DECLINE_HEAD)

    # Hostile input still gets a valid reply and is logged verbatim.
    hostile = "<script>&amp;</script>'; DROP TABLE queries;--\u202e😀\x00 " + "x" * 3900
    survived = bot.say(hostile)
    assert survived.result["text"]
    rows = wait_rows(bot.log_path, 5)
    assert [r["command"] for r in rows] == ["ask", "latest", "sumber", "ask", "ask"]
    assert rows[-1]["query"] == hostile
    assert bot.say("/help").result["text"].startswith("Halo!")  # still alive

    assert bot.stop(signal.SIGTERM) == 0
    assert bot.standin.errors() == []
    output = bot.text_output()
    assert bot.standin.token not in output
    assert bot.standin.token.split(":")[1] not in output
    assert "Traceback" not in output
    assert "QUERY_LOG_SECRET is unset: generated one" in output
    secret_file = bot.log_path.with_name(bot.log_path.name + ".secret")
    assert secret_file.stat().st_mode & 0o777 == 0o600
    assert len(log_rows(bot.log_path)) == 6


def test_sigint_exits_0_and_debug_logs_hide_the_token_and_user_ids(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    user_id, username = 987654321, "rahasia_pengguna"
    env = bot_env(standin, tmp_path, LOG_LEVEL="DEBUG")
    for bot in start(standin, tmp_path, [], env):
        wait_until_started(bot)
        reply = bot.say(TRADE_QUESTION, user_id=user_id, username=username, first_name="Siti")
        assert TRADE_FIGURE in reply.result["text"]
        wait_rows(bot.log_path, 1)
        assert bot.stop(signal.SIGINT) == 0
        output = bot.text_output()
        assert "DEBUG bot.services: ask by " in output  # the bot's own line, pseudonymous
        assert "Traceback" not in output
        assert standin.token not in output
        assert standin.token.split(":")[1] not in output
        for raw in (str(user_id), username, "Siti", TRADE_QUESTION):
            assert raw not in output


def test_without_a_token_exits_2_with_one_line(standin: BotApiStandIn, tmp_path: Path) -> None:
    env = bot_env(standin, tmp_path)
    del env["TELEGRAM_BOT_TOKEN"]
    done = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=WAIT,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("tanyaberita: error: TELEGRAM_BOT_TOKEN is not set")
    assert "@BotFather" in line
    assert standin.calls() == []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def post_update(url: str, update: dict[str, Any], secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(url, json.dumps(update).encode(), headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=WAIT) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_webhook_mode_checks_the_secret_and_answers(standin: BotApiStandIn, tmp_path: Path) -> None:
    port, secret = free_port(), "webhook_SECRET-123"
    env = bot_env(standin, tmp_path, WEBHOOK_SECRET=secret)
    public = "https://bot.example.test/tanyaberita/hook"
    args = ["--webhook-url", public, "--listen", "127.0.0.1", "--port", str(port)]
    for bot in start(standin, tmp_path, args, env):
        registered = standin.wait_for_sync("setWebhook", timeout=WAIT)
        assert registered.params["url"] == public
        assert registered.params["secret_token"] == secret
        local = f"http://127.0.0.1:{port}/tanyaberita/hook"
        update = standin.send_text(TRADE_QUESTION)  # also makes the chat known to the stand-in
        deadline = time.monotonic() + WAIT
        while True:  # the listener comes up just after setWebhook
            try:
                status = post_update(local, update, "wrong-secret")
                break
            except OSError:
                assert time.monotonic() < deadline, bot.text_output()
                time.sleep(0.1)
        assert status == 403
        assert standin.calls("sendMessage") == []
        mark = standin.mark()
        assert post_update(local, update, secret) == 200
        reply = standin.wait_for_sync("sendMessage", after=mark, timeout=WAIT)
        assert TRADE_FIGURE in reply.result["text"]
        assert standin.calls("getUpdates") == []
        assert bot.stop() == 0
        output = bot.text_output()
        assert standin.token not in output
        assert secret not in output
        assert "Traceback" not in output


def test_sigterm_during_a_burst_finishes_and_logs_every_reply(
    bot_process: BotProcess,
) -> None:
    bot = bot_process
    wait_until_started(bot)
    bot.say("/help")
    for i in range(30):
        bot.standin.send_text(TRADE_QUESTION, user_id=600_000 + i)
    bot.standin.wait_for_sync("sendMessage", after=bot.standin.mark(), timeout=WAIT)
    assert bot.stop(signal.SIGTERM) == 0
    replies = [c for c in bot.standin.calls("sendMessage") if c.ok]
    rows = log_rows(bot.log_path)
    assert len(rows) == len(replies)
    assert {r["reply_message_id"] for r in rows} == {c.result["message_id"] for c in replies}
    output = bot.text_output()
    assert "Event loop is closed" not in output
    assert "Traceback" not in output


def test_another_instance_polling_is_one_line_and_exit_2(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    standin.inject_error(
        "getUpdates",
        code=409,
        description="Conflict: terminated by other getUpdates request; make sure that only"
        " one bot instance is running",
        count=1000,
    )
    for bot in start(standin, tmp_path, [], bot_env(standin, tmp_path)):
        assert bot.proc.wait(timeout=2 * WAIT) == 2
        output = bot.text_output()
        assert "Traceback" not in output
        errors = [line for line in output.splitlines() if line.startswith("tanyaberita: error:")]
        assert len(errors) == 1 and "409 Conflict" in errors[0]


def test_a_failing_command_menu_is_only_a_warning(standin: BotApiStandIn, tmp_path: Path) -> None:
    standin.inject_error("setMyCommands", code=400, description="Bad Request: nope", count=2)
    for bot in start(standin, tmp_path, [], bot_env(standin, tmp_path)):
        wait_until_started(bot)
        assert TRADE_FIGURE in bot.say(TRADE_QUESTION).result["text"]
        assert bot.stop() == 0
        output = bot.text_output()
        assert output.count("could not set the command menu") == 2
        assert "Traceback" not in output and "Event loop is closed" not in output


def raw_post(port: int, headers: dict[str, str], body: bytes = b"") -> int:
    """Send headers (and maybe a body) by hand; the status the server answers with."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    try:
        conn.putrequest("POST", "/tanyaberita/hook")
        for key, value in headers.items():
            conn.putheader(key, value)
        conn.endheaders(body or None)
        return conn.getresponse().status
    finally:
        conn.close()


def test_webhook_checks_the_secret_before_the_body_and_caps_it(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    port, secret = free_port(), "webhook_SECRET-123"
    env = bot_env(standin, tmp_path, WEBHOOK_SECRET=secret)
    args = ["--webhook-url", "https://bot.example.test/tanyaberita/hook", "--port", str(port)]
    for bot in start(standin, tmp_path, args, env):
        standin.wait_for_sync("setWebhook", timeout=WAIT)
        json_headers = {"Content-Type": "application/json"}
        huge = {**json_headers, "Content-Length": str(95 * 1024 * 1024)}
        deadline = time.monotonic() + WAIT
        while True:  # the listener comes up just after setWebhook
            try:
                # 95 MB announced, none sent: answered on the headers alone.
                status = raw_post(port, {**huge, "X-Telegram-Bot-Api-Secret-Token": "wrong"})
                break
            except OSError:
                assert time.monotonic() < deadline, bot.text_output()
                time.sleep(0.1)
        assert status == 403
        assert raw_post(port, huge) == 403
        right = {"X-Telegram-Bot-Api-Secret-Token": secret}
        assert raw_post(port, {**huge, **right}) == 413
        chunked = {**json_headers, **right, "Transfer-Encoding": "chunked"}
        big = b"x" * (2 * 1024 * 1024)
        body = f"{len(big):x}\r\n".encode() + big + b"\r\n0\r\n\r\n"
        with contextlib.suppress(OSError):  # the server may hang up mid-body instead
            assert raw_post(port, chunked, body) in (400, 413)
        update = standin.send_text(TRADE_QUESTION)
        mark = standin.mark()
        assert post_update(f"http://127.0.0.1:{port}/tanyaberita/hook", update, secret) == 200
        reply = standin.wait_for_sync("sendMessage", after=mark, timeout=WAIT)
        assert TRADE_FIGURE in reply.result["text"]
        assert bot.stop() == 0
        assert "Traceback" not in bot.text_output()
