"""Whether two reports describe the same incident, and how a later report updates it."""

from __future__ import annotations

from rapidfuzz import fuzz

from bot.models import SourceReport, StoredIncident
from extraction.model import Incident

SIMILAR_TEXT = 55.0  # token-set similarity (0-100) of the summaries that makes a match likely


def _compatible(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a.casefold() == b.casefold()


def same_incident(a: Incident, b: Incident) -> bool:
    """Same type family, compatible place and date, and shared actors or similar wording."""
    if a.event_type != b.event_type:
        return False
    la, lb = a.location, b.location
    if la.country_code != lb.country_code:
        return False
    if not (_compatible(la.admin1, lb.admin1) and _compatible(la.place, lb.place)):
        return False
    actors_a = {x.name for x in a.actors if x.role != "associated"}
    actors_b = {x.name for x in b.actors if x.role != "associated"}
    if actors_a and actors_b and not actors_a & actors_b:
        return False
    same_sub = a.sub_event_type == b.sub_event_type
    similar = fuzz.token_set_ratio(a.summary, b.summary) >= SIMILAR_TEXT
    specific_place = la.place is not None and la.place == lb.place
    return (same_sub and (bool(actors_a & actors_b) or specific_place)) or similar


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
