"""Answer quality as the archive grows: question sets over mixed corpora.

    nice .venv/bin/python -m bench.quality [--corpora seeds,idnews,both,real] [--out DIR]

Scores every question set (our own, our scale set, ../shared's dev set) over
(a) the seeds alone, (b) the seeds plus all of idnews-2025, (c) the seeds plus
idnews-2025 and indosum-dev (~11,000 articles), and (d) the seeds plus the real
pages gathered for the archive work (when their expectations are present).
For each: hit@1, hit@3, MRR, out-of-corpus declined and answerable declined,
per question kind and per half (tuning / held-out). Prints Markdown and writes
``quality.md`` and ``quality.json`` to ``--out`` (default ``bench/results``).

Mixed corpora are written as seeds-shaped folders, loaded and indexed once, and
cached under ``.cache/quality/`` (git-ignored) through the project's own index
cache (which keys on the files, the cleaning code and the analysis).
A question with a ``corpus`` field is asked only of corpora holding that
dataset.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.corpora import (
    REPO,
    SEEDS,
    SHARED,
    CorpusMissing,
    load,
    loadable,
    materialize_with_seeds,
)
from retrieval.corpus import load_corpus
from retrieval.english import DEFAULT_DICT, EnglishDictionary
from retrieval.evaluation import INDONESIAN, KINDS, SPLITS, Question, Report, evaluate
from retrieval.evaluation import load_questions as _load_questions
from retrieval.qtype import expected_type
from retrieval.retriever import Retriever, load_index
from retrieval.text import normalize, words

CACHE = REPO / ".cache" / "quality"
OWN = REPO / "tests" / "data" / "questions.jsonl"
SCALE = REPO / "tests" / "data" / "questions_scale.jsonl"
ENGLISH = REPO / "tests" / "data" / "questions_english.jsonl"
DEV = SHARED / "eval" / "dev.jsonl"
REAL_PAGES = Path("/work/real-pages")
REAL_EXPECTATIONS = (
    REPO / "tests" / "data" / "real_pages.json",
    REPO.parent / "pages" / "tests" / "data" / "real_pages.json",
)

# name -> (datasets mixed into the seeds, label)
CORPORA: dict[str, tuple[tuple[str, ...], str]] = {
    "seeds": ((), "seeds"),
    "idnews": (("idnews-2025",), "seeds + idnews-2025"),
    "both": (("idnews-2025", "indosum-dev"), "seeds + idnews-2025 + indosum-dev"),
    "real": (("real-pages",), "seeds + real pages"),
}


def _folder(name: str, datasets: Sequence[str]) -> Path:
    """The seeds-shaped folder of a mixed corpus, written once."""
    folder = CACHE / f"corpus-{name}"
    done = folder / ".complete"
    if done.is_file():
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    records = []
    for dataset in datasets:
        records += loadable(load(dataset))[0]
    materialize_with_seeds(records, folder)
    done.write_text(f"{len(records)}\n", encoding="utf-8")
    return folder


def _real_folder() -> Path | None:
    expectations = next((p for p in REAL_EXPECTATIONS if p.is_file()), None)
    if expectations is None or not REAL_PAGES.is_dir():
        return None
    folder = CACHE / "corpus-real"
    if not (folder / ".complete").is_file():
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        for path in sorted(SEEDS.iterdir()):
            if path.is_file():
                shutil.copyfile(path, folder / path.name)
        for path in sorted(REAL_PAGES.glob("*.txt")):
            shutil.copyfile(path, folder / f"real-{path.name}")
        (folder / ".complete").write_text("\n", encoding="utf-8")
    return folder


def folder_of(name: str) -> Path | None:
    """The corpus folder of ``name``; None (with a message) when its data is absent."""
    datasets, _ = CORPORA[name]
    if name == "seeds":
        return SEEDS
    if name == "real":
        folder = _real_folder()
        if folder is None:
            print(
                "skipped seeds + real pages: no expectations file "
                f"({' or '.join(map(str, REAL_EXPECTATIONS))}) or no {REAL_PAGES}",
                file=sys.stderr,
            )
        return folder
    try:
        return _folder(name, datasets)
    except CorpusMissing as exc:
        print(f"skipped {name}: {exc}", file=sys.stderr)
        return None


def retriever_for(name: str, english: EnglishDictionary | None) -> Retriever | None:
    """The corpus ``name`` indexed through the project's own index cache (under
    ``.cache/quality/index``): a fresh cache is opened without re-reading,
    cleaning or analysing any article."""
    folder = folder_of(name)
    if folder is None:
        return None
    if name == "seeds":
        return Retriever.from_corpus(load_corpus(folder), english=english)
    return Retriever(load_index(folder, CACHE / "index"), english=english)


@dataclass(frozen=True, slots=True)
class QuestionSet:
    name: str
    questions: tuple[Question, ...]


def question_sets() -> list[QuestionSet]:
    sets = [QuestionSet("own", tuple(_load_questions(OWN)))]
    if SCALE.is_file():
        sets.append(QuestionSet("scale", tuple(_load_questions(SCALE))))
    if ENGLISH.is_file():
        sets.append(QuestionSet("english", tuple(_load_questions(ENGLISH))))
    if DEV.is_file():
        sets.append(QuestionSet("dev", tuple(_load_questions(DEV))))
    else:
        print(f"skipped the dev set: {DEV} is absent", file=sys.stderr)
    return sets


def applicable(question: Question, corpus_name: str) -> bool:
    """Whether to ask ``question`` of a corpus: a question answered by a dataset
    only where that dataset is mixed in; one marked "seeds" (out of corpus for
    the seeds, but answered somewhere in the datasets) only of the seeds."""
    if question.corpus == "seeds":
        return corpus_name == "seeds"
    return question.corpus is None or question.corpus in CORPORA[corpus_name][0]


def summary(report: Report, kinds: Sequence[str] = INDONESIAN) -> dict[str, Any]:
    declined, total = report.none_declined
    return {
        "n": len(report.of(kinds)),
        "hit@1": round(report.hit_at_1(kinds), 3),
        "hit@3": round(report.hit_at(3, kinds), 3),
        "mrr": round(report.mrr(kinds), 3),
        "none_declined": [declined, total],
        "answerable_declined": sum(o.question.kind in kinds for o in report.answerable_declined),
    }


_LIST = re.compile(r"\b(?:apa|siapa|mana|negara mana|bidang apa) saja\b|\bwhich\b", re.IGNORECASE)


def form(question: Question) -> str:
    """What an answerable question asks for: a date or period, a number, a
    place, a list ("apa saja", "siapa saja"), or something else."""
    if _LIST.search(question.q):
        return "list"
    kind = expected_type(list(words(normalize(question.q))))
    return kind or "other"


def forms(report: Report) -> dict[str, dict[str, Any]]:
    """hit@1 and declines of the answerable Indonesian questions by ``form``."""
    out: dict[str, dict[str, Any]] = {}
    for o in report.of(INDONESIAN):
        f = out.setdefault(form(o.question), {"n": 0, "hit@1": 0, "declined": 0})
        f["n"] += 1
        f["hit@1"] += o.hit
        f["declined"] += not o.answered
    for f in out.values():
        f["hit@1"] = round(f["hit@1"] / f["n"], 3)
    return out


def score(retriever: Retriever, qs: Sequence[Question]) -> Report:
    return evaluate(qs, lambda q: retriever.ask(q, k=5))


def _cell(s: dict[str, Any]) -> str:
    if not s["n"] and not s["none_declined"][1]:
        return "–"
    d, t = s["none_declined"]
    if not s["n"]:
        return f"– · {d}/{t} · –"
    ranks = f"{s['hit@1']:.3f} / {s['hit@3']:.3f} / {s['mrr']:.3f}"
    return f"{ranks} · {d}/{t} · {s['answerable_declined']}"


def _forms_table(entry: dict[str, Any]) -> str:
    """Answerable Indonesian questions of all sets by form, per half."""
    lines = ["| form | tune hit@1 (n, declined) | held-out hit@1 (n, declined) |", "|---|---|---|"]
    names = sorted({f for s in entry["sets"].values() for f in s["all"]["forms"]})
    for name in names:
        cells = []
        for half in SPLITS:
            n = hit = declined = 0.0
            for s in entry["sets"].values():
                f = s[half]["forms"].get(name)
                if f:
                    n += f["n"]
                    hit += f["hit@1"] * f["n"]
                    declined += f["declined"]
            cells.append(f"{hit / n:.3f} ({n:.0f}, {declined:.0f})" if n else "–")
        lines.append(f"| {name} | {cells[0]} | {cells[1]} |")
    return "\n".join(lines)


def run(corpora: Sequence[str], out: Path, verbose: bool) -> dict[str, Any]:
    english = EnglishDictionary.load(DEFAULT_DICT)
    sets = question_sets()
    results: dict[str, Any] = {"corpora": {}, "english_dictionary": english is not None}
    md = [
        "Each cell: Indonesian hit@1 / hit@3 / MRR · out-of-corpus declined · answerable "
        "Indonesian declined. English is reported apart.",
        "",
    ]
    for name in corpora:
        t0 = time.perf_counter()
        retriever = retriever_for(name, english)
        if retriever is None:
            continue
        load_s = time.perf_counter() - t0
        label = CORPORA[name][1]
        entry: dict[str, Any] = {
            "label": label,
            "articles": len(retriever.corpus.articles),
            "paragraphs": len(retriever.index),
            "load_seconds": round(load_s, 1),
            "sets": {},
        }
        md += [
            f"### {label} ({entry['articles']} articles, {entry['paragraphs']} paragraphs)",
            "",
            "| set | half | Indonesian | english hit@1 | per kind (hit@1, declined/n) |",
            "|---|---|---|---|---|",
        ]
        for qs in sets:
            asked = [q for q in qs.questions if applicable(q, name)]
            if not asked:
                continue
            t1 = time.perf_counter()
            report = score(retriever, asked)
            per_q_ms = (time.perf_counter() - t1) * 1000 / len(asked)
            set_entry: dict[str, Any] = {"ms_per_question": round(per_q_ms, 1)}
            for half in (*SPLITS, "all"):
                r = report if half == "all" else report.half(half)
                kinds = {
                    k: {
                        "n": len(r.of([k])),
                        "hit@1": round(r.hit_at_1([k]), 3),
                        "declined": sum(not o.answered for o in r.of([k])),
                    }
                    for k in KINDS
                    if r.of([k])
                }
                s = summary(r)
                eng = summary(r, ["english"])
                set_entry[half] = {
                    "indonesian": s,
                    "english": eng,
                    "kinds": kinds,
                    "forms": forms(r),
                }
                per_kind = ", ".join(
                    f"{k} {v['hit@1']:.2f} {v['declined']}/{v['n']}"
                    if k != "none"
                    else f"none {v['declined']}/{v['n']}"
                    for k, v in kinds.items()
                )
                eng_cell = f"{eng['hit@1']:.3f} ({eng['n']})" if eng["n"] else "–"
                md.append(f"| {qs.name} | {half} | {_cell(s)} | {eng_cell} | {per_kind} |")
            set_entry["failures"] = [
                {
                    "q": o.question.q,
                    "kind": o.question.kind,
                    "half": o.question.half,
                    "answered": o.answered,
                    "reason": o.reason,
                    "top": (o.top_text or "")[:160],
                }
                for o in report.failures()
            ]
            entry["sets"][qs.name] = set_entry
            if verbose:
                for f in set_entry["failures"]:
                    print(
                        f"  [{name}/{qs.name}/{f['half']}] {f['kind']}: {f['q']} -> "
                        f"{'ANSWERED ' + f['top'][:90] if f['answered'] else f['reason']}",
                        file=sys.stderr,
                    )
        md += ["", _forms_table(entry), ""]
        results["corpora"][name] = entry
    text = "\n".join(md)
    print(text)
    out.mkdir(parents=True, exist_ok=True)
    (out / "quality.md").write_text(text + "\n", encoding="utf-8")
    (out / "quality.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.quality", description=__doc__)
    parser.add_argument(
        "--corpora",
        default="seeds,idnews,both,real",
        help="comma-separated subset of: " + ", ".join(CORPORA),
    )
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every failure")
    parser.add_argument(
        "--build-only", action="store_true", help="build (and cache) the corpora, score nothing"
    )
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.corpora.split(",") if n.strip()]
    unknown = [n for n in names if n not in CORPORA]
    if unknown:
        print(f"error: unknown corpus {', '.join(unknown)}", file=sys.stderr)
        return 2
    if args.build_only:
        for name in names:
            t0 = time.perf_counter()
            r = retriever_for(name, None)
            if r is not None:
                print(
                    f"{name}: {len(r.corpus.articles)} articles, {len(r.index)} paragraphs, "
                    f"{time.perf_counter() - t0:.0f} s"
                )
        return 0
    run(names, args.out, args.verbose)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
