"""Benchmark: the project's answer path against BM25/TF-IDF references (issue #10).

    nice python -m bench.run --sizes 10k,100k --real idnews-2025,indosum-dev \\
        --systems all --out bench/results

Every corpus is written once as a seeds-shaped folder (``bench.synth`` or
``bench.corpora``) under ``--work``; every system then builds and queries it in
its own processes, side by side in one run, on the same files and the same
known-item queries (``bench.queries``). Figures per system and corpus: build
time (wall time of the build process) and its peak RSS, index size on disk,
cold load time of the saved index, p50/p99 ms per question, questions per
second and known-item hit@10.

Systems:
  project        ``tanyaberita index`` to build; ``Retriever.load`` + ``ask(q, k=10)``
                 in a fresh process to load and answer (the full answer path)
  project-cli    ``tanyaberita ask --json -k 10 -`` fed the queries on stdin
                 (same index; load = time to the first answer less a typical answer)
  bm25s          bm25s ``get_scores`` + ``np.argpartition`` top 10 (mmap load)
  bm25s-cli      the same, asked like ``project-cli``: a process that loads the
                 index and answers stdin lines with JSON lines (same timing)
  bm25s-retrieve bm25s ``retrieve(k=10)`` (same index)
  rank_bm25      ``BM25Okapi.get_scores`` + top 10 (corpora up to 100k paragraphs)
  sklearn        ``TfidfVectorizer``, ``X @ q.T`` on CSR + top 10

The reference systems index the body paragraphs of the same articles (written
beside the folder as ``paragraphs.jsonl``); the project reads the folder and
cleans it its own way, so its hits are matched to targets by paragraph text.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from bench import corpora, queries, synth
from bench.systems import RESULT_PREFIX, TOP_K, found_at, paragraph_rank, project_archive

REPO = Path(__file__).resolve().parents[1]
ALL_SYSTEMS = (
    "project",
    "project-cli",
    "bm25s",
    "bm25s-cli",
    "bm25s-retrieve",
    "rank_bm25",
    "sklearn",
)
INDEX_OF = {"project-cli": "project", "bm25s-retrieve": "bm25s", "bm25s-cli": "bm25s"}
# Systems asked like a command line: questions on stdin, one JSON line each.
PIPED = ("project-cli", "bm25s-cli")
RANK_BM25_MAX = 100_000
BASELINE = "bm25s"
PREPARED = "prepared.json"


# --- running one step --------------------------------------------------------


@dataclass
class Step:
    ok: bool
    error: str | None
    wall_s: float
    maxrss_mib: float
    result: dict[str, Any] = field(default_factory=dict)
    lines: list[tuple[float, str]] = field(default_factory=list)


def run_step(cmd: Sequence[str], timeout: float, stdin_text: str | None = None) -> Step:
    """Run ``cmd`` (niced, own session) with a timeout; its wall time, peak RSS
    (``wait4``'s ru_maxrss, of this process alone), stdout lines with arrival
    times and the ``BENCH_RESULT`` JSON if it printed one."""
    with tempfile.TemporaryFile() as err:
        return _run_step(cmd, timeout, stdin_text, err)


def _spawn(cmd: Sequence[str], stdin: int, err: Any) -> subprocess.Popen[str]:
    """Start ``cmd`` niced, in its own session, in the repository, stdout a text pipe."""
    return subprocess.Popen(
        ["nice", "-n", "5", *cmd],
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=err,
        cwd=REPO,
        text=True,
        encoding="utf-8",
        start_new_session=True,
    )


def _run_step(cmd: Sequence[str], timeout: float, stdin_text: str | None, err: Any) -> Step:
    started = time.perf_counter()
    proc = _spawn(cmd, subprocess.PIPE if stdin_text is not None else subprocess.DEVNULL, err)
    lines: list[tuple[float, str]] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append((time.perf_counter() - started, line))

    def write() -> None:
        assert proc.stdin is not None
        assert stdin_text is not None
        try:
            proc.stdin.write(stdin_text)
            proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass

    threads = [threading.Thread(target=read, daemon=True)]
    if stdin_text is not None:
        threads.append(threading.Thread(target=write, daemon=True))
    for thread in threads:
        thread.start()
    step = _wait(proc, started, timeout, err, threads)
    step.lines = lines
    for _, line in reversed(lines):
        if line.startswith(RESULT_PREFIX):
            step.result = json.loads(line[len(RESULT_PREFIX) :])
            break
    return step


def _wait(
    proc: subprocess.Popen[str],
    started: float,
    timeout: float,
    err: Any,
    threads: Sequence[threading.Thread],
) -> Step:
    """Wait for ``proc`` (killed at ``timeout``): wall time, peak RSS, error."""
    timed_out = False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - started > timeout:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.01)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    for thread in threads:
        thread.join(timeout=5)
    err.seek(0)
    stderr = err.read().decode("utf-8", "replace").strip().splitlines()
    step = Step(
        ok=not timed_out and proc.returncode == 0,
        error=None,
        wall_s=wall,
        maxrss_mib=usage.ru_maxrss / 1024,
    )
    if timed_out:
        step.error = f"timeout after {timeout:.0f} s"
    elif proc.returncode != 0:
        last = stderr[-1] if stderr else "no message"
        step.error = f"failed (exit {proc.returncode}: {last[:160]})"
    return step


def run_piped(cmd: Sequence[str], questions: Sequence[str], timeout: float) -> Step:
    """Run ``cmd`` (niced, own session) as a client would use a command that
    answers stdin lines: write one question, wait for its answer line, then
    the next. ``result["latencies_ms"]`` holds each question's round trip
    (pipe included) and ``lines`` the answers with their arrival times."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = _spawn(cmd, subprocess.PIPE, err)
        lines: list[tuple[float, str]] = []
        latencies: list[float] = []

        def talk() -> None:
            assert proc.stdin is not None
            assert proc.stdout is not None
            try:
                for question in questions:
                    sent = time.perf_counter()
                    proc.stdin.write(question + "\n")
                    proc.stdin.flush()
                    answer = proc.stdout.readline()
                    if not answer:
                        break
                    now = time.perf_counter()
                    latencies.append(1000 * (now - sent))
                    lines.append((now - started, answer))
                proc.stdin.close()
                proc.stdout.read()
            except (BrokenPipeError, OSError, ValueError):
                pass

        talker = threading.Thread(target=talk, daemon=True)
        talker.start()
        step = _wait(proc, started, timeout, err, [talker])
    step.lines = lines
    step.result = {"latencies_ms": latencies}
    return step


# --- corpora -----------------------------------------------------------------


@dataclass(frozen=True)
class CorpusSpec:
    name: str  # "syn-10k", "idnews-2025"
    kind: str  # "synthetic" or "real"
    paragraphs: int | None = None  # synthetic target


def corpus_specs(sizes: Iterable[str], real: Iterable[str]) -> list[CorpusSpec]:
    specs = [
        CorpusSpec(f"syn-{s.strip()}", "synthetic", synth.parse_size(s)) for s in sizes if s.strip()
    ]
    for name in real:
        if name.strip():
            corpora.dataset_path(name.strip())  # raises on an unknown name
            specs.append(CorpusSpec(name.strip(), "real"))
    return specs


def _records(spec: CorpusSpec, seed: int) -> tuple[Iterator[corpora.Record], dict[str, Any]]:
    if spec.kind == "synthetic":
        assert spec.paragraphs is not None
        return synth.generate(spec.paragraphs, seed), {}
    kept, refused = corpora.loadable(corpora.load(spec.name))
    info = {
        "articles_refused": len(refused),
        "paragraphs_refused": sum(len(r.paragraphs) for r in refused),
    }
    return iter(kept), info


def prepare(spec: CorpusSpec, work: Path, *, seed: int, n_queries: int) -> dict[str, Any]:
    """Write the corpus folder, its paragraphs and its queries (reused when the
    same corpus, seed and query count are already there)."""
    wanted = {"corpus": spec.name, "seed": seed, "queries": n_queries}
    marker = work / PREPARED
    if marker.is_file():
        info: dict[str, Any] = json.loads(marker.read_text(encoding="utf-8"))
        if {k: info.get(k) for k in wanted} == wanted:
            return info
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    records, info = _records(spec, seed)
    paragraphs: list[tuple[str, str]] = []
    articles = 0

    def tee(records: Iterator[corpora.Record]) -> Iterator[corpora.Record]:
        nonlocal articles
        for record in records:
            articles += 1
            paragraphs.extend((record.id, p) for p in record.paragraphs)
            yield record

    header = synth.HEADER if spec.kind == "synthetic" else ""
    corpora.materialize(tee(records), work / "seeds", header=header)
    with (work / "paragraphs.jsonl").open("w", encoding="utf-8") as out:
        for pair in paragraphs:
            out.write(json.dumps(pair, ensure_ascii=False) + "\n")
    queries.save(queries.known_items(paragraphs, n_queries, seed), work / "queries.jsonl")
    info = {**wanted, **info, "articles": articles, "paragraphs": len(paragraphs)}
    marker.write_text(json.dumps(info), encoding="utf-8")
    return info


# --- systems -----------------------------------------------------------------


def _tanyaberita() -> list[str]:
    script = Path(sys.executable).parent / "tanyaberita"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main())"]


def _project_folders(work: Path) -> list[str]:
    """The project's corpus folders, the same for every step: the seeds, an
    empty archive (``project_archive``) and the cache."""
    return [
        *("--seeds", str(work / "seeds")),
        *("--archive", str(project_archive(work))),
        *("--cache-dir", str(work / "index" / "project")),
    ]


def _du_mib(path: Path) -> float:
    if not path.exists():
        return 0.0
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 2**20


def build(system: str, work: Path, timeout: float, *, reuse: bool = False) -> Step:
    """Build ``system``'s index in its own process. With ``reuse``, an index
    this function built before (same work folder) is kept, with the figures
    of that build."""
    out = work / "index" / system
    record = work / "index" / f"{system}.build.json"
    if reuse and out.is_dir() and record.is_file():
        saved = json.loads(record.read_text(encoding="utf-8"))
        return Step(True, None, saved["wall_s"], saved["maxrss_mib"], saved["result"])
    if out.is_symlink():  # an index borrowed from elsewhere is never rebuilt (or written)
        return Step(False, f"{out} is a link to an index without build figures", 0.0, 0.0)
    shutil.rmtree(out, ignore_errors=True)
    record.unlink(missing_ok=True)
    if system == "project":
        cmd = [*_tanyaberita(), "index", *_project_folders(work)]
    else:
        cmd = [sys.executable, "-m", "bench.systems", "build", system, "--work", str(work)]
    step = run_step(cmd, timeout)
    step.result["size_mib"] = _du_mib(out)
    if step.ok:
        figures = {"wall_s": step.wall_s, "maxrss_mib": step.maxrss_mib, "result": step.result}
        record.write_text(json.dumps(figures), encoding="utf-8")
    return step


def query(system: str, work: Path, timeout: float) -> Step:
    if system not in PIPED:
        cmd = [sys.executable, "-m", "bench.systems", "query", system, "--work", str(work)]
        return run_step(cmd, timeout)
    items = queries.load(work / "queries.jsonl")
    if system == "project-cli":
        cmd = [
            *_tanyaberita(),
            *("ask", "--json", "-k", str(TOP_K)),
            *_project_folders(work),
            "-",
        ]
    else:
        reference = INDEX_OF[system]
        cmd = [sys.executable, "-m", "bench.systems", "serve", reference, "--work", str(work)]
    step = run_piped(cmd, [i.query for i in items], timeout)
    answers = [(t, json.loads(line)) for t, line in step.lines if line.startswith("{")]
    if step.ok and len(answers) != len(items):
        step.ok, step.error = False, f"{len(answers)} answers to {len(items)} questions"
    if not answers:
        return step
    # The first round trip includes the start and load; the others are answers.
    latencies = step.result["latencies_ms"]
    typical = float(np.median(latencies[1:])) if len(latencies) > 1 else 0.0
    ranks = [
        found_at([r["text"] for r in answer["results"]], item.target)
        for (_, answer), item in zip(answers, items, strict=False)
    ]
    step.result = {
        "load_s": answers[0][0] - typical / 1000,
        "latencies_ms": latencies[1:] or latencies,
        "ranks": [s for s, _ in ranks],
        "lenient_ranks": [n for _, n in ranks],
        "wall_s": step.wall_s,
    }
    if system != "project-cli":
        return step
    targets = run_step(
        [sys.executable, "-m", "bench.systems", "targets", "project", "--work", str(work)], timeout
    )
    if targets.ok:
        numbers = targets.result["numbers"]
        step.result["numbers"] = numbers
        step.result["paragraph_ranks"] = [
            paragraph_rank(answer["results"], item, number)
            for (_, answer), item, number in zip(answers, items, numbers, strict=False)
        ]
    return step


# --- one run -----------------------------------------------------------------


def _cell(spec: CorpusSpec, info: dict[str, Any], system: str) -> dict[str, Any]:
    return {"corpus": spec.name, "system": system, "paragraphs": info.get("paragraphs")}


def _summarise(row: dict[str, Any], built: Step, asked: Step | None) -> None:
    row["build_s"] = built.wall_s if built.ok else None
    row["build_rss_mib"] = built.maxrss_mib if built.ok else None
    row["size_mib"] = built.result.get("size_mib") if built.ok else None
    row["error"] = built.error
    if asked is None:
        return
    if not asked.ok:
        row["error"] = asked.error
    result = asked.result
    if "latencies_ms" not in result:
        return
    latencies = np.asarray(result["latencies_ms"], dtype=np.float64)
    # The project's headline hit@10 is by paragraph (``paragraph_rank``): its
    # cleaner moves datelines out of paragraphs and lists near-duplicates
    # under one paragraph; hit10_text keeps the exact-text figure.
    text_ranks = result["ranks"]
    ranks = result.get("paragraph_ranks") or text_ranks
    row.update(
        load_s=result["load_s"],
        serve_rss_mib=asked.maxrss_mib,
        p50_ms=float(np.percentile(latencies, 50)),
        p99_ms=float(np.percentile(latencies, 99)),
        qps=result.get("qps") or len(latencies) / max(latencies.sum() / 1000, 1e-9),
        queries=len(ranks),
        hit10=sum(1 for r in ranks if r) / max(len(ranks), 1),
        hit10_text=sum(1 for r in text_ranks if r) / max(len(ranks), 1),
        hit10_lenient=sum(1 for r in result["lenient_ranks"] if r) / max(len(ranks), 1),
        ranks=ranks,
        text_ranks=text_ranks,
        lenient_ranks=result["lenient_ranks"],
    )
    # All-in: the whole query process (interpreter, imports, load, every
    # question) per question; the in-process "project" step also runs the
    # bench's own reports, so it counts its load and answers only.
    if row["system"] == "project":
        row["wall_s"] = result["load_s"] + float(latencies.sum()) / 1000
    else:
        row["wall_s"] = result.get("wall_s", asked.wall_s)
    row["per_question_ms"] = 1000 * row["wall_s"] / max(len(ranks), 1)
    for key in ("verbatim", "numbers", "planned_words"):
        if key in result:
            row[key] = result[key]


def run(
    specs: Sequence[CorpusSpec],
    systems: Sequence[str],
    *,
    work_root: Path,
    timeout: float,
    seed: int,
    n_queries: int,
    log: Any = sys.stderr,
    reuse: bool = False,
) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    corpora_info: dict[str, Any] = {}
    for spec in specs:
        work = work_root / spec.name
        print(f"[{spec.name}] preparing corpus in {work}", file=log, flush=True)
        try:
            info = prepare(spec, work, seed=seed, n_queries=n_queries)
        except corpora.CorpusMissing as exc:
            print(f"[{spec.name}] skipped: {exc}", file=log, flush=True)
            corpora_info[spec.name] = {"error": str(exc)}
            continue
        corpora_info[spec.name] = info
        builds: dict[str, Step] = {}
        for system in systems:
            row = _cell(spec, info, system)
            rows.append(row)
            owner = INDEX_OF.get(system, system)
            if owner == "rank_bm25" and info["paragraphs"] > RANK_BM25_MAX:
                row["error"] = f"skipped (> {RANK_BM25_MAX:,} paragraphs)"
                continue
            if owner not in builds:
                print(f"[{spec.name}] {owner}: build", file=log, flush=True)
                builds[owner] = build(owner, work, timeout, reuse=reuse)
            built = builds[owner]
            asked = None
            if built.ok:
                print(f"[{spec.name}] {system}: load + {n_queries} questions", file=log, flush=True)
                asked = query(system, work, timeout)
            _summarise(row, built, asked)
            print(f"[{spec.name}] {system}: {row.get('error') or 'ok'}", file=log, flush=True)
    return {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "seed": seed,
        "timeout_s": timeout,
        "corpora": corpora_info,
        "rows": rows,
    }


# --- the table ---------------------------------------------------------------


def _num(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and value >= 100:
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


def _ratio(row: dict[str, Any], base: dict[str, Any] | None, key: str) -> str:
    if base is None or row.get(key) is None or not base.get(key):
        return "–"
    return f"{row[key] / base[key]:.1f}×"


def table(report: dict[str, Any]) -> str:
    head = (
        "| corpus | paragraphs | system | build s | build RSS MiB | index MiB | load s "
        "| p50 ms | p99 ms | q/s | all-in ms/q | hit@10 | ×build | ×RSS | ×load | ×p50 "
        "| ×all-in |"
    )
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for row in report["rows"]:
        base = next(
            (
                r
                for r in report["rows"]
                if r["corpus"] == row["corpus"] and r["system"] == BASELINE and not r.get("error")
            ),
            None,
        )
        if row.get("error") and row.get("p50_ms") is None:
            cells = [row["error"], *[""] * 14]
        else:
            hit = _num(row.get("hit10"), 3)
            if row.get("hit10_text") not in (None, row.get("hit10")):
                hit += f" (text {_num(row.get('hit10_text'), 3)})"
            cells = [
                _num(row.get("build_s")),
                _num(row.get("build_rss_mib"), 0),
                _num(row.get("size_mib")),
                _num(row.get("load_s"), 2),
                _num(row.get("p50_ms"), 2),
                _num(row.get("p99_ms"), 2),
                _num(row.get("qps"), 0),
                _num(row.get("per_question_ms"), 2),
                hit,
                _ratio(row, base, "build_s"),
                _ratio(row, base, "build_rss_mib"),
                _ratio(row, base, "load_s"),
                _ratio(row, base, "p50_ms"),
                _ratio(row, base, "per_question_ms"),
            ]
            if row.get("error"):
                cells[-1] += f" ({row['error']})"
        lines.append(
            "| "
            + " | ".join([row["corpus"], f"{row['paragraphs'] or 0:,}", row["system"], *cells])
            + " |"
        )
    notes = []
    for row in report["rows"]:
        verbatim = row.get("verbatim")
        if verbatim and row["system"] == "project":
            reasons: dict[str, int] = {}
            for m in verbatim["missing"]:
                reasons[m["why"]] = reasons.get(m["why"], 0) + 1
            why = ", ".join(f"{n} {w}" for w, n in sorted(reasons.items(), key=lambda kv: -kv[1]))
            notes.append(
                f"- {row['corpus']}: {len(verbatim['missing'])} of {verbatim['targets']} target "
                f"paragraphs are not verbatim in the project's cleaned corpus ({why or 'none'})."
            )
    notes += _furniture_notes(report["rows"])
    for name, info in report["corpora"].items():
        if info.get("articles_refused"):
            notes.append(
                f"- {name}: {info['articles_refused']} articles "
                f"({info['paragraphs_refused']} paragraphs) left out: the project's cleaner "
                "keeps no paragraph of them and refuses the folder otherwise."
            )
    legend = (
        "Build = wall time of the build process (interpreter start included); RSS = its peak. "
        "Load = cold load of the saved index in a fresh process. All-in = wall time of the "
        "query process (start, imports, load, every question) per question. hit@10 = the "
        "known-item target paragraph in the top 10: by exact text for the references; for the "
        "project also its own copy of the target (same article; the text with other spacing, "
        "without the dateline its cleaner moves into the metadata, or split into several "
        'paragraphs) shown, or listed as "also reported by" under a near-duplicate (in '
        "brackets: by exact text only). "
        "Ratios are against bm25s get_scores in the same run."
    )
    return "\n".join([*lines, "", legend, *(["", *notes] if notes else [])]) + "\n"


def _furniture_notes(rows: Sequence[dict[str, Any]]) -> list[str]:
    """Targets the project's cleaner drops (page furniture: related links,
    crossheads) can never be its answers; hit@10 over the other targets."""
    notes = []
    for row in rows:
        numbers = row.get("numbers")
        if row["system"] != "project-cli" or not numbers or all(numbers):
            continue
        kept = [i for i, n in enumerate(numbers) if n]
        parts = []
        for other in rows:
            if other["corpus"] == row["corpus"] and other.get("ranks"):
                hit = sum(1 for i in kept if other["ranks"][i]) / len(kept)
                parts.append(f"{other['system']} {hit:.3f}")
        notes.append(
            f"- {row['corpus']}: {len(numbers) - len(kept)} of {len(numbers)} targets are page "
            f"furniture the project's cleaner drops; hit@10 over the other {len(kept)}: "
            + ", ".join(parts)
            + "."
        )
    return notes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes", default="10k", help="synthetic sizes, e.g. 10k,100k,1M ('' none)"
    )
    parser.add_argument("--real", default="", help=f"real corpora: {','.join(corpora.NAMES)}")
    parser.add_argument(
        "--systems", default="all", help=f"'all' or some of {','.join(ALL_SYSTEMS)}"
    )
    parser.add_argument("--queries", type=int, default=300, help="known-item queries per corpus")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per step")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "tb-bench")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results")
    parser.add_argument(
        "--reuse-builds",
        action="store_true",
        help="keep indexes an earlier run built in --work (and its build figures)",
    )
    args = parser.parse_args(argv)
    systems = ALL_SYSTEMS if args.systems == "all" else tuple(args.systems.split(","))
    unknown = [s for s in systems if s not in ALL_SYSTEMS]
    if unknown:
        parser.error(f"unknown system {unknown[0]!r} (expected {', '.join(ALL_SYSTEMS)})")
    try:
        specs = corpus_specs(args.sizes.split(","), args.real.split(","))
    except ValueError as exc:
        parser.error(str(exc))
    report = run(
        specs,
        systems,
        work_root=args.work,
        timeout=args.timeout,
        seed=args.seed,
        n_queries=args.queries,
        reuse=args.reuse_builds,
    )
    report["command"] = "python -m bench.run " + " ".join(argv or sys.argv[1:])
    markdown = table(report)
    print(markdown)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (args.out / f"{stamp}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
    (args.out / f"{stamp}.md").write_text(f"`{report['command']}`\n\n{markdown}", encoding="utf-8")
    print(f"wrote {args.out / stamp}.json and .md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
