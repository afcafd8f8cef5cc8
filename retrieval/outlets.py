"""The outlet registry: host names and printed datelines -> outlets and wires.

The facts live in ``retrieval/data/outlets.toml`` (one ``[[outlet]]`` table per
outlet or wire agency); this module only loads and indexes them::

    >>> reg = registry()
    >>> reg.by_host("https://news.detik.com/berita/d-1/x").name
    'detikcom'
    >>> reg.by_dateline("KOMPAS.com").name
    'Kompas'
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal, cast
from urllib.parse import urlsplit

OutletKind = Literal["outlet", "wire"]
_KINDS: tuple[OutletKind, ...] = ("outlet", "wire")
_DATA_FILE = "outlets.toml"
# "Xyz.com", "TRIBUN-MEDAN.com", "REPUBLIKA.CO.ID": a host name as printed.
DOMAIN_PATTERN = r"[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z]{2,6}){1,2}(?![A-Za-z0-9])"
_DOMAIN = re.compile(DOMAIN_PATTERN)


@dataclass(frozen=True, slots=True)
class Outlet:
    name: str
    domains: tuple[str, ...]  # lower-case; "bbc.com/indonesia" names a path on a host
    dateline_names: tuple[str, ...]  # as printed; matched case-insensitively
    kind: OutletKind = "outlet"
    mentions: tuple[str, ...] = ()  # wires: case-sensitive spellings in running text
    # case-sensitive initials ("KR", "RWK") that name the outlet only in a dateline's
    # outlet slot ("Sleman (KR) -", "BUNTOK, MK -"); elsewhere they are ordinary words
    initials: tuple[str, ...] = ()


class Registry:
    """Lookups over a fixed list of outlets (see :func:`registry`)."""

    __slots__ = (
        "_by_dateline",
        "_by_domain",
        "_by_initials",
        "_by_name",
        "outlets",
        "press_words",
    )

    def __init__(
        self, outlets: tuple[Outlet, ...], press_words: frozenset[str] = frozenset()
    ) -> None:
        self.outlets = outlets
        # upper-case words that make a name at the start of a story an outlet's ("HARIAN")
        self.press_words = press_words
        self._by_domain: dict[str, Outlet] = {}
        self._by_dateline: dict[str, Outlet] = {}
        self._by_name: dict[str, Outlet] = {}
        self._by_initials: dict[str, Outlet] = {}
        for outlet in outlets:
            self._by_name.setdefault(outlet.name.casefold(), outlet)
            for initials in outlet.initials:
                self._by_initials.setdefault(initials, outlet)
            for domain in outlet.domains:
                self._by_domain.setdefault(domain, outlet)
            for spelling in (*outlet.dateline_names, *outlet.domains):
                self._by_dateline.setdefault(spelling.casefold(), outlet)

    @property
    def wires(self) -> tuple[Outlet, ...]:
        return tuple(o for o in self.outlets if o.kind == "wire")

    def dateline_spellings(self) -> tuple[str, ...]:
        """Every dateline spelling, longest first (for building regexes)."""
        names = {s for o in self.outlets for s in o.dateline_names}
        return tuple(sorted(names, key=lambda s: (-len(s), s)))

    def by_name(self, name: str) -> Outlet | None:
        """The outlet whose display name is ``name`` (any case)."""
        return self._by_name.get(name.strip().casefold())

    def by_host(self, host_or_url: str) -> Outlet | None:
        """The outlet of a host or URL; subdomains fold onto the longest known domain.

        ``news.detik.com`` -> detikcom; ``jateng.tribunnews.com`` -> Tribun Jateng
        (listed on its own), ``foo.tribunnews.com`` -> Tribunnews.
        """
        text = host_or_url.strip()
        if "//" not in text:
            text = "//" + text
        try:
            parts = urlsplit(text)
            host = (parts.hostname or "").rstrip(".").lower()
        except ValueError:
            return None
        path = parts.path.lower()
        labels = host.removeprefix("www.").split(".")
        for i in range(len(labels) - 1):
            domain = ".".join(labels[i:])
            first = path.strip("/").split("/")[0]
            if first and (with_path := self._by_domain.get(f"{domain}/{first}")):
                return with_path
            if found := self._by_domain.get(domain):
                return found
        return None

    def by_dateline(self, name: str) -> Outlet | None:
        """The outlet printed as ``name`` in a dateline (``KOMPAS.com``, ``ANTARA``)."""
        cleaned = name.strip(" \t()[].,:-–—|").casefold()
        found = self._by_dateline.get(cleaned)
        if found is None and _DOMAIN.fullmatch(cleaned):
            found = self.by_host(cleaned)
        return found

    def by_initials(self, initials: str) -> Outlet | None:
        """The outlet whose dateline initials are exactly ``initials`` (``KR``)."""
        return self._by_initials.get(initials.strip())

    def wire(self, name: str) -> Outlet | None:
        """The wire agency called ``name`` (any case), e.g. ``reuters`` -> Reuters."""
        found = self.by_dateline(name) or self.by_name(name.strip(" .()[]"))
        return found if found is not None and found.kind == "wire" else None


def _load(text: str, source: str) -> tuple[Outlet, ...]:
    return _outlets(tomllib.loads(text), source)


def _outlets(data: dict[str, Any], source: str) -> tuple[Outlet, ...]:
    entries = data.get("outlet")
    if not isinstance(entries, list):
        raise ValueError(f"{source}: expected [[outlet]] tables")
    outlets: list[Outlet] = []
    for number, entry in enumerate(entries, start=1):
        where = f"{source}: outlet #{number}"
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"{where}: name: expected a non-empty string")
        kind = entry.get("kind", "outlet")
        if kind not in _KINDS:
            raise ValueError(f"{where} ({name}): kind: expected 'outlet' or 'wire'")
        lists: dict[str, tuple[str, ...]] = {}
        for key in ("domains", "datelines", "mentions", "initials"):
            lists[key] = _strings(entry.get(key, []), f"{where} ({name}): {key}")
        outlets.append(
            Outlet(
                name=name,
                domains=tuple(d.lower() for d in lists["domains"]),
                dateline_names=lists["datelines"],
                kind=cast(OutletKind, kind),
                mentions=lists["mentions"],
                initials=lists["initials"],
            )
        )
    return tuple(outlets)


def _strings(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f"{where}: expected a list of strings")
    return tuple(value)


@cache
def registry() -> Registry:
    """The registry shipped in ``retrieval/data/outlets.toml`` (loaded once)."""
    text = resources.files("retrieval").joinpath("data", _DATA_FILE).read_text(encoding="utf-8")
    source = f"retrieval/data/{_DATA_FILE}"
    data = tomllib.loads(text)
    press_words = _strings(data.get("press_words", []), f"{source}: press_words")
    return Registry(_outlets(data, source), frozenset(v.upper() for v in press_words))
