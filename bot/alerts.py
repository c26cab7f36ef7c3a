"""What an alert says, independent of platform; each platform renders an AlertView its own way."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
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
            what=clip(what, 240),
            casualties=casualty_words(incident),
            actors=actor_words(incident),
            date=incident.date,
            source=first.source,
            link=first.url,
            source_count=len({r.source for r in stored.reports}),
            delay=delay_words(first.published, now or utcnow()),
        )


def clip(text: str, limit: int) -> str:
    """`text` on one line, cut to `limit` characters with an ellipsis."""
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


@dataclass(frozen=True, slots=True)
class UpdateNote:
    """A material change to an incident already alerted, told in a short threaded update."""

    killed: int | None = None  # the new death toll, when it rose
    killed_was: int | None = None
    place: str | None = None  # the new place, when a report placed the incident (better)
    place_was: str | None = None
    sources: int = 1

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> UpdateNote:
        return cls(**json.loads(raw))

    @property
    def material(self) -> bool:
        """Worth a threaded update (deaths rose, the place became known); else edit only."""
        return self.killed is not None or self.place is not None

    def changes(self) -> list[str]:
        """The changes in words, most important first."""
        lines = []
        if self.killed is not None:
            was = f" (was {self.killed_was})" if self.killed_was else ""
            lines.append(f"Death toll now {self.killed}{was}")
        if self.place is not None:
            lines.append(f"Now placed in {self.place}")
        return lines


def render_update_plain(note: UpdateNote) -> str:
    return "Update: " + "; ".join(note.changes()) + f" · {note.sources} sources"


@dataclass(frozen=True, slots=True)
class CatchUpView:
    """Alerts that waited too long, folded into one message for a chat: counts and the top few."""

    total: int
    killed: int
    by_country: list[tuple[str, int]]
    top: list[AlertView]  # most severe first

    TOP = 5

    @classmethod
    def build(cls, incidents: Sequence[StoredIncident], now: datetime | None = None) -> CatchUpView:
        ranked = sorted(
            incidents,
            key=lambda s: (severity(s.incident), s.incident.killed or 0, s.first_seen),
            reverse=True,
        )
        countries = Counter(s.incident.location.country or "unknown place" for s in incidents)
        return cls(
            total=len(incidents),
            killed=sum(s.incident.killed or 0 for s in incidents),
            by_country=countries.most_common(),
            top=[AlertView.build(s, now) for s in ranked[: cls.TOP]],
        )

    @property
    def headline(self) -> str:
        noun = "incident" if self.total == 1 else "incidents"
        return f"While sitrep was away: {self.total} {noun} matching your filters"

    @property
    def counts(self) -> str:
        countries = ", ".join(f"{c} {n}" for c, n in self.by_country[:8])
        killed = f"{self.killed} killed · " if self.killed else ""
        return killed + countries

    @property
    def more(self) -> int:
        return self.total - len(self.top)


def catch_up_line(view: AlertView) -> str:
    """One folded incident in one line: what, where, casualties, source."""
    facts = "; ".join(f for f in (view.casualties, view.date) if f)
    line = f"{view.sub_event_type}, {view.place}" + (f" ({facts})" if facts else "")
    return f"{line} — {view.source}"


def render_catch_up_plain(view: CatchUpView) -> str:
    lines = [view.headline, view.counts]
    lines += [f"{PLAIN_MARKS[v.severity]} {catch_up_line(v)}" for v in view.top]
    if view.more:
        lines.append(f"… and {view.more} more (/latest lists them)")
    return "\n".join(lines)
