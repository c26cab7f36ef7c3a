"""sitrep's state in Redis. This module owns every key and TTL; no key is built anywhere else."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any

import redis.asyncio as redis

from bot.models import Chat, StoredIncident

logger = logging.getLogger(__name__)

SEEN_TTL = timedelta(days=45)  # longer than any feed keeps an item
INCIDENT_TTL = timedelta(days=180)  # incidents, their indexes and clusters are bounded by this
CLUSTER_TTL = timedelta(days=4)
DELIVERY_TTL = timedelta(days=30)
MAX_CONNECTIONS = 64
CLUSTER_DAYS = 1  # an incident is compared with candidates dated this many days either side


@dataclass(slots=True)
class SourceState:
    """What sitrep remembers of a source between polls."""

    initialized: bool = False  # the first successful poll happened
    etag: str | None = None
    last_modified: str | None = None
    last_ok: str | None = None
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

    def cluster_lock(self, country_code: str | None) -> str:
        return f"{self.prefix}lock:cluster:{country_code or '-'}"

    def scheduler_lease(self) -> str:
        return f"{self.prefix}lease:scheduler"

    def chats(self) -> str:
        return f"{self.prefix}chats"

    def delivery(self, address: str, incident_id: str) -> str:
        return f"{self.prefix}delivered:{address}:{incident_id}"

    def outbox(self) -> str:
        return f"{self.prefix}outbox"


class Store:
    """Typed operations on sitrep's Redis state."""

    def __init__(self, client: redis.Redis, prefix: str = "sitrep:") -> None:
        # redis-py's async return types are unions of every reply shape; the calls here know theirs.
        self.redis: Any = client
        self.keys = Keys(prefix)

    # Seen items -----------------------------------------------------------------------------

    async def mark_seen(self, source_key: str, item_ids: Sequence[str]) -> list[bool]:
        """Mark items seen; True for each item that was not seen before (atomic per item)."""
        if not item_ids:
            return []
        ttl = int(SEEN_TTL.total_seconds())
        async with self.redis.pipeline(transaction=False) as pipe:
            for item_id in item_ids:
                pipe.set(self.keys.seen(source_key, item_id), 1, nx=True, ex=ttl)
            results = await pipe.execute()
        return [bool(r) for r in results]

    async def unmark_seen(self, source_key: str, item_ids: Iterable[str]) -> None:
        """Forget items whose processing failed, so the next poll retries them."""
        keys = [self.keys.seen(source_key, i) for i in item_ids]
        if keys:
            await self.redis.delete(*keys)

    # Sources --------------------------------------------------------------------------------

    async def source_state(self, source_key: str) -> SourceState:
        return SourceState.from_json(await self.redis.get(self.keys.source(source_key)))

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

    def cluster_lock(self, country_code: str | None) -> Any:
        """Held while an incident is matched against its country's recent ones, so two pollers
        (tasks or instances) reading two reports of one incident never both create it."""
        return self.redis.lock(self.keys.cluster_lock(country_code), timeout=30,
                               blocking_timeout=30)

    def scheduler_lease(self, seconds: float) -> Any:
        """The lease of the one instance that schedules polls (see bot/leader.py)."""
        return self.redis.lock(self.keys.scheduler_lease(), timeout=seconds)

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

    async def delete_chat(self, platform: str, chat_id: str) -> None:
        await self.redis.hdel(self.keys.chats(), f"{platform}:{chat_id}")

    async def all_chats(self) -> list[Chat]:
        raws = await self.redis.hvals(self.keys.chats())
        return [Chat.from_json(r) for r in raws]

    # Deliveries -----------------------------------------------------------------------------

    async def record_delivery(self, address: str, incident_id: str, message_ref: str) -> None:
        """Remember that the alert went out and where (a message id, to edit it in place later)."""
        await self.redis.set(self.keys.delivery(address, incident_id), message_ref, ex=DELIVERY_TTL)

    async def delivery_ref(self, address: str, incident_id: str) -> str | None:
        """The message ref of a sent alert, None if it was never sent."""
        value = await self.redis.get(self.keys.delivery(address, incident_id))
        return None if value is None else str(value)


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    entry_id: str
    address: str  # platform:chat_id
    incident_id: str


OUTBOX_GROUP = "delivery"


class Outbox:
    """Deliveries waiting to be sent: a Redis Stream read by a consumer group.

    An entry is acknowledged only after its send succeeded or failed for good, so a worker that
    dies leaves its entries pending, and another worker reclaims them.
    """

    def __init__(self, store: Store) -> None:
        self.redis: Any = store.redis
        self.key = store.keys.outbox()

    async def ensure_group(self) -> None:
        try:
            await self.redis.xgroup_create(self.key, OUTBOX_GROUP, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def put(self, entries: Sequence[tuple[str, str]]) -> None:
        """Queue (address, incident_id) deliveries."""
        if not entries:
            return
        async with self.redis.pipeline(transaction=True) as pipe:
            for address, incident_id in entries:
                pipe.xadd(self.key, {"a": address, "i": incident_id})
            await pipe.execute()

    async def take(
        self, consumer: str, *, count: int = 100, block_ms: int | None = None, idle_ms: int = 60_000
    ) -> list[OutboxEntry]:
        """Entries for this consumer: first those a dead worker left pending, then new ones."""
        _, claimed, *_ = await self.redis.xautoclaim(
            self.key, OUTBOX_GROUP, consumer, min_idle_time=idle_ms, start_id="0-0", count=count
        )
        rows = [(entry_id, data) for entry_id, data in claimed if data]
        if not rows:
            streams = await self.redis.xreadgroup(
                OUTBOX_GROUP, consumer, {self.key: ">"}, count=count, block=block_ms
            )
            rows = [row for _, entries in streams or [] for row in entries]
        return [OutboxEntry(entry_id, data["a"], data["i"]) for entry_id, data in rows]

    async def ack(self, entry_ids: Sequence[str]) -> None:
        if entry_ids:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.xack(self.key, OUTBOX_GROUP, *entry_ids)
                pipe.xdel(self.key, *entry_ids)
                await pipe.execute()

    async def pending(self) -> int:
        """Entries queued or in flight."""
        return int(await self.redis.xlen(self.key))


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
