"""The word-start gates and branch-by-branch alternations that spare the rule tables' regexes."""

from __future__ import annotations

import re

import pytest

from extraction.patterns import BranchGate, branches, gate, unlooked, word_starts


@pytest.mark.parametrize(("pattern", "needed"), [
    (r"\bair ?strikes?\b", {"air"}),
    (r"\b(?:shot|shelled)\b", {"sho", "she"}),
    (r"\bin\b", {"in"}),
    (r"strike", None),  # may start inside a word
    (r"(?<=\btear gas )shells?\b", None),  # the match starts after the lookbehind
])
def test_a_gate_names_the_word_beginnings_every_match_starts_with(pattern: str,
                                                                  needed: set[str] | None) -> None:
    found = gate(re.compile(pattern))
    assert (None if found is None else set(found)) == needed


def test_a_lookbehind_becomes_part_of_the_branch_a_gate_reads() -> None:
    assert unlooked(r"(?<=\bover )(?:the|an) attack\b") == r"\bover (?:the|an) attack\b"
    assert unlooked(r"(?<=\b(?:tear) gas )shells?") == r"\b(?:tear) gas shells?"
    assert unlooked(r"\bshells?\b") == r"\bshells?\b"
    assert branches(r"\b(?:a|b)\b|c") == [r"\b(?:a)\b", r"\b(?:b)\b", "c"]


TEXTS = [
    "police fired tear gas shells at the crowd",
    "they were held over the attack on the convoy",
    "moreover the attack was repelled",
    "the teargas ran out",
    "air strikes hit the town",
    "nothing happened here",
    "",
]
PATTERNS = [
    r"(?<=\btear gas )shells?\b|(?<=\bover )(?:the|an) attack\b",
    r"\bair ?strikes?\b",
    r"gas\b",
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_gated_alternation_matches_where_the_whole_one_does(text: str) -> None:
    whole = re.compile("|".join(f"(?:{p})" for p in PATTERNS))
    gated = BranchGate(PATTERNS, 0)
    assert gated.may_match(text, word_starts(text)) == bool(whole.search(text))
