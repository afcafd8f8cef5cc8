"""`tanyaberita latest` and `sources` print the same from a fresh saved index
as from the article files, and read no article file when it is fresh."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot import cli
from bot.cli import main
from retrieval.ingest import Ingester
from tests import ingest_site
from tests.bot_fixtures import SEEDS_DIR

COMMANDS = [["latest"], ["latest", "--json", "-n", "3"], ["sources"], ["sources", "--json"]]


def _never(*args: object, **kwargs: object) -> object:
    raise AssertionError("the article files were read")


def test_latest_and_sources_read_the_saved_index_with_the_same_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds, archive, cache = tmp_path / "seeds", tmp_path / "archive", tmp_path / "cache"
    shutil.copytree(SEEDS_DIR, seeds)
    source = tmp_path / "rote.txt"
    source.write_text(ingest_site.TEXT_ARTICLE, encoding="utf-8")
    with Ingester(archive) as ingester:
        added = ingester.add(str(source), source_url="https://kabar.example/rote")
    assert added.article is not None
    paths = ["--seeds", str(seeds), "--archive", str(archive), "--cache-dir", str(cache)]

    def outputs() -> list[str]:
        printed = []
        for argv in COMMANDS:
            assert main([argv[0], *paths, *argv[1:]]) == 0
            printed.append(capsys.readouterr().out)
        return printed

    from_files = outputs()  # no index yet: the files
    assert not cache.exists()
    assert added.article.id in from_files[3]  # the archive is listed too
    assert main(["index", *paths]) == 0
    capsys.readouterr()
    monkeypatch.setattr(cli, "_corpus", _never)
    assert outputs() == from_files
