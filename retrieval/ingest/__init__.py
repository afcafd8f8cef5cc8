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

from retrieval.ingest.archive import DEFAULT_ARCHIVE_DIR, load_archive
from retrieval.ingest.errors import IngestError
from retrieval.ingest.fetch import Limits
from retrieval.ingest.pipeline import Ingester, IngestResult, Status, ingest

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
