"""Several instances on one Redis: only the holder of the scheduler lease polls."""

from __future__ import annotations

import asyncio

import redis.asyncio as redis

from bot.app import serve
from bot.leader import Leadership
from bot.models import Source
from bot.settings import Settings
from bot.store import Store
from tests.conftest import Feed, FeedServer
from tests.test_pipeline import STRIKE, rss


class Events:
    def __init__(self) -> None:
        self.log: list[str] = []

    def leader(self, store: Store, name: str, lease: float = 15.0) -> Leadership:
        return Leadership(
            store,
            on_gain=lambda: self.log.append(f"{name} gains"),
            on_loss=lambda: self.log.append(f"{name} loses"),
            lease_seconds=lease,
        )


async def test_one_holder_at_a_time_and_a_clean_handover(
    redis_client: redis.Redis, key_prefix: str
) -> None:
    store = Store(redis_client, key_prefix)
    events = Events()
    a, b = events.leader(store, "a"), events.leader(store, "b")
    assert await a.step() is True
    assert await b.step() is False
    assert await a.step() is True  # renewal keeps it
    await a.release()
    assert await b.step() is True
    assert events.log == ["a gains", "a loses", "b gains"]


async def test_a_crashed_holder_is_replaced_when_its_lease_runs_out(
    redis_client: redis.Redis, key_prefix: str
) -> None:
    store = Store(redis_client, key_prefix)
    events = Events()
    crashed, standby = events.leader(store, "a", lease=0.3), events.leader(store, "b", lease=0.3)
    assert await crashed.step() is True
    await asyncio.sleep(0.4)  # the holder stopped renewing: its lease expires
    assert await standby.step() is True
    assert await crashed.step() is False  # it notices and pauses its scheduler
    assert events.log == ["a gains", "b gains", "a loses"]


async def test_an_instance_without_the_lease_does_not_poll(
    settings: Settings, redis_client: redis.Redis, key_prefix: str, feed_server: FeedServer
) -> None:
    feed_server.feeds["/a"] = Feed(rss(STRIKE))
    source = Source("A", feed_server.url("/a"), 1)
    other = Events().leader(Store(redis_client, key_prefix), "other")
    assert await other.step() is True
    stop = asyncio.Event()
    settings.lease_seconds = 1.5  # a standby retries every half second
    instance = asyncio.create_task(serve(settings, [source], role="scheduler", stop=stop))
    await asyncio.sleep(2.5)
    assert feed_server.feeds["/a"].requests == 0
    await other.release()
    for _ in range(30):
        if feed_server.feeds["/a"].requests:
            break
        await asyncio.sleep(0.1)
    stop.set()
    await asyncio.wait_for(instance, timeout=15)
    assert feed_server.feeds["/a"].requests >= 1


async def test_a_poll_under_way_when_sitrep_stops_finishes_first(
    settings: Settings, redis_client: redis.Redis, key_prefix: str, feed_server: FeedServer
) -> None:
    feed_server.feeds["/slow"] = Feed(rss(STRIKE), delay=1.5)
    stop = asyncio.Event()
    instance = asyncio.create_task(
        serve(settings, [Source("Slow", feed_server.url("/slow"), 60)], stop=stop)
    )
    for _ in range(100):
        if feed_server.feeds["/slow"].requests:
            break
        await asyncio.sleep(0.05)
    stop.set()  # the feed has not answered yet
    await asyncio.wait_for(instance, timeout=15)
    assert await Store(redis_client, key_prefix).recent_incident_ids()
