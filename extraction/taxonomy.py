"""Which sentences report an incident, and of what ACLED type.

Everything here is driven by config/taxonomy.yaml and config/patterns/{triggers,traps,
modality}.jsonl: traps are masked out before triggers are looked for ("heart attack",
"labour strike"), and a trigger in a hypothetical, denied, historical or background frame
does not count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from extraction.names import name_key
from extraction.patterns import (
    BranchGate,
    compile_lower,
    gate,
    lower,
    lower_flags,
    matches_at,
    word_positions,
    word_starts,
)

GENERIC = "VIOLENCE"


@dataclass(frozen=True, slots=True)
class Trigger:
    """A word or phrase announcing an event; `strength` 3 = specific, 1 = generic."""

    start: int
    end: int
    text: str
    sub_event_type: str
    strength: int


@dataclass(frozen=True)
class _TriggerRule:
    sub_event_type: str
    strength: int
    pattern: re.Pattern[str]
    requires: re.Pattern[str] | None
    starts: frozenset[str] | None  # word beginnings a match needs (None: any)


@dataclass(frozen=True)
class _Refinement:
    sources: frozenset[str]
    target: str
    cue: re.Pattern[str]
    unless: re.Pattern[str] | None


def _compile(patterns: list[str]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return compile_lower("|".join(f"(?:{p})" for p in patterns))


class Taxonomy:
    """Trigger, trap and modality rules plus the ACLED type table."""

    def __init__(self, config: dict[str, Any], triggers: list[dict], traps: list[dict],
                 modality: list[dict]) -> None:
        self.event_of = {sub: event for event, subs in config["event_types"].items()
                         for sub in subs}
        self.rank = {sub: i for i, sub in enumerate(config["precedence"])}
        self.rank[GENERIC] = len(self.rank)
        violence = config["violence"]
        self.strike_words = frozenset(violence["strike_words"])
        self.explosion_words = frozenset(violence["explosion_words"])
        self.armed_targets = frozenset(name_key(w) for w in violence["armed_targets"])
        self.civilian_targets = frozenset(name_key(w) for w in violence["civilian_targets"])
        self.refinements = [
            _Refinement(frozenset(r["from"]), r["to"], compile_lower(r["cue"]),
                        compile_lower(r["unless"]) if r.get("unless") else None)
            for r in config.get("refinements", [])
        ]
        self.separate: dict[str, frozenset[str]] = {}
        for first, second in config.get("separate") or ():
            self.separate[first] = self.separate.get(first, frozenset()) | {second}
        self._kin = {event: i for i, events in enumerate(config.get("kin") or ())
                     for event in events}
        self.graded = frozenset(config.get("graded") or ())
        self.foreign_forces: dict[str, str] = dict(config.get("foreign_forces") or {})
        self.spans_towns = frozenset(config.get("spans_towns") or ())
        item = config.get("new_item")
        self._new_item = re.compile(item) if item else None
        self._rules = []
        for t in triggers:
            pattern = compile_lower(t["pattern"])
            requires = compile_lower(t["requires"]) if t.get("requires") else None
            self._rules.append(_TriggerRule(t["sub_event_type"], int(t["strength"]), pattern,
                                            requires, gate(pattern)))
        # Stronger rules claim their span first; among equals, the more specific type does
        # ("artillery shells releasing gas" is a chemical attack before it is shelling).
        self._rules.sort(key=lambda r: (-r.strength, self.rank.get(r.sub_event_type, 99)))
        self._rule_starts = frozenset(p for r in self._rules for p in r.starts or ())
        self._mask = _compile([t["pattern"] for t in traps if t["kind"] == "mask"])
        # Only the branches whose first word the sentence has are searched (a sentence veto
        # is any branch matching).
        vetoes = [t["pattern"] for t in traps if t["kind"] == "veto_sentence"]
        self._veto_sentence = BranchGate(vetoes, lower_flags("|".join(vetoes))) \
            if vetoes else None
        self._veto_article = _compile([t["pattern"] for t in traps if t["kind"] == "veto_article"])
        self._veto_lead = _compile([t["pattern"] for t in traps if t["kind"] == "veto_lead"])
        self._type_vetoes = [(frozenset(t["sub_event_types"]), compile_lower(t["pattern"]))
                             for t in traps if t["kind"] == "veto_type"]
        self._mask_gate = BranchGate([t["pattern"] for t in traps if t["kind"] == "mask"],
                                     self._mask.flags) if self._mask else None
        # (kind, scope, what the trigger must not be) -> the rows' patterns in one
        self._modal: dict[tuple[str, str, str | None], re.Pattern[str]] = {}
        for row in modality:
            key = (row["kind"], row["scope"], row.get("unless_trigger"))
            old = self._modal.get(key)
            combined = f"{old.pattern}|(?:{row['pattern']})" if old else f"(?:{row['pattern']})"
            self._modal[key] = compile_lower(combined)
        self._modal_unless = {u: compile_lower(u) for _, _, u in self._modal if u}
        for sub in self.rank:
            if sub != GENERIC and sub not in self.event_of:
                raise ValueError(f"taxonomy.yaml: precedence names unknown type {sub!r}")

    # -- sentences ------------------------------------------------------------------------

    def mask(self, text: str, starts: frozenset[str] | None = None) -> str:
        """`text` lower-cased with trap phrases blanked (same length, so offsets still hold).

        The other sentence methods expect this masked text; `starts` are its word beginnings
        (`word_starts`) when the caller has them."""
        low = lower(text)
        if self._mask is None or self._mask_gate is None or not self._mask_gate.may_match(
                low, word_starts(low) if starts is None else starts):
            return low
        return self._mask.sub(lambda m: " " * len(m.group()), low)

    def sentence_vetoed(self, text: str, starts: frozenset[str] | None = None) -> bool:
        low = lower(text)
        return self._veto_sentence is not None and self._veto_sentence.may_match(
            low, word_starts(low) if starts is None else starts)

    def article_vetoed(self, text: str) -> bool:
        return bool(self._veto_article and self._veto_article.search(lower(text)))

    def lead_vetoed(self, lead: str) -> bool:
        """True when a title or first sentence shows the article is no news of incidents (a
        match report, a film shoot): later sentences' "attacked" or "explosions" are not."""
        return bool(self._veto_lead and self._veto_lead.search(lower(lead)))

    def triggers(self, masked: str, starts: frozenset[str] | None = None) -> list[Trigger]:
        """Non-overlapping triggers, stronger rules claiming their span first."""
        found: list[Trigger] = []
        taken: list[tuple[int, int]] = []
        if starts is None:
            starts = word_starts(masked)
        positions: dict[str, list[int]] | None = None
        for rule in self._rules:
            if rule.starts is not None and rule.starts.isdisjoint(starts):
                continue
            if rule.requires is not None and not rule.requires.search(masked):
                continue
            if rule.starts is None:
                found_here: Iterable[re.Match[str]] = rule.pattern.finditer(masked)
            else:
                # Every match begins a word with one of the rule's beginnings: try only there.
                if positions is None:
                    positions = word_positions(masked, self._rule_starts)
                at = sorted({pos for prefix in rule.starts.intersection(positions)
                             for pos in positions[prefix]})
                found_here = matches_at(rule.pattern, masked, at)
            for m in found_here:
                s, e = m.span()
                if s == e or any(s < te and ts < e for ts, te in taken):
                    continue
                taken.append((s, e))
                found.append(Trigger(s, e, m.group(), rule.sub_event_type, rule.strength))
        found.sort(key=lambda t: t.start)
        return found

    def clause_frame(self, masked: str, trig: Trigger) -> str | None:
        """The frame the words around a trigger set ("threatened to", "denied"), or None."""
        window = masked[max(0, trig.start - 160):trig.start]
        cut = max(window.rfind(c) for c in ",;(—–")
        colon = window.rfind(":")
        while colon > cut and window[colon + 1:colon + 2].isdigit():  # "08:30" is a time
            colon = window.rfind(":", 0, colon)
        cut = max(cut, colon)
        clause = (window[cut + 1:] if cut >= 0 else window).replace('"', "")
        after = masked[trig.end:trig.end + 120]
        for (kind, scope, unless), pattern in self._modal.items():
            if scope == "sentence" or (
                    unless and self._modal_unless[unless].fullmatch(trig.text)):
                continue
            if pattern.search(clause if scope == "before" else after):
                return kind
        return None

    def sentence_frame(self, masked: str) -> str | None:
        """The frame a whole sentence sets (history, a trend, a summary), or None: every
        trigger in it is blocked."""
        return next((kind for (kind, scope, _), pattern in self._modal.items()
                     if scope == "sentence" and pattern.search(masked)), None)

    # -- types ----------------------------------------------------------------------------

    def event_type(self, sub_event_type: str) -> str:
        return self.event_of[sub_event_type]

    def kin(self, a: str, b: str) -> bool:
        """True when sentences of these two sub-event types can report one incident: the
        same event type, or kindred ones (a battle and the shelling in it)."""
        ea, eb = self.event_of[a], self.event_of[b]
        return ea == eb or (ea in self._kin and self._kin.get(eb) == self._kin[ea])

    def better(self, a: Trigger, b: Trigger) -> Trigger:
        """The more telling of two triggers: stronger, then higher in precedence."""
        ka = (-a.strength, self.rank.get(a.sub_event_type, 99))
        kb = (-b.strength, self.rank.get(b.sub_event_type, 99))
        return a if ka <= kb else b

    def resolve_generic(self, trig_text: str, target_words: set[str], actor2_kinds: set[str],
                        ) -> str:
        """A sub-event type for "attacked"/"killed"/"struck" from who or what was hit."""
        word = trig_text.lower().split()[0]
        if word in self.strike_words:
            return "Air/drone strike"
        if word in self.explosion_words:
            return "Remote explosive/landmine/IED"
        if "protesters" in actor2_kinds:
            return "Excessive force against protesters"
        if actor2_kinds & {"civilians"} or target_words & self.civilian_targets:
            return "Attack"
        if actor2_kinds & {"state", "rebel", "militia", "armed"} or \
                target_words & self.armed_targets:
            return "Armed clash"
        return "Attack"

    def type_vetoed(self, sub_event_type: str, text: str) -> bool:
        """True when the sentence's context rules the type out ("arrested ... for fraud")."""
        low = lower(text)
        return any(sub_event_type in types and pattern.search(low)
                   for types, pattern in self._type_vetoes)

    def new_item(self, text: str) -> bool:
        """True for a sentence that opens a bulletin's next item ("Same day: ...")."""
        return bool(self._new_item and self._new_item.match(text))

    def refine(self, sub_event_type: str, masked: str) -> str:
        """A more precise type from a cue anywhere in the (masked) sentence, unless a
        counter-cue says the first reading stands."""
        for r in self.refinements:
            if sub_event_type in r.sources and r.cue.search(masked) \
                    and not (r.unless and r.unless.search(masked)):
                return r.target
        return sub_event_type
