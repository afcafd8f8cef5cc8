"""The corpus's words as a sorted list, searched without building sets.

A big archive has millions of distinct words. Query planning asks two things
of them: is this word in the corpus, and which corpus words share a word's
first letter and are about as long (typo candidates). Both are answered from
the sorted tuple the index already holds (bisection, and a per-word length
array made on first use), so start-up builds nothing proportional to the
vocabulary.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from retrieval.columns import Strings

# Letters a-z get a count each; every other character shares one.
_CLASSES = 27
_BITS = np.left_shift(np.uint32(1), np.arange(_CLASSES, dtype=np.uint32))


class _Letter:
    """The alphabetic words starting with one letter, ordered by length: their
    positions, per-word character counts and which classes occur (for a
    necessary test of closeness)."""

    __slots__ = ("bounds", "counts", "masks", "rows")

    def __init__(self, words: Sequence[str], lo: int) -> None:
        if not words:
            words = [""]  # one empty word, never a candidate (not alphabetic)
        # One pass in numpy over the words joined by newlines (never in a word).
        joined = np.frombuffer("\n".join(words).encode("utf-32-le"), dtype=np.uint32)
        breaks = np.flatnonzero(joined == 10)
        lengths = np.diff(np.concatenate(([-1], breaks, [joined.shape[0]]))) - 1
        self._fill(np.delete(joined, breaks), lengths, lo, words.__getitem__)

    @classmethod
    def from_ascii(
        cls, codes: npt.NDArray[np.uint8], lengths: npt.NDArray[np.int64], lo: int
    ) -> _Letter:
        """The same from a saved column's bytes, when every word is ASCII
        (one byte a character: nothing to decode)."""
        letter = cls.__new__(cls)
        letter._fill(codes, lengths, lo, None)
        return letter

    def _fill(
        self,
        codes: npt.NDArray[np.integer[Any]],
        lengths: npt.NDArray[np.int64],
        lo: int,
        word: Callable[[int], str] | None,
    ) -> None:
        n = lengths.shape[0]
        classes = codes.astype(np.int64) - ord("a")
        other = (classes < 0) | (classes >= _CLASSES - 1)
        classes[other] = _CLASSES - 1
        owner = np.repeat(np.arange(n, dtype=np.int64), lengths)
        counts = np.bincount(owner * _CLASSES + classes, minlength=n * _CLASSES)
        # A word of a-z only is alphabetic; str.isalpha decides the others
        # (an ASCII word with another character is not: words are case folded).
        alpha = (np.bincount(owner[other], minlength=n) == 0) & (lengths > 0)
        if word is not None:
            for i in np.flatnonzero(~alpha).tolist():
                alpha[i] = word(i).isalpha()
        keep = np.flatnonzero(alpha)
        order = keep[np.argsort(lengths[keep], kind="stable")]
        self.rows = order + lo  # positions in the whole word list
        self.counts = counts.reshape(n, _CLASSES)[order].astype(np.int16)
        # Which classes occur: one edit flips at most two of these bits.
        self.masks = (self.counts > 0).astype(np.uint32) @ _BITS
        # bounds[k]: the first of the words with length >= k.
        self.bounds = np.searchsorted(lengths[order], np.arange(int(lengths.max(initial=0)) + 2))


def _letter(words: Sequence[str], lo: int, hi: int) -> _Letter:
    """The table of ``words[lo:hi]``: from a saved column's bytes when they
    are ASCII, else from the decoded words."""
    if isinstance(words, Strings) and hi > lo:
        cuts = words.offsets[lo : hi + 1]
        raw = np.frombuffer(words.blob[int(cuts[0]) : int(cuts[-1])], dtype=np.uint8)
        if not (raw >= 128).any():
            return _Letter.from_ascii(raw, np.diff(cuts).astype(np.int64), lo)
        return _Letter(words.span(lo, hi), lo)
    return _Letter(words[lo:hi], lo)


def _counts(word: str) -> npt.NDArray[np.int16]:
    out = np.zeros(_CLASSES, dtype=np.int16)
    for ch in word:
        at = ord(ch) - ord("a")
        out[at if 0 <= at < _CLASSES - 1 else _CLASSES - 1] += 1
    return out


class SortedWords:
    """Membership and typo candidates over sorted, distinct words."""

    def __init__(self, words: Sequence[str]) -> None:
        self._words = words
        self._letters: dict[str, _Letter] = {}

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        at = bisect_left(self._words, word)
        return at < len(self._words) and self._words[at] == word

    def __len__(self) -> int:
        return len(self._words)

    def __iter__(self) -> Iterator[str]:
        return iter(self._words)

    def near(self, word: str, edits: int) -> list[str]:
        """The alphabetic words that start with ``word``'s first letter, whose
        length is within ``edits`` of its length and whose letter counts differ
        from its own by at most ``2 * edits`` (each insertion, deletion or
        substitution changes them by at most 2, a transposition not at all):
        every word within ``edits`` edits of ``word``, and a few more. Sorted."""
        if not word:
            return []
        first = word[0]
        letter = self._letters.get(first)
        if letter is None:
            lo = bisect_left(self._words, first)
            # Every word starting with ``first`` sorts before first + U+10FFFF.
            hi = bisect_left(self._words, first + "\U0010ffff", lo)
            letter = self._letters[first] = _letter(self._words, lo, hi)
        bounds = letter.bounds
        top = len(bounds) - 1
        start = int(bounds[min(max(len(word) - edits, 1), top)])
        end = int(bounds[min(len(word) + edits + 1, top)])
        own = _counts(word)
        flips = np.bitwise_count(letter.masks[start:end] ^ ((own > 0).astype(np.uint32) @ _BITS))
        fits = np.flatnonzero(flips <= 2 * edits) + start
        apart = np.abs(letter.counts[fits] - own).sum(axis=1)
        rows = np.sort(letter.rows[fits[apart <= 2 * edits]])
        words = self._words
        return [words[i] for i in rows.tolist()]


def _joins_word(char: str) -> bool:
    """Whether ``char`` would make a word run on (``[\\w-]`` in ``re``)."""
    return char == "-" or char == "_" or char.isalnum()


def whole_word_starts(text: str, word: str) -> list[int]:
    """Where ``word`` (lower case) occurs in ``text`` as a whole word, in any
    case: the starts of ``re``'s ``(?<![\\w-])word(?![\\w-])`` with IGNORECASE,
    found with ``str.find`` (no pattern to compile per word)."""
    lowered = text.lower()
    if len(lowered) != len(text) or not word:
        pattern = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", re.IGNORECASE)
        return [m.start() for m in pattern.finditer(text)]
    return list(whole_word_at(text, lowered, word))


def whole_word_at(text: str, lowered: str, word: str, endings: Sequence[str] = ()) -> Iterator[int]:
    """The starts of ``word`` (lower case, not empty) in ``text`` as a whole
    word, in any case, alone or followed by one of ``endings`` and then the
    end of a word (``lowered`` is ``text.lower()``, of the same length)."""
    size, end_of_text = len(word), len(text)
    at = lowered.find(word)
    while at >= 0:
        end = at + size
        if not (at and _joins_word(text[at - 1])) and (
            end == end_of_text
            or not _joins_word(text[end])
            or any(_ends_word(text, lowered, end, ending) for ending in endings)
        ):
            yield at
        at = lowered.find(word, at + 1)


def _ends_word(text: str, lowered: str, at: int, ending: str) -> bool:
    """Whether ``ending``, then the end of a word, follows at ``at``."""
    end = at + len(ending)
    return lowered.startswith(ending, at) and (end == len(text) or not _joins_word(text[end]))
