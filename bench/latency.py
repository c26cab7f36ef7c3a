"""Latency: from an item appearing in a feed to its alert reaching the (fake) Telegram Bot API.

A `sitrep run` process polls a local feed every INTERVAL seconds; new items appear in the feed at
random moments; each item's alert is matched by its casualty figure when it arrives at the fake
Bot API (the limit-enforcing one from bench/fanout.py). Prints p50/p95/max against the target of
the poll interval plus 2 s. Uses Redis database 14 at 127.0.0.1:6379 (flushed before and after).

    python bench/latency.py [--items 20] [--interval 30]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import sys
import tempfile
import time
from email.utils import format_datetime
from pathlib import Path

import redis.asyncio as redis
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import machine
from bench.fanout import LimitedBotApi
from bot.models import Chat, Subscription, utcnow
from bot.store import Store

REDIS_URL = "redis://127.0.0.1:6379/14"
PREFIX = "bench:"
# One town per item: reports of one town on one day could be one incident told twice.
TOWNS = [("Gao", "Mali"), ("Mopti", "Mali"), ("Kidal", "Mali"), ("Maiduguri", "Nigeria"),
         ("Kaduna", "Nigeria"), ("Goma", "DR Congo"), ("Bunia", "DR Congo"), ("Kharkiv", "Ukraine"),
         ("Sumy", "Ukraine"), ("Idlib", "Syria"), ("Homs", "Syria"), ("Kandahar", "Afghanistan"),
         ("Quetta", "Pakistan"), ("Peshawar", "Pakistan"), ("Beledweyne", "Somalia"),
         ("Kismayo", "Somalia"), ("Tillaberi", "Niger"), ("Djibo", "Burkina Faso"),
         ("El Obeid", "Sudan"), ("Mosul", "Iraq")]


class World:
    """The feed sitrep polls and the Bot API it sends to, in this process."""

    def __init__(self) -> None:
        self.api = LimitedBotApi()
        self.items: list[tuple[int, float, str]] = []  # (killed, appeared at, RSS item)
        self.arrived: dict[int, float] = {}

    def add_item(self, killed: int) -> None:
        town, country = TOWNS[killed % len(TOWNS)]
        xml = (f"<item><guid>lat-{killed}</guid><title>Attack near {town}</title>"
               f"<link>https://wire.example/{killed}</link>"
               f"<pubDate>{format_datetime(utcnow())}</pubDate><description>Gunmen attacked an "
               f"army post near {town}, {country}, on Monday, killing {killed} soldiers, officials "
               "said.</description></item>")
        self.items.append((killed, time.monotonic(), xml))

    async def feed(self, _: web.Request) -> web.Response:
        body = "".join(xml for _, _, xml in reversed(self.items))
        return web.Response(
            text=f'<?xml version="1.0"?><rss version="2.0"><channel><title>L</title>{body}'
                 "</channel></rss>", content_type="application/rss+xml")

    async def bot_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        if method == "getUpdates":
            await asyncio.sleep(1)
            return web.json_response({"ok": True, "result": []})
        response = await self.api.handle(request)
        if method == "sendMessage" and response.status == 200:
            params = dict(await request.post()) or await request.json()
            found = re.search(r"(\d+) killed", str(params.get("text", "")))
            if found:
                self.arrived.setdefault(int(found.group(1)), time.monotonic())
        return response


async def main(items: int, interval: int) -> None:
    world = World()
    app = web.Application()
    app.router.add_get("/feed.xml", world.feed)
    app.router.add_route("*", "/bot{token}/{method}", world.bot_api)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    await client.flushdb()
    await Store(client, PREFIX).save_chat(
        Chat("telegram", "4242", [Subscription("all", utcnow().isoformat())]))
    sources = Path(tempfile.mkdtemp()) / "sources.yaml"
    sources.write_text(f"sources:\n  - {{name: L, url: '{base}/feed.xml', interval: {interval}}}\n")
    env = {**os.environ, "REDIS_URL": REDIS_URL, "SITREP_KEY_PREFIX": PREFIX,
           "SITREP_SOURCES": str(sources), "TELEGRAM_BOT_TOKEN": "1:bench",
           "TELEGRAM_API_URL": f"{base}/bot",
           "SITREP_LOG_LEVEL": os.environ.get("SITREP_LOG_LEVEL", "WARNING")}
    bot = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "run", env=env)
    try:
        await asyncio.sleep(interval + 5)  # start-up and the first (backfill) poll
        for n in range(items):
            world.add_item(3 + n)
            await asyncio.sleep(random.uniform(0.4, 1.1) * interval)
        deadline = time.monotonic() + 2 * interval + 10
        while len(world.arrived) < items and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.2)
    finally:
        bot.terminate()
        await asyncio.wait_for(bot.wait(), timeout=20)
        await client.flushdb()
        await client.aclose()
        await runner.cleanup()
    delays = sorted(world.arrived[k] - t for k, t, _ in world.items if k in world.arrived)
    if not delays:
        raise SystemExit("no alert arrived: see the log of sitrep run above")
    p95 = delays[max(0, round(0.95 * len(delays)) - 1)] if delays else float("nan")
    print(f"machine: {machine()}")
    print(f"{items} items appearing at random moments in a feed polled every {interval} s")
    print(f"alerts arrived: {len(delays)}/{items}; delay p50 {statistics.median(delays):.1f} s, "
          f"p95 {p95:.1f} s, max {delays[-1]:.1f} s (target p95 < {interval + 2} s)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=len(TOWNS))
    parser.add_argument("--interval", type=int, default=30)
    args = parser.parse_args()
    asyncio.run(main(args.items, args.interval))
