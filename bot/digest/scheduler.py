"""APScheduler as the trigger engine of digests, rebuilt from the subscriptions table.

The table is the source of truth; APScheduler only decides *when* to look. There is
no pickled job store: at start-up (and on every sweep) one job per subscription is
made from the table with an explicit id. Each job, and a sweep that also retries
failed deliveries, calls `DigestEngine.deliver_due`, whose claims make running twice
harmless. `misfire_grace_time` is the engine's grace — APScheduler's default of one
second would silently drop a run the event loop was a little late for.

Several processes may share the database; exactly one of them runs the scheduler at a
time for the platforms it posts to (processes with other posters, another platform alone, lead
their own). It holds the leader lease in the database (`DigestBook.hold_lease`), renews it on
every sweep and before every job, and gives it up on a clean stop. The others try to
take it on each of their sweeps, which they can once it has run out (`LEASE_SWEEPS`
sweeps without a renewal: the leader died or hangs); the new leader then catches up,
so a digest due meanwhile goes out once, marked late, well within the grace.

The sweep is a plain loop on the event loop's monotonic clock, not an APScheduler
interval job: after the wall clock jumps (a machine resumed from sleep, a corrected
clock), APScheduler 3 counts every missed run of a job one by one inside the event
loop, which for a one-minute interval and a jump of weeks blocks every interaction
for seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_SUBMITTED, JobSubmissionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.digest.delivery import DigestEngine, holder_gone
from bot.digest.subscriptions import Subscription

log = logging.getLogger(__name__)

JOB_PREFIX = "digest:"
SWEEP_SECONDS = 60.0
# Sweeps missed before the scheduler counts as stuck (a delivery hanging on a post).
OVERDUE_SWEEPS = 3
LEADER_LEASE = "digest-scheduler"
# The leader lease lasts this many sweeps: one late sweep (a busy machine) keeps it.
LEASE_SWEEPS = 3


def job_id(subscription_id: int) -> str:
    """The APScheduler job id of a subscription."""
    return f"{JOB_PREFIX}{subscription_id}"


def _job_name(subscription: Subscription) -> str:
    """Names what the job's trigger was built from, so a changed schedule is noticed."""
    return f"digest {subscription.id}: {subscription.schedule.text} ({subscription.timezone})"


@dataclass(frozen=True)
class SchedulerStatus:
    """The scheduler in this process, for health checks and metrics.

    `running_here`: started in this process and not stopped. `alive`: APScheduler runs
    and the sweep loop has finished a sweep within `OVERDUE_SWEEPS` intervals.
    `last_sweep`: when the last sweep finished. `lag`: how many seconds after its time
    APScheduler started the last digest job (None until one fired).
    """

    running_here: bool
    alive: bool
    last_sweep: datetime | None
    lag: float | None


class DigestScheduler:
    """Starts, feeds and stops the `AsyncIOScheduler` that runs the digest engine, in
    the one process that holds the leader lease (`scheduler` is None elsewhere)."""

    def __init__(
        self, engine: DigestEngine, timezone: ZoneInfo, *, sweep_seconds: float = SWEEP_SECONDS
    ) -> None:
        self.engine = engine
        self.timezone = timezone
        self.sweep_seconds = sweep_seconds
        self.lease = timedelta(seconds=sweep_seconds * LEASE_SWEEPS)
        self.scheduler: AsyncIOScheduler | None = None
        self.leased = True
        self._sweeper: asyncio.Task[None] | None = None
        self._last_sweep: datetime | None = None
        # time.monotonic() of the last finished sweep (or the start): immune to clock jumps.
        self._swept_at = 0.0
        # Set once start-up has had its turn (led and sent what was missed, or found a
        # leader): from then on it runs as scheduled.
        self.caught_up = asyncio.Event()
        self._starting = False
        self._lag: float | None = None

    @property
    def lease_name(self) -> str:
        """The leader lease of the processes that post where this one posts."""
        posters = sorted(type(poster).__name__ for poster in self.engine.posters)
        return f"{LEADER_LEASE}:{'+'.join(posters)}"

    async def start(self, *, leased: bool = True) -> bool:
        """Take the lead if no live leader holds it (then build the jobs, start
        APScheduler in the running loop and catch up), and keep trying on every sweep;
        once only.

        Returns False (and changes nothing) when already started, so a reconnect that
        runs start-up code again cannot make a second scheduler firing every job twice.
        `leased=False` leads without a lease: for the local console, whose digests only
        it can post (to its own output) and which writes nothing when nothing is due.
        """
        if self._sweeper is not None or self._starting:
            log.warning("digest scheduler already started; not starting it again")
            return False
        self.leased = leased
        self._swept_at = time.monotonic()
        self._starting = True
        await self.take_turn()
        if self.scheduler is None:
            log.info("another process leads the digest scheduler; %s follows", self.engine.holder)
        # The sweep loop starts after start-up's turn, never beside it: a sweep renews the
        # lead only when the turn before it has finished (a leader stuck posting loses it).
        self._sweeper = asyncio.create_task(self._sweep_forever(), name="digest sweep")
        self._starting = False
        self.caught_up.set()
        return True

    async def _hold_lead(self) -> bool:
        """Take or renew the leader lease; False while another process holds it.

        A leader that is known gone (a killed process of this host, replaced by this one)
        is not waited for: its digests due meanwhile, and any it was posting, go out now.
        """
        if not self.leased:
            return True
        book, me = self.engine.book, self.engine.holder
        now = self.engine.clock()
        if await asyncio.to_thread(book.hold_lease, self.lease_name, me, now, now + self.lease):
            return True
        held = await asyncio.to_thread(book.lease_holder, self.lease_name)
        if held is None or not holder_gone(held[0], me):
            return False
        log.warning("the last digest leader (%s) is gone; not waiting for its lease", held[0])
        return await asyncio.to_thread(
            book.take_lease_from, self.lease_name, held[0], me, now, now + self.lease
        )

    async def take_turn(self) -> None:
        """One sweep: lead while the lease is ours (follow the table, deliver what is
        due), start leading when it becomes ours, step down when another took it."""
        if not await self._hold_lead():
            if self.scheduler is not None:
                log.warning("another process leads the digest scheduler now; stepping down")
                await self._stop_scheduler()
            return
        if self.scheduler is None:
            # Leading from the start is the usual case of one process; taking over is news.
            taking_over = not self._starting
            log.log(
                logging.WARNING if taking_over else logging.DEBUG,
                "leading the digest scheduler as %s%s", self.engine.holder,
                " (the last leader stopped renewing its lease)" if taking_over else "",
            )  # fmt: skip
            await self._lead()
            return
        self._apply(await asyncio.to_thread(self.engine.book.scheduled))
        await self.engine.deliver_due()

    async def _lead(self) -> None:
        """Build the jobs, start APScheduler in the running loop and catch up."""
        self.scheduler = AsyncIOScheduler(
            timezone=self.timezone,
            event_loop=asyncio.get_running_loop(),
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": int(self.engine.grace.total_seconds()),
            },
        )
        self.scheduler.add_listener(self._job_submitted, EVENT_JOB_SUBMITTED)
        self._apply(await asyncio.to_thread(self.engine.book.scheduled))
        self.scheduler.start()
        await self.engine.run_catch_up()

    async def stop(self) -> None:
        """Stop firing and give up the lead, so another process takes it at once.
        Deliveries in flight finish first (`DigestEngine.drain`); one that cannot in time
        is cut off and finished by whoever leads next (`DigestEngine._resume_abandoned`)."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None
        leading = self.scheduler is not None
        await self._stop_scheduler()
        await self.engine.drain()
        if leading and self.leased:
            await asyncio.to_thread(
                self.engine.book.release_lease, self.lease_name, self.engine.holder
            )

    async def _stop_scheduler(self) -> None:
        """APScheduler shuts an asyncio scheduler down on the loop's next turn; yielding
        once here means it has stopped when this returns."""
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
            await asyncio.sleep(0)
        self.scheduler = None

    def reconcile(self) -> None:
        """Make the jobs match the table now; safe from any thread, so `DigestCommands`
        can pass it as `on_change` and a new schedule takes effect before the next sweep."""
        self._apply(self.engine.book.scheduled())

    def _apply(self, subscriptions: list[Subscription]) -> None:
        """Add jobs for new subscriptions, replace changed ones, remove those gone."""
        scheduler = self.scheduler
        if scheduler is None:
            return
        wanted = {job_id(s.id): s for s in subscriptions}
        for job in scheduler.get_jobs():
            if job.id.startswith(JOB_PREFIX) and job.id not in wanted:
                job.remove()
        for key, subscription in wanted.items():
            job = scheduler.get_job(key)
            if job is not None and job.name == _job_name(subscription):
                continue
            scheduler.add_job(
                self._fire, subscription.schedule.trigger(subscription.zone),
                args=[subscription.id], id=key, name=_job_name(subscription),
                replace_existing=True,
            )  # fmt: skip

    def status(self) -> SchedulerStatus:
        """Whether it runs here and is alive; reads only, so any thread may ask."""
        scheduler, sweeper = self.scheduler, self._sweeper
        fresh = time.monotonic() - self._swept_at <= OVERDUE_SWEEPS * self.sweep_seconds
        # While start-up catches up, the sweep loop has not started yet.
        sweeping = self._starting or (sweeper is not None and not sweeper.done())
        alive = scheduler is not None and scheduler.running and sweeping and fresh
        return SchedulerStatus(scheduler is not None, alive, self._last_sweep, self._lag)

    def _job_submitted(self, event: JobSubmissionEvent) -> None:
        """APScheduler compares run times with the wall clock; so does this."""
        self._lag = (datetime.now(UTC) - max(event.scheduled_run_times)).total_seconds()

    async def _fire(self, subscription_id: int) -> None:
        """A job's run, by the leader only: a process that lost the lead while it was
        not looking (stopped, or its sweeps late) finds out here and steps down."""
        if not await self._hold_lead():
            log.warning("digest %d: no longer leading; leaving it to the leader", subscription_id)
            await self._stop_scheduler()
            return
        await self.engine.deliver_due(subscription_ids=[subscription_id])

    async def _sweep_forever(self) -> None:
        """Every `sweep_seconds`: renew or try to take the lead and, leading, follow the
        table and deliver (or retry) what is due; a failed sweep is logged and the next
        one runs as usual."""
        while True:
            await asyncio.sleep(self.sweep_seconds)
            try:
                await self.take_turn()
            except Exception:
                log.exception("digest sweep failed; trying again in %.0f s", self.sweep_seconds)
            self._swept_at, self._last_sweep = time.monotonic(), datetime.now(UTC)
