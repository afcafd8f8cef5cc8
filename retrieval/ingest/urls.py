"""Canonical article URLs: one spelling per article, so a re-add is recognised.

``https://m.Detik.com/berita/d-1/x/?utm_source=fb&page=2#top`` and
``https://www.detik.com/berita/d-1/x`` name the same article.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from retrieval.metadata import is_web_url

__all__ = ["canonical_url", "host_of", "is_web_url"]

# Host prefixes that serve the same article in another dress.
_HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.")
# Query parameters that never change which article a URL names: tracking tags
# and the pagination/"show all"/AMP switches Indonesian outlets use.
_DROPPED_PARAMS = frozenset(
    {"page", "halaman", "hal", "single", "amp", "outputtype", "showpage", "view",
     "fbclid", "gclid", "dclid", "msclkid", "igshid", "ref", "source", "from", "_ga"}
)  # fmt: skip
_DROPPED_PREFIXES = ("utm_", "mc_")
# Path suffixes of AMP and "all pages" variants.
_PATH_SUFFIXES = ("/amp", "/amp.html", "/all", "/full", "/single")


def canonical_url(url: str) -> str:
    """The one spelling of an article URL used to recognise it again."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").rstrip(".").lower()
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
            break
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    path = parts.path or "/"
    lowered = path.lower().rstrip("/")
    for suffix in _PATH_SUFFIXES:
        if lowered.endswith(suffix) and len(lowered) > len(suffix):
            path = path.rstrip("/")[: -len(suffix)]
            break
    path = path.rstrip("/") or "/"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in _DROPPED_PARAMS and not k.lower().startswith(_DROPPED_PREFIXES)
    ]
    return urlunsplit(("https", host, path, urlencode(sorted(query)), ""))


def host_of(url: str) -> str | None:
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.lower() if host else None
