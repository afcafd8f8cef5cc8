"""The lexicon data file and its general rules."""

from __future__ import annotations

import pytest

from retrieval.analyzer import Analyzer
from retrieval.lexicon import (
    ALIASES,
    TRANSLITERATIONS,
    LexiconError,
    _function_words,
    compound_spellings,
    transliterations,
)


def test_open_compounds_read_the_same_however_written():
    analyzer = Analyzer()
    open_form = analyzer.document_terms("kedua negara bekerja sama dalam kerja sama militer")
    solid = analyzer.document_terms("kedua negara bekerjasama dalam kerjasama militer")
    hyphen = analyzer.document_terms("kedua negara bekerja-sama dalam kerja-sama militer")
    assert open_form == solid == hyphen


def test_compound_rule_makes_solid_and_prefixed_forms():
    forms = compound_spellings("tanggung jawab", ("ber",))
    assert forms == {"tanggungjawab": "tanggung jawab", "bertanggungjawab": "bertanggung jawab"}


def test_no_alias_key_is_one_the_tokenizer_can_never_produce():
    assert not [k for k in ALIASES if "-" in k]


def test_transliterations_go_both_ways_two_steps_deep():
    variants = list(transliterations("sergey", TRANSLITERATIONS))
    assert "sergei" in variants
    assert "tsvetkov" in transliterations("cvetkov", TRANSLITERATIONS)
    assert "sergey" not in variants


def test_repeated_function_words_are_refused():
    with pytest.raises(LexiconError, match="repeats kah"):
        _function_words("apa kah siapa kah")
