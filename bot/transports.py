"""How alerts leave sitrep: a small interface each platform implements, and the console one."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, TextIO

from bot.alerts import (
    AlertView,
    CatchUpView,
    UpdateNote,
    render_catch_up_plain,
    render_plain,
    render_update_plain,
)
from bot.models import StoredIncident


class SendStatus(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # rate-limited or transient: try again after `retry_after`
    GONE = "gone"  # the chat cannot be reached any more: deactivate it, keep its subscriptions
    FAILED = "failed"  # this message cannot be sent (a bug or bad content); do not retry


@dataclass(frozen=True, slots=True)
class SendResult:
    status: SendStatus
    ref: str | None = None  # the platform's message id, to edit the alert later
    retry_after: float = 0.0
    detail: str = ""
    new_chat_id: str | None = None  # a Telegram group that migrated to a supergroup

    @classmethod
    def sent(cls, ref: str | None = None) -> SendResult:
        return cls(SendStatus.SENT, ref=ref)

    @classmethod
    def retry(cls, after: float, detail: str = "") -> SendResult:
        return cls(SendStatus.RETRY, retry_after=after, detail=detail)


class Transport(Protocol):
    """Send alerts and texts to chats; edit a sent alert; thread an update under it.

    `ref` is the message reference `send_alert` returned (its `SendResult.ref`).
    """

    platform: str

    async def send_alert(self, chat_id: str, stored: StoredIncident) -> SendResult: ...

    async def send_text(self, chat_id: str, text: str) -> SendResult: ...

    async def edit_alert(self, chat_id: str, ref: str, stored: StoredIncident) -> SendResult:
        """Rewrite a sent alert to show the incident as it is now."""
        ...

    async def send_update(self, chat_id: str, ref: str, note: UpdateNote) -> SendResult:
        """A short update about a material change, as a reply to (in the thread of) the alert."""
        ...

    async def send_catch_up(self, chat_id: str, view: CatchUpView) -> SendResult:
        """Alerts that waited too long, as one message."""
        ...


class ConsoleTransport:
    """Prints alerts to a stream (stdout by default); the demo and `--console` use it."""

    platform = "console"

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    async def send_alert(self, chat_id: str, stored: StoredIncident) -> SendResult:
        return await self.send_text(chat_id, render_plain(AlertView.build(stored)))

    async def edit_alert(self, chat_id: str, ref: str, stored: StoredIncident) -> SendResult:
        return await self.send_text(chat_id, "updated: " + render_plain(AlertView.build(stored)))

    async def send_update(self, chat_id: str, ref: str, note: UpdateNote) -> SendResult:
        return await self.send_text(chat_id, render_update_plain(note))

    async def send_catch_up(self, chat_id: str, view: CatchUpView) -> SendResult:
        return await self.send_text(chat_id, render_catch_up_plain(view))

    async def send_text(self, chat_id: str, text: str) -> SendResult:
        prefix = "" if chat_id in ("stdout", "") else f"[{chat_id}] "
        self.stream.write(prefix + text.replace("\n", "\n" + " " * len(prefix)) + "\n\n")
        self.stream.flush()
        return SendResult.sent()
