"""Turn a scraped news page into its title and body paragraphs.

Every non-blank line is a candidate paragraph (some pages separate paragraphs
with blank lines, some with single newlines). The pipeline, in order:

1. normalise each line (HTML entities decoded, leftover tags removed) and rejoin
   lines a scraper broke at every link ("Jakarta / - / Luna Maya / ternyata ...");
2. drop page furniture, one line at a time (ads, share widgets, reading time,
   related-link labels and the link bullets under them, bylines, wire credits,
   photo captions, subscription prompts, tag lists, copyright footers); the
   patterns that vary by outlet are data in :data:`FURNITURE_PATTERNS`, the
   outlets and their dateline spellings are data in ``retrieval/data/outlets.toml``;
3. drop captions found from context (the line before a standalone ``Foto:``
   credit) and repeated lines (a caption printed twice goes entirely);
4. take date lines in the header out as metadata (a "Diperbarui" date only when
   no publication date is printed, and then marked as such);
5. split off the header block (headline, standfirst) before the first body line
   and take the title from it (never from furniture; ``None`` when there is none);
6. strip the dateline from the first body line and drop crossheads;
7. cut inline "(Baca juga: ...)" notes out, and split a paragraph that holds a
   whole page (no line breaks) at sentence boundaries, a few sentences each.

Apart from that, only surrounding whitespace, leftover HTML and the space missing
after a glued full stop (``ulasannya.Di``) are ever changed: modulo whitespace,
every paragraph is a piece of the input.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from itertools import pairwise

from retrieval.dates import find_date
from retrieval.outlets import DOMAIN_PATTERN, registry

_FINAL_PUNCTUATION = tuple(".!?…\"”’':;")
_CROSSHEAD_MAX_WORDS = 10
_DATE_LINE_OTHER_WORDS = 3  # words besides the date itself ("Diperbarui", "Kompas.com")
_DATELINE_SEARCH_LINES = 10  # a dateline opens the body, so it sits near the top
_SENTENCES_BEFORE_DATELINE = 2  # a standfirst (sometimes printed twice) may precede it
_TITLE_MIN_WORDS = 3  # shorter header lines are section labels ("Timnas Indonesia")
_TITLE_MAX_WORDS = 40
_TITLE_FULL_WORDS = 5
_TWO_PART_HEADLINE_WORDS = 12
_HEADLINE_MAX_WORDS = 25
_STANDFIRST_MAX_WORDS = 25
_CAPTION_MAX_WORDS = 30
_SENTENCE_INSIDE = re.compile(r"[a-z0-9]{2}\. [A-Z]")
_RELATED_BULLETS_MAX = 8  # link lines under one "Baca juga" label
_RELATED_BULLET_MAX_WORDS = 25
_LONG_PARAGRAPH_CHARS = 1200  # longer paragraphs are whole pages without line breaks
_SENTENCES_PER_PARAGRAPH = 3
_QUOTE_MAX_CHARS = 1500

# Whole-line furniture, case-insensitive, matched at the start of a line. These
# vary by outlet, so they are a table (add a row for a new outlet's prompt).
FURNITURE_PATTERNS: tuple[str, ...] = (
    r"advertisement$|iklan$|scroll to continue with content$|scroll (?:ke|to) (?:bawah|down)\b",
    r"loading\s*\.*$|memuat\s*\.*$|next article$|previous article$|artikel selanjutnya$",
    r"baca berita tanpa iklan|gabung kompas\.com\+|(?:ber)?langganan\b[^.]{0,60}$",
    r".{0,60}\b(?:whatsapp|wa) channel\b|.{0,80}\bgoogle news\b|.{0,80}\bgrup telegram\b",
    r"dapatkan (?:update|berita|informasi)\b|download aplikasi|unduh aplikasi",
    r"(?:ikuti|follow|simak) (?:kami|berita|juga|update|akun|channel)\b.{0,80}"
    r"(?:instagram|twitter|facebook|tiktok|youtube|whatsapp|telegram|google)",
    r".{0,80}#jernihberkomentar|syarat (?:&|dan) ketentuan",
    r"(?:copyright|hak cipta)\b|©|.{0,60}\ball rights reserved",
    r"(?:artikel|berita) ini (?:telah|sudah) (?:tayang|terbit|dipublikasikan)\b",
    r"(?:lihat|simak|tonton|saksikan) (?:juga\b|(?:video|live|foto|infografis)\b)",
    r"video\s*:|\[?\s*gambas\s*:",
    r"(?:tags?|topik|kata kunci|keywords?)\s*(?::|$)",
    r"(?:share|bagikan|komentar|comments?|tulis komentar|kirim)\s*(?::|$)",
    r"(?:klik|click) (?:di ?sini|here|untuk)\b",
    r"baca (?:artikel|berita)\b.{0,40}\blainnya di\b",  # "Baca artikel X lainnya di X App"
    r"(?:halaman|page) (?:selanjutnya|berikutnya|\d+)\b.{0,20}$|\d+ dari \d+ halaman$",
    r"(?:ilustrasi|foto ilustrasi)\s*[.:]",
    r"date \d{4}(?:-\d{2}){0,2}\b",  # a scraper's own "date 2024-05" label
    r"(?:logo|selamat datang)\b[^.]{0,50}$|pilih (?:jaringan|kanal|kategori|wilayah)\b",
    r".{0,40}\bnews portal$",
    r"terverifikasi\b.{0,60}dewan pers|.{0,30}\btanpa iklan\b|nikmati berita\b",
    r"\d\.\s*buka (?:konten|menu|situs)\b|saran dan pesan redaksi|kumpulan berita\b",
    r"kami membuka kesempatan bagi anda\b|isi komentar\b|advertorial\b|sponsored\b",
    r"konten (?:di bawah ini )?disajikan oleh",
    r"tangkap layar\b|\([A-Z][\w.' -]{2,40}\)$|.{0,40}\b(?:coba )?simak video\b",
    r".*\|\s*$|!\[|-{3,}",  # leftover table cells and markdown images
    # breadcrumbs: "Home > Daerah", "Beranda Headline Lebak …", "Home Blog Page 4520"
    r"(?:home|beranda)(?:\s*[>»/|›]?\s*(?:(?-i:[A-Z0-9])[\w-]*|…|\.{3})){1,8}$",
    # a ticker of other headlines run together after its label
    r"(?:berita terbaru|berita terkini|breaking news|news ticker|hot news|info terkini)\b"
    r"\s*:?\s*(?-i:[A-Z0-9\"“]).{40,}",
    r"\[caption\b|.*\[/caption\]$",  # a WordPress caption shortcode left in the text
    r"lebih baru\s*lebih lama$|posting (?:lebih )?(?:baru|lama)$",  # Blogger's pager
    r"alamat email anda tidak akan dipublikasikan\b|tinggalkan (?:balasan|komentar)\b",
    # another story's teaser: rubric, age and headline run together ("Kuliner3 months agoWarung")
    r".{0,60}?\d+\s*(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?) ago(?-i:[A-Z])",
    r".{0,60}?\d+\s*(?:detik|menit|jam|hari|minggu|bulan|tahun) (?:yang )?lalu(?-i:[A-Z])",
    # a notice in capitals: "JIKA MENEMUKAN BERITA ... SEGERA HUBUNGI 0813 ... (Chat WhatsApp)"
    r"(?-i:[A-Z0-9 ,.:;!?'\"()/-]{20,}\b(?:HUBUNGI|KLIK|KUNJUNGI)\b).*",
)
_FURNITURE_LINE = re.compile("|".join(f"(?:{p})" for p in FURNITURE_PATTERNS), re.IGNORECASE)

# Labels that head a list of links to other stories; the list goes with them.
_RELATED_LABEL = re.compile(
    r"(?i)^\(?(?:baca juga|baca pula|simak juga|lihat juga|berita lainnya|berita terkait"
    r"|artikel terkait|pilihan editor|rekomendasi|terpopuler|berita populer|populer"
    r"|baca selengkapnya|artikel lainnya|berita pilihan|topik pilihan|tags?|topik"
    r"|menarik dibaca|selanjutnya|sebelumnya|berita selanjutnya|baca berita|cek berita"
    r"|baca (?:artikel |berita )?lainnya"
    r"|(?:baca|simak|lihat)(?=\s*:))\b"
)
_BULLET = re.compile(r"^[•·*»►▶◆■\-–]\s*")
_WIDGET_LABELS = frozenset(
    {"bagikan", "share", "komentar", "salin link", "salin tautan", "perbesar", "dengarkan"}
)
_READING_TIME = re.compile(r"(?i)(waktu baca \d+ menit|\d+ menit (waktu )?baca|\d+ min read)")

# Bylines and credits: "Penulis: X | Editor: Y", "Rep: X/ Red: Y", "Sumber: Reuters".
_AUTHOR_LABELS = r"penulis|reporter|rep|pewarta|wartawan|jurnalis|kontributor|oleh|laporan"
_CREDIT_LABELS = (
    _AUTHOR_LABELS + r"|editor|redaktur|red|penyunting|editor foto|fotografer|foto|videografer"
    r"|sumber|source|copy ?editor|publisher"
)
_CREDIT_FIELD = re.compile(
    rf"(?i)(?:^|[|/]\s*|\s)(?P<label>{_CREDIT_LABELS})\s*:\s*(?P<value>[^|:]*?)"
    rf"(?=\s*(?:\||$|/?\s*\b(?:{_CREDIT_LABELS})\s*:))"
)
# "Penulis: X", and joined labels: "Penulis/Fotografer: X", "Teks & Foto: X"
_BYLINE = re.compile(
    rf"(?i)^(?:{_CREDIT_LABELS}|teks)(?:\s*[/&,]\s*(?:{_CREDIT_LABELS}|teks))*\s*:"
)
# "Laporan Wartawan Tribunnews.com, Nama Wartawan", "Laporan Reporter Tribun Jateng, Nama"
_TRIBUN_BYLINE = re.compile(
    r"(?i)^laporan (?:wartawan|reporter|koresponden|kontributor)[^,]{0,40},\s*(?P<name>[^,|]+)$"
)
# "Oleh Syamsuddin Hasan" standing alone above the story.
_OLEH_BYLINE = re.compile(r"^[Oo]leh\s+(?P<name>[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,4})$")
_SIGNED_BYLINE = re.compile(
    r"^(?P<name>[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){1,4})\s*[-–—|,]\s+(?P<outlet>[\w.]+(?: \w+)?)$"
)
_SOURCE_CREDIT = re.compile(r"(?i)^(?:sumber|source)\s*:\s*(?P<names>.+)$")
_CREDIT_SEPARATORS = re.compile(r"\s*(?:[,/&|;]|\bdan\b|\band\b)\s*")
_FOTO_CREDIT = re.compile(r"(?i)(?:^|\s|\()foto\s*:\s*\S")
_STANDALONE_FOTO = re.compile(r"(?i)^\(?foto\s*:")
# "(TASS/Sergei Bobylev via Kremlin)", "(ANTARA FOTO/Budi)"; "(23/12)" has no letters first.
_PAREN_PHOTO_CREDIT = re.compile(r"\([A-Z][A-Za-z .&-]*/[^()]+\)$")
# "Smelter nikel./Bloomberg-Cole Burston", "Bahlil Lahadalia/Net", "Data smelter./dok. APNI"
_SLASH_CREDIT = re.compile(
    r"(?:\./\s*\S[^/]{0,40}|/\s*(?:[Dd]ok\.?\s*\S[^/]{0,40}|NET|Net|Istimewa|ist\.?)"
    r"|\S/\s*[A-Z][a-z][\w.]*(?:[ -][A-Z][\w.]*){1,3})\)?$"
)
# "... Jumat (2/8/2019)RYANA ARYADITA UMASUGI": a photographer's name glued to the caption.
_GLUED_CREDIT = re.compile(
    r"\)[A-Z]{3,}(?: [A-Z]{2,}){1,3}(?=\s|$)|[).] [A-Z]{3,}(?: [A-Z]{2,}){1,3}$"
)
_ANTARA_PHOTO = re.compile(r"(?i)antara foto/|/antara\s*(?:foto)?\s*\)?$")

_TAG = re.compile(r"</?[A-Za-z][^<>]{0,500}>")
_HTML_LEFTOVER = re.compile(r"(?i)^(?:</?[a-z][^>]*>\s*)+$|<(?:a|img|div|span|script|p)\b")
# "ulasannya.Di tengah": a full stop glued to the next sentence.
# (Matched from the stop itself, so the regex engine scans for it instead of trying every place.)
_GLUED_SENTENCE = re.compile(r"[.!?](?<=[a-z]{2}[.!?])(?=[A-Z][a-z])")
# Credits closing the last sentence of a paragraph: the editor's initials "(alh)", "(rid/ipg)",
# "(FHM)", or a reporter and desk "( Alfian/ Humas Polda Kaltim)". The end mark "(*)" and a
# signature naming an outlet's domain ("(Tribunbatam.id/Nama)") stay.
_TRAILING_CREDIT = re.compile(
    r"(?<=[.!?\"”’])\s*\((?P<credit>[a-z]{2,4}(?:/[a-z]{2,4})*|[A-Z]{2,4}(?:/[A-Z]{2,4})*"
    # "(Tbn)", "(RWK-D/JS)": capitalised initials, a desk letter after a hyphen
    r"|[A-Z][a-z]{1,3}|[A-Z]{2,4}(?:-[A-Z]{1,3})?(?:/[A-Z]{2,4}(?:-[A-Z]{1,3})?)*"
    r"|\s*[A-Z]\w*(?: [A-Z]\w*){0,3}\s*/\s*[\w ]{2,40})\)\s*$"
    # bare initials after the last full stop: "... akan ditindaklanjuti. IKI"
    r"|(?<=[.!?\"”’])\s+(?P<bare>[A-Z]{2,4}(?:/[A-Z]{2,4})*)\s*$"
)


def strip_trailing_credit(paragraph: str) -> str:
    """``... pungkasnya. (alh)`` -> ``... pungkasnya.``; a wire's name ("(AFP)") stays."""
    if ")" not in paragraph and not paragraph[-1:].isupper():  # cheap tests first
        return paragraph
    found = _TRAILING_CREDIT.search(paragraph)
    if found is None or canonical_wire((found["credit"] or found["bare"]).strip()) is not None:
        return paragraph
    return paragraph[: found.start()]


# Datelines. The outlet part is any spelling in the registry or any host name.
_DASH = r"\s*[-–—]{1,3}\s*"
_PLACE = r"[A-Z][\w'.]*(?:[ -][A-Z][\w'.]*){0,3}"
_PLACE_CAPS = r"[A-Z][A-Z'.]*(?: [A-Z][A-Z'.]*){0,3}"
_PLACE_WORDS = r"[A-Z][a-z'.]+(?: [A-Z][a-z'.]+){0,2}"
_NAME_WORDS = r"[A-Z][\w.]*(?: [A-Z][\w.]*){0,2}"
_UNKNOWN_NAME = rf"(?P<name>{_NAME_WORDS})"


@dataclass(frozen=True, slots=True)
class CleanedText:
    title: str | None  # None: the page shows no headline (never guessed)
    paragraphs: tuple[str, ...]
    dateline_outlet: str | None
    dateline_place: str | None
    date: tuple[datetime, bool] | None  # from a date line: (aware datetime, has_time)
    wires_credited: tuple[str, ...]  # from standalone credits such as "sumber : Reuters"
    dropped: tuple[str, ...]  # every non-blank line that is not a paragraph, in order
    author: str | None = None  # from a "Penulis:"/"Reporter:"/"Pewarta:" line
    date_is_update: bool = False  # ``date`` is a "Diperbarui" (last update) time
    outlet_from_credit: bool = False  # ``dateline_outlet`` only from a photo credit


@dataclass(frozen=True, slots=True)
class Dateline:
    outlet: str | None  # outlet name, e.g. "Republika"
    place: str | None
    rest: str  # the paragraph text after the dateline ("" when the line is only that)


# --- single-line predicates -------------------------------------------------


@lru_cache(maxsize=4096)  # the steps below ask again about the same lines
def _word_count(line: str) -> int:
    return len(line.split())


def ends_with_punctuation(line: str) -> bool:
    return line.endswith(_FINAL_PUNCTUATION)


def is_page_furniture(line: str) -> bool:
    """Ads, prompts, footers and labels listed in :data:`FURNITURE_PATTERNS`."""
    return _FURNITURE_LINE.match(line) is not None


def is_widget(line: str) -> bool:
    """Share-widget labels, icon names, counters and separators.

    A body paragraph is never a single token, so any one-token line without
    final punctuation (``comment``, ``1``, ``·``, ``copy-link-circle``) is one.
    """
    if line.rstrip(":").strip().lower() in _WIDGET_LABELS:
        return True
    return _word_count(line) == 1 and not ends_with_punctuation(line.rstrip(":"))


def is_reading_time(line: str) -> bool:
    return _READING_TIME.fullmatch(line) is not None


# "KUALIFIKASI PIALA DUNIA 2026: Tambah Amunisi, ..." - a kicker and a linked headline.
_KICKER_HEADLINE = re.compile(r"^[A-Z0-9][A-Z0-9 .&'-]{3,40}:\s+[A-Z0-9\"'‘“].*[^.!?\"”]$")


def is_kicker_headline(line: str) -> bool:
    """A linked headline with an upper-case kicker; in the body it points to another story."""
    return _KICKER_HEADLINE.match(line) is not None and line.split(":")[0].isupper()


def is_related_links(line: str) -> bool:
    """``Baca Juga``, ``BACA JUGA: ...``, ``Berita Lainnya``, ``Pilihan Editor: ...``."""
    match = _RELATED_LABEL.match(line)
    if match is None:
        return False
    # "Populer di kalangan ..." is a sentence; a label stands alone or before a colon.
    rest = line[match.end() :].lstrip()
    return not rest or rest[0] in ":-–—|»>" or not ends_with_punctuation(line)


def _outlet_signed(line: str) -> re.Match[str] | None:
    """``Rina Wati - detikNews``: a reporter's name signed with the outlet."""
    match = _SIGNED_BYLINE.match(line)
    if match is None or _outlet_mention().fullmatch(match["outlet"]) is None:
        return None
    return match


def is_byline(line: str) -> bool:
    return (
        _BYLINE.match(line) is not None
        or _TRIBUN_BYLINE.match(line) is not None
        or _OLEH_BYLINE.match(line) is not None
        or _outlet_signed(line) is not None
    )


def byline_author(line: str) -> str | None:
    """The reporter/writer a byline names (``Penulis: X | Editor: Y`` -> ``X``)."""
    tribun = _TRIBUN_BYLINE.match(line) or _OLEH_BYLINE.match(line) or _outlet_signed(line)
    if tribun is not None:
        return tribun["name"].strip() or None
    for match in _CREDIT_FIELD.finditer(line):
        label = match["label"].lower()
        if re.fullmatch(_AUTHOR_LABELS, label):
            name = match["value"].strip(" ,.-/")
            if name and _word_count(name) <= 8:
                return name
    return None


def canonical_wire(name: str) -> str | None:
    """The canonical name of a known wire service, ignoring case."""
    wire = registry().wire(name.strip(" .()[]"))
    return wire.name if wire is not None else None


def wire_credit(line: str) -> tuple[str, ...] | None:
    """The wires a standalone credit names (``AL JAZEERA``, ``sumber : Reuters``).

    In ``Sumber: Reuters | Editor: X`` only the ``Sumber`` field names sources.
    """
    wire = canonical_wire(line)
    if wire is not None:
        return (wire,)
    match = _SOURCE_CREDIT.match(line)
    if match is None:
        return None
    names_text = match["names"]
    later = _CREDIT_FIELD.search(names_text)
    if later is not None:
        names_text = names_text[: later.start()]
    names = [n.strip(" .") for n in _CREDIT_SEPARATORS.split(names_text)]
    return tuple(canonical_wire(n) or n for n in names if n)


def is_caption(line: str) -> bool:
    """A photo caption that carries its own credit (``... Foto: X`` or ``... (X/Y)``)."""
    words = _word_count(line)
    if words > _CAPTION_MAX_WORDS * 2:  # a whole page on one line is no caption
        return False
    # Cheap tests first: a "Foto:" credit holds a colon, the others a slash.
    if ":" in line and _FOTO_CREDIT.search(line) is not None:
        return True
    slash = "/" in line
    if slash and _ANTARA_PHOTO.search(line) is not None:
        return True
    # A credit at the end of a long paragraph or of reported speech signs the text
    # ("... kata Arfen. (Tribunbatam.id/Nama)"); a caption is short and quotes no one.
    quoted = any(q in line for q in '"“”')
    return (
        words <= _CAPTION_MAX_WORDS
        and not quoted
        and (
            (slash and _SLASH_CREDIT.search(line) is not None and not ends_with_punctuation(line))
            or _GLUED_CREDIT.search(line) is not None
            or (
                slash
                and _PAREN_PHOTO_CREDIT.search(line) is not None
                and not ends_with_punctuation(line)
            )
        )
    )


_DATE_FILLER = re.compile(
    r"(?i)\b(?:senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad|monday|tuesday"
    r"|wednesday|thursday|friday|saturday|sunday|diperbarui|diperbaharui|updated?|tayang"
    r"|terbit|dipublikasikan|diterbitkan|published|dibuat|posted|pukul|jam|wib|wita|wit"
    r"|jurnalis|waktu|tanggal)\b"
)


_PUBLICATION_CUE = re.compile(
    r"(?i)\b(?:tayang|terbit|dipublikasikan|diterbitkan|published|posted|diperbarui|updated?)\b"
)


def is_date_line(line: str) -> bool:
    """A line that is a date and little else, e.g. ``Jumat 17 Dec 2021 02:05 WIB``.

    Besides the date it may hold a weekday, a cue ("Diperbarui", "Tayang:") and
    at most a few other words (an outlet name), so a headline that mentions a
    date ("Gempa 7 Mei 2024 Guncang Bali Utara") is not one.
    """
    if line.endswith((".", "!", "?", "”", '"')):
        return False
    found = find_date(line)
    if found is None:
        return False
    others = _DATE_FILLER.sub(" ", _strip_dates(line))
    words = [w for w in re.split(r"[\s,|:()\-–—/_]+", others) if re.search(r"[A-Za-z]", w)]
    return len(words) <= _DATE_LINE_OTHER_WORDS and not any(w[0].islower() for w in words[1:])


_DATE_SPANS = re.compile(
    r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}|\d{1,2}[:.]\d{2}(?::\d{2})?|\d{1,2}\s*[A-Za-z]{3,10}\.?,?"
    r"\s*\d{4}|[A-Za-z]{3,10}\.?\s+\d{1,2},?\s+\d{4}|\d{4}-\d{2}-\d{2}\S*|x0000"
)


def _strip_dates(line: str) -> str:
    return _DATE_SPANS.sub(" ", line)


def is_crosshead(line: str) -> bool:
    """A short sub-heading inside the body, e.g. ``Kemitraan Tanpa Batas``.

    Reported speech (double quotes) is body text even when the period is missing.
    """
    return (
        _word_count(line) <= _CROSSHEAD_MAX_WORDS
        and not ends_with_punctuation(line)
        and not any(q in line for q in '"“”')
    )


def outlet_name(printed: str) -> str:
    """``REPUBLIKA.CO.ID`` -> ``Republika``; unknown domains -> title-cased first label.

    ``Antaranews Kalsel`` (a regional edition) falls back to its first word.
    """
    reg = registry()
    known = reg.by_dateline(printed) or reg.by_dateline(printed.split()[0])
    if known is not None:
        return known.name
    if re.fullmatch(DOMAIN_PATTERN, printed):
        return printed.split(".")[0].title()
    return printed.title() if printed.isupper() else printed


def names_outlet(name: str) -> bool:
    """Whether an upper-case name at the start of a story names an outlet, not a place.

    It does when one of its words is a press word of the registry ("HARIAN MERAPI",
    "NEWS BIDIK") or opens or closes with one ("POSMETRO MEDAN", "KLIKNEWS"); "JAKARTA",
    "KOTA BANDUNG" or "POSO" do not.
    """
    words = registry().press_words
    for word in re.findall(r"[A-Z0-9]+", name.upper()):
        if word in words:
            return True
        for press in words:
            if (word.startswith(press) and len(word) - len(press) >= 4) or (
                word.endswith(press) and len(word) - len(press) >= 3
            ):
                return True
    return False


@cache
def _outlet_group() -> str:
    names = "|".join(re.escape(s) for s in registry().dateline_spellings())
    # a host, also a long one ("Palu, tribratanews.sulteng.polri.go.id -"), or a spelling
    host = rf"(?:[A-Za-z0-9-]+\.){{0,3}}{DOMAIN_PATTERN}"
    return rf"(?P<outlet>{host}|(?i:{names})(?![\w.]))"


@cache
def _dateline_plan() -> tuple[re.Pattern[str], tuple[tuple[re.Pattern[str], bool], ...]]:
    """The dateline patterns, each flagged when it opens with the outlet, and that opening
    alone: a line it does not match skips all of them (the outlet is the costly part)."""
    opening = f"^{_outlet_group()}"
    flagged = tuple((p, p.pattern.startswith(opening)) for p in _dateline_patterns())
    return re.compile(opening), flagged


@cache
def _dateline_patterns() -> tuple[re.Pattern[str], ...]:
    outlet = _outlet_group()
    rest = r"(?P<rest>.*)$"
    return (
        # "TEMPO.CO, Jakarta -", "TRIBUNJATENG.COM, SEMARANG -", "DIALEKSIS.COM | Dunia -"
        re.compile(rf"^{outlet}\s*[,|]\s*(?P<place>{_PLACE}){_DASH}{rest}"),
        # "KOMPAS.com -", "Kompas.com - 14/05/2024, 19:07 WIB"
        re.compile(rf"^{outlet}{_DASH}{rest}"),
        # "JAKARTA, KOMPAS.com -", "Moskow, Gatra.com -", "Jakarta, CNN Indonesia --"
        re.compile(rf"^(?P<place>{_PLACE})\s*,\s*{outlet}(?:{_DASH}|\s+(?=[A-Z\"“])|$){rest}"),
        # "Beijing (ANTARA) -", "Mataram, NTB (ANTARA News) -", "Banjarmasin, (Antaranews Kalsel) -"
        re.compile(
            rf"^(?P<place>{_PLACE}(?:,\s*{_PLACE})?)\s*,?\s*\(\s*{outlet}\s*\)"
            rf"(?:{_DASH}|\s+|$|(?=[A-Z][a-z])){rest}"
        ),
        re.compile(
            rf"^(?P<place>{_PLACE}(?:,\s*{_PLACE})?)\s*,?\s*\(\s*{_UNKNOWN_NAME}\s*\),?{_DASH}{rest}"
        ),
        # "Liputan6.com, Jakarta Kita ...", glued "Liputan6.com, JakartaKita ..." (no dash)
        re.compile(rf"^{outlet}\s*,\s*(?P<place>[A-Z][a-z]+)(?:\s+|(?=[A-Z\"“])|$){rest}"),
        # "KOTA BANDUNG, Prolite –": an outlet the registry does not know, before a dash
        re.compile(rf"^(?P<place>{_PLACE})\s*,\s*{_UNKNOWN_NAME}\s*[-–—]{{1,2}}\s+{rest}"),
        # "Media Humas Polri || Balikpapan" on its own line: a name with a press word, a place
        re.compile(rf"^(?P<press>{_NAME_WORDS})\s*\|{{1,2}}\s*(?P<place>{_PLACE})\s*(?P<rest>)$"),
        # "MEDAN BARU-M24 |": a place in capitals, the outlet's short name, a bar
        re.compile(
            rf"^(?P<place>{_PLACE_CAPS})\s*[-–—]\s*(?P<name>[A-Z][A-Za-z0-9]{{1,12}})\s*\|\s+{rest}"
        ),
        # "JAKARTA -", "LOMBOK TENGAH |": without an outlet the place is in capitals ...
        re.compile(
            rf"^(?P<place>{_PLACE_CAPS})(?:\s+[-–—|]{{1,2}}\s*|[-–—]{{1,2}}\s*(?=[A-Z\"“][a-z])){rest}"
        ),
    )


# ... or a capitalised place whose paragraph is a full sentence ("Jakarta - Polisi ... .")
# Weaker forms count only when what follows is a full sentence: "Jakarta - Polisi ... .",
# "JAKARTA. Sejumlah ... ." (Kontan), "Jakarta: Nilai tukar ... ." (Medcom).
_WEAK_DATELINES = (
    re.compile(rf"^(?P<place>{_PLACE_WORDS})\s+[-–—]{{1,2}}\s+(?P<rest>.*)$"),
    re.compile(r"^(?P<place>[A-Z]{3,}(?: [A-Z]{3,})?)\.\s+(?=[A-Z])(?P<rest>.*)$"),
    re.compile(r"^(?P<place>[A-Z][a-z]+(?: [A-Z][a-z]+)?):\s+(?=[A-Z](?:\S+\s+){9})(?P<rest>.*)$"),
)


@lru_cache(maxsize=4096)  # a page asks about its top lines several times
def parse_dateline(line: str) -> Dateline | None:
    outlet_opening, patterns = _dateline_plan()
    opens_with_outlet: bool | None = None  # tested once, when first needed
    for pattern, after_outlet in patterns:
        if after_outlet:
            if opens_with_outlet is None:
                opens_with_outlet = outlet_opening.match(line) is not None
            if not opens_with_outlet:
                continue
        match = pattern.match(line)
        if match is not None:
            groups = match.groupdict()
            if groups.get("press") is not None and not names_outlet(groups["press"]):
                continue
            printed = groups.get("outlet") or groups.get("name") or groups.get("press")
            place = groups.get("place")
            unknown = groups.get("name")
            if unknown and place and unknown.isupper() and place.isupper():
                # "NEWS BIDIK ,JOGJAKARTA -": the side a press word names is the outlet;
                # "POS-KUPANG, KUPANG -" without one: which is the outlet is anyone's guess
                printed = None
                if names_outlet(place) and not names_outlet(unknown):
                    printed, place = place, unknown
                elif names_outlet(unknown) and not names_outlet(place):
                    printed = unknown
                elif " " not in place + unknown and len(unknown) >= 5 and not names_outlet(place):
                    printed = unknown  # "PALU, MERCUSUAR -": one-word place, then the outlet
            elif unknown and not groups.get("outlet") and not names_outlet(unknown):
                if unknown.isupper() or len(unknown) <= 4:
                    printed = None  # "MEDAN BARU-M24 |", "BUNTOK, MK -": initials name nobody
            elif place and printed is None and place.isupper() and names_outlet(place):
                printed, place = place, None  # "HARIAN MERAPI -": an outlet, not a place
            if printed is None and unknown and (known := registry().by_initials(unknown)):
                printed = known.name  # ... unless the registry lists them ("Sleman (KR) -")
            outlet = outlet_name(printed) if printed else None
            return Dateline(outlet, place.strip() if place else None, match["rest"].strip())
    for weak in _WEAK_DATELINES:
        match = weak.match(line)
        if match is not None and ends_with_punctuation(match["rest"]):
            return Dateline(None, match["place"], match["rest"])
    return None


@cache
def _outlet_mention() -> re.Pattern[str]:
    """Registry spellings as whole words: host names in any case, other names as printed.

    A lone capitalised word ("Fajar", "Surya", "Merdeka") is also a person's name or an
    ordinary word, so it never counts here; "ANTARA", "detikNews" or "CNN Indonesia" do.
    """
    names = {s for o in registry().outlets for s in (*o.dateline_names, *o.domains)}
    hosts = sorted((s for s in names if re.fullmatch(DOMAIN_PATTERN, s)), key=len, reverse=True)
    printed = sorted(
        (
            s
            for s in names
            if s not in hosts and "/" not in s and not re.fullmatch(r"[A-Z][a-z]+", s)
        ),
        key=len,
        reverse=True,
    )
    words = "|".join([*(f"(?i:{re.escape(s)})" for s in hosts), *map(re.escape, printed)])
    return re.compile(rf"(?<![\w.])(?:{words})(?![\w])")


def _outlet_named_in(lines: Iterable[str], kind: str | None = None) -> str | None:
    """The outlet a page's own furniture names ("Copyright © ANTARA 2020", "Mongabay.co.id",
    "Baca berita TribunTangerang.com lainnya di Google News", "Nama - detikNews")."""
    for line in lines:
        for match in _outlet_mention().finditer(line):
            found = registry().by_dateline(match.group())
            if kind is None or (found is not None and found.kind == kind):
                return outlet_name(match.group())
    return None


# --- paragraphs without line breaks ----------------------------------------

# Words after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    "dr drg prof ir drs dra h hj k.h kh no nos st jl jln kec kab kel sdr bpk ibu pt tbk"
    " mr mrs ms jr sr vs dll dsb dst tsb a.n u.p rp sen gen kol let mayjen brigjen"
    " letjen irjen kombes akbp ipda aiptu bripka kapt mst s.h s.e m.si m.m s.pd".split()
)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘']?[A-Z0-9])")


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``; never splits inside quotes or after an abbreviation."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        piece = text[start : match.start()].rstrip("\"”’'")
        last_word = piece.rsplit(None, 1)[-1].rstrip(".!?").lower() if piece.strip() else ""
        if last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
            continue
        candidate = text[start : match.end()]
        if _open_quote(candidate) and len(candidate) < _QUOTE_MAX_CHARS:
            continue  # inside a quotation (a stray quote mark stops counting after a while)
        sentences.append(candidate.strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def _open_quote(text: str) -> bool:
    straight = text.count('"') % 2 == 1
    curly = text.count("“") > text.count("”")
    return straight or curly


# "(Baca juga: Judul Berita Lain)" inside a paragraph, where a link list once stood.
_INLINE_RELATED = re.compile(r"\s*\((?:baca|lihat|simak) juga\s*:[^()]*\)\s*", re.IGNORECASE)


def split_inline_related(paragraph: str) -> list[str]:
    """The paragraph's text around inline "(Baca juga: ...)" notes, which are dropped."""
    parts = _INLINE_RELATED.split(paragraph) if "(" in paragraph else [paragraph]
    return [part for part in parts if part.strip()]


def split_long_paragraph(paragraph: str) -> list[str]:
    """A whole page on one line -> paragraphs of a few sentences each."""
    if len(paragraph) <= _LONG_PARAGRAPH_CHARS:
        return [paragraph]
    sentences = split_sentences(paragraph)
    if len(sentences) < 2 * _SENTENCES_PER_PARAGRAPH:
        return [paragraph]
    n = _SENTENCES_PER_PARAGRAPH
    return [" ".join(sentences[i : i + n]) for i in range(0, len(sentences), n)]


# --- the pipeline -----------------------------------------------------------

_FURNITURE: tuple[Callable[[str], bool], ...] = (
    is_page_furniture,
    is_reading_time,
    is_related_links,
    is_byline,
    is_caption,
    is_widget,
)


def _normalise(line: str) -> str:
    """Leftover HTML and entities decoded away; non-breaking spaces become spaces."""
    if "&" in line:
        line = html.unescape(line)
    if "<" in line:
        line = _TAG.sub(" ", line)
    return line.replace("\xa0", " ").replace("\u200b", "").strip()


_CONTINUATION = re.compile(r"^(?:[a-z]|[,.;:)\]])")
_OPEN_SENTENCE_END = (".", "!", "?", '"', "”", ":", ")")


# "15 December" over "21:25 2019": a date whose year sits on the next line, after the time.
_DAY_MONTH_ONLY = re.compile(r"^\d{1,2} [A-Za-z]{3,10}$")
_TIME_YEAR = re.compile(r"^(?P<time>\d{1,2}[:.]\d{2}) (?P<year>\d{4})$")


_CUT_MIN_WORDS = 5


def _title_case(line: str) -> bool:
    """Most words capitalised, as in a headline ("Harga Beras Kembali Melonjak")."""
    words = [w for w in line.split() if w[:1].isalpha()]
    capitalised = sum(w[:1].isupper() for w in words)
    return bool(words) and capitalised / len(words) >= _TITLE_CASE_SHARE


_TITLE_CASE_SHARE = 0.6


def _rejoin_broken_lines(lines: list[str]) -> list[str]:
    """Undo line breaks a scraper put at every link ("Jakarta / - / Luna Maya / ternyata").

    A line is continued by the next when it stops mid-sentence (no final
    punctuation) and the next starts in lower case or with punctuation, or when
    it already holds a full sentence and so is a paragraph cut short. A lone
    dash between a place and the text is a split dateline.
    """
    joined: list[str] = []
    for line in lines:
        split_date = _TIME_YEAR.match(line)
        if joined and split_date and _DAY_MONTH_ONLY.match(joined[-1]):
            joined[-1] = f"{joined[-1]} {split_date['year']} {split_date['time']}"
            continue
        if joined:
            previous = joined[-1]
            open_end = not previous.endswith(_OPEN_SENTENCE_END)
            lone_dash = line in ("-", "–", "—") and _word_count(previous) <= 3
            after_dash = previous.endswith((" -", " –", " —")) and _word_count(previous) <= 4
            # A sentence cut short: a full sentence inside, or a long line not in Title Case.
            cut = ". " in previous or (
                _word_count(previous) >= _CUT_MIN_WORDS and not _title_case(previous)
            )
            lower_tail = previous.split()[-1][:1].islower() or previous.endswith(",")
            link_text = (  # "... adalah Sekjen PDIP" / "Hasto Kristiyanto" / "yang ..."
                cut and _word_count(line) <= 6 and not ends_with_punctuation(line)
            )
            mid_sentence = lower_tail or cut
            continues = (
                (_CONTINUATION.match(line) is not None and mid_sentence) or link_text
            ) and not (
                is_caption(previous)
                or is_caption(line)
                or is_byline(line)
                or wire_credit(line) is not None
                or parse_dateline(line) is not None
                or line[:1].isdigit()
                or is_widget(previous)
                or is_widget(line)
                or _is_furniture_line(line)
                or is_date_line(line)
            )
            if lone_dash or after_dash or (open_end and continues):
                joined[-1] = f"{previous} {line}"
                continue
        joined.append(line)
    return joined


def _is_furniture_line(line: str) -> bool:
    return _FURNITURE_LINE.match(line) is not None or _RELATED_LABEL.match(line) is not None


def _caption_lines(lines: Sequence[str]) -> set[str]:
    """Captions: lines with their own credit, and the line before a ``Foto:`` line."""
    captions = {line for line in lines if is_caption(line)}
    for previous, line in pairwise(lines):
        if not _STANDALONE_FOTO.match(line):
            continue
        credit = _STANDALONE_FOTO.sub("", line).strip(" ()")
        # "Foto: AP/Ramil Sitdikov" credits the caption above; "Foto: Warga antre di ..." is one.
        only_credit = "/" in credit or _word_count(credit) <= 3
        # The line above is its caption when short or printed twice, never reported speech.
        caption_like = not previous.startswith(('"', "“")) and (
            _word_count(previous) <= _CAPTION_MAX_WORDS or lines.count(previous) > 1
        )
        if only_credit and caption_like and not is_date_line(previous):
            captions.add(previous)
    return captions


def _repeated_standfirst(lines: Sequence[str]) -> set[str]:
    """A sentence printed twice in a row at the top is a standfirst or caption, not body."""
    top = lines[:_DATELINE_SEARCH_LINES]
    before_body = top[: next((i for i, x in enumerate(top) if parse_dateline(x)), len(top))]
    return {
        line
        for line, after in pairwise(before_body)
        if line == after
        and line.endswith(".")
        and _word_count(line) <= _STANDFIRST_MAX_WORDS
        and _SENTENCE_INSIDE.search(line) is None  # one sentence; a lede printed twice stays
    }


def _related_bullets(lines: Sequence[str]) -> set[int]:
    """Link lines listed under a "Baca juga"/"Berita terkait"/"Tags" label."""
    bullets: set[int] = set()
    for i, line in enumerate(lines):
        match = _RELATED_LABEL.match(line)
        if match is None or line[match.end() :].strip(" :") or not is_related_links(line):
            continue
        for j in range(i + 1, min(i + 1 + _RELATED_BULLETS_MAX, len(lines))):
            candidate = lines[j]
            bulleted = _BULLET.match(candidate) is not None
            headline = not ends_with_punctuation(candidate) or (
                candidate.endswith("?")  # "Bakal Ada Season 2?" - a linked headline, in Title Case
                and _title_case(candidate)
                and _SENTENCE_INSIDE.search(candidate) is None
            )
            if not (bulleted or headline) or _word_count(candidate) > _RELATED_BULLET_MAX_WORDS:
                break
            bullets.add(j)
    # A bulleted headline in Title Case ("• CATATAN Prestasi Shin Tae-yong, Pelatih ...").
    for i, line in enumerate(lines):
        text = _BULLET.sub("", line)
        headline = not ends_with_punctuation(line) and _title_case(text)
        long_enough = _word_count(text) >= _TITLE_FULL_WORDS
        if _BULLET.match(line) and headline and long_enough and not is_date_line(text):
            bullets.add(i)
    # Unlabelled: two or more bulleted headlines in a row ("- Polisi Ungkap Motif ...").
    run: list[int] = []
    for i, line in enumerate([*lines, ""]):
        if _BULLET.match(line) and not ends_with_punctuation(line) and _word_count(line) >= 4:
            run.append(i)
            continue
        if len(run) >= 2:
            bullets.update(run)
        run = []
    return bullets


_BULLETS = ("•", "·", "▪", "►", "- ", "* ")


def _is_title(line: str) -> bool:
    words = _word_count(line)
    return (
        _TITLE_MIN_WORDS <= words <= _TITLE_MAX_WORDS
        and (not line.endswith(".") or line.endswith(("...", "…")))  # "Ini Kata Admin..."
        and not line.startswith(_BULLETS)  # a list item: author, date, related link
        and not line.isupper()  # section labels and breadcrumbs ("LIGA INDONESIA")
        # a lede of several sentences; a short headline may hold two ("Desa Pemekaran. Apa ...")
        and (_SENTENCE_INSIDE.search(line) is None or _two_part_headline(line))
        and parse_dateline(line) is None
        and not any(rule(line) for rule in _FURNITURE)
    )


def _two_part_headline(line: str) -> bool:
    """``Desa Pemekaran. Apa yang diharap - Apa yang Didapat``: short, unpunctuated at the end."""
    return (
        _word_count(line) <= _TWO_PART_HEADLINE_WORDS
        and not ends_with_punctuation(line)
        and len(_SENTENCE_INSIDE.findall(line)) == 1
    )


def _pick_title(header: Sequence[str]) -> str | None:
    """The headline: the first title-like header line, preferring a full-length one.

    Short lines ("Demonstrasi di Indonesia") before it are topic labels.
    """
    candidates = [line for line in header if _is_title(line)]
    full = [line for line in candidates if _word_count(line) >= _TITLE_FULL_WORDS]
    return (full or candidates)[0] if candidates else None


def _split_header(lines: Sequence[str]) -> int:
    """Index of the first body line: the dateline if any, else the first sentence."""
    sentences = 0
    for i, line in enumerate(lines[:_DATELINE_SEARCH_LINES]):
        if parse_dateline(line) is not None:
            return i
        if ends_with_punctuation(line) and _word_count(line) > _CROSSHEAD_MAX_WORDS:
            sentences += 1
            if sentences > _SENTENCES_BEFORE_DATELINE:  # the body began without a dateline
                break
    for i, line in enumerate(lines):
        words = _word_count(line)
        if words > _TITLE_MAX_WORDS:
            return i
        if not ends_with_punctuation(line) or words <= _CROSSHEAD_MAX_WORDS // 2:
            continue
        # "Timo: Kelemahan? Jerman Sempurna!" - a first line ending in ?/!/quote is a headline.
        earlier_title = any(_is_title(x) for x in lines[:i])  # one headline per page
        headline = (
            not earlier_title
            and not line.endswith(".")
            and words <= _HEADLINE_MAX_WORDS
            and _SENTENCE_INSIDE.search(line) is None
            and i + 1 < len(lines)
        )
        if not headline:
            return i
    return 0


_TEASER_MIN_WORDS = 8


def _slider_teasers(lines: Sequence[str]) -> set[int]:
    """Another story's headline and cut-off lead above the article (a slider or ticker).

    ``Program Makan Bergizi Gratis ...`` then ``Karo(harianSIB.com)Yayasan ... Kecamatan``:
    a lead that opens with a dateline and stops mid-phrase while the page goes on is a
    teaser; the headline-like line above it is that story's, not this page's.
    """
    found: set[int] = set()
    for i, line in enumerate(lines[:_DATELINE_SEARCH_LINES]):
        dateline = parse_dateline(line)
        rest = dateline.rest if dateline else ""
        cut = re.search(r"[A-Za-z]$", rest) is not None and _word_count(rest) >= _TEASER_MIN_WORDS
        if not cut or i + 1 >= len(lines) or not ends_with_punctuation(lines[i + 1]):
            continue
        found.add(i)
        if i > 0 and _is_title(lines[i - 1]):
            found.add(i - 1)
        break
    return found


def clean_article(text: str) -> CleanedText:
    """Title, body paragraphs and header facts of one scraped page (see module doc)."""
    lines = [_normalise(line) for line in text.splitlines()]
    lines = [line for line in lines if line and not ("<" in line and _HTML_LEFTOVER.search(line))]
    lines = _rejoin_broken_lines(lines)
    captions = _caption_lines(lines) | _repeated_standfirst(lines)
    slider = _slider_teasers(lines)
    bullets = _related_bullets(lines) | slider

    kept: list[int] = []  # indices into ``lines``
    wires: list[str] = []
    author: str | None = None
    published: tuple[datetime, bool] | None = None
    updated: tuple[datetime, bool] | None = None
    header_outlet: str | None = None
    body_started = False
    sentences = 0
    seen: set[str] = set()
    later_copy: dict[str, int] = {}  # a line printed again: where its second copy stands
    for i, line in enumerate(lines):
        credit = wire_credit(line)
        if credit is not None:
            wires.extend(w for w in credit if w not in wires)
        if is_byline(line):
            author = author or byline_author(line)
        if credit is not None or i in bullets:
            continue
        if line in seen and line not in captions:
            later_copy.setdefault(line, i)
        if line in captions or line in seen:
            continue
        if is_date_line(line):
            found = find_date(line)
            if body_started and not _PUBLICATION_CUE.search(line):
                found = None  # a date inside the body dates a related story, not this one
            if found is not None and found.updated:
                updated = updated or (found.value, found.has_time)
            elif found is not None:
                refines = (
                    published is not None
                    and not published[1]
                    and found.has_time
                    and found.value.date() == published[0].date()
                )
                if published is None or refines:  # "2024-05-31", then "31 Mei 2024 |21:59 WIB"
                    published = (found.value, found.has_time)
            printed = parse_dateline(line)  # "Kompas.com - 14/05/2024, 19:07 WIB"
            header_outlet = header_outlet or (printed.outlet if printed else None)
            continue
        if any(rule(line) for rule in _FURNITURE) or (body_started and is_kicker_headline(line)):
            continue
        kept.append(i)
        seen.add(line)
        words = _word_count(line)
        if (
            ends_with_punctuation(line) and words > _CROSSHEAD_MAX_WORDS
        ) or words > _TITLE_MAX_WORDS:
            sentences += 1  # the headline may be one; two make a body
        opened = parse_dateline(line)
        body_started = body_started or sentences >= 2 or bool(opened and opened.rest)

    header_lines = [lines[i] for i in kept]
    start = _split_header(header_lines)
    title = _pick_title(header_lines[:start])
    body = {i: lines[i] for i in kept[start:]}
    if body:
        # A standfirst repeated as the first paragraph: the header copy is not body, this one is.
        for line in header_lines[:start]:
            copy = later_copy.get(line)
            if copy is not None and copy > kept[start] and not _is_title(line):
                body[copy] = line
        body = dict(sorted(body.items()))
    dateline: Dateline | None = None
    for i in list(body)[:2]:  # a dateline may stand on its own line before the body
        found_dateline = parse_dateline(body[i])
        if found_dateline is None:
            break
        dateline = found_dateline
        if dateline.rest:
            body[i] = dateline.rest
            break
        del body[i]
    paragraphs: dict[int, list[str]] = {}
    from_credit = False
    for i, line in body.items():
        if is_crosshead(line):
            continue
        line = strip_trailing_credit(line)
        parts = split_inline_related(_GLUED_SENTENCE.sub(r"\g<0> ", line))
        paragraphs[i] = [p for part in parts for p in split_long_paragraph(part)]

    if (dateline is None or dateline.outlet is None) and header_outlet is None:
        # a teaser of another story on the same site names the site in its dateline
        teaser_datelines = (parse_dateline(lines[i]) for i in sorted(slider))
        header_outlet = next((d.outlet for d in teaser_datelines if d and d.outlet), None)
    if (dateline is None or dateline.outlet is None) and header_outlet is None:
        skip = captions | {title}
        named = (lines[i] for i in range(len(lines)) if i not in paragraphs and i not in bullets)
        header_outlet = _outlet_named_in(x for x in named if x not in skip and not wire_credit(x))
        # Last resort: a photo credit naming an outlet (its own photographer), never a wire.
        if header_outlet is None:
            header_outlet = _outlet_named_in(sorted(captions), kind="outlet")
            from_credit = header_outlet is not None
    date = published or updated
    return CleanedText(
        title=title,
        paragraphs=tuple(p for parts in paragraphs.values() for p in parts),
        dateline_outlet=(dateline.outlet if dateline else None) or header_outlet,
        dateline_place=dateline.place if dateline else None,
        date=date,
        wires_credited=tuple(wires),
        dropped=tuple(line for i, line in enumerate(lines) if i not in paragraphs),
        author=author,
        date_is_update=published is None and updated is not None,
        outlet_from_credit=from_credit and (dateline is None or dateline.outlet is None),
    )
