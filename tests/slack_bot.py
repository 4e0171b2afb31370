"""Run the production Slack front end against the Slack stand-in, as `python -m bot` does.

`SlackBot` builds the app on a test store, starts the runner with `SlackFrontEnd` (Socket
Mode through its own `connect_async()`, or HTTP mode on the runner's `HttpServer`), and
hands the tests a `LoopbackSlack` aimed at it, whose `command`, `click`, `suggest` and
`submit` act as a Slack user would.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime

from slack_bolt.async_app import AsyncApp
from slack_loopback.harness import EVENTS_PATH, LoopbackSlack, Mode, SlackTarget
from slack_loopback.server import APP_TOKEN, BOT_TOKEN, SlackStandIn

from bot.app import App
from bot.config import Config
from bot.http_server import HttpServer
from bot.run import FrontEnd, Runner
from bot.slack_adapter.front_end import SlackFrontEnd
from store.fact_store import FactStore

START_TIMEOUT_S = 10.0


def _not_built_here(target: SlackTarget) -> AsyncApp:
    raise AssertionError("the bot builds its own app; the harness only drives it")


class SlackBot:
    """The production Slack front end, run by the runner on `store`, connected to `standin`."""

    def __init__(
        self,
        standin: SlackStandIn,
        store: FactStore,
        *,
        config: Config | None = None,
        mode: Mode = "socket",
        today: date | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.standin = standin
        self.store = store
        self.mode = mode
        self.today = today
        self.clock = clock
        base = config or Config(store_path=store.path)
        self.config = replace(base, slack_api_base=standin.api_base, slack_mode=mode)
        self.user = LoopbackSlack(standin, _not_built_here, mode=mode)
        self.app: App | None = None
        self.front_end: SlackFrontEnd | None = None
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    async def __aenter__(self) -> SlackBot:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def build_app(self) -> App:
        """The composition root as `python -m bot` builds it, with the test's clock and day."""
        clocked = {"clock": self.clock} if self.clock else {}
        today = (lambda: self.today) if self.today else None
        return App(self.config, self.store, today=today, **clocked)

    def build_front_end(self, app: App, http: HttpServer | None) -> SlackFrontEnd:
        return SlackFrontEnd(
            app,
            BOT_TOKEN,
            app_token=APP_TOKEN,
            signing_secret=self.standin.signing_secret,
            http=http,
        )

    async def start(self, extra: Callable[[App], list[FrontEnd]] | None = None) -> App:
        """Start the runner with the Slack front end (and `extra` ones on the same app);
        return once Slack can be talked to and the digest scheduler runs."""
        app = self.build_app()
        http = HttpServer("127.0.0.1", 0) if self.mode == "http" else None
        self.front_end = self.build_front_end(app, http)
        front_ends: list[FrontEnd] = [self.front_end, *(extra(app) if extra else [])]
        before = self.standin.connections
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(Runner(app, front_ends, http).run(self._stop))
        self.app = app
        async with asyncio.timeout(START_TIMEOUT_S):
            while app.digests.scheduler.scheduler is None:
                if self._task.done():
                    await self._task  # raises what stopped it
                    raise AssertionError("the runner stopped before it was ready")
                await asyncio.sleep(0.005)
        if self.mode == "socket":
            await self.standin.wait_until(
                lambda: self.standin.connections > before, "no Socket Mode connection"
            )
        else:
            assert http is not None
            self.user.request_url = f"{http.url}{EVENTS_PATH}"
        return app

    async def stop(self) -> None:
        await self.user.settle()
        self._stop.set()
        if self._task is not None:
            await self._task
        self._task, self.app, self.front_end = None, None, None

    async def restart(self) -> App:
        """Stop and start again on the same store and stand-in (a process restart)."""
        await self.stop()
        return await self.start()
