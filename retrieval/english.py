"""English questions: translate query words with a real bilingual dictionary.

Optional. We read FreeDict's English-Indonesian dictionary in dictd format
(Debian package ``dict-freedict-eng-ind``: an ``.index`` of base64 offsets and
a gzip'd ``.dict.dz``). Without it, English questions are simply declined.
"""

from __future__ import annotations

import gzip
import logging
import re
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

log = logging.getLogger(__name__)

DEFAULT_DICT = Path("/usr/share/dictd/freedict-eng-ind")
# News vocabulary the dictionary lacks, read beside it.
EXTRA = Path(__file__).parent / "data" / "english.toml"

_B64 = {
    c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
}

# English words that say nothing about the topic; two or more of them mark
# a question as English ("Which weapons are ...", "Did Russia ...").
FUNCTION_WORDS = frozenset(
    """
    a an the of to in on at by for with from about into over between during
    and or but if than then so as that this these those there here it its they them
    their he him his she her we us our you your i me my
    is are was were be been being am do does did done has have had having
    will would shall should can could may might must
    what which who whom whose when where why how
    not no yes any some all each every more most much many such own same other
    now also just only very too still already yet ever again
    up out off according until till
    """.split()
)
_PARENS = re.compile(r"\([^)]*\)")


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


Lemmatizer = Literal["lemminflect", "simplemma", "rules"]
# lemminflect over simplemma, measured: the same hit@1 on every English
# question set (seeds and ~11,000 articles), ~15 us a word for both, but
# lemminflect gives every part of speech's lemma, so it reaches the dictionary
# form of 44 of 44 irregular forms tried where simplemma reaches 40 ("won" ->
# win, "shot" -> shoot, "thought" -> think, "rose" -> rise); suffix rules alone, 8.
LEMMATIZER: Lemmatizer = "lemminflect"


def asks_for_list(words: Sequence[str]) -> bool:
    """ "Which weapons ...", "What principles ...": a question word followed by
    a plural noun asks for several things (an enumeration answers it)."""
    if len(words) < 2 or words[0] not in {"which", "what"}:
        return False
    word = words[1]
    return any(lemma != word for lemma in _all_lemmas(word).get("NOUN", ()))


def is_english_word(word: str) -> bool:
    """Whether lemminflect knows ``word`` as an English word (a proper noun
    such as "putin" or "aukus" it does not)."""
    return bool(_all_lemmas(word.rpartition(" ")[2]))


def _all_lemmas(word: str) -> dict[str, tuple[str, ...]]:
    """lemminflect's lemmas of ``word`` by part of speech. Imported on the
    first English question (0.2 s, then 0.4 s for its tables on the first
    call), so Indonesian questions and start-up never pay for it."""
    from lemminflect import getAllLemmas

    found: dict[str, tuple[str, ...]] = getAllLemmas(word)
    return found


# English spellings of words Indonesian took from English (or from the same
# Latin), by their endings: "transformation" -> transformasi, "geopolitical"
# -> geopolitik, "capacity" -> kapasitas, "military" -> militer, "dose" ->
# dosis. Longest ending first; each rule may apply with the letter changes below.
_SUFFIXES = (
    ("ization", "isasi"),
    ("isation", "isasi"),
    ("ation", "asi"),
    ("ition", "isi"),
    ("ction", "ksi"),
    ("tion", "si"),
    ("sion", "si"),
    ("ical", "ik"),
    ("ical", "is"),
    ("ics", "ik"),
    ("ic", "ik"),
    ("ity", "itas"),
    ("ary", "er"),
    ("ary", "ari"),
    ("ive", "if"),
    ("ism", "isme"),
    ("ist", "is"),
    ("ogy", "ogi"),
    ("ure", "ur"),
    ("ent", "en"),
    ("ant", "an"),
    ("ance", "ansi"),
    ("ence", "ensi"),
    ("se", "sis"),
    ("y", "i"),
    ("e", ""),
)
# Letter changes of the same loans: c before a/o/u/consonant -> k, ph -> f, ...
_LETTERS = (
    ("ph", "f"),
    ("ch", "k"),
    ("th", "t"),
    ("x", "ks"),
    ("qu", "kw"),
    ("ck", "k"),
    ("ou", "u"),
)
_HARD_C = re.compile(r"c(?![eiy])")
_SOFT_C = re.compile(r"c(?=[eiy])")
_DOUBLE = re.compile(r"([b-df-hj-np-tv-z])\1")


def cognates(word: str) -> list[str]:
    """Indonesian spellings a borrowed English word may take, most likely
    first (a caller keeps those its corpus holds): "patrols" -> patroli is
    left to a spelling correction, "transformation" -> transformasi is here."""
    out: list[str] = []
    bases = lemmas(word)
    for base in bases:
        if " " in base:
            continue
        stems = [base]
        for ending, replacement in _SUFFIXES:
            if base.endswith(ending) and len(base) > len(ending) + 1:
                stems.append(base[: -len(ending)] + replacement)
        for s in stems:
            respelled = s
            for a, b in _LETTERS:
                respelled = respelled.replace(a, b)
            respelled = _DOUBLE.sub(r"\1", _SOFT_C.sub("s", _HARD_C.sub("k", respelled)))
            out += [s, respelled]
    return [w for w in dict.fromkeys(out) if w not in bases]


def lemmas(word: str, method: Lemmatizer | None = None) -> list[str]:
    """Candidate dictionary forms, the word itself first: "weapons" -> weapon,
    "grew" -> grow, "defense ministers" -> defense minister (the last word of a
    phrase is the one that inflects). The chosen lemmatizer's forms, then
    suffix rules (the only ones with ``method="rules"``)."""
    head, _, last = word.rpartition(" ")
    prefix = head + " " if head else ""
    out = [word]
    method = method or LEMMATIZER
    if method == "simplemma":
        import simplemma

        out.append(prefix + simplemma.lemmatize(last, lang="en"))
    if method == "lemminflect":
        for forms in _all_lemmas(last).values():
            out += [prefix + f for f in forms]
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


# A sense number ("1.", " 3.") opens a sense: the rest of its line holds the
# Indonesian translations, the lines after it an English gloss.
_SENSE = re.compile(r"(?:^|(?<=\s))\d+\.(?=\s|$)")


def parse_senses(body: str) -> list[tuple[str, ...]]:
    """The translations of each sense of a dictd entry's body (the lines after
    its headword line), in the dictionary's order. A sense whose number ends
    a line has no translation, only a gloss ("model 2.\\nminiature")."""
    out: list[tuple[str, ...]] = []
    for chunk in _SENSE.split(body):
        if chunk.startswith("\n"):
            continue
        line = _PARENS.sub("", chunk.strip(" ").split("\n", 1)[0])
        found = tuple(t.strip() for t in line.split(",") if t.strip())
        if found:
            out.append(found)
    return out


class EnglishDictionary:
    def __init__(
        self,
        index: dict[str, list[tuple[int, int]]],
        data: bytes,
        extra: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        self._index = index
        self._data = data
        self._extra = extra or {}
        self._cache: dict[str, tuple[str, ...]] = {}

    @classmethod
    def load(
        cls, prefix: Path = DEFAULT_DICT, extra: Path | None = EXTRA
    ) -> EnglishDictionary | None:
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
        more: dict[str, tuple[str, ...]] = {}
        if extra is not None:
            with extra.open("rb") as f:
                for head, translations in tomllib.load(f)["translations"].items():
                    more[head.casefold()] = tuple(translations)
        return cls(index, data, more)

    def has(self, headword: str) -> bool:
        """Whether the dictionary has an entry for ``headword`` (or a lemma of it)."""
        return any(lemma in self._index or lemma in self._extra for lemma in lemmas(headword))

    def senses(self, headword: str) -> list[tuple[str, ...]]:
        """Indonesian translations of an entry, per sense, in the dictionary's
        order (every part of speech's entry, one after the other)."""
        found: list[tuple[str, ...]] = []
        for offset, length in self._index.get(headword, ()):
            text = self._data[offset : offset + length].decode("utf-8", "replace")
            found += parse_senses(text.partition("\n")[2])
        if headword in self._extra:
            found.append(self._extra[headword])
        return found

    def translate(self, word: str) -> tuple[str, ...]:
        """Indonesian translations of an English word or phrase, most common
        sense first, through its lemmas (empty if unknown). A translation may
        be a phrase ("menteri pertahanan")."""
        if word in self._cache:
            return self._cache[word]
        out: tuple[str, ...] = ()
        for lemma in lemmas(word):
            out = tuple(dict.fromkeys(t.casefold() for s in self.senses(lemma) for t in s))
            if out:
                break
        self._cache[word] = out
        return out
