"""Benchmark and ablation table for the retriever (a script, not a test).

    .venv/bin/python tests/bench_retrieval.py [questions.jsonl ...]

Prints, per configuration: Indonesian hit@1, out-of-corpus declined, answerable
Indonesian questions declined, index build time and median/95th-percentile
query latency. Defaults to our question set and ../shared's dev set if present.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from retrieval.analyzer import AnalyzerSettings
from retrieval.answer import AnswerPolicy
from retrieval.corpus import load_corpus
from retrieval.evaluation import INDONESIAN, baseline, evaluate, load_questions
from retrieval.index import IndexSettings
from retrieval.models import Answer
from retrieval.retriever import Retriever

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SETS = [ROOT / "tests/data/questions.jsonl", ROOT.parent / "shared/eval/dev.jsonl"]

CONFIGS: dict[str, tuple[IndexSettings, AnswerPolicy]] = {
    "default (Sastrawi)": (IndexSettings(), AnswerPolicy()),
    "Snowball stemmer": (IndexSettings(AnalyzerSettings(stemmer="snowball")), AnswerPolicy()),
    "no stemming": (IndexSettings(AnalyzerSettings(stemmer="none")), AnswerPolicy()),
    "no aliases/chat forms": (IndexSettings(AnalyzerSettings(aliases=False)), AnswerPolicy()),
    "raw tf (no sublinear)": (IndexSettings(sublinear_tf=False), AnswerPolicy()),
    "no length norm": (IndexSettings(norm="none"), AnswerPolicy()),
    "no answer-type boost": (IndexSettings(), AnswerPolicy(type_boost=0.0)),
    "no article context": (IndexSettings(), AnswerPolicy(context_weight=0.0)),
}


def main(paths: list[Path]) -> None:
    corpus = load_corpus(ROOT / "seeds")
    sets = [(p.name, load_questions(p)) for p in paths if p.is_file()]
    header = f"{'configuration':<24}" + "".join(f"{name:>28}" for name, _ in sets)
    print(header + f"{'build ms':>10}{'p50 ms':>8}{'p95 ms':>8}")
    print(f"{'':<24}" + f"{'hit@1 none-decl ans-decl':>28}" * len(sets))
    for label, (settings, policy) in CONFIGS.items():
        t0 = time.perf_counter()
        r = Retriever.from_corpus(corpus, settings=settings, policy=policy)
        build = (time.perf_counter() - t0) * 1000
        cells: list[str] = []
        latencies: list[float] = []
        for _, questions in sets:

            def ask(q: str, r: Retriever = r, latencies: list[float] = latencies) -> Answer:
                t = time.perf_counter()
                a = r.ask(q, k=5)
                latencies.append((time.perf_counter() - t) * 1000)
                return a

            rep = evaluate(questions, ask)
            declined, total = rep.none_declined
            ans = sum(o.question.kind in INDONESIAN for o in rep.answerable_declined)
            cells.append(f"{rep.hit_at_1():.3f} {declined:>3}/{total:<3} {ans:>3}")
        p50 = statistics.median(latencies)
        p95 = statistics.quantiles(latencies, n=20)[-1]
        print(
            f"{label:<24}"
            + "".join(f"{c:>28}" for c in cells)
            + f"{build:>10.0f}{p50:>8.2f}{p95:>8.2f}"
        )
    cells = []
    for _, questions in sets:
        rep = evaluate(questions, baseline(corpus))
        declined, total = rep.none_declined
        cells.append(f"{rep.hit_at_1():.3f} {declined:>3}/{total:<3} {0:>3}")
    print(f"{'plain TfidfVectorizer()':<24}" + "".join(f"{c:>28}" for c in cells))


if __name__ == "__main__":
    main([Path(p) for p in sys.argv[1:]] or DEFAULT_SETS)
