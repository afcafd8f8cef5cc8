"""Expected answer types: "kapan" wants a date, "berapa" a number, "di mana" a place.

A paragraph that contains an expression of the expected type is a better
answer than one that merely repeats the question's words: "Kapan Putin
bertemu Li?" is answered by "Pertemuan ... pada Minggu, 16 April 2023", not
by the paragraph that says they met.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

AnswerType = Literal["date", "number", "place", "list"]

_MONTHS = (
    "januari februari maret april mei juni juli agustus september oktober november desember "
    "jan feb mar apr jun jul agu agt sep okt nov des dec"
).split()
_DATE_WORDS = [
    *_MONTHS,
    *"senin selasa rabu kamis jumat sabtu minggu".split(),
    *"kemarin lusa besok pekan bulan tahun abad musim era sejak hingga sampai".split(),
]
DATE = re.compile(
    r"\b(?:"
    + "|".join(_DATE_WORDS)
    + r")\b|\b(?:19|20)\d\d\b|\(\d{1,2}/\d{1,2}\)|\b\d{1,2}/\d{1,2}\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = (
    "satu dua tiga empat lima enam tujuh delapan sembilan sepuluh sebelas belas puluh "
    "puluhan ratus ratusan ribu ribuan juta jutaan miliar triliun persen setengah separuh"
).split()
NUMBER = re.compile(r"\d|\b(?:" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)
# Digits that belong to a date are not the quantity "berapa" asks for.
_DATE_DIGITS = re.compile(
    r"\(?\b\d{1,2}/\d{1,2}\b\)?|\b\d{1,2}\s+(?:" + "|".join(_MONTHS) + r")\b|\b(?:19|20)\d\d\b",
    re.IGNORECASE,
)

# "di Novo-Ogaryovo", "ke Beijing", "di sela-sela KTT": a preposition of place
# followed by a name (case-sensitive: names are capitalised in news text).
PLACE = re.compile(r"\b(?:[Dd]i|[Kk]e|[Dd]ari) (?:sela-sela |luar |dalam )?[A-Z][\w-]+")

# "Rusia, China, dan Iran", "142 kapal Vietnam, 76 kapal Filipina, 49 kapal
# Malaysia": an enumeration of at least three items, or two joined by "dan".
_ITEM = r"[\w-]+(?: [\w-]+){0,3}"
LIST = re.compile(
    rf"{_ITEM}, {_ITEM}(?:, {_ITEM})*,? (?:dan|serta) [\w-]+|{_ITEM}, {_ITEM}, {_ITEM}"
)

_PATTERNS: dict[AnswerType, re.Pattern[str]] = {
    "date": DATE,
    "number": NUMBER,
    "place": PLACE,
    "list": LIST,
}


def expected_type(words: Sequence[str]) -> AnswerType | None:
    """From the query's words (normalised, function words included)."""
    ws = set(words)
    if ws & {"kapan", "kapankah", "tanggal", "tahun", "when"} or {"sejak", "berapa"} <= ws:
        return "date"
    if ws & {"dimana", "kemana", "where", "lokasi"} or _asks_where(words):
        return "place"
    if ws & {"berapa", "berapakah", "seberapa", "jumlah"} or _asks_how_much(words):
        return "number"
    if _asks_which_ones(words):
        return "list"
    return None


def _asks_which_ones(words: Sequence[str]) -> bool:
    """ "apa saja", "siapa saja", "negara mana saja": a list is asked for."""
    return any(
        w == "saja" and i > 0 and words[i - 1] in {"apa", "siapa", "mana"}
        for i, w in enumerate(words)
    )


def _asks_how_much(words: Sequence[str]) -> bool:
    """ "how many", "how much", "how long", "how far" ask for a quantity;
    "how did Russia respond" asks for a description."""
    return any(
        w == "how" and i + 1 < len(words) and words[i + 1] in {"many", "much", "long", "far", "big"}
        for i, w in enumerate(words)
    )


def _asks_where(words: Sequence[str]) -> bool:
    """ "di mana", "ke mana", "di wilayah mana", "di kota mana" ..."""
    return any(
        w == "mana" and {"di", "ke"} & set(words[max(0, i - 2) : i]) for i, w in enumerate(words)
    )


def is_time_word(word: str) -> bool:
    """A number or a word of time ("2023", "tahun", "april"): it dates a
    subject, it is not one."""
    return word.isdigit() or DATE.fullmatch(word) is not None


def has_type(text: str, answer_type: AnswerType) -> bool:
    if answer_type == "number":
        text = _DATE_DIGITS.sub(" ", text)
    return _PATTERNS[answer_type].search(text) is not None
