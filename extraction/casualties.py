"""Casualty counts in a sentence: killed and injured, 0 when the text says none.

Patterns live in config/patterns/casualties.yaml; counts are conservative: "at least 21" is
21, "between 10 and 15" is 10, "dozens" is 12.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from extraction.patterns import compile_lower, gate, lower, matches_at, prefixes

_QUALIFIERS = ("at least", "more than", "over", "nearly", "almost", "about", "around", "some",
               "up to", "as many as", "roughly", "approximately", "an estimated", "a total of",
               "at most", "fewer than", "less than", "upwards of", "no fewer than",
               "in excess of", "a further", "another")
_QUALIFIER = rf"(?:(?:{'|'.join(_QUALIFIERS)})\s+)?"
_DIGITS = r"\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\+(?=\s))?(?!\d|[,:/.]\d)"  # "30+": at least 30
_LEADING_QUALIFIER = re.compile(rf"^{_QUALIFIER}")
_SPLIT = re.compile(r"[\s-]+")
_CLAUSE_BREAK = re.compile(r"[;,:()]|[.!?]\s|\s[-–—]\s")
_WORD = re.compile(r"\w+")


# A compiled casualty pattern: whether it opens with {NUM}, and the word beginnings one of which
# every match starts with (None: unknown, or the pattern opens with {NUM}).
_Rule = tuple[re.Pattern[str], bool, frozenset[str] | None]


class _Words:
    """The words of one (lower-cased) text, found once for all the patterns run on it."""

    __slots__ = ("numbers", "starts", "totals")

    def __init__(self, text: str, number_starts: frozenset[str],
                 totals: list[tuple[int, int]]) -> None:
        found = [(m.start(), m.group()) for m in _WORD.finditer(text)]
        # Where a number phrase can begin: a digit or one of the words that open one.
        self.numbers = [pos for pos, w in found if w[0].isdigit() or w in number_starts]
        self.starts = prefixes([w for _, w in found])  # what `patterns.word_starts` gives
        self.totals = totals  # the spans of clauses that give running totals

    def in_total(self, pos: int) -> bool:
        """Whether `pos` falls in a clause that gives a running total."""
        return any(a <= pos < b for a, b in self.totals)


@dataclass(frozen=True, slots=True)
class Casualties:
    killed: int | None = None
    injured: int | None = None
    more: bool = False  # the killed are more victims than those counted before ("also died")


class CasualtyReader:
    """Compiled casualty patterns."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.words: dict[str, int] = {k.lower(): int(v) for k, v in config["number_words"].items()}
        self.vague: dict[str, int] = {k.lower(): int(v) for k, v in config["vague_words"].items()}
        self._vague_longest_first = sorted(self.vague.items(), key=lambda kv: -len(kv[0]))
        vocab = sorted([*self.words, *self.vague], key=len, reverse=True)
        word_alt = "|".join(re.escape(w) for w in vocab)
        tens = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
        units = "one|two|three|four|five|six|seven|eight|nine"
        # "4x" is a bulletin's "four" ("4x SNA KIA").
        single = (rf"(?:(?:{_DIGITS})x?|(?:{tens})[\s-](?:{units})|(?:{units}|a|one)\s+hundred|"
                  rf"(?:{word_alt}))")
        # A range: "10-12", "10 - 12", "five to six"; not a dateline's "March 9 - A bomb".
        number = (rf"(?:between\s+{single}\s+and\s+{single}|(?:{_DIGITS})\s*[-–]\s*(?:{_DIGITS})|"
                  rf"{single}(?:[-–]|\s+(?:to|or)\s+){single}|{single})")
        num = rf"(?<![\w$€£])(?<!\bno )(?<!\bnot )(?P<num>{_QUALIFIER}{number})(?:\b|(?<=\+))"
        gap = config["victim_gap"]
        subs = {"{NUM}": num, "{GAP}": gap, "{AUX}": config["aux"],
                "{KILLED}": config["killed_verbs"], "{INJURED}": config["injured_verbs"]}

        def build(pattern: str) -> _Rule:
            leading = pattern.startswith("{NUM}")
            for placeholder, value in subs.items():
                pattern = pattern.replace(placeholder, value)
            compiled = compile_lower(pattern)
            return compiled, leading, None if leading else gate(compiled)

        self.killed = [build(p) for p in config["killed"]]
        second = num.replace("?P<num>", "?P<num2>")
        self.killed_sum = [build(p.replace("{NUM2}", second))
                           for p in config.get("killed_sum") or ()]
        self.injured_sum = [build(p.replace("{NUM2}", second))
                            for p in config.get("injured_sum") or ()]
        self.killed_plus_one = [build(p) for p in config.get("killed_plus_one") or ()]
        self.injured = [build(p) for p in config["injured"]]
        self.killed_one = build(config["killed_one"])
        self.injured_one = build(config["injured_one"])
        self.cumulative = compile_lower(config["cumulative"])
        # A number phrase starts with one of these words or a digit: patterns that open with
        # {NUM} are tried only where such a word starts, not at every character.
        self._number_starts = frozenset(
            w.split()[0] for w in [*self.words, *self.vague, *_QUALIFIERS, *tens.split("|"),
                                   *units.split("|"), "between"])
        self.killed_gate = compile_lower(config["killed_gate"])
        self.injured_gate = compile_lower(config["injured_gate"])
        none = config["none"]
        self.none_both = compile_lower(none["both"])
        self.none_killed = compile_lower(none["killed"])
        self.none_injured = compile_lower(none["injured"])
        self.additional = compile_lower(config["additional"]) if config.get("additional") \
            else None
        self.total_given = compile_lower(config["total_given"]) if config.get("total_given") \
            else None
        self._number_head = re.compile(rf"{_DIGITS}|(?:{tens})[\s-](?:{units})|[a-z]+",
                                       re.IGNORECASE)

    def parse_number(self, phrase: str) -> int | None:
        """The (lowest) number a phrase names: "between 10 and 15" -> 10."""
        text = phrase.lower().strip()
        text = _LEADING_QUALIFIER.sub("", text.removeprefix("between "))
        for vague, value in self._vague_longest_first:
            if text == vague or text.startswith(vague + " "):
                return value
        m = self._number_head.match(text)
        if not m:
            return None
        head = m.group()
        if head[0].isdigit():
            return int(head.replace(",", "").rstrip("+"))
        parts = [p for p in _SPLIT.split(text) if p]
        if len(parts) >= 2 and parts[1] == "hundred":
            return self.words.get(parts[0], 1) * 100
        if len(parts) >= 2 and parts[0] in self.words and parts[1] in self.words \
                and self.words[parts[0]] >= 20 and self.words[parts[1]] < 10:
            return self.words[parts[0]] + self.words[parts[1]]
        two = " ".join(parts[:2])
        if two in self.words:
            return self.words[two]
        return self.words.get(parts[0]) if parts else None

    def _totals(self, text: str) -> list[tuple[int, int]]:
        """The clauses of `text` that give a running total, not one incident's toll."""
        cues = [m.start() for m in self.cumulative.finditer(text)]
        if not cues:
            return []
        bounds = [0, *(m.end() for m in _CLAUSE_BREAK.finditer(text)), len(text) + 1]
        clauses = list(pairwise(bounds))
        totals = [c for c in clauses if any(c[0] <= cue < c[1] for cue in cues)]
        if totals and totals[0] == clauses[0] and len(clauses) > 1 and text.startswith("since"):
            totals.append(clauses[1])  # "Since the war began, 330 people have been killed"
        return totals

    def _max(self, patterns: list[_Rule], text: str, words: _Words) -> int | None:
        best: int | None = None
        for rule in patterns:
            for m in self._finditer(rule, text, words):
                if words.in_total(m.start("num")):
                    continue
                value = self.parse_number(m.group("num"))
                if value is not None and (best is None or value > best):
                    best = value
        return best

    @staticmethod
    def _finditer(rule: _Rule, text: str, words: _Words) -> Iterable[re.Match[str]]:
        """What `pattern.finditer(text)` yields: patterns that open with {NUM} are tried only
        where a number phrase can begin, and a pattern none of whose word beginnings `text`
        has is not run at all."""
        pattern, leading, needed = rule
        if leading:
            return matches_at(pattern, text, words.numbers)
        if needed is not None and needed.isdisjoint(words.starts):
            return ()
        return pattern.finditer(text)

    def _search(self, rule: _Rule, text: str, words: _Words) -> bool:
        """Whether `rule` matches `text` outside its running totals."""
        return any(not words.in_total(m.start()) for m in self._finditer(rule, text, words))

    def _sum(self, rules: list[_Rule], text: str, words: _Words) -> int:
        """The largest "N of one side and M of the other were killed" total."""
        best = 0
        for rule in rules:
            for m in self._finditer(rule, text, words):
                if words.in_total(m.start("num")):
                    continue
                a, b = self.parse_number(m.group("num")), self.parse_number(m.group("num2"))
                if a is not None and b is not None:
                    best = max(best, a + b)
        return best

    def read(self, text: str) -> Casualties:
        """Killed and injured counts stated in `text` (quotes already made plain)."""
        plain = lower(text).replace('"', " ")
        words: _Words | None = None
        killed = None
        killed_gate = self.killed_gate.search(plain) is not None
        if killed_gate:
            words = _Words(plain, self._number_starts, self._totals(plain))
            killed = self._max(self.killed, plain, words)
        if self.killed_plus_one and killed_gate:
            assert words is not None
            others = self._max(self.killed_plus_one, plain, words)
            if others is not None:
                killed = max(killed or 0, others + 1)
        if killed is not None and self.killed_sum:
            assert words is not None
            killed = max(killed, self._sum(self.killed_sum, plain, words))
        injured = None
        if self.injured_gate.search(plain):
            if words is None:
                words = _Words(plain, self._number_starts, self._totals(plain))
            injured = self._max(self.injured, plain, words)
            if injured is not None and self.injured_sum:
                injured = max(injured, self._sum(self.injured_sum, plain, words))
        if self.none_both.search(plain):
            killed = 0 if killed is None else killed
            injured = 0 if injured is None else injured
        if killed is None and self.none_killed.search(plain):
            killed = 0
        if injured is None and self.none_injured.search(plain):
            injured = 0
        if words is not None:  # one victim in the singular, when no count was given
            if killed is None and self._search(self.killed_one, plain, words):
                killed = 1
            if injured is None and self._search(self.injured_one, plain, words):
                injured = 1
        more = bool(killed and self.additional and self.additional.search(plain)
                    and not (self.total_given and self.total_given.search(plain)))
        return Casualties(killed, injured, more)
