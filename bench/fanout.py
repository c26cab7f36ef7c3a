"""Fan-out: one incident to N Telegram subscribers through the real delivery path (outbox stream,
python-telegram-bot with sitrep's rate limiter) against a fake Bot API that enforces Telegram's
limits: 30 messages per second overall and one per second per chat, answering 429 with
retry_after past them. The fake runs in a process of its own.

Prints the delivery rate, the share of sends refused with 429, and lost or repeated messages.
Uses Redis database 15 at 127.0.0.1:6379 (flushed before and after).

    python bench/fanout.py [--chats 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections import Counter, deque
from pathlib import Path

import httpx
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import REDIS_URL, machine, scratch_redis, server_process, wait_until_up
from bench.redis_memory import sample_incident
from bot.app import open_runtime
from bot.models import Chat, Subscription, utcnow
from bot.settings import Settings

OVERALL_PER_SECOND = 30
PER_CHAT_SECONDS = 1.0


class LimitedBotApi:
    """getMe and sendMessage, with Telegram's flood limits enforced."""

    def __init__(self) -> None:
        self.window: deque[float] = deque()
        self.last_in_chat: dict[str, float] = {}
        self.delivered: Counter[str] = Counter()
        self.refused = 0
        self.first = self.last = 0.0

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method == "getMe":
            return web.json_response({"ok": True, "result": {
                "id": 1, "is_bot": True, "first_name": "sitrep", "username": "sitrep_bot"}})
        if method == "stats":
            return web.json_response({"delivered": self.delivered, "refused": self.refused,
                                      "first": self.first, "last": self.last})
        if method != "sendMessage":
            return web.json_response({"ok": True, "result": True})
        params = dict(await request.post()) or await request.json()
        chat = str(params["chat_id"])
        now = time.monotonic()
        while self.window and now - self.window[0] >= 1.0:
            self.window.popleft()
        waited = now - self.last_in_chat.get(chat, -10.0)
        if len(self.window) >= OVERALL_PER_SECOND or waited < PER_CHAT_SECONDS:
            self.refused += 1
            retry = 1 if waited >= PER_CHAT_SECONDS else max(1, round(PER_CHAT_SECONDS - waited))
            return web.json_response(
                {"ok": False, "error_code": 429, "description": "Too Many Requests",
                 "parameters": {"retry_after": retry}}, status=429)
        self.window.append(now)
        self.last_in_chat[chat] = now
        self.delivered[chat] += 1
        self.first = self.first or now
        self.last = now
        return web.json_response({"ok": True, "result": {
            "message_id": sum(self.delivered.values()), "date": int(time.time()),
            "chat": {"id": int(chat), "type": "private"}, "text": params.get("text", "")}})


def serve_api(port: int) -> None:
    api = LimitedBotApi()
    app = web.Application()
    app.router.add_route("*", "/bot{token}/{method}", api.handle)
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


async def main(chats: int, port: int) -> None:
    from handlers.telegram import TelegramFrontend

    api_url = f"http://127.0.0.1:{port}/bot"
    settings = Settings(
        _env_file=None, redis_url=REDIS_URL, key_prefix="bench:",
        telegram_bot_token="1:bench", telegram_api_url=api_url,
    )
    async with scratch_redis(), httpx.AsyncClient() as control:
        await wait_until_up(control, f"{api_url}x/getMe")
        async with open_runtime(settings) as runtime, TelegramFrontend(
            runtime, receive=False
        ) as telegram:
            runtime.transports["telegram"] = telegram.transport
            now = utcnow().isoformat()
            subscribers = [
                Chat("telegram", str(100_000 + i), [Subscription("all", now)])
                for i in range(chats)
            ]
            for chat in subscribers:
                await runtime.store.save_chat(chat)
            stored = sample_incident(1)
            stored.published = now
            await runtime.store.save_incident(stored)
            await runtime.delivery.enqueue(stored, subscribers)
            start = time.perf_counter()
            stop = asyncio.Event()
            worker = asyncio.create_task(runtime.delivery.run(stop))
            while await runtime.delivery.outbox.pending():  # noqa: ASYNC110 (polls Redis)
                await asyncio.sleep(0.5)
            took = time.perf_counter() - start
            stop.set()
            await worker
        stats = (await control.get(f"{api_url}x/stats")).json()
    delivered = stats["delivered"]
    sends = sum(delivered.values())
    attempts = sends + stats["refused"]
    lost = chats - len(delivered)
    repeated = sum(n - 1 for n in delivered.values())
    rate = sends / (stats["last"] - stats["first"]) if sends > 1 else 0.0
    print(f"machine: {machine()}")
    print(f"{chats} Telegram subscribers of one incident; fake Bot API allows "
          f"{OVERALL_PER_SECOND}/s overall, 1/s per chat")
    print(f"delivered {sends} in {took:.1f} s: {rate:.1f} messages/s "
          f"({rate / OVERALL_PER_SECOND:.0%} of the limit)")
    refused = stats["refused"]
    print(f"429 answers: {refused} of {attempts} sends ({refused / attempts:.2%})")
    print(f"lost: {lost}, repeated: {repeated}")
    print(json.dumps({"rate": round(rate, 2), "refused_share": stats["refused"] / attempts,
                      "lost": lost, "repeated": repeated}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=10_000)
    parser.add_argument("--port", type=int, default=18780)
    args = parser.parse_args()
    with server_process(serve_api, args.port):
        asyncio.run(main(args.chats, args.port))
