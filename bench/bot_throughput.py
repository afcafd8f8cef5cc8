"""Bot throughput: the real bot through PTB's polling path against the Bot API stand-in.

    python -m bench.bot_throughput --n 10000 --concurrency 20
    python -m bench.bot_throughput --n 10000 --limiters off --rate 300

The Bot API stand-in (``tests/botapi_standin.py``) serves 127.0.0.1 in this
process; the bot runs in a child process exactly as ``tanyaberita run`` builds
it (``bot.app.build_application``, ``Application.run_polling``, concurrent
updates on), on the seeds unless ``--seeds`` says otherwise. Questions (the
project's own question set, cycled) come from many private chats in a closed
loop: ``--concurrency`` questions are outstanding at any time, each from a chat
with no other question open. The chats (``--chats``, 10,000) take turns, so each
asks once or twice in a pass, as many users would: a chat asking past the flood
limit (THROTTLE_USER_LIMIT a minute) would get "Pelan-pelan", a cheap reply that is
no answer, and a pass that sees one reports an error. Latency is from the moment
the update is queued to the moment the stand-in receives the bot's reply (its
first sendMessage to that chat).

The closed loop measures how many questions a second the bot can answer; its
latency is mostly the queue the loop itself keeps (Little's law: 20 open at ~280
a second is ~70 ms each, however fast a reply is once its turn comes). The
default 20 is what issue #10's target itself implies: 300 questions a second,
each answered in ~67 ms, are 20 open at any time. ``--rate R``
asks instead as many independent users would: questions arrive at random
(Poisson) times, R a second on average, answered or not, so the latency is what a
user waits at that load, queueing behind a burst included.

Three passes, each with a fresh bot: the rate limiter off (``--n`` questions),
then the production limiter that ``bot/app.py`` installs (``ResilientRequests``
from ``bot/sending.py``: retries plus pacing at Telegram's ~30 messages a
second) and PTB's plain ``AIORateLimiter`` (``--n-limited`` questions each).
``bot/app.py`` has no setting to choose the limiter, so the child patches the
name ``bot.app.ResilientRequests`` to build "no limiter" or ``AIORateLimiter``;
the handlers, defaults, post_init and polling are otherwise the production ones.
Everything is bounded in count and time (``--timeout`` per pass) and stays on
loopback.

Besides throughput and latency, each pass reports the CPU time (user + system,
all threads) the bot process and this process (stand-in plus load generator)
spent per answered question, the machine's load average before and after (on a
shared machine the CPU figures compare runs better than the wall-clock ones), and
how many lines the bot logged at INFO, ``tanyaberita run``'s default.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from unittest import mock

import numpy as np
import psutil
from telegram.ext import AIORateLimiter

from bot.texts import SLOW_DOWN
from tests.botapi_standin import BotApiStandIn, JSONDict

REPO = Path(__file__).resolve().parents[1]
QUESTIONS = REPO / "tests" / "data" / "questions.jsonl"
FIRST_USER_ID = 5_000_001
LIMITERS = {
    "off": "off",
    "production": "ResilientRequests (bot/app.py)",
    "aio": "AIORateLimiter",
}


class TimedStandIn(BotApiStandIn):
    """The stand-in, reporting (chat id, time) of every successful sendMessage."""

    def __init__(self) -> None:
        super().__init__()
        self.replies: queue.Queue[tuple[int, float]] = queue.Queue()
        self.flood_notices = 0  # replies that are the flood limit's notice, not an answer

    def _dispatch(
        self, path: str, content_type: str, body: bytes, query: str, handler: Any
    ) -> tuple[int, JSONDict]:
        status, payload = super()._dispatch(path, content_type, body, query, handler)
        if status == 200 and path.lower().endswith("/sendmessage"):
            self.replies.put((int(payload["result"]["chat"]["id"]), time.perf_counter()))
            if payload["result"].get("text") == SLOW_DOWN:
                self.flood_notices += 1
        return status, payload


@dataclass
class Pass:
    limiter: str
    questions: int
    answered: int
    seconds: float
    latencies_ms: list[float]
    error: str | None = None
    bot_cpu_s: float = 0.0  # CPU seconds of the bot process during the measured questions
    bot_sys_s: float = 0.0  # of which in the kernel (system time)
    standin_cpu_s: float = 0.0  # of this process: the stand-in and the load generator
    load: tuple[float, float] = (0.0, 0.0)  # 1-minute load average before, after
    log_lines: int = 0  # lines the bot logged (at INFO) in the whole pass, start-up included

    def figures(self) -> dict[str, Any]:
        lat = np.asarray(self.latencies_ms or [np.nan])
        return {
            "rate_limiter": LIMITERS[self.limiter],
            "questions": self.questions,
            "answered": self.answered,
            "seconds": round(self.seconds, 2),
            "answered_per_s": round(self.answered / max(self.seconds, 1e-9), 1),
            "p50_ms": round(float(np.percentile(lat, 50)), 1),
            "p99_ms": round(float(np.percentile(lat, 99)), 1),
            "max_ms": round(float(np.max(lat)), 1),
            "bot_cpu_ms_per_q": round(1000 * self.bot_cpu_s / max(self.answered, 1), 2),
            "bot_sys_ms_per_q": round(1000 * self.bot_sys_s / max(self.answered, 1), 2),
            "standin_cpu_ms_per_q": round(1000 * self.standin_cpu_s / max(self.answered, 1), 2),
            "load_before": round(self.load[0], 2),
            "load_after": round(self.load[1], 2),
            "bot_log_lines": self.log_lines,
            "error": self.error,
        }


def load_questions(path: Path = QUESTIONS) -> list[str]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line)["q"] for line in lines if line.strip()]


class Feed(Protocol):
    """What ``drive`` needs of the stand-in."""

    replies: queue.Queue[tuple[int, float]]

    def send_text(self, text: str, *, user_id: int, first_name: str) -> JSONDict: ...


def drive(
    standin: Feed,
    questions: Sequence[str],
    n: int,
    *,
    concurrency: int,
    chats: int,
    timeout: float,
    rate: float = 0.0,
    seed: int = 0,
) -> tuple[int, float, list[float], str | None]:
    """Ask ``n`` questions; (answered, seconds, latencies in ms, error or None).

    Closed loop (``rate`` 0): keep ``concurrency`` questions open until ``n`` are
    answered. Open loop (``rate`` > 0): questions arrive at random (Poisson) times,
    ``rate`` a second on average, whether or not earlier ones were answered, as
    many users would send them (``concurrency`` is not used).
    """
    open_since: dict[int, float] = {}
    latencies: list[float] = []
    sent = 0
    next_chat = 0
    arrivals = random.Random(seed)

    def send_one() -> bool:
        nonlocal sent, next_chat
        for _ in range(chats):
            user = FIRST_USER_ID + next_chat
            next_chat = (next_chat + 1) % chats
            if user not in open_since:
                break
        else:
            return False  # every chat has a question open
        standin.send_text(questions[sent % len(questions)], user_id=user, first_name="Uji")
        open_since[user] = time.perf_counter()
        sent += 1
        return True

    started = due = time.perf_counter()
    if not rate:
        for _ in range(min(concurrency, n)):
            send_one()
    error = None
    while len(latencies) < n:
        now = time.perf_counter()
        left = timeout - (now - started)
        if rate and sent < n and now >= due:
            if not send_one():
                error = f"more than {chats} questions open at once"
                break
            due += arrivals.expovariate(rate)
            continue
        wait = min(left, due - now) if rate and sent < n else left
        try:
            chat, at = standin.replies.get(timeout=max(wait, 0.0005))
        except queue.Empty:
            if time.perf_counter() - started >= timeout:
                error = f"timeout after {timeout:.0f} s with {len(latencies)} of {n} answered"
                break
            continue
        asked = open_since.pop(chat, None)
        if asked is None:
            continue  # a second message for a question already answered
        latencies.append((at - asked) * 1000)
        if not rate and sent < n:
            send_one()
    return len(latencies), time.perf_counter() - started, latencies, error


def _drain(replies: queue.Queue[tuple[int, float]], quiet: float = 0.5) -> None:
    while True:
        try:
            replies.get(timeout=quiet)
        except queue.Empty:
            return


def run_pass(
    *,
    limiter: str,
    n: int,
    concurrency: int,
    chats: int,
    timeout: float,
    seeds: Path,
    cache_dir: Path,
    warmup: int,
    rate: float = 0.0,
) -> Pass:
    questions = load_questions()
    standin = TimedStandIn()
    standin.start()
    with tempfile.TemporaryDirectory(prefix="tb-bot-") as tmp:
        env = {
            **{k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")},
            "TELEGRAM_BOT_TOKEN": standin.token,
            "TELEGRAM_API_BASE_URL": standin.base_url,
            "QUERY_LOG_PATH": str(Path(tmp) / "queries.sqlite3"),
            "QUERY_LOG_SECRET": "bench-secret",
            "SEEDS_DIR": str(seeds),
            "INDEX_CACHE_DIR": str(cache_dir),
            "LOG_LEVEL": "INFO",  # production's default: no line per question
        }
        cmd = [sys.executable, "-m", "bench.bot_throughput", "--serve", limiter]
        log_path = Path(tmp) / "bot.log"
        log_file = log_path.open("wb")
        child = subprocess.Popen(
            cmd, cwd=REPO, env=env, start_new_session=True, stderr=log_file, stdout=log_file
        )
        try:
            standin.wait_for_sync("setMyCommands", timeout=min(timeout, 300))
            if warmup:
                drive(
                    standin,
                    questions,
                    warmup,
                    concurrency=concurrency,
                    chats=chats,
                    timeout=timeout,
                )
                _drain(standin.replies)
            load_before = os.getloadavg()[0]
            (bot_cpu, bot_sys), (own_cpu, _) = _cpu_seconds(child.pid), _cpu_seconds(os.getpid())
            answered, seconds, latencies, error = drive(
                standin,
                questions,
                n,
                concurrency=concurrency,
                chats=chats,
                timeout=timeout,
                rate=rate,
            )
            bot_cpu_after, bot_sys_after = _cpu_seconds(child.pid)
            bot_cpu, bot_sys = bot_cpu_after - bot_cpu, bot_sys_after - bot_sys
            own_cpu = _cpu_seconds(os.getpid())[0] - own_cpu
            load = (load_before, os.getloadavg()[0])
        except AssertionError:
            answered, seconds, latencies = 0, 0.0, []
            bot_cpu = bot_sys = own_cpu = 0.0
            load = (0.0, 0.0)
            error = "the bot did not start (no setMyCommands)"
        finally:
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
            standin.stop()
            log_file.close()
            log_lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
    if standin.flood_notices and error is None:
        # A chat past THROTTLE_USER_LIMIT questions a minute gets "Pelan-pelan" (and then
        # nothing): a cheap reply that is no answer. Many users ask once or twice each.
        error = f"{standin.flood_notices} flood-limit notices among the replies: raise --chats"
    failed = [c for c in standin.errors() if c.method.lower() != "getupdates"]
    if failed and error is None:
        error = f"{len(failed)} Bot API errors, e.g. {failed[0].method}: {failed[0].error}"
    if error is not None and log_lines:
        error += f" (bot log: {log_lines[-1][:200]})"
    return Pass(
        limiter,
        n,
        answered,
        seconds,
        latencies,
        error,
        bot_cpu,
        bot_sys,
        own_cpu,
        load,
        len(log_lines),
    )


def _cpu_seconds(pid: int) -> tuple[float, float]:
    """CPU seconds a process (all its threads) has used so far: user + system, and
    of those the system (kernel) part: syscalls, wake-ups, fsync."""
    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system), float(times.system)


def serve(limiter: str) -> int:
    """The child: the production Application, polling the stand-in."""
    import bot.app
    from bot.config import load_settings
    from bot.logsetup import setup_logging

    settings = load_settings(os.environ, env_file=None)
    setup_logging(settings.log_level, settings.secret_values)  # as `tanyaberita run` does
    if limiter == "production":
        app = bot.app.build_application(settings)
    else:
        make = (lambda **_: None) if limiter == "off" else (lambda **_: AIORateLimiter())
        with mock.patch.object(bot.app, "ResilientRequests", side_effect=make):
            app = bot.app.build_application(settings)
    app.run_polling(allowed_updates=bot.app.ALLOWED_UPDATES)
    return 0


def table(passes: Sequence[dict[str, Any]], concurrency: int, rate: float = 0.0) -> str:
    lines = [
        "| rate limiter | questions | answered | s | answered/s | p50 ms | p99 ms | max ms "
        "| bot CPU ms/q | stand-in CPU ms/q | load 1 min | bot log lines |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for p in passes:
        lines.append(
            f"| {p['rate_limiter']} | {p['questions']:,} | {p['answered']:,} | {p['seconds']} "
            f"| {p['answered_per_s']} | {p['p50_ms']} | {p['p99_ms']} | {p['max_ms']} "
            f"| {p['bot_cpu_ms_per_q']} ({p['bot_sys_ms_per_q']} sys) "
            f"| {p['standin_cpu_ms_per_q']} "
            f"| {p['load_before']} -> {p['load_after']} | {p['bot_log_lines']} |"
            + (f" {p['error']}" if p["error"] else "")
        )
    lines.append(
        f"\n{load_model(concurrency, rate)}; "
        "latency = update queued at the stand-in -> the bot's reply received. CPU: "
        "user + system seconds of the bot process, and of the process running the stand-in "
        "and the load generator, per answered question; load: the machine's 1-minute load "
        f"average before and after the pass ({os.cpu_count()} cores)."
    )
    return "\n".join(lines) + "\n"


def load_model(concurrency: int, rate: float) -> str:
    if rate:
        return (
            f"Open loop, questions arriving at random (Poisson) times, {rate:g} a second on"
            " average, each from a private chat with no question open"
        )
    return f"Closed loop, {concurrency} questions open at a time from distinct private chats"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bot_throughput", description=__doc__)
    parser.add_argument("--n", type=int, default=10_000, help="questions, limiter off")
    parser.add_argument("--n-limited", type=int, default=600, help="questions, limiter on")
    parser.add_argument(
        "--limiters", default="off,production,aio", help="passes: off, production, aio"
    )
    parser.add_argument("--concurrency", type=int, default=20, help="questions open at once")
    parser.add_argument(
        "--rate",
        type=float,
        default=0.0,
        help="open loop: questions a second, arriving at random (0: the closed loop)",
    )
    parser.add_argument(
        "--chats",
        type=int,
        default=10_000,
        help="distinct private chats, asked in turn (each stays under the flood limit)",
    )
    parser.add_argument("--warmup", type=int, default=100, help="unmeasured questions first")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per pass")
    parser.add_argument("--seeds", type=Path, default=REPO / "seeds")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results")
    parser.add_argument(
        "--serve", dest="serve_limiter", choices=tuple(LIMITERS), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.serve_limiter:
        return serve(args.serve_limiter)
    limiters = [x.strip() for x in args.limiters.split(",") if x.strip()]
    if any(x not in LIMITERS for x in limiters):
        parser.error(f"--limiters: expected some of {', '.join(LIMITERS)}")
    if args.concurrency > args.chats:
        parser.error("--concurrency cannot exceed --chats")
    passes = []
    with tempfile.TemporaryDirectory(prefix="tb-bot-index-") as cache:
        from retrieval import Retriever

        Retriever.load(args.seeds, cache_dir=Path(cache))  # build once, outside the timing
        for limiter in limiters:
            n = args.n if limiter == "off" else args.n_limited
            if n <= 0:
                continue
            print(
                f"pass: rate limiter {limiter}, {n} questions",
                file=sys.stderr,
                flush=True,
            )
            result = run_pass(
                limiter=limiter,
                n=n,
                concurrency=args.concurrency,
                chats=args.chats,
                timeout=args.timeout,
                seeds=args.seeds,
                cache_dir=Path(cache),
                warmup=args.warmup,
                rate=args.rate,
            )
            passes.append(result.figures())
    markdown = table(passes, args.concurrency, args.rate)
    print(markdown)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    report = {
        "command": "python -m bench.bot_throughput " + " ".join(argv or sys.argv[1:]),
        "concurrency": args.concurrency,
        "rate": args.rate,
        "chats": args.chats,
        "passes": passes,
    }
    (args.out / f"bot-{stamp}.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    (args.out / f"bot-{stamp}.md").write_text(f"`{report['command']}`\n\n{markdown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
