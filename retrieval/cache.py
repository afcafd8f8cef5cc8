"""Save and load a built index together with its cleaned corpus.

A cache is keyed by the corpus's raw files (path, size and mtime of every
``*.txt``/``*.toml`` under the seeds folder and, recursively, the archive
folder), the code that cleans them, and the index settings (which include the
analyzer's version). Loading a fresh cache reads no article file at all: the
cleaned paragraphs are one UTF-8 blob with offsets, the postings are ``.npy``
arrays opened memory-mapped, and nothing is analysed again.

Each corpus folder gets its own sub-folder of ``cache_dir`` (named after its
path), so corpora sharing a cache folder never prune each other's caches.
Plain formats only (JSON, text and ``.npy`` without pickles): loading a cache
file can never run code. Anything unreadable is reported to the caller, who
rebuilds.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from retrieval.analyzer import Analyzer
from retrieval.index import INDEX_FORMAT, Index, IndexSettings, Postings, Refs
from retrieval.models import Added, AddedVia, Article, Corpus, Provenance, Source

# Modules whose code turns raw files into cleaned articles: a change to any
# of them (or to their data files) makes every cached corpus stale.
_CLEANING_CODE = ("cleaning.py", "dates.py", "metadata.py", "corpus.py", "outlets.py", "models.py")
_PACKAGE = Path(__file__).resolve().parent
STAMP_FILE = "current.json"


class StaleCache(Exception):
    """The cache is missing, for other data, or unreadable."""


class CacheWriteError(Exception):
    """The index could not be saved (one line naming the folder and why)."""


def _raw_files(folder: Path, recursive: bool) -> Iterator[tuple[str, os.stat_result]]:
    """(relative path, stat) of the corpus's files, names as strings (cheap)."""
    stack = [""]
    while stack:
        rel = stack.pop()
        with os.scandir(folder / rel if rel else folder) as entries:
            for entry in entries:
                name = f"{rel}/{entry.name}" if rel else entry.name
                if entry.is_dir():
                    if recursive:
                        stack.append(name)
                elif entry.name.endswith((".txt", ".toml")) and entry.is_file():
                    yield name, entry.stat()


def corpus_key(seeds_dir: Path, archive_dir: Path | None = None) -> str:
    """Names the cache sub-folder of one corpus (its folders' absolute paths)."""
    where = [str(seeds_dir.resolve()), str(archive_dir.resolve()) if archive_dir else ""]
    return hashlib.sha256("\x00".join(where).encode()).hexdigest()[:16]


def code_fingerprint() -> str:
    h = hashlib.sha256()
    paths = [_PACKAGE / name for name in _CLEANING_CODE]
    data = _PACKAGE / "data"
    if data.is_dir():
        paths.extend(sorted(p for p in data.rglob("*") if p.is_file()))
    for path in paths:
        if path.is_file():
            h.update(path.name.encode() + b"\x00" + path.read_bytes())
    return h.hexdigest()


def raw_fingerprint(
    seeds_dir: Path, settings: IndexSettings, archive_dir: Path | None = None
) -> str:
    """Changes when a raw file is added, removed or rewritten (size or mtime),
    when the cleaning code changes, or when any analysis setting does."""
    h = hashlib.sha256(settings.fingerprint().encode())
    h.update(code_fingerprint().encode())
    for label, folder, recursive in (("S", seeds_dir, False), ("A", archive_dir, True)):
        if folder is None or not folder.is_dir():
            continue
        for rel, st in sorted(_raw_files(folder, recursive), key=lambda e: e[0]):
            h.update(f"\x00{label}{rel}\x00{st.st_size}\x00{st.st_mtime_ns}".encode())
    return h.hexdigest()


def folder_stamp(seeds_dir: Path, settings: IndexSettings, archive_dir: Path | None = None) -> str:
    """A cheap stand-in for ``raw_fingerprint``: the corpus folders' mtimes and
    entry counts (a file added, removed or renamed changes them; a file
    rewritten in place may not: ``Retriever.files_changed`` checks that)."""
    h = hashlib.sha256(settings.fingerprint().encode())
    h.update(code_fingerprint().encode())
    for label, folder, recursive in (("S", seeds_dir, False), ("A", archive_dir, True)):
        if folder is None or not folder.is_dir():
            continue
        stack = [folder]
        while stack:
            current = stack.pop()
            st = current.stat()
            with os.scandir(current) as entries:
                names = sorted(e.name for e in entries)
            rel = current.relative_to(folder).as_posix()
            h.update(f"\x00{label}{rel}\x00{st.st_mtime_ns}\x00{len(names)}".encode())
            if recursive:
                stack.extend(current / n for n in names if (current / n).is_dir())
    return h.hexdigest()


def stamped_fingerprint(folder: Path, stamp: str) -> str | None:
    """The fingerprint recorded for this folder stamp by the last build."""
    try:
        current = json.loads((folder / STAMP_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(current, dict) or current.get("stamp") != stamp:
        return None
    fingerprint = current.get("fingerprint")
    return fingerprint if isinstance(fingerprint, str) else None


def remember_stamp(folder: Path, stamp: str, fingerprint: str) -> None:
    """Record which fingerprint this folder stamp stands for (atomically)."""
    tmp = folder / f".{STAMP_FILE}.tmp"
    try:
        tmp.write_text(json.dumps({"stamp": stamp, "fingerprint": fingerprint}), encoding="utf-8")
        os.replace(tmp, folder / STAMP_FILE)
    except OSError as exc:
        raise CacheWriteError(f"cannot write the index cache in {folder}: {exc}") from exc


def corpus_dir(cache_dir: Path, seeds_dir: Path, archive_dir: Path | None = None) -> Path:
    return cache_dir / f"corpus-{corpus_key(seeds_dir, archive_dir)}"


def cache_path(folder: Path, fingerprint: str) -> Path:
    """The cache of one fingerprint inside a corpus's folder."""
    return folder / f"index-{fingerprint[:24]}"


# -- articles as JSON --------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _when(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


def _article_meta(a: Article, folders: dict[str, int]) -> dict[str, Any]:
    s = a.source
    added = a.added
    folder = folders.setdefault(str(a.path.parent), len(folders))
    return {
        "id": a.id,
        "path": [folder, a.path.name],
        "paragraphs": len(a.paragraphs),
        "source": [
            s.outlet,
            s.title,
            _iso(s.published),
            s.has_time,
            s.url,
            list(s.wires),
            s.author,
        ],
        "provenance": dict(a.provenance),
        "added": None
        if added is None
        else [added.via, added.ref, _iso(added.at), added.by, added.feed],
    }


def _child(parent: Path, name: str) -> Path:
    """parent / name without parsing the parent again (100k paths: ~0.1 s
    instead of ~0.6 s); pathlib's own fast path where it has one."""
    make = getattr(parent, "_make_child_relpath", None)
    return cast(Path, make(name)) if make is not None and "/" not in name else parent / name


def _article(meta: dict[str, Any], paragraphs: tuple[str, ...], folders: list[Path]) -> Article:
    outlet, title, published, has_time, url, wires, author = meta["source"]
    added = meta["added"]
    folder, name = meta["path"]
    return Article(
        id=meta["id"],
        path=_child(folders[folder], name),
        source=Source(outlet, title, _when(published), has_time, url, tuple(wires), author),
        provenance=cast(dict[str, Provenance], meta["provenance"]),
        paragraphs=paragraphs,
        added=None
        if added is None
        else Added(cast(AddedVia, added[0]), added[1], cast(datetime, _when(added[2])), *added[3:]),
    )


# -- save --------------------------------------------------------------------


def _write_strings(path: Path, values: Sequence[str]) -> None:
    """Strings as one UTF-8 blob (path.bin) plus character offsets (path.npy)."""
    offsets = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum([len(v) for v in values], out=offsets[1:])
    path.with_suffix(".bin").write_bytes("".join(values).encode("utf-8"))
    np.save(path.with_suffix(".npy"), offsets, allow_pickle=False)


def _read_strings(path: Path) -> list[str]:
    text = path.with_suffix(".bin").read_bytes().decode("utf-8")
    offsets = np.load(path.with_suffix(".npy"), allow_pickle=False).tolist()
    if offsets[-1] != len(text):
        raise StaleCache(f"{path} is inconsistent")
    return [text[a:b] for a, b in itertools.pairwise(offsets)]


def save(index: Index, folder: Path) -> Path:
    """Write the index and its corpus atomically into ``folder`` (a corpus's
    cache folder): a reader sees the old cache or the new one.
    Raises CacheWriteError when the disk refuses."""
    if index.delta is not None:
        raise ValueError("save a rebuilt index, not one with a delta segment")
    target = cache_path(folder, index.fingerprint)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-index-", dir=folder))
    except OSError as exc:
        raise CacheWriteError(f"cannot write the index cache in {folder}: {exc}") from exc
    try:
        articles = index.corpus.articles
        _write_strings(tmp / "paragraphs", [p for a in articles for p in a.paragraphs])
        _write_strings(tmp / "terms", index.terms)
        _write_strings(tmp / "surface", index.surface)
        _write_strings(tmp / "stems", [index.analyzer.stem(w) for w in index.surface])
        context_terms = sorted(set().union(*index.article_context)) if articles else []
        where = {t: i for i, t in enumerate(context_terms)}
        _write_strings(tmp / "context_terms", context_terms)
        ctx_off = np.zeros(len(articles) + 1, dtype=np.int64)
        ctx_ids: list[int] = []
        for i, terms in enumerate(index.article_context):
            ctx_ids.extend(sorted(where[t] for t in terms))
            ctx_off[i + 1] = len(ctx_ids)
        arrays: dict[str, npt.NDArray[Any]] = {
            "indptr": index.main.indptr,
            "indices": index.main.indices,
            "data": index.main.data,
            "ref_article": index.refs.article,
            "ref_number": index.refs.number,
            "context_ids": np.array(ctx_ids, dtype=np.int32),
            "context_off": ctx_off,
            "sketch_rows": index.sketch_rows,
            "sketch_hashes": index.sketch_hashes,
            "duplicates": np.array(
                [(a, b) for a, others in index.duplicates.items() for b in others if a < b],
                dtype=np.int64,
            ).reshape(-1, 2),
        }
        for name, arr in arrays.items():
            np.save(tmp / f"{name}.npy", np.ascontiguousarray(arr), allow_pickle=False)
        folders: dict[str, int] = {}
        meta = {
            "format": INDEX_FORMAT,
            "fingerprint": index.fingerprint,
            "rows": len(index),
            "articles": [_article_meta(a, folders) for a in articles],
            "folders": list(folders),
            "warnings": list(index.corpus.warnings),
        }
        (tmp / "corpus.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise CacheWriteError(f"cannot write the index cache in {folder}: {exc}") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


# -- load --------------------------------------------------------------------


class _Lazy(Sequence[str]):
    """Saved strings read on first use (a cold start that never needs them
    never reads them)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._values: list[str] | None = None

    def _load(self) -> list[str]:
        if self._values is None:
            self._values = _read_strings(self.path)
        return self._values

    def __len__(self) -> int:
        return len(self._load())

    def __getitem__(self, i: int) -> str:  # type: ignore[override]
        return self._load()[i]


class _Context(Sequence[frozenset[str]]):
    """Per article: its context terms, decoded on demand from saved arrays."""

    def __init__(
        self, terms: list[str], ids: npt.NDArray[np.int32], off: npt.NDArray[np.int64]
    ) -> None:
        self.terms, self.ids, self.off = terms, ids, off.tolist()
        self._memo: dict[int, frozenset[str]] = {}

    def __len__(self) -> int:
        return len(self.off) - 1

    def __getitem__(self, i: int) -> frozenset[str]:  # type: ignore[override]
        found = self._memo.get(i)
        if found is not None:
            return found
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        terms = self.terms
        j = i % len(self)
        found = frozenset(terms[t] for t in self.ids[self.off[j] : self.off[j + 1]].tolist())
        if len(self._memo) < 100_000:
            self._memo[i] = found
        return found

    def __iter__(self) -> Iterator[frozenset[str]]:
        terms, ids, off = self.terms, self.ids.tolist(), self.off
        for i in range(len(self)):
            found = self._memo.get(i)
            yield (
                found
                if found is not None
                else frozenset([terms[t] for t in ids[off[i] : off[i + 1]]])
            )


def load(folder: Path, fingerprint: str, settings: IndexSettings) -> Index:
    """The cached index (and its corpus, as ``index.corpus``) of the corpus
    whose fingerprint is given; StaleCache if there is none usable."""
    path = cache_path(folder, fingerprint)
    if not path.is_dir():
        raise StaleCache(f"no cache at {path}")
    try:
        meta = json.loads((path / "corpus.json").read_text(encoding="utf-8"))
        if meta.get("format") != INDEX_FORMAT or meta.get("fingerprint") != fingerprint:
            raise StaleCache(f"{path} holds another index")

        def arr(name: str) -> npt.NDArray[Any]:
            # Memory-mapped, seen as a plain ndarray (slicing a np.memmap costs
            # more than the slice).
            mapped = np.load(path / f"{name}.npy", mmap_mode="r")
            return cast(npt.NDArray[Any], mapped.view(np.ndarray))

        paragraphs = _read_strings(path / "paragraphs")
        folders = [Path(f) for f in meta["folders"]]
        articles: list[Article] = []
        at = 0
        for m in meta["articles"]:
            n = int(m["paragraphs"])
            articles.append(_article(m, tuple(paragraphs[at : at + n]), folders))
            at += n
        if at != len(paragraphs) or at != meta["rows"]:
            raise StaleCache(f"{path} is inconsistent")
        corpus = Corpus(tuple(articles), tuple(meta["warnings"]))
        terms = _read_strings(path / "terms")
        main = Postings(arr("indptr"), arr("indices"), arr("data"))
        refs = Refs(np.asarray(arr("ref_article")), np.asarray(arr("ref_number")))
        if main.columns != len(terms) or len(refs) != at or main.indices.shape != main.data.shape:
            raise StaleCache(f"{path} is inconsistent")
        surface = _read_strings(path / "surface")
        analyzer = Analyzer(settings.analyzer)
        analyzer.remember(surface, _Lazy(path / "stems"))
        duplicates: dict[int, list[int]] = {}
        for a, b in np.asarray(arr("duplicates")).tolist():
            duplicates.setdefault(a, []).append(b)
            duplicates.setdefault(b, []).append(a)
        context = _Context(
            _read_strings(path / "context_terms"),
            np.load(path / "context_ids.npy", allow_pickle=False),
            np.load(path / "context_off.npy", allow_pickle=False),
        )
        return Index(
            corpus=corpus,
            settings=settings,
            fingerprint=fingerprint,
            refs=refs,
            terms=terms,
            main=main,
            main_rows=len(refs),
            surface=tuple(surface),
            duplicates={row: sorted(others) for row, others in duplicates.items()},
            sketch_rows=arr("sketch_rows"),
            sketch_hashes=arr("sketch_hashes"),
            article_context=context,
            analyzer=analyzer,
        )
    except StaleCache:
        raise
    except Exception as exc:  # any damage at all means: rebuild
        raise StaleCache(f"{path} is unreadable ({type(exc).__name__}: {exc})") from exc


def prune(folder: Path, keep: str) -> None:
    """Remove this corpus's older caches (never another corpus's folder)."""
    keep_path = cache_path(folder, keep)
    for p in folder.glob("index-*"):
        if p != keep_path and p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
