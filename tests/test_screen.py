"""The trained screen over the rules: what it drops, what it never drops, and how it is trained."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import pytest

from extraction import Extractor
from extraction.evaluate import read_gold
from extraction.model import Incident
from extraction.pipeline import SCREEN
from extraction.screen import INCIDENT, NONE, IncidentScreen, read_classifier
from extraction.train_screen import examples, main

PUBLISHED = date(2024, 3, 13)


def extract(extractor: Extractor, text: str) -> list[Incident]:
    return extractor.extract(text, published=PUBLISHED)


@pytest.mark.parametrize("text", [
    # An assessment of what a group can do, and an outlook: the rules read an attack in each;
    # the screen has learnt that such sentences report none.
    "Assessment: the movement keeps the means to mount mass-casualty attacks in the capital, "
    "Bamako, despite raids on its hideouts.",
    "Analysts expect attacks on army positions around Fada N'Gourma, Burkina Faso, to rise in "
    "the rainy season.",
])
def test_the_screen_drops_what_reads_like_no_incident(
        extractor: Extractor, rules: Extractor, text: str) -> None:
    assert extract(rules, text)
    assert extract(extractor, text) == []


@pytest.mark.parametrize("text", [
    "Gunmen killed five people in a village in Zamfara State, Nigeria, on Monday.",
    "A drone strike hit a market in Kidal, Mali, on Tuesday, wounding eleven people.",
    "Hundreds of teachers marched peacefully to the parliament in Nairobi on Monday to demand "
    "unpaid wages.",
])
def test_the_screen_lets_reports_through(
        extractor: Extractor, rules: Extractor, text: str) -> None:
    assert extract(extractor, text) == extract(rules, text) != []


def _incident(event_type: str, sub_event_type: str, confidence: float,
              killed: int | None = None, injured: int | None = None) -> Incident:
    return Incident(event_type, sub_event_type, killed=killed, injured=injured,
                    evidence=["..."], confidence=confidence)


def test_a_confident_or_deadly_violent_incident_is_never_dropped_for_its_wording(
        extractor: Extractor) -> None:
    screen = extractor.nlp.get_pipe(SCREEN)
    assert isinstance(screen, IncidentScreen)
    attack = "Violence against civilians", "Attack"
    assert screen.keeps(_incident(*attack, confidence=0.95), not_incident=0.99)
    assert not screen.keeps(_incident(*attack, confidence=0.75), not_incident=0.99)
    assert screen.keeps(_incident(*attack, confidence=0.75), not_incident=0.5)
    assert screen.keeps(_incident(*attack, confidence=0.75, killed=40), not_incident=0.99)
    assert screen.keeps(_incident(*attack, confidence=0.75, injured=3), not_incident=0.99)
    # "No casualties" guards nothing; nor does a protest's toll: protests and arrests do not
    # alert without a filter asking for them.
    assert not screen.keeps(_incident(*attack, confidence=0.75, killed=0), not_incident=0.99)
    assert not screen.keeps(_incident("Protests", "Excessive force against protesters", 1.0,
                                      killed=2), not_incident=0.99)



def test_the_classifier_reads_only_what_the_screen_may_drop(extractor: Extractor) -> None:
    screen = extractor.nlp.get_pipe(SCREEN)
    assert isinstance(screen, IncidentScreen)
    read: list[list[str]] = []

    class Counting(IncidentScreen):
        def not_incident(self, evidence):  # type: ignore[no-untyped-def]
            read.extend(list(e) for e in evidence)
            return super().not_incident(evidence)

    counting = Counting(screen.nlp, screen.threshold, screen.guard, screen.guarded)
    deadly = _incident("Violence against civilians", "Attack", 0.75, killed=3)
    outlook = _incident("Violence against civilians", "Attack", 0.75)
    outlook.evidence = ["Analysts expect attacks on army posts to rise in the rainy season."]
    doc = extractor.nlp.make_doc("...")
    doc._.incidents = [deadly, outlook]
    assert counting(doc)._.incidents == [deadly]
    assert read == [outlook.evidence]
    doc._.incidents = [deadly]
    assert counting(doc)._.incidents == [deadly]
    assert read == [outlook.evidence]  # nothing more was read


GOLD_ROWS = [
    {"id": "t1", "published": "2024-03-13",
     "text": "Gunmen killed five people in a village in Zamfara State, Nigeria, on Monday.",
     "incidents": [{"event_type": "Violence against civilians", "sub_event_type": "Attack",
                    "location": {"country": "Nigeria", "country_code": "NGA"}}]},
    {"id": "t2", "published": "2024-03-13",
     "text": "The minister said attacks on farmers had fallen by a third in 2023. "
             "Exports of sesame rose for a second year.",
     "incidents": []},
]


@pytest.fixture
def gold_file(tmp_path: Path) -> Path:
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in GOLD_ROWS), encoding="utf-8")
    return path


def test_training_examples_label_the_rules_findings_and_trap_sentences(
        rules: Extractor, gold_file: Path) -> None:
    found = examples(read_gold(gold_file), rules)
    assert (GOLD_ROWS[0]["text"].lower(), INCIDENT) in found
    # Of the text without incidents, the sentence with an incident's word is a "none" example;
    # the sentence about exports, without one, is not an example at all.
    assert ("the minister said attacks on farmers had fallen by a third in 2023.", NONE) in found
    assert not any("sesame" in text for text, _ in found)


def test_training_writes_a_classifier_the_screen_loads_and_the_same_data_give_the_same_file(
        gold_file: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.bin.gz", tmp_path / "b.bin.gz"
    for output in (first, second):
        main([str(gold_file), "--output", str(output), "--epochs", "3"])
    assert first.read_bytes() == second.read_bytes()
    gzip.decompress(first.read_bytes())  # a gzip file, as the pipeline reads it
    cats = read_classifier(first.read_bytes())("gunmen killed five people").cats
    assert set(cats) == {INCIDENT, NONE}
    assert cats[INCIDENT] + cats[NONE] == pytest.approx(1.0)
