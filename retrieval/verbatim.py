"""A tie-break among candidates that hold the question equally well.

Stemming makes "berlogika", "logikanya" and "logis" one term, which is what
lets a question find a paragraph that words it differently. But when several
candidate paragraphs hold the same words of the question (the same groups,
in the paragraph or its article) and only their TF-IDF scores differ, the
one that holds the question's words exactly as typed is the likelier target:
in a big archive, common stems occur everywhere, and the typed forms ("the
rarer surface forms") are what tell the paragraphs apart. So, within each
set of candidates whose ranking value without the TF-IDF part is equal, those
with more of the typed words (whole words, any case, clitics aside) come
first, then those with more of the other words typed (function words the
planner leaves out: "kenapa", "terima", "tentang"); the positions that set
holds in the ranking stay the same, and so does the order of everything else.
The first candidate, the one an answer is grounded on and cites, is chosen by
the ranking value alone and keeps its place: the tie-break orders the other
results (the alternatives a reader is shown).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TypeVar

from retrieval.lexicon import CLITICS
from retrieval.wordlist import whole_word_at

C = TypeVar("C")


def typed_words_in(text: str, words: Sequence[str]) -> int:
    """How many of ``words`` (lower case) ``text`` holds as whole words, alone
    or with a clitic ("tidak" in "tidaklah": the planner reads the question's
    words without theirs, as the index reads the paragraphs')."""
    return _counted(text, text.lower(), words)


def _counted(text: str, lowered: str, words: Sequence[str]) -> int:
    if len(lowered) != len(text):
        return sum(1 for w in words if w and _pattern(w).search(text))
    return sum(1 for w in words if w and _has_whole(text, lowered, w))


@lru_cache(maxsize=256)
def _pattern(word: str) -> re.Pattern[str]:
    clitics = "|".join(map(re.escape, CLITICS))
    return re.compile(rf"(?<![\w-]){re.escape(word)}(?:{clitics})?(?![\w-])", re.IGNORECASE)


def _has_whole(text: str, lowered: str, word: str) -> bool:
    """``word`` occurs in ``text`` as a whole word or with a clitic
    (``lowered`` is ``text.lower()``, of the same length)."""
    return next(whole_word_at(text, lowered, word, CLITICS), None) is not None


def by_typed_words(
    ranked: list[C],
    tie: Callable[[C], float],
    text: Callable[[C], str],
    words: Sequence[str],
    shown: int | None = None,
    also: Sequence[str] = (),
) -> list[C]:
    """``ranked`` (best first) with each set of candidates after the first
    sharing a ``tie`` value reordered by how many typed ``words`` their
    ``text`` holds, then how many of the other typed words ``also`` (more
    first; the earlier first among equals), in the places the set holds.
    With ``shown``, only sets with a member among the first ``shown`` places
    are looked at (the others are never read)."""
    if len(ranked) < 3 or not (words or also):
        return ranked
    others = [w for w in dict.fromkeys(also) if w not in words]
    places: dict[float, list[int]] = {}
    for at in range(1, len(ranked)):
        places.setdefault(tie(ranked[at]), []).append(at)
    out = list(ranked)
    for at_list in places.values():
        if len(at_list) < 2 or (shown is not None and at_list[0] >= shown):
            continue
        counts = _tie_counts([text(ranked[at]) for at in at_list], words, others)
        if len(set(counts)) < 2:
            continue
        order = sorted(range(len(at_list)), key=lambda i: (-counts[i][0], -counts[i][1], i))
        for place, i in zip(at_list, order, strict=True):
            out[place] = ranked[at_list[i]]
    return out


def _tie_counts(
    texts: Sequence[str], words: Sequence[str], others: Sequence[str]
) -> list[tuple[int, int]]:
    """(typed ``words`` held, ``others`` held) per text; the second only
    where another text holds as many of ``words`` (else 0: it cannot matter)."""
    lowered = [t.lower() for t in texts]
    first = [_counted(t, low, words) for t, low in zip(texts, lowered, strict=True)]
    if not others:
        return [(n, 0) for n in first]
    tied = {n for n, times in Counter(first).items() if times > 1}
    return [
        (n, _counted(t, low, others) if n in tied else 0)
        for t, low, n in zip(texts, lowered, first, strict=True)
    ]
