"""A fake Slack Web API on 127.0.0.1 for end-to-end tests through real slack-bolt and slack_sdk.

It answers the methods sitrep calls, records every request (and every post to a `response_url`
it hands out), fails on demand (429 with Retry-After, error codes) for chosen methods and channels,
and speaks Socket Mode: `apps.connections.open` gives a websocket over which tests push envelopes.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.local_server import serve_local

BOT_TOKEN = "xoxb-0000000000-fake-bot-token"
APP_TOKEN = "xapp-1-A000-fake-app-token"
SIGNING_SECRET = "fake-signing-secret-0123456789abcdef"
BOT_USER_ID = "UBOTSITREP"
TEAM_ID = "T0FAKE"
WAIT_SECONDS = 5.0

JsonDict = dict[str, Any]


@dataclass(frozen=True)
class Failure:
    """An error answer: Slack's `error` code, the HTTP status, and Retry-After for 429."""

    error: str
    status: int = 200
    retry_after: int | None = None

    @classmethod
    def ratelimited(cls, retry_after: int = 1) -> Failure:
        return cls("ratelimited", 429, retry_after)


@dataclass
class Call:
    """One request the app made: the method (or 'respond'), its arguments, its token."""

    method: str
    params: JsonDict
    token: str | None
    at: float = field(default_factory=time.monotonic)

    @property
    def channel(self) -> str | None:
        value = self.params.get("channel")
        return None if value is None else str(value)

    @property
    def blocks(self) -> list[JsonDict]:
        blocks = self.params.get("blocks")
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        return list(blocks or [])

    @property
    def text(self) -> str:
        return str(self.params.get("text") or "")

    @property
    def all_text(self) -> str:
        """The fallback text and every mrkdwn text in the blocks, for assertions."""
        parts = [self.text]
        for block in self.blocks:
            if "text" in block:
                parts.append(block["text"]["text"])
            parts += [e["text"] for e in block.get("elements", []) if "text" in e]
        return "\n".join(parts)


@dataclass
class FakeSlack:
    """The server's state: set `channels` and failures, read `calls` and `responses`."""

    base: str = ""
    calls: list[Call] = field(default_factory=list)
    responses: list[Call] = field(default_factory=list)  # posts to response_url
    # conversations.info answers by channel id; unknown channels are public.
    channels: dict[str, JsonDict] = field(default_factory=dict)
    failures: dict[tuple[str, str | None], deque[Failure]] = field(default_factory=dict)
    socket: web.WebSocketResponse | None = None
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _acks: dict[str, asyncio.Future[JsonDict]] = field(default_factory=dict)
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def api_url(self) -> str:
        return f"{self.base}/api/"

    def response_url(self) -> str:
        return f"{self.base}/respond/{uuid.uuid4().hex[:8]}"

    def fail(self, method: str, *failures: Failure, channel: str | None = None) -> None:
        """Answer the next calls of `method` (to `channel`, if given) with these failures."""
        self.failures.setdefault((method, channel), deque()).extend(failures)

    def calls_to(self, method: str, channel: str | None = None) -> list[Call]:
        return [c for c in self.calls if c.method == method and channel in (None, c.channel)]

    def posted(self, channel: str | None = None) -> list[Call]:
        """Messages that reached a channel (failed attempts excluded)."""
        return [c for c in self.calls_to("chat.postMessage", channel) if c.params.get("_ok")]

    def updated(self, channel: str | None = None) -> list[Call]:
        """Edits (chat.update) that Slack accepted."""
        return [c for c in self.calls_to("chat.update", channel) if c.params.get("_ok")]

    async def wait_for(self, ready: Callable[[], bool]) -> None:
        """Wait until `ready()` holds, for at most WAIT_SECONDS."""
        async with asyncio.timeout(WAIT_SECONDS), self._changed:
            await self._changed.wait_for(ready)

    async def wait_responses(self, count: int) -> list[Call]:
        await self.wait_for(lambda: len(self.responses) >= count)
        return self.responses

    # Socket Mode --------------------------------------------------------------------------------

    async def push(self, kind: str, payload: JsonDict) -> JsonDict:
        """Send an envelope over the Socket Mode websocket; returns the app's acknowledgement."""
        if self.socket is None:
            await self.wait_for(lambda: self.socket is not None)
        assert self.socket is not None
        envelope_id = uuid.uuid4().hex
        self._acks[envelope_id] = asyncio.get_running_loop().create_future()
        await self.socket.send_json(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": kind != "events_api",
            }
        )
        async with asyncio.timeout(WAIT_SECONDS):
            return await self._acks[envelope_id]

    # HTTP ---------------------------------------------------------------------------------------

    async def handle_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        params = await _params(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ") or None
        token = token or params.pop("token", None)
        call = Call(method, params, token)
        await self._record(self.calls, call)
        failure = self._next_failure(method, call.channel)
        if failure is not None:
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}
            return web.json_response(
                {"ok": False, "error": failure.error}, status=failure.status, headers=headers
            )
        expected = APP_TOKEN if method == "apps.connections.open" else BOT_TOKEN
        if token != expected:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        answer = self._answer(method, params)
        if method in ("chat.postMessage", "chat.update") and answer.get("ok"):
            params["_ok"] = True
        return web.json_response(answer)

    def _answer(self, method: str, params: JsonDict) -> JsonDict:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://fake.slack.com/",
                "team": "Fake",
                "user": "sitrep",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": "BFAKE",
            }
        if method == "chat.postMessage":
            ts = f"{int(time.time())}.{next(self._ts):06d}"
            return {"ok": True, "channel": params.get("channel"), "ts": ts}
        if method == "chat.update":  # Slack answers with the edited message's own ts
            if not params.get("ts"):
                return {"ok": False, "error": "message_not_found"}
            return {"ok": True, "channel": params.get("channel"), "ts": params["ts"]}
        if method == "conversations.info":
            channel = str(params.get("channel"))
            info = {"id": channel, "is_private": False, "is_member": False}
            return {"ok": True, "channel": info | self.channels.get(channel, {})}
        if method == "apps.connections.open":
            return {"ok": True, "url": self.base.replace("http", "ws", 1) + "/socket"}
        return {"ok": False, "error": "unknown_method"}

    def _next_failure(self, method: str, channel: str | None) -> Failure | None:
        for key in ((method, channel), (method, None)):
            queue = self.failures.get(key)
            if queue:
                return queue.popleft()
        return None

    async def handle_respond(self, request: web.Request) -> web.StreamResponse:
        await self._record(self.responses, Call("respond", await request.json(), None))
        return web.Response(text="ok")

    async def handle_socket(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1})
        async with self._changed:
            self.socket = ws
            self._changed.notify_all()
        async for message in ws:
            if message.type is not WSMsgType.TEXT:
                continue
            data = json.loads(message.data)
            future = self._acks.get(data.get("envelope_id", ""))
            if future is not None and not future.done():
                future.set_result(data)
        self.socket = None
        return ws

    async def _record(self, into: list[Call], call: Call) -> None:
        async with self._changed:
            into.append(call)
            self._changed.notify_all()


async def _params(request: web.Request) -> JsonDict:
    if request.content_type == "application/json":
        return dict(await request.json())
    params: JsonDict = dict(request.query)
    params.update(await request.post())
    return params


@asynccontextmanager
async def fake_slack() -> AsyncIterator[FakeSlack]:
    """Serve a FakeSlack on 127.0.0.1 (a free port) for the duration of the block."""
    fake = FakeSlack()
    app = web.Application()
    app.router.add_route("*", "/api/{method}", fake.handle_api)
    app.router.add_post("/respond/{id}", fake.handle_respond)
    app.router.add_get("/socket", fake.handle_socket)
    async with serve_local(app, access_log=None, shutdown_timeout=0.5) as base:
        fake.base = base
        try:
            yield fake
        finally:
            if fake.socket is not None:
                await fake.socket.close()
