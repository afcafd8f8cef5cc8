"""Check that two versions of the cleaner give identical output on whole folders.

    python scripts/cleaning_identity.py --old /path/to/old/checkout FOLDER [FOLDER ...]

``--old`` is a directory holding another version's ``retrieval`` package (e.g.
``git archive main retrieval | tar -x -C /tmp/old``). Every ``*.txt`` of every
folder is cleaned by both versions (the old one in a child process) and every
field of the result is compared: paragraphs, title, date, dateline outlet and
place, wires, author, dropped lines, flags, and the metadata the text states.
Prints the counts and the first differences; exits 1 when there is any.
"""

from __future__ import annotations

import argparse
import dataclasses
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

MAX_SHOWN = 10


def clean_folders(folders: list[str]) -> dict[str, dict[str, Any]]:
    """Every file's cleaned fields, by path, with the ``retrieval`` found on sys.path."""
    from retrieval.cleaning import clean_article
    from retrieval.metadata import read_utf8, stated_metadata

    out: dict[str, dict[str, Any]] = {}
    for folder in folders:
        for path in sorted(Path(folder).glob("*.txt")):
            cleaned = clean_article(read_utf8(path).removeprefix("\ufeff"))
            fields = {f.name: getattr(cleaned, f.name) for f in dataclasses.fields(cleaned)}
            stated = stated_metadata(cleaned)
            fields["stated"] = repr(stated)
            out[str(path)] = fields
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", required=True, type=Path, help="folder holding the old retrieval/")
    parser.add_argument("folders", nargs="+")
    parser.add_argument("--dump", help=argparse.SUPPRESS)  # internal: the child's output file
    args = parser.parse_args()
    if args.dump:
        import retrieval

        where = Path(retrieval.__file__).resolve()
        if not where.is_relative_to(args.old.resolve()):
            print(f"the old run imported {where}, not {args.old}", file=sys.stderr)
            return 2
        Path(args.dump).write_bytes(pickle.dumps(clean_folders(args.folders)))
        return 0
    if not (args.old / "retrieval" / "cleaning.py").is_file():
        print(f"{args.old}: no retrieval/cleaning.py there", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "old.pickle"
        subprocess.run(
            [sys.executable, __file__, "--old", str(args.old), "--dump", str(dump), *args.folders],
            check=True,
            env={"PYTHONPATH": str(args.old.resolve()), "PATH": "/usr/bin:/bin"},
        )
        old = pickle.loads(dump.read_bytes())
    new = clean_folders(args.folders)
    differences: list[str] = []
    counts: dict[str, int] = {}
    for path in sorted(set(old) | set(new)):
        if path not in old or path not in new:
            differences.append(f"{path}: only in {'new' if path in new else 'old'}")
            continue
        for field, value in new[path].items():
            counts[field] = counts.get(field, 0) + 1
            if old[path].get(field) != value:
                differences.append(f"{path}: {field}: {old[path].get(field)!r} != {value!r}")
    paragraphs = sum(len(f["paragraphs"]) for f in new.values())
    print(f"files: {len(new)}, paragraphs: {paragraphs}, fields compared: {sum(counts.values())}")
    print(f"differences: {len(differences)}")
    for line in differences[:MAX_SHOWN]:
        print("  " + line[:300])
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
