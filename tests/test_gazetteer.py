"""The generated gazetteer: towns in their current first-level units, those units' names, and
the build's naming rules. The sentences are written for these tests."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from extraction import Extractor
from extraction.build_gazetteer import _clean_admin1, _vote
from extraction.names import name_key

PUBLISHED = date(2024, 3, 14)


@pytest.mark.parametrize(("text", "country", "admin1"), [
    ("Police fired tear gas at students marching on parliament in Kathmandu on Monday.",
     "NPL", "Bagmati"),
    ("Militiamen attacked a displacement camp outside Bunia on Monday, killing five people.",
     "COD", "Ituri"),
    ("Police detained dozens of protesters in central Belgrade on Monday.", "SRB", "Belgrade"),
    ("Gunmen stormed the police station in Mirebalais, Haiti, on Monday.", "HTI", "Centre"),
    ("A bomb exploded at a market in Marawi in the southern Philippines on Monday.",
     "PHL", "Bangsamoro"),
    ("Delegates of the two governments signed a truce in Doha, Qatar, on Monday.", "QAT",
     "Doha"),
])
def test_towns_lie_in_their_current_units(extractor: Extractor, text: str, country: str,
                                          admin1: str) -> None:
    found = extractor.extract(text, published=PUBLISHED)
    assert found, text
    assert (found[0].location.country_code, found[0].location.admin1) == (country, admin1)


def test_every_kept_town_has_a_unit(extractor: Extractor) -> None:
    gaz = extractor.knowledge.gazetteer
    for iso3, name in [("QAT", "Doha"), ("HTI", "Mirebalais"), ("AZE", "Khankendi")]:
        pid = gaz.find_place(iso3, name)
        assert pid is not None and gaz.place(pid).admin1, name


@pytest.mark.parametrize(("name", "unit"), [
    ("Autonomous Region in Muslim Mindanao", "Bangsamoro"),  # the former name of a unit
    ("Shamal Kurdufan", "North Kordofan"),
    ("Kashmir", "Jammu and Kashmir"),  # Ladakh took a few of its towns
    ("Bagmati Province", "Bagmati"),
])
def test_former_and_official_names_find_the_unit(extractor: Extractor, name: str,
                                                 unit: str) -> None:
    area = extractor.knowledge.area(name)
    assert area is not None and area.name == unit


def test_split_and_lumped_units_are_gone(extractor: Extractor) -> None:
    gaz = extractor.knowledge.gazetteer
    assert gaz.find_admin1("COD", "Orientale") is None  # four provinces since 2015
    assert gaz.find_admin1("SRB", "Central Serbia") is None  # Belgrade and districts
    for word in ("gulf", "free"):
        assert all(p.kind != "admin1" for p in gaz.lookup(word)), word


def test_unit_names_are_plain_and_lose_their_kind() -> None:
    assert _clean_admin1("Ḩajjah") == "Hajjah"
    assert _clean_admin1("Kharkivs’ka Oblast’") == "Kharkivs'ka"
    assert _clean_admin1("Bagmati Province") == "Bagmati"
    assert _clean_admin1("Gulf Province") == "Gulf Province"  # "Gulf" alone is a word


def test_a_unit_is_named_by_its_own_towns() -> None:
    doha, lusail = ("QA", "01"), ("QA", "13")
    votes = {doha: Counter({"Doha": 22}), lusail: Counter({"Doha": 1, "Al Daayen": 1})}
    people = {doha: Counter({"Doha": 900_000}),
              lusail: Counter({"Doha": 200_000, "Al Daayen": 50_000})}
    assert _vote(votes, people) == {doha: "Doha", lusail: "Al Daayen"}
    assert name_key(_vote({lusail: votes[lusail]}, people)[lusail]) == "doha"
