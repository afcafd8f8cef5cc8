"""Every distinct token of the indexed paragraphs -> its term column, saved.

The build analyses each distinct token once (clitic, stem, column). Saving
that table with the index lets the query side (the highlight) find the
columns of a paragraph's words without analysing them again: a look-up in a
sorted, memory-mapped column of tokens (``retrieval.columns``) instead of
clitic stripping, a stem look-up and a vocabulary look-up per new word.
The table holds what the build computed, so a token found in it gets
exactly the column the analysis would give; a token it lacks (one of a
delta segment, or a sentence's token that the whole paragraph did not
yield) is analysed as before.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.columns import ColumnError, SortedLookup, Strings, view_ints, write_strings

TOKENS = "tokens"
TOKEN_TERMS = "token_terms.npy"


def write_token_columns(folder: Path, tokens: Mapping[str, int]) -> None:
    """Save ``tokens`` (token -> term column) into an index folder."""
    ordered = sorted(tokens)
    write_strings(folder / TOKENS, ordered)
    columns = np.fromiter((tokens[t] for t in ordered), dtype=np.int32, count=len(ordered))
    np.save(folder / TOKEN_TERMS, columns, allow_pickle=False)


class TokenColumns(Mapping[str, int]):
    """A saved token -> term column table, opened memory-mapped."""

    def __init__(self, strings: Strings, columns: np.ndarray[Any, Any]) -> None:
        if columns.shape != (len(strings),):
            raise ColumnError("token columns are inconsistent")
        self._lookup = SortedLookup(strings, np.arange(len(strings), dtype=np.int64))
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


def open_token_columns(folder: Path) -> TokenColumns | None:
    """The table saved in ``folder``; None when the index has none (an index
    saved without it still loads: its highlight analyses words as before)."""
    if not (folder / TOKEN_TERMS).is_file():
        return None
    columns = np.load(folder / TOKEN_TERMS, mmap_mode="r", allow_pickle=False)
    return TokenColumns(Strings(folder / TOKENS), columns.view(np.ndarray))
