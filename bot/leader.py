"""Which instance schedules polls: the one holding a Redis lease, renewed while it lives.

Several `sitrep run` processes may share one Redis. Each tries to take the lease (SET NX PX with a
token, through redis-py's lock); the holder renews it every third of its lifetime and releases it
on shutdown, so another instance takes over within one lifetime after a crash, at once after a
clean stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from redis.exceptions import LockError, RedisError

from bot.store import Store

logger = logging.getLogger(__name__)

LEASE_SECONDS = 15.0


class Leadership:
    """Holds the scheduler lease for this process, or waits for it."""

    def __init__(
        self,
        store: Store,
        *,
        on_gain: Callable[[], object],
        on_loss: Callable[[], object],
        lease_seconds: float = LEASE_SECONDS,
    ) -> None:
        self.lock = store.scheduler_lease(lease_seconds)
        self.on_gain = on_gain
        self.on_loss = on_loss
        self.lease_seconds = lease_seconds
        self.held = False

    async def step(self) -> bool:
        """Take or renew the lease once; returns whether this process holds it now."""
        try:
            if self.held:
                await self.lock.reacquire()
            else:
                self.held = bool(await self.lock.acquire(blocking=False))
                if self.held:
                    logger.info("this instance now schedules polls")
                    self.on_gain()
        except (LockError, RedisError) as exc:
            if self.held:
                logger.warning("scheduler lease lost (%s): pausing polls", exc)
                self.held = False
                self.on_loss()
        return self.held

    async def run(self, stop: asyncio.Event) -> None:
        """Keep the lease (or keep trying) until `stop`, then let it go."""
        try:
            while not stop.is_set():
                await self.step()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.lease_seconds / 3)
        finally:
            await self.release()

    async def release(self) -> None:
        if not self.held:
            return
        self.held = False
        self.on_loss()
        try:
            await self.lock.release()
        except (LockError, RedisError) as exc:
            logger.info("scheduler lease already gone at shutdown: %s", exc)
