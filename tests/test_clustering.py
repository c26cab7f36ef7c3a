"""When two reports are one incident, and when they are two."""

from __future__ import annotations

from datetime import date, timedelta

import redis.asyncio as redis

from bot.clustering import same_incident, signature
from bot.store import CLUSTER_TTL, Store
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


WIRE = ("Gunmen on motorcycles attacked a village market near Mopti on Sunday, killing "
        "eleven traders and burning dozens of stalls, a local official told reporters.")


def test_near_copies_share_a_signature_band_and_other_texts_do_not() -> None:
    copy = "MOPTI (AFP) - " + WIRE
    other = ("Floodwaters swept through low-lying districts of Dhaka after three days of rain, "
             "forcing thousands of families onto rooftops, rescuers said.")
    assert set(signature(WIRE)) & set(signature(copy))
    assert not set(signature(WIRE)) & set(signature(other))


def test_one_wire_copy_is_one_incident_even_where_places_resolved_differently() -> None:
    mali = incident("Attack", "Violence against civilians", summary=WIRE,
                    location=Location("Mali", "MLI", "Mopti", "Mopti", 14.5, -4.2, "place"))
    elsewhere = incident("Attack", "Violence against civilians", summary=WIRE,
                         location=Location("Niger", "NER", None, None, 17.0, 8.0, "country"))
    rewritten = incident("Attack", "Violence against civilians",
                         summary="Eleven traders died when a market came under fire.",
                         location=elsewhere.location)
    assert same_incident(mali, elsewhere)
    assert not same_incident(mali, rewritten)


async def test_signatures_are_kept_in_redis_for_the_clustering_window(
    redis_client: redis.Redis, key_prefix: str
) -> None:
    store = Store(redis_client, key_prefix)
    today = date(2024, 3, 14)
    await store.add_signature(signature(WIRE), today, "inc-1")
    await store.add_signature(signature("A different story about a ferry in the Aegean."),
                              today, "inc-2")
    copy = signature(WIRE + " Updated.")
    assert await store.similar_text_candidates(copy, today + timedelta(days=1)) == ["inc-1"]
    assert await store.similar_text_candidates(copy, today + timedelta(days=5)) == []
    ttl = await redis_client.ttl(store.keys.text_bands(today))
    assert 0 < ttl <= CLUSTER_TTL.total_seconds()


def test_one_town_one_day_but_different_targets_are_two_incidents() -> None:
    school = incident(summary="An air strike hit a school in Deir ez-Zor, killing four children.")
    hospital = incident(summary="An air strike hit a hospital in Deir ez-Zor, killing a nurse.")
    school_again = incident(summary="Warplanes bombed the school in Deir ez-Zor city.")
    assert not same_incident(school, hospital)
    assert same_incident(school, school_again)
