"""The benchmark runner: steps that fail or hang become table cells, queries and
hit matching behave as documented, and a tiny run produces a full table."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

from bench import queries, run, synth
from bench.systems import RESULT_PREFIX, found_at


def test_failed_and_hung_steps_are_reported_not_raised() -> None:
    ok = run.run_step(
        [sys.executable, "-c", f"print('noise'); print('{RESULT_PREFIX}' + '{{\"x\": 1}}')"], 30
    )
    failed = run.run_step([sys.executable, "-c", "import sys; sys.exit('cannot read corpus')"], 30)
    hung = run.run_step([sys.executable, "-c", "import time; time.sleep(30)"], 0.5)

    assert ok.ok and ok.result == {"x": 1} and ok.maxrss_mib > 1
    assert not failed.ok and failed.error == "failed (exit 1: cannot read corpus)"
    assert not hung.ok and hung.error == "timeout after 0 s" and hung.wall_s < 10


def test_known_item_queries_are_rare_words_of_their_target() -> None:
    paragraphs = [(r.id, p) for r in synth.generate(300, seed=1) for p in r.paragraphs]
    items = queries.known_items(paragraphs, count=40, seed=5)

    assert items == queries.known_items(paragraphs, count=40, seed=5)
    assert len(items) == 40
    for item in items:
        target_words = queries.words(item.target)
        assert 3 <= len(item.query.split()) <= 5
        assert all(w in target_words for w in item.query.split())
        assert (item.article_id, item.target) in paragraphs


def test_hits_match_targets_by_text() -> None:
    target = "JAKARTA, KOMPAS.com - Harga cabai naik tajam di pasar induk pekan ini."
    stripped = "Harga cabai naik tajam di pasar induk pekan ini."
    assert found_at(["lain", target], target) == (2, 2)
    assert found_at([stripped], target) == (0, 1)  # dateline cut off
    assert found_at(["Harga cabai naik."], target) == (0, 0)  # a fragment is not the target
    glued = "Harga naik.Pedagang\xa0mengeluh di pasar induk pekan ini."
    assert found_at(["Harga naik. Pedagang mengeluh di pasar induk pekan ini."], glued) == (0, 1)


def test_tiny_run_fills_every_cell_and_ratios(tmp_path: Path) -> None:
    spec = run.CorpusSpec("syn-tiny", "synthetic", 150)
    report = run.run(
        [spec],
        ["bm25s", "bm25s-retrieve", "bm25s-cli"],
        work_root=tmp_path,
        timeout=120,
        seed=1,
        n_queries=8,
        log=io.StringIO(),
    )
    rows = {r["system"]: r for r in report["rows"]}
    markdown = run.table(report)

    assert set(rows) == {"bm25s", "bm25s-retrieve", "bm25s-cli"}
    for row in rows.values():
        assert row["error"] is None
        assert row["queries"] == 8 and row["paragraphs"] == 150
        assert row["size_mib"] > 0 and row["p99_ms"] >= row["p50_ms"] > 0
        assert row["hit10"] >= 0.5  # rare words of a paragraph find it in a tiny corpus
        assert row["per_question_ms"] > row["p50_ms"]  # all-in: the process start and load too
    # Asked through a pipe, bm25s finds what it finds in process.
    assert rows["bm25s-cli"]["ranks"] == rows["bm25s"]["ranks"]
    assert "| syn-tiny | 150 | bm25s |" in markdown and "1.0×" in markdown
    json.dumps(report)  # the JSON file is plain data


def test_table_shows_failed_cells() -> None:
    report = {
        "corpora": {},
        "rows": [
            {"corpus": "c", "system": "bm25s", "paragraphs": 10, "error": "timeout after 5 s"},
        ],
    }
    assert "| c | 10 | bm25s | timeout after 5 s |" in run.table(report)
