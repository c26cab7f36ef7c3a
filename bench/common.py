"""What every benchmark shares: the machine it ran on, and waiting for its local servers."""

from __future__ import annotations

import asyncio
import os
import platform
import sys

import httpx


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
