"""From sentences to incidents: each sentence is read once, then sentences are grouped.

Each sentence is analysed on its own (triggers, actors, places, casualties, dates); a sentence
with an event trigger either continues the incident before it (same place, same attacker, no
other date) or starts a new one. A sentence without a trigger right after an incident can still
lend it a casualty count or a more precise place. The rules themselves are data in config/.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from importlib.resources import files
from typing import Any

import yaml
from spacy.tokens import Doc

from extraction.actors import PLACEHOLDER, ActorFinder, ActorMention
from extraction.casualties import Casualties, CasualtyReader
from extraction.dates import DateMention, find_dates, is_history
from extraction.knowledge import Knowledge
from extraction.model import Actor, Incident, Location
from extraction.names import name_key
from extraction.places import PlaceFinder, PlaceMention, context_countries, locative
from extraction.taxonomy import GENERIC, Taxonomy, Trigger
from extraction.text import Sentence

AGENT_WORDS = frozenset({"by"})
NEAR_WORDS = 12  # an actor further than this from the trigger is not a party to it
VIOLENT = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians"})
LIST_WORDS = frozenset({"and", "or", "as", "well"})


def _config_text(path: str) -> str:
    return files("config").joinpath(*path.split("/")).read_text(encoding="utf-8")


def _yaml(path: str) -> Any:
    return yaml.load(_config_text(path), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _jsonl(path: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in _config_text(path).splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


@dataclass
class _Reading:
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

    # Counts and dates are read only for the sentences an incident uses.
    @cached_property
    def casualties(self) -> Casualties:
        return self.reader.read(self.masked)

    @cached_property
    def dates(self) -> list[DateMention]:
        return find_dates(self.sent.norm, self.published, self.sent.starts)

    @property
    def place(self) -> PlaceMention | None:
        """The most specific place the sentence names, preferring ones after "in"/"near"."""
        resolved = [m for m in self.places if m.place is not None]
        if not resolved:
            return None
        return max(resolved, key=lambda m: (m.locative, m.place.rank if m.place else 0,
                                            -m.first))

    @property
    def event_date(self) -> date | None:
        for kind in ("event", "report"):
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
class _Group:
    """Sentences that report one incident."""

    readings: list[_Reading] = field(default_factory=list)
    sub_event_type: str = GENERIC
    trigger: Trigger | None = None
    place: PlaceMention | None = None
    killed: int | None = None
    injured: int | None = None
    day: date | None = None  # the day the text gives for the event
    reported: date | None = None  # else the day it was reported

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


def _in_place_list(sent: Sentence, first: int) -> bool:
    """True for "Syria" in "in Syria" and in "in Iraq and Syria": a place, not a party."""
    words = sent.words
    k = first
    while k > 0 and not locative(sent, k):
        prev = words[k - 1]
        if prev.part not in LIST_WORDS and not prev.text[:1].isupper():
            return False
        k -= 1
    return locative(sent, k)


class IncidentReader:
    """The spaCy component that reads a document's sentences into `doc._.incidents`.

    Its tables and rules (gazetteer, actors, triggers, traps, casualty and date patterns) are
    loaded once from config/; reading a document is then pure CPU work.
    """

    def __init__(self, knowledge: Knowledge, taxonomy: Taxonomy,
                 casualties: CasualtyReader) -> None:
        self.knowledge = knowledge
        self.taxonomy = taxonomy
        self.casualties = casualties
        self.actor_finder = ActorFinder(knowledge)

    @classmethod
    def load(cls, taxonomy: str, triggers: str, traps: str, modality: str,
             casualties: str) -> IncidentReader:
        """A reader from the named files in config/ (paths relative to it)."""
        rules = Taxonomy(_yaml(taxonomy), _jsonl(triggers), _jsonl(traps), _jsonl(modality))
        return cls(Knowledge.load(), rules, CasualtyReader(_yaml(casualties)))

    def __call__(self, doc: Doc) -> Doc:
        body = [Sentence.make(s.text.strip(), i) for i, s in enumerate(doc.sents)
                if s.text.strip()]
        doc._.incidents = self.read(body, published=doc._.published, title=doc._.title)
        return doc

    def vetoed(self, text: str, title: str | None) -> bool:
        """Opinion pieces, reviews and the like report no incident, whatever they mention."""
        return self.taxonomy.article_vetoed(text) or bool(
            title and self.taxonomy.article_vetoed(title)
        )

    def read(self, body: list[Sentence], *, published: date | None,
             title: str | None) -> list[Incident]:
        """The incidents the sentences report, the article's lead incident first."""
        title_sent = Sentence.make(title, -1) if title else None
        found = [self._trigger(s) for s in body]
        title_found = self._trigger(title_sent) if title_sent else None
        if all(t is None for t, _ in [*found, *([title_found] if title_found else [])]):
            return []  # nothing happened: skip actors and places
        finder = PlaceFinder(self.knowledge.gazetteer)
        readings = [self._read(s, t, finder, published) for s, t in zip(body, found, strict=True)]
        head = None
        if title_sent is not None and title_found is not None:  # the title names places too
            head = self._read(title_sent, title_found, finder, published)
        every = [*([head] if head else []), *readings]
        context = context_countries([m for r in every for m in r.places],
                                    [cc for r in every for cc in self._actor_countries(r)])
        for r in every:
            finder.resolve(r.places, context)
            self._settle_type(r)
        groups = self._group(readings, context)
        if not groups and head is not None and head.trigger is not None:
            groups = self._group([head], context)
        groups.sort(key=lambda g: g.readings[0].sent.index)  # the lead story first
        incidents = [self._incident(g, context, published) for g in groups]
        return [i for i in incidents if i.location.country_code is not None]

    # -- one sentence -----------------------------------------------------------------------

    def _trigger(self, sent: Sentence) -> tuple[Trigger | None, str]:
        """The sentence's telling trigger (None if it reports nothing) and its masked text."""
        tax = self.taxonomy
        masked = tax.mask(sent.low, sent.starts)
        trigger = None
        if not tax.sentence_vetoed(sent.low, sent.starts):
            for t in tax.triggers(masked, sent.starts):
                if tax.blocked(masked, t) is None:
                    trigger = t if trigger is None else tax.better(trigger, t)
        return trigger, masked

    def _read(self, sent: Sentence, found_trigger: tuple[Trigger | None, str],
              finder: PlaceFinder, published: date | None) -> _Reading:
        trigger, masked = found_trigger
        found = self.actor_finder.find(sent)
        # A bare country name is a place unless it is the one acting or acted upon.
        named = [a for a in found if not self._country_name(sent, a)]
        places = finder.find(sent, {i for a in named for i in a.span})
        actors = [a for a in found if not self._speaker(sent, a)
                  and not (self._country_name(sent, a) and _in_place_list(sent, a.first))]
        return _Reading(sent, trigger, actors, places, masked, published, self.casualties)

    @staticmethod
    def _actor_countries(r: _Reading) -> list[str]:
        """Countries the sentence's actors belong to ("Nigerian troops", "Arakan Army"), for
        telling which country an article is about; country names count as places already."""
        named = {i for m in r.places for i in range(m.first, m.last + 1)}
        return [a.country for a in r.actors if a.country and a.first not in named]

    def _country_name(self, sent: Sentence, actor: ActorMention) -> bool:
        if actor.kind != "state":
            return False
        surface = sent.text[sent.words[actor.first].start:sent.words[actor.last].end]
        return any(p.kind == "country" for p in self.knowledge.gazetteer.lookup(name_key(surface)))

    def _speaker(self, sent: Sentence, actor: ActorMention) -> bool:
        """"Pentagon spokesman", "the army said": a source of the report, not a party."""
        nxt = actor.last + 1
        words = sent.words
        if nxt < len(words) and words[nxt].part in self.knowledge.forms.speaker_nouns:
            return True
        back = [w.part for w in words[max(0, actor.first - 2):actor.first]]
        return "according" in back or (back[-1:] == ["to"] and "according" in back)

    def _settle_type(self, r: _Reading) -> None:
        """The sentence's sub-event type and who acted on whom."""
        if r.trigger is None:
            return
        r.parties = self._parties(r)
        sub = r.trigger.sub_event_type
        if sub == GENERIC:
            # Who was hit stands after the verb, or before it in the passive ("were shot").
            at = r.trigger.start
            behind = self._passive(r, next((i for i, w in enumerate(r.sent.words)
                                            if w.start >= at), len(r.sent.words)))
            targets = {w.part or "" for w in r.sent.words
                       if (w.end <= at if behind else w.start >= r.trigger.end)}
            kinds = {a.kind for a in r.parties[1]}
            sub = self.taxonomy.resolve_generic(r.trigger.text, targets, kinds)
        sub = self.taxonomy.refine(sub, r.sent.low)
        r.sub_event_type = None if self.taxonomy.type_vetoed(sub, r.sent.low) else sub

    def _parties(self, r: _Reading) -> tuple[list[ActorMention], list[ActorMention]]:
        """(actor1, actor2): "by X" names the attacker; else before the trigger acts on after."""
        assert r.trigger is not None
        words = r.sent.words
        at = next((i for i, w in enumerate(words) if w.start >= r.trigger.start), len(words))
        near = [a for a in r.actors if abs((a.first if a.first >= at else a.last) - at)
                <= NEAR_WORDS]
        agents = [a for a in near if (a.first > 0 and words[a.first - 1].part in AGENT_WORDS)
                  or (a.first > 1 and words[a.first - 2].part in AGENT_WORDS
                  and words[a.first - 1].part in ("the", "pro", "suspected"))]
        if agents:
            first = agents[:1]
            return first, [a for a in near if a is not first[0] and a.name != first[0].name]
        passive = self._passive(r, at)
        before = [a for a in near if a.last < at]
        after = [a for a in near if a.first >= at]
        if passive:
            return after[:1], before[-1:]
        return before[-1:], after[:1]

    @staticmethod
    def _passive(r: _Reading, at: int) -> bool:
        """"were attacked", "came under fire", "suffered injuries": the subject was hit."""
        words = r.sent.words
        back = {w.part for w in words[max(0, at - 3):at]}
        return bool(back & {"were", "was", "been", "be", "suffered", "under", "sustained"})

    # -- sentences into incidents -----------------------------------------------------------

    def _group(self, readings: list[_Reading], context: Counter[str]) -> list[_Group]:
        groups: list[_Group] = []
        current: _Group | None = None
        for r in readings:
            if r.trigger is not None and r.sub_event_type is not None \
                    and not is_history(r.dates, r.published):
                target = self._continued(groups, current, r)
                if target is None:
                    target = _Group()
                    groups.append(target)
                self._add(target, r)
                current = target
            elif current is not None and r.sent.index == current.last_index + 1:
                self._lend(current, r)
        return groups

    def _continued(self, groups: list[_Group], current: _Group | None,
                   r: _Reading) -> _Group | None:
        """The incident a triggered sentence goes on about: the one just before it, or an
        earlier one of the same type in the same country ("its strikes in eastern Syria")."""
        if current is not None and self._continues(current, r, strict=False):
            return current
        for g in reversed(groups):
            if g is not current and self._continues(g, r, strict=True):
                return g
        return None

    def _continues(self, g: _Group, r: _Reading, *, strict: bool) -> bool:
        assert r.sub_event_type is not None
        countries = {m.place.cc for m in r.places if m.place is not None}
        if countries and g.country is not None and g.country not in countries:
            return False
        place, there = r.place, g.place
        if place is not None and place.place is not None and there is not None \
                and there.place is not None and place.place.kind == "place" \
                and there.place.kind == "place" and place.place.id != there.place.id:
            return False
        if r.attacker and g.attacker and r.attacker != g.attacker:
            return False
        day = r.stated_day
        if day is not None and g.day is not None and day != g.day:
            return False
        if r.sub_event_type != g.sub_event_type and self.taxonomy.new_item(r.sent.text):
            return False  # "Same day: IED struck ..." opens a bulletin's next item
        if strict:
            return bool(countries) and g.country in countries \
                and r.sub_event_type == g.sub_event_type
        event = self.taxonomy.event_type
        mine, ours = event(r.sub_event_type), event(g.sub_event_type)
        return mine == ours or (mine in VIOLENT and ours in VIOLENT)

    def _add(self, g: _Group, r: _Reading) -> None:
        assert r.trigger is not None and r.sub_event_type is not None
        if g.trigger is None:
            g.trigger, g.sub_event_type = r.trigger, r.sub_event_type
        else:
            mine = Trigger(r.trigger.start, r.trigger.end, r.trigger.text, r.sub_event_type,
                           r.trigger.strength)
            ours = Trigger(g.trigger.start, g.trigger.end, g.trigger.text, g.sub_event_type,
                           g.trigger.strength)
            if self.taxonomy.better(ours, mine) is mine:
                g.trigger, g.sub_event_type = r.trigger, r.sub_event_type
        g.readings.append(r)
        self._lend(g, r, evidence=False)

    @staticmethod
    def _lend(g: _Group, r: _Reading, *, evidence: bool = True) -> None:
        """Fill what the group lacks from a sentence: counts, a closer place, a date."""
        useful = False
        c = r.casualties
        if c.killed is not None and (g.killed is None or c.killed > g.killed):
            g.killed, useful = c.killed, True
        if c.injured is not None and (g.injured is None or c.injured > g.injured):
            g.injured, useful = c.injured, True
        place = r.place
        if place is not None and place.place is not None:
            closer = g.place is not None and g.place.place is not None \
                and place.place.cc == g.country and place.place.rank > g.place.place.rank
            if g.place is None or g.place.place is None or closer:
                g.place, useful = place, True
        if g.day is None and r.stated_day is not None:
            g.day = r.stated_day
        if g.reported is None and r.event_date is not None:
            g.reported = r.event_date
        if evidence and useful:
            g.readings.append(r)

    # -- incidents --------------------------------------------------------------------------

    def _incident(self, g: _Group, context: Counter[str], published: date | None) -> Incident:
        location = self._location(g, context)
        actors = self._actors(g, location)
        evidence = [r.sent.text for r in g.readings]
        specific = g.trigger is not None and g.trigger.strength >= 3
        confidence = 0.5 + 0.2 * specific + 0.15 * (location.precision != "country") \
            + 0.1 * bool(actors) + 0.05 * (g.killed is not None or g.injured is not None)
        day = g.day or g.reported or published
        return Incident(
            event_type=self.taxonomy.event_type(g.sub_event_type),
            sub_event_type=g.sub_event_type,
            actors=actors,
            location=location,
            killed=g.killed,
            injured=g.injured,
            date=day.isoformat() if day else None,
            summary=evidence[0],
            evidence=evidence,
            confidence=round(min(confidence, 1.0), 2),
        )

    def _location(self, g: _Group, context: Counter[str]) -> Location:
        gaz = self.knowledge.gazetteer
        if g.place is not None and g.place.place is not None:
            return gaz.location(g.place.place)
        if context:
            iso3 = context.most_common(1)[0][0]
            country = gaz.country(iso3)
            if country is not None:
                return gaz.location(country)
        return Location()

    def _actors(self, g: _Group, location: Location) -> list[Actor]:
        out: list[Actor] = []
        seen: set[str] = set()
        for role_index, role in ((0, "actor1"), (1, "actor2")):
            for r in g.readings:
                for a in r.parties[role_index]:
                    name, country = a.name, a.country
                    if name == PLACEHOLDER:
                        country = location.country_code
                        name = self.knowledge.gazetteer.country_name(country) or ""
                    if name and name not in seen:
                        seen.add(name)
                        out.append(Actor(name, role, country))  # type: ignore[arg-type]
                        break
                else:
                    continue
                break
        return out
