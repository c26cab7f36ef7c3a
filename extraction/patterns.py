"""Rule patterns run on lower-cased text.

Python's regex engine only takes its fast paths (literal prefixes, first-character checks in
alternations) for case-sensitive patterns, so the rule tables are compiled without IGNORECASE
and matched against a lower-cased copy of the sentence that keeps every character offset.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from re import _constants, _parser  # type: ignore[attr-defined]
from typing import Any

from extraction.regex_cache import rules_cache

_UPPER_LITERAL = re.compile(r"(?<!\\)[A-Z]")


def lower(text: str) -> str:
    """`text` in lower case, the same length (offsets into it hold for the original)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def lower_flags(pattern: str) -> int:
    """The flags a rule for lower-cased text needs: IGNORECASE only if it names capitals."""
    return re.IGNORECASE if _UPPER_LITERAL.search(pattern.replace("\\\\", "")) else 0


def compile_lower(pattern: str) -> re.Pattern[str]:
    """Compile a rule for lower-cased text; one naming capitals still matches either case."""
    return rules_cache().compile(pattern, lower_flags(pattern))


# -- word-start gates -------------------------------------------------------------------------
# A rule whose every match starts a word with known letters ("\bair ?strikes?" starts with "air")
# cannot match a sentence in which no word starts with those letters. Checking that is one set
# operation, far cheaper than letting the regex engine try every position.

GATE_CHARS = 3
_WORD = re.compile(r"\w+")
_MAX_STATES = 4000
_ANCHORS = frozenset({_constants.AT_BOUNDARY, _constants.AT_BEGINNING,
                      _constants.AT_BEGINNING_STRING})
_REPEATS = frozenset({_constants.MAX_REPEAT, _constants.MIN_REPEAT,
                      getattr(_constants, "POSSESSIVE_REPEAT", _constants.MAX_REPEAT)})
_ZERO_WIDTH = frozenset({_constants.ASSERT, _constants.ASSERT_NOT})

# A state is (letters so far, still growing, a word boundary was asserted before them).
_State = tuple[str, bool, bool]


class _Unknown(Exception):
    """The pattern can start with something the gate cannot name."""


def word_starts(text: str) -> frozenset[str]:
    """The first one, two, ... `GATE_CHARS` characters of every word of `text`."""
    return prefixes(_WORD.findall(text))


def prefixes(words: list[str]) -> frozenset[str]:
    """The first one, two, ... `GATE_CHARS` characters of each of `words`."""
    return frozenset([w[:n] for n in range(1, GATE_CHARS + 1) for w in words])


def word_positions(text: str, wanted: frozenset[str]) -> dict[str, list[int]]:
    """Where the words of `text` begin, by those of their first one, two, ... `GATE_CHARS`
    characters (the keys of `word_starts`) that are `wanted`, in order (a short word's
    position may be listed twice)."""
    out: dict[str, list[int]] = {}
    spans = [(m.group(), m.start()) for m in _WORD.finditer(text)]
    for n in range(1, GATE_CHARS + 1):
        for w, pos in spans:
            key = w[:n]
            if key in wanted:
                if key in out:
                    out[key].append(pos)
                else:
                    out[key] = [pos]
    return out


def matches_at(pattern: re.Pattern[str], text: str, starts: list[int],
               ) -> Iterator[re.Match[str]]:
    """What `pattern.finditer(text)` yields when its matches, none empty, can only begin at
    `starts` (in order)."""
    end = 0
    for pos in starts:
        if pos < end:
            continue
        m = pattern.match(text, pos)
        if m is not None:
            yield m
            end = m.end()


# Gates kept in the regex cache are named after this module's source: a change to how they are
# worked out leaves the old ones unread.
_GATE_KIND = "gate-" + hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def gate(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Word beginnings one of which every match of `pattern` starts with; None if unknown."""
    return rules_cache().derived(_GATE_KIND, pattern, lambda: _gate(pattern))


def _gate(pattern: re.Pattern[str]) -> frozenset[str] | None:
    try:
        states = _sequence(list(_parser.parse(pattern.pattern, pattern.flags)),
                           {("", True, False)})
    except (_Unknown, re.error, RecursionError):
        return None
    if any(not prefix for prefix, _, _ in states):
        return None
    return frozenset(prefix for prefix, _, _ in states)


def _sequence(items: list[Any], states: set[_State]) -> set[_State]:
    for op, av in items:
        if not any(growing for _, growing, _ in states):
            break
        states = _step(op, av, states)
        if len(states) > _MAX_STATES:
            raise _Unknown
    return states


def _close(states: set[_State]) -> set[_State]:
    return {(prefix, False, anchored) for prefix, _, anchored in states}


def _step(op: Any, av: Any, states: set[_State]) -> set[_State]:
    c = _constants
    if op is c.AT:
        if av in _ANCHORS:
            return {(p, g, a or (g and not p)) for p, g, a in states}
        return states
    if op in _ZERO_WIDTH:
        return states
    if op is c.LITERAL:
        return {_literal(state, chr(av)) for state in states}
    if op is c.IN and all(kind is c.LITERAL for kind, _ in av):
        return {_literal(state, chr(ch)) for state in states for _, ch in av}
    if op is c.BRANCH:
        return set().union(*(_sequence(list(branch), states) for branch in av[1]))
    if op is c.SUBPATTERN:
        return _sequence(list(av[-1]), states)
    if op in _REPEATS:
        low, high, body = av
        once = _sequence(list(body), states)
        if high != 1:
            once = {s if s in states else (s[0], False, s[2]) for s in once}
        return once | states if low == 0 else once
    return _close(states)


def _literal(state: _State, ch: str) -> _State:
    prefix, growing, anchored = state
    if not growing:
        return state
    if not (ch.isalnum() or ch == "_"):
        return (prefix, False, anchored)
    if not prefix and not anchored:
        raise _Unknown  # a match could start inside a word
    prefix += ch.lower()
    return (prefix, len(prefix) < GATE_CHARS, anchored)


# -- alternations searched branch by branch ----------------------------------------------------
# `(?:a)|(?:b)|(?:c)` matches somewhere in a text only if one of its branches does. A big
# alternation of rules, most of which a sentence's word beginnings rule out, is cheaper to rule
# out by searching the few branches left one at a time than by running it whole.


def _structure(pattern: str) -> Iterator[tuple[int, str, int]]:
    """(index, character, group depth before it) of each character of `pattern` outside
    escapes and character classes."""
    depth, in_class, i = 0, False, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if pattern.startswith("^", i + 1):
                i += 1
            if pattern.startswith("]", i + 1):
                i += 1  # a "]" first in a class is a literal
        else:
            yield i, ch, depth
            depth += (ch == "(") - (ch == ")")
        i += 1


def alternatives(pattern: str) -> list[str]:
    """The top-level branches of `pattern` ("a|(?:b|c)" -> ["a", "(?:b|c)"])."""
    cuts = [i for i, ch, depth in _structure(pattern) if ch == "|" and depth == 0]
    return [pattern[start + 1:end] for start, end in zip([-1, *cuts], [*cuts, len(pattern)],
                                                         strict=True)]


def _closes_at_end(pattern: str) -> bool:
    """True when the group opening at index 2 ("\\b(?:...)\\b") closes just before the
    pattern's final "\\b"."""
    return next((i for i, ch, depth in _structure(pattern) if ch == ")" and depth == 1),
                -1) == len(pattern) - 3


def branches(pattern: str) -> list[str]:
    """`alternatives`, with a branch that is one word-bounded group of alternatives
    ("\\b(?:a|b)\\b") spread into one branch each ("\\b(?:a)\\b", "\\b(?:b)\\b"): the same
    matches, each with its own word beginnings."""
    out: list[str] = []
    for b in alternatives(pattern):
        if b.startswith("\\b(?:") and b.endswith(")\\b") and _closes_at_end(b):
            inner = alternatives(b[5:-3])
            if len(inner) > 1:
                out.extend(f"\\b(?:{alt})\\b" for alt in inner)
                continue
        out.append(b)
    return out


def unlooked(branch: str) -> str:
    """`branch` with the lookbehind it opens with made part of the match: "(?<=\\bover )the
    attack" matches somewhere in a text exactly when "\\bover the attack" does, which the
    word-start gate and the regex engine's literal-prefix search both read."""
    if not branch.startswith("(?<="):
        return branch
    close = next(i for i, ch, depth in _structure(branch) if ch == ")" and depth == 1)
    return branch[4:close] + branch[close + 1:]


class BranchGate:
    """Tells when the alternation of `patterns` cannot match a text, from its branches."""

    def __init__(self, patterns: list[str], flags: int) -> None:
        branches_ = [unlooked(b) for p in patterns for b in branches(p)]
        cache = rules_cache()
        try:
            compiled = [cache.compile(b, flags) for b in branches_]
        except re.error:  # a branch does not stand alone: the patterns are kept whole
            compiled = [cache.compile(p, flags) for p in patterns]
        gates = [gate(c) for c in compiled]
        self._always = [c for needed, c in zip(gates, compiled, strict=True) if needed is None]
        # Branches needing the same word beginnings ("the match", "the game") are searched as
        # one alternation: a common word lets one search through, not dozens.
        grouped: dict[frozenset[str], list[str]] = {}
        for needed, c in zip(gates, compiled, strict=True):
            if needed is not None:
                grouped.setdefault(needed, []).append(c.pattern)
        self._gated = [cache.compile("|".join(f"(?:{b})" for b in group), flags)
                       for group in grouped.values()]
        # word beginning -> the gated groups it lets through
        self._by_start: dict[str, list[int]] = {}
        for i, needed in enumerate(grouped):
            for prefix in needed:
                self._by_start.setdefault(prefix, []).append(i)
        self._prefixes = frozenset(self._by_start)

    def may_match(self, text: str, starts: frozenset[str]) -> bool:
        """False when no branch matches `text` (`starts`: its `word_starts`)."""
        if any(branch.search(text) for branch in self._always):
            return True
        candidates: set[int] = set()
        for prefix in self._prefixes & starts:
            candidates.update(self._by_start[prefix])
        gated = self._gated
        return any(gated[i].search(text) for i in candidates)
