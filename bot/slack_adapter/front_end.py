"""`SlackFrontEnd`: Slack as one of the runner's front ends.

Socket Mode by default (`AsyncSocketModeHandler.connect_async()` on the runner's event
loop, so one process can serve Discord and Slack at once, sharing one store, one
scheduler and one digest engine). With `[slack] mode = "http"` Slack POSTs each request
to `/slack/events` on the bot's one aiohttp application instead, verified with the
signing secret. Either way the Web API client follows `[slack] api_base` (the tests'
stand-in) and honours `429` + `Retry-After`.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import App
from bot.config import ConfigError
from bot.http_server import HttpServer
from bot.slack_adapter.listeners import SlackListeners
from bot.slack_adapter.poster import SlackPoster

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
# How often a rate-limited call is retried (each after Slack's Retry-After) before it fails.
RATE_LIMIT_RETRIES = 2


class SlackFrontEnd:
    """The bolt app, its listeners and its digest poster, connected once started. Tokens
    and the signing secret are used, never logged."""

    name = "Slack"

    def __init__(
        self,
        app: App,
        bot_token: str,
        *,
        app_token: str | None = None,
        signing_secret: str | None = None,
        http: HttpServer | None = None,
    ) -> None:
        config = app.config
        self.mode = config.slack_mode
        if self.mode == "http" and (http is None or not signing_secret):
            raise ConfigError(
                'slack.mode = "http" needs http.enabled and SLACK_SIGNING_SECRET:'
                f" Slack POSTs to {EVENTS_PATH} on the bot's web application"
            )
        if self.mode == "socket" and not app_token:
            raise ConfigError("Slack's Socket Mode needs SLACK_APP_TOKEN")
        self.app_token = app_token
        api = {"base_url": config.slack_api_base} if config.slack_api_base else {}
        self.client = AsyncWebClient(token=bot_token, **api)
        self.client.retry_handlers.append(
            AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)
        )
        self.poster = SlackPoster(self.client, config.slack_audit_channel)
        self.bolt = AsyncApp(
            client=self.client,
            signing_secret=signing_secret or "",
            request_verification_enabled=self.mode == "http",
            logger=logging.getLogger("bot.slack_adapter.bolt"),
        )
        SlackListeners(app, self.client, self.poster).register(self.bolt)
        app.digests.add_poster(self.poster)
        if http is not None and self.mode == "http":
            http.web.router.add_post(EVENTS_PATH, self._request)
        self._handler: AsyncSocketModeHandler | None = None
        self._closed = asyncio.Event()

    async def _request(self, request: web.Request) -> web.Response:
        """One HTTP-mode request, verified and answered by the bolt app."""
        return await to_aiohttp_response(
            await self.bolt.async_dispatch(await to_bolt_request(request))
        )

    async def start(self) -> None:
        """Check the bot token (a wrong one fails here, not at the first command), then
        open the Socket Mode connection (HTTP mode is ready once the server runs)."""
        identity = await self.client.auth_test()
        log.info("Slack: %s in workspace %s", identity.get("user"), identity.get("team"))
        if self.mode == "socket":
            self._handler = AsyncSocketModeHandler(self.bolt, self.app_token)
            await self._handler.connect_async()

    async def wait_closed(self) -> None:
        """Socket Mode reconnects by itself; the front end ends only when stopped."""
        await self._closed.wait()

    async def stop(self) -> None:
        if self._handler is not None:
            await self._handler.close_async()
            self._handler = None
        self._closed.set()
