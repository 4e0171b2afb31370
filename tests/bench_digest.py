"""Digest timings for `tests/bench.py`: one digest, and a morning's worth of them.

The subscriptions and their delivery log live in a scratch file of their own (the bot
keeps them beside the facts, on its own connection), so a run never changes the cached
store and every run finds all its periods still to deliver.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.briefing.model import Reply
from bot.digest.content import build_digest
from bot.digest.delivery import DeliveryProgress, DigestEngine
from bot.digest.schedule import parse_schedule
from bot.digest.subscriptions import SENT, SKIPPED, DigestBook, Settings, Subscription
from bot.render.discord_payload import reply_payloads
from store.fact_store import FactStore

ZONE = ZoneInfo("Asia/Seoul")
# Subscriptions differ the way channels do: window, language, and whether empty ones post.
WINDOWS = (7, 14, 30, 90)
LANGUAGES = ("ko", "en")


class NullPoster:
    """Renders every digest as the Discord poster does and accepts it at once, so only the
    bot's own work is timed."""

    def __init__(self) -> None:
        self.posted = 0

    def owns(self, place: str) -> bool:
        return True

    async def post(
        self, place: str, reply: Reply, key: str, locale: str, progress: DeliveryProgress
    ) -> None:
        reply_payloads(reply, locale)
        self.posted += 1
        await progress.record(0, str(self.posted))

    async def notify(self, subscription: Subscription, reason: str, message: Reply) -> None:
        return None


def subscribe(book: DigestBook, count: int, now: datetime) -> list[Subscription]:
    """`count` channels subscribed to a daily digest at the same minute (the worst case)."""
    schedule = parse_schedule(f"daily {now.astimezone(ZONE):%H:%M}")
    subscribed = []
    for i in range(count):
        settings = Settings(schedule, "Asia/Seoul", WINDOWS[i % 4], LANGUAGES[i % 2], True)
        subscription, _ = book.subscribe(
            scope="bench:1", place=f"bench:{10_000 + i}", actor="bench:1", settings=settings,
            revision=0, now=now - timedelta(days=1),
        )  # fmt: skip
        subscribed.append(subscription)
    return subscribed


def measure_digests(store: FactStore, today: date, count: int = 1000) -> dict[str, Any]:
    """`digest_ms` per digest (built and rendered) and `digests_1000_s` for `count` of them.

    The thousand go through `DigestEngine.deliver_due` exactly as at 09:00: claim the
    period, build, render, post (to a poster that returns at once), record the outcome.
    """
    now = datetime(today.year, today.month, today.day, 9, 0, tzinfo=ZONE)
    with tempfile.TemporaryDirectory() as scratch:
        book = DigestBook.open(Path(scratch) / "digests.db")
        try:
            subscriptions = subscribe(book, count, now)
            samples = []
            for subscription in subscriptions[:200]:
                start = time.perf_counter_ns()
                digest = build_digest(store, subscription, now)
                reply_payloads(digest.reply, subscription.language)
                samples.append((time.perf_counter_ns() - start) / 1e6)
            poster = NullPoster()
            engine = DigestEngine(store, book, [poster], clock=lambda: now)
            start = time.perf_counter()
            outcomes = asyncio.run(engine.deliver_due(now + timedelta(seconds=5)))
            elapsed = time.perf_counter() - start
        finally:
            book.close()
    delivered = [o for o in outcomes if o.status in (SENT, SKIPPED)]
    if len(delivered) != count:
        raise RuntimeError(f"{len(delivered)} of {count} digests delivered: {outcomes[:3]}")
    return {"digest_ms": samples, "digests_1000_s": round(elapsed * 1000 / count, 3)}
