"""sitrep's lifespan: every resource opened in one place and closed in reverse order."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any

import httpx
from redis.exceptions import RedisError

from bot.commands import Commands
from bot.delivery import Delivery
from bot.leader import Leadership
from bot.metrics import Metrics, health_app, serve_health
from bot.models import Chat, Source
from bot.poller import Poller, PollOutcome, PollSettings
from bot.scheduler import build_scheduler, take_over
from bot.settings import Settings
from bot.sources import new_http_client
from bot.store import Store, connect
from bot.transports import Transport
from extraction import Extractor

logger = logging.getLogger(__name__)
STOP_GRACE_SECONDS = 5.0  # beyond the fetch timeout, for a poll under way to finish on stop


@dataclass
class Runtime:
    """The parts one sitrep process shares: store, extractor, HTTP client, delivery, poller."""

    settings: Settings
    store: Store
    extractor: Extractor
    http: httpx.AsyncClient
    delivery: Delivery
    poller: Poller
    commands: Commands
    transports: dict[str, Transport] = field(default_factory=dict)
    metrics: Metrics = field(default_factory=Metrics)


@asynccontextmanager
async def open_runtime(
    settings: Settings,
    *,
    transports: dict[str, Transport] | None = None,
    local_chats: Sequence[Chat] = (),
    extractor: Extractor | None = None,
) -> AsyncIterator[Runtime]:
    transports = {} if transports is None else transports
    async with AsyncExitStack() as stack:
        client = connect(settings.redis_url)
        stack.push_async_callback(client.aclose)
        store = Store(client, settings.key_prefix)
        if extractor is None:
            extractor = await asyncio.to_thread(Extractor.load)
        http = await stack.enter_async_context(
            new_http_client(timeout=settings.fetch_timeout, user_agent=settings.user_agent)
        )
        metrics = Metrics()
        catch_up = settings.catchup_minutes
        delivery = Delivery(
            store,
            transports,
            concurrency=settings.delivery_concurrency,
            claim_idle=settings.claim_idle_seconds,
            metrics=metrics,
            catch_up_after=timedelta(minutes=catch_up) if catch_up else None,
        )
        await delivery.start()
        poller = Poller(
            store=store,
            extractor=extractor,
            http=http,
            delivery=delivery,
            settings=PollSettings(
                backfill=timedelta(hours=settings.backfill_hours),
                alert_types=settings.alert_types,
                max_feed_bytes=settings.max_feed_bytes,
            ),
            local_chats=local_chats,
        )
        commands = Commands(store, extractor.knowledge)
        yield Runtime(
            settings, store, extractor, http, delivery, poller, commands, transports, metrics
        )


async def poll_all(runtime: Runtime, sources: Sequence[Source]) -> list[PollOutcome]:
    """Poll every source once, concurrently; one bad source never delays the others."""
    return list(await asyncio.gather(*(runtime.poller.poll_once(s) for s in sources)))


async def serve(
    settings: Settings,
    sources: Sequence[Source],
    *,
    role: str = "all",
    console: Transport | None = None,
    local_chats: Sequence[Chat] = (),
    stop: asyncio.Event | None = None,
) -> None:
    """`sitrep run`: poll on a timer, deliver alerts, serve the chat platforms until stopped.

    With several instances on one Redis, `role` splits the work: only the instance holding the
    scheduler lease polls; delivery workers share the outbox; chat instances answer commands.
    """
    schedules, delivers, chats = (role in ("all", r) for r in ("scheduler", "delivery", "chat"))
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    transports: dict[str, Transport] = {}
    if console is not None:
        transports["console"] = console
    async with (
        open_runtime(settings, transports=transports, local_chats=local_chats) as runtime,
        AsyncExitStack() as stack,
    ):
        if settings.telegram_bot_token and (delivers or chats):
            from handlers.telegram import TelegramFrontend

            telegram = await stack.enter_async_context(TelegramFrontend(runtime, receive=chats))
            transports["telegram"] = telegram.transport
        if settings.slack_bot_token and (delivers or chats):
            from handlers.slack import SlackFrontend

            slack = await stack.enter_async_context(SlackFrontend(runtime, receive=chats))
            transports["slack"] = slack.transport
        if delivers and not transports:
            logger.warning("no transport: set TELEGRAM_BOT_TOKEN, SLACK_BOT_TOKEN or use --console")
        if settings.metrics_port is not None:
            app = health_app(runtime.metrics, runtime.store.redis.ping)
            await stack.enter_async_context(
                serve_health(app, settings.metrics_host, settings.metrics_port)
            )
        tasks = []
        polls: set[asyncio.Task[Any]] = set()  # scheduled polls under way
        if schedules:
            scheduler = build_scheduler(sources, partial(_poll, runtime, polls))
            scheduler.start(paused=True)
            stack.callback(scheduler.shutdown, wait=False)
            leadership = Leadership(
                runtime.store,
                on_gain=partial(take_over, scheduler),
                on_loss=scheduler.pause,
                lease_seconds=settings.lease_seconds,
            )
            tasks.append(asyncio.create_task(leadership.run(stop), name="leadership"))
        if delivers:
            tasks.append(asyncio.create_task(runtime.delivery.run(stop), name="delivery"))
        logger.info(
            "sitrep running as %s: %d sources, transports: %s",
            role,
            len(sources),
            ", ".join(transports) or "none",
        )
        await stop.wait()
        logger.info("stopping")
        if schedules:
            scheduler.pause()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=10)
        # A poll under way finishes (its items stored, its lock released) before Redis closes;
        # one still running after the grace period is cancelled and its items polled again.
        if polls:
            await asyncio.wait(polls, timeout=settings.fetch_timeout + STOP_GRACE_SECONDS)


async def _poll(runtime: Runtime, running: set[asyncio.Task[Any]], source: Source) -> None:
    """One scheduled poll; Redis trouble is logged and the next run picks up where this one was."""
    task = asyncio.current_task()
    if task is not None:
        running.add(task)
        task.add_done_callback(running.discard)
    try:
        outcome = await runtime.poller.poll_once(source)
    except RedisError as exc:
        # Nothing was marked seen that was not handled: the next run picks it up.
        runtime.metrics.redis_up.set(0)
        logger.warning("Redis unavailable while polling %s: %s", source.name, exc)
        return
    runtime.metrics.observe_poll(outcome)
    logger.info(
        "polled %s: %s, %d new items, %d new incidents",
        source.name,
        outcome.status,
        outcome.new_items,
        outcome.incidents_new,
    )
