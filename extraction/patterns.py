"""Rule patterns run on lower-cased text.

Python's regex engine only takes its fast paths (literal prefixes, first-character checks in
alternations) for case-sensitive patterns, so the rule tables are compiled without IGNORECASE
and matched against a lower-cased copy of the sentence that keeps every character offset.
"""

from __future__ import annotations

import re
from re import _constants, _parser  # type: ignore[attr-defined]
from typing import Any

_UPPER_LITERAL = re.compile(r"(?<!\\)[A-Z]")


def lower(text: str) -> str:
    """`text` in lower case, the same length (offsets into it hold for the original)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def compile_lower(pattern: str) -> re.Pattern[str]:
    """Compile a rule for lower-cased text; one naming capitals still matches either case."""
    flags = re.IGNORECASE if _UPPER_LITERAL.search(pattern.replace("\\\\", "")) else 0
    return re.compile(pattern, flags)


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
    """The first one, two and three characters of every word of `text`."""
    words = _WORD.findall(text)
    return frozenset([w[:1] for w in words] + [w[:2] for w in words] + [w[:3] for w in words])


def gate(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Word beginnings one of which every match of `pattern` starts with; None if unknown."""
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
