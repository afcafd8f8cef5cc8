"""Turn a scraped news page into its title and body paragraphs.

Every non-blank line is a candidate paragraph (some pages separate paragraphs
with blank lines, some with single newlines; none wraps a paragraph across
lines). The pipeline, in order:

1. drop page furniture, one line at a time (ads, share widgets, reading time,
   related-link labels, bylines, wire credits, photo captions);
2. drop captions found from context (the line before a standalone ``Foto:``
   credit) and repeated lines (a caption printed twice goes entirely);
3. take date lines out as metadata;
4. split off the header block (headline, standfirst) before the first body line;
5. strip the dateline from the first body line and drop crossheads.

Only surrounding whitespace and the dateline are ever removed from a paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from retrieval.dates import parse_date

# Known outlet domains as printed in datelines (lower-cased) -> outlet name.
KNOWN_OUTLETS: dict[str, str] = {
    "republika.co.id": "Republika",
    "tempo.co": "Tempo",
    "kompas.com": "Kompas",
    "detik.com": "detikcom",
    "kumparan.com": "kumparan",
    "voi.id": "VOI",
    "liputan6.com": "Liputan6",
    "antaranews.com": "Antara",
    "okezone.com": "Okezone",
    "sindonews.com": "SINDOnews",
    "suara.com": "Suara",
    "tirto.id": "Tirto",
    "merdeka.com": "Merdeka",
    "jpnn.com": "JPNN",
    "cnnindonesia.com": "CNN Indonesia",
}

# Wire services: canonical name -> case-sensitive spelling(s) in running text.
KNOWN_WIRES: dict[str, str] = {
    "Reuters": r"Reuters|REUTERS",
    "AFP": r"AFP|Agence France-Presse",
    "AP": r"AP|Associated Press",
    "TASS": r"TASS|Tass",
    "Xinhua": r"Xinhua|XINHUA",
    "Bloomberg": r"Bloomberg|BLOOMBERG",
    "Al Jazeera": r"Al Jazeera|AL JAZEERA|Aljazeera",
    "Antara": r"Antara|ANTARA",
    "Sputnik": r"Sputnik|SPUTNIK",
    "Kyodo": r"Kyodo|KYODO",
    "Yonhap": r"Yonhap|YONHAP",
    "RIA Novosti": r"RIA Novosti",
}

_FINAL_PUNCTUATION = tuple(".!?…\"”’':;")
_CROSSHEAD_MAX_WORDS = 10
_DATE_LINE_MAX_WORDS = 8
_DATELINE_SEARCH_LINES = 10  # a dateline opens the body, so it sits near the top

_ADVERTISEMENT = re.compile(r"(?i)(advertisement|iklan|scroll to continue with content)")
_WIDGET_LABELS = frozenset(
    {"bagikan", "share", "komentar", "salin link", "salin tautan", "perbesar", "dengarkan"}
)
_READING_TIME = re.compile(r"(?i)(waktu baca \d+ menit|\d+ menit (waktu )?baca|\d+ min read)")
_RELATED_LINKS = re.compile(
    r"(?i)^(baca juga|berita lainnya|berita terkait|artikel terkait|pilihan editor|simak juga)\b"
)
_BYLINE = re.compile(r"(?i)^(rep|red|reporter|redaktur|editor|penulis)\s*:")
_SOURCE_CREDIT = re.compile(r"(?i)^(?:sumber|source)\s*:\s*(?P<names>.+)$")
_CREDIT_SEPARATORS = re.compile(r"\s*(?:[,/&|;]|\bdan\b|\band\b)\s*")
_FOTO_CREDIT = re.compile(r"(?i)(?:^|\s)foto\s*:\s*\S")
_STANDALONE_FOTO = re.compile(r"(?i)^foto\s*:")
# "(TASS/Sergei Bobylev via Kremlin)", "(ANTARA FOTO/Budi)"; "(23/12)" has no letters first.
_PAREN_PHOTO_CREDIT = re.compile(r"\([A-Z][A-Za-z .&-]*/[^()]+\)$")

_DASH = r"\s+[-–—]{1,2}\s+"
# "REPUBLIKA.CO.ID, MOSKOW –", "TEMPO.CO, Jakarta -", "KOMPAS.com -"
_DATELINE_WITH_OUTLET = re.compile(
    r"^(?P<outlet>[A-Za-z0-9]+(?:\.[A-Za-z]{2,3})+)"
    r"(?:\s*,\s*(?P<place>[A-Z][\w'.]*(?: [A-Z][\w'.]*){0,3}))?" + _DASH + r"(?P<rest>\S.*)$"
)
# "JAKARTA -": without an outlet the place must be in capitals, so an ordinary
# sentence with a dash is never taken for a dateline.
_DATELINE_PLACE_ONLY = re.compile(
    r"^(?P<place>[A-Z][A-Z'.]*(?: [A-Z][A-Z'.]*){0,3})" + _DASH + r"(?P<rest>\S.*)$"
)


@dataclass(frozen=True, slots=True)
class CleanedText:
    title: str | None
    paragraphs: tuple[str, ...]
    dateline_outlet: str | None
    dateline_place: str | None
    date: tuple[datetime, bool] | None  # from a date line: (aware datetime, has_time)
    wires_credited: tuple[str, ...]  # from standalone credits such as "sumber : Reuters"
    dropped: tuple[str, ...]  # every non-blank line that is not a paragraph, in order


@dataclass(frozen=True, slots=True)
class Dateline:
    outlet: str | None  # outlet name, e.g. "Republika"
    place: str | None
    rest: str  # the paragraph text after the dateline


# --- single-line predicates -------------------------------------------------


def ends_with_punctuation(line: str) -> bool:
    return line.endswith(_FINAL_PUNCTUATION)


def is_advertisement(line: str) -> bool:
    return _ADVERTISEMENT.fullmatch(line) is not None


def is_widget(line: str) -> bool:
    """Share-widget labels, icon names, counters and separators.

    A body paragraph is never a single token, so any one-token line without
    final punctuation (``comment``, ``1``, ``·``, ``copy-link-circle``) is one.
    """
    if line.rstrip(":").strip().lower() in _WIDGET_LABELS:
        return True
    return len(line.split()) == 1 and not ends_with_punctuation(line.rstrip(":"))


def is_reading_time(line: str) -> bool:
    return _READING_TIME.fullmatch(line) is not None


def is_related_links(line: str) -> bool:
    """``Baca Juga``, ``BACA JUGA: ...``, ``Berita Lainnya``, ``Pilihan Editor: ...``."""
    return _RELATED_LINKS.match(line) is not None


def is_byline(line: str) -> bool:
    return _BYLINE.match(line) is not None


def canonical_wire(name: str) -> str | None:
    """The canonical name of a known wire service, ignoring case."""
    cleaned = name.strip(" .()[]").casefold()
    for canonical, spellings in KNOWN_WIRES.items():
        if any(cleaned == s.casefold() for s in spellings.split("|")):
            return canonical
    return None


def wire_credit(line: str) -> tuple[str, ...] | None:
    """The wires a standalone credit names (``AL JAZEERA``, ``sumber : Reuters``)."""
    wire = canonical_wire(line)
    if wire is not None:
        return (wire,)
    match = _SOURCE_CREDIT.match(line)
    if match is None:
        return None
    names = [n.strip(" .") for n in _CREDIT_SEPARATORS.split(match["names"])]
    return tuple(canonical_wire(n) or n for n in names if n)


def is_caption(line: str) -> bool:
    """A photo caption that carries its own credit (``... Foto: X`` or ``... (X/Y)``)."""
    return _FOTO_CREDIT.search(line) is not None or (
        _PAREN_PHOTO_CREDIT.search(line) is not None and not ends_with_punctuation(line)
    )


def is_date_line(line: str) -> bool:
    """A short line that is a date, e.g. ``Jumat 17 Dec 2021 02:05 WIB``."""
    return (
        len(line.split()) <= _DATE_LINE_MAX_WORDS
        and not ends_with_punctuation(line)
        and parse_date(line) is not None
    )


def is_crosshead(line: str) -> bool:
    """A short sub-heading inside the body, e.g. ``Kemitraan Tanpa Batas``.

    Reported speech (double quotes) is body text even when the period is missing.
    """
    return (
        len(line.split()) <= _CROSSHEAD_MAX_WORDS
        and not ends_with_punctuation(line)
        and not any(q in line for q in '"“”')
    )


def outlet_name(domain: str) -> str:
    """``REPUBLIKA.CO.ID`` -> ``Republika``; unknown domains -> title-cased first label."""
    known = KNOWN_OUTLETS.get(domain.lower())
    return known if known is not None else domain.split(".")[0].title()


def parse_dateline(line: str) -> Dateline | None:
    match = _DATELINE_WITH_OUTLET.match(line)
    if match is not None:
        return Dateline(outlet_name(match["outlet"]), match["place"], match["rest"])
    match = _DATELINE_PLACE_ONLY.match(line)
    if match is not None:
        return Dateline(None, match["place"], match["rest"])
    return None


# --- the pipeline -----------------------------------------------------------

_FURNITURE: tuple[Callable[[str], bool], ...] = (
    is_advertisement,
    is_reading_time,
    is_related_links,
    is_byline,
    is_caption,
    is_widget,
)


def _caption_lines(lines: Sequence[str]) -> set[str]:
    """Captions: lines with their own credit, and the line before a ``Foto:`` line."""
    captions = {line for line in lines if is_caption(line)}
    for previous, line in pairwise(lines):
        if _STANDALONE_FOTO.match(line):
            captions.add(previous)
    return captions


def _split_header(lines: Sequence[str]) -> int:
    """Index of the first body line: the dateline if any, else the first sentence."""
    for i, line in enumerate(lines[:_DATELINE_SEARCH_LINES]):
        if parse_dateline(line) is not None:
            return i
    for i, line in enumerate(lines):
        if ends_with_punctuation(line):
            return i
    return 0


def clean_article(text: str) -> CleanedText:
    """Title, body paragraphs and header facts of one scraped page (see module doc)."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    captions = _caption_lines(lines)

    kept: list[int] = []  # indices into ``lines``
    wires: list[str] = []
    date: tuple[datetime, bool] | None = None
    seen: set[str] = set()
    for i, line in enumerate(lines):
        credit = wire_credit(line)
        if credit is not None:
            wires.extend(w for w in credit if w not in wires)
        elif line in captions or line in seen or any(rule(line) for rule in _FURNITURE):
            pass
        elif is_date_line(line):
            date = date or parse_date(line)
        else:
            kept.append(i)
            seen.add(line)

    start = _split_header([lines[i] for i in kept])
    title = lines[kept[0]] if start > 0 else None
    body = {i: lines[i] for i in kept[start:]}
    dateline = parse_dateline(body[kept[start]]) if body else None
    if dateline is not None:
        body[kept[start]] = dateline.rest
    paragraphs = {i: line for i, line in body.items() if not is_crosshead(line)}

    return CleanedText(
        title=title,
        paragraphs=tuple(paragraphs.values()),
        dateline_outlet=dateline.outlet if dateline else None,
        dateline_place=dateline.place if dateline else None,
        date=date,
        wires_credited=tuple(wires),
        dropped=tuple(line for i, line in enumerate(lines) if i not in paragraphs),
    )
