"""Platform-neutral queries behind /latest and /summary."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.alerts import severity
from bot.filters import Filter
from bot.models import StoredIncident
from bot.store import Store
from extraction import Knowledge

PAGE = 200
MAX_SCAN = 5000  # incidents read at most to answer one query
DURATION = re.compile(r"^(\d{1,4})\s*(m|min|h|d|w)$", re.IGNORECASE)
UNIT_SECONDS = {"m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> timedelta | None:
    """'90m', '24h', '7d', '2w' as a timedelta; None when the text is not a duration."""
    match = DURATION.match(text.strip())
    if not match or int(match.group(1)) == 0:
        return None
    return timedelta(seconds=int(match.group(1)) * UNIT_SECONDS[match.group(2).lower()])


async def _matching(
    store: Store,
    knowledge: Knowledge,
    flt: Filter,
    *,
    since: datetime | None,
    limit: int | None,
) -> list[StoredIncident]:
    """Incidents newest first that match the filter, reading the index page by page."""
    countries = {c for area in flt.places for c in area.countries} | {
        code for area in flt.places for code, _ in area.admin1
    }
    # One country: read its own index rather than scanning everything.
    country = next(iter(countries)) if len(countries) == 1 else None
    found: list[StoredIncident] = []
    offset = 0
    while offset < MAX_SCAN:
        ids = await store.recent_incident_ids(
            country_code=country, since=since, limit=PAGE, offset=offset
        )
        if not ids:
            break
        for stored in await store.get_incidents(ids):
            if flt.everything or flt.matches(stored.incident, knowledge):
                found.append(stored)
                if limit is not None and len(found) >= limit:
                    return found
        offset += len(ids)
    return found


async def latest(
    store: Store, knowledge: Knowledge, flt: Filter, limit: int = 5
) -> list[StoredIncident]:
    """The newest `limit` incidents matching the filter."""
    return await _matching(store, knowledge, flt, since=None, limit=limit)


@dataclass(slots=True)
class Summary:
    """Counts and totals of the incidents over a period."""

    since: datetime
    period: timedelta
    total: int = 0
    by_country: list[tuple[str, int]] = field(default_factory=list)
    by_type: list[tuple[str, int]] = field(default_factory=list)
    killed: int = 0
    injured: int = 0
    most_serious: list[StoredIncident] = field(default_factory=list)


async def summary(
    store: Store,
    knowledge: Knowledge,
    flt: Filter,
    *,
    period: timedelta = timedelta(hours=24),
    now: datetime,
    top: int = 3,
) -> Summary:
    """Counts by country and type, casualty totals and the most serious incidents of a period."""
    since = now - period
    found = await _matching(store, knowledge, flt, since=since, limit=None)
    countries = Counter(s.incident.location.country or "Unknown" for s in found)
    types = Counter(s.incident.sub_event_type for s in found)
    ranked = sorted(
        found,
        key=lambda s: (severity(s.incident), s.incident.killed or 0, s.incident.injured or 0),
        reverse=True,
    )
    return Summary(
        since=since,
        period=period,
        total=len(found),
        by_country=countries.most_common(),
        by_type=types.most_common(),
        killed=sum(s.incident.killed or 0 for s in found),
        injured=sum(s.incident.injured or 0 for s in found),
        most_serious=ranked[:top],
    )
