"""Ingest at scale: add all idnews-2025 articles through the real bulk `tanyaberita add`.

Each article is written as a scraped-page .txt (title line, date line as scraped,
body) into a temporary folder, then one `tanyaberita add --json` subprocess adds
them all to a fresh archive. Reports wall time, peak RSS, counts by status and the
rejection reasons with examples; then times loading and indexing seeds + archive,
and a second `add` of the same files (all should be duplicates).

    nice .venv/bin/python scripts/ingest_at_scale.py [--limit N] [--keep DIR] [--json FILE]

Not a test: it takes minutes. Needs ../shared/corpora/idnews-2025 (skips without it).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpora" / "idnews-2025" / "articles.jsonl.gz"


def write_pages(rows: list[dict[str, Any]], folder: Path) -> list[Path]:
    paths = []
    for row in rows:
        path = folder / f"{row['id']}.txt"
        date = (row.get("date") or "").replace("_x0000_", "").strip()
        path.write_text(f"{row['title']}\n\n{date}\n\n{row['text']}\n", encoding="utf-8")
        paths.append(path)
    return paths


_CHILD = (
    "import resource, sys\n"
    "from bot.cli import main\n"
    "rc = main(sys.argv[1:])\n"
    "print('peak-rss-kb', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(rc)\n"
)


def run(argv: list[str], env: dict[str, str]) -> tuple[float, int, str, str]:
    """Run one CLI command in a child; (seconds, its peak RSS in MB, stdout, stderr)."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(argv[:2])} failed ({done.returncode}): {done.stderr[-2000:]}")
    found = re.findall(r"^peak-rss-kb (\d+)$", done.stderr, flags=re.MULTILINE)
    return seconds, int(found[-1]) // 1024 if found else -1, done.stdout, done.stderr


def reason(error: str, where: str) -> str:
    """The error without the input's path and its numbers: the kind of rejection."""
    text = error.removeprefix(where).lstrip(": ")
    return re.sub(r"\d+(\.\d+)?%?", "N", text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="only the first N articles")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()
    if not CORPUS.is_file():
        print(f"skipped: {CORPUS} is absent (a fresh clone has no ../shared)")
        return 0
    with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    rows = rows[: args.limit] if args.limit else rows
    work = args.keep or Path(tempfile.mkdtemp(prefix="tanyaberita-scale-"))
    pages, archive, cache = work / "pages", work / "archive", work / "cache"
    pages.mkdir(parents=True, exist_ok=True)
    paths = write_pages(rows, pages)
    env = {
        **os.environ,
        "ARCHIVE_DIR": str(archive),
        "INDEX_CACHE_DIR": str(cache),
        "SEEDS_DIR": str(ROOT / "seeds"),
        "ENGLISH_DICT": "none",
    }

    seconds, rss, out, _ = run(["add", "--json", *map(str, paths)], env)
    results = [json.loads(line) for line in out.splitlines()]
    status = Counter(r["status"] for r in results)
    reasons: dict[str, list[str]] = defaultdict(list)
    for r in results:
        if r["status"] == "error":
            reasons[reason(r["error"], r["input"])].append(Path(r["input"]).stem)
    duplicates = [
        (Path(r["input"]).stem, r["duplicate_of"]) for r in results if r["status"] == "duplicate"
    ]
    by_outlet: dict[str, Counter[str]] = defaultdict(Counter)
    outlet_of = {row["id"]: row["outlet"] for row in rows}
    for r in results:
        by_outlet[outlet_of[Path(r["input"]).stem]][r["status"]] += 1

    check_s, check_rss, check_out, _ = run(["index", "--check"], env)
    index_s, index_rss, index_out, _ = run(["index"], env)
    again_s, again_rss, again_out, _ = run(["add", "--json", *map(str, paths)], env)
    again = Counter(json.loads(line)["status"] for line in again_out.splitlines())

    figures = {
        "articles": len(rows),
        "add": {
            "seconds": round(seconds, 1),
            "per_article_ms": round(1000 * seconds / len(rows), 2),
            "peak_rss_mb": rss,
            "status": dict(status),
        },
        "rejections": {
            k: {"count": len(v), "examples": v[:3]}
            for k, v in sorted(reasons.items(), key=lambda kv: -len(kv[1]))
        },
        "duplicates": {"count": len(duplicates), "examples": duplicates[:5]},
        "by_outlet": {k: dict(v) for k, v in sorted(by_outlet.items())},
        "index_check": {
            "seconds": round(check_s, 1),
            "peak_rss_mb": check_rss,
            "output": check_out.strip(),
        },
        "index_build": {
            "seconds": round(index_s, 1),
            "peak_rss_mb": index_rss,
            "output": index_out.strip(),
        },
        "add_again": {"seconds": round(again_s, 1), "status": dict(again)},
        "work_dir": str(work),
    }
    print(f"## Ingest at scale: {len(rows)} idnews-2025 articles\n")
    print("| step | seconds | peak RSS (MB) | result |\n|---|---|---|---|")
    print(
        f"| add (one bulk `add --json`) | {seconds:.1f} | {rss} | "
        + ", ".join(f"{n} {s}" for s, n in status.most_common())
        + " |"
    )
    print(
        f"| index --check (load seeds + archive) | {check_s:.1f} | {check_rss} | "
        f"{check_out.strip().splitlines()[0] if check_out.strip() else ''} |"
    )
    print(f"| index (build) | {index_s:.1f} | {index_rss} | {index_out.strip()} |")
    print(
        f"| add the same files again | {again_s:.1f} | {again_rss} | "
        + ", ".join(f"{n} {s}" for s, n in again.most_common())
        + " |"
    )
    print("\n| rejection | count | examples |\n|---|---|---|")
    for text, info in figures["rejections"].items():
        print(f"| {text} | {info['count']} | {', '.join(info['examples'])} |")
    print("\n| outlet | " + " | ".join(("added", "duplicate", "error")) + " |\n|---|---|---|---|")
    for outlet, counts in figures["by_outlet"].items():
        print(
            f"| {outlet} | {counts.get('added', 0)} | {counts.get('duplicate', 0)}"
            f" | {counts.get('error', 0)} |"
        )
    print("\n```json\n" + json.dumps(figures, ensure_ascii=False, indent=1) + "\n```")
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
