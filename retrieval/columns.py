"""Saved columns read on demand: strings in one memory-mapped UTF-8 blob.

A column of strings is two plain files: ``<name>.bin`` (the UTF-8 bytes of
every value, end to end) and ``<name>.npy`` (``len + 1`` byte offsets). Opening
one costs two ``mmap`` calls whatever its length; a value is decoded when it
is read. A sorted column answers ``in`` and ``index`` by bisection, so a
saved vocabulary needs no dictionary built at start-up.
"""

from __future__ import annotations

import itertools
import mmap
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, cast, overload

import numpy as np
import numpy.typing as npt

# A column read item by item this many times is decoded whole (a cold start
# reads a few values; a running process that reads many is better served by
# a list, and then a dict, than by a bisection over the blob every time).
HOT_READS = 200_000
# Lookups by bisection before a dict of every value is made: a few questions'
# worth (the highlight looks up ~100 new words a question; a dict of 300,000
# words costs ~0.1 s, about as much as 10,000 bisections).
HOT_LOOKUPS = 500
WRITE_BATCH = 65_536  # values encoded and written at a time


class ColumnError(Exception):
    """A saved column is missing or inconsistent."""


def write_strings(path: Path, values: Iterable[str]) -> int:
    """Write ``values`` as ``path.bin`` + ``path.npy``; returns how many.
    Streamed in batches: a corpus's paragraph texts are never all held
    encoded (let alone twice, as a list and its join)."""
    lengths: list[int] = []
    it = iter(values)
    with path.with_suffix(".bin").open("wb") as fh:
        while batch := [v.encode("utf-8") for v in itertools.islice(it, WRITE_BATCH)]:
            lengths.extend(map(len, batch))
            fh.write(b"".join(batch))
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    if lengths:
        np.cumsum(lengths, out=offsets[1:])
    np.save(path.with_suffix(".npy"), offsets, allow_pickle=False)
    return len(lengths)


def _map(path: Path) -> mmap.mmap | bytes:
    with path.open("rb") as fh:
        size = fh.seek(0, 2)
        if size == 0:
            return b""
        return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)


class Strings(Sequence[str]):
    """A saved column of strings (see the module's doc), decoded on demand."""

    def __init__(self, path: Path) -> None:
        try:
            self.blob = _map(path.with_suffix(".bin"))
            offsets = np.load(path.with_suffix(".npy"), mmap_mode="r", allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise ColumnError(f"{path}: {exc}") from exc
        self.offsets = cast(npt.NDArray[np.int64], offsets.view(np.ndarray))
        if (
            self.offsets.ndim != 1
            or self.offsets.shape[0] < 1
            or int(self.offsets[-1]) != len(self.blob)
            or int(self.offsets[0]) != 0
        ):
            raise ColumnError(f"{path} is inconsistent")
        self._n = int(self.offsets.shape[0]) - 1
        self._all: list[str] | None = None
        self._reads = 0
        # Item access through a memoryview gives Python ints without numpy's
        # per-call overhead (a bisection reads ~20 of them).
        self.cuts = view_ints(self.offsets)

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[str]: ...
    def __getitem__(self, i: int | slice) -> str | Sequence[str]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._n))]
        if self._all is not None:
            return self._all[i]
        self._reads += 1
        if self._reads > HOT_READS:  # read often: decode it all once
            return self.tolist()[i]
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError(i)
        cuts = self.cuts
        return self.blob[cuts[i] : cuts[i + 1]].decode("utf-8")

    def span(self, lo: int, hi: int) -> tuple[str, ...]:
        """Values lo..hi-1 (one read of their offsets)."""
        if self._all is not None:
            return tuple(self._all[lo:hi])
        cuts = self.offsets[lo : hi + 1].tolist()
        blob = self.blob
        return tuple(blob[a:b].decode("utf-8") for a, b in itertools.pairwise(cuts))

    def tolist(self) -> list[str]:
        """Every value (decoded once, then kept)."""
        if self._all is None:
            text = bytes(self.blob[:]).decode("utf-8") if self._n else ""
            if text.isascii():
                cuts = self.offsets.tolist()
                self._all = [text[a:b] for a, b in itertools.pairwise(cuts)]
            else:
                cuts = self.offsets.tolist()
                blob = self.blob
                self._all = [blob[a:b].decode("utf-8") for a, b in itertools.pairwise(cuts)]
        return self._all

    def __iter__(self) -> Iterator[str]:
        return iter(self.tolist())

    def __contains__(self, value: object) -> bool:
        """By bisection: only for a sorted column."""
        if not isinstance(value, str):
            return False
        at = bisect_left(self, value)
        return at < self._n and self[at] == value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


def view_ints(arr: npt.NDArray[Any]) -> Sequence[int]:
    """Python-int item access to a 1-d integer array (a memoryview when it
    is contiguous)."""
    if arr.flags.c_contiguous:
        return cast(Sequence[int], memoryview(cast(Any, arr)))
    return cast(Sequence[int], arr.tolist())


class SortedUnion(Sequence[str]):
    """Two sorted runs of distinct strings seen as one sorted sequence
    (the saved words plus a delta's new ones): no merge is made up front."""

    def __init__(self, first: Sequence[str], second: Sequence[str]) -> None:
        self.first, self.second = first, second
        self._merged: list[str] | None = None

    def __len__(self) -> int:
        return len(self.first) + len(self.second)

    def _all(self) -> list[str]:
        if self._merged is None:
            # Two sorted runs: timsort merges them in one pass, in C.
            self._merged = sorted([*self.first, *self.second])
        return self._merged

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[str]: ...
    def __getitem__(self, i: int | slice) -> str | Sequence[str]:
        return self._all()[i]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __contains__(self, value: object) -> bool:
        return any(_has(run, value) for run in (self.second, self.first))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


def _has(run: Sequence[str], value: object) -> bool:
    if not isinstance(value, str):
        return False
    if isinstance(run, (Strings, SortedUnion)):
        return value in run
    at = bisect_left(run, value)
    return at < len(run) and run[at] == value


class Concat(Sequence[Any]):
    """One sequence over two, the second usually short (a delta's)."""

    def __init__(self, first: Sequence[Any], second: Sequence[Any]) -> None:
        self.first, self.second = first, second

    def __len__(self) -> int:
        return len(self.first) + len(self.second)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        n = len(self.first)
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self.first[i] if i < n else self.second[i - n]

    def __iter__(self) -> Iterator[Any]:
        yield from self.first
        yield from self.second

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


class SortedLookup(Mapping[str, int]):
    """value -> position in a saved column, by bisection over a saved order
    (``order[i]`` is the position of the i-th smallest value): a vocabulary
    that costs nothing to open."""

    def __init__(self, strings: Strings, order: npt.NDArray[np.int64]) -> None:
        self.strings = strings
        self.order = order
        self._order = view_ints(order)
        self._memo: dict[str, int] = {}  # key -> position, or -1
        self._table: dict[str, int] | None = None  # every value, once looked up often
        self._lookups = 0

    def __len__(self) -> int:
        return len(self.strings)

    def _find(self, key: str) -> int | None:
        found = self._memo.get(key)
        if found is not None:
            return found if found >= 0 else None
        if self._table is not None:
            return self._table.get(key)
        self._lookups += 1
        if self._lookups > HOT_LOOKUPS:
            self._table = {t: i for i, t in enumerate(self.strings.tolist())}
            return self._table.get(key)
        strings, order = self.strings, self._order
        target = key.encode("utf-8")
        blob, cuts = strings.blob, strings.cuts
        lo, hi = 0, len(strings)
        while lo < hi:
            mid = (lo + hi) // 2
            pos = order[mid]
            if blob[cuts[pos] : cuts[pos + 1]] < target:
                lo = mid + 1
            else:
                hi = mid
        result = -1
        if lo < len(strings):
            pos = order[lo]
            if blob[cuts[pos] : cuts[pos + 1]] == target:
                result = pos
        if len(self._memo) >= 1_000_000:
            self._memo.clear()
        self._memo[key] = result
        return result if result >= 0 else None

    def __getitem__(self, key: str) -> int:
        found = self._find(key) if isinstance(key, str) else None
        if found is None:
            raise KeyError(key)
        return found

    def get(self, key: str, default: Any = None) -> Any:
        found = self._find(key) if isinstance(key, str) else None
        return default if found is None else found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._find(key) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self.strings)


class Overlay(Mapping[str, int]):
    """A vocabulary: the saved one underneath, a delta's new terms on top."""

    def __init__(self, under: Mapping[str, int], own: dict[str, int]) -> None:
        self.under, self.own = under, own

    def get(self, key: str, default: Any = None) -> Any:
        found = self.own.get(key)
        if found is None:
            found = self.under.get(key)
        return default if found is None else found

    def __getitem__(self, key: str) -> int:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return cast(int, found)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __len__(self) -> int:
        return len(self.under) + len(self.own)

    def __iter__(self) -> Iterator[str]:
        yield from self.under
        yield from self.own


def sorted_order(values: Sequence[str]) -> npt.NDArray[np.int64]:
    """Positions of ``values`` in ascending order (UTF-8 bytes order, which
    is code point order, which is Python's string order)."""
    return np.array(sorted(range(len(values)), key=values.__getitem__), dtype=np.int64)
