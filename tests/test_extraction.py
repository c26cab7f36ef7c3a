"""Extraction capabilities, one small example each: traps, casualties, dates, places, actors,
several incidents in one article. The sentences are written for these tests."""

from __future__ import annotations

from datetime import date

import pytest

from extraction import Extractor, Incident
from extraction.casualties import CasualtyReader
from extraction.dates import find_dates

PUBLISHED = date(2024, 3, 14)  # a Thursday


def extract(extractor: Extractor, text: str, published: date = PUBLISHED) -> list[Incident]:
    return extractor.extract(text, published=published)


def one(extractor: Extractor, text: str, published: date = PUBLISHED) -> Incident:
    found = extract(extractor, text, published)
    assert len(found) == 1, [(i.sub_event_type, i.summary) for i in found]
    return found[0]


# -- traps ------------------------------------------------------------------------------------

TRAPS = [
    "The former minister died of a heart attack at his home in Lagos on Tuesday.",
    "A passenger suffered a panic attack on a flight from Nairobi to Mombasa on Monday.",
    "The opposition leader called the new tax an attack on the economy of Kenya.",
    "Railway workers in France went on strike on Monday over pension reform.",
    "Teachers in Ghana will strike from next week unless their pay is raised.",
    "The striker struck twice in the second half as Nigeria beat Ghana 3-1 in Accra.",
    "The director shot his new film in the old quarter of Tunis last spring.",
    "Mourners in Kigali marked the anniversary of the 1994 massacres on Sunday.",
    "The rebels threatened to attack Goma if the army did not withdraw.",
    "The army denied reports that its soldiers had killed civilians near Mopti.",
    "Officials in Accra warned that floods could hit the capital next week.",
    "Police in Manila arrested a man suspected of stealing phones from a shop.",
    "The central bank launched a frontal attack on inflation in Turkey with a rate rise.",
    "A rocket carrying two satellites lifted off from French Guiana on Tuesday.",
]


@pytest.mark.parametrize("text", TRAPS)
def test_traps_raise_nothing(extractor: Extractor, text: str) -> None:
    assert extract(extractor, text) == []


def test_teaser_lines_are_dropped(extractor: Extractor) -> None:
    text = (
        "Gunmen killed four villagers in an attack near Maiduguri, Nigeria, on Wednesday.\n\n"
        "(Also read: Drone strike kills ten in northern Syria)\n\n"
        "Read more: Rocket attack on Kyiv leaves three dead\n"
    )
    found = extract(extractor, text)
    assert len(found) == 1
    assert found[0].location.country_code == "NGA"
    assert not any("Syria" in e or "Kyiv" in e for e in found[0].evidence)


def test_history_with_an_old_date_is_not_an_incident(extractor: Extractor) -> None:
    text = "Survivors gathered in Bamako to recall the car bomb that killed 20 people in May 2015."
    assert extract(extractor, text) == []


# -- casualties -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def casualties(extractor: Extractor) -> CasualtyReader:
    return extractor.reader.casualties


@pytest.mark.parametrize(("text", "killed", "injured"), [
    ("The blast killed 12 people and wounded 30 others.", 12, 30),
    ("Seven soldiers were killed and fifteen injured in the ambush.", 7, 15),
    ("At least 21 villagers were killed.", 21, None),
    ("Twenty-three people died and dozens were wounded.", 23, 12),
    ("Between 10 and 15 fighters were killed in the clashes.", 10, None),
    ("The attack caused no casualties, the army said.", 0, 0),
    ("Nobody was hurt in the explosion.", 0, 0),
    ("The raid left five people wounded.", None, 5),
    ("The shelling left three dead.", 3, None),
])
def test_casualty_counts(casualties: CasualtyReader, text: str, killed: int | None,
                         injured: int | None) -> None:
    counts = casualties.read(text)
    assert (counts.killed, counts.injured) == (killed, injured)


def test_casualties_attach_to_their_incident(extractor: Extractor) -> None:
    text = (
        "An air strike hit a market in Idlib, Syria, on Tuesday, killing nine civilians. "
        "Separately, a roadside bomb killed two policemen in Kandahar, Afghanistan, on Wednesday."
    )
    found = {i.location.country_code: i for i in extract(extractor, text)}
    assert found["SYR"].killed == 9
    assert found["AFG"].killed == 2


# -- dates ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("phrase", "expected"), [
    ("on Monday", date(2024, 3, 11)),
    ("late on Sunday", date(2024, 3, 10)),
    ("on Thursday", date(2024, 3, 14)),
    ("yesterday", date(2024, 3, 13)),
    ("last night", date(2024, 3, 13)),
    ("on March 2", date(2024, 3, 2)),
    ("on 29 February", date(2024, 2, 29)),
])
def test_dates_resolve_against_publication(phrase: str, expected: date) -> None:
    found = find_dates(f"Militants attacked the post {phrase}.", PUBLISHED)
    assert [d.value for d in found] == [expected]


def test_dateline_is_not_the_event_day(extractor: Extractor) -> None:
    text = ("KANO, March 14 (Wire) - Gunmen attacked a police station in Kano, Nigeria, "
            "late on Monday, killing three officers, police said on Wednesday.")
    assert one(extractor, text).date == "2024-03-11"


# -- places -----------------------------------------------------------------------------------

@pytest.mark.parametrize("spelling", ["al-Bukamal", "Abu Kamal", "Albu Kamal"])
def test_alternate_spellings_meet(extractor: Extractor, spelling: str) -> None:
    incident = one(extractor, f"A drone strike hit a truck near {spelling} in Syria on Monday.")
    assert incident.location.country_code == "SYR"
    assert incident.location.place == one(
        extractor, "A drone strike hit a truck near Abu Kamal in Syria on Monday.").location.place


def test_region_phrases(extractor: Extractor) -> None:
    east = one(extractor, "Warplanes struck a weapons depot in eastern Syria on Monday.")
    assert east.location.country_code == "SYR"
    kurdistan = one(extractor, "A rocket attack hit a base in the Kurdistan region of northern "
                               "Iraq on Monday, causing no casualties.")
    assert kurdistan.location.country_code == "IRQ"
    assert kurdistan.location.admin1 is not None
    assert kurdistan.killed == 0


def test_possessive_country_before_a_province(extractor: Extractor) -> None:
    incident = one(extractor, "Bandits killed six farmers in Nigeria's northwestern Zamfara "
                              "state on Monday.")
    assert incident.location.country_code == "NGA"
    assert incident.location.admin1 == "Zamfara"


def test_ambiguous_town_resolved_by_context(extractor: Extractor) -> None:
    text = ("Fighting between the army and rebels continued across Lebanon on Monday. "
            "An air strike killed four people in Tripoli in the north of Lebanon.")
    found = extract(extractor, text)
    assert found and all(i.location.country_code == "LBN" for i in found)


# -- actors -----------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["The US military", "The Pentagon", "American troops"])
def test_state_forces_are_one_actor(extractor: Extractor, who: str) -> None:
    incident = one(extractor, f"{who} carried out an air strike on a militia depot in eastern "
                              "Syria on Monday.")
    assert incident.actors[0].name == "United States"
    assert incident.actors[0].role == "actor1"


def test_proxy_militias_and_roles(extractor: Extractor) -> None:
    incident = one(extractor, "Iran-backed militias attacked US troops with drones at a base "
                              "in western Iraq on Monday.")
    roles = {a.role: a.name for a in incident.actors}
    assert "Iran" in roles["actor1"]
    assert roles["actor2"] == "United States"


def test_attacker_after_by(extractor: Extractor) -> None:
    incident = one(extractor, "Five soldiers were killed in an ambush by al-Shabaab near "
                              "Kismayo, Somalia, on Monday.")
    roles = {a.role: a.name for a in incident.actors}
    assert roles["actor1"] == "Al-Shabaab"


# -- several incidents ------------------------------------------------------------------------

def test_one_article_several_incidents(extractor: Extractor) -> None:
    text = (
        "Israeli air strikes hit two buildings in Gaza City on Tuesday, killing 11 people. "
        "In the occupied West Bank, Israeli forces arrested 15 Palestinians in overnight raids "
        "in Jenin. Elsewhere, protesters marched peacefully through Amman, Jordan, on Wednesday "
        "calling for a ceasefire."
    )
    types = [i.sub_event_type for i in extract(extractor, text)]
    assert types[0] == "Air/drone strike"
    assert "Arrests" in types
    assert "Peaceful protest" in types


def test_every_incident_keeps_evidence_and_confidence(extractor: Extractor) -> None:
    incident = one(extractor, "A suicide bomber killed 14 people at a mosque in Peshawar, "
                              "Pakistan, on Friday.")
    assert incident.sub_event_type == "Suicide bomb"
    assert incident.event_type == "Explosions/Remote violence"
    assert incident.evidence and 0 < incident.confidence <= 1


# -- the spaCy pipeline -----------------------------------------------------------------------

def test_a_blank_spacy_pipeline_cuts_sentences_with_the_projects_rules() -> None:
    import spacy

    import extraction.pipeline  # noqa: F401  (registers the components)

    nlp = spacy.blank("en")
    nlp.add_pipe("sitrep_sentences")
    doc = nlp("Gen. Ali Musa said troops left the base at 6 a.m. on Monday. Nobody was hurt.\n\n"
              "A headline without a full stop\n\nThe next story begins here.")
    assert [s.text.strip() for s in doc.sents] == [
        "Gen. Ali Musa said troops left the base at 6 a.m. on Monday.",
        "Nobody was hurt.",
        "A headline without a full stop",
        "The next story begins here.",
    ]


def test_the_incident_component_fills_the_document(extractor: Extractor) -> None:
    assert extractor.nlp.pipe_names == ["sitrep_sentences", "sitrep_incidents"]
    doc = extractor.nlp.make_doc("Gunmen killed four farmers in Kaduna State on Monday.")
    doc._.published = PUBLISHED
    for _, component in extractor.nlp.pipeline:
        doc = component(doc)
    [incident] = doc._.incidents
    assert (incident.sub_event_type, incident.killed) == ("Attack", 4)
    assert incident.location.country_code == "NGA" and incident.date == "2024-03-11"


# -- places the gazetteer lacks or shares with other countries --------------------------------

def test_village_missing_from_the_gazetteer_takes_the_sentences_region(
        extractor: Extractor) -> None:
    incident = one(extractor, "Gunmen killed four farmers in Kurmin Dodo village in Katsina "
                              "state, Nigeria, on Monday.")
    assert incident.location.country_code == "NGA"
    assert incident.location.admin1 == "Katsina"
    assert incident.location.place == "Kurmin Dodo"


def test_small_namesake_abroad_gives_way_to_the_articles_country(extractor: Extractor) -> None:
    incident = one(extractor, "Bandits abducted 12 passengers near Maro village in Kaduna "
                              "state, Nigeria, on Sunday.")
    assert incident.location.country_code == "NGA"
    assert incident.location.admin1 == "Kaduna"


def test_region_named_with_its_kind_is_the_same_area(extractor: Extractor) -> None:
    knowledge = extractor.knowledge
    with_kind, bare = knowledge.area("Kharkiv Oblast"), knowledge.area("Kharkiv")
    assert with_kind is not None and bare is not None
    assert with_kind.name == bare.name


# -- sub-event types --------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "sub_event_type"), [
    ("Militants stormed a bus station in Quetta, Pakistan, on Tuesday, taking 20 passengers "
     "hostage.", "Abduction/forced disappearance"),
    ("A student was picked up from his room in Turbat, Pakistan, by men in plain clothes on "
     "Monday and his whereabouts remain unknown.", "Abduction/forced disappearance"),
    ("Russian drones dropped munitions filled with an irritant gas on Ukrainian positions near "
     "Kupiansk, Ukraine, on Sunday.", "Chemical weapon"),
    ("The rebels said on Saturday they had captured the army's regional command headquarters "
     "in Lashio, Myanmar.", "Non-state actor overtakes territory"),
    ("Five construction workers were shot dead by armed separatists in Papua, Indonesia, "
     "on Friday.", "Attack"),
])
def test_sub_event_type_rules(extractor: Extractor, text: str, sub_event_type: str) -> None:
    assert one(extractor, text).sub_event_type == sub_event_type


def test_bulletin_items_are_separate_incidents(extractor: Extractor) -> None:
    found = extract(extractor, "MALI | Mopti | 3 Mar: JNIM fighters ambushed an army patrol "
                               "near Djenne. Same day: an IED struck a truck on the road north "
                               "of Djenne.")
    assert [i.sub_event_type for i in found] == ["Armed clash", "Remote explosive/landmine/IED"]
    assert {i.location.country_code for i in found} == {"MLI"}


@pytest.mark.parametrize("text", [
    "The central bank in Brasilia launched an 'attack' on inflation on Wednesday.",
    "A hospital in Leeds was hit by a ransomware attack on Monday.",
    "A court in Paris convicted eight men over the 2016 truck attack in Nice.",
    "A rocket carrying 20 internet satellites lifted off from Florida on Tuesday.",
])
def test_more_traps(extractor: Extractor, text: str) -> None:
    assert extract(extractor, text) == []


@pytest.mark.parametrize(("text", "killed"), [
    ("Militants attacked an army base in Borno, Nigeria, on Saturday; 20 insurgents and "
     "4 soldiers died.", 24),
    ("An attack by gunmen on a village in Mopti, Mali, on Sunday caused the death of "
     "15 civilians.", 15),
])
def test_casualty_phrasings(extractor: Extractor, text: str, killed: int) -> None:
    assert one(extractor, text).killed == killed


@pytest.mark.parametrize("text", ["The rockets caused no damage or casualties.",
                                  "No one was injured in the attack."])
def test_no_casualties_sets_both_counts_to_zero(casualties: CasualtyReader, text: str) -> None:
    counts = casualties.read(text)
    assert (counts.killed, counts.injured) == (0, 0)
