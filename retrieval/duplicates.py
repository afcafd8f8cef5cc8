"""Near-duplicate paragraphs across articles: the same report carried twice.

Outlets reprint wire copy, so one paragraph can appear in several articles
with small edits ("terang Xi." vs "kata Xi saat ..."). Each paragraph is a set
of 4-term shingles hashed to 64-bit ints. Its ``SKETCH`` smallest hashes (a
bottom-k sketch, which depends on the paragraph alone) propose candidates:
paragraphs sharing a sketch hash. Each candidate pair is then checked exactly:
two paragraphs are duplicates when most of the shorter one's shingles occur in
the other one.

Memory stays bounded at any corpus size: a hash shared by many paragraphs
(boilerplate) pairs each of them with its first ``GROUP_CAP`` holders only.
Rows are appended in order, so pairs found among old rows never change when
rows are added: an index extended with new articles finds the same pairs as a
rebuild.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from retrieval.text import normalize, words

SHINGLE = 4
# Share of the shorter paragraph's shingles found in the other one. The two
# Xi/Ushakov pairs of the seeds share 0.8+; unrelated paragraphs on the same
# topic share under 0.1, so the threshold has a wide margin either side.
MIN_CONTAINMENT = 0.6
MIN_SHINGLES = 5  # shorter paragraphs are too generic to call duplicates
SKETCH = 4
GROUP_CAP = 16

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
_MULT = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 1], dtype=np.uint64)


def shingles(text: str, size: int = SHINGLE) -> frozenset[tuple[str, ...]]:
    """The word shingles of a text (normalised words, ``size`` at a time); the
    unit the archive's duplicate check compares whole articles by."""
    w = list(words(normalize(text)))
    return frozenset(tuple(w[i : i + size]) for i in range(len(w) - size + 1))


def term_hash(term: str) -> int:
    """A stable 64-bit hash of a term (the same in every process)."""
    return int.from_bytes(hashlib.blake2b(term.encode(), digest_size=8).digest(), "little")


def shingle_hashes(hashes: U64, lengths: I64) -> tuple[I64, U64]:
    """(paragraph, shingle hash) of every shingle of consecutive paragraphs,
    given their terms' hashes back to back and each paragraph's length."""
    n = hashes.shape[0]
    if n < SHINGLE:
        return np.zeros(0, np.int64), np.zeros(0, np.uint64)
    m = n - SHINGLE + 1
    with np.errstate(over="ignore"):
        h = hashes[:m] * _MULT[0]
        for j in range(1, SHINGLE):
            h = h + hashes[j : j + m] * _MULT[j]
    para = np.repeat(np.arange(lengths.shape[0], dtype=np.int64), lengths)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
    pos = np.arange(n, dtype=np.int64) - starts[para]
    keep = pos[:m] <= lengths[para[:m]] - SHINGLE
    return para[:m][keep], h[keep]


def sketch(paras: I64, hashes: U64, count: int) -> tuple[I64, I64, U64]:
    """Per paragraph: its number of distinct shingles, and the (paragraph,
    hash) pairs of its ``SKETCH`` smallest ones."""
    order = np.lexsort((hashes, paras))
    p, h = paras[order], hashes[order]
    distinct = np.ones(p.shape[0], dtype=bool)
    distinct[1:] = (p[1:] != p[:-1]) | (h[1:] != h[:-1])
    p, h = p[distinct], h[distinct]
    sizes = np.bincount(p, minlength=count).astype(np.int64)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    rank = np.arange(p.shape[0]) - starts[p]
    small = (rank < SKETCH) & (sizes[p] >= MIN_SHINGLES)
    return sizes, p[small], h[small]


def candidate_pairs(rows: I64, hashes: U64, new_from: int = 0) -> set[tuple[int, int]]:
    """Pairs (a, b), a < b, of rows sharing a sketch hash, where a is among
    the first GROUP_CAP rows holding it; only pairs with b >= new_from."""
    order = np.lexsort((rows, hashes))
    r, h = rows[order], hashes[order]
    pairs: set[tuple[int, int]] = set()
    if r.shape[0] < 2:
        return pairs
    bounds = np.flatnonzero(np.concatenate(([True], h[1:] != h[:-1], [True])))
    for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        if hi - lo < 2 or int(r[hi - 1]) < new_from:
            continue
        group = r[lo:hi].tolist()
        for i, a in enumerate(group[:GROUP_CAP]):
            for b in group[i + 1 :]:
                if b >= new_from and a != b:
                    pairs.add((a, b))
    return pairs


def sort_sketches(rows: I64, hashes: U64) -> tuple[I64, U64]:
    """Sketch pairs ordered by (hash, row), as ``new_pairs`` reads them."""
    order = np.lexsort((rows, hashes))
    return rows[order], hashes[order]


def new_pairs(
    old_rows: I64, old_hashes: U64, new_rows: I64, new_hashes: U64
) -> set[tuple[int, int]]:
    """``candidate_pairs`` over old + new sketches, only the pairs with a new
    row, given the old ones sorted by ``sort_sketches`` and new rows all
    greater than old ones: costs the new rows' lookups, not a corpus sort."""
    pairs: set[tuple[int, int]] = set()
    if not new_rows.shape[0]:
        return pairs
    new_from = int(new_rows.min())
    nr, nh = sort_sketches(new_rows, new_hashes)
    bounds = np.flatnonzero(np.concatenate(([True], nh[1:] != nh[:-1], [True])))
    for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        h = nh[lo]
        a, b = (
            np.searchsorted(old_hashes, [h, h], side="left")[0],
            np.searchsorted(old_hashes, h, side="right"),
        )
        group = old_rows[a:b].tolist() + nr[lo:hi].tolist()
        for i, first in enumerate(group[:GROUP_CAP]):
            for second in group[i + 1 :]:
                if second >= new_from and first != second:
                    pairs.add((first, second))
    return pairs


def confirm(
    pairs: set[tuple[int, int]],
    groups: Callable[[int], int],
    shingle_set: Callable[[int], frozenset[int]],
    min_containment: float = MIN_CONTAINMENT,
) -> dict[int, list[int]]:
    """The candidate pairs of different articles that really share most of the
    shorter paragraph's shingles, as a symmetric row -> rows map."""
    result: dict[int, list[int]] = defaultdict(list)
    for a, b in sorted(pairs):
        if groups(a) == groups(b):
            continue
        sa, sb = shingle_set(a), shingle_set(b)
        smaller = min(len(sa), len(sb))
        if smaller >= MIN_SHINGLES and len(sa & sb) / smaller >= min_containment:
            result[a].append(b)
            result[b].append(a)
    return {row: sorted(others) for row, others in result.items()}


def paragraph_shingles(terms: Sequence[str]) -> frozenset[int]:
    hashes = np.array([term_hash(t) for t in terms], dtype=np.uint64)
    _, h = shingle_hashes(hashes, np.array([len(terms)], dtype=np.int64))
    return frozenset(h.tolist())


def near_duplicates(
    texts: Sequence[str],
    groups: Sequence[int],
    min_containment: float = MIN_CONTAINMENT,
    terms: Callable[[str], list[str]] | None = None,
) -> dict[int, list[int]]:
    """Map each paragraph to the paragraphs of *other* groups (articles)
    that carry the same text. Symmetric; paragraphs without duplicates are
    absent. ``terms`` splits a text (default: its normalised words)."""
    split = terms or (lambda t: list(words(normalize(t))))
    sets: dict[int, frozenset[int]] = {}
    all_paras: list[I64] = []
    all_hashes: list[U64] = []
    for row, text in enumerate(texts):
        sets[row] = paragraph_shingles(split(text))
        all_hashes.append(np.fromiter(sets[row], dtype=np.uint64, count=len(sets[row])))
        all_paras.append(np.full(len(sets[row]), row, dtype=np.int64))
    if not all_hashes:
        return {}
    _, rows, hashes = sketch(np.concatenate(all_paras), np.concatenate(all_hashes), len(texts))
    return confirm(
        candidate_pairs(rows, hashes), groups.__getitem__, sets.__getitem__, min_containment
    )
