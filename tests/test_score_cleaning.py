"""scripts/score_cleaning.py on a tiny invented page set (the real sets are not in git)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from retrieval.cleaning import clean_article
from retrieval.metadata import stated_metadata

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "score_cleaning.py"

BODY = [
    "Pemerintah kota membuka pasar murah di lima kecamatan mulai pekan ini.",
    "Warga bisa membeli beras dan minyak goreng dengan harga lebih rendah.",
]
PAGES = {
    "kota-1.txt": "\n".join(
        [
            "Pasar Murah Dibuka di Lima Kecamatan",
            "Senin, 14 Mei 2024 19:07 WIB",
            f"JAKARTA, KOMPAS.com - {BODY[0]}",
            "Baca juga: Harga Beras Naik Lagi",
            BODY[1],
        ]
    ),
    "kota-2.txt": "\n".join([f"Beijing (ANTARA) - {BODY[0]}", "ADVERTISEMENT", BODY[1]]),
}
FURNITURE = {"kota-1.txt": ["Baca juga: Harga Beras Naik Lagi", "JAKARTA, KOMPAS.com -"]}
FURNITURE["kota-2.txt"] = ["ADVERTISEMENT"]
EXPECT: dict[str, object] = {
    "outlets": {"kompas.com": "Kompas", "antaranews.com": "Antara"},
    "pages": [
        {
            "file": "kota-1.txt",
            "url": "https://www.kompas.com/read/2024/05/14/1",
            "outlet": "Kompas",
            "title": "Pasar Murah Dibuka di Lima Kecamatan",
            "published": "2024-05-14T19:07:00+07:00",
            "published_shown": True,
            "furniture": FURNITURE["kota-1.txt"],
            "body": BODY,
        },
        {
            "file": "kota-2.txt",
            "url": "https://www.antaranews.com/berita/1",
            "outlet": "Antara",
            "title": None,
            "published": None,
            "published_shown": False,
            "furniture": FURNITURE["kota-2.txt"],
            "body": BODY,
        },
    ],
}


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_cleaning", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["score_cleaning"] = module
    spec.loader.exec_module(module)
    return module


def test_scores_a_page_set(
    script: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    for name, text in PAGES.items():
        (pages / name).write_text(text, encoding="utf-8")
    expect = tmp_path / "expect.json"
    expect.write_text(json.dumps(EXPECT), encoding="utf-8")
    out = tmp_path / "score.json"
    missing = tmp_path / "absent"
    args = ["--pages", str(pages), "--expect", str(expect), "--json", str(out)]
    args += ["--html-corpus", str(missing), "--idnews", str(missing)]
    assert script.main(args) == 0

    figures = json.loads(out.read_text(encoding="utf-8"))["real pages"]
    n = len(PAGES)
    for mode in ("text only", "with URL"):
        row = figures[mode]
        assert row["title"]["correct"] == n
        assert row["outlet"]["correct"] == n
        assert (row["date"]["correct"], row["date"]["wrong"]) == (1, 0)
        furniture = sum(len(lines) for lines in FURNITURE.values())
        assert row["furniture_removed"] == {"removed": furniture, "total": furniture, "rate": 1.0}
        assert row["body_kept"]["kept"] == n * len(BODY)
    printed = capsys.readouterr().out
    assert "| text only |" in printed and "| with URL |" in printed


def test_a_kept_furniture_line_is_reported(script: ModuleType) -> None:
    page = script.Expected(
        id="x",
        text=f"{BODY[0]}\nLangkah berikutnya: Harga Beras Naik Lagi di Pasar.\n{BODY[1]}",
        url=None,
        title=None,
        outlet=None,
        outlet_shown=False,
        published=None,
        published_has_time=False,
        published_shown=False,
        furniture=["Langkah berikutnya: Harga Beras Naik Lagi di Pasar."],
        body=BODY,
    )
    tally = script.score([page], with_url=False)
    assert tally.furniture == [0, 1]
    assert any("furniture kept" in f for f in tally.failures)


BATCH4 = Path(__file__).resolve().parent / "data" / "real_pages_batch4.json"
BATCH4_PAGES = Path("/work/real-pages/batch4")


@pytest.mark.skipif(
    not BATCH4_PAGES.is_dir(), reason=f"{BATCH4_PAGES} absent (gathered pages are not in git)"
)
def test_batch4_titles_and_bodies(script: ModuleType) -> None:
    pages = script.load_real(BATCH4_PAGES, BATCH4)
    assert pages, "no batch-4 page found"
    tally = script.score(pages, with_url=False)
    lost = [f for f in tally.failures if "body lost" in f or ": title " in f]
    assert not lost, lost
    assert tally.furniture[0] >= 0.9 * tally.furniture[1]
    for page in pages:  # the stated metadata never invents a date the page does not print
        if page.published is None:
            meta = stated_metadata(clean_article(page.text))
            assert meta.published is None, page.id
