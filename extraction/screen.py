"""A trained screen over the rules: drops incidents whose sentences read like no incident at all.

The rules find what a sentence says happened; they are weakest at telling the report of an event
from the many sentences that use its words without reporting one: a year's tallies, an outlook,
"an attack on sovereignty", a trial, a warning. The screen is a spaCy text classifier (a bag of
words and word pairs, `spacy.TextCatBOW.v3`) trained by `extraction/train_screen.py` on the
evidence of the incidents the rules find in the project's evaluation sets, each labelled by
whether a writer coded it, and on the sentences with an incident's word in them in the sets'
texts that report nothing.

An incident is dropped when the classifier's probability that its evidence reports no incident
exceeds `threshold`. Incidents of the `guarded` (violent) event types are kept when the rules
are confident of them (`guard`) or they report anyone killed or injured: a report of people
shot is never silenced for its wording alone.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Sequence
from importlib.resources import files
from typing import Any

import spacy
from spacy.lang.en import English
from spacy.language import Language
from spacy.pipeline import TextCategorizer
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.vocab import Vocab

from extraction.model import Incident

INCIDENT, NONE = "incident", "none"
TEXTCAT = "textcat"
MODEL: dict[str, Any] = {
    "@architectures": "spacy.TextCatBOW.v3",
    "exclusive_classes": True,
    "ngram_size": 2,
    "no_output_layer": False,
    "length": 2**18,
}


def classifier(tokenizer: Tokenizer | None = None) -> Language:
    """A blank pipeline holding the screen's (untrained) text classifier; with `tokenizer`, an
    English pipeline's to share rather than build another (a tenth of a second)."""
    if tokenizer is None:
        nlp = spacy.blank("en", vocab=Vocab())
    else:
        nlp = English(vocab=tokenizer.vocab, create_tokenizer=lambda _: tokenizer)
    nlp.add_pipe(TEXTCAT, config={"model": MODEL})
    for label in (INCIDENT, NONE):
        textcat(nlp).add_label(label)
    return nlp


def textcat(nlp: Language) -> TextCategorizer:
    component = nlp.get_pipe(TEXTCAT)
    assert isinstance(component, TextCategorizer)
    return component


def screen_text(evidence: Sequence[str]) -> str:
    """What the classifier reads of an incident: its sentences, lower-cased (the sets are small
    enough that "Attack" opening a sentence and "attack" inside one should count as one word)."""
    return " ".join(evidence).lower()


def load_classifier(path: str, tokenizer: Tokenizer | None = None) -> Language:
    """The trained classifier from `path`, relative to config/ (`tokenizer` as `classifier`)."""
    return read_classifier(files("config").joinpath(*path.split("/")).read_bytes(), tokenizer)


def read_classifier(data: bytes, tokenizer: Tokenizer | None = None) -> Language:
    """A trained classifier from its file's bytes (the component's, gzipped)."""
    nlp = classifier(tokenizer)
    textcat(nlp).from_bytes(gzip.decompress(data))
    return nlp


class IncidentScreen:
    """Filters `doc._.incidents` through the trained classifier."""

    def __init__(self, nlp: Language, threshold: float, guard: float,
                 guarded: Iterable[str]) -> None:
        self.nlp = nlp
        self.threshold = threshold
        self.guard = guard
        self.guarded = frozenset(guarded)

    def not_incident(self, evidence: Sequence[Sequence[str]]) -> list[float]:
        """For each incident's evidence, the probability that it reports no incident."""
        return [doc.cats[NONE] for doc in self.nlp.pipe(screen_text(e) for e in evidence)]

    def always_kept(self, incident: Incident) -> bool:
        """Whether `incident` is kept whatever the classifier reads."""
        return incident.event_type in self.guarded and (
            incident.confidence >= self.guard or bool(incident.killed) or bool(incident.injured))

    def keeps(self, incident: Incident, not_incident: float) -> bool:
        return not_incident <= self.threshold or self.always_kept(incident)

    def __call__(self, doc: Doc) -> Doc:
        incidents: list[Incident] = doc._.incidents
        # Only the incidents the screen may drop are read: a snippet reporting people killed
        # costs no classifier at all.
        open_ = [i for i in incidents if not self.always_kept(i)]
        if open_:
            scores = self.not_incident([i.evidence for i in open_])
            dropped = {id(i) for i, p in zip(open_, scores, strict=True) if not self.keeps(i, p)}
            doc._.incidents = [i for i in incidents if id(i) not in dropped]
        return doc
