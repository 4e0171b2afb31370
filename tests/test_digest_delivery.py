"""The delivery engine under a controlled clock: at most once per period, catch-up, failures.

The store, the digest tables and the engine are real; only the platform poster is a
recorder. A "restart" is a new digest_book and engine on the same database file.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from digest_fakes import ManualClock, RecordingPoster, change_budget, subscribe, utc

from bot.briefing.model import plain_text
from bot.digest.delivery import ChannelForbidden, ChannelGone, DigestEngine, digest_nonce
from bot.digest.subscriptions import DigestBook
from bot.render.discord_payload import place_mention
from store.fact_store import FactStore
from tests.reply_helpers import lead

# Daily 09:00 in Seoul is 00:00 UTC.
MORNING = utc(2025, 12, 15, 0, 0, 5)
SIX_HOURS = timedelta(hours=6)


def engine_for(
    store: FactStore,
    digest_book: DigestBook,
    clock: ManualClock,
    poster: RecordingPoster | None = None,
) -> DigestEngine:
    return DigestEngine(
        store, digest_book, [poster or RecordingPoster()], catch_up=SIX_HOURS, clock=clock
    )


async def test_a_due_digest_is_posted_once_with_a_deterministic_nonce(
    store: FactStore, digest_book: DigestBook
) -> None:
    clock = ManualClock(MORNING)
    subscription = subscribe(digest_book, utc(2025, 12, 14, 1), window_days=30)
    engine = engine_for(store, digest_book, clock)
    (outcome,) = await engine.deliver_due()
    assert (outcome.status, outcome.period, outcome.late) == ("sent", "2025-12-15T09:00", False)
    assert await engine.deliver_due() == []
    clock.advance(minutes=5)
    assert await engine.deliver_due() == []
    (poster,) = engine.posters
    assert isinstance(poster, RecordingPoster)
    (post,) = poster.posts
    assert post.channel_id == 200 and post.place == subscription.place
    assert post.nonce == digest_nonce(subscription.id, "2025-12-15T09:00") and len(post.nonce) <= 25
    (delivery,) = digest_book.deliveries(subscription.id)
    assert (delivery.status, delivery.message_id, delivery.revision) == ("sent", "900001", 1)


async def test_nothing_is_due_before_the_first_run_after_subscribing(
    store: FactStore, digest_book: DigestBook
) -> None:
    """Subscribing at 09:03 does not post the 09:00 digest of a few minutes ago."""
    subscribe(digest_book, utc(2025, 12, 15, 0, 3))
    engine = engine_for(store, digest_book, ManualClock(utc(2025, 12, 15, 0, 4)))
    assert await engine.deliver_due() == []
    assert await engine.run_catch_up() == []


async def test_a_restart_does_not_post_a_period_again(
    store: FactStore, db_path: Path, digest_book: DigestBook
) -> None:
    clock = ManualClock(MORNING)
    subscribe(digest_book, utc(2025, 12, 14, 1))
    first = RecordingPoster()
    await engine_for(store, digest_book, clock, first).deliver_due()
    digest_book.close()
    clock.advance(minutes=2)
    reopened = DigestBook.open(db_path)
    second = RecordingPoster()
    engine = engine_for(store, reopened, clock, second)
    assert await engine.run_catch_up() == []
    assert await engine.deliver_due() == []
    assert (len(first.posts), second.posts) == (1, [])
    reopened.close()


async def test_catch_up_within_the_grace_posts_once_marked_late(
    store: FactStore, digest_book: DigestBook
) -> None:
    subscription = subscribe(digest_book, utc(2025, 12, 14, 1))
    clock = ManualClock(utc(2025, 12, 15, 5, 0))  # 14:00 in Seoul, five hours late
    engine = engine_for(store, digest_book, clock)
    (outcome,) = await engine.run_catch_up()
    assert (outcome.status, outcome.late) == ("sent", True)
    assert await engine.run_catch_up() == []
    (poster,) = engine.posters
    assert isinstance(poster, RecordingPoster)
    description = lead(poster.posts[0].reply.cards[0])
    assert description.startswith("⏰ 2025-12-15 (월) 09:00 KST에 보낼 브리핑을 늦게 보냅니다.")
    assert digest_book.deliveries(subscription.id)[0].late


async def test_catch_up_outside_the_grace_skips_and_logs_the_miss(
    store: FactStore, digest_book: DigestBook, caplog: pytest.LogCaptureFixture
) -> None:
    subscription = subscribe(digest_book, utc(2025, 12, 12, 1))
    engine = engine_for(store, digest_book, ManualClock(utc(2025, 12, 15, 7, 0)))  # 16:00, 7 h late
    assert await engine.run_catch_up() == []
    assert engine.posters[0].posts == []  # type: ignore[attr-defined]
    assert "3 run(s) missed while the bot was down, the latest 2025-12-15T09:00" in caplog.text
    (missed,) = digest_book.deliveries(subscription.id)
    assert (missed.status, missed.period) == ("missed", "2025-12-15T09:00")
    caplog.clear()
    assert await engine.run_catch_up() == []
    assert "missed" not in caplog.text  # logged once, not at every start


async def test_forbidden_pauses_and_notifies_politely(
    store: FactStore, digest_book: DigestBook
) -> None:
    subscription = subscribe(digest_book, utc(2025, 12, 14, 1), language="en")
    poster = RecordingPoster(failures=[ChannelForbidden("50013 Missing Permissions")])
    engine = engine_for(store, digest_book, ManualClock(MORNING), poster)
    (outcome,) = await engine.deliver_due()
    assert outcome.status == "forbidden"
    paused = digest_book.get(subscription.id)
    assert paused is not None and (paused.status, paused.status_reason) == ("paused", "forbidden")
    ((notified, message),) = poster.notices
    assert notified.id == subscription.id
    text = plain_text(message.cards[0].lead[0], place_mention)
    assert "<#200>" in text and "/digest resume" in text
    assert await engine.deliver_due() == []  # paused: no retry at the next tick


async def test_a_deleted_channel_disables_the_subscription(
    store: FactStore, digest_book: DigestBook
) -> None:
    subscription = subscribe(digest_book, utc(2025, 12, 14, 1))
    poster = RecordingPoster(failures=[ChannelGone("10003 Unknown Channel")])
    engine = engine_for(store, digest_book, ManualClock(MORNING), poster)
    (outcome,) = await engine.deliver_due()
    assert outcome.status == "gone"
    disabled = digest_book.get(subscription.id)
    assert disabled is not None and disabled.status == "disabled"
    assert "/digest subscribe" in lead(poster.notices[0][1].cards[0])
    assert digest_book.scheduled() == []


async def test_other_failures_are_retried_at_the_next_tick_with_the_same_nonce(
    store: FactStore, digest_book: DigestBook
) -> None:
    subscription = subscribe(digest_book, utc(2025, 12, 14, 1))
    poster = RecordingPoster(failures=[TimeoutError("gateway timeout")])
    clock = ManualClock(MORNING)
    engine = engine_for(store, digest_book, clock, poster)
    (failed,) = await engine.deliver_due()
    assert (failed.status, failed.error) == ("failed", "TimeoutError('gateway timeout')")
    clock.advance(minutes=1)
    (sent,) = await engine.deliver_due()
    assert (sent.status, sent.late) == ("sent", True)
    (delivery,) = digest_book.deliveries(subscription.id)
    assert (delivery.attempts, delivery.error) == (2, None)
    assert poster.posts[0].nonce == delivery.nonce


async def test_one_bad_channel_does_not_stop_the_others(
    store: FactStore, digest_book: DigestBook
) -> None:
    subscribe(digest_book, utc(2025, 12, 14, 1), channel_id=201)
    subscribe(digest_book, utc(2025, 12, 14, 1), channel_id=202)
    poster = RecordingPoster(failures=[RuntimeError("boom")])
    outcomes = await engine_for(store, digest_book, ManualClock(MORNING), poster).deliver_due()
    assert [o.status for o in outcomes] == ["failed", "sent"]
    assert [p.channel_id for p in poster.posts] == [202]


@pytest.mark.parametrize("post_empty", [True, False])
async def test_empty_digests_are_posted_or_skipped_per_subscription(
    store: FactStore, digest_book: DigestBook, post_empty: bool
) -> None:
    subscription = subscribe(digest_book, utc(2030, 12, 31), window_days=7, post_empty=post_empty)
    poster = RecordingPoster()
    engine = engine_for(store, digest_book, ManualClock(utc(2031, 1, 1, 0, 0, 5)), poster)
    (outcome,) = await engine.deliver_due()
    assert outcome.status == ("sent" if post_empty else "skipped")
    assert len(poster.posts) == int(post_empty)
    assert digest_book.deliveries(subscription.id)[0].status == outcome.status


async def test_the_next_digest_reports_only_what_changed_since_the_last(
    store: FactStore, digest_book: DigestBook
) -> None:
    subscription = subscribe(digest_book, utc(2025, 12, 14, 1), revision=store.revision())
    change_budget(store, "2500억원")
    clock = ManualClock(MORNING)
    poster = RecordingPoster()
    engine = engine_for(store, digest_book, clock, poster)
    await engine.deliver_due()
    clock.advance(days=1)
    await engine.deliver_due()

    def fields(number: int) -> str:
        embeds = poster.posts[number].payloads[0]["embeds"]
        return "\n".join(f["name"] for e in embeds for f in e.get("fields", []))

    assert "지난 브리핑 이후 바뀐 내용" in fields(0)
    assert "지난 브리핑 이후 바뀐 내용" not in fields(1)
    updated = digest_book.get(subscription.id)
    assert updated is not None and updated.last_revision == store.revision()


async def test_pause_until_resumes_by_itself_and_skips_the_paused_runs(
    store: FactStore, digest_book: DigestBook
) -> None:
    subscription = subscribe(digest_book, utc(2025, 12, 10))
    digest_book.set_status(
        subscription.id, "paused", utc(2025, 12, 11), paused_until=utc(2025, 12, 15, 0, 0)
    )
    clock = ManualClock(utc(2025, 12, 14, 0, 0, 5))
    engine = engine_for(store, digest_book, clock)
    assert await engine.deliver_due() == []
    clock.advance(days=1)
    (outcome,) = await engine.deliver_due()
    assert outcome.period == "2025-12-15T09:00"
    resumed = digest_book.get(subscription.id)
    assert resumed is not None and (resumed.status, resumed.paused_until) == ("active", None)


def test_only_one_of_two_connections_can_claim_a_period(
    db_path: Path, digest_book: DigestBook
) -> None:
    """The UNIQUE (subscription, period) claim holds across connections, as across processes."""
    subscription = subscribe(digest_book, utc(2025, 12, 14, 1))
    other = DigestBook.open(db_path)
    claims = [
        book.claim(subscription.id, "2025-12-15T09:00", MORNING, "dgx", MORNING, late=False)
        for book in (digest_book, other, digest_book)
    ]
    other.close()
    assert [claim is not None for claim in claims] == [True, False, False]
