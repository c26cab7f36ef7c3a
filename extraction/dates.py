"""Dates in a sentence, resolved against the publication date.

"on Thursday" is the most recent Thursday on or before publication, "yesterday" and "last
night" the day before, "overnight" the night that ended on the day of publication, "October
17" the latest such day not after publication, unless the text looks ahead to it ("a truce to
begin on Aug. 3": a day to come within four months, no event's date). A date right after a
speech verb ("said on Thursday") is when it was reported, weaker evidence than a date in the
event clause; "since October 17" starts a series."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from extraction.patterns import lower, word_starts

# "event": when it happened; "report": when someone said it; "filed": a dateline's date, when
# the story was filed; "since": the start of a series; "year": a bare year; "future": a day
# still to come ("a truce to begin on Aug. 3").
DateKind = Literal["event", "report", "filed", "since", "year", "future"]
FUTURE_DAYS = 120  # a month and day this far after publication is ahead, not last year's
HISTORY_DAYS = 60  # an event dated further back than this before publication is history

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"])}
MONTHS.update({"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
               "sept": 9, "oct": 10, "nov": 11, "dec": 12})

_MONTH = r"(?P<month>January|February|March|April|May|June|July|August|September|October|" \
         r"November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|" \
         r"Nov\.?|Dec\.?)"
# The word before a date that says how it is meant ("since", "last"), looked for just before a
# match: a pattern opening with an optional group would be tried at every character.
_PREFIX = re.compile(r"\b(since|on|from|early|late|last|this|past|until|began on|started on)"
                     r"\s+$", re.IGNORECASE)
_PREFIXED = frozenset({"md", "dm", "my", "dmn", "weekday"})
_PATTERNS = [
    ("iso", re.compile(r"\b(?P<y>20\d\d)-(?P<m>\d\d)-(?P<d>\d\d)\b")),
    ("md", re.compile(_MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b"
                      r"(?:,?\s+(?P<year>(?:19|20)\d\d))?")),
    ("dm", re.compile(r"(?:the\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?"
                      + _MONTH + r"(?:,?\s+(?P<year>(?:19|20)\d\d))?\b")),
    ("my", re.compile(_MONTH + r",?\s+(?P<year>(?:19|20)\d\d)\b")),
    # Bulletins' day/month, "on 18/08" or "13/01/25"; not "24/7", "9/11" or a score "2/3".
    ("dmn", re.compile(r"(?<![\d/.])(?P<day>[0-3]?\d)/(?P<mon>[01]?\d)"
                       r"(?:/(?P<year>(?:20)?\d\d))?(?![\d/])")),
    ("weekday", re.compile(r"\b(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|"
                           r"Saturday|Sunday)s?\b")),
    ("yesterday", re.compile(r"\b(?P<prefix>)(?:yesterday|last night|the previous day|"
                             r"the day before)\b", re.IGNORECASE)),
    ("today", re.compile(r"\b(?P<prefix>)(?:today|this morning|this afternoon|this evening|"
                         r"tonight|overnight|earlier today|earlier on \w+day)\b", re.IGNORECASE)),
    ("ago", re.compile(r"\b(?P<prefix>)(?P<n>\d+|two|three|four|five|six)\s+days\s+ago\b",
                       re.IGNORECASE)),
    # "in 2023", "during the 2024 unrest", "on Christmas Eve 2023"
    ("year", re.compile(r"\b(?P<prefix>in|since|during|of|during\s+the|(?:Christmas|Easter|"
                        r"New\s+Year's)(?:\s+(?:Eve|Day|Sunday))?)\s+(?P<year>(?:19|20)\d\d)\b")),
]
# A sentence with none of these word beginnings and no digit holds no date expression.
_GATE = frozenset([*(d[:3] for d in WEEKDAYS), *(m[:3] for m in MONTHS), "yes", "las", "ove", "pre",
                   "day", "tod", "thi", "ton", "ear", "ago"])
_DIGIT = re.compile(r"\d")
# What a text must hold for a pattern to match in it: a digit ("md": the day, "my": the year),
# a month's first three letters (each name in _MONTH starts with them, in capitals), "day"
# (every weekday name ends in it).
_MONTH_START = re.compile(r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec")
_NEEDS: dict[str, tuple[str, ...]] = {"iso": ("digit",), "dmn": ("digit",),
                                      "md": ("digit", "month"), "dm": ("digit", "month"),
                                      "my": ("digit", "month"),
                                      "weekday": ("day",), "year": ("digit",)}
# "GUSAU, May 16 (Wire) - ...": the dateline says when the story was filed, not the event.
_DATELINE_END = re.compile(r"\s*(?:\([^)]{1,40}\))?\s*[-–—]\s")
# "IMPHAL, Sept 18: ..." files the story too; a bulletin's bare "18 Sep: ..." dates its item.
_DATELINE_CITY = re.compile(r"\s*[A-Z][\w.'’ -]{1,30},\s*$")
_COLON_END = re.compile(r"\s*:\s")
DATELINE_CHARS = 80
# "the toll from Monday night's blast": the day of the event, not the start of a series.
_POSSESSIVE = re.compile(r"(?:\s+(?:night|morning|evening|afternoon))?['’]s\b")
_DAY_BEFORE = re.compile(r"the previous day|the day before", re.IGNORECASE)
_NOT_DATES = frozenset({"24/7", "9/11", "26/11", "7/7"})
# A bulletin's day/month stands after "on", "of" ("the night of 12/08"), a bracket or at an
# item's start ("- 18/08 Kidal: ..."), or before a colon ("18/08: ...").
_DMN_BEFORE = re.compile(r"(?:\b(?:on|of)\s+|\(|^\s*|\n\s*|(?:^|\s)[-•*–—|/]\s*)$")
_DMN_AFTER = re.compile(r"\s*[:)]")
_SMALL = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
# "the first since 2016", "the deadliest attack since 2019": a comparison, not the event's date.
_COMPARED = re.compile(r"\b(?:first|deadliest|worst|biggest|largest|heaviest|bloodiest|highest|"
                       r"lowest|most\s+\w+)(?:\s+\w+){0,3}\s+$", re.IGNORECASE)
_FUTURE_CUE = re.compile(r"\b(?:to (?:begin|start|run|end|last|take effect|expire)|will|would|"
                         r"from|until|till|due|scheduled|set to|starting|expected|planned|"
                         r"by)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
_SPEECH = re.compile(r"\b(?:said|says|told|announced|reported|confirmed|stated|added|claimed|"
                     r"accused|alleged|blamed|denied|"
                     r"noted|explained|warned|declared|wrote|tweeted|posted)\s+(?:\w+\s+){0,2}$",
                     re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DateMention:
    start: int
    end: int
    value: date | None
    kind: DateKind


def _month_day(published: date | None, month: int, day: int, year: int | None) -> date | None:
    if year is None and published is None:
        return None
    try:
        if year is not None:
            return date(year, month, day)
        assert published is not None
        found = date(published.year, month, day)
        if found > published + timedelta(days=1):
            found = date(published.year - 1, month, day)
        return found
    except ValueError:
        return None


def _ahead(kind: str, m: re.Match[str], start: int, text: str, published: date | None,
           ) -> date | None:
    """The day to come a month and day names after "to begin on", "until", "from", "due"
    (within four months of publication), else None: "a truce to begin on Aug. 3"."""
    if kind not in ("md", "dm") or published is None or m.group("year") \
            or not _FUTURE_CUE.search(text[max(0, start - 40):start]):
        return None
    try:
        day = date(published.year, MONTHS[m.group("month").lower().rstrip(".")],
                   int(m.group("day")))
    except ValueError:
        return None
    return day if 1 < (day - published).days <= FUTURE_DAYS else None


def _resolve(kind: str, m: re.Match[str], published: date | None, prefix: str) -> date | None:
    groups = m.groupdict()
    if kind == "iso":
        try:
            return date(int(groups["y"]), int(groups["m"]), int(groups["d"]))
        except ValueError:
            return None
    if kind == "dmn":
        if (len(groups["day"]) + len(groups["mon"]) < 3 and not groups["year"]) \
                or f'{groups["day"]}/{groups["mon"]}' in _NOT_DATES \
                or not (groups["year"] or prefix or _DMN_BEFORE.search(
                    m.string, 0, m.start()) or _DMN_AFTER.match(m.string, m.end())):
            return None  # "26/11 attacks", "1/10 of the aid": a date only where one is due
        year = groups["year"]
        return _month_day(published, int(groups["mon"]), int(groups["day"]),
                          None if year is None else 2000 + int(year[-2:]))
    if kind in ("md", "dm"):
        month = MONTHS[groups["month"].lower().rstrip(".")]
        year = int(groups["year"]) if groups.get("year") else None
        return _month_day(published, month, int(groups["day"]), year)
    if kind == "year":
        return date(int(groups["year"]), 1, 1)
    if kind == "my":
        return date(int(groups["year"]), MONTHS[groups["month"].lower().rstrip(".")], 1)
    if published is None:
        return None
    if kind == "weekday":
        target = WEEKDAYS.index(groups["weekday"].lower())
        back = (published.weekday() - target) % 7
        if back == 0 and prefix == "last":
            back = 7
        return published - timedelta(days=back)
    if kind == "yesterday":
        return published - timedelta(days=1)
    if kind == "today":
        return published
    if kind == "ago":
        n = groups["n"]
        return published - timedelta(days=int(n) if n.isdigit() else _SMALL[n.lower()])
    return None


def is_history(mentions: list[DateMention], published: date | None) -> bool:
    """True when a sentence dates what it reports long before publication ("in April 2018",
    "the September 11, 2001 attacks", "since March 2023, 300 people have been killed")."""
    if published is None:
        return False
    for d in mentions:
        if d.value is None or d.kind in ("report", "filed"):
            continue
        if d.kind == "year":
            if d.value.year < published.year:
                return True
        elif (published - d.value).days > HISTORY_DAYS:
            return True
    return False


def find_dates(text: str, published: date | None, starts: frozenset[str] | None = None,
               ) -> list[DateMention]:
    """Date expressions in `text`, in order, without overlaps (`starts`: its `word_starts`)."""
    found: list[DateMention] = []
    if starts is None:
        starts = word_starts(lower(text))
    has = {"digit": _DIGIT.search(text) is not None}
    if _GATE.isdisjoint(starts) and not has["digit"]:
        return found
    has["month"] = _MONTH_START.search(text) is not None
    has["day"] = "day" in text
    for kind, pattern in _PATTERNS:
        if not all(has[need] for need in _NEEDS.get(kind, ())):
            continue  # the pattern cannot match this text
        for m in pattern.finditer(text):
            before = _PREFIX.search(text, max(0, m.start() - 24), m.start()) \
                if kind in _PREFIXED else None
            start = before.start() if before else m.start()
            if any(start < d.end and d.start < m.end() for d in found):
                continue
            if _quoted(text, start, m.end()):
                continue  # "a military source told "26 September"": a newspaper's name
            prefix = (before.group(1) if before else m.groupdict().get("prefix") or "")
            prefix = " ".join(prefix.lower().split())
            if prefix == "since" and _COMPARED.search(text[max(0, start - 40):start]):
                continue
            if kind == "year":
                label: DateKind = "year"
            elif prefix in ("since", "from", "began on", "started on") \
                    and not _POSSESSIVE.match(text, m.end()):
                label = "since"
            elif start < DATELINE_CHARS and (_DATELINE_END.match(text, m.end()) or (
                    _COLON_END.match(text, m.end()) and _DATELINE_CITY.fullmatch(text, 0, start))):
                label = "filed"
            elif _SPEECH.search(text[max(0, start - 40):start]):
                label = "report"
            else:
                label = "event"
            value = _resolve(kind, m, published, prefix)
            if kind == "dmn" and value is None:
                continue  # a score, a fraction, "24/7"
            ahead = _ahead(kind, m, start, text, published)
            if ahead is not None:
                value, label = ahead, "future"
            found.append(DateMention(start, m.end(), value, label))
    found.sort(key=lambda d: d.start)
    return _day_before_named(found, text)


_QUOTES = "\"“”'‘’«»"


def _quoted(text: str, start: int, end: int) -> bool:
    """A date that is the whole of a quotation names something: a newspaper, a movement."""
    return start > 0 and end < len(text) and text[start - 1] in _QUOTES and text[end] in _QUOTES


def _day_before_named(found: list[DateMention], text: str) -> list[DateMention]:
    """"The previous day" is the day before the one the sentence names ("the army said on
    Wednesday ... the previous day"), not before publication."""
    named = next((d.value for d in found if d.value is not None
                  and d.kind in ("event", "report", "filed")
                  and not _DAY_BEFORE.fullmatch(text, d.start, d.end)), None)
    if named is None:
        return found
    return [DateMention(d.start, d.end, named - timedelta(days=1), d.kind)
            if _DAY_BEFORE.fullmatch(text, d.start, d.end) else d for d in found]
