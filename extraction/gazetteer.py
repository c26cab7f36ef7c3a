"""Place tables: the generated gazetteer plus the hand-kept regions, behind one key index.

Records are columnar (one list per field) because that unpickles fast; `Place` is the view the
rest of the code uses. Keys are `names.name_key` strings.
"""

from __future__ import annotations

import gc
import gzip
import pickle
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from extraction.model import Location
from extraction.names import name_key, plain

GAZETTEER_FILE = "places.pickle.gz"
MAX_NAME_WORDS = 6


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry: a country, an admin1 unit, a named region or a town."""

    id: int
    name: str
    kind: str  # "country" | "admin1" | "region" | "place"
    cc: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    pop: int

    @property
    def rank(self) -> int:
        """Specificity: towns beat admin1 units and regions, which beat countries."""
        return {"place": 3, "admin1": 2, "region": 2, "country": 1}.get(self.kind, 0)


class Gazetteer:
    """Key -> candidate places, with country metadata and demonyms."""

    def __init__(self, payload: dict[str, Any]) -> None:
        self._cols = payload["columns"]
        self._single: dict[str, int] = payload["single"]
        self._multi: dict[str, tuple[int, ...]] = payload["multi"]
        self.common: frozenset[str] = frozenset(payload["common"])
        self.countries: dict[str, dict[str, Any]] = payload["countries"]
        self.iso2: dict[str, str] = payload["iso2"]
        self.demonyms: dict[str, str] = dict(payload["demonyms"])
        self.continents: dict[str, list[str]] = payload["continents"]
        self.continent_keys = frozenset(c.lower() for c in self.continents)
        self.case_sensitive: dict[str, str] = {}  # exact surface form -> key, for "US", "CAR"
        self.case_sensitive_keys: set[str] = set()  # the keys only those forms may match
        self.region_members: dict[int, tuple[str, ...]] = {}
        self._country_ids = {self._cols["cc"][i]: i for i, k in enumerate(self._cols["kind"])
                             if k == "country"}

    @classmethod
    def load(cls) -> Gazetteer:
        raw = files("config").joinpath("gazetteer", GAZETTEER_FILE).read_bytes()
        # Unpickling ~300k small objects trips the cyclic GC many times for nothing.
        enabled = gc.isenabled()
        gc.disable()
        try:
            return cls(pickle.loads(gzip.decompress(raw)))
        finally:
            if enabled:
                gc.enable()

    def place(self, pid: int) -> Place:
        c = self._cols
        return Place(pid, c["name"][pid], c["kind"][pid], c["cc"][pid], c["admin1"][pid],
                     c["lat"][pid], c["lon"][pid], c["pop"][pid])

    def ids(self, key: str) -> tuple[int, ...]:
        single = self._single.get(key)
        if single is not None:
            return (single,)
        return self._multi.get(key, ())

    def lookup(self, key: str) -> list[Place]:
        return [self.place(i) for i in self.ids(key)]

    def country_code(self, key: str) -> str | None:
        """The code of the first country `key` names (one with a code), without building
        `Place` records: what scanning `lookup(key)` for such a country finds."""
        kinds, codes = self._cols["kind"], self._cols["cc"]
        for pid in self.ids(key):
            cc: str | None = codes[pid]
            if cc and kinds[pid] == "country":
                return cc
        return None

    def names_country(self, key: str) -> bool:
        """Whether any record `key` names is a country."""
        kinds = self._cols["kind"]
        return any(kinds[pid] == "country" for pid in self.ids(key))

    def country(self, iso3: str) -> Place | None:
        pid = self._country_ids.get(iso3)
        return None if pid is None else self.place(pid)

    def country_name(self, iso3: str | None) -> str | None:
        if iso3 is None:
            return None
        meta = self.countries.get(iso3)
        return meta["name"] if meta else None

    def rename_country(self, iso3: str, name: str) -> None:
        pid = self._country_ids.get(iso3)
        if pid is not None and iso3 in self.countries:
            self._cols["name"][pid] = name
            self.countries[iso3]["name"] = name
            self.alias(name, pid)

    def names_of_kind(self, *kinds: str) -> set[str]:
        return {n for n, k in zip(self._cols["name"], self._cols["kind"], strict=True)
                if k in kinds}

    def add(self, names: list[str], **values: Any) -> int:
        """Append a record (hand-kept region) and index its names."""
        pid = len(self._cols["name"])
        for column, items in self._cols.items():
            items.append(values.get(column))
        for name in names:
            self.alias(name, pid)
        return pid

    def written_as(self, key: str, text: str, start: int, end: int) -> bool:
        """Whether text[start:end] may stand for `key`: a short name in capitals ("US",
        "U.S." whose last full stop the tokenizer split off) only in its own spelling."""
        if key not in self.case_sensitive_keys:
            return True
        surface = text[start:end]
        return surface in self.case_sensitive or (
            text[end:end + 1] == "." and surface + "." in self.case_sensitive)

    def alias(self, name: str, pid: int) -> None:
        """Index one more spelling for an existing record (most specific first)."""
        key = name_key(name)
        if not key:
            return
        if name.isupper() and len(name.replace(".", "")) <= 4:
            self.case_sensitive[name] = key
            self.case_sensitive_keys.add(key)
        current = self.ids(key)
        if pid in current:
            return
        merged = (pid, *current) if self._cols["kind"][pid] != "place" else (*current, pid)
        self._single.pop(key, None)
        if len(merged) == 1:
            self._single[key] = merged[0]
        else:
            self._multi[key] = merged

    def find_admin1(self, iso3: str, name: str) -> int | None:
        for pid in self.ids(name_key(name)):
            if self._cols["kind"][pid] == "admin1" and self._cols["cc"][pid] == iso3:
                return pid
        return None

    def find_place(self, iso3: str, name: str) -> int | None:
        for pid in self.ids(name_key(name)):
            if self._cols["kind"][pid] == "place" and self._cols["cc"][pid] == iso3:
                return pid
        return None

    def location(self, place: Place) -> Location:
        """The `Location` for a place, in the gazetteer's spelling without diacritics."""
        country = self.country_name(place.cc)
        if place.kind == "country":
            return Location(country, place.cc, None, None, place.lat, place.lon, "country")
        if place.kind in ("admin1", "region"):
            return Location(country, place.cc, place.admin1 or place.name, None, place.lat,
                            place.lon, "admin1")
        # One spelling per town whatever the outlet wrote, so reports and filters meet.
        shown = plain(place.name)
        return Location(country, place.cc, place.admin1, shown, place.lat, place.lon, "place")
