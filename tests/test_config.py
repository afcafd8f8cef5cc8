"""bot.config and the ``run``/``stats`` CLI's handling of bad settings."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import sqlite3
import stat
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot import cli, querylog
from bot.config import (
    ConfigError,
    Settings,
    ensure_query_log_secret,
    load_settings,
    parse_env_file,
    secret_file_for,
)
from bot.logsetup import NOISY_LOGGERS
from bot.querylog import QueryLog, QueryRecord
from tests.bot_fixtures import BOT_ENV_KEYS
from tests.botapi_standin import BotApiStandIn

TOKEN = "123456789:AAEfakeFAKEfake_token-0123456789abcd"


def write_env(tmp_path: Path, text: str) -> Path:
    path = tmp_path / ".env"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults() -> None:
    s = load_settings({"TELEGRAM_BOT_TOKEN": TOKEN}, None)
    assert s == Settings(
        telegram_bot_token=TOKEN,
        telegram_api_base_url=None,
        query_log_path=Path("data/queries.sqlite3"),
        query_log_secret=None,
        seeds_dir=Path("seeds"),
        index_cache_dir=Path("data/index"),
        admin_user_ids=frozenset(),
        log_level="INFO",
        webhook_secret=None,
    )
    assert s.query_log_retention_days is None  # keep every row


def test_every_variable_is_read(tmp_path: Path) -> None:
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot",
        "QUERY_LOG_PATH": str(tmp_path / "q.sqlite3"),
        "QUERY_LOG_SECRET": "s3cret",
        "SEEDS_DIR": "/srv/seeds",
        "INDEX_CACHE_DIR": "/srv/index",
        "ADMIN_USER_IDS": " 1, 22 ,333,",
        "LOG_LEVEL": "debug",
        "WEBHOOK_SECRET": "abc_DEF-123",
        "ENGLISH_DICT": "/srv/dict/freedict-eng-ind",
        # archive and feeds (ingest)
        "ARCHIVE_DIR": "/srv/archive",
        "FEEDS": "https://a.example/rss, https://b.example/feed",
        "FEED_INTERVAL": "30",
        # reliab settings
        **{"SEND_DEADLINE_SECONDS": "30", "THROTTLE_WINDOW_SECONDS": "10"},
        **{"THROTTLE_USER_LIMIT": "2", "THROTTLE_CHAT_LIMIT": "3"},
        **{"QUESTION_MAX_CHARS": "100", "QUESTION_MAX_TERMS": "10"},
        "QUERY_LOG_RETENTION_DAYS": "90",
        "FOLLOWUP_WINDOW_MINUTES": "2.5",  # followup
    }
    s = load_settings(env, None)
    assert (s.send_deadline, s.throttle_window) == (30.0, 10.0)  # reliab settings
    assert (s.throttle_user_limit, s.throttle_chat_limit) == (2, 3)
    assert (s.question_max_chars, s.question_max_terms) == (100, 10)
    assert s.telegram_api_base_url == "http://127.0.0.1:8081/bot"
    assert s.query_log_path == tmp_path / "q.sqlite3"
    assert s.query_log_secret == "s3cret"
    assert s.seeds_dir == Path("/srv/seeds")
    assert s.index_cache_dir == Path("/srv/index")
    assert s.admin_user_ids == {1, 22, 333}
    assert s.log_level == "DEBUG"
    assert s.webhook_secret == "abc_DEF-123"
    assert s.english_dict == Path("/srv/dict/freedict-eng-ind")
    assert s.query_log_retention_days == 90
    assert s.followup_window_minutes == 2.5  # followup
    assert load_settings({**env, "ENGLISH_DICT": "none"}, None).english_dict is None
    assert s.archive_dir == Path("/srv/archive") and s.feed_interval == 30 * 60
    assert s.feeds == ("https://a.example/rss", "https://b.example/feed")
    assert set(BOT_ENV_KEYS) == set(env)  # the shared list the subprocess tests scrub


def test_env_example_documents_every_setting() -> None:
    example = (Path(__file__).parent.parent / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^#? ?([A-Z][A-Z_]+)=", example, flags=re.MULTILINE))
    assert documented == set(BOT_ENV_KEYS)


def test_secrets_stay_out_of_repr() -> None:
    s = load_settings(
        {"TELEGRAM_BOT_TOKEN": TOKEN, "QUERY_LOG_SECRET": "qls", "WEBHOOK_SECRET": "whs"}, None
    )
    assert TOKEN not in repr(s)
    assert "qls" not in repr(s)
    assert "whs" not in repr(s)
    assert set(s.secret_values) == {TOKEN, "qls", "whs"}


def test_env_file_is_read_and_real_environment_wins(tmp_path: Path) -> None:
    env_file = write_env(
        tmp_path,
        "# a comment\n"
        "\n"
        f"TELEGRAM_BOT_TOKEN={TOKEN}\n"
        "export LOG_LEVEL=warning  # trailing comment\n"
        "QUERY_LOG_SECRET=\"with # hash and 'quotes'\"\n"
        "SEEDS_DIR='/from/env file'\n"
        "ADMIN_USER_IDS=1,2\n",
    )
    s = load_settings({"ADMIN_USER_IDS": "9"}, env_file)
    assert s.telegram_bot_token == TOKEN
    assert s.log_level == "WARNING"
    assert s.query_log_secret == "with # hash and 'quotes'"
    assert s.seeds_dir == Path("/from/env file")
    assert s.admin_user_ids == {9}


def test_missing_env_file_is_fine(tmp_path: Path) -> None:
    s = load_settings({"TELEGRAM_BOT_TOKEN": TOKEN}, tmp_path / "absent.env")
    assert s.telegram_bot_token == TOKEN


@pytest.mark.parametrize(
    ("line", "named"),
    [("JUST TEXT", "line 2"), ("=value", "line 2"), ("KEY='unclosed", "KEY")],
)
def test_malformed_env_file_lines(tmp_path: Path, line: str, named: str) -> None:
    env_file = write_env(tmp_path, f"LOG_LEVEL=INFO\n{line}\n")
    with pytest.raises(ConfigError, match=named) as info:
        load_settings({"TELEGRAM_BOT_TOKEN": TOKEN}, env_file)
    assert str(env_file) in str(info.value)


def test_parse_env_file_keeps_empty_values_and_equals_signs() -> None:
    assert parse_env_file("A=\nB=x=y\nC = spaced \n") == {"A": "", "B": "x=y", "C": "spaced"}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("ADMIN_USER_IDS", "12,abc"),
        ("ADMIN_USER_IDS", "1.5"),
        ("LOG_LEVEL", "LOUD"),
        ("TELEGRAM_API_BASE_URL", "127.0.0.1:8081/bot"),
        ("TELEGRAM_API_BASE_URL", "ftp://example.com/bot"),
        ("TELEGRAM_API_BASE_URL", "http:///bot"),
        ("TELEGRAM_API_BASE_URL", "http://127.0.0.1:99999/bot"),
        ("TELEGRAM_BOT_TOKEN", "not-a-token"),
        ("TELEGRAM_BOT_TOKEN", "123456:has spaces"),
        ("TELEGRAM_BOT_TOKEN", ":abc"),
        ("WEBHOOK_SECRET", "has space"),
        ("WEBHOOK_SECRET", "x" * 257),
        ("QUERY_LOG_RETENTION_DAYS", "0"),
        ("QUERY_LOG_RETENTION_DAYS", "-3"),
        ("QUERY_LOG_RETENTION_DAYS", "30d"),
        ("QUERY_LOG_RETENTION_DAYS", "1.5"),
        ("QUERY_LOG_RETENTION_DAYS", "99999999"),
        ("FOLLOWUP_WINDOW_MINUTES", "-1"),  # followup
        ("FOLLOWUP_WINDOW_MINUTES", "ten"),
    ],
)
def test_bad_values_name_the_variable_in_one_line(key: str, value: str) -> None:
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, key: value}
    with pytest.raises(ConfigError) as info:
        load_settings(env, None)
    message = str(info.value)
    assert key in message
    assert "\n" not in message
    if key == "TELEGRAM_BOT_TOKEN":
        assert value not in message  # a mistyped real token is still a secret


@pytest.mark.parametrize("value", [None, "", "   "])
def test_missing_token_explains_how_to_get_one(value: str | None) -> None:
    env = {} if value is None else {"TELEGRAM_BOT_TOKEN": value}
    with pytest.raises(ConfigError) as info:
        load_settings(env, None)
    message = str(info.value)
    for needed in ("TELEGRAM_BOT_TOKEN", "@BotFather", "/newbot", ".env", "tanyaberita ask"):
        assert needed in message
    assert "\n" not in message


def test_token_optional_when_not_required() -> None:
    assert load_settings({}, None, require_token=False).telegram_bot_token is None


def test_generated_secret_is_kept_private_and_reused(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    s = load_settings(
        {"QUERY_LOG_PATH": str(tmp_path / "sub" / "q.sqlite3")}, None, require_token=False
    )
    caplog.set_level("INFO")
    first = ensure_query_log_secret(s)
    path = secret_file_for(s.query_log_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 32
    assert str(path) in caplog.text
    assert first.decode() not in caplog.text
    caplog.clear()
    assert ensure_query_log_secret(s) == first
    assert caplog.text == ""  # said once, on creation
    configured = load_settings(
        {"QUERY_LOG_SECRET": "mine", "QUERY_LOG_PATH": str(path)}, None, require_token=False
    )
    assert ensure_query_log_secret(configured) == b"mine"


# --- the CLI ---------------------------------------------------------------------------


def run_cli(argv: list[str]) -> int:
    return cli.main(argv)


@pytest.fixture
def bare_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No bot settings in the environment, and a working directory without .env."""
    for key in BOT_ENV_KEYS:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("tanyaberita: error: ")
    assert "Traceback" not in err
    return lines[0]


def test_run_without_token_exits_2_with_one_line(
    bare_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(["run"]) == 2
    out, err = capsys.readouterr()
    line = one_error_line(err)
    assert "@BotFather" in line
    assert "tanyaberita ask" in line
    assert out == ""


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"ADMIN_USER_IDS": "satu"}, "ADMIN_USER_IDS"),
        ({"LOG_LEVEL": "verbose"}, "LOG_LEVEL"),
        ({"TELEGRAM_API_BASE_URL": "localhost"}, "TELEGRAM_API_BASE_URL"),
    ],
)
def test_run_with_a_bad_value_exits_2_naming_it(
    bare_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    env: dict[str, str],
    named: str,
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert run_cli(["run"]) == 2
    assert named in one_error_line(capsys.readouterr().err)


def test_run_reads_dotenv_from_the_working_directory(
    bare_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_env(bare_env, f"TELEGRAM_BOT_TOKEN={TOKEN}\nLOG_LEVEL=chatty\n")
    assert run_cli(["run"]) == 2
    assert "LOG_LEVEL" in one_error_line(capsys.readouterr().err)


def test_webhook_needs_a_secret(
    bare_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    assert run_cli(["run", "--webhook-url", "https://bot.example.org/tg"]) == 2
    assert "WEBHOOK_SECRET" in one_error_line(capsys.readouterr().err)


def test_webhook_url_must_be_a_url(
    bare_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("WEBHOOK_SECRET", "s3cret")
    assert run_cli(["run", "--webhook-url", "bot.example.org/tg"]) == 2
    assert "--webhook-url" in one_error_line(capsys.readouterr().err)


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """run_bot configures the root logger and sets (then closes) an event loop;
    put both back for the rest of the suite."""
    root = logging.getLogger()
    level, handlers = root.level, {h: list(h.filters) for h in root.handlers}
    noisy = {name: logging.getLogger(name).level for name in NOISY_LOGGERS}
    yield
    root.setLevel(level)
    for handler, filters in handlers.items():
        handler.filters[:] = filters
    for extra in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(extra)
    for name, old in noisy.items():
        logging.getLogger(name).setLevel(old)
    asyncio.set_event_loop(None)


@pytest.fixture
def standin() -> Iterator[BotApiStandIn]:
    with BotApiStandIn() as server:
        yield server


@pytest.mark.usefixtures("restore_logging")
def test_corpus_error_at_startup_is_one_line(
    bare_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    standin: BotApiStandIn,
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", standin.token)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", standin.base_url)
    monkeypatch.setenv("SEEDS_DIR", str(bare_env / "no-such-seeds"))
    assert run_cli(["run"]) == 2
    err = capsys.readouterr().err
    line = one_error_line(err)
    assert "no-such-seeds" in line
    assert standin.calls("getMe")  # it did get as far as Telegram, then stopped cleanly
    assert not standin.calls("getUpdates")


def test_run_seeds_option_wins_over_the_environment(
    bare_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    standin: BotApiStandIn,
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", standin.token)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", standin.base_url)
    assert run_cli(["run", "--seeds", str(bare_env / "option-seeds")]) == 2
    assert "option-seeds" in one_error_line(capsys.readouterr().err)


def test_terminal_commands_read_the_same_env_file_as_run(
    bare_env: Path, seeds_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (bare_env / ".env").write_text(f"SEEDS_DIR={seeds_dir}\nENGLISH_DICT=none\n", "utf-8")
    assert run_cli(["latest", "-n", "1"]) == 0
    assert "VOI" in capsys.readouterr().out
    (bare_env / ".env").write_text("SEEDS_DIR=elsewhere\n", "utf-8")
    assert run_cli(["latest"]) == 2
    assert "elsewhere" in one_error_line(capsys.readouterr().err)
    (bare_env / ".env").write_text("LOG_LEVEL=LOUD\n", "utf-8")
    assert run_cli(["ask", "halo"]) == 2
    assert "LOG_LEVEL" in one_error_line(capsys.readouterr().err)


@pytest.mark.usefixtures("restore_logging")
def test_rejected_token_is_one_line_without_the_token(
    bare_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    standin: BotApiStandIn,
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)  # not the stand-in's token: 401
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", standin.base_url)
    assert run_cli(["run"]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "rejected" in line
    assert "@BotFather" in line
    assert TOKEN not in line


def test_run_arguments() -> None:
    parser = cli.build_parser()
    args = parser.parse_args(["run", "--webhook-url", "https://x.example/hook", "--port", "88"])
    assert (args.webhook_url, args.listen, args.port) == ("https://x.example/hook", "127.0.0.1", 88)
    defaults = parser.parse_args(["run"])
    assert (defaults.webhook_url, defaults.port) == (None, 8443)
    with pytest.raises(SystemExit):
        parser.parse_args(["run", "--port", "70000"])


def test_stats_without_a_log_exits_2(bare_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["stats"]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "data/queries.sqlite3" in line
    assert not (bare_env / "data").exists()  # reading never creates the log


def test_stats_arguments() -> None:
    args = cli.build_parser().parse_args(["stats", "--json", "--top", "3", "--since", "2024-05-01"])
    assert isinstance(args, argparse.Namespace)
    assert args.json
    assert args.top == 3
    assert args.since.isoformat().startswith("2024-05-01")
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["stats", "--top", "0"])


def test_stats_reads_the_log_as_text_and_json(
    bare_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = bare_env / "q.sqlite3"

    async def fill() -> None:
        async with await QueryLog.open(path, secret=b"k") as log:
            for query, answered in [("Apa?", True), ("apa? ", True), ("Siapa \x1b[2J?", False)]:
                await log.record(QueryRecord(1, "private", 5, "ask", query, answered))
            await log.record(QueryRecord(-7, "group", 6, "latest", "", True))

    asyncio.run(fill())
    monkeypatch.setenv("QUERY_LOG_PATH", str(path))
    assert run_cli(["stats", "--json", "--top", "1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["total"], data["questions"], data["answered"]) == (4, 3, 2)
    assert data["unique_users"] == 2
    assert data["top_questions"] == [{"question": "apa?", "count": 2}]
    assert data["recent_unanswered"][0]["question"] == "Siapa \x1b[2J?"
    assert run_cli(["stats"]) == 0
    out = capsys.readouterr().out
    assert "Answered: 2 of 3 (67%)" in out
    assert "\x1b" not in out
    assert "Siapa \\x1b[2J?" in out


def test_stats_on_a_file_that_is_not_a_log_exits_2(
    bare_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = bare_env / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    assert run_cli(["stats", "--log", str(junk)]) == 2
    assert "junk.sqlite3" in one_error_line(capsys.readouterr().err)


# --- qlog: the pseudonym secret file ---------------------------------------------


def log_settings(tmp_path: Path) -> Settings:
    return load_settings(
        {"QUERY_LOG_PATH": str(tmp_path / "data" / "q.sqlite3")}, None, require_token=False
    )


def break_secret_as_directory(path: Path) -> None:
    path.mkdir(parents=True)


def break_secret_as_non_ascii(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes("rahasia-é\n".encode())


def break_secret_as_empty(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"  \n")


@pytest.mark.parametrize(
    ("breaker", "named"),
    [
        (break_secret_as_directory, "is a directory"),
        (break_secret_as_non_ascii, "is not ASCII"),
        (break_secret_as_empty, "is empty"),
    ],
)
def test_bad_secret_file_is_one_line(tmp_path: Path, breaker: Any, named: str) -> None:
    s = log_settings(tmp_path)
    path = secret_file_for(s.query_log_path)
    breaker(path)
    with pytest.raises(ConfigError) as info:
        ensure_query_log_secret(s)
    message = str(info.value)
    assert named in message
    assert str(path) in message
    assert "QUERY_LOG_SECRET" in message  # the way out
    assert "\n" not in message


def test_unreadable_secret_file_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = log_settings(tmp_path)
    path = secret_file_for(s.query_log_path)
    path.parent.mkdir(parents=True)
    path.write_text("abc\n")
    path.chmod(0)
    if os.geteuid() == 0:  # root reads files whatever their mode: refuse it the way mode 0 would
        real = Path.read_bytes

        def refuse(self: Path) -> bytes:
            if self == path:
                raise PermissionError(13, "Permission denied")
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(ConfigError, match="cannot be read"):
        ensure_query_log_secret(s)


def test_generated_secret_folder_is_private(tmp_path: Path) -> None:
    s = log_settings(tmp_path)
    ensure_query_log_secret(s)
    assert stat.S_IMODE(s.query_log_path.parent.stat().st_mode) == 0o700
    assert [p.name for p in s.query_log_path.parent.iterdir()] == ["q.sqlite3.secret"]


RACER = """
import os, sys, time
from pathlib import Path
from bot.config import ensure_query_log_secret, load_settings

settings = load_settings({"QUERY_LOG_PATH": sys.argv[1]}, None, require_token=False)
go = Path(sys.argv[2])
print("ready", flush=True)
while not go.exists():
    time.sleep(0.001)
print(ensure_query_log_secret(settings).decode(), flush=True)
"""


def test_processes_starting_at_once_agree_on_one_secret(tmp_path: Path) -> None:
    log_path, go = tmp_path / "data" / "q.sqlite3", tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(log_path), str(go)],
            cwd=Path(__file__).resolve().parent.parent,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    try:
        for proc in procs:  # every racer is waiting at the line
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "ready"
        go.touch()
        outputs = [proc.communicate(timeout=60)[0].strip() for proc in procs]
    finally:
        for proc in procs:
            proc.kill()
    assert [proc.returncode for proc in procs] == [0] * 6
    stored = secret_file_for(log_path).read_text(encoding="ascii").strip()
    assert len(stored) == 64
    assert outputs == [stored] * 6
    assert [p.name for p in log_path.parent.iterdir()] == ["q.sqlite3.secret"]  # no temp files


@pytest.mark.usefixtures("restore_logging")
def test_run_with_a_bad_secret_file_exits_2_with_one_line(
    bare_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    standin: BotApiStandIn,
    seeds_dir: Path,
) -> None:
    log_path = bare_env / "data" / "q.sqlite3"
    secret_file_for(log_path).mkdir(parents=True)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", standin.token)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", standin.base_url)
    monkeypatch.setenv("QUERY_LOG_PATH", str(log_path))
    monkeypatch.setenv("SEEDS_DIR", str(seeds_dir))
    monkeypatch.setenv("ENGLISH_DICT", "none")
    assert run_cli(["run"]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "q.sqlite3.secret is a directory" in line
    assert not standin.calls("getUpdates")


# --- qlog: stats reads only; --repair; --plot --------------------------------------


def fill_log(path: Path) -> None:
    async def fill() -> None:
        async with await QueryLog.open(path, secret=b"k") as log:
            await log.record(QueryRecord(1, "private", 5, "ask", "Apa?", outcome="answered"))
            for reason in ("no-match", "no-match", "low-coverage"):
                await log.record(QueryRecord(1, "private", 6, "ask", "Siapa?", reason=reason))
            await log.record(
                QueryRecord(2, "private", 7, "ask", "Kapan?", outcome="send_failed", reason="E")
            )

    asyncio.run(fill())


def test_stats_json_adds_outcomes_and_grouped_unanswered(
    bare_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = bare_env / "q.sqlite3"
    fill_log(path)
    assert run_cli(["stats", "--json", "--log", str(path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["by_outcome"] == {"declined": 3, "answered": 1, "send_failed": 1}
    assert (data["send_failed"], data["throttled"], data["too_long"]) == (1, 0, 0)
    assert data["declined_by_reason"] == {"no-match": 2, "low-coverage": 1}
    group = data["top_unanswered"][0]
    assert (group["question"], group["count"]) == ("siapa?", 3)
    assert group["reasons"] == ["low-coverage", "no-match"]
    assert len(data["per_day"]) == 30
    assert data["per_day"][-1]["declined"] == 3
    assert run_cli(["stats", "--log", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Top unanswered questions" in out
    assert "Send failures: 1 (E 1)" in out


def remove_sidecars(path: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def log_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_stats_never_writes_or_migrates(bare_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = bare_env / "old.sqlite3"
    con = sqlite3.connect(path)
    for statement in querylog.split_statements(querylog.MIGRATIONS[0]):
        con.execute(statement)
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    before = path.read_bytes()
    assert run_cli(["stats", "--log", str(path)]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "older" in line
    assert path.read_bytes() == before
    assert log_files(bare_env) == ["old.sqlite3"]


def test_stats_repair_moves_a_corrupt_log_aside_and_keeps_a_healthy_one(
    bare_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = bare_env / "q.sqlite3"
    fill_log(path)
    assert run_cli(["stats", "--repair", "--log", str(path)]) == 0
    assert "healthy; nothing moved" in capsys.readouterr().out
    assert not [name for name in log_files(bare_env) if "corrupt" in name]
    remove_sidecars(path)  # SQLite's -wal/-shm, left by any reader of a WAL database

    garbage = b"not a database " * 300
    path.write_bytes(garbage)
    assert run_cli(["stats", "--log", str(path)]) == 2
    assert "tanyaberita stats --repair" in one_error_line(capsys.readouterr().err)
    assert run_cli(["stats", "--repair", "--log", str(path)]) == 0
    out = capsys.readouterr().out
    (moved,) = log_files(bare_env)
    assert re.fullmatch(r"q\.sqlite3\.corrupt-\d{8}T\d{6}Z", moved)
    assert moved in out
    assert (bare_env / moved).read_bytes() == garbage  # renamed, never deleted


def test_stats_plot_writes_a_png(bare_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, png = bare_env / "q.sqlite3", bare_env / "chart.png"
    fill_log(path)
    assert run_cli(["stats", "--log", str(path), "--plot", str(png)]) == 0
    assert str(png) in capsys.readouterr().err
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (800, 360)


@pytest.mark.usefixtures("restore_logging")
def test_run_with_a_corrupt_log_exits_2_naming_the_repair(
    bare_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    standin: BotApiStandIn,
    seeds_dir: Path,
) -> None:
    log_path = bare_env / "q.sqlite3"
    log_path.write_bytes(b"\x00garbage, not SQLite" * 500)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", standin.token)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", standin.base_url)
    monkeypatch.setenv("QUERY_LOG_PATH", str(log_path))
    monkeypatch.setenv("QUERY_LOG_SECRET", "s3cret")
    monkeypatch.setenv("SEEDS_DIR", str(seeds_dir))
    monkeypatch.setenv("ENGLISH_DICT", "none")
    assert run_cli(["run"]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert str(log_path) in line
    assert "tanyaberita stats --repair" in line
    assert not standin.calls("getUpdates")
