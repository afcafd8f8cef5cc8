"""The sorted word list: membership, and typo candidates that never miss a
word a brute-force scan of the whole vocabulary would find."""

from __future__ import annotations

import random
import re

from retrieval.typo import close_words, max_edits
from retrieval.wordlist import SortedWords, whole_word_starts


def _vocabulary(rng: random.Random) -> list[str]:
    letters = "aaabdegiklmnprstuyé"
    found = {"".join(rng.choice(letters) for _ in range(rng.randint(2, 14))) for _ in range(4000)}
    found |= {"covid19", "menginjak-injak", "rusia-china", "a"}
    return sorted(found)


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(len(word))
    c = rng.choice("abkmnstué")
    edit = rng.randrange(4)
    if edit == 0:
        return word[:i] + c + word[i + 1 :]
    if edit == 1:
        return word[:i] + c + word[i:]
    if edit == 2:
        return word[:i] + word[i + 1 :] or word
    return word[:i] + word[i + 1 : i + 2] + word[i : i + 1] + word[i + 2 :]


def test_typo_candidates_equal_a_scan_of_the_whole_vocabulary() -> None:
    rng = random.Random(7)
    vocabulary = _vocabulary(rng)
    words = SortedWords(tuple(vocabulary))
    alphabetic = [w for w in vocabulary if w.isalpha()]
    probes = rng.sample(vocabulary, 150)
    probes += [_typo(_typo(w, rng), rng) for w in probes] + ["menginjak", "zzzz", "é"]
    compared = 0
    for probe in probes:
        expected = sorted(close_words(probe, alphabetic))
        assert sorted(close_words(probe, words.near(probe, max_edits(probe)))) == expected
        compared += bool(expected)
    assert compared > 50  # most probes have close words: the comparison is not vacuous


def test_membership_by_bisection() -> None:
    words = SortedWords(("beijing", "moskow", "putin"))
    assert "moskow" in words and "putin" in words
    assert "mosko" not in words and "zz" not in words and 3 not in words
    assert len(words) == 3 and list(words) == ["beijing", "moskow", "putin"]


def test_whole_word_starts_are_the_regex_matches() -> None:
    rng = random.Random(11)
    pieces = [
        "Putin",
        "putin",
        "PUTIN",
        "putinisme",
        "-putin",
        "putin-",
        "di",
        "Rusia,",
        "(Putin)",
        "_putin",
        "\xa0",
        " ",
        ". ",
    ]
    texts = [
        "".join(rng.choice(pieces) + rng.choice(" ,.") for _ in range(rng.randint(0, 12)))
        for _ in range(300)
    ]
    texts += ["İstanbul putin"]  # lower() changes the length: the regex decides
    found = 0
    for text in texts:
        for word in ("putin", "rusia", "di"):
            pattern = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", re.IGNORECASE)
            expected = [m.start() for m in pattern.finditer(text)]
            assert whole_word_starts(text, word) == expected
            found += len(expected)
    assert found > 300
