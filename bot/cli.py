"""The ``tanyaberita`` command: one door, several subcommands.

Library first: every subcommand is a thin shell over ``retrieval`` (or, for
``run`` and ``stats``, over ``bot``). User errors become one line on stderr
and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


# --- run / stats (owned by the bot layer) -----------------------------------


def _add_run_args(p: argparse.ArgumentParser) -> None:
    """Arguments of ``tanyaberita run``."""


def cmd_run(args: argparse.Namespace) -> int:
    raise NotImplementedError


def _add_stats_args(p: argparse.ArgumentParser) -> None:
    """Arguments of ``tanyaberita stats``."""


def cmd_stats(args: argparse.Namespace) -> int:
    raise NotImplementedError


# --- retrieval subcommands (ask, latest, sources, index, eval) ---------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tanyaberita")
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="start the Telegram bot")
    _add_run_args(p_run)
    p_run.set_defaults(func=cmd_run)
    p_stats = sub.add_parser("stats", help="what was asked, what went unanswered")
    _add_stats_args(p_stats)
    p_stats.set_defaults(func=cmd_stats)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    rc: int = args.func(args)
    return rc


if __name__ == "__main__":
    sys.exit(main())
