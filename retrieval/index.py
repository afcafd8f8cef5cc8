"""The paragraph index: TF-IDF weights in a column-major matrix.

Scoring walks the inverted lists of the query's terms only (CSC columns), so
the cost follows the postings touched, not the corpus size.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from retrieval.analyzer import Analyzer, AnalyzerSettings
from retrieval.dates import format_date
from retrieval.duplicates import near_duplicates
from retrieval.lexicon import ALIASES, QUERY_FUNCTION_WORDS
from retrieval.models import Article, Corpus

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Bump when the saved layout or the meaning of a saved field changes.
INDEX_FORMAT = 2


@dataclass(frozen=True, slots=True)
class IndexSettings:
    analyzer: AnalyzerSettings = field(default_factory=AnalyzerSettings)
    # See tests/test_eval.py and the README's evaluation table for what each
    # choice did on our question sets.
    sublinear_tf: bool = True
    norm: Literal["l2", "none"] = "l2"

    def fingerprint(self) -> str:
        return json.dumps(
            {
                "format": INDEX_FORMAT,
                "analyzer": asdict(self.analyzer),
                "sublinear_tf": self.sublinear_tf,
                "norm": self.norm,
                # The word lists shape every term, so they are settings too.
                "lexicon": hashlib.sha256(
                    json.dumps([sorted(ALIASES.items()), sorted(QUERY_FUNCTION_WORDS)]).encode()
                ).hexdigest(),
            },
            sort_keys=True,
        )


@dataclass(frozen=True, slots=True)
class ParagraphRef:
    article: int  # position in Corpus.articles
    number: int  # 1-based paragraph number within the article


def article_context_text(article: Article) -> str:
    source = article.source
    parts = [source.title or "", source.outlet or ""]
    if source.published is not None:
        parts.append(format_date(source.published))
    return " ".join(parts)


def corpus_fingerprint(corpus: Corpus, settings: IndexSettings) -> str:
    """Changes whenever anything that shapes the index changes: the cleaned
    text (so a new cleaning rule invalidates the cache too), article ids and
    the analysis settings."""
    h = hashlib.sha256(settings.fingerprint().encode())
    for article in corpus.articles:
        h.update(b"\x00A" + article.id.encode())
        for paragraph in article.paragraphs:
            h.update(b"\x00P" + paragraph.encode())
    return h.hexdigest()


class Index:
    """Paragraph vectors plus what is needed to score a query against them."""

    def __init__(
        self,
        *,
        settings: IndexSettings,
        fingerprint: str,
        refs: list[ParagraphRef],
        vocabulary: dict[str, int],
        idf: FloatArray,
        matrix: sparse.csc_matrix,
        surface: tuple[str, ...],
        duplicates: dict[int, list[int]],
    ) -> None:
        self.settings = settings
        self.fingerprint = fingerprint
        self.refs = refs
        self.vocabulary = vocabulary
        self.idf = idf
        self.matrix = matrix
        # The corpus's words as written (after aliases), for matching a
        # misspelt query word to a word that really occurs.
        self.surface = surface
        # Row -> rows of other articles that carry the same text.
        self.duplicates = duplicates
        self.analyzer = Analyzer(settings.analyzer)
        # Filled by attach(); derived from the corpus, so never persisted.
        self.texts: list[str] = []
        self.terms: list[str] = []
        self.article_context: list[frozenset[str]] = []
        self._article_rows: dict[int, tuple[int, int]] = {}
        for row, ref in enumerate(refs):
            lo, _ = self._article_rows.get(ref.article, (row, row))
            self._article_rows[ref.article] = (lo, row + 1)

    def attach(self, corpus: Corpus) -> None:
        """Bind the corpus this index was built from: paragraph texts, and each
        article's context terms (title, outlet, publication date) — what a
        reader knows about a paragraph without reading it."""
        self.texts = [corpus.articles[r.article].paragraphs[r.number - 1] for r in self.refs]
        self.terms = [""] * len(self.vocabulary)
        for term, col in self.vocabulary.items():
            self.terms[col] = term
        self.article_context = [
            frozenset(self.analyzer.document_terms(article_context_text(a)))
            for a in corpus.articles
        ]

    def text(self, row: int) -> str:
        return self.texts[row]

    def article_rows(self, article: int) -> tuple[int, int]:
        """The [lo, hi) rows of one article's paragraphs (they are contiguous)."""
        return self._article_rows[article]

    @property
    def max_idf(self) -> float:
        return float(self.idf.max()) if self.idf.size else 1.0

    @classmethod
    def build(cls, corpus: Corpus, settings: IndexSettings | None = None) -> Index:
        settings = settings or IndexSettings()
        analyzer = Analyzer(settings.analyzer)
        refs: list[ParagraphRef] = []
        texts: list[str] = []
        surface: set[str] = set()
        for a_pos, article in enumerate(corpus.articles):
            for number, text in enumerate(article.paragraphs, start=1):
                refs.append(ParagraphRef(a_pos, number))
                texts.append(text)
                surface.update(analyzer.surface_words(text))
        vectorizer = TfidfVectorizer(
            analyzer=analyzer.document_terms,
            sublinear_tf=settings.sublinear_tf,
            norm=None if settings.norm == "none" else settings.norm,
            smooth_idf=True,
            dtype=np.float64,
        )
        matrix = sparse.csc_matrix(vectorizer.fit_transform(texts))
        matrix.sort_indices()
        vocabulary = {str(t): int(i) for t, i in vectorizer.vocabulary_.items()}
        index = cls(
            settings=settings,
            fingerprint=corpus_fingerprint(corpus, settings),
            refs=refs,
            vocabulary=vocabulary,
            idf=np.asarray(vectorizer.idf_, dtype=np.float64),
            matrix=matrix,
            surface=tuple(sorted(surface)),
            duplicates=near_duplicates(texts, [r.article for r in refs]),
        )
        index.attach(corpus)
        return index

    def __len__(self) -> int:
        return len(self.refs)

    def score(self, weights: dict[int, float]) -> tuple[IntArray, FloatArray]:
        """Score the paragraphs that contain at least one query term.

        ``weights`` maps term column -> query weight. Returns the touched rows
        (ascending) and their scores (sum of query weight x document weight).
        """
        if not weights:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        indptr, indices, data = self.matrix.indptr, self.matrix.indices, self.matrix.data
        rows_parts: list[npt.NDArray[np.int32]] = []
        score_parts: list[FloatArray] = []
        for col, w in weights.items():
            lo, hi = indptr[col], indptr[col + 1]
            rows_parts.append(indices[lo:hi])
            score_parts.append(data[lo:hi] * w)
        touched, inverse = np.unique(np.concatenate(rows_parts), return_inverse=True)
        scores = np.bincount(inverse, weights=np.concatenate(score_parts)).astype(np.float64)
        return touched.astype(np.int64), scores


def top_k(scores: FloatArray, k: int) -> IntArray:
    """Positions of the k highest scores, best first; ties keep corpus order."""
    n = scores.shape[0]
    if n == 0 or k <= 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-scores, k - 1)[:k] if k < n else np.arange(n)
    # lexsort: last key is primary -> by score desc, then position asc.
    order = np.lexsort((part, -scores[part]))
    return part[order].astype(np.int64)
