"""The `tanyaberita` command line: ask, latest, sources, index, eval."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.cli import main
from bot.terminal import date_text
from retrieval.corpus import load_corpus
from retrieval.models import Corpus

TRADE = "Berapa nilai perdagangan bilateral Rusia dan China?"


@pytest.fixture
def run(seeds_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """Run the CLI in-process on the project's seeds; returns (rc, stdout, stderr)."""

    def go(*argv: str, seeds: Path = seeds_dir) -> tuple[int, str, str]:
        paths = ["--seeds", str(seeds), "--cache-dir", str(tmp_path / "c"),
                 "--archive", str(tmp_path / "archive")]  # fmt: skip
        rc = main([argv[0], *paths, *argv[1:]])
        out, err = capsys.readouterr()
        return rc, out, err

    return go


@pytest.fixture(scope="module")
def corpus(seeds_dir: Path) -> Corpus:
    return load_corpus(seeds_dir)


def test_ask_prints_excerpt_bold_sentence_and_source(run):
    rc, out, err = run("ask", TRADE)
    assert rc == 0 and err == ""
    assert "**Pemimpin Rusia itu mengatakan" in out and "123 miliar dolar AS.**" in out
    assert "Republika · 17 Desember 2021" in out
    assert "https://www.republika.co.id/" in out


def test_ask_declines_with_exit_1(run):
    rc, out, _ = run("ask", "Siapa presiden Prancis?")
    assert rc == 1
    assert "Maaf" in out and "latest" in out


def test_ask_json_schema(run):
    rc, out, _ = run("ask", TRADE, "-k", "3", "--json")
    doc = json.loads(out)
    assert rc == 0 and doc["query"] == TRADE and doc["answered"] is True
    assert len(doc["results"]) == 3
    top = doc["results"][0]
    assert set(top) >= {
        "article_id", "paragraph", "score", "text", "highlight", "outlet",
        "title", "published", "url", "also_reported_by",
    }  # fmt: skip
    assert top["article_id"] == "003_8b1db099ec59a2e9" and top["paragraph"] == 8
    assert top["published"] == "2021-12-17T02:05:00+07:00"
    assert top["highlight"] in top["text"]


def test_ask_json_lists_candidates_when_declining(run):
    rc, out, _ = run("ask", "Siapa presiden Prancis?", "-k", "2", "--json")
    doc = json.loads(out)
    assert rc == 1
    assert doc["answered"] is False and len(doc["results"]) == 2


def test_ask_stdin_one_json_line_per_question_in_order(run, monkeypatch):
    questions = ["Siapa Yuri Ushakov?", "", "halo bot", TRADE]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(questions) + "\n"))
    rc, out, _ = run("ask", "--json", "-")
    lines = [json.loads(line) for line in out.splitlines()]
    assert rc == 0
    assert [d["query"] for d in lines] == ["Siapa Yuri Ushakov?", "halo bot", TRADE]
    assert [d["answered"] for d in lines] == [True, False, True]


def test_empty_question_is_a_usage_error(run):
    rc, out, err = run("ask", "   ")
    assert rc == 2 and out == ""
    assert err.startswith("tanyaberita: error:") and err.count("\n") == 1


def test_latest_lists_newest_first(run, corpus):
    rc, out, _ = run("latest", "-n", "2")
    lines = [line for line in out.splitlines() if not line.startswith(" ")]
    assert rc == 0
    for line, article in zip(lines, corpus.newest(2), strict=True):
        s = article.source
        assert line.startswith(f"{date_text(s.published, s.has_time)} · {s.outlet}")


def test_latest_json_any_count_and_bad_count(run, corpus):
    rc, out, _ = run("latest", "--json", "-n", "1000")
    dates = [a["published"] for a in json.loads(out)]
    assert rc == 0 and dates == sorted(dates, reverse=True) and len(dates) == len(corpus.articles)
    for bad in ("0", "-3", "x"):
        rc, out, err = run("latest", "-n", bad)
        assert rc == 2 and out == "" and err.count("\n") == 1
        assert err.startswith("tanyaberita: error: argument -n: expected a number")


def test_sources_group_by_outlet(run, corpus):
    rc, out, _ = run("sources")
    assert rc == 0
    outlets = Counter(a.source.outlet for a in corpus.articles)
    for outlet, n in outlets.items():
        assert f"{outlet} ({n} artikel)" in out
    if any(a.source.url is None for a in corpus.articles):
        assert "(URL tidak diketahui)" in out
    rc, out, _ = run("sources", "--json")
    assert {a["outlet"] for a in json.loads(out)} == set(outlets)


def test_index_builds_then_checks_fresh(run, corpus):
    paragraphs = sum(len(a.paragraphs) for a in corpus.articles)
    rc, out, _ = run("index")
    assert rc == 0 and f"{len(corpus.articles)} articles, {paragraphs} paragraphs" in out
    assert "near-duplicate pairs" in out
    rc, out, _ = run("index", "--check")
    assert rc == 0 and "fresh" in out


def test_missing_seeds_dir_is_one_line_exit_2(run, tmp_path):
    rc, out, err = run("ask", TRADE, seeds=tmp_path / "missing")
    assert rc == 2 and out == ""
    assert err.startswith("tanyaberita: error:") and err.count("\n") == 1


def test_broken_metadata_names_file_and_field(run, seeds_dir, tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir, seeds)
    meta = seeds / "metadata.toml"
    text = meta.read_text(encoding="utf-8")
    meta.write_text(text.replace("2021-12-17T02:05:00+07:00", "kemarin", 1), encoding="utf-8")
    rc, _, err = run("latest", seeds=seeds)
    assert rc == 2
    assert "metadata.toml" in err and "published" in err and err.count("\n") == 1


def test_eval_prints_a_table(run):
    rc, out, _ = run("eval", str(Path(__file__).parent / "data" / "questions.jsonl"))
    assert rc == 0 and "hit@1" in out and "indonesian" in out


def test_console_script_runs_without_traceback(seeds_dir, tmp_path):
    env = {**os.environ, "SEEDS_DIR": str(seeds_dir), "INDEX_CACHE_DIR": str(tmp_path),
           "ARCHIVE_DIR": str(tmp_path / "archive")}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", TRADE],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "123 miliar dolar AS" in done.stdout and "Traceback" not in done.stderr
    env["SEEDS_DIR"] = str(tmp_path / "nope")
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "latest"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
