"""The benchmark's corpus folders are ones the project itself reads correctly."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from bench import corpora
from bench.corpora import Record
from retrieval.corpus import load_corpus

INVENTED = (
    Record(
        id="inv-0001",
        title="Warga Desa Sukamaju Panen Durian Lebih Awal",
        outlet="Kabar Contoh",
        published="2025-06-18T14:05:00+07:00",
        url="https://contoh.invalid/berita/durian",
        text="",
        paragraphs=(
            "JAKARTA, KOMPAS.com - Petani di Desa Sukamaju memanen durian dua minggu lebih awal.",
            "Kepala desa menyebut hujan yang turun sejak April membuat buah cepat matang.",
            'Harga durian di pasar setempat turun menjadi Rp 40.000 per buah, kata pedagang "Ani".',
        ),
    ),
    Record(
        id="inv-0002",
        title='Pemerintah kota umumkan jadwal "car free day" baru',
        outlet="Warta Rekaan",
        published="2017-03-28",
        url=None,
        text="",
        paragraphs=(
            "Pemerintah kota mengumumkan jadwal hari bebas kendaraan bermotor yang baru.",
            "Mulai bulan depan, kegiatan itu digelar setiap Minggu pagi di tiga ruas jalan.",
        ),
        title_provenance="inferred",
    ),
)


def test_materialized_folder_loads_with_titles_metadata_and_paragraphs(tmp_path: Path) -> None:
    written = corpora.materialize(INVENTED, tmp_path)
    corpus = load_corpus(tmp_path)

    assert written == len(INVENTED) == len(corpus.articles)
    assert not corpus.warnings
    by_id = {a.id: a for a in corpus.articles}
    for record in INVENTED:
        article = by_id[record.id]
        assert article.source.title == record.title
        assert article.source.outlet == record.outlet
        assert article.source.url == record.url
        assert article.source.published is not None and record.published is not None
        assert article.source.published.date().isoformat() == record.published[:10]
        assert article.provenance["title"] == record.title_provenance
        # The headline is not a paragraph; every body paragraph survives (the
        # dateline is metadata, so the first one may lose its dateline).
        assert record.title not in article.paragraphs
        assert len(article.paragraphs) == len(record.paragraphs)
        assert article.paragraphs[1:] == record.paragraphs[1:]
        assert record.paragraphs[0].endswith(article.paragraphs[0])
    first = by_id["inv-0001"]
    assert first.source.published == datetime.fromisoformat("2025-06-18T14:05:00+07:00")


def test_seeds_plus_distractors_keeps_seeds_byte_identical(tmp_path: Path, seeds_dir: Path) -> None:
    added = corpora.materialize_with_seeds(INVENTED, tmp_path, seeds_dir=seeds_dir)
    seeds = load_corpus(seeds_dir)
    mixed = load_corpus(tmp_path)

    assert added == len(INVENTED)
    assert len(mixed.articles) == len(seeds.articles) + len(INVENTED)
    for path in seeds_dir.glob("*.txt"):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes()
    mixed_by_id = {a.id: a for a in mixed.articles}
    for article in seeds.articles:
        assert mixed_by_id[article.id] == replace(article, path=tmp_path / article.path.name)


def test_paragraph_splitting_and_dates() -> None:
    text = "Satu baris\ndua baris.\n \nParagraf kedua.\n\n\n"
    assert corpora.split_paragraphs(text) == ("Satu baris\ndua baris.", "Paragraf kedua.")
    assert corpora.split_paragraphs(text, join_lines=True)[0] == "Satu baris dua baris."
    assert corpora.iso_published("2017-03-28T04:15:36Z") == "2017-03-28T04:15:36+00:00"
    assert corpora.iso_published("2025-06-18T14:05") == "2025-06-18"  # no offset: the day
    assert corpora.iso_published("Tidak Ditemukan") is None


def test_missing_dataset_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(corpora.CorpusMissing, match="not found"):
        corpora.load("indosum-dev", corpora=tmp_path)


@pytest.mark.parametrize("name", corpora.NAMES)
def test_real_dataset_sample_is_deterministic_and_loads(
    name: str, shared_dir: Path, tmp_path: Path
) -> None:
    if not corpora.available(name, shared_dir / "corpora"):
        pytest.skip(f"{name} is not in {shared_dir}/corpora")
    sample = corpora.load(name, limit=25, seed=7, corpora=shared_dir / "corpora")
    again = corpora.load(name, limit=25, seed=7, corpora=shared_dir / "corpora")
    other = corpora.load(name, limit=25, seed=8, corpora=shared_dir / "corpora")

    assert sample == again and sample != other and len(sample) == 25
    assert all(r.paragraphs for r in sample)
    kept, _refused = corpora.loadable(sample)
    corpora.materialize(kept, tmp_path)
    assert len(load_corpus(tmp_path).articles) == len(kept)
