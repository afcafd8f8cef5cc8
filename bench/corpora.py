"""Load the shared news datasets and write them as seeds-shaped corpus folders.

The datasets live outside the repository, in ``../shared/corpora/`` (see each
README there). They are never copied into the repository: ``materialize`` writes
a folder the real CLI reads (``tanyaberita index --seeds DIR``) somewhere else.

    python -m bench.corpora idnews-2025 --limit 200 --out /tmp/idn200
    python -m bench.corpora indosum-dev --limit 50 --with-seeds --out /tmp/mix

Quirks handled here, one place:

- idnews-2025 ``para == "as_given"`` bodies keep the scraper's newlines, which
  are not paragraph boundaries (detik/kompas break at every link). Blank lines
  still separate paragraphs; single newlines inside one become a space.
- indosum-dev has ``title: null``; its ``title_slug`` (lower-case URL words)
  stands in for the headline, with the first letter capitalised.
- ``published`` is the dataset's ``date_iso`` when it carries a UTC offset, its
  day when it has none (the metadata schema refuses naive times), else None.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import random
import re
import shutil
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPORA = SHARED / "corpora"
SEEDS = REPO / "seeds"
METADATA_FILE = "metadata.toml"

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v\xa0]*\n")
_NEWLINES = re.compile(r"[ \t]*\n[ \t]*")


class CorpusMissing(Exception):
    """The dataset file is not there (``../shared`` absent or incomplete)."""


@dataclass(frozen=True, slots=True)
class Record:
    """One dataset article, as given (not cleaned by the project)."""

    id: str
    title: str | None
    outlet: str | None
    published: str | None  # ISO 8601 accepted by metadata.toml, or None
    url: str | None
    text: str  # the body exactly as in the dataset
    paragraphs: tuple[str, ...]  # the body split on blank lines, stripped
    title_provenance: str = "looked-up"  # how the title was obtained
    date_line: str | None = None  # printed under the headline when set (synthetic articles)

    @property
    def words(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


def split_paragraphs(text: str, *, join_lines: bool = False) -> tuple[str, ...]:
    """Paragraphs separated by blank lines; ``join_lines`` turns newlines inside a
    paragraph into spaces (for texts whose newlines are not boundaries)."""
    parts = (p.strip() for p in _BLANK_LINE.split(text.replace("\r\n", "\n")))
    if join_lines:
        parts = (_NEWLINES.sub(" ", p) for p in parts)
    return tuple(p for p in parts if p)


def iso_published(value: object) -> str | None:
    """``date_iso`` as metadata.toml accepts it: aware date-time, or the day."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.date().isoformat()
    return moment.isoformat()


def _text_or_none(value: object) -> str | None:
    if isinstance(value, str):
        value = " ".join(value.split())
        return value or None
    return None


def _idnews_2025(row: dict[str, Any]) -> Record:
    text = str(row.get("text") or "")
    return Record(
        id=str(row["id"]),
        title=_text_or_none(row.get("title")),
        outlet=_text_or_none(row.get("outlet")),
        published=iso_published(row.get("date_iso")),
        url=_text_or_none(row.get("url")),
        text=text,
        paragraphs=split_paragraphs(text, join_lines=row.get("para") == "as_given"),
    )


def _indosum_dev(row: dict[str, Any]) -> Record:
    text = str(row.get("text") or "")
    slug = _text_or_none(row.get("title_slug"))
    title = _text_or_none(row.get("title")) or (slug[:1].upper() + slug[1:] if slug else None)
    return Record(
        id=str(row["id"]),
        title=title,
        outlet=_text_or_none(row.get("outlet")),
        published=iso_published(row.get("date_iso")),
        url=_text_or_none(row.get("url")),
        text=text,
        paragraphs=split_paragraphs(text),
        title_provenance="looked-up" if row.get("title") else "inferred",
    )


_CONVERTERS: dict[str, Callable[[dict[str, Any]], Record]] = {
    "idnews-2025": _idnews_2025,
    "indosum-dev": _indosum_dev,
}
NAMES: tuple[str, ...] = tuple(_CONVERTERS)


def dataset_path(name: str, corpora: Path = CORPORA) -> Path:
    if name not in _CONVERTERS:
        raise ValueError(f"unknown corpus {name!r} (expected one of {', '.join(NAMES)})")
    return corpora / name / "articles.jsonl.gz"


def available(name: str, corpora: Path = CORPORA) -> bool:
    return dataset_path(name, corpora).is_file()


def load(
    name: str,
    *,
    limit: int | None = None,
    seed: int = 0,
    corpora: Path = CORPORA,
    min_paragraphs: int = 1,
) -> list[Record]:
    """The records of dataset ``name`` in file order; with ``limit``, a seeded
    random sample of that many (still in file order, same sample for the same
    seed). Articles with fewer than ``min_paragraphs`` paragraphs are skipped."""
    path = dataset_path(name, corpora)
    if not path.is_file():
        raise CorpusMissing(f"{path}: not found (is ../shared there?)")
    records = [r for r in _read(name, path) if len(r.paragraphs) >= max(1, min_paragraphs)]
    if limit is not None and limit < len(records):
        keep = sorted(random.Random(seed).sample(range(len(records)), limit))
        records = [records[i] for i in keep]
    return records


@functools.lru_cache(maxsize=2)
def _read(name: str, path: Path) -> tuple[Record, ...]:
    convert = _CONVERTERS[name]
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return tuple(convert(json.loads(line)) for line in lines if line.strip())


def load_idnews_2025(**kwargs: Any) -> list[Record]:
    return load("idnews-2025", **kwargs)


def load_indosum_dev(**kwargs: Any) -> list[Record]:
    return load("indosum-dev", **kwargs)


# --- seeds-shaped folders ---------------------------------------------------


def _toml_string(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, except DEL)."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007F")


def article_file_text(record: Record) -> str:
    """Headline line, blank line, body paragraphs separated by blank lines (and a
    date line after the headline when the record has one)."""
    head = [record.title] if record.title else []
    if record.date_line:
        head.append(record.date_line)
    return "\n\n".join([*head, *record.paragraphs]) + "\n"


def metadata_entry(record: Record) -> str:
    """One ``[articles."<id>"]`` table in the shape of ``seeds/metadata.toml``.

    Fields the dataset does not give are left out (``wires`` always: an empty
    list would override the wires the text itself credits).
    """
    fields: list[tuple[str, str, str]] = []  # name, TOML value, provenance
    if record.outlet:
        fields.append(("outlet", _toml_string(record.outlet), "looked-up"))
    if record.title:
        fields.append(("title", _toml_string(record.title), record.title_provenance))
    if record.published:
        fields.append(("published", _toml_string(record.published), "looked-up"))
    if record.url:
        fields.append(("url", _toml_string(record.url), "looked-up"))
    lines = [f"[articles.{_toml_string(record.id)}]"]
    lines += [f"{name} = {value}" for name, value, _ in fields]
    provenance = ", ".join(f'{name} = "{origin}"' for name, _, origin in fields)
    lines.append(f"provenance = {{ {provenance} }}")
    return "\n".join(lines) + "\n"


def project_loads(record: Record) -> bool:
    """Whether the project's cleaner keeps at least one body paragraph of the
    article as written (``load_corpus`` refuses the whole folder otherwise)."""
    from retrieval.cleaning import clean_article

    return bool(clean_article(article_file_text(record)).paragraphs)


def loadable(records: Iterable[Record]) -> tuple[list[Record], list[Record]]:
    """``records`` split into those the project loads and those it refuses."""
    kept: list[Record] = []
    refused: list[Record] = []
    for record in records:
        (kept if project_loads(record) else refused).append(record)
    return kept, refused


def materialize(records: Iterable[Record], folder: Path, *, header: str = "") -> int:
    """Write ``<id>.txt`` per record and ``metadata.toml`` into ``folder``
    (created; existing article files of the same ids are overwritten). Returns
    the number of articles written."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = [header or "# Written by bench.corpora from a shared dataset; not for the repo.\n"]
    count = 0
    for record in records:
        (folder / f"{record.id}.txt").write_text(article_file_text(record), encoding="utf-8")
        entries.append(metadata_entry(record))
        count += 1
    (folder / METADATA_FILE).write_text("\n".join(entries), encoding="utf-8")
    return count


def materialize_with_seeds(
    records: Iterable[Record], folder: Path, *, seeds_dir: Path = SEEDS
) -> int:
    """The project's seeds (copied byte for byte) plus ``records`` as distractors,
    with one metadata.toml holding both. Returns the number of distractors."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(seeds_dir.glob("*.txt")):
        shutil.copyfile(path, folder / path.name)
    seeds_meta = seeds_dir / METADATA_FILE
    header = seeds_meta.read_text(encoding="utf-8") if seeds_meta.is_file() else ""
    return materialize(records, folder, header=header.rstrip("\n") + "\n\n# Distractors\n")


def sample_paragraphs(records: Sequence[Record], paragraphs: int) -> list[Record]:
    """The first records (in the given order) holding about ``paragraphs``
    paragraphs in total; all of them when they hold fewer."""
    out: list[Record] = []
    total = 0
    for record in records:
        if total >= paragraphs:
            break
        out.append(record)
        total += len(record.paragraphs)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.corpora",
        description="Write a shared dataset (or a sample) as a seeds-shaped folder.",
    )
    parser.add_argument("corpus", choices=NAMES)
    parser.add_argument("--out", type=Path, required=True, help="folder to write")
    parser.add_argument("--limit", type=int, help="articles to sample (default: all)")
    parser.add_argument("--seed", type=int, default=0, help="sampling seed (default 0)")
    parser.add_argument(
        "--with-seeds", action="store_true", help="also copy the project's seeds/ into it"
    )
    args = parser.parse_args(argv)
    try:
        records = load(args.corpus, limit=args.limit, seed=args.seed)
    except CorpusMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    records, refused = loadable(records)
    write = materialize_with_seeds if args.with_seeds else materialize
    count = write(records, args.out)
    paragraphs = sum(len(r.paragraphs) for r in records)
    print(f"wrote {count} articles ({paragraphs} paragraphs) to {args.out}")
    if refused:
        print(f"left out {len(refused)} articles the project's cleaner empties entirely")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
