"""Has this text been added already? An incremental index of article shingles.

Reuses the word shingles of ``retrieval.duplicates`` and its containment
measure, at article level: a new text is a duplicate when most of its shingles
occur in one existing article, i.e. it would add next to nothing. (A roundup
that quotes an existing article and adds more is new text.) Only
one shingle in ``SAMPLE`` is kept (chosen by hash, so both sides keep the same
ones), which keeps the index small and the estimate unbiased; adding an
article and looking one up are linear in its length, so a bulk add stays linear.
"""

from __future__ import annotations

import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

from retrieval.duplicates import SHINGLE
from retrieval.text import normalize, words

# Near-identical: most of the new text occurs in one existing article. Measured
# on idnews-2025: a syndicated copy with a new intro or ending scores 0.8+, a
# roundup quoting an existing article 0.2-0.6, separate reports of one event
# by different outlets well under 0.3.
MIN_CONTAINMENT = 0.8
MIN_SHINGLES = 8  # texts with fewer sampled shingles are too short to judge
SAMPLE = 4
MAX_POSTINGS = 200  # a shingle in more articles than this is boilerplate; skip it


def fingerprint(paragraphs: Iterable[str]) -> frozenset[int]:
    """The sampled shingle hashes of an article's paragraphs."""
    keys: set[int] = set()
    for paragraph in paragraphs:
        keys.update(sampled_keys(list(words(normalize(paragraph)))))
    return frozenset(keys)


def sampled_keys(paragraph_words: list[str]) -> list[int]:
    """The sampled hashes of the shingles of one paragraph's normalised words
    (``duplicates.shingles``), repeats included."""
    return [key for key in unsampled_keys(paragraph_words) if key % SAMPLE == 0]


def unsampled_keys(paragraph_words: list[str]) -> Iterator[int]:
    """The hash of every shingle of one paragraph's normalised words, in order,
    before sampling (a key is sampled when ``key % SAMPLE == 0``)."""
    joined = map(" ".join, zip(*(paragraph_words[i:] for i in range(SHINGLE)), strict=False))
    return map(zlib.crc32, map(str.encode, joined))


class ShingleIndex:
    """Article ids by sampled shingle; ``match`` finds a near-identical article."""

    def __init__(self) -> None:
        self._postings: dict[int, list[str]] = defaultdict(list)
        self._sizes: dict[str, int] = {}

    def add(self, article_id: str, keys: frozenset[int]) -> None:
        """Index an article (remove its old keys first when it is replaced)."""
        self._sizes[article_id] = len(keys)
        for key in keys:
            self._postings[key].append(article_id)

    def remove(self, article_id: str, keys: frozenset[int]) -> None:
        self._sizes.pop(article_id, None)
        for key in keys:
            ids = self._postings.get(key)
            if ids and article_id in ids:
                ids.remove(article_id)

    def ids(self, key: int) -> list[str]:
        """The articles holding ``key`` (``retrieval.known`` adds the saved ones)."""
        return self._postings.get(key, [])

    def match(self, keys: frozenset[int]) -> str | None:
        """The existing article that already holds most of this text, if any."""
        if len(keys) < MIN_SHINGLES:
            return None
        shared: Counter[str] = Counter()
        for key in keys:
            ids = self.ids(key)
            if ids and len(ids) <= MAX_POSTINGS:
                shared.update(ids)
        best: tuple[float, str] | None = None
        for article_id, n in shared.items():
            score = n / len(keys)
            if score >= MIN_CONTAINMENT and (best is None or score > best[0]):
                best = (score, article_id)
        return best[1] if best else None
