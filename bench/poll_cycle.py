"""Polling cost: 2,000 feeds of 50 items each, served by a local HTTP server, through the real
poller (fetch, parse, seen-marking in Redis, extraction, dedupe) with the real extractor.

Three cycles are timed:
  1. first poll: every item is new to sitrep (already in the feeds before it watched them, so
     they are marked seen, not alerted);
  2. nothing changed: every feed answers 304 Not Modified to the conditional GET;
  3. steady state: each feed gained one fresh article, which is extracted and deduplicated.
Peak resident memory of the process is printed at the end. Uses Redis database 15 at
127.0.0.1:6379 (flushed before and after).

    python bench/poll_cycle.py [--feeds 2000] [--items 50]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import resource
import sys
import time
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path

import httpx
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import REDIS_URL, machine, scratch_redis, server_process, wait_until_up
from bot.app import open_runtime, poll_all
from bot.models import Source, utcnow
from bot.settings import Settings

PLACES = ["Kharkiv", "Gao", "Maiduguri", "Idlib", "Goma", "Khartoum", "Mogadishu", "Sanaa"]


def item_xml(feed: int, n: int, minutes_ago: float) -> str:
    place = PLACES[(feed + n) % len(PLACES)]
    when = format_datetime(utcnow() - timedelta(minutes=minutes_ago))
    return (
        f"<item><guid>f{feed}-i{n}</guid><title>Report {n} from {place}</title>"
        f"<link>https://wire.example/{feed}/{n}</link><pubDate>{when}</pubDate>"
        f"<description>Gunmen attacked a checkpoint near {place} on Monday, killing {n % 7 + 1} "
        f"soldiers and wounding {n % 5} others, officials said. Item {feed}-{n}.</description>"
        "</item>"
    )


class Feeds:
    """`/f/<n>`: n-th feed; `fresh` extra items on top after `grow()`; honours If-None-Match."""

    def __init__(self, count: int, items: int) -> None:
        self.count, self.items, self.fresh = count, items, 0
        self.bodies: dict[int, bytes] = {}
        self.etags: dict[int, str] = {}
        self.requests = self.not_modified = 0
        for i in range(count):
            self._build(i)

    def _build(self, i: int) -> None:
        fresh = "".join(item_xml(i, 1000 + k, 1) for k in range(self.fresh))
        old = "".join(item_xml(i, n, 600 + n) for n in range(self.items))
        body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>F{i}</title>{fresh}{old}'
        self.bodies[i] = (body + "</channel></rss>").encode()
        self.etags[i] = '"' + hashlib.blake2b(self.bodies[i], digest_size=8).hexdigest() + '"'

    async def grow(self, _: web.Request) -> web.Response:
        self.fresh += 1
        for i in range(self.count):
            self._build(i)
        return web.Response(text="ok")

    async def stats(self, _: web.Request) -> web.Response:
        return web.json_response({"requests": self.requests, "not_modified": self.not_modified})

    async def handle(self, request: web.Request) -> web.Response:
        i = int(request.match_info["n"])
        self.requests += 1
        if request.headers.get("If-None-Match") == self.etags[i]:
            self.not_modified += 1
            return web.Response(status=304, headers={"ETag": self.etags[i]})
        return web.Response(body=self.bodies[i], content_type="application/rss+xml",
                            headers={"ETag": self.etags[i]})


def serve_feeds(count: int, items: int, port: int) -> None:
    feeds = Feeds(count, items)
    app = web.Application()
    app.router.add_get("/f/{n}", feeds.handle)
    app.router.add_post("/grow", feeds.grow)
    app.router.add_get("/stats", feeds.stats)
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None, backlog=4096)


async def main(count: int, items: int, port: int) -> None:
    base = f"http://127.0.0.1:{port}"
    async with scratch_redis(), httpx.AsyncClient() as control:
        await wait_until_up(control, f"{base}/stats")
        settings = Settings(_env_file=None, redis_url=REDIS_URL, key_prefix="bench:")
        sources = [Source(f"F{i}", f"{base}/f/{i}", 300) for i in range(count)]
        print(f"machine: {machine()}")
        print(f"{count} feeds x {items} items from a local HTTP server (another process)")
        async with open_runtime(settings) as runtime:
            for label, grow in (
                ("first poll, all items new", False),
                ("nothing changed, all 304", False),
                ("one fresh article per feed", True),
            ):
                if grow:
                    await control.post(f"{base}/grow")
                start = time.perf_counter()
                outcomes = await poll_all(runtime, sources)
                took = time.perf_counter() - start
                stats = (await control.get(f"{base}/stats")).json()
                errors = sum(o.status == "error" for o in outcomes)
                new_items = sum(o.new_items for o in outcomes)
                incidents = sum(o.incidents_new + o.incidents_updated for o in outcomes)
                print(f"{label}: {took:.2f} s ({new_items} new items, {incidents} incidents, "
                      f"{errors} errors, {stats['not_modified']} answered 304 so far)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of the sitrep process: {peak:.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--port", type=int, default=18765)
    args = parser.parse_args()
    with server_process(serve_feeds, args.feeds, args.items, args.port):
        asyncio.run(main(args.feeds, args.items, args.port))
