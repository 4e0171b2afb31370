"""`SlackPoster`: how digests (and the audit echo) reach Slack channels.

Every message the bot posts on its own goes through `chat.postMessage` here, paced to
one message per second per channel as Slack asks; a `429` is retried after its
`Retry-After` by the client's rate-limit handler (`bot.slack_adapter.front_end`). Slack's
refusals become the engine's outcomes: `not_in_channel`, `is_archived` and
`missing_scope` → forbidden (pause, and say how to fix it), `channel_not_found` → gone
(stop), anything else → retried. Slack has no nonce: exactly once per period is the
engine's claim log.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.briefing.model import Reply, Section, prose
from bot.digest.delivery import ChannelForbidden, ChannelGone
from bot.digest.subscriptions import Subscription
from bot.i18n import t
from bot.render.slack_blocks import reply_messages
from bot.slack_adapter import ids

log = logging.getLogger(__name__)

FORBIDDEN = frozenset({"not_in_channel", "is_archived", "missing_scope", "restricted_action"})
GONE = frozenset({"channel_not_found"})
# Slack allows about one message per second per channel, in bursts a little more.
SECONDS_BETWEEN_POSTS = 1.0


DIGEST_EVENT = "briefbot_digest"


def digest_metadata(key: str, number: int) -> dict[str, Any]:
    """The message metadata of message `number` of the digest period with idempotency `key`."""
    return {"event_type": DIGEST_EVENT, "event_payload": {"key": key, "part": number}}


class ChannelPacer:
    """Spaces the posts to each channel at least `interval` seconds apart (the clock and
    the sleep are injectable, so a test can check the spacing without waiting)."""

    def __init__(
        self,
        interval: float = SECONDS_BETWEEN_POSTS,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = interval
        self.clock = clock
        self.sleep = sleep
        self._last: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def run(self, channel: str, post: Callable[[], Awaitable[Any]]) -> Any:
        """Run `post` once the channel's previous post is `interval` seconds old."""
        async with self._locks.setdefault(channel, asyncio.Lock()):
            last = self._last.get(channel)
            if last is not None:
                wait = last + self.interval - self.clock()
                if wait > 0:
                    await self.sleep(wait)
            try:
                return await post()
            finally:
                self._last[channel] = self.clock()


class SlackPoster:
    """Posts replies to Slack channels: digests for the engine, the audit echo for the adapter."""

    def __init__(
        self, client: AsyncWebClient, audit_channel: str | None, pacer: ChannelPacer | None = None
    ) -> None:
        self.client = client
        self.audit_channel = audit_channel
        self.pacer = pacer or ChannelPacer()

    def owns(self, place: str) -> bool:
        return ids.channel_of(place) is not None

    async def send(self, channel: str, reply: Reply, locale: str, key: str | None = None) -> str:
        """Post every message of `reply` in `channel`, paced; the first message's `ts`.
        Raises `SlackApiError` as Slack answered.

        With a digest's `key`, each message carries it as Slack message metadata
        (`briefbot_digest`: the key and the message's number), so the messages of one
        period of one digest can be told apart from any other by whoever reads the channel.
        """
        first = ""
        for number, message in enumerate(reply_messages(reply, locale)):
            extra = {} if key is None else {"metadata": digest_metadata(key, number)}
            response = await self.pacer.run(
                channel, lambda message=message, extra=extra: self.client.chat_postMessage(
                    channel=channel, unfurl_links=False, unfurl_media=False, **message, **extra
                ),
            )  # fmt: skip
            first = first or str(response["ts"])
        return first

    async def post(self, place: str, reply: Reply, key: str, locale: str) -> str:
        channel = ids.channel_of(place)
        if channel is None:
            raise ChannelGone(f"{place} is not a Slack channel")
        try:
            return await self.send(channel, reply, locale, key)
        except SlackApiError as exc:
            error = str(exc.response.get("error", ""))
            if error in FORBIDDEN:
                raise ChannelForbidden(error) from exc
            if error in GONE:
                raise ChannelGone(error) from exc
            raise

    async def echo(self, audit: Reply, locale: str) -> None:
        """A fact change, told in the audit channel if one is configured; never fails the edit."""
        if self.audit_channel is None:
            return
        try:
            await self.send(self.audit_channel, audit, locale)
        except SlackApiError as exc:
            log.warning("could not echo a fact change to %s: %s", self.audit_channel, exc)

    async def notify(self, subscription: Subscription, reason: str, message: Reply) -> None:
        """To the audit channel if one is configured, else to whoever subscribed, in a
        direct message; a refusal says how to let the bot post."""
        locale = subscription.language
        if reason == "forbidden":
            fix = Section(
                t("digest.notice.fix", locale), (prose(t("slack.fix.forbidden", locale)),)
            )
            card = message.cards[0]
            message = replace(message, cards=(replace(card, sections=(*card.sections, fix)),))
        target = self.audit_channel or ids.user_of(subscription.created_by)
        if target is None:
            log.warning("digest %d: nobody on Slack to tell about %s", subscription.id, reason)
            return
        await self.send(target, message, locale)
