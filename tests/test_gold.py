"""The gold set is well formed, and extraction on it stays above floor figures (CI floors)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from extraction import Extractor
from extraction.evaluate import Report, evaluate, read_gold

GOLD = Path(__file__).parent / "data" / "gold.jsonl"
TAXONOMY = Path(__file__).resolve().parents[1] / "config" / "taxonomy.yaml"

# A little below the figures reached when these floors were set, so a regression fails CI.
F1_FLOORS = {
    "incident": 0.935,
    "sub_event_type": 0.88,
    "country": 0.91,
    "admin1": 0.87,
    "place": 0.81,
    "actors": 0.75,
    "killed": 0.87,
    "injured": 0.82,
    "date": 0.855,
}
TYPE_WEIGHTED_F1_FLOOR = 0.88
VIOLENT_DETECTED_FLOOR = 0.95
FALSE_ALARM_CEILING = 0.03  # share of texts without incidents that raise one
DEATHS_EXACT_FLOOR = 0.89  # paired incidents whose death toll is exactly the gold one


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return read_gold(GOLD)


@pytest.fixture(scope="module")
def report(rows: list[dict[str, Any]], extractor: Extractor) -> Report:
    return evaluate(rows, extractor)


def test_gold_set_is_large_and_varied(rows: list[dict[str, Any]]) -> None:
    assert len(rows) >= 400
    assert len({r["id"] for r in rows}) == len(rows)
    empty = sum(not r["incidents"] for r in rows)
    assert empty / len(rows) >= 0.25


def test_gold_types_come_from_the_taxonomy(rows: list[dict[str, Any]]) -> None:
    events = yaml.safe_load(TAXONOMY.read_text(encoding="utf-8"))["event_types"]
    event_of = {sub: event for event, subs in events.items() for sub in subs}
    assert len(event_of) == 27
    counts: Counter[str] = Counter()
    for row in rows:
        for incident in row["incidents"]:
            sub = incident["sub_event_type"]
            assert event_of.get(sub) == incident["event_type"], (row["id"], sub)
            counts[sub] += 1
    thin = {sub: counts[sub] for sub in event_of if counts[sub] < 10}
    assert not thin, thin


def test_gold_incidents_have_the_extract_shape(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        assert isinstance(row["text"], str) and row["text"].strip(), row["id"]
        for incident in row["incidents"]:
            assert {"event_type", "sub_event_type", "location"} <= incident.keys(), row["id"]
            for actor in incident.get("actors", []):
                assert actor["role"] in ("actor1", "actor2", "associated"), row["id"]
            for count in ("killed", "injured"):
                value = incident.get(count)
                assert value is None or (isinstance(value, int) and value >= 0), row["id"]


@pytest.mark.parametrize("name", sorted(F1_FLOORS))
def test_field_f1_floor(report: Report, name: str) -> None:
    assert report.fields[name].f1 >= F1_FLOORS[name], report.render()


def test_headline_floors(report: Report) -> None:
    assert report.type_weighted_f1 >= TYPE_WEIGHTED_F1_FLOOR
    assert report.violent_found >= VIOLENT_DETECTED_FLOOR * report.violent_gold
    assert report.false_alarm_texts <= FALSE_ALARM_CEILING * report.empty_texts
    assert report.killed_exact >= DEATHS_EXACT_FLOOR * report.killed_pairs
