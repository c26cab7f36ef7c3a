"""What sitrep tells Prometheus, and the `/metrics` and `/healthz` endpoints that serve it."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import TYPE_CHECKING

from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from bot.models import utcnow

if TYPE_CHECKING:
    from bot.poller import PollOutcome

logger = logging.getLogger(__name__)

DELAY_BUCKETS = (15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 21600)


class Metrics:
    """One registry per process (tests make their own, so figures never leak between them)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.polls = Counter("sitrep_polls", "Source polls by outcome", ["status"], registry=r)
        self.fetch_errors = Counter(
            "sitrep_fetch_errors", "Failed fetches by kind", ["kind"], registry=r
        )
        self.items = Counter("sitrep_items", "New feed items read", registry=r)
        self.incidents = Counter(
            "sitrep_incidents", "Incidents extracted, new or merged into a known one", ["outcome"],
            registry=r,
        )
        self.alerts = Counter(
            "sitrep_alerts", "Alert deliveries by platform and result", ["platform", "result"],
            registry=r,
        )
        self.outbox_depth = Gauge(
            "sitrep_outbox_depth", "Alerts queued or in flight", registry=r
        )
        self.redis_up = Gauge("sitrep_redis_up", "1 when Redis answered the last call", registry=r)
        self.delay = Histogram(
            "sitrep_alert_delay_seconds", "From publication of the first report to delivery",
            buckets=DELAY_BUCKETS, registry=r,
        )

    def observe_poll(self, outcome: PollOutcome) -> None:
        """Count one poll."""
        self.polls.labels(outcome.status).inc()
        if outcome.error_kind:
            self.fetch_errors.labels(outcome.error_kind).inc()
        self.items.inc(outcome.new_items)
        self.incidents.labels("new").inc(outcome.incidents_new)
        self.incidents.labels("merged").inc(outcome.incidents_updated)

    def observe_alert(self, platform: str, result: str, published: str | None) -> None:
        self.alerts.labels(platform, result).inc()
        if result == "sent" and published:
            try:
                sent_after = (utcnow() - datetime.fromisoformat(published)).total_seconds()
            except (TypeError, ValueError):
                return
            self.delay.observe(max(0.0, sent_after))

    def render(self) -> bytes:
        return generate_latest(self.registry)


def health_app(metrics: Metrics, ping: Callable[[], Awaitable[object]]) -> web.Application:
    """`/metrics` for Prometheus; `/healthz` is 200 while Redis answers, 503 while it does not."""

    async def metrics_view(_: web.Request) -> web.Response:
        return web.Response(body=metrics.render(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def health_view(_: web.Request) -> web.Response:
        try:
            await ping()
        except Exception as exc:  # any failure to reach Redis makes the process unhealthy
            metrics.redis_up.set(0)
            return web.json_response({"status": "unhealthy", "redis": str(exc)}, status=503)
        metrics.redis_up.set(1)
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_get("/metrics", metrics_view)
    app.router.add_get("/healthz", health_view)
    return app


@asynccontextmanager
async def serve_health(app: web.Application, host: str, port: int) -> AsyncIterator[int]:
    """Serve `app` on host:port (port 0 picks a free one); yields the port."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = runner.addresses[0][1]
    logger.info("metrics and health on http://%s:%d/metrics and /healthz", host, bound)
    try:
        yield int(bound)
    finally:
        await runner.cleanup()
