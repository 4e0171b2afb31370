"""`SlackPoster`: how digests (and the audit echo) reach Slack channels.

Every message the bot posts on its own goes through `chat.postMessage` here, paced to
one message per second per channel as Slack asks; a `429` is retried after its
`Retry-After` by the client's rate-limit handler (`bot.slack_adapter.front_end`). Slack's
refusals become the engine's outcomes: `not_in_channel`, `is_archived` and
`missing_scope` → forbidden (pause, and say how to fix it), `channel_not_found` → gone
(stop), anything else → retried. Slack has no nonce: exactly once per period is the
engine's claim log and, for a message an attempt that died may have posted, the channel's
history.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.briefing.model import Reply
from bot.digest.delivery import ChannelForbidden, ChannelGone, DeliveryProgress, with_fix
from bot.digest.subscriptions import Subscription
from bot.i18n import t
from bot.ids import slack as ids
from bot.render.slack_blocks import reply_messages

log = logging.getLogger(__name__)

FORBIDDEN = frozenset({"not_in_channel", "is_archived", "missing_scope", "restricted_action"})
GONE = frozenset({"channel_not_found"})
# Errors that mean the bot may not read a channel's history (rather than that Slack failed).
UNREADABLE = frozenset({"missing_scope", "not_in_channel", "channel_not_found"})
# How a channel is read for a digest's message that may have gone out: pages of this many
# messages since the digest's run (Slack suggests at most 200), and at most this many
# pages (Slack allows about 50 reads a minute, so a busy channel costs seconds, not more).
HISTORY_PAGE = 200
HISTORY_PAGES = 10
# Slack stamps a message by its own clock: reading from a little before the run keeps a
# message in view when this host's clock runs ahead of Slack's.
CLOCK_SKEW = timedelta(minutes=10)
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

    async def _post_one(self, channel: str, message: dict[str, Any], **extra: Any) -> str:
        response = await self.pacer.run(
            channel, lambda: self.client.chat_postMessage(
                channel=channel, unfurl_links=False, unfurl_media=False, **message, **extra
            ),
        )  # fmt: skip
        return str(response["ts"])

    async def send(self, channel: str, reply: Reply, locale: str) -> str:
        """Post every message of `reply` in `channel`, paced; the first message's `ts`.
        Raises `SlackApiError` as Slack answered."""
        first = ""
        for message in reply_messages(reply, locale):
            ts = await self._post_one(channel, message)
            first = first or ts
        return first

    async def post(
        self, place: str, reply: Reply, key: str, locale: str, progress: DeliveryProgress
    ) -> None:
        """Post the digest's messages not posted yet, each carrying `key` and its number
        as Slack message metadata (`briefbot_digest`), so the messages of one period can be
        told apart from any other. Slack has no nonce: a message that may have gone out in
        an attempt that died is looked for in the channel first (see `_already_posted`)."""
        channel = ids.channel_of(place)
        if channel is None:
            raise ChannelGone(f"{place} is not a Slack channel")
        try:
            for number, message in enumerate(reply_messages(reply, locale)):
                if number < progress.posted:
                    continue
                found = None
                if progress.unsure and number == progress.posted:
                    found = await self._already_posted(channel, key, number, progress.since)
                ts = found or await self._post_one(
                    channel, message, metadata=digest_metadata(key, number)
                )
                await progress.record(number, ts)
        except SlackApiError as exc:
            error = str(exc.response.get("error", ""))
            if error in FORBIDDEN:
                raise ChannelForbidden(error) from exc
            if error in GONE:
                raise ChannelGone(error) from exc
            raise

    async def _already_posted(
        self, channel: str, key: str, number: int, since: datetime
    ) -> str | None:
        """The `ts` of message `number` of digest `key` if the channel has it.

        Only the messages since the digest's run are read (`oldest`, less `CLOCK_SKEW`),
        page by page, so a busy channel does not hide it; past `HISTORY_PAGES` pages it is
        posted again, with a warning. Reading the channel takes the `channels:history`
        scope (and membership of a private channel). Without it, the message is posted
        again, once, with a warning: a part of a digest twice is better than a part
        missing. Any other failure is raised, and the delivery is retried on the next sweep.
        """
        wanted = digest_metadata(key, number)
        oldest = f"{(since - CLOCK_SKEW).timestamp():.6f}"
        cursor = ""
        for _ in range(HISTORY_PAGES):
            try:
                response = await self.client.conversations_history(
                    channel=channel, oldest=oldest, limit=HISTORY_PAGE,
                    include_all_metadata=True, cursor=cursor or None,
                )  # fmt: skip
            except SlackApiError as exc:
                if str(exc.response.get("error", "")) not in UNREADABLE:
                    raise
                reason = str(exc.response.get("error"))
                break
            for message in response.get("messages") or []:
                if message.get("metadata") == wanted:
                    return str(message["ts"])
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or ""
            if not response.get("has_more") or not cursor:
                return None
        else:
            reason = f"more than {HISTORY_PAGES * HISTORY_PAGE} messages since the digest's run"
        log.warning(
            "cannot read %s (%s) to see whether message %d of digest %s went out;"
            " posting it again", channel, reason, number, key,
        )  # fmt: skip
        return None

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
            message = with_fix(message, t("slack.fix.forbidden", locale), locale)
        target = self.audit_channel or ids.user_of(subscription.created_by)
        if target is None:
            log.warning("digest %d: nobody on Slack to tell about %s", subscription.id, reason)
            return
        await self.send(target, message, locale)
