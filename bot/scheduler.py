"""When sources are polled: one APScheduler interval job per source, on the shared event loop."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.models import Source, utcnow

logger = logging.getLogger(__name__)

JITTER_SECONDS = 1


def build_scheduler(
    sources: Sequence[Source], poll: Callable[[Source], Awaitable[object]]
) -> AsyncIOScheduler:
    """A scheduler with one job per source: jittered, never overlapping, missed runs coalesced."""
    scheduler = AsyncIOScheduler(timezone=UTC)
    start = utcnow()
    for index, source in enumerate(sources):
        scheduler.add_job(
            poll,
            "interval",
            args=[source],
            id=source.key,
            name=source.name,
            seconds=source.interval,
            # Sources are spread by their first run; jitter only keeps feeds that share a host
            # from being hit in lockstep. Every second of it is added to the worst-case delay.
            jitter=JITTER_SECONDS,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=source.interval,
            next_run_time=_first_run(start, index),
        )
    return scheduler


def take_over(scheduler: AsyncIOScheduler) -> None:
    """This instance now holds the scheduler lease: resume, and poll every source soon. Which
    polls ran before is unknown: the previous holder may have died in the middle of them, or this
    instance's own polls failed while Redis was away."""
    scheduler.resume()
    start = utcnow()
    for index, job in enumerate(scheduler.get_jobs()):
        job.modify(next_run_time=_first_run(start, index))


def _first_run(start: datetime, index: int) -> datetime:
    # Spread the first polls over a few seconds instead of fetching everything at once.
    return start + timedelta(seconds=1 + (index % 20) * 0.25)
