"""Score the cleaner (outlet, date, title, furniture, body) on three sets of real pages.

Sets (issue #7, section 5), each scored "text only" and "with URL" (the page's
URL passed as a hint, as ``tanyaberita add URL`` would):

* ``real``: scraped text pages in ``--pages`` with expectations in ``--expect``
  (``tests/data/real_pages.json``: true title/outlet/date, 3 furniture lines
  that must go and 3 body sentences that must stay per page);
* ``html2016``: the 26 ``idnews-html-2016`` pages with gold title/date/body;
  HTML -> text by ``retrieval.ingest.extract.from_html`` when importable, else
  by trafilatura directly (said in the output);
* ``idnews2025``: 100 seeded ``idnews-2025`` articles rebuilt as scraped pages
  (title line, date string, body) with hand-checked expectations in
  ``tests/data/idnews_sample.json``. Furniture and body lines are found in the
  raw body by this script's own furniture list, independent of the cleaner's.

Prints a Markdown table per set and writes JSON (``--json``). No text of the
pages is stored anywhere by this script.

    python scripts/score_cleaning.py --json /tmp/score.json
    python scripts/score_cleaning.py --write-sample 100 --seed 7   # new sample ids
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from retrieval.cleaning import clean_article
from retrieval.dates import WIB
from retrieval.metadata import stated_metadata
from retrieval.outlets import registry

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpora"
SAMPLE_FILE = ROOT / "tests" / "data" / "idnews_sample.json"

# Lines of raw idnews-2025 bodies that are furniture, by this script's own list.
_RAW_FURNITURE = re.compile(
    r"(?i)^(?:baca juga|baca pula|simak juga|lihat juga|simak video|advertisement$|scroll to"
    r" continue|ikuti whatsapp|.*google news|.*whatsapp channel|berita terkait|artikel terkait"
    r"|loading|next article|\[gambas|video:|tonton|saksikan|editor\s*:|penulis\s*:"
    r"|reporter\s*:|pewarta\s*:|sumber\s*:|copyright|©|tags?\s*:|topik\s*:)"
)
# In "as_given" bodies furniture sits inside the text; such sentences are not body.
_FURNITURE_INSIDE = re.compile(
    r"(?i)baca juga|lihat juga|simak juga|baca selengkapnya|scroll to continue|advertisement"
    r"|\bvideo\b|google news|whatsapp|\(\w{2,4}/\w{2,4}\)"
)
_SENTENCE = re.compile(r"(?<=[.!?])[\"”]?\s+(?=[\"“]?[A-Z])")


@dataclass
class Expected:
    id: str
    text: str
    url: str | None
    title: str | None  # None: the page shows no title
    outlet: str | None
    outlet_shown: bool
    published: datetime | None
    published_has_time: bool
    published_shown: bool
    published_is_update: bool = False
    furniture: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    html: str | None = None  # an HTML page: the predictor extracts its text


@dataclass
class Tally:
    outlet: list[int] = field(default_factory=lambda: [0, 0, 0])  # correct, wrong, missing
    date: list[int] = field(default_factory=lambda: [0, 0, 0])
    title: list[int] = field(default_factory=lambda: [0, 0, 0])
    furniture: list[int] = field(default_factory=lambda: [0, 0])  # removed, total
    body: list[int] = field(default_factory=lambda: [0, 0])  # kept, total
    failures: list[str] = field(default_factory=list)


# --- comparing ---------------------------------------------------------------


def _norm(text: str) -> str:
    text = text.replace("\xa0", " ").casefold()
    text = re.sub(r"[“”\"'‘’]", "", text)
    return " ".join(re.findall(r"\w+", text))


def _contains(paragraph: str, piece: str) -> bool:
    """A short piece ("jakarta", a dateline) counts only at the start; a longer one anywhere."""
    if len(piece.split()) < 3:
        return paragraph.startswith(piece + " ") or paragraph == piece
    return piece in paragraph


def canonical_outlet(name: str | None) -> str | None:
    if name is None:
        return None
    reg = registry()
    found = reg.by_name(name) or reg.by_dateline(name) or reg.by_host(name)
    if found is not None:
        return found.name
    # An outlet the registry does not know: "BeritaKilat.com", "beritakilat.com" and
    # "BeritaKilat" are one name.
    bare = re.sub(
        r"(?i)\.(?:com|co\.id|co|id|net|info|org|or\.id|go\.id|desa\.id)$", "", name.strip()
    )
    return _norm(bare).replace(" ", "")


def _date_matches(ours: datetime, ours_time: bool, want: datetime, want_time: bool) -> bool:
    if ours_time and want_time:
        return abs(ours - want) <= timedelta(minutes=1)
    local = want.astimezone(ours.tzinfo) if want_time else want
    return ours.date() == local.date()


def score(
    expected: Iterable[Expected],
    *,
    with_url: bool,
    html_predictor: Callable[[str, str | None], Prediction] | None = None,
) -> Tally:
    tally = Tally()
    for page in expected:
        if page.html is not None and html_predictor is not None:
            meta = html_predictor(page.html, page.url if with_url else None)
        else:
            meta = predict_text(page, with_url)
        where = page.id

        if page.outlet is not None and (page.outlet_shown or with_url):
            got, want = canonical_outlet(meta.outlet), canonical_outlet(page.outlet)
            slot = 0 if got == want else (2 if got is None else 1)
            tally.outlet[slot] += 1
            if slot:
                tally.failures.append(f"{where}: outlet {meta.outlet!r} != {page.outlet!r}")

        if page.published is not None and (page.published_shown or with_url):
            if meta.published is None:
                tally.date[2] += 1
                tally.failures.append(f"{where}: date missing (want {page.published})")
            elif _date_matches(
                meta.published, meta.has_time, page.published, page.published_has_time
            ):
                tally.date[0] += 1
            else:
                tally.date[1] += 1
                tally.failures.append(f"{where}: date {meta.published} != {page.published}")
        elif meta.published is not None and page.published is None and page.published_shown:
            tally.date[1] += 1
            tally.failures.append(f"{where}: date {meta.published} where none is printed")

        got_title = meta.title
        if page.title is None:
            slot = 0 if got_title is None else 1
        elif got_title is None:
            slot = 2
        else:
            slot = 0 if _norm(got_title) == _norm(page.title) else 1
        tally.title[slot] += 1
        if slot:
            tally.failures.append(f"{where}: title {got_title!r} != {page.title!r}")

        paragraphs = [_norm(p) for p in meta.paragraphs]
        joined = " ".join(paragraphs)
        for line in page.furniture:
            gone = not any(_contains(p, _norm(line)) for p in paragraphs if _norm(line))
            tally.furniture[0] += gone
            tally.furniture[1] += 1
            if not gone:
                tally.failures.append(f"{where}: furniture kept: {line[:60]!r}")
        for sentence in page.body:
            kept = _norm(sentence) in joined
            tally.body[0] += kept
            tally.body[1] += 1
            if not kept:
                tally.failures.append(f"{where}: body lost: {sentence[:60]!r}")
    return tally


# --- the sets ------------------------------------------------------------------


def _parse_iso(value: str | None) -> tuple[datetime | None, bool]:
    if not value:
        return None, False
    if len(value) == 10:
        d = date.fromisoformat(value)
        return datetime(d.year, d.month, d.day, tzinfo=WIB), False
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=WIB)
    return parsed, True


def _printed(outlet: str, text: str) -> bool:
    """Whether ``text`` prints the outlet's name, a dateline spelling or a domain."""
    found = registry().by_name(outlet) or registry().by_dateline(outlet)
    spellings = {outlet}
    if found is not None:
        spellings |= {found.name, *found.dateline_names, *found.domains}
    lowered = text.casefold()
    initials = found.initials if found is not None else ()
    return any(
        re.search(rf"(?<![\w.]){re.escape(s.casefold())}(?![\w])", lowered) for s in spellings
    ) or any(re.search(rf"(?<![\w.]){re.escape(s)}(?![\w])", text) for s in initials)


def load_real(pages: Path, expect: Path) -> list[Expected]:
    data = json.loads(expect.read_text(encoding="utf-8"))
    outlets: dict[str, str] = data.get("outlets", {})
    result: list[Expected] = []
    for page in data["pages"]:
        path = pages / page["file"]
        if not path.is_file():
            print(f"real: {path} missing, skipped", file=sys.stderr)
            continue
        published, has_time = _parse_iso(page.get("published"))
        outlet = page.get("outlet")
        text = path.read_text(encoding="utf-8")
        outlet_name = outlets.get(outlet, outlet) if outlet else None
        shown = page.get("outlet_shown")
        if shown is None:  # not in the file: shown when the text prints one of its spellings
            shown = outlet_name is not None and _printed(outlet_name, text)
        result.append(
            Expected(
                id=page["file"],
                text=text,
                url=page.get("url"),
                title=page.get("title"),
                outlet=outlet_name,
                outlet_shown=bool(shown),
                published=published,
                published_has_time=has_time,
                published_shown=bool(page.get("published_shown")),
                furniture=list(page.get("furniture", [])),
                body=list(page.get("body", [])),
            )
        )
    return result


@dataclass(frozen=True)
class Prediction:
    title: str | None
    outlet: str | None
    published: datetime | None
    has_time: bool
    paragraphs: tuple[str, ...]


def predict_text(page: Expected, with_url: bool) -> Prediction:
    cleaned = clean_article(page.text)
    meta = stated_metadata(cleaned, url=page.url if with_url else None)
    return Prediction(cleaned.title, meta.outlet, meta.published, meta.has_time, cleaned.paragraphs)


def _html_predictor() -> tuple[Callable[[str, str | None], Prediction], str]:
    """HTML -> prediction: the ingest pipeline if present, else trafilatura + our cleaner."""
    try:
        from retrieval.ingest.extract import from_html  # type: ignore[import-not-found]

        def via_ingest(html: str, url: str | None) -> Prediction:
            d = from_html(html, url)
            return Prediction(d.title, d.outlet, d.published, d.has_time, d.paragraphs)

        return via_ingest, "retrieval.ingest.extract.from_html"
    except ImportError:
        pass
    import trafilatura

    def direct(html: str, url: str | None) -> Prediction:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
        if doc is None:
            return Prediction(None, None, None, False, ())
        # "Kapanlagi.com: Musik - Judul" / "Judul - Kompas.com": the longest part.
        title = max(re.split(r"\s+[|\-–—]\s+|^[\w.]+\.com:\s+", doc.title or ""), key=len)
        # The page as scraped text (title, date, body), then our cleaner.
        page = Expected(
            "",
            f"{title}\n{doc.date or ''}\n{doc.text or ''}",
            url,
            None,
            None,
            False,
            None,
            False,
            False,
        )
        found = predict_text(page, url is not None)
        site = registry().by_dateline(doc.sitename) if doc.sitename else None
        if found.outlet is None and site is not None:  # the page's own og:site_name
            found = Prediction(
                found.title, site.name, found.published, found.has_time, found.paragraphs
            )
        return found

    return direct, "trafilatura directly, then our cleaner (retrieval.ingest not importable)"


_GOLD_DATELINE = re.compile(
    r"(?m)^[A-Z0-9][A-Z0-9.-]*\.[A-Za-z.]+,\s*[A-Z][\w ]{0,30}\s[-–—]{1,2}\s"
)

# A dateline opening the gold text, dots of an outlet's domain included ("JAKARTA, KOMPAS.com - ").
_GOLD_LEAD_DATELINE = re.compile(
    r"^[^.\n]{0,60}?(?:\.(?:com|co\.id|id)[^.\n]{0,30}?)?\s[-–—]{1,2}\s"
)
# Editor's initials closing the gold text ("... tandasnya. (FHM)", "(Cas/Isk)"): furniture
# by issue #7, which the cleaner cuts.
_GOLD_INITIALS = re.compile(r"\s*\((?:[A-Z]{2,5}|[A-Za-z]{2,5}(?:/[A-Za-z]{2,5})+)\)\s*$")

# Gold values of idnews-html-2016 that the page itself contradicts (left out of the date score).
GOLD_DATE_ERRORS = {
    # The page prints "Selasa, 23/02/2016 15:32 WIB" and its URL holds .../153201/...; the
    # gold 16:00 WIB is the time of a related story listed below the article.
    "idhtml-detik-singlepage2",
}


def load_html2016(folder: Path) -> list[Expected]:
    result: list[Expected] = []
    with gzip.open(folder / "articles.jsonl.gz", "rt", encoding="utf-8") as rows:
        for line in rows:
            row = json.loads(line)
            html = (folder / row["html"]).read_text(encoding="utf-8", errors="replace")
            published, _ = _parse_iso(row["date_iso"])
            shown = row["id"] not in GOLD_DATE_ERRORS
            if not shown:
                published = None
            # The gold keeps datelines ("JAKARTA, KOMPAS.com - ", "REPUBLIKA.CO.ID, JAKARTA - ")
            # at the start of its text or of a paragraph; the cleaner rightly cuts them.
            gold = re.sub(_GOLD_LEAD_DATELINE, "", row["text"], count=1)
            gold = _GOLD_DATELINE.sub("", gold)
            sentences = [
                _GOLD_INITIALS.sub("", s).strip()
                for para in gold.split("\n\n")
                for s in _SENTENCE.split(para)
                if len(s.split()) >= 5 and not _RAW_FURNITURE.match(s.strip())
            ]
            result.append(
                Expected(
                    id=row["id"],
                    text="",
                    html=html,
                    url=row["url"],
                    title=row["title"],
                    outlet=row["outlet"]
                    .replace("TempoEnglish", "Tempo")
                    .replace("Detik", "detikcom"),
                    outlet_shown=True,
                    published=published,
                    published_has_time=True,
                    published_shown=shown,
                    body=sentences,
                )
            )
    return result


def rebuild_page(row: dict[str, Any]) -> str:
    """An idnews-2025 row as a scraped page: title line, date string, body."""
    date_string = (row.get("date") or "").replace("_x0000_", "")
    return f"{row['title']}\n{date_string}\n{row['text']}"


def load_idnews(folder: Path, sample: Path) -> list[Expected]:
    data = json.loads(sample.read_text(encoding="utf-8"))
    want = {entry["id"]: entry for entry in data["articles"]}
    result: list[Expected] = []
    with gzip.open(folder / "articles.jsonl.gz", "rt", encoding="utf-8") as rows:
        for line in rows:
            row = json.loads(line)
            entry = want.get(row["id"])
            if entry is None:
                continue
            published, has_time = _parse_iso(entry.get("published"))
            furniture: list[str] = []
            body: list[str] = []
            # "as_given" bodies break lines inside sentences (at every link): join them.
            paragraphs = row["text"].split("\n") if row["para"] == "p" else [row["text"]]
            for para in paragraphs:
                text = " ".join(para.split())
                if not text:
                    continue
                if _RAW_FURNITURE.match(text):
                    furniture.append(text)
                elif len(text.split()) >= 8:
                    # The first sentence may hold the dateline; later ones are plain body.
                    body.extend(
                        s
                        for s in _SENTENCE.split(text)[1:]
                        if len(s.split()) >= 5 and not _FURNITURE_INSIDE.search(s)
                    )
            result.append(
                Expected(
                    id=row["id"],
                    text=rebuild_page(row),
                    url=row["url"],
                    title=entry.get("title"),
                    outlet=entry.get("outlet"),
                    outlet_shown=bool(entry.get("outlet_shown")),
                    published=published,
                    published_has_time=has_time,
                    published_shown=bool(entry.get("published_shown", True)),
                    published_is_update=bool(entry.get("published_is_update")),
                    furniture=furniture,
                    body=body,
                )
            )
    return result


def write_sample(folder: Path, n: int, seed: int) -> None:
    """Draft ``tests/data/idnews_sample.json`` (ids + expectations) to check by hand."""
    with gzip.open(folder / "articles.jsonl.gz", "rt", encoding="utf-8") as rows:
        all_rows = [json.loads(line) for line in rows]
    picked = random.Random(seed).sample(all_rows, n)
    articles = []
    for row in picked:
        outlet = registry().by_host(row["url"])
        articles.append(
            {
                "id": row["id"],
                "title": row["title"],
                "outlet": outlet.name if outlet else row["outlet"],
                "outlet_shown": None,
                "published": row["date_iso"],
                "published_shown": row["date_iso"] is not None,
                "published_is_update": "diperbarui" in (row.get("date") or "").casefold(),
            }
        )
    payload = {"seed": seed, "n": n, "articles": articles}
    SAMPLE_FILE.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
    print(f"wrote {SAMPLE_FILE} ({n} ids): check every expectation by hand")


# --- output --------------------------------------------------------------------


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def summary(tally: Tally) -> dict[str, Any]:
    def three(name: str, counts: list[int]) -> dict[str, Any]:
        correct, wrong, missing = counts
        total = correct + wrong + missing
        return {
            "correct": correct,
            "wrong": wrong,
            "missing": missing,
            "total": total,
            "rate": correct / total if total else None,
        }

    return {
        "outlet": three("outlet", tally.outlet),
        "date": three("date", tally.date),
        "title": three("title", tally.title),
        "furniture_removed": {
            "removed": tally.furniture[0],
            "total": tally.furniture[1],
            "rate": tally.furniture[0] / tally.furniture[1] if tally.furniture[1] else None,
        },
        "body_kept": {
            "kept": tally.body[0],
            "total": tally.body[1],
            "rate": tally.body[0] / tally.body[1] if tally.body[1] else None,
        },
        "failures": tally.failures,
    }


def markdown(name: str, pages: int, rows: dict[str, dict[str, Any]], note: str = "") -> str:
    lines = [
        f"### {name} ({pages} pages){' — ' + note if note else ''}",
        "",
        "| mode | outlet | date (correct/wrong/missing) | title | furniture removed | body kept |",
        "|---|---|---|---|---|---|",
    ]
    for mode, s in rows.items():
        o, d, t = s["outlet"], s["date"], s["title"]
        f, b = s["furniture_removed"], s["body_kept"]
        lines.append(
            f"| {mode} | {_pct(o['correct'], o['total'])} ({o['correct']}/{o['total']}) "
            f"| {_pct(d['correct'], d['total'])} ({d['correct']}/{d['wrong']}/{d['missing']}) "
            f"| {_pct(t['correct'], t['total'])} ({t['correct']}/{t['total']}) "
            f"| {_pct(f['removed'], f['total'])} ({f['removed']}/{f['total']}) "
            f"| {_pct(b['kept'], b['total'])} ({b['kept']}/{b['total']}) |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=Path, default=Path("/work/real-pages"))
    parser.add_argument("--expect", type=Path, default=ROOT / "tests/data/real_pages.json")
    parser.add_argument("--batch2", type=Path, default=ROOT / "tests/data/real_pages_batch2.json")
    parser.add_argument("--batch3", type=Path, default=ROOT / "tests/data/real_pages_batch3.json")
    parser.add_argument("--batch3-pages", type=Path, default=Path("/work/real-pages/batch3"))
    parser.add_argument("--batch4", type=Path, default=ROOT / "tests/data/real_pages_batch4.json")
    parser.add_argument("--batch4-pages", type=Path, default=Path("/work/real-pages/batch4"))
    parser.add_argument("--no-heldout", action="store_true", help="leave the held-out set out")
    parser.add_argument("--heldout-pages", type=Path, default=Path("/work/real-pages/heldout"))
    parser.add_argument("--heldout", type=Path, default=ROOT / "tests/data/real_pages_heldout.json")
    parser.add_argument("--html-corpus", type=Path, default=SHARED / "idnews-html-2016")
    parser.add_argument("--idnews", type=Path, default=SHARED / "idnews-2025")
    parser.add_argument("--sample", type=Path, default=SAMPLE_FILE)
    parser.add_argument("--json", type=Path, help="write the figures (and failures) here")
    parser.add_argument("--failures", action="store_true", help="print every failure")
    parser.add_argument("--write-sample", type=int, metavar="N")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    if args.write_sample:
        write_sample(args.idnews, args.write_sample, args.seed)
        return 0

    sets: list[tuple[str, list[Expected], str]] = []
    predictor: Callable[[str, str | None], Prediction] | None = None
    if args.expect.is_file() and args.pages.is_dir():
        sets.append(("real pages", load_real(args.pages, args.expect), ""))
    else:
        print(f"real pages: skipped ({args.expect} or {args.pages} missing)", file=sys.stderr)
    batches = (
        (2, args.batch2, args.pages),
        (3, args.batch3, args.batch3_pages),
        (4, args.batch4, args.batch4_pages),
    )
    for number, expect, pages in batches:
        if expect.is_file() and pages.is_dir():
            sets.append((f"real pages, batch {number}", load_real(pages, expect), "development"))
    if not args.no_heldout:
        if args.heldout.is_file() and args.heldout_pages.is_dir():
            held = load_real(args.heldout_pages, args.heldout)
            sets.append(("held-out real pages", held, "never used to develop the cleaner"))
        else:
            print(
                f"held-out: skipped ({args.heldout} or {args.heldout_pages} missing)",
                file=sys.stderr,
            )
    if (args.html_corpus / "articles.jsonl.gz").is_file():
        try:
            predictor, how = _html_predictor()
            sets.append(("idnews-html-2016", load_html2016(args.html_corpus), f"HTML by {how}"))
        except ImportError:
            print("idnews-html-2016: skipped (pip install trafilatura)", file=sys.stderr)
    else:
        print(f"idnews-html-2016: skipped ({args.html_corpus} missing)", file=sys.stderr)
    if (args.idnews / "articles.jsonl.gz").is_file() and args.sample.is_file():
        sets.append(("idnews-2025 sample", load_idnews(args.idnews, args.sample), ""))
    else:
        print(f"idnews-2025: skipped ({args.idnews} or {args.sample} missing)", file=sys.stderr)

    report: dict[str, Any] = {}
    for name, expected, note in sets:
        rows = {
            mode: summary(score(expected, with_url=mode == "with URL", html_predictor=predictor))
            for mode in ("text only", "with URL")
        }
        report[name] = {"pages": len(expected), "note": note, **rows}
        print(markdown(name, len(expected), rows, note))
        if args.failures:
            for mode, s in rows.items():
                for failure in s["failures"]:
                    print(f"  [{mode}] {failure}")
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
