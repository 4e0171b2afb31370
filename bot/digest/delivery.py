"""Delivering digests: claim a period, build the digest, post it, record how it went.

The engine knows no platform. Each front end registers a `Poster` that owns its
places: it renders the digest `Reply`, posts it (making a retry idempotent with the
key it is given where its platform can) and maps its platform's failures onto the
engine's outcomes: `ChannelForbidden` (pause and tell someone), `ChannelGone` (stop),
anything else (log, and retry the period on the next tick while it is still within
its grace). Time comes from an injected clock, so a test can say what "now" is.

Each message posted is recorded as it goes (`DeliveryProgress`), so a delivery cut off
part-way (a process killed mid-post, a failed request) is finished later from where it
stopped: every period is posted exactly once, its messages each once. The one message
that may have been in flight when an attempt died is made safe by the poster: a platform
with idempotent sends drops a resend with the same key, another reads the place to see
whether it arrived.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.briefing.format import message_line
from bot.briefing.model import Card, PlaceRef, Reply, Section, prose
from bot.digest.content import build_digest
from bot.digest.schedule import period_of
from bot.digest.subscriptions import (
    ACTIVE,
    DISABLED,
    FAILED,
    FORBIDDEN,
    GONE,
    INTERRUPTED,
    MISSED,
    PAUSED,
    SENT,
    SKIPPED,
    Delivery,
    DigestBook,
    Subscription,
)
from bot.i18n import t
from store.fact_store import FactStore

log = logging.getLogger(__name__)

# Posting a few seconds after the scheduled minute is on time; past this it is late.
LATE_AFTER = timedelta(minutes=1)
# However small the configured catch-up, a run stays deliverable this long, so a
# busy event loop or a retry after a passing failure does not lose the period.
MIN_GRACE = timedelta(minutes=10)
# How far back a restart looks for runs it missed, to log them; older ones are not news.
MISSED_LOOKBACK = timedelta(days=31)
# How long a claim's owner vouches for it: far longer than posting one digest takes,
# even while a chat client waits out a rate limit. A claim still held after this was left
# by a process that died mid-delivery.
CLAIM_LEASE = timedelta(minutes=10)
# How long a clean stop waits for deliveries in flight to finish their messages: a
# digest posts in a second or two, so only one stuck behind a long rate limit is cut
# off (and finished by whoever leads next), within a container's usual stop timeout.
DRAIN_SECONDS = 8.0

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real clock: the current time in UTC."""
    return datetime.now(UTC)


def _pid_namespace() -> str:
    """This process's pid namespace ('' where /proc does not say): two containers may share
    a host name, yet neither can see the other's pids."""
    try:
        return str(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:
        return ""


def process_holder() -> str:
    """A name for this process in claims and leases, `host:pid:random:pid-namespace`: host
    and pid for whoever reads the table, a random part so a restarted process with a
    reused pid is someone else, and the namespace its pid means something in."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}:{_pid_namespace()}"


def holder_gone(holder: str | None, me: str) -> bool:
    """Whether `holder` (a `process_holder`) is known to run no more: a process of this
    host and pid namespace whose pid is free, or an earlier process that had this one's
    pid (a restart reused it). A holder of another host or namespace, or a pid that is
    taken (perhaps by someone else), is not known gone: its lease decides."""
    if not holder:
        return False
    host, pid_text, _, namespace = [*holder.split(":"), "", "", ""][:4]
    my_host, _, _, my_namespace = [*me.split(":"), "", "", ""][:4]
    if (host, namespace) != (my_host, my_namespace) or not namespace or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return holder != me
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class DeliveryError(Exception):
    """A failure of a `Poster` that needs the subscription changed, not just a retry."""


class ChannelForbidden(DeliveryError):
    """The bot may not post in the place: pause the subscription and tell someone."""


class ChannelGone(DeliveryError):
    """The place no longer exists: stop the subscription."""


@dataclass(frozen=True)
class DeliveryProgress:
    """Where one delivery stands: `posted` of its messages are in the channel (earlier
    attempts posted them), and `unsure` says whether the next one may be there as well (an
    attempt died or failed while posting it). `record` is awaited after each message the
    poster posts, with its number and id. No message of the delivery is older than
    `since` (its scheduled run), which bounds a search of the place for an unsure one."""

    posted: int
    unsure: bool
    record: Callable[[int, str], Awaitable[None]]
    since: datetime


class Poster(Protocol):
    """What a front end provides to deliver digests to the places it owns."""

    def owns(self, place: str) -> bool:
        """Whether `place` is one of this front end's (only it can read the id)."""
        ...

    async def post(
        self, place: str, reply: Reply, key: str, locale: str, progress: DeliveryProgress
    ) -> None:
        """Render `reply` (written in `locale`) and post its messages to `place`, from
        message `progress.posted` on, awaiting `progress.record` after each.

        `key` is the same for every attempt at one period of one subscription: a
        platform that de-duplicates sends (a nonce) uses it, so a resend after a
        timeout does not post twice; where none does, a message that is `unsure` is
        looked for first. Raise `ChannelForbidden` or `ChannelGone`.
        """
        ...

    async def notify(self, subscription: Subscription, reason: str, message: Reply) -> None:
        """Tell the subscriber (or an audit place) that a digest needs attention: it was
        `forbidden` (paused) or its place is gone (`channel_gone`, stopped)."""
        ...


def _due_from(subscription: Subscription) -> datetime:
    """Where to start looking for runs: `runs_between` excludes its start, but a run at
    the very moment a subscription became active (the end of a pause) is due."""
    return subscription.active_since - timedelta(microseconds=1)


def digest_nonce(subscription_id: int, period: str) -> str:
    """A deterministic 20-character idempotency key for one period of one subscription."""
    digest = hashlib.blake2b(f"{subscription_id}:{period}".encode(), digest_size=9).hexdigest()
    return f"dg{digest}"


def notice(subscription: Subscription, reason: str) -> Reply:
    """The polite message for a `forbidden` or `channel_gone` subscription; the poster
    that sends it may add how to fix it on its platform."""
    locale = subscription.language
    text = message_line(f"digest.notice.{reason}", locale, channel=PlaceRef(subscription.place))
    return Reply((Card(t("digest.notice.title", locale), (text,), tone="error"),))


def with_fix(message: Reply, how: str, locale: str) -> Reply:
    """A `notice` with a last section saying how to fix it: only the front end knows what
    its platform calls the permission the bot lacks."""
    card = message.cards[0]
    fix = Section(t("digest.notice.fix", locale), (prose(how),))
    return replace(message, cards=(replace(card, sections=(*card.sections, fix)),))


@dataclass(frozen=True)
class Outcome:
    """What one delivery attempt did, for logs and tests."""

    subscription_id: int
    period: str
    status: str
    late: bool
    message_id: str | None = None
    error: str | None = None


class DigestEngine:
    """Delivers due digests through the posters of their places, at most once per
    subscription and period. A subscription whose place no running front end owns is
    left alone (not claimed): the process serving that platform delivers it. Claims are
    made as `holder`, which vouches for each one for `CLAIM_LEASE`.

    `on_outcome` hears every outcome the engine records (sent, skipped, failed,
    forbidden, gone, and at start-up missed and interrupted), so they are counted in
    this one place whichever front end posted.
    """

    def __init__(
        self,
        store: FactStore,
        book: DigestBook,
        posters: Sequence[Poster] = (),
        *,
        catch_up: timedelta = timedelta(hours=6),
        clock: Clock = utc_now,
        on_outcome: Callable[[Outcome], None] | None = None,
        holder: str | None = None,
    ) -> None:
        self.store = store
        self.book = book
        self.posters = list(posters)
        self.clock = clock
        self.grace = max(catch_up, MIN_GRACE)
        self.on_outcome = on_outcome
        self.holder = holder or process_holder()
        self._in_flight: set[asyncio.Task[Outcome]] = set()

    def _report(self, outcome: Outcome) -> Outcome:
        if self.on_outcome is not None:
            self.on_outcome(outcome)
        return outcome

    async def _shielded(self, delivery: Awaitable[Outcome]) -> Outcome:
        """Run one claimed delivery in a task of its own that its caller's cancellation
        does not reach: a scheduler shut down, or a sweep stopped, between a message
        posted and its record would leave a message in the channel the book does not
        know, and the next leader would post it again. `drain` bounds how long a stop
        waits for these."""
        task = asyncio.ensure_future(delivery)
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)
        return await asyncio.shield(task)

    async def drain(self, timeout: float = DRAIN_SECONDS) -> None:
        """Let deliveries in flight finish, for up to `timeout` seconds; cancel the
        rest, whose claims the next leader resumes from their last recorded message."""
        tasks = list(self._in_flight)
        if not tasks:
            return
        _, pending = await asyncio.wait(tasks, timeout=timeout)
        for task in pending:
            log.warning("a digest delivery did not finish within %.0f s; cut off", timeout)
            task.cancel()
        # Collected here: their callers, cancelled, no longer await them.
        for result in await asyncio.gather(*tasks, return_exceptions=True):
            if isinstance(result, Exception):
                log.error("digest delivery crashed", exc_info=result)

    def poster_for(self, place: str) -> Poster | None:
        """The poster of the front end that owns `place`, if it runs in this process."""
        return next((poster for poster in self.posters if poster.owns(place)), None)

    async def deliver_due(
        self, now: datetime | None = None, *, subscription_ids: Collection[int] | None = None
    ) -> list[Outcome]:
        """Send every active subscription's latest run that is due and not yet handled.

        Runs older than the grace are not sent: after a long stop the next run comes
        soon enough, and a stale digest posted hours late helps nobody.
        """
        return await self._deliver_due(now or self.clock(), subscription_ids, catching_up=False)

    async def run_catch_up(self, now: datetime | None = None) -> list[Outcome]:
        """On taking the lead: finish what a stopped process left, then send missed runs
        still in grace.

        Claims left mid-delivery are finished from where they stopped (see
        `_resume_abandoned`); a live claim is another process's, still delivering; runs
        missed longer ago than the grace are logged and recorded as missed; the latest run
        within the grace is sent once, marked late.
        """
        now = now or self.clock()
        await asyncio.to_thread(self._settle, now)
        return await self._deliver_due(now, None, catching_up=True)

    def _settle(self, now: datetime) -> None:
        self.book.resume_due(now)
        for subscription in self.book.scheduled():
            if subscription.status == ACTIVE and self.poster_for(subscription.place):
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
        self._report(Outcome(subscription.id, period, MISSED, False))

    def due_run(self, subscription: Subscription, now: datetime) -> datetime | None:
        """The latest run of `subscription` within the grace before `now`, if any."""
        start = max(now - self.grace, _due_from(subscription))
        runs = subscription.schedule.runs_between(subscription.zone, start, now)
        return runs[-1] if runs else None

    def _gone(self, holder: str | None) -> bool:
        return holder_gone(holder, self.holder)

    async def _deliver_due(
        self, now: datetime, subscription_ids: Collection[int] | None, *, catching_up: bool
    ) -> list[Outcome]:
        await asyncio.to_thread(self.book.resume_due, now)
        outcomes = await self._resume_abandoned(now)
        for subscription in await asyncio.to_thread(self.book.scheduled):
            poster = self.poster_for(subscription.place)
            if (
                subscription.status != ACTIVE
                or poster is None
                or (subscription_ids is not None and subscription.id not in subscription_ids)
            ):
                continue
            due = self.due_run(subscription, now)
            if due is None:
                continue
            late = catching_up or now - due > LATE_AFTER
            try:
                outcome = await self._deliver(poster, subscription, due, now, late)
            except Exception:
                # One subscription's trouble (even the database's) must not stop the rest.
                log.exception("digest %d: delivery crashed", subscription.id)
                continue
            if outcome is not None:
                outcomes.append(outcome)
        return outcomes

    async def _resume_abandoned(self, now: datetime) -> list[Outcome]:
        """Finish deliveries a process left mid-way, for the places posted from here.

        A claim is abandoned when its owner's lease ran out, or at once when its owner
        was a process of this host that is gone (killed, and restarted as this one): a
        platform keeps an idempotency key only minutes, so the rest must go out soon. A
        claim older than the grace is given up (interrupted): a digest hours late helps
        nobody. This process's own claims are never abandoned: one whose lease ran out is
        still being posted (a long rate limit), and taking it over would post beside it.

        The rest is built as the attempt that died built it (at the time it started, late
        only if it was late), so its messages continue the ones already in the channel.
        """
        outcomes = []
        for claim in await asyncio.to_thread(self.book.abandoned_claims, now, self._gone):
            if claim.claimed_by == self.holder:
                continue
            subscription = await asyncio.to_thread(self.book.get, claim.subscription_id)
            poster = self.poster_for(subscription.place) if subscription else None
            if subscription is None or poster is None:
                continue
            stale = claim.scheduled_at <= now - self.grace or subscription.status != ACTIVE
            taken = await asyncio.to_thread(
                self.book.take_over, claim, self.holder, now, now + CLAIM_LEASE
            )
            if taken is None:
                continue
            outcome = Outcome(claim.subscription_id, claim.period, INTERRUPTED, claim.late)
            if stale:
                log.warning(
                    "digest %d period %s was interrupted mid-delivery too long ago; given up",
                    claim.subscription_id, claim.period,
                )  # fmt: skip
                outcomes.append(await self._complete(outcome, INTERRUPTED))
                continue
            log.warning(
                "digest %d period %s was interrupted after %d message(s); finishing it",
                claim.subscription_id, claim.period, claim.parts_sent,
            )  # fmt: skip
            try:
                resumed = self._post_claimed(
                    poster, subscription, taken, claim.claimed_at, claim.late
                )
                outcomes.append(await self._shielded(resumed))
            except Exception:
                log.exception("digest %d: delivery crashed", subscription.id)
        return outcomes

    async def _deliver(
        self, poster: Poster, subscription: Subscription, due: datetime, now: datetime, late: bool
    ) -> Outcome | None:
        period = period_of(due)
        nonce = digest_nonce(subscription.id, period)
        claimed = await asyncio.to_thread(
            self.book.claim, subscription.id, period, due, nonce, now, late=late,
            owner=self.holder, lease_until=now + CLAIM_LEASE,
        )  # fmt: skip
        if claimed is None:
            return None
        return await self._shielded(self._post_claimed(poster, subscription, claimed, now, late))

    async def _post_claimed(
        self,
        poster: Poster,
        subscription: Subscription,
        claim: Delivery,
        now: datetime,
        late: bool,
    ) -> Outcome:
        """Build the digest of a claimed period as at `now` and post what of it is not
        posted yet."""
        done = Outcome(subscription.id, claim.period, SENT, late)
        first: list[str] = [claim.message_id] if claim.message_id else []

        async def record(number: int, message_id: str) -> None:
            if number == 0:
                first.append(message_id)
            write = asyncio.ensure_future(asyncio.to_thread(
                self.book.record_part, subscription.id, claim.period, number, message_id,
                self.holder,
            ))  # fmt: skip
            try:
                await asyncio.shield(write)
            except asyncio.CancelledError:
                # Cut off (a stop that waited long enough): the message is in the channel,
                # so the book says so before the claim is left to the next leader.
                await write
                raise

        # A first attempt starts from nothing; any other may have died mid-message.
        progress = DeliveryProgress(
            claim.parts_sent, claim.attempts > 1, record, claim.scheduled_at
        )
        try:
            digest = await asyncio.to_thread(
                build_digest, self.store, subscription, now,
                due=claim.scheduled_at.astimezone(subscription.zone) if late else None,
            )  # fmt: skip
            if digest.empty and not subscription.post_empty:
                return await self._complete(done, SKIPPED, revision=digest.revision)
            await poster.post(
                subscription.place, digest.reply, claim.nonce, subscription.language, progress
            )
        except ChannelForbidden as exc:
            log.warning("digest %d: not allowed to post in %s", subscription.id, subscription.place)
            outcome = await self._complete(done, FORBIDDEN, error=str(exc) or "forbidden")
            await self._stop(poster, subscription, PAUSED, "forbidden")
            return outcome
        except ChannelGone as exc:
            log.warning("digest %d: %s is gone", subscription.id, subscription.place)
            outcome = await self._complete(done, GONE, error=str(exc) or "channel gone")
            await self._stop(poster, subscription, DISABLED, "channel_gone")
            return outcome
        except Exception as exc:
            log.exception("digest %d period %s failed; will retry", subscription.id, claim.period)
            return await self._complete(done, FAILED, error=repr(exc))
        message_id = first[0] if first else None
        return await self._complete(done, SENT, message_id=message_id, revision=digest.revision)

    async def _complete(
        self,
        outcome: Outcome,
        status: str,
        *,
        message_id: str | None = None,
        revision: int | None = None,
        error: str | None = None,
    ) -> Outcome:
        await asyncio.to_thread(
            self.book.complete, outcome.subscription_id, outcome.period, status, self.clock(),
            message_id=message_id, revision=revision, error=error,
        )  # fmt: skip
        done = Outcome(
            outcome.subscription_id, outcome.period, status, outcome.late, message_id, error
        )
        return self._report(done)

    async def _stop(
        self, poster: Poster, subscription: Subscription, status: str, reason: str
    ) -> None:
        """Pause or disable a subscription whose place refuses it, and say how to fix it."""
        await asyncio.to_thread(
            self.book.set_status, subscription.id, status, self.clock(), reason=reason
        )
        try:
            await poster.notify(subscription, reason, notice(subscription, reason))
        except Exception:
            log.exception("digest %d: could not send the %s notice", subscription.id, reason)
