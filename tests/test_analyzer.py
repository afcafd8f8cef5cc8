"""The Indonesian analyzer: aliases, chat forms, stemming, function words, typos."""

from __future__ import annotations

from typing import get_args

import pytest

from retrieval.affixes import affix_root
from retrieval.analyzer import Analyzer, AnalyzerSettings, StemmerName, _root_words, apply_aliases
from retrieval.colloquial import standard_root
from retrieval.lexicon import ALIASES, QUERY_FUNCTION_WORDS
from retrieval.typo import correct, max_edits


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


@pytest.mark.parametrize(
    "name", ["China", "Cina", "Tiongkok", "RRT", "RRC", "Republik Rakyat Tiongkok"]
)
def test_every_name_of_china_analyses_alike(analyzer, name):
    assert analyzer.document_terms(f"{name} dan Rusia") == ["china", "dan", "rusia"]


def test_as_and_amerika_serikat_are_one_name(analyzer):
    full = analyzer.document_terms("Amerika Serikat")
    assert analyzer.document_terms("AS") == full
    assert analyzer.document_terms("Amerika") == full
    # Longest match first: the full name is not expanded twice.
    assert analyzer.document_terms("Presiden Amerika Serikat (AS)") == [
        "presiden",
        *full,
        *full,
    ]


def test_titles_and_compounds_expand(analyzer):
    assert analyzer.document_terms("menhan") == analyzer.document_terms("menteri pertahanan")
    assert analyzer.document_terms("kerjasama") == analyzer.document_terms("kerja sama")


@pytest.mark.parametrize(
    ("chat", "standard"),
    [("gak", "tidak"), ("nggak", "tidak"), ("tdk", "tidak"), ("brp", "berapa"), ("dgn", "dengan")],
)
def test_chat_forms_become_standard_words(analyzer, chat, standard):
    assert analyzer.surface_words(chat) == [standard]


def test_alias_lists_are_normalised_lower_case():
    for key, value in ALIASES.items():
        assert key == key.casefold().strip() and value == value.casefold().strip()
    assert {"kerja", "sama", "baru", "tidak"}.isdisjoint(QUERY_FUNCTION_WORDS)


def test_apply_aliases_leaves_other_words():
    assert apply_aliases(["putin", "dan", "cina"]) == ["putin", "dan", "china"]


def test_stemming_conflates_derivations(analyzer):
    stems = {analyzer.stem(w) for w in ["pertemuan", "bertemu", "menemui"]}
    assert stems == {"temu"}
    assert analyzer.stem("menginjak-injak") == "injak"
    assert analyzer.stem("negara-negara") == "negara"


def test_documents_keep_function_words_queries_drop_them(analyzer):
    text = "Siapa yang menjadi penasihat presiden Rusia?"
    assert "yang" in analyzer.document_terms(text)
    assert analyzer.query_words(text) == ["menjadi", "penasihat", "presiden", "rusia"]


def test_kerja_sama_survives_the_query_filter(analyzer):
    assert analyzer.query_words("kerja sama militer") == ["kerja", "sama", "militer"]


def test_snowball_stemmer_is_available_for_comparison():
    snowball = Analyzer(AnalyzerSettings(stemmer="snowball"))
    assert snowball.document_terms("pertemuan") != ["pertemuan"]
    assert Analyzer(AnalyzerSettings(stemmer="none")).document_terms("pertemuan") == ["pertemuan"]


def test_settings_fingerprint_changes_with_settings():
    assert AnalyzerSettings().fingerprint() != AnalyzerSettings(stemmer="snowball").fingerprint()


@pytest.mark.parametrize(
    ("colloquial", "root"),
    [("nyalahin", "salah"), ("ngakuin", "aku"), ("doain", "doa"), ("dateng", "datang")],
)
def test_colloquial_verbs_map_to_roots(colloquial, root):
    assert standard_root(colloquial, _root_words().__contains__) == root


def test_colloquial_rule_never_touches_real_words(analyzer):
    for word in ["ingin", "angin", "dingin", "kopi"]:
        assert analyzer.colloquial_root(word) is None


def test_typo_correction_is_close_and_deterministic():
    vocabulary = ["vaksin", "vaksinasi", "rusia", "rosoboronexport", "lama"]
    assert correct("vaksn", vocabulary) == "vaksin"
    assert correct("rosoboronexprot", vocabulary) == "rosoboronexport"
    assert correct("lmaa", vocabulary) == "lama"  # a transposition is one edit
    assert correct("vxxxn", vocabulary) is None
    assert correct("xaksin", vocabulary) is None  # first letter must match
    assert max_edits("abc") == 0


def test_dictionary_lemmas_keep_roots_sastrawi_over_stems(analyzer):
    # simplemma's lemma first: "dibantah" is "bantah", not Sastrawi's "ban".
    assert analyzer.stem("dibantah") == "bantah"
    sastrawi = Analyzer(AnalyzerSettings(stemmer="sastrawi"))
    assert sastrawi.stem("dibantah") == "ban"
    # Words simplemma does not know still lose their affixes (Sastrawi's rules).
    assert analyzer.stem("pertemuan") == analyzer.stem("menemui") == "temu"


def test_analysis_version_follows_every_setting():
    versions = {
        Analyzer(AnalyzerSettings(stemmer=s, aliases=a)).version
        for s in get_args(StemmerName)
        for a in (True, False)
    }
    assert len(versions) == 2 * len(get_args(StemmerName))
    assert Analyzer().version == Analyzer(AnalyzerSettings()).version


def test_one_stemmer_per_kind_is_shared():
    first, second = Analyzer(), Analyzer()
    assert first._table is second._table
    second._table["kata-uji-priming"] = "uji"
    assert first.stem("kata-uji-priming") == "uji"


@pytest.mark.parametrize(
    ("word", "root"),
    [
        ("memukul", "pukul"),
        ("menulis", "tulis"),
        ("menyapu", "sapu"),
        ("mengirim", "kirim"),
        ("membaca", "baca"),
        ("keterlibatan", "libat"),
        ("diperbaiki", "baik"),
        ("rosoboronexport", None),  # no root inside: the word stays
    ],
)
def test_affix_rules_strip_only_down_to_a_root_word(word, root):
    assert affix_root(word, _root_words().__contains__) == root
