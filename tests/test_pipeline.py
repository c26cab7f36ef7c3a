"""End to end with real Redis and a local feed server: poll, dedupe, match, console alerts."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from email.utils import format_datetime
from typing import Any

from bot.app import Runtime, open_runtime, poll_all
from bot.filters import parse_filter
from bot.models import Chat, Source, Subscription, utcnow
from bot.settings import Settings
from bot.transports import ConsoleTransport
from tests.conftest import Feed, FeedServer


def rss(*items: tuple[str, str, str, int]) -> bytes:
    """An RSS 2.0 feed of (guid, title, text, minutes ago) items."""
    now = utcnow()
    body = "".join(
        f"<item><guid>{guid}</guid><title>{title}</title>"
        f"<link>https://news.example/{guid}</link><description>{text}</description>"
        f"<pubDate>{format_datetime(now - timedelta(minutes=ago))}</pubDate></item>"
        for guid, title, text, ago in items
    )
    head = '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
    return f"{head}{body}</channel></rss>".encode()


STRIKE = (
    "s1",
    "Air strike hits depot in eastern Syria",
    "An air strike destroyed an ammunition depot near Deir ez-Zor in eastern Syria, "
    "killing five fighters of an Iran-backed militia, a war monitor said.",
    10,
)
STRIKE_OTHER_WORDS = (
    "x9",
    "Five militiamen die in raid on Deir ez-Zor arms store",
    "Warplanes struck an arms store on the edge of Deir ez-Zor city in Syria, killing five "
    "pro-Iranian militia fighters, according to local sources.",
    5,
)
KABUL = (
    "k1",
    "Bomb blast in Kabul",
    "A roadside bomb exploded in Kabul, Afghanistan, killing two police officers and wounding "
    "three passers-by, officials said.",
    20,
)
OLD_CLASH = (
    "o1",
    "Clashes in Sudan",
    "Fighting between the army and the Rapid Support Forces in El Fasher, Sudan, killed 12 "
    "civilians, medics said.",
    600,
)


class Console:
    """A console transport writing to memory, one 'chat' per subscriber name."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()
        self.transport = ConsoleTransport(self.buffer)

    def alerts_for(self, chat_id: str) -> list[str]:
        return [b for b in self.buffer.getvalue().split("\n\n") if b.startswith(f"[{chat_id}]")]


def chats(knowledge: Any, **filters: str) -> list[Chat]:
    now = utcnow().isoformat()
    return [
        Chat("console", name, [Subscription(parse_filter(f, knowledge).text, now)])
        for name, f in filters.items()
    ]


@asynccontextmanager
async def runtime_for(
    settings: Settings, extractor: Any, console: Console, local: list[Chat]
) -> AsyncIterator[Runtime]:
    async with open_runtime(
        settings,
        transports={"console": console.transport},
        local_chats=local,
        extractor=extractor,
    ) as runtime:
        yield runtime


async def test_poll_alerts_matching_subscribers_once_and_never_again(
    settings: Settings, extractor: Any, feed_server: FeedServer
) -> None:
    feed_server.feeds["/a"] = Feed(rss(STRIKE, KABUL, OLD_CLASH))
    source = Source("Outlet A", feed_server.url("/a"))
    console = Console()
    local = chats(extractor.knowledge, syria="Syria", kabul="Afghanistan", everything="all")

    async with runtime_for(settings, extractor, console, local) as runtime:
        outcome = await runtime.poller.poll_once(source)
        await runtime.delivery.drain()
        assert outcome.status == "ok" and outcome.items == 3
        # The Sudan item was published 10 hours ago: seen on the first poll, but not alerted.
        assert outcome.incidents_new == 2
        syria = console.alerts_for("syria")
        assert len(syria) == 1 and "Syria" in syria[0] and "5 killed" in syria[0]
        assert len(console.alerts_for("kabul")) == 1
        assert len(console.alerts_for("everything")) == 2
        assert not any("Fasher" in a for a in console.alerts_for("everything"))

        again = await runtime.poller.poll_once(source)
        await runtime.delivery.drain()
        assert again.status == "not_modified"

    # A restart (a new runtime on the same Redis) with the feed changed re-alerts nothing old.
    feed_server.feeds["/a"] = Feed(rss(STRIKE, KABUL, OLD_CLASH, STRIKE_OTHER_WORDS))
    before = console.buffer.getvalue()
    async with runtime_for(settings, extractor, console, local) as runtime:
        outcome = await runtime.poller.poll_once(source)
        await runtime.delivery.drain()
    assert outcome.new_items == 1
    # The new item is the same incident in other words: merged, not alerted again.
    assert outcome.incidents_new == 0 and outcome.incidents_updated == 1
    assert console.buffer.getvalue() == before


async def test_same_incident_from_two_outlets_is_one_alert(
    settings: Settings, extractor: Any, feed_server: FeedServer
) -> None:
    feed_server.feeds["/a"] = Feed(rss(STRIKE))
    feed_server.feeds["/b"] = Feed(rss(STRIKE_OTHER_WORDS))
    console = Console()
    local = chats(extractor.knowledge, syria="Syria")
    async with runtime_for(settings, extractor, console, local) as runtime:
        await runtime.poller.poll_once(Source("Outlet A", feed_server.url("/a")))
        await runtime.poller.poll_once(Source("Outlet B", feed_server.url("/b")))
        await runtime.delivery.drain()
        [stored] = await runtime.store.get_incidents(
            await runtime.store.recent_incident_ids(limit=10)
        )
    assert len(console.alerts_for("syria")) == 1
    assert {r.source for r in stored.reports} == {"Outlet A", "Outlet B"}


async def test_a_broken_feed_beside_good_ones_is_recorded_and_backed_off(
    settings: Settings, extractor: Any, feed_server: FeedServer
) -> None:
    feed_server.feeds["/good"] = Feed(rss(KABUL))
    feed_server.feeds["/broken"] = Feed(b"<html>maintenance</html>", content_type="text/html")
    feed_server.feeds["/down"] = Feed(b"", status=500)
    good = Source("Good", feed_server.url("/good"))
    broken = Source("Broken", feed_server.url("/broken"))
    down = Source("Down", feed_server.url("/down"), interval=60)
    console = Console()
    async with runtime_for(settings, extractor, console, chats(extractor.knowledge, a="all")) as rt:
        outcomes = {o.source: o for o in await poll_all(rt, [broken, good, down])}
        await rt.delivery.drain()
        assert outcomes["Good"].incidents_new == 1
        assert (outcomes["Broken"].status, outcomes["Broken"].error_kind) == ("error", "parse")
        assert (outcomes["Down"].status, outcomes["Down"].detail) == ("error", "HTTP 500")
        assert len(console.alerts_for("a")) == 1
        # A second failure backs the source off instead of hammering it.
        await rt.poller.poll_once(down)
        state = await rt.store.source_state(down.key)
        assert state.failures == 2 and state.error_kind == "http" and state.next_attempt
        skipped = await rt.poller.poll_once(down)
        assert skipped.status == "backing_off"
        assert feed_server.feeds["/down"].requests == 2


async def test_first_poll_alerts_only_the_backfill_window(
    settings: Settings, extractor: Any, feed_server: FeedServer
) -> None:
    settings = settings.model_copy(update={"backfill_hours": 0})
    feed_server.feeds["/a"] = Feed(rss(STRIKE, KABUL))
    console = Console()
    source = Source("Outlet A", feed_server.url("/a"))
    async with runtime_for(settings, extractor, console, chats(extractor.knowledge, a="all")) as rt:
        first = await rt.poller.poll_once(source)
        # Later, a new item appears: it alerts, since the source is known now.
        feed_server.feeds["/a"] = Feed(rss(STRIKE, KABUL, (*OLD_CLASH[:3], 1)))
        second = await rt.poller.poll_once(source)
        await rt.delivery.drain()
    assert (first.new_items, first.incidents_new) == (2, 0)
    assert (second.new_items, second.incidents_new) == (1, 1)
    [alert] = console.alerts_for("a")
    assert "Sudan" in alert


async def test_items_a_dead_process_was_handling_are_handled_by_the_next_poll(
    settings: Settings, extractor: Any, feed_server: FeedServer
) -> None:
    from bot.sources import parse_feed

    feed_server.feeds["/a"] = Feed(rss(KABUL))
    source = Source("Outlet A", feed_server.url("/a"))
    console = Console()
    local = chats(extractor.knowledge, everything="all")
    async with runtime_for(settings, extractor, console, local) as runtime:
        await runtime.poller.poll_once(source)  # the source is known; nothing new after this
        # A process took a new item (seen and held) and died before handling it.
        [item] = parse_feed(rss(STRIKE)).items
        assert await runtime.store.take_new(source.key, [item], [True]) == [True]
        feed_server.feeds["/a"] = Feed(rss(KABUL, STRIKE))
        outcome = await runtime.poller.poll_once(source)
        await runtime.delivery.drain()
        assert outcome.new_items == 0 and outcome.incidents_new == 1
        assert await runtime.store.held_items(source.key) == []
        # A crash after the incident was stored but before its alert was queued: queued again,
        # and delivery skips chats that already have it.
        await runtime.store.unmark_seen(source.key, [item.id])
        assert await runtime.store.take_new(source.key, [item], [True]) == [True]
        again = await runtime.poller.poll_once(source)
        await runtime.delivery.drain()
        assert again.status == "not_modified" and again.incidents_new == 1
        assert await runtime.store.held_items(source.key) == []
    strike_alerts = [a for a in console.alerts_for("everything") if "Syria" in a]
    assert len(strike_alerts) == 1
