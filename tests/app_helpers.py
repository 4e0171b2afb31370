"""Building the app as `python -m bot` does, for tests: one store, a stopped clock."""

from __future__ import annotations

from datetime import date

from bot.app import App, fixed_clock
from bot.config import Config
from bot.console import Console, console_actor
from bot.digest.delivery import utc_now
from store.fact_store import FactStore


def make_app(store: FactStore, config: Config | None = None, today: date | None = None) -> App:
    """The composition root on `store`; `today` stops its clock at noon of that day."""
    config = config or Config(store_path=store.path)
    return App(config, store, clock=fixed_clock(today, config) if today else utc_now)


def console(
    store: FactStore,
    user_id: int | None = None,
    config: Config | None = None,
    today: date | None = None,
) -> Console:
    """What `python -m bot` answers with: the local operator, or (`--user-id`) a Discord user."""
    return Console(make_app(store, config, today), console_actor(user_id))
