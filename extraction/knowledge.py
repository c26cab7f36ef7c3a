"""Place and actor tables: what the extractor matches against and what chat filters look up.

`Knowledge.load()` reads config/ only (no spaCy): the generated gazetteer, config/regions.yaml,
config/actors.jsonl and config/actor_forms.yaml.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

from extraction.config_files import config_jsonl, config_yaml
from extraction.gazetteer import Gazetteer, Place
from extraction.model import Location
from extraction.names import name_key

logger = logging.getLogger(__name__)

AreaKind = Literal["country", "region", "admin1"]
ADMIN_SUFFIXES = frozenset({"oblast", "province", "governorate", "region", "state", "krai",
                            "county", "prefecture", "department", "district", "division",
                            "city", "municipality", "territory", "republic", "raion"})
_PROXY_NAME = re.compile(r"^(?P<patron>.+)-backed (militias|groups|forces|fighters)$")
_POSSESSIVE = re.compile(r"['’]s\b")
_ARTICLE = re.compile(r"^(?:an?|the) (?=\S)", re.IGNORECASE)
# ACLED writes actors as "ABBR: Full name" or "Full name (ABBR)", a few "Name - Other name".
_TWO_NAMES = re.compile(r"^(?P<first>[^:]+?)(?::| [-–—]) +(?P<second>.+)$")
_BRACKETED = re.compile(r"^(?P<name>[^()]+?) *\((?P<inner>[^()]+)\)$")


@dataclass(frozen=True)
class Area:
    """A place a subscriber can filter on: a country, a region or an admin1 unit."""

    kind: AreaKind
    name: str
    countries: frozenset[str]
    admin1: frozenset[tuple[str, str]]

    def contains(self, location: Location) -> bool:
        cc = location.country_code
        if cc is None:
            return False
        return cc in self.countries or (cc, location.admin1 or "") in self.admin1


@dataclass(frozen=True, slots=True)
class ActorInfo:
    """A canonical actor: its country (ISO3), kind (state, rebel, militia, ...) and parents."""

    name: str
    country: str | None
    kind: str
    parents: tuple[str, ...] = ()


@dataclass(frozen=True)
class ActorForms:
    """Word lists from config/actor_forms.yaml, as key sets."""

    state_force_nouns: frozenset[str]
    state_force_modifiers: frozenset[str]
    proxy_links: frozenset[str]
    proxy_nouns: frozenset[str]
    bare_state_nouns: frozenset[str]
    speaker_nouns: frozenset[str]
    state_institutions: frozenset[str]
    generic_actors: frozenset[str]
    group_nouns: frozenset[str]
    unknown_words: frozenset[str]

    @classmethod
    def from_config(cls, data: dict[str, Any]) -> ActorForms:
        return cls(**{k: frozenset(name_key(w) for w in data[k]) for k in cls.__dataclass_fields__})


class Knowledge:
    """Gazetteer, named regions, macro-regions and actors, loaded once."""

    def __init__(self, gazetteer: Gazetteer, regions: dict[str, Any], actor_rows: list[dict],
                 forms: ActorForms) -> None:
        self.gazetteer = gazetteer
        self.forms = forms
        self.macro: dict[str, Area] = {}
        self.actors: dict[str, ActorInfo] = {}
        self.actor_index: dict[str, str] = {}
        self.actor_exact: dict[str, str] = {}  # abbreviation as written -> canonical
        self.actor_proper: set[str] = set()  # alias keys that must be capitalised in text
        self._lower_keys: set[str] = set()  # alias keys also written in lower case
        self.actor_first: dict[str, int] = {}
        self.actor_possessive: dict[str, str] = {}  # keys of names with a possessive inside
        self.possessive_first: dict[str, int] = {}
        # (name as written, ISO3) -> the group it stands for there: ("Islamic State", "NGA")
        self._local: dict[tuple[str, str], str] = {}
        self._opponents: dict[str, str] = {}  # ISO3 -> ISO3 of the state it is at war with
        self._forces_in: dict[str, str] = {}  # ISO3 -> ISO3 of the state whose forces hold it
        self._ancestors: dict[str, frozenset[str]] = {}  # the tables do not change once loaded
        self._apply_regions(regions)
        self._load_actors(actor_rows)
        # canonical names by key, the first of each key: "united states" -> "United States"
        self._canonical: dict[str, str] = {}
        for canonical in self.actors:
            self._canonical.setdefault(name_key(canonical), canonical)

    @classmethod
    def load(cls) -> Knowledge:
        gazetteer = Gazetteer.load()
        regions = config_yaml("regions.yaml")
        rows = config_jsonl("actors.jsonl")
        forms = ActorForms.from_config(config_yaml("actor_forms.yaml"))
        return cls(gazetteer, regions, rows, forms)

    # -- building -------------------------------------------------------------------------

    def _apply_regions(self, data: dict[str, Any]) -> None:
        gaz = self.gazetteer
        for iso3, name in (data.get("country_names") or {}).items():
            gaz.rename_country(iso3, name)
        for iso3, aliases in (data.get("country_aliases") or {}).items():
            country = gaz.country(iso3)
            if country is not None:
                for alias in aliases:
                    gaz.alias(alias, country.id)
        for demonym, iso3 in (data.get("demonyms") or {}).items():
            gaz.demonyms[name_key(demonym)] = iso3
        for iso3, table in (data.get("admin1_aliases") or {}).items():
            for admin1, aliases in table.items():
                pid = gaz.find_admin1(iso3, admin1)
                if pid is None:
                    logger.warning("regions.yaml: no admin1 %r in %s", admin1, iso3)
                    continue
                for alias in aliases:
                    gaz.alias(alias, pid)
        for row in data.get("place_aliases") or []:
            pid = gaz.find_place(row["country"], row["name"])
            if pid is None:
                logger.warning("regions.yaml: no town %r in %s", row["name"], row["country"])
                continue
            for alias in row["aliases"]:
                gaz.alias(alias, pid)
        for row in data.get("regions") or []:
            self._add_region(row)
        for row in data.get("macro_regions") or []:
            self._add_macro(row["name"], row.get("aliases") or [], row["countries"])
        for name, members in gaz.continents.items():
            self._add_macro(name, [], members)

    def _add_region(self, row: dict[str, Any]) -> None:
        gaz = self.gazetteer
        iso3 = row["country"]
        members = []
        for admin1 in row.get("admin1") or []:
            pid = gaz.find_admin1(iso3, admin1)
            if pid is None:
                logger.warning("regions.yaml: region %s: no admin1 %r", row["name"], admin1)
            else:
                members.append(gaz.place(pid))
        lat, lon = row.get("lat"), row.get("lon")
        if lat is None and members:
            lat = round(sum(m.lat or 0.0 for m in members) / len(members), 4)
            lon = round(sum(m.lon or 0.0 for m in members) / len(members), 4)
        pid = gaz.add([], name=row["name"], kind="region", cc=iso3, admin1=row["name"], lat=lat,
                      lon=lon, pop=0)
        for alias in [row["name"], *(row.get("aliases") or [])]:
            gaz.alias(alias, pid)
        gaz.region_members[pid] = tuple(m.name for m in members)

    def _add_macro(self, name: str, aliases: list[str], countries: list[str]) -> None:
        area = Area("region", name, frozenset(countries), frozenset())
        for alias in [name, *aliases]:
            self.macro[name_key(alias)] = area

    def _load_actors(self, rows: list[dict[str, Any]]) -> None:
        gaz = self.gazetteer
        for iso3, meta in gaz.countries.items():
            self.actors[meta["name"]] = ActorInfo(meta["name"], iso3, "state")
        for row in rows:
            if "state_of" in row:
                name = gaz.country_name(row["state_of"])
                if name is None:
                    continue
                if row.get("opponent"):
                    self._opponents[row["state_of"]] = row["opponent"]
                for occupied in row.get("forces_in") or ():
                    self._forces_in[occupied] = row["state_of"]
            else:
                name = row["name"]
                parents = tuple(row.get("parents") or ())
                self.actors[name] = ActorInfo(name, row.get("country"), row["kind"], parents)
            for alias in [name, *row.get("aliases", [])]:
                self._actor_alias(alias, name)
        self._load_local([row for row in rows if "name" in row])

    def _load_local(self, rows: list[dict[str, Any]]) -> None:
        """`branch_in`: where a group is what its parent's name means ("Islamic State" in
        Nigeria is ISWAP); `default_in`: where generic actors are it ("militants" in Mozambique
        are ISCAP). A name two groups claim in one country stays as it is."""
        claims: dict[tuple[str, str], set[str]] = {}
        generic = [n for n in self.actors if name_key(n) in self.forms.generic_actors]
        for row in rows:
            name = row["name"]
            movements = [p for p in self.ancestors(name)
                         if getattr(self.actors.get(p), "kind", None) != "state"]
            for iso3 in row.get("branch_in") or ():
                for parent in movements:  # a state's name is never one of its proxies
                    claims.setdefault((parent, iso3), set()).add(name)
            for iso3 in row.get("default_in") or ():
                for other in generic:
                    claims.setdefault((other, iso3), set()).add(name)
        for key, names in claims.items():
            if len(names) == 1:
                self._local[key] = names.pop()

    def _actor_alias(self, alias: str, canonical: str) -> None:
        # "a gunman" is "gunman": names are matched without a leading article, which spares
        # the matcher trying every "a" and "the" of a text as the start of a name.
        alias = _ARTICLE.sub("", alias)
        if _POSSESSIVE.search(alias):
            # In text the possessive "'s" is no word: "New People's Army" reads "new people army".
            words = name_key(_POSSESSIVE.sub("", alias))
            self.actor_possessive.setdefault(words, canonical)
            head = words.split(" ", 1)[0]
            self.possessive_first[head] = max(self.possessive_first.get(head, 0),
                                              words.count(" ") + 1)
        key = name_key(alias)
        bare = alias.replace(".", "").replace("-", "").replace(" ", "")
        # Abbreviations match as written: "AA" is not "aa", "LeT" is not the word "Let".
        if len(bare) <= 5 and (bare.isupper() or any(ch.isupper() for ch in bare[1:])):
            self.actor_exact[alias] = canonical
            return
        self.actor_index.setdefault(key, canonical)
        # A key must be capitalised in text only when no alias spells it in lower case
        # ("Civilians" the canonical name, "civilians" the word).
        if not any(ch.isupper() for ch in alias):
            self._lower_keys.add(key)
            self.actor_proper.discard(key)
        elif key not in self._lower_keys:
            self.actor_proper.add(key)
        head = key.split(" ", 1)[0]
        self.actor_first[head] = max(self.actor_first.get(head, 0), key.count(" ") + 1)

    # -- look-ups -------------------------------------------------------------------------

    def country_area(self, iso3: str) -> Area | None:
        name = self.gazetteer.country_name(iso3)
        return Area("country", name, frozenset({iso3}), frozenset()) if name else None

    def area(self, name: str) -> Area | None:
        """A country, region or admin1 unit by name, code or demonym (case-insensitive)."""
        text = name.strip()
        gaz = self.gazetteer
        code = text.upper()
        if code in gaz.countries:
            return self.country_area(code)
        if len(code) == 2 and code in gaz.iso2:
            return self.country_area(gaz.iso2[code])
        key = name_key(text)
        if key in self.macro:
            return self.macro[key]
        places = [p for p in gaz.lookup(key) if p.kind != "place"]
        head, _, last = key.rpartition(" ")
        if not places and head and last in ADMIN_SUFFIXES:
            # "Kharkiv Oblast", "Bagmati Province": the unit's name without its kind.
            places = [p for p in gaz.lookup(head) if p.kind in ("admin1", "region")]
        if places:
            return self._place_area(places)
        if key in gaz.demonyms:
            return self.country_area(gaz.demonyms[key])
        return None

    def _place_area(self, places: list[Place]) -> Area | None:
        gaz = self.gazetteer
        for p in places:
            if p.kind == "country" and p.cc:
                return self.country_area(p.cc)
        for p in places:
            if p.kind == "region" and p.cc:
                members = {(p.cc, m) for m in gaz.region_members.get(p.id, ())}
                return Area("region", p.name, frozenset(), frozenset({(p.cc, p.name), *members}))
        admin1 = frozenset((p.cc, p.name) for p in places if p.kind == "admin1" and p.cc)
        return Area("admin1", places[0].name, frozenset(), admin1) if admin1 else None

    def actor(self, name: str) -> str | None:
        """The canonical actor for an alias ("Pentagon" -> "United States"), or None.

        Names written as ACLED writes them resolve through their parts: "M23: March 23
        Movement", "Allied Democratic Forces (ADF)", "Protesters (teachers)", "Gran Grif Gang"."""
        text = name.strip()
        found = self._listed_actor(text)
        if found is not None:
            return found
        area = self.area(text)
        if area is not None and area.kind == "country":
            return area.name
        return self._state_forces(name_key(text)) or self._composite_actor(text)

    def _listed_actor(self, text: str) -> str | None:
        """An actor the tables name: an alias or a canonical name."""
        if text in self.actor_exact:
            return self.actor_exact[text]
        key = name_key(text)
        if _ARTICLE.sub("", key) in self.actor_index:
            return self.actor_index[_ARTICLE.sub("", key)]
        if text in self.actors:
            return text
        return self._canonical.get(key)

    def _composite_actor(self, text: str) -> str | None:
        """"ABBR: Full name" and "Name - Other name" (the full name first, abbreviations being
        the more ambiguous), "Name (ABBR)" and "Name (qualifier)" (the name first; what the
        brackets hold counts only when the tables list it, as it is often a place), and a
        listed group's name with a trailing group noun ("Hamas Movement")."""
        two = _TWO_NAMES.match(text)
        if two is not None:
            return self.actor(two["second"]) or self.actor(two["first"])
        bracketed = _BRACKETED.match(text)
        if bracketed is not None:
            return self.actor(bracketed["name"]) or self._listed_group(bracketed["inner"])
        head, _, last = text.rpartition(" ")
        if head and name_key(last) in self.forms.group_nouns:
            return self._listed_group(head)
        return None

    def _listed_group(self, text: str) -> str | None:
        """A listed actor that is not a country's name: in "Arab Ethnic Militia (Chad)" or
        "Haiti Gang" the country says where a group is, not who it is."""
        if self.gazetteer.names_country(name_key(text)):
            return None
        return self._listed_actor(text)

    def _state_forces(self, key: str) -> str | None:
        """The state behind a forces name: "Malian Armed Forces", "Police Forces of Kenya",
        "Government of Syria", "Iraqi Counter-Terrorism Service" -> that country."""
        gaz, forms = self.gazetteer, self.forms
        head, of, owner = key.partition(" of ")
        if of and (head in forms.state_force_nouns or head in forms.state_institutions):
            owner = owner.removeprefix("the ")
            area = self.area(owner)
            return area.name if area is not None and area.kind == "country" else None
        words = key.split(" ")
        for cut in range(min(4, len(words) - 1), 0, -1):
            owner, rest = " ".join(words[:cut]), words[cut:]
            iso3 = gaz.demonyms.get(owner) or next(
                (p.cc for p in gaz.lookup(owner) if p.kind == "country" and p.cc), None)
            if iso3 is None:
                continue
            while len(rest) > 1 and rest[0] in forms.state_force_modifiers:
                rest = rest[1:]
            tail = " ".join(rest)
            if tail in forms.state_force_nouns or tail in forms.state_institutions:
                return gaz.country_name(iso3)
            return None
        return None

    def local_actor(self, name: str, iso3: str | None) -> str:
        """The group a parent's or a generic name stands for in a country ("Islamic State" in
        Mozambique is ISCAP), else the name itself."""
        return self._local.get((name, iso3), name) if iso3 else name

    def forces_of(self, iso3: str) -> str:
        """Whose forces "troops" or "police" with no country are in a country: its own, or
        those of the state that holds it (Israel's in Palestine)."""
        return self._forces_in.get(iso3, iso3)

    def opponent(self, iso3: str | None) -> str | None:
        """The state at war with a country ("Russia" for Ukraine), if the table says so."""
        return self.gazetteer.country_name(self._opponents.get(iso3 or ""))

    def ancestors(self, name: str) -> frozenset[str]:
        """Parents, grandparents...: what an actor is affiliated with or part of."""
        if name in self._ancestors:
            return self._ancestors[name]
        seen: set[str] = set()
        todo = list(self._parents(name))
        while todo:
            parent = todo.pop()
            if parent not in seen:
                seen.add(parent)
                todo.extend(self._parents(parent))
        self._ancestors[name] = frozenset(seen)
        return self._ancestors[name]

    def _parents(self, name: str) -> tuple[str, ...]:
        info = self.actors.get(name)
        if info is not None:
            return info.parents
        proxy = _PROXY_NAME.match(name)
        return (proxy.group("patron"),) if proxy else ()

    def actor_matches(self, wanted: str, actor_name: str) -> bool:
        """True when `actor_name` is `wanted` or belongs to it ("Islamic State" ~ "ISWAP")."""
        want = self.actor(wanted) or wanted.strip()
        have = self.actor(actor_name) or actor_name.strip()
        if name_key(want) == name_key(have):
            return True
        return name_key(want) in {name_key(a) for a in self.ancestors(have)}

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        """Known names closest to `name`, for "unknown name" replies."""
        from rapidfuzz import fuzz, process

        found = process.extract(name, self._suggestion_names, scorer=fuzz.WRatio,
                                limit=limit * 3)
        return [choice for choice, _score, _idx in found][:limit]

    @cached_property
    def _suggestion_names(self) -> list[str]:
        """Every name `suggest` may offer, each once."""
        gaz = self.gazetteer
        names = {meta["name"] for meta in gaz.countries.values()}
        names.update(area.name for area in self.macro.values())
        names.update(gaz.names_of_kind("admin1", "region"))
        names.update(self.actors)
        return sorted(names)
