"""The Indonesian analyzer: text -> index terms.

normalise -> words -> aliases/chat forms -> clitics -> stem (cached per word).
Documents and queries go through the same steps; queries additionally drop
function words. The settings are part of the index fingerprint.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cache
from typing import Literal

from retrieval.colloquial import standard_root
from retrieval.lexicon import ALIASES, MAX_ALIAS_WORDS, QUERY_FUNCTION_WORDS
from retrieval.text import normalize, strip_clitic, words

StemmerName = Literal["sastrawi", "snowball", "none"]


@dataclass(frozen=True, slots=True)
class AnalyzerSettings:
    # Sastrawi (dictionary-based) over Snowball: on our question sets it is the
    # more accurate of the two; Snowball mangles "menteri" -> "teri" and
    # "mengatakan" -> "ata". The per-word cache makes its speed a non-issue.
    stemmer: StemmerName = "sastrawi"
    aliases: bool = True

    def fingerprint(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


@cache
def _root_words() -> frozenset[str]:
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return frozenset(w for w in StemmerFactory().get_words() if w)


def _make_stemmer(name: StemmerName) -> Callable[[str], str]:
    if name == "none":
        return lambda w: w
    if name == "snowball":
        import Stemmer

        snowball = Stemmer.Stemmer("indonesian")
        stem_word: Callable[[str], str] = snowball.stemWord
    else:
        from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

        sastrawi = StemmerFactory().create_stemmer()
        stem_word = sastrawi.stem

    cache_: dict[str, str] = {}

    def stem(word: str) -> str:
        # Stemming is the slow step (Sastrawi tries affix combinations
        # against its dictionary); news text repeats words a lot.
        try:
            return cache_[word]
        except KeyError:
            pass
        # Digits and mixed tokens ("covid19", "2022") are names, not words.
        result = word if not word.isalpha() and "-" not in word else (stem_word(word) or word)
        cache_[word] = result
        return result

    return stem


def apply_aliases(tokens: list[str]) -> list[str]:
    """Replace aliases, longest match first ("republik rakyat tiongkok")."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for n in range(min(MAX_ALIAS_WORDS, len(tokens) - i), 0, -1):
            key = " ".join(tokens[i : i + n])
            canonical = ALIASES.get(key)
            if canonical is not None:
                out.extend(canonical.split())
                i += n
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


class Analyzer:
    """Turns text into terms. Instances are cheap to call, costly to create."""

    def __init__(self, settings: AnalyzerSettings | None = None) -> None:
        self.settings = settings or AnalyzerSettings()
        self._stem = _make_stemmer(self.settings.stemmer)
        self._roots = _root_words()

    def surface_words(self, text: str) -> list[str]:
        """Normalised words after aliases and clitic stripping, before stemming."""
        tokens = list(words(normalize(text)))
        if self.settings.aliases:
            tokens = apply_aliases(tokens)
        return [strip_clitic(t, self._roots.__contains__) for t in tokens]

    def colloquial_root(self, word: str) -> str | None:
        """The standard root of a colloquial word ("nyalahin" -> "salah")."""
        if not word.isalpha() or self.is_known_word(word):
            return None
        return standard_root(word, self._roots.__contains__)

    def stem(self, word: str) -> str:
        return self._stem(word)

    def is_root_word(self, word: str) -> bool:
        """Whether a word is in the Indonesian root-word dictionary as it stands."""
        return word in self._roots

    def is_known_word(self, word: str) -> bool:
        """Whether a word is Indonesian (a root word, or derived from one)."""
        return word in self._roots or self._stem(word) in self._roots

    def document_terms(self, text: str) -> list[str]:
        """Terms indexed for a paragraph: every word, function words included."""
        return [self._stem(w) for w in self.surface_words(text)]

    def query_words(self, text: str) -> list[str]:
        """The informative words of a query, in order, before stemming."""
        return [w for w in self.surface_words(text) if w not in QUERY_FUNCTION_WORDS]
