"""The filter language: parsing, canonical form, errors with suggestions, and matching."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.filters import FilterError, parse_filter
from bot.match import match_subscribers
from bot.models import Chat, Subscription, utcnow
from bot.settings import DEFAULT_ALERT_TYPES
from extraction.model import Actor, Incident, Location


def incident(
    country: str, code: str, *, admin1: str | None = None, place: str | None = None,
    event_type: str = "Explosions/Remote violence", sub: str = "Air/drone strike",
    actors: tuple[str, ...] = (),
) -> Incident:
    return Incident(
        event_type=event_type,
        sub_event_type=sub,
        actors=[Actor(a, "actor1" if i == 0 else "actor2") for i, a in enumerate(actors)],
        location=Location(country=country, country_code=code, admin1=admin1, place=place),
    )


@pytest.fixture(scope="module")
def knowledge(extractor: Any) -> Any:
    return extractor.knowledge


def test_bare_names_resolve_to_places_actors_and_types(knowledge: Any) -> None:
    flt = parse_filter("Syria IRGC", knowledge)
    assert [a.name for a in flt.places] == ["Syria"]
    assert len(flt.actors) == 1
    assert flt.text.startswith("country:Syria actor:")
    assert parse_filter("Middle East", knowledge).places[0].kind == "region"
    assert parse_filter("Kurdistan", knowledge).places[0].kind in ("region", "admin1")
    lower, proper = parse_filter("hezbollah", knowledge), parse_filter("Hezbollah", knowledge)
    assert lower.actors == proper.actors
    assert parse_filter('type:"Air/drone strike"', knowledge).types == ("Air/drone strike",)


def test_the_canonical_form_parses_to_the_same_filter(knowledge: Any) -> None:
    for text in ('region:"Middle East" type:Battles', "Syria Iraq IRGC", "all", "Sahel"):
        flt = parse_filter(text, knowledge)
        assert parse_filter(flt.text, knowledge) == flt


def test_terms_of_one_kind_or_and_different_kinds_and(knowledge: Any) -> None:
    flt = parse_filter("Syria Iraq IRGC", knowledge)
    irgc = knowledge.actor("IRGC")
    assert flt.matches(incident("Syria", "SYR", actors=("United States", irgc)), knowledge)
    assert flt.matches(incident("Iraq", "IRQ", actors=(irgc,)), knowledge)
    assert not flt.matches(incident("Iraq", "IRQ", actors=("Islamic State",)), knowledge)
    assert not flt.matches(incident("Yemen", "YEM", actors=(irgc,)), knowledge)
    region = parse_filter('region:"Middle East" type:Battles', knowledge)
    clash = incident("Yemen", "YEM", event_type="Battles", sub="Armed clash")
    assert region.matches(clash, knowledge)
    assert not region.matches(incident("Yemen", "YEM"), knowledge)
    assert not region.matches(
        incident("Mali", "MLI", event_type="Battles", sub="Armed clash"), knowledge
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Syrai", "did you mean"),
        ("country:Atlantis", "unknown country 'Atlantis'"),
        ("country:Sahel", "unknown country 'Sahel'"),
        ("type:picnic", "unknown type 'picnic'"),
        ('region:"Middle East', "cannot read the filter"),
        ("", "empty"),
        ("actor:", "needs a value"),
    ],
)
def test_bad_filters_say_what_is_wrong(knowledge: Any, text: str, message: str) -> None:
    with pytest.raises(FilterError, match=message):
        parse_filter(text, knowledge)


def test_unknown_names_come_with_the_closest_known_names(knowledge: Any) -> None:
    with pytest.raises(FilterError) as caught:
        parse_filter("Hezbolah", knowledge)
    assert any("Hezbollah" in s for s in caught.value.suggestions)


def test_matching_skips_inactive_paused_and_non_alerting_types(knowledge: Any) -> None:
    now = utcnow()
    sub = [Subscription("all", now.isoformat())]
    active = Chat("t", "1", list(sub))
    inactive = Chat("t", "2", list(sub), active=False)
    paused = Chat("t", "3", list(sub), paused_until=(now + timedelta(hours=1)).isoformat())
    protests = Chat("t", "4", [Subscription(parse_filter("type:Protests", knowledge).text, "")])
    strike = incident("Syria", "SYR")
    protest = incident("Syria", "SYR", event_type="Protests", sub="Peaceful protest")
    chats = [active, inactive, paused, protests]
    got = match_subscribers(strike, chats, knowledge, DEFAULT_ALERT_TYPES, now)
    assert got == [active]
    # A protest is not a default alert type: only the chat that asked for protests gets it.
    got = match_subscribers(protest, chats, knowledge, DEFAULT_ALERT_TYPES, now)
    assert got == [protests]
