#!/usr/bin/env python3
"""Load and fault run: the real ``tanyaberita run`` against the Bot API stand-in.

Loopback only, bounded in count and time. Private chats ask one question at a time
(the next once the previous is answered); groups get bursts of questions from many
users at once. ``sendMessage`` fails at random (429 with retry_after, 500, dropped
connections, slow answers). Prints a Markdown table and a JSON line:

    python scripts/load_faults.py                       # 1,000 questions, 300 chats
    python scripts/load_faults.py --questions 400 --chats 400 --groups 0

Targets: every question answered, one query-log row per question, RSS flat within 10%.
Exit status 0 when the targets are met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.botapi_standin import BotApiStandIn, Faults  # noqa: E402

# Invented questions: some the seed archive answers, some it declines. Every one gets
# a reply either way, and that reply is what this run measures.
QUESTIONS = (
    "Berapa nilai perdagangan bilateral Rusia dan China?",
    "Siapa pemasok minyak terbesar bagi China?",
    "Apakah Rusia dan China membangun aliansi militer?",
    "Siapa Menteri Pertahanan China yang bertemu Putin?",
    "Kapan Putin dan Xi Jinping melakukan panggilan video?",
    "Senjata apa yang dikembangkan Rusia dan China?",
    "Siapa presiden Prancis?",
    "Berapa harga beras di Jakarta hari ini?",
    "Apa kata Putin tentang kerja sama teknologi tinggi?",
    "Bagaimana hubungan militer Rusia dan China?",
)
GROUP_BASE_ID = -4_100_000_000
USER_BASE_ID = 5_000_000
BOT_ENV_KEYS_PREFIXES = ("TELEGRAM_", "QUERY_LOG_", "SEEDS_DIR", "INDEX_CACHE_DIR", "ADMIN_")


@dataclass
class Report:
    questions: int = 0
    sent: int = 0
    answered: int = 0
    extra_replies: int = 0  # replies beyond one per question (a retried send that had landed)
    logged: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    faults: dict[str, int] = field(default_factory=dict)
    retries_seen: int = 0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    rss_start_mb: float = 0.0
    rss_end_mb: float = 0.0
    bot_cpu_seconds: float = 0.0  # user + system time of the bot process during the run
    seconds: float = 0.0
    exit_code: int | None = None
    targets_met: bool = False

    def markdown(self) -> str:
        rows = [
            ("questions sent", f"{self.sent} of {self.questions}"),
            ("answered (one reply each)", f"{self.answered}"),
            ("extra replies", f"{self.extra_replies}"),
            ("query-log rows", f"{self.logged}"),
            ("outcomes", ", ".join(f"{k} {v}" for k, v in sorted(self.outcomes.items()))),
            ("faults injected", ", ".join(f"{k} {v}" for k, v in sorted(self.faults.items()))),
            ("retries seen (failed sends retried)", f"{self.retries_seen}"),
            (
                "latency p50 / p99 / max",
                f"{self.p50_ms:.0f} / {self.p99_ms:.0f} / {self.max_ms:.0f} ms",
            ),
            ("RSS start / end", f"{self.rss_start_mb:.1f} / {self.rss_end_mb:.1f} MB"),
            ("bot CPU time", f"{self.bot_cpu_seconds:.1f} s"),
            ("wall time", f"{self.seconds:.1f} s"),
            ("bot exit code", f"{self.exit_code}"),
            ("targets met", "yes" if self.targets_met else "NO"),
        ]
        lines = ["| measure | value |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in rows]
        return "\n".join(lines)


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def bot_env(standin: BotApiStandIn, data: Path, seeds: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(BOT_ENV_KEYS_PREFIXES)}
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "TELEGRAM_BOT_TOKEN": standin.token,
            "TELEGRAM_API_BASE_URL": standin.base_url,
            "QUERY_LOG_PATH": str(data / "queries.sqlite3"),
            "QUERY_LOG_SECRET": "load-faults-secret",
            "INDEX_CACHE_DIR": str(data / "index"),
            "SEEDS_DIR": str(seeds),
            "ENGLISH_DICT": "none",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def plan_chats(questions: int, chats: int, groups: int, burst: int) -> tuple[list[int], list[int]]:
    """How many questions each private chat asks, and each group's burst size."""
    group_sizes = [burst] * groups
    left = questions - sum(group_sizes)
    private = max(chats - groups, 1)
    if left < private:
        raise SystemExit("load_faults: fewer questions than private chats; lower --chats")
    per = [left // private + (1 if i < left % private else 0) for i in range(private)]
    return per, group_sizes


def log_rows(path: Path) -> list[sqlite3.Row]:
    if not path.exists():
        return []
    db = sqlite3.connect(path)
    try:
        db.row_factory = sqlite3.Row
        return list(db.execute("SELECT * FROM queries"))
    except sqlite3.OperationalError:
        return []
    finally:
        db.close()


def run(
    *,
    questions: int = 1000,
    chats: int = 300,
    groups: int = 2,
    burst: int = 20,
    rate: float = 40.0,
    p429: float = 0.10,
    p500: float = 0.10,
    drop: float = 0.05,
    slow: float = 0.05,
    slow_delay: tuple[float, float] = (10.0, 12.0),
    max_seconds: float = 600.0,
    seed: int = 1,
    seeds_dir: Path = ROOT / "seeds",
    workdir: Path | None = None,
    output: Path | None = None,
) -> Report:
    """One bounded run; see the module docstring."""
    per_chat, bursts = plan_chats(questions, chats, groups, burst)
    report = Report(questions=questions)
    began = time.monotonic()
    with tempfile.TemporaryDirectory(dir=workdir) as tmp, BotApiStandIn() as standin:
        data = Path(tmp)
        faults = Faults(status=((429, p429), (500, p500)), drop=drop, slow=slow, delay=slow_delay)
        sink = (output or data / "bot-output.txt").open("wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot"],
            cwd=data,
            env=bot_env(standin, data, seeds_dir),
            stdout=sink,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        try:
            try:
                standin.wait_for_sync("deleteWebhook", timeout=120)
            except AssertionError:
                sink.flush()
                tail = (output or data / "bot-output.txt").read_text(errors="replace")[-2000:]
                raise SystemExit(f"load_faults: the bot did not start:\n{tail}") from None
            report.rss_start_mb = rss_mb(proc.pid)
            cpu_start = cpu_seconds(proc.pid)
            standin.set_faults("sendMessage", faults, seed=seed)
            _drive(standin, per_chat, bursts, rate, began + max_seconds, report)
            log_path = data / "queries.sqlite3"
            # Rows follow replies; a failed send still gets its row once the deadline ends.
            wait_until = min(time.monotonic() + 90, began + max_seconds + 90)
            rows = log_rows(log_path)
            while len(rows) < report.sent and time.monotonic() < wait_until:
                time.sleep(0.2)
                rows = log_rows(log_path)
            report.rss_end_mb = rss_mb(proc.pid)
            report.bot_cpu_seconds = cpu_seconds(proc.pid) - cpu_start
            proc.send_signal(signal.SIGTERM)
            report.exit_code = proc.wait(timeout=60)
            rows = log_rows(log_path)
            report.logged = len(rows)
            for row in rows:
                outcome = row["outcome"] or "?"
                report.outcomes[outcome] = report.outcomes.get(outcome, 0) + 1
            report.faults = standin.fault_counts()
            report.retries_seen = sum(v for k, v in report.faults.items() if k != "slow")
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)
            sink.close()
    report.seconds = time.monotonic() - began
    flat = report.rss_end_mb <= report.rss_start_mb * 1.10
    report.targets_met = (
        report.answered == report.questions
        and report.logged == report.questions
        and report.exit_code == 0
        and flat
    )
    return report


def _drive(
    standin: BotApiStandIn,
    per_chat: list[int],
    bursts: list[int],
    rate: float,
    give_up_at: float,
    report: Report,
) -> None:
    """Send the questions and match each reply to its question."""
    latencies: list[float] = []
    # pending: private chat id -> sent time; group (chat id, message id) -> sent time
    pending_private: dict[int, float] = {}
    pending_group: dict[tuple[int, int], float] = {}
    left = {USER_BASE_ID + i: n for i, n in enumerate(per_chat)}
    starts = list(left)  # first question of each private chat, paced by ``rate``
    total = report.questions
    burst_at = [time.monotonic() + 3.0 + 8.0 * i for i in range(len(bursts))]
    seen = standin.mark()
    question_no = 0
    next_start = time.monotonic()

    def ask_private(chat: int) -> None:
        nonlocal question_no
        text = QUESTIONS[question_no % len(QUESTIONS)]
        question_no += 1
        pending_private[chat] = time.time()
        standin.send_text(text, user_id=chat)
        left[chat] -= 1
        report.sent += 1

    while report.answered < total and time.monotonic() < give_up_at:
        now = time.monotonic()
        while starts and next_start <= now:
            ask_private(starts.pop(0))
            next_start += 1.0 / rate
        for i, at in enumerate(burst_at):
            if at is not None and now >= at:
                group = GROUP_BASE_ID - i
                for u in range(bursts[i]):
                    text = QUESTIONS[(question_no + u) % len(QUESTIONS)]
                    sent = standin.send_text(
                        f"/tanya {text}",
                        chat_type="group",
                        chat_id=group,
                        user_id=USER_BASE_ID + 900_000 + i * 1000 + u,
                    )
                    pending_group[(group, sent["message"]["message_id"])] = time.time()
                    report.sent += 1
                burst_at[i] = float("inf")
        calls = standin.calls()
        for call in calls[seen:]:
            if call.method != "sendMessage" or not call.ok:
                continue
            result = call.result
            chat_id = int(result["chat"]["id"])
            quoted = result.get("reply_to_message")
            if chat_id < 0 and quoted is not None:
                asked = pending_group.pop((chat_id, int(quoted["message_id"])), None)
            else:
                asked = pending_private.pop(chat_id, None)
            if asked is None:
                report.extra_replies += 1
                continue
            report.answered += 1
            latencies.append((call.time - asked) * 1000.0)
            if chat_id > 0 and left.get(chat_id, 0) > 0:
                ask_private(chat_id)
        seen = len(calls)
        time.sleep(0.02)
    if latencies:
        latencies.sort()
        report.p50_ms = statistics.median(latencies)
        report.p99_ms = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        report.max_ms = latencies[-1]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--questions", type=int, default=1000)
    p.add_argument("--chats", type=int, default=300)
    p.add_argument("--groups", type=int, default=2, help="groups that get a burst")
    p.add_argument("--burst", type=int, default=20, help="questions per group burst")
    p.add_argument("--rate", type=float, default=40.0, help="new private chats per second")
    p.add_argument("--p429", type=float, default=0.10)
    p.add_argument("--p500", type=float, default=0.10)
    p.add_argument("--drop", type=float, default=0.05)
    p.add_argument("--slow", type=float, default=0.05)
    p.add_argument("--slow-delay", type=float, nargs=2, default=(10.0, 12.0))
    p.add_argument("--max-seconds", type=float, default=600.0, help="bound on the whole run")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", type=Path, help="also write the JSON report here")
    args = p.parse_args(argv)
    if not 1 <= args.questions <= 20_000 or not 1 <= args.chats <= 20_000:
        p.error("--questions and --chats must be 1..20000 (the run is bounded)")
    report = run(
        questions=args.questions,
        chats=args.chats,
        groups=args.groups,
        burst=args.burst,
        rate=args.rate,
        p429=args.p429,
        p500=args.p500,
        drop=args.drop,
        slow=args.slow,
        slow_delay=tuple(args.slow_delay),
        max_seconds=min(args.max_seconds, 3600.0),
        seed=args.seed,
    )
    print(report.markdown())
    data: dict[str, Any] = asdict(report)
    print(json.dumps(data))
    if args.json:
        args.json.write_text(json.dumps(data, indent=2) + "\n")
    return 0 if report.targets_met else 1


if __name__ == "__main__":
    sys.exit(main())
