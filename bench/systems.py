"""One benchmark step of one system, run in its own process by ``bench.run``.

    python -m bench.systems build bm25s --work W
    python -m bench.systems query bm25s --work W
    python -m bench.systems serve bm25s --work W < questions.txt

A corpus work folder ``W`` holds ``seeds/`` (the article files the project
reads), ``paragraphs.jsonl`` (the same articles' body paragraphs, one
``[article_id, text]`` per line, which the reference systems index) and
``queries.jsonl`` (known items). Indexes go to ``W/index/<system>/``.

The last stdout line is ``BENCH_RESULT {json}``; timings are measured inside
(after imports), peak RSS by the parent.
"""

from __future__ import annotations

import argparse
import json
import pickle
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from bench.queries import KnownItem
from bench.queries import load as load_queries

if TYPE_CHECKING:
    from retrieval.models import Corpus

RESULT_PREFIX = "BENCH_RESULT "
TOP_K = 10
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # bm25s's default pattern, used for all BM25s

Search = Callable[[str], list[str]]  # question -> texts of the top 10, best first


def read_paragraphs(work: Path) -> tuple[list[str], list[str]]:
    ids: list[str] = []
    texts: list[str] = []
    with (work / "paragraphs.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            article_id, text = json.loads(line)
            ids.append(article_id)
            texts.append(text)
    return ids, texts


def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("indonesian")


def _top(scores: np.ndarray[Any, Any], k: int = TOP_K) -> list[int]:
    if scores.shape[0] <= k:
        return [int(i) for i in np.argsort(-scores, kind="stable")]
    part = np.argpartition(-scores, k)[:k]
    return [int(i) for i in part[np.argsort(-scores[part], kind="stable")]]


# --- build -------------------------------------------------------------------


def build_bm25s(work: Path, out: Path) -> dict[str, Any]:
    import bm25s

    _, texts = read_paragraphs(work)
    tokens = bm25s.tokenize(texts, stopwords=[], stemmer=_stemmer(), show_progress=False)
    model = bm25s.BM25()
    model.index(tokens, show_progress=False)
    model.save(str(out), show_progress=False)
    return {"paragraphs": len(texts)}


def _bm25_tokens(text: str, stem: Any) -> list[str]:
    return list(stem.stemWords(_TOKEN.findall(text.lower())))


def build_rank_bm25(work: Path, out: Path) -> dict[str, Any]:
    from rank_bm25 import BM25Okapi

    _, texts = read_paragraphs(work)
    stem = _stemmer()
    model = BM25Okapi([_bm25_tokens(t, stem) for t in texts])
    out.mkdir(parents=True, exist_ok=True)
    with (out / "model.pkl").open("wb") as f:
        pickle.dump(model, f, protocol=pickle.HIGHEST_PROTOCOL)
    return {"paragraphs": len(texts)}


def build_sklearn(work: Path, out: Path) -> dict[str, Any]:
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

    _, texts = read_paragraphs(work)
    vectorizer = TfidfVectorizer(dtype=np.float32)
    matrix = vectorizer.fit_transform(texts).tocsr()
    out.mkdir(parents=True, exist_ok=True)
    sparse.save_npz(out / "matrix.npz", matrix, compressed=False)
    vectorizer.stop_words_ = None  # only kept for introspection; can be huge
    with (out / "vectorizer.pkl").open("wb") as f:
        pickle.dump(vectorizer, f, protocol=pickle.HIGHEST_PROTOCOL)
    return {"paragraphs": len(texts)}


BUILDERS: dict[str, Callable[[Path, Path], dict[str, Any]]] = {
    "bm25s": build_bm25s,
    "rank_bm25": build_rank_bm25,
    "sklearn": build_sklearn,
}


# --- load + search -----------------------------------------------------------


def load_bm25s(work: Path, out: Path, *, retrieve: bool = False) -> Search:
    import bm25s

    model = bm25s.BM25.load(str(out), mmap=True, show_progress=False)
    _, texts = read_paragraphs(work)
    stem = _stemmer()

    def tokens(question: str) -> list[str]:
        found: list[list[str]] = bm25s.tokenize(
            question, stopwords=[], stemmer=stem, return_ids=False, show_progress=False
        )
        return found[0] if found else []

    def by_scores(question: str) -> list[str]:
        return [texts[i] for i in _top(model.get_scores(tokens(question)))]

    def by_retrieve(question: str) -> list[str]:
        query = tokens(question)
        if not query:
            return []
        rows, _scores = model.retrieve([query], k=min(TOP_K, len(texts)), show_progress=False)
        return [texts[int(i)] for i in rows[0]]

    return by_retrieve if retrieve else by_scores


def load_rank_bm25(work: Path, out: Path) -> Search:
    with (out / "model.pkl").open("rb") as f:
        model = pickle.load(f)
    _, texts = read_paragraphs(work)
    stem = _stemmer()

    def search(question: str) -> list[str]:
        scores = np.asarray(model.get_scores(_bm25_tokens(question, stem)))
        return [texts[i] for i in _top(scores)]

    return search


def load_sklearn(work: Path, out: Path) -> Search:
    from scipy import sparse

    matrix = sparse.load_npz(out / "matrix.npz").tocsr()
    with (out / "vectorizer.pkl").open("rb") as f:
        vectorizer = pickle.load(f)
    _, texts = read_paragraphs(work)

    def search(question: str) -> list[str]:
        query = vectorizer.transform([question])
        scores = np.asarray((matrix @ query.T).toarray()).ravel()
        return [texts[i] for i in _top(scores)]

    return search


def project_archive(work: Path) -> Path:
    """The project's archive in ``work``, created empty: every project step (the CLI
    ones in ``bench.run`` too) passes this one, so they share one index cache (the
    working directory's ``data/archive`` would give them different ones)."""
    archive = work / "archive"
    archive.mkdir(exist_ok=True)
    return archive


def load_project(work: Path, out: Path) -> Search:
    from retrieval import Retriever

    retriever = Retriever.load(work / "seeds", cache_dir=out, archive_dir=project_archive(work))

    answers: list[Any] = []

    def search(question: str) -> list[str]:
        answer = retriever.ask(question, k=TOP_K)
        answers.append(answer)
        return [hit.text for hit in answer.hits]

    search.retriever = retriever  # type: ignore[attr-defined]
    search.answers = answers  # type: ignore[attr-defined]
    return search


def _project_details(search: Search, items: Sequence[KnownItem]) -> dict[str, Any]:
    """Per query: the rank of the target paragraph (``paragraph_rank``), its
    numbers in the cleaned corpus, and how many query words the planner kept."""
    from retrieval.serialize import hit_to_dict

    retriever = search.retriever  # type: ignore[attr-defined]
    numbers = items_numbers(retriever.corpus, items)
    ranks: list[int] = []
    kept_words: list[int] = []
    answers = search.answers  # type: ignore[attr-defined]
    for item, answer, number in zip(items, answers, numbers, strict=True):
        ranks.append(paragraph_rank([hit_to_dict(h) for h in answer.hits], item, number))
        kept_words.append(len(retriever.plan(item.query).words))
    return {"paragraph_ranks": ranks, "numbers": numbers, "planned_words": kept_words}


LOADERS: dict[str, tuple[str, Callable[[Path, Path], Search]]] = {
    # query system -> (the system whose index it loads, loader)
    "bm25s": ("bm25s", load_bm25s),
    "bm25s-retrieve": ("bm25s", lambda w, o: load_bm25s(w, o, retrieve=True)),
    "rank_bm25": ("rank_bm25", load_rank_bm25),
    "sklearn": ("sklearn", load_sklearn),
    "project": ("project", load_project),
}


def squash(text: str) -> str:
    """The text without any whitespace: equal when only spacing differs
    (``\xa0``, ``keuangan.Alipay`` against ``keuangan. Alipay``)."""
    return "".join(text.split())


def found_at(texts: Sequence[str], target: str) -> tuple[int, int]:
    """(strict rank, lenient rank), 1-based, 0 = not in the top 10. Lenient
    ignores spacing and also counts a result that is the target with something
    cut off either end (a dateline removed) and still holds at least half of it."""
    strict = next((r for r, t in enumerate(texts, 1) if t == target), 0)
    goal = squash(target)
    lenient = next(
        (
            r
            for r, t in enumerate(texts, 1)
            if (n := squash(t)) == goal or (n in goal and 2 * len(n) >= len(goal)) or goal in n
        ),
        0,
    )
    return strict, lenient


def target_numbers_in(paragraphs: Sequence[str], target: str) -> list[int]:
    """The 1-based numbers, in its article as the project cleaned it, of the
    paragraphs that hold the target: the same text, the target with other
    spacing or minus a cut-off dateline (``found_at``'s lenient rule), or the
    pieces of a target the cleaner split into several paragraphs (each one's
    text, spacing aside, a part of the target's). Empty when the cleaner
    dropped it (page furniture: related links, crossheads)."""
    goal = squash(target)
    return [
        number
        for number, text in enumerate(paragraphs, 1)
        if text and (text == target or found_at([text], target)[1] or squash(text) in goal)
    ]


def paragraph_rank(
    results: Sequence[dict[str, Any]], item: KnownItem, numbers: Sequence[int]
) -> int:
    """1-based rank of the first result that is the target paragraph (0: not
    in the top 10): its exact text (from any article, as for the references),
    or one of the target's paragraphs ``numbers`` in its article, shown itself
    or listed under a near-duplicate ("also reported by")."""
    keys = {(item.article_id, number) for number in numbers}
    for rank, result in enumerate(results, 1):
        if result["text"] == item.target:
            return rank
        if (result["article_id"], result["paragraph"]) in keys or any(
            (seen["article_id"], seen["paragraph"]) in keys for seen in result["also_reported_by"]
        ):
            return rank
    return 0


def target_numbers(work: Path) -> dict[str, Any]:
    """Per known item, ``target_numbers_in`` the project's cleaned corpus (read
    from its saved index, the one the project's query step used)."""
    from retrieval.retriever import load_index

    archive = project_archive(work)
    index = load_index(work / "seeds", work / "index" / "project", archive_dir=archive)
    return {"numbers": items_numbers(index.corpus, load_queries(work / "queries.jsonl"))}


def items_numbers(corpus: Corpus, items: Sequence[KnownItem]) -> list[list[int]]:
    """Per known item, ``target_numbers_in`` its article as ``corpus`` holds it."""
    paragraphs = {a.id: a.paragraphs for a in corpus.articles}
    return [target_numbers_in(paragraphs.get(i.article_id, ()), i.target) for i in items]


_CLEANING_RULES = (
    "is_page_furniture",
    "is_advertisement",
    "is_reading_time",
    "is_related_links",
    "is_kicker_headline",
    "is_byline",
    "is_caption",
    "is_widget",
    "wire_credit",
    "is_date_line",
    "is_crosshead",
)


def _verbatim_report(search: Search, items: Sequence[KnownItem]) -> dict[str, Any]:
    """Which targets the project no longer holds verbatim, and why (by the
    project's own cleaning rules)."""
    from retrieval import cleaning

    retriever = search.retriever  # type: ignore[attr-defined]
    by_article = {a.id: a.paragraphs for a in retriever.corpus.articles}
    # The cleaner's own line rules, in its order; looked up by name so the
    # report keeps working while the cleaner changes.
    rules: list[tuple[str, Callable[[str], object]]] = [
        (name.removeprefix("is_").replace("_", "-"), getattr(cleaning, name))
        for name in _CLEANING_RULES
        if callable(getattr(cleaning, name, None))
    ]
    missing: list[dict[str, str]] = []
    for item in items:
        kept = by_article.get(item.article_id, ())
        if item.target in kept:
            continue
        goal = squash(item.target)
        if not kept:
            why = "article not loaded"
        elif any(goal == squash(p) for p in kept):
            why = "spacing changed"
        elif any(item.target.endswith(p) for p in kept):
            why = "dateline stripped"
        elif any(goal.endswith(squash(p)) and 2 * len(p) >= len(item.target) for p in kept):
            why = "dateline stripped, spacing changed"
        else:
            why = next((name for name, rule in rules if rule(item.target)), "other")
        missing.append({"why": why, "target": item.target[:300], "query": item.query})
    return {"targets": len(items), "missing": missing}


def run_queries(system: str, work: Path, out: Path) -> dict[str, Any]:
    items = load_queries(work / "queries.jsonl")
    started = time.perf_counter()
    search = LOADERS[system][1](work, out)
    load_s = time.perf_counter() - started
    latencies: list[float] = []
    strict: list[int] = []
    lenient: list[int] = []
    for item in items:
        t0 = time.perf_counter()
        texts = search(item.query)
        latencies.append((time.perf_counter() - t0) * 1000)
        s, n = found_at(texts, item.target)
        strict.append(s)
        lenient.append(n)
    result: dict[str, Any] = {
        "load_s": load_s,
        "latencies_ms": latencies,
        "ranks": strict,
        "lenient_ranks": lenient,
    }
    if system == "project":
        result["verbatim"] = _verbatim_report(search, items)
        result.update(_project_details(search, items))
    return result


def serve(system: str, work: Path) -> int:
    """Load ``system``'s saved index, then answer one question per stdin line
    with one JSON line (``{"query", "results": [{"text"}]}``, top 10): what
    ``tanyaberita ask --json -k 10 -`` does, for a reference system."""
    index_of, loader = LOADERS[system]
    search = loader(work, work / "index" / index_of)
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    for line in sys.stdin:
        question = line.rstrip("\r\n")
        if question.strip():
            results = [{"text": text} for text in search(question)]
            sys.stdout.write(dumps({"query": question, "results": results}) + "\n")
            sys.stdout.flush()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.systems")
    parser.add_argument("step", choices=("build", "query", "serve", "targets"))
    parser.add_argument("system")
    parser.add_argument("--work", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.step == "serve":
        return serve(args.system, args.work)
    started = time.perf_counter()
    if args.step == "build":
        result = BUILDERS[args.system](args.work, args.work / "index" / args.system)
    elif args.step == "targets":
        result = target_numbers(args.work)
    else:
        index_of = LOADERS[args.system][0]
        result = run_queries(args.system, args.work, args.work / "index" / index_of)
    result["inside_s"] = time.perf_counter() - started
    sys.stdout.write(RESULT_PREFIX + json.dumps(result, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
