"""Every surface word of the indexed paragraphs -> its term column, saved.

A saved index holds its surface words (tokens without their clitic, sorted)
and their stems. Saving each word's term column beside them (one int32 per
word) lets the query side (the highlight) find the columns of a paragraph's
words without analysing them again: a look-up in the memory-mapped, sorted
word column (``retrieval.columns``) instead of a bisection over the stems and
then over the vocabulary for every word it has not met. The table holds what
the build computed, so a word found in it gets exactly the column the
analysis gives; a word it lacks (one of a delta segment) is analysed as
before.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.columns import ColumnError, SortedLookup, Strings, view_ints

WORD_TERMS = "surface_terms.npy"


def write_word_columns(folder: Path, stems: Sequence[str], vocabulary: Mapping[str, int]) -> None:
    """Save the column of each surface word (``stems``: their stems, in the
    saved word column's order) into an index folder."""
    columns = np.fromiter((vocabulary[s] for s in stems), dtype=np.int32, count=len(stems))
    np.save(folder / WORD_TERMS, columns, allow_pickle=False)


class WordColumns(Mapping[str, int]):
    """A saved surface word -> term column table, opened memory-mapped."""

    def __init__(self, words: Strings, columns: np.ndarray[Any, Any]) -> None:
        if columns.shape != (len(words),):
            raise ColumnError("word columns are inconsistent")
        self._lookup = SortedLookup(words, np.arange(len(words), dtype=np.int64))
        self._columns = view_ints(columns)

    def get(self, key: str, default: Any = None) -> Any:
        at = self._lookup.get(key)
        return default if at is None else self._columns[at]

    def __getitem__(self, key: str) -> int:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return int(found)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self._lookup

    def __len__(self) -> int:
        return len(self._lookup)

    def __iter__(self) -> Iterator[str]:
        return iter(self._lookup)


def open_word_columns(folder: Path, words: Strings) -> WordColumns | None:
    """The table saved in ``folder`` over its saved ``words``; None when the
    index has none (an index saved without it still loads: its highlight
    analyses words as before)."""
    if not (folder / WORD_TERMS).is_file():
        return None
    columns = np.load(folder / WORD_TERMS, mmap_mode="r", allow_pickle=False)
    return WordColumns(words, columns.view(np.ndarray))
