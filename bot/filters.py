"""The filter language shared by every platform.

    Syria IRGC                  bare names resolve against the place and actor tables
    region:"Middle East"        explicit kinds: region:, country:, actor:, type:
    country:Iraq country:Syria  terms of one kind OR; terms of different kinds AND
    all                         everything

Places (region: and country:) form one kind, so "Syria Kurdistan" means either.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

from bot.event_types import EVENT_TYPES, TYPE_ALIASES
from extraction import Area, Incident, Knowledge

KINDS = ("region", "country", "actor", "type")


class FilterError(ValueError):
    """A filter that cannot be understood; the message is shown to the user as it is."""

    def __init__(self, message: str, suggestions: list[str] | None = None) -> None:
        super().__init__(message)
        self.suggestions = suggestions or []


@dataclass(frozen=True)
class Filter:
    """A parsed filter. `text` is its canonical form, stored with a subscription."""

    places: tuple[Area, ...] = ()
    actors: tuple[str, ...] = ()
    types: tuple[str, ...] = ()  # event_type or sub_event_type names
    text: str = "all"
    everything: bool = field(default=False)

    def matches(self, incident: Incident, knowledge: Knowledge) -> bool:
        if self.places and not any(area.contains(incident.location) for area in self.places):
            return False
        if self.actors and not any(
            knowledge.actor_matches(wanted, actor.name)
            for wanted in self.actors
            for actor in incident.actors
        ):
            return False
        return not self.types or any(
            t in (incident.event_type, incident.sub_event_type) for t in self.types
        )


def parse_filter(text: str, knowledge: Knowledge) -> Filter:
    """Parse a filter; raises FilterError with a user-facing message and close names."""
    try:
        tokens = shlex.split(text.strip())
    except ValueError as exc:
        raise FilterError(f"cannot read the filter: {exc}") from exc
    if not tokens:
        raise FilterError("the filter is empty; try a place, an actor or 'all'")
    if [t.lower() for t in tokens] == ["all"]:
        return Filter(text="all", everything=True)
    places: list[Area] = []
    actors: list[str] = []
    types: list[str] = []
    i = 0
    while i < len(tokens):
        kind, sep, value = tokens[i].partition(":")
        if sep and kind.lower() in KINDS:
            if not value and i + 1 < len(tokens):
                i += 1
                value = tokens[i]
            _add_explicit(kind.lower(), value, knowledge, places, actors, types)
            i += 1
            continue
        length, resolved = _longest_bare(tokens, i, knowledge)
        kind_, item = resolved
        if kind_ == "place":
            assert isinstance(item, Area)
            places.append(item)
        elif kind_ == "actor":
            actors.append(str(item))
        else:
            types.append(str(item))
        i += length
    parts = [_term("region" if a.kind == "region" else "country", a.name) for a in places]
    parts += [_term("actor", a) for a in actors]
    parts += [_term("type", t) for t in types]
    return Filter(
        places=tuple(_unique(places)),
        actors=tuple(_unique(actors)),
        types=tuple(_unique(types)),
        text=" ".join(_unique(parts)),
    )


def _add_explicit(
    kind: str,
    value: str,
    knowledge: Knowledge,
    places: list[Area],
    actors: list[str],
    types: list[str],
) -> None:
    if not value:
        raise FilterError(f"'{kind}:' needs a value, e.g. {kind}:{_EXAMPLES[kind]}")
    if kind in ("region", "country"):
        area = knowledge.area(value)
        if area is None or (kind == "country" and area.kind != "country"):
            raise _unknown(kind, value, knowledge)
        places.append(area)
    elif kind == "actor":
        actor = knowledge.actor(value)
        if actor is None:
            raise _unknown(kind, value, knowledge)
        actors.append(actor)
    else:
        event_type = resolve_type(value)
        if event_type is None:
            raise FilterError(
                f"unknown type '{value}'; try one of: {', '.join(sorted(EVENT_TYPES))}",
                suggestions=[],
            )
        types.append(event_type)


def _longest_bare(
    tokens: list[str], start: int, knowledge: Knowledge
) -> tuple[int, tuple[str, Area | str]]:
    """Resolve the longest run of bare words from `start` ("Middle East", "Kata'ib Hezbollah")."""
    end = start
    while end < len(tokens) and ":" not in tokens[end]:
        end += 1
    for stop in range(end, start, -1):
        name = " ".join(tokens[start:stop])
        area = knowledge.area(name)
        if area is not None:
            return stop - start, ("place", area)
        actor = knowledge.actor(name)
        if actor is not None:
            return stop - start, ("actor", actor)
        event_type = resolve_type(name)
        if event_type is not None:
            return stop - start, ("type", event_type)
    raise _unknown(
        None, tokens[start] if end - start == 1 else " ".join(tokens[start:end]), knowledge
    )


def resolve_type(value: str) -> str | None:
    """An ACLED event or sub-event type (or a common alias) by name, case-insensitively."""
    return TYPE_ALIASES.get(" ".join(value.lower().split()))


def _unknown(kind: str | None, value: str, knowledge: Knowledge) -> FilterError:
    close = knowledge.suggest(value, limit=3)
    what = f"{kind} " if kind else "name "
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return FilterError(f"unknown {what}'{value}'{hint}", suggestions=close)


def _term(kind: str, value: str) -> str:
    return f'{kind}:"{value}"' if any(c.isspace() for c in value) else f"{kind}:{value}"


T = TypeVar("T")


def _unique(items: list[T]) -> list[T]:
    seen: list[T] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


_EXAMPLES = {"region": '"Middle East"', "country": "Syria", "actor": "Hezbollah", "type": "Battles"}


@lru_cache(maxsize=4096)
def _cached(text: str, knowledge: Knowledge) -> Filter:
    return parse_filter(text, knowledge)


def stored_filter(text: str, knowledge: Knowledge) -> Filter | None:
    """A stored (canonical) filter, parsed once; None if the tables no longer know a name."""
    try:
        return _cached(text, knowledge)
    except FilterError:
        return None
