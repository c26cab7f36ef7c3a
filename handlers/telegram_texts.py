"""Everything sitrep says in Telegram, in one place. HTML: every value is escaped here."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta

from bot.alerts import AlertView, CatchUpView, UpdateNote, catch_up_line, clip
from bot.commands import CommandError, SubscribeResult
from bot.filters import Filter
from bot.models import Chat, StoredIncident, utcnow
from bot.queries import Summary
from bot.texts import count_words, counted, period_words, summary_line

MAX_ALERT_CHARS = 500  # visible characters of one alert
MAX_MESSAGE_CHARS = 4096  # Telegram's limit for one message
MAX_ANSWER_CHARS = 200  # Telegram's limit for a button's answer
UNTIL_RESUMED = timedelta(days=365)  # a pause longer than this was "until /resume"

# Shown in Telegram's command menu (setMyCommands), in this order.
COMMANDS = (
    ("subscribe", "Follow a place, actor or type, e.g. /subscribe Syria"),
    ("unsubscribe", "Stop following a filter, or all"),
    ("filters", "This chat's subscriptions"),
    ("latest", "Latest incidents, e.g. /latest 5 Sahel"),
    ("summary", "Summary of a period, e.g. /summary 7d Sudan"),
    ("pause", "Pause alerts, e.g. /pause 8h"),
    ("resume", "Resume alerts"),
    ("help", "How to use sitrep"),
    ("start", "What sitrep does"),
)

# Offered as buttons when /subscribe comes without a filter; only those the tables know are shown.
POPULAR_FILTERS = (
    ("Middle East", 'region:"Middle East"'),
    ("Sahel", "Sahel"),
    ("Ukraine", "Ukraine"),
    ("Sudan", "Sudan"),
    ("Gaza / Israel", "Palestine Israel"),
    ("Syria", "Syria"),
    ("Hezbollah", "Hezbollah"),
    ("Houthis", "Houthis"),
    ("Everything", "all"),
)

START = (
    "<b>sitrep</b> reads news feeds and alerts you to conflict incidents: battles, strikes, "
    "explosions, violence against civilians, riots. Each alert says what happened, where, who, "
    "how many were hurt, and links the source.\n\n"
    "Follow what matters to you:\n"
    "/subscribe Syria\n"
    '/subscribe region:"Middle East"\n'
    "/subscribe Hezbollah type:Battles\n"
    "/subscribe all\n\n"
    "Ask anytime: /latest 5 Sudan, /summary 7d Ukraine. /help lists every command."
)

HELP = (
    "<b>Commands</b>\n"
    "/subscribe &lt;filter&gt; — follow incidents matching a filter\n"
    "/unsubscribe &lt;filter|all&gt; — stop following\n"
    "/filters — this chat's subscriptions\n"
    "/latest [N] [filter] — the latest incidents\n"
    "/summary [24h|7d|...] [filter] — counts and the most serious incidents\n"
    "/pause [duration] — pause alerts, e.g. /pause 8h\n"
    "/resume — resume alerts\n\n"
    "<b>Filters</b>: places, actors and types by name (<code>Syria IRGC</code>), or explicitly "
    '(<code>region:"Middle East"</code>, <code>country:Iraq</code>, <code>actor:Hezbollah</code>, '
    "<code>type:Battles</code>). Terms of one kind widen the filter; different kinds narrow it. "
    "<code>all</code> means everything.\n\n"
    "In groups, only administrators change subscriptions; anyone can ask /latest and /summary."
)

PICK_FILTER = (
    "What should I follow? Tap one, or send a filter: <code>/subscribe Syria</code>, "
    "<code>/subscribe Hezbollah type:Battles</code>."
)
ADMIN_ONLY = "Only this chat's administrators can change its subscriptions."
ERROR = "Sorry, something went wrong on my side. Please try again in a minute."
BUTTON_EXPIRED = "This button no longer works; send /subscribe again."
UNKNOWN_COMMAND = "I don't know that command. /help lists what I can do."

SEVERITY_MARKS = {3: "🔴", 2: "🟠", 1: "🟡"}


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def code(text: str) -> str:
    return f"<code>{escape(text)}</code>"


def to_plain(text: str) -> str:
    """The HTML we write, as plain text: the fallback when Telegram cannot parse it."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def usage_error(error: CommandError) -> str:
    message = escape(str(error))
    message = message[:1].upper() + message[1:]
    return message + (f"\nUsage: {code(error.usage)}" if error.usage else "")


def alert(view: AlertView, *, pushed: bool = True) -> str:
    """One incident as a short HTML message: about 500 visible characters at most.

    A pushed alert says how long after publication it went out; in /latest, the incident's date.
    """
    head = f"{SEVERITY_MARKS[view.severity]} <b>{escape(clip(view.sub_event_type, 60))}</b>"
    place = f"📍 {escape(clip(view.place, 100))}"
    facts = " · ".join(
        f for f in (view.casualties, clip(view.actors, 120) if view.actors else None) if f
    )
    source = clip(view.source, 60)
    linked = (
        f'<a href="{html.escape(view.link, quote=True)}">{escape(source)}</a>'
        if view.link and view.link.startswith(("https://", "http://"))
        else escape(source)
    )
    count = counted(view.source_count, "source")
    when = (f"sent {view.delay}" if view.delay else None) if pushed else view.date
    tail = " · ".join(p for p in (count, when) if p)
    below = [escape(facts)] if facts else []
    below.append(f"🔗 {linked} · {tail}")
    # What happened gets the room the other lines leave.
    room = MAX_ALERT_CHARS - sum(len(to_plain(line)) + 1 for line in (head, place, *below))
    what = escape(clip(view.what, max(room, 60)))
    return "\n".join([head, place, what, *below])


def update(note: UpdateNote) -> str:
    """A material change, as a short reply to the alert it updates."""
    changes = "; ".join(escape(c) for c in note.changes())
    return f"<b>Update:</b> {changes} · {counted(note.sources, 'source')}"


def catch_up(view: CatchUpView) -> str:
    """Alerts that waited too long, in one message: counts, then the most severe few."""
    lines = [f"<b>{escape(view.headline)}</b>", escape(view.counts)]
    lines += [
        f"{SEVERITY_MARKS[v.severity]} {escape(clip(catch_up_line(v), 200))}" for v in view.top
    ]
    if view.more:
        lines.append(f"… and {view.more} more: /latest lists them.")
    return "\n".join(lines)


def latest(flt: Filter, found: list[StoredIncident]) -> list[str]:
    """The answer to /latest, split into messages that fit Telegram's limit."""
    if not found:
        return [f"No incidents yet for {code(flt.text)}."]
    head = f"<b>Latest for</b> {code(flt.text)}"
    return _pack([head] + [alert(AlertView.build(s), pushed=False) for s in found])


def summary(flt: Filter, result: Summary) -> list[str]:
    head = f"<b>Last {escape(period_words(result))}</b> for {code(flt.text)}"
    if not result.total:
        return [f"{head}: no incidents."]
    lines = [
        f"{head}: {counted(result.total, 'incident')}, {result.killed} killed, "
        f"{result.injured} injured.",
        "<b>By country:</b> " + escape(count_words(result.by_country)),
        "<b>By type:</b> " + escape(count_words(result.by_type)),
        "<b>Most serious:</b>",
    ]
    for stored in result.most_serious:
        view = AlertView.build(stored)
        lines.append(f"{SEVERITY_MARKS[view.severity]} {escape(summary_line(view))}")
    return _pack(lines, sep="\n")


def subscribed(result: SubscribeResult) -> str:
    if not result.added:
        return f"This chat already follows {code(result.filter)}."
    return f"Subscribed to {code(result.filter)}. Alerts arrive here as incidents are reported."


def subscribed_short(result: SubscribeResult) -> str:
    """For a button's answer (plain text, at most 200 characters)."""
    verb = "Subscribed to" if result.added else "Already following"
    return clip(f"{verb} {result.filter}", MAX_ANSWER_CHARS)


def button_error(error: CommandError) -> str:
    """A button's filter the tables no longer know (plain text, at most 200 characters)."""
    message = str(error)
    return clip(message[:1].upper() + message[1:], MAX_ANSWER_CHARS)


def unsubscribed(removed: list[str]) -> str:
    if not removed:
        return "Nothing to remove. /filters lists this chat's subscriptions."
    return "Removed: " + ", ".join(code(f) for f in removed) + "."


def filters(chat: Chat, now: datetime | None = None) -> str:
    if not chat.subscriptions:
        return f"No subscriptions yet. Try {code('/subscribe Syria')} or {code('/subscribe all')}."
    lines = ["<b>Subscriptions</b>"] + [f"• {code(s.filter)}" for s in chat.subscriptions]
    now = now or utcnow()
    if not chat.active:
        lines.append("Alerts are stopped: this chat could not be reached. Send /start to revive.")
    elif chat.paused_until and chat.is_paused(now):
        until = datetime.fromisoformat(chat.paused_until)
        lines.append(
            "Paused until /resume."
            if until - now > UNTIL_RESUMED
            else f"Paused until {until:%Y-%m-%d %H:%M} UTC."
        )
    return "\n".join(lines)


def paused(until: datetime | None) -> str:
    if until is None:
        return "Alerts paused until /resume."
    return f"Alerts paused until {until:%Y-%m-%d %H:%M} UTC. /resume to resume sooner."


def resumed(was_paused: bool) -> str:
    return "Alerts resumed." if was_paused else "Alerts were not paused."


def _pack(blocks: list[str], sep: str = "\n\n") -> list[str]:
    """Join blocks into as few messages as fit; a block is never split."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        block = block[:MAX_MESSAGE_CHARS]
        if current and len(current) + len(sep) + len(block) > MAX_MESSAGE_CHARS:
            messages.append(current)
            current = ""
        current = f"{current}{sep}{block}" if current else block
    return [*messages, current] if current else messages
