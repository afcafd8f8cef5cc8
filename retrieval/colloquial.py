"""Jakarta colloquial verb forms -> standard Indonesian roots.

Chat Indonesian builds verbs as nasal prefix + root + "-in" ("nyalahin" for
"menyalahkan", "ngakuin" for "mengakui", "doain" for "mendoakan") and shifts
a final "a" to "e" ("dateng", "tetep"). The stemmer knows none of these, so
we undo the pattern — but only when the result is a real root word, which
keeps ordinary words ("ingin", "angin", "dingin") untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

# Nasal prefixes of colloquial verbs and the root's first letter they replace
# ("ny" + alahin -> s + alah, "n" + anya -> t + anya, "m" + ukul -> p + ukul).
_PREFIXES: tuple[tuple[str, str], ...] = (
    ("nge", ""),
    ("ng", ""),
    ("ng", "k"),
    ("ny", "s"),
    ("ny", "c"),
    ("m", "p"),
    ("n", "t"),
)


def _with_prefixes(stem: str) -> Iterator[str]:
    yield stem
    for prefix, initial in _PREFIXES:
        if stem.startswith(prefix) and len(stem) - len(prefix) >= 3:
            yield initial + stem[len(prefix) :]


def _final_e_to_a(word: str) -> str | None:
    """ "dateng" -> "datang": the last vowel e of a closed final syllable."""
    i = word.rfind("e")
    if i <= 0 or i < len(word) - 3 or i == len(word) - 1:
        return None
    return word[:i] + "a" + word[i + 1 :]


def standard_root(word: str, is_root: Callable[[str], bool]) -> str | None:
    """The standard root behind a colloquial form, or None if there is none."""
    candidates: list[str] = []
    if word.endswith("in") and len(word) >= 5:
        candidates.extend(_with_prefixes(word[:-2]))
    candidates.extend(list(_with_prefixes(word))[1:])
    for c in [*candidates, word]:
        shifted = _final_e_to_a(c)
        if shifted:
            candidates.append(shifted)
    for c in candidates:
        if len(c) >= 3 and is_root(c):
            return c
    return None
