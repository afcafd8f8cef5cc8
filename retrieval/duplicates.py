"""Near-duplicate paragraphs across articles: the same report carried twice.

Outlets reprint wire copy, so one paragraph can appear in several articles
with small edits ("terang Xi." vs "kata Xi saat ..."). We compare word
shingles through an inverted map (linear in the corpus, not quadratic) and
call two paragraphs duplicates when most of the shorter one's shingles occur
in the longer one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from retrieval.text import normalize, words

SHINGLE = 4
# Share of the shorter paragraph's shingles found in the other one. The two
# Xi/Ushakov pairs of the seeds share 0.8+; unrelated paragraphs on the same
# topic share under 0.1, so the threshold has a wide margin either side.
MIN_CONTAINMENT = 0.6
MIN_SHINGLES = 5  # shorter paragraphs are too generic to call duplicates


def shingles(text: str, size: int = SHINGLE) -> frozenset[tuple[str, ...]]:
    w = list(words(normalize(text)))
    return frozenset(tuple(w[i : i + size]) for i in range(len(w) - size + 1))


def near_duplicates(
    texts: Sequence[str], groups: Sequence[int], min_containment: float = MIN_CONTAINMENT
) -> dict[int, list[int]]:
    """Map each paragraph to the paragraphs of *other* groups (articles)
    that carry the same text. Symmetric; paragraphs without duplicates are
    absent."""
    sets = [shingles(t) for t in texts]
    postings: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for row, s in enumerate(sets):
        for sh in s:
            postings[sh].append(row)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for rows in postings.values():
        if len(rows) < 2:
            continue
        for i, a in enumerate(rows):
            for b in rows[i + 1 :]:
                if groups[a] != groups[b]:
                    shared[(a, b)] += 1
    result: dict[int, list[int]] = defaultdict(list)
    for (a, b), n in shared.items():
        smaller = min(len(sets[a]), len(sets[b]))
        if smaller >= MIN_SHINGLES and n / smaller >= min_containment:
            result[a].append(b)
            result[b].append(a)
    return {row: sorted(others) for row, others in result.items()}
