"""Indonesian text normalisation, tokenisation and sentence splitting.

Pure functions on strings. Stemming and aliases live in ``analyzer``; this
module only decides what a word is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator

from retrieval.lexicon import CLITICS

# NFKC leaves typographic quotes and dashes alone; fold them so that a
# question typed on a phone matches text set by a newsroom CMS.
_PUNCT_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
    }
)
# Zero-width and bidi control characters carry no letters but split words.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")

# A word: letters/digits, optionally joined by hyphens ("menginjak-injak",
# "covid-19") or an apostrophe ("jum'at").
_WORD = re.compile(r"[^\W_]+(?:['-][^\W_]+)*")


def normalize(text: str) -> str:
    """NFKC, folded quotes and dashes, no invisible controls, case folded."""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text).translate(_PUNCT_FOLD)
    return text.casefold()


def is_reduplication(first: str, second: str) -> bool:
    """True for Indonesian reduplication: "negara-negara", "menginjak-injak",
    "bersama-sama", "berhati-hati" (the base repeats inside the first part)."""
    if first == second:
        return True
    return len(second) >= 2 and (first.endswith(second) or second.endswith(first))


def strip_clitic(word: str, protected: Callable[[str], bool]) -> str:
    """Drop one attached particle or "-nya" ("sebelumnya" -> "sebelum").

    ``protected`` says whether a word is a root word in its own right
    ("masalah", "tanya", "sekolah" end in a clitic's letters but are whole).
    """
    if protected(word):
        return word
    for clitic in CLITICS:
        if word.endswith(clitic) and len(word) - len(clitic) >= 3:
            return word[: -len(clitic)]
    return word


def words(text: str) -> Iterator[str]:
    """The words of already-normalised text.

    Reduplicated words stay whole (their stem is the base word); other
    hyphenated compounds ("rusia-china", "asia-pasifik") split into parts.
    """
    tokens = _WORD.findall(text)
    if "-" not in text and "'" not in text:
        return iter(tokens)  # the common case: no joined words at all
    return _joined(tokens)


def _joined(tokens: list[str]) -> Iterator[str]:
    for raw in tokens:
        token = raw.replace("'", "")
        if "-" not in token:
            yield token
            continue
        parts = [p for p in token.split("-") if p]
        if len(parts) == 2 and is_reduplication(parts[0], parts[1]):
            yield token
        else:
            yield from parts


# A sentence ends at . ! ? or an ellipsis, optionally followed by a closing
# quote, then whitespace and something that can start a sentence.
_SENTENCE_END = re.compile(
    r"""(?<=[.!?\u2026])["'\u201d\u2019]?\s+(?=["'\u201c\u2018(]?[A-Z0-9])"""
)
# Abbreviations that end in a period without ending a sentence.
_NO_BREAK_BEFORE = re.compile(r"(?:\b(?:[A-Z]|Dr|Jl|No|St|Sdr|Bpk|Prof|Kol|Jend|dll|dsb|a\.n)\.)$")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of a paragraph, covering all of it.

    Spans are over the original text so a caller can bold a sentence in
    place; closing quotes stay with the sentence they close.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.start() + len(m.group().rstrip())
        if _NO_BREAK_BEFORE.search(text[start : m.start()]):
            continue
        spans.append((start, end))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text.rstrip())))
    return [(s, e) for s, e in spans if e > s]
