"""Query planning: from the words a person typed to weighted term groups.

Each informative query word becomes one *group*: the term columns that count
as that word in a paragraph (its stem, or a corrected typo, a colloquial
form's root, or a synonym of news prose), with one weight. Words the corpus
does not contain stay in the plan as unknown mass, so that a question about
something the corpus never mentions can be declined.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from retrieval.english import FUNCTION_WORDS as ENGLISH_FUNCTION_WORDS
from retrieval.english import (
    EnglishDictionary,
    asks_for_list,
    cognates,
    is_english_word,
    lemmas,
    looks_english,
)
from retrieval.index import Index
from retrieval.lexicon import QUERY_SYNONYMS, TRANSLITERATIONS, transliterations
from retrieval.qtype import AnswerType, expected_type
from retrieval.text import normalize, words
from retrieval.typo import close_words, max_edits
from retrieval.wordlist import SortedWords, whole_word_starts


@dataclass(frozen=True, slots=True)
class PlanningPolicy:
    # A corrected typo, colloquial root or synonym counts for less than the
    # word itself.
    variant_weight: float = 0.8
    # Unknown words, as multiples of the rarest term's IDF: a name the corpus
    # never mentions ("Prancis") weighs fully, capitalised even more; an
    # ordinary Indonesian word ("tanggapan") is often just the question's
    # framing.
    unknown_name: float = 1.0
    unknown_word: float = 0.75
    unknown_capitalised: float = 1.5
    # A bilingual dictionary misses much of a question's wording; an English
    # word it cannot place says less about the corpus than an Indonesian one.
    unknown_english: float = 0.75
    # A rendering of an English word counts when the corpus uses it at least
    # this share as often as the word's most used rendering (near its names).
    english_keep: float = 0.15
    # A word the corpus writes with a capital at least this often (outside
    # sentence starts) is a name: what a question is about.
    name_ratio: float = 0.9
    # How many paragraphs are read to decide that.
    name_sample: int = 24
    # How many are read to decide that the word a question asks for and the
    # next one make one phrase ("presiden pertama"): common words, of which
    # a phrase is a small share of uses.
    phrase_sample: int = 200
    # A word found in at most ``rare_df`` paragraphs, not Indonesian, one
    # slip away from a word ``common_ratio`` times as frequent, may be a typo.
    rare_df: int = 3
    common_ratio: int = 20


@dataclass(frozen=True, slots=True)
class Group:
    word: str
    columns: dict[int, float]  # term column -> scoring weight
    weight: float  # what covering this word is worth
    # A name (person, place, organisation): the subject the answer must be about.
    name: bool = False
    # Position of the word in the question (function words counted).
    position: int = -1
    # Names written together in the question and in the corpus ("Xi Jinping",
    # "Zhang Youxia") share a unit: one name, found if any of its words is.
    unit: int = -1
    # An ordinary Indonesian word typed as part of a name ("Presiden" in
    # "Presiden Rusia"): a title, not what tells one name from another.
    title: bool = False


@dataclass(frozen=True, slots=True)
class QueryPlan:
    words: tuple[str, ...]  # informative query words (surface forms)
    groups: tuple[Group, ...]
    # Words found only in articles' titles, outlets or dates: term -> weight.
    context_only: dict[str, float] = field(default_factory=dict)
    unknown: tuple[str, ...] = ()
    unknown_mass: float = 0.0
    # The unknown words that are names: a subject the corpus never mentions.
    unknown_names: tuple[str, ...] = ()
    corrections: dict[str, str] = field(default_factory=dict)  # typed -> used
    answer_type: AnswerType | None = None
    # The thing a "Siapa X ..."/"Apa X ..." question asks for (istri, warna,
    # alasan): the answer's paragraph must say it, not just its subject.
    focus: str | None = None
    # Read as English (through the bilingual dictionary).
    english: bool = False
    # The focus and the ordinary word after it when the corpus writes them
    # together ("presiden pertama", "peraih medali"): what is asked is the
    # phrase, not its words apart.
    focus_phrase: tuple[Group, Group] | None = None
    # Every word typed, function words included (surface forms): a tie-break.
    typed: tuple[str, ...] = ()

    # ``total_mass``, computed once (read for every candidate paragraph).
    _total_mass: float = field(default=0.0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        total = (
            sum(g.weight for g in self.groups) + sum(self.context_only.values()) + self.unknown_mass
        )
        object.__setattr__(self, "_total_mass", total)

    @property
    def weights(self) -> dict[int, float]:
        """Term column -> query weight, for scoring."""
        merged: dict[int, float] = {}
        for g in self.groups:
            for col, w in g.columns.items():
                merged[col] = max(merged.get(col, 0.0), w)
        return merged

    @property
    def total_mass(self) -> float:
        return self._total_mass


_SENTENCE_START = re.compile(r"(?:^|[.!?:\"'\u201c\u2018(]\s*)$")

_K = TypeVar("_K")
_V = TypeVar("_V")
# What the planner remembers per word is bounded (a memo is cleared when full).
_MEMO_SIZE = 100_000


def remember(memo: dict[_K, _V], key: _K, value: _V, size: int = _MEMO_SIZE) -> _V:
    """Store ``value`` under ``key`` in a memo holding at most ``size``
    entries (a full memo is cleared first) and return it."""
    if len(memo) >= size:
        memo.clear()
    memo[key] = value
    return value


def remembered(memo: dict[_K, _V], key: _K, work: Callable[[], _V]) -> _V:
    """``memo[key]``, worked out by ``work()`` and remembered the first time."""
    try:
        return memo[key]
    except KeyError:
        return remember(memo, key, work())


class Vocabulary:
    """What the planner knows of the corpus beyond the index's terms."""

    def __init__(
        self,
        index: Index,
        english: EnglishDictionary | None = None,
        policy: PlanningPolicy | None = None,
    ) -> None:
        self.index = index
        self.english = english
        self.policy = policy or PlanningPolicy()
        self._names: dict[str, bool] = {}
        self._pairs: dict[str, bool] = {}
        # Per word, what depends only on the word and the corpus: worked out
        # once, not on every question that types it.
        self._corrected: dict[str, str | None] = {}
        self._variants: dict[tuple[str, str], str | None] = {}
        self._spelled: dict[str, str | None] = {}
        self.options: dict[tuple[str, bool], tuple[tuple[int, ...], ...]] = {}
        self.stand_ins: dict[tuple[str, bool], str | None] = {}
        # The corpus's words (sorted by the index): membership by bisection,
        # typo candidates by first letter and length; nothing built at start.
        self.words = SortedWords(index.surface)
        # A cached index keeps the distinct context terms already (decoding every
        # article's set just to union them would undo its lazy loading).
        saved = getattr(index.article_context, "terms", None)
        self.context_terms: frozenset[str] = (
            frozenset(saved) if saved is not None else frozenset().union(*index.article_context)
        )
        stem = index.analyzer.stem
        self.synonyms: dict[str, frozenset[str]] = {}
        for group in QUERY_SYNONYMS:
            stems = frozenset(stem(w) for w in group)
            for s in stems:
                self.synonyms[s] = stems

    def correct(self, word: str) -> str | None:
        """The closest corpus word; among equally close ones, the one the
        corpus uses most (in a big corpus, rare near-words are often typos
        or names themselves: "mnet" beside "menit")."""
        return remembered(self._corrected, word, lambda: self._correct(word))

    def _correct(self, word: str) -> str | None:
        close = close_words(word, self.words.near(word, max_edits(word)))
        if not close:
            return None
        nearest = min(d for _, d in close)
        return max(
            (w for w, d in close if d == nearest),
            key=lambda w: (self.frequency(w), -len(w), [-ord(c) for c in w]),
        )

    def frequency(self, word: str) -> int:
        """Paragraphs holding ``word``'s term (0 if none)."""
        col = self.index.vocabulary.get(self.index.analyzer.stem(word))
        return 0 if col is None else int(self.index.df[col])

    def common_variant(self, word: str, stem: str) -> str | None:
        """A frequent corpus word that a rare, non-Indonesian ``word`` is
        probably a chat form or a misspelling of ("nyerang" -> "serang",
        "mneit" -> "menit"), or None."""
        return remembered(self._variants, (word, stem), lambda: self._common_variant(word, stem))

    def _common_variant(self, word: str, stem: str) -> str | None:
        col = self.index.vocabulary.get(stem)
        analyzer = self.index.analyzer
        if col is None:
            return None
        if analyzer.is_known_word(word):
            # A derived form the corpus never writes may be a slip on a
            # word it writes ("pesiang": pe- + siang, for "pesaing").
            if word in self.words or word == stem or analyzer.is_root_word(word):
                return None
            variant = self.correct(word)
            return variant if variant is not None and variant != word else None
        df = int(self.index.df[col])
        if df > self.policy.rare_df:
            return None
        for variant in (analyzer.colloquial_root(word), self.correct(word)):
            if variant is not None and self.frequency(variant) >= self.policy.common_ratio * df:
                return variant
        return None

    def transliteration(self, word: str) -> str | None:
        """The corpus's spelling of a foreign name typed another way
        ("sergey" -> "sergei"), or None."""
        return remembered(self._spelled, word, lambda: self._transliteration(word))

    def _transliteration(self, word: str) -> str | None:
        spellings = transliterations(word, TRANSLITERATIONS)
        return next((v for v in spellings if v in self.words), None)

    def written_together(self, first: Group, second: Group, sample: int | None = None) -> bool:
        """Whether some paragraph holding the rarer of two words writes them
        side by side ("Zhang Youxia"), read from a sample like ``is_name``
        (of ``sample`` paragraphs, default ``name_sample``)."""
        sample = sample or self.policy.name_sample
        key = f"{first.word} {second.word} {sample}"
        return remembered(self._pairs, key, lambda: self._together(first, second, sample))

    def _together(self, first: Group, second: Group, sample: int) -> bool:
        rarer = min((first, second), key=lambda g: -g.weight)
        col = min(rarer.columns, key=lambda c: -rarer.columns[c])
        rows = self.index.postings(col)
        step = max(1, len(rows) // sample)
        pattern = re.compile(
            rf"(?<![\w-]){re.escape(first.word)}\W{{1,3}}{re.escape(second.word)}(?![\w-])",
            re.IGNORECASE,
        )
        return any(pattern.search(self.index.text(int(row))) for row in rows[::step][:sample])

    def is_name(self, word: str, col: int) -> bool:
        """Whether the corpus writes ``word`` as a name: capitalised in most of
        its occurrences that do not start a sentence (read from a sample of
        the paragraphs holding its term, so it follows the corpus)."""
        return remembered(self._names, word, lambda: self._is_name(word, col))

    def _is_name(self, word: str, col: int) -> bool:
        rows = self.index.postings(col)
        step = max(1, len(rows) // self.policy.name_sample)
        caps = total = 0
        for text in self.index.texts(rows[::step][: self.policy.name_sample].tolist()):
            for start in whole_word_starts(text, word):
                if _SENTENCE_START.search(text[max(0, start - 3) : start]):
                    continue
                total += 1
                caps += text[start].isupper()
        return total > 0 and caps >= self.policy.name_ratio * total


def capitalised_words(text: str) -> set[str]:
    """Words written with a capital inside the sentence: names, as typed."""
    found = set()
    for i, w in enumerate(words(unicodedata.normalize("NFKC", text))):
        if i > 0 and w[:1].isupper():
            found.add(w.casefold())
    return found


# Words that, after "how", only say a quantity is asked ("how long did Putin
# speak", "how big is the trade"): the answer type says it, not a topic.
_HOW_QUANTITY = frozenset({"long", "far", "big", "large", "old", "often", "soon"})


def english_words(text: str, dictionary: EnglishDictionary | None = None) -> list[str] | None:
    """The content words of an English question, or None if it is not English.
    Consecutive words the dictionary holds as one entry ("prime minister",
    "air force", "joint venture") stay one phrase, longest first."""
    raw = list(words(normalize(text)))
    if not looks_english(raw):
        return None
    # "US", "UN" typed in capitals (in a question not all in capitals) are
    # names, not function words.
    typed = list(words(unicodedata.normalize("NFKC", text)))
    acronyms = {
        w.casefold()
        for w in typed
        if 1 < len(w) < 4 and w.isupper() and not all(t.isupper() for t in typed if t.isalpha())
    }
    content = [
        w
        for i, w in enumerate(raw)
        if (w not in ENGLISH_FUNCTION_WORDS or w in acronyms)
        and not (w in _HOW_QUANTITY and i > 0 and raw[i - 1] == "how")
    ]
    out: list[str] = []
    i = 0
    while i < len(content):
        for n in (3, 2, 1):
            phrase = " ".join(content[i : i + n])
            if n == 1 or (
                i + n <= len(content)
                and dictionary is not None
                and phrase in " ".join(raw)
                and dictionary.has(phrase)
            ):
                out.append(phrase)
                i += n
                break
    return out


def _english_options(
    index: Index, vocab: Vocabulary, word: str, name: bool
) -> list[tuple[int, ...]]:
    """Term columns of each Indonesian rendering of an English word, most
    common sense first: its dictionary translations (a phrase's words all
    together), then, for a name or a word the dictionary lacks, the word as
    typed (unless it is an ordinary English word) and its loanword spellings."""
    options = remembered(
        vocab.options, (word, name), lambda: _distinct_options(index, vocab, word, name)
    )
    return list(options)


def _distinct_options(
    index: Index, vocab: Vocabulary, word: str, name: bool
) -> tuple[tuple[int, ...], ...]:
    assert vocab.english is not None
    analyzer = index.analyzer
    options: list[tuple[int, ...]] = []
    for translation in vocab.english.translate(word):
        cols = [index.vocabulary.get(analyzer.stem(t)) for t in analyzer.query_words(translation)]
        found = tuple(c for c in cols if c is not None)
        if found and len(found) == len(cols):
            options.append(found)
    if name or not options:
        # As typed: a name, a word English lacks, or one Indonesian spells
        # alike ("material", "video"); not an English word the corpus holds
        # only in English passages ("conduct" of "Code of Conduct").
        own = [word] if name or not is_english_word(word) or analyzer.is_known_word(word) else []
        # Another spelling only for a word the corpus lacks, as for Indonesian
        # ("Yuri" is not "juri" where the corpus writes Yuri).
        spelled = None if analyzer.stem(word) in index.vocabulary else vocab.transliteration(word)
        for form in (*own, *([spelled] if spelled else []), *cognates(word)):
            col = index.vocabulary.get(analyzer.stem(form))
            if col is not None:
                options.append((col,))
    return tuple(dict.fromkeys(options))


def english_anchors(
    index: Index, vocab: Vocabulary, query_words: list[str], capitalised: set[str]
) -> npt.NDArray[np.int32] | None:
    """Articles holding any of an English question's names: where its other
    words' senses are read from. None when it names nothing."""
    rows = [
        index.postings(col)
        for w in query_words
        if w in capitalised
        for option in _english_options(index, vocab, w, name=True)
        for col in option
    ]
    articles = np.asarray(index.refs.article)
    return np.unique(articles[np.concatenate(rows)]) if rows else None


def english_columns(
    index: Index,
    vocab: Vocabulary,
    word: str,
    name: bool,
    anchors: npt.NDArray[np.int32] | None,
    policy: PlanningPolicy,
) -> list[tuple[str, dict[int, float]]]:
    """What counts as an English word in the corpus, as (label, term columns
    with weights), the word's own label first; read from corpus evidence. The
    rendering found in most articles naming the question's names (or, for a
    name or a question without one, in most paragraphs) is the word's sense
    and sets its weight; other renderings found at least ``english_keep``
    times as often count too, at a discount and never for more than it. A
    rendering of several words ("menteri pertahanan") counts by its rarest
    word, and each other word of it is asked for as well, labelled by itself."""
    options = _english_options(index, vocab, word, name)
    if not options:
        return []
    support = []
    for option in options:
        rows = index.postings(option[0])
        for col in option[1:]:
            rows = np.intersect1d(rows, index.postings(col), assume_unique=True)
        if anchors is not None and not name:
            near = np.unique(np.asarray(index.refs.article)[rows])
            support.append(int(np.count_nonzero(np.isin(near, anchors, assume_unique=True))))
        else:
            support.append(len(rows))
    best = max(range(len(options)), key=lambda i: (support[i], -i))
    if not support[best]:
        # No rendering occurs near the question's names ("joint" -> sendi,
        # the body's joint): the dictionary has not got this sense.
        return []
    by_idf = sorted(options[best], key=lambda c: -float(index.idf[c]))
    top = by_idf[0]
    cap = float(index.idf[top])
    cols: dict[int, float] = {top: cap}
    for i, option in enumerate(options):
        if i == best or support[i] < policy.english_keep * support[best] or not support[i]:
            continue
        col = max(option, key=lambda c: float(index.idf[c]))
        factor = 1.0 if name else policy.variant_weight
        cols.setdefault(col, min(float(index.idf[col]), cap) * factor)
    parts = [(word, cols)]
    for col in by_idf[1:]:
        term = index.terms[col]
        if term != index.terms[top]:
            parts.append((term, {col: float(index.idf[col])}))
    return parts


def name_units(
    vocab: Vocabulary, groups: list[Group], corrections: dict[str, str] | None = None
) -> list[Group]:
    """Number the names (groups come in question order): adjacent name words
    that the corpus also writes together ("zhang youxia") share a unit;
    "kota sendara" does not. A corrected word is looked up as corrected
    ("xi jinpng" is "xi jinping")."""
    fixed = corrections or {}
    out: list[Group] = []
    unit = -1
    previous: Group | None = None
    for g in groups:
        if not g.name:
            out.append(g)
            continue
        joined = (
            previous is not None
            and previous.position >= 0
            and g.position == previous.position + 1
            and vocab.written_together(
                replace(previous, word=fixed.get(previous.word, previous.word)),
                replace(g, word=fixed.get(g.word, g.word)),
            )
        )
        if not joined:
            unit += 1
        out.append(replace(g, unit=unit))
        previous = g
    return out


# Question words whose next word names what is asked ("Siapa istri ...").
_FOCUS_AFTER = frozenset({"siapa", "siapakah", "apa", "berapa", "berapakah"})
# Words that only say "the name of" ("Siapa nama putri ..."): the focus is the next one.
_FOCUS_SKIP = frozenset({"nama", "namanya"})
# Words that only say "how much" after "berapa" ("Berapa jumlah kapal ..."):
# the thing counted or measured is the next one ("Berapa biaya ..." asks for
# a cost, and a paragraph without "biaya" does not give it).
_QUANTITY_SKIP = frozenset({"jumlah", "nilai", "banyak", "total", "besar", "besarnya"})


def focus_phrase(
    vocab: Vocabulary, focus: str | None, groups: list[Group]
) -> tuple[Group, Group] | None:
    """The focus group and the next one, when that is an ordinary word
    written right after it in the question and in the corpus."""
    at = next((i for i, g in enumerate(groups) if g.word == focus), None)
    if at is None or at + 1 >= len(groups):
        return None
    first, second = groups[at], groups[at + 1]
    if second.name or second.position != first.position + 1:
        return None
    if not vocab.written_together(first, second, vocab.policy.phrase_sample):
        return None
    return first, second


def question_focus(typed: list[str], groups: list[Group]) -> str | None:
    """The word right after an opening "siapa"/"apa", when it is an ordinary
    word of the question (not a name, not a function word)."""
    if not typed or typed[0] not in _FOCUS_AFTER:
        return None
    skip = _FOCUS_SKIP | _QUANTITY_SKIP if typed[0].startswith("berapa") else _FOCUS_SKIP
    rest = [w for w in typed[1:] if w not in skip]
    if not rest:
        return None
    group = next((g for g in groups if g.word == rest[0]), None)
    return None if group is None or group.name else group.word


def variant_of(index: Index, vocab: Vocabulary, word: str, *, english: bool) -> str | None:
    """A corpus word standing in for one the corpus lacks.

    Indonesian: the root of a colloquial form ("nyalahin" -> "salah"), else a
    close spelling, unless the word is a real root word ("kopi" stays
    unknown). English: a cognate spelled almost alike ("patrol" ~ "patroli").
    """
    return remembered(
        vocab.stand_ins, (word, english), lambda: _variant_of(index, vocab, word, english)
    )


def _variant_of(index: Index, vocab: Vocabulary, word: str, english: bool) -> str | None:
    analyzer = index.analyzer
    spelled = vocab.transliteration(word)
    if spelled is not None:
        return spelled
    if english:
        # Only onto an Indonesian word: "direct" is not "directv".
        found = (vocab.correct(lemma) for lemma in lemmas(word) if " " not in lemma)
        return next((w for w in found if w and analyzer.is_known_word(w)), None)
    root = analyzer.colloquial_root(word)
    if root is not None and analyzer.stem(root) in index.vocabulary:
        return root
    return None if analyzer.is_root_word(word) else vocab.correct(word)


def plan_query(index: Index, vocab: Vocabulary, text: str, policy: PlanningPolicy) -> QueryPlan:
    analyzer = index.analyzer
    english = english_words(text, vocab.english) if vocab.english is not None else None
    query_words = english if english is not None else analyzer.query_words(text)
    groups: list[Group] = []
    context_only: dict[str, float] = {}
    unknown: list[str] = []
    unknown_names: list[str] = []
    unknown_mass = 0.0
    corrections: dict[str, str] = {}
    capitalised = capitalised_words(text)
    typed = list(words(normalize(text))) if english is not None else analyzer.surface_words(text)
    positions: dict[str, int] = {}
    for i, t in enumerate(typed):
        positions.setdefault(t, i)

    def columns(stem: str, factor: float) -> dict[int, float]:
        """The word's own column and its synonyms' (at a discount)."""
        cols: dict[int, float] = {}
        col = index.vocabulary.get(stem)
        if col is not None:
            cols[col] = float(index.idf[col]) * factor
        for other in vocab.synonyms.get(stem, ()):
            c = index.vocabulary.get(other)
            if c is not None and c not in cols:
                cols[c] = float(index.idf[c]) * factor * policy.variant_weight
        return cols

    translated: dict[str, dict[int, float]] = {}
    if english is not None:
        # A phrase typed with capitals ("United States") is a name.
        capitalised |= {p for p in english if all(x in capitalised for x in p.split())}
        # An English word before a name ("General Zhang", "President Putin")
        # is a title: read through the dictionary like any other word.
        capitalised -= {
            w
            for w, after in itertools.pairwise(english)
            if w in capitalised and after in capitalised and is_english_word(w)
        }
        if vocab.english is not None:
            # Names ("Putin") pass through; other words are read through the
            # dictionary, each in the sense its corpus uses near the names.
            anchors = english_anchors(index, vocab, english, capitalised)
            expanded: list[str] = []
            for w in dict.fromkeys(english):
                said = vocab.english.translate(w)
                if said and not any(analyzer.query_words(t) for t in said):
                    continue  # a function word in Indonesian too ("between" -> antara)
                for label, cols in english_columns(
                    index, vocab, w, w in capitalised, anchors, policy
                ) or [(w, {})]:
                    translated.setdefault(label, cols)
                    expanded.append(label)
            query_words = expanded
    for w in dict.fromkeys(query_words):
        stem = analyzer.stem(w)
        if english is not None and vocab.english is not None:
            cols = dict(translated[w])
        else:
            cols = columns(stem, 1.0)
        if not cols:
            variant = variant_of(index, vocab, w, english=english is not None)
            if variant is not None:
                corrections[w] = variant
                cols = columns(analyzer.stem(variant), policy.variant_weight)
        elif english is None and w not in capitalised:
            # A big corpus holds typos too ("mneit", "tagnan"): a word it
            # barely knows that is one slip away from a common one reads as both.
            variant = vocab.common_variant(w, stem)
            if variant is not None:
                corrections[w] = variant
                for col, weight in columns(analyzer.stem(variant), policy.variant_weight).items():
                    cols.setdefault(col, weight)
        if cols:
            own = index.vocabulary.get(analyzer.stem(corrections.get(w, w)))
            # Typed with a capital, or written as a name by the corpus, unless
            # it is an Indonesian root word (titles, months, "bantah" opening
            # a headline): those are names only when the question says so.
            name = w in capitalised or (
                own is not None
                and not analyzer.is_root_word(w)
                # An ordinary English word is no name, whatever the corpus's
                # English titles ("Code of Conduct") capitalise.
                and (english is None or not is_english_word(w))
                and vocab.is_name(corrections.get(w, w), own)
            )
            title = name and analyzer.is_root_word(w)
            groups.append(
                Group(w, cols, max(cols.values()), name, positions.get(w, -1), title=title)
            )
        elif stem in vocab.context_terms:
            context_only[stem] = index.max_idf
        else:
            unknown.append(w)
            if w in capitalised:
                factor = policy.unknown_capitalised
                unknown_names.append(w)
            elif english is not None:
                factor = policy.unknown_english
            elif analyzer.is_known_word(w):
                factor = policy.unknown_word
            else:
                factor = policy.unknown_name
            unknown_mass += factor * index.max_idf
    groups = name_units(vocab, groups, corrections)
    focus = question_focus(typed, groups)
    return QueryPlan(
        focus=focus,
        focus_phrase=focus_phrase(vocab, focus, groups),
        words=tuple(query_words),
        groups=tuple(groups),
        context_only=context_only,
        unknown=tuple(unknown),
        unknown_mass=unknown_mass,
        unknown_names=tuple(unknown_names),
        corrections=corrections,
        answer_type=(
            "list" if english is not None and asks_for_list(typed) else expected_type(typed)
        ),
        english=english is not None,
        typed=tuple(typed),
    )
