"""Digests assembled from the config: the book, the engine, the scheduler and the commands.

Front ends hand in their `Poster` and get one object to start with the event loop and
close on the way out; nothing here knows which platform posts.
"""

from __future__ import annotations

from datetime import timedelta

from bot.config import Config
from bot.digest.commands import DigestCommands
from bot.digest.delivery import Clock, DigestEngine, Poster, utc_now
from bot.digest.scheduler import DigestScheduler
from bot.digest.subscriptions import DigestBook
from store.fact_store import FactStore


class DigestService:
    """Everything digests need, on its own connection to the store's database file."""

    def __init__(
        self, store: FactStore, config: Config, poster: Poster, *, clock: Clock = utc_now
    ) -> None:
        self.book = DigestBook.open(store.path)
        self.engine = DigestEngine(
            store, self.book, poster,
            catch_up=timedelta(hours=config.digest_catch_up_hours), clock=clock,
        )  # fmt: skip
        self.scheduler = DigestScheduler(self.engine, config.zone)
        self.commands = DigestCommands(
            store, self.book, clock=clock, on_change=self.scheduler.reconcile
        )

    async def start(self) -> None:
        """Start the scheduler in the running loop (once) and send missed digests."""
        await self.scheduler.start()

    async def close(self) -> None:
        await self.scheduler.stop()
        self.book.close()
