"""Load the corpus: the seed articles (cleaned here) and the archive (stored clean).

Seeds are ``*.txt`` files kept exactly as scraped, with ``metadata.toml``;
the archive (``retrieval/ingest/archive.py``) holds added articles, already
cleaned, one ``.txt`` + ``.toml`` pair each. Problems a person must fix (an
unreadable file, broken metadata) raise ``CorpusError``; files that are merely
skipped (too large, binary, half-added) become warnings, summarised per kind.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

from retrieval.cleaning import clean_article
from retrieval.ingest.archive import MAX_FILE_BYTES, load_archive, skip_reason
from retrieval.metadata import (
    EXPECTED_FIELDS,
    ArticleMeta,
    display_path,
    load_metadata,
    merge_metadata,
    read_utf8,
    stated_metadata,
)
from retrieval.models import Article, Corpus, CorpusError
from retrieval.workers import OrderedMap, batches, worker_count

logger = logging.getLogger(__name__)

METADATA_FILE = "metadata.toml"
MAX_EXAMPLES = 5
# Files read and cleaned per task, and how many make a pool worth starting.
FILES_PER_TASK = 200
PARALLEL_FILES = 2_000

Progress = Callable[[int, int], None]


def load_corpus(
    seeds_dir: Path,
    archive_dir: Path | None = None,
    progress: Progress | None = None,
    *,
    metadata_path: Path | None = None,
    max_file_bytes: int = MAX_FILE_BYTES,
    workers: int | None = None,
) -> Corpus:
    """Every seed ``*.txt`` (by name), cleaned and with its metadata, then the archive.

    Metadata comes from ``metadata_path`` or else ``seeds_dir/metadata.toml``
    (optional in that case). A seed without an entry gets what its text states
    and a warning naming what is still missing. ``progress(done, total)`` is
    called per seed file and per archive article.

    Seed files are read and cleaned by ``workers`` processes (default: every
    core for a large folder); the corpus is the same whatever their number.
    """
    files = _article_files(seeds_dir)
    notes: dict[str, list[str]] = defaultdict(list)  # warning kind -> files
    kept: list[Path] = []
    for path in files:
        reason = skip_reason(path, max_file_bytes, display_path(path))
        if reason is None:
            kept.append(path)
        else:
            notes[f"skipped: {reason}"].append(display_path(path))
    # Workers clean while this process reads the metadata; a metadata error
    # still comes first, as if the files were read after it.
    n_workers = worker_count(len(kept), workers, PARALLEL_FILES)
    articles: list[Article] = []
    with OrderedMap(_clean_files, batches(kept, FILES_PER_TASK), n_workers) as cleaned:
        entries = _metadata(seeds_dir, metadata_path, frozenset(path.stem for path in kept))
        at = 0
        for chunk in cleaned:
            for paragraphs, stated in chunk:
                path = kept[at]
                articles.append(_article(path, entries.get(path.stem), paragraphs, stated))
                at += 1
            if progress is not None:
                progress(at, len(kept))
    for path, article in zip(kept, articles, strict=True):
        if path.stem not in entries:
            missing = [f for f in EXPECTED_FIELDS if getattr(article.source, f) is None]
            notes[f"no metadata entry; missing {', '.join(missing)}"].append(display_path(path))

    if archive_dir is not None:
        loaded = load_archive(archive_dir, max_bytes=max_file_bytes, progress=progress)
        seen = {a.id for a in articles}
        for article in loaded.articles:
            if article.id in seen:
                raise CorpusError(f"{article.path}: article id {article.id} is already a seed")
            articles.append(article)
        for skipped in loaded.skipped:
            notes[f"skipped: {skipped.reason}"].append(str(skipped.path))

    warnings = tuple(summarise(kind, where) for kind, where in notes.items())
    for warning in warnings:
        logger.warning(warning)
    return Corpus(articles=tuple(articles), warnings=warnings)


def summarise(kind: str, files: list[str]) -> str:
    """One line per kind of warning: the file itself, or a count and a few examples."""
    if len(files) == 1:
        return f"{files[0]}: {kind}"
    examples = ", ".join(files[:MAX_EXAMPLES]) + (", ..." if len(files) > MAX_EXAMPLES else "")
    return f"{len(files)} files: {kind} (e.g. {examples})"


def _metadata(
    seeds_dir: Path, metadata_path: Path | None, ids: frozenset[str]
) -> dict[str, ArticleMeta]:
    path = metadata_path if metadata_path is not None else seeds_dir / METADATA_FILE
    if metadata_path is None and not path.exists() and not path.is_symlink():
        return {}  # optional in the seeds folder
    if not path.is_file():
        what = "a broken symlink" if path.is_symlink() and not path.exists() else "not a file"
        if not path.exists() and not path.is_symlink():
            what = "no such file"
        raise CorpusError(f"{display_path(path)}: {what}")
    return load_metadata(path, ids)


def _article_files(seeds_dir: Path) -> list[Path]:
    where = display_path(seeds_dir)
    if not seeds_dir.is_dir():
        raise CorpusError(f"{where}: seeds directory does not exist")
    if not any(seeds_dir.iterdir()):
        raise CorpusError(f"{where}: seeds directory is empty")
    files = sorted(seeds_dir.glob("*.txt"), key=lambda p: p.name)
    for path in files:
        if not path.is_file():
            what = "a broken symlink" if not path.exists() else "not a file"
            raise CorpusError(f"{display_path(path)}: {what}")
    if not files:
        raise CorpusError(f"{where}: no .txt article files")
    return files


Cleaned = tuple[tuple[str, ...], ArticleMeta]  # paragraphs, what the text states


def _clean_files(paths: Sequence[Path]) -> list[Cleaned]:
    """Read and clean files (a worker's task): raises the first file's CorpusError."""
    out: list[Cleaned] = []
    for path in paths:
        cleaned = clean_article(read_utf8(path).removeprefix("\ufeff"))
        if not cleaned.paragraphs:
            raise CorpusError(f"{display_path(path)}: no body paragraphs after cleaning")
        out.append((cleaned.paragraphs, stated_metadata(cleaned)))
    return out


def _article(
    path: Path, entry: ArticleMeta | None, paragraphs: tuple[str, ...], stated: ArticleMeta
) -> Article:
    meta = merge_metadata(entry, stated)
    return Article(
        id=path.stem,
        path=path,
        source=meta.source(),
        provenance=meta.provenance,
        paragraphs=paragraphs,
    )
