"""English questions through the optional FreeDict English-Indonesian dictionary."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from retrieval import Retriever
from retrieval.english import DEFAULT_DICT, EnglishDictionary, lemmas, looks_english


def _b64(n: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    out = ""
    while True:
        out = alphabet[n % 64] + out
        n //= 64
        if n == 0:
            return out


@pytest.fixture
def tiny_dict(tmp_path: Path) -> Path:
    """A dictd-format dictionary of three entries, as FreeDict ships them."""
    entries = {
        "weapon": "weapon /w/ <n>\nsenjata\ninstrument of attack or defense in combat\n",
        "trade": "trade /t/ <n>\n1. dagang, niaga\n2. perdagangan\nbuying and selling\n",
        "vaccine": "vaccine /v/ <n>\nvaksin\nsubstance meant to stimulate antibodies\n",
    }
    data, index, offset = b"", [], 0
    for word, body in entries.items():
        raw = body.encode()
        index.append(f"{word}\t{_b64(offset)}\t{_b64(len(raw))}")
        data += raw
        offset += len(raw)
    prefix = tmp_path / "tiny-eng-ind"
    prefix.with_name(prefix.name + ".index").write_text("\n".join(index) + "\n", "utf-8")
    prefix.with_name(prefix.name + ".dict.dz").write_bytes(gzip.compress(data))
    return prefix


def test_reads_dictd_format_and_skips_glosses(tiny_dict: Path):
    d = EnglishDictionary.load(tiny_dict)
    assert d is not None
    assert d.translate("weapons") == ("senjata",)
    assert d.translate("trade") == ("dagang", "niaga", "perdagangan")
    assert d.translate("zebra") == ()


def test_missing_dictionary_disables_english(tmp_path: Path):
    assert EnglishDictionary.load(tmp_path / "nothing") is None


def test_language_detection_and_lemmas():
    assert looks_english("which weapons are russia and china developing".split())
    assert not looks_english("senjata apa yang dikembangkan rusia".split())
    assert "develop" in lemmas("developing") and "weapon" in lemmas("weapons")


def test_english_question_answered_with_tiny_dictionary(seeds_dir: Path, tiny_dict: Path):
    retriever = Retriever.load(seeds_dir, english_dict=tiny_dict)
    answer = retriever.ask("Which factories will produce the Sputnik vaccine?")
    assert answer.best is not None and "Sputnik Light" in answer.best.text
    without = Retriever.load(seeds_dir, english_dict=None)
    assert not without.ask("How big is the trade between Russia and China?").answered


@pytest.mark.skipif(
    not DEFAULT_DICT.with_name(DEFAULT_DICT.name + ".index").exists(),
    reason="dict-freedict-eng-ind is not installed (apt-get install dict-freedict-eng-ind)",
)
def test_english_with_the_installed_freedict(seeds_dir: Path):
    retriever = Retriever.load(seeds_dir)
    best = retriever.ask("Did Russia boycott the Beijing Winter Olympics?").best
    assert best is not None and "memboikot Olimpiade" in best.text
    assert not retriever.ask("What is the weather in London today?").answered


def test_irregular_forms_reach_the_dictionary_form():
    assert "grow" in lemmas("grew") and "meet" in lemmas("met")
    assert "speak" in lemmas("spoke")
    # Phrases inflect on their last word.
    assert "defense minister" in lemmas("defense ministers")


def test_how_asks_for_a_number_only_with_a_quantity_word():
    from retrieval.qtype import expected_type

    assert expected_type("how many doses".split()) == "number"
    assert expected_type("how much did trade grow".split()) == "number"
    assert expected_type("how did russia respond".split()) is None


def test_dictionary_phrases_stay_one_query_word(tmp_path: Path):
    entries = {
        "prime minister": "prime minister <n>\nperdana menteri\nhead of government\n",
        "prime": "prime <adj>\nutama\nfirst in rank\n",
        "minister": "minister <n>\nmenteri\nhead of a ministry\n",
    }
    data, index, offset = b"", [], 0
    for word, body in entries.items():
        raw = body.encode()
        index.append(f"{word}\t{_b64(offset)}\t{_b64(len(raw))}")
        data += raw
        offset += len(raw)
    prefix = tmp_path / "phrases"
    prefix.with_name(prefix.name + ".index").write_text("\n".join(index) + "\n", "utf-8")
    prefix.with_name(prefix.name + ".dict.dz").write_bytes(gzip.compress(data))
    d = EnglishDictionary.load(prefix)
    assert d is not None
    from retrieval.query import english_words

    assert english_words("Who is the prime minister of Russia?", d) == ["prime minister", "russia"]
    assert d.translate("prime minister") == ("perdana", "menteri")
