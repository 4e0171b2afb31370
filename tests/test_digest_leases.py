"""Digests shared by several processes: owned claims with leases, and the leader lease.

Each "process" here is its own `DigestBook` (its own SQLite connection) and engine with
its own holder name on one database file, as two bot processes would be; the clock is
a `ManualClock`, so a lease runs out exactly when the test says. The same rules with
real processes and a real kill -9 are in `test_multiprocess.py`.
"""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from digest_fakes import (
    HangingPoster,
    ManualClock,
    RecordingPoster,
    holder_of,
    subscribe,
    utc,
)

from bot.digest.delivery import CLAIM_LEASE, DigestEngine, holder_gone, process_holder
from bot.digest.scheduler import LEADER_LEASE, DigestScheduler
from bot.digest.subscriptions import CLAIMED, INTERRUPTED, SENT, DigestBook
from store.fact_store import FactStore

START = utc(2025, 12, 15, 0, 0, 30)  # 09:00:30 in Seoul: a daily 09:00 run is due


@pytest.fixture
def books(db_path: Path, store: FactStore) -> Iterator[tuple[DigestBook, DigestBook]]:
    first, second = DigestBook.open(db_path), DigestBook.open(db_path)
    yield first, second
    first.close()
    second.close()


def test_the_lease_migration_gives_claims_an_owner_and_a_lease(
    books: tuple[DigestBook, DigestBook],
) -> None:
    applied = [row["name"] for row in books[0].db["_sqlite_migrations"].rows]
    assert "004_leases" in applied
    assert {"claimed_by", "lease_until"} <= set(books[0].db["digest_deliveries"].columns_dict)


def test_one_holder_at_a_time_until_the_lease_runs_out(
    books: tuple[DigestBook, DigestBook],
) -> None:
    a, b = books
    lease = timedelta(seconds=3)
    assert a.hold_lease(LEADER_LEASE, "a", START, START + lease)
    assert not b.hold_lease(LEADER_LEASE, "b", START, START + lease)
    renewed = START + timedelta(seconds=2)
    assert a.hold_lease(LEADER_LEASE, "a", renewed, renewed + lease)  # a renews in time
    assert not b.hold_lease(LEADER_LEASE, "b", START + lease, START + 2 * lease)
    lapsed = renewed + lease
    assert b.hold_lease(LEADER_LEASE, "b", lapsed, lapsed + lease)  # a stopped renewing
    assert not a.hold_lease(LEADER_LEASE, "a", lapsed, lapsed + lease)  # and lost it
    assert b.lease_holder(LEADER_LEASE) == ("b", lapsed + lease)
    b.release_lease(LEADER_LEASE, "b")
    assert a.hold_lease(LEADER_LEASE, "a", lapsed, lapsed + lease)  # released: free at once


def test_another_processs_live_claim_is_not_taken_over(
    books: tuple[DigestBook, DigestBook],
) -> None:
    """A claim is abandoned only when its lease runs out (its owner is of another host
    here, so nothing else can tell whether it still runs)."""
    a, b = books
    subscription = subscribe(a, START - timedelta(days=1))
    assert a.claim(
        subscription.id, "2025-12-15T09:00", START, "n", START, late=False,
        owner="elsewhere:1:aa", lease_until=START + CLAIM_LEASE,
    )  # fmt: skip
    never_gone = lambda holder: False  # noqa: E731
    assert b.abandoned_claims(START + CLAIM_LEASE - timedelta(seconds=1), never_gone) == []
    [abandoned] = b.abandoned_claims(START + CLAIM_LEASE, never_gone)
    assert (abandoned.status, abandoned.claimed_by) == (CLAIMED, "elsewhere:1:aa")
    later = START + CLAIM_LEASE
    taken = b.take_over(abandoned, "b", later, later + CLAIM_LEASE)
    assert taken is not None and (taken.claimed_by, taken.attempts, taken.late) == ("b", 2, True)
    assert a.take_over(abandoned, "a", later, later + CLAIM_LEASE) is None, "once only"


@pytest.fixture
async def schedulers(
    store: FactStore, books: tuple[DigestBook, DigestBook]
) -> AsyncIterator[tuple[list[DigestScheduler], list[RecordingPoster], ManualClock]]:
    clock = ManualClock(START)
    posters = [RecordingPoster(), RecordingPoster()]
    made = [
        DigestScheduler(
            DigestEngine(store, book, [poster], clock=clock, holder=name),
            ZoneInfo("Asia/Seoul"),
            sweep_seconds=3600,  # the test takes each turn itself
        )
        for book, poster, name in zip(books, posters, ("a", "b"), strict=True)
    ]
    yield made, posters, clock
    for scheduler in made:
        await scheduler.stop()


async def test_two_processes_post_a_due_digest_once_and_the_second_takes_over(
    schedulers: tuple[list[DigestScheduler], list[RecordingPoster], ManualClock],
    books: tuple[DigestBook, DigestBook],
) -> None:
    (a, b), (posted_a, posted_b), clock = schedulers
    subscription = subscribe(books[0], START - timedelta(days=1))
    assert await a.start() and await b.start()
    assert a.scheduler is not None and b.scheduler is None  # one leader
    assert (len(posted_a.posts), posted_b.posts) == (1, [])
    await b.take_turn()
    assert b.scheduler is None and len(posted_a.posts) == 1
    # The leader stops renewing (killed: its own sweeps are an hour apart here), and
    # nobody leads until its lease runs out.
    clock.advance(seconds=a.lease.total_seconds() - 1)
    await b.take_turn()
    assert b.scheduler is None
    # Then the other takes over, and a run that came due meanwhile goes out once, late.
    clock.now = START + timedelta(days=1, minutes=3)
    await b.take_turn()
    assert b.scheduler is not None
    assert len(posted_b.posts) == 1 and len(posted_a.posts) == 1
    periods = {
        d.period: (d.status, d.claimed_by, d.late) for d in books[1].deliveries(subscription.id)
    }
    assert periods == {
        "2025-12-15T09:00": (SENT, "a", True),
        "2025-12-16T09:00": (SENT, "b", True),
    }
    # The old leader, back, finds it has lost the lead and steps down without posting.
    await a.take_turn()
    assert a.scheduler is None and len(posted_a.posts) == 1


class SlackLikePoster(RecordingPoster):
    """A poster of another platform (its own class, as every front end's poster is)."""


async def test_a_process_posting_elsewhere_leads_its_own_scheduler(
    store: FactStore, books: tuple[DigestBook, DigestBook]
) -> None:
    clock = ManualClock(START)
    made = [
        DigestScheduler(
            DigestEngine(store, book, [poster], clock=clock, holder=name),
            ZoneInfo("Asia/Seoul"), sweep_seconds=3600,
        )
        for book, poster, name in zip(
            books, (RecordingPoster(), SlackLikePoster()), ("a", "b"), strict=True
        )
    ]  # fmt: skip
    try:
        assert await made[0].start() and await made[1].start()
        assert made[0].scheduler is not None and made[1].scheduler is not None
        assert made[0].lease_name != made[1].lease_name
    finally:
        for scheduler in made:
            await scheduler.stop()


# --- holders known gone -----------------------------------------------------------------


@pytest.fixture
def live_process() -> Iterator[subprocess.Popen[bytes]]:
    """A process of this host that runs until the test kills it."""
    child = subprocess.Popen(["sleep", "120"])
    yield child
    child.kill()
    child.wait()


async def test_a_claim_of_a_gone_holder_is_taken_over_at_once_and_a_live_ones_is_not(
    store: FactStore, books: tuple[DigestBook, DigestBook], live_process: subprocess.Popen[bytes]
) -> None:
    a, b = books
    subscription = subscribe(a, START - timedelta(days=1))
    owner = holder_of(live_process.pid)
    assert a.claim(
        subscription.id, "2025-12-15T09:00", START, "n", START, late=False,
        owner=owner, lease_until=START + CLAIM_LEASE,
    )  # fmt: skip
    poster = RecordingPoster()
    clock = ManualClock(START + timedelta(minutes=1))  # the claim's lease has 9 minutes left
    engine = DigestEngine(store, b, [poster], clock=clock)
    assert await engine.deliver_due() == [] and poster.posts == []  # its owner still runs

    live_process.kill()
    live_process.wait()
    [outcome] = await engine.deliver_due()

    assert (outcome.status, len(poster.posts)) == (SENT, 1)
    [delivery] = b.deliveries(subscription.id)
    assert (delivery.claimed_by, delivery.attempts) == (engine.holder, 2)


async def test_a_claim_left_longer_ago_than_the_grace_is_given_up_as_interrupted(
    store: FactStore, books: tuple[DigestBook, DigestBook], live_process: subprocess.Popen[bytes]
) -> None:
    a, b = books
    subscription = subscribe(a, START - timedelta(days=1))
    live_process.kill()
    live_process.wait()
    assert a.claim(
        subscription.id, "2025-12-15T09:00", START, "n", START, late=False,
        owner=holder_of(live_process.pid), lease_until=START + CLAIM_LEASE,
    )  # fmt: skip
    poster = RecordingPoster()
    engine = DigestEngine(store, b, [poster], clock=ManualClock(START + timedelta(hours=7)))

    [outcome] = await engine.deliver_due()

    assert (outcome.status, poster.posts) == (INTERRUPTED, [])
    assert [d.status for d in b.deliveries(subscription.id)] == [INTERRUPTED]


async def test_the_leader_lease_of_a_gone_holder_is_taken_at_once(
    store: FactStore, books: tuple[DigestBook, DigestBook], live_process: subprocess.Popen[bytes]
) -> None:
    a, b = books
    clock = ManualClock(START)
    scheduler = DigestScheduler(
        DigestEngine(store, b, [RecordingPoster()], clock=clock), ZoneInfo("Asia/Seoul"),
        sweep_seconds=3600,
    )  # fmt: skip
    leader = holder_of(live_process.pid)
    assert a.hold_lease(scheduler.lease_name, leader, START, START + scheduler.lease)
    try:
        assert await scheduler.start() and scheduler.scheduler is None  # a live leader
        live_process.kill()
        live_process.wait()
        clock.advance(seconds=1)  # its lease has almost three hours left
        await scheduler.take_turn()
        assert scheduler.scheduler is not None
        assert a.lease_holder(scheduler.lease_name) == (
            scheduler.engine.holder,
            clock.now + scheduler.lease,
        )
    finally:
        await scheduler.stop()


def test_only_a_holder_of_this_host_and_pid_namespace_can_be_known_gone(
    live_process: subprocess.Popen[bytes],
) -> None:
    """Two containers may share a host name but not their pids: a free pid in another
    namespace says nothing, and neither does a holder name without one (an older release)."""
    me = process_holder()
    live_process.kill()
    live_process.wait()
    dead = live_process.pid
    assert holder_gone(holder_of(dead), me)
    assert not holder_gone(holder_of(dead, namespace="4026531999"), me)
    assert not holder_gone(holder_of(dead).rpartition(":")[0], me)
    assert not holder_gone(holder_of(dead).replace(me.split(":")[0], "elsewhere", 1), me)
    assert holder_gone(process_holder(), me), "an earlier process with this pid: restarted"
    assert not holder_gone(me, me)


async def test_a_process_never_takes_over_its_own_claim_while_it_still_posts_it(
    store: FactStore, digest_book: DigestBook
) -> None:
    """A post that outlasts the claim's lease (a long rate limit) is still this process's:
    its next sweep must not post the period beside it."""
    subscription = subscribe(digest_book, START - timedelta(days=1))
    clock = ManualClock(START)
    poster = HangingPoster()
    engine = DigestEngine(store, digest_book, [poster], clock=clock)
    first = asyncio.create_task(engine.deliver_due())
    try:
        await wait_for(lambda: digest_book.deliveries(subscription.id))
        clock.advance(minutes=CLAIM_LEASE.total_seconds() / 60 + 1)
        assert await engine.deliver_due() == []
        poster.release.set()
        [outcome] = await first
    finally:
        poster.release.set()
        await asyncio.gather(first, return_exceptions=True)
    assert (outcome.status, len(poster.posts)) == (SENT, 1)


async def wait_for(condition: Callable[[], object]) -> None:
    async with asyncio.timeout(30):
        while not condition():
            await asyncio.sleep(0.01)
