"""The `sitrep` command. Logs go to stderr; stdout carries only what a command produces."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from datetime import date

from pydantic import ValidationError

from bot.settings import Settings, describe_error

logger = logging.getLogger(__name__)

EXIT_USAGE = 2


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date (YYYY-MM-DD)") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sitrep",
        description="Conflict and security incident alerts from the news.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="poll sources on a timer and deliver alerts until stopped")
    run.add_argument("--console", action="store_true", help="also print alerts to stdout")
    run.add_argument("--filter", default="all", help="filter for the console alerts")
    run.add_argument(
        "--role",
        choices=("all", "scheduler", "delivery", "chat"),
        default="all",
        help="with several instances on one Redis: what this one does (default: all)",
    )

    poll = sub.add_parser("poll", help="poll every source once")
    poll.add_argument("--once", action="store_true", required=True, help="one pass, then exit")
    poll.add_argument("--console", action="store_true", help="print the alerts to stdout")
    poll.add_argument("--filter", default="all", help="filter for the console alerts")

    extract = sub.add_parser("extract", help="print the incidents a text reports")
    extract.add_argument("source", nargs="?", metavar="PATH|URL|-", help="text or HTML")
    extract.add_argument("--json", action="store_true", help="one JSON object per incident")
    extract.add_argument("--published", type=_date, help="publication date, YYYY-MM-DD")
    extract.add_argument("--jsonl", metavar="FILE|-", help='lines {"id", "text", ...} in, one out')

    latest = sub.add_parser("latest", help="the newest incidents matching a filter")
    latest.add_argument("filter", nargs="*", help="a filter (default: all)")
    latest.add_argument("-n", type=int, default=5, help="how many (1-20)")
    latest.add_argument("--json", action="store_true", help="JSON lines instead of text")

    summary = sub.add_parser("summary", help="counts and totals over a period")
    summary.add_argument("filter", nargs="*", help="a filter (default: all)")
    summary.add_argument("--period", default="24h", help="e.g. 24h, 7d (default 24h)")
    summary.add_argument("--json", action="store_true", help="JSON instead of text")

    sub.add_parser("demo", help="run the pipeline offline on bundled demo feeds")

    evaluate = sub.add_parser("eval", help="score extraction against a gold JSONL file")
    evaluate.add_argument("gold", metavar="GOLD.jsonl")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"sitrep: {describe_error(exc)}", file=sys.stderr)
        return EXIT_USAGE
    logging.basicConfig(
        level=settings.log_level,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(
        max(logging.WARNING, logging.getLevelName(settings.log_level))
    )
    from bot import cli_commands

    handler = getattr(cli_commands, f"cmd_{args.command}")
    try:
        result = handler(settings, args)
        if asyncio.iscoroutine(result):
            result = asyncio.run(result)
        return int(result or 0)
    except cli_commands.UsageError as exc:
        print(f"sitrep {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
