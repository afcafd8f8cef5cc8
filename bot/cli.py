"""The ``tanyaberita`` command: one door, several subcommands.

Library first: every subcommand is a thin shell over ``retrieval`` (or, for
``run`` and ``stats``, over ``bot``). Errors a user can fix are raised as
``CliError`` (or the library's ``CorpusError``/``ConfigError``) and turned into
one line on stderr in one place, ``main()``; never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from retrieval import Corpus, Retriever
    from retrieval.ingest import IngestResult
    from retrieval.models import Answer

MAX_K = 20


class CliError(Exception):
    """A user error: one line on stderr and exit ``code`` (2: usage, 1: failure)."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


class Parser(argparse.ArgumentParser):
    """argparse, with a usage error as one line in the same form as every other error."""

    def error(self, message: str) -> NoReturn:
        print(error_line(f"{message} (see: {self.prog} --help)"), file=sys.stderr)
        self.exit(2)


def error_line(message: str) -> str:
    """The one format of every error: ``tanyaberita: error: <one line>`` (for stderr)."""
    return f"tanyaberita: error: {' '.join(message.split())}"


# --- argument validators (the only ones) -------------------------------------


def count(low: int = 1, high: int | None = None) -> Callable[[str], int]:
    """A whole number from ``low`` to ``high`` (no upper bound when None)."""

    def parse(text: str) -> int:
        value = text.strip()
        if value.isdigit() and int(value) >= low and (high is None or int(value) <= high):
            return int(value)
        bound = f"from {low} to {high}" if high is not None else f"of at least {low}"
        raise argparse.ArgumentTypeError(f"expected a number {bound}, not {text!r}")

    return parse


def tcp_port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"not a TCP port: {text!r}")
    return int(text)


def utc_day(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, not {text!r}") from None


def web_url(text: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in text:
        raise argparse.ArgumentTypeError(f"expected an http(s) URL, not {text!r}")
    return text


# --- run / stats (owned by the bot layer) -----------------------------------


def _add_run_args(p: argparse.ArgumentParser) -> None:
    p.description = (
        "Start the Telegram bot: long polling by default, or behind a webhook with"
        " --webhook-url. Settings come from the environment and ./.env (see .env.example)."
    )
    p.add_argument(
        "--webhook-url",
        type=web_url,
        metavar="URL",
        help="public https URL Telegram should post updates to; needs WEBHOOK_SECRET",
    )
    p.add_argument(
        "--listen", default="127.0.0.1", help="webhook: address to listen on (default %(default)s)"
    )
    p.add_argument(
        "--port",
        type=tcp_port,
        default=8443,
        help="webhook: port to listen on (default %(default)s)",
    )


def cmd_run(args: argparse.Namespace) -> int:
    from bot.config import load_settings

    # Settings first: a config mistake is reported before the slow imports.
    settings = load_settings(os.environ)
    # --seeds / --cache-dir / --archive, when given, win over the environment.
    settings = replace(
        settings,
        seeds_dir=args.seeds or settings.seeds_dir,
        index_cache_dir=args.cache_dir or settings.index_cache_dir,
        archive_dir=args.archive or settings.archive_dir,
    )
    from bot.app import StartupError, run_bot

    try:
        return run_bot(settings, webhook_url=args.webhook_url, listen=args.listen, port=args.port)
    except StartupError as exc:
        raise CliError(str(exc)) from exc


def _add_stats_args(p: argparse.ArgumentParser) -> None:
    p.description = "Summarise the query log (QUERY_LOG_PATH) without Telegram."
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--top", type=count(1, 1000), default=10, help="most frequent questions")
    p.add_argument("--recent", type=count(1, 1000), default=10, help="unanswered questions")
    p.add_argument("--since", type=utc_day, help="only rows from this UTC day on (YYYY-MM-DD)")
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

    from bot.config import load_settings
    from bot.querylog import QueryLogError
    from bot.statsreport import format_stats, read_stats, stats_to_dict

    settings = load_settings(os.environ, require_token=False)
    path = args.log or settings.query_log_path
    if not path.is_file():
        # Not created on read: a typo in QUERY_LOG_PATH must not look like "no questions".
        raise CliError(
            f"no query log at {path} yet; the bot creates it when it handles its first"
            " message (set QUERY_LOG_PATH or --log if it lives elsewhere)"
        )
    if args.repair:
        return _repair_log(path)
    try:
        stats = asyncio.run(read_stats(path, top=args.top, recent=args.recent, since=args.since))
    except QueryLogError as exc:
        raise CliError(str(exc)) from exc
    if args.plot is not None:
        from bot.charts import questions_per_day_png

        try:
            args.plot.write_bytes(questions_per_day_png(stats))
        except OSError as exc:
            raise CliError(f"cannot write the chart to {args.plot}: {exc}") from None
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


def _resolve_paths(args: argparse.Namespace) -> None:
    """Fill --seeds, --cache-dir and --archive from the same settings ``run`` uses
    (the environment and .env), so the terminal and the bot read the same corpus."""
    from bot.config import load_settings

    settings = load_settings(os.environ, require_token=False)
    args.seeds = args.seeds or settings.seeds_dir
    args.cache_dir = args.cache_dir or settings.index_cache_dir
    args.archive = args.archive or settings.archive_dir
    args.english_dict = settings.english_dict


def _load(args: argparse.Namespace) -> Retriever:
    from retrieval import Retriever

    cache_dir = None if getattr(args, "no_cache", False) else args.cache_dir
    return Retriever.load(
        args.seeds, cache_dir=cache_dir, english_dict=args.english_dict, archive_dir=args.archive
    )


def _print_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def cmd_ask(args: argparse.Namespace) -> int:
    if args.question == "-":
        return _ask_lines(args)
    if not args.question.strip():
        raise CliError('the question is empty; try: tanyaberita ask "<your question>"')
    answer = _load(args).ask(args.question, k=args.k)
    if args.json:
        from retrieval.serialize import answer_to_dict

        _print_json(answer_to_dict(answer))
    else:
        from bot.terminal import format_answer

        ansi = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        print(format_answer(answer, ansi=ansi, alternatives=args.k - 1 if args.k > 1 else 0))
    # Like grep: 1 says "no answer" to a script without parsing the output.
    return 0 if answer.answered else 1


def _ask_lines(args: argparse.Namespace) -> int:
    """``ask -``: one question per stdin line, each answer printed (and
    flushed) as soon as it is ready, so a pipe can feed questions one by one."""
    retriever = _load(args)
    show: Callable[[str, Answer], str]
    if args.json:
        from retrieval.serialize import answer_to_dict

        dumps = json.JSONEncoder(ensure_ascii=False).encode

        def show(question: str, answer: Answer) -> str:
            return dumps(answer_to_dict(answer)) + "\n"
    else:
        from bot.terminal import format_answer

        def show(question: str, answer: Answer) -> str:
            return f"? {question}\n{format_answer(answer)}\n\n"

    write, flush = sys.stdout.write, sys.stdout.flush
    for line in sys.stdin:
        question = line.rstrip("\r\n")
        if question.strip():
            write(show(question, retriever.ask(question, k=args.k)))
            flush()
    return 0


def _corpus(args: argparse.Namespace, what: str = "loading the archive") -> Corpus:
    from bot.progress import progress
    from retrieval.corpus import load_corpus

    with progress(what) as bar:
        return load_corpus(args.seeds, args.archive, bar)


def _saved_or_loaded(args: argparse.Namespace) -> Corpus:
    """The corpus saved with a fresh index (no article file read), else the files."""
    from retrieval.retriever import saved_corpus

    saved = saved_corpus(args.seeds, args.cache_dir, archive_dir=args.archive)
    return saved if saved is not None else _corpus(args)


def cmd_latest(args: argparse.Namespace) -> int:
    from bot.terminal import format_articles
    from retrieval.serialize import article_to_dict

    articles = _saved_or_loaded(args).newest(args.n)
    if args.json:
        _print_json([article_to_dict(a) for a in articles])
    else:
        print(format_articles(articles))
    return 0


def cmd_sources(args: argparse.Namespace) -> int:
    from bot.terminal import format_sources
    from retrieval.serialize import article_to_dict

    corpus = _saved_or_loaded(args)
    if args.json:
        _print_json([article_to_dict(a) for a in corpus.articles])
    else:
        print(format_sources(corpus.articles))
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    from bot.progress import progress
    from retrieval import Retriever
    from retrieval.cache import CacheWriteError, cache_path, corpus_dir
    from retrieval.retriever import cache_status

    if args.check:
        corpus = _corpus(args)
        path, fresh = cache_status(args.seeds, args.cache_dir, archive_dir=args.archive)
        state = "fresh" if fresh else "stale or missing (the next start rebuilds it)"
        paragraphs = sum(len(a.paragraphs) for a in corpus.articles)
        archived = sum(1 for a in corpus.articles if a.added is not None)
        print(
            f"corpus ok: {len(corpus.articles)} articles ({archived} from the archive),"
            f" {paragraphs} paragraphs"
        )
        print(f"index cache {path}: {state}")
        return 0
    try:
        with progress("indexing") as bar:
            retriever = Retriever.load(
                args.seeds,
                cache_dir=args.cache_dir,
                english_dict=None,
                archive_dir=args.archive,
                progress=bar,
                strict_cache=True,
                verify_files=True,
                merge=True,
                workers=args.workers,
            )
    except CacheWriteError as exc:
        raise CliError(str(exc), code=1) from None
    for warning in retriever.corpus.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    index = retriever.index
    path = cache_path(corpus_dir(args.cache_dir, args.seeds, args.archive), index.fingerprint)
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


# --- add ----------------------------------------------------------------------


def _describe(result: IngestResult, dry_run: bool) -> str:
    from bot.terminal import date_text

    article = result.article
    if result.status == "duplicate":
        return f"duplicate of {result.duplicate_of}: {result.input}"
    assert article is not None
    verb = {"added": "would add" if dry_run else "added"}.get(result.status, "")
    verb = verb or ("would update" if dry_run else "updated")
    s = article.source
    facts = " · ".join(
        [
            s.outlet or "outlet unknown",
            date_text(s.published, s.has_time),
            f"{len(article.paragraphs)} paragraphs",
        ]
    )
    return f"{verb} {article.id}: {s.title or '(no title)'} · {facts}"


def cmd_add(args: argparse.Namespace) -> int:
    from bot.progress import progress
    from retrieval.ingest import ingest
    from retrieval.serialize import ingest_result_to_dict

    if not args.inputs and not args.feed:
        raise CliError("nothing to add; give files, URLs or --feed URL")
    if args.url is not None:
        from retrieval.ingest.urls import is_web_url

        files = [i for i in args.inputs if not is_web_url(i)]
        if len(args.inputs) != 1 or len(files) != 1:
            raise CliError("--url names the source of one saved file; give exactly one file")
    corpus = _corpus(args)
    tally: dict[str, int] = {}
    with progress("adding") as bar:
        for result in ingest(
            args.inputs,
            archive=args.archive,
            existing=corpus.articles,
            feed_urls=args.feed,
            source_url=args.url,
            dry_run=args.dry_run,
            progress=bar,
        ):
            tally[result.status] = tally.get(result.status, 0) + 1
            if args.json:
                bar.echo(json.dumps(ingest_result_to_dict(result), ensure_ascii=False))
            elif result.status == "error":
                bar.echo(error_line(result.error or "failed"), file=sys.stderr)
            else:
                bar.echo(_describe(result, args.dry_run))
    if sum(tally.values()) > 1 or not tally:
        summary = ", ".join(f"{n} {status}" for status, n in sorted(tally.items()))
        prefix = "dry run: " if args.dry_run else ""
        print(f"{prefix}{summary or 'no new feed entries'}", file=sys.stderr)
    return 1 if tally.get("error") else 0


# --- the parser and main() ----------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    common = Parser(add_help=False)
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
    common.add_argument(
        "--archive",
        type=Path,
        metavar="DIR",
        help="folder of added articles (default: ARCHIVE_DIR or data/archive)",
    )
    parser = Parser(
        prog="tanyaberita",
        description="TanyaBerita: cited answers from a corpus of Indonesian news articles.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("run", parents=[common], help="start the Telegram bot")
    _add_run_args(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("ask", parents=[common], help="answer a question from the terminal")
    p.add_argument("question", help='the question, in quotes; "-" reads one per line from stdin')
    p.add_argument("-k", type=count(1, MAX_K), default=1, help="how many results (default 1)")
    p.add_argument("--json", action="store_true", help="one JSON object per question")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("latest", parents=[common], help="the newest articles")
    p.add_argument("-n", type=count(1), default=5, help="how many (default 5)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_latest)

    p = sub.add_parser("sources", parents=[common], help="the corpus's sources, per outlet")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_sources)

    p = sub.add_parser("index", parents=[common], help="build the index cache")
    p.add_argument("--check", action="store_true", help="validate the corpus; write nothing")
    p.add_argument(
        "--workers",
        type=count(1),
        default=None,
        help="processes that clean and analyse (default: the idle cores, for a large corpus)",
    )
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("eval", parents=[common], help="score the retriever on question sets")
    p.add_argument("questions", nargs="*", type=Path, default=[Path("tests/data/questions.jsonl")])
    p.add_argument("-v", "--verbose", action="store_true", help="list the misses")
    p.add_argument("--no-cache", action="store_true", help="build the index in memory")
    p.add_argument(
        "--baseline", action="store_true", help="score a plain TfidfVectorizer() instead"
    )
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser(
        "add",
        parents=[common],
        help="add articles from saved files, URLs or feeds to the archive",
        description="Add articles to the archive (ARCHIVE_DIR): scraped .txt files, saved"
        " .html pages, http(s) URLs, and one pass over RSS/Atom feeds. Exit 0 when every"
        " input was added, updated or a duplicate; 1 when any failed.",
    )
    p.add_argument("inputs", nargs="*", metavar="PATH|URL", help="files or URLs to add")
    p.add_argument(
        "--feed", action="append", type=web_url, default=[], metavar="URL",
        help="an RSS/Atom feed: add its new entries (repeatable)",
    )  # fmt: skip
    p.add_argument(
        "--url", type=web_url, metavar="URL",
        help="the web address a single saved file came from (for its outlet and duplicates)",
    )  # fmt: skip
    p.add_argument("--json", action="store_true", help="one JSON object per input")
    p.add_argument("--dry-run", action="store_true", help="show what would be added; write nothing")
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("stats", parents=[common], help="what was asked, what went unanswered")
    _add_stats_args(p)
    p.set_defaults(func=cmd_stats)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; the one place where user errors become one line."""
    from bot.config import ConfigError
    from retrieval.evaluation import EvalError
    from retrieval.models import CorpusError

    try:
        args = build_parser().parse_args(argv)  # usage errors: reported by Parser.error
        if args.func is not cmd_run:  # run reads (and checks) its settings itself
            logging.basicConfig(format="tanyaberita: %(levelname)s: %(message)s")
            _resolve_paths(args)
        rc: int = args.func(args)
    except SystemExit as exc:  # --help (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else 2
    except (CorpusError, EvalError, ConfigError, CliError) as exc:
        print(error_line(str(exc)), file=sys.stderr)
        return exc.code if isinstance(exc, CliError) else 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `tanyaberita latest | head`: the reader left; that is not an error.
        sys.stderr.close()
        return 0
    return rc


if __name__ == "__main__":
    sys.exit(main())
