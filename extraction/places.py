"""Place names in a sentence, and which gazetteer entry each one means.

Only capitalised word runs are looked up. A town name that is also an English word ("Police",
"Mobile") counts only after a locative preposition; a town name inside a person's name
("Lloyd Austin") does not count, and neither does that surname later in the article.
Ambiguous names go to the country the article talks about, then to the bigger place. A name
the gazetteer lacks counts as a town after a settlement noun ("the village of Mbau") or right
after "in", "near", "outside" or "at"; it is placed at a town named with it, else in its
region.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from extraction.gazetteer import MAX_NAME_WORDS, Gazetteer, Place
from extraction.names import name_key
from extraction.text import Sentence

PARTICLES = frozenset({"al", "el", "ad", "as", "ar", "an", "ash", "at", "az", "ed", "es", "ez",
                       "le", "la", "les", "de", "du", "di", "da", "ba", "bani", "beni"})
LOCATIVE = frozenset({"in", "near", "at", "outside", "inside", "across", "around", "throughout",
                      "through",
                      "into", "within", "along", "toward", "towards", "between", "from",
                      "nearby", "outskirts", "over", "on"})
BORDER_NOUNS = frozenset({"border", "borders", "crossing", "frontier", "boundary"})
PLACE_NOUNS = frozenset({"town", "city", "village", "region", "province", "state", "district",
                         "outskirts", "north", "south", "east", "west", "northeast", "northwest",
                         "southeast", "southwest", "suburb", "suburbs", "area", "governorate",
                         "county", "capital", "port", "parts", "areas", "centre", "center",
                         "heart", "countryside", "border", "borders", "locality", "municipality",
                         "department", "oblast", "prefecture", "neighbourhood", "neighborhood",
                         "camp", "territory", "villages", "towns", "cities", "regions"})
ADMIN_WORDS = frozenset({"province", "state", "governorate", "region", "oblast", "district",
                         "county", "department", "prefecture", "provinces", "states", "regions",
                         "dept", "prov", "dist", "regency", "raion", "wilaya", "circle"})
# Words for first-level units: "the state of X" names a region ("the district of X" may be a
# city's).
ADMIN1_WORDS = frozenset({"province", "state", "governorate", "region", "oblast", "prefecture",
                          "wilaya"})
DIRECTIONS = frozenset({"eastern", "western", "northern", "southern", "central", "northeastern",
                        "northwestern", "southeastern", "southwestern", "north", "south", "east",
                        "west", "northeast", "northwest", "southeast", "southwest", "upper",
                        "lower", "far", "north-eastern", "north-western", "south-eastern",
                        "south-western", "mid"})
NOT_NAMES = frozenset({"the", "a", "an", "in", "at", "on", "near", "from", "for", "by", "of",
                       "and", "but", "or", "as", "after", "before", "since", "during", "while",
                       "when", "with", "to", "into", "across", "this", "that", "these", "those",
                       "last", "early", "late", "over", "under", "until", "it", "he", "she",
                       "they", "we", "his", "her", "their", "its", "our", "said", "says", "also",
                       "both", "meanwhile", "elsewhere", "still", "then", "now", "additionally",
                       "however", "monday", "tuesday", "wednesday", "thursday", "friday",
                       "saturday", "sunday", "january", "february", "march", "april", "may",
                       "june", "july", "august", "september", "october", "november", "december",
                       *DIRECTIONS})
# Words that may stand between a locative and a name: "in the restive capital Conakry".
LOCATIVE_FILLERS = frozenset({"the", "restive", "autonomous", "occupied", "besieged", "capital",
                              "city", "town", "village", "port", "provincial", "regional",
                              "commercial", "coastal", "border", "mining", "strategic", "key"})
# "Greater Khartoum", "Metro Manila": a capitalised word that widens the area named after it.
AREA_PREFIXES = frozenset({"greater", "metro", "metropolitan", "inner", "outer", "grand"})
SMALL_TOWN = 100_000
# Hamlets and villages below this size share their names with too many words and people: they
# count only after a locative preposition ("in", "near") or with a settlement noun ("village").
MINOR_TOWN = 5_000
# A town below this size, in a country the article gives no other sign of, is taken for a
# namesake of the place meant (big cities name their country in the article's context).
NAMESAKE_POPULATION = 1_000_000
MONTH_ABBREVIATIONS = frozenset({"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
                                 "oct", "nov", "dec"})
VAGUE_NAMES = frozenset({"centre", "center", "middle", "littoral", "coast", "plateau", "capital",
                         "interior", "lakes", "islands", "coastal", "highlands", "border"})
# "the village of Mbau", "Kabaro village": a settlement named by a word the gazetteer may lack.
SETTLEMENT_NOUNS = frozenset({"village", "town", "township", "locality", "hamlet", "settlement",
                              "commune", "city", "camp", "kebele", "quarter"})
# "the Lala displacement site", "Abu Shouk IDP camp": a camp named by two words.
CAMP_WORDS = frozenset({"displacement", "idp", "idps", "refugee", "refugees", "displaced"})
# "on Jerusalem Boulevard", "Haifa Street": a name before these is a street's (a road or
# highway, "the Elwak-Mandera road", is named after the towns it joins).
STREET_NOUNS = frozenset({"street", "avenue", "boulevard", "st", "ave"})
MAX_UNKNOWN_WORDS = 4
# A capitalised name the gazetteer lacks right after these is taken for a place.
UNKNOWN_LOCATIVE = frozenset({"in", "near", "outside", "at"})
# Capitalised words after "at" that name an occasion or an outlet, not a place.
OCCASIONS = frozenset({"eid", "christmas", "easter", "ramadan", "diwali", "passover", "ashura",
                       "friday", "mass", "sunday", "jazeera", "reuters"})
# ... unless it names one of these.
INSTITUTIONS = frozenset({"congress", "parliament", "senate", "assembly", "court", "house",
                          "ministry", "palace", "embassy", "consulate", "university", "college",
                          "school", "hospital", "church", "cathedral", "mosque", "temple",
                          "stadium", "airport", "prison", "headquarters", "office", "council",
                          "kremlin", "capitol", "square", "street", "road", "avenue"})
# What follows the country in a bulletin's header: "MLI | Kidal", "SOM / Bay", "NGA - Borno".
HEADER_BREAK = re.compile(r"\s*[|/]|\s+[-–—]\s")
UNKNOWN = -1  # id of a place the gazetteer does not have (see `PlaceFinder._settlement`)


@dataclass
class PlaceMention:
    """A name in the text and the places it may be."""

    first: int  # word indices in the sentence
    last: int
    start: int  # character offsets in the sentence
    end: int
    surface: str
    candidates: list[Place]
    locative: bool = False
    admin_hint: bool = False
    place: Place | None = None
    sentence: int = 0
    settlement: bool = False  # a settlement noun names it ("the village of X")

    @property
    def countries(self) -> set[str]:
        return {p.cc for p in self.candidates if p.cc}


def _capitalised(text: str) -> bool:
    return text[:1].isupper()


def locative(sent: Sentence, first: int) -> bool:
    words = sent.words
    for back in (1, 2, 3):
        k = first - back
        if k < 0:
            return False
        part = words[k].part or ""
        # "the town of X", and "the border with X" / "the crossing with X"
        of_place = part == "of" and k > 0 and words[k - 1].part in PLACE_NOUNS
        with_border = part == "with" and k > 0 and words[k - 1].part in BORDER_NOUNS
        if part in LOCATIVE or of_place or with_border:
            return True
        if words[k].text[:1].isupper() and sent.text[words[k].end:words[k].end + 2] in ("'s", "’s"):
            continue  # "in Nigeria's northwestern Zamfara state"
        if part not in DIRECTIONS and part not in LOCATIVE_FILLERS:
            return False
    return False


class PlaceFinder:
    """Finds and resolves place names for one article (it remembers people's surnames)."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gaz = gazetteer
        self.surnames: set[str] = set()

    def find(self, sent: Sentence, blocked: set[int]) -> list[PlaceMention]:
        """Longest place names in `sent`, skipping words in `blocked` (actor names)."""
        words, out = sent.words, []
        i = 0
        while i < len(words):
            w = words[i]
            if i in blocked or not (w.text[:1].isupper() or w.part in PARTICLES):
                i += 1
                continue
            mention = self._header_code(sent, i) or self._longest(sent, i, blocked)
            run = self._run(sent, i, blocked)
            if run > (mention.last if mention else i) and (
                    self._cued(sent, i, run) or self._admin_after(sent, run)):
                # "Nyaung Pin Thar village", "Mayo-Sava department": the whole run is one
                # name the gazetteer lacks; a known name inside it is not the place meant.
                mention = self._settlement(sent, i, run)
                if mention is None:
                    i = run + 1
                    continue
                out.append(mention)
            elif mention is not None and self._acceptable(sent, mention):
                mention.settlement = self._cued(sent, mention.first, mention.last)
                out.append(mention)
            else:
                # No known name here, or none that fits: "in Intan Jaya" is not Yingtan's
                # "Intan".
                unknown = self._settlement(sent, i, run)
                if unknown is not None:
                    out.append(unknown)
                    mention = unknown
                elif mention is None:
                    i += 1
                    continue
            i = mention.last + 1
        return out

    @staticmethod
    def _run(sent: Sentence, i: int, blocked: set[int]) -> int:
        """Last word of the capitalised name starting at word i (settlement nouns excluded)."""
        words, j = sent.words, i
        while j + 1 < len(words) and j - i + 1 < MAX_UNKNOWN_WORDS and sent.linked[j] \
                and j + 1 not in blocked and words[j + 1].part not in SETTLEMENT_NOUNS \
                and words[j + 1].part not in ADMIN_WORDS:
            if _capitalised(words[j + 1].text):
                j += 1
            elif words[j + 1].part in PARTICLES and j + 2 < len(words) and sent.linked[j + 1] \
                    and _capitalised(words[j + 2].text):
                j += 2  # "Deir Kanoun al-Ras"
            else:
                break
        return j

    @staticmethod
    def _admin_before(sent: Sentence, first: int) -> bool:
        """"the state of Rio Grande do Sul": the name is a region's."""
        words = sent.words
        return first > 1 and words[first - 1].part == "of" \
            and words[first - 2].part in ADMIN1_WORDS

    @staticmethod
    def _admin_after(sent: Sentence, last: int) -> bool:
        words = sent.words
        return last + 1 < len(words) and words[last + 1].part in ADMIN_WORDS

    @staticmethod
    def _cued(sent: Sentence, first: int, last: int) -> bool:
        """"village of X", "X village": the name is a settlement's."""
        words = sent.words
        nxt = words[last + 1].part if last + 1 < len(words) else ""
        # In "the Russian city of Belgorod" the noun names what follows it.
        named_after = last + 2 < len(words) and words[last + 2].part == "of"
        camp = nxt in CAMP_WORDS and last + 2 < len(words) \
            and words[last + 2].part in ("site", "camp", "camps", "sites")
        return (nxt in SETTLEMENT_NOUNS and not named_after) or camp or (
            first > 1 and words[first - 1].part == "of"
            and words[first - 2].part in SETTLEMENT_NOUNS)

    def _settlement(self, sent: Sentence, i: int, j: int) -> PlaceMention | None:
        """Words i..j as a name the gazetteer lacks, kept when a settlement noun names it or
        a locative preposition puts something there."""
        words = sent.words
        if not _capitalised(words[i].text) or (words[i].part or "") in NOT_NAMES:
            return None
        if i == 0:
            return None
        if not self._cued(sent, i, j):
            # "in Mamove", "near Gidan Madi": a name no gazetteer entry, actor, demonym,
            # country or institution claims, right after "in"/"near"/"outside"/"at".
            if words[i - 1].part not in UNKNOWN_LOCATIVE \
                    or any(self._claimed(w.part or "") for w in words[i:j + 1]):
                return None
            if words[i - 1].part == "at" and (
                    words[i].text.isupper() or (words[i].part or "") in OCCASIONS
                    or (j > i and not any(w.part in PARTICLES for w in words[i:j + 1]))):
                # After "at", one word or a name with a particle is a place ("at Boulkessi",
                # "at Ain al-Asad"); several words are a venue ("at Suhrawardy Udyan"), and
                # "at Eid prayers" an occasion.
                return None
        elif not (locative(sent, i) or (i > 1 and words[i - 1].part == "of")):
            return None
        start, end = words[i].start, words[j].end
        return PlaceMention(i, j, start, end, sent.text[start:end], [], True,
                            sentence=sent.index, settlement=True)

    def _claimed(self, word: str) -> bool:
        """An institution's word, or one naming a country or its people ("Burkina-Niger")."""
        return word in INSTITUTIONS or any(
            part in self.gaz.demonyms or self.gaz.names_country(part) for part in word.split("-"))

    def _longest(self, sent: Sentence, i: int, blocked: set[int]) -> PlaceMention | None:
        words = sent.words
        w = words[i]
        if not (_capitalised(w.text) or (w.part in PARTICLES and i + 1 < len(words)
                                         and _capitalised(words[i + 1].text))):
            return None
        best: tuple[int, tuple[int, ...]] | None = None
        key = ""
        for j in range(i, min(i + MAX_NAME_WORDS, len(words))):
            if j > i and (not sent.linked[j - 1] or j in blocked):
                break
            key = f"{key} {words[j].part}" if key else (words[j].part or "")
            if not _capitalised(words[j].text):
                continue
            ids = self.gaz.ids(key)
            if ids and self.gaz.written_as(key, sent.text, w.start, words[j].end):
                best = (j, ids)
        if best is None:
            return None
        j, ids = best
        start, end = w.start, words[j].end
        nxt = words[j + 1].part if j + 1 < len(words) else ""
        return PlaceMention(i, j, start, end, sent.text[start:end],
                            [self.gaz.place(pid) for pid in ids], locative(sent, i),
                            nxt in ADMIN_WORDS or self._admin_before(sent, i),
                            sentence=sent.index)

    def _header_code(self, sent: Sentence, i: int) -> PlaceMention | None:
        """A bulletin headed by a country's ISO code ("NPL | Bagmati | 13 Aug: ..."). Only
        there: in running text "MAR" or "PER" need not be Morocco or Peru."""
        w = sent.words[i]
        if i or sent.index or len(w.text) != 3 or not w.text.isupper() \
                or not HEADER_BREAK.match(sent.text, w.end):
            return None
        country = self.gaz.country(w.text)
        return None if country is None else PlaceMention(
            i, i, w.start, w.end, w.text, [country], sentence=sent.index)

    def _acceptable(self, sent: Sentence, m: PlaceMention) -> bool:
        words = sent.words
        if m.first == m.last and (words[m.first].part or "") in MONTH_ABBREVIATIONS \
                and not (m.sentence == 0 and m.first == 0):  # "MAR | ..." heads a bulletin
            return False  # "30 Nov:" in a bulletin is a date, not the town of Nov
        if m.last + 1 < len(words) and words[m.last + 1].part in STREET_NOUNS:
            return False  # "Jerusalem Boulevard" in Jaffa
        towns_only = all(p.kind == "place" for p in m.candidates)
        key = " ".join(w.part or "" for w in words[m.first:m.last + 1])
        if towns_only and key in self.surnames:
            return False
        if towns_only and key in self.gaz.common and (not m.locative or m.first == 0):
            return False
        if towns_only and m.first == m.last and key in NOT_NAMES:
            return False  # "on Thursday" is a day, whatever islands are named after it
        if towns_only and not (m.locative or self._cued(sent, m.first, m.last)):
            m.candidates = [p for p in m.candidates if p.pop >= MINOR_TOWN]
            if not m.candidates:
                return False
        if key in DIRECTIONS or key in VAGUE_NAMES:
            # "East", "Centre", "Middle East": region names only with "region"/"province".
            m.candidates = [p for p in m.candidates if p.kind == "country"]
            if not (m.candidates or m.admin_hint):
                return False
            m.candidates = m.candidates or self.gaz.lookup(key)
        prev = words[m.first - 1] if m.first > 0 else None
        if prev is not None and _capitalised(prev.text) and (prev.part or "") not in NOT_NAMES \
                and (prev.part or "") not in AREA_PREFIXES \
                and sent.linked[m.first - 1] and not self.gaz.ids(prev.part or ""):
            # "Lloyd Austin": a capitalised word before the name makes it a person's name;
            # "Negros Oriental" is no more Morocco's Oriental region than Austin is a town.
            if m.last + 1 >= len(words) or not _capitalised(words[m.last + 1].text):
                self.surnames.add(key)
            m.candidates = [p for p in m.candidates if p.kind == "country"]
            return bool(m.candidates)
        nxt = words[m.last + 1] if m.last + 1 < len(words) else None
        # A small town's name, or another spelling of a town's, running into another
        # capitalised word is part of a longer name ("Intan Jaya" is not Yingtan's "Intan").
        small = max(p.pop for p in m.candidates) < SMALL_TOWN \
            or all(name_key(p.name) != key for p in m.candidates)
        return not (towns_only and small and nxt is not None and _capitalised(nxt.text)
                    and sent.linked[m.last] and not self.gaz.ids(nxt.part or ""))

    def resolve(self, mentions: list[PlaceMention], context: Counter[str]) -> None:
        """Pick each mention's place: a region or country named in the same sentence first,
        then the article's countries, then size and kind. A small town of a country the
        article never names is a namesake: the mention stays unresolved (or, when a
        settlement noun names it, becomes a place of the sentence's region)."""
        towns = [m for m in mentions if m.candidates
                 and all(p.kind == "place" for p in m.candidates)]
        areas = [m for m in mentions if m.candidates and m not in towns]
        for m in areas:
            m.place = max(m.candidates, key=lambda p: self._score(p, m, context))
            if m.place.kind == "admin1" and not m.admin_hint:
                m.place = self._seat(m, m.place)
        near = [m.place for m in areas if m.place is not None]
        regions = {(p.cc, p.admin1 or p.name) for p in near if p.kind in ("admin1", "region")}
        named = {p.cc for p in near}
        # The countries of the big towns each sentence names unambiguously; a dateline's
        # city is left out, since it says where the reporter was.
        anchors: dict[int, set[str]] = defaultdict(set)
        for m in towns:
            if len(m.countries) == 1 and max(p.pop for p in m.candidates) >= SMALL_TOWN \
                    and not (m.sentence == 0 and m.first == 0 and m.surface.isupper()):
                anchors[m.sentence] |= m.countries
        for m in towns:
            others = anchors[m.sentence] - m.countries
            kept = [p for p in m.candidates if not self._namesake(p, m, context, named)
                    and not (p.cc not in named and self._stray(p, m, others))]
            if kept:
                m.place = max(kept, key=lambda p: self._score(p, m, context)
                              + 20.0 * ((p.cc, p.admin1) in regions) + 5.0 * (p.cc in named))
        known = [m for m in mentions if m.place is not None and m.place.kind == "place"]
        for m in mentions:
            if m.place is None and m.settlement:
                m.place = self._unknown(m, near, known, context)

    @staticmethod
    def _seat(m: PlaceMention, unit: Place) -> Place:
        """"in Aleppo", "in Maputo": the city a province is named after, unless the text says
        "province"; the city's record carries the province anyway."""
        seats = [p for p in m.candidates if p.kind == "place" and p.cc == unit.cc
                 and (p.admin1 == unit.name or p.name == unit.name) and p.pop >= MINOR_TOWN]
        return max(seats, key=lambda p: p.pop) if seats else unit

    @staticmethod
    def _stray(p: Place, m: PlaceMention, others: set[str]) -> bool:
        """A village that would put the sentence in two countries: "the village of Duma,
        south of Nablus" is not Syria's Duma."""
        return m.settlement and bool(others) and p.cc not in others

    @staticmethod
    def _namesake(p: Place, m: PlaceMention, context: Counter[str],
                  named: set[str | None]) -> bool:
        if not context or p.cc in named:
            return False
        if p.pop < MINOR_TOWN:  # a hamlet only in the country the article is mostly about
            return p.cc != context.most_common(1)[0][0]
        if name_key(p.name) != name_key(m.surface):
            # Another spelling of a city abroad ("Samar" for Samara): however big the city,
            # the article must be about its country.
            return not context.get(p.cc or "")
        return p.pop < NAMESAKE_POPULATION and not context.get(p.cc or "")

    def _unknown(self, m: PlaceMention, near: list[Place], towns: list[PlaceMention],
                 context: Counter[str]) -> Place | None:
        """A place the gazetteer lacks, placed at a town the sentence names with it ("the
        village of X, outside Y"), or in the region or country the sentence names."""
        area = next((p for p in near if p.kind in ("admin1", "region")), None) \
            or next((p for p in near if p.kind == "country"), None)
        # The town named next to it, the one after it first: "X, north of Y".
        for t in sorted(towns, key=lambda t: (t.first < m.first, abs(t.first - m.last))):
            anchor = t.place
            if anchor is not None and within(anchor, area):
                return Place(UNKNOWN, m.surface, "place", anchor.cc, anchor.admin1,
                             anchor.lat, anchor.lon, 0)
        if area is None and context:
            area = self.gaz.country(context.most_common(1)[0][0])
        if area is None or area.cc is None:
            return None
        admin1 = None if area.kind == "country" else (area.admin1 or area.name)
        return Place(UNKNOWN, m.surface, "place", area.cc, admin1, area.lat, area.lon, 0)

    @staticmethod
    def _score(p: Place, m: PlaceMention, context: Counter[str]) -> float:
        kind_bonus = {"country": 8.0, "region": 6.0, "admin1": 3.0, "place": 0.0}[p.kind]
        if m.admin_hint and p.kind in ("admin1", "region"):
            kind_bonus += 15.0
        ctx = 10.0 * min(context.get(p.cc or "", 0), 3) if p.cc else 0.0
        return kind_bonus + ctx + 2.0 * math.log10(p.pop + 10)


def within(town: Place, area: Place | None) -> bool:
    """Whether `town` lies in `area`, a country or region (None: anywhere)."""
    return area is None or (town.cc == area.cc and (
        area.kind == "country" or town.admin1 == (area.admin1 or area.name)))


def context_countries(mentions: list[PlaceMention], demonym_countries: list[str],
                      ) -> Counter[str]:
    """How often the article names each country unambiguously: countries, regions and big
    towns, demonyms and actors' countries. Small towns count only when nothing else does:
    many share their name with a town elsewhere."""
    counts: Counter[str] = Counter(demonym_countries)
    weak: Counter[str] = Counter()
    for m in mentions:
        countries = m.countries
        if len(countries) == 1:
            cc = next(iter(countries))
            small = all(p.kind == "place" and p.pop < SMALL_TOWN for p in m.candidates)
            (weak if small else counts)[cc] += 1
        elif countries:
            # "London": the capital of millions, not the towns of thousands named after it.
            ranked = sorted(m.candidates, key=lambda p: -p.pop)
            top, rest = ranked[0], [p.pop for p in ranked[1:] if p.cc != ranked[0].cc]
            if top.cc and top.pop >= SMALL_TOWN and top.pop >= 10 * max(rest, default=0):
                counts[top.cc] += 1
    return counts or weak
