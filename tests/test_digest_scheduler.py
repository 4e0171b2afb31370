"""The real `AsyncIOScheduler` firing digests in the test's event loop, under a moved wall clock.

`time-machine` sets the wall clock a moment before a run while the event loop's own
monotonic clock keeps real time, so APScheduler waits well under a second and then
fires for real. Nothing of the scheduler or the engine is mocked.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from digest_fakes import Asker, RecordingPoster, subscribe, utc

from bot.digest.commands import DigestCommands
from bot.digest.delivery import DigestEngine
from bot.digest.scheduler import DigestScheduler, job_id
from bot.digest.subscriptions import DigestBook
from bot.ids import discord as ids
from bot.trust import TrustRules
from store.fact_store import FactStore

NEW_YORK = ZoneInfo("America/New_York")
SEOUL = ZoneInfo("Asia/Seoul")
# How long before a run the wall clock is set: APScheduler really waits this long.
LEAD = timedelta(milliseconds=500)


@pytest.fixture
async def started() -> AsyncIterator[list[DigestScheduler]]:
    """Schedulers a test starts; all stopped at the end, even when the test fails."""
    schedulers: list[DigestScheduler] = []
    yield schedulers
    for scheduler in schedulers:
        await scheduler.stop()


async def start(
    started: list[DigestScheduler],
    store: FactStore,
    digest_book: DigestBook,
    poster: RecordingPoster,
    zone: ZoneInfo = SEOUL,
    sweep_seconds: float = 3600,
) -> DigestScheduler:
    scheduler = DigestScheduler(
        DigestEngine(store, digest_book, [poster]), zone, sweep_seconds=sweep_seconds
    )
    started.append(scheduler)
    assert await scheduler.start()
    return scheduler


async def wait_until(condition: Callable[[], object], seconds: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def settle(scheduler: DigestScheduler) -> None:
    """Let APScheduler look at its jobs now (after the clock moved) and run what is due."""
    assert scheduler.scheduler is not None
    scheduler.scheduler.wakeup()
    await asyncio.sleep(0.3)


async def test_spring_forward_0230_fires_once_at_0330(
    store: FactStore, digest_book: DigestBook, started: list[DigestScheduler]
) -> None:
    """New York skips 02:00–03:00 on 2026-03-08: a daily 02:30 digest goes out at 03:30 EDT.

    The scheduler runs from 01:50 EST, before the jump; the clock is then moved to just
    before the run and APScheduler, woken, waits out the rest and fires.
    """
    with time_machine.travel(utc(2026, 3, 8, 6, 50), tick=True) as clock:
        subscription = subscribe(
            digest_book, utc(2026, 3, 8, 6), "daily 02:30", timezone="America/New_York"
        )
        poster = RecordingPoster()
        scheduler = await start(started, store, digest_book, poster, NEW_YORK)
        clock.move_to(utc(2026, 3, 8, 7, 30) - LEAD)
        await settle(scheduler)
        await wait_until(lambda: poster.posts)
        assert scheduler.scheduler is not None
        job = scheduler.scheduler.get_job(job_id(subscription.id))
        assert job.next_run_time == datetime(2026, 3, 9, 2, 30, tzinfo=NEW_YORK)
        clock.move_to(utc(2026, 3, 8, 8, 30, 1))
        await settle(scheduler)
    assert len(poster.posts) == 1
    (delivery,) = digest_book.deliveries(subscription.id)
    assert (delivery.period, delivery.status, delivery.late) == ("2026-03-08T03:30", "sent", False)


async def test_fall_back_0130_fires_once(
    store: FactStore, digest_book: DigestBook, started: list[DigestScheduler]
) -> None:
    """New York repeats 01:00–02:00 on 2026-11-01: a daily 01:30 digest goes out once."""
    with time_machine.travel(utc(2026, 11, 1, 5, 30) - LEAD, tick=True) as clock:
        subscription = subscribe(
            digest_book, utc(2026, 11, 1, 5), "daily 01:30", timezone="America/New_York"
        )
        poster = RecordingPoster()
        scheduler = await start(started, store, digest_book, poster, NEW_YORK)
        await wait_until(lambda: poster.posts)
        assert scheduler.scheduler is not None
        job = scheduler.scheduler.get_job(job_id(subscription.id))
        assert job.next_run_time == datetime(2026, 11, 2, 1, 30, tzinfo=NEW_YORK)
        clock.move_to(utc(2026, 11, 1, 6, 30, 1))  # 01:30:01 EST, the second 01:30
        await settle(scheduler)
        assert await scheduler.engine.deliver_due() == []
    assert len(poster.posts) == 1
    assert [d.period for d in digest_book.deliveries(subscription.id)] == ["2026-11-01T01:30"]


@pytest.mark.parametrize("answer_after", [0.0, 0.5], ids=["answered", "answer_in_flight"])
async def test_a_restarted_scheduler_on_the_same_database_does_not_post_again(
    store: FactStore,
    db_path: Path,
    digest_book: DigestBook,
    started: list[DigestScheduler],
    answer_after: float,
) -> None:
    """Stopped after posting, the process that leads next has nothing to send; also when
    the stop came while the digest was in the channel but its response not yet back: the
    stop waits for the response and records it (cancelling it there would leave a
    message the book does not know)."""
    with time_machine.travel(utc(2025, 12, 15) - LEAD, tick=True) as clock:
        subscription = subscribe(digest_book, utc(2025, 12, 14, 1))
        first = RecordingPoster(answer_after=answer_after)
        scheduler = await start(started, store, digest_book, first)
        await wait_until(lambda: first.posts)
        await scheduler.stop()
        clock.move_to(utc(2025, 12, 15, 0, 0, 30))
        second = RecordingPoster()
        restarted_book = DigestBook.open(db_path)
        restarted = await start(started, store, restarted_book, second)
        await asyncio.sleep(0.2)
        await restarted.stop()  # gives up the lead in the book, so before closing it
        restarted_book.close()
    assert (len(first.posts), second.posts) == (1, [])
    (delivery,) = digest_book.deliveries(subscription.id)
    assert (delivery.status, delivery.message_id) == ("sent", "900001")


async def test_the_sweep_retries_a_failed_delivery(
    store: FactStore, digest_book: DigestBook, started: list[DigestScheduler]
) -> None:
    with time_machine.travel(utc(2025, 12, 15) - LEAD, tick=True):
        subscription = subscribe(digest_book, utc(2025, 12, 14, 1))
        poster = RecordingPoster(failures=[ConnectionResetError("reset by peer")])
        await start(started, store, digest_book, poster, sweep_seconds=0.5)
        # The post is recorded before the delivery log says so: wait for the log.
        await wait_until(
            lambda: [d.status for d in digest_book.deliveries(subscription.id)] == ["sent"]
        )
    (delivery,) = digest_book.deliveries(subscription.id)
    assert (delivery.status, delivery.attempts, len(poster.posts)) == ("sent", 2, 1)


async def test_jobs_come_from_the_table_and_follow_its_changes(
    store: FactStore, digest_book: DigestBook, started: list[DigestScheduler]
) -> None:
    existing = subscribe(digest_book, utc(2025, 12, 14), channel_id=201)
    scheduler = await start(started, store, digest_book, RecordingPoster())
    assert scheduler.scheduler is not None
    jobs = {job.id: job for job in scheduler.scheduler.get_jobs()}
    assert set(jobs) == {job_id(existing.id)}
    job = jobs[job_id(existing.id)]
    assert (job.coalesce, job.misfire_grace_time, job.max_instances) == (True, 6 * 3600, 1)
    assert str(scheduler.scheduler.timezone) == "Asia/Seoul"

    commands = DigestCommands(store, digest_book, TrustRules(), on_change=scheduler.reconcile)
    ask = Asker(commands)
    await asyncio.to_thread(ask, "subscribe", channel_id=202, schedule="weekly fri 18:00")
    added = digest_book.for_place(ids.scope(100), ids.place(100, 202))
    assert added is not None
    new_job = scheduler.scheduler.get_job(job_id(added.id))
    assert new_job is not None and new_job.next_run_time.strftime("%a %H:%M") == "Fri 18:00"
    await asyncio.to_thread(ask, "unsubscribe", channel_id=201)
    assert scheduler.scheduler.get_job(job_id(existing.id)) is None


async def test_a_second_start_is_refused(
    store: FactStore, digest_book: DigestBook, started: list[DigestScheduler]
) -> None:
    subscribe(digest_book, utc(2025, 12, 14))
    scheduler = await start(started, store, digest_book, RecordingPoster())
    running = scheduler.scheduler
    assert await scheduler.start() is False
    assert scheduler.scheduler is running
    assert running is not None and len(running.get_jobs()) == 1
