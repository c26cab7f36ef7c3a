"""sitrep's spaCy pipeline: `spacy.blank("en")` plus three components fed from config/.

`sitrep_sentences` cuts the cleaned article into sentences with the project's rules (no cut after
"Gen." or an initial; a paragraph always ends one), `sitrep_incidents` reads the sentences into
incidents (`doc._.incidents`), and `sitrep_screen` drops those a trained classifier reads as no
incident (extraction/screen.py). All are registered spaCy factories whose settings name files in
config/, so a pipeline can be assembled from the project's own data anywhere spaCy runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import cast

import numpy
import spacy
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.vocab import Vocab
from thinc.types import Ints2d

from extraction.config_files import config_yaml
from extraction.incidents import IncidentReader, doc_text
from extraction.knowledge import Knowledge
from extraction.model import Incident
from extraction.regex_cache import rules_cache
from extraction.screen import IncidentScreen, load_classifier
from extraction.text import TextRules, paragraphs, sentence_starts

SENTENCES = "sitrep_sentences"
INCIDENTS = "sitrep_incidents"
SCREEN = "sitrep_screen"
PARAGRAPH_BREAK = "\n\n"
ExtractRequest = tuple[str, date | None, str | None]  # text, published, title

class SentenceSplitter:
    """Sets sentence starts where the project's splitting rules cut."""

    def __init__(self, rules: TextRules) -> None:
        self.rules = rules

    def __call__(self, doc: Doc) -> Doc:
        starts: set[int] = set()
        offset = 0
        for para in doc_text(doc).split(PARAGRAPH_BREAK):
            starts.update(offset + s for s in sentence_starts(para, self.rules))
            offset += len(para) + len(PARAGRAPH_BREAK)
        # One array write: setting `token.is_sent_start` token by token costs ten times more;
        # and the tokens' offsets come as one array too, without a Python object per token.
        offsets = doc.to_array(IDX)
        flags = numpy.where(numpy.isin(offsets, list(starts)), 1, -1).astype("int64")
        if len(flags):
            flags[0] = 1
        doc.from_array([SENT_START], cast(Ints2d, flags.astype("uint64").reshape(-1, 1)))
        return doc


@Language.factory(SENTENCES, default_config={"rules": "patterns/text.yaml"})
def make_sentence_splitter(nlp: Language, name: str, rules: str) -> SentenceSplitter:
    return SentenceSplitter(TextRules.from_config(config_yaml(rules)))


@Language.factory(
    INCIDENTS,
    default_config={
        "taxonomy": "taxonomy.yaml",
        "triggers": "patterns/triggers.jsonl",
        "traps": "patterns/traps.jsonl",
        "modality": "patterns/modality.jsonl",
        "casualties": "patterns/casualties.yaml",
    },
)
def make_incident_reader(
    nlp: Language, name: str, taxonomy: str, triggers: str, traps: str, modality: str,
    casualties: str,
) -> IncidentReader:
    return IncidentReader.load(taxonomy, triggers, traps, modality, casualties)


@Language.factory(
    SCREEN,
    default_config={
        "model": "models/screen.bin.gz",
        "threshold": 0.7,
        "guard": 0.9,
        "guarded": ["Battles", "Explosions/Remote violence", "Violence against civilians"],
    },
)
def make_incident_screen(
    nlp: Language, name: str, model: str, threshold: float, guard: float, guarded: list[str],
) -> IncidentScreen:
    # The classifier tokenizes as the pipeline does: it shares the pipeline's tokenizer.
    tokenizer = nlp.tokenizer
    assert isinstance(tokenizer, Tokenizer)
    return IncidentScreen(load_classifier(model, tokenizer), threshold, guard, guarded)


def build_nlp(*, screen: bool = True) -> Language:
    """The pipeline with its default configuration; `screen=False` leaves out the trained screen
    (the rules alone, as `extraction/train_screen.py` needs them)."""
    # The components read tokens' offsets only: a plain vocabulary computes none of the lexical
    # attributes English's would for every word it has not seen before (shape, stop word,
    # number-like, ...), which were a fifth of the time of a short snippet.
    nlp = spacy.blank("en", vocab=Vocab())
    nlp.add_pipe(SENTENCES)
    nlp.add_pipe(INCIDENTS)
    if screen:
        nlp.add_pipe(SCREEN)
    rules_cache().save()
    return nlp


class Extractor:
    """Text in, incidents out, through the spaCy pipeline; loaded once, then CPU work only."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        splitter, reader = nlp.get_pipe(SENTENCES), nlp.get_pipe(INCIDENTS)
        assert isinstance(splitter, SentenceSplitter) and isinstance(reader, IncidentReader)
        self.rules = splitter.rules
        self.reader = reader

    @classmethod
    def load(cls, *, screen: bool = True) -> Extractor:
        return cls(build_nlp(screen=screen))

    @property
    def knowledge(self) -> Knowledge:
        return self.reader.knowledge

    def extract(self, text: str, *, published: date | None = None,
                title: str | None = None) -> list[Incident]:
        """The incidents `text` reports, the article's main incident first."""
        if self.reader.vetoed(text, title):
            return []
        doc = self._doc(text)
        doc._.published, doc._.title = published, title
        for _, component in self.nlp.pipeline:
            doc = component(doc)
        return list(doc._.incidents)

    def sentences(self, text: str) -> list[str]:
        """The story's sentences as extraction cuts them, teasers and boilerplate left out."""
        doc = self.nlp.get_pipe(SENTENCES)(self._doc(text))
        return [t for t in (sent.text.strip() for sent in doc.sents) if t]

    def _doc(self, text: str) -> Doc:
        # Teasers and boilerplate go before tokenizing: the document is the story alone.
        story = PARAGRAPH_BREAK.join(paragraphs(text, self.rules))
        doc = self.nlp.make_doc(story)
        doc._.source = story
        return doc

    def extract_many(self, requests: Iterable[ExtractRequest]) -> Iterator[list[Incident]]:
        """`extract` for each (text, published, title), in order."""
        for text, published, title in requests:
            yield self.extract(text, published=published, title=title)
