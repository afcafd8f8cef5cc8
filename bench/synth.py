"""Deterministic synthetic Indonesian-like news articles at a target paragraph count.

Word forms are the seeds' own words plus affixed forms of them (meN-, di-, ber-,
ter-, -kan, -an, -i, -nya, pe-an, ke-an) and of invented syllable roots, drawn
with Zipf frequencies (the seeds' frequent words stay the frequent ones).
Paragraphs hold 2-4 sentences and 30-80 words; each article has a headline, a
date line, a dateline ("JAKARTA, KOMPAS.com -") opening its first paragraph, and
an entry in metadata.toml. Datelines follow the outlets' own forms, so some
of them the project's cleaner may not recognise, as with real text.

    python -m bench.synth --paragraphs 100k --out /tmp/syn100k

The same seed and size always give the same bytes.
"""

from __future__ import annotations

import argparse
import functools
import random
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from bench.corpora import SEEDS, Record, materialize

_WORD = re.compile(r"[^\W\d_]{3,}")
_VOWELS = "aeiou"
_ONSETS = (
    *("b", "c", "d", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "w", "y"),
    *("ng", "ny", "kr", "tr", "pr", "sl"),
)
_CODAS = ("", "", "", "n", "ng", "r", "k", "t", "s", "l", "h", "m")

# (dateline as the outlet prints it, outlet name); {place} is filled in.
DATELINES: tuple[tuple[str, str], ...] = (
    ("{PLACE}, KOMPAS.com -", "Kompas"),
    ("REPUBLIKA.CO.ID, {PLACE} -", "Republika"),
    ("TEMPO.CO, {Place} -", "Tempo"),
    ("Liputan6.com, {Place} -", "Liputan6"),
    ("{Place} (ANTARA) -", "Antara"),
    ("SUARA.COM, {PLACE} -", "Suara"),
    ("Okezone.com, {Place} -", "Okezone"),
)
PLACES = ("Jakarta", "Bandung", "Surabaya", "Medan", "Yogyakarta", "Makassar", "Semarang")
HEADER = "# Synthetic articles written by bench.synth (invented text).\n"
_DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
_MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
_START = datetime.fromisoformat("2024-01-01T06:00:00+07:00")


def _men(root: str) -> str:
    """meN- with the usual nasal assimilation (simplified)."""
    head = root[0]
    if head in "lrwy" or root.startswith(("ng", "ny", "m", "n")):
        return "me" + root
    if head in "bfv":
        return "mem" + root
    if head == "p":
        return "mem" + root[1:]
    if head in "cdjz":
        return "men" + root
    if head == "t":
        return "men" + root[1:]
    if head == "s":
        return "meny" + root[1:]
    if head == "k":
        return "meng" + root[1:]
    return "meng" + root


def _pen(root: str) -> str:
    """pe(N)- as in pe-an nouns."""
    return "pe" + _men(root)[2:]


def affixed(root: str) -> list[str]:
    """The affixed forms of one root (the root itself excluded)."""
    return [
        _men(root),
        "di" + root,
        "ber" + root,
        "ter" + root,
        root + "kan",
        root + "an",
        root + "i",
        root + "nya",
        _pen(root) + "an",
        "ke" + root + "an",
        _men(root) + "kan",
        "di" + root + "kan",
    ]


def seed_words(seeds_dir: Path = SEEDS) -> list[str]:
    """The seeds' lower-case words, most frequent first (ties by spelling)."""
    counts: Counter[str] = Counter()
    for path in sorted(seeds_dir.glob("*.txt")):
        counts.update(w.lower() for w in _WORD.findall(path.read_text(encoding="utf-8")))
    return [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def _pseudo_root(rng: random.Random) -> str:
    syllables = rng.choice((2, 2, 3))
    return "".join(
        rng.choice(_ONSETS)
        + rng.choice(_VOWELS)
        + (rng.choice(_CODAS) if i == syllables - 1 else "")
        for i in range(syllables)
    )


@functools.cache
def vocabulary(
    seed: int = 0, *, invented_roots: int = 25_000, seeds_dir: Path = SEEDS
) -> tuple[str, ...]:
    """Word forms in Zipf rank order: the seeds' words, their affixed forms, then
    invented roots with theirs (shuffled within each group)."""
    rng = random.Random(seed)
    base = seed_words(seeds_dir)
    seen = set(base)
    forms = _new(seen, (f for w in base for f in affixed(w)))
    rng.shuffle(forms)
    invented: list[str] = []
    roots = 0
    while roots < invented_roots:
        root = _pseudo_root(rng)
        if root not in seen:
            roots += 1
            invented += _new(seen, [root, *affixed(root)])
    rng.shuffle(invented)
    return (*base, *forms, *invented)


def _new(seen: set[str], words: Iterable[str]) -> list[str]:
    """The words not in ``seen`` yet, in order, each once; adds them to ``seen``."""
    out = []
    for word in words:
        if word not in seen:
            seen.add(word)
            out.append(word)
    return out


def parse_size(text: str) -> int:
    """``10k`` -> 10000, ``1M`` -> 1000000, ``2500`` -> 2500."""
    match = re.fullmatch(r"(?i)\s*(\d+(?:\.\d+)?)\s*([km]?)\s*", text)
    if match is None:
        raise ValueError(f"not a size: {text!r} (e.g. 10k, 100k, 1M)")
    scale = {"": 1, "k": 1_000, "m": 1_000_000}[match[2].lower()]
    return int(float(match[1]) * scale)


@functools.cache
def _zipf(
    seed: int, exponent: float, seeds_dir: Path
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """The vocabulary as an array and the cumulative Zipf distribution over it."""
    words = vocabulary(seed, seeds_dir=seeds_dir)
    weights = 1.0 / np.arange(1, len(words) + 1, dtype=np.float64) ** exponent
    return np.array(words, dtype=object), np.cumsum(weights / weights.sum())


class Generator:
    """Synthetic articles, one after another, from one seed."""

    def __init__(self, seed: int = 0, *, exponent: float = 1.05, seeds_dir: Path = SEEDS) -> None:
        self.rng = random.Random(seed)
        self.np_rng = np.random.default_rng(seed)
        self.words, self.cdf = _zipf(seed, exponent, seeds_dir)
        self._buffer: list[str] = []
        self._at = 0

    def _draw(self, n: int) -> list[str]:
        if self._at + n > len(self._buffer):
            ids = np.searchsorted(self.cdf, self.np_rng.random(max(n, 1 << 16)))
            ids = np.minimum(ids, len(self.words) - 1)
            self._buffer = self._buffer[self._at :] + self.words[ids].tolist()
            self._at = 0
        self._at += n
        return self._buffer[self._at - n : self._at]

    def paragraph(self) -> str:
        rng = self.rng
        total = rng.randint(30, 80)
        sentences = rng.randint(2, 4)
        cuts = sorted(rng.sample(range(6, total - 5), sentences - 1))
        words = self._draw(total)
        parts = []
        for a, b in zip((0, *cuts), (*cuts, total), strict=True):
            sentence = " ".join(words[a:b])
            parts.append(sentence[:1].upper() + sentence[1:] + ".")
        return " ".join(parts)

    def article(self, number: int, paragraphs: int) -> Record:
        rng = self.rng
        pattern, outlet = DATELINES[rng.randrange(len(DATELINES))]
        place = PLACES[rng.randrange(len(PLACES))]
        dateline = pattern.format(PLACE=place.upper(), Place=place)
        moment = _START + timedelta(minutes=rng.randrange(60 * 24 * 540))
        headline = " ".join(w.capitalize() for w in self._draw(rng.randint(5, 9)))
        body = [self.paragraph() for _ in range(paragraphs)]
        body[0] = f"{dateline} {body[0]}"
        date_line = (
            f"{_DAYS[moment.weekday()]}, {moment.day} {_MONTHS[moment.month - 1]} "
            f"{moment.year} {moment:%H:%M} WIB"
        )
        return Record(
            id=f"syn-{number:07d}",
            title=headline,
            outlet=outlet,
            published=moment.isoformat(),
            url=f"https://synthetic.invalid/{outlet.lower()}/{number}",
            text="",
            paragraphs=tuple(body),
            date_line=date_line,
        )

    def articles(self, paragraphs: int) -> Iterator[Record]:
        """Articles of 6-14 paragraphs until ``paragraphs`` in total."""
        left = paragraphs
        number = 0
        while left > 0:
            size = min(left, self.rng.randint(6, 14))
            yield self.article(number, size)
            left -= size
            number += 1


def generate(paragraphs: int, seed: int = 0) -> Iterator[Record]:
    return Generator(seed).articles(paragraphs)


def write(folder: Path, paragraphs: int, seed: int = 0) -> int:
    """A seeds-shaped folder of ``paragraphs`` synthetic paragraphs; returns the
    number of articles."""
    return materialize(
        generate(paragraphs, seed),
        folder,
        header=HEADER,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.synth", description="Write a synthetic seeds-shaped corpus."
    )
    parser.add_argument("--paragraphs", type=parse_size, default="10k", help="e.g. 10k, 1M")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    articles = write(args.out, args.paragraphs, args.seed)
    print(f"wrote {articles} articles, {args.paragraphs} paragraphs to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
