"""What an alert says, independent of platform; each platform renders an AlertView its own way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.models import StoredIncident, utcnow
from extraction.model import Incident

VIOLENT_TYPES = frozenset(
    {"Battles", "Explosions/Remote violence", "Violence against civilians", "Riots"}
)


def severity(incident: Incident) -> int:
    """3 = mass-casualty, 2 = deadly or violent, 1 = everything else."""
    killed = incident.killed or 0
    injured = incident.injured or 0
    if killed >= 10 or injured >= 30:
        return 3
    if killed > 0 or injured >= 5 or incident.event_type in VIOLENT_TYPES:
        return 2
    return 1


def place_words(incident: Incident) -> str:
    loc = incident.location
    parts = [p for p in (loc.place, loc.admin1, loc.country) if p]
    unique = [p for i, p in enumerate(parts) if p not in parts[:i]]
    return ", ".join(unique) or "place unknown"


def casualty_words(incident: Incident) -> str | None:
    if incident.killed is None and incident.injured is None:
        return None
    if not incident.killed and not incident.injured:
        return "no casualties reported"
    parts = []
    if incident.killed:
        parts.append(f"{incident.killed} killed")
    if incident.injured:
        parts.append(f"{incident.injured} injured")
    return ", ".join(parts)


def actor_words(incident: Incident) -> str | None:
    first = [a.name for a in incident.actors if a.role == "actor1"]
    second = [a.name for a in incident.actors if a.role == "actor2"]
    if not first and not second:
        return None
    if first and second:
        return f"{' & '.join(first)} vs {' & '.join(second)}"
    return " & ".join(first or second)


def delay_words(published: str | None, now: datetime) -> str | None:
    if not published:
        return None
    minutes = int((now - datetime.fromisoformat(published)).total_seconds() // 60)
    if minutes < 0:
        return None
    if minutes < 60:
        return f"{minutes} min after publication"
    if minutes < 48 * 60:
        return f"{minutes // 60} h after publication"
    return f"{minutes // 1440} days after publication"


@dataclass(frozen=True, slots=True)
class AlertView:
    """The facts of one alert, in words, ready for a platform to lay out."""

    severity: int
    event_type: str
    sub_event_type: str
    place: str
    what: str
    casualties: str | None
    actors: str | None
    date: str | None
    source: str
    link: str | None
    source_count: int
    delay: str | None

    @classmethod
    def build(cls, stored: StoredIncident, now: datetime | None = None) -> AlertView:
        incident = stored.incident
        first = stored.reports[0]
        what = incident.summary or (incident.evidence[0] if incident.evidence else first.title)
        return cls(
            severity=severity(incident),
            event_type=incident.event_type,
            sub_event_type=incident.sub_event_type,
            place=place_words(incident),
            what=_clip(what, 240),
            casualties=casualty_words(incident),
            actors=actor_words(incident),
            date=incident.date,
            source=first.source,
            link=first.url,
            source_count=len({r.source for r in stored.reports}),
            delay=delay_words(first.published, now or utcnow()),
        )


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


PLAIN_MARKS = {3: "[!!!]", 2: "[!!]", 1: "[!]"}


def render_plain(view: AlertView) -> str:
    """The alert as plain text (console, and the fallback when rich text fails)."""
    lines = [f"{PLAIN_MARKS[view.severity]} {view.sub_event_type} — {view.place}", view.what]
    facts = [f for f in (view.casualties, view.actors, view.date) if f]
    if facts:
        lines.append(" · ".join(facts))
    sources = f"{view.source}" + (f" {view.link}" if view.link else "")
    if view.source_count > 1:
        sources += f" (+{view.source_count - 1} more sources)"
    if view.delay:
        sources += f" · {view.delay}"
    lines.append(sources)
    return "\n".join(lines)
