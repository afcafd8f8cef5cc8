"""Shared retrievers for the retrieval tests, built once per test session.

The seeds retriever is cached here (not in a fixture of one module), so every
test module that asks it gets the same object. The invented corpus is our own
text: a few articles about a made-up town plus as many distractors as a test
asks for, to check that declines re-calibrate when a corpus grows.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from retrieval import Retriever
from retrieval.models import Article, Corpus, Source

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT / "seeds"


@cache
def seeds_retriever() -> Retriever:
    """The seeds without the English dictionary (tests of English build their own)."""
    return Retriever.load(SEEDS_DIR, english_dict=None)


def _article(n: int, title: str, paragraphs: list[str]) -> Article:
    return Article(
        id=f"inv{n:03d}",
        path=Path(f"inv{n:03d}.txt"),
        source=Source(
            outlet="Kabar Rekaan",
            title=title,
            published=datetime(2025, 3, 1 + n % 27, 9, tzinfo=UTC),
            has_time=True,
        ),
        provenance={},
        paragraphs=tuple(paragraphs),
    )


TOPIC = [
    (
        "Lumbira resmikan pelabuhan baru",
        [
            "Wali Kota Lumbira, Arsen Dalimunthe, meresmikan Pelabuhan Teluk Sari pada Senin, "
            "3 Maret 2025.",
            "Pembangunan pelabuhan itu menelan biaya 40 miliar rupiah dan memakan waktu dua tahun.",
            "Arsen Dalimunthe mengatakan kapal penumpang ke Pulau Kerapu akan berangkat setiap "
            "pagi mulai bulan depan.",
            "Dermaga itu dirancang oleh insinyur asal Rusia, Dmitri Tsvetkov.",
        ],
    ),
    (
        "Festival garam Sendara",
        [
            "Petani garam di Sendara menggelar festival panen raya selama tiga hari.",
            "Ketua panitia, Wiranti Lubis, menyebut festival itu didatangi dua ribu pengunjung.",
        ],
    ),
]

_TOWNS = "Karang Lesung Pandan Batu Rawa Tanjung Muara Sungai Bukit Lembah".split()
_TRADES = "nelayan pedagang petani guru perawat sopir penjahit tukang".split()


def invented_corpus(distractors: int = 0) -> Corpus:
    """The topic articles plus ``distractors`` articles that use the same
    vocabulary (ports, mayors, wives, festivals) about other towns."""
    articles = [_article(i, t, ps) for i, (t, ps) in enumerate(TOPIC)]
    for i in range(distractors):
        town = f"{_TOWNS[i % len(_TOWNS)]} {_TOWNS[(i // len(_TOWNS)) % len(_TOWNS)]}"
        trade = _TRADES[i % len(_TRADES)]
        articles.append(
            _article(
                len(articles),
                f"Kabar dari {town}",
                [
                    f"Warga {town} menyambut musim {trade} dengan doa bersama di pelabuhan.",
                    f"Istri seorang {trade} di {town} membuka warung dekat dermaga sejak "
                    f"{2000 + i % 20}.",
                    f"Pejabat kota {town} mengatakan festival tahunan akan digelar lagi.",
                ],
            )
        )
    return Corpus(tuple(articles))


@cache
def invented_retriever(distractors: int = 0) -> Retriever:
    return Retriever.from_corpus(invented_corpus(distractors))
