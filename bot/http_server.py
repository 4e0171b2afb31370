"""The bot's one aiohttp application, on `[http] host`/`port`.

Every HTTP feature joins this one application rather than opening a port of its own:
Discord's interactions endpoint, Slack's request URL in HTTP mode, the health and
metrics endpoints, the web pages and calendars. It runs beside the chat front ends in
the same event loop (or alone, with `python -m bot serve`).
"""

from __future__ import annotations

import logging
import os
import weakref
from asyncio import BaseTransport
from collections.abc import Awaitable, Callable

from aiohttp import web

log = logging.getLogger(__name__)

# A kept-alive connection brings every request it carries to the worker that accepted it.
# Clients (Discord's, a proxy's pool, the benchmark's) open their few connections at
# once, and two gunicorn workers took them 22 to 10 and kept that split however busy
# each was. Closing a connection after this many requests has the client open a new one,
# which the worker that is free first accepts: the load evens out within seconds, at the
# cost of one connection set-up per hundred requests.
REQUESTS_PER_CONNECTION = 100
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ListenError(Exception):
    """The address cannot be listened on (a port taken by another program): one line for
    the operator, not a traceback."""


class HttpServer:
    """An aiohttp application that features add routes to before it starts."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.web = web.Application(middlewares=[connection_recycler()])
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """The base URL it answers on (the bound port, once started on port 0)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    async def start(self) -> None:
        """Listen; raise `ListenError` when the address cannot be had."""
        self._runner = web.AppRunner(self.web, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        try:
            await site.start()
        except OSError as exc:
            await self.stop()
            # asyncio words a bind error around the address; the system's words are enough.
            reason = os.strerror(exc.errno) if (exc.errno or 0) > 0 else exc.strerror or str(exc)
            raise ListenError(
                f"cannot listen on {self.url.removeprefix('http://')} ({reason}); set [http] port"
                " (BRIEFBOT_HTTP_PORT) to a free port, or [http] enabled = false"
            ) from exc
        if self.port == 0:
            server = site._server  # aiohttp keeps the bound sockets here
            assert server is not None
            self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        log.info("HTTP on %s", self.url)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


def connection_recycler(limit: int = REQUESTS_PER_CONNECTION) -> Callable[..., object]:
    """A middleware that answers the `limit`-th request of each connection with
    `Connection: close` (see `REQUESTS_PER_CONNECTION`)."""
    served: weakref.WeakKeyDictionary[BaseTransport, int] = weakref.WeakKeyDictionary()

    @web.middleware
    async def recycle(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        transport = request.transport
        if transport is not None and not response.prepared:
            count = served.get(transport, 0) + 1
            served[transport] = count
            if count >= limit:
                response.force_close()
        return response

    return recycle
