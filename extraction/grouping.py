"""Sentences into incidents: which sentences report the same event.

Each sentence is first read on its own (`Reading`: its trigger, type, parties, places, counts and
dates). A sentence with a trigger either continues the incident before it (same place, same
attacker, no other date, a kindred type) or an earlier one of the same type in the same country,
or it starts a new one; a sentence that lists towns ("in Lagos and Abuja") or reports a second
event ACLED codes apart starts one incident for each. A sentence without a trigger right after an
incident can still lend it a casualty count, a more precise place or a date.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property

from extraction.actors import PLACEHOLDER, ActorMention
from extraction.casualties import Casualties, CasualtyReader
from extraction.dates import DateMention, find_dates, is_history
from extraction.places import PlaceMention
from extraction.taxonomy import GENERIC, Taxonomy, Trigger
from extraction.text import Sentence

LIST_WORDS = frozenset({"and", "or", "as", "well"})
UNIT_NOUNS = frozenset({"governorates", "oblasts", "districts", "provinces", "states", "regions",
                        "counties", "departments", "prefectures", "territories", "regencies"})
SPAN_WORDS = frozenset({"between", "from"})  # "between Kirkuk and Hawija" is one stretch


@dataclass
class Reading:
    """What one sentence says, before sentences are grouped into incidents."""

    sent: Sentence
    trigger: Trigger | None
    actors: list[ActorMention]
    places: list[PlaceMention]
    masked: str
    published: date | None
    reader: CasualtyReader
    sub_event_type: str | None = None
    parties: tuple[list[ActorMention], list[ActorMention]] = ([], [])
    kinds: frozenset[str] = frozenset()  # the types of all the sentence's triggers
    vetoed: bool = False  # a trap rules the sentence out: it lends nothing
    also: str | None = None  # a second event the sentence reports, coded apart
    uncounted: bool = False  # the sentence's counts belong to its other event
    at: PlaceMention | None = None  # the one town of a list this copy of the sentence is about

    # Counts and dates are read only for the sentences an incident uses.
    @cached_property
    def casualties(self) -> Casualties:
        return Casualties() if self.uncounted else self.reader.read(self.masked)

    @cached_property
    def dates(self) -> list[DateMention]:
        return find_dates(self.sent.norm, self.published, self.sent.starts)

    @property
    def place(self) -> PlaceMention | None:
        """The most specific place the sentence names, preferring ones after "in"/"near"."""
        if self.at is not None:
            return self.at
        resolved = [m for m in self.places if m.place is not None and not m.aside]
        if len(resolved) < 2:
            return resolved[0] if resolved else None
        # A dateline ("BANGKOK, March 29 -") says where the reporter was, the last resort; a
        # bulletin item's heading ("SITTWE: ...") gives way to a town its sentence names, and
        # a town named for its district ("in Beni territory") to a village.
        village = any(m.settlement for m in resolved)
        town = any(m.place.kind == "place" and not m.heading for m in resolved if m.place)
        return max(resolved, key=lambda m: (not dateline(m),
                                            m.locative or (m.heading and not town),
                                            m.place.rank if m.place else 0, not m.heading,
                                            not m.owns, not (village and m.unit),
                                            not m.reference, not m.vague, -m.first))

    @property
    def event_date(self) -> date | None:
        for kind in ("event", "report", "filed"):
            for d in self.dates:
                if d.kind == kind and d.value is not None:
                    return d.value
        return None

    @property
    def stated_day(self) -> date | None:
        """The day the sentence says the event happened (not when it was reported)."""
        return next((d.value for d in self.dates if d.kind == "event" and d.value), None)

    @property
    def attacker(self) -> str | None:
        named = [a.name for a in self.parties[0] if a.name != PLACEHOLDER]
        return named[0] if named else None


@dataclass
class Group:
    """Sentences that report one incident."""

    readings: list[Reading] = field(default_factory=list)
    sub_event_type: str = GENERIC
    trigger: Trigger | None = None
    place: PlaceMention | None = None
    killed: int | None = None
    injured: int | None = None
    day: date | None = None  # the day the text gives for the event
    reported: date | None = None  # else the day it was reported
    nearby: list[Reading] = field(default_factory=list)  # the sentence after, for blame

    @property
    def last_index(self) -> int:
        return self.readings[-1].sent.index

    @property
    def country(self) -> str | None:
        return self.place.place.cc if self.place and self.place.place else None

    @property
    def attacker(self) -> str | None:
        for r in self.readings:
            if r.attacker:
                return r.attacker
        return None


def _towns(r: Reading) -> list[PlaceMention]:
    """"in the towns of Lalibela and Gondar", "In Lagos and Abuja": ACLED codes an event in
    each town of a list, so each gets an incident. Not "between X and Y" (a road), "X, Y"
    (a town and the place around it) or "X and Y provinces"."""
    words = r.sent.words
    towns = [m for m in r.places if m.place is not None and m.place.kind == "place"]
    run: list[PlaceMention] = []
    joined = False
    for m in towns:
        between = [w.part for w in words[run[-1].last + 1:m.first]] if run else []
        if run and set(between) <= LIST_WORDS and _same_country(run[-1], m) \
                and not joined:
            run.append(m)
            joined = bool(between)
            continue
        if len(run) > 1:
            break
        run = [m] if m.locative and (m.first == 0 or words[m.first - 1].part
                                     not in SPAN_WORDS) else []
    after = words[run[-1].last + 1].part if run and run[-1].last + 1 < len(words) else None
    if len(run) < 2 or not joined or run[-1].admin_hint or after in UNIT_NOUNS:
        return []
    return run


def _town_owner(groups: list[Group], r: Reading) -> Group | None:
    """The incident in the town an untriggered sentence names ("The toll in Gazipur rose to
    nine" after a second incident elsewhere), when one is there."""
    place = r.place
    if place is None or place.place is None or place.place.kind != "place":
        return None
    return next((g for g in reversed(groups) if g.place is not None and g.place.place is not None
                 and g.place.place.id == place.place.id), None)


def _same_country(a: PlaceMention, b: PlaceMention) -> bool:
    return a.place is not None and b.place is not None and a.place.cc == b.place.cc \
        and a.place.id != b.place.id


def dateline(m: PlaceMention) -> bool:
    return m.sentence == 0 and m.first == 0 and m.surface.isupper() and len(m.surface) > 3


class Grouper:
    """Groups a document's sentence readings into incidents, by the taxonomy's kinship rules."""

    def __init__(self, taxonomy: Taxonomy, generic: frozenset[str] = frozenset()) -> None:
        self.taxonomy = taxonomy
        self.generic = generic  # actors that name no one ("gunmen", "the assailants")

    def group(self, readings: list[Reading]) -> list[Group]:
        """The incidents the triggered sentences report, in the order they start."""
        groups: list[Group] = []
        current: Group | None = None
        for r in readings:
            if r.trigger is not None and r.sub_event_type is not None \
                    and not is_history(r.dates, r.published):
                target = self._continued(groups, current, r)
                if target is None:
                    target = Group()
                    groups.append(target)
                self._add(target, r)
                current = target
                copies = [replace(r, at=m, uncounted=True, also=None) for m in _towns(r)[1:]]
                if r.also is not None:
                    copies.append(replace(r, sub_event_type=r.also, also=None, uncounted=True))
                for other in copies:
                    groups.append(Group())
                    self._add(groups[-1], other)
            elif current is not None and r.sent.index == current.last_index + 1 \
                    and not r.vetoed:
                owner = _town_owner(groups, r) or current
                self._lend(owner, r)
                owner.nearby.append(r)
            elif current is not None and len(groups) == 1 and current.killed is None \
                    and r.trigger is None and not r.vetoed and r.casualties.killed is not None:
                # A lone incident's toll may come a few sentences later ("Officials later
                # said 12 people died").
                self._lend(current, r)
        return groups

    def _continued(self, groups: list[Group], current: Group | None,
                   r: Reading) -> Group | None:
        """The incident a triggered sentence goes on about: the one just before it, or an
        earlier one of the same type in the same country ("its strikes in eastern Syria")."""
        if current is not None and self._continues(current, r, strict=False):
            return current
        for g in reversed(groups):
            if g is not current and self._continues(g, r, strict=True):
                return g
        return None

    def _continues(self, g: Group, r: Reading, *, strict: bool) -> bool:
        assert r.sub_event_type is not None and r.trigger is not None
        countries = {m.place.cc for m in r.places if m.place is not None}
        if countries and g.country is not None and g.country not in countries:
            return False
        # "27 people were killed", "the death toll rose to 84 on Tuesday": a bare count
        # right after an incident is its toll, whatever day it was reported.
        toll = not strict and r.trigger.strength <= 1 and r.trigger.sub_event_type == GENERIC \
            and r.attacker is None and bool(r.casualties.killed or r.casualties.injured)
        place, there = r.place, g.place
        if place is not None and place.place is not None and there is not None \
                and there.place is not None and place.place.kind == "place" \
                and there.place.kind == "place" and place.place.id != there.place.id \
                and not self._spans_towns(g, r, toll):
            return False
        if r.attacker and g.attacker and r.attacker != g.attacker \
                and not {r.attacker, g.attacker} & self.generic:
            return False  # ("the assailants" go on about the group named before them)
        if toll:
            return True
        day = r.stated_day
        if day is not None and g.day is not None and day != g.day:
            return False
        if r.sub_event_type != g.sub_event_type and self.taxonomy.new_item(r.sent.text):
            return False  # "Same day: IED struck ..." opens a bulletin's next item
        if strict:
            return bool(countries) and g.country in countries \
                and r.sub_event_type == g.sub_event_type
        return self.taxonomy.kin(r.sub_event_type, g.sub_event_type)

    def _spans_towns(self, g: Group, r: Reading, toll: bool) -> bool:
        """A quake or a flood strikes several towns: its toll, and what the next sentences say
        of it elsewhere ("The epicentre was near Sagaing"), are one incident unless a
        bulletin's label opens a new item."""
        if g.sub_event_type not in self.taxonomy.spans_towns:
            return False
        return toll or (r.sub_event_type == g.sub_event_type
                        and not self.taxonomy.new_item(r.sent.text))

    def _add(self, g: Group, r: Reading) -> None:
        assert r.trigger is not None and r.sub_event_type is not None
        if g.trigger is None:
            g.trigger, g.sub_event_type = r.trigger, r.sub_event_type
        elif self._named_kinds(g, r):
            if self.taxonomy.rank[r.sub_event_type] < self.taxonomy.rank[g.sub_event_type]:
                g.trigger, g.sub_event_type = r.trigger, r.sub_event_type
        else:
            mine = replace(r.trigger, sub_event_type=r.sub_event_type)
            ours = replace(g.trigger, sub_event_type=g.sub_event_type)
            if self.taxonomy.better(ours, mine) is mine:
                g.trigger, g.sub_event_type = r.trigger, r.sub_event_type
        g.readings.append(r)
        self._lend(g, r, evidence=False)

    def _named_kinds(self, g: Group, r: Reading) -> bool:
        """Two named kinds of one event type ("protesters gathered", then "police detained
        dozens at the protest"): precedence alone picks the type, the more specific one, however
        telling the words that announced the other."""
        assert g.trigger is not None and r.trigger is not None and r.sub_event_type is not None
        tax = self.taxonomy
        event = tax.event_type(r.sub_event_type)
        return GENERIC not in (g.trigger.sub_event_type, r.trigger.sub_event_type) \
            and event in tax.graded and event == tax.event_type(g.sub_event_type)

    @staticmethod
    def _lend(g: Group, r: Reading, *, evidence: bool = True) -> None:
        """Fill what the group lacks from a sentence: counts, a closer place, a date."""
        useful = False
        c = r.casualties
        if c.more and c.killed and g.killed:  # "two jawans also lost their lives"
            g.killed, useful = g.killed + c.killed, True
        elif c.killed is not None and (g.killed is None or c.killed > g.killed):
            g.killed, useful = c.killed, True
        if c.injured is not None and (g.injured is None or c.injured > g.injured):
            g.injured, useful = c.injured, True
        place = r.place
        if place is not None and place.heading and r.trigger is None:
            place = None  # "MARIB: No significant activity." heads the bulletin's next item
        if place is not None and place.place is not None:
            closer = g.place is not None and g.place.place is not None \
                and place.place.cc == g.country and place.place.rank > g.place.place.rank
            if g.place is None or g.place.place is None or closer:
                g.place, useful = place, True
        # ("The town fell to the rebels in 2023" is background, not the incident's day.)
        if not is_history(r.dates, r.published):
            if g.day is None and r.stated_day is not None:
                g.day = r.stated_day
            if g.reported is None and r.event_date is not None:
                g.reported = r.event_date
        if evidence and useful:
            g.readings.append(r)
