"""Whether two reports describe the same incident, and how a later report updates it."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from datasketch import MinHash
from rapidfuzz import fuzz

from bot.alerts import UpdateNote, place_words
from bot.models import SourceReport, StoredIncident
from extraction.model import Incident

SIMILAR_TEXT = 55.0  # token-set similarity (0-100) of the summaries that makes a match likely
SAME_COPY = 90.0  # so alike that the reports are one text, whatever their places resolved to
COPY_WORDS = 12
SIGNATURE_BANDS, SIGNATURE_ROWS = 6, 10  # MinHash LSH: texts with Jaccard above ~0.85 meet
_WORD = re.compile(r"[^\W_]+")
# What an attack hit, one name per kind of place: two reports of one town on one day that name
# different kinds are different incidents.
TARGETS = {
    word: kind
    for kind, words in {
        "hospital": ("hospital", "hospitals", "clinic", "clinics"),
        "school": ("school", "schools", "university", "college"),
        "market": ("market", "markets", "marketplace", "bazaar"),
        "worship": ("mosque", "mosques", "church", "churches", "temple", "synagogue"),
        "checkpoint": ("checkpoint", "checkpoints"),
        "convoy": ("convoy", "convoys", "patrol", "patrols"),
        "camp": ("camp", "camps"),
        "base": ("base", "bases", "barracks", "airbase", "airport"),
        "depot": ("depot", "depots", "warehouse", "arsenal"),
        "bus": ("bus", "buses", "minibus"),
        "home": ("home", "homes", "house", "houses", "residence"),
        "bridge": ("bridge", "bridges"),
        "power": ("substation", "plant", "refinery", "pipeline"),
    }.items()
    for word in words
}


def signature(text: str) -> list[str]:
    """Locality-sensitive band keys of a report's text: near-copies share at least one.

    A MinHash over word trigrams, cut into bands; each band hashes to a short key, so other
    reports of the same wire copy are found without comparing against every stored text.
    """
    words = [w.lower() for w in _WORD.findall(text)]
    shingles = {" ".join(words[i:i + 3]).encode() for i in range(max(1, len(words) - 2))}
    minhash = MinHash(num_perm=SIGNATURE_BANDS * SIGNATURE_ROWS)
    minhash.update_batch(list(shingles))
    values = minhash.hashvalues
    return [
        f"{band}:" + hashlib.blake2b(
            values[band * SIGNATURE_ROWS:(band + 1) * SIGNATURE_ROWS].tobytes(), digest_size=6
        ).hexdigest()
        for band in range(SIGNATURE_BANDS)
    ]


def _compatible(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a.casefold() == b.casefold()


def _targets(text: str) -> set[str]:
    return {TARGETS[w] for w in _WORD.findall(text.lower()) if w in TARGETS}


def _different_targets(a: str, b: str) -> bool:
    """Both reports name what was hit, and they name different things."""
    ta, tb = _targets(a), _targets(b)
    return bool(ta and tb) and not ta & tb


def same_incident(a: Incident, b: Incident) -> bool:
    """Same type family, compatible place (and, through the candidates, date), and one more sign:
    the same sub-event type with a shared actor or the same town, or similar wording.

    Outlets name the parties differently ("Iran-backed militia", "militia fighters"), so actors
    only ever add evidence; they never keep two reports apart on their own.
    """
    if a.event_type != b.event_type:
        return False
    la, lb = a.location, b.location
    if la.country_code != lb.country_code:
        # One wire copy whose places resolved differently (a headline tipped the context);
        # a short sentence ("An air strike hit a depot.") says too little to be a copy.
        long_enough = min(len(a.summary.split()), len(b.summary.split())) >= COPY_WORDS
        return long_enough and fuzz.token_set_ratio(a.summary, b.summary) >= SAME_COPY
    if not (_compatible(la.admin1, lb.admin1) and _compatible(la.place, lb.place)):
        return False
    if _different_targets(a.summary, b.summary):
        return False  # a strike on a school and one on a hospital in one town: two incidents
    similar = fuzz.token_set_ratio(a.summary, b.summary) >= SIMILAR_TEXT
    if a.sub_event_type != b.sub_event_type:
        return similar
    actors_a = {x.name for x in a.actors if x.role != "associated"}
    actors_b = {x.name for x in b.actors if x.role != "associated"}
    same_place = (la.place or la.admin1) is not None and (la.place, la.admin1) == (
        lb.place, lb.admin1
    )
    return bool(actors_a & actors_b) or same_place or similar


def merge_report(stored: StoredIncident, incident: Incident, report: SourceReport) -> bool:
    """Fold a new report into a known incident; True when something changed."""
    changed = False
    if all(r.source != report.source or r.url != report.url for r in stored.reports):
        stored.reports.append(report)
        changed = True
    known = stored.incident
    for attr in ("killed", "injured"):
        figure, old = getattr(incident, attr), getattr(known, attr)
        if figure is not None and (old is None or figure > old):
            setattr(known, attr, figure)
            changed = True
    loc = known.location
    new = incident.location
    if (loc.place is None and new.place is not None) or (loc.admin1 is None and new.admin1):
        known.location = incident.location
        changed = True
    return changed


@dataclass(frozen=True, slots=True)
class Shown:
    """What an incident's alert shows that a later report can change."""

    sources: int
    killed: int | None
    injured: int | None
    place: str
    precise: bool  # the place names a town or an admin region, not just a country

    @classmethod
    def of(cls, stored: StoredIncident) -> Shown:
        loc = stored.incident.location
        return cls(
            sources=len({r.source for r in stored.reports}),
            killed=stored.incident.killed,
            injured=stored.incident.injured,
            place=place_words(stored.incident),
            precise=bool(loc.place or loc.admin1),
        )


def revision(before: Shown, after: Shown) -> UpdateNote | None:
    """How a merge changed the alert: None if it shows the same, else what a threaded update
    should say (an `UpdateNote` without changes when the alert only needs editing)."""
    if before == after:
        return None
    rose = after.killed is not None and after.killed > (before.killed or 0)
    placed = after.place != before.place and after.precise
    return UpdateNote(
        killed=after.killed if rose else None,
        killed_was=before.killed if rose else None,
        place=after.place if placed else None,
        place_was=before.place if placed else None,
        sources=after.sources,
    )
