"""Migration 003: the digest tables move from Discord's integers to opaque text ids.

The database is made exactly as the previous release made it (its migrations 001 and
002, the same code), with live subscriptions and deliveries in every state; then the
current code opens it. Every row must survive with its id, settings, status and
claims, in the Discord front end's ids, and the engine must deliver to it as before.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from digest_fakes import RecordingPoster
from sqlite_utils.migrations import Migrations

from bot import state
from bot.digest.delivery import DigestEngine
from bot.digest.subscriptions import DigestBook
from bot.ids import discord as ids
from store.db import connect
from store.fact_store import FactStore

GUILD, CHANNEL, OTHER_CHANNEL, USER = (
    812345678901234567,
    912345678901234567,
    4242,
    712345678901234567,
)
NOW = "2025-12-14T00:00:00+00:00"


def previous_release(path: Path) -> None:
    """The bot tables as the previous release left them, with its rows in them."""
    db = connect(path)
    previous = Migrations("briefbot-bot")
    previous(name="001_bot_state")(state.m001_bot_state)
    previous(name="002_digests")(state.m002_digests)
    previous.apply(db)
    common = {
        "guild_id": GUILD, "schedule": "daily 09:00", "timezone": "Asia/Seoul",
        "window_days": 14, "language": "ko", "post_empty": 1, "active_since": NOW,
        "created_by": USER, "created_at": NOW, "updated_at": NOW, "last_revision": 1,
    }  # fmt: skip
    db["digest_subscriptions"].insert_all(
        [
            {**common, "id": 1, "channel_id": CHANNEL, "status": "active"},
            {
                **common,
                "id": 7,
                "channel_id": OTHER_CHANNEL,
                "status": "paused",
                "status_reason": "user",
                "paused_until": "2026-01-05T00:00:00+00:00",
            },
        ]
    )
    delivery = {"scheduled_at": NOW, "claimed_at": NOW, "late": 0, "attempts": 1}
    db["digest_deliveries"].insert_all(
        [
            {
                **delivery,
                "id": 3,
                "subscription_id": 1,
                "period": "2025-12-13T09:00",
                "nonce": "dgaaa",
                "status": "sent",
                "completed_at": NOW,
                "message_id": 1312345678901234567,
                "revision": 1,
            },
            {
                **delivery,
                "id": 4,
                "subscription_id": 1,
                "period": "2025-12-14T09:00",
                "nonce": "dgbbb",
                "status": "claimed",
            },
            {
                **delivery,
                "id": 5,
                "subscription_id": 7,
                "period": "2025-12-12T09:00",
                "nonce": "dgccc",
                "status": "forbidden",
                "completed_at": NOW,
                "error": "50013",
            },
        ]
    )
    db.conn.close()


@pytest.fixture
def migrated(store: FactStore, tmp_path: Path) -> DigestBook:
    path = tmp_path / "previous.db"
    FactStore.open(path).close()
    previous_release(path)
    return DigestBook.open(path)  # the current code: applies 003


def test_every_subscription_keeps_its_id_settings_and_status_in_text_ids(
    migrated: DigestBook,
) -> None:
    active, paused = migrated.in_scope(ids.scope(GUILD))
    assert (active.id, paused.id) == (1, 7)
    assert active.place == ids.place(GUILD, CHANNEL) == f"discord:guild/{GUILD}/channel/{CHANNEL}"
    assert active.created_by == f"discord:{USER}"
    assert (active.schedule.text, active.window_days, active.status) == (
        "daily 09:00",
        14,
        "active",
    )
    assert (paused.status, paused.status_reason) == ("paused", "user")
    assert paused.paused_until == datetime(2026, 1, 5, tzinfo=UTC)
    assert migrated.for_place(ids.scope(GUILD), ids.place(GUILD, OTHER_CHANNEL)) == paused


def test_every_delivery_keeps_its_state_and_its_message_id_as_text(migrated: DigestBook) -> None:
    sent, claimed = sorted(migrated.deliveries(1), key=lambda d: d.period)
    assert (sent.status, sent.message_id, sent.nonce) == ("sent", "1312345678901234567", "dgaaa")
    assert (claimed.status, claimed.nonce) == ("claimed", "dgbbb")
    (forbidden,) = migrated.deliveries(7)
    assert (forbidden.status, forbidden.error) == ("forbidden", "50013")


def test_the_unique_claim_and_the_cascade_still_hold(migrated: DigestBook) -> None:
    moment = datetime(2025, 12, 14, tzinfo=UTC)
    assert not migrated.claim(1, "2025-12-13T09:00", moment, "dgaaa", moment, late=False)
    migrated.remove(1)
    assert migrated.deliveries(1) == []
    assert [s.id for s in migrated.in_scope(ids.scope(GUILD))] == [7]


async def test_the_engine_delivers_a_migrated_subscription_to_its_discord_channel(
    migrated: DigestBook, tmp_path: Path
) -> None:
    store = FactStore.open(tmp_path / "previous.db")
    try:
        poster = RecordingPoster()
        moment = datetime(2025, 12, 15, 0, 0, 5, tzinfo=UTC)  # 09:00:05 in Seoul
        engine = DigestEngine(store, migrated, [poster], clock=lambda: moment)
        # The claim the previous release left a day ago is past the grace: given up.
        assert [o.status for o in await engine.deliver_due()] == ["interrupted", "sent"]
        (post,) = poster.posts
        assert post.channel_id == CHANNEL
    finally:
        store.close()
