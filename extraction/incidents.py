"""From sentences to incidents: each sentence is read once, then sentences are grouped.

Each sentence is analysed on its own (triggers, type, actors and their roles, places); the
readings are then grouped into incidents (extraction/grouping.py), and each group becomes an
`Incident` with its place, actors, counts and date. The rules themselves are data in config/.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Any, NamedTuple

from spacy.tokens import Doc

from extraction.actors import PLACEHOLDER, ActorFinder, ActorMention
from extraction.casualties import CasualtyReader
from extraction.config_files import config_jsonl, config_yaml
from extraction.grouping import LIST_WORDS, Group, Grouper, Reading, dateline
from extraction.knowledge import Knowledge
from extraction.model import Actor, Incident, Location
from extraction.names import name_key
from extraction.places import PlaceFinder, context_countries, locative, within
from extraction.roles import Party, RoleConventions, Scene
from extraction.taxonomy import GENERIC, Taxonomy, Trigger
from extraction.text import Sentence

AGENT_WORDS = frozenset({"by"})
# "backed by X", "identified by X as": X is not who acted.
SPONSOR_WORDS = frozenset({"backed", "supported", "sponsored", "funded", "armed", "trained",
                           "aided", "helped", "assisted", "joined", "accompanied", "led",
                           "identified", "described", "named", "reported", "quoted", "cited"})
SOURCE_NOUNS = frozenset({"attack", "fire", "attacks", "shelling", "assault", "gunfire"})
# "attributed the killing to X", "blamed the attack on X": X acted.
BLAME_VERBS = frozenset({"attributed", "attributes", "attributing", "ascribed", "blamed",
                         "blames", "blaming"})
VICTIM_KINDS = frozenset({"civilians", "protesters"})
NEAR_WORDS = 12  # an actor further than this from the trigger is not a party to it
CLAIM_VERBS = frozenset({"said", "says", "claimed", "announced", "confirmed", "stated"})
CLAIM_SUBJECTS = frozenset({"it", "they", "its", "their"})
NUMBER_WORDS = frozenset({"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                          "eleven", "twelve", "dozens", "dozen", "scores", "hundreds", "several",
                          "many", "some", "least", "thousands", "fifteen", "twenty",
                          "thirty", "forty", "fifty", "one", "hundred"})


# What the pipeline carries on a document: its incidents, and the publication date, title and
# source text the caller noted.
for _name in ("incidents", "published", "title", "source"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def doc_text(doc: Doc) -> str:
    """`doc.text`, which the tokenizer keeps whole: the string the document was made from when
    the caller noted it (`doc._.source`), as joining every token again costs more."""
    source = doc._.source
    return source if isinstance(source, str) else doc.text


class _Found(NamedTuple):
    """What the trigger scan found in a sentence."""

    trigger: Trigger | None
    masked: str
    kinds: frozenset[str]  # sub-event types of every trigger, the telling one among them
    vetoed: bool = False  # a trap ("died of a heart attack") rules the sentence out


def _in_dateline(sent: Sentence, first: int) -> bool:
    """"PESHAWAR, Pakistan, Jan 31 -", "MEXICO CITY, ...", "SOMALIA / Bay - 12 Mar:": the
    country of a dateline or a bulletin's header is a place."""
    words = sent.words
    if sent.index != 0 or not words[0].text.isupper() or len(words[0].text) < 2:
        return False
    if words[first].text.isupper() and all(w.text.isupper() for w in words[:first]):
        return True
    return 0 < first <= 3 and sent.text[words[first - 1].end:words[first].start] == ", "


def _counted(sent: Sentence, first: int) -> bool:
    """True for people a number counts ("nine villagers", "14 VDP", "two of the soldiers"):
    in news, counted people are the casualties."""
    words = sent.words
    k = first - 1
    if k >= 2 and words[k].part == "the" and words[k - 1].part == "of":
        k -= 2
    return k >= 0 and (words[k].text[:1].isdigit() or words[k].part in NUMBER_WORDS)


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


_LATER = re.compile(r"\b(?:have|has|had) since\b|\bsince then\b", re.IGNORECASE)
# A live blog's entry ("20:10 - Thousands are rallying ...") is news of the day it was posted,
# unless the blog heads its entries with their days ("(Monday) 17:50 - ...").
_TIMESTAMPED = re.compile(r"^\W{0,3}\d{1,2}[:.]\d{2}\b")
_DAY_HEADING = re.compile(
    r"^\W{0,3}\(?(?:mon|tues|wednes|thurs|fri|satur|sun)day\)?\s+\d{1,2}[:.]\d{2}\b", re.IGNORECASE)


def _inherit_days(groups: list[Group], body: list[Sentence]) -> None:
    """An incident whose sentences give no date ("Hours later, a truck bomb ...") happened
    when the one told before it did, not on the day of publication ("police have since
    arrested twelve" tells of a later day, and a live blog's entry of the day it was posted)."""
    before = None
    days_headed = any(_DAY_HEADING.match(s.text) for s in body)
    for g in groups:
        first = g.readings[0].sent.text
        if g.day is None and g.reported is None and not _LATER.search(first) \
                and (days_headed or not _TIMESTAMPED.match(first)):
            g.reported = before
        before = g.day or g.reported or before


class IncidentReader:
    """The spaCy component that reads a document's sentences into `doc._.incidents`.

    Its tables and rules (gazetteer, actors, triggers, traps, casualty and date patterns) are
    loaded once from config/; reading a document is then pure CPU work.
    """

    def __init__(self, knowledge: Knowledge, taxonomy: Taxonomy,
                 casualties: CasualtyReader, roles: RoleConventions) -> None:
        self.knowledge = knowledge
        self.taxonomy = taxonomy
        self.casualties = casualties
        self.actor_finder = ActorFinder(knowledge)
        self.roles = roles
        self.grouper = Grouper(taxonomy, roles.generic)

    @classmethod
    def load(cls, taxonomy: str, triggers: str, traps: str, modality: str,
             casualties: str) -> IncidentReader:
        """A reader from the named files in config/ (paths relative to it)."""
        config = config_yaml(taxonomy)
        rules = Taxonomy(config, config_jsonl(triggers), config_jsonl(traps),
                         config_jsonl(modality))
        knowledge = Knowledge.load()
        kinds = {name: (info.country, info.kind) for name, info in knowledge.actors.items()}
        generic = frozenset(n for n in knowledge.actors
                            if name_key(n) in knowledge.forms.generic_actors)
        roles = RoleConventions(config.get("roles") or {}, kinds, generic)
        return cls(knowledge, rules, CasualtyReader(config_yaml(casualties)), roles)

    def __call__(self, doc: Doc) -> Doc:
        # A span's text is the document's between its first and last characters: slicing the
        # text once made is cheaper than joining each sentence's tokens again.
        text = doc_text(doc)
        sents = [text[s.start_char:s.end_char].strip() for s in doc.sents]
        body = [Sentence.make(t, i) for i, t in enumerate(sents) if t]
        doc._.incidents = self.read(body, published=doc._.published, title=doc._.title)
        return doc

    def vetoed(self, text: str, title: str | None) -> bool:
        """Opinion pieces, reviews and the like report no incident, whatever they mention."""
        return self.taxonomy.article_vetoed(text) or bool(
            title and self.taxonomy.article_vetoed(title)
        )

    def names_an_event(self, text: str) -> bool:
        """Whether a trigger word of some incident occurs in the sentence, traps, vetoes and
        frames (history, denials, outlooks) aside: the sentences the rules must judge."""
        sent = Sentence.make(text, 0)
        return bool(self.taxonomy.triggers(sent.low, sent.starts))

    def read(self, body: list[Sentence], *, published: date | None,
             title: str | None) -> list[Incident]:
        """The incidents the sentences report, the article's lead incident first."""
        if any(self.taxonomy.lead_vetoed(lead) for lead in (title, body[0].text if body else None)
               if lead):
            return []
        title_sent = Sentence.make(title, -1) if title else None
        found = [self._trigger(s) for s in body]
        title_found = self._trigger(title_sent) if title_sent else None
        if all(f.trigger is None for f in found) and (title_found is None
                                                      or title_found.trigger is None):
            return []  # nothing happened: skip actors and places
        finder = PlaceFinder(self.knowledge.gazetteer)
        readings = [self._read(s, t, finder, published) for s, t in zip(body, found, strict=True)]
        head = None
        if title_sent is not None and title_found is not None:  # the title names places too
            head = self._read(title_sent, title_found, finder, published)
        every = [*([head] if head else []), *readings]
        context = context_countries([m for r in every for m in r.places],
                                    [cc for r in every for cc in self._actor_countries(r)],
                                    finder.peoples)
        finder.resolve_article([r.places for r in every], context)
        for r in every:
            self._settle_type(r)
        groups = self.grouper.group(readings)
        if not groups and head is not None and head.trigger is not None:
            groups = self.grouper.group([head])
        for g in groups:
            self._borrow_place(g, head, readings)
        groups.sort(key=lambda g: g.readings[0].sent.index)  # the lead story first
        _inherit_days(groups, body)
        named = self._most_specific([a for r in every for a in r.actors if a.name != PLACEHOLDER])
        incidents = [self._incident(g, context, published, finder, named) for g in groups]
        return [i for i in incidents if i.location.country_code is not None]

    # -- one sentence -----------------------------------------------------------------------

    def _trigger(self, sent: Sentence) -> _Found:
        """The sentence's telling trigger (None if it reports nothing) and its masked text."""
        tax = self.taxonomy
        masked = tax.mask(sent.low, sent.starts)
        trigger = None
        kinds: set[str] = set()
        vetoed = tax.sentence_vetoed(sent.low, sent.starts)
        found = [] if vetoed else tax.triggers(masked, sent.starts)
        if found and tax.sentence_frame(masked) is None:  # (history, a trend: none of them)
            for t in found:
                if tax.clause_frame(masked, t) is None:
                    trigger = t if trigger is None else tax.better(trigger, t)
                    kinds.add(t.sub_event_type)
        return _Found(trigger, masked, frozenset(kinds), vetoed)

    def _read(self, sent: Sentence, found_trigger: _Found, finder: PlaceFinder,
              published: date | None) -> Reading:
        trigger, masked, kinds, vetoed = found_trigger
        found = self.actor_finder.find(sent)
        # A bare country name is a place unless it is the one acting or acted upon.
        country = [self._country_name(sent, a) for a in found]
        named = [a for a, c in zip(found, country, strict=True) if not c]
        places = finder.find(sent, {i for a in named for i in a.span})
        actors = [a for a, c in zip(found, country, strict=True) if not self._speaker(sent, a)
                  and not (c and (_in_place_list(sent, a.first) or _in_dateline(sent, a.first)))]
        actors = self._heads(sent, actors)
        return Reading(sent, trigger, actors, places, masked, published, self.casualties,
                        kinds=kinds, vetoed=vetoed)

    @staticmethod
    def _actor_countries(r: Reading) -> list[str]:
        """Countries the sentence's actors belong to ("Nigerian troops", "Arakan Army"), for
        telling which country an article is about; country names count as places already."""
        named = {i for m in r.places for i in range(m.first, m.last + 1)}
        return [a.country for a in r.actors if a.country and a.first not in named]

    def _country_name(self, sent: Sentence, actor: ActorMention) -> bool:
        if actor.kind != "state":
            return False
        surface = sent.text[sent.words[actor.first].start:sent.words[actor.last].end]
        return self.knowledge.gazetteer.names_country(name_key(surface))

    def _heads(self, sent: Sentence, actors: list[ActorMention]) -> list[ActorMention]:
        """Drop mentions that only qualify the next one: "Sudan's paramilitary RSF" (a country
        before a named group), "rebels of the M23" (a generic word before a name)."""
        return [a for k, a in enumerate(actors)
                if k + 1 == len(actors) or not self._qualifies(sent, a, actors[k + 1])]

    def _qualifies(self, sent: Sentence, a: ActorMention, b: ActorMention) -> bool:
        if b.first - a.last > 3 or b.kind == "state":
            return False
        words, generic = sent.words, self.knowledge.forms.generic_actors
        if a.kind == "state" and self._country_name(sent, a):
            end = words[a.last].end
            return sent.text[end:end + 2] in ("'s", "’s")
        between = {w.part for w in words[a.last + 1:b.first]}
        return name_key(a.name) in generic and name_key(b.name) not in generic \
            and bool(between) and between <= {"of", "from", "the"}

    def _speaker(self, sent: Sentence, actor: ActorMention) -> bool:
        """"Pentagon spokesman", "the army said": a source of the report, not a party."""
        nxt = actor.last + 1
        words = sent.words
        if nxt < len(words) and words[nxt].part in self.knowledge.forms.speaker_nouns:
            # "the army said it had retaken...", "the Guards said they fired", "the SPLA-IO
            # said on Tuesday its fighters had captured": a claim.
            return not (words[nxt].part in CLAIM_VERBS and any(
                w.part in CLAIM_SUBJECTS for w in words[nxt + 1:nxt + 5]))
        if nxt + 1 < len(words) and (words[nxt].part == "and" or "&" in sent.text[
                words[actor.last].end:words[nxt].start]):
            # "PDF & rescue sources", "military and local sources": one of several sources.
            start = nxt + (words[nxt].part == "and")
            if any(w.part in self.knowledge.forms.speaker_nouns for w in words[start:start + 2]):
                return True
        back = [w.part for w in words[max(0, actor.first - 2):actor.first]]
        return "according" in back

    def _settle_type(self, r: Reading) -> None:
        """The sentence's sub-event type and who acted on whom."""
        if r.trigger is None:
            return
        words = r.sent.words
        at = next((i for i, w in enumerate(words) if w.start >= r.trigger.start), len(words))
        r.parties = self._parties(r, at)
        sub = r.trigger.sub_event_type
        if sub == GENERIC:
            # Who was hit stands after the verb, or before it in the passive ("were shot").
            start, end = r.trigger.start, r.trigger.end
            behind = self._passive(r, at)
            targets = {w.part or "" for w in words
                       if (w.end <= start if behind else w.start >= end)}
            kinds = {a.kind for a in r.parties[1]}
            sub = self.taxonomy.resolve_generic(r.trigger.text, targets, kinds)
        sub = self.taxonomy.refine(sub, r.masked)
        r.sub_event_type = None if self.taxonomy.type_vetoed(sub, r.sent.low) else sub
        partners = self.taxonomy.separate.get(sub or "")
        if partners:
            r.also = next((k for k in sorted(partners) if k in r.kinds), None)

    def _parties(self, r: Reading, at: int) -> tuple[list[ActorMention], list[ActorMention]]:
        """(actor1, actor2) around the trigger at word `at`: "by X" names the attacker; else the
        subject before the trigger acts on what follows it. Counted people ("nine villagers",
        "5 soldiers") were hit."""
        words = r.sent.words
        near = [a for a in r.actors if abs((a.first if a.first >= at else a.last) - at)
                <= NEAR_WORDS]
        agents = [a for a in near if self._agent(words, a.first)]
        # "two Russian missiles hit": a count before the actor is the weapon's when the actor
        # names whose the weapon the trigger opens with is; "2 FACA killed" counts people.
        weapons = self.knowledge.forms.state_force_nouns
        hit = [a for a in near if a.kind in VICTIM_KINDS or (_counted(r.sent, a.first) and not (
            a.last + 1 == at and at < len(words) and words[at].part in weapons))]
        if agents:
            first = agents[0]
            rest = [a for a in near if a is not first and a.name != first.name]
            rest.sort(key=lambda a: a not in hit)
            return [first], rest[:1]
        passive = self._passive(r, at)
        # "Israeli air strikes" acted, also when the trigger phrase opens with the state's name.
        before = [a for a in near if a.first < at or (a.first == at and a.kind == "state")]
        after = [a for a in near if a not in before]
        if passive:
            doers = [a for a in after if a not in hit]
            return doers[:1], before[-1:]
        doers = [a for a in before if a not in hit]
        targets = [a for a in after if a.name not in {d.name for d in doers[:1]}]
        targets += [a for a in before if a in hit]
        return doers[:1], targets[:1]

    @staticmethod
    def _agent(words: list[Any], first: int) -> bool:
        """"by X", "by the X", "under fire from X", "blamed the attack on X", but not
        "backed by X"."""
        for k in (first - 1, first - 2):
            if k >= 0 and words[k].part in ("to", "on") and any(
                    w.part in BLAME_VERBS for w in words[max(0, k - 8):k]):
                return k == first - 1 or words[first - 1].part == "the"
            if k < 0 or not (words[k].part in AGENT_WORDS or (
                    words[k].part == "from" and k > 0 and words[k - 1].part in SOURCE_NOUNS)):
                continue
            if k == first - 2 and words[first - 1].part not in ("the", "pro", "suspected"):
                return False
            return not (k > 0 and words[k - 1].part in SPONSOR_WORDS)
        return False

    @staticmethod
    def _passive(r: Reading, at: int) -> bool:
        """"were attacked", "came under fire", "suffered injuries": the subject was hit."""
        words = r.sent.words
        back = {w.part for w in words[max(0, at - 3):at]}
        return bool(back & {"were", "was", "been", "be", "suffered", "under", "sustained"})

    @staticmethod
    def _borrow_place(g: Group, head: Reading | None, readings: list[Reading]) -> None:
        """A town for an incident whose sentences name only a country or region: the one
        the title names ("Police disperse students in Tehran" over "Security forces dispersed
        the crowd"), else the last one named before it, within that country or region
        ("... in Kathmandu on Monday. On Tuesday protesters set fire to parliament"). A
        dateline says where the reporter was, not where things happened: it is not lent."""
        if g.place is not None and g.place.place is not None and g.place.place.kind == "place":
            return
        area = g.place.place if g.place is not None else None
        first = g.readings[0].sent.index
        earlier = [r.place for r in reversed(readings) if r.sent.index < first] if first >= 0 \
            else [r.place for r in readings]  # a title's incident: the town the story names
        for m in [head.place if head is not None else None, *earlier]:
            town = m.place if m is not None else None
            if m is not None and town is not None and town.kind == "place" \
                    and not dateline(m) and within(town, area):
                g.place = m
                return

    # -- incidents --------------------------------------------------------------------------

    def _incident(self, g: Group, context: Counter[str], published: date | None,
                  finder: PlaceFinder, named: tuple[Party, ...]) -> Incident:
        location = self._location(g, context, finder)
        actors = self._actors(g, location, named)
        evidence = [r.sent.text for r in g.readings]
        specific = g.trigger is not None and g.trigger.strength >= 3
        confidence = 0.5 + 0.2 * specific + 0.15 * (location.precision != "country") \
            + 0.1 * bool(actors) + 0.05 * (g.killed is not None or g.injured is not None)
        day = g.day or g.reported or published
        sub = g.sub_event_type
        cc = location.country_code
        acting = {a.country for a in actors if a.role == "actor1"}
        state = self.knowledge.gazetteer.country_name(cc) if cc else None
        if state and acting and cc not in acting and None not in acting and any(
                a.role == "actor2" and a.name == state for a in actors):
            sub = self.taxonomy.foreign_forces.get(sub, sub)  # against the country's own state
        return Incident(
            event_type=self.taxonomy.event_type(sub),
            sub_event_type=sub,
            actors=actors,
            location=location,
            killed=g.killed,
            injured=g.injured,
            date=day.isoformat() if day else None,
            summary=evidence[0],
            evidence=evidence,
            confidence=round(min(confidence, 1.0), 2),
        )

    def _location(self, g: Group, context: Counter[str], finder: PlaceFinder) -> Location:
        gaz = self.knowledge.gazetteer
        if g.place is not None and g.place.place is not None:
            return gaz.location(g.place.place)
        if context:
            # The article's country, in the region of it the article is about, if it names one.
            iso3 = context.most_common(1)[0][0]
            country = finder.region_at(iso3, g.readings[0].sent.index) or gaz.country(iso3)
            if country is not None:
                return gaz.location(country)
        return Location()

    def _most_specific(self, named: list[ActorMention]) -> tuple[Party, ...]:
        """The named actors less those another one belongs to: "JNIM, affiliated to
        al-Qaeda" names one group."""
        parties = {a.name: Party(a.name, a.country, a.kind) for a in named}
        parents = {p for name in parties for p in self.knowledge.ancestors(name)}
        return tuple(p for name, p in parties.items() if name not in parents)

    def _actors(self, g: Group, location: Location, named: tuple[Party, ...]) -> list[Actor]:
        """actor1 and actor2: the first each sentence proposes, settled by the conventions;
        `named`: the actors the whole text names."""
        cc = location.country_code
        forces = self.knowledge.forces_of(cc) if cc else None
        state_name = self.knowledge.gazetteer.country_name(forces)
        state = Party(state_name, forces, "state") if state_name else None

        def party(a: ActorMention) -> Party | None:
            if a.name == PLACEHOLDER:
                return state
            return Party(a.name, a.country, a.kind)

        proposed: list[Party | None] = [None, None]
        for role in (0, 1):
            for r in g.readings:
                found = [p for p in map(party, r.parties[role]) if p is not None
                         and p != proposed[0]]
                if found:
                    proposed[role] = found[0]
                    break
        mentioned = [p for r in [*g.readings, *g.nearby] for p in map(party, r.actors)
                     if p is not None]
        enemy = self.knowledge.opponent(cc)
        # An attacker the writer calls unknown stands for no group named elsewhere in the text.
        unknown = any(r.sent.words[a.first].part in self.knowledge.forms.unknown_words
                      for r in g.readings for a in r.parties[0])
        scene = Scene(state, Party(enemy, self.knowledge.actors[enemy].country, "state")
                      if enemy else None, () if unknown else named)
        settled = self.roles.settle(g.sub_event_type, proposed[0], proposed[1], mentioned, scene)
        actors: list[Actor] = []
        for p, side in settled:
            local = p.name if unknown and p.name in self.roles.generic \
                else self.knowledge.local_actor(p.name, cc)
            country = p.country if local == p.name else self.knowledge.actors[local].country
            if all(a.name != local for a in actors):
                actors.append(Actor(local, side, country))  # type: ignore[arg-type]
        return actors
