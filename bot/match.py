"""Which chats an incident goes to."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.filters import stored_filter
from bot.models import Chat
from extraction import Incident, Knowledge


def match_subscribers(
    incident: Incident,
    chats: Iterable[Chat],
    knowledge: Knowledge,
    alert_types: Iterable[str],
    now: datetime,
) -> list[Chat]:
    """Active, unpaused chats with a subscription whose filter matches the incident.

    Event types outside `alert_types` reach only subscriptions that name a type.
    """
    default_types = frozenset(alert_types)
    matched = []
    for chat in chats:
        if not chat.active or chat.is_paused(now):
            continue
        for sub in chat.subscriptions:
            parsed = stored_filter(sub.filter, knowledge)
            if parsed is None:
                continue
            if not parsed.types and incident.event_type not in default_types:
                continue
            if parsed.matches(incident, knowledge):
                matched.append(chat)
                break
    return matched
