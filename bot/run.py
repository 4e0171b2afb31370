"""Running the front ends: each one that is configured, on one event loop, sharing one app.

A process may serve Discord and Slack at once (and the HTTP application beside them):
one store, one answer cache, one scheduler, one digest engine. The runner starts the
HTTP server, then each front end (returning once it is ready to post), then the digest
scheduler, so a digest due at start-up finds every poster ready; on a stop signal it
stops them in reverse order and closes the app.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from bot.app import App
from bot.http_server import HttpServer

log = logging.getLogger(__name__)


class FrontEnd(Protocol):
    """A chat platform the bot serves; its poster is registered with the app's digests
    when it is built."""

    name: str

    async def start(self) -> None:
        """Connect; return once it answers and can post (raise if it cannot)."""
        ...

    async def wait_closed(self) -> None:
        """Return when it has stopped by itself (a fatal error, or closed)."""
        ...

    async def stop(self) -> None:
        """Disconnect; safe to call when it never started or already stopped."""
        ...


@runtime_checkable
class ReportsHealth(Protocol):
    """What a front end may add to report its liveness on `/healthz` and `/metrics`."""

    def health(self) -> dict[str, object]:
        """Its connection's state as JSON-ready values: `ok` (required: whether it can
        answer now), `latency_seconds` (optional: the last heartbeat's round trip), and
        anything else worth showing. Cheap and read-only: it is called from any thread."""
        ...


class Runner:
    """Starts and stops the front ends, the HTTP server and the digest scheduler together."""

    def __init__(
        self, app: App, front_ends: Sequence[FrontEnd], http: HttpServer | None = None
    ) -> None:
        self.app = app
        self.front_ends = list(front_ends)
        self.http = http
        self._started: list[FrontEnd] = []

    async def start(self) -> None:
        """Start the HTTP server, each front end (ready to post), then the digest scheduler."""
        if self.http is not None:
            await self.http.start()
        for front_end in self.front_ends:
            await front_end.start()
            self._started.append(front_end)
            log.info("%s is ready", front_end.name)
        await self.app.digests.start()

    async def stop(self) -> None:
        """Stop what started, in reverse order, and close the app: digests first, so
        those in flight finish on clients still open."""
        await self.app.digests.stop()
        for front_end in reversed(self._started):
            await front_end.stop()
        self._started.clear()
        if self.http is not None:
            await self.http.stop()
        await self.app.close()

    async def run(self, stop: asyncio.Event) -> None:
        """Serve until `stop` is set or a front end stops by itself."""
        try:
            await self.start()
            waiters = [asyncio.ensure_future(stop.wait())] + [
                asyncio.ensure_future(front_end.wait_closed()) for front_end in self._started
            ]
            done, pending = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            for waiter in pending:
                waiter.cancel()
            for waiter in done:
                waiter.result()  # a front end that died re-raises its error here
        finally:
            await self.stop()


async def serve_until_signalled(runner: Runner) -> None:
    """`Runner.run` until Ctrl-C or SIGTERM (a service manager's stop)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # Windows has no loop signal handlers
            loop.add_signal_handler(signum, stop.set)
    await runner.run(stop)


def run(app: App, front_ends: Sequence[FrontEnd], http: HttpServer | None = None) -> int:
    """Serve the front ends until stopped; exit code 0."""
    asyncio.run(serve_until_signalled(Runner(app, front_ends, http)))
    log.info("stopped")
    return 0
