"""Delivery: one alert per (chat, incident) queued in the outbox, then sent by its transport."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Mapping, Sequence

from redis.exceptions import RedisError

from bot.metrics import Metrics
from bot.models import Chat, StoredIncident
from bot.store import Outbox, OutboxEntry, Store
from bot.transports import SendStatus, Transport

logger = logging.getLogger(__name__)

MAX_RETRIES_IN_PLACE = 5


class Delivery:
    """Sends queued alerts. Nothing is acknowledged before it was sent or could never be sent."""

    def __init__(
        self,
        store: Store,
        transports: Mapping[str, Transport],
        *,
        consumer: str | None = None,
        concurrency: int = 32,
        metrics: Metrics | None = None,
    ) -> None:
        self.store = store
        self.metrics = metrics or Metrics()
        self.outbox = Outbox(store)
        self.transports = transports
        self.consumer = consumer or f"{socket.gethostname()}-{os.getpid()}"
        self._slots = asyncio.Semaphore(concurrency)

    async def start(self) -> None:
        await self.outbox.ensure_group()

    async def enqueue(self, stored: StoredIncident, chats: Sequence[Chat]) -> int:
        """Queue the alert of `stored` for each chat; returns how many were queued."""
        await self.outbox.put([(chat.address, stored.id) for chat in chats])
        return len(chats)

    async def run_batch(self, *, block_ms: int | None = None) -> int:
        """Send one batch of queued alerts concurrently; returns how many entries were handled."""
        entries = await self.outbox.take(self.consumer, block_ms=block_ms)
        if not entries:
            return 0
        done = await asyncio.gather(*(self._guarded(e) for e in entries))
        await self.outbox.ack([e.entry_id for e, ok in zip(entries, done, strict=True) if ok])
        return len(entries)

    async def drain(self) -> None:
        """Send everything queued now (one-shot commands and the demo)."""
        while await self.run_batch():
            pass

    async def run(self, stop: asyncio.Event) -> None:
        """The long-running worker loop."""
        while not stop.is_set():
            try:
                await self.run_batch(block_ms=1000)
                self.metrics.outbox_depth.set(await self.outbox.pending())
                self.metrics.redis_up.set(1)
            except RedisError as exc:
                self.metrics.redis_up.set(0)
                logger.warning("Redis unavailable for delivery (%s); retrying shortly", exc)
                await asyncio.sleep(2)
            except Exception:
                logger.exception("delivery batch failed; retrying shortly")
                await asyncio.sleep(2)

    async def _guarded(self, entry: OutboxEntry) -> bool:
        async with self._slots:
            try:
                return await self._send(entry)
            except Exception:
                logger.exception("sending %s to %s failed", entry.incident_id, entry.address)
                return False  # left pending; reclaimed and retried later

    async def _send(self, entry: OutboxEntry) -> bool:
        """Send one entry; True when it may be acknowledged."""
        platform, _, chat_id = entry.address.partition(":")
        if await self.store.delivery_ref(entry.address, entry.incident_id) is not None:
            return True  # sent before a crash, acknowledged now
        transport = self.transports.get(platform)
        if transport is None:
            logger.warning("no %s transport here: alert for %s dropped", platform, entry.address)
            return True
        found = await self.store.get_incidents([entry.incident_id])
        if not found:
            logger.warning("incident %s expired before delivery", entry.incident_id)
            return True
        for _ in range(MAX_RETRIES_IN_PLACE):
            result = await transport.send_alert(chat_id, found[0])
            self.metrics.observe_alert(platform, result.status.value, found[0].published)
            if result.status is SendStatus.SENT:
                await self.store.record_delivery(
                    entry.address, entry.incident_id, result.ref or "sent"
                )
                return True
            if result.status is SendStatus.RETRY:
                logger.info(
                    "%s asks to wait %.1fs: %s", entry.address, result.retry_after, result.detail
                )
                await asyncio.sleep(result.retry_after)
                continue
            if result.status is SendStatus.GONE:
                await self._deactivate(platform, chat_id, result.detail, result.new_chat_id)
                if result.new_chat_id:
                    await self.outbox.put([(f"{platform}:{result.new_chat_id}", entry.incident_id)])
                return True
            logger.error("alert to %s failed for good: %s", entry.address, result.detail)
            return True
        return False

    async def _deactivate(
        self, platform: str, chat_id: str, reason: str, new_chat_id: str | None
    ) -> None:
        chat = await self.store.get_chat(platform, chat_id)
        if chat is None:
            return
        if new_chat_id:  # the group became a supergroup: follow it
            await self.store.delete_chat(platform, chat_id)
            chat.chat_id = new_chat_id
        else:
            chat.active = False
            chat.inactive_reason = reason
            logger.info(
                "chat %s is unreachable (%s): subscription kept, inactive", chat.address, reason
            )
        await self.store.save_chat(chat)
