"""Later reports edit the alerts already sent; backlogs go severe-first and fold into catch-ups.

Real Redis, a local feed server, real python-telegram-bot and slack-bolt against the fake APIs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from bot.app import Runtime
from bot.delivery import Delivery
from bot.models import Chat, Source, SourceReport, StoredIncident, Subscription, utcnow
from bot.settings import Settings
from extraction.model import Incident, Location
from tests.conftest import Feed, FeedServer
from tests.fake_slack import FakeSlack, fake_slack
from tests.fake_telegram import Failure, FakeTelegram, serve_fake_telegram
from tests.test_pipeline import rss
from tests.test_slack import running as running_slack
from tests.test_telegram import fast_limiter, telegram_settings
from tests.test_telegram import running as running_telegram

pytestmark = pytest.mark.filterwarnings(
    "ignore:.*attribute `retry_after` will be of type:telegram.warnings.PTBDeprecationWarning"
)

# One air strike as three outlets tell it, an hour apart; the third has a higher death toll.
FIRST = (
    "wire-1",
    "Air strike hits depot in eastern Syria",
    "An air strike destroyed an ammunition depot near Deir ez-Zor in eastern Syria, killing five "
    "fighters of an Iran-backed militia, a war monitor said.",
    30,
)
SECOND = (
    "local-7",
    "Warplanes hit Deir ez-Zor arms depot",
    "Warplanes struck an ammunition depot near Deir ez-Zor in eastern Syria, killing five militia "
    "fighters, local sources said.",
    20,
)
THIRD = (
    "monitor-3",
    "Nine killed in strike on Deir ez-Zor depot",
    "An air strike on an ammunition depot near Deir ez-Zor in eastern Syria killed nine fighters "
    "of an Iran-backed militia, the war monitor said.",
    10,
)
ALICE, GROUP = 101, -1003
CHANNEL = "C0SYRIA"


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    async with serve_fake_telegram() as server:
        yield server


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with fake_slack() as server:
        yield server


async def subscribe(runtime: Runtime, address: str, flt: str = "country:Syria") -> None:
    platform, _, chat_id = address.partition(":")
    subscription = Subscription(flt, utcnow().isoformat())
    await runtime.store.save_chat(Chat(platform, chat_id, [subscription]))


class Outlets:
    """Three outlets on the local feed server; `report(n)` publishes the n-th report and polls."""

    def __init__(self, feed_server: FeedServer, runtime: Runtime) -> None:
        self.runtime = runtime
        self.sources = []
        for name, item in (("Levant Wire", FIRST), ("Local Radio", SECOND), ("War Monitor", THIRD)):
            path = f"/{name.split()[0].lower()}.xml"
            feed_server.feeds[path] = Feed(rss(item))
            self.sources.append(Source(name, feed_server.url(path)))

    async def report(self, n: int) -> StoredIncident:
        outcome = await self.runtime.poller.poll_once(self.sources[n])
        assert outcome.status == "ok" and outcome.incidents_new + outcome.incidents_updated == 1
        await self.runtime.delivery.drain()
        [stored] = await self.runtime.store.get_incidents(
            await self.runtime.store.recent_incident_ids(limit=5)
        )
        return stored


# --- updates, not repeats ------------------------------------------------------------------


async def test_three_outlets_give_one_telegram_alert_edited_in_place_and_one_threaded_update(
    telegram: FakeTelegram, settings: Settings, extractor: Any, feed_server: FeedServer
) -> None:
    async with running_telegram(telegram_settings(settings, telegram), extractor) as (runtime, _):
        for address in (f"telegram:{ALICE}", f"telegram:{GROUP}"):
            await subscribe(runtime, address)
        outlets = Outlets(feed_server, runtime)

        first = await outlets.report(0)
        alerts = {chat: telegram.sent(chat) for chat in (ALICE, GROUP)}
        assert all(len(sent) == 1 for sent in alerts.values())
        assert "5 killed" in alerts[ALICE][0].text and "1 source " in alerts[ALICE][0].text

        second = await outlets.report(1)  # same toll, one more source: edited, nothing new
        assert second.id == first.id and second.version == 2
        for chat, [alert] in alerts.items():
            [edit] = telegram.sent(chat, "editMessageText")
            assert edit.params["message_id"] == alert.result["message_id"]
            assert edit.params["parse_mode"] == "HTML"
            assert "2 sources" in edit.text and "5 killed" in edit.text
            assert len(telegram.sent(chat)) == 1

        third = await outlets.report(2)  # the toll rises: edited, plus one reply in the thread
        assert third.id == first.id and third.incident.killed == 9
        for chat, [alert] in alerts.items():
            edits = telegram.sent(chat, "editMessageText")
            assert len(edits) == 2 and "9 killed" in edits[-1].text
            assert "3 sources" in edits[-1].text
            assert edits[-1].params["message_id"] == alert.result["message_id"]
            [_, update] = telegram.sent(chat)
            assert update.params["reply_parameters"]["message_id"] == alert.result["message_id"]
            assert "Death toll now 9 (was 5)" in update.text and "3 sources" in update.text

        # Polling again and another pass of the worker change nothing.
        for source in outlets.sources:
            await runtime.poller.poll_once(source)
        await runtime.delivery.drain()
        assert await runtime.delivery.outbox.pending() == 0
    for chat in (ALICE, GROUP):
        assert len(telegram.sent(chat)) == 2 and len(telegram.sent(chat, "editMessageText")) == 2


async def test_three_outlets_give_one_slack_alert_updated_in_place_and_one_thread_reply(
    slack: FakeSlack, settings: Settings, extractor: Any, feed_server: FeedServer
) -> None:
    async with running_slack(settings, slack, extractor, receive=False) as (runtime, _):
        await subscribe(runtime, f"slack:{CHANNEL}")
        outlets = Outlets(feed_server, runtime)
        await outlets.report(0)
        [alert] = slack.posted(CHANNEL)
        ts = await runtime.store.delivery_ref(f"slack:{CHANNEL}", (await outlets.report(1)).id)
        assert ts is not None
        [edit] = slack.updated(CHANNEL)
        assert edit.params["ts"] == ts and edit.blocks
        assert "2 sources" in edit.all_text and "5 killed" in edit.all_text
        assert "<https://news.example/wire-1|Levant Wire>" in edit.all_text
        assert len(slack.posted(CHANNEL)) == 1

        await outlets.report(2)
        edits = slack.updated(CHANNEL)
        assert len(edits) == 2 and "9 killed" in edits[-1].all_text
        assert "3 sources" in edits[-1].all_text
        [_, reply] = slack.posted(CHANNEL)
        assert reply.params["thread_ts"] == ts
        assert "Death toll now 9 (was 5)" in reply.text
    assert "5 killed" in alert.all_text and len(slack.posted(CHANNEL)) == 2


async def test_a_report_merged_before_the_alert_is_sent_just_sends_the_latest(
    telegram: FakeTelegram, settings: Settings, extractor: Any, feed_server: FeedServer
) -> None:
    async with running_telegram(telegram_settings(settings, telegram), extractor) as (runtime, _):
        await subscribe(runtime, f"telegram:{ALICE}")
        outlets = Outlets(feed_server, runtime)
        for n in range(3):  # all three arrive before the worker sends anything
            await runtime.poller.poll_once(outlets.sources[n])
        await runtime.delivery.drain()
    [alert] = telegram.sent(ALICE)
    assert "9 killed" in alert.text and "3 sources" in alert.text
    assert not telegram.attempts("editMessageText")


async def test_a_429_on_an_edit_delays_it_but_it_is_delivered(
    telegram: FakeTelegram, settings: Settings, extractor: Any, feed_server: FeedServer
) -> None:
    limiter = fast_limiter(max_retries=0)  # the 429 reaches delivery, which waits and retries
    config = telegram_settings(settings, telegram)
    async with running_telegram(config, extractor, rate_limiter=limiter) as (runtime, _):
        await subscribe(runtime, f"telegram:{ALICE}")
        outlets = Outlets(feed_server, runtime)
        await outlets.report(0)
        telegram.fail("editMessageText", Failure.flood(1), chat_id=ALICE)
        await outlets.report(1)
        refused, accepted = telegram.attempts("editMessageText", ALICE)
        assert refused.failed and not accepted.failed
        assert refused.params["message_id"] == accepted.params["message_id"]
        assert "2 sources" in accepted.text
        assert await runtime.delivery.outbox.pending() == 0


async def test_an_edit_to_a_chat_that_blocked_the_bot_deactivates_it(
    telegram: FakeTelegram, settings: Settings, extractor: Any, feed_server: FeedServer
) -> None:
    async with running_telegram(telegram_settings(settings, telegram), extractor) as (runtime, _):
        await subscribe(runtime, f"telegram:{ALICE}")
        outlets = Outlets(feed_server, runtime)
        await outlets.report(0)
        telegram.fail("editMessageText", Failure.blocked(), chat_id=ALICE)
        await outlets.report(2)  # a material change: the edit fails for good, no update follows
        chat = await runtime.store.get_chat("telegram", str(ALICE))
        assert chat is not None and not chat.active and chat.subscriptions
        assert await runtime.delivery.outbox.pending() == 0
    assert len(telegram.sent(ALICE)) == 1


# --- order and backlog ---------------------------------------------------------------------


def incident(n: int, killed: int, *, minutes_ago: int = 5) -> StoredIncident:
    published = (utcnow() - timedelta(minutes=minutes_ago)).isoformat()
    found = Incident(
        event_type="Protests" if killed == 0 else "Battles",
        sub_event_type="Peaceful protest" if killed == 0 else "Armed clash",
        location=Location(country="Mali", country_code="MLI", admin1=f"Region {n}"),
        killed=killed or None,
        summary=f"Incident number {n}.",
    )
    report = SourceReport("Sahel Wire", f"https://wire.example/{n}", f"Report {n}", published)
    return StoredIncident(f"inc-{n}", found, [report], utcnow().isoformat(), published)


async def queue(runtime: Runtime, chats: list[Chat], *incidents: StoredIncident) -> None:
    for stored in incidents:
        await runtime.store.save_incident(stored)
        await runtime.delivery.enqueue(stored, chats)


async def test_a_backlog_is_sent_severe_first(
    telegram: FakeTelegram, settings: Settings, extractor: Any
) -> None:
    async with running_telegram(telegram_settings(settings, telegram), extractor) as (runtime, _):
        chat = [Chat("telegram", str(ALICE))]
        # Minor incidents queue up first; a deadly one and a mass-casualty one come last.
        await queue(runtime, chat, *(incident(n, killed=0) for n in range(8)))
        await queue(runtime, chat, incident(8, killed=2), incident(9, killed=40))
        # One send at a time, as when the platform's rate limit is what the backlog waits for.
        worker = Delivery(runtime.store, runtime.transports, consumer="one-by-one", concurrency=1)
        await worker.drain()
    order = [c.text for c in telegram.sent(ALICE)]
    assert len(order) == 10
    assert "40 killed" in order[0] and "2 killed" in order[1]
    assert all("Peaceful protest" in text for text in order[2:])


async def test_a_long_backlog_after_downtime_becomes_one_catch_up_message_per_chat(
    telegram: FakeTelegram, settings: Settings, extractor: Any
) -> None:
    limiter = fast_limiter(max_retries=0)
    config = telegram_settings(settings, telegram)
    async with running_telegram(config, extractor, rate_limiter=limiter) as (runtime, _):
        chats = [Chat("telegram", str(ALICE)), Chat("telegram", str(GROUP))]
        stale = [incident(n, killed=n % 3, minutes_ago=180 + n) for n in range(14)]
        await queue(runtime, chats, *stale)
        await queue(runtime, chats[1:], incident(99, killed=1))  # just reported: a normal alert
        # Alice's catch-up is rate-limited once: it waits, and nothing is acknowledged before.
        telegram.fail("sendMessage", Failure.flood(1), chat_id=ALICE)
        await runtime.delivery.drain()
        for stored in stale:
            assert await runtime.store.delivery_ref(f"telegram:{ALICE}", stored.id)
        assert await runtime.delivery.outbox.pending() == 0
        assert await runtime.store.recipients("inc-0") == []  # folded: nothing to edit later
    for chat in (ALICE, GROUP):
        sent = [c.text for c in telegram.sent(chat)]
        [catch_up] = [t for t in sent if "While sitrep was away" in t]
        assert "14 incidents matching your filters" in catch_up
        assert "… and 9 more" in catch_up
        assert catch_up.count("Armed clash") == 5  # the top five, deadliest first
        assert catch_up.index("2 killed") < catch_up.index("1 killed")
        assert [t for t in sent if t != catch_up] == (
            [] if chat == ALICE else [next(t for t in sent if "Incident number 99" in t)]
        )
    [refused] = [c for c in telegram.attempts(chat_id=ALICE) if c.failed]
    assert "While sitrep was away" in refused.text


async def test_a_late_alert_alone_is_sent_as_an_alert(
    telegram: FakeTelegram, settings: Settings, extractor: Any
) -> None:
    async with running_telegram(telegram_settings(settings, telegram), extractor) as (runtime, _):
        await queue(runtime, [Chat("telegram", str(ALICE))], incident(1, 3, minutes_ago=300))
        await runtime.delivery.drain()
        assert await runtime.store.recipients("inc-1") == [f"telegram:{ALICE}"]
    [alert] = telegram.sent(ALICE)
    assert "Incident number 1" in alert.text and "5 h after publication" in alert.text
