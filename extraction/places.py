"""Place names in a sentence, and which gazetteer entry each one means.

Only capitalised word runs are looked up. A town name that is also an English word ("Police",
"Mobile") counts only after a locative preposition; a town name inside a person's name
("Lloyd Austin") does not count, and neither does that surname later in the article.
Ambiguous names go to the country and the regions the article talks about, then to the bigger
place; "X's Y" puts Y inside X. A name the gazetteer lacks counts as a town after a settlement
noun ("the village of Mbau", "Mbau village", "Mbau, a farming village") or right after "in",
"near", "outside" or "at"; it is placed at a town named with it, else in its region, else in
the region of its country the article names. Names that stand for something else here (a
language, a currency, a river, a road, a sponsor) are no places, and where people fled or were
taken to, or a town named to say where another lies, is not where the event happened.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from extraction.gazetteer import MAX_NAME_WORDS, Gazetteer, Place
from extraction.names import name_key
from extraction.text import Sentence

PARTICLES = frozenset({"al", "el", "ad", "as", "ar", "an", "ash", "at", "az", "ed", "es", "ez",
                       "le", "la", "les", "de", "du", "di", "da", "ba", "bani", "beni"})
ENGLISH_PARTICLES = frozenset({"as", "at", "an"})
LOCATIVE = frozenset({"in", "near", "at", "outside", "inside", "across", "around", "throughout",
                      "through",
                      "into", "within", "along", "toward", "towards", "between", "from",
                      "nearby", "outskirts", "over", "on", "nr"})
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
# Units below the first level: "Momo Division", "Bokkos LGA", "Beni territory", "Tsafe Local
# Government Area" name a unit, never a region.
LOCAL_UNIT_WORDS = frozenset({"division", "lga", "lgas", "tehsil", "payam", "woreda", "cercle",
                              "territory", "terr", "sub", "municipality"})
ADMIN_PHRASES = (("local", "government"),)
ADMIN_PHRASE_STARTS = frozenset(phrase[0] for phrase in ADMIN_PHRASES)
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
# "N. Kivu", "S. Sudan", "L. Shabelle": a direction cut short, before a name.
SHORT_DIRECTIONS = {"n": "north", "s": "south", "e": "east", "w": "west", "l": "lower",
                    "u": "upper", "m": "middle"}
SMALL_TOWN = 100_000
# A town in a region the article names elsewhere beats a bigger namesake in another region
# of the country ("Bijapur" in an article about Chhattisgarh), not the article's country.
ARTICLE_REGION_BONUS = 8.0
# Hamlets and villages below this size share their names with too many words and people: they
# count only after a locative preposition ("in", "near") or with a settlement noun ("village").
MINOR_TOWN = 5_000
# A town below this size, in a country the article gives no other sign of, is taken for a
# namesake of the place meant (big cities name their country in the article's context).
NAMESAKE_POPULATION = 1_000_000
MONTH_ABBREVIATIONS = frozenset({"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
                                 "oct", "nov", "dec"})
# Nouns that number the parts of a camp or a town ("Camp 5", "Block 7"): no place's name.
NUMBERED_UNITS = frozenset({"camp", "block", "sector", "zone", "ward", "phase", "section"})
VAGUE_NAMES = frozenset({"centre", "center", "middle", "littoral", "coast", "plateau", "capital",
                         "interior", "lakes", "islands", "coastal", "highlands", "border"})
# "the village of Mbau", "Kabaro village": a settlement named by a word the gazetteer may lack.
SETTLEMENT_NOUNS = frozenset({"village", "town", "township", "locality", "hamlet", "settlement",
                              "commune", "city", "camp", "kebele", "quarter", "vill", "area",
                              "suburb", "outskirts", "community"})
# Parts of a town: "the Khair Khana area of Kabul" names the area, and in "the Aguaruto area of
# Culiacan" the city is the place that counts.
PART_NOUNS = frozenset({"area", "suburb", "quarter"})
VAGUE_NOUNS = frozenset({"area"})
VILLAGE_NOUNS = frozenset({"village", "town", "hamlet", "locality", "settlement", "camp", "vill",
                           "kebele", "commune", "outskirts"})
SETTLEMENT_ROLES = frozenset({"chief", "chiefs", "head", "heads", "headman", "council",
                              "councils", "volunteer", "volunteers", "guard", "guards", "hall",
                              "committee", "committees", "defence", "defense", "elder",
                              "elders", "leader", "leaders"})
# "the Christian community", "a Fulani hamlet": who lives there, not the place's name.
FAITHS_AND_PEOPLES = frozenset({"christian", "muslim", "catholic", "protestant", "anglican",
                                "evangelical", "hindu", "jewish", "sikh", "buddhist", "alawite",
                                "druze", "shia", "shiite", "sunni", "yazidi", "fulani", "peul",
                                "peuhl", "hausa", "tuareg", "rohingya", "kurdish"})
# "the Lala displacement site", "Abu Shouk IDP camp": a camp named by two words.
CAMP_WORDS = frozenset({"displacement", "idp", "idps", "refugee", "refugees", "displaced"})
# "on Jerusalem Boulevard", "Haifa Street": a name before these is a street's (a road or
# highway, "the Elwak-Mandera road", is named after the towns it joins).
STREET_NOUNS = frozenset({"street", "avenue", "boulevard", "st", "ave"})
# "al-Qaeda's Sahel branch", "its Lake Chad wing": a name before these is part of a group's.
GROUP_PART_NOUNS = frozenset({"branch", "branches", "wing", "affiliate", "affiliates",
                              "franchise", "chapter", "faction", "factions", "cell", "cells"})
MAX_UNKNOWN_WORDS = 4
# A capitalised name the gazetteer lacks right after these is taken for a place.
UNKNOWN_LOCATIVE = frozenset({"in", "near", "outside", "at", "nr"})
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
COMPASS = frozenset({"north", "south", "east", "west", "northeast", "northwest", "southeast",
                     "southwest", "n", "s", "e", "w", "ne", "nw", "se", "sw"})
# Natural features and sites named like settlements: "the W National Park, 15 km north of X".
FEATURE_WORDS = frozenset({"park", "national", "reserve", "forest", "mountains", "mountain",
                           "hills", "hill", "lake", "river", "dam", "valley", "desert"})
DISTANCE_WORDS = frozenset({"some", "about", "around", "approximately", "approx", "roughly",
                            "nearly", "km", "kms", "kilometres", "kilometers", "miles", "mi"})
# "Translated from Somali": a language, not the Somali region.
TRANSLATION_WORDS = frozenset({"translated", "translation"})
# "China-brokered talks", "Iran-backed militias": the name qualifies what follows the hyphen.
COMPOUND_HEADS = frozenset({"backed", "led", "based", "brokered", "facilitated", "mediated",
                            "funded", "sponsored", "supported", "made", "run", "owned",
                            "controlled", "held", "linked", "allied", "aligned", "born",
                            "bound", "flagged", "registered", "style", "era", "type"})
ROUTE_NOUNS = frozenset({"road", "highway", "route", "axis"})
# "Brent crude", "Urals blend": a grade of oil named after a place.
OIL_GRADES = frozenset({"crude", "blend"})
WATERWAYS = frozenset({"river", "rivers", "stream", "streams", "creek", "creeks"})
PLURAL_WATERWAYS = frozenset({"rivers", "streams", "creeks"})
# "fled to X", "were airlifted to X", "displaced towards X": X is where people went.
DESTINATION_PREPOSITIONS = frozenset({"to", "toward", "towards", "into"})
DESTINATION_VERBS = frozenset({"fled", "flee", "flees", "fleeing", "displaced", "evacuated",
                               "airlifted", "taken", "rushed", "transferred", "referred",
                               "admitted", "relocated", "driven", "deported", "repatriated",
                               "returning", "headed", "heading"})
# "workers hailing from Punjab", "originally from Kasai": where people came from.
ORIGIN_WORDS = frozenset({"hailing", "hail", "hails", "originally", "originating",
                          # "a family from Sialkot", "pilgrims from Punjab": people's home
                          "family", "families", "pilgrims", "tourists", "migrants",
                          "labourers", "laborers", "passengers", "devotees", "natives"})
# Nouns that end a capitalised name rather than belong to it: "Nyaung Pin Thar village".
RUN_ENDS = SETTLEMENT_NOUNS | CAMP_WORDS | ADMIN_WORDS | LOCAL_UNIT_WORDS
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
    aside: bool = False  # where people went after the event ("fled to X"), not where it was
    owner: PlaceMention | None = None  # the place it is said to be in: "Yemen's" Red Sea
    reference: bool = False  # named to say where another place lies: "north of X"
    vague: bool = False  # "the X area": less telling than a town named with it
    heading: bool = False  # "SITTWE: Junta navy shelled Ponnagyun": a bulletin item's heading
    owns: bool = False  # named as the owner of the next place: "Dhaka's" Paltan area
    bare: bool = False  # right after "in", "near", "outside" or "at": a place whatever it is
    unit: bool = False  # a unit's noun follows: "Beni territory", "Kurram district"

    @property
    def countries(self) -> set[str]:
        return {p.cc for p in self.candidates if p.cc}


def _capitalised(text: str) -> bool:
    return text[:1].isupper()


def _particle_joins(sent: Sentence, k: int) -> bool:
    """Whether word k is a particle inside a name ("Deir Kanoun al-Ras", "San Juan de
    Lurigancho"); an English word among them must be hyphened to the next ("as-Suwayda")."""
    words = sent.words
    part = words[k].part
    return part in PARTICLES and k + 1 < len(words) and sent.linked[k] \
        and _capitalised(words[k + 1].text) \
        and (part not in ENGLISH_PARTICLES or sent.text[words[k].end:words[k].end + 1] == "-")


def _dateline_position(m: PlaceMention) -> bool:
    """The first word of the article in capitals: "MAPUTO, Sept 16 -" (where the reporter
    was), or a bulletin's heading."""
    return m.sentence == 0 and m.first == 0 and m.surface.isupper()


def _direction_of(sent: Sentence, k: int) -> bool:
    """Whether words from k say how far and which way from a place: "some 20 km west of"."""
    words = sent.words
    while k < len(words) and (words[k].part in DISTANCE_WORDS or words[k].text[:1].isdigit()):
        k += 1
    start = k
    while k < len(words) and words[k].part in COMPASS:
        k += 1
    return start < k < len(words) and words[k].part == "of"


def _admin_word(sent: Sentence, k: int, local: bool = True) -> bool:
    """Whether word k names a kind of administrative unit ("district", "Local Government")."""
    words = sent.words
    if k >= len(words):
        return False
    part = words[k].part
    if part in ADMIN_WORDS:
        return True
    if not local:
        return False
    return part in LOCAL_UNIT_WORDS or _admin_phrase(sent, k) > 0


def _admin_phrase(sent: Sentence, k: int) -> int:
    """How many words from k name a kind of unit in a phrase ("Local Government Area")."""
    words = sent.words
    if words[k].part not in ADMIN_PHRASE_STARTS:
        return 0
    for phrase in ADMIN_PHRASES:
        if tuple(w.part for w in words[k:k + len(phrase)]) == phrase:
            end = k + len(phrase)
            return len(phrase) + (end < len(words) and words[end].part in ("area", "areas"))
    return 0


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
        self.regions: list[tuple[PlaceMention, Place]] = []  # the regions the article names
        self.peoples: list[str] = []  # countries of the demonyms the article uses ("Kenyan")

    def find(self, sent: Sentence, blocked: set[int]) -> list[PlaceMention]:
        """Longest place names in `sent`, skipping words in `blocked` (actor names)."""
        words, out = sent.words, []
        demonyms = self.gaz.demonyms
        i = 0
        while i < len(words):
            w = words[i]
            capital = w.text[:1].isupper()
            if capital and w.part in demonyms:
                self.peoples.append(demonyms[w.part or ""])
            if i in blocked or not (capital or w.part in PARTICLES):
                i += 1
                continue
            phrase = _admin_phrase(sent, i) if w.part in ADMIN_PHRASE_STARTS else 0
            if phrase:
                i += phrase  # "Local Government Area" names a kind of unit
                continue
            mention = self._header_code(sent, i) or self._longest(sent, i, blocked)
            run = self._run(sent, i, blocked)
            if run > (mention.last if mention else i) and (
                    self._cued(sent, i, run) or self._admin_after(sent, run)):
                # "Nyaung Pin Thar village", "Mayo-Sava department": the whole run is one
                # name the gazetteer lacks; a known name inside it is not the place meant.
                mention = self._settlement(sent, i, run)
                if mention is None:
                    # "at Tarkint, north of Bourem", "In Beni territory": a particle or a
                    # capitalised "In" starts no name
                    i = run + 1 if _capitalised(w.text) and (w.part or "") not in NOT_NAMES \
                        else i + 1
                    continue
                out.append(mention)
            elif mention is not None and self._acceptable(sent, mention):
                mention.settlement = self._cued(sent, mention.first, mention.last)
                # "the mountains of Las Navas town": a village's or town's noun places it
                # like "in" does (not "the People's Defence Force of Madaya township")
                mention.locative = mention.locative or (
                    mention.settlement and self._village(sent, mention.first, mention.last))
                # "in Liancourt": if only namesakes abroad bear the name, a place all the same
                mention.bare = not mention.settlement and run == mention.last \
                    and mention.first > 0 and self._bare(sent, mention.first, mention.last)
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
        if out:
            out = [m for m in out if not self._not_a_place(sent, m)]
            self._mark(sent, out)
        return out

    def _mark(self, sent: Sentence, mentions: list[PlaceMention]) -> None:
        """What the words around each name say about it (see `PlaceMention`)."""
        words, text = sent.words, sent.text
        ends = {m.last: m for m in mentions}
        for m in mentions:
            nxt = words[m.last + 1].part if m.last + 1 < len(words) else None
            after = text[m.end:m.end + 2]
            if m.locative and nxt is not None and after in ("'s", "’s") \
                    and nxt not in PLACE_NOUNS:
                m.locative = False  # "fighting between Sudan's army and the RSF"
            if m.first > 0:
                m.aside = self._destination(sent, m.first)
                m.owner = self._owner(sent, m.first, ends)
                if m.owner is not None:
                    m.owner.owns = True
                m.reference = self._reference(sent, m.first)
            if nxt is not None:
                m.vague = nxt in VAGUE_NOUNS
                m.unit = m.unit or _admin_word(sent, m.last + 1)
            m.heading = after[:1] == ":" and all(w.text[:1].isdigit() for w in words[:m.first])

    @staticmethod
    def _reference(sent: Sentence, first: int) -> bool:
        """"20 km west of Noshki", "Kazgil, south of El Obeid": a town named to say where
        another place lies (not "in the north of Cauca", a part of it)."""
        words = sent.words
        if first < 2 or words[first - 1].part != "of":
            return False
        k = first - 2
        while k >= 0 and words[k].part in COMPASS:
            k -= 1
        return k < first - 2 and (k < 0 or words[k].part != "the")

    @staticmethod
    def _owner(sent: Sentence, first: int,
               ends: dict[int, PlaceMention]) -> PlaceMention | None:
        """"Yemen's Red Sea province", "Dhaka's Paltan area", "Nigeria's northwestern Zamfara
        state": the place named with "'s" before a name contains it."""
        words = sent.words
        k = first - 1
        while k >= 0 and first - k <= 3 and words[k].part in DIRECTIONS:
            k -= 1
        owner = ends.get(k)
        if owner is None or sent.text[words[k].end:words[k].end + 2] not in ("'s", "’s"):
            return None
        return owner

    @staticmethod
    def _not_a_place(sent: Sentence, m: PlaceMention) -> bool:
        """A name that stands for something else here: a language ("Translated from
        Somali"), a currency ("US$"), a sponsor ("China-brokered talks"), a river ("the Juba
        and Shabelle rivers"), a grade of oil ("Brent crude")."""
        words, text = sent.words, sent.text
        if m.first > 1 and words[m.first - 1].part == "from" \
                and words[m.first - 2].part in TRANSLATION_WORDS:
            return True
        if m.first > 1 and words[m.first - 1].part == "by" \
                and words[m.first - 2].part in COMPOUND_HEADS:
            return True  # "a ceasefire mediated by China", as "China-mediated"
        after = text[m.end:m.end + 1]
        if after == "$":
            return True
        nxt = words[m.last + 1] if m.last + 1 < len(words) else None
        if nxt is None:
            return False
        if after in "-‐‑" and after and nxt.start == m.end + 1 and nxt.part in COMPOUND_HEADS:
            return True
        if nxt.part in WATERWAYS or nxt.part in OIL_GRADES:
            return True
        if m.first > 0 and words[m.first - 1].part == "the" and (
                nxt.part in ROUTE_NOUNS or (nxt.text[:1].isdigit() and m.last + 2 < len(words)
                                            and words[m.last + 2].part in ROUTE_NOUNS)):
            return True  # "on the Velingara road", "the Mexico 15 highway": a road's name
        # "the Juba and Shabelle rivers": the name heads a list of rivers.
        k = m.last + 1
        while k < len(words) and k - m.last <= 4 and (
                words[k].part in ("and", "or") or _capitalised(words[k].text)):
            k += 1
        return k > m.last + 1 and k < len(words) and words[k].part in PLURAL_WATERWAYS

    @staticmethod
    def _destination(sent: Sentence, first: int) -> bool:
        """"fled to Tougan", "airlifted to Nairobi", "taken to the Carlos Chagas hospital":
        where people went or were taken after the event, not where it happened; nor is a
        source ("according to Kinshasa") or where victims came from ("hailing from Punjab")."""
        words = sent.words
        k = first - 1
        while k > 0 and first - k <= 4 and (words[k].part in LOCATIVE_FILLERS
                                             or words[k].part in ("of", "the")):
            k -= 1
        if k < 1:
            return False
        if words[k].part == "from":
            return words[k - 1].part in ORIGIN_WORDS  # "23 labourers hailing from Punjab"
        if words[k].part not in DESTINATION_PREPOSITIONS:
            return False
        if words[k - 1].part == "according":
            return True  # "backed, according to Kinshasa, by ...": the capital as a source
        verb = words[k - 1].part
        if verb in ("back", "away", "home", "out") and k > 1:
            verb = words[k - 2].part
        return verb in DESTINATION_VERBS

    @staticmethod
    def _run(sent: Sentence, i: int, blocked: set[int]) -> int:
        """Last word of the capitalised name starting at word i (settlement nouns excluded)."""
        words, j = sent.words, i
        while j + 1 < len(words) and j - i + 1 < MAX_UNKNOWN_WORDS and sent.linked[j] \
                and j + 1 not in blocked and words[j + 1].part not in RUN_ENDS \
                and not (words[j + 1].part in ADMIN_PHRASE_STARTS and _admin_phrase(sent, j + 1)):
            if _capitalised(words[j + 1].text):
                j += 1
            elif _particle_joins(sent, j + 1):
                j += 2  # "Deir Kanoun al-Ras" (not "Solino as Viv Ansanm gangs")
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
        return _admin_word(sent, last + 1)

    def _cued(self, sent: Sentence, first: int, last: int) -> bool:
        """"village of X", "X village", "X, a farming village": the name is a settlement's."""
        words = sent.words
        nxt = words[last + 1].part if last + 1 < len(words) else ""
        after = words[last + 2].part if last + 2 < len(words) else ""
        if nxt in SETTLEMENT_NOUNS:
            # In "the Russian city of Belgorod" the noun names what follows it (not in "the
            # Khair Khana area of Kabul"); in "Meitei village volunteers" or "Kumbo town
            # hall" it qualifies another noun.
            named_after = after == "of" and (
                nxt not in PART_NOUNS
                or any(self._claimed(w.part or "") for w in words[first:last + 1]))
            if not named_after and after not in SETTLEMENT_ROLES:
                return True
        if nxt in CAMP_WORDS and after in ("site", "camp", "camps", "sites"):
            return True
        if first > 1:
            before = words[first - 1].part
            if before in VILLAGE_NOUNS and words[first - 2].part == "the":
                return True  # "the village Berezovka"
            # "the area of Chai", not "the Aguaruto area of Culiacan" (the city around it)
            if before == "of" and words[first - 2].part in SETTLEMENT_NOUNS \
                    and not (words[first - 2].part in PART_NOUNS and first > 2
                             and _capitalised(words[first - 3].text)):
                return True
        return self._apposed(sent, first, last)

    @staticmethod
    def _village(sent: Sentence, first: int, last: int) -> bool:
        """"X town", "the village of X": named by a village's or a town's noun."""
        words = sent.words
        return (last + 1 < len(words) and words[last + 1].part in VILLAGE_NOUNS) or (
            first > 1 and words[first - 1].part == "of" and words[first - 2].part in VILLAGE_NOUNS)

    @staticmethod
    def _apposed(sent: Sentence, first: int, last: int) -> bool:
        """"Natinga, a suburb of the municipality", "Kalembe, a locality in Walikale": a
        settlement noun in apposition (not "X, a village chief")."""
        words, text = sent.words, sent.text
        if text[words[last].end:words[last].end + 1] != ",":
            return False
        if _direction_of(sent, last + 1):
            # "Kazgil, south of El Obeid", "Um Sumeima, 20 km W of El Obeid"; not a park
            return not any(w.part in FEATURE_WORDS for w in words[first:last + 1])
        if last + 2 >= len(words) or words[last + 1].part not in ("a", "an"):
            return False
        for k in range(last + 2, min(last + 5, len(words))):
            if words[k].part in SETTLEMENT_NOUNS:
                after = words[k + 1].part if k + 1 < len(words) else ""
                return not after or after in LOCATIVE or after in ("of", "some", "about") \
                    or text[words[k].end:words[k].end + 1] in (",", ".", ";")
            if _capitalised(words[k].text):
                return False
        return False

    def _settlement(self, sent: Sentence, i: int, j: int) -> PlaceMention | None:
        """Words i..j as a name the gazetteer lacks, kept when a settlement noun names it or
        a locative preposition puts something there."""
        words = sent.words
        if not (_capitalised(words[i].text) or _particle_joins(sent, i)) \
                or (words[i].part or "") in NOT_NAMES:
            return None  # ("the town of al-Sukhnah" starts with a particle)
        if i == 0:
            return None
        if not self._cued(sent, i, j) and not self._bare(sent, i, j):
            return None
        if any(self._claimed(w.part or "") or w.part in FAITHS_AND_PEOPLES
               for w in words[i:j + 1]):
            return None  # "the Christian community", "a Fulani hamlet", "a Malian village"
        start, end = words[i].start, words[j].end
        return PlaceMention(i, j, start, end, sent.text[start:end], [], True,
                            sentence=sent.index, settlement=True)

    def _bare(self, sent: Sentence, i: int, j: int) -> bool:
        """"in Mamove", "near Gidan Madi": a name no gazetteer entry, actor, demonym, country
        or institution claims, right after "in"/"near"/"outside"/"at" is a place."""
        words = sent.words
        if words[i - 1].part not in UNKNOWN_LOCATIVE \
                or any(self._claimed(w.part or "") for w in words[i:j + 1]):
            return False
        key = " ".join(w.part or "" for w in words[i:j + 1])
        if key in MONTH_ABBREVIATIONS or key in self.gaz.continent_keys:
            return False  # "earlier in Sep", "elsewhere in Europe"
        initials = len(words[i].text) <= 3 and words[i].text.isupper()
        numbered = key in NUMBERED_UNITS and i + 1 < len(words) \
            and words[i + 1].text[:1].isdigit()
        if i == j and (initials or numbered):
            return False  # "near FC convoy" (a force's initials), "in Camp 5", "in Block 7"
        # After "at", one word or a name with a particle is a place ("at Boulkessi", "at Ain
        # al-Asad"); several words are a venue ("at Suhrawardy Udyan"), and "at Eid prayers"
        # an occasion.
        return not (words[i - 1].part == "at" and (
            words[i].text.isupper() or (words[i].part or "") in OCCASIONS
            or (j > i and not any(w.part in PARTICLES for w in words[i:j + 1]))))

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
        first = w.part or ""
        best = None
        if first in SHORT_DIRECTIONS and sent.text[w.end:w.end + 1] == ".":
            best = self._match(sent, i, blocked, SHORT_DIRECTIONS[first])  # "N. Kivu"
            if best is not None and best[0] == i:
                return None  # "E. Gojjam" is the east of a place the gazetteer lacks
        best = best or self._match(sent, i, blocked, first)
        if best is None:
            return None
        j, ids = best
        start, end = w.start, words[j].end
        unit = _admin_word(sent, j + 1)
        return PlaceMention(i, j, start, end, sent.text[start:end],
                            [self.gaz.place(pid) for pid in ids], locative(sent, i),
                            (unit and _admin_word(sent, j + 1, local=False))
                            or self._admin_before(sent, i), sentence=sent.index, unit=unit)

    def _match(self, sent: Sentence, i: int, blocked: set[int],
               first: str) -> tuple[int, tuple[int, ...]] | None:
        """The last word and the ids of the longest known name from word i, whose first word
        is read as `first`."""
        words = sent.words
        best = None
        key = ""
        for j in range(i, min(i + MAX_NAME_WORDS, len(words))):
            if j > i and (not sent.linked[j - 1] or j in blocked):
                break
            key = f"{key} {words[j].part}" if key else first
            # (a name ends capitalised, or with its unit's kind: "Kyiv region")
            if not (words[j].text[:1].isupper() or (j > i and words[j].part in ADMIN_WORDS)):
                continue
            ids = self.gaz.ids(key)
            if ids and self.gaz.written_as(key, sent.text, words[i].start, words[j].end):
                best = (j, ids)
        return best

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
        if m.last + 1 < len(words) and words[m.last + 1].part in GROUP_PART_NOUNS:
            return False  # "al-Qaeda's Sahel branch" names a group, not where it acted
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
        if self._name_before(sent, m.first):
            # "Lloyd Austin": a capitalised word before the name makes it a person's name,
            # also past other place names ("spokesman Abdifatah Aden Hassan");
            # "Negros Oriental" is no more Morocco's Oriental region than Austin is a town.
            if m.last + 1 >= len(words) or not _capitalised(words[m.last + 1].text):
                self.surnames.add(key)
            m.candidates = [p for p in m.candidates if p.kind == "country"]
            return bool(m.candidates)
        k = m.first - 1
        while k > 0 and words[k].part in PARTICLES and sent.linked[k]:
            k -= 1
        if k < m.first - 1 and _capitalised(words[k].text) and sent.linked[k] \
                and (words[k].part or "") not in NOT_NAMES:
            # "Complexo da Pedreira", "Comandos de la Frontera": the end of a longer name
            m.candidates = [p for p in m.candidates if p.kind == "country"]
            return bool(m.candidates)
        if m.last + 1 < len(words) and sent.linked[m.last] and _particle_joins(sent, m.last + 1):
            # "San Juan de Lurigancho" is not San Juan
            m.candidates = [p for p in m.candidates if p.kind == "country"]
            return bool(m.candidates)
        nxt = words[m.last + 1] if m.last + 1 < len(words) else None
        # A small town's name, or another spelling of a town's, running into another
        # capitalised word is part of a longer name ("Intan Jaya" is not Yingtan's "Intan").
        small = max(p.pop for p in m.candidates) < SMALL_TOWN \
            or all(name_key(p.name) != key for p in m.candidates)
        return not (towns_only and small and nxt is not None and _capitalised(nxt.text)
                    and sent.linked[m.last] and not self.gaz.ids(nxt.part or ""))

    def _name_before(self, sent: Sentence, first: int) -> bool:
        """Whether capitalised words run into word `first`, one of them no place name."""
        words = sent.words
        k = first - 1
        while k >= 0 and _capitalised(words[k].text) and sent.linked[k] \
                and (words[k].part or "") not in NOT_NAMES \
                and (words[k].part or "") not in AREA_PREFIXES:
            if not self.gaz.ids(words[k].part or ""):
                return True
            k -= 1
        return False

    def resolve(self, mentions: list[PlaceMention], context: Counter[str]) -> None:
        """`resolve_article` for one sentence's mentions."""
        self.resolve_article([mentions], context)

    def resolve_article(self, sentences: list[list[PlaceMention]],
                        context: Counter[str]) -> None:
        """Pick each mention's place, sentence by sentence: a region or country named in the
        same sentence first, then the regions and countries the article names, then size and
        kind. A small town of a country the article never names is a namesake: the mention
        stays unresolved (or, when a settlement noun names it, becomes a place of the
        sentence's region, else of the region the article is about)."""
        # The regions the article names, "in Mopti" among them (the town it is named after).
        named_regions: list[tuple[PlaceMention, Place]] = []
        for mentions in sentences:
            for m in mentions:
                if m.candidates and any(p.kind != "place" for p in m.candidates):
                    candidates = self._owned(m)
                    if not candidates or self._foreign(m, candidates, context):
                        continue
                    m.place = max(candidates, key=lambda p: self._score(p, m, context))
                    area = m.place
                    if m.place.kind == "admin1" and not m.admin_hint:
                        m.place = self._seat(m, m.place)
                    if area.kind in ("admin1", "region") and not (
                            _dateline_position(m) and m.place.kind == "place"):
                        named_regions.append((m, area))
        self.regions = named_regions
        article = {unit for _, area in named_regions for unit in self._units(area)}
        # The countries the article names, themselves or by a region of theirs.
        areas = {m.place.cc for mentions in sentences for m in mentions
                 if m.place is not None and m.place.kind != "place"}
        for mentions in sentences:
            self._resolve_towns(mentions, context, article, areas)
        # Where a place the gazetteer lacks may lie: the regions the article names, else
        # those of the towns it names.
        towns: list[tuple[PlaceMention, Place]] | None = None
        for mentions in sentences:
            # (a bare name is rescued only from namesakes in countries not in question)
            lacking = [m for m in mentions if m.place is None and (m.settlement or (
                m.bare and not any(context.get(p.cc or "") for p in m.candidates)))]
            if not lacking:
                continue
            if towns is None:
                towns = self._town_regions(sentences)
            near = [m.place for m in mentions if m.place is not None and m.place.kind != "place"]
            known = [m for m in mentions if m.place is not None and m.place.kind == "place"]
            for m in lacking:
                m.place = self._unknown(m, near, known, context, (named_regions, towns))

    def _town_regions(self, sentences: list[list[PlaceMention]],
                      ) -> list[tuple[PlaceMention, Place]]:
        """The admin1 unit of each town the article names (a dateline's aside)."""
        out = []
        for mentions in sentences:
            for m in mentions:
                town = m.place
                if town is None or town.kind != "place" or town.admin1 is None \
                        or _dateline_position(m) or town.cc is None:
                    continue
                pid = self.gaz.find_admin1(town.cc, town.admin1)
                if pid is not None:
                    out.append((m, self.gaz.place(pid)))
        return out

    def _owned(self, m: PlaceMention) -> list[Place]:
        """The candidates that lie in the place named as the mention's owner ("Yemen's Red
        Sea" is not Sudan's Red Sea state): with no owner, all of them."""
        owner = m.owner.place if m.owner is not None else None
        if owner is None:
            return m.candidates
        if owner.kind == "country":
            return [p for p in m.candidates if p.cc == owner.cc and p.kind != "country"]
        # "Conakry's Hamdallaye", "Darfur's Tawila": a town in the city's or region's units
        units = self._units(owner) if owner.kind != "place" else [(owner.cc, owner.admin1)]
        return [p for p in m.candidates if p.kind == "place" and (p.cc, p.admin1) in units]

    @staticmethod
    def _foreign(m: PlaceMention, candidates: list[Place], context: Counter[str]) -> bool:
        """"the North-West" in an article about Nigeria: a name that regions of several
        countries bear, none of which the article is about (the name itself aside)."""
        countries = {p.cc for p in candidates}
        if len(countries) < 2 or any(p.kind == "country" for p in candidates):
            return False  # (a country's own name is never another's region)
        rest = context.copy()
        own = _support(m)
        if own is not None:
            rest[own[0]] -= 1
        rest = +rest  # the countries named elsewhere
        return bool(rest) and not any(rest.get(cc or "") for cc in countries)

    def _units(self, area: Place) -> list[tuple[str | None, str | None]]:
        """(country, admin1) of each first-level unit an admin1 unit or a region covers."""
        members = self.gaz.region_members.get(area.id, ()) if area.kind == "region" else ()
        return [(area.cc, area.admin1 or area.name), *((area.cc, name) for name in members)]

    def _resolve_towns(self, mentions: list[PlaceMention], context: Counter[str],
                       article: set[tuple[str | None, str | None]],
                       areas: set[str | None]) -> None:
        towns = [m for m in mentions if m.candidates
                 and all(p.kind == "place" for p in m.candidates)]
        near = [m.place for m in mentions if m.place is not None and m not in towns]
        # (a province named without its kind stands for its capital: "the Belgorod governor";
        # a dateline's city says where the reporter was)
        regions = {unit for m in mentions
                   if m.place is not None and m not in towns and m.place.kind != "country"
                   and not (m.place.kind == "place" and _dateline_position(m))
                   for unit in (self._units(m.place) if m.place.kind != "place"
                                else [(m.place.cc, m.place.admin1)])}
        named = {p.cc for p in near}
        # The countries of the big towns each sentence names unambiguously; a dateline's
        # city is left out, since it says where the reporter was.
        anchors: set[str] = set()
        for m in towns:
            if len(m.countries) == 1 and max(p.pop for p in m.candidates) >= SMALL_TOWN \
                    and not _dateline_position(m):
                anchors |= m.countries
        for m in towns:
            others = anchors - m.countries
            kept = [p for p in self._owned(m) if not self._namesake(p, m, context, named, areas)
                    and not (p.cc not in named and self._stray(p, m, others))]
            if kept and m.settlement and self._elsewhere(kept, regions):
                continue  # left to be placed in the sentence's region
            if kept:
                m.place = max(kept, key=lambda p: self._score(p, m, context)
                              + 20.0 * ((p.cc, p.admin1) in regions) + 5.0 * (p.cc in named)
                              + ARTICLE_REGION_BONUS * ((p.cc, p.admin1) in article))

    @staticmethod
    def _elsewhere(candidates: list[Place], regions: set[tuple[str | None, str | None]]) -> bool:
        """"In Belgorod region ... the village of Berezovka": a village of a region the
        sentence does not name is a namesake of the one meant."""
        countries = {cc for cc, _ in regions}
        return any(p.cc in countries for p in candidates) \
            and not any((p.cc, p.admin1) in regions for p in candidates)

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
                  named: set[str | None], areas: set[str | None]) -> bool:
        if not context or p.cc in named:
            return False
        if p.pop < MINOR_TOWN:  # a hamlet only in the country the article is mostly about
            return p.cc != context.most_common(1)[0][0]
        if name_key(p.name) != name_key(m.surface):
            # Another spelling of a city abroad ("Samar" for Samara): however big the city,
            # the article must be about its country, or name it or a region of it.
            return p.cc != context.most_common(1)[0][0] and p.cc not in areas
        return p.pop < NAMESAKE_POPULATION and not context.get(p.cc or "")

    def _unknown(self, m: PlaceMention, near: list[Place], towns: list[PlaceMention],
                 context: Counter[str],
                 regions: tuple[list[tuple[PlaceMention, Place]], ...]) -> Place | None:
        """A place the gazetteer lacks, placed at a town the sentence names with it ("the
        village of X, outside Y"), or in the region or country the sentence names; in a
        country alone, it goes to the region of that country the article is about."""
        area = next((p for p in near if p.kind in ("admin1", "region")), None) \
            or next((p for p in near if p.kind == "country"), None)
        owner = m.owner.place if m.owner is not None else None
        if owner is not None and owner.kind == "place":
            return Place(UNKNOWN, m.surface, "place", owner.cc, owner.admin1, owner.lat,
                         owner.lon, 0)
        if owner is not None:
            area = owner
        # The town named next to it, the one after it first: "X, north of Y".
        units = None if area is None or area.kind == "country" else self._units(area)
        for t in sorted(towns, key=lambda t: (t.first < m.first, abs(t.first - m.last))):
            anchor = t.place
            if anchor is not None and (within(anchor, area) if units is None
                                       else (anchor.cc, anchor.admin1) in units):
                return Place(UNKNOWN, m.surface, "place", anchor.cc, anchor.admin1,
                             anchor.lat, anchor.lon, 0)
        if area is None and context:
            # the article's country; else the region named last before, of another country
            # the article names ("WEST BANK" in a story told by its Israeli actors)
            top = context.most_common(1)[0][0]
            if not any(a.cc == top for kind in regions for _, a in kind):
                area = self._article_region(
                    m, None, *[[(r, a) for r, a in kind if context[a.cc or ""]]
                               for kind in regions])
            area = area or self.gaz.country(top)
        if area is None or area.cc is None:
            return None
        if area.kind == "country":
            area = self._article_region(m, area.cc, *regions) or area
        admin1 = None if area.kind == "country" else (area.admin1 or area.name)
        return Place(UNKNOWN, m.surface, "place", area.cc, admin1, area.lat, area.lon, 0)

    def region_at(self, cc: str, sentence: int) -> Place | None:
        """The region of country `cc` the article names last up to `sentence`, else first
        after it: where an incident whose sentences name no place is."""
        inside = [(m, area) for m, area in self.regions if area.cc == cc]
        before = [area for m, area in inside if m.sentence <= sentence]
        return before[-1] if before else (inside[0][1] if inside else None)

    @staticmethod
    def _article_region(m: PlaceMention, cc: str | None,
                        named: list[tuple[PlaceMention, Place]],
                        towns: list[tuple[PlaceMention, Place]]) -> Place | None:
        """The region the article names last before `m`, else (in country `cc`) first after;
        else the region of the town named last before it."""
        for regions, after in ((named, cc is not None), (towns, False)):
            inside = [(r, area) for r, area in regions if cc is None or area.cc == cc]
            before = [area for r, area in inside if (r.sentence, r.first) < (m.sentence, m.first)]
            if before or (after and inside):
                return before[-1] if before else inside[0][1]
        return None

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


def _support(m: PlaceMention) -> tuple[str, bool] | None:
    """The country a mention names unambiguously, and whether it counts when other names do
    (small towns count only when nothing else does: many share their name with a town
    elsewhere)."""
    countries = m.countries
    if len(countries) == 1:
        small = all(p.kind == "place" and p.pop < SMALL_TOWN for p in m.candidates)
        return next(iter(countries)), not small
    if countries:
        # "London": the capital of millions, not the towns of thousands named after it.
        ranked = sorted(m.candidates, key=lambda p: -p.pop)
        top, rest = ranked[0], [p.pop for p in ranked[1:] if p.cc != ranked[0].cc]
        if top.cc and top.pop >= SMALL_TOWN and top.pop >= 10 * max(rest, default=0):
            return top.cc, True
    return None


def context_countries(mentions: list[PlaceMention], demonym_countries: list[str],
                      peoples: Sequence[str] = ()) -> Counter[str]:
    """How often the article names each country unambiguously: countries, regions and big
    towns, demonyms and actors' countries. Small towns count only when no other place does:
    many share their name with a town elsewhere; the nationalities the article mentions
    ("the Kenyan government said") only when nothing else names a country."""
    counts: Counter[str] = Counter()
    weak: Counter[str] = Counter()
    for m in mentions:
        support = _support(m)
        if support is not None:
            cc, strong = support
            (counts if strong else weak)[cc] += 1
    counts = counts or weak
    # Places first: on a tie, the country named beats the people named ("Rwandan troops").
    counts.update(demonym_countries)
    return counts or Counter(peoples)
