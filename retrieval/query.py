"""Query planning: from the words a person typed to weighted term groups.

Each informative query word becomes one *group*: the term columns that count
as that word in a paragraph (its stem, or a corrected typo, a colloquial
form's root, or a synonym of news prose), with one weight. Words the corpus
does not contain stay in the plan as unknown mass, so that a question about
something the corpus never mentions can be declined.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from retrieval.english import FUNCTION_WORDS as ENGLISH_FUNCTION_WORDS
from retrieval.english import EnglishDictionary, lemmas, looks_english
from retrieval.index import Index
from retrieval.lexicon import QUERY_SYNONYMS
from retrieval.qtype import AnswerType, expected_type
from retrieval.text import normalize, words
from retrieval.typo import correct


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
    unknown_english: float = 0.5


@dataclass(frozen=True, slots=True)
class Group:
    word: str
    columns: dict[int, float]  # term column -> scoring weight
    weight: float  # what covering this word is worth


@dataclass(frozen=True, slots=True)
class QueryPlan:
    words: tuple[str, ...]  # informative query words (surface forms)
    groups: tuple[Group, ...]
    # Words found only in articles' titles, outlets or dates: term -> weight.
    context_only: dict[str, float] = field(default_factory=dict)
    unknown: tuple[str, ...] = ()
    unknown_mass: float = 0.0
    corrections: dict[str, str] = field(default_factory=dict)  # typed -> used
    answer_type: AnswerType | None = None

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
        return (
            sum(g.weight for g in self.groups) + sum(self.context_only.values()) + self.unknown_mass
        )


class Vocabulary:
    """What the planner knows of the corpus beyond the index's terms."""

    def __init__(self, index: Index, english: EnglishDictionary | None = None) -> None:
        self.english = english
        self.buckets: dict[str, list[str]] = defaultdict(list)
        for w in index.surface:
            if w.isalpha():
                self.buckets[w[0]].append(w)
        self.context_terms: frozenset[str] = frozenset().union(*index.article_context)
        stem = index.analyzer.stem
        self.synonyms: dict[str, frozenset[str]] = {}
        for group in QUERY_SYNONYMS:
            stems = frozenset(stem(w) for w in group)
            for s in stems:
                self.synonyms[s] = stems

    def correct(self, word: str) -> str | None:
        return correct(word, self.buckets.get(word[:1], ()))


def capitalised_words(text: str) -> set[str]:
    """Words written with a capital inside the sentence: names, as typed."""
    found = set()
    for i, w in enumerate(words(unicodedata.normalize("NFKC", text))):
        if i > 0 and w[:1].isupper():
            found.add(w.casefold())
    return found


def english_words(text: str) -> list[str] | None:
    """The content words of an English question, or None if it is not English."""
    raw = list(words(normalize(text)))
    if not looks_english(raw):
        return None
    return [w for w in raw if w not in ENGLISH_FUNCTION_WORDS]


def variant_of(index: Index, vocab: Vocabulary, word: str, *, english: bool) -> str | None:
    """A corpus word standing in for one the corpus lacks.

    Indonesian: the root of a colloquial form ("nyalahin" -> "salah"), else a
    close spelling, unless the word is a real root word ("kopi" stays
    unknown). English: a cognate spelled almost alike ("patrol" ~ "patroli").
    """
    analyzer = index.analyzer
    if english:
        return next(filter(None, map(vocab.correct, lemmas(word))), None)
    root = analyzer.colloquial_root(word)
    if root is not None and analyzer.stem(root) in index.vocabulary:
        return root
    return None if analyzer.is_root_word(word) else vocab.correct(word)


def plan_query(index: Index, vocab: Vocabulary, text: str, policy: PlanningPolicy) -> QueryPlan:
    analyzer = index.analyzer
    english = english_words(text) if vocab.english is not None else None
    query_words = english if english is not None else analyzer.query_words(text)
    groups: list[Group] = []
    context_only: dict[str, float] = {}
    unknown: list[str] = []
    unknown_mass = 0.0
    corrections: dict[str, str] = {}
    capitalised = capitalised_words(text)

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

    for w in dict.fromkeys(query_words):
        stem = analyzer.stem(w)
        cols = columns(stem, 1.0)
        if english is not None and vocab.english is not None:
            # Names ("Putin") match as typed; any translation may match too,
            # through the same aliases as Indonesian text.
            for indonesian in vocab.english.translate(w):
                for t in analyzer.surface_words(indonesian):
                    for col, weight in columns(analyzer.stem(t), 1.0).items():
                        cols.setdefault(col, weight)
        if not cols:
            variant = variant_of(index, vocab, w, english=english is not None)
            if variant is not None:
                corrections[w] = variant
                cols = columns(analyzer.stem(variant), policy.variant_weight)
        if cols:
            groups.append(Group(w, cols, max(cols.values())))
        elif stem in vocab.context_terms:
            context_only[stem] = index.max_idf
        else:
            unknown.append(w)
            if w in capitalised:
                factor = policy.unknown_capitalised
            elif english is not None:
                factor = policy.unknown_english
            elif analyzer.is_known_word(w):
                factor = policy.unknown_word
            else:
                factor = policy.unknown_name
            unknown_mass += factor * index.max_idf
    return QueryPlan(
        words=tuple(query_words),
        groups=tuple(groups),
        context_only=context_only,
        unknown=tuple(unknown),
        unknown_mass=unknown_mass,
        corrections=corrections,
        answer_type=expected_type(
            list(words(normalize(text))) if english is not None else analyzer.surface_words(text)
        ),
    )
