"""Plain-text replies (console and CLI); chat platforms lay out the same facts their own way."""

from __future__ import annotations

from bot.alerts import AlertView, render_plain
from bot.filters import Filter
from bot.models import Chat, StoredIncident
from bot.queries import Summary


def period_words(summary: Summary) -> str:
    hours = int(summary.period.total_seconds() // 3600)
    if hours and hours % 24 == 0:
        return f"{hours // 24} day" + ("s" if hours // 24 > 1 else "")
    if hours:
        return f"{hours} h"
    return f"{int(summary.period.total_seconds() // 60)} min"


def render_latest(flt: Filter, found: list[StoredIncident]) -> str:
    if not found:
        return f"No incidents yet for {flt.text}."
    blocks = [render_plain(AlertView.build(s)) for s in found]
    return f"Latest for {flt.text}:\n\n" + "\n\n".join(blocks)


def count_words(counts: list[tuple[str, int]]) -> str:
    """Counts by name, as a summary lists them: 'Syria 3, Iraq 1'."""
    return ", ".join(f"{name} {n}" for name, n in counts)


def counted(n: int, noun: str) -> str:
    """'1 incident', '3 incidents'."""
    return f"{n} {noun}" + ("" if n == 1 else "s")


def summary_line(view: AlertView) -> str:
    """One of a summary's most serious incidents: what, where, what happened, casualties."""
    facts = "; ".join(f for f in (view.casualties, view.date) if f)
    return f"{view.sub_event_type}, {view.place}: {view.what}" + (f" ({facts})" if facts else "")


def render_summary(flt: Filter, summary: Summary) -> str:
    head = f"Summary of the last {period_words(summary)} for {flt.text}"
    if not summary.total:
        return f"{head}: no incidents."
    lines = [
        f"{head}: {counted(summary.total, 'incident')}, {summary.killed} killed, "
        f"{summary.injured} injured.",
        "By country: " + count_words(summary.by_country),
        "By type: " + count_words(summary.by_type),
        "Most serious:",
    ]
    lines += [f"- {summary_line(AlertView.build(s))}" for s in summary.most_serious]
    return "\n".join(lines)


def render_filters(chat: Chat) -> str:
    if not chat.subscriptions:
        return "No subscriptions. Try /subscribe Syria or /subscribe all."
    lines = ["Subscriptions:"] + [f"- {s.filter}" for s in chat.subscriptions]
    if not chat.active:
        lines.append("Alerts are stopped: this chat could not be reached.")
    elif chat.paused_until:
        lines.append(f"Paused until {chat.paused_until[:16].replace('T', ' ')} UTC.")
    return "\n".join(lines)
