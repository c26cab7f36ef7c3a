"""Score extraction against a gold JSONL file: per-field precision, recall, F1 and type confusion.

A gold line is `{"id", "text", "published"?, "title"?, "incidents": [...]}` with incidents in the
`sitrep extract --json` shape. Predicted and gold incidents of one text are paired greedily by how
much they agree (type, country, place); fields are then compared on the pairs.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from extraction.knowledge import Knowledge
from extraction.model import Incident
from extraction.pipeline import Extractor

FIELDS = (
    "incident", "sub_event_type", "country", "admin1", "place", "actors", "killed", "injured",
    "date",
)
VIOLENT = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians"})


@dataclass
class Score:
    tp: float = 0
    predicted: float = 0
    gold: float = 0

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    """Figures of one evaluation run."""

    texts: int = 0
    fields: dict[str, Score] = field(default_factory=lambda: {f: Score() for f in FIELDS})
    types: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    violent_gold: int = 0
    violent_found: int = 0
    false_alarm_texts: int = 0  # texts without incidents where something was extracted
    empty_texts: int = 0
    killed_exact: int = 0
    killed_pairs: int = 0

    @property
    def type_weighted_f1(self) -> float:
        support = sum(s.gold for s in self.types.values())
        return sum(s.f1 * s.gold for s in self.types.values()) / support if support else 0.0

    def render(self) -> str:
        lines = [f"{self.texts} texts", "", f"{'field':<16}{'P':>7}{'R':>7}{'F1':>7}{'n':>6}"]
        for name, s in self.fields.items():
            lines.append(
                f"{name:<16}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}{int(s.gold):>6}"
            )
        lines += [
            "",
            f"sub_event_type weighted F1: {self.type_weighted_f1:.3f}",
            f"violent incidents detected: {self.violent_found}/{self.violent_gold}",
            f"texts without incidents that raised one: {self.false_alarm_texts}/{self.empty_texts}",
            f"deaths exact on paired incidents: {self.killed_exact}/{self.killed_pairs}",
            "",
            "confusion (gold -> predicted, counts):",
        ]
        by_gold: dict[str, list[str]] = defaultdict(list)
        for (gold, predicted), n in sorted(self.confusion.items()):
            by_gold[gold].append(f"{predicted} {n}")
        lines += [f"  {gold}: {', '.join(row)}" for gold, row in sorted(by_gold.items())]
        return "\n".join(lines)


def _norm(value: Any) -> str | None:
    if value is None:
        return None
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(text.replace("-", " ").replace("'", "").split()) or None


def _area(name: str | None, knowledge: Knowledge) -> str | None:
    """Region names compared through the gazetteer when it knows them."""
    if name is None:
        return None
    area = knowledge.area(name)
    return _norm(area.name if area is not None else name)


def _town(name: str | None, country: str | None, knowledge: Knowledge) -> str | None:
    """A town compared through the gazetteer when it knows the name in that country: the
    outlet's "Kupiansk" and the gazetteer's "Kupyansk" are one town."""
    if name is None:
        return None
    gaz = knowledge.gazetteer
    pid = gaz.find_place(country, name) if country else None
    return _norm(gaz.place(pid).name if pid is not None else name)


def _actor_names(incident: Incident, knowledge: Knowledge) -> set[str]:
    return {_norm(knowledge.actor(a.name) or a.name) or "" for a in incident.actors}


def _pair_score(gold: Incident, predicted: Incident) -> float:
    score = 0.0
    if gold.event_type == predicted.event_type:
        score += 1
    if gold.sub_event_type == predicted.sub_event_type:
        score += 2
    if gold.location.country_code and gold.location.country_code == predicted.location.country_code:
        score += 1
    if gold.location.place and _norm(gold.location.place) == _norm(predicted.location.place):
        score += 0.5
    if gold.date and gold.date == predicted.date:
        score += 0.5
    return score


def pair(gold: Sequence[Incident], predicted: Sequence[Incident]) -> list[tuple[int, int]]:
    """Greedy one-to-one pairing of gold and predicted incidents that agree on something, the
    best agreements first (on a tie, the incidents listed first)."""
    options = sorted(
        (-_pair_score(g, p), i, j) for i, g in enumerate(gold) for j, p in enumerate(predicted)
    )
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for negative, i, j in options:
        score = -negative
        if score >= 1 and i not in used_gold and j not in used_pred:
            pairs.append((i, j))
            used_gold.add(i)
            used_pred.add(j)
    return pairs


def _values(incident: Incident, knowledge: Knowledge) -> dict[str, Any]:
    loc = incident.location
    return {
        "sub_event_type": incident.sub_event_type,
        "country": loc.country_code,
        "admin1": _area(loc.admin1, knowledge),
        "place": _town(loc.place, loc.country_code, knowledge),
        "killed": incident.killed,
        "injured": incident.injured,
        "date": incident.date,
    }


def score_text(
    report: Report, gold: list[Incident], predicted: list[Incident], knowledge: Knowledge
) -> None:
    """Add one text's gold and predicted incidents to the report."""
    report.texts += 1
    if not gold:
        report.empty_texts += 1
        report.false_alarm_texts += bool(predicted)
    pairs = pair(gold, predicted)
    report.fields["incident"].tp += len(pairs)
    report.fields["incident"].gold += len(gold)
    report.fields["incident"].predicted += len(predicted)
    gold_values = [_values(g, knowledge) for g in gold]
    pred_values = [_values(p, knowledge) for p in predicted]
    for name in FIELDS[1:]:
        if name == "actors":
            continue
        report.fields[name].gold += sum(v[name] is not None for v in gold_values)
        report.fields[name].predicted += sum(v[name] is not None for v in pred_values)
    report.fields["actors"].gold += sum(len(_actor_names(g, knowledge)) for g in gold)
    report.fields["actors"].predicted += sum(len(_actor_names(p, knowledge)) for p in predicted)
    for i, j in pairs:
        for name in FIELDS[1:]:
            if name == "actors":
                both = _actor_names(gold[i], knowledge) & _actor_names(predicted[j], knowledge)
                report.fields[name].tp += len(both)
            elif gold_values[i][name] is not None and gold_values[i][name] == pred_values[j][name]:
                report.fields[name].tp += 1
        if gold[i].killed is not None:
            report.killed_pairs += 1
            report.killed_exact += gold[i].killed == predicted[j].killed
    _score_types(report, gold, predicted, pairs)


def _score_types(
    report: Report, gold: list[Incident], predicted: list[Incident], pairs: list[tuple[int, int]]
) -> None:
    paired_gold = {i: j for i, j in pairs}
    paired_pred = {j for _, j in pairs}
    for i, g in enumerate(gold):
        report.types[g.sub_event_type].gold += 1
        if g.event_type in VIOLENT:
            report.violent_gold += 1
            report.violent_found += i in paired_gold
        j = paired_gold.get(i)
        got = predicted[j].sub_event_type if j is not None else "(missed)"
        report.confusion[(g.sub_event_type, got)] += 1
        if j is not None and got == g.sub_event_type:
            report.types[got].tp += 1
    for j, p in enumerate(predicted):
        report.types[p.sub_event_type].predicted += 1
        if j not in paired_pred:
            report.confusion[("(none)", p.sub_event_type)] += 1


def read_gold(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"line {number}: {exc}") from exc
            if not isinstance(row, dict) or "text" not in row or "incidents" not in row:
                raise ValueError(f'line {number}: needs "text" and "incidents"')
            rows.append(row)
    return rows


def published(row: dict[str, Any]) -> date | None:
    """The day a gold row was published, if it says."""
    return date.fromisoformat(row["published"][:10]) if row.get("published") else None


def evaluate(rows: Iterable[dict[str, Any]], extractor: Extractor) -> Report:
    rows = list(rows)
    requests = [(row["text"], published(row), row.get("title")) for row in rows]
    report = Report()
    for row, predicted in zip(rows, extractor.extract_many(requests), strict=True):
        gold = [Incident.from_dict(g) for g in row["incidents"]]
        score_text(report, gold, predicted, extractor.knowledge)
    return report


def evaluate_file(path: Path) -> str:
    """The printed report of `sitrep eval GOLD.jsonl`."""
    return evaluate(read_gold(path), Extractor.load()).render()
