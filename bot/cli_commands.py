"""What each `sitrep` subcommand does, given the settings and its parsed arguments."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from bot.settings import Settings


class UsageError(Exception):
    """A command cannot run with what it was given; the message says why (exit 2)."""


def _sources(settings: Settings) -> list[Any]:
    from bot.sources import SourcesError, load_sources

    try:
        return load_sources(settings.sources)
    except SourcesError as exc:
        raise UsageError(str(exc)) from exc


def _console_chat(settings: Settings, filter_text: str) -> Any:
    """The in-memory chat that receives console alerts, after checking its filter."""
    from bot.filters import FilterError, parse_filter
    from bot.models import Chat, Subscription, utcnow
    from extraction import Knowledge

    try:
        flt = parse_filter(filter_text, Knowledge.load())
    except FilterError as exc:
        raise UsageError(f"--filter: {exc}") from exc
    return Chat("console", "stdout", [Subscription(flt.text, utcnow().isoformat())])


async def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import serve
    from bot.transports import ConsoleTransport

    sources = _sources(settings)
    local = [_console_chat(settings, args.filter)] if args.console else []
    await serve(
        settings,
        sources,
        role=args.role,
        console=ConsoleTransport() if args.console else None,
        local_chats=local,
    )
    return 0


async def cmd_poll(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import open_runtime, poll_all
    from bot.transports import ConsoleTransport, Transport

    sources = _sources(settings)
    local = [_console_chat(settings, args.filter)] if args.console else []
    transports: dict[str, Transport] = {"console": ConsoleTransport()} if args.console else {}
    async with open_runtime(settings, transports=transports, local_chats=local) as runtime:
        outcomes = await poll_all(runtime, sources)
        if args.console:
            await runtime.delivery.drain()
    failed = [o for o in outcomes if o.status == "error"]
    for o in failed:
        print(f"sitrep poll: {o.source}: {o.error_kind}: {o.detail}", file=sys.stderr)
    print(
        f"sitrep poll: {len(sources)} sources, {len(failed)} failed, "
        f"{sum(o.new_items for o in outcomes)} new items, "
        f"{sum(o.incidents_new for o in outcomes)} new incidents",
        file=sys.stderr,
    )
    return 1 if failed and len(failed) == len(outcomes) else 0


def _read_input(source: str) -> str:
    """Text from a path, a URL or stdin; HTML pages are reduced to their main text."""
    from bot.articles import looks_like_html, main_text

    if source == "-":
        raw = sys.stdin.read()
    elif source.startswith(("http://", "https://")):
        import httpx

        try:
            response = httpx.get(source, follow_redirects=True, timeout=20)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise UsageError(f"cannot fetch {source}: {exc}") from exc
        raw = response.text
    else:
        try:
            raw = Path(source).read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise UsageError(f"cannot read {source}: {exc.strerror}") from exc
    if looks_like_html(raw):
        return main_text(raw) or ""
    return raw


def _jsonl_requests(stream: TextIO) -> Iterator[tuple[Any, str, date | None, str | None, str]]:
    """(id, text, published, title, error) for each input line, in order."""
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        row: Any = None
        try:
            row = json.loads(line)
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                raise ValueError('each line needs an object with a "text" string')
            published = row.get("published")
            day = date.fromisoformat(str(published)[:10]) if published else None
            yield row.get("id"), row["text"], day, row.get("title"), ""
        except ValueError as exc:
            ident = row.get("id") if isinstance(row, dict) else None
            yield ident, "", None, None, f"line {number}: {exc}"


def cmd_extract(settings: Settings, args: argparse.Namespace) -> int:
    from extraction import Extractor

    if args.jsonl is None and args.source is None:
        raise UsageError("give a PATH, URL or - (stdin), or --jsonl FILE")
    if args.jsonl is not None:
        try:
            stream = sys.stdin if args.jsonl == "-" else open(args.jsonl, encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise UsageError(f"cannot read {args.jsonl}: {exc.strerror}") from exc
        with stream:
            _extract_jsonl(Extractor.load(), stream)
        return 0
    text = _read_input(args.source)
    incidents = Extractor.load().extract(text, published=args.published)
    for incident in incidents:
        if args.json:
            print(json.dumps(incident.to_dict(), ensure_ascii=False))
        else:
            print(_describe(incident))
    if not incidents and not args.json:
        print("No incidents found.")
    return 0


def _extract_jsonl(extractor: Any, stream: TextIO) -> None:
    requests = list(_jsonl_requests(stream))
    good = [(text, day, title) for _, text, day, title, error in requests if not error]
    results = iter(extractor.extract_many(good))
    out = sys.stdout
    for ident, _, _, _, error in requests:
        if error:
            row: dict[str, Any] = {"id": ident, "incidents": [], "error": error}
        else:
            row = {"id": ident, "incidents": [i.to_dict() for i in next(results)]}
        out.write(json.dumps(row, ensure_ascii=False) + "\n")


def _describe(incident: Any) -> str:
    from bot.alerts import actor_words, casualty_words, place_words

    facts = [f for f in (casualty_words(incident), actor_words(incident), incident.date) if f]
    return (
        f"{incident.event_type} / {incident.sub_event_type} — {place_words(incident)}\n"
        f"  {incident.summary}\n"
        + (f"  {' · '.join(facts)}\n" if facts else "")
        + f"  confidence {incident.confidence:.2f}\n"
    )


async def _query(settings: Settings, run: Any) -> Any:
    from bot.app import open_runtime
    from bot.commands import CommandError

    async with open_runtime(settings) as runtime:
        try:
            return await run(runtime.commands)
        except CommandError as exc:
            raise UsageError(str(exc)) from exc


async def cmd_latest(settings: Settings, args: argparse.Namespace) -> int:
    from bot.texts import render_latest

    words = f"{args.n} {' '.join(args.filter)}".strip()
    flt, found = await _query(settings, lambda c: c.latest(words))
    if args.json:
        for stored in found:
            print(stored.to_json())
    else:
        print(render_latest(flt, found))
    return 0


async def cmd_summary(settings: Settings, args: argparse.Namespace) -> int:
    from bot.texts import render_summary

    words = f"{args.period} {' '.join(args.filter)}".strip()
    flt, result = await _query(settings, lambda c: c.summary(words))
    if args.json:
        print(
            json.dumps(
                {
                    "filter": flt.text,
                    "since": result.since.isoformat(),
                    "total": result.total,
                    "by_country": dict(result.by_country),
                    "by_type": dict(result.by_type),
                    "killed": result.killed,
                    "injured": result.injured,
                    "most_serious": [s.id for s in result.most_serious],
                },
                ensure_ascii=False,
            )
        )
    else:
        print(render_summary(flt, result))
    return 0


async def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    await run_demo(settings)
    return 0


def cmd_eval(settings: Settings, args: argparse.Namespace) -> int:
    from extraction.evaluate import evaluate_file

    try:
        report = evaluate_file(Path(args.gold))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot evaluate {args.gold}: {exc}") from exc
    print(report)
    return 0
