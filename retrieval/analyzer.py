"""The Indonesian analyzer: text -> index terms.

normalise -> words -> aliases/chat forms -> clitics -> stem (once per distinct
word). Documents and queries go through the same steps; queries additionally
drop function words. ``Analyzer.version`` hashes everything that shapes a term
(settings, word lists, clitics, tokenizer patterns, stemmer and its
dictionary), so a saved index is never read with different analysis.
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Literal

from retrieval import affixes
from retrieval import text as text_module
from retrieval.affixes import affix_root
from retrieval.colloquial import standard_root
from retrieval.lexicon import (
    ALIASES,
    CLITICS,
    KEPT_NAMES,
    MAX_ALIAS_WORDS,
    QUERY_FUNCTION_WORDS,
)
from retrieval.text import is_reduplication, normalize, strip_clitic, words

# Bump when the analysis code changes in a way the hashed inputs do not show.
ANALYZER_CODE_VERSION = 3

StemmerName = Literal[
    "sastrawi", "simplemma", "simplemma+sastrawi", "simplemma+affixes", "snowball", "none"
]


@dataclass(frozen=True, slots=True)
class AnalyzerSettings:
    # Dictionary first: a root word stays; simplemma's lemma when it knows the
    # word ("dibantah" -> "bantah", where Sastrawi over-stems to "ban"); else
    # affixes stripped only when what remains is a root word (retrieval/affixes).
    # On our question sets it matches Sastrawi's hit@1 and declines (simplemma
    # alone loses one hit@1), agrees with "simplemma+sastrawi" on 99.5% of
    # idnews-2025's distinct words, and stems a word in ~12 us against
    # Sastrawi's ~200 us (~1 ms for words outside its dictionary), which
    # dominated the build. Snowball mangles "menteri" -> "teri".
    stemmer: StemmerName = "simplemma+affixes"
    aliases: bool = True

    def fingerprint(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


@cache
def _root_words() -> frozenset[str]:
    """Sastrawi's root-word dictionary, read as its StemmerFactory reads it
    (without importing the stemmer, whose rules take a while to compile)."""
    from importlib import resources

    text = resources.files("Sastrawi.Stemmer").joinpath("data/kata-dasar.txt").read_text("utf-8")
    return frozenset(w for w in text.split("\n") if w)


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


@cache
def _sastrawi() -> Callable[[str], str]:
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    stem: Callable[[str], str] = StemmerFactory().create_stemmer().stem
    return stem


@cache
def _simplemma(dictionary_only: bool = False) -> Callable[[str], str]:
    import simplemma
    from simplemma.strategies import DictionaryLookupStrategy

    if dictionary_only:
        # Its lemma list only: the affix rules below handle the rest, faster.
        lemmatizer = simplemma.Lemmatizer(
            cache_max_size=0, lemmatization_strategy=DictionaryLookupStrategy()
        )
    else:
        lemmatizer = simplemma.Lemmatizer(cache_max_size=0)

    def lemma(word: str) -> str:
        return str(lemmatizer.lemmatize(word, lang="id"))

    return lemma


def _base_stemmer(name: StemmerName) -> Callable[[str], str]:
    if name == "none":
        return lambda w: w
    if name == "snowball":
        import Stemmer

        stem_word: Callable[[str], str] = Stemmer.Stemmer("indonesian").stemWord
        return stem_word
    if name == "sastrawi":
        return _sastrawi()
    if name == "simplemma":
        return _simplemma()
    roots = _root_words()
    if name == "simplemma+affixes":
        lemma = _simplemma(dictionary_only=True)
        is_root = roots.__contains__

        def fast(word: str) -> str:
            if word in roots:
                return word
            if "-" in word:  # reduplication: "menginjak-injak" -> "injak"
                first, _, second = word.rpartition("-")
                return fast(second) if is_reduplication(first, second) else word
            found = lemma(word)
            return found if found != word else (affix_root(word, is_root) or word)

        return fast
    # Dictionary first: a root word stays; simplemma's lemma when it knows
    # the word; Sastrawi's affix rules for the rest.
    lemma = _simplemma()

    def combined(word: str) -> str:
        if word in roots:
            return word
        found = lemma(word)
        # Sastrawi is created on first need (a warm cache may never need it).
        return found if found != word else _sastrawi()(word)

    return combined


@cache
def _stem_table(name: StemmerName) -> tuple[Callable[[str], str], dict[str, str]]:
    """One stemmer per process and kind, with its word -> stem table."""
    stem_word = _base_stemmer(name)
    table: dict[str, str] = {}

    def stem(word: str) -> str:
        # Stemming is the slow step (Sastrawi tries affix combinations against
        # its dictionary): each distinct word is stemmed once per process.
        try:
            return table[word]
        except KeyError:
            pass
        # Digits and mixed tokens ("covid19", "2022") are names, not words;
        # so are the lexicon's kept names ("kediri", "bali").
        if word in KEPT_NAMES or (not word.isalpha() and "-" not in word):
            result = word
        else:
            result = stem_word(word) or word
        table[word] = result
        return result

    return stem, table


@cache
def _alias_starts() -> frozenset[str]:
    return frozenset(k.split()[0] for k in ALIASES)


def apply_aliases(tokens: list[str]) -> list[str]:
    """Replace aliases, longest match first ("republik rakyat tiongkok")."""
    starts = _alias_starts()
    if starts.isdisjoint(tokens):
        return tokens
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if tokens[i] not in starts:
            out.append(tokens[i])
            i += 1
            continue
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


@cache
def analysis_version(settings: AnalyzerSettings) -> str:
    """A hash of everything that shapes the terms of a text."""
    stemmer_versions = {
        "sastrawi": _package_version("PySastrawi"),
        "simplemma": _package_version("simplemma"),
        "snowball": _package_version("PyStemmer"),
    }
    h = hashlib.sha256()
    h.update(
        json.dumps(
            {
                "code": ANALYZER_CODE_VERSION,
                "settings": asdict(settings),
                "aliases": sorted(ALIASES.items()),
                "function_words": sorted(QUERY_FUNCTION_WORDS),
                "clitics": list(CLITICS),
                "kept_names": sorted(KEPT_NAMES),
                "word": text_module._WORD.pattern,
                "invisible": text_module._INVISIBLE.pattern,
                "punct": sorted(text_module._PUNCT_FOLD.items()),
                "stemmers": stemmer_versions,
                "affix_rules": hashlib.sha256(Path(affixes.__file__).read_bytes()).hexdigest(),
            },
            sort_keys=True,
        ).encode()
    )
    # The root dictionary protects words from clitic stripping whatever the
    # stemmer, so it is always part of the analysis.
    for w in sorted(_root_words()):
        h.update(w.encode() + b"\n")
    return h.hexdigest()


class Analyzer:
    """Turns text into terms. Instances share one stemmer per kind."""

    def __init__(self, settings: AnalyzerSettings | None = None) -> None:
        self.settings = settings or AnalyzerSettings()
        self._stem, self._table = _stem_table(self.settings.stemmer)
        self._roots = _root_words()
        self._surface: dict[str, str] = {}  # token -> token without clitic
        self._saved: list[tuple[Sequence[str], Sequence[str]]] = []

    @property
    def version(self) -> str:
        return analysis_version(self.settings)

    def tokens(self, text: str) -> list[str]:
        """Normalised words after aliases, before clitic stripping."""
        tokens = list(words(normalize(text)))
        return apply_aliases(tokens) if self.settings.aliases else tokens

    def unclitic(self, token: str) -> str:
        try:
            return self._surface[token]
        except KeyError:
            pass
        result = strip_clitic(token, self._whole)
        self._surface[token] = result
        return result

    def surface_words(self, text: str) -> list[str]:
        """Normalised words after aliases and clitic stripping, before stemming."""
        unclitic = self.unclitic
        return [unclitic(t) for t in self.tokens(text)]

    def _whole(self, word: str) -> bool:
        """Whether a word ending in a clitic's letters is whole ("masalah", "mekkah")."""
        return word in self._roots or word in KEPT_NAMES

    def colloquial_root(self, word: str) -> str | None:
        """The standard root of a colloquial word ("nyalahin" -> "salah")."""
        if not word.isalpha() or self.is_known_word(word):
            return None
        return standard_root(word, self._roots.__contains__)

    def stem(self, word: str) -> str:
        if self._saved and word not in self._table:
            for words_, stems in self._saved:
                at = bisect_left(words_, word)
                if at < len(words_) and words_[at] == word:
                    self._table[word] = stems[at]
                    break
        return self._stem(word)

    def learn(self, words: Sequence[str], stems: Sequence[str]) -> None:
        """Stems computed by another process with the same settings (a build's
        workers), kept as if computed here."""
        self._table.update(zip(words, stems, strict=True))

    def remember(self, words: Sequence[str], stems: Sequence[str]) -> None:
        """Stems saved with an index: ``words`` sorted, ``stems[i]`` the stem
        of ``words[i]``; looked up (by bisection) before stemming a word."""
        self._saved.append((words, stems))

    def is_root_word(self, word: str) -> bool:
        """Whether a word is in the Indonesian root-word dictionary as it stands."""
        return word in self._roots

    def is_known_word(self, word: str) -> bool:
        """Whether a word is Indonesian (a root word, or derived from one)."""
        return word in self._roots or self.stem(word) in self._roots

    def document_terms(self, text: str) -> list[str]:
        """Terms indexed for a paragraph: every word, function words included."""
        stem = self.stem if self._saved else self._stem
        return [stem(w) for w in self.surface_words(text)]

    def query_words(self, text: str) -> list[str]:
        """The informative words of a query, in order, before stemming."""
        return [w for w in self.surface_words(text) if w not in QUERY_FUNCTION_WORDS]
