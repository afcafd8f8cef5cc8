"""Save and load a built index together with its cleaned corpus.

A cache is keyed by the corpus's raw files (path, size and mtime of every
``*.txt``/``*.toml`` under the seeds folder and, recursively, the archive
folder), the code that cleans them, and the index settings (which include the
analyzer's version). Loading a fresh cache reads no article file and does no
work per article or per term: the postings, the cleaned corpus
(``retrieval.tables``) and the vocabulary (``retrieval.columns``) are plain
files opened memory-mapped and read on demand, and nothing is analysed again.

Two kinds of cache live in a corpus's folder: a main index
(``index-<fingerprint>/``, which also lists the files it was built from) and
at most one delta segment (``delta-<fingerprint>/``): the articles added to
the archive since the main index was built, analysed, with the main index it
extends. A start that finds only added archive articles loads the main index,
indexes just those and saves them as a delta; ``tanyaberita index`` merges
(rebuilds one main index).

Each corpus folder gets its own sub-folder of ``cache_dir`` (named after its
path), so corpora sharing a cache folder never prune each other's caches.
Plain formats only (JSON, text and ``.npy`` without pickles): loading a cache
file can never run code. Anything unreadable is reported to the caller, who
rebuilds.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from retrieval.analyzer import Analyzer
from retrieval.columns import ColumnError, SortedLookup, Strings, sorted_order, write_strings
from retrieval.index import INDEX_FORMAT, DeltaParts, Index, IndexSettings, Postings, Refs
from retrieval.models import Corpus
from retrieval.tables import SavedArticles, write_articles
from retrieval.token_columns import open_word_columns, write_word_columns

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


# A corpus's raw files: "S:<name>" (seeds) / "A:<path>" (archive) -> (size, mtime_ns).
Files = dict[str, tuple[int, int]]


def listing(seeds_dir: Path, archive_dir: Path | None = None) -> Files:
    """Every ``*.txt``/``*.toml`` of the corpus with its size and mtime (stat only)."""
    files: Files = {}
    for label, folder, recursive in (("S", seeds_dir, False), ("A", archive_dir, True)):
        if folder is None or not folder.is_dir():
            continue
        for rel, st in _raw_files(folder, recursive):
            files[f"{label}:{rel}"] = (st.st_size, st.st_mtime_ns)
    return files


def fingerprint_of(files: Files, settings: IndexSettings) -> str:
    """The cache key of a corpus with these files, cleaning code and settings."""
    h = hashlib.sha256(settings.fingerprint().encode())
    h.update(code_fingerprint().encode())
    for name in sorted(files):
        size, mtime = files[name]
        h.update(f"\x00{name}\x00{size}\x00{mtime}".encode())
    return h.hexdigest()


def raw_fingerprint(
    seeds_dir: Path, settings: IndexSettings, archive_dir: Path | None = None
) -> str:
    """Changes when a raw file is added, removed or rewritten (size or mtime),
    when the cleaning code changes, or when any analysis setting does."""
    return fingerprint_of(listing(seeds_dir, archive_dir), settings)


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
            count = 0
            below: list[Path] = []
            with os.scandir(current) as entries:
                for entry in entries:
                    count += 1
                    if recursive and entry.is_dir():
                        below.append(Path(entry.path))
            rel = current.relative_to(folder).as_posix()
            h.update(f"\x00{label}{rel}\x00{st.st_mtime_ns}\x00{count}".encode())
            stack.extend(sorted(below, reverse=True))
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
    """The main index of one fingerprint inside a corpus's folder."""
    return folder / f"index-{fingerprint[:24]}"


def delta_path(folder: Path, fingerprint: str) -> Path:
    """The delta segment of one fingerprint inside a corpus's folder."""
    return folder / f"delta-{fingerprint[:24]}"


def saved_path(folder: Path, fingerprint: str) -> Path:
    """Where the cache of one fingerprint is: its delta when there is one."""
    delta = delta_path(folder, fingerprint)
    return delta if delta.is_dir() else cache_path(folder, fingerprint)


# -- save --------------------------------------------------------------------


def _save_arrays(folder: Path, arrays: dict[str, npt.NDArray[Any]]) -> None:
    for name, arr in arrays.items():
        np.save(folder / f"{name}.npy", np.ascontiguousarray(arr), allow_pickle=False)


def _write(folder: Path, target: Path, fill: Callable[[Path], None]) -> Path:
    """Fill a fresh temporary folder and rename it to ``target`` (a reader
    sees the old cache or the new one). Raises CacheWriteError."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-index-", dir=folder))
    except OSError as exc:
        raise CacheWriteError(f"cannot write the index cache in {folder}: {exc}") from exc
    try:
        fill(tmp)
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


def _meta(tmp: Path, meta: dict[str, Any]) -> None:
    (tmp / "corpus.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def save(index: Index, folder: Path, files: Files | None = None) -> Path:
    """Write a main index and its corpus into ``folder`` (a corpus's cache
    folder), with ``files``, the listing it was built from (what a later
    start compares with to index only added files).
    Raises CacheWriteError when the disk refuses."""
    if index.delta is not None:
        raise ValueError("save a rebuilt index, not one with a delta segment")

    def fill(tmp: Path) -> None:
        from retrieval.known import write_known  # the ingester's side: not for `ask`

        articles = index.corpus.articles
        folders = write_articles(tmp, articles)
        write_known(tmp, articles, index.known_keys)
        write_strings(tmp / "terms", index.terms)
        write_strings(tmp / "surface", index.surface)
        stems = [index.analyzer.stem(w) for w in index.surface]
        write_strings(tmp / "stems", stems)
        write_word_columns(tmp, stems, index.vocabulary)
        context_terms = sorted(set().union(*index.article_context)) if articles else []
        where = {t: i for i, t in enumerate(context_terms)}
        write_strings(tmp / "context_terms", context_terms)
        ctx_off = np.zeros(len(articles) + 1, dtype=np.int64)
        ctx_ids: list[int] = []
        for i, terms in enumerate(index.article_context):
            ctx_ids.extend(sorted(where[t] for t in terms))
            ctx_off[i + 1] = len(ctx_ids)
        listed = sorted((files or {}).items())
        write_strings(tmp / "file_names", [name for name, _ in listed])
        _save_arrays(
            tmp,
            {
                "indptr": index.main.indptr,
                "indices": index.main.indices,
                "data": index.main.data,
                "ref_article": index.refs.article,
                "ref_number": index.refs.number,
                "term_order": sorted_order(index.terms),
                "context_ids": np.array(ctx_ids, dtype=np.int32),
                "context_off": ctx_off,
                "sketch_rows": index.sketch_rows,
                "sketch_hashes": index.sketch_hashes,
                "duplicates": _pairs(index.duplicates),
                "file_stats": np.array([st for _, st in listed], dtype=np.int64).reshape(-1, 2),
            },
        )
        _meta(
            tmp,
            {
                "format": INDEX_FORMAT,
                "kind": "main",
                "fingerprint": index.fingerprint,
                "rows": len(index),
                "articles": len(articles),
                "folders": folders,
                "warnings": list(index.corpus.warnings),
                "listed": files is not None,
            },
        )

    return _write(folder, cache_path(folder, index.fingerprint), fill)


def save_delta(index: Index, folder: Path) -> Path:
    """Write ``index``'s delta segment (its main index must be saved in
    ``folder`` already) under ``index.fingerprint``."""
    base, parts = index.base, index.parts
    if base is None or parts is None or not index.fingerprint or not base.fingerprint:
        raise ValueError("save_delta wants an index with a delta over a saved main index")

    def fill(tmp: Path) -> None:
        folders = write_articles(tmp, parts.articles)
        write_strings(tmp / "new_terms", parts.new_terms)
        write_strings(tmp / "new_words", parts.new_words)
        write_strings(tmp / "contexts", [" ".join(sorted(c)) for c in parts.contexts])
        _save_arrays(
            tmp,
            {
                "indptr": parts.postings.indptr,
                "indices": parts.postings.indices,
                "data": parts.postings.data,
                "found": _pairs(parts.found, every=True),
            },
        )
        _meta(
            tmp,
            {
                "format": INDEX_FORMAT,
                "kind": "delta",
                "fingerprint": index.fingerprint,
                "main": base.fingerprint,
                "rows": len(index) - len(base),
                "articles": len(parts.articles),
                "folders": folders,
            },
        )

    return _write(folder, delta_path(folder, index.fingerprint), fill)


def _pairs(duplicates: Mapping[int, list[int]], every: bool = False) -> npt.NDArray[np.int64]:
    """Near-duplicate pairs as an (n, 2) array: each pair once (a < b), or
    with ``every`` each (row, other) entry."""
    return np.array(
        [(a, b) for a, others in duplicates.items() for b in others if every or a < b],
        dtype=np.int64,
    ).reshape(-1, 2)


# -- load --------------------------------------------------------------------


class _Context(Sequence[frozenset[str]]):
    """Per article: its context terms, decoded on demand from saved arrays."""

    def __init__(
        self, terms: Sequence[str], ids: npt.NDArray[np.int32], off: npt.NDArray[np.int64]
    ) -> None:
        self.terms, self.ids, self.off = terms, ids, off
        self._memo: dict[int, frozenset[str]] = {}
        self._list: list[str] | None = None

    def _terms(self) -> list[str]:
        # The distinct context terms are few (titles, outlets, dates): decoded
        # once, on the first look.
        if self._list is None:
            self._list = list(self.terms)
        return self._list

    def __len__(self) -> int:
        return int(self.off.shape[0]) - 1

    def __getitem__(self, i: int) -> frozenset[str]:  # type: ignore[override]
        found = self._memo.get(i)
        if found is not None:
            return found
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        terms = self._terms()
        j = i % len(self)
        lo, hi = self.off[j : j + 2].tolist()
        found = frozenset(terms[t] for t in self.ids[lo:hi].tolist())
        if len(self._memo) < 100_000:
            self._memo[i] = found
        return found

    def __iter__(self) -> Iterator[frozenset[str]]:
        terms, ids, off = self._terms(), self.ids.tolist(), self.off.tolist()
        for i in range(len(self)):
            found = self._memo.get(i)
            yield (
                found
                if found is not None
                else frozenset([terms[t] for t in ids[off[i] : off[i + 1]]])
            )


def _read_meta(path: Path, fingerprint: str, kind: str) -> dict[str, Any]:
    meta = json.loads((path / "corpus.json").read_text(encoding="utf-8"))
    if (
        not isinstance(meta, dict)
        or meta.get("format") != INDEX_FORMAT
        or meta.get("fingerprint") != fingerprint
        or meta.get("kind") != kind
    ):
        raise StaleCache(f"{path} holds another index")
    return meta


def _array(path: Path, name: str) -> npt.NDArray[Any]:
    # Memory-mapped, seen as a plain ndarray (slicing a np.memmap costs more
    # than the slice).
    mapped = np.load(path / f"{name}.npy", mmap_mode="r", allow_pickle=False)
    return cast(npt.NDArray[Any], mapped.view(np.ndarray))


def _load_main(path: Path, fingerprint: str, settings: IndexSettings) -> Index:
    meta = _read_meta(path, fingerprint, "main")
    articles = SavedArticles(path, meta["folders"])
    rows = int(meta["rows"])
    if len(articles) != meta["articles"] or len(articles.texts) != rows:
        raise StaleCache(f"{path} is inconsistent")
    corpus = Corpus(articles, tuple(meta["warnings"]))
    terms = Strings(path / "terms")
    order = _array(path, "term_order")
    main = Postings(_array(path, "indptr"), _array(path, "indices"), _array(path, "data"))
    refs = Refs(_array(path, "ref_article"), _array(path, "ref_number"))
    if (
        main.columns != len(terms)
        or order.shape != (len(terms),)
        or len(refs) != rows
        or refs.number.shape != (rows,)
        or main.indices.shape != main.data.shape
        or int(main.indptr[-1]) != main.indices.shape[0]
    ):
        raise StaleCache(f"{path} is inconsistent")
    surface = Strings(path / "surface")
    stems = Strings(path / "stems")
    if len(stems) != len(surface):
        raise StaleCache(f"{path} is inconsistent")
    analyzer = Analyzer(settings.analyzer)
    analyzer.remember(surface, stems)
    duplicates: dict[int, list[int]] = {}
    for a, b in _array(path, "duplicates").tolist():
        duplicates.setdefault(a, []).append(b)
        duplicates.setdefault(b, []).append(a)
    context = _Context(
        Strings(path / "context_terms"), _array(path, "context_ids"), _array(path, "context_off")
    )
    if len(context) != len(articles):
        raise StaleCache(f"{path} is inconsistent")
    return Index(
        corpus=corpus,
        settings=settings,
        fingerprint=fingerprint,
        refs=refs,
        terms=terms,
        main=main,
        main_rows=rows,
        surface=surface,
        duplicates={row: sorted(others) for row, others in duplicates.items()},
        sketch_rows=_array(path, "sketch_rows"),
        sketch_hashes=_array(path, "sketch_hashes"),
        article_context=context,
        analyzer=analyzer,
        vocabulary=SortedLookup(terms, order),
        word_columns=open_word_columns(path, surface),
    )


def _load_delta(path: Path, fingerprint: str, folder: Path, settings: IndexSettings) -> Index:
    meta = _read_meta(path, fingerprint, "delta")
    main_fingerprint = meta["main"]
    base = _load_main(cache_path(folder, main_fingerprint), main_fingerprint, settings)
    articles = tuple(SavedArticles(path, meta["folders"]))
    new_terms = tuple(Strings(path / "new_terms"))
    postings = Postings(_array(path, "indptr"), _array(path, "indices"), _array(path, "data"))
    contexts = tuple(frozenset(c.split()) for c in Strings(path / "contexts"))
    rows = sum(len(a.paragraphs) for a in articles)
    if (
        rows != meta["rows"]
        or len(contexts) != len(articles)
        or postings.columns != len(base.terms) + len(new_terms)
        or int(postings.indptr[-1]) != postings.indices.shape[0]
        or (postings.indices.shape[0] and int(postings.indices.max()) >= rows)
    ):
        raise StaleCache(f"{path} is inconsistent")
    found: dict[int, list[int]] = {}
    for a, b in _array(path, "found").tolist():
        found.setdefault(a, []).append(b)
    parts = DeltaParts(
        articles, postings, new_terms, tuple(Strings(path / "new_words")), found, contexts
    )
    return base.joined(parts, fingerprint)


def load(folder: Path, fingerprint: str, settings: IndexSettings) -> Index:
    """The cached index (and its corpus, as ``index.corpus``) of the corpus
    whose fingerprint is given: a main index, or a main index and its saved
    delta; StaleCache if there is none usable."""
    path = cache_path(folder, fingerprint)
    delta = delta_path(folder, fingerprint)
    if not path.is_dir() and not delta.is_dir():
        raise StaleCache(f"no cache at {path}")
    where = path if path.is_dir() else delta
    try:
        if path.is_dir():
            return _load_main(path, fingerprint, settings)
        return _load_delta(delta, fingerprint, folder, settings)
    except StaleCache:
        raise
    except Exception as exc:  # any damage at all means: rebuild
        raise StaleCache(f"{where} is unreadable ({type(exc).__name__}: {exc})") from exc


def main_listing(folder: Path) -> tuple[str, Files] | None:
    """The newest main index saved in ``folder`` that lists its files: its
    fingerprint and that listing (None when there is none)."""
    found: list[tuple[int, Path, str]] = []
    for path in folder.glob("index-*"):
        try:
            meta = json.loads((path / "corpus.json").read_text(encoding="utf-8"))
            if (
                meta.get("format") == INDEX_FORMAT
                and meta.get("kind") == "main"
                and meta.get("listed")
            ):
                found.append((path.stat().st_mtime_ns, path, str(meta["fingerprint"])))
        except (OSError, ValueError, AttributeError, KeyError):
            continue
    if not found:
        return None
    _, path, fingerprint = max(found)
    try:
        names = Strings(path / "file_names").tolist()
        stats = np.load(path / "file_stats.npy", allow_pickle=False).tolist()
    except (OSError, ValueError, ColumnError):
        return None
    if len(names) != len(stats):
        return None
    return fingerprint, {n: (int(s[0]), int(s[1])) for n, s in zip(names, stats, strict=True)}


def added_entries(old: Files, new: Files) -> list[str] | None:
    """The archive entries (``.toml`` paths relative to the archive) that
    ``new`` adds to ``old`` when it only adds whole entries (a ``.toml`` and
    its ``.txt``); None when any file changed or went away, or anything else
    was added (a seed, half an entry)."""
    for name, stat in old.items():
        if new.get(name) != stat:
            return None
    added = new.keys() - old.keys()
    tomls = sorted(n for n in added if n.endswith(".toml"))
    texts = {n for n in added if n.endswith(".txt")}
    if any(not n.startswith("A:") for n in added) or texts != {f"{n[:-5]}.txt" for n in tomls}:
        return None
    return [n[2:] for n in tomls]


def prune(folder: Path, keep: str, main: str | None = None) -> None:
    """Remove this corpus's other caches (never another corpus's folder):
    all but ``keep`` (and ``main``, the main index a delta ``keep`` extends)."""
    if main is None:
        kept = {cache_path(folder, keep)}
    else:
        kept = {delta_path(folder, keep), cache_path(folder, main)}
    for p in [*folder.glob("index-*"), *folder.glob("delta-*")]:
        if p not in kept and p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
