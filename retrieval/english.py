"""English questions: translate query words with a real bilingual dictionary.

Optional. We read FreeDict's English-Indonesian dictionary in dictd format
(Debian package ``dict-freedict-eng-ind``: an ``.index`` of base64 offsets and
a gzip'd ``.dict.dz``). Without it, English questions are simply declined.
"""

from __future__ import annotations

import gzip
import logging
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

log = logging.getLogger(__name__)

DEFAULT_DICT = Path("/usr/share/dictd/freedict-eng-ind")

_B64 = {
    c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
}

# English words that say nothing about the topic; two or more of them mark
# a question as English ("Which weapons are ...", "Did Russia ...").
FUNCTION_WORDS = frozenset(
    """
    a an the of to in on at by for with from about into over under between during
    and or but if than then so as that this these those there here it its they them
    their he him his she her we us our you your i me my
    is are was were be been being am do does did done has have had having
    will would shall should can could may might must
    what which who whom whose when where why how
    not no yes any some all each every more most much many such own same other
    now also just only very too still already yet ever again
    """.split()
)
# Senses we never want from the dictionary: grammatical glosses.
_NUMBERED = re.compile(r"^\s*\d+\.\s*")
_PARENS = re.compile(r"\([^)]*\)")
_NUMBERED_TAIL = re.compile(r"\s*\d+\.\s*$")


def _b64(text: str) -> int:
    n = 0
    for c in text:
        n = n * 64 + _B64[c]
    return n


def looks_english(words: Iterable[str]) -> bool:
    ws = list(words)
    return sum(w in FUNCTION_WORDS for w in ws) >= 2 or (
        len(ws) >= 3 and sum(w in FUNCTION_WORDS for w in ws) * 3 >= len(ws)
    )


Lemmatizer = Literal["lemminflect", "rules"]
# lemminflect over simplemma: the same hit@1 on our English questions (seeds),
# and it knows irregular forms by part of speech ("met" -> meet, "spoke" ->
# speak as a verb); see the README's quality section.
LEMMATIZER: Lemmatizer = "lemminflect"


def lemmas(word: str, method: Lemmatizer | None = None) -> list[str]:
    """Candidate dictionary forms, the word itself first: "weapons" -> weapon,
    "grew" -> grow, "defense ministers" -> defense minister (the last word of a
    phrase is the one that inflects). A real lemmatizer when installed, then
    suffix rules as a fallback."""
    head, _, last = word.rpartition(" ")
    prefix = head + " " if head else ""
    out = [word]
    method = method or LEMMATIZER
    if method == "lemminflect":
        try:
            from lemminflect import getAllLemmas

            for forms in getAllLemmas(last).values():
                out += [prefix + f for f in forms]
        except ImportError:  # optional: the rules below still apply
            pass
    out += [prefix + f for f in _rule_lemmas(last)]
    return list(dict.fromkeys(out))


def _rule_lemmas(word: str) -> list[str]:
    out = []
    if word.endswith("ies") and len(word) > 4:
        out.append(word[:-3] + "y")
    if word.endswith("es") and len(word) > 3:
        out.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        out.append(word[:-1])
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)]
            out += [stem, stem + "e"]
            if len(stem) > 2 and stem[-1] == stem[-2]:
                out.append(stem[:-1])
    if word.endswith("ied"):
        out.append(word[:-3] + "y")
    if word.endswith("est") and len(word) > 5:
        out += [word[:-3], word[:-2]]
    if word.endswith("ence"):  # British "defence" -> "defense"
        out.append(word[:-2] + "se")
    return out


class EnglishDictionary:
    def __init__(self, index: dict[str, list[tuple[int, int]]], data: bytes) -> None:
        self._index = index
        self._data = data
        self._cache: dict[str, tuple[str, ...]] = {}

    @classmethod
    def load(cls, prefix: Path = DEFAULT_DICT) -> EnglishDictionary | None:
        """The dictionary at ``prefix``.index/.dict.dz, or None if absent/unreadable."""
        index_path = prefix.with_name(prefix.name + ".index")
        data_path = prefix.with_name(prefix.name + ".dict.dz")
        try:
            data = gzip.decompress(data_path.read_bytes())
            index: dict[str, list[tuple[int, int]]] = {}
            for line in index_path.read_text(encoding="utf-8").splitlines():
                head, offset, length = line.split("\t")[:3]
                index.setdefault(head.casefold(), []).append((_b64(offset), _b64(length)))
        except (OSError, ValueError, KeyError, EOFError) as exc:
            if index_path.exists() or data_path.exists():
                log.warning("English dictionary at %s unreadable: %s", prefix, exc)
            return None
        return cls(index, data)

    def has(self, headword: str) -> bool:
        """Whether the dictionary has an entry for ``headword`` (or a lemma of it)."""
        return any(lemma in self._index for lemma in lemmas(headword))

    def _senses(self, headword: str) -> list[str]:
        """Indonesian words of an entry, most common sense first.

        An entry is a header line, then per sense a line of translations and
        usually a line of English gloss; we keep the translation lines.
        """
        found: list[str] = []
        for offset, length in self._index.get(headword, ()):
            lines = self._data[offset : offset + length].decode("utf-8", "replace").splitlines()
            for line in lines[1:]:
                line = _NUMBERED_TAIL.sub("", _PARENS.sub("", _NUMBERED.sub("", line)))
                # Glosses are English phrases ("at the same time"); the
                # translation lines hold none of its function words.
                if FUNCTION_WORDS.intersection(line.casefold().split()):
                    continue
                found += [t.strip() for t in line.split(",") if t.strip()]
        return found

    def translate(self, word: str, limit: int = 6) -> tuple[str, ...]:
        """Indonesian words for an English word (empty if unknown)."""
        if word in self._cache:
            return self._cache[word]
        result: list[str] = []
        for lemma in lemmas(word):
            result = self._senses(lemma)
            if result:
                break
        # Multi-word translations ("yang mana") contribute each word.
        words = [w for t in result for w in t.split()]
        out = tuple(dict.fromkeys(w.casefold() for w in words))[:limit]
        self._cache[word] = out
        return out
