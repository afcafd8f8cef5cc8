"""Save and load a built index, keyed by the corpus and settings fingerprint.

Plain formats only (JSON and NumPy's npz without pickles), so loading a cache
file can never run code. Anything unreadable is reported to the caller, who
rebuilds.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
from scipy import sparse

from retrieval.index import INDEX_FORMAT, Index, IndexSettings, ParagraphRef
from retrieval.models import Corpus


class StaleCache(Exception):
    """The cache is missing, for other data, or unreadable."""


def cache_path(cache_dir: Path, fingerprint: str) -> Path:
    return cache_dir / f"index-{fingerprint[:24]}"


def save(index: Index, cache_dir: Path) -> Path:
    """Write the index atomically: a reader sees the old cache or the new one."""
    target = cache_path(cache_dir, index.fingerprint)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-index-", dir=cache_dir))
    try:
        sparse.save_npz(tmp / "matrix.npz", index.matrix, compressed=True)
        np.save(tmp / "idf.npy", index.idf, allow_pickle=False)
        meta = {
            "format": INDEX_FORMAT,
            "fingerprint": index.fingerprint,
            "refs": [[r.article, r.number] for r in index.refs],
            "vocabulary": index.vocabulary,
            "surface": list(index.surface),
            "duplicates": {str(k): v for k, v in index.duplicates.items()},
        }
        (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def load(cache_dir: Path, fingerprint: str, settings: IndexSettings, corpus: Corpus) -> Index:
    """The cached index of ``corpus`` (whose fingerprint is given), bound to it;
    StaleCache if there is none usable (absent, other format, or corrupt)."""
    path = cache_path(cache_dir, fingerprint)
    if not path.is_dir():
        raise StaleCache(f"no cache at {path}")
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        if meta.get("format") != INDEX_FORMAT or meta.get("fingerprint") != fingerprint:
            raise StaleCache(f"{path} holds another index")
        matrix = sparse.csc_matrix(sparse.load_npz(path / "matrix.npz"))
        idf = np.load(path / "idf.npy", allow_pickle=False).astype(np.float64)
        refs = [ParagraphRef(int(a), int(n)) for a, n in meta["refs"]]
        vocabulary = {str(t): int(c) for t, c in meta["vocabulary"].items()}
        if matrix.shape != (len(refs), len(vocabulary)) or idf.shape != (len(vocabulary),):
            raise StaleCache(f"{path} is inconsistent")
        index = Index(
            settings=settings,
            fingerprint=fingerprint,
            refs=refs,
            vocabulary=vocabulary,
            idf=idf,
            matrix=matrix,
            surface=tuple(str(w) for w in meta["surface"]),
            duplicates={int(k): [int(x) for x in v] for k, v in meta["duplicates"].items()},
        )
        index.attach(corpus)
        return index
    except StaleCache:
        raise
    except Exception as exc:  # any damage at all means: rebuild
        raise StaleCache(f"{path} is unreadable ({type(exc).__name__}: {exc})") from exc


def prune(cache_dir: Path, keep: str) -> None:
    """Remove caches of older corpora so the folder does not grow forever."""
    keep_path = cache_path(cache_dir, keep)
    for p in cache_dir.glob("index-*"):
        if p != keep_path and p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
