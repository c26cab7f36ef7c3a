"""sitrep in Telegram: chat commands over python-telegram-bot, and the transport that sends alerts.

`TelegramFrontend` runs a PTB `Application` with a manual lifecycle on sitrep's event loop (long
polling, or a webhook when TELEGRAM_WEBHOOK_URL is set; only sending on a delivery-only instance).
Handlers are thin: they parse the text after the command, call `bot.commands`, and reply with
`handlers.telegram_texts`. `TelegramTransport` turns each Bot API failure into a `SendResult`.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable, Coroutine
from contextlib import AsyncExitStack, nullcontext, suppress
from dataclasses import replace
from datetime import timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from aiolimiter import AsyncLimiter
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    BaseRateLimiter,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    Updater,
    filters,
)
from telegram.warnings import PTBDeprecationWarning

from bot.alerts import (
    AlertView,
    CatchUpView,
    UpdateNote,
    render_catch_up_plain,
    render_plain,
    render_update_plain,
)
from bot.commands import CommandError, Commands
from bot.leader import Leadership
from bot.models import StoredIncident
from bot.transports import SendResult, SendStatus
from handlers import telegram_texts as texts

if TYPE_CHECKING:
    from telegram import Bot

    from bot.app import Runtime

logger = logging.getLogger(__name__)

PLATFORM = "telegram"
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
NETWORK_RETRY_SECONDS = 5.0
ALLOWED_UPDATES = ["message", "channel_post", "callback_query"]
SUBSCRIBE_BUTTON = "sub:"  # callback data prefix; the rest is the filter text
# Commands in private chats, groups and channels; an edited command is not run again.
COMMAND_UPDATES = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST
# Bad Request answers that mean the chat cannot be written to any more (as Forbidden does).
UNREACHABLE = (
    "chat not found",
    "group chat was deactivated",
    "not enough rights to send",
    "need administrator rights in the channel chat",
)

Context = ContextTypes.DEFAULT_TYPE
Run = Callable[[Update, str], Awaitable[None]]  # a command: the update and the text after it


class ChatRateLimiter(AIORateLimiter):
    """PTB's AIORateLimiter (overall, per group) plus about one message a second per private chat.

    The overall limit is paced, one message every 1/29.5 s, rather than a bucket of 30 a second:
    Telegram counts any one-second window, and a full bucket's burst after a quiet spell followed
    by the steady rate overruns it and draws 429s. A `RetryAfter` from Telegram pauses every
    request and is retried `max_retries` times in place; past that it reaches the caller, and
    delivery retries it later.
    """

    __slots__ = ("_private_limiters", "_private_max_rate", "_private_time_period")

    def __init__(
        self,
        *,
        overall_max_rate: float = 1,
        overall_time_period: float = 1 / 29.5,
        group_max_rate: float = 20,
        group_time_period: float = 60,
        private_max_rate: float = 1,
        private_time_period: float = 1,
        max_retries: int = 3,
    ) -> None:
        super().__init__(
            overall_max_rate=overall_max_rate,
            overall_time_period=overall_time_period,
            group_max_rate=group_max_rate,
            group_time_period=group_time_period,
            max_retries=max_retries,
        )
        self._private_max_rate = private_max_rate
        self._private_time_period = private_time_period
        self._private_limiters: dict[int, AsyncLimiter] = {}

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        async with self._private_limiter(endpoint, data.get("chat_id")) or nullcontext():
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )

    def _private_limiter(self, endpoint: str, chat_id: object) -> AsyncLimiter | None:
        if not (self._private_max_rate and self._private_time_period):
            return None
        if not endpoint.startswith(("send", "copy", "forward")):
            return None
        try:
            chat = int(str(chat_id))
        except ValueError:
            return None
        if chat <= 0:  # groups and channels have negative ids; the group limiter covers them
            return None
        if len(self._private_limiters) > 1024:  # forget idle chats
            for key, idle in list(self._private_limiters.items()):
                if idle.has_capacity(idle.max_rate):
                    del self._private_limiters[key]
        if chat not in self._private_limiters:
            self._private_limiters[chat] = AsyncLimiter(
                self._private_max_rate, self._private_time_period
            )
        return self._private_limiters[chat]


def file_url(api_url: str) -> str:
    """The Bot API file URL that goes with a base URL: https://host/bot -> https://host/file/bot."""
    head, sep, tail = api_url.rpartition("/bot")
    if sep:
        return f"{head}/file/bot{tail}"
    return api_url.rstrip("/") + "/file/bot"


def chat_ref(chat_id: str) -> int | str:
    """Telegram wants numeric ids as numbers; '@channel' names stay strings."""
    try:
        return int(chat_id)
    except ValueError:
        return chat_id


def retry_after(error: RetryAfter) -> float:
    # PTB 22 warns that the type of `retry_after` will change from int to timedelta; take both.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def send_result(error: TelegramError) -> SendResult:
    """What a failed send means for delivery: wait, follow, deactivate, or give up."""
    if isinstance(error, RetryAfter):
        return SendResult.retry(retry_after(error), "flood control")
    if isinstance(error, ChatMigrated):
        return SendResult(
            SendStatus.GONE, detail="migrated to a supergroup", new_chat_id=str(error.new_chat_id)
        )
    if isinstance(error, Forbidden):  # blocked by the user, kicked from the group or channel
        return SendResult(SendStatus.GONE, detail=error.message)
    if isinstance(error, BadRequest):
        if any(words in error.message.lower() for words in UNREACHABLE):
            return SendResult(SendStatus.GONE, detail=error.message)
        return SendResult(SendStatus.FAILED, detail=error.message)
    if isinstance(error, NetworkError):  # includes TimedOut
        return SendResult.retry(NETWORK_RETRY_SECONDS, error.message)
    return SendResult(SendStatus.FAILED, detail=error.message)


def cannot_parse(error: BadRequest) -> bool:
    return "can't parse entities" in error.message.lower()


def not_modified(error: TelegramError) -> bool:
    """An edit that would change nothing: the message already shows it."""
    return isinstance(error, BadRequest) and "message is not modified" in error.message.lower()


class TelegramTransport:
    """Sends alerts and texts to Telegram chats, answering with a SendResult, never raising."""

    platform = PLATFORM

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send_alert(self, chat_id: str, stored: StoredIncident) -> SendResult:
        view = AlertView.build(stored)
        return await self._send(chat_id, texts.alert(view), fallback=render_plain(view))

    async def send_text(self, chat_id: str, text: str) -> SendResult:
        return await self._send_plain(chat_id, text)

    async def edit_alert(self, chat_id: str, ref: str, stored: StoredIncident) -> SendResult:
        # When the alert went out is not known here: the edited alert leaves the delay out.
        view = replace(AlertView.build(stored), delay=None)
        html, fallback = texts.alert(view), render_plain(view)
        try:
            await self._edit(chat_id, ref, html, ParseMode.HTML)
        except BadRequest as exc:
            if not_modified(exc):
                return SendResult.sent(ref)
            if not cannot_parse(exc):
                return send_result(exc)
            logger.warning("Telegram could not parse an edit (%s); editing as plain text", exc)
            try:
                await self._edit(chat_id, ref, fallback, None)
            except TelegramError as plain_exc:
                return SendResult.sent(ref) if not_modified(plain_exc) else send_result(plain_exc)
        except TelegramError as exc:
            return send_result(exc)
        return SendResult.sent(ref)

    async def send_update(self, chat_id: str, ref: str, note: UpdateNote) -> SendResult:
        return await self._send(
            chat_id, texts.update(note), fallback=render_update_plain(note), reply_to=ref
        )

    async def send_catch_up(self, chat_id: str, view: CatchUpView) -> SendResult:
        return await self._send(chat_id, texts.catch_up(view), fallback=render_catch_up_plain(view))

    async def _edit(self, chat_id: str, ref: str, text: str, parse_mode: str | None) -> None:
        await self.bot.edit_message_text(
            text,
            chat_id=chat_ref(chat_id),
            message_id=int(ref),
            parse_mode=parse_mode,
            link_preview_options=NO_PREVIEW,
        )

    async def _send(
        self, chat_id: str, html: str, *, fallback: str, reply_to: str | None = None
    ) -> SendResult:
        try:
            message = await self.bot.send_message(
                chat_ref(chat_id),
                html,
                parse_mode=ParseMode.HTML,
                link_preview_options=NO_PREVIEW,
                reply_parameters=reply_parameters(reply_to),
            )
        except BadRequest as exc:
            if not cannot_parse(exc):
                return send_result(exc)
            logger.warning("Telegram could not parse an alert (%s); sending it as plain text", exc)
            return await self._send_plain(chat_id, fallback, reply_to)
        except TelegramError as exc:
            return send_result(exc)
        return SendResult.sent(str(message.message_id))

    async def _send_plain(self, chat_id: str, text: str, reply_to: str | None = None) -> SendResult:
        try:
            message = await self.bot.send_message(
                chat_ref(chat_id),
                text,
                link_preview_options=NO_PREVIEW,
                reply_parameters=reply_parameters(reply_to),
            )
        except TelegramError as exc:
            return send_result(exc)
        return SendResult.sent(str(message.message_id))


def reply_parameters(ref: str | None) -> ReplyParameters | None:
    """A reply to the alert `ref`; sent anyway if the alert was deleted meanwhile."""
    if ref is None or not ref.isdigit():
        return None
    return ReplyParameters(int(ref), allow_sending_without_reply=True)


class TelegramFrontend:
    """The Telegram bot inside `sitrep run`: commands in, alerts out, over one PTB Application.

    With `receive=False` (a delivery-only instance) it only sends: no polling, no webhook.
    """

    def __init__(
        self,
        runtime: Runtime,
        *,
        receive: bool = True,
        rate_limiter: BaseRateLimiter[Any] | None = None,
        poll_timeout: float = 30.0,
    ) -> None:
        settings = runtime.settings
        if not settings.telegram_bot_token:
            raise ValueError("TELEGRAM_BOT_TOKEN is not set")
        if receive and settings.telegram_webhook_url and not settings.telegram_webhook_secret:
            raise ValueError("TELEGRAM_WEBHOOK_SECRET is required with TELEGRAM_WEBHOOK_URL")
        self.runtime = runtime
        self.commands: Commands = runtime.commands
        self.receive = receive
        self.poll_timeout = poll_timeout
        # Where the webhook server listens, behind the TLS proxy that TELEGRAM_WEBHOOK_URL names.
        self.webhook_listen = settings.telegram_webhook_listen
        self.webhook_port = settings.telegram_webhook_port
        self.application: Application[Any, Any, Any, Any, Any, Any] = (
            Application.builder()
            .token(settings.telegram_bot_token)
            .base_url(settings.telegram_api_url)
            .base_file_url(file_url(settings.telegram_api_url))
            .rate_limiter(rate_limiter or ChatRateLimiter())
            .job_queue(None)
            .build()
        )
        self.transport = TelegramTransport(self.application.bot)
        self._popular = self._popular_buttons()
        self._stack = AsyncExitStack()
        self._register()

    async def __aenter__(self) -> TelegramFrontend:
        app = self.application
        async with AsyncExitStack() as stack:
            await app.initialize()  # getMe: a wrong token fails here, not at the first alert
            stack.push_async_callback(app.shutdown)
            if self.receive:
                await self._set_commands()
                await app.start()
                stack.push_async_callback(app.stop)
                if self.runtime.settings.telegram_webhook_url:
                    updater = await self._start_webhook()
                    stack.push_async_callback(updater.stop)
                else:
                    await self._poll_under_lease(stack)
            self._stack = stack.pop_all()
        logger.info("Telegram bot @%s running (%s)", app.bot.username, self.mode)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._stack.aclose()

    @property
    def mode(self) -> str:
        if not self.receive:
            return "sending only"
        if self.runtime.settings.telegram_webhook_url:
            return f"webhook, listening on {self.webhook_listen}:{self.webhook_port}"
        return "long polling"

    async def _set_commands(self) -> None:
        try:
            await self.application.bot.set_my_commands(
                [BotCommand(name, about) for name, about in texts.COMMANDS]
            )
        except TelegramError:
            logger.exception("could not register the command menu; commands still work")

    async def _poll_under_lease(self, stack: AsyncExitStack) -> None:
        """Long-poll Telegram while this instance holds the "telegram-updates" lease: Telegram
        serves getUpdates to one client per bot, so with several instances one polls and the
        others stand by (webhook mode lets them all serve)."""
        updater = self.application.updater
        assert updater is not None  # the builder makes one unless told not to

        async def start() -> None:
            await updater.start_polling(
                timeout=timedelta(seconds=self.poll_timeout), allowed_updates=ALLOWED_UPDATES
            )

        async def stop() -> None:
            if updater.running:
                await updater.stop()

        lease = Leadership(
            self.runtime.store,
            name="telegram-updates",
            on_gain=start,
            on_loss=stop,
            lease_seconds=self.runtime.settings.lease_seconds,
        )
        await lease.step()  # the first instance up polls at once
        stopping = asyncio.Event()
        keeper = asyncio.create_task(lease.run(stopping), name="telegram-updates lease")

        async def close() -> None:
            stopping.set()
            await keeper

        stack.push_async_callback(close)

    async def _start_webhook(self) -> Updater:
        settings = self.runtime.settings
        url = settings.telegram_webhook_url or ""
        updater = self.application.updater
        assert updater is not None  # the builder makes one unless told not to
        # PTB's webhook server answers 403 to any update without this secret in its header.
        await updater.start_webhook(
            listen=self.webhook_listen,
            port=self.webhook_port,
            url_path=urlsplit(url).path.lstrip("/"),
            webhook_url=url,
            secret_token=settings.telegram_webhook_secret,
            allowed_updates=ALLOWED_UPDATES,
        )
        return updater

    def _register(self) -> None:
        app = self.application
        anyone: dict[str, Run] = {
            "start": self._start,
            "help": self._help,
            "latest": self._latest,
            "summary": self._summary,
            "filters": self._filters,
        }
        admins: dict[str, Run] = {
            "subscribe": self._subscribe,
            "unsubscribe": self._unsubscribe,
            "pause": self._pause,
            "resume": self._resume,
        }
        for name, run in anyone.items():
            app.add_handler(CommandHandler(name, self._command(run), filters=COMMAND_UPDATES))
        for name, run in admins.items():
            app.add_handler(
                CommandHandler(name, self._command(run, admin=True), filters=COMMAND_UPDATES)
            )
        app.add_handler(
            CallbackQueryHandler(self._subscribe_button, pattern=f"^{SUBSCRIBE_BUTTON}")
        )
        app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, self._migrated))
        # In groups an unknown command may be another bot's; in a private chat it is ours.
        app.add_handler(
            MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, self._unknown_command)
        )
        app.add_error_handler(self._on_error)

    def _command(
        self, run: Run, *, admin: bool = False
    ) -> Callable[[Update, Context], Coroutine[Any, Any, None]]:
        """Wrap a command: check the caller may change the chat, run it, answer bad input."""

        async def handle(update: Update, context: Context) -> None:
            message = update.effective_message
            if message is None or update.effective_chat is None:
                return
            if admin and not await self._may_change(update, context):
                await self._reply(update, texts.ADMIN_ONLY)
                return
            try:
                await run(update, arguments(message))
            except CommandError as exc:
                await self._reply(update, texts.usage_error(exc))

        return handle

    async def _may_change(self, update: Update, context: Context) -> bool:
        """Private chats and channel posts always; in groups (and channel buttons) admins only."""
        chat = update.effective_chat
        if chat is None:
            return False
        if chat.type == ChatType.PRIVATE or update.channel_post is not None:
            return True
        message = update.message
        if message is not None and message.sender_chat is not None:
            # An anonymous administrator speaks as the group itself; anything else is a channel.
            return message.sender_chat.id == chat.id
        user = update.effective_user
        if user is None:
            return False
        member = await context.bot.get_chat_member(chat.id, user.id)
        return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)

    async def _reply(
        self, update: Update, html: str, markup: InlineKeyboardMarkup | None = None
    ) -> None:
        message = update.effective_message
        assert message is not None  # only called for updates with a message
        try:
            await message.reply_html(html, reply_markup=markup, link_preview_options=NO_PREVIEW)
        except BadRequest as exc:
            if not cannot_parse(exc):
                raise
            logger.warning("Telegram could not parse a reply (%s); sending it as plain text", exc)
            await message.reply_text(
                texts.to_plain(html), reply_markup=markup, link_preview_options=NO_PREVIEW
            )

    async def _start(self, update: Update, args: str) -> None:
        await self.commands.start(PLATFORM, chat_id(update))
        await self._reply(update, texts.START)

    async def _help(self, update: Update, args: str) -> None:
        await self._reply(update, texts.HELP)

    async def _subscribe(self, update: Update, args: str) -> None:
        if not args.strip():
            await self._reply(update, texts.PICK_FILTER, self._popular)
            return
        result = await self.commands.subscribe(PLATFORM, chat_id(update), args)
        await self._reply(update, texts.subscribed(result))

    async def _unsubscribe(self, update: Update, args: str) -> None:
        removed = await self.commands.unsubscribe(PLATFORM, chat_id(update), args)
        await self._reply(update, texts.unsubscribed(removed))

    async def _filters(self, update: Update, args: str) -> None:
        chat = await self.commands.filters(PLATFORM, chat_id(update))
        await self._reply(update, texts.filters(chat))

    async def _latest(self, update: Update, args: str) -> None:
        flt, found = await self.commands.latest(args)
        for part in texts.latest(flt, found):
            await self._reply(update, part)

    async def _summary(self, update: Update, args: str) -> None:
        flt, result = await self.commands.summary(args)
        for part in texts.summary(flt, result):
            await self._reply(update, part)

    async def _pause(self, update: Update, args: str) -> None:
        until = await self.commands.pause(PLATFORM, chat_id(update), args)
        await self._reply(update, texts.paused(until))

    async def _resume(self, update: Update, args: str) -> None:
        was_paused = await self.commands.resume(PLATFORM, chat_id(update))
        await self._reply(update, texts.resumed(was_paused))

    def _popular_buttons(self) -> InlineKeyboardMarkup:
        """The popular filters the place and actor tables know, three buttons to a row."""
        buttons = []
        for label, text in texts.POPULAR_FILTERS:
            try:
                self.commands.parse(text, "subscribe")
            except CommandError:
                continue
            buttons.append(InlineKeyboardButton(label, callback_data=SUBSCRIBE_BUTTON + text))
        return InlineKeyboardMarkup([buttons[i : i + 3] for i in range(0, len(buttons), 3)])

    async def _subscribe_button(self, update: Update, context: Context) -> None:
        query = update.callback_query
        assert query is not None  # the handler only matches callback queries
        message = query.message
        if update.effective_chat is None or not isinstance(message, Message):
            await query.answer(texts.BUTTON_EXPIRED)
            return
        if not await self._may_change(update, context):
            await query.answer(texts.ADMIN_ONLY, show_alert=True)
            return
        wanted = (query.data or "").removeprefix(SUBSCRIBE_BUTTON)
        try:
            result = await self.commands.subscribe(PLATFORM, chat_id(update), wanted)
        except CommandError as exc:
            await query.answer(texts.button_error(exc), show_alert=True)
            return
        await query.answer(texts.subscribed_short(result))
        with suppress(BadRequest):  # "message is not modified" when a button is tapped twice
            await message.edit_text(
                texts.subscribed(result) + "\n\n" + texts.PICK_FILTER,
                parse_mode=ParseMode.HTML,
                reply_markup=message.reply_markup,
                link_preview_options=NO_PREVIEW,
            )

    async def _migrated(self, update: Update, context: Context) -> None:
        """A group became a supergroup: its subscriptions follow it to the new id at once."""
        message = update.effective_message
        if message is None or message.migrate_to_chat_id is None:
            return  # the supergroup's half of the pair says nothing new
        old, new = str(message.chat.id), str(message.migrate_to_chat_id)
        if await self.runtime.store.move_chat(PLATFORM, old, new):
            logger.info("Telegram group %s migrated to %s", old, new)

    async def _unknown_command(self, update: Update, context: Context) -> None:
        await self._reply(update, texts.UNKNOWN_COMMAND)

    async def _on_error(self, update: object, context: Context) -> None:
        """Log first, then tell the user something useful if there is one to tell."""
        update_id = update.update_id if isinstance(update, Update) else None
        logger.error("Telegram update %s failed", update_id, exc_info=context.error)
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        with suppress(TelegramError):
            if update.callback_query is not None:
                await update.callback_query.answer(texts.ERROR, show_alert=True)
            else:
                await context.bot.send_message(update.effective_chat.id, texts.ERROR)


def chat_id(update: Update) -> str:
    assert update.effective_chat is not None  # handlers check before calling
    return str(update.effective_chat.id)


def arguments(message: Message) -> str:
    """The text after the command, as typed (quotes kept for the filter language)."""
    parts = (message.text or "").split(maxsplit=1)
    return parts[1] if len(parts) > 1 else ""
