"""The outlet registry (retrieval/data/outlets.toml) and the lookups built on it."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from retrieval.cleaning import clean_article, parse_dateline
from retrieval.outlets import Outlet, Registry, _load, registry

BODY = "Presiden meresmikan jembatan baru di kota itu pada Senin pagi."
BODY2 = "Jembatan itu menghubungkan dua kecamatan yang selama ini terpisah sungai."

ALL = registry().outlets
WIRES = ("Antara", "Reuters", "AFP", "AP", "Xinhua", "TASS", "Sputnik", "Bloomberg", "Al Jazeera")


def test_the_registry_covers_many_outlets_and_the_main_wires() -> None:
    outlets = [o for o in ALL if o.kind == "outlet"]
    assert len(outlets) >= 40
    assert {w.name for w in registry().wires} >= set(WIRES)


def test_no_domain_or_dateline_spelling_names_two_outlets() -> None:
    domains = Counter(d for o in ALL for d in o.domains)
    assert [d for d, n in domains.items() if n > 1] == []
    spellings = Counter(
        s for o in ALL for s in {x.casefold() for x in (*o.dateline_names, *o.domains)}
    )
    assert [s for s, n in spellings.items() if n > 1] == []


@pytest.mark.parametrize(
    ("host", "name"),
    [
        ("news.detik.com", "detikcom"),
        ("https://oto.detik.com/berita/d-1/judul", "detikcom"),
        ("www.kompas.com", "Kompas"),
        ("KOMPAS.COM", "Kompas"),
        ("https://jateng.tribunnews.com/2024/05/14/judul", "Tribun Jateng"),
        ("https://sukabumi.tribunnews.com/2024/05/14/judul", "Tribunnews"),  # not listed
        ("https://www.republika.co.id/berita/x", "Republika"),
        ("https://www.bbc.com/indonesia/articles/x", "BBC News Indonesia"),
        ("https://en.antaranews.com/news/1", "Antara"),
    ],
)
def test_by_host_folds_subdomains(host: str, name: str) -> None:
    found = registry().by_host(host)
    assert found is not None
    assert found.name == name


@pytest.mark.parametrize("host", ["www.bbc.com", "example.org", "", "http://[::1", "localhost"])
def test_by_host_unknown(host: str) -> None:
    assert registry().by_host(host) is None


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("KOMPAS.com", "Kompas"),
        ("Liputan6.com", "Liputan6"),
        ("CNN Indonesia", "CNN Indonesia"),
        ("cnbc indonesia", "CNBC Indonesia"),
        ("Gatra.com", "Gatra"),
        ("ANTARA", "Antara"),
        ("TEMPO.CO", "Tempo"),
        ("REPUBLIKA.CO.ID", "Republika"),
        ("TRIBUNJATENG.COM", "Tribun Jateng"),
        ("(Reuters)", "Reuters"),
    ],
)
def test_by_dateline(printed: str, name: str) -> None:
    found = registry().by_dateline(printed)
    assert found is not None
    assert found.name == name


def test_wire_lookup_only_finds_wires() -> None:
    wire = registry().wire("reuters")
    assert wire is not None
    assert wire.kind == "wire"
    assert registry().wire("Kompas") is None


def _spellings() -> list[tuple[Outlet, str]]:
    return [(o, s) for o in ALL for s in o.dateline_names]


@pytest.mark.parametrize(
    "form",
    [
        "{name}, Jakarta - {body}",
        "{name}, JAKARTA – {body}",
        "JAKARTA, {name} - {body}",
        "Moskow, {name} -- {body}",
        "Beijing ({name}) - {body}",
        "{name} - {body}",
    ],
)
def test_every_dateline_spelling_parses_in_every_form(form: str) -> None:
    failures = []
    for outlet, spelling in _spellings():
        line = form.format(name=spelling, body=BODY)
        dateline = parse_dateline(line)
        if dateline is None or dateline.outlet != outlet.name or dateline.rest != BODY:
            failures.append((spelling, dateline))
    assert failures == []


def test_every_dateline_spelling_is_stripped_by_the_cleaner() -> None:
    for outlet, spelling in _spellings():
        cleaned = clean_article(f"{spelling}, Jakarta - {BODY}\n{BODY2}")
        assert cleaned.paragraphs == (BODY, BODY2), spelling
        assert cleaned.dateline_outlet == outlet.name, spelling


def test_an_unknown_domain_still_makes_a_dateline() -> None:
    dateline = parse_dateline(f"BERITABARU.ID, Palu - {BODY}")
    assert dateline is not None
    assert (dateline.outlet, dateline.place, dateline.rest) == ("Beritabaru", "Palu", BODY)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("outlet = 1", "expected [[outlet]] tables"),
        ('[[outlet]]\nname = ""', "name: expected a non-empty string"),
        ('[[outlet]]\nname = "X"\nkind = "blog"', "kind: expected 'outlet' or 'wire'"),
        ('[[outlet]]\nname = "X"\ndomains = "x.com"', "domains: expected a list of strings"),
    ],
)
def test_a_broken_data_file_names_the_entry(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        _load(text, "outlets.toml")


def test_a_registry_from_other_data() -> None:
    reg = Registry(_load('[[outlet]]\nname = "Kabar Desa"\ndomains = ["kabardesa.id"]', "t"))
    found = reg.by_host("https://www.kabardesa.id/a")
    assert found is not None
    assert found.name == "Kabar Desa"
    assert reg.by_dateline("KABARDESA.ID") == found
