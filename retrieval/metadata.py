"""Article metadata: the validated ``metadata.toml`` and what the text itself states.

The TOML file has one table per article id::

    [articles."003_8b1db099ec59a2e9"]
    outlet = "Republika"
    title = "China-Rusia Kompak Tolak Intervensi Barat"
    published = "2021-12-17T02:05:00+07:00"   # or a plain date "2021-12-17"
    url = "https://..."                         # optional
    wires = ["Xinhua", "Reuters"]
    author = "Kamran Dikarma"                   # optional
    provenance = { outlet = "stated", title = "stated", published = "stated", ... }
    note = "free text"                          # optional
    added = { via = "url", ref = "https://...", at = 2026-12-02T04:40:00+07:00,
              by = "admin-1", feed = "https://.../rss" }   # archive only; by/feed optional

Every present field needs a provenance and every provenance names a present field.
``added`` (how an archive article arrived) is a fact of the archive, not of
the article, so it needs none. :func:`format_entry` writes one entry in this
shape, so the archive and the seeds share one schema.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast
from urllib.parse import urlsplit

from retrieval.cleaning import CleanedText
from retrieval.dates import WIB
from retrieval.models import PROVENANCES, Added, AddedVia, CorpusError, Provenance, Source
from retrieval.outlets import registry

FIELDS = ("outlet", "title", "published", "url", "wires", "author")
# The fields a reader expects; wires may rightly be empty, so they never count as missing.
EXPECTED_FIELDS = ("outlet", "title", "published", "url")
_ENTRY_KEYS = frozenset((*FIELDS, "provenance", "note", "added"))
_ADDED_KEYS = ("via", "ref", "at", "by", "feed")
_ADDED_VIA: tuple[AddedVia, ...] = ("file", "url", "feed")

# A wire name counts as a source only after an attribution cue close before it:
# "dikutip dari AFP", "dilaporkan Xinhua", "kantor berita Rusia, TASS". This keeps
# "vaksin ... Sputnik" or "antara Rusia dan China" from counting.
_ATTRIBUTION_CUE = re.compile(
    r"(?i)\b(dikutip|mengutip|dilansir|melansir|dilaporkan|melaporkan|laporan|menurut"
    r"|kepada|kantor berita|laman|sumber|via)\b"
)
_CUE_WINDOW = 40  # characters before the wire name
_WIRE_MENTIONS = {
    wire.name: re.compile(
        r"(?<![\w-])(?:" + "|".join(re.escape(m) for m in wire.mentions) + r")(?![\w-])"
    )
    for wire in registry().wires
    if wire.mentions
}
# Any wire's name at all: most paragraphs have none, and one search says so.
_ANY_MENTION = re.compile("|".join(re.escape(m) for w in registry().wires for m in w.mentions))


@dataclass(frozen=True, slots=True)
class ArticleMeta:
    """Metadata of one article; ``None`` means unknown (``wires``: not given)."""

    outlet: str | None = None
    title: str | None = None
    published: datetime | None = None
    has_time: bool = False
    url: str | None = None
    wires: tuple[str, ...] | None = None
    provenance: Mapping[str, Provenance] = field(default_factory=lambda: MappingProxyType({}))
    note: str | None = None
    author: str | None = None
    added: Added | None = None  # archive articles only: how and when it arrived

    def source(self) -> Source:
        """What a citation of the article prints (no wires given = none)."""
        return Source(
            outlet=self.outlet,
            title=self.title,
            published=self.published,
            has_time=self.has_time,
            url=self.url,
            wires=self.wires or (),
            author=self.author,
        )


def display_path(path: Path) -> str:
    """``seeds/metadata.toml``: short enough for a one-line message, still findable."""
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


# --- the TOML file ----------------------------------------------------------


def read_utf8(path: Path) -> str:
    """A corpus file's text; unreadable or non-UTF-8 is a one-line CorpusError."""
    where = display_path(path)
    try:
        return path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise CorpusError(f"{where}: cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{where}: not valid UTF-8 at byte {exc.start}") from exc


def load_metadata(path: Path, article_ids: Collection[str]) -> dict[str, ArticleMeta]:
    """Read and validate ``path``; every entry must name one of ``article_ids``."""
    text = read_utf8(path)
    return parse_metadata(text, source=display_path(path), article_ids=article_ids)


def parse_metadata(
    text: str, *, source: str, article_ids: Collection[str]
) -> dict[str, ArticleMeta]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # the message ends "(at line N, column M)"
        raise CorpusError(f"{source}: invalid TOML: {exc}") from exc
    unknown = sorted(set(data) - {"articles"})
    if unknown:
        raise CorpusError(f"{source}: unknown top-level key {unknown[0]!r} (expected [articles])")
    articles = data.get("articles", {})
    if not isinstance(articles, dict):
        raise CorpusError(f"{source}: articles: expected a table of articles")
    return {
        article_id: _parse_entry(
            entry, f'{source}: articles."{article_id}"', article_id, article_ids
        )
        for article_id, entry in articles.items()
    }


def _parse_entry(
    entry: object, where: str, article_id: str, article_ids: Collection[str]
) -> ArticleMeta:
    if article_id not in article_ids:
        raise CorpusError(f"{where}: no article file {article_id}.txt in the seeds directory")
    if not isinstance(entry, dict):
        raise CorpusError(f"{where}: expected a table")
    unknown = sorted(set(entry) - _ENTRY_KEYS)
    if unknown:
        expected = ", ".join(sorted(_ENTRY_KEYS))
        raise CorpusError(f"{where}.{unknown[0]}: unknown field (expected one of {expected})")
    published, has_time = _published(entry.get("published"), f"{where}.published")
    wires = entry.get("wires")
    if wires is not None and not (
        isinstance(wires, list) and all(isinstance(w, str) and w.strip() for w in wires)
    ):
        raise CorpusError(f"{where}.wires: expected a list of names")
    url = _text(entry.get("url"), f"{where}.url")
    if url is not None and not is_web_url(url):
        raise CorpusError(f"{where}.url: not an http(s) URL: {url!r}")
    present = [f for f in FIELDS if f in entry]
    return ArticleMeta(
        outlet=_text(entry.get("outlet"), f"{where}.outlet"),
        title=_text(entry.get("title"), f"{where}.title"),
        published=published,
        has_time=has_time,
        url=url,
        wires=tuple(cast(list[str], wires)) if wires is not None else None,
        provenance=_provenance(entry.get("provenance"), present, f"{where}.provenance"),
        note=_text(entry.get("note"), f"{where}.note"),
        author=_text(entry.get("author"), f"{where}.author"),
        added=_added(entry.get("added"), f"{where}.added"),
    )


def _added(value: object, where: str) -> Added | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise CorpusError(
            f'{where}: expected a table such as {{ via = "url", ref = "...", at = ... }}'
        )
    unknown = sorted(set(value) - set(_ADDED_KEYS))
    if unknown:
        raise CorpusError(
            f"{where}.{unknown[0]}: unknown field (expected one of {', '.join(_ADDED_KEYS)})"
        )
    via = value.get("via")
    if via not in _ADDED_VIA:
        raise CorpusError(f"{where}.via: expected one of {', '.join(_ADDED_VIA)}, got {via!r}")
    ref = _text(value.get("ref"), f"{where}.ref")
    if ref is None:
        raise CorpusError(f"{where}.ref: missing (the file, URL or feed entry it came from)")
    at = value.get("at")
    if not isinstance(at, datetime) or at.tzinfo is None:
        raise CorpusError(
            f"{where}.at: expected a TOML date-time with an offset, e.g. 2026-12-02T04:40:00+07:00"
        )
    feed = _text(value.get("feed"), f"{where}.feed")
    if feed is not None and via != "feed":
        raise CorpusError(f'{where}.feed: only for via = "feed"')
    return Added(
        via=cast(AddedVia, via), ref=ref, at=at, by=_text(value.get("by"), f"{where}.by"), feed=feed
    )


def _text(value: object, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise CorpusError(f"{where}: expected a non-empty string")
    return value.strip()


def is_web_url(text: str) -> bool:
    """An absolute http(s) URL with a host (the one check, for metadata and ingest)."""
    try:
        parts = urlsplit(text.strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _published(value: object, where: str) -> tuple[datetime | None, bool]:
    """ISO 8601 with an offset (has_time True) or a plain date (midnight WIB)."""
    if value is None:
        return None, False
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
        except ValueError:
            raise CorpusError(f"{where}: cannot parse date {value!r}") from None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise CorpusError(f"{where}: {value.isoformat()!r} needs a UTC offset, e.g. +07:00")
        return value, True
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=WIB), False
    raise CorpusError(f"{where}: cannot parse date {value!r}")


def _provenance(value: object, present: list[str], where: str) -> Mapping[str, Provenance]:
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise CorpusError(f'{where}: expected a table such as {{ title = "stated" }}')
    for name, origin in value.items():
        if name not in FIELDS:
            raise CorpusError(f"{where}.{name}: unknown field")
        if name not in present:
            raise CorpusError(f"{where}.{name}: provenance for a field that is not given")
        if origin not in PROVENANCES:
            expected = ", ".join(PROVENANCES)
            raise CorpusError(
                f"{where}.{name}: unknown provenance {origin!r} (expected {expected})"
            )
    for name in present:
        if name not in value:
            raise CorpusError(f"{where}.{name}: missing (say where the {name} came from)")
    return MappingProxyType(cast(dict[str, Provenance], dict(value)))


# --- what the text states ---------------------------------------------------


def wires_cited(paragraphs: Iterable[str]) -> tuple[str, ...]:
    """Known wire services the text attributes something to, in order of first mention."""
    found: list[tuple[int, int, str]] = []
    for number, paragraph in enumerate(paragraphs):
        if not _ANY_MENTION.search(paragraph):
            continue
        for wire, pattern in _WIRE_MENTIONS.items():
            for match in pattern.finditer(paragraph):
                before = paragraph[max(0, match.start() - _CUE_WINDOW) : match.start()]
                if _ATTRIBUTION_CUE.search(before):
                    found.append((number, match.start(), wire))
                    break
    wires: list[str] = []
    for _, _, wire in sorted(found):
        if wire not in wires:
            wires.append(wire)
    return tuple(wires)


def stated_metadata(cleaned: CleanedText, url: str | None = None) -> ArticleMeta:
    """Metadata as printed in the article text, plus what its URL tells when given.

    The URL's host names the outlet (the registry folds subdomains), overriding
    a dateline, which may name a wire the outlet quotes ("(ANTARA) -"); a
    ``/yyyy/mm/dd/`` path gives the day when the text prints no date. Both are
    "inferred"; the URL itself is "stated".
    """
    provenance: dict[str, Provenance] = {}
    outlet = cleaned.dateline_outlet
    if outlet is not None and cleaned.outlet_from_credit and url is not None:
        outlet = None  # a photo credit names whose picture it is; the page's host says more
    if outlet is not None:
        # A known domain names the outlet; a title-cased unknown one is a guess.
        provenance["outlet"] = "stated" if registry().by_name(outlet) else "inferred"
    by_host = registry().by_host(url) if url else None
    if by_host is not None:
        outlet = by_host.name
        provenance["outlet"] = "stated" if outlet == cleaned.dateline_outlet else "inferred"
    elif outlet is None and url is not None and (domain := site_domain(url)) is not None:
        outlet, provenance["outlet"] = domain, "inferred"  # an outlet the registry lacks
    if cleaned.title is not None:
        provenance["title"] = "stated"
    if cleaned.date is not None:
        provenance["published"] = "stated"
    wires = list(cleaned.wires_credited)
    wires += [w for w in wires_cited(cleaned.paragraphs) if w not in wires]
    if wires:
        provenance["wires"] = "stated"
    if cleaned.author is not None:
        provenance["author"] = "stated"
    note = None
    if cleaned.date is not None and cleaned.date_is_update:
        # Only a last-update time is printed: the publication was at or before it.
        provenance["published"] = "inferred"
        note = "published: only the last-update time ('Diperbarui') is printed"
    published, has_time = cleaned.date if cleaned.date is not None else (None, False)
    if published is None and url is not None:
        published = url_date(url)
        if published is not None:
            provenance["published"] = "inferred"
    if url is not None:
        provenance["url"] = "stated"
    return ArticleMeta(
        url=url,
        outlet=outlet,
        title=cleaned.title,
        published=published,
        has_time=has_time,
        wires=tuple(wires) if wires else None,
        provenance=MappingProxyType(provenance),
        note=note,
        author=cleaned.author,
    )


# Second-level labels under a country code: kukarkab.go.id, not go.id.
_SECOND_LEVEL = frozenset({"co", "go", "or", "ac", "sch", "web", "my", "net", "mil", "biz", "com"})


def site_domain(url: str) -> str | None:
    """The registrable domain a URL's host belongs to, as an outlet name.

    ``https://www.perspektif.info/2025/...`` -> ``Perspektif.info``;
    ``berita.kukarkab.go.id`` -> ``Kukarkab.go.id``. For outlets the registry lacks.
    """
    if not is_web_url(url):
        return None
    host = (urlsplit(url.strip()).hostname or "").rstrip(".")
    labels = host.split(".")
    if len(labels) < 2 or all(label.isdigit() for label in labels):
        return None  # an IP address or a bare name
    keep = 3 if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 2
    domain = ".".join(labels[-keep:])
    return domain[0].upper() + domain[1:]


_URL_DATE = re.compile(r"/(?P<year>(?:19|20)\d\d)/(?P<month>[01]\d)/(?P<day>[0-3]\d)(?:/|$)")


def url_date(url: str) -> datetime | None:
    """The day a ``/2024/05/14/`` URL path names (midnight WIB), if valid."""
    match = _URL_DATE.search(urlsplit(url).path)
    if match is None:
        return None
    try:
        return datetime(int(match["year"]), int(match["month"]), int(match["day"]), tzinfo=WIB)
    except ValueError:
        return None


def merge_metadata(entry: ArticleMeta | None, stated: ArticleMeta) -> ArticleMeta:
    """Field by field, the metadata file wins over the text."""
    if entry is None:
        return stated
    provenance = dict(stated.provenance)
    provenance.update(entry.provenance)

    def pick(name: str) -> Any:
        ours = getattr(entry, name)
        return ours if ours is not None else getattr(stated, name)

    use_entry_date = entry.published is not None
    return ArticleMeta(
        outlet=pick("outlet"),
        title=pick("title"),
        published=entry.published if use_entry_date else stated.published,
        has_time=entry.has_time if use_entry_date else stated.has_time,
        url=pick("url"),
        wires=pick("wires"),
        provenance=MappingProxyType(provenance),
        note=entry.note if entry.note is not None else stated.note,
        author=pick("author"),
        added=entry.added,
    )


# --- writing an entry -------------------------------------------------------


def format_entry(article_id: str, meta: ArticleMeta) -> str:
    """The TOML text of one ``[articles."id"]`` table; :func:`parse_metadata` reads it back.

    A date without a time is written as a plain date (midnight WIB when read).
    """
    lines = [f"[articles.{_toml_string(article_id)}]"]
    if meta.outlet is not None:
        lines.append(f"outlet = {_toml_string(meta.outlet)}")
    if meta.title is not None:
        lines.append(f"title = {_toml_string(meta.title)}")
    if meta.published is not None:
        published = meta.published.isoformat() if meta.has_time else meta.published.date()
        lines.append(f'published = "{published}"')
    if meta.url is not None:
        lines.append(f"url = {_toml_string(meta.url)}")
    if meta.wires is not None:
        lines.append(f"wires = [{', '.join(_toml_string(w) for w in meta.wires)}]")
    if meta.author is not None:
        lines.append(f"author = {_toml_string(meta.author)}")
    if meta.added is not None:
        lines.append(f"added = {_inline_added(meta.added)}")
    provenance = [
        f"{name} = {_toml_string(meta.provenance[name])}"
        for name in FIELDS
        if name in meta.provenance
    ]
    if provenance:
        lines.append(f"provenance = {{ {', '.join(provenance)} }}")
    if meta.note is not None:
        lines.append(f"note = {_toml_string(meta.note)}")
    return "\n".join(lines) + "\n"


def _inline_added(added: Added) -> str:
    parts = [
        f"via = {_toml_string(added.via)}",
        f"ref = {_toml_string(added.ref)}",
        f"at = {added.at.isoformat()}",
    ]
    if added.by is not None:
        parts.append(f"by = {_toml_string(added.by)}")
    if added.feed is not None:
        parts.append(f"feed = {_toml_string(added.feed)}")
    return f"{{ {', '.join(parts)} }}"


def _toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are a subset TOML accepts)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")
