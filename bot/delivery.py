"""Delivery: one alert per (chat, incident) queued in the outbox, then sent by its transport.

Later reports of an incident edit the alerts already sent (revisions). Alerts that waited past
the catch-up age are folded into one catch-up message per chat instead of a flood.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta

from redis.exceptions import RedisError

from bot.alerts import CatchUpView, UpdateNote, severity
from bot.metrics import Metrics
from bot.models import Chat, StoredIncident, utcnow
from bot.store import ALERT, REVISION, Outbox, OutboxEntry, Store, reconnect_delay
from bot.transports import SendResult, SendStatus, Transport

logger = logging.getLogger(__name__)

MAX_RETRIES_IN_PLACE = 5
CATCH_UP_MIN = 2  # late alerts a chat must have waiting before they are folded into one message
MAX_BACKLOG_READ = 5000  # entries read in one go to fold a backlog after downtime


class Delivery:
    """Sends queued alerts. Nothing is acknowledged before it was sent or could never be sent."""

    def __init__(
        self,
        store: Store,
        transports: Mapping[str, Transport],
        *,
        consumer: str | None = None,
        concurrency: int = 32,
        claim_idle: float = 60.0,
        metrics: Metrics | None = None,
        catch_up_after: timedelta | None = timedelta(minutes=60),
    ) -> None:
        self.store = store
        self.catch_up_after = catch_up_after  # None: never fold
        self.metrics = metrics or Metrics()
        self.outbox = Outbox(store, claim_idle=claim_idle)
        self.transports = transports
        self.consumer = consumer or f"{socket.gethostname()}-{os.getpid()}"
        self._slots = asyncio.Semaphore(concurrency)

    async def start(self) -> None:
        await self.outbox.ensure_group()

    async def enqueue(self, stored: StoredIncident, chats: Sequence[Chat]) -> int:
        """Queue the alert of `stored` for each chat, at its severity; returns how many."""
        await self.outbox.put(
            [(chat.address, stored.id) for chat in chats], priority=severity(stored.incident)
        )
        return len(chats)

    async def revise(self, stored: StoredIncident, note: UpdateNote) -> int:
        """Queue an edit of every alert of `stored` already sent, plus a threaded update when the
        change is material; returns how many chats. Chats still waiting get the latest record."""
        addresses = await self.store.recipients(stored.id)
        await self.outbox.put(
            [(address, stored.id) for address in addresses],
            priority=severity(stored.incident),
            kind=REVISION,
            version=stored.version,
            note=note.to_json() if note.material else "",
        )
        return len(addresses)

    async def run_batch(self, *, block_ms: int | None = None) -> int:
        """Send one batch of queued entries concurrently; returns how many were handled.

        A batch holding late alerts reads the rest of the backlog too, so that each chat's late
        alerts become one catch-up message.
        """
        entries = await self.outbox.take(self.consumer, block_ms=block_ms)
        if not entries:
            return 0
        incidents = await self._incidents(entries)
        if self._late(entries, incidents):
            while len(entries) < MAX_BACKLOG_READ:
                more = await self.outbox.take(self.consumer)
                if not more:
                    break
                entries += more
            unread = [e for e in entries if e.incident_id not in incidents]
            incidents |= await self._incidents(unread)
        folds, singles = self._fold(entries, incidents)
        per_chat: dict[str, list[OutboxEntry]] = defaultdict(list)
        for entry in singles:
            per_chat[entry.address].append(entry)
        jobs: list[Awaitable[list[OutboxEntry]]] = [self._in_turn(g) for g in per_chat.values()]
        jobs += [self._guarded_catch_up(address, group) for address, group in folds]
        done = await asyncio.gather(*jobs)
        await self.outbox.ack([e for sent in done for e in sent])
        return len(entries)

    async def _in_turn(self, entries: list[OutboxEntry]) -> list[OutboxEntry]:
        """One chat's entries, one after another (chats run side by side): two revisions of one
        alert never race past the once-per-version check. Returns those that may be acked."""
        return [entry for entry in entries if await self._guarded(entry)]

    async def _incidents(self, entries: Sequence[OutboxEntry]) -> dict[str, StoredIncident]:
        ids = sorted({e.incident_id for e in entries})
        return {s.id: s for s in await self.store.get_incidents(ids)}

    def _late(
        self, entries: Sequence[OutboxEntry], incidents: Mapping[str, StoredIncident]
    ) -> list[OutboxEntry]:
        """Alerts whose incident was published longer ago than the catch-up age."""
        if self.catch_up_after is None:
            return []
        horizon = utcnow() - self.catch_up_after
        return [
            e
            for e in entries
            if e.kind == ALERT
            and e.incident_id in incidents
            and published_at(incidents[e.incident_id]) < horizon
        ]

    def _fold(
        self, entries: list[OutboxEntry], incidents: Mapping[str, StoredIncident]
    ) -> tuple[list[tuple[str, list[OutboxEntry]]], list[OutboxEntry]]:
        """Split entries into per-chat groups of late alerts to fold, and entries sent one by one
        (highest priority first)."""
        late: dict[str, list[OutboxEntry]] = defaultdict(list)
        for entry in self._late(entries, incidents):
            late[entry.address].append(entry)
        folds = [(a, group) for a, group in late.items() if len(group) >= CATCH_UP_MIN]
        folded = {e for _, group in folds for e in group}
        singles = sorted((e for e in entries if e not in folded), key=lambda e: -e.priority)
        return folds, singles

    async def drain(self) -> None:
        """Send everything queued now (one-shot commands and the demo)."""
        while await self.run_batch():
            pass

    async def run(self, stop: asyncio.Event) -> None:
        """The long-running worker loop; Redis outages are waited out with backoff."""
        failures = 0
        while not stop.is_set():
            try:
                await self.run_batch(block_ms=1000)
                self.metrics.outbox_depth.set(await self.outbox.pending())
                self.metrics.redis_up.set(1)
                failures = 0
            except RedisError as exc:
                failures += 1
                self.metrics.redis_up.set(0)
                delay = reconnect_delay(failures)
                logger.warning("Redis unavailable for delivery (%s); retry in %.1fs", exc, delay)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), delay)
            except Exception:
                logger.exception("delivery batch failed; retrying shortly")
                await asyncio.sleep(2)

    async def _guarded(self, entry: OutboxEntry) -> bool:
        async with self._slots:
            try:
                return await self._send(entry)
            except RedisError as exc:  # Redis is away: the run loop waits, this entry stays
                logger.warning(
                    "alert %s to %s waits for Redis: %s", entry.incident_id, entry.address, exc
                )
                return False
            except Exception:
                logger.exception("sending %s to %s failed", entry.incident_id, entry.address)
                return False  # left pending; reclaimed and retried later

    async def _send(self, entry: OutboxEntry) -> bool:
        """Send one entry; True when it may be acknowledged."""
        platform, _, chat_id = entry.address.partition(":")
        if entry.kind != REVISION and await self.store.delivery_ref(
            entry.address, entry.incident_id
        ):
            return True  # sent before a crash, acknowledged now
        transport = self.transports.get(platform)
        if transport is None:
            logger.warning("no %s transport here: alert for %s dropped", platform, entry.address)
            return True
        found = await self.store.get_incidents([entry.incident_id])
        if not found:
            logger.warning("incident %s expired before delivery", entry.incident_id)
            return True
        if entry.kind == REVISION:
            return await self._revise(entry, transport, found[0])
        stored = found[0]
        result = await self._attempt(
            entry.address,
            lambda: transport.send_alert(chat_id, stored),
            lambda r: self.metrics.observe_alert(platform, r.status.value, stored.published),
        )
        if result.status is SendStatus.SENT:
            await self.store.record_delivery(entry.address, stored.id, result.ref or "sent")
            await self._follow_up(entry, stored)
        return await self._settle(entry.address, result, [entry])

    async def _follow_up(self, entry: OutboxEntry, sent: StoredIncident) -> None:
        """A report merged while the alert was on its way: the chat missed that revision, since
        it was not a recipient yet, so it gets an edit of its own."""
        latest = await self.store.get_incidents([sent.id])
        if latest and latest[0].version > sent.version:
            await self.outbox.put(
                [(entry.address, sent.id)],
                priority=entry.priority,
                kind=REVISION,
                version=latest[0].version,
            )

    async def _revise(
        self, entry: OutboxEntry, transport: Transport, stored: StoredIncident
    ) -> bool:
        """Edit the chat's alert to show the latest record (once per version), then post the
        threaded update a material change asks for (once per version)."""
        chat_id = entry.address.partition(":")[2]
        ref = await self.store.delivery_ref(entry.address, stored.id)
        if ref is None:
            return True  # the alert itself is still queued: it will show the latest record
        if await self.store.edited_version(entry.address, stored.id) < stored.version:
            result = await self._attempt(
                entry.address, lambda: transport.edit_alert(chat_id, ref, stored)
            )
            if result.status is SendStatus.SENT:
                await self.store.record_edit(entry.address, stored.id, stored.version)
            elif result.status is SendStatus.FAILED:  # a lost edit need not stop the update
                logger.warning("edit in %s failed: %s", entry.address, result.detail)
            else:
                return await self._settle(entry.address, result, [])
        if not entry.note or await self.store.update_sent(entry.address, stored.id, entry.version):
            return True
        note = UpdateNote.from_json(entry.note)
        result = await self._attempt(
            entry.address, lambda: transport.send_update(chat_id, ref, note)
        )
        if result.status is SendStatus.SENT:
            await self.store.record_update(
                entry.address, stored.id, entry.version, result.ref or "sent"
            )
        return await self._settle(entry.address, result, [])

    async def _guarded_catch_up(
        self, address: str, group: list[OutboxEntry]
    ) -> list[OutboxEntry]:
        async with self._slots:
            try:
                return group if await self._catch_up(address, group) else []
            except Exception:
                logger.exception("catch-up message to %s failed", address)
                return []  # left pending; reclaimed and retried later

    async def _catch_up(self, address: str, group: list[OutboxEntry]) -> bool:
        """Fold late alerts into one message; the entries are acknowledged only once it is sent."""
        platform, _, chat_id = address.partition(":")
        transport = self.transports.get(platform)
        if transport is None:
            logger.warning("no %s transport here: catch-up for %s dropped", platform, address)
            return True
        ids = sorted({e.incident_id for e in group})
        refs = await self.store.delivery_refs(address, ids)
        waiting = [i for i, ref in zip(ids, refs, strict=True) if ref is None]
        found = await self.store.get_incidents(waiting)
        if len(found) < CATCH_UP_MIN:  # most were sent before a crash: send the rest one by one
            return all([await self._send(e) for e in group if e.incident_id in waiting])
        view = CatchUpView.build(found)
        result = await self._attempt(address, lambda: transport.send_catch_up(chat_id, view))
        for stored in found:
            self.metrics.observe_alert(platform, result.status.value, stored.published)
        if result.status is SendStatus.SENT:
            await self.store.record_folded(address, [s.id for s in found], result.ref or "sent")
            logger.info("folded %d late alerts into one message to %s", len(found), address)
        return await self._settle(address, result, group)

    async def _attempt(
        self,
        address: str,
        send: Callable[[], Awaitable[SendResult]],
        observe: Callable[[SendResult], None] | None = None,
    ) -> SendResult:
        """Send, waiting in place as long as the platform asks, a few times; the last result."""
        for _ in range(MAX_RETRIES_IN_PLACE):
            result = await send()
            if observe is not None:
                observe(result)
            if result.status is not SendStatus.RETRY:
                return result
            logger.info("%s asks to wait %.1fs: %s", address, result.retry_after, result.detail)
            await asyncio.sleep(result.retry_after)
        return result

    async def _settle(
        self, address: str, result: SendResult, alerts: Sequence[OutboxEntry]
    ) -> bool:
        """What a final result means for the entry: True when it may be acknowledged. A migrated
        chat gets `alerts` again at its new id."""
        platform, _, chat_id = address.partition(":")
        if result.status is SendStatus.SENT:
            return True
        if result.status is SendStatus.RETRY:
            return False  # still rate-limited: reclaimed and retried later
        if result.status is SendStatus.GONE:
            await self._deactivate(platform, chat_id, result.detail, result.new_chat_id)
            if result.new_chat_id:
                moved = f"{platform}:{result.new_chat_id}"
                for entry in alerts:
                    await self.outbox.put([(moved, entry.incident_id)], priority=entry.priority)
            return True
        logger.error("sending to %s failed for good: %s", address, result.detail)
        return True

    async def _deactivate(
        self, platform: str, chat_id: str, reason: str, new_chat_id: str | None
    ) -> None:
        if new_chat_id:  # the group became a supergroup: follow it
            await self.store.move_chat(platform, chat_id, new_chat_id)
            return
        chat = await self.store.get_chat(platform, chat_id)
        if chat is None:
            return
        chat.active = False
        chat.inactive_reason = reason
        logger.info(
            "chat %s is unreachable (%s): subscription kept, inactive", chat.address, reason
        )
        await self.store.save_chat(chat)


def published_at(stored: StoredIncident) -> datetime:
    """When the incident's first report was published (else when sitrep first read it)."""
    first = stored.reports[0].published if stored.reports else None
    return datetime.fromisoformat(first or stored.published or stored.first_seen)
