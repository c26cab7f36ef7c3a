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
class Scene:
    """What an incident's place and whole text tell about its sides."""

    state: Party | None = None  # the state forces of the incident's country
    opponent: Party | None = None  # the state at war with that country
    article: tuple[Party, ...] = ()  # every actor the text names


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
        self.armed_sides = frozenset(config.get("armed_sides") or ())
        self.enemy_fire = frozenset(config.get("enemy_fire") or ())
        self.interceptions = frozenset(config.get("interceptions") or ())
        self.enemy_sides = frozenset(config.get("enemy_sides") or ())
        self.fixed = self._sides(config.get("fixed"))
        self.defaults = self._sides(config.get("defaults"))
        self.victim_kinds = frozenset(config.get("victim_kinds") or ())
        self.crowd_kinds = frozenset(config.get("crowd_kinds") or ())
        self.armed_kinds = frozenset(config.get("armed_kinds") or ())
        self._passive_kinds = self.victim_kinds | self.crowd_kinds  # acted upon, not acting
        self.generic = generic
        self._kinds = kinds

    @staticmethod
    def _sides(table: dict[str, Any] | None) -> dict[str, tuple[str | None, str | None]]:
        return {sub: (row.get("actor1"), row.get("actor2")) for sub, row in (table or {}).items()}

    def _named(self, name: str) -> Party:
        country, kind = self._kinds.get(name, (None, "militia"))
        return Party(name, country, kind)

    def settle(self, sub_event_type: str, actor1: Party | None, actor2: Party | None,
               mentioned: list[Party], scene: Scene) -> list[tuple[Party, str]]:
        """(party, role) pairs for an incident of `sub_event_type`.

        `actor1`/`actor2` are what word order proposed, `mentioned` every actor its sentences
        name (in order), `scene` what its place and whole text add."""
        state = scene.state
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
            victim = next((p for p in mentioned if p.kind in self.victim_kinds), None)
            if actor1 is None and actor2 is not None and victim is not None \
                    and actor2.kind not in self._passive_kinds:
                # "Shelling by the paramilitary RSF ... killed 14 civilians": the only armed
                # party of a text that names victims is who acted, whatever the word order.
                actor1, actor2 = actor2, victim
        first = self._want(want1, actor1, mentioned, state)
        default1, default2 = self.defaults.get(sub_event_type, (None, None))
        if first is None and default1 is not None:
            first = self._named(default1)
        first = self._specific(first, actor2, mentioned, scene.article)
        if sub_event_type in self.armed_sides and actor2 is not None \
                and actor2.kind in self._passive_kinds:
            actor2 = None
        if actor2 is None and want2 is None and not crowd_type:
            # The other side is often named in another clause: "after fighting with the army".
            unwanted = self._passive_kinds if sub_event_type in self.armed_sides \
                else self.crowd_kinds
            actor2 = next((p for p in mentioned if p != first and p.name != (
                first.name if first else None) and p.kind not in unwanted), None)
        second = self._want(want2, actor2, mentioned, state)
        if sub_event_type in self.single:
            second = None
        if second is None and default2 is not None:
            second = self._named(default2)
        first, second = self._at_war(sub_event_type, first, second, scene)
        second = self._specific(second, first, mentioned, scene.article)
        if second is not None and second.name in self.generic and first is not None \
                and first.kind in self.armed_kinds and first.name not in self.generic:
            # "Boko Haram ... the bomber": a generic attacker beside a named group is that
            # group; the other side is whoever else the sentences name.
            second = next((p for p in mentioned if p != first and p.name not in self.generic
                           and p.kind not in self.crowd_kinds), None)
        out = [(first, "actor1")] if first is not None else []
        if second is not None and second != first:
            out.append((second, "actor2"))
        return out

    def _at_war(self, sub_event_type: str, first: Party | None, second: Party | None,
                scene: Scene) -> tuple[Party | None, Party | None]:
        """In a country at war, ground fighting the text gives one side of is against the
        other state; unattributed fire came from the enemy; the defender of an interception
        is the side acted upon."""
        enemy, state = scene.opponent, scene.state
        if enemy is None or state is None:
            return first, second
        if sub_event_type in self.enemy_sides and first is not None and second is None:
            # "Ukrainian forces retook the village": from Russia.
            sides = {enemy.name: state, state.name: enemy}
            return first, sides.get(first.name)
        if sub_event_type not in self.enemy_fire:
            return first, second
        defender = first is not None and state is not None and first.kind == STATE \
            and first.country == state.country
        intercepted = sub_event_type in self.interceptions
        if first is None:
            if second is not None and second.name == enemy.name:  # "Ukrainian drones downed"
                second = None
            return enemy, state if intercepted and second is None else second
        if defender and intercepted:
            return enemy, first
        return first, second

    def _specific(self, party: Party | None, other: Party | None, mentioned: list[Party],
                  article: tuple[Party, ...]) -> Party | None:
        """A generic actor ("gunmen", "militants") stands for the armed group the incident's
        sentences name ("nine militants were killed" after "it fell to al-Shabaab"), else for
        the only one the whole text names ("Police blamed al-Shabaab")."""
        if party is None or party.name not in self.generic:
            return party
        named = [p for p in mentioned if p.kind in self.armed_kinds and p != other
                 and p.name not in self.generic]
        if named:
            return named[0]
        groups = {p.name: p for p in article if p.kind in self.armed_kinds
                  and p.name not in self.generic}
        only = next(iter(groups.values())) if len(groups) == 1 else None
        return only if only is not None and only != other else party

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
