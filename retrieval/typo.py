"""Typo tolerance: match an unknown query word to a word of the corpus.

Only words that are neither in the corpus nor in the Indonesian root-word
dictionary are corrected: "vaksn" is a typo, "kopi" is a real word that the
corpus simply does not contain (and must stay unknown so we can decline).
"""

from __future__ import annotations

from collections.abc import Collection

from rapidfuzz import process
from rapidfuzz.distance import OSA


def max_edits(word: str) -> int:
    """How many edits a word of this length may be away from its match.

    Words under four letters are left alone: one edit turns them into
    almost any other short word.
    """
    if len(word) < 4:
        return 0
    return 1 if len(word) < 9 else 2


def correct(word: str, vocabulary: Collection[str]) -> str | None:
    """The closest corpus word within ``max_edits``, or None.

    Typos rarely hit the first letter, and requiring it keeps the candidate
    set small and the matches plausible. Ties go to the shorter word, then
    alphabetical order, so the result is deterministic.
    """
    limit = max_edits(word)
    if limit == 0:
        return None
    candidates = [v for v in vocabulary if v[:1] == word[:1] and abs(len(v) - len(word)) <= limit]
    matches = process.extract(word, candidates, scorer=OSA.distance, score_cutoff=limit, limit=None)
    if not matches:
        return None
    best = min(int(m[1]) for m in matches)
    return min((m[0] for m in matches if m[1] == best), key=lambda v: (len(v), v))


def close_words(word: str, vocabulary: Collection[str]) -> list[tuple[str, int]]:
    """Every vocabulary word within ``max_edits`` of ``word`` (same first
    letter, the word itself excluded) with its distance, for a caller that
    ranks them (e.g. by how often the corpus uses each)."""
    limit = max_edits(word)
    if limit == 0:
        return []
    candidates = [
        v
        for v in vocabulary
        if v != word and v[:1] == word[:1] and abs(len(v) - len(word)) <= limit
    ]
    matches = process.extract(word, candidates, scorer=OSA.distance, score_cutoff=limit, limit=None)
    return [(m[0], int(m[1])) for m in matches]
