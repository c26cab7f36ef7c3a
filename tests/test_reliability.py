"""Nothing lost: `sitrep run` in real subprocesses, SIGKILLed, doubled, and cut off from Redis.

Each test runs the real CLI against real Redis (under the test's key prefix, or a private server
it can stop), the fake Bot API and a local feed server, then counts what reached the chats.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis.asyncio as redis

from bot.delivery import Delivery
from bot.filters import parse_filter
from bot.models import Chat, Subscription, utcnow
from bot.store import OUTBOX_GROUP, Outbox, Store
from handlers import telegram_texts as texts
from tests.conftest import REDIS_URL, Feed, FeedServer
from tests.fake_telegram import TOKEN, FakeTelegram, User, serve_fake_telegram
from tests.local_server import free_port
from tests.test_delivery import ScriptedTransport, stored
from tests.test_pipeline import KABUL, STRIKE, rss

ROOT = Path(__file__).resolve().parent.parent
REDIS_SERVER = shutil.which("redis-server") or "redis-server"  # .ci/run installs it
CONCURRENCY = 8  # SITREP_DELIVERY_CONCURRENCY: the most alerts one process has in flight
LEASE = 1.5  # SITREP_LEASE_SECONDS: a standby tries every LEASE / 3 seconds
CLAIM_IDLE = 2.0  # SITREP_CLAIM_IDLE_SECONDS: a dead worker's entries are reclaimed after this


class Sitrep:
    """One `sitrep run` process. Its log (stderr) goes to a file the test reads."""

    def __init__(self, name: str, env: dict[str, str], workdir: Path) -> None:
        self.name = name
        self.log_path = workdir / f"{name}.log"
        self._log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run"],
            env=env,
            cwd=workdir,  # no stray .env file
            stdout=subprocess.DEVNULL,
            stderr=self._log,
        )

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    async def wait_log(self, text: str, within: float = 20.0) -> None:
        await until(lambda: text in self.log(), f"{self.name} logging '{text}'", within, self)

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(5)

    async def stop(self, within: float = 20.0) -> int:
        """SIGTERM, as a process manager stops it; returns the exit code."""
        self.proc.send_signal(signal.SIGTERM)
        await until(lambda: not self.alive, f"{self.name} exiting", within)
        return self.proc.returncode

    def close(self) -> None:
        if self.alive:
            self.kill()
        self._log.close()


async def until(
    check: Callable[[], Any], what: str, within: float, *watched: Sitrep
) -> Any:
    """Wait until `check()` (sync or async) is truthy; fail at the deadline or if a process dies."""
    deadline = time.monotonic() + within
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result
        for process in watched:
            if not process.alive:
                raise AssertionError(f"{process.name} died waiting for {what}:\n{process.log()}")
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {p.name}\n{p.log()[-3000:]}" for p in watched)
            raise AssertionError(f"no {what} within {within} s\n{logs}")
        await asyncio.sleep(0.05)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with serve_fake_telegram() as server:
        yield server


@pytest.fixture
def launch(tmp_path: Path) -> Iterator[Callable[..., Sitrep]]:
    """Start `sitrep run` with the given settings (environment names); all killed at the end."""
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SITREP_", "REDIS_", "TELEGRAM_", "SLACK_"))
    }
    base |= {"PYTHONPATH": str(ROOT), "SITREP_LOG_LEVEL": "INFO"}
    started: list[Sitrep] = []

    def start(name: str, **env: str) -> Sitrep:
        process = Sitrep(name, base | env, tmp_path)
        started.append(process)
        return process

    yield start
    for process in started:
        process.close()


def sources_file(directory: Path, feed_server: FeedServer, *paths: str) -> str:
    lines = ["sources:"]
    for path in paths:
        lines += [
            f"  - name: Feed {path}",
            f"    url: {feed_server.url(path)}",
            "    interval: 30",
        ]
    target = directory / "sources.yaml"
    target.write_text("\n".join(lines) + "\n")
    return str(target)


def telegram_env(fake: FakeTelegram) -> dict[str, str]:
    return {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": fake.api_url,
        "SITREP_DELIVERY_CONCURRENCY": str(CONCURRENCY),
        "SITREP_CLAIM_IDLE_SECONDS": str(CLAIM_IDLE),
        "SITREP_LEASE_SECONDS": str(LEASE),
    }


async def subscribe_everyone(store: Store, knowledge: Any, chat_ids: list[int]) -> None:
    everything = parse_filter("all", knowledge).text
    for chat_id in chat_ids:
        subscription = Subscription(everything, utcnow().isoformat())
        await store.save_chat(Chat("telegram", str(chat_id), [subscription]))


async def outbox_empty(store: Store) -> bool:
    """Every queued alert was acknowledged (acked entries are deleted from the stream)."""
    outbox = Outbox(store)
    in_flight = [await store.redis.xpending(key, OUTBOX_GROUP) for key in outbox.keys.values()]
    return await outbox.pending() == 0 and not any(s["pending"] for s in in_flight)


def tally(fake: FakeTelegram, chat_ids: list[int], word: str) -> tuple[list[int], int]:
    """(chats that never got the alert containing `word`, how many of its sends were repeats)."""
    per_chat = Counter(c.chat_id for c in fake.sent() if word in c.text)
    lost = [chat_id for chat_id in chat_ids if per_chat[chat_id] == 0]
    return lost, sum(n - 1 for n in per_chat.values())


async def test_sigkill_mid_fan_out_loses_nothing_and_repeats_at_most_the_sends_in_flight(
    redis_client: redis.Redis,
    key_prefix: str,
    feed_server: FeedServer,
    fake: FakeTelegram,
    extractor: Any,
    launch: Callable[..., Sitrep],
    tmp_path: Path,
) -> None:
    store = Store(redis_client, key_prefix)
    chat_ids = [10_000 + i for i in range(200)]
    await subscribe_everyone(store, extractor.knowledge, chat_ids)
    feed_server.feeds["/feed"] = Feed(rss(STRIKE))
    fake.send_delay = 0.02
    env = telegram_env(fake) | {
        "REDIS_URL": REDIS_URL,
        "SITREP_KEY_PREFIX": key_prefix,
        "SITREP_SOURCES": sources_file(tmp_path, feed_server, "/feed"),
    }
    first = launch("first", **env)
    await until(lambda: len(fake.sent()) >= 50, "50 alerts sent", 30, first)
    first.kill()
    sent_at_kill = len(fake.sent())
    assert sent_at_kill < len(chat_ids)  # killed in the middle of the fan-out

    second = launch("second", **env)
    await until(
        lambda: not tally(fake, chat_ids, "Deir ez-Zor")[0], "every chat alerted", 40, second
    )
    await until(lambda: outbox_empty(store), "an empty outbox", 10, second)
    assert await second.stop() == 0

    lost, repeated = tally(fake, chat_ids, "Deir ez-Zor")
    assert lost == []
    assert repeated <= CONCURRENCY, f"{repeated} repeats, {sent_at_kill} sent at the kill"
    assert {c.chat_id for c in fake.sent()} == set(chat_ids)  # one incident, nobody else
    assert len(fake.sent()) == len(chat_ids) + repeated


async def test_two_instances_poll_through_one_and_a_standby_takes_over_within_the_lease(
    redis_client: redis.Redis,
    key_prefix: str,
    feed_server: FeedServer,
    launch: Callable[..., Sitrep],
    tmp_path: Path,
) -> None:
    paths = ["/a", "/b", "/c"]
    for path in paths:
        feed_server.feeds[path] = Feed(rss(KABUL))
    env = {
        "REDIS_URL": REDIS_URL,
        "SITREP_KEY_PREFIX": key_prefix,
        "SITREP_SOURCES": sources_file(tmp_path, feed_server, *paths),
        "SITREP_LEASE_SECONDS": str(LEASE),
    }

    def polls(name: str) -> int:  # each instance sends its name as its User-Agent
        return sum(feed_server.feeds[p].agents.count(name) for p in paths)

    instances = {name: launch(name, SITREP_USER_AGENT=name, **env) for name in ("one", "two")}
    await until(lambda: any(map(polls, instances)), "a first poll", 30, *instances.values())
    leader, standby = sorted(instances, key=polls, reverse=True)
    await until(lambda: polls(leader) == len(paths), "every source polled", 5)
    await instances[standby].wait_log("sitrep running as all")
    # The standby tries for the lease every LEASE / 3 s: give it a few tries.
    await asyncio.sleep(3 * LEASE)
    assert polls(standby) == 0
    assert polls(leader) == len(paths)  # one poll per source per 30 s interval
    assert "now schedules polls" not in instances[standby].log()

    instances[leader].kill()
    killed = time.monotonic()
    # The dead leader's lease runs out within LEASE; the standby sees it within LEASE / 3 and
    # polls every source within its first-poll spread (about a second).
    await until(lambda: polls(standby) == len(paths), "a takeover", LEASE + 4, instances[standby])
    assert time.monotonic() - killed < LEASE + 4
    assert polls(leader) == len(paths)
    assert await instances[standby].stop() == 0  # a clean stop releases the lease
    assert not await redis_client.exists(Store(redis_client, key_prefix).keys.lease("scheduler"))


class RedisServer:
    """A private redis-server this test may stop and start; its data survives restarts (AOF)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.proc: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    async def start(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            REDIS_SERVER,
            *("--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory)),
            *("--save", "", "--appendonly", "yes", "--appendfsync", "always"),
            *("--logfile", str(self.directory / "redis.log")),
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)

        async def answers() -> bool:
            try:
                return bool(await client.ping())
            except redis.ConnectionError:
                return False

        try:
            await until(answers, "redis-server answering", 10)
        finally:
            await client.aclose()

    async def stop(self) -> None:
        """SIGTERM: Redis writes its append-only file and exits."""
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        proc.terminate()
        await asyncio.wait_for(proc.wait(), 10)


@pytest.fixture
async def private_redis(tmp_path: Path) -> AsyncIterator[RedisServer]:
    directory = tmp_path / "redis"
    directory.mkdir()
    server = RedisServer(directory)
    await server.start()
    yield server
    await server.stop()


async def test_redis_restarted_mid_run_keeps_the_process_and_delivers_everything(
    private_redis: RedisServer,
    feed_server: FeedServer,
    fake: FakeTelegram,
    extractor: Any,
    launch: Callable[..., Sitrep],
    tmp_path: Path,
) -> None:
    client = redis.Redis.from_url(private_redis.url, decode_responses=True)
    store = Store(client)
    chat_ids = [20_000 + i for i in range(60)]
    await subscribe_everyone(store, extractor.knowledge, chat_ids)
    feed_server.feeds["/feed"] = Feed(rss(STRIKE))
    fake.send_delay = 0.05
    port = free_port()
    bot = launch(
        "bot",
        **telegram_env(fake),
        REDIS_URL=private_redis.url,
        SITREP_SOURCES=sources_file(tmp_path, feed_server, "/feed"),
        SITREP_METRICS_PORT=str(port),
    )
    health = httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=15)

    async def health_is(status: int) -> bool:
        try:
            return (await health.get("/healthz")).status_code == status
        except httpx.TransportError:
            return False

    try:
        await until(lambda: health_is(200), "a healthy bot", 20, bot)
        await until(lambda: len(fake.sent()) >= 15, "15 alerts sent", 20, bot)

        await client.aclose()
        await private_redis.stop()
        assert len(fake.sent()) < len(chat_ids)  # Redis went away in the middle of the fan-out
        await until(lambda: health_is(503), "/healthz reporting unhealthy", 20, bot)
        feed_server.feeds["/feed"] = Feed(rss(STRIKE, KABUL))  # a new item while Redis is away
        user = fake.chat(501)
        fake.command(user, "/start", User(501))
        await until(lambda: fake.sent(501), "an answer without Redis", 30, bot)
        assert fake.sent(501)[-1].text == texts.ERROR
        await bot.wait_log("scheduler lease lost")  # out for longer than the lease
        await asyncio.sleep(2)  # a few seconds more of delivery retries
        assert bot.alive

        await private_redis.start()
        client = redis.Redis.from_url(private_redis.url, decode_responses=True)
        store = Store(client)
        await until(lambda: health_is(200), "a healthy bot again", 30, bot)
        await until(
            lambda: not tally(fake, chat_ids, "Deir ez-Zor")[0], "the first alert everywhere",
            30, bot,
        )
        # Polls failed while Redis was away: the scheduler, leader again, polls at once instead
        # of after its 30 s interval.
        await until(
            lambda: not tally(fake, chat_ids, "Kabul")[0], "the new alert everywhere", 15, bot
        )
        await until(lambda: outbox_empty(store), "an empty outbox", 10, bot)
        fake.command(user, "/start", User(501))
        await until(lambda: len(fake.sent(501)) == 2, "an answer with Redis back", 10, bot)
        assert fake.sent(501)[-1].text == texts.START
        assert await bot.stop() == 0
    finally:
        await health.aclose()
        await client.aclose()

    for word in ("Deir ez-Zor", "Kabul"):
        lost, repeated = tally(fake, chat_ids, word)
        assert lost == []
        assert repeated <= CONCURRENCY
    assert "Redis unavailable" in bot.log()


async def test_delivery_recreates_its_consumer_group_when_redis_lost_the_outbox(
    redis_client: redis.Redis, key_prefix: str
) -> None:
    transport = ScriptedTransport()
    store = Store(redis_client, key_prefix)
    delivery = Delivery(store, {"test": transport}, consumer="w1")
    await delivery.start()
    await store.save_incident(stored())
    await redis_client.delete(*delivery.outbox.keys.values())  # as after a restart, no AOF
    await delivery.enqueue(stored(), [Chat("test", "c1")])
    assert await delivery.run_batch() == 1
    assert transport.sent == [("c1", "i1")]
    assert await delivery.outbox.pending() == 0
