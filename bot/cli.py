"""The ``tanyaberita`` command: one door, several subcommands.

Library first: every subcommand is a thin shell over ``retrieval`` (or, for
``run`` and ``stats``, over ``bot``). User errors become one line on stderr
and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from retrieval import Retriever


# --- run / stats (owned by the bot layer) -----------------------------------


def _add_run_args(p: argparse.ArgumentParser) -> None:
    """Arguments of ``tanyaberita run``."""

    def port(text: str) -> int:
        if not text.isdigit() or not 1 <= int(text) <= 65535:
            raise argparse.ArgumentTypeError(f"not a TCP port: {text!r}")
        return int(text)

    p.description = (
        "Start the Telegram bot: long polling by default, or behind a webhook with"
        " --webhook-url. Settings come from the environment and ./.env (see .env.example)."
    )
    p.add_argument(
        "--webhook-url",
        metavar="URL",
        help="public https URL Telegram should post updates to; needs WEBHOOK_SECRET",
    )
    p.add_argument(
        "--listen", default="127.0.0.1", help="webhook: address to listen on (default %(default)s)"
    )
    p.add_argument(
        "--port", type=port, default=8443, help="webhook: port to listen on (default %(default)s)"
    )


def cmd_run(args: argparse.Namespace) -> int:
    from dataclasses import replace
    from urllib.parse import urlsplit

    from bot.config import ConfigError, load_settings

    def fail(exc: Exception) -> int:
        print(f"tanyaberita: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2

    # Settings first: a config mistake is reported before the slow imports.
    try:
        settings = load_settings(os.environ)
        # --seeds / --cache-dir, when given, win over the environment.
        settings = replace(
            settings,
            seeds_dir=args.seeds or settings.seeds_dir,
            index_cache_dir=args.cache_dir or settings.index_cache_dir,
        )
        url = args.webhook_url
        if url is not None and (urlsplit(url).scheme not in ("http", "https") or " " in url):
            raise ConfigError(
                f"--webhook-url must be a URL like https://bot.example.org/tg, not {url!r}"
            )
    except ConfigError as exc:
        return fail(exc)
    from bot.app import StartupError, run_bot

    try:
        return run_bot(settings, webhook_url=url, listen=args.listen, port=args.port)
    except (ConfigError, StartupError) as exc:
        return fail(exc)


def _add_stats_args(p: argparse.ArgumentParser) -> None:
    """Arguments of ``tanyaberita stats``."""
    from datetime import UTC, datetime
    from pathlib import Path

    def count(text: str) -> int:
        if not text.isdigit() or not 1 <= int(text) <= 1000:
            raise argparse.ArgumentTypeError(f"expected a number from 1 to 1000, not {text!r}")
        return int(text)

    def day(text: str) -> datetime:
        try:
            return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, not {text!r}") from None

    p.description = "Summarise the query log (QUERY_LOG_PATH) without Telegram."
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--top", type=count, default=10, help="most frequent questions to list")
    p.add_argument("--recent", type=count, default=10, help="unanswered questions to list")
    p.add_argument("--since", type=day, help="only rows from this UTC day on (YYYY-MM-DD)")
    p.add_argument(
        "--log", type=Path, metavar="PATH", help="query log file (default: QUERY_LOG_PATH)"
    )
    # qlog: --plot and --repair (bot/charts.py, bot/logmaint.py)
    p.add_argument(
        "--plot", type=Path, metavar="FILE.png", help="also draw questions per day (30 days)"
    )
    p.add_argument(
        "--repair",
        action="store_true",
        help="move a corrupt query log aside (renamed to NAME.corrupt-TIMESTAMP, never deleted)",
    )


def cmd_stats(args: argparse.Namespace) -> int:
    import asyncio

    from bot.config import ConfigError, load_settings
    from bot.querylog import QueryLogError
    from bot.statsreport import format_stats, read_stats, stats_to_dict

    try:
        settings = load_settings(os.environ, require_token=False)
        path = args.log or settings.query_log_path
        if not path.is_file():
            # Not created on read: a typo in QUERY_LOG_PATH must not look like "no questions".
            raise ConfigError(
                f"no query log at {path} yet; the bot creates it when it handles its first"
                " message (set QUERY_LOG_PATH or --log if it lives elsewhere)"
            )
        if args.repair:
            return _repair_log(path)
        stats = asyncio.run(read_stats(path, top=args.top, recent=args.recent, since=args.since))
        if args.plot is not None:
            from bot.charts import questions_per_day_png

            try:
                args.plot.write_bytes(questions_per_day_png(stats))
            except OSError as exc:
                raise ConfigError(f"cannot write the chart to {args.plot}: {exc}") from None
    except (ConfigError, QueryLogError) as exc:
        print(f"tanyaberita: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(stats_to_dict(stats), ensure_ascii=False, indent=2))
    else:
        print(format_stats(stats, path))
    if args.plot is not None:
        print(f"chart written to {args.plot}", file=sys.stderr)
    return 0


def _repair_log(path: Path) -> int:
    """``stats --repair`` (qlog): move a corrupt or foreign log aside; leave a healthy one."""
    from bot.logmaint import diagnose, move_aside

    problem = diagnose(path)
    if problem is None:
        print(f"query log {path} is healthy; nothing moved")
        return 0
    moved = move_aside(path)
    names = ", ".join(str(m.target) for m in moved)
    print(
        f"query log {path} is unusable ({problem}); moved it aside to {names}."
        " The bot starts a fresh log there on its next start."
    )
    return 0


# --- retrieval subcommands (ask, latest, sources, index, eval) ---------------

MAX_K = 20


class UsageError(Exception):
    """A user error in a subcommand's input: one line, exit 2."""


def _resolve_paths(args: argparse.Namespace) -> None:
    """Fill --seeds and --cache-dir from the same settings ``run`` uses (the
    environment and .env), so the terminal and the bot read the same corpus."""
    from bot.config import load_settings

    settings = load_settings(os.environ, require_token=False)
    args.seeds = args.seeds or settings.seeds_dir
    args.cache_dir = args.cache_dir or settings.index_cache_dir
    args.english_dict = settings.english_dict


def _positive(limit: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if not text.strip().isdigit() or not 1 <= int(text) <= limit:
            raise argparse.ArgumentTypeError(f"expected a number from 1 to {limit}, not {text!r}")
        return int(text)

    return parse


def _load(args: argparse.Namespace) -> Retriever:
    from retrieval import Retriever

    cache_dir = None if getattr(args, "no_cache", False) else args.cache_dir
    return Retriever.load(args.seeds, cache_dir=cache_dir, english_dict=args.english_dict)


def _print_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def cmd_ask(args: argparse.Namespace) -> int:
    from bot.terminal import format_answer
    from retrieval.serialize import answer_to_dict

    if args.question == "-":
        retriever = _load(args)
        for line in sys.stdin:
            question = line.rstrip("\r\n")
            if not question.strip():
                continue
            answer = retriever.ask(question, k=args.k)
            if args.json:
                _print_json(answer_to_dict(answer))
            else:
                print(f"? {question}\n{format_answer(answer)}\n", flush=True)
        return 0
    if not args.question.strip():
        raise UsageError('the question is empty; try: tanyaberita ask "<your question>"')
    answer = _load(args).ask(args.question, k=args.k)
    if args.json:
        _print_json(answer_to_dict(answer))
    else:
        ansi = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        print(format_answer(answer, ansi=ansi, alternatives=args.k - 1 if args.k > 1 else 0))
    # Like grep: 1 says "no answer" to a script without parsing the output.
    return 0 if answer.answered else 1


def cmd_latest(args: argparse.Namespace) -> int:
    from bot.terminal import format_articles
    from retrieval.corpus import load_corpus
    from retrieval.serialize import article_to_dict

    corpus = load_corpus(args.seeds)
    articles = corpus.newest(args.n)
    if args.json:
        _print_json([article_to_dict(a) for a in articles])
    else:
        print(format_articles(articles))
    return 0


def cmd_sources(args: argparse.Namespace) -> int:
    from bot.terminal import format_sources
    from retrieval.corpus import load_corpus
    from retrieval.serialize import article_to_dict

    corpus = load_corpus(args.seeds)
    if args.json:
        _print_json([article_to_dict(a) for a in corpus.articles])
    else:
        print(format_sources(corpus.articles))
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    from retrieval import Retriever, cache
    from retrieval.cache import CacheWriteError
    from retrieval.corpus import load_corpus
    from retrieval.retriever import cache_status

    if args.check:
        corpus = load_corpus(args.seeds)
        for warning in corpus.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        path, fresh = cache_status(args.seeds, args.cache_dir)
        state = "fresh" if fresh else "stale or missing (the next start rebuilds it)"
        paragraphs = sum(len(a.paragraphs) for a in corpus.articles)
        print(f"corpus ok: {len(corpus.articles)} articles, {paragraphs} paragraphs")
        print(f"index cache {path}: {state}")
        return 0
    try:
        retriever = Retriever.load(
            args.seeds,
            cache_dir=args.cache_dir,
            english_dict=None,
            strict_cache=True,
            verify_files=True,
        )
    except CacheWriteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for warning in retriever.corpus.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    index = retriever.index
    path = cache.cache_path(cache.corpus_dir(args.cache_dir, args.seeds), index.fingerprint)
    pairs = sum(len(v) for v in index.duplicates.values()) // 2
    print(
        f"indexed {len(retriever.corpus.articles)} articles, {len(index)} paragraphs, "
        f"{len(index.vocabulary)} terms, {pairs} near-duplicate pairs -> {path}"
    )
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from retrieval.evaluation import baseline, evaluate, load_questions

    retriever = _load(args)
    ask = baseline(retriever.corpus) if args.baseline else lambda q: retriever.ask(q, k=5)
    for path in args.questions:
        report = evaluate(load_questions(path), ask)
        declined, total = report.none_declined
        print(f"{path}\n{report.table()}\nout-of-corpus declined: {declined}/{total}")
        if args.verbose:
            for o in report.failures():
                print(f"  miss [{o.question.kind}] {o.question.q}")
        print()
    return 0


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--seeds",
        type=Path,
        metavar="DIR",
        help="folder of article .txt files and metadata.toml (default: SEEDS_DIR or seeds)",
    )
    common.add_argument(
        "--cache-dir",
        type=Path,
        metavar="DIR",
        help="index cache folder (default: INDEX_CACHE_DIR or data/index)",
    )
    parser = argparse.ArgumentParser(
        prog="tanyaberita",
        description="TanyaBerita: cited answers from a corpus of Indonesian news articles.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("run", parents=[common], help="start the Telegram bot")
    _add_run_args(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("ask", parents=[common], help="answer a question from the terminal")
    p.add_argument("question", help='the question, in quotes; "-" reads one per line from stdin')
    p.add_argument("-k", type=_positive(MAX_K), default=1, help="how many results (default 1)")
    p.add_argument("--json", action="store_true", help="one JSON object per question")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("latest", parents=[common], help="the newest articles")
    p.add_argument("-n", type=_positive(MAX_K), default=5, help="how many (default 5)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_latest)

    p = sub.add_parser("sources", parents=[common], help="the corpus's sources, per outlet")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_sources)

    p = sub.add_parser("index", parents=[common], help="build the index cache")
    p.add_argument("--check", action="store_true", help="validate the corpus; write nothing")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("eval", parents=[common], help="score the retriever on question sets")
    p.add_argument("questions", nargs="*", type=Path, default=[Path("tests/data/questions.jsonl")])
    p.add_argument("-v", "--verbose", action="store_true", help="list the misses")
    p.add_argument("--no-cache", action="store_true", help="build the index in memory")
    p.add_argument(
        "--baseline", action="store_true", help="score a plain TfidfVectorizer() instead"
    )
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("stats", parents=[common], help="what was asked, what went unanswered")
    _add_stats_args(p)
    p.set_defaults(func=cmd_stats)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from bot.config import ConfigError
    from retrieval.models import CorpusError

    args = build_parser().parse_args(argv)
    try:
        if args.func is not cmd_run:  # run reads (and checks) its settings itself
            _resolve_paths(args)
        rc: int = args.func(args)
    except (CorpusError, UsageError, ConfigError) as exc:
        print(f"tanyaberita: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `tanyaberita latest | head`: the reader left; that is not an error.
        sys.stderr.close()
        return 0
    return rc


if __name__ == "__main__":
    sys.exit(main())
