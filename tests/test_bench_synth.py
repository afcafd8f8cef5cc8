"""The synthetic corpus is deterministic, shaped like news, and read by the project."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from bench import synth
from retrieval.corpus import load_corpus


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_same_bytes_other_seed_other_text(tmp_path: Path) -> None:
    synth.write(tmp_path / "a", 120, seed=0)
    synth.write(tmp_path / "b", 120, seed=0)
    synth.write(tmp_path / "c", 120, seed=1)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert _files(tmp_path / "a") != _files(tmp_path / "c")


def test_paragraphs_have_news_shape_and_the_project_reads_them(tmp_path: Path) -> None:
    records = list(synth.generate(300, seed=1))
    synth.write(tmp_path, 300, seed=1)
    corpus = load_corpus(tmp_path)

    assert sum(len(r.paragraphs) for r in records) == 300
    for record in records:
        for number, paragraph in enumerate(record.paragraphs):
            body = paragraph.split(" - ", 1)[1] if number == 0 else paragraph
            assert 30 <= len(body.split()) <= 80
            assert 2 <= len(re.findall(r"\.(?: |$)", body)) <= 4
    by_id = {a.id: a for a in corpus.articles}
    assert set(by_id) == {r.id for r in records}
    for record in records:
        article = by_id[record.id]
        assert article.source.title == record.title
        assert article.paragraphs[1:] == record.paragraphs[1:]
        assert article.source.published is not None and record.published is not None
        assert article.source.published.isoformat() == record.published


def test_words_carry_indonesian_affixes_with_zipf_like_counts() -> None:
    records = synth.generate(1000, seed=0)
    words = [w.lower().strip(".") for r in records for p in r.paragraphs for w in p.split()]
    counts = sorted(Counter(words).values(), reverse=True)
    assert counts[0] > 20 * counts[len(counts) // 2]  # a head of frequent words, a long tail
    for prefix in ("meng", "di", "ber", "ter", "pe", "ke"):
        assert any(w.startswith(prefix) and len(w) > len(prefix) + 3 for w in words)
    for suffix in ("kan", "an", "nya"):
        assert any(w.endswith(suffix) for w in words)


@pytest.mark.parametrize(("text", "size"), [("10k", 10_000), ("1M", 1_000_000), ("250", 250)])
def test_sizes(text: str, size: int) -> None:
    assert synth.parse_size(text) == size
