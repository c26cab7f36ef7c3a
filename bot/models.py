"""Records that flow through sitrep: sources, feed items, stored incidents, chats."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from extraction.model import Incident


@dataclass(frozen=True, slots=True)
class Source:
    """A feed sitrep polls. A source is known by its URL."""

    name: str
    url: str
    interval: int = 300
    language: str = "en"
    tags: tuple[str, ...] = ()
    fetch_article: bool = False

    @property
    def key(self) -> str:
        """A short stable id of the URL, used in Redis keys."""
        return hashlib.blake2b(self.url.encode(), digest_size=8).hexdigest()


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One entry of a feed, reduced to what extraction and alerts need."""

    id: str
    title: str
    link: str | None
    text: str
    published: datetime | None

    def to_json(self) -> str:
        # Built by hand: dataclasses.asdict deep-copies, and every polled item passes here.
        published = self.published.isoformat() if self.published else None
        return json.dumps(
            {"id": self.id, "title": self.title, "link": self.link, "text": self.text,
             "published": published},
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, raw: str) -> FeedItem:
        data = json.loads(raw)
        published = data.pop("published")
        return cls(**data, published=datetime.fromisoformat(published) if published else None)


@dataclass(slots=True)
class SourceReport:
    """One outlet's report of an incident."""

    source: str
    url: str | None
    title: str
    published: str | None  # ISO 8601

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "url": self.url, "title": self.title,
                "published": self.published}


@dataclass(slots=True)
class StoredIncident:
    """An incident as sitrep keeps it: the extracted facts plus where and when it was reported."""

    id: str
    incident: Incident
    reports: list[SourceReport]
    first_seen: str  # ISO 8601, when sitrep first read a report of it
    published: str | None  # ISO 8601 of the first report
    version: int = 1  # raised whenever a later report changes what the alert shows

    @property
    def first_seen_at(self) -> datetime:
        return datetime.fromisoformat(self.first_seen)

    def to_json(self) -> str:
        return json.dumps(
            {
                "id": self.id,
                "incident": self.incident.to_dict(),
                "reports": [r.to_dict() for r in self.reports],
                "first_seen": self.first_seen,
                "published": self.published,
                "version": self.version,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, raw: str | bytes) -> StoredIncident:
        data = json.loads(raw)
        return cls(
            id=data["id"],
            incident=Incident.from_dict(data["incident"]),
            reports=[SourceReport(**r) for r in data["reports"]],
            first_seen=data["first_seen"],
            published=data.get("published"),
            version=int(data.get("version", 1)),
        )


@dataclass(slots=True)
class Subscription:
    """One filter a chat subscribed to."""

    filter: str
    created: str  # ISO 8601


@dataclass(slots=True)
class Chat:
    """A chat (Telegram chat, Slack channel, console) and its subscriptions.

    An inactive chat (it blocked the bot, or removed it) keeps its subscriptions, to be revived.
    """

    platform: str
    chat_id: str
    subscriptions: list[Subscription] = field(default_factory=list)
    active: bool = True
    paused_until: str | None = None  # ISO 8601
    created: str = field(default_factory=lambda: utcnow().isoformat())
    inactive_reason: str | None = None

    @property
    def address(self) -> str:
        return f"{self.platform}:{self.chat_id}"

    def is_paused(self, now: datetime) -> bool:
        return self.paused_until is not None and datetime.fromisoformat(self.paused_until) > now

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes) -> Chat:
        data = json.loads(raw)
        data["subscriptions"] = [Subscription(**s) for s in data.get("subscriptions", [])]
        return cls(**data)


def utcnow() -> datetime:
    return datetime.now(UTC)
