"""From a fetched page or a saved file to a draft article: text, title, date, outlet.

HTML goes through trafilatura (main text, title, site name, author) and
htmldate (publication date and time), then through our own Indonesian cleaning
(``retrieval.cleaning.clean_article``), which strips datelines and furniture
trafilatura keeps. Plain text goes through the cleaner alone, like a seed.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, TypedDict

from retrieval.cleaning import clean_article
from retrieval.dates import parse_date
from retrieval.ingest.density import densest_in, main_text
from retrieval.ingest.errors import IngestError
from retrieval.ingest.listing import cards_in, is_listing, page_tree
from retrieval.ingest.urls import host_of, is_web_url
from retrieval.metadata import stated_metadata
from retrieval.models import Provenance
from retrieval.outlets import registry

if TYPE_CHECKING:
    from collections.abc import Mapping

# " - Kompas.com", " | Republika Online", " — detikNews": the separators a
# <title> puts between the headline and the site's name.
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:·»]\s+")
_RUBRIC_MAX_WORDS = 3
_SITE_WORDS = frozenset({"online", "news", "berita", "com", "co", "id", "net", "or", "tv"})
# trafilatura, htmldate and courlan log every unparsable page at ERROR/WARNING;
# the IngestError that follows says it once, in our words.
for _name in ("trafilatura", "htmldate", "courlan"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)


class _TrafilaturaOptions(TypedDict):
    include_comments: bool
    include_tables: bool
    include_images: bool
    deduplicate: bool


# The same reading for the precise and the recall extraction.
_TRAFILATURA_OPTIONS = _TrafilaturaOptions(
    include_comments=False, include_tables=False, include_images=False, deduplicate=False
)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


@dataclass(frozen=True, slots=True)
class Draft:
    """An article as extracted, before it gets an id and a place in the archive."""

    paragraphs: tuple[str, ...]
    title: str | None = None
    outlet: str | None = None
    published: datetime | None = None
    has_time: bool = False
    url: str | None = None  # the page's own (canonical) URL, when known
    wires: tuple[str, ...] = ()
    author: str | None = None
    provenance: Mapping[str, Provenance] = field(default_factory=lambda: MappingProxyType({}))
    listing: bool = False  # the main text is mostly teasers of other stories (an index page)


def decode(body: bytes, where: str, charset: str | None = None) -> str:
    """Bytes to text: the declared charset, a <meta charset>, else UTF-8."""
    if b"\x00" in body[:8192]:
        raise IngestError(f"{where}: binary data, not text")
    declared = charset
    if declared is None:
        found = _META_CHARSET.search(body[:4096])
        declared = found.group(1).decode("ascii") if found else None
    for encoding in (declared, "utf-8"):
        if not encoding:
            continue
        try:
            return body.decode(encoding).removeprefix("\ufeff")
        except LookupError:
            continue
        except UnicodeDecodeError as exc:
            raise IngestError(f"{where}: cannot decode as {encoding} (byte {exc.start})") from None
    raise IngestError(f"{where}: cannot decode")  # pragma: no cover - utf-8 always exists


def from_text(text: str, url: str | None = None) -> Draft:
    """A scraped text page (like the seeds): everything from our cleaner."""
    cleaned = clean_article(text)
    meta = stated_metadata(cleaned, url)
    return Draft(
        paragraphs=cleaned.paragraphs,
        title=meta.title,
        outlet=meta.outlet,
        published=meta.published,
        has_time=meta.has_time,
        url=url,
        wires=meta.wires or (),
        author=meta.author,
        provenance=meta.provenance,
    )


def from_html(html: str, url: str | None = None) -> Draft:
    """A saved or fetched HTML page: its main text (see ``density``), cleaned by ours."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            **_TRAFILATURA_OPTIONS,
        )
    except (ValueError, TypeError, RecursionError):  # trafilatura's own failures: no text
        doc = None
    data = {} if doc is None else doc if isinstance(doc, dict) else doc.as_dict()
    recall = _Recall(html, url)
    # One lxml parse for both: the listing check's cards first, then the
    # densest block, which drops more of the tree.
    tree = page_tree(html)
    cards = [] if tree is None else cards_in(tree)
    dense = "" if tree is None else densest_in(tree)
    body = main_text(data.get("text") or "", dense, recall)
    if not body.strip():
        return Draft(paragraphs=())
    found_url = data.get("url")
    page_url = found_url if isinstance(found_url, str) and is_web_url(found_url) else url
    cleaned = clean_article(body)
    meta = stated_metadata(cleaned, page_url)
    provenance = dict(meta.provenance)

    site = _clean(data.get("sitename"))
    title = strip_site_suffix(_clean(data.get("title")), site, page_url)
    title = visible_headline(html, title) if title else cleaned.title
    if title is not None:
        provenance["title"] = "stated"
    outlet = meta.outlet
    unknown_host = registry().by_host(page_url or "") is None
    if site is not None and cleaned.dateline_outlet is None and unknown_host:
        outlet, provenance["outlet"] = site, "stated"  # the page's own og:site_name

    published, has_time = _page_date(html)
    if published is None and cleaned.date is None and (wider := recall()):
        # The date line often stands above the text trafilatura keeps; its recall mode has it.
        published, has_time = clean_article(wider).date or (None, False)
    if published is not None:
        provenance["published"] = "stated"
    else:
        published, has_time = meta.published, meta.has_time
    author = _clean(data.get("author")) or meta.author
    if author is not None:
        provenance["author"] = "stated"
    return Draft(
        paragraphs=cleaned.paragraphs,
        title=title,
        outlet=outlet,
        published=published,
        has_time=has_time,
        url=page_url,
        wires=meta.wires or (),
        author=author,
        provenance=MappingProxyType(provenance),
        listing=is_listing(cards, cleaned.paragraphs),
    )


class _Recall:
    """trafilatura's recall-mode text of a page, extracted on first call only."""

    def __init__(self, html: str, url: str | None) -> None:
        self._html, self._url = html, url
        self._text: str | None = None

    def __call__(self) -> str:
        if self._text is None:
            import trafilatura

            try:
                found = trafilatura.extract(
                    self._html,
                    url=self._url,
                    favor_recall=True,
                    **_TRAFILATURA_OPTIONS,
                )
            except (ValueError, TypeError, RecursionError):
                found = None
            self._text = found or ""
        return self._text


def strip_site_suffix(title: str | None, site: str | None, url: str | None) -> str | None:
    """``Harga Beras Naik - Kompas.com`` -> ``Harga Beras Naik`` (also a leading site name)."""
    if title is None:
        return None
    names = {_squash(n) for n in (site, _host_label(url)) if n} - {""}
    # Alternating parts and separators: [part, sep, part, sep, part].
    pieces = re.split(f"({_TITLE_SEPARATORS.pattern})", title)

    def is_site(part: str) -> bool:
        squashed = _squash(part)
        return bool(squashed) and any(n in squashed or squashed in n for n in names)

    while len(pieces) > 2 and is_site(pieces[-1]):
        del pieces[-2:]
    while len(pieces) > 2 and is_site(pieces[0]):
        del pieces[:2]
    title = "".join(pieces).strip() or title
    # "KapanLagi.com: Judul": the site's name as a label before a colon.
    label, colon, rest = title.partition(":")
    if colon and rest.strip() and is_site(label):
        title = rest.strip()
    return title


def visible_headline(html: str, title: str) -> str:
    """The headline as the page prints it, when that adds a rubric to ``title``.

    ``<title>`` may drop the rubric the page shows above the article
    (``In Picture: Judul``, ``FOTO: Judul``): a page element holding exactly a
    short label, a colon and the title is the printed headline.
    """
    pattern = re.compile(
        r">\s*([^<>:]{2,30}):\s*" + re.escape(title).replace(r"\ ", r"\s+") + r"\s*<"
    )
    found = pattern.search(html)
    if found is None or len(found.group(1).split()) > _RUBRIC_MAX_WORDS:
        return title
    return f"{' '.join(found.group(1).split())}: {title}"


def _squash(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.casefold())
    return "".join(w for w in words if w not in _SITE_WORDS)


def _host_label(url: str | None) -> str | None:
    """``news.detik.com`` -> ``detik``; ``www.republika.co.id`` -> ``republika``."""
    host = host_of(url) if url else None
    labels = (host or "").split(".")
    while labels and labels[-1] in _SITE_WORDS | {"org", "go", "ac", "web", "my", "sch"}:
        labels.pop()
    return labels[-1] if labels else None


def _clean(value: str | None) -> str | None:
    text = " ".join((value or "").split())
    return text or None


def _page_date(html: str) -> tuple[datetime | None, bool]:
    """Publication date from the page's metadata (htmldate, original date)."""
    from htmldate import find_date

    try:
        found = find_date(
            html,
            outputformat="%Y-%m-%dT%H:%M:%S%z",
            original_date=True,
            extensive_search=False,
        )
    except (ValueError, TypeError):
        return None, False
    parsed = parse_date(found) if found else None
    if parsed is None:
        return None, False
    value, _ = parsed
    if found is not None and found[19:]:  # "2016-02-23T15:06:00+0700": a time with its offset
        return value, True
    return value.replace(hour=0, minute=0), False  # a day (or a time in no known zone)
