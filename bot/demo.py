"""`sitrep demo`: bundled demo feeds through the real pipeline, with the in-process store."""

from __future__ import annotations

import re
import sys
import tempfile
from datetime import timedelta
from email.utils import format_datetime
from importlib import resources
from pathlib import Path

from bot.app import open_runtime, poll_all
from bot.filters import parse_filter
from bot.models import Chat, Subscription, utcnow
from bot.settings import Settings
from bot.sources import load_sources
from bot.texts import render_latest, render_summary
from bot.transports import ConsoleTransport
from extraction import Extractor

PLACEHOLDER = re.compile(r"@@(\d+)@@")
SUBSCRIBERS = {"Syria subscriber": "Syria", "IRGC subscriber": "IRGC"}


def copy_demo_feeds(target: Path) -> Path:
    """Copy the demo feeds, turning `@@N@@` into a time N minutes ago; returns the sources file."""
    now = utcnow()
    folder = resources.files("config").joinpath("demo")
    for entry in folder.iterdir():
        text = entry.read_text(encoding="utf-8")
        rfc822 = entry.name.endswith(".xml")

        def stamp(match: re.Match[str], rfc822: bool = rfc822) -> str:
            moment = now - timedelta(minutes=int(match.group(1)))
            return format_datetime(moment) if rfc822 else moment.isoformat()

        (target / entry.name).write_text(PLACEHOLDER.sub(stamp, text), encoding="utf-8")
    return target / "sources.yaml"


async def run_demo(settings: Settings) -> None:
    out = sys.stdout
    settings = settings.model_copy(update={"redis_url": None, "backfill_hours": 24.0})
    extractor = Extractor.load()
    chats = [
        Chat(
            "console",
            name,
            [Subscription(parse_filter(f, extractor.knowledge).text, utcnow().isoformat())],
        )
        for name, f in SUBSCRIBERS.items()
    ]
    with tempfile.TemporaryDirectory(prefix="sitrep-demo-") as tmp:
        sources = load_sources(copy_demo_feeds(Path(tmp)))
        console = ConsoleTransport(out)
        async with open_runtime(
            settings, transports={"console": console}, local_chats=chats, extractor=extractor
        ) as runtime:
            out.write(
                f"== Polling {len(sources)} demo outlets: {', '.join(s.name for s in sources)}\n\n"
            )
            outcomes = await poll_all(runtime, sources)
            for o in outcomes:
                out.write(
                    f"   {o.source}: {o.items} items, {o.incidents_new} new incidents, "
                    f"{o.incidents_updated} merged into known ones\n"
                )
            out.write("\n== Alerts sent (each subscriber gets each incident once)\n\n")
            await runtime.delivery.drain()
            out.write("== /latest\n\n")
            flt, found = await runtime.commands.latest("5")
            out.write(render_latest(flt, found) + "\n\n")
            out.write("== /summary\n\n")
            flt, summary = await runtime.commands.summary("24h")
            out.write(render_summary(flt, summary) + "\n")
