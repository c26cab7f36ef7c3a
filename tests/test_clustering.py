"""When two reports are one incident, and when they are two."""

from __future__ import annotations

from bot.clustering import same_incident
from extraction.model import Actor, Incident, Location

DEIR = Location("Syria", "SYR", "Deir ez-Zor", "Deir ez-Zor", 35.33, 40.14, "place")


def incident(sub: str = "Air/drone strike", event: str = "Explosions/Remote violence",
             location: Location = DEIR, actors: tuple[Actor, ...] = (),
             summary: str = "") -> Incident:
    return Incident(event, sub, list(actors), location, summary=summary)


def test_outlets_naming_the_parties_differently_still_report_one_strike() -> None:
    wire = incident(actors=(Actor("Iran-backed militias", "actor2"),),
                    summary="An air strike destroyed a depot near Deir ez-Zor, killing five.")
    radio = incident(actors=(Actor("Militants", "actor2"), Actor("Syria", "actor1")),
                     summary="Warplanes hit an arms store on the edge of the city.")
    assert same_incident(wire, radio)


def test_different_types_in_one_town_on_one_day_stay_apart() -> None:
    strike = incident(summary="An air strike hit a depot near Deir ez-Zor.")
    protest = incident("Peaceful protest", "Protests",
                       summary="Teachers protested over pay in Deir ez-Zor.")
    shelling = incident("Shelling/artillery/missile attack",
                        summary="Artillery shelled the outskirts of Deir ez-Zor overnight.")
    assert not same_incident(strike, protest)
    assert not same_incident(strike, shelling)


def test_other_towns_and_countries_are_other_incidents() -> None:
    here = incident(summary="An air strike hit a depot.")
    elsewhere = incident(
        location=Location("Syria", "SYR", "Idlib", "Ariha", 35.8, 36.6, "place"),
        summary="An air strike hit a depot.",
    )
    abroad = incident(location=Location("Iraq", "IRQ", None, None, 33.0, 44.0, "country"),
                      summary="An air strike hit a depot.")
    assert not same_incident(here, elsewhere)
    assert not same_incident(here, abroad)


def test_a_country_level_report_joins_a_precise_one_only_on_shared_evidence() -> None:
    precise = incident(actors=(Actor("Islamic State", "actor2"),),
                       summary="Jets struck Islamic State hideouts near Deir ez-Zor.")
    vague = incident(location=Location("Syria", "SYR", None, None, 35.0, 38.0, "country"),
                     actors=(Actor("Islamic State", "actor2"),),
                     summary="Coalition aircraft bombed militants in Syria on Monday.")
    unrelated = incident(location=Location("Syria", "SYR", None, None, 35.0, 38.0, "country"),
                         summary="A drone hit a car on a highway, officials said.")
    assert same_incident(precise, vague)
    assert not same_incident(precise, unrelated)
