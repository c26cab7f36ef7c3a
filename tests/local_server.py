"""Local servers for tests: an aiohttp app on a free port of 127.0.0.1, or just a free port."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web


@asynccontextmanager
async def serve_local(app: web.Application, **runner_options: Any) -> AsyncIterator[str]:
    """Yields the base URL ("http://127.0.0.1:PORT") while the app is served."""
    runner = web.AppRunner(app, **runner_options)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


def free_port() -> int:
    """A port nothing listens on at the moment, for servers started by the code under test."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
