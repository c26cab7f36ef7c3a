"""One poll of one source: fetch, keep new items, extract incidents, dedupe, queue alerts.

`poll_once` is the whole pass; the scheduler only decides when it runs.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from redis.exceptions import RedisError

from bot.articles import fetch_article_text
from bot.clustering import Shown, merge_report, revision, same_incident, signature
from bot.delivery import Delivery
from bot.match import match_subscribers
from bot.models import Chat, FeedItem, Source, SourceReport, StoredIncident, utcnow
from bot.sources import FetchStatus, fetch_feed
from bot.store import SourceState, Store
from extraction import Extractor, Incident

logger = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=6)
MAX_ITEM_AGE = timedelta(days=3)  # a "new" item older than this is history, not an alert
MAX_CONCURRENT_POLLS = 48


@dataclass(slots=True)
class PollOutcome:
    """What one poll did; failures are values here, not exceptions."""

    source: str
    status: str  # ok, not_modified, error, backing_off
    items: int = 0
    new_items: int = 0
    incidents_new: int = 0
    incidents_updated: int = 0
    alerts_queued: int = 0
    error_kind: str | None = None
    detail: str = ""
    new_incidents: list[StoredIncident] = field(default_factory=list)


@dataclass(slots=True)
class PollSettings:
    backfill: timedelta
    alert_types: tuple[str, ...]
    max_feed_bytes: int


class Poller:
    def __init__(
        self,
        *,
        store: Store,
        extractor: Extractor,
        http: httpx.AsyncClient,
        delivery: Delivery,
        settings: PollSettings,
        local_chats: Sequence[Chat] = (),
    ) -> None:
        self.store = store
        self.extractor = extractor
        self.http = http
        self.delivery = delivery
        self.settings = settings
        self.local_chats = list(local_chats)  # chats held in memory only (the console)
        # Thousands of sources may be due at once: a bounded number are fetched at a time, so
        # HTTP and Redis connections are waited for in order instead of timing out.
        self._slots = asyncio.Semaphore(MAX_CONCURRENT_POLLS)
        self._country_locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def poll_once(self, source: Source) -> PollOutcome:
        """Fetch one source and handle its new items; failures come back in the outcome."""
        async with self._slots:
            return await self._poll(source)

    async def _poll(self, source: Source) -> PollOutcome:
        state, left = await self.store.poll_state(source.key)
        known = state.to_json()
        now = utcnow()
        if state.next_attempt and datetime.fromisoformat(state.next_attempt) > now:
            return PollOutcome(source.name, "backing_off", detail=f"until {state.next_attempt}")
        result = await fetch_feed(
            self.http,
            source,
            etag=state.etag,
            last_modified=state.last_modified,
            max_bytes=self.settings.max_feed_bytes,
        )
        if result.status is FetchStatus.ERROR:
            await self._record_failure(source, state, str(result.error_kind), result.detail, now)
            return PollOutcome(
                source.name, "error", error_kind=str(result.error_kind), detail=result.detail
            )
        outcome = PollOutcome(source.name, str(result.status), items=len(result.items))
        if left:  # a process died while handling these
            logger.info("handling %d items of %s left by an earlier run", len(left), source.name)
            await self._handle(source, left, now, outcome)
        if result.status is FetchStatus.OK:
            first_poll = not state.initialized
            await self._take_items(source, result.items, first_poll, now, outcome)
            state.etag, state.last_modified = result.etag, result.last_modified
        state.initialized = True
        state.failures, state.error_kind, state.last_error, state.next_attempt = 0, None, None, None
        if state.to_json() != known:  # most polls answer 304 and change nothing
            await self.store.save_source_state(source.key, state)
        return outcome

    async def _record_failure(
        self, source: Source, state: SourceState, kind: str, detail: str, now: datetime
    ) -> None:
        state.failures += 1
        state.error_kind, state.last_error = kind, detail
        backoff = min(timedelta(seconds=source.interval * 2 ** (state.failures - 1)), MAX_BACKOFF)
        state.next_attempt = (now + backoff).isoformat() if state.failures > 1 else None
        logger.warning(
            "source %s failed (%s): %s [failure %d]", source.name, kind, detail, state.failures
        )
        await self.store.save_source_state(source.key, state)

    async def _take_items(
        self,
        source: Source,
        items: list[FeedItem],
        first_poll: bool,
        now: datetime,
        outcome: PollOutcome,
    ) -> None:
        horizon = now - (self.settings.backfill if first_poll else MAX_ITEM_AGE)

        def alertable(item: FeedItem) -> bool:
            if first_poll and item.published is None:
                return False
            # An item already in the feed before sitrep watched it is seen, not alerted.
            return item.published is None or item.published >= horizon

        handle = [alertable(i) for i in items]
        is_new = await self.store.take_new(source.key, items, handle)
        outcome.new_items = sum(is_new)
        await self._handle(
            source, [i for i, new, h in zip(items, is_new, handle, strict=True) if new and h],
            now, outcome,
        )

    async def _handle(
        self, source: Source, items: list[FeedItem], now: datetime, outcome: PollOutcome
    ) -> None:
        """Extract, dedupe and queue each item, then release it."""
        for item in items:
            try:
                await self._take_item(source, item, now, outcome)
            except RedisError:
                raise  # still held: the next poll handles it
            except Exception:
                logger.exception("item %s of %s failed; it will be retried", item.link, source.name)
                await self.store.unmark_seen(source.key, [item.id])
            await self.store.release_items(source.key, [item.id])

    async def _take_item(
        self, source: Source, item: FeedItem, now: datetime, outcome: PollOutcome
    ) -> None:
        text = item.text
        if source.fetch_article and item.link:
            text = await fetch_article_text(self.http, item.link) or text
        published = (item.published or now).date()
        incidents = await asyncio.to_thread(
            self.extractor.extract, text, published=published, title=item.title
        )
        report = SourceReport(
            source=source.name,
            url=item.link,
            title=item.title,
            published=(item.published or now).isoformat(),
        )
        for index, incident in enumerate(incidents):
            if incident.date is None:
                incident.date = published.isoformat()
            stored, created = await self._dedupe(item, index, incident, report, now)
            if not created:
                outcome.incidents_updated += 1
                continue
            outcome.incidents_new += 1
            outcome.new_incidents.append(stored)
            chats = match_subscribers(
                incident,
                [*await self.store.all_chats(), *self.local_chats],
                self.extractor.knowledge,
                self.settings.alert_types,
                now,
            )
            outcome.alerts_queued += await self.delivery.enqueue(stored, chats)

    async def _dedupe(
        self, item: FeedItem, index: int, incident: Incident, report: SourceReport, now: datetime
    ) -> tuple[StoredIncident, bool]:
        """The stored incident this one belongs to, and whether it is new."""
        country = incident.location.country_code
        bands = signature(f"{item.title}\n{' '.join(incident.evidence)}")  # CPU: before the locks
        # Tasks of this process queue on a local lock; the Redis lock keeps other instances out.
        async with self._country_locks[country or ""], self.store.cluster_lock(country):
            return await self._match_or_create(item, index, incident, bands, report, now)

    async def _match_or_create(
        self,
        item: FeedItem,
        index: int,
        incident: Incident,
        bands: list[str],
        report: SourceReport,
        now: datetime,
    ) -> tuple[StoredIncident, bool]:
        day = datetime.fromisoformat(incident.date or now.date().isoformat()).date()
        country = incident.location.country_code
        # Candidates: the fingerprint (country, a few days) and near-copies of the text.
        by_place, by_text = await asyncio.gather(
            self.store.cluster_candidates(country, day),
            self.store.similar_text_candidates(bands, day),
        )
        candidates = await self.store.get_incidents(sorted({*by_place, *by_text}))
        incident_id = hashlib.blake2b(
            f"{item.id}|{index}|{incident.sub_event_type}".encode(), digest_size=10
        ).hexdigest()
        for known in candidates:
            if known.id == incident_id:
                # This item created it before a crash: queue it again; chats that already have
                # the alert are skipped by delivery's idempotency check.
                return known, True
            if same_incident(known.incident, incident):
                await self._merge(known, incident, report)
                return known, False
        stored = StoredIncident(
            id=incident_id,
            incident=incident,
            reports=[report],
            first_seen=now.isoformat(),
            published=report.published,
        )
        await self.store.save_incident(stored)
        await asyncio.gather(
            self.store.add_to_cluster(country, day, incident_id),
            self.store.add_signature(bands, day, incident_id),
        )
        return stored, True

    async def _merge(self, known: StoredIncident, incident: Incident, report: SourceReport) -> None:
        """Fold a report into a known incident; alerts already sent are edited if it shows."""
        before = Shown.of(known)
        if not merge_report(known, incident, report):
            return
        note = revision(before, Shown.of(known))
        if note is not None:
            known.version += 1
        await self.store.update_incident(known)
        if note is not None:
            await self.delivery.revise(known, note)
