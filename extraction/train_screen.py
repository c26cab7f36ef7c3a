"""Train the incident screen (extraction/screen.py) into config/models/ (build time only).

Run `python -m extraction.train_screen tests/data/*.jsonl`. Each file is an evaluation set in
the `sitrep eval` format. The rules (without the screen) read every text; the evidence of each
incident they find is an example, labelled "incident" when it pairs with one the writer coded
(extraction/evaluate.py's pairing) and "none" when it does not; and each sentence of a text the
writer coded no incident in is a "none" example when a trigger word occurs in it, traps and
frames aside (the screen judges sentences the rules have found an event in, so it learns to
tell reports from trap sentences, not from the neutral ones around them). Retrain after the
rules change: the screen learns the mistakes of the rules it was trained over.
"""

from __future__ import annotations

import argparse
import gzip
import logging
import random
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from spacy.language import Language
from spacy.training import Example
from spacy.util import fix_random_seed, minibatch

from extraction.evaluate import pair, published, read_gold
from extraction.model import Incident
from extraction.pipeline import Extractor
from extraction.screen import INCIDENT, NONE, TEXTCAT, classifier, screen_text, textcat

logger = logging.getLogger(__name__)

OUTPUT = Path(__file__).resolve().parent.parent / "config" / "models" / "screen.bin.gz"
EPOCHS = 10
BATCH = 32
DROPOUT = 0.2
SEED = 0

LabelledText = tuple[str, str]


def examples(rows: Iterable[dict], extractor: Extractor) -> list[LabelledText]:
    """(text, label) pairs from evaluation rows, each distinct pair once, in reading order."""
    found: dict[LabelledText, None] = {}
    for row in rows:
        predicted = extractor.extract(row["text"], published=published(row),
                                      title=row.get("title"))
        gold = [Incident.from_dict(g) for g in row["incidents"]]
        paired = {j for _, j in pair(gold, predicted)}
        for j, incident in enumerate(predicted):
            found[screen_text(incident.evidence), INCIDENT if j in paired else NONE] = None
        if not gold:
            for sentence in extractor.sentences(row["text"]):
                if extractor.reader.names_an_event(sentence):
                    found[screen_text([sentence]), NONE] = None
    return list(found)


def train(data: list[LabelledText], *, epochs: int = EPOCHS, seed: int = SEED) -> Language:
    """A trained screen classifier; the same data and seed give the same weights."""
    fix_random_seed(seed)
    nlp = classifier()
    batch = [
        Example.from_dict(nlp.make_doc(text), {"cats": {INCIDENT: float(label == INCIDENT),
                                                        NONE: float(label == NONE)}})
        for text, label in data
    ]
    optimizer = nlp.initialize(lambda: batch)
    order = random.Random(seed)
    for epoch in range(epochs):
        order.shuffle(batch)
        losses: dict[str, float] = {}
        for chunk in minibatch(batch, size=BATCH):
            nlp.update(chunk, sgd=optimizer, drop=DROPOUT, losses=losses)
        logger.info("epoch %d: loss %.3f", epoch + 1, losses.get(TEXTCAT, 0.0))
    return nlp


def save(nlp: Language, output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(gzip.compress(textcat(nlp).to_bytes(), mtime=0))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+", type=Path, help="evaluation sets (JSONL)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    extractor = Extractor.load(screen=False)
    data = examples((row for path in args.sets for row in read_gold(path)), extractor)
    logger.info("%s examples", dict(Counter(label for _, label in data)))
    save(train(data, epochs=args.epochs), args.output)
    logger.info("wrote %s", args.output)


if __name__ == "__main__":
    main()
