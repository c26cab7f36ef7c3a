"""What every benchmark shares: the machine it ran on, a scratch Redis database, and local
servers in processes of their own."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import platform
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import httpx
import redis.asyncio as redis

REDIS_URL = "redis://127.0.0.1:6379/15"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {sys.version.split()[0]}, {platform.system()}"


async def wait_until_up(client: httpx.AsyncClient, url: str, seconds: float = 30) -> None:
    """Wait for a server started in another process to answer `url`."""
    for _ in range(int(seconds * 10)):
        try:
            await client.get(url)
            return
        except httpx.TransportError:
            await asyncio.sleep(0.1)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


@asynccontextmanager
async def scratch_redis(url: str = REDIS_URL) -> AsyncIterator[redis.Redis]:
    """A client of a Redis database the benchmark may use freely: flushed before and after."""
    client = redis.Redis.from_url(url, decode_responses=True)
    await client.flushdb()
    try:
        yield client
    finally:
        await client.flushdb()
        await client.aclose()


@contextmanager
def server_process(target: Callable[..., Any], *args: Any) -> Iterator[None]:
    """Run a local server in a process of its own, so it does not share sitrep's CPU time."""
    process = multiprocessing.Process(target=target, args=args, daemon=True)
    process.start()
    try:
        yield
    finally:
        process.terminate()
        process.join()
