"""`/healthz` and `/metrics` on the bot's HTTP application, beside the real gateway bot.

The bot runs through the runner exactly as `python -m bot` runs it (HTTP server, the
Discord front end against the loopback Discord, the digest scheduler), and the tests
read the endpoints over HTTP as Prometheus and a container's health check would.
"""

from __future__ import annotations

import asyncio
import socket
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import loopback.objects as obj
import pytest
import time_machine
from app_helpers import make_app
from digest_fakes import HangingPoster, ManualClock, RecordingPoster, subscribe, utc
from loopback.harness import LoopbackBot
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.parser import text_string_to_metric_families

from bot.briefing.answers import Invocation
from bot.digest.delivery import DigestEngine, digest_nonce
from bot.digest.subscriptions import DigestBook
from bot.http_server import HttpServer
from bot.metrics import Metrics
from bot.monitoring import Monitoring, add_monitoring
from bot.trust import Actor
from store.fact_store import FactStore

ROOT = Path(__file__).resolve().parent.parent
MANAGER = {"permissions": obj.ADMIN_PERMISSIONS}  # Manage Server, not a configured fact admin
# 08:00 UTC on 14 Dec 2025; the digests below are due at 09:00 in Seoul the next day.
START = datetime(2025, 12, 14, 8, 0, tzinfo=UTC)
DIGEST_RUN = datetime(2025, 12, 15, 0, 0, tzinfo=UTC)
LEAD = timedelta(milliseconds=500)

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse_metrics(text: str) -> Samples:
    """Every sample of a scrape, by name and labels, through Prometheus' own parser."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def sample(samples: Samples, name: str, **labels: str) -> float | None:
    return samples.get((name, frozenset(labels.items())))


async def get(url: str) -> tuple[int, str, str]:
    """Status, content type and body of a GET."""
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, response.headers["Content-Type"], await response.text()


async def get_json(url: str) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.json()


async def wait_until(condition: Callable[[], Any], seconds: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not await condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out waiting"
        await asyncio.sleep(0.02)


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(START, tick=True) as traveller:
        yield traveller


@pytest.fixture
async def monitored_bot(store: FactStore, tmp_path: Path) -> AsyncIterator[LoopbackBot]:
    """The gateway bot with its HTTP application, through the runner."""
    async with LoopbackBot(store, tmp_path, http=True) as running:
        yield running
    assert running.server.violations == []


def url(bot: LoopbackBot, path: str) -> str:
    assert bot.http is not None
    return bot.http.url + path


async def test_metrics_count_what_the_bot_did(
    store: FactStore, tmp_path: Path, clock: time_machine.Coordinates
) -> None:
    """Three lookups, one refused edit and two subscriptions through the loopback Discord;
    then one digest posted and one the channel forbids, fired by APScheduler."""
    async with LoopbackBot(store, tmp_path, http=True) as bot:
        await bot.command("program", name="국가 AI 연구거점")
        await bot.command("institution", name="ETRI")
        await bot.command("search", query="KAIST")
        refused = await bot.command(
            "fact", "set", entity="KAIST", attribute="budget", value="1000억원",
            source="byline-2025-foundation-kickoff", **MANAGER,
        )  # fmt: skip
        assert "관리자" in refused.text
        for channel in (obj.CHANNEL_ID, obj.AUDIT_CHANNEL_ID):
            await bot.command(
                "digest", "subscribe", channel=channel, schedule="daily 09:00", **MANAGER
            )
        bot.server.fail(
            "POST", rf"/channels/{obj.AUDIT_CHANNEL_ID}/messages", 403,
            code=50013, message="Missing Permissions",
        )  # fmt: skip
        clock.move_to(DIGEST_RUN - LEAD)
        scheduler = bot.bot.app.digests.scheduler.scheduler if bot.bot else None
        assert scheduler is not None
        scheduler.wakeup()
        dm_channel = obj.USER_ID + 1  # where the subscriber hears of the forbidden one

        async def both_delivered() -> bool:
            return bool(
                bot.server.channel_messages(obj.CHANNEL_ID)
                and bot.server.channel_messages(dm_channel)
            )

        await wait_until(both_delivered)
        status, content_type, text = await get(url(bot, "/metrics"))
        assert bot.server.violations == []
    assert status == 200 and content_type == CONTENT_TYPE_LATEST
    samples = parse_metrics(text)
    interactions = "briefbot_interactions_total"
    for command in ("program", "institution", "search"):
        assert sample(
            samples, interactions, front_end="discord", command=command, outcome="answered"
        ) == 1, command  # fmt: skip
    assert sample(
        samples, interactions, front_end="discord", command="fact set", outcome="refused"
    ) == 1  # fmt: skip
    assert sample(
        samples, interactions, front_end="discord", command="digest subscribe", outcome="answered"
    ) == 2  # fmt: skip
    counted = {key: v for key, v in samples.items() if key[0] == interactions}
    assert sum(counted.values()) == 6, counted
    timed = [v for (name, _), v in samples.items() if name == "briefbot_answer_seconds_count"]
    assert sum(timed) == 6
    assert sample(samples, "briefbot_digests_total", outcome="sent", late="false") == 1
    assert sample(samples, "briefbot_digests_total", outcome="forbidden", late="false") == 1
    lag = sample(samples, "briefbot_scheduler_lag_seconds")
    assert lag is not None and 0 <= lag < 60
    assert sample(samples, "briefbot_scheduler_running_here") == 1
    assert sample(samples, "briefbot_store_revision") == store.revision()
    stats = store.stats()
    assert sample(samples, "briefbot_store_rows", table="facts") == stats["tables"]["facts"]
    assert sample(samples, "briefbot_store_facts_without_source") == 0
    assert sample(samples, "briefbot_front_end_up", front_end="discord") == 1
    assert (sample(samples, "briefbot_front_end_latency_seconds", front_end="discord") or 0) >= 0


async def test_healthz_is_healthy_beside_the_gateway_bot(monitored_bot: LoopbackBot) -> None:
    status, report = await get_json(url(monitored_bot, "/healthz"))
    assert status == 200, report
    assert report["status"] == "ok"
    assert report["store"] == {"ok": True, "revision": monitored_bot.store.revision()}
    discord = report["front_ends"]["discord"]
    assert discord["ok"] and discord["connected"] and discord["latency_seconds"] >= 0
    assert report["scheduler"]["running_here"] and report["scheduler"]["alive"]


async def test_healthz_is_unhealthy_while_the_gateway_is_closed(
    monitored_bot: LoopbackBot,
) -> None:
    health = url(monitored_bot, "/healthz")
    monitored_bot.server.gateway_open = False
    await monitored_bot.server.drop_websocket()
    reports: list[tuple[int, dict[str, Any]]] = []

    async def answered(expected: int) -> bool:
        reports.append(await get_json(health))
        return reports[-1][0] == expected

    await wait_until(lambda: answered(503))
    report = reports[-1][1]
    assert report["status"] == "unhealthy"
    assert report["front_ends"]["discord"]["connected"] is False
    assert report["store"]["ok"] and report["scheduler"]["ok"], "only the gateway is down"
    _, _, text = await get(url(monitored_bot, "/metrics"))
    assert sample(parse_metrics(text), "briefbot_front_end_up", front_end="discord") == 0
    monitored_bot.server.gateway_open = True  # discord.py reconnects after its backoff
    await wait_until(lambda: answered(200), seconds=30)


@pytest.fixture
async def monitored_app(store: FactStore) -> AsyncIterator[tuple[HttpServer, FactStore]]:
    """The HTTP application of an app that runs no front end and no scheduler."""
    app = make_app(store)
    http = HttpServer("127.0.0.1", 0)
    add_monitoring(http, app, [])
    await http.start()
    yield http, store
    await http.stop()
    await app.close()


async def test_healthz_is_unhealthy_when_the_store_file_is_unreadable(
    monitored_app: tuple[HttpServer, FactStore],
) -> None:
    http, store = monitored_app
    status, report = await get_json(http.url + "/healthz")
    assert status == 200, report
    assert report["scheduler"] == {
        "ok": True, "running_here": False, "alive": False, "last_sweep": None, "lag_seconds": None,
    }  # fmt: skip
    store.path.rename(store.path.with_name("moved.db"))  # the store's own connection still works
    status, report = await get_json(http.url + "/healthz")
    assert status == 503 and report["status"] == "unhealthy"
    assert report["store"]["ok"] is False and "unable to open" in report["store"]["error"]
    assert not store.path.exists(), "the probe never creates the file"


async def test_metrics_are_served_when_the_store_cannot_be_read(
    monitored_app: tuple[HttpServer, FactStore],
) -> None:
    http, store = monitored_app
    store.close()
    status, _, text = await get(http.url + "/metrics")
    assert status == 200
    samples = parse_metrics(text)
    assert sample(samples, "briefbot_store_readable") == 0
    assert sample(samples, "briefbot_store_revision") is None
    assert sample(samples, "briefbot_scheduler_running_here") == 0


async def test_every_command_is_counted_once_with_its_outcome(store: FactStore) -> None:
    app = make_app(store)
    member = Actor("discord:9", scope="discord:guild/1")
    manager = Actor("slack:T1/U2", scope="slack:T1", manages_scope=True)
    asked = [
        Invocation("program", {"name": "국가 AI 연구거점"}),
        Invocation("program", {"name": "없는 기관 이름"}),
        Invocation("fact set", {"entity": "ETRI", "attribute": "budget"}, actor=member),
        Invocation("digest list", actor=manager, front_end="slack"),
        Invocation("no-such-command"),
    ]
    for invocation in asked:
        app.answer(invocation)
    store.close()
    with pytest.raises(sqlite3.Error):
        app.answer(Invocation("about"))
    await app.close()

    def counted(command: str, outcome: str, front_end: str = "console") -> float | None:
        labels = {"front_end": front_end, "command": command, "outcome": outcome}
        return app.metrics.registry.get_sample_value("briefbot_interactions_total", labels)

    assert counted("program", "answered") == 1
    assert counted("program", "error") == 1
    assert counted("fact set", "refused") == 1
    assert counted("digest list", "answered", "slack") == 1
    assert counted("unknown", "error") == 1
    assert counted("about", "crashed") == 1
    count = app.metrics.registry.get_sample_value(
        "briefbot_answer_seconds_count", {"front_end": "console", "command": "program"}
    )
    assert count == 2


async def test_what_start_up_settles_is_counted_too(
    store: FactStore, digest_book: DigestBook
) -> None:
    """A claim the last process left mid-delivery longer ago than the catch-up (given up:
    interrupted) and a run missed beyond it are outcomes the engine records, so they are
    counted as well."""
    metrics = Metrics()
    missed = subscribe(digest_book, utc(2025, 12, 12, 1))
    left = subscribe(digest_book, utc(2025, 12, 14, 1), channel_id=201)
    period = "2025-12-15T09:00"
    nonce = digest_nonce(left.id, period)
    assert digest_book.claim(
        left.id, period, utc(2025, 12, 15), nonce, utc(2025, 12, 15), late=False
    )
    seven_hours_late = ManualClock(utc(2025, 12, 15, 7))
    engine = DigestEngine(
        store, digest_book, [RecordingPoster()], catch_up=timedelta(hours=6),
        clock=seven_hours_late, on_outcome=metrics.count_digest,
    )  # fmt: skip
    assert [o.status for o in await engine.run_catch_up()] == ["interrupted"]
    assert [d.status for d in digest_book.deliveries(missed.id)] == ["missed"]

    def counted(outcome: str) -> float | None:
        labels = {"outcome": outcome, "late": "false"}
        return metrics.registry.get_sample_value("briefbot_digests_total", labels)

    assert (counted("missed"), counted("interrupted"), counted("sent")) == (1, 1, None)


async def test_a_scheduler_stuck_in_a_delivery_is_unhealthy(store: FactStore) -> None:
    """The sweep waits on a post that never returns: after three missed sweeps the
    scheduler is reported stuck, and alive again once the post returns."""
    before_run = datetime(2025, 12, 14, 23, 59, tzinfo=UTC)  # 08:59 in Seoul
    clock = ManualClock(before_run)
    app = make_app(store)
    app.digests.engine.clock = clock
    subscribe(app.digests.book, before_run - timedelta(days=1))
    poster = HangingPoster()
    app.digests.add_poster(poster)
    app.digests.scheduler.sweep_seconds = 0.05
    monitoring = Monitoring(app, [])
    try:
        await app.digests.start()
        clock.advance(minutes=2)  # the 09:00 run is due: the next sweep posts it

        async def scheduler_ok(expected: bool) -> bool:
            report = await monitoring.report()
            return report["scheduler"]["ok"] is expected and (report["status"] == "ok") is expected

        await wait_until(lambda: scheduler_ok(False))
        poster.release.set()
        await wait_until(lambda: scheduler_ok(True))
        assert len(poster.posts) == 1
    finally:
        poster.release.set()
        await app.close()


def test_a_port_in_use_is_one_clear_line(tmp_path: Path) -> None:
    """The HTTP application starts first, so the bot stops before it connects anywhere."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "bot"],
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=tmp_path,
            env={
                "PATH": "/usr/bin:/bin",
                "PYTHONPATH": str(ROOT),
                "DISCORD_TOKEN": "MTIz.never.used",
                "BRIEFBOT_HTTP_PORT": str(port),
                # The configured store is created on first use (a `--db` would have to exist).
                "BRIEFBOT_STORE_PATH": str(tmp_path / "bot.db"),
                "BRIEFBOT_DISCORD_API_BASE": "http://127.0.0.1:9/api/v10",
            },
            timeout=60,
        )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"error: cannot listen on 127.0.0.1:{port} (Address already in use); set [http] port"
        " (BRIEFBOT_HTTP_PORT) to a free port, or [http] enabled = false"
    )
