"""``Index.best`` prunes rows that cannot reach the k best (bounds from each
column's largest weight and the short columns' partial scores): whatever the
query, it gives exactly ``top_k`` over ``score``, ties and order included,
on a saved index and on one with a delta segment."""

from __future__ import annotations

import random
from functools import cache
from pathlib import Path
from unittest import mock

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval import Retriever
from retrieval import index as index_module
from retrieval.index import Index, top_k
from retrieval.models import Corpus
from tests.retrieval_helpers import SEEDS_DIR, _article, seeds_retriever

# Invented words (no affix to strip): short paragraphs of a few of them give
# weights near each column's largest and many equal scores.
_WORDS = [f"zq{chr(97 + i)}{chr(97 + j)}x" for i in range(4) for j in range(6)]


@cache
def _indexes() -> tuple[Index, Index, Index]:
    main = seeds_retriever().index
    articles = list(main.corpus.articles)
    cut = len(articles) * 3 // 4
    base = Index.build(Corpus(articles[:cut], ()), main.settings)
    rng = random.Random(11)
    zipf = [1 / (i + 1) for i in range(len(_WORDS))]
    invented = [
        _article(
            n,
            "Rekaan",
            [" ".join(rng.choices(_WORDS, zipf, k=rng.randint(1, 5))) for _ in range(3)],
        )
        for n in range(400)
    ]
    return main, base.extend(articles[cut:]), Index.build(Corpus(invented, ()), main.settings)


def _plain(index: Index, weights: dict[int, float], k: int) -> list[tuple[int, float]]:
    rows, scores = index.score(weights)
    return [(int(rows[p]), float(scores[p])) for p in top_k(scores, k).tolist()]


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_best_is_the_plain_top_k(data: st.DataObject) -> None:
    index = _indexes()[data.draw(st.integers(0, 2))]
    df = np.asarray(index.df)
    by_df = [int(c) for c in np.argsort(-df, kind="stable") if df[c] > 0]
    common, rarer = by_df[: len(by_df) // 4], by_df[len(by_df) // 4 : 600]
    picked = data.draw(st.lists(st.sampled_from(common), min_size=1, max_size=6, unique=True))
    picked += data.draw(st.lists(st.sampled_from(rarer), max_size=5, unique=True))
    order = data.draw(st.permutations(picked))
    # Few distinct weights (equal scores, ties, are common); the rarer words
    # weigh more, as their idf makes them (so that rows can be ruled out).
    low = st.one_of(st.sampled_from([0.1, 0.25, 1.0]), st.floats(0.01, 1.0))
    high = st.one_of(st.sampled_from([1.0, 2.0, 4.0]), st.floats(0.5, 8.0))
    weights = {c: data.draw(low if c in common else high) for c in order}
    # Any share of the columns may count as long.
    long = data.draw(st.sampled_from(sorted({int(df[c]) for c in picked} | {1})))
    k = data.draw(st.sampled_from([1, 2, 5, 10, 50, 200]))
    share = data.draw(st.sampled_from([0.125, 1.0, 1.0]))  # 1.0: prune whatever it costs
    with (
        mock.patch.object(index_module, "LONG_POSTINGS", long),
        mock.patch.object(index_module, "PRUNED_SHARE", share),
    ):
        assert index.best(weights, k) == _plain(index, weights, k)


def test_in_context_is_membership_in_the_articles_context(tmp_path: Path) -> None:
    """``Index.in_context`` reads a term -> articles table made from the saved
    contexts: the same answers as the article's own set, for a saved index
    and for one with a delta segment (whose articles the table lacks)."""
    Retriever.load(SEEDS_DIR, cache_dir=tmp_path, english_dict=None)  # builds and saves
    main = Retriever.load(SEEDS_DIR, cache_dir=tmp_path, english_dict=None).index
    extended = main.extend(
        [
            _article(900 + n, f"Kabar {w} terbaru", ["Isi kabar rekaan."])
            for n, w in enumerate(_WORDS[:3])
        ]
    )
    rng = random.Random(2)
    for index in (main, extended):
        terms = sorted(index.context_terms)
        assert terms  # titles, outlets and dates give contexts
        checked = 0
        for article in range(len(index.article_context)):
            context = index.article_context[article]
            probes = [*context, *rng.sample(terms, 5), "tidakadadisini"]
            for term in probes:
                assert index.in_context(term, article) == (term in context)
                checked += term in context
        assert checked > len(index.article_context)


def test_weight_is_the_postings_weight() -> None:
    """``Index.weight`` (a bisection over the row's segment) reads the weight
    the full postings hold, 0.0 where the row lacks the term, delta included."""
    rng = random.Random(4)
    for index in _indexes():
        checked = 0
        columns = rng.sample(range(len(index.terms)), min(150, len(index.terms)))
        for col in columns:
            rows, data = index._column(col)
            held = dict(zip(rows.tolist(), data.tolist(), strict=True))
            for row in {*rows.tolist()[:5], *rows.tolist()[-5:], *rng.sample(range(len(index)), 5)}:
                assert index.weight(row, col) == held.get(row, 0.0)
                checked += row in held
        assert checked > 2 * len(columns)  # rows that hold the term, not only zeros
