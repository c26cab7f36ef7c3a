"""Redis memory per seen item and per stored incident, from INFO memory and MEMORY USAGE.

Uses Redis database 15 at 127.0.0.1:6379 (flushed before and after).

    python bench/redis_memory.py
"""

from __future__ import annotations

import asyncio
import hashlib
import sys
from pathlib import Path

import redis.asyncio as redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import machine, scratch_redis
from bot.clustering import signature
from bot.models import FeedItem, SourceReport, StoredIncident, utcnow
from bot.store import Store
from extraction.model import Actor, Incident, Location

N_SEEN = 100_000
N_INCIDENTS = 10_000


def sample_incident(i: int) -> StoredIncident:
    incident = Incident(
        event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike",
        actors=[Actor("Military Forces of Example", "actor1", "SYR"),
                Actor("Islamic State", "actor2", None)],
        location=Location("Syria", "SYR", "Deir ez-Zor", "Abu Kamal", 34.45, 40.92, "place"),
        killed=4,
        injured=None,
        date="2024-03-05",
        summary="An air strike destroyed a weapons depot near Abu Kamal, killing four fighters.",
        evidence=["An air strike destroyed a weapons depot near Abu Kamal in eastern Syria "
                  "early today, killing four fighters, a war monitor said."],
        confidence=0.82,
    )
    report = SourceReport("Levant Wire", f"https://levant-wire.example/2024/{i}",
                          "Strike destroys depot near Abu Kamal", utcnow().isoformat())
    incident_id = hashlib.blake2b(str(i).encode(), digest_size=10).hexdigest()
    return StoredIncident(incident_id, incident, [report], utcnow().isoformat(), report.published)


async def used(client: redis.Redis) -> int:
    return int((await client.info("memory"))["used_memory"])


async def main() -> None:
    async with scratch_redis() as client:
        store = Store(client, "sitrep:")
        before = await used(client)
        ids = [hashlib.blake2b(str(i).encode(), digest_size=10).hexdigest() for i in range(N_SEEN)]
        for start in range(0, N_SEEN, 1000):
            items = [FeedItem(i, "", None, "", None) for i in ids[start:start + 1000]]
            await store.take_new("0123456789abcdef", items, [False] * len(items))
        seen_info = (await used(client) - before) / N_SEEN
        seen_usage = await client.memory_usage(store.keys.seen("0123456789abcdef", ids[0]))

        before = await used(client)
        for i in range(N_INCIDENTS):
            stored = sample_incident(i)
            await store.save_incident(stored)
            await store.add_to_cluster("SYR", utcnow().date(), stored.id)
            await store.add_signature(
                signature(f"{i} {stored.incident.evidence[0]}"), utcnow().date(), stored.id
            )
        incident_info = (await used(client) - before) / N_INCIDENTS
        incident_usage = await client.memory_usage(store.keys.incident(sample_incident(0).id))
    print(f"machine: {machine()}")
    print(f"seen item: {seen_info:.0f} bytes (INFO memory, {N_SEEN:,} items), "
          f"MEMORY USAGE of one key {seen_usage} bytes")
    print(f"stored incident with indexes: {incident_info:.0f} bytes (INFO memory, "
          f"{N_INCIDENTS:,} incidents), MEMORY USAGE of one record {incident_usage} bytes")


if __name__ == "__main__":
    asyncio.run(main())
