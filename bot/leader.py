"""Work only one instance may do (schedule polls, long-poll Telegram): whoever holds a lease.

Several `sitrep run` processes may share one Redis. Each tries to take the lease (SET NX PX with a
token, through redis-py's lock); the holder renews it every third of its lifetime and releases it
on shutdown, so another instance takes over within one lifetime after a crash, at once after a
clean stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import Callable

from redis.exceptions import LockError, RedisError

from bot.store import Store

logger = logging.getLogger(__name__)


class Leadership:
    """Holds a lease for this process, or waits for it; the callbacks start and stop the work
    (they may be coroutine functions)."""

    def __init__(
        self,
        store: Store,
        *,
        on_gain: Callable[[], object],
        on_loss: Callable[[], object],
        lease_seconds: float,  # SITREP_LEASE_SECONDS
        name: str = "scheduler",
    ) -> None:
        self.name = name
        self.lock = store.lease(name, lease_seconds)
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
                    logger.info("this instance now holds the %s lease", self.name)
                    await _call(self.on_gain)
        except (LockError, RedisError) as exc:
            if self.held:
                logger.warning("%s lease lost (%s): pausing that work", self.name, exc)
                self.held = False
                await _call(self.on_loss)
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
        await _call(self.on_loss)
        try:
            await self.lock.release()
        except (LockError, RedisError) as exc:
            logger.info("%s lease already gone at shutdown: %s", self.name, exc)


async def _call(callback: Callable[[], object]) -> None:
    result = callback()
    if inspect.isawaitable(result):
        await result
