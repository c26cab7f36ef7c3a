"""The operator's view: /metrics counts what happened, /healthz follows Redis."""

from __future__ import annotations

from typing import Any

import httpx
import redis.asyncio as redis

from bot.metrics import Metrics, health_app, serve_health
from bot.models import Source
from bot.settings import Settings
from tests.conftest import Feed, FeedServer
from tests.test_pipeline import KABUL, STRIKE, Console, chats, rss, runtime_for


async def test_metrics_count_polls_incidents_and_alerts(
    settings: Settings, extractor: Any, feed_server: FeedServer
) -> None:
    feed_server.feeds["/a"] = Feed(rss(STRIKE, KABUL))
    feed_server.feeds["/broken"] = Feed(b"", status=503)
    console = Console()
    local = chats(extractor.knowledge, everyone="all")
    async with runtime_for(settings, extractor, console, local) as runtime:
        for path in ("/a", "/broken"):
            outcome = await runtime.poller.poll_once(Source(path, feed_server.url(path), 60))
            runtime.metrics.observe_poll(outcome)
        await runtime.delivery.drain()
        app = health_app(runtime.metrics, runtime.store.redis.ping)
        async with serve_health(app, "127.0.0.1", 0) as port, httpx.AsyncClient() as http:
            text = (await http.get(f"http://127.0.0.1:{port}/metrics")).text
            health = await http.get(f"http://127.0.0.1:{port}/healthz")
    assert 'sitrep_polls_total{status="ok"} 1.0' in text
    assert 'sitrep_polls_total{status="error"} 1.0' in text
    assert 'sitrep_fetch_errors_total{kind="http"} 1.0' in text
    assert "sitrep_items_total 2.0" in text
    assert 'sitrep_incidents_total{outcome="new"} 2.0' in text
    assert 'sitrep_alerts_total{platform="console",result="sent"} 2.0' in text
    assert "sitrep_alert_delay_seconds_count 2.0" in text
    assert health.status_code == 200 and health.json() == {"status": "ok"}


async def test_healthz_reports_unhealthy_while_redis_is_unreachable() -> None:
    metrics = Metrics()
    nowhere = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5)
    app = health_app(metrics, nowhere.ping)
    async with serve_health(app, "127.0.0.1", 0) as port, httpx.AsyncClient() as http:
        health = await http.get(f"http://127.0.0.1:{port}/healthz")
        text = (await http.get(f"http://127.0.0.1:{port}/metrics")).text
    await nowhere.aclose()
    assert health.status_code == 503
    assert health.json()["status"] == "unhealthy"
    assert "sitrep_redis_up 0.0" in text
