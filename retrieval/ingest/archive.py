"""The archive: added articles as plain files a person can read and fix.

Layout (``ARCHIVE_DIR``, default ``data/archive``, created on demand)::

    2025/06/20250618-kompas-3f9a0c1d2e.txt    cleaned paragraphs, one blank line apart
    2025/06/20250618-kompas-3f9a0c1d2e.toml   [articles."<id>"] as in seeds/metadata.toml,
                                              plus author and added = {via, ref, at, by, feed}
    feeds.json                                conditional-GET state of the polled feeds

The text is stored already cleaned and is loaded as is. Every write goes to a
temporary file in the same folder, is fsynced and renamed over the target;
the ``.txt`` is written before the ``.toml``, and only a ``.toml`` makes an
article visible, so an interrupted add leaves at most an ignored ``.txt``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from retrieval.ingest.errors import size_text
from retrieval.metadata import FIELDS, ArticleMeta, format_entry, parse_metadata
from retrieval.models import Added, Article, CorpusError, Provenance, Source

DEFAULT_ARCHIVE_DIR = Path("data/archive")
MAX_FILE_BYTES = 5 * 1024 * 1024
_LOCK_FILE = ".lock"
_BINARY_PROBE = 8192  # bytes read to tell a binary file (a NUL byte) from text


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file the loader left out, and why (the caller summarises these)."""

    path: Path
    reason: str  # "too large", "binary", "no .toml beside it"


@dataclass(frozen=True, slots=True)
class Loaded:
    articles: tuple[Article, ...]
    skipped: tuple[Skipped, ...]


def make_id(when: datetime, outlet: str | None, key: str) -> str:
    """``20250618-kompas-3f9a0c1d2e``: day, outlet, sha1 of the canonical URL or text."""
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]
    return f"{when:%Y%m%d}-{slug(outlet) or 'web'}-{digest}"


def slug(text: str | None) -> str:
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:30].strip("-")


def article_path(root: Path, article_id: str) -> Path:
    """Where a new article's ``.txt`` goes: ``root/YYYY/MM/<id>.txt``."""
    day = article_id[:8]
    return root / day[:4] / day[4:6] / f"{article_id}.txt"


# --- writing ----------------------------------------------------------------


@contextlib.contextmanager
def locked(root: Path) -> Iterator[None]:
    """Exclusive lock on the archive, so a bot and a terminal never write at once."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / _LOCK_FILE, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a fsynced temp file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def entry_meta(article: Article) -> ArticleMeta:
    """The metadata an archive ``.toml`` holds for ``article``."""
    s = article.source
    return ArticleMeta(
        outlet=s.outlet,
        title=s.title,
        published=s.published,
        has_time=s.has_time,
        url=s.url,
        wires=s.wires or None,
        # Every present field needs a provenance or the loader refuses the entry.
        provenance={
            name: article.provenance.get(name, "inferred") for name in FIELDS if _present(s, name)
        },
        author=s.author,
        added=article.added,
    )


def _present(s: Source, name: str) -> bool:
    value = getattr(s, name, None)
    return bool(value) if name == "wires" else value is not None


def format_text(paragraphs: tuple[str, ...]) -> str:
    return "\n\n".join(paragraphs) + "\n"


def write_article(root: Path, article: Article) -> None:
    """Store ``article`` (at ``article.path``): the text first, then the metadata.

    Call under :func:`locked`. If writing the metadata fails, the previous text
    (for an update) is put back, so the pair never disagrees after an error.
    """
    txt = article.path
    toml = txt.with_suffix(".toml")
    previous = txt.read_bytes() if txt.is_file() and toml.is_file() else None
    atomic_write(txt, format_text(article.paragraphs).encode("utf-8"))
    try:
        atomic_write(toml, format_entry(article.id, entry_meta(article)).encode("utf-8"))
    except BaseException:
        with contextlib.suppress(OSError):
            if previous is None:
                txt.unlink()
            else:
                atomic_write(txt, previous)
        raise


# --- reading ----------------------------------------------------------------


def load_archive(
    root: Path,
    *,
    max_bytes: int = MAX_FILE_BYTES,
    progress: Callable[[int, int], None] | None = None,
) -> Loaded:
    """Every article in the archive (none when the folder does not exist yet)."""
    if not root.exists():
        return Loaded((), ())
    if not root.is_dir():
        raise CorpusError(f"{root}: the archive is not a folder")
    entries = sorted(p for p in root.rglob("*.toml") if not p.name.startswith("."))
    texts = {p for p in root.rglob("*.txt") if not p.name.startswith(".")}
    skipped: list[Skipped] = []
    articles: list[Article] = []
    for done, toml in enumerate(entries, start=1):
        txt = toml.with_suffix(".txt")
        texts.discard(txt)
        article = _load_one(root, toml, txt, max_bytes, skipped)
        if article is not None:
            articles.append(article)
        if progress is not None:
            progress(done, len(entries))
    skipped += [Skipped(p, "no .toml beside it (an interrupted add?)") for p in sorted(texts)]
    return Loaded(tuple(articles), tuple(skipped))


def load_entry(root: Path, toml: Path, *, max_bytes: int = MAX_FILE_BYTES) -> Article | None:
    """One archive article, by its ``.toml`` (None when its text would be
    skipped: too large or binary); ``load_archive`` for just the new entries."""
    return _load_one(root, toml, toml.with_suffix(".txt"), max_bytes, [])


def _where(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _load_one(
    root: Path, toml: Path, txt: Path, max_bytes: int, skipped: list[Skipped]
) -> Article | None:
    where = _where(root, toml)
    article_id = toml.stem
    meta_text = _read_text(toml, where)
    if not txt.exists() and not txt.is_symlink():
        raise CorpusError(f"{where}: no {txt.name} beside it")
    reason = skip_reason(txt, max_bytes, _where(root, txt))
    if reason is not None:
        skipped.append(Skipped(txt, reason))
        return None
    raw = _read_bytes(txt, _where(root, txt))
    try:
        body = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{_where(root, txt)}: not valid UTF-8 at byte {exc.start}") from None
    paragraphs = tuple(p.strip() for p in re.split(r"\n\s*\n", body) if p.strip())
    if not paragraphs:
        raise CorpusError(f"{_where(root, txt)}: no paragraphs")
    source, provenance, added = parse_entry(meta_text, where, article_id)
    return Article(
        id=article_id,
        path=txt,
        source=source,
        provenance=provenance,
        paragraphs=paragraphs,
        added=added,
    )


def skip_reason(path: Path, max_bytes: int, where: str) -> str | None:
    """Why an article file is left out (too large, binary), or None to load it.

    One rule for the seeds (``retrieval.corpus``) and the archive. A file that
    cannot be read at all is a ``CorpusError``: a person must look at it.
    """
    try:
        if path.stat().st_size > max_bytes:
            return f"larger than {size_text(max_bytes)}"
        with path.open("rb") as fh:
            head = fh.read(_BINARY_PROBE)
    except OSError as exc:
        raise CorpusError(f"{where}: cannot read: {exc.strerror or exc}") from None
    return "binary data" if b"\x00" in head else None


def _read_bytes(path: Path, where: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{where}: cannot read: {exc.strerror or exc}") from None


def _read_text(path: Path, where: str) -> str:
    try:
        return _read_bytes(path, where).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{where}: not valid UTF-8 at byte {exc.start}") from None


def parse_entry(
    text: str, where: str, article_id: str
) -> tuple[Source, Mapping[str, Provenance], Added | None]:
    """One archive ``.toml``: exactly one ``[articles."<id>"]`` table, checked by
    ``parse_metadata`` like the seeds' entries (with ``author`` and ``added``)."""
    entries = parse_metadata(text, source=where, article_ids=(article_id,))
    if list(entries) != [article_id]:
        raise CorpusError(f'{where}: expected one table [articles."{article_id}"]')
    meta = entries[article_id]
    return meta.source(), meta.provenance, meta.added
