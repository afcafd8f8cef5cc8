"""Adding articles to the archive: from saved files, URLs and feeds.

Pure and synchronous (no Telegram, no event loop), so the bot can run it in a
worker thread::

    from retrieval.ingest import Ingester
    with Ingester(archive_dir, corpus.articles) as ingester:
        result = ingester.add("https://www.example.co.id/berita/1")
        result.status        # "added" | "updated" | "duplicate" | "error"

Modules: ``fetch`` (HTTP), ``extract`` (HTML/text to a draft), ``checks``
(is it an Indonesian article), ``urls`` (canonical URLs), ``dedupe``
(near-identical text), ``archive`` (the files), ``feeds`` (RSS/Atom),
``pipeline`` (the verbs).
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from retrieval.ingest.archive import DEFAULT_ARCHIVE_DIR, load_archive
    from retrieval.ingest.errors import IngestError
    from retrieval.ingest.fetch import Limits
    from retrieval.ingest.pipeline import Ingester, IngestResult, Status, ingest

# Lazy (PEP 562): loading the corpus imports ``retrieval.ingest.archive``,
# which runs this file; the fetching side (httpx, trafilatura) is imported
# only when one of its names is used, so ``ask`` does not pay for it.
_HOMES = {
    "DEFAULT_ARCHIVE_DIR": "archive",
    "load_archive": "archive",
    "IngestError": "errors",
    "Limits": "fetch",
    "Ingester": "pipeline",
    "IngestResult": "pipeline",
    "Status": "pipeline",
    "ingest": "pipeline",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"retrieval.ingest.{home}"), name)


__all__ = [
    "DEFAULT_ARCHIVE_DIR",
    "IngestError",
    "IngestResult",
    "Ingester",
    "Limits",
    "Status",
    "ingest",
    "load_archive",
]
