"""Chat commands, independent of platform: handlers parse, call these, and render the result.

Bad input raises `CommandError` (a `ValueError`) whose message is meant for the user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.filters import Filter, FilterError, parse_filter
from bot.models import Chat, StoredIncident, Subscription, utcnow
from bot.queries import Summary, latest, parse_duration, summary
from bot.store import Store
from extraction import Knowledge

MAX_LATEST = 20
DEFAULT_LATEST = 5
DEFAULT_PERIOD = timedelta(hours=24)
MAX_PERIOD = timedelta(days=90)
MAX_SUBSCRIPTIONS = 50


class CommandError(ValueError):
    """Bad arguments; `usage` names the command's correct form."""

    def __init__(self, message: str, usage: str = "") -> None:
        super().__init__(message)
        self.usage = usage


USAGE = {
    "subscribe": "/subscribe <filter>  e.g. /subscribe Syria, /subscribe Hezbollah type:Battles",
    "unsubscribe": "/unsubscribe <filter|all>",
    "latest": "/latest [N] [filter]  e.g. /latest 5 Sahel",
    "summary": "/summary [24h|7d|...] [filter]  e.g. /summary 7d Sudan",
    "pause": "/pause [duration]  e.g. /pause 8h (default: until /resume)",
}


@dataclass(frozen=True, slots=True)
class SubscribeResult:
    filter: str
    added: bool  # False when the chat already had this filter
    chat: Chat


class Commands:
    """The logic of every chat command, over the store and the place/actor tables."""

    def __init__(
        self, store: Store, knowledge: Knowledge, *, now: Callable[[], datetime] = utcnow
    ) -> None:
        self.store = store
        self.knowledge = knowledge
        self.now = now

    def parse(self, text: str, command: str) -> Filter:
        try:
            return parse_filter(text, self.knowledge)
        except FilterError as exc:
            raise CommandError(str(exc), USAGE[command]) from exc

    async def chat(self, platform: str, chat_id: str) -> Chat:
        return await self.store.get_chat(platform, chat_id) or Chat(platform, chat_id)

    async def start(self, platform: str, chat_id: str) -> Chat:
        """A chat says hello: revive it if it had been marked unreachable."""
        chat = await self.chat(platform, chat_id)
        if not chat.active:
            chat.active, chat.inactive_reason = True, None
            await self.store.save_chat(chat)
        return chat

    async def subscribe(self, platform: str, chat_id: str, text: str) -> SubscribeResult:
        if not text.strip():
            raise CommandError("tell me what to follow", USAGE["subscribe"])
        flt = self.parse(text, "subscribe")
        chat = await self.chat(platform, chat_id)
        if any(s.filter == flt.text for s in chat.subscriptions):
            return SubscribeResult(flt.text, False, chat)
        if len(chat.subscriptions) >= MAX_SUBSCRIPTIONS:
            raise CommandError(
                f"this chat already has {MAX_SUBSCRIPTIONS} subscriptions; remove some first",
                USAGE["unsubscribe"],
            )
        chat.subscriptions.append(Subscription(flt.text, self.now().isoformat()))
        chat.active, chat.inactive_reason = True, None
        await self.store.save_chat(chat)
        return SubscribeResult(flt.text, True, chat)

    async def unsubscribe(self, platform: str, chat_id: str, text: str) -> list[str]:
        """Remove one filter, or all with 'all'; returns the filters removed."""
        if not text.strip():
            raise CommandError("tell me which subscription to remove", USAGE["unsubscribe"])
        chat = await self.store.get_chat(platform, chat_id)
        if chat is None or not chat.subscriptions:
            return []
        wanted = None if text.strip().lower() == "all" else self.parse(text, "unsubscribe").text
        removed = [s.filter for s in chat.subscriptions if wanted in (None, s.filter)]
        chat.subscriptions = [s for s in chat.subscriptions if s.filter not in removed]
        await self.store.save_chat(chat)
        return removed

    async def filters(self, platform: str, chat_id: str) -> Chat:
        return await self.chat(platform, chat_id)

    async def latest(self, args: str) -> tuple[Filter, list[StoredIncident]]:
        words = args.split(maxsplit=1)
        limit = DEFAULT_LATEST
        if words and words[0].isdigit():
            limit = int(words[0])
            if not 1 <= limit <= MAX_LATEST:
                raise CommandError(f"N must be between 1 and {MAX_LATEST}", USAGE["latest"])
            words = words[1:]
        flt = self.parse(words[0], "latest") if words else Filter(everything=True)
        return flt, await latest(self.store, self.knowledge, flt, limit)

    async def summary(self, args: str) -> tuple[Filter, Summary]:
        words = args.split(maxsplit=1)
        period = DEFAULT_PERIOD
        if words and words[0][0].isdigit():
            parsed = parse_duration(words[0])
            if parsed is None or parsed > MAX_PERIOD:
                raise CommandError(
                    f"'{words[0]}' is not a period of up to 90 days", USAGE["summary"]
                )
            period = parsed
            words = words[1:]
        flt = self.parse(words[0], "summary") if words else Filter(everything=True)
        result = await summary(self.store, self.knowledge, flt, period=period, now=self.now())
        return flt, result

    async def pause(self, platform: str, chat_id: str, args: str) -> datetime | None:
        """Pause alerts for a duration (or until /resume: returns None)."""
        until: datetime | None = None
        if args.strip():
            period = parse_duration(args)
            if period is None:
                raise CommandError(f"'{args.strip()}' is not a duration", USAGE["pause"])
            until = self.now() + period
        chat = await self.chat(platform, chat_id)
        far = self.now() + timedelta(days=3650)
        chat.paused_until = (until or far).isoformat()
        await self.store.save_chat(chat)
        return until

    async def resume(self, platform: str, chat_id: str) -> bool:
        """Resume alerts; False when the chat was not paused."""
        chat = await self.store.get_chat(platform, chat_id)
        if chat is None or not chat.is_paused(self.now()):
            return False
        chat.paused_until = None
        await self.store.save_chat(chat)
        return True
