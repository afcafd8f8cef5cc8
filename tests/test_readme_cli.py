"""The README's command-line block and the parser must agree (like sqlite-utils' cog check).

Every command the README documents runs ``--help``; every option the README shows for a
command exists in its parser, and every option the parser has is shown in the README
(the options every subcommand shares are checked against the sentence that lists them).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from bot.cli import build_parser, main

README = Path(__file__).resolve().parent.parent / "README.md"
COMMON = {"--seeds", "--cache-dir", "--archive"}


def _block() -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## The command line") :]
    return section[section.index("```") + 3 : section.index("```", section.index("```") + 3)]


def documented() -> dict[str, set[str]]:
    """Options per command, as the README's block shows them."""
    commands: dict[str, set[str]] = {}
    command = None
    for line in _block().splitlines():
        match = re.match(r"tanyaberita (\w+)(.*)", line.strip())
        if match is not None:
            command, usage = match[1], match[2]
        elif command is not None and line.lstrip().startswith("["):
            usage = line.strip()  # a usage line continued
        else:
            continue
        usage = re.split(r"\s{3,}", usage)[0]  # drop the right-hand description
        options = set(re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", usage))
        commands.setdefault(command, set()).update(options)
    return commands


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def parser_options(p: argparse.ArgumentParser) -> set[str]:
    options = {o for a in p._actions for o in a.option_strings}
    # A short and a long spelling of one option: the README shows one of them.
    for a in p._actions:
        if len(a.option_strings) > 1:
            options -= set(a.option_strings[1:])
    return options - {"-h", "--help"} - COMMON


def test_every_command_is_documented_and_every_documented_command_exists() -> None:
    assert set(documented()) == set(_subparsers())


@pytest.mark.parametrize("command", sorted(documented()))
def test_documented_options_match_the_parser(command: str) -> None:
    parser = _subparsers()[command]
    shown = documented()[command]
    assert shown == parser_options(parser), f"README and parser disagree on `{command}`"


@pytest.mark.parametrize("command", sorted(documented()))
def test_help_runs_and_lists_the_documented_options(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    for option in documented()[command] | COMMON:
        assert option in out


def test_shared_options_are_documented() -> None:
    text = README.read_text(encoding="utf-8")
    sentence = text[text.index("Every subcommand takes") :].split(";")[0]
    assert set(re.findall(r"--[a-z][\w-]*", sentence)) == COMMON
    for parser in _subparsers().values():
        assert {o for a in parser._actions for o in a.option_strings} >= COMMON
