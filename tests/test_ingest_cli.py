"""`tanyaberita add` end to end: files, URLs and feeds from loopback, then `ask`."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from retrieval.corpus import load_corpus
from tests import ingest_site
from tests.ingest_site import BERAS, TEXT_ARTICLE, Site, article_page


@pytest.fixture
def site() -> Iterator[Site]:
    server, site = ingest_site.start()
    yield site
    server.shutdown()
    server.server_close()


PROGRESS = re.compile(r"[a-z ]+: \d+/\d+\n")


@pytest.fixture
def cli(seeds_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """Run the CLI in-process with a fresh archive; returns (rc, stdout, stderr)."""
    archive = tmp_path / "archive"

    def go(*argv: str) -> tuple[int, str, str]:
        common = ["--seeds", str(seeds_dir), "--cache-dir", str(tmp_path / "c"),
                  "--archive", str(archive)]  # fmt: skip
        rc = main([argv[0], *common, *argv[1:]])
        out, err = capsys.readouterr()
        # On a slow machine a periodic progress line ("adding: 3/8") may come first.
        err = "".join(line for line in err.splitlines(True) if not PROGRESS.fullmatch(line))
        return rc, out, err

    go.archive = archive  # type: ignore[attr-defined]
    return go


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != ".lock")


def test_add_file_html_url_and_feed_then_ask(cli, site: Site, tmp_path: Path, seeds_dir) -> None:
    saved = tmp_path / "beras.html"
    saved.write_text(article_page(**BERAS), encoding="utf-8")  # type: ignore[arg-type]
    text = tmp_path / "rote.txt"
    text.write_text(TEXT_ARTICLE, encoding="utf-8")

    rc, out, err = cli("add", str(saved), "--url", "https://www.kompas.com/read/2025/06/18/beras")
    assert rc == 0, err
    assert out.startswith("added ") and "Kompas · 18 Juni 2025" in out
    rc, out, err = cli(
        "add", str(text), site.url("/berita/banjir"), "--feed", site.url("/feed.xml")
    )
    assert rc == 0, err
    # the feed lists banjir (already added by URL) and gempa: only gempa is new
    assert out.count("added ") == 3 and "Gempa Magnitudo" in out
    assert err.strip() == "3 added"

    rc, out, _ = cli("ask", "Berapa harga beras medium di Pasar Induk Cipinang?")
    assert rc == 0 and "Rp14.500" in out and "Kompas · 18 Juni 2025" in out
    rc, out, _ = cli("ask", "Berapa rumah yang terendam banjir di Kecamatan Sungai Lebar?")
    assert rc == 0 and "412 rumah" in out and "Kabar Nusantara · 19 Juni 2025" in out
    rc, out, _ = cli("ask", "Berapa magnitudo gempa di Pulau Seram?", "--json")
    top = json.loads(out)["results"][0]
    assert rc == 0 and "5,1" in top["text"] and top["published"] == "2025-06-20T03:12:00+09:00"
    rc, out, _ = cli("ask", "Berapa panjang landasan bandara di Pulau Rote?")
    assert rc == 0 and "2.100" in out and "12 Juni 2025" in out

    rc, out, _ = cli("latest", "-n", "500", "--json")
    assert rc == 0 and len(json.loads(out)) == len(load_corpus(seeds_dir).articles) + 4
    rc, out, _ = cli("index", "--check")
    assert rc == 0 and "(4 from the archive)" in out


def test_json_shape_and_duplicates(cli, site: Site) -> None:
    rc, out, _ = cli("add", "--json", site.url("/berita/beras"))
    doc = json.loads(out)
    assert rc == 0
    assert set(doc) == {"input", "status", "article", "duplicate_of", "error"}
    assert doc["status"] == "added" and doc["duplicate_of"] is None and doc["error"] is None
    article = doc["article"]
    assert set(article) >= {"id", "title", "outlet", "published", "url", "wires", "paragraphs"}
    assert article["title"] == BERAS["title"] and article["outlet"] == "Kabar Nusantara"
    assert article["published"] == "2025-06-18T09:30:00+07:00"
    assert article["paragraphs"][1] == BERAS["paragraphs"][1]

    rc, out, _ = cli("add", "--json", site.url("/berita/beras?utm_campaign=x"))
    again = json.loads(out)
    assert rc == 0 and again["status"] == "duplicate"
    assert again["duplicate_of"] == article["id"]

    site.beras_version = 2
    rc, out, _ = cli("add", "--json", site.url("/berita/beras"))
    updated = json.loads(out)
    assert rc == 0 and updated["status"] == "updated"
    assert (
        updated["article"]["id"] == article["id"]
        and "Bulog" in updated["article"]["paragraphs"][-1]
    )
    assert len(list(cli.archive.rglob("*.toml"))) == 1


def test_dry_run_writes_nothing(cli, site: Site, tmp_path: Path) -> None:
    text = tmp_path / "rote.txt"
    text.write_text(TEXT_ARTICLE, encoding="utf-8")
    rc, out, _ = cli(
        "add", "--dry-run", str(text), site.url("/berita/gempa"), "--feed", site.url("/feed.xml")
    )
    assert rc == 0
    # rote, gempa, then from the feed only banjir: gempa is known from this very run
    assert out.count("would add ") == 3 and out.count("Gempa Magnitudo") == 1
    assert not cli.archive.exists()


BAD = [
    ("/tidak-ada", "HTTP 404"),
    ("/dokumen.pdf", "not an HTML page (application/pdf)"),
    ("/loop", "more than 5 redirects"),
    ("/besar", "larger than 5 MB"),
    ("/english", "not Indonesian text"),
    ("/indeks", "no article text"),
    ("/kanal", "a list of other stories, not an article"),
    ("/video", "no article text"),
    ("/premium", "no article text"),
]


@pytest.mark.parametrize(("path", "message"), BAD)
def test_bad_url_is_one_line_and_writes_nothing(cli, site: Site, path: str, message: str) -> None:
    rc, out, err = cli("add", site.url(path))
    assert rc == 1 and out == ""
    assert err == f"tanyaberita: error: {site.url(path)}: {message}\n" or (
        err.startswith(f"tanyaberita: error: {site.url(path)}: {message}") and err.count("\n") == 1
    )
    assert _files(cli.archive) == []


def test_bad_files_are_one_line_each_and_write_nothing(cli, tmp_path: Path) -> None:
    latin = tmp_path / "latin.txt"
    latin.write_bytes(TEXT_ARTICLE.replace("Bandara", "Bandara café").encode("latin-1"))
    huge = tmp_path / "besar.txt"
    huge.write_bytes(b"kata " * (1_100_000))
    pdf = tmp_path / "laporan.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    binary = tmp_path / "biner.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    good = tmp_path / "rote.txt"
    good.write_text(TEXT_ARTICLE, encoding="utf-8")
    inputs = [latin, huge, pdf, binary, tmp_path / "hilang.txt", "www.kompas.com/read/1/x"]
    rc, out, err = cli("add", *map(str, inputs), "--json")
    docs = [json.loads(line) for line in out.splitlines()]
    assert rc == 1
    assert [d["status"] for d in docs] == ["error"] * len(inputs)
    errors = [d["error"] for d in docs]
    assert "cannot decode as utf-8" in errors[0]
    assert "larger than 5 MB" in errors[1]
    assert "unsupported file type .pdf" in errors[2]
    assert "binary data" in errors[3]
    assert "no such file" in errors[4]
    assert "a web page needs its URL with https://" in errors[5]
    assert all("\n" not in e for e in errors)
    assert _files(cli.archive) == []
    # a good input among bad ones is still added, and the exit code still says 1
    rc, out, err = cli("add", str(good), str(pdf))
    assert rc == 1 and out.startswith("added ") and err.count("tanyaberita: error:") == 1


def test_crash_mid_write_leaves_no_article(cli, tmp_path: Path, monkeypatch) -> None:
    text = tmp_path / "rote.txt"
    text.write_text(TEXT_ARTICLE, encoding="utf-8")
    real = os.replace

    def full_disk(src, dst):
        if str(dst).endswith(".toml"):
            raise OSError(28, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(os, "replace", full_disk)
    rc, out, err = cli("add", str(text))
    monkeypatch.undo()
    assert rc == 1 and "cannot write the archive: No space left on device" in err
    assert _files(cli.archive) == []
    rc, out, _ = cli("add", str(text))  # and the next try works
    assert rc == 0 and out.startswith("added ")


def test_usage_errors_exit_2(cli, tmp_path: Path) -> None:
    rc, _, err = cli("add")
    assert rc == 2 and err.startswith("tanyaberita: error: nothing to add")
    rc, _, err = cli("add", "a.txt", "b.txt", "--url", "https://www.kompas.com/x")
    assert rc == 2 and "--url" in err
    rc, _, err = cli("add", "--feed", "ftp://x")
    assert rc == 2 and err.count("\n") == 1 and "expected an http(s) URL" in err


@pytest.mark.parametrize(
    ("key", "value"), [("FEEDS", "ftp://x.example/rss"), ("FEED_INTERVAL", "0")]
)
def test_bad_feed_settings_are_one_line(cli, monkeypatch, key: str, value: str) -> None:
    monkeypatch.setenv(key, value)
    rc, out, err = cli("latest")
    assert rc == 2 and out == "" and err.count("\n") == 1 and key in err


def test_progress_off_a_terminal_is_periodic_plain_lines() -> None:
    import io

    from bot.progress import progress

    stream = io.StringIO()  # not a terminal: no bar, no carriage returns
    with progress("adding", stream=stream, interval=0) as report:
        for done in range(1, 61):
            report(done, 60)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "adding: 1/60" and lines[-1] == "adding: 60/60"
    assert "\r" not in stream.getvalue()
    quiet = io.StringIO()
    with progress("adding", stream=quiet, interval=3600) as report:
        for done in range(1, 61):
            report(done, 60)
    assert quiet.getvalue() == "adding: 60/60\n"  # only the closing line within the interval
