"""Who acted and who was acted upon, settled by ACLED's coding conventions.

The sentence readers propose an actor1 and an actor2 from word order; the conventions in
config/taxonomy.yaml (`roles`) then fix what the sub-event type implies: protesters march,
rioters riot, violence against civilians has civilians on the receiving end, disasters have no
actors at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

STATE = "state"  # in the conventions: the state forces of the incident's country
STATE_NAMED = "state named"  # the same, only when the text names them


@dataclass(frozen=True, slots=True)
class Party:
    """An actor as the incident will carry it: canonical name, country, kind."""

    name: str
    country: str | None
    kind: str


class RoleConventions:
    """The `roles` section of config/taxonomy.yaml."""

    def __init__(self, config: dict[str, Any], kinds: dict[str, tuple[str | None, str]],
                 generic: frozenset[str] = frozenset()) -> None:
        """`kinds`: canonical actor name -> (country, kind), for the names the rules use;
        `generic`: canonical actors named by a common noun ("gunmen", "militants")."""
        self.silent = frozenset(config.get("no_actors") or ())
        self.single = frozenset(config.get("actor1_only") or ())
        self.fixed: dict[str, tuple[str | None, str | None]] = {
            sub: (row.get("actor1"), row.get("actor2"))
            for sub, row in (config.get("fixed") or {}).items()
        }
        self.victim_kinds = frozenset(config.get("victim_kinds") or ())
        self.crowd_kinds = frozenset(config.get("crowd_kinds") or ())
        self.armed_kinds = frozenset(config.get("armed_kinds") or ())
        self._passive_kinds = self.victim_kinds | self.crowd_kinds  # acted upon, not acting
        self.generic = generic
        self._kinds = kinds

    def _named(self, name: str) -> Party:
        country, kind = self._kinds.get(name, (None, "militia"))
        return Party(name, country, kind)

    def settle(self, sub_event_type: str, actor1: Party | None, actor2: Party | None,
               mentioned: list[Party], state: Party | None) -> list[tuple[Party, str]]:
        """(party, role) pairs for an incident of `sub_event_type`.

        `actor1`/`actor2` are what word order proposed, `mentioned` every actor its sentences
        name (in order), `state` the incident country's state forces."""
        if sub_event_type in self.silent:
            return []
        want1, want2 = self.fixed.get(sub_event_type, (None, None))
        crowd_type = want1 is not None and want1 not in (STATE, STATE_NAMED) \
            and self._named(want1).kind in self.crowd_kinds
        if not crowd_type:
            # Outside protests and riots, victims and crowds do not act: they were acted upon.
            if actor1 is not None and actor1.kind in self._passive_kinds:
                actor1, actor2 = None, actor2 or actor1
            if actor1 is None:
                actor1 = next((p for p in mentioned if p != actor2
                               and p.kind not in self._passive_kinds), None)
        first = self._want(want1, actor1, mentioned, state)
        if first is not None and first.name in self.generic:
            first = next((p for p in mentioned if p.kind in self.armed_kinds and p != actor2
                          and p.name not in self.generic), first)
        if actor2 is None and want2 is None and not crowd_type:
            # The other side is often named in another clause: "after fighting with the army".
            actor2 = next((p for p in mentioned if p != first and p.name != (
                first.name if first else None) and p.kind not in self.crowd_kinds), None)
        second = self._want(want2, actor2, mentioned, state)
        if sub_event_type in self.single:
            second = None
        out = [(first, "actor1")] if first is not None else []
        if second is not None and second != first:
            out.append((second, "actor2"))
        return out

    def _want(self, wanted: str | None, proposed: Party | None, mentioned: list[Party],
              state: Party | None) -> Party | None:
        if wanted is None:
            return proposed
        if wanted in (STATE, STATE_NAMED):
            if proposed is not None and proposed.kind == STATE:
                return proposed
            named = next((p for p in mentioned if p.kind == STATE), None)
            return named if named is not None or wanted == STATE_NAMED else state
        return self._named(wanted)
