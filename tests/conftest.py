"""Shared fixtures: real Redis under a per-test key prefix, settings, extractor, feed server."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import pytest
import redis.asyncio as redis
from aiohttp import web

from bot.settings import Settings
from tests.local_server import serve_local

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(scope="session", autouse=True)
def user_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The run's own user cache directory (where the extractor keeps compiled rule patterns),
    for this process and the commands the tests start."""
    patch = pytest.MonkeyPatch()
    patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache")))
    yield
    patch.undo()


@pytest.fixture(scope="session")
def extractor():  # type: ignore[no-untyped-def]
    from extraction import Extractor

    return Extractor.load()


@pytest.fixture(scope="session")
def rules():  # type: ignore[no-untyped-def]
    """The extraction rules without the trained screen: for tests of what the rules read from
    a sentence (its type, its date), apart from whether the screen lets the incident through."""
    from extraction import Extractor

    return Extractor.load(screen=False)


@pytest.fixture
def key_prefix() -> Iterator[str]:
    prefix = f"test:{uuid.uuid4().hex[:12]}:"
    yield prefix
    # A Redis client the test left open fails this test, not whichever test runs next.
    gc.collect()
    client = redis.Redis.from_url(REDIS_URL)

    async def clean() -> None:
        async for key in client.scan_iter(match=prefix + "*", count=1000):
            await client.delete(key)
        await client.aclose()

    asyncio.run(clean())


@pytest.fixture
async def redis_client(key_prefix: str) -> AsyncIterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    yield client
    await client.aclose()


@pytest.fixture
def settings(key_prefix: str) -> Settings:
    """Settings for a test: real Redis, its own key prefix, nothing from the environment."""
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        redis_url=REDIS_URL,
        key_prefix=key_prefix,
        backfill_hours=2,
        telegram_bot_token=None,
        slack_bot_token=None,
        slack_app_token=None,
    )


@dataclass
class Feed:
    body: bytes
    content_type: str = "application/rss+xml"
    status: int = 200
    requests: int = 0
    conditional_hits: int = 0
    agents: list[str] = field(default_factory=list)  # User-Agent of each request
    delay: float = 0.0  # seconds the server takes to answer

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'


@dataclass
class FeedServer:
    """A local HTTP server for feeds: set `feeds[path]`, read `url(path)`; honours If-None-Match."""

    base: str = ""
    feeds: dict[str, Feed] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    async def handle(self, request: web.Request) -> web.StreamResponse:
        feed = self.feeds.get(request.path)
        if feed is None:
            return web.Response(status=404, text="no such feed")
        feed.requests += 1
        feed.agents.append(request.headers.get("User-Agent", ""))
        await asyncio.sleep(feed.delay)
        if feed.status != 200:
            return web.Response(status=feed.status, text="unavailable")
        if request.headers.get("If-None-Match") == feed.etag:
            feed.conditional_hits += 1
            return web.Response(status=304, headers={"ETag": feed.etag})
        return web.Response(
            body=feed.body, headers={"ETag": feed.etag, "Content-Type": feed.content_type}
        )


@pytest.fixture
async def feed_server() -> AsyncIterator[FeedServer]:
    server = FeedServer()
    app = web.Application()
    app.router.add_route("GET", "/{tail:.*}", server.handle)
    async with serve_local(app) as base:
        server.base = base
        yield server
