"""Normalisation, tokenisation and sentence splitting of Indonesian text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrieval.analyzer import _root_words
from retrieval.text import is_reduplication, normalize, sentence_spans, strip_clitic, words


def test_normalize_folds_width_quotes_case_and_invisible_characters():
    text = "\u201cKERJA\u201d \u2018sama\u2019 \uff21\uff33 \u2013 Rusia\u200b\u202eChina\u2066"
    assert normalize(text) == "\"kerja\" 'sama' as - rusiachina"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("menginjak-injak hukum", ["menginjak-injak", "hukum"]),
        ("negara-negara Barat", ["negara-negara", "barat"]),
        ("bersama-sama", ["bersama-sama"]),
        ("hubungan Rusia-China", ["hubungan", "rusia", "china"]),
        ("Asia-Pasifik", ["asia", "pasifik"]),
        ("vaksin Covid-19", ["vaksin", "covid", "19"]),
        ("abad ke-21", ["abad", "ke", "21"]),
        ("Jum'at (23/12)", ["jumat", "23", "12"]),
    ],
)
def test_words_keep_reduplication_and_split_compounds(text, expected):
    assert list(words(normalize(text))) == expected


def test_is_reduplication():
    assert is_reduplication("norma", "norma")
    assert is_reduplication("menginjak", "injak")
    assert not is_reduplication("rusia", "china")


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("sebelumnya", "sebelum"),
        ("kemampuannya", "kemampuan"),
        ("itukah", "itu"),
        ("meskipun", "meski"),
        ("masalah", "masalah"),  # ends in "-lah" but is whole
        ("tanya", "tanya"),  # ends in "-nya" but is whole
        ("sekolah", "sekolah"),
        ("dia", "dia"),
    ],
)
def test_strip_clitic_spares_root_words(word, expected):
    assert strip_clitic(word, _root_words().__contains__) == expected


def test_sentence_spans_cover_quotes_and_keep_closing_quote():
    text = (
        "\u201cKami bekerja sama,\u201d kata Putin. \u201cHubungan ini stabil.\u201d "
        "Dia menambahkan hal itu pada 15/12. 2023 adalah tahunnya."
    )
    sentences = [text[s:e] for s, e in sentence_spans(text)]
    assert sentences == [
        "\u201cKami bekerja sama,\u201d kata Putin.",
        "\u201cHubungan ini stabil.\u201d",
        "Dia menambahkan hal itu pada 15/12.",
        "2023 adalah tahunnya.",
    ]


def test_sentence_spans_do_not_break_inside_ellipsis_or_abbreviation():
    text = "Era Perang Dingin\u2026 sangat stabil, kata Jend. Zhang kepada Dr. Li. Selesai."
    assert len(sentence_spans(text)) == 2


@given(st.text(max_size=300))
def test_sentence_spans_are_ordered_non_overlapping_and_inside_text(text):
    spans = sentence_spans(text)
    last = 0
    for start, end in spans:
        assert last <= start < end <= len(text)
        last = end
