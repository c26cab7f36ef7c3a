"""The outbox and delivery worker against real Redis: retries, unreachable chats, crashes."""

from __future__ import annotations

import asyncio
from collections import deque
from datetime import timedelta

import redis.asyncio as redis

from bot.alerts import CatchUpView, UpdateNote
from bot.delivery import Delivery
from bot.models import Chat, SourceReport, StoredIncident, Subscription, utcnow
from bot.store import Outbox, Store
from bot.transports import SendResult, SendStatus
from extraction.model import Incident, Location


def stored(incident_id: str = "i1") -> StoredIncident:
    incident = Incident(
        event_type="Battles",
        sub_event_type="Armed clash",
        location=Location(country="Mali", country_code="MLI", precision="country"),
        killed=3,
        summary="Soldiers and militants clashed.",
    )
    report = SourceReport("Wire", "https://wire.example/1", "Clash", utcnow().isoformat())
    return StoredIncident(incident_id, incident, [report], utcnow().isoformat(), None)


class ScriptedTransport:
    """Answers each send with the next scripted result (then SENT), and records the sends."""

    platform = "test"

    def __init__(self, *script: SendResult) -> None:
        self.script = deque(script)
        self.sent: list[tuple[str, str]] = []
        self.edits: list[tuple[str, str, int]] = []  # chat, ref, incident version shown
        self.updates: list[tuple[str, str, int | None]] = []  # chat, ref, death toll
        self.catch_ups: list[tuple[str, int]] = []  # chat, incidents folded

    async def send_alert(self, chat_id: str, item: StoredIncident) -> SendResult:
        result = self.script.popleft() if self.script else SendResult.sent(f"m-{chat_id}")
        if result.status is SendStatus.SENT:
            self.sent.append((chat_id, item.id))
        return result

    async def send_text(self, chat_id: str, text: str) -> SendResult:
        return SendResult.sent()

    async def edit_alert(self, chat_id: str, ref: str, item: StoredIncident) -> SendResult:
        self.edits.append((chat_id, ref, item.version))
        await asyncio.sleep(0.01)  # a network round trip: concurrent sends would interleave here
        return SendResult.sent(ref)

    async def send_update(self, chat_id: str, ref: str, note: UpdateNote) -> SendResult:
        self.updates.append((chat_id, ref, note.killed))
        await asyncio.sleep(0.01)
        return SendResult.sent(f"u-{chat_id}")

    async def send_catch_up(self, chat_id: str, view: CatchUpView) -> SendResult:
        self.catch_ups.append((chat_id, view.total))
        return SendResult.sent(f"c-{chat_id}")


async def setup(
    redis_client: redis.Redis, key_prefix: str, transport: ScriptedTransport
) -> tuple[Store, Delivery]:
    store = Store(redis_client, key_prefix)
    delivery = Delivery(store, {"test": transport}, consumer="w1")
    await delivery.start()
    await store.save_incident(stored())
    return store, delivery


async def test_retry_after_delays_but_delivers(redis_client: redis.Redis, key_prefix: str) -> None:
    transport = ScriptedTransport(SendResult.retry(0.05, "429"), SendResult.retry(0.05, "429"))
    store, delivery = await setup(redis_client, key_prefix, transport)
    await delivery.enqueue(stored(), [Chat("test", "c1")])
    await delivery.drain()
    assert transport.sent == [("c1", "i1")]
    assert await store.delivery_ref("test:c1", "i1") == "m-c1"
    assert await delivery.outbox.pending() == 0


async def test_unreachable_chat_is_deactivated_and_keeps_its_subscriptions(
    redis_client: redis.Redis, key_prefix: str
) -> None:
    transport = ScriptedTransport(SendResult(SendStatus.GONE, detail="bot was blocked"))
    store, delivery = await setup(redis_client, key_prefix, transport)
    chat = Chat("test", "c1", [Subscription("country:Mali", utcnow().isoformat())])
    await store.save_chat(chat)
    await delivery.enqueue(stored(), [chat])
    await delivery.drain()
    saved = await store.get_chat("test", "c1")
    assert saved is not None and not saved.active
    assert saved.inactive_reason == "bot was blocked"
    assert [s.filter for s in saved.subscriptions] == ["country:Mali"]
    assert transport.sent == [] and await delivery.outbox.pending() == 0


async def test_a_migrated_chat_is_followed_to_its_new_id(
    redis_client: redis.Redis, key_prefix: str
) -> None:
    transport = ScriptedTransport(SendResult(SendStatus.GONE, detail="migrated", new_chat_id="c2"))
    store, delivery = await setup(redis_client, key_prefix, transport)
    await store.save_chat(Chat("test", "c1", [Subscription("all", utcnow().isoformat())]))
    await delivery.enqueue(stored(), [Chat("test", "c1")])
    await delivery.drain()
    assert transport.sent == [("c2", "i1")]
    assert await store.get_chat("test", "c1") is None
    moved = await store.get_chat("test", "c2")
    assert moved is not None and moved.active and moved.subscriptions[0].filter == "all"


async def test_entries_of_a_dead_worker_are_reclaimed_and_sent_once(
    redis_client: redis.Redis, key_prefix: str
) -> None:
    transport = ScriptedTransport()
    store, delivery = await setup(redis_client, key_prefix, transport)
    await delivery.enqueue(stored(), [Chat("test", "c1"), Chat("test", "c2")])
    # A worker takes both entries and dies before sending (nothing acknowledged).
    taken = await Outbox(store).take("dead-worker")
    assert len(taken) == 2
    # c2 had been sent just before the crash: its delivery record exists.
    await store.record_delivery("test:c2", "i1", "m-old")
    survivor = Delivery(store, {"test": transport}, consumer="w2")
    entries = await survivor.outbox.take("w2", idle_ms=0)
    assert {e.address for e in entries} == {"test:c1", "test:c2"}
    for entry in entries:
        assert await survivor._send(entry)
    assert transport.sent == [("c1", "i1")]  # c2 is not sent twice


async def test_a_failed_send_stays_queued(redis_client: redis.Redis, key_prefix: str) -> None:
    class Broken(ScriptedTransport):
        async def send_alert(self, chat_id: str, item: StoredIncident) -> SendResult:
            raise RuntimeError("transport bug")

    transport = Broken()
    _, delivery = await setup(redis_client, key_prefix, transport)
    await delivery.enqueue(stored(), [Chat("test", "c1")])
    handled = await delivery.run_batch()
    assert handled == 1
    assert await delivery.outbox.pending() == 1  # not acknowledged: retried after reclaim


async def test_revisions_are_sent_once_per_chat_incident_and_version(
    redis_client: redis.Redis, key_prefix: str
) -> None:
    transport = ScriptedTransport()
    store, delivery = await setup(redis_client, key_prefix, transport)
    incident = stored()
    await delivery.enqueue(incident, [Chat("test", "c1")])
    await delivery.drain()
    assert await store.recipients("i1") == ["test:c1"]

    incident.version, incident.incident.killed = 2, 7
    await store.update_incident(incident)
    material = UpdateNote(killed=7, killed_was=3, sources=1)
    for _ in range(2):  # the same revision queued twice (say, a poll retried): sent once
        assert await delivery.revise(incident, material) == 1
    await delivery.drain()
    assert transport.edits == [("c1", "m-c1", 2)]
    assert transport.updates == [("c1", "m-c1", 7)]

    incident.version = 3  # one more source: an edit, no threaded update
    await store.update_incident(incident)
    await delivery.revise(incident, UpdateNote(sources=2))
    await delivery.drain()
    assert transport.edits[-1] == ("c1", "m-c1", 3) and len(transport.updates) == 1
    assert transport.sent == [("c1", "i1")] and await delivery.outbox.pending() == 0


async def test_folded_alerts_stay_queued_until_the_catch_up_is_sent(
    redis_client: redis.Redis, key_prefix: str
) -> None:
    class Broken(ScriptedTransport):
        async def send_catch_up(self, chat_id: str, view: CatchUpView) -> SendResult:
            raise RuntimeError("transport bug")

    transport = Broken()
    store, delivery = await setup(redis_client, key_prefix, transport)
    late = []
    for n in range(3):
        item = stored(f"late-{n}")
        item.reports[0].published = (utcnow() - timedelta(hours=2)).isoformat()
        await store.save_incident(item)
        late.append(item)
    for item in late:
        await delivery.enqueue(item, [Chat("test", "c1")])
    assert await delivery.run_batch() == 3
    assert await delivery.outbox.pending() == 3
    assert [await store.delivery_ref("test:c1", i.id) for i in late] == [None] * 3
    assert transport.sent == []

    working = ScriptedTransport()  # a healthy worker reclaims them and folds them as one
    survivor = Delivery(store, {"test": working}, consumer="w2")
    entries = await survivor.outbox.take("w2", idle_ms=0)
    assert len(entries) == 3
    assert await survivor._catch_up("test:c1", entries)
    assert working.catch_ups == [("c1", 3)] and working.sent == []
