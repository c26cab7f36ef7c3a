"""Everything sitrep says in Slack, in one place: Block Kit plus a plain-text fallback.

Slack's mrkdwn gives `&`, `<` and `>` a meaning; every value is escaped here with `escape`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.alerts import (
    AlertView,
    CatchUpView,
    UpdateNote,
    catch_up_line,
    clip,
    render_catch_up_plain,
    render_plain,
    render_update_plain,
)
from bot.commands import CommandError, SubscribeResult
from bot.filters import Filter
from bot.models import Chat, StoredIncident
from bot.queries import Summary
from bot.texts import (
    count_words,
    counted,
    period_words,
    render_latest,
    render_summary,
    summary_line,
)

Block = dict[str, Any]

MAX_SECTION_CHARS = 3000  # Slack's limit for a section's text
MAX_CONTEXT_CHARS = 2000  # ... and for a context element's
MAX_BLOCKS = 50  # ... and for the blocks of one message

SEVERITY_MARKS = {3: "🔴", 2: "🟠", 1: "🟡"}

# Slash commands in slack_manifest.yaml; the umbrella `/sitrep` takes any subcommand below.
SLASH_COMMANDS = ("subscribe", "unsubscribe", "filters", "latest", "summary")
UMBRELLA = "sitrep"


def escape(text: str) -> str:
    """Escape Slack's three control characters; everything else is literal in mrkdwn."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


HELP = escape(
    "*sitrep* alerts this channel to conflict incidents in the news: battles, strikes, "
    "explosions, violence against civilians, riots.\n"
    "`/subscribe <filter>` follow incidents matching a filter, e.g. `/subscribe Syria`\n"
    "`/unsubscribe <filter|all>` stop following\n"
    "`/filters` this channel's subscriptions\n"
    "`/latest [N] [filter]` the latest incidents, e.g. `/latest 5 Sahel`\n"
    "`/summary [24h|7d|...] [filter]` counts and the most serious incidents\n"
    "`/sitrep pause [duration]`, `/sitrep resume` pause and resume alerts\n"
    "Every command also works as `/sitrep <command> ...` and as `@sitrep <command> ...`.\n"
    "*Filters*: places, actors and types by name (`Syria IRGC`), or explicitly "
    '(`region:"Middle East"`, `country:Iraq`, `actor:Hezbollah`, `type:Battles`). '
    "`all` means everything."
)

ERROR = "Sorry, something went wrong on my side. Please try again in a minute."
NOT_IN_CHANNEL = (
    "To deliver alerts in a private channel, sitrep must be a member: `/invite @sitrep`."
)


@dataclass(frozen=True, slots=True)
class Reply:
    """One answer: mrkdwn text (the fallback and notification text) and optional blocks.

    `public` answers are seen by the whole channel; the others only by who asked.
    """

    text: str
    blocks: list[Block] = field(default_factory=list)
    public: bool = False


def code(text: str) -> str:
    return "`" + escape(text.replace("`", "'")) + "`"


def link(url: str | None, label: str) -> str:
    if not url or not url.startswith(("https://", "http://")):
        return escape(label)
    return f"<{escape(url).replace('|', '%7C')}|{escape(label.replace('|', '/'))}>"


def usage_error(error: CommandError, invoked_as: str = "/") -> Reply:
    """A wrong argument: what was wrong, and the usage line, spelled the way it was invoked."""
    message = str(error)
    message = message[:1].upper() + message[1:]
    text = escape(message)
    if error.usage:
        text += "\nUsage: " + code(spelled(error.usage, invoked_as))
    return Reply(text)


def spelled(usage: str, invoked_as: str) -> str:
    """'/latest [N]' as typed through the umbrella ('/sitrep latest') or a mention."""
    if invoked_as == "/":
        return usage
    return re.sub(r"(?<![\w/])/(\w+)", lambda m: f"{invoked_as}{m.group(1)}", usage)


def alert_blocks(view: AlertView) -> list[Block]:
    """One incident: what and where, then the facts, then the source line."""
    head = f"{SEVERITY_MARKS[view.severity]} *{escape(clip(view.sub_event_type, 80))}*"
    if view.event_type and view.event_type != view.sub_event_type:
        head += f"  _{escape(view.event_type)}_"
    body = f"{head}\n📍 {escape(clip(view.place, 150))}\n{escape(view.what)}"
    blocks: list[Block] = [section(body)]
    facts = " · ".join(f for f in (view.casualties, view.actors, view.date) if f)
    if facts:
        blocks.append(context(escape(facts)))
    blocks.append(context(source_line(view)))
    return blocks


def source_line(view: AlertView) -> str:
    count = counted(view.source_count, "source")
    parts = [f"🔗 {link(view.link, clip(view.source, 80))}", count]
    if view.delay:
        parts.append(f"sent {escape(view.delay)}")
    return " · ".join(parts)


def alert(view: AlertView) -> Reply:
    return Reply(escape(render_plain(view)), alert_blocks(view), public=True)


def update(note: UpdateNote) -> Reply:
    """A material change, posted in the thread of the alert it updates."""
    return Reply(escape(render_update_plain(note)), public=True)


def catch_up(view: CatchUpView) -> Reply:
    """Alerts that waited too long, in one message: counts, then the most severe few."""
    lines = [f"*{escape(view.headline)}*", escape(view.counts)]
    lines += [
        f"{SEVERITY_MARKS[v.severity]} {escape(clip(catch_up_line(v), 300))}" for v in view.top
    ]
    blocks = [section("\n".join(lines))]
    if view.more:
        blocks.append(context(f"… and {view.more} more: `/latest` lists them."))
    return Reply(escape(render_catch_up_plain(view)), blocks, public=True)


def latest(flt: Filter, found: list[StoredIncident], now: datetime | None = None) -> Reply:
    if not found:
        return Reply(f"No incidents yet for {code(flt.text)}.")
    blocks = [section(f"*Latest for* {code(flt.text)}")]
    for stored in found:
        view = AlertView.build(stored, now)
        item = alert_blocks(view)
        # Two blocks an incident keep 20 incidents under Slack's 50 blocks.
        blocks += [item[0], context("  ·  ".join(b["elements"][0]["text"] for b in item[1:]))]
    return Reply(escape(render_latest(flt, found)), blocks[:MAX_BLOCKS])


def summary(flt: Filter, result: Summary) -> Reply:
    head = f"*Last {escape(period_words(result))}* for {code(flt.text)}"
    if not result.total:
        return Reply(f"{head}: no incidents.")
    lines = [
        f"{head}: {counted(result.total, 'incident')}, {result.killed} killed, "
        f"{result.injured} injured.",
        "*By country:* " + escape(count_words(result.by_country)),
        "*By type:* " + escape(count_words(result.by_type)),
        "*Most serious:*",
    ]
    for stored in result.most_serious:
        view = AlertView.build(stored)
        lines.append(f"{SEVERITY_MARKS[view.severity]} {escape(summary_line(view))}")
    return Reply(escape(render_summary(flt, result)), sections(lines))


def subscribed(result: SubscribeResult, *, member: bool = True) -> Reply:
    if not result.added:
        return Reply(f"This channel already follows {code(result.filter)}.")
    text = (
        f"Subscribed to {code(result.filter)}. Alerts will arrive here as incidents are reported."
    )
    if not member:
        text += "\n" + NOT_IN_CHANNEL
    return Reply(text, public=True)


def unsubscribed(removed: list[str]) -> Reply:
    if not removed:
        return Reply("Nothing to remove. `/filters` lists this channel's subscriptions.")
    return Reply("Removed: " + ", ".join(code(f) for f in removed) + ".", public=True)


def filters(chat: Chat) -> Reply:
    if not chat.subscriptions:
        return Reply("No subscriptions yet. Try `/subscribe Syria` or `/subscribe all`.")
    lines = ["*Subscriptions*"] + [f"• {code(s.filter)}" for s in chat.subscriptions]
    if not chat.active:
        lines.append(stopped(chat))
    elif chat.paused_until:
        lines.append(f"Paused until {escape(chat.paused_until[:16].replace('T', ' '))} UTC.")
    return Reply("\n".join(lines))


def paused(until: datetime | None) -> Reply:
    if until is None:
        return Reply("Alerts paused until `/sitrep resume`.", public=True)
    return Reply(
        f"Alerts paused until {until:%Y-%m-%d %H:%M} UTC. `/sitrep resume` to resume sooner.",
        public=True,
    )


def stopped(chat: Chat, *, still: bool = False) -> str:
    """Why alerts stopped in a channel sitrep could not post to, and how to bring them back."""
    verb = "stay" if still else "are"
    return (
        f"Alerts {verb} stopped: sitrep could not post here "
        f"({escape(chat.inactive_reason or 'unreachable')}). "
        "Invite it back with `/invite @sitrep`, or reinstall the app, then `/sitrep resume`."
    )


def still_unreachable(chat: Chat) -> Reply:
    return Reply(stopped(chat, still=True))


def resumed(was_paused: bool) -> Reply:
    return Reply("Alerts resumed." if was_paused else "Alerts were not paused.", public=True)


def unknown(word: str) -> Reply:
    return Reply(f"I don't know {code(word)}.\n{HELP}")


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:MAX_SECTION_CHARS]}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:MAX_CONTEXT_CHARS]}]}


def sections(lines: list[str]) -> list[Block]:
    """Lines packed into as few sections as Slack's limit allows; a line is never split."""
    blocks: list[Block] = []
    current = ""
    for line in lines:
        if current and len(current) + 1 + len(line) > MAX_SECTION_CHARS:
            blocks.append(section(current))
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        blocks.append(section(current))
    return blocks[:MAX_BLOCKS]
