"""Word lists for Indonesian text analysis: aliases, chat forms, function words.

The lists live in ``retrieval/data/lexicon.toml`` so they can be extended
without touching code; this module reads them once and applies the general
rules described there (solid and prefixed spellings of open compounds,
transliteration variants of foreign names). Everything is general-purpose
Indonesian, not tuned to any question. Applied to documents and queries
alike, except ``QUERY_FUNCTION_WORDS``, ``QUERY_SYNONYMS`` and
``TRANSLITERATIONS`` (queries only: the index keeps every word and lets IDF
weigh it).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

DATA_FILE: Final = Path(__file__).parent / "data" / "lexicon.toml"


class LexiconError(Exception):
    """The lexicon data file is malformed (one line naming the problem)."""


def _load(path: Path = DATA_FILE) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise LexiconError(f"{path}: {exc}") from exc


def compound_spellings(open_form: str, prefixes: tuple[str, ...]) -> dict[str, str]:
    """Solid spellings of an open compound, plain and with a prefix on its
    first word: "kerja sama" -> kerjasama, bekerjasama, dikerjasama ..."""
    first, _, rest = open_form.partition(" ")
    solid = open_form.replace(" ", "")
    out = {solid: open_form}
    for prefix in prefixes:
        out[prefix + solid] = f"{prefix}{first} {rest}"
    return out


def transliterations(
    word: str, pairs: tuple[tuple[str, str], ...], depth: int = 2
) -> Iterator[str]:
    """Spellings of a foreign name under the substitution ``pairs`` (both ways,
    up to ``depth`` at a time), nearest first, without the word itself."""
    seen = {word}
    frontier = [word]
    for _ in range(depth):
        nxt: list[str] = []
        for w in frontier:
            for a, b in pairs:
                for x, y in ((a, b), (b, a)):
                    if x in w:
                        v = w.replace(x, y)
                        if v not in seen:
                            seen.add(v)
                            nxt.append(v)
                            yield v
        frontier = nxt


def _aliases(data: Mapping[str, Any]) -> dict[str, str]:
    compounds = data.get("compounds", {})
    prefixes = tuple(compounds.get("prefixes", ()))
    merged: dict[str, str] = {}
    for open_form in compounds.get("open", ()):
        merged.update(compound_spellings(open_form, prefixes))
    for section in ("spelling", "chat", "names"):
        merged.update(data.get(section, {}))
    return merged


def _function_words(text: str) -> frozenset[str]:
    words = text.split()
    repeated = sorted({w for w in words if words.count(w) > 1})
    if repeated:
        raise LexiconError(f"{DATA_FILE}: [query] function_words repeats {', '.join(repeated)}")
    return frozenset(words)


_DATA: Final = _load()

# One mapping for documents and queries: alias -> canonical words.
ALIASES: Final = MappingProxyType(_aliases(_DATA))
MAX_ALIAS_WORDS: Final = max(len(k.split()) for k in ALIASES)

QUERY_FUNCTION_WORDS: Final = _function_words(_DATA["query"]["function_words"])

# Query-side synonym classes of news prose ("ujar", "tutur", "kata").
QUERY_SYNONYMS: Final = tuple(frozenset(line.split()) for line in _DATA["query"]["synonyms"])

TRANSLITERATIONS: Final = tuple(
    (str(a), str(b)) for a, b in _DATA.get("transliteration", {}).get("pairs", ())
)

# Names kept whole: never stemmed, never cut at a clitic ("kediri" stays, not "diri").
KEPT_NAMES: Final = frozenset(_DATA.get("kept", {}).get("names", "").split())

# Sentence-final and clause particles written attached to a word ("itukah",
# "meskipun") and the possessive/object clitic "-nya".
CLITICS: Final = tuple(_DATA["query"]["clitics"])
