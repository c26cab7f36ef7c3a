"""Actors: the table's look-up of names as data sets write them, the groups it knows, and who
extraction codes as actor1 and actor2. The sentences are written for these tests."""

from __future__ import annotations

from datetime import date

import pytest

from extraction import Extractor, Incident
from extraction.knowledge import Knowledge

PUBLISHED = date(2024, 3, 14)


@pytest.fixture(scope="module")
def knowledge(extractor: Extractor) -> Knowledge:
    return extractor.knowledge


def roles(incident: Incident) -> dict[str, str]:
    return {a.role: a.name for a in incident.actors}


# -- names as ACLED writes them -----------------------------------------------------------------

@pytest.mark.parametrize(("written", "alias"), [
    # "ABBR: Full name": the full name decides; an abbreviation alone when the full name is
    # worded differently from every alias.
    ("HTS: Hayat Tahrir al-Sham", "HTS"),
    ("ISWAP: Islamic State in West Africa", "ISWAP"),
    ("XYZ: Allied Democratic Forces", "ADF"),
    # "Full name (ABBR)", and a listed name with a qualifier in brackets.
    ("Kataib Hezbollah (KH)", "Kataib Hezbollah"),
    ("Revolutionary Guard Corps (Pasdaran)", "IRGC"),
    ("Protesters (farmers)", "protesters"),
    ("Military Forces of Kenya (Coast Guard)", "Kenya"),
    ("Somali Salvation Movement (al-Shabaab)", "Al-Shabaab"),
    # "Name - Other name" and a trailing group noun.
    ("Ansar Allah - Houthi rebels", "Houthis"),
    ("Al-Shabaab Movement", "Al-Shabaab"),
    ("Tahrir al-Sham Organisation", "HTS"),
])
def test_acled_style_names_resolve_through_aliases(knowledge: Knowledge, written: str,
                                                   alias: str) -> None:
    assert knowledge.actor(alias) is not None
    assert knowledge.actor(written) == knowledge.actor(alias)


@pytest.mark.parametrize(("where", "who", "alias"), [
    # The brackets or the head say where the group is, not who it is.
    ("Herder Communal Militia (Niger)", "Herder Communal Militia (bandits)", "bandits"),
    ("Haiti Gang", "Gulf Clan Gang", "Clan del Golfo"),
    ("Kenya Movement", "Ansarallah Movement", "Houthis"),
])
def test_a_country_in_a_composite_name_is_not_the_actor(knowledge: Knowledge, where: str,
                                                        who: str, alias: str) -> None:
    assert knowledge.actor(where) is None
    assert knowledge.actor(who) == knowledge.actor(alias) is not None


# -- the table of armed groups ------------------------------------------------------------------

@pytest.mark.parametrize(("alias", "same_as"), [
    ("TNLA", "Ta'ang National Liberation Army"),
    ("MNDAA", "Kokang army"),
    ("KNLA", "Karen National Union"),
    ("CRP", "Convention for the Popular Revolution"),
    ("ESN", "Eastern Security Network"),
    ("IPOB", "Indigenous People of Biafra"),
    ("NSCN-IM", "National Socialist Council of Nagaland"),
    ("ULFA-I", "United Liberation Front of Asom"),
    ("OPM", "TPNPB"),
    ("EGC", "Gulf Clan"),
    ("SPLM-IO", "SPLA-IO"),
    ("BIFF", "Bangsamoro Islamic Freedom Fighters"),
    ("Fitna al-Khawarij", "Pakistani Taliban"),
    ("Los Chapitos", "Sinaloa Cartel"),
    ("Security Belt", "Security Belt Forces"),
    ("Islamic State Somalia", "IS-Somalia"),
])
def test_armed_groups_are_known_by_their_common_names(knowledge: Knowledge, alias: str,
                                                      same_as: str) -> None:
    assert knowledge.actor(alias) is not None
    assert knowledge.actor(alias) == knowledge.actor(same_as)


@pytest.mark.parametrize(("member", "parent"), [
    ("TNLA", "Three Brotherhood Alliance"),
    ("5 Segonn", "Viv Ansanm"),
    ("Harakat al-Nujaba", "Islamic Resistance in Iraq"),
    ("Harakat al-Nujaba", "Iran"),
    ("HPG", "PKK"),
    ("YBS", "PKK"),
    ("Eastern Security Network", "IPOB"),
    ("Dawlah Islamiyah", "Islamic State"),
    ("Ansaru", "Al-Qaeda"),
    ("Security Belt", "Southern Transitional Council"),
])
def test_a_subscriber_following_a_movement_gets_its_branches(knowledge: Knowledge, member: str,
                                                             parent: str) -> None:
    assert knowledge.actor_matches(parent, knowledge.actor(member) or "")
    assert not knowledge.actor_matches(member, knowledge.actor(parent) or "")


def test_haitian_gangs_are_told_apart(knowledge: Knowledge) -> None:
    gangs = {knowledge.actor(g) for g in ("Gran Grif", "5 Segonn", "400 Mawozo", "Viv Ansanm")}
    assert None not in gangs and len(gangs) == 4


@pytest.mark.parametrize(("text", "actor1", "actor2"), [
    ("Ta'ang National Liberation Army fighters attacked a junta outpost near Kyaukme on "
     "Tuesday, killing four soldiers.", "TNLA", "Myanmar"),
    ("Gran Grif gang members opened fire on residents of Pont-Sonde in Artibonite on Friday, "
     "killing nine people.", "Gran Grif", "Civilians"),
    ("Lakurawa militants killed eleven farmers in a village in Kebbi State, Nigeria, on Sunday.",
     "Lakurawa", "Civilians"),
    ("Fighters of the Southern Transitional Council clashed with government troops near Ataq "
     "in Shabwa, Yemen, on Wednesday.", "Southern Transitional Council", "Yemen"),
])
def test_new_groups_are_found_in_reports(extractor: Extractor, text: str, actor1: str,
                                         actor2: str) -> None:
    found = extractor.extract(text, published=PUBLISHED)
    assert found, text
    kn = extractor.knowledge
    assert roles(found[0]) == {"actor1": kn.actor(actor1), "actor2": kn.actor(actor2)}


# -- country names that start other names -------------------------------------------------------

@pytest.mark.parametrize("text", [
    "The Nigeria Union of Journalists said gunmen shot dead a reporter in Jos on Monday.",
    "Officials of the Sudan Doctors Network said RSF fighters shelled a market in El Fasher on "
    "Monday, killing six people.",
])
def test_a_country_name_inside_an_organisations_name_is_not_a_party(extractor: Extractor,
                                                                    text: str) -> None:
    found = extractor.extract(text, published=PUBLISHED)
    assert found
    names = {a.name for a in found[0].actors}
    assert not names & {"Nigeria", "Sudan"}, names


# -- who acted ----------------------------------------------------------------------------------

def test_counted_fighters_before_killed_are_the_dead(extractor: Extractor) -> None:
    """"4 JNIM and 3 VDP killed": the count is of people, both sides lost them; the sentence
    adds to the attack before it rather than reporting another with the VDP attacking. A count
    of the weapons the trigger names leaves their owner acting."""
    found = extractor.extract("JNIM fighters attacked an army post near Djibo on Monday. 4 JNIM "
                              "and 3 VDP killed, local sources said.", published=PUBLISHED)
    assert len(found) == 1
    assert found[0].killed == 7
    assert roles(found[0])["actor1"] == "JNIM"
    strike = extractor.extract("Two Russian missiles hit an apartment block in Kharkiv on "
                               "Monday, killing four people.", published=PUBLISHED)[0]
    assert roles(strike) == {"actor1": "Russia", "actor2": "Civilians"}


@pytest.mark.parametrize(("text", "expected"), [
    # Nobody named the bomber: an unidentified armed group, as the data sets code it.
    ("A grenade exploded outside a bar in Acapulco on Saturday night, wounding three men.",
     {"actor1": "Unidentified gunmen"}),
    # Those arrested are civilians unless the text names their group.
    ("Israeli forces detained 25 Palestinians in overnight raids across Nablus on Tuesday.",
     {"actor1": "Israel", "actor2": "Civilians"}),
])
def test_sides_the_text_leaves_unnamed(extractor: Extractor, text: str,
                                       expected: dict[str, str]) -> None:
    incident = extractor.extract(text, published=PUBLISHED)[0]
    assert {role: name for role, name in roles(incident).items() if role in expected} == expected


def test_the_only_armed_party_of_a_text_with_victims_acted(extractor: Extractor) -> None:
    incident = extractor.extract("Shelling by the paramilitary RSF on a market in El Obeid on "
                                 "Friday killed at least nine civilians, medics said.",
                                 published=PUBLISHED)[0]
    assert roles(incident) == {"actor1": "Rapid Support Forces (RSF)", "actor2": "Civilians"}


def test_unknown_attackers_and_their_victims_by_common_nouns(extractor: Extractor) -> None:
    incident = extractor.extract("Unknown individuals threw a grenade at a shop in Comayagua, "
                                 "Honduras, on Sunday, wounding a 40-year-old man.",
                                 published=PUBLISHED)[0]
    assert roles(incident) == {"actor1": "Unidentified gunmen", "actor2": "Civilians"}


def test_civilians_caught_in_a_clash_are_not_a_side(extractor: Extractor) -> None:
    incident = extractor.extract("Two civilians were killed when Los Lobos and Los Choneros gang "
                                 "members exchanged fire inside the Litoral prison in Guayaquil "
                                 "on Thursday.", published=PUBLISHED)[0]
    assert incident.sub_event_type == "Armed clash"
    assert set(roles(incident).values()) == {"Los Lobos", "Los Choneros"}


@pytest.mark.parametrize(("text", "expected"), [
    # The weapon names whose it is, however many words describe it.
    ("A Russian guided aerial bomb struck a school in Kharkiv on Sunday, wounding six people.",
     {"actor1": "Russia", "actor2": "Civilians"}),
    # "Armed Forces" after a demonym is the state, not a proxy "armed" by it.
    ("JNIM fighters attacked a post of the Beninese Armed Forces near Karimama on Thursday, "
     "killing five soldiers.", {"actor1": "JNIM", "actor2": "Benin"}),
    # Air defences are the forces of the country they defend.
    ("Air defences shot down two drones over Port Sudan overnight, the army said.",
     {"actor1": "Sudan"}),
])
def test_state_forces_by_their_weapons_and_units(extractor: Extractor, text: str,
                                                 expected: dict[str, str]) -> None:
    assert roles(extractor.extract(text, published=PUBLISHED)[0]) == expected


# -- generic actors and the groups they stand for -----------------------------------------------

def test_gunmen_stand_for_the_group_the_text_blames(extractor: Extractor) -> None:
    incident = extractor.extract(
        "Gunmen opened fire on a minibus near Mandera on Monday, killing four passengers. The "
        "wounded were flown to Nairobi for treatment. Officials blamed al-Shabaab, saying the "
        "attackers crossed from Somalia.", published=PUBLISHED)[0]
    assert roles(incident) == {"actor1": "Al-Shabaab", "actor2": "Civilians"}


def test_militants_on_the_receiving_end_stand_for_the_named_group(extractor: Extractor) -> None:
    incident = extractor.extract(
        "Soldiers killed 12 militants in an ambush near Jowhar on Sunday. The dead fighters "
        "belonged to al-Shabaab, the army said.", published=PUBLISHED)[0]
    assert roles(incident) == {"actor1": "Somalia", "actor2": "Al-Shabaab"}


@pytest.mark.parametrize(("name", "iso3", "local"), [
    ("Islamic State", "NGA", "ISWAP"),
    ("Islamic State", "MOZ", "ISCAP"),
    ("Islamic State", "AFG", "ISKP"),
    ("Al-Qaeda", "YEM", "AQAP"),
    ("Al-Qaeda", "MLI", "JNIM"),
    ("Militants", "SOM", "Al-Shabaab"),
    ("Criminal gangs", "HTI", "Viv Ansanm"),
    ("Islamic State", "SYR", "Islamic State"),  # no branch of its own there
    ("Militants", "KEN", "Militants"),  # al-Shabaab is not the only armed group there
    ("Militants", "NGA", "Militants"),
])
def test_a_movement_or_a_generic_actor_names_its_local_group(knowledge: Knowledge, name: str,
                                                              iso3: str, local: str) -> None:
    assert knowledge.local_actor(knowledge.actor(name) or name, iso3) == knowledge.actor(local)


def test_insurgents_in_cabo_delgado_are_the_islamic_state_branch(extractor: Extractor) -> None:
    for text in ("Insurgents beheaded three farmers near Macomia, Mozambique, on Tuesday.",
                 "Islamic State fighters attacked a village near Mocimboa da Praia, "
                 "Mozambique, on Friday, killing four villagers."):
        incident = extractor.extract(text, published=PUBLISHED)[0]
        assert roles(incident)["actor1"] == "Islamic State Central Africa Province (ISCAP)"


def test_unnamed_militants_are_an_unidentified_armed_group(knowledge: Knowledge) -> None:
    """The data sets have no "militants" actor: unnamed insurgents, jihadists and gunmen are
    all an unidentified armed group."""
    unidentified = knowledge.actor("Unidentified armed group")
    assert unidentified is not None
    assert {knowledge.actor(n) for n in ("insurgents", "jihadists", "militants", "gunmen",
                                         "Militants")} == {unidentified}


def test_the_taliban_are_afghanistans_state_forces(knowledge: Knowledge) -> None:
    assert knowledge.actor("Taliban forces") == knowledge.actor("Afghan Taliban") == "Afghanistan"
    assert knowledge.actor("Pakistani Taliban") == "Tehrik-i-Taliban Pakistan (TTP)"


# -- sources are not parties --------------------------------------------------------------------

def test_police_who_blame_a_group_are_a_source(extractor: Extractor) -> None:
    incident = extractor.extract(
        "A hand grenade thrown into a shop in Mogadishu's Hamarweyne district wounded three "
        "people on Monday. No one was killed. Police blamed al-Shabaab for the attack.",
        published=PUBLISHED)[0]
    assert roles(incident) == {"actor1": "Al-Shabaab", "actor2": "Civilians"}


def test_a_command_that_reports_its_own_strike_is_its_state(knowledge: Knowledge) -> None:
    assert knowledge.actor("AFRICOM") == knowledge.actor("US Africa Command") == "United States"


def test_who_identified_the_attackers_did_not_act(extractor: Extractor) -> None:
    incident = extractor.extract("Armed men identified by the army as ELN guerrillas abducted a "
                                 "cattle trader near Saravena, Arauca, on Saturday.",
                                 published=PUBLISHED)[0]
    assert roles(incident) == {"actor1": "ELN", "actor2": "Civilians"}


@pytest.mark.parametrize(("text", "expected"), [
    ("Air defences shot down 12 drones over Kyiv overnight, the city administration said.",
     {"actor1": "Russia", "actor2": "Ukraine"}),
    ("A drone hit a car in Shebekino, Belgorod region, on Sunday, injuring two women, the "
     "governor said.", {"actor1": "Ukraine", "actor2": "Civilians"}),
    # Nobody named who intercepted: the country defends itself.
    ("Fourteen Shahed drones were shot down over Odesa overnight, the air force said.",
     {"actor1": "Russia", "actor2": "Ukraine"}),
    # Ground taken back was taken from the other state.
    ("Ukrainian forces retook the village of Robotyne in Zaporizhzhia region on Monday after "
     "weeks of assaults, the general staff said.", {"actor1": "Ukraine", "actor2": "Russia"}),
])
def test_unattributed_fire_on_a_country_at_war_is_the_enemys(extractor: Extractor, text: str,
                                                              expected: dict[str, str]) -> None:
    assert roles(extractor.extract(text, published=PUBLISHED)[0]) == expected


def test_a_bomber_beside_a_named_group_is_that_group(extractor: Extractor) -> None:
    incident = extractor.extract("Boko Haram sent a female suicide bomber into a crowded market "
                                 "in Konduga, Borno, on Saturday, killing 12 traders.",
                                 published=PUBLISHED)[0]
    assert roles(incident) == {"actor1": "Boko Haram", "actor2": "Civilians"}


def test_abbreviations_match_as_written_and_juntas_are_their_states(extractor: Extractor) -> None:
    """"Let Kauk" is a village, not "LeT" (Lashkar-e-Taiba); "junta" is the state forces of
    the country the incident is in."""
    incident = extractor.extract("A junta air strike on Let Kauk village in Sagaing on Tuesday "
                                 "killed seven civilians.", published=PUBLISHED)[0]
    assert roles(incident) == {"actor1": "Myanmar", "actor2": "Civilians"}


@pytest.mark.parametrize(("text", "name"), [
    ("Troops clashed with New People's Army rebels near Catarman in the Philippines on "
     "Tuesday, leaving five rebels dead.", "New People's Army (NPA)"),
    ("People's Defence Force fighters overran a police station in Tabayin, Sagaing, on Monday.",
     "People's Defence Force (PDF)"),
])
def test_names_with_a_possessive_inside_are_found(extractor: Extractor, text: str,
                                                  name: str) -> None:
    incident = extractor.extract(text, published=PUBLISHED)[0]
    assert name in roles(incident).values()
    assert "Civilians" not in roles(incident).values()  # not "People" the common noun


@pytest.mark.parametrize(("text", "expected"), [
    # A clause's first word is capitalised whatever it is: not part of the name after it.
    ("Suspected Islamic State Sahel Province militants killed 17 villagers near Banibangou, "
     "Niger, on Sunday.", {"actor1": "Islamic State Sahel Province", "actor2": "Civilians"}),
    # Many states have a National Guard: the one of the incident's country.
    ("National Guard officers fired tear gas at protesters in Caracas, Venezuela, on Monday.",
     {"actor1": "Protesters", "actor2": "Venezuela"}),
])
def test_names_at_the_start_of_a_clause(extractor: Extractor, text: str,
                                        expected: dict[str, str]) -> None:
    assert roles(extractor.extract(text, published=PUBLISHED)[0]) == expected


def test_a_group_that_claims_its_own_action_is_a_party(extractor: Extractor) -> None:
    incident = extractor.extract("The SPLA-IO said on Tuesday that its fighters had captured the "
                                 "town of Ulang in Upper Nile state after fighting with "
                                 "government troops.", published=PUBLISHED)[0]
    assert roles(incident) == {"actor1": "SPLA-IO", "actor2": "South Sudan"}


@pytest.mark.parametrize(("alias", "same_as"), [
    ("MAF", "Myanmar"),
    ("NSAG", "unidentified armed group"),
    ("armed herdsmen", "Fulani militia"),
    ("Amba", "Ambazonian separatists"),
])
def test_monitors_shorthand_and_local_press_names(knowledge: Knowledge, alias: str,
                                                  same_as: str) -> None:
    assert knowledge.actor(alias) == knowledge.actor(same_as) is not None


def test_a_group_and_the_movement_it_belongs_to_are_one_suspect(extractor: Extractor) -> None:
    first = extractor.extract(
        "Gunmen attacked an army post near Karimama in northern Benin on Thursday, killing six "
        "soldiers. Nobody was arrested. The attack was later claimed by JNIM, al-Qaeda's Sahel "
        "branch.", published=PUBLISHED)[0]
    assert roles(first) == {"actor1": "JNIM", "actor2": "Benin"}


def test_troops_in_the_west_bank_are_israels(extractor: Extractor) -> None:
    incident = extractor.extract("Troops shot dead two men during a raid on the Balata camp in "
                                 "Nablus on Tuesday, Palestinian health officials said.",
                                 published=PUBLISHED)[0]
    assert roles(incident) == {"actor1": "Israel", "actor2": "Civilians"}


def test_attackers_the_writer_calls_unknown_stay_unknown(extractor: Extractor) -> None:
    first = extractor.extract(
        "Unidentified gunmen shot dead a trader in Mogadishu's Bakara market on Monday. "
        "Separately, al-Shabaab fighters attacked an army base in Middle Shabelle.",
        published=PUBLISHED)[0]
    assert roles(first) == {"actor1": "Unidentified gunmen", "actor2": "Civilians"}


def test_one_of_several_sources_is_a_source(extractor: Extractor) -> None:
    incident = extractor.extract("Junta jets bombed a village in Kani township, Sagaing, on "
                                 "Friday; PDF and rescue sources said nine civilians were "
                                 "killed.", published=PUBLISHED)[0]
    assert roles(incident) == {"actor1": "Myanmar", "actor2": "Civilians"}


def test_names_are_looked_up_without_a_leading_article(knowledge: Knowledge) -> None:
    assert knowledge.actor("the gunmen") == knowledge.actor("gunmen") is not None
    assert knowledge.actor("The Houthis") == "Houthis"
    assert "the" not in knowledge.actor_first  # the matcher does not try every "the"


@pytest.mark.parametrize(("name", "iso3", "local"), [
    ("Iran-backed militias", "LBN", "Hezbollah"),
    ("Iran-backed militias", "YEM", "Houthis"),
    ("Iran", "LBN", "Iran"),  # a state's name is never one of its proxies
])
def test_a_patrons_proxies_name_the_local_group(knowledge: Knowledge, name: str, iso3: str,
                                                local: str) -> None:
    assert knowledge.local_actor(name, iso3) == local


def test_more_local_names(knowledge: Knowledge) -> None:
    assert knowledge.actor("the Rapid Support") == "Rapid Support Forces (RSF)"
    assert knowledge.actor("Zaire militia") is not None
    assert knowledge.actor("Community Protection Guards") is not None
