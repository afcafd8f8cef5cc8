"""Stand-ins for the cleaning branch's coming API, used until it lands.

TODO(merge with the "cleaning" branch): replace ``outlet_by_host`` with
``retrieval.outlets.registry().by_host(url).name`` and ``format_entry`` /
``parse_archive_entry`` with ``retrieval.metadata.format_entry`` and
``parse_metadata`` (which then know ``author`` and the ``added`` table).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from retrieval.cleaning import KNOWN_OUTLETS
from retrieval.ingest.urls import host_of


def outlet_by_host(url: str) -> str | None:
    """The outlet whose domain serves ``url`` (subdomains fold onto it)."""
    try:
        from retrieval.outlets import registry  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        host = host_of(url) or ""
        labels = host.removeprefix("www.").split(".")
        for i in range(len(labels) - 1):
            found = KNOWN_OUTLETS.get(".".join(labels[i:]))
            if found:
                return found
        return None
    outlet = registry().by_host(url)
    return None if outlet is None else str(outlet.name)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def format_entry(article_id: str, fields: Mapping[str, Any]) -> str:
    """One ``[articles."<id>"]`` table; ``None`` values are left out."""
    lines = [f"[articles.{_toml_value(article_id)}]"]
    tables: list[tuple[str, Mapping[str, Any]]] = []
    for key, value in fields.items():
        if value is None:
            continue
        if isinstance(value, Mapping) and key != "provenance":
            tables.append((key, value))
            continue
        lines.append(f"{key} = {_toml_value(value)}")
    for key, table in tables:
        lines.append("")
        lines.append(f"[articles.{_toml_value(article_id)}.{key}]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in table.items() if v is not None]
    return "\n".join(lines) + "\n"
