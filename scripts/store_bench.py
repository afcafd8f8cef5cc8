"""Cold start and incremental adds of a saved index, measured (issue #10).

    python scripts/store_bench.py --seeds DIR --cache-dir DIR --archive DIR [--runs 3]

Builds the cache first if it is missing (that can take minutes at 1M
paragraphs). Then, on the same corpus:

- ``ask`` as a process: ``tanyaberita ask --json -k 10 --seeds DIR -`` with one
  question on stdin, wall and CPU seconds (median of ``--runs``);
- in one process: ``load_index``, ``Retriever(...)`` and the first answer;
- adding one article in memory: ``Index.extend`` and ``Retriever.add_articles``
  (seconds and RSS growth);
- a restart after ``tanyaberita add``-like writes of one article to the
  archive: the first start (which indexes the new article as a delta and saves
  it) and the next one (which loads the saved delta). The article is removed
  afterwards, which brings back the main index's files.

Prints a Markdown table and writes ``--json`` (default ``store_bench.json``).
The machine may be shared: compare figures within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

QUESTION = "harga cabai rawit di pasar tradisional"


def rss_mib() -> float:
    with open("/proc/self/statm", encoding="ascii") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def ask_process(args: argparse.Namespace, question: str) -> tuple[float, float]:
    """Wall and CPU seconds of one ``tanyaberita ask --json -k 10 -`` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "ask",
            "--json",
            "-k",
            "10",
            "--seeds",
            str(args.seeds),
            "--cache-dir",
            str(args.cache_dir),
            "--archive",
            str(args.archive),
            "-",
        ],
        input=question + "\n",
        text=True,
        capture_output=True,
        check=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def median_runs(args: argparse.Namespace, question: str) -> dict[str, float]:
    runs = [ask_process(args, question) for _ in range(args.runs)]
    return {
        "wall_s": round(statistics.median(w for w, _ in runs), 3),
        "cpu_s": round(statistics.median(c for _, c in runs), 3),
    }


def in_process(args: argparse.Namespace) -> dict[str, Any]:
    from retrieval import Retriever
    from retrieval.retriever import load_index

    t0 = time.perf_counter()
    index = load_index(args.seeds, args.cache_dir, archive_dir=args.archive)
    t1 = time.perf_counter()
    retriever = Retriever(index)
    t2 = time.perf_counter()
    retriever.ask(QUESTION, k=10)
    t3 = time.perf_counter()
    article = index.corpus.articles[len(index.corpus.articles) // 2]
    new = replace(
        article,
        id="zz-store-bench",
        paragraphs=tuple(f"{p} zzqxbench" for p in article.paragraphs),
    )
    r0 = rss_mib()
    t4 = time.perf_counter()
    extended = index.extend([new])
    t5 = time.perf_counter()
    r1 = rss_mib()
    added = Retriever(extended)
    t6 = time.perf_counter()
    best = added.ask("zzqxbench " + " ".join(new.paragraphs[0].split()[:6]), k=10).hits
    return {
        "paragraphs": len(index),
        "articles": len(index.corpus.articles),
        "terms": len(index.terms),
        "load_index_s": round(t1 - t0, 3),
        "retriever_s": round(t2 - t1, 3),
        "first_answer_s": round(t3 - t2, 3),
        "load_total_s": round(t3 - t0, 3),
        "extend_s": round(t5 - t4, 3),
        "extend_rss_mib": round(r1 - r0, 1),
        "add_articles_s": round(t6 - t4, 3),
        "added_found": bool(best and best[0].article_id == "zz-store-bench"),
    }


def delta_restart(args: argparse.Namespace) -> dict[str, Any]:
    from retrieval.ingest.archive import article_path, write_article
    from retrieval.models import Article, Source

    aid = "20991231-storebench-0000000001"
    path = article_path(args.archive, aid)
    article = Article(
        id=aid,
        path=path,
        source=Source("Uji", "Berita uji bench", datetime(2099, 12, 31).astimezone()),
        provenance={},
        paragraphs=("Paragraf uji zzqxrestart tentang pasar ikan di Kota Contoh.",),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    write_article(args.archive, article)
    try:
        first = ask_process(args, "zzqxrestart pasar ikan")
        second = ask_process(args, "zzqxrestart pasar ikan")
    finally:
        path.with_suffix(".toml").unlink()
        path.unlink()
    return {
        "first_start_wall_s": round(first[0], 3),
        "first_start_cpu_s": round(first[1], 3),
        "next_start_wall_s": round(second[0], 3),
        "next_start_cpu_s": round(second[1], 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, required=True)
    parser.add_argument("--cache-dir", type=Path, required=True)
    parser.add_argument("--archive", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, default=Path("store_bench.json"))
    args = parser.parse_args()
    args.archive.mkdir(parents=True, exist_ok=True)
    from retrieval.retriever import cache_status

    _, fresh = cache_status(args.seeds, args.cache_dir, archive_dir=args.archive)
    if not fresh:
        print("building the cache first ...", file=sys.stderr)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "bot.cli",
                "index",
                "--seeds",
                str(args.seeds),
                "--cache-dir",
                str(args.cache_dir),
                "--archive",
                str(args.archive),
            ],
            check=True,
        )
    result: dict[str, Any] = {
        "corpus": str(args.seeds),
        "ask_process": median_runs(args, QUESTION),
        **in_process(args),
        "restart_after_add": delta_restart(args),
    }
    rows = [
        (
            "`ask` process, cold (wall / CPU s)",
            "{wall_s} / {cpu_s}".format(**result["ask_process"]),
        ),
        ("load_index + Retriever + first answer (s)", str(result["load_total_s"])),
        ("  of which load_index (s)", str(result["load_index_s"])),
        (
            "Index.extend, one article (s / RSS MiB)",
            f"{result['extend_s']} / {result['extend_rss_mib']}",
        ),
        ("add_articles incl. planner vocabulary (s)", str(result["add_articles_s"])),
        (
            "restart after an add: first / next start (wall s)",
            "{first_start_wall_s} / {next_start_wall_s}".format(**result["restart_after_add"]),
        ),
        (
            "restart after an add: first / next start (CPU s)",
            "{first_start_cpu_s} / {next_start_cpu_s}".format(**result["restart_after_add"]),
        ),
    ]
    print(
        f"{result['paragraphs']:,} paragraphs, {result['articles']:,} articles, "
        f"{result['terms']:,} terms\n"
    )
    print("| measure | value |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
