"""A fake Telegram Bot API on 127.0.0.1 for end-to-end tests through real python-telegram-bot.

It answers the methods sitrep calls, long-polls queued updates, records every request, and
fails on demand (429 with retry_after, 403, 400, a migrated group) for chosen methods and chats.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.local_server import serve_local

BOT_ID = 7000001
BOT_USERNAME = "sitrep_test_bot"
TOKEN = "7000001:TEST-token_for-the-fake-api"

JSON_FIELDS = {
    "reply_markup",
    "link_preview_options",
    "commands",
    "allowed_updates",
    "entities",
    "scope",
    "reply_parameters",
}
NUMBER_FIELDS = {"chat_id", "user_id", "offset", "timeout", "limit", "message_id"}

JsonDict = dict[str, Any]


@dataclass(frozen=True)
class Failure:
    """An error answer: HTTP status, description and Bot API `parameters`."""

    status: int
    description: str
    parameters: JsonDict | None = None

    @classmethod
    def flood(cls, retry_after: int = 1) -> Failure:
        return cls(
            429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
        )

    @classmethod
    def blocked(cls) -> Failure:
        return cls(403, "Forbidden: bot was blocked by the user")

    @classmethod
    def kicked(cls) -> Failure:
        return cls(403, "Forbidden: bot was kicked from the group chat")

    @classmethod
    def chat_not_found(cls) -> Failure:
        return cls(400, "Bad Request: chat not found")

    @classmethod
    def cannot_parse(cls) -> Failure:
        return cls(400, "Bad Request: can't parse entities: unsupported start tag at byte offset 3")

    @classmethod
    def migrated(cls, new_chat_id: int) -> Failure:
        return cls(
            400,
            "Bad Request: group chat was upgraded to a supergroup chat",
            {"migrate_to_chat_id": new_chat_id},
        )


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: JsonDict
    at: float = field(default_factory=time.monotonic)
    failed: bool = False
    result: Any = None

    @property
    def chat_id(self) -> Any:
        return self.params.get("chat_id")

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))


@dataclass
class User:
    id: int
    first_name: str = "Test"
    username: str | None = None

    def to_dict(self) -> JsonDict:
        data: JsonDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.username:
            data["username"] = self.username
        return data


@dataclass
class Chat:
    id: int
    type: str = "private"  # private, group, supergroup, channel
    title: str | None = None
    admins: set[int] = field(default_factory=set)

    def to_dict(self) -> JsonDict:
        data: JsonDict = {"id": self.id, "type": self.type}
        if self.type == "private":
            data["first_name"] = "Test"
        else:
            data["title"] = self.title or f"Chat {self.id}"
        return data


class FakeTelegram:
    """The server's state: queued updates, known chats, recorded calls, scripted failures."""

    def __init__(self) -> None:
        self.base = ""
        self.calls: list[Call] = []
        self.chats: dict[int, Chat] = {}
        self._updates: list[JsonDict] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(100)
        self.texts: dict[tuple[int, int], str] = {}  # (chat, message id): what the bot's says now
        self._failures: list[tuple[str, Any, Failure]] = []
        self._tick = asyncio.Event()  # set and replaced on every change
        self.closing = False
        self.send_delay = 0.0  # seconds each sendMessage takes, to catch a bot mid fan-out

    @property
    def api_url(self) -> str:
        """The value of TELEGRAM_API_URL (PTB's base_url) for this server."""
        return f"{self.base}/bot"

    # --- scripting -------------------------------------------------------------------------

    def chat(self, chat_id: int, kind: str = "private", *, admins: set[int] | None = None) -> Chat:
        chat = Chat(chat_id, kind, admins=admins or set())
        self.chats[chat_id] = chat
        return chat

    def fail(self, method: str, *failures: Failure, chat_id: Any = None) -> None:
        """The next calls of `method` (to `chat_id`, if given) answer these failures in turn."""
        self._failures.extend((method, chat_id, f) for f in failures)

    def command(self, chat: Chat, text: str, user: User | None = None) -> JsonDict:
        """Queue a message (a channel post in a channel) that starts with a bot command."""
        command = text.split(maxsplit=1)[0]
        message = self._message(chat, user, text)
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        kind = "channel_post" if chat.type == "channel" else "message"
        return self.push({kind: message})

    def message(self, chat: Chat, user: User | None = None, **fields: Any) -> JsonDict:
        """Queue a message with arbitrary fields (service messages, plain text)."""
        return self.push({"message": {**self._message(chat, user, None), **fields}})

    def button(self, chat: Chat, user: User, data: str, message: JsonDict) -> JsonDict:
        """Queue a tap on an inline button of a message the bot sent."""
        query = {
            "id": f"cb{next(self._update_ids)}",
            "from": user.to_dict(),
            "chat_instance": f"ci{chat.id}",
            "data": data,
            "message": message,
        }
        return self.push({"callback_query": query})

    def push(self, update: JsonDict) -> JsonDict:
        update = {"update_id": next(self._update_ids), **update}
        self._updates.append(update)
        self._notify()
        return update

    def update_json(self, update: JsonDict) -> JsonDict:
        """An update with an id but not queued (for webhook tests)."""
        return {"update_id": next(self._update_ids), **update}

    # --- inspecting ------------------------------------------------------------------------

    def sent(self, chat_id: int | None = None, method: str = "sendMessage") -> list[Call]:
        """Successful calls of `method`, to `chat_id` if given."""
        return [
            c
            for c in self.calls
            if c.method == method and not c.failed and (chat_id is None or c.chat_id == chat_id)
        ]

    def attempts(self, method: str = "sendMessage", chat_id: int | None = None) -> list[Call]:
        return [c for c in self.calls if c.method == method and chat_id in (None, c.chat_id)]

    async def wait_for(
        self, predicate: Callable[[], Any], what: str = "a request", within: float = 5.0
    ) -> Any:
        """Wait until `predicate()` is truthy (it is checked after every request)."""
        deadline = time.monotonic() + within
        while not (result := predicate()):
            if not await self._changed(deadline):
                raise AssertionError(f"no {what} within {within} s")
        return result

    async def wait_sent(self, chat_id: int, count: int = 1, within: float = 5.0) -> list[Call]:
        """Wait until `count` messages went to `chat_id`; returns them all."""
        await self.wait_for(
            lambda: len(self.sent(chat_id)) >= count, f"{count} messages to {chat_id}", within
        )
        return self.sent(chat_id)

    @property
    def pending_updates(self) -> int:
        return len(self._updates)

    # --- the Bot API -----------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await read_params(request)
        call = Call(method, params)
        self.calls.append(call)
        self._notify()  # a long poll answers later; waiting for its request need not wait for that
        try:
            failure = self._take_failure(method, params.get("chat_id"))
            if failure is not None:
                call.failed = True
                return error(failure)
            answer = getattr(self, f"api_{method}", None)
            if answer is None:
                return ok(True)  # setWebhook, close, ...: accepted, nothing to say
            result = await answer(params)
            if isinstance(result, Failure):
                call.failed = True
                return error(result)
            call.result = result
            return ok(call.result)
        finally:
            self._notify()

    async def api_getMe(self, params: JsonDict) -> JsonDict:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "sitrep",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def api_getUpdates(self, params: JsonDict) -> list[JsonDict]:
        offset = int(params.get("offset") or 0)
        if offset:  # confirms every update before `offset`
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        while not self._updates and not self.closing and await self._changed(deadline):
            pass
        return list(self._updates)

    async def api_sendMessage(self, params: JsonDict) -> JsonDict:
        if self.send_delay:
            await asyncio.sleep(self.send_delay)  # received: it counts as sent from now on
        message = self._bot_message(params)
        self.texts[(message["chat"]["id"], message["message_id"])] = params["text"]
        return message

    async def api_editMessageText(self, params: JsonDict) -> JsonDict | Failure:
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.texts:
            return Failure(400, "Bad Request: message to edit not found")
        if self.texts[key] == params["text"]:
            return Failure(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        self.texts[key] = params["text"]
        return self._bot_message(params) | {"message_id": params["message_id"]}

    async def api_getChatMember(self, params: JsonDict) -> JsonDict:
        chat = self._chat(params["chat_id"])
        user_id = int(params["user_id"])
        user = {"id": user_id, "is_bot": user_id == BOT_ID, "first_name": "Member"}
        if user_id == BOT_ID or user_id in chat.admins:
            return {"status": "creator", "user": user, "is_anonymous": False}
        return {"status": "member", "user": user}

    async def api_getMyCommands(self, params: JsonDict) -> list[JsonDict]:
        set_ = self.sent(method="setMyCommands")
        return list(set_[-1].params["commands"]) if set_ else []

    async def api_getWebhookInfo(self, params: JsonDict) -> JsonDict:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}

    # --- helpers ---------------------------------------------------------------------------

    def _chat(self, chat_id: Any) -> Chat:
        chat_id = int(chat_id)
        if chat_id not in self.chats:
            self.chat(chat_id, "private" if chat_id > 0 else "group")
        return self.chats[chat_id]

    def _message(self, chat: Chat, user: User | None, text: str | None) -> JsonDict:
        message: JsonDict = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat.to_dict(),
        }
        if chat.type == "channel":
            message["sender_chat"] = chat.to_dict()
        elif user is not None:
            message["from"] = user.to_dict()
        if text is not None:
            message["text"] = text
        return message

    def _bot_message(self, params: JsonDict) -> JsonDict:
        """The message a sendMessage or editMessageText call leaves in the chat."""
        message = self._message(self._chat(params["chat_id"]), None, params["text"])
        message["from"] = {"id": BOT_ID, "is_bot": True, "first_name": "sitrep"}
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        return message

    def _take_failure(self, method: str, chat_id: Any) -> Failure | None:
        for i, (wanted, chat, failure) in enumerate(self._failures):
            if wanted == method and chat in (None, chat_id):
                del self._failures[i]
                return failure
        return None

    def _notify(self) -> None:
        self._tick.set()
        self._tick = asyncio.Event()

    async def _changed(self, deadline: float) -> bool:
        """Wait for the next change until `deadline`; False when the time is up."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        try:
            await asyncio.wait_for(self._tick.wait(), remaining)
        except TimeoutError:
            return False
        return True

    def close(self) -> None:
        """End every long poll now (the server is about to stop)."""
        self.closing = True
        self._notify()


async def read_params(request: web.Request) -> JsonDict:
    """PTB posts form fields: strings as they are, everything else JSON-encoded."""
    if request.content_type == "application/json":
        return dict(await request.json())
    form = await request.post()
    params: JsonDict = {}
    for name, value in form.items():
        if not isinstance(value, str):
            continue
        if name in JSON_FIELDS:
            params[name] = json.loads(value)
        elif name in NUMBER_FIELDS:
            try:
                params[name] = int(value)
            except ValueError:
                params[name] = value
        else:
            params[name] = value
    return params


def ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def error(failure: Failure) -> web.Response:
    body: JsonDict = {
        "ok": False,
        "error_code": failure.status,
        "description": failure.description,
    }
    if failure.parameters:
        body["parameters"] = failure.parameters
    return web.json_response(body, status=failure.status)


@asynccontextmanager
async def serve_fake_telegram() -> AsyncIterator[FakeTelegram]:
    """Run a FakeTelegram on 127.0.0.1 on a free port for the duration of the block."""
    fake = FakeTelegram()
    app = web.Application()
    app.router.add_route("POST", "/bot{token}/{method}", fake.handle)
    app.router.add_route("GET", "/bot{token}/{method}", fake.handle)
    async with serve_local(app, shutdown_timeout=0.1) as base:
        fake.base = base
        try:
            yield fake
        finally:
            fake.close()
