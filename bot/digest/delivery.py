"""Delivering digests: claim a period, build the digest, post it, record how it went.

Nothing here knows Discord. A `Poster` does the posting (discord.py in the bot, a
recorder in tests) and raises `ChannelForbidden` or `ChannelGone` for the failures
that must change the subscription; any other error is logged and the period is
retried on the next tick while it is still within its grace. Time comes from an
injected clock, so a test can say what "now" is.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from bot.briefing.model import COLORS, Card, Reply
from bot.digest.content import build_digest
from bot.digest.schedule import period_of
from bot.digest.subscriptions import (
    ACTIVE,
    DISABLED,
    FAILED,
    FORBIDDEN,
    GONE,
    PAUSED,
    SENT,
    SKIPPED,
    DigestBook,
    Subscription,
)
from bot.i18n import t
from bot.render.discord_payload import reply_payloads
from store.fact_store import FactStore

log = logging.getLogger(__name__)

# Posting a few seconds after the scheduled minute is on time; past this it is late.
LATE_AFTER = timedelta(minutes=1)
# However small the configured catch-up, a run stays deliverable this long, so a
# busy event loop or a retry after a passing failure does not lose the period.
MIN_GRACE = timedelta(minutes=10)
# How far back a restart looks for runs it missed, to log them; older ones are not news.
MISSED_LOOKBACK = timedelta(days=31)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real clock: the current time in UTC."""
    return datetime.now(UTC)


class DeliveryError(Exception):
    """A failure of a `Poster` that needs the subscription changed, not just a retry."""


class ChannelForbidden(DeliveryError):
    """The bot may not post in the channel (Discord 403, code 50013): pause and tell someone."""


class ChannelGone(DeliveryError):
    """The channel no longer exists (Discord 404, code 10003): stop the subscription."""


class Poster(Protocol):
    """What a platform provides to deliver digests."""

    async def post(self, channel_id: int, payloads: list[dict[str, Any]], nonce: str) -> int:
        """Send `payloads` in order to a channel and return the first message's id.

        Each payload carries its own `nonce` (derived from `nonce`, the digest's) with
        `enforce_nonce`, so a resend after a timeout does not post the message twice.
        Raise `ChannelForbidden` or `ChannelGone` for those failures.
        """
        ...

    async def notify(self, subscription: Subscription, message: Reply) -> None:
        """Tell the subscribing user (or an audit channel) that a digest needs attention."""
        ...


def _due_from(subscription: Subscription) -> datetime:
    """Where to start looking for runs: `runs_between` excludes its start, but a run at
    the very moment a subscription became active (the end of a pause) is due."""
    return subscription.active_since - timedelta(microseconds=1)


def digest_nonce(subscription_id: int, period: str) -> str:
    """A deterministic 20-character nonce for one period of one subscription."""
    digest = hashlib.blake2b(f"{subscription_id}:{period}".encode(), digest_size=9).hexdigest()
    return f"dg{digest}"


def digest_payloads(reply: Reply, locale: str, nonce: str) -> list[dict[str, Any]]:
    """The channel messages of a digest, each with its own nonce (at most 25 characters)."""
    payloads = reply_payloads(reply, locale)
    for number, payload in enumerate(payloads):
        payload["nonce"] = f"{nonce}-{number}"
        payload["enforce_nonce"] = True
    return payloads


def notice(subscription: Subscription, reason: str) -> Reply:
    """The polite how-to-fix message for a `forbidden` or `channel_gone` subscription."""
    locale = subscription.language
    text = t(f"digest.notice.{reason}", locale, channel=f"<#{subscription.channel_id}>")
    return Reply((Card(t("digest.notice.title", locale), text, color=COLORS["error"]),))


@dataclass(frozen=True)
class Outcome:
    """What one delivery attempt did, for logs and tests."""

    subscription_id: int
    period: str
    status: str
    late: bool
    message_id: int | None = None
    error: str | None = None


class DigestEngine:
    """Delivers due digests through a `Poster`, at most once per subscription and period."""

    def __init__(
        self,
        store: FactStore,
        book: DigestBook,
        poster: Poster,
        *,
        catch_up: timedelta = timedelta(hours=6),
        clock: Clock = utc_now,
    ) -> None:
        self.store = store
        self.book = book
        self.poster = poster
        self.clock = clock
        self.grace = max(catch_up, MIN_GRACE)

    async def deliver_due(
        self, now: datetime | None = None, *, subscription_ids: Collection[int] | None = None
    ) -> list[Outcome]:
        """Send every active subscription's latest run that is due and not yet handled.

        Runs older than the grace are not sent: after a long stop the next run comes
        soon enough, and a stale digest posted hours late helps nobody.
        """
        return await self._deliver_due(now or self.clock(), subscription_ids, catching_up=False)

    async def run_catch_up(self, now: datetime | None = None) -> list[Outcome]:
        """At start-up: settle what the last process left, then send missed runs still in grace.

        Claims left mid-delivery are marked interrupted (never re-sent); runs missed
        longer ago than the grace are logged and recorded as missed; the latest run
        within the grace is sent once, marked late.
        """
        now = now or self.clock()
        await asyncio.to_thread(self._settle, now)
        return await self._deliver_due(now, None, catching_up=True)

    def _settle(self, now: datetime) -> None:
        for delivery in self.book.interrupt_claims(now):
            log.warning(
                "digest %d period %s was interrupted mid-delivery; not resending it",
                delivery.subscription_id, delivery.period,
            )  # fmt: skip
        self.book.resume_due(now)
        for subscription in self.book.scheduled():
            if subscription.status == ACTIVE:
                self._record_missed(subscription, now)

    def _record_missed(self, subscription: Subscription, now: datetime) -> None:
        start = max(_due_from(subscription), now - MISSED_LOOKBACK)
        last = self.book.deliveries(subscription.id, limit=1)
        if last:
            start = max(start, last[0].scheduled_at)
        runs = subscription.schedule.runs_between(subscription.zone, start, now)
        if runs and runs[-1] > now - self.grace:
            runs.pop()
        if not runs:
            return
        period = period_of(runs[-1])
        log.warning(
            "digest %d: %d run(s) missed while the bot was down, the latest %s; skipped",
            subscription.id, len(runs), period,
        )  # fmt: skip
        self.book.record_missed(
            subscription.id, period, runs[-1], digest_nonce(subscription.id, period), now
        )

    def due_run(self, subscription: Subscription, now: datetime) -> datetime | None:
        """The latest run of `subscription` within the grace before `now`, if any."""
        start = max(now - self.grace, _due_from(subscription))
        runs = subscription.schedule.runs_between(subscription.zone, start, now)
        return runs[-1] if runs else None

    async def _deliver_due(
        self, now: datetime, subscription_ids: Collection[int] | None, *, catching_up: bool
    ) -> list[Outcome]:
        await asyncio.to_thread(self.book.resume_due, now)
        outcomes = []
        for subscription in await asyncio.to_thread(self.book.scheduled):
            if subscription.status != ACTIVE or (
                subscription_ids is not None and subscription.id not in subscription_ids
            ):
                continue
            due = self.due_run(subscription, now)
            if due is None:
                continue
            late = catching_up or now - due > LATE_AFTER
            try:
                outcome = await self._deliver(subscription, due, now, late)
            except Exception:
                # One subscription's trouble (even the database's) must not stop the rest.
                log.exception("digest %d: delivery crashed", subscription.id)
                continue
            if outcome is not None:
                outcomes.append(outcome)
        return outcomes

    async def _deliver(
        self, subscription: Subscription, due: datetime, now: datetime, late: bool
    ) -> Outcome | None:
        period = period_of(due)
        nonce = digest_nonce(subscription.id, period)
        claimed = await asyncio.to_thread(
            self.book.claim, subscription.id, period, due, nonce, now, late=late
        )
        if not claimed:
            return None
        done = Outcome(subscription.id, period, SENT, late)
        try:
            digest = await asyncio.to_thread(
                build_digest, self.store, subscription, now, due=due if late else None
            )
            if digest.empty and not subscription.post_empty:
                return await self._complete(done, SKIPPED, revision=digest.revision)
            payloads = digest_payloads(digest.reply, subscription.language, nonce)
            message_id = await self.poster.post(subscription.channel_id, payloads, nonce)
        except ChannelForbidden as exc:
            log.warning(
                "digest %d: not allowed to post in %d", subscription.id, subscription.channel_id
            )
            outcome = await self._complete(done, FORBIDDEN, error=str(exc) or "forbidden")
            await self._stop(subscription, PAUSED, "forbidden")
            return outcome
        except ChannelGone as exc:
            log.warning("digest %d: channel %d is gone", subscription.id, subscription.channel_id)
            outcome = await self._complete(done, GONE, error=str(exc) or "channel gone")
            await self._stop(subscription, DISABLED, "channel_gone")
            return outcome
        except Exception as exc:
            log.exception("digest %d period %s failed; will retry", subscription.id, period)
            return await self._complete(done, FAILED, error=repr(exc))
        return await self._complete(done, SENT, message_id=message_id, revision=digest.revision)

    async def _complete(
        self,
        outcome: Outcome,
        status: str,
        *,
        message_id: int | None = None,
        revision: int | None = None,
        error: str | None = None,
    ) -> Outcome:
        await asyncio.to_thread(
            self.book.complete, outcome.subscription_id, outcome.period, status, self.clock(),
            message_id=message_id, revision=revision, error=error,
        )  # fmt: skip
        return Outcome(
            outcome.subscription_id, outcome.period, status, outcome.late, message_id, error
        )

    async def _stop(self, subscription: Subscription, status: str, reason: str) -> None:
        """Pause or disable a subscription whose channel refuses it, and say how to fix it."""
        await asyncio.to_thread(
            self.book.set_status, subscription.id, status, self.clock(), reason=reason
        )
        try:
            await self.poster.notify(subscription, notice(subscription, reason))
        except Exception:
            log.exception("digest %d: could not send the %s notice", subscription.id, reason)
