"""sitrep's state in Redis. This module owns every key and TTL; no key is built anywhere else."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import random
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any

import redis.asyncio as redis

from bot.models import Chat, FeedItem, StoredIncident

logger = logging.getLogger(__name__)

SEEN_TTL = timedelta(days=45)  # longer than any feed keeps an item
INCIDENT_TTL = timedelta(days=180)  # incidents, their indexes and clusters are bounded by this
CLUSTER_TTL = timedelta(days=4)
HELD_TTL = timedelta(days=3)  # items not handled within this are history, not alerts
DELIVERY_TTL = timedelta(days=30)
MAX_CONNECTIONS = 64
RECONNECT_BASE, RECONNECT_CAP = 0.5, 10.0  # seconds between tries while Redis is away
CLUSTER_DAYS = 1  # an incident is compared with candidates dated this many days either side
# HSET a numeric field only when the new value is larger, and refresh the key's TTL.
RECORD_MAX = """
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if tonumber(ARGV[2]) > current then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
"""


@dataclass(slots=True)
class SourceState:
    """What sitrep remembers of a source between polls."""

    initialized: bool = False  # the first successful poll happened
    etag: str | None = None
    last_modified: str | None = None
    last_error: str | None = None
    error_kind: str | None = None
    failures: int = 0
    next_attempt: str | None = None  # ISO 8601; backoff after failures

    def to_json(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if v is not None})

    @classmethod
    def from_json(cls, raw: str | None) -> SourceState:
        if not raw:
            return cls()
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in json.loads(raw).items() if k in known})


class Keys:
    """Every Redis key sitrep uses, under one prefix (tests and deployments can share a server)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def seen(self, source_key: str, item_id: str) -> str:
        # Millions of these live at once: a 96-bit digest keeps each under 120 bytes in Redis.
        digest = hashlib.blake2b(f"{source_key}\0{item_id}".encode(), digest_size=12).digest()
        return f"{self.prefix}s:{base64.b64encode(digest).decode()}"

    def source(self, source_key: str) -> str:
        return f"{self.prefix}source:{source_key}"

    def incident(self, incident_id: str) -> str:
        return f"{self.prefix}incident:{incident_id}"

    def incidents(self) -> str:
        return f"{self.prefix}incidents"

    def incidents_by_country(self, country_code: str) -> str:
        return f"{self.prefix}incidents:country:{country_code}"

    def cluster(self, country_code: str | None, day: date) -> str:
        return f"{self.prefix}cluster:{country_code or '-'}:{day.isoformat()}"

    def held(self, source_key: str) -> str:
        return f"{self.prefix}held:{source_key}"

    def text_bands(self, day: date) -> str:
        return f"{self.prefix}bands:{day.isoformat()}"

    def cluster_lock(self, country_code: str | None) -> str:
        return f"{self.prefix}lock:cluster:{country_code or '-'}"

    def lease(self, name: str) -> str:
        return f"{self.prefix}lease:{name}"

    def chats(self) -> str:
        return f"{self.prefix}chats"

    def delivery(self, address: str, incident_id: str) -> str:
        return f"{self.prefix}delivered:{address}:{incident_id}"

    def outbox(self, priority: int = 1) -> str:
        # Priority 1 keeps the original name, so entries queued before priorities are still read.
        return f"{self.prefix}outbox" if priority <= 1 else f"{self.prefix}outbox:p{priority}"

    def recipients(self, incident_id: str) -> str:
        return f"{self.prefix}recipients:{incident_id}"

    def revision(self, address: str, incident_id: str) -> str:
        return f"{self.prefix}revised:{address}:{incident_id}"


# KEYS: the held hash, then one seen key per item; ARGV: seen TTL, held TTL, then (id, payload)
# per item. Marks each item seen (SET NX EX); a new item with a payload is also held.
TAKE_NEW = """
local new = {}
for i = 2, #KEYS do
  local id, payload = ARGV[2 * i - 1], ARGV[2 * i]
  if redis.call('SET', KEYS[i], '1', 'NX', 'EX', ARGV[1]) then
    new[#new + 1] = 1
    if payload ~= '' then
      redis.call('HSET', KEYS[1], id, payload)
      redis.call('EXPIRE', KEYS[1], ARGV[2])
    end
  else
    new[#new + 1] = 0
  end
end
return new
"""


class Store:
    """Typed operations on sitrep's Redis state."""

    def __init__(self, client: redis.Redis, prefix: str = "sitrep:") -> None:
        # redis-py's async return types are unions of every reply shape; the calls here know theirs.
        self.redis: Any = client
        self.keys = Keys(prefix)
        self._take_new = client.register_script(TAKE_NEW)
        self._record_max = client.register_script(RECORD_MAX)

    # Seen items -----------------------------------------------------------------------------

    async def unmark_seen(self, source_key: str, item_ids: Iterable[str]) -> None:
        """Forget items whose processing failed, so the next poll retries them."""
        keys = [self.keys.seen(source_key, i) for i in item_ids]
        if keys:
            await self.redis.delete(*keys)

    async def take_new(
        self, source_key: str, items: Sequence[FeedItem], to_handle: Sequence[bool]
    ) -> list[bool]:
        """Mark items seen; those new and `to_handle` are held, in the same atomic step, until
        `release_items`: a process that dies midway leaves them for the next poll of the source
        instead of losing them behind their seen marks. True for each item not seen before."""
        if not items:
            return []
        keys = [self.keys.held(source_key), *(self.keys.seen(source_key, i.id) for i in items)]
        args: list[str | int] = [int(SEEN_TTL.total_seconds()), int(HELD_TTL.total_seconds())]
        for item, handle in zip(items, to_handle, strict=True):
            args += [item.id, item.to_json() if handle else ""]
        return [bool(n) for n in await self._take_new(keys=keys, args=args)]

    async def release_items(self, source_key: str, item_ids: Sequence[str]) -> None:
        if item_ids:
            await self.redis.hdel(self.keys.held(source_key), *item_ids)

    async def held_items(self, source_key: str) -> list[FeedItem]:
        raws = await self.redis.hvals(self.keys.held(source_key))
        return [FeedItem.from_json(raw) for raw in raws]

    # Sources --------------------------------------------------------------------------------

    async def source_state(self, source_key: str) -> SourceState:
        return SourceState.from_json(await self.redis.get(self.keys.source(source_key)))

    async def poll_state(self, source_key: str) -> tuple[SourceState, list[FeedItem]]:
        """What a poll starts from, in one round trip: the source's state and held items."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.get(self.keys.source(source_key))
            pipe.hvals(self.keys.held(source_key))
            raw, held = await pipe.execute()
        return SourceState.from_json(raw), [FeedItem.from_json(item) for item in held]

    async def save_source_state(self, source_key: str, state: SourceState) -> None:
        await self.redis.set(self.keys.source(source_key), state.to_json())

    # Incidents ------------------------------------------------------------------------------

    async def save_incident(self, stored: StoredIncident) -> None:
        """Store an incident record and index it by time, overall and by country."""
        score = stored.first_seen_at.timestamp()
        horizon = score - INCIDENT_TTL.total_seconds()
        country = stored.incident.location.country_code
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(self.keys.incident(stored.id), stored.to_json(), ex=INCIDENT_TTL)
            indexes = [self.keys.incidents()]
            if country:
                indexes.append(self.keys.incidents_by_country(country))
            for index in indexes:
                pipe.zadd(index, {stored.id: score}, nx=True)
                pipe.zremrangebyscore(index, "-inf", horizon)
                pipe.expire(index, INCIDENT_TTL)
            await pipe.execute()

    async def update_incident(self, stored: StoredIncident) -> None:
        """Rewrite an incident's record (new report, new figures); indexes stay as they are."""
        await self.redis.set(self.keys.incident(stored.id), stored.to_json(), ex=INCIDENT_TTL)

    async def get_incidents(self, ids: Sequence[str]) -> list[StoredIncident]:
        if not ids:
            return []
        raws = await self.redis.mget([self.keys.incident(i) for i in ids])
        return [StoredIncident.from_json(r) for r in raws if r is not None]

    async def recent_incident_ids(
        self,
        *,
        country_code: str | None = None,
        since: datetime | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[str]:
        """Incident ids, newest first, optionally of one country and since a time."""
        index = (
            self.keys.incidents_by_country(country_code) if country_code else self.keys.incidents()
        )
        low: float | str = since.timestamp() if since else "-inf"
        ids = await self.redis.zrevrangebyscore(
            index, "+inf", low, start=offset if limit else None, num=limit
        )
        return list(ids)

    async def add_to_cluster(self, country_code: str | None, day: date, incident_id: str) -> None:
        key = self.keys.cluster(country_code, day)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.sadd(key, incident_id)
            pipe.expire(key, CLUSTER_TTL)
            await pipe.execute()

    async def add_signature(self, bands: Sequence[str], day: date, incident_id: str) -> None:
        """Index an incident under its text's band keys (see bot/clustering.signature), in one
        hash per day: a band names the latest incident that had it, which is enough to find
        near-copies, at a few dozen bytes a band."""
        if not bands:
            return
        key = self.keys.text_bands(day)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping=dict.fromkeys(bands, incident_id))
            pipe.expire(key, CLUSTER_TTL)
            await pipe.execute()

    async def similar_text_candidates(self, bands: Sequence[str], day: date) -> list[str]:
        """Ids of incidents dated within CLUSTER_DAYS of `day` whose text shares a band."""
        if not bands:
            return []
        async with self.redis.pipeline(transaction=False) as pipe:
            for d in range(-CLUSTER_DAYS, CLUSTER_DAYS + 1):
                pipe.hmget(self.keys.text_bands(day + timedelta(days=d)), list(bands))
            found = await pipe.execute()
        return sorted({i for row in found for i in row if i})

    def cluster_lock(self, country_code: str | None) -> Any:
        """Held while an incident is matched against its country's recent ones, so two pollers
        (tasks or instances) reading two reports of one incident never both create it."""
        return self.redis.lock(self.keys.cluster_lock(country_code), timeout=30,
                               blocking_timeout=30, sleep=0.01)

    def lease(self, name: str, seconds: float) -> Any:
        """A lease only one instance holds at a time ("scheduler", "telegram-updates"); see
        bot/leader.py."""
        return self.redis.lock(self.keys.lease(name), timeout=seconds)

    async def cluster_candidates(self, country_code: str | None, day: date) -> list[str]:
        """Ids of incidents in the same country dated within CLUSTER_DAYS of `day`."""
        keys = [
            self.keys.cluster(country_code, day + timedelta(days=d))
            for d in range(-CLUSTER_DAYS, CLUSTER_DAYS + 1)
        ]
        return sorted(await self.redis.sunion(keys))

    # Chats and subscriptions ----------------------------------------------------------------

    async def get_chat(self, platform: str, chat_id: str) -> Chat | None:
        raw = await self.redis.hget(self.keys.chats(), f"{platform}:{chat_id}")
        return Chat.from_json(raw) if raw else None

    async def save_chat(self, chat: Chat) -> None:
        await self.redis.hset(self.keys.chats(), chat.address, chat.to_json())

    async def move_chat(self, platform: str, old_id: str, new_id: str) -> bool:
        """Move a chat's subscriptions to its new id (a group that became a supergroup), merged
        with any the new id already has; False when the old id is unknown."""
        old = await self.get_chat(platform, old_id)
        if old is None:
            return False
        chat = await self.get_chat(platform, new_id)
        if chat is None:
            old.chat_id = new_id
            chat = old
        else:
            known = {s.filter for s in chat.subscriptions}
            chat.subscriptions += [s for s in old.subscriptions if s.filter not in known]
        await self.save_chat(chat)  # saved before the old id goes, so nothing is lost in between
        await self.delete_chat(platform, old_id)
        return True

    async def delete_chat(self, platform: str, chat_id: str) -> None:
        await self.redis.hdel(self.keys.chats(), f"{platform}:{chat_id}")

    async def all_chats(self) -> list[Chat]:
        raws = await self.redis.hvals(self.keys.chats())
        return [Chat.from_json(r) for r in raws]

    # Deliveries -----------------------------------------------------------------------------

    async def record_delivery(self, address: str, incident_id: str, message_ref: str) -> None:
        """Remember that the alert went out and where (a message id, to edit it in place later);
        the chat joins the incident's recipients, whose messages later reports edit."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(self.keys.delivery(address, incident_id), message_ref, ex=DELIVERY_TTL)
            pipe.sadd(self.keys.recipients(incident_id), address)
            pipe.expire(self.keys.recipients(incident_id), DELIVERY_TTL)
            await pipe.execute()

    async def record_folded(
        self, address: str, incident_ids: Sequence[str], message_ref: str
    ) -> None:
        """Remember incidents folded into one catch-up message: delivered, but with no message of
        their own to edit, so the chat does not join their recipients."""
        async with self.redis.pipeline(transaction=True) as pipe:
            for incident_id in incident_ids:
                pipe.set(self.keys.delivery(address, incident_id), message_ref, ex=DELIVERY_TTL)
            await pipe.execute()

    async def recipients(self, incident_id: str) -> list[str]:
        """Addresses of the chats holding an editable alert of this incident."""
        return sorted(await self.redis.smembers(self.keys.recipients(incident_id)))

    async def edited_version(self, address: str, incident_id: str) -> int:
        """The incident version the chat's alert shows after its last edit (0: never edited)."""
        value = await self.redis.hget(self.keys.revision(address, incident_id), "edited")
        return int(value or 0)

    async def record_edit(self, address: str, incident_id: str, version: int) -> None:
        """Remember the version an edit showed; an older edit finishing late never lowers it."""
        await self._record_max(
            keys=[self.keys.revision(address, incident_id)],
            args=["edited", version, int(DELIVERY_TTL.total_seconds())],
        )

    async def update_sent(self, address: str, incident_id: str, version: int) -> bool:
        """Whether the threaded update for this version of the incident went to the chat."""
        key = self.keys.revision(address, incident_id)
        return bool(await self.redis.hexists(key, f"update:{version}"))

    async def record_update(self, address: str, incident_id: str, version: int, ref: str) -> None:
        key = self.keys.revision(address, incident_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, f"update:{version}", ref)
            pipe.expire(key, DELIVERY_TTL)
            await pipe.execute()

    async def delivery_ref(self, address: str, incident_id: str) -> str | None:
        """The message ref of a sent alert, None if it was never sent."""
        value = await self.redis.get(self.keys.delivery(address, incident_id))
        return None if value is None else str(value)

    async def delivery_refs(self, address: str, incident_ids: Sequence[str]) -> list[str | None]:
        """`delivery_ref` of several incidents in one chat, in one round trip."""
        if not incident_ids:
            return []
        return list(await self.redis.mget([self.keys.delivery(address, i) for i in incident_ids]))


ALERT = "alert"  # an outbox entry's kind: send the incident's alert
REVISION = "revision"  # edit the alert a chat holds, maybe with a threaded update
PRIORITIES = (3, 2, 1)  # outbox streams, read in this order (alert severity; see bot/alerts.py)


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    entry_id: str  # unique within its priority's stream
    address: str  # platform:chat_id
    incident_id: str
    kind: str = ALERT
    version: int = 0  # a revision: the incident version that asked for it
    note: str = ""  # a revision: the material change, as JSON (empty: an edit only)
    priority: int = 1

    @classmethod
    def from_fields(cls, entry_id: str, data: dict[str, str], priority: int) -> OutboxEntry:
        return cls(
            entry_id,
            data["a"],
            data["i"],
            data.get("k", ALERT),
            int(data.get("v", 0)),
            data.get("n", ""),
            priority,
        )


OUTBOX_GROUP = "delivery"


class Outbox:
    """Deliveries waiting to be sent: one Redis Stream per priority, each read by a consumer group.

    An entry is acknowledged only after its send succeeded or failed for good, so a worker that
    dies leaves its entries pending, and another worker reclaims them. Higher priorities are read
    first, so severe incidents overtake a backlog of minor ones.
    """

    def __init__(self, store: Store, *, claim_idle: float = 60.0) -> None:
        self.redis: Any = store.redis
        self.keys = {p: store.keys.outbox(p) for p in PRIORITIES}
        self.claim_idle_ms = int(claim_idle * 1000)  # then a dead worker's entries are reclaimed

    async def ensure_group(self) -> None:
        for key in self.keys.values():
            try:
                await self.redis.xgroup_create(key, OUTBOX_GROUP, id="0", mkstream=True)
            except redis.ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise

    async def put(
        self,
        entries: Sequence[tuple[str, str]],
        *,
        priority: int = 1,
        kind: str = ALERT,
        version: int = 0,
        note: str = "",
    ) -> None:
        """Queue (address, incident_id) deliveries of one kind at one priority."""
        if not entries:
            return
        key = self.keys[min(max(priority, 1), PRIORITIES[0])]
        extra = {} if kind == ALERT else {"k": kind, "v": version, "n": note}
        async with self.redis.pipeline(transaction=True) as pipe:
            for address, incident_id in entries:
                pipe.xadd(key, {"a": address, "i": incident_id, **extra})
            await pipe.execute()

    async def take(
        self,
        consumer: str,
        *,
        count: int = 100,
        block_ms: int | None = None,
        idle_ms: int | None = None,
    ) -> list[OutboxEntry]:
        """Entries for this consumer, highest priority first: first those a dead worker left
        pending (idle for `idle_ms`, by default `claim_idle`), then new ones; blocks (if asked)
        only when every stream is empty."""
        idle_ms = self.claim_idle_ms if idle_ms is None else idle_ms
        try:
            return await self._take(consumer, count, block_ms, idle_ms)
        except redis.ResponseError as exc:
            if "NOGROUP" not in str(exc):
                raise
        # Redis lost a stream (restarted without persistence, or the key was deleted): the
        # group is made again and reads whatever was queued since.
        logger.warning("the outbox consumer group is gone; creating it again")
        await self.ensure_group()
        return await self._take(consumer, count, block_ms, idle_ms)

    async def _take(
        self, consumer: str, count: int, block_ms: int | None, idle_ms: int
    ) -> list[OutboxEntry]:
        entries: list[OutboxEntry] = []
        for priority in PRIORITIES:
            _, claimed, *_ = await self.redis.xautoclaim(
                self.keys[priority],
                OUTBOX_GROUP,
                consumer,
                min_idle_time=idle_ms,
                start_id="0-0",
                count=count - len(entries),
            )
            entries += [OutboxEntry.from_fields(i, d, priority) for i, d in claimed if d]
            if len(entries) >= count:
                return entries
        if entries:
            return entries
        for priority in PRIORITIES:
            entries += await self._read(consumer, [priority], count - len(entries), None)
            if len(entries) >= count:
                return entries
        if entries or block_ms is None:
            return entries
        return await self._read(consumer, list(PRIORITIES), count, block_ms)

    async def _read(
        self, consumer: str, priorities: list[int], count: int, block_ms: int | None
    ) -> list[OutboxEntry]:
        by_key = {self.keys[p]: p for p in priorities}
        streams = await self.redis.xreadgroup(
            OUTBOX_GROUP, consumer, dict.fromkeys(by_key, ">"), count=count, block=block_ms
        )
        entries = [
            OutboxEntry.from_fields(entry_id, data, by_key[key])
            for key, rows in streams or []
            for entry_id, data in rows
        ]
        return sorted(entries, key=lambda e: -e.priority)

    async def ack(self, entries: Sequence[OutboxEntry]) -> None:
        if not entries:
            return
        async with self.redis.pipeline(transaction=True) as pipe:
            for priority in PRIORITIES:
                ids = [e.entry_id for e in entries if e.priority == priority]
                if ids:
                    pipe.xack(self.keys[priority], OUTBOX_GROUP, *ids)
                    pipe.xdel(self.keys[priority], *ids)
            await pipe.execute()

    async def pending(self) -> int:
        """Entries queued or in flight."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for key in self.keys.values():
                pipe.xlen(key)
            return sum(int(n) for n in await pipe.execute())


def reconnect_delay(failures: int) -> float:
    """Seconds to wait after `failures` Redis errors in a row: exponential, capped, and jittered
    so that instances cut off together do not all come back in step."""
    ceiling = min(RECONNECT_CAP, RECONNECT_BASE * 2 ** min(failures - 1, 16))
    return random.uniform(ceiling / 2, ceiling)


def connect(redis_url: str | None) -> redis.Redis:
    """A Redis client for `redis_url`, or an in-process server speaking the same API."""
    if redis_url:
        # Thousands of polls may run at once: they wait for one of a bounded set of connections
        # instead of failing with "Too many connections".
        pool = redis.BlockingConnectionPool.from_url(
            redis_url,
            max_connections=MAX_CONNECTIONS,
            timeout=30,
            decode_responses=True,
            health_check_interval=30,
            socket_connect_timeout=5,
            retry_on_timeout=True,
        )
        return redis.Redis.from_pool(pool)
    import fakeredis

    logger.warning("REDIS_URL is not set: using an in-process store; state is lost on exit")
    return fakeredis.FakeAsyncRedis(decode_responses=True)
