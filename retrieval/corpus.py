"""Load the seed articles: read, clean, and merge metadata into ``Article``s."""

from __future__ import annotations

import logging
from pathlib import Path

from retrieval.cleaning import clean_article
from retrieval.metadata import (
    EXPECTED_FIELDS,
    ArticleMeta,
    display_path,
    load_metadata,
    merge_metadata,
    read_utf8,
    stated_metadata,
)
from retrieval.models import Article, Corpus, CorpusError, Source

logger = logging.getLogger(__name__)

METADATA_FILE = "metadata.toml"


def load_corpus(seeds_dir: Path, metadata_path: Path | None = None) -> Corpus:
    """Every ``*.txt`` in ``seeds_dir`` (by name), cleaned and with its metadata.

    Metadata comes from ``metadata_path`` or else ``seeds_dir/metadata.toml``
    (optional in that case). An article without an entry gets what its text
    states and one warning naming what is still missing.
    """
    files = _article_files(seeds_dir)
    ids = [path.stem for path in files]
    if metadata_path is None:
        default = seeds_dir / METADATA_FILE
        entries = load_metadata(default, ids) if default.is_file() else {}
    else:
        entries = load_metadata(metadata_path, ids)

    articles: list[Article] = []
    warnings: list[str] = []
    for path in files:
        article = _load_article(path, entries.get(path.stem))
        articles.append(article)
        if path.stem not in entries:
            missing = [f for f in EXPECTED_FIELDS if getattr(article.source, f) is None]
            warning = f"{display_path(path)}: no metadata entry; missing {', '.join(missing)}"
            logger.warning(warning)
            warnings.append(warning)
    return Corpus(articles=tuple(articles), warnings=tuple(warnings))


def _article_files(seeds_dir: Path) -> list[Path]:
    where = display_path(seeds_dir)
    if not seeds_dir.is_dir():
        raise CorpusError(f"{where}: seeds directory does not exist")
    if not any(seeds_dir.iterdir()):
        raise CorpusError(f"{where}: seeds directory is empty")
    files = sorted((p for p in seeds_dir.glob("*.txt") if p.is_file()), key=lambda p: p.name)
    if not files:
        raise CorpusError(f"{where}: no .txt article files")
    return files


def _load_article(path: Path, entry: ArticleMeta | None) -> Article:
    where = display_path(path)
    text = read_utf8(path)
    cleaned = clean_article(text.removeprefix("\ufeff"))
    if not cleaned.paragraphs:
        raise CorpusError(f"{where}: no body paragraphs after cleaning")
    meta = merge_metadata(entry, stated_metadata(cleaned))
    return Article(
        id=path.stem,
        path=path,
        source=Source(
            outlet=meta.outlet,
            title=meta.title,
            published=meta.published,
            has_time=meta.has_time,
            url=meta.url,
            wires=meta.wires or (),
        ),
        provenance=meta.provenance,
        paragraphs=cleaned.paragraphs,
    )
