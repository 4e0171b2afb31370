"""Digests assembled from the config: the book, the engine, the scheduler and the commands.

Built once by the composition root (`bot.app`); each front end that can post hands in
its `Poster` before the scheduler starts. Nothing here knows which platforms run.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from bot.config import Config
from bot.digest.commands import DigestCommands
from bot.digest.delivery import Clock, DigestEngine, Outcome, Poster, utc_now
from bot.digest.scheduler import DigestScheduler
from bot.digest.subscriptions import DigestBook
from bot.trust import TrustRules
from store.fact_store import FactStore


class DigestService:
    """Everything digests need, on its own connection to the store's database file."""

    def __init__(
        self,
        store: FactStore,
        config: Config,
        rules: TrustRules,
        *,
        clock: Clock = utc_now,
        on_outcome: Callable[[Outcome], None] | None = None,
    ) -> None:
        self.book = DigestBook.open(store.path)
        self.engine = DigestEngine(
            store, self.book, catch_up=timedelta(hours=config.digest_catch_up_hours),
            clock=clock, on_outcome=on_outcome,
        )  # fmt: skip
        self.scheduler = DigestScheduler(
            self.engine, config.zone, sweep_seconds=config.digest_sweep_seconds
        )
        self.commands = DigestCommands(
            store, self.book, rules, clock=clock, on_change=self.scheduler.reconcile
        )

    def add_poster(self, poster: Poster) -> None:
        """Let digests reach the places `poster` owns (before `start`, to catch up on them)."""
        self.engine.posters.append(poster)

    async def start(self, *, leased: bool = True) -> bool:
        """Start the scheduler in the running loop (leading it if no other process does)
        and send missed digests; once only. `leased`: see `DigestScheduler.start`."""
        return await self.scheduler.start(leased=leased)

    async def stop(self) -> None:
        """Stop scheduling, let deliveries in flight finish and give up the lead; again
        is harmless."""
        await self.scheduler.stop()

    async def close(self) -> None:
        await self.stop()
        self.book.close()
