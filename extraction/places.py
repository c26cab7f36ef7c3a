"""Place names in a sentence, and which gazetteer entry each one means.

Only capitalised word runs are looked up. A town name that is also an English word ("Police",
"Mobile") counts only after a locative preposition; a town name inside a person's name
("Lloyd Austin") does not count, and neither does that surname later in the article.
Ambiguous names go to the country the article talks about, then to the bigger place.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from extraction.gazetteer import MAX_NAME_WORDS, Gazetteer, Place
from extraction.text import Sentence

PARTICLES = frozenset({"al", "el", "ad", "as", "ar", "an", "ash", "at", "az", "ed", "es", "ez",
                       "le", "la", "les", "de", "du", "di", "da", "ba", "bani", "beni"})
LOCATIVE = frozenset({"in", "near", "at", "outside", "inside", "across", "around", "throughout",
                      "into", "within", "along", "toward", "towards", "between", "from",
                      "nearby", "outskirts", "over", "on"})
PLACE_NOUNS = frozenset({"town", "city", "village", "region", "province", "state", "district",
                         "outskirts", "north", "south", "east", "west", "northeast", "northwest",
                         "southeast", "southwest", "suburb", "suburbs", "area", "governorate",
                         "county", "capital", "port", "parts", "areas", "centre", "center",
                         "heart", "countryside", "border", "borders", "locality", "municipality",
                         "department", "oblast", "prefecture", "neighbourhood", "neighborhood",
                         "camp", "territory", "villages", "towns", "cities", "regions"})
ADMIN_WORDS = frozenset({"province", "state", "governorate", "region", "oblast", "district",
                         "county", "department", "prefecture", "provinces", "states", "regions"})
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
SMALL_TOWN = 100_000
MONTH_ABBREVIATIONS = frozenset({"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
                                 "oct", "nov", "dec"})
VAGUE_NAMES = frozenset({"centre", "center", "middle", "littoral", "coast", "plateau", "capital",
                         "interior", "lakes", "islands", "coastal", "highlands", "border"})


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
    extra: dict[str, bool] = field(default_factory=dict)

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
        if part in LOCATIVE or (part == "of" and k > 0 and words[k - 1].part in PLACE_NOUNS):
            return True
        if words[k].text[:1].isupper() and sent.text[words[k].end:words[k].end + 2] in ("'s", "’s"):
            continue  # "in Nigeria's northwestern Zamfara state"
        if part not in DIRECTIONS and part not in ("the", "northern", "southern", "eastern",
                                                    "western", "central", "restive",
                                                    "autonomous", "occupied", "besieged"):
            return False
    return False


class PlaceFinder:
    """Finds and resolves place names for one article (it remembers people's surnames)."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gaz = gazetteer
        self.surnames: set[str] = set()
        self._cs_keys = frozenset(gazetteer.case_sensitive.values())

    def find(self, sent: Sentence, blocked: set[int]) -> list[PlaceMention]:
        """Longest place names in `sent`, skipping words in `blocked` (actor names)."""
        words, out = sent.words, []
        i = 0
        while i < len(words):
            w = words[i]
            if i in blocked or not (w.text[:1].isupper() or w.part in PARTICLES):
                i += 1
                continue
            mention = self._longest(sent, i, blocked)
            if mention is None:
                i += 1
                continue
            if self._acceptable(sent, mention):
                out.append(mention)
            i = mention.last + 1
        return out

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
            if ids and (key not in self._cs_keys
                        or sent.text[w.start:words[j].end] in self.gaz.case_sensitive):
                best = (j, ids)
        if best is None:
            return None
        j, ids = best
        start, end = w.start, words[j].end
        nxt = words[j + 1].part if j + 1 < len(words) else ""
        return PlaceMention(i, j, start, end, sent.text[start:end],
                            [self.gaz.place(pid) for pid in ids], locative(sent, i),
                            nxt in ADMIN_WORDS, sentence=sent.index)

    def _acceptable(self, sent: Sentence, m: PlaceMention) -> bool:
        words = sent.words
        if m.first == m.last and (words[m.first].part or "") in MONTH_ABBREVIATIONS:
            return False  # "30 Nov:" in a bulletin is a date, not the town of Nov
        towns_only = all(p.kind == "place" for p in m.candidates)
        key = " ".join(w.part or "" for w in words[m.first:m.last + 1])
        if towns_only and key in self.surnames:
            return False
        if towns_only and key in self.gaz.common and (not m.locative or m.first == 0):
            return False
        if key in DIRECTIONS or key in VAGUE_NAMES:
            # "East", "Centre", "Middle East": region names only with "region"/"province".
            m.candidates = [p for p in m.candidates if p.kind == "country"]
            if not (m.candidates or m.admin_hint):
                return False
            m.candidates = m.candidates or [p for p in self.gaz.lookup(key)]
        prev = words[m.first - 1] if m.first > 0 else None
        if prev is not None and _capitalised(prev.text) and (prev.part or "") not in NOT_NAMES \
                and sent.linked[m.first - 1] and not self.gaz.ids(prev.part or ""):
            # "Lloyd Austin": a capitalised word before the name makes it a person's name.
            if m.last + 1 >= len(words) or not _capitalised(words[m.last + 1].text):
                self.surnames.add(key)
            m.candidates = [p for p in m.candidates if p.kind != "place"]
            return bool(m.candidates)
        nxt = words[m.last + 1] if m.last + 1 < len(words) else None
        small = max(p.pop for p in m.candidates) < SMALL_TOWN
        # A small town's name running into another capitalised word is part of a longer name.
        return not (towns_only and small and nxt is not None and _capitalised(nxt.text)
                    and sent.linked[m.last] and not self.gaz.ids(nxt.part or ""))

    def resolve(self, mentions: list[PlaceMention], context: Counter[str]) -> None:
        """Pick each mention's place: context country first, then size and kind."""
        for m in mentions:
            m.place = max(m.candidates, key=lambda p: self._score(p, m, context))

    @staticmethod
    def _score(p: Place, m: PlaceMention, context: Counter[str]) -> float:
        kind_bonus = {"country": 8.0, "region": 6.0, "admin1": 3.0, "place": 0.0}[p.kind]
        if m.admin_hint and p.kind in ("admin1", "region"):
            kind_bonus += 15.0
        ctx = 10.0 * min(context.get(p.cc or "", 0), 3) if p.cc else 0.0
        return kind_bonus + ctx + 2.0 * math.log10(p.pop + 10)


def context_countries(mentions: list[PlaceMention], demonym_countries: list[str],
                      ) -> Counter[str]:
    """How often the article names each country unambiguously (places and demonyms)."""
    counts: Counter[str] = Counter(demonym_countries)
    for m in mentions:
        countries = m.countries
        if len(countries) == 1:
            counts[next(iter(countries))] += 1
    return counts
