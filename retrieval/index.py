"""The paragraph index: term postings with idf-free weights.

Each paragraph's weights are its (sublinear) term frequencies, l2-normalised
within the paragraph, so they depend on the paragraph alone. The corpus-wide
statistics (document frequencies, hence idf) enter only at query time, when
``score`` multiplies each query weight by its term's idf. That is what lets a
small delta segment of new articles be searched beside the main one and give
exactly the answers of a full rebuild: every weight is the same, and the idf
is computed from the summed document frequencies.

Postings are CSC arrays (``indptr``/``indices``/``data``; float32 weights)
that a saved index memory-maps, and scoring touches the query's postings only.
"""

from __future__ import annotations

import itertools
import json
import os
import threading
from array import array
from bisect import bisect_left
from collections import ChainMap, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal, NamedTuple, cast, overload

import numpy as np
import numpy.typing as npt

from retrieval import duplicates as dup
from retrieval.analyzer import Analyzer, AnalyzerSettings, apply_aliases
from retrieval.columns import Concat, Overlay, SortedUnion, view_ints
from retrieval.dates import format_date
from retrieval.ingest.dedupe import SAMPLE, unsampled_keys
from retrieval.models import Article, Corpus
from retrieval.tables import ArticleChain
from retrieval.text import normalize, words
from retrieval.workers import OrderedMap, worker_count

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Progress = Callable[[int, int], None]

# Bump when the saved layout or the meaning of a saved field changes.
INDEX_FORMAT = 5
# A term with at least this many postings is not added up row by row when
# bounds from its largest weight rule its rows out (see ``Index.best``).
LONG_POSTINGS = 20_000
# ``best`` scores every row once the rows it cannot rule out exceed this
# share of the query's postings (their look-ups would cost more).
PRUNED_SHARE = 0.125
# top_k over at least this many times k scores first bounds the k-th best
# from a sample.
SAMPLED_TOP_K = 1_000
# Paragraphs analysed per task (bounds a worker's memory), and how many make a
# pool of worker processes worth starting.
CHUNK = 10_000
PARALLEL_PARAGRAPHS = 20_000


@dataclass(frozen=True, slots=True)
class IndexSettings:
    analyzer: AnalyzerSettings = field(default_factory=AnalyzerSettings)
    # See tests/bench_retrieval.py and the README's evaluation table for what
    # each choice did on our question sets.
    sublinear_tf: bool = True
    norm: Literal["l2", "none"] = "l2"

    def fingerprint(self) -> str:
        """Everything that shapes the index, the analysis included."""
        return json.dumps(
            {
                "format": INDEX_FORMAT,
                "analysis": Analyzer(self.analyzer).version,
                "sublinear_tf": self.sublinear_tf,
                "norm": self.norm,
            },
            sort_keys=True,
        )


class ParagraphRef(NamedTuple):
    """A named pair: cheap to make (a row is looked up many times a question)."""

    article: int  # position in Corpus.articles
    number: int  # 1-based paragraph number within the article


class Refs(Sequence[ParagraphRef]):
    """Row -> (article position, paragraph number), over two int arrays."""

    def __init__(self, article: npt.NDArray[np.int32], number: npt.NDArray[np.int32]) -> None:
        self.article = article
        self.number = number

    def __len__(self) -> int:
        return int(self.article.shape[0])

    @overload
    def __getitem__(self, i: int) -> ParagraphRef: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[ParagraphRef]: ...
    def __getitem__(self, i: int | slice) -> ParagraphRef | Sequence[ParagraphRef]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return ParagraphRef(self.article.item(i), self.number.item(i))

    def __iter__(self) -> Iterator[ParagraphRef]:
        for a, n in zip(self.article.tolist(), self.number.tolist(), strict=True):
            yield ParagraphRef(a, n)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


def article_context_text(article: Article) -> str:
    source = article.source
    parts = [source.title or "", source.outlet or ""]
    if source.published is not None:
        parts.append(format_date(source.published))
    return " ".join(parts)


@dataclass(slots=True)
class Postings:
    """CSC arrays: column c's rows are indices[indptr[c]:indptr[c+1]] (ascending)."""

    indptr: npt.NDArray[np.int64]
    indices: npt.NDArray[np.int32]
    data: npt.NDArray[np.float32]
    _views: tuple[Sequence[int], Sequence[int], Sequence[float]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def columns(self) -> int:
        return int(self.indptr.shape[0]) - 1

    def column(self, col: int) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]:
        if col >= self.columns:
            return _EMPTY_ROWS, _EMPTY_DATA
        lo, hi = int(self.indptr[col]), int(self.indptr[col + 1])
        return self.indices[lo:hi], self.data[lo:hi]

    def views(self) -> tuple[Sequence[int], Sequence[int], Sequence[float]]:
        """The three arrays as memoryviews: item access gives Python numbers
        (for ``bisect``), without numpy's per-call cost."""
        if self._views is None:
            arrays = [np.ascontiguousarray(a) for a in (self.indptr, self.indices, self.data)]
            self._views = cast(
                tuple[Sequence[int], Sequence[int], Sequence[float]],
                tuple(memoryview(cast(Any, a)) for a in arrays),
            )
        return self._views

    def df(self, columns: int) -> npt.NDArray[np.int64]:
        counts = np.diff(self.indptr).astype(np.int64)
        return np.pad(counts, (0, columns - counts.shape[0]))


_EMPTY_ROWS = np.zeros(0, dtype=np.int32)
_EMPTY_DATA = np.zeros(0, dtype=np.float32)


@dataclass(slots=True)
class Analysed:
    """What the analysis of a run of paragraphs yields."""

    postings: Postings
    sketch_rows: IntArray  # (row, shingle hash) pairs of the bottom-k sketches
    sketch_hashes: npt.NDArray[np.uint64]
    # The archive's sampled shingle keys per owner, ``key << 32 | owner``,
    # ascending and distinct (see ``analyse``).
    known: npt.NDArray[np.uint64]


class _TermIds:
    """The columns of a build: term -> column in order of first occurrence,
    the corpus's surface words, and the analyzer that learns their stems."""

    def __init__(self, analyzer: Analyzer, terms: list[str], vocabulary: dict[str, int]) -> None:
        self.analyzer = analyzer
        self.terms = terms
        self.vocabulary = vocabulary
        self.surface: set[str] = set()
        self.hashes = array("Q")  # dup.term_hash of each column's term
        self._remaps: dict[str, array[int]] = {}  # per numbering: its column -> column

    def merge(self, chunk: _Chunk) -> npt.NDArray[np.int32]:
        """Columns for the terms a chunk numbered first (new ones appended in
        the chunk's order of first occurrence): the chunk's numbering's
        column -> column."""
        vocabulary, terms, hashes = self.vocabulary, self.terms, self.hashes
        remap = self._remaps.setdefault(chunk.numbering, array("i"))
        if len(remap) != chunk.first_column:
            raise RuntimeError("analysis chunks merged out of order")
        new_hashes = chunk.term_hashes.tolist()
        for term, h in zip(chunk.terms, new_hashes, strict=True):
            col = vocabulary.get(term)
            if col is None:
                col = vocabulary[term] = len(terms)
                terms.append(term)
                hashes.append(h)
            remap.append(col)
        self.surface.update(chunk.words)
        self.analyzer.learn(chunk.words, chunk.word_terms)
        return np.array(remap, dtype=np.int32)


@dataclass(slots=True)
class _Chunk:
    """A run of paragraphs analysed on its own (in a worker process), in the
    columns of the process's own numbering (``_TokenTerms``)."""

    numbering: str  # which numbering the columns are in
    first_column: int  # the column of ``terms[0]`` in it
    terms: list[str]  # the terms the run numbered first, in order of first occurrence
    term_hashes: npt.NDArray[np.uint64]  # dup.term_hash of each
    words: list[str]  # surface words (tokens without their clitic) new to the worker
    word_terms: list[str]  # each word's term
    row_nnz: npt.NDArray[np.int32]  # distinct terms per paragraph
    cols: npt.NDArray[np.int32]  # the numbering's columns, by paragraph, ascending
    counts: npt.NDArray[np.int32]  # occurrences of each
    sketch_rows: IntArray  # near-duplicate sketches, over the run's rows
    sketch_hashes: npt.NDArray[np.uint64]
    # The archive's sampled shingle keys (``dedupe.sampled_keys``) of each
    # row, as (row, key) pairs; empty when not asked for.
    key_rows: npt.NDArray[np.int32]
    keys: npt.NDArray[np.uint32]


class _TokenTerms:
    """token -> term for one analyzer (a worker's, or the build's): each
    distinct token is analysed once. Words met for the first time are kept
    for the next chunk to report (so every word reaches the index once).
    Terms are numbered here too, in order of first occurrence in this
    process (``numbering``): a chunk reports only the terms it numbered."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.memo: dict[str, str] = {}  # token -> term, for tokens without a column
        self.seen: set[str] = set()
        self.new_words: dict[str, str] = {}  # word -> its term
        self.numbering = f"{os.getpid()}-{id(self)}"
        self.columns: dict[str, int] = {}  # token -> column
        self.term_columns: dict[str, int] = {}  # term -> column
        self.column_terms: list[str] = []  # column -> term
        self.hashes = array("Q")  # dup.term_hash per column

    def _analysed(self, token: str) -> str:
        """A token's term, its word reported when new."""
        word = self.analyzer.unclitic(token)
        term = self.analyzer.stem(word)
        if word not in self.seen:
            self.seen.add(word)
            self.new_words[word] = term
        return term

    def terms(self, tokens: list[str]) -> list[str]:
        """The terms of tokens."""
        columns, names, memo = self.columns, self.column_terms, self.memo
        found: list[str] = []
        for token in tokens:
            col = columns.get(token)
            if col is not None:
                found.append(names[col])
                continue
            term = memo.get(token)
            if term is None:
                term = memo[token] = self._analysed(token)
            found.append(term)
        return found

    def column_ids(self, tokens: list[str]) -> tuple[IntArray, list[str]]:
        """The column of each token, and the terms numbered first here, in
        order of first occurrence."""
        columns = self.columns
        ids = np.fromiter(
            map(columns.get, tokens, itertools.repeat(-1)), dtype=np.int64, count=len(tokens)
        )
        missing = np.flatnonzero(ids < 0).tolist()
        if not missing:
            return ids, []
        term_columns, names, memo = self.term_columns, self.column_terms, self.memo
        new_terms: list[str] = []
        for token in dict.fromkeys(tokens[i] for i in missing):
            term = memo.pop(token, None) or self._analysed(token)
            col = term_columns.get(term)
            if col is None:
                col = term_columns[term] = len(names)
                names.append(term)
                new_terms.append(term)
            columns[token] = col
        self.hashes.extend(map(dup.term_hash, new_terms))
        ids[missing] = list(map(columns.__getitem__, (tokens[i] for i in missing)))
        return ids, new_terms

    def take_new_words(self) -> dict[str, str]:
        new, self.new_words = self.new_words, {}
        return new

    def learn(self, words: Sequence[str], terms: Sequence[str]) -> None:
        """Words another process analysed (and reported): not stemmed again
        here, nor reported again."""
        self.analyzer.learn(words, terms)
        self.seen.update(words)


def _analyse_chunk(
    texts: Sequence[str], token_terms: _TokenTerms, with_keys: bool = False
) -> _Chunk:
    """Terms, their counts per paragraph and the sketches of a run of
    paragraphs (and with ``with_keys``, the archive's shingle keys of each, from
    the same words). Per token, only C-level lookups and numpy."""
    aliases = token_terms.analyzer.settings.aliases
    flat: list[str] = []
    lengths = array("q")
    key_list = array("I")  # every shingle's key, sampled below for the whole run
    key_counts = array("q")
    for text in texts:
        tokens = list(words(normalize(text)))  # = Analyzer.tokens, before aliases
        if with_keys:
            before = len(key_list)
            key_list.extend(unsampled_keys(tokens))
            key_counts.append(len(key_list) - before)
        if aliases:
            tokens = apply_aliases(tokens)
        flat.extend(tokens)
        lengths.append(len(tokens))
    first_column = len(token_terms.term_columns)
    ids, terms = token_terms.column_ids(flat)
    del flat
    n = len(texts)
    len_np = np.frombuffer(lengths, dtype=np.int64) if n else np.zeros(0, np.int64)
    width = len(token_terms.term_columns) + 1
    keys, counts = np.unique(
        np.repeat(np.arange(n, dtype=np.int64), len_np) * width + ids, return_counts=True
    )
    row_nnz = np.bincount(keys // width, minlength=n).astype(np.int32)
    # Near-duplicate sketches from the same term stream.
    all_hashes = np.frombuffer(token_terms.hashes, dtype=np.uint64)
    hashes = all_hashes[ids] if ids.size else np.zeros(0, np.uint64)
    del all_hashes  # (a view: the array grows in the next chunk)
    paras, shingles = dup.shingle_hashes(hashes, len_np)
    _, sk_rows, sk_hashes = dup.sketch(paras, shingles, n)
    new_words = token_terms.take_new_words()
    all_keys = np.frombuffer(key_list, dtype=np.uint32) if key_list else np.zeros(0, np.uint32)
    sampled = all_keys % SAMPLE == 0  # = dedupe.sampled_keys, paragraph by paragraph
    key_rows = np.repeat(
        np.arange(len(key_counts), dtype=np.int32),
        np.frombuffer(key_counts, dtype=np.int64) if key_counts else np.zeros(0, np.int64),
    )
    return _Chunk(
        numbering=token_terms.numbering,
        first_column=first_column,
        terms=terms,
        term_hashes=np.frombuffer(token_terms.hashes, dtype=np.uint64)[first_column:].copy(),
        words=list(new_words),
        word_terms=list(new_words.values()),
        row_nnz=row_nnz,
        cols=(keys % width).astype(np.int32),
        counts=counts.astype(np.int32),
        sketch_rows=sk_rows,
        sketch_hashes=sk_hashes,
        key_rows=key_rows[sampled],
        keys=all_keys[sampled],
    )


_Task = tuple[AnalyzerSettings, Sequence[str], bool, list[str], list[str]]


def _analyse_task(task: _Task) -> _Chunk:
    """A worker's task: one run of paragraphs (the analyzer is per process),
    with words the other workers have analysed lately and their terms."""
    settings, texts, keys, words, terms = task
    token_terms = _token_terms(settings)
    token_terms.learn(words, terms)
    return _analyse_chunk(texts, token_terms, keys)


@cache
def _token_terms(settings: AnalyzerSettings) -> _TokenTerms:
    return _TokenTerms(Analyzer(settings))


def _weights(
    rows: IntArray, counts: npt.NDArray[np.integer[Any]], settings: IndexSettings
) -> FloatArray:
    tf = 1.0 + np.log(counts) if settings.sublinear_tf else counts.astype(np.float64)
    if settings.norm == "none":
        return tf
    norms = np.sqrt(np.bincount(rows, weights=tf * tf))
    return tf / norms[rows]


@dataclass(slots=True)
class _Part:
    """A chunk's postings in global columns, by paragraph (CSR-like)."""

    first_row: int
    row_nnz: npt.NDArray[np.int32]
    cols: npt.NDArray[np.int32]
    data: npt.NDArray[np.float32]


def _part(
    chunk: _Chunk, remap: npt.NDArray[np.int32], first_row: int, settings: IndexSettings
) -> _Part:
    """Weights of a chunk's postings. A paragraph's squared weights are summed
    in column order, as they always were: the same float32 bits."""
    cols = remap[chunk.cols]
    rows = np.repeat(np.arange(chunk.row_nnz.shape[0], dtype=np.int64), chunk.row_nnz)
    order = np.argsort(rows * (int(remap.max(initial=0)) + 1) + cols)
    cols = cols[order]
    data = _weights(rows, chunk.counts[order], settings).astype(np.float32)
    return _Part(first_row, chunk.row_nnz, cols, data)


def _csc(parts: list[_Part], columns: int) -> Postings:
    """CSC arrays from parts in row order (emptied as they are used): each
    column's rows ascending. A counting sort, not a sort of every posting."""
    df = np.zeros(columns, dtype=np.int64)
    for part in parts:
        df += np.bincount(part.cols, minlength=columns)
    indptr = np.zeros(columns + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1:])
    nnz = int(indptr[-1])
    indices = np.empty(nnz, dtype=np.int32)
    data = np.empty(nnz, dtype=np.float32)
    fill = indptr[:-1].copy()
    while parts:
        part = parts.pop(0)
        order = np.argsort(part.cols, kind="stable")
        cols = part.cols[order]
        n = part.row_nnz.shape[0]
        rows = np.repeat(
            np.arange(part.first_row, part.first_row + n, dtype=np.int32), part.row_nnz
        )
        starts = (
            np.flatnonzero(np.concatenate(([True], cols[1:] != cols[:-1])))
            if cols.size
            else np.zeros(0, np.int64)
        )
        sizes = np.diff(np.append(starts, cols.shape[0]))
        rank = np.arange(cols.shape[0], dtype=np.int64) - np.repeat(starts, sizes)
        dest = fill[cols] + rank
        indices[dest] = rows[order]
        data[dest] = part.data[order]
        fill[cols[starts]] += sizes
    return Postings(indptr, indices, data)


class _TokenHashes:
    """token -> the hash of its term, for the texts of a build: each distinct
    token analysed once (by ``token_terms``), its term's hash read from the
    build's columns."""

    def __init__(self, token_terms: _TokenTerms, term_ids: _TermIds) -> None:
        self.token_terms = token_terms
        self.vocabulary = term_ids.vocabulary
        self.hashes = np.frombuffer(term_ids.hashes, dtype=np.uint64)
        self.memo: dict[str, int] = {}

    def of(self, tokens: list[str]) -> list[int]:
        memo = self.memo
        new = [t for t in dict.fromkeys(tokens) if t not in memo]
        if new:
            columns = list(map(self.vocabulary.__getitem__, self.token_terms.terms(new)))
            memo.update(zip(new, self.hashes[columns].tolist(), strict=True))
        return list(map(memo.__getitem__, tokens))


def _paragraph_shingles(
    texts: Sequence[str], hashes_of: _TokenHashes
) -> tuple[npt.NDArray[np.uint64], IntArray]:
    """The distinct shingle hashes of each paragraph's terms (the set
    ``dup.paragraph_shingles`` gives), ascending, back to back, and how many
    each paragraph has."""
    tokens_of = hashes_of.token_terms.analyzer.tokens
    flat = array("Q")
    lengths = array("q")
    for text in texts:
        found = hashes_of.of(tokens_of(text))
        flat.extend(found)
        lengths.append(len(found))
    hashes = np.frombuffer(flat, dtype=np.uint64) if flat else np.zeros(0, np.uint64)
    paras, shingles = dup.shingle_hashes(
        hashes, np.frombuffer(lengths, dtype=np.int64) if lengths else np.zeros(0, np.int64)
    )
    order = np.lexsort((shingles, paras))
    paras, shingles = paras[order], shingles[order]
    distinct = np.ones(paras.shape[0], dtype=bool)
    distinct[1:] = (paras[1:] != paras[:-1]) | (shingles[1:] != shingles[:-1])
    paras, shingles = paras[distinct], shingles[distinct]
    return shingles, np.bincount(paras, minlength=len(texts)).astype(np.int64)


def _gather(starts: IntArray, sizes: IntArray) -> tuple[IntArray, IntArray]:
    """For runs ``[starts[i], starts[i] + sizes[i])``: every position, and the
    run (i) of each."""
    run = np.repeat(np.arange(sizes.shape[0], dtype=np.int64), sizes)
    firsts = np.cumsum(sizes) - sizes
    return np.arange(run.shape[0], dtype=np.int64) - firsts[run] + starts[run], run


PAIRS_AT_ONCE = 10_000  # bounds the arrays of one step (~10 MB each)


def _near_duplicates(
    pairs: set[tuple[int, int]],
    groups: npt.NDArray[np.int32],
    texts: Sequence[str],
    hashes_of: _TokenHashes,
    min_containment: float = dup.MIN_CONTAINMENT,
) -> dict[int, list[int]]:
    """What ``dup.confirm`` finds for candidate ``pairs`` (rows of different
    ``groups`` sharing most of the shorter one's shingles), with the
    intersections counted by numpy over compact shingle arrays."""
    if not pairs:
        return {}
    pa = np.fromiter((a for a, _ in pairs), dtype=np.int64, count=len(pairs))
    pb = np.fromiter((b for _, b in pairs), dtype=np.int64, count=len(pairs))
    keep = groups[pa] != groups[pb]
    pa, pb = pa[keep], pb[keep]
    rows = np.unique(np.concatenate((pa, pb)))
    flats: list[npt.NDArray[np.uint64]] = []
    counts: list[IntArray] = []
    for start in range(0, rows.shape[0], CHUNK):
        run = rows[start : start + CHUNK].tolist()
        flat, sizes = _paragraph_shingles([texts[r] for r in run], hashes_of)
        flats.append(flat)
        counts.append(sizes)
    sizes = np.concatenate(counts)
    offsets = np.cumsum(sizes) - sizes
    flat = np.concatenate(flats)
    del flats
    # Per pair, each of a's shingles is looked for among b's (ascending) by a
    # (pair, high 32 bits) key, then the whole hash compared (ties go on).
    ia, ib = np.searchsorted(rows, pa), np.searchsorted(rows, pb)
    smaller = np.minimum(sizes[ia], sizes[ib])
    judged = np.flatnonzero(smaller >= dup.MIN_SHINGLES)
    shared = np.zeros(pa.shape[0], dtype=np.int64)
    for lo in range(0, judged.shape[0], PAIRS_AT_ONCE):
        batch = judged[lo : lo + PAIRS_AT_ONCE]
        at_a, pair_a = _gather(offsets[ia[batch]], sizes[ia[batch]])
        at_b, pair_b = _gather(offsets[ib[batch]], sizes[ib[batch]])
        hash_a, hash_b = flat[at_a], flat[at_b]
        key_a = (pair_a << 32) | (hash_a >> np.uint64(32)).astype(np.int64)
        key_b = (pair_b << 32) | (hash_b >> np.uint64(32)).astype(np.int64)  # ascending
        found = np.searchsorted(key_b, key_a)
        hit = np.zeros(key_a.shape[0], dtype=bool)
        todo = np.arange(key_a.shape[0])
        while todo.shape[0]:
            at = found[todo]
            inside = at < key_b.shape[0]
            todo, at = todo[inside], at[inside]
            same_key = key_b[at] == key_a[todo]
            todo, at = todo[same_key], at[same_key]
            equal = hash_b[at] == hash_a[todo]
            hit[todo[equal]] = True
            todo = todo[~equal]
            found[todo] += 1
        shared[batch] = np.bincount(pair_a[hit], minlength=batch.shape[0])
    same = np.zeros(pa.shape[0], dtype=bool)
    same[judged] = shared[judged] / smaller[judged] >= min_containment
    order = np.lexsort((pb[same], pa[same]))
    result: dict[int, list[int]] = defaultdict(list)
    for a, b in zip(pa[same][order].tolist(), pb[same][order].tolist(), strict=True):
        result[a].append(b)
        result[b].append(a)
    return {row: sorted(others) for row, others in result.items()}


def analyse(
    texts: Sequence[str],
    settings: IndexSettings,
    term_ids: _TermIds,
    first_row: int = 0,
    progress: Progress | None = None,
    workers: int = 1,
    key_owners: npt.NDArray[np.int32] | None = None,
    here: _TokenTerms | None = None,
) -> Analysed:
    """Postings (over local rows 0..len(texts)) and sketches (over global rows
    from ``first_row``) of a run of paragraphs. Terms get columns in
    ``term_ids`` in their order of first occurrence. Runs of ``CHUNK``
    paragraphs are analysed by ``workers`` processes and merged in order, so
    the result does not depend on their number. With ``key_owners`` (the
    owner of each text: its article), the archive's shingle keys of each
    owner's texts are worked out too, from the same words (``known``).
    ``here``: the token memo of this process's analysis (with one worker)."""
    total = len(texts)
    keys = key_owners is not None
    known: list[npt.NDArray[np.uint64]] = []
    runs = [texts[start : start + CHUNK] for start in range(0, total, CHUNK)]
    parts: list[_Part] = []
    sk_rows: list[IntArray] = []
    sk_hashes: list[npt.NDArray[np.uint64]] = []
    done = 0
    if workers > 1:
        # Each task takes the words of the last results merged, so that a
        # worker seldom stems a word another one has stemmed already.
        recent: deque[tuple[list[str], list[str]]] = deque(maxlen=workers)

        def tasks() -> Iterator[_Task]:
            for run in runs:
                words = [w for ws, _ in recent for w in ws]
                terms = [t for _, ts in recent for t in ts]
                yield settings.analyzer, run, keys, words, terms

        chunks = OrderedMap(_analyse_task, tasks(), workers)
    else:  # here, with this analyzer (an index's saved stems included)
        memo = here if here is not None else _TokenTerms(term_ids.analyzer)
        chunks = OrderedMap(lambda run: _analyse_chunk(run, memo, keys), runs, 1)
    with chunks:
        for chunk in chunks:
            if workers > 1:
                recent.append((chunk.words, chunk.word_terms))
            remap = term_ids.merge(chunk)
            parts.append(_part(chunk, remap, done, settings))
            sk_rows.append(chunk.sketch_rows + (first_row + done))
            sk_hashes.append(chunk.sketch_hashes)
            if key_owners is not None:
                owners = key_owners[chunk.key_rows + done].astype(np.uint64)
                known.append(_distinct((chunk.keys.astype(np.uint64) << np.uint64(32)) | owners))
            done += chunk.row_nnz.shape[0]
            del chunk
            if progress is not None:
                progress(done, total)
    postings = _csc(parts, len(term_ids.terms))
    return Analysed(
        postings,
        np.concatenate(sk_rows) if sk_rows else np.zeros(0, np.int64),
        np.concatenate(sk_hashes) if sk_hashes else np.zeros(0, np.uint64),
        _distinct_of(known),
    )


def _distinct(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """The distinct values, ascending (np.unique, by a sort)."""
    values = np.sort(values)
    keep = np.ones(values.shape[0], dtype=bool)
    keep[1:] = values[1:] != values[:-1]
    return values[keep]


def _distinct_of(runs: list[npt.NDArray[np.uint64]]) -> npt.NDArray[np.uint64]:
    """``_distinct`` of runs put together (emptied as they are)."""
    values = np.concatenate(runs) if runs else np.zeros(0, np.uint64)
    runs.clear()
    values.sort()
    keep = np.ones(values.shape[0], dtype=bool)
    keep[1:] = values[1:] != values[:-1]
    return values[keep]


@dataclass(frozen=True, slots=True)
class DeltaParts:
    """A delta segment once analysed: what ``Index.joined`` adds to a main
    index (and what a saved delta holds)."""

    articles: tuple[Article, ...]
    postings: Postings  # over every column, new terms after the main's
    new_terms: tuple[str, ...]  # in column order
    new_words: tuple[str, ...]  # surface words the main lacks, sorted
    found: Mapping[int, list[int]]  # row -> near-duplicate rows, for rows it touches
    contexts: tuple[frozenset[str], ...]  # per new article


class Index:
    """Paragraph postings plus what is needed to score a query against them.

    One main segment and, after ``extend``, one delta segment of appended
    rows; columns are shared (new terms get new columns at the end).
    """

    def __init__(
        self,
        *,
        corpus: Corpus,
        settings: IndexSettings,
        fingerprint: str,
        refs: Refs,
        terms: Sequence[str],
        main: Postings,
        main_rows: int,
        surface: Sequence[str],
        duplicates: Mapping[int, list[int]],
        sketch_rows: IntArray,
        sketch_hashes: npt.NDArray[np.uint64],
        article_context: Sequence[frozenset[str]],
        delta: Postings | None = None,
        analyzer: Analyzer | None = None,
        vocabulary: Mapping[str, int] | None = None,
        word_columns: Mapping[str, int] | None = None,
    ) -> None:
        self.corpus = corpus
        self.settings = settings
        self.fingerprint = fingerprint
        self.refs = refs
        self.terms = terms
        self.vocabulary: Mapping[str, int] = (
            vocabulary if vocabulary is not None else {t: i for i, t in enumerate(terms)}
        )
        self.main = main
        self.main_rows = main_rows
        self.delta = delta
        # With a delta: the index it extends and what the delta adds.
        self.base: Index | None = None
        self.parts: DeltaParts | None = None
        # The corpus's words as written (after aliases), for matching a
        # misspelt query word to a word that really occurs.
        self.surface = surface
        # Row -> rows of other articles that carry the same text.
        self.duplicates = duplicates
        self.sketch_rows = sketch_rows
        self.sketch_hashes = sketch_hashes
        # Per article: the terms of its title, outlet and date — what a reader
        # knows about a paragraph without reading it.
        self.article_context = article_context
        self.analyzer = analyzer or Analyzer(settings.analyzer)
        n = len(refs)
        df = main.df(len(terms))
        if delta is not None:
            df = df + delta.df(len(terms))
        self.df = df
        # sklearn's smooth idf, over the whole corpus (main + delta).
        self.idf: FloatArray = np.log((1.0 + n) / (1.0 + df)) + 1.0
        self._max_idf = float(self.idf.max()) if self.idf.size else 1.0
        # Where each article's rows start (rows are in article order).
        counts = np.bincount(refs.article, minlength=len(corpus.articles)) if n else _EMPTY_ROWS
        starts = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(counts, out=starts[1:])
        self._starts = view_ints(starts)
        self._article_starts = starts
        self._token_columns: dict[str, int] = {}
        # Surface word -> column of every word of the main segment (saved).
        self.word_columns = word_columns
        self._largest_weight: dict[int, np.float32] = {}
        self._kth_weight: dict[tuple[int, int], np.float32] = {}
        self._term_memo: dict[int, str] = {}
        self._context_terms: frozenset[str] | None = None
        self._context_table: _ContextTable | None = None
        # Reused per question: nothing proportional to the corpus is allocated.
        self._acc = np.zeros(n, dtype=np.float64)
        self._seen = np.zeros(n, dtype=bool)
        self._lock = threading.Lock()
        # A build's archive shingle keys (``Analysed.known``), for the cache.
        self.known_keys: npt.NDArray[np.uint64] | None = None

    # -- reading -----------------------------------------------------------

    def __len__(self) -> int:
        return len(self.refs)

    @property
    def delta_articles(self) -> tuple[Article, ...]:
        """The articles of the delta segment (none without one)."""
        return self.parts.articles if self.parts is not None else ()

    def text(self, row: int) -> str:
        refs = self.refs
        return self.corpus.paragraph(refs.article.item(row), refs.number.item(row))

    def term(self, col: int) -> str:
        """A column's term (remembered: a question's terms are read once per
        candidate paragraph)."""
        found = self._term_memo.get(col)
        if found is None:
            if len(self._term_memo) >= 100_000:
                self._term_memo.clear()
            found = self._term_memo[col] = self.terms[col]
        return found

    @property
    def context_terms(self) -> frozenset[str]:
        """Every term of any article's context (computed once): a term not
        among them is in no article's context."""
        if self._context_terms is None:
            self._context_terms = _context_terms(self.article_context)
        return self._context_terms

    def in_context(self, term: str, article: int) -> bool:
        """Whether ``term`` is in the article's context (title, outlet, date):
        ``term in article_context[article]``, read from the saved contexts'
        term -> articles table (made once) rather than from the article's set."""
        if term not in self.context_terms:
            return False
        table = self._context_table
        if table is None:
            table = self._context_table = _ContextTable.of(self.article_context)
        found = table.holds(term, article)
        return found if found is not None else term in self.article_context[article]

    def article_rows(self, article: int) -> tuple[int, int]:
        """The [lo, hi) rows of one article's paragraphs (they are contiguous)."""
        starts = self._starts
        if not 0 <= article < len(starts) - 1 or starts[article] == starts[article + 1]:
            raise KeyError(article)
        return starts[article], starts[article + 1]

    @property
    def max_idf(self) -> float:
        return self._max_idf

    def _column(self, col: int) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]:
        rows, data = self.main.column(col)
        if self.delta is None:
            return rows, data
        d_rows, d_data = self.delta.column(col)
        if not d_rows.size:
            return rows, data
        return (
            np.concatenate((rows, d_rows + np.int32(self.main_rows))),
            np.concatenate((data, d_data)),
        )

    def term_columns(self, text: str) -> set[int]:
        """The columns of the index terms in ``text`` (terms the index lacks
        are left out); each distinct token is looked up once per index: its
        word in the saved word table, or analysed when the table lacks it."""
        memo = self._token_columns
        tokens = self.analyzer.tokens(text)
        found: set[int | None] = set(map(memo.get, tokens))
        if None in found:  # tokens not met before
            found.discard(None)
            saved, unclitic = self.word_columns, self.analyzer.unclitic
            for token in tokens:
                if token not in memo:
                    word = unclitic(token)
                    col = saved.get(word) if saved is not None else None
                    if col is None:
                        col = self.vocabulary.get(self.analyzer.stem(word), -1)
                    if len(memo) < 1_000_000:
                        memo[token] = col
                    found.add(col)
        found.discard(-1)
        return found  # type: ignore[return-value]

    def texts(self, rows: Iterable[int]) -> list[str]:
        """The texts of several rows (their places read in one go)."""
        at = np.fromiter(rows, dtype=np.int64)
        paragraph = self.corpus.paragraph
        return [
            paragraph(a, n)
            for a, n in zip(
                self.refs.article[at].tolist(), self.refs.number[at].tolist(), strict=True
            )
        ]

    def postings(self, col: int) -> npt.NDArray[np.int32]:
        """The rows containing a term, ascending."""
        return self._column(col)[0]

    def local_postings(self, columns: Iterable[int], rows: Iterable[int]) -> dict[int, list[int]]:
        """Per column, its rows that fall in the articles of ``rows`` (ascending,
        as a list for ``bisect``). Whatever is asked of a column about a row and
        its article (is the row there, is the article's first row, is any of its
        rows) has the same answer here as on the full postings."""
        wanted = np.fromiter(rows, dtype=np.int64)
        articles = np.unique(self.refs.article[wanted])  # ascending: so are their rows
        # Each article's first row and the next article's, interleaved: the
        # bounds of every span, in order, for one search per column.
        bounds = np.stack((self._article_starts[articles], self._article_starts[articles + 1]), 1)
        keys = bounds.ravel().astype(np.int32)
        out: dict[int, list[int]] = {}
        for col in columns:
            if col in out:
                continue
            found = self.postings(col)
            at = np.searchsorted(found, keys)
            starts = at[0::2]
            counts = at[1::2] - starts
            total = int(counts.sum())
            if not total:
                out[col] = []
                continue
            # The positions starts[i] .. starts[i] + counts[i] - 1, for every span.
            skip = np.repeat(starts - (np.cumsum(counts) - counts), counts)
            out[col] = found[skip + np.arange(total)].tolist()
        return out

    def weight(self, row: int, col: int) -> float:
        """A paragraph's idf-free weight for a term (0 when absent): a
        bisection over the row's segment's postings, read as Python numbers."""
        segment, first = (self.main, 0) if row < self.main_rows else (self.delta, self.main_rows)
        if segment is None or col >= segment.columns:
            return 0.0
        indptr, indices, data = segment.views()
        lo, hi = indptr[col], indptr[col + 1]
        at = bisect_left(indices, row - first, lo, hi)
        return float(data[at]) if at < hi and indices[at] == row - first else 0.0

    def score(self, weights: dict[int, float]) -> tuple[IntArray, FloatArray]:
        """Score the paragraphs that contain at least one query term.

        ``weights`` maps term column -> query weight; each is multiplied by
        the term's idf / max idf here (sklearn's l2 of tf x idf put a second
        idf into the document weights; the same emphasis at query time keeps
        document weights free of corpus statistics; on our question sets it
        keeps every hit@1 and decline). Returns the touched rows (ascending)
        and their scores (sum over terms of query weight x idf / max idf x
        paragraph weight, added in the order of ``weights``).
        """
        if not weights:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return self._score(weights, {c: self._column(c) for c in weights}, self._factors(weights))

    def _factors(self, weights: dict[int, float]) -> dict[int, float]:
        """Each column's query weight x idf / max idf (``score``'s factors)."""
        max_idf = self.max_idf
        return {c: w * float(self.idf[c]) / max_idf for c, w in weights.items()}

    def _score(
        self,
        weights: dict[int, float],
        columns: Mapping[int, tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]],
        factor: Mapping[int, float],
    ) -> tuple[IntArray, FloatArray]:
        """``score`` over postings already read (``columns``, ``factor``:
        ``best`` reads them once for its passes)."""
        scored = []
        postings = 0
        for col in weights:
            rows, data = columns[col]
            if rows.size:
                scored.append((rows, data, factor[col]))
                postings += rows.shape[0]
        with self._lock:
            acc, seen = self._acc, self._seen
            touched: npt.NDArray[np.integer[Any]]
            # Rows as indices once per column (numpy would convert them per
            # use); each row once per column, so ``add.at`` adds as ``+=``.
            if postings * 16 > acc.shape[0]:
                # Many rows: mark them all, then read the marks in one pass.
                for rows, data, f in scored:
                    at = rows.astype(np.intp)
                    np.add.at(acc, at, np.multiply(data, f, dtype=np.float64))
                    seen[at] = True
                touched = np.flatnonzero(seen)
            else:
                touched_parts: list[npt.NDArray[np.intp]] = []
                for rows, data, f in scored:
                    at = rows.astype(np.intp)
                    np.add.at(acc, at, np.multiply(data, f, dtype=np.float64))
                    new = at[~seen[at]]
                    seen[new] = True
                    touched_parts.append(new)
                touched = np.sort(np.concatenate(touched_parts)) if touched_parts else _EMPTY_ROWS
            scores = acc[touched]
            acc[touched] = 0.0
            seen[touched] = False
        return touched.astype(np.int64), scores

    def best(self, weights: dict[int, float], k: int) -> list[tuple[int, float]]:
        """The ``k`` best (row, score) pairs of ``score(weights)``, best first
        (ties by row): exactly ``top_k`` over every touched row, without adding
        up the long postings of common terms row by row when that cannot change
        the result (MaxScore-style bounds from each column's largest weight).

        Some long columns are *bounded* (see ``_pruned``): first every long
        column; failing that, those whose largest shares add up to at most
        half the k-th best of the other columns' partial scores (the columns
        of common words a query weighs little, such as synonyms); failing
        that too, every row is scored."""
        columns = {c: self._column(c) for c in weights}
        sizes = {c: int(rows.shape[0]) for c, (rows, _) in columns.items()}
        long = [c for c in weights if sizes[c] >= LONG_POSTINGS]
        factor = self._factors(weights)
        if not long or k <= 0 or min(factor.values()) <= 0:
            return self._best_of_all(weights, k, columns, factor)
        share = {c: self._share(c, factor[c]) for c in long}
        budget = int(sum(sizes.values()) * PRUNED_SHARE)
        found, floor = self._pruned(weights, k, share, columns, factor, budget)
        if found is not None:
            return found
        bounded: dict[int, float] = {}
        bound = 0.0
        for c in sorted(long, key=share.__getitem__):
            if (bound + share[c]) * 2 > floor:
                break
            bounded[c] = share[c]
            bound += share[c]
        if bounded:
            found, _ = self._pruned(weights, k, bounded, columns, factor, budget)
            if found is not None:
                return found
        return self._best_of_all(weights, k, columns, factor)

    def _pruned(
        self,
        weights: dict[int, float],
        k: int,
        share: Mapping[int, float],
        columns: Mapping[int, tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]],
        factor: Mapping[int, float],
        budget: int,
    ) -> tuple[list[tuple[int, float]] | None, float]:
        """``best`` with the bounded columns (the keys of ``share``, each
        column's largest share) not added up row by row, or
        None when more than ``budget`` rows may place; and a lower bound of
        the k-th best score.

        The other columns are added up first (a partial score: at most each
        of their rows' score); their k-th best bounds the k-th best of all
        from below. A row of theirs whose partial score plus every bounded
        column's largest share stays below it cannot place; a row holding
        bounded columns only cannot place unless one of its shares, plus the
        largest shares of the other bounded columns, reaches it. Only the rows
        that may place are scored exactly (each column's share looked up and
        added in the order of ``weights``, as ``score`` adds them)."""
        bound = sum(share.values())
        few_rows, partial = self._score(
            {c: w for c, w in weights.items() if c not in share}, columns, factor
        )
        floor = 0.0  # at most the k-th best score of all
        if few_rows.shape[0] >= k:
            floor = float(partial[top_k(partial, k)[-1]]) * (1 - _SLACK)
        else:
            for c in share:
                floor = max(floor, self._kth_share(columns[c][1], c, k, factor[c]))
        keep = few_rows[_reaches(partial + bound, floor)]
        if keep.shape[0] * len(columns) > budget:  # look-ups in every column
            return None, floor
        kept_scores = self._exact(keep, weights, columns, factor)
        if kept_scores.shape[0] >= k:
            floor = max(floor, float(kept_scores[top_k(kept_scores, k)[-1]]))
        found: list[npt.NDArray[np.integer[Any]]] = [keep]
        count = keep.shape[0]
        for c in share:
            rows, data = columns[c]
            # share + the other bounded columns' largest shares must reach floor.
            need = (floor / (1 + _SLACK) - (bound - share[c]) * (1 + _SLACK)) / factor[c]
            need *= 1 - 1e-6  # a float32 threshold at or below it
            if need > float(self._largest(c)):
                continue
            hit = rows[np.flatnonzero(data >= np.float32(need))] if need > 0 else rows
            count += hit.shape[0]
            if count > budget:
                return None, floor
            found.append(hit)
        if len(found) == 1:
            places, scores = keep.astype(np.int64), kept_scores
        else:
            places = _sorted_union(found)
            scores = self._exact(places, weights, columns, factor)
        return [(int(places[p]), float(scores[p])) for p in top_k(scores, k).tolist()], floor

    def _share(self, col: int, factor: float) -> float:
        """The largest share of a column in a score (its largest weight's)."""
        return float(np.multiply(self._largest(col), factor, dtype=np.float64))

    def _exact(
        self,
        rows: npt.NDArray[np.integer[Any]],
        weights: dict[int, float],
        columns: Mapping[int, tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]],
        factor: Mapping[int, float],
    ) -> FloatArray:
        """``score``'s scores of ``rows`` (ascending): each column's share
        looked up, added in the order of ``weights``, the same float64 sums."""
        scores = np.zeros(rows.shape[0], dtype=np.float64)
        if not rows.shape[0]:
            return scores
        rows = rows.astype(np.int32)  # as the postings: no conversion of theirs
        for c in weights:
            col_rows, data = columns[c]
            if not col_rows.shape[0]:
                continue
            at = np.minimum(np.searchsorted(col_rows, rows), col_rows.shape[0] - 1)
            held = col_rows[at] == rows
            scores[held] += np.multiply(data[at[held]], factor[c], dtype=np.float64)
        return scores

    def _largest(self, col: int) -> np.float32:
        """A column's largest weight (remembered: common terms recur)."""
        found = self._largest_weight.get(col)
        if found is None:
            found = self._largest_weight[col] = self._column(col)[1].max()
        return found

    def _kth_share(self, data: npt.NDArray[np.float32], col: int, k: int, factor: float) -> float:
        """At most the k-th best score of any query with this column's share
        (``data``: its weights): k rows each score at least their share (0.0
        for a column of fewer)."""
        if data.shape[0] < k:
            return 0.0
        key = (col, k)
        kth = self._kth_weight.get(key)
        if kth is None:
            kth = self._kth_weight[key] = np.partition(data, data.shape[0] - k)[data.shape[0] - k]
        return float(np.multiply(kth, factor, dtype=np.float64)) * (1 - _SLACK)

    def _best_of_all(
        self,
        weights: dict[int, float],
        k: int,
        columns: Mapping[int, tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]],
        factor: Mapping[int, float],
    ) -> list[tuple[int, float]]:
        rows, scores = self._score(weights, columns, factor)
        return [(int(rows[p]), float(scores[p])) for p in top_k(scores, k).tolist()]

    # -- building ----------------------------------------------------------

    @classmethod
    def build(
        cls,
        corpus: Corpus,
        settings: IndexSettings | None = None,
        *,
        fingerprint: str = "",
        progress: Progress | None = None,
        workers: int | None = None,
    ) -> Index:
        """Analyse every paragraph of ``corpus`` once and return a ready index.
        ``workers`` processes share the analysis (default: every core for a
        large corpus); the index is the same whatever their number."""
        settings = settings or IndexSettings()
        analyzer = Analyzer(settings.analyzer)
        arts, nums, texts = _paragraphs(corpus.articles, 0)
        terms: list[str] = []
        term_ids = _TermIds(analyzer, terms, {})
        n_workers = worker_count(len(texts), workers, PARALLEL_PARAGRAPHS)
        token_terms = _TokenTerms(analyzer)
        analysed = analyse(
            texts, settings, term_ids, 0, progress, n_workers, key_owners=arts, here=token_terms
        )
        refs = Refs(arts, nums)
        pairs = dup.candidate_pairs(analysed.sketch_rows, analysed.sketch_hashes)
        sk_rows, sk_hashes = dup.sort_sketches(analysed.sketch_rows, analysed.sketch_hashes)
        hashes_of = _TokenHashes(token_terms, term_ids)
        duplicates = _near_duplicates(pairs, refs.article, texts, hashes_of)
        index = cls(
            corpus=corpus,
            settings=settings,
            fingerprint=fingerprint,
            refs=refs,
            terms=terms,
            main=analysed.postings,
            main_rows=len(texts),
            surface=tuple(sorted(term_ids.surface)),
            duplicates=duplicates,
            sketch_rows=sk_rows,
            sketch_hashes=sk_hashes,
            article_context=[
                frozenset(token_terms.terms(analyzer.tokens(article_context_text(a))))
                for a in corpus.articles
            ],
            analyzer=analyzer,
        )
        index.known_keys = analysed.known
        return index

    def extend(self, articles: Sequence[Article], *, fingerprint: str = "") -> Index:
        """This index plus ``articles`` appended, as a delta segment: costs
        the analysis of the new articles (and of an earlier delta's, which it
        absorbs), and answers exactly like a rebuild of the whole corpus.
        The main segment is shared, not copied."""
        if self.base is not None:
            return self.base.extend((*self.delta_articles, *articles), fingerprint=fingerprint)
        articles = tuple(articles)
        first_row = len(self)
        _, _, texts = _paragraphs(articles, 0)
        # The delta's own term table; its terms are then placed in the main
        # one's columns, new terms after them in order of first use.
        local: list[str] = []
        term_ids = _TermIds(self.analyzer, local, {})
        analysed = analyse(texts, self.settings, term_ids, first_row)
        vocabulary = self.vocabulary
        base_columns = len(self.terms)
        new_terms: list[str] = []
        columns = np.empty(len(local), dtype=np.int64)
        for i, term in enumerate(local):
            col = vocabulary.get(term)
            if col is None:
                col = base_columns + len(new_terms)
                new_terms.append(term)
            columns[i] = col
        delta = _placed(analysed.postings, columns, base_columns + len(new_terms))
        pairs = dup.new_pairs(
            self.sketch_rows, self.sketch_hashes, analysed.sketch_rows, analysed.sketch_hashes
        )
        arts, nums, _ = _paragraphs(articles, len(self.corpus.articles))
        refs = Refs(
            np.concatenate((self.refs.article, arts)), np.concatenate((self.refs.number, nums))
        )
        found = _confirm(pairs, refs, _RowTexts(self, texts, first_row), self.analyzer)
        new_words = sorted(w for w in term_ids.surface if not _contains(self.surface, w))
        contexts = tuple(
            frozenset(self.analyzer.document_terms(article_context_text(a))) for a in articles
        )
        parts = DeltaParts(articles, delta, tuple(new_terms), tuple(new_words), found, contexts)
        return self.joined(parts, fingerprint)

    def joined(self, parts: DeltaParts, fingerprint: str) -> Index:
        """This (main) index with a delta segment whose analysis is done
        (what ``extend`` computes and a saved delta holds)."""
        articles, found, new_terms, new_words = (
            parts.articles,
            parts.found,
            parts.new_terms,
            parts.new_words,
        )
        first_article = len(self.corpus.articles)
        arts, nums, _ = _paragraphs(articles, first_article)
        refs = Refs(
            np.concatenate((self.refs.article, arts)), np.concatenate((self.refs.number, nums))
        )
        duplicates: Mapping[int, list[int]] = self.duplicates
        if found:
            changed = {
                row: sorted(set(self.duplicates.get(row, [])) | set(others))
                for row, others in found.items()
            }
            duplicates = ChainMap(changed, cast(dict[int, list[int]], self.duplicates))
        base_columns = len(self.terms)
        own = {t: base_columns + i for i, t in enumerate(new_terms)}
        extended = Index(
            corpus=Corpus(ArticleChain(self.corpus.articles, articles), self.corpus.warnings),
            settings=self.settings,
            fingerprint=fingerprint,
            refs=refs,
            terms=Concat(self.terms, list(new_terms)) if new_terms else self.terms,
            main=self.main,
            main_rows=self.main_rows,
            surface=SortedUnion(self.surface, list(new_words)) if new_words else self.surface,
            duplicates=duplicates,
            sketch_rows=self.sketch_rows,
            sketch_hashes=self.sketch_hashes,
            article_context=Concat(self.article_context, parts.contexts),
            delta=parts.postings,
            analyzer=self.analyzer,
            vocabulary=Overlay(self.vocabulary, own) if own else self.vocabulary,
            word_columns=self.word_columns,
        )
        extended.base = self
        extended.parts = parts
        return extended


class _ContextTable:
    """Context term -> the articles holding it (ascending), from a saved
    index's context arrays (``ids``/``off`` over its distinct ``terms``);
    articles past them (a delta's) are not covered."""

    def __init__(self, terms: Sequence[str], ids: npt.NDArray[Any], off: npt.NDArray[Any]) -> None:
        self.covered = n = int(off.shape[0]) - 1
        self.terms = terms
        # The saved terms are sorted (then looked up by bisection); else a dict.
        ordered = all(a < b for a, b in itertools.pairwise(terms))
        self.where = None if ordered else {t: i for i, t in enumerate(terms)}
        articles = np.repeat(np.arange(n, dtype=np.int64), np.diff(off))
        key = ids.astype(np.int64) * max(n, 1) + articles
        key.sort()  # by term, then article
        self.articles = view_ints(np.ascontiguousarray(key % max(n, 1)))
        ptr = np.zeros(len(terms) + 1, dtype=np.int64)
        np.cumsum(np.bincount(ids, minlength=len(terms)), out=ptr[1:])
        self.ptr = view_ints(ptr)

    @classmethod
    def of(cls, contexts: Sequence[frozenset[str]]) -> _ContextTable:
        saved = contexts.first if isinstance(contexts, Concat) else contexts
        terms, ids, off = (getattr(saved, name, None) for name in ("terms", "ids", "off"))
        if terms is None or ids is None or off is None:
            return cls([], np.zeros(0, np.int32), np.zeros(1, np.int64))
        return cls(list(terms), np.asarray(ids), np.asarray(off))

    def holds(self, term: str, article: int) -> bool | None:
        """Whether the term is in the article's context; None when the table
        does not cover the article."""
        if not 0 <= article < self.covered:
            return None
        if self.where is None:
            at = bisect_left(self.terms, term)
            if at == len(self.terms) or self.terms[at] != term:
                return False
        else:
            found_at = self.where.get(term)
            if found_at is None:
                return False
            at = found_at
        lo, hi = self.ptr[at], self.ptr[at + 1]
        found = bisect_left(self.articles, article, lo, hi)
        return found < hi and self.articles[found] == article


def _context_terms(contexts: Sequence[frozenset[str]]) -> frozenset[str]:
    """The union of the article contexts (a saved table keeps its distinct
    terms; a delta's few are added to them)."""
    if isinstance(contexts, Concat):
        return _context_terms(contexts.first) | _context_terms(contexts.second)
    saved = getattr(contexts, "terms", None)
    return frozenset(saved) if saved is not None else frozenset().union(*contexts)


def _placed(local: Postings, columns: npt.NDArray[np.int64], width: int) -> Postings:
    """Postings over a delta's own columns moved to the index's columns
    (``columns[c]`` for local column c) of ``width`` columns in all."""
    counts = np.diff(local.indptr)
    order = np.argsort(columns, kind="stable")
    lengths = counts[order]
    starts = local.indptr[:-1][order]
    total = int(lengths.sum())
    shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    take = shift + np.arange(total, dtype=np.int64)
    per_column = np.zeros(width, dtype=np.int64)
    per_column[columns] = counts
    indptr = np.zeros(width + 1, dtype=np.int64)
    np.cumsum(per_column, out=indptr[1:])
    return Postings(indptr, local.indices[take], local.data[take])


def _contains(sorted_words: Sequence[str], word: str) -> bool:
    at = bisect_left(sorted_words, word)
    return at < len(sorted_words) and sorted_words[at] == word


class _RowTexts(Sequence[str]):
    """Texts by global row: old rows from an index, new rows from a list."""

    def __init__(self, index: Index, new: list[str], first_new: int) -> None:
        self.source, self.new, self.first_new = index, new, first_new

    def __len__(self) -> int:
        return self.first_new + len(self.new)

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[str]: ...
    def __getitem__(self, i: int | slice) -> str | Sequence[str]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return self.new[i - self.first_new] if i >= self.first_new else self.source.text(i)


def _paragraphs(
    articles: Sequence[Article], first_article: int
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32], list[str]]:
    arts = array("i")
    nums = array("i")
    texts: list[str] = []
    for a_pos, article in enumerate(articles, start=first_article):
        n = len(article.paragraphs)
        arts.extend([a_pos] * n)
        nums.extend(range(1, n + 1))
        texts.extend(article.paragraphs)
    return (
        np.frombuffer(arts, dtype=np.int32).copy() if arts else np.zeros(0, np.int32),
        np.frombuffer(nums, dtype=np.int32).copy() if nums else np.zeros(0, np.int32),
        texts,
    )


def _confirm(
    pairs: set[tuple[int, int]],
    refs: Refs,
    texts: Sequence[str],
    analyzer: Analyzer,
) -> dict[int, list[int]]:
    memo: dict[int, frozenset[int]] = {}

    def shingle_set(row: int) -> frozenset[int]:
        found = memo.get(row)
        if found is None:
            found = memo[row] = dup.paragraph_shingles(analyzer.document_terms(texts[row]))
        return found

    return dup.confirm(pairs, lambda row: int(refs.article[row]), shingle_set)


# Relative room left for rounding when float sums in different orders are
# compared as bounds (their errors are ~1e-16 relative; bounds only widen).
_SLACK = 1e-9


def _reaches(upper: FloatArray, floor: float) -> npt.NDArray[np.bool_]:
    """Where an upper bound (of a sum of float shares) may reach ``floor``."""
    reaches: npt.NDArray[np.bool_] = upper * (1 + _SLACK) >= floor
    return reaches


def _sorted_union(parts: list[npt.NDArray[Any]]) -> IntArray:
    """The distinct values of arrays of rows, ascending."""
    rows = np.concatenate(parts).astype(np.int64)
    rows.sort()
    distinct = np.ones(rows.shape[0], dtype=bool)
    np.not_equal(rows[1:], rows[:-1], out=distinct[1:])
    return rows[distinct]


def top_k(scores: FloatArray, k: int) -> IntArray:
    """Positions of the k highest scores, best first; ties keep corpus order,
    at the k-th place too (the lowest positions among equal scores win)."""
    n = scores.shape[0]
    if n == 0 or k <= 0:
        return np.zeros(0, dtype=np.int64)
    if n >= SAMPLED_TOP_K * k:
        # The k-th best of every 16th score is at most the k-th best of all:
        # the scores at or above it hold the top k, ties at the cut included,
        # and are few (one pass over all instead of a partition of all).
        sample = scores[::16]
        floor = sample[np.argpartition(-sample, k - 1)[k - 1]]
        near = np.flatnonzero(scores >= floor)
        return near[top_k(scores[near], k)] if near.shape[0] < n else _top_k_of_all(scores, k)
    return _top_k_of_all(scores, k)


def _top_k_of_all(scores: FloatArray, k: int) -> IntArray:
    n = scores.shape[0]
    if k < n:
        kth = scores[np.argpartition(-scores, k - 1)[k - 1]]
        above = np.flatnonzero(scores > kth)
        part = np.concatenate((above, np.flatnonzero(scores == kth)[: k - above.shape[0]]))
    else:
        part = np.arange(n)
    # lexsort: last key is primary -> by score desc, then position asc.
    order = np.lexsort((part, -scores[part]))
    return part[order].astype(np.int64)
