"""The records extraction produces: what happened, where, who, how many, when."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

ActorRole = Literal["actor1", "actor2", "associated"]
Precision = Literal["place", "admin1", "country", "none"]


@dataclass(frozen=True, slots=True)
class Actor:
    """A canonical actor and the part it played: actor1 acted, actor2 was acted upon."""

    name: str
    role: ActorRole
    country: str | None = None  # ISO 3166 alpha-3


@dataclass(frozen=True, slots=True)
class Location:
    """Where an incident happened, as precisely as the text says."""

    country: str | None = None
    country_code: str | None = None  # ISO 3166 alpha-3
    admin1: str | None = None
    place: str | None = None
    lat: float | None = None
    lon: float | None = None
    precision: Precision = "none"


@dataclass(slots=True)
class Incident:
    """One incident reported by a text, with the sentences that support it.

    `killed`/`injured` are 0 when the text says there were none and None when it says nothing.
    `date` is ISO YYYY-MM-DD, resolved against the publication date.
    """

    event_type: str
    sub_event_type: str
    actors: list[Actor] = field(default_factory=list)
    location: Location = field(default_factory=Location)
    killed: int | None = None
    injured: int | None = None
    date: str | None = None
    summary: str = ""
    evidence: list[str] = field(default_factory=list)
    confidence: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """The `sitrep extract --json` shape; field names are an external contract."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Incident:
        return cls(
            event_type=data["event_type"],
            sub_event_type=data["sub_event_type"],
            actors=[Actor(**a) for a in data.get("actors", [])],
            location=Location(**data.get("location", {})),
            killed=data.get("killed"),
            injured=data.get("injured"),
            date=data.get("date"),
            summary=data.get("summary", ""),
            evidence=list(data.get("evidence", [])),
            confidence=float(data.get("confidence", 0.0)),
        )
