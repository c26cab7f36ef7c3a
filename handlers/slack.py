"""sitrep in Slack: slash commands and mentions over slack-bolt, and the transport for alerts.

`SlackFrontend` runs a bolt `AsyncApp` on sitrep's event loop: over Socket Mode when
SLACK_APP_TOKEN is set, otherwise as an aiohttp server for `POST /slack/events`, where bolt
verifies every request's signature against SLACK_SIGNING_SECRET. Handlers are thin: acknowledge
at once, call `bot.commands`, and answer with `handlers.slack_texts` through `respond` or `say`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import replace
from types import TracebackType
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond, AsyncSay
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.alerts import AlertView, CatchUpView, UpdateNote
from bot.commands import CommandError, Commands
from bot.models import StoredIncident
from bot.transports import SendResult, SendStatus
from handlers import slack_texts as texts

if TYPE_CHECKING:
    from bot.app import Runtime

logger = logging.getLogger(__name__)

PLATFORM = "slack"
EVENTS_PATH = "/slack/events"
# sitrep cannot post there any more: deactivate the channel and keep its subscriptions.
GONE_ERRORS = frozenset(
    {"channel_not_found", "not_in_channel", "is_archived", "account_inactive", "token_revoked"}
)
BLOCK_ERRORS = frozenset({"invalid_blocks", "invalid_blocks_format"})
# Slack's side failed and the message was not posted: try again later, never drop the alert.
TRANSIENT_ERRORS = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
NETWORK_RETRY_SECONDS = 5.0
RATE_LIMIT_RETRIES = 2  # in the client, honouring Retry-After; then delivery decides
CHANNEL_INTERVAL = 1.0  # Slack allows about one message a second per channel
SHUTDOWN_SECONDS = 5.0
MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})

Run = Callable[[str, str], Awaitable[texts.Reply]]


def send_result(error: SlackApiError) -> SendResult:
    """What a failed chat.postMessage means for delivery: wait, deactivate, or give up."""
    code = error_code(error)
    if code == "ratelimited" or error.response.status_code == 429:
        return SendResult.retry(retry_after(error.response.headers), code)
    if code in GONE_ERRORS:
        return SendResult(SendStatus.GONE, detail=code)
    if code in TRANSIENT_ERRORS or error.response.status_code >= 500:
        return SendResult.retry(NETWORK_RETRY_SECONDS, code)
    return SendResult(SendStatus.FAILED, detail=code)


def error_code(error: SlackApiError) -> str:
    """Slack's error code ('not_in_channel'), or the HTTP status when the body was not JSON."""
    data = error.response.data
    code = data.get("error") if isinstance(data, dict) else None
    return str(code) if code else f"HTTP {error.response.status_code}"


def retry_after(headers: dict[str, Any]) -> float:
    for name, value in headers.items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            try:
                return max(float(raw), 1.0)
            except ValueError:
                break
    return NETWORK_RETRY_SECONDS


def incoming(text: str) -> str:
    """What a user typed, as Slack sends it (escaped, maybe with curly quotes), in plain text."""
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return text.translate(SMART_QUOTES).strip()


class ChannelPacer:
    """About one message a second per channel: each send waits its channel's turn."""

    def __init__(self, interval: float = CHANNEL_INTERVAL, *, remember: int = 1024) -> None:
        self.interval = interval
        self.remember = remember
        self._locks: dict[str, asyncio.Lock] = {}
        self._last: dict[str, float] = {}

    @asynccontextmanager
    async def turn(self, channel: str) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        if len(self._locks) > self.remember:
            self._forget(loop.time())
        lock = self._locks.setdefault(channel, asyncio.Lock())
        async with lock:
            wait = self._last.get(channel, float("-inf")) + self.interval - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                yield
            finally:
                self._last[channel] = loop.time()

    def _forget(self, now: float) -> None:
        for channel, lock in list(self._locks.items()):
            if not lock.locked() and self._last.get(channel, 0.0) + self.interval < now:
                del self._locks[channel]
                self._last.pop(channel, None)


class SlackTransport:
    """Sends alerts and texts to Slack channels, answering with a SendResult, never raising."""

    platform = PLATFORM

    def __init__(self, client: AsyncWebClient, pacer: ChannelPacer | None = None) -> None:
        self.client = client
        self.pacer = pacer or ChannelPacer()

    async def send_alert(self, chat_id: str, stored: StoredIncident) -> SendResult:
        return await self._post_reply(chat_id, texts.alert(AlertView.build(stored)))

    async def send_text(self, chat_id: str, text: str) -> SendResult:
        return await self._post(chat_id, texts.escape(text), None)

    async def edit_alert(self, chat_id: str, ref: str, stored: StoredIncident) -> SendResult:
        # When the alert went out is not known here: the edited alert leaves the delay out.
        reply = texts.alert(replace(AlertView.build(stored), delay=None))
        return await self._post_reply(chat_id, reply, edit=ref)

    async def send_update(self, chat_id: str, ref: str, note: UpdateNote) -> SendResult:
        return await self._post(chat_id, texts.update(note).text, None, thread=ref)

    async def send_catch_up(self, chat_id: str, view: CatchUpView) -> SendResult:
        return await self._post_reply(chat_id, texts.catch_up(view))

    async def _post_reply(
        self, channel: str, reply: texts.Reply, *, edit: str | None = None
    ) -> SendResult:
        """Post (or edit in) a reply's blocks; its text alone if Slack refuses the blocks."""
        result = await self._post(channel, reply.text, reply.blocks, edit=edit)
        if result.status is SendStatus.FAILED and result.detail in BLOCK_ERRORS:
            logger.warning("Slack refused the blocks (%s); posting text only", result.detail)
            # An edit must clear the old message's blocks; a new message simply has none.
            blocks: list[texts.Block] | None = None if edit is None else []
            result = await self._post(channel, reply.text, blocks, edit=edit)
        return result

    async def _post(
        self,
        channel: str,
        text: str,
        blocks: list[texts.Block] | None,
        *,
        thread: str | None = None,
        edit: str | None = None,
    ) -> SendResult:
        """chat.postMessage (in the thread of `thread`), or chat.update of the message `edit`."""
        async with self.pacer.turn(channel):
            try:
                if edit is not None:
                    response = await self.client.chat_update(
                        channel=channel, ts=edit, text=text, blocks=blocks
                    )
                else:
                    response = await self.client.chat_postMessage(
                        channel=channel,
                        text=text,
                        blocks=blocks,
                        thread_ts=thread,
                        unfurl_links=False,
                        unfurl_media=False,
                    )
            except SlackApiError as exc:
                return send_result(exc)
            except (aiohttp.ClientError, TimeoutError) as exc:
                return SendResult.retry(NETWORK_RETRY_SECONDS, f"network: {exc!r}")
            except SlackClientError as exc:
                return SendResult(SendStatus.FAILED, detail=str(exc))
        return SendResult.sent(str(response.get("ts") or "") or None)


def retry_handlers(max_rate_limit_retries: int = RATE_LIMIT_RETRIES) -> list[AsyncRetryHandler]:
    return [
        AsyncConnectionErrorRetryHandler(),
        AsyncRateLimitErrorRetryHandler(max_retry_count=max_rate_limit_retries),
    ]


class SlackFrontend:
    """The Slack app inside `sitrep run`: commands in, alerts out, over one bolt AsyncApp.

    With `receive=False` (a delivery-only instance) it only sends: no endpoint, no Socket Mode.
    """

    def __init__(
        self,
        runtime: Runtime,
        *,
        receive: bool = True,
        channel_interval: float = CHANNEL_INTERVAL,
    ) -> None:
        settings = runtime.settings
        if not settings.slack_bot_token:
            raise ValueError("SLACK_BOT_TOKEN is not set")
        if receive and not settings.slack_app_token and not settings.slack_signing_secret:
            raise ValueError("SLACK_SIGNING_SECRET is required unless SLACK_APP_TOKEN is set")
        self.runtime = runtime
        self.commands: Commands = runtime.commands
        self.receive = receive
        self.channel_interval = channel_interval
        self.bot_user_id: str | None = None
        self.port: int | None = None  # the HTTP port once listening
        self._stack = AsyncExitStack()
        self._transport: SlackTransport | None = None
        self._app: AsyncApp | None = None
        self._subcommands: dict[str, Run] = {
            "subscribe": self._subscribe,
            "unsubscribe": self._unsubscribe,
            "filters": self._filters,
            "latest": self._latest,
            "summary": self._summary,
            "pause": self._pause,
            "resume": self._resume,
            "help": self._help,
        }

    @property
    def transport(self) -> SlackTransport:
        if self._transport is None:
            raise RuntimeError("SlackFrontend is not running: use it with `async with`")
        return self._transport

    @property
    def app(self) -> AsyncApp:
        if self._app is None:
            raise RuntimeError("SlackFrontend is not receiving: use it with `async with`")
        return self._app

    @property
    def mode(self) -> str:
        if not self.receive:
            return "sending only"
        return "Socket Mode" if self.runtime.settings.slack_app_token else "HTTP"

    async def __aenter__(self) -> SlackFrontend:
        settings = self.runtime.settings
        async with AsyncExitStack() as stack:
            session = aiohttp.ClientSession()
            stack.push_async_callback(session.close)
            client = AsyncWebClient(
                token=settings.slack_bot_token,
                base_url=settings.slack_api_url,
                session=session,
                retry_handlers=retry_handlers(),
            )
            me = await client.auth_test()  # a wrong token fails here, not at the first alert
            self.bot_user_id = me.get("user_id")
            self._transport = SlackTransport(client, ChannelPacer(self.channel_interval))
            if self.receive:
                await self._start_receiving(client, stack)
            self._stack = stack.pop_all()
        logger.info(
            "Slack app %s running (%s%s)",
            me.get("user") or "?",
            self.mode,
            f" on {settings.slack_host}:{self.port}{EVENTS_PATH}" if self.port else "",
        )
        return self

    async def _start_receiving(self, client: AsyncWebClient, stack: AsyncExitStack) -> None:
        """Commands and events in: over Socket Mode, or on bolt's signed HTTP endpoint."""
        settings = self.runtime.settings
        self._app = AsyncApp(
            client=client,
            signing_secret=settings.slack_signing_secret or "",
            # Socket Mode requests come over the app token's websocket and carry no signature.
            request_verification_enabled=not settings.slack_app_token,
            logger=logging.getLogger("handlers.slack.bolt"),
            name="sitrep",
        )
        self._register(self._app)
        if settings.slack_app_token:
            handler = AsyncSocketModeHandler(self._app, settings.slack_app_token)
            stack.push_async_callback(handler.close_async)
            # The client retries a refused connection forever; a wrong app token fails here.
            handler.client.wss_uri = await handler.client.issue_new_wss_url()
            await handler.connect_async()
            return
        runner = web.AppRunner(
            self._app.web_app(path=EVENTS_PATH),
            access_log=None,
            # Requests in flight are acknowledged within 3 s; do not wait longer on exit.
            shutdown_timeout=SHUTDOWN_SECONDS,
        )
        await runner.setup()
        stack.push_async_callback(runner.cleanup)
        site = web.TCPSite(runner, settings.slack_host, settings.slack_port)
        await site.start()
        self.port = settings.slack_port

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._stack.aclose()

    # Wiring -----------------------------------------------------------------------------------

    def _register(self, app: AsyncApp) -> None:
        for name in texts.SLASH_COMMANDS:
            app.command(f"/{name}")(self._slash(name))
        app.command("/" + texts.UMBRELLA)(self._slash(None))
        app.event("app_mention")(self._mention)
        app.event("member_joined_channel")(self._joined)
        app.error(self._on_error)

    def _slash(self, name: str | None) -> Callable[..., Awaitable[None]]:
        """A slash command's listener; `None` is the umbrella: its first word names the command."""

        async def handle(
            ack: AsyncAck,
            body: dict[str, Any],
            command: dict[str, Any],
            respond: AsyncRespond,
            context: AsyncBoltContext,
        ) -> None:
            await ack()  # Slack wants this within 3 seconds; the answer follows via response_url
            text = incoming(command.get("text") or "")
            try:
                if name is None:
                    word, _, args = text.partition(" ")
                    reply = await self.run(
                        word.lower() or "help", command["channel_id"], args, f"/{texts.UMBRELLA} "
                    )
                else:
                    reply = await self.run(name, command["channel_id"], text)
                await answer(respond, reply)
            except Exception as exc:  # after ack() bolt cannot answer for us: see _on_error
                await self._on_error(exc, body, context)

        return handle

    # Bolt passes listener arguments by parameter name; methods work, `self` is skipped.

    async def _mention(
        self, body: dict[str, Any], event: dict[str, Any], say: AsyncSay, context: AsyncBoltContext
    ) -> None:
        """`@sitrep latest Syria`: the same commands, answered in a thread."""
        word, _, args = incoming(MENTION.sub("", event.get("text") or "")).partition(" ")
        try:
            reply = await self.run(word.lower() or "help", event["channel"], args, "@sitrep ")
            await say(
                text=reply.text,
                blocks=reply.blocks or None,
                thread_ts=event.get("thread_ts") or event.get("ts"),
                unfurl_links=False,
                unfurl_media=False,
            )
        except Exception as exc:
            await self._on_error(exc, body, context)

    async def _joined(self, event: dict[str, Any]) -> None:
        """Invited back to a channel it had been removed from: alerts resume there."""
        if self.bot_user_id and event.get("user") == self.bot_user_id:
            chat = await self.commands.start(PLATFORM, event["channel"])
            logger.info(
                "invited to Slack channel %s (%d subscriptions)",
                chat.chat_id,
                len(chat.subscriptions),
            )

    async def _on_error(
        self, error: Exception, body: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        """The one error handler: log first, then tell the user something useful.

        Bolt calls it for errors before ack(). Listeners call it themselves for errors after:
        bolt would then reset the acknowledgement and, when the failure comes quickly, answer
        Slack's request with a 404 after three seconds.
        """
        logger.error("Slack request failed (%s)", _describe(body), exc_info=error)
        try:
            if context.respond is not None and body.get("response_url"):
                await context.respond(text=texts.ERROR, response_type="ephemeral")
            elif context.say is not None and context.channel_id:
                await context.say(texts.ERROR)
        except (SlackClientError, aiohttp.ClientError, TimeoutError):
            logger.warning("could not tell the user about the error either")

    async def run(
        self, name: str, channel_id: str, args: str, invoked_as: str = "/"
    ) -> texts.Reply:
        """Run one command for a channel; a wrong argument gets its usage line."""
        run = self._subcommands.get(name)
        if run is None:
            return texts.unknown(name)
        try:
            return await run(channel_id, args.strip())
        except CommandError as exc:
            return texts.usage_error(exc, invoked_as)

    # Commands ---------------------------------------------------------------------------------

    async def _subscribe(self, channel_id: str, args: str) -> texts.Reply:
        result = await self.commands.subscribe(PLATFORM, channel_id, args)
        member = await self._can_post(channel_id) if result.added else True
        return texts.subscribed(result, member=member)

    async def _unsubscribe(self, channel_id: str, args: str) -> texts.Reply:
        return texts.unsubscribed(await self.commands.unsubscribe(PLATFORM, channel_id, args))

    async def _filters(self, channel_id: str, args: str) -> texts.Reply:
        return texts.filters(await self.commands.filters(PLATFORM, channel_id))

    async def _latest(self, channel_id: str, args: str) -> texts.Reply:
        flt, found = await self.commands.latest(args)
        return texts.latest(flt, found)

    async def _summary(self, channel_id: str, args: str) -> texts.Reply:
        flt, result = await self.commands.summary(args)
        return texts.summary(flt, result)

    async def _pause(self, channel_id: str, args: str) -> texts.Reply:
        return texts.paused(await self.commands.pause(PLATFORM, channel_id, args))

    async def _resume(self, channel_id: str, args: str) -> texts.Reply:
        chat = await self.commands.chat(PLATFORM, channel_id)
        if chat.active:
            return texts.resumed(await self.commands.resume(PLATFORM, channel_id))
        # Stopped after a failed post; Slack sends no event when, say, the app is reinstalled.
        if not await self._can_post(channel_id):
            return texts.still_unreachable(chat)
        await self.commands.start(PLATFORM, channel_id)
        await self.commands.resume(PLATFORM, channel_id)
        return texts.resumed(True)

    async def _help(self, channel_id: str, args: str) -> texts.Reply:
        return texts.Reply(texts.HELP)

    async def _can_post(self, channel_id: str) -> bool:
        """Whether alerts can reach the channel: public ones (chat:write.public), or as a member."""
        if channel_id.startswith("D"):  # a direct message with the app
            return True
        try:
            info = await self.app.client.conversations_info(channel=channel_id)
        except SlackApiError as exc:
            return error_code(exc) not in GONE_ERRORS
        except (SlackClientError, aiohttp.ClientError, TimeoutError):
            return True  # unknown: do not nag
        channel = info.get("channel") or {}
        if channel.get("is_archived"):
            return False
        return bool(channel.get("is_member") or not channel.get("is_private"))


async def answer(respond: AsyncRespond, reply: texts.Reply) -> None:
    await respond(
        text=reply.text,
        blocks=reply.blocks or None,
        response_type="in_channel" if reply.public else "ephemeral",
        unfurl_links=False,
        unfurl_media=False,
    )


def _describe(body: dict[str, Any]) -> str:
    """Which request failed, without what the user typed or any token."""
    if body.get("command"):
        return f"command {body['command']} in {body.get('channel_id')}"
    event = body.get("event") or {}
    return f"event {event.get('type')} in {event.get('channel')}"
