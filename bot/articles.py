"""Article pages: fetch one and keep its main text (trafilatura), for teaser-only feeds."""

from __future__ import annotations

import asyncio
import logging

import httpx
import trafilatura

from bot.sources import fetch_bytes

logger = logging.getLogger(__name__)

MAX_ARTICLE_BYTES = 3_000_000


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:500].lower()
    return head.startswith(("<!doctype html", "<html")) or "<body" in head or "<p>" in head


def main_text(html: str) -> str | None:
    """The main text of an HTML page, without navigation, teasers and boilerplate."""
    return trafilatura.extract(
        html, include_comments=False, include_tables=False, favor_precision=True
    )


async def fetch_article_text(client: httpx.AsyncClient, url: str) -> str | None:
    """The article's main text, or None (logged) when the page cannot be had."""
    _, body, failure = await fetch_bytes(client, url, max_bytes=MAX_ARTICLE_BYTES)
    if failure:
        logger.info("article %s not fetched: %s", url, failure.detail)
        return None
    html = body.decode("utf-8", errors="replace")
    return await asyncio.to_thread(main_text, html)
