"""`GET /healthz` and `GET /metrics` on the bot's one HTTP application.

`/healthz` says whether this process can do its work now, for a container's
`HEALTHCHECK`, a service manager or a load balancer: 200 when every part is up, 503
when one is not, with a JSON body naming each part. The parts are the store (one cheap
read through a fresh connection, `store.probe`), each running front end (its own
`health()`, see `bot.run.ReportsHealth`) and the digest scheduler (running here and
sweeping, or not run by this process at all, which is not a fault).

`/metrics` is the app's Prometheus registry (`bot.metrics`) plus each front end's
liveness, read at each scrape.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from bot.app import App
from bot.digest.scheduler import SchedulerStatus
from bot.http_server import HttpServer
from bot.run import FrontEnd, ReportsHealth
from store.probe import probe_revision

HEALTHY, UNHEALTHY = 200, 503


def front_end_label(front_end: FrontEnd) -> str:
    """Its name as metrics and `Invocation.front_end` spell it (`discord`)."""
    return front_end.name.lower()


def front_end_health(front_end: FrontEnd) -> dict[str, object]:
    """Its own report; a front end that gives none is taken to be up."""
    if isinstance(front_end, ReportsHealth):
        return front_end.health()
    return {"ok": True, "reported": False}


def store_health(path: Path) -> dict[str, object]:
    """Readable, with its newest revision, or why not."""
    try:
        return {"ok": True, "revision": probe_revision(path)}
    except sqlite3.Error as exc:
        return {"ok": False, "error": str(exc)}


def scheduler_health(status: SchedulerStatus) -> dict[str, object]:
    """A scheduler that runs here must be alive; one that does not run here is no fault
    (another process, or none yet, delivers digests)."""
    return {
        "ok": status.alive or not status.running_here,
        "running_here": status.running_here,
        "alive": status.alive,
        "last_sweep": status.last_sweep.isoformat() if status.last_sweep else None,
        "lag_seconds": status.lag,
    }


class Monitoring:
    """The two endpoints, for one app and the front ends running beside it."""

    def __init__(self, app: App, front_ends: Sequence[FrontEnd]) -> None:
        self.app = app
        self.front_ends = list(front_ends)

    async def report(self) -> dict[str, Any]:
        """Every part's state, and `status`: `ok` when all are up, else `unhealthy`."""
        store = await asyncio.to_thread(store_health, self.app.store.path)
        front_ends = {front_end_label(f): front_end_health(f) for f in self.front_ends}
        scheduler = scheduler_health(self.app.digests.scheduler.status())
        parts = [store, scheduler, *front_ends.values()]
        healthy = all(part["ok"] for part in parts)
        return {
            "status": "ok" if healthy else "unhealthy",
            "store": store,
            "front_ends": front_ends,
            "scheduler": scheduler,
        }

    async def healthz(self, request: web.Request) -> web.Response:
        report = await self.report()
        return web.json_response(report, status=HEALTHY if report["status"] == "ok" else UNHEALTHY)

    async def metrics(self, request: web.Request) -> web.Response:
        # Collecting reads the store (its lock may be held by a write): off the event loop.
        body = await asyncio.to_thread(self.app.metrics.exposition)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


class FrontEndCollector(Collector):
    """Each front end's `ok` and heartbeat latency, as gauges."""

    def __init__(self, front_ends: Sequence[FrontEnd]) -> None:
        self.front_ends = list(front_ends)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily(
            "briefbot_front_end_up", "1 when the front end can answer now.", labels=("front_end",)
        )
        latency = GaugeMetricFamily(
            "briefbot_front_end_latency_seconds",
            "The last heartbeat's round trip, where the front end has one.",
            labels=("front_end",),
        )
        for front_end in self.front_ends:
            health = front_end_health(front_end)
            up.add_metric((front_end_label(front_end),), int(bool(health["ok"])))
            seconds = health.get("latency_seconds")
            if isinstance(seconds, int | float):
                latency.add_metric((front_end_label(front_end),), seconds)
        yield up
        yield latency


def add_monitoring(http: HttpServer, app: App, front_ends: Sequence[FrontEnd]) -> Monitoring:
    """Serve `/healthz` and `/metrics` on `http` (before it starts) for `app`."""
    monitoring = Monitoring(app, front_ends)
    http.web.router.add_get("/healthz", monitoring.healthz)
    http.web.router.add_get("/metrics", monitoring.metrics)
    app.metrics.register(FrontEndCollector(front_ends))
    return monitoring
