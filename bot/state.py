"""The bot's own small state, kept in the same SQLite file as the facts.

It lives in its own migration set so the fact store (`store/`) stays free of chat
concepts: the store never reads these tables.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils
from sqlite_utils.migrations import Migrations

from bot.ids import discord as discord_ids
from store.db import write_transaction

BOT_MIGRATIONS = Migrations("briefbot-bot")


@BOT_MIGRATIONS(name="001_bot_state")
def m001_bot_state(db: sqlite_utils.Database) -> None:
    """Key/value state such as the hash of the last command set synced to each guild."""
    db.execute(
        "CREATE TABLE bot_state (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at TEXT NOT NULL)"
    )


@BOT_MIGRATIONS(name="002_digests")
def m002_digests(db: sqlite_utils.Database) -> None:
    """Digest subscriptions (the scheduler's source of truth) and their delivery log.

    `digest_deliveries` is claimed before a digest is sent and completed after it;
    UNIQUE (subscription_id, period) is what makes a second delivery of the same
    period impossible, whatever restarts or overlapping runs happen in between.
    `period` is the scheduled wall-clock time in the subscription's zone, so the
    repeated hour of a DST fall-back is one period, not two.
    """
    for statement in (
        """CREATE TABLE digest_subscriptions (
            id INTEGER PRIMARY KEY,
            guild_id INTEGER NOT NULL,
            channel_id INTEGER NOT NULL UNIQUE,
            schedule TEXT NOT NULL,
            timezone TEXT NOT NULL,
            window_days INTEGER NOT NULL CHECK (window_days BETWEEN 1 AND 90),
            language TEXT NOT NULL CHECK (language IN ('ko', 'en')),
            post_empty INTEGER NOT NULL DEFAULT 1 CHECK (post_empty IN (0, 1)),
            status TEXT NOT NULL DEFAULT 'active'
                CHECK (status IN ('active', 'paused', 'disabled')),
            status_reason TEXT,
            paused_until TEXT,
            active_since TEXT NOT NULL,
            created_by INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            last_revision INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX digest_subscriptions_guild ON digest_subscriptions(guild_id)",
        """CREATE TABLE digest_deliveries (
            id INTEGER PRIMARY KEY,
            subscription_id INTEGER NOT NULL
                REFERENCES digest_subscriptions(id) ON DELETE CASCADE,
            period TEXT NOT NULL,
            scheduled_at TEXT NOT NULL,
            nonce TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN (
                'claimed', 'sent', 'skipped', 'failed', 'missed', 'forbidden', 'gone',
                'interrupted'
            )),
            late INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
            attempts INTEGER NOT NULL DEFAULT 1,
            claimed_at TEXT NOT NULL,
            completed_at TEXT,
            message_id INTEGER,
            revision INTEGER,
            error TEXT,
            UNIQUE (subscription_id, period)
        )""",
    ):
        db.execute(statement)


SUBSCRIPTIONS_003 = """CREATE TABLE digest_subscriptions (
    id INTEGER PRIMARY KEY,
    scope TEXT NOT NULL,
    place TEXT NOT NULL UNIQUE,
    schedule TEXT NOT NULL,
    timezone TEXT NOT NULL,
    window_days INTEGER NOT NULL CHECK (window_days BETWEEN 1 AND 90),
    language TEXT NOT NULL CHECK (language IN ('ko', 'en')),
    post_empty INTEGER NOT NULL DEFAULT 1 CHECK (post_empty IN (0, 1)),
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'disabled')),
    status_reason TEXT,
    paused_until TEXT,
    active_since TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    last_revision INTEGER NOT NULL DEFAULT 0
)"""
DELIVERIES_003 = """CREATE TABLE digest_deliveries (
    id INTEGER PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES digest_subscriptions(id) ON DELETE CASCADE,
    period TEXT NOT NULL,
    scheduled_at TEXT NOT NULL,
    nonce TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN (
        'claimed', 'sent', 'skipped', 'failed', 'missed', 'forbidden', 'gone', 'interrupted'
    )),
    late INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
    attempts INTEGER NOT NULL DEFAULT 1,
    claimed_at TEXT NOT NULL,
    completed_at TEXT,
    message_id TEXT,
    revision INTEGER,
    error TEXT,
    UNIQUE (subscription_id, period)
)"""


def _rows(db: sqlite_utils.Database, table: str) -> list[dict[str, Any]]:
    cursor = db.execute(f"SELECT * FROM {table} ORDER BY id")
    columns = [c[0] for c in cursor.description]
    return [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]


def _insert(db: sqlite_utils.Database, table: str, row: dict[str, Any]) -> None:
    names, marks = ", ".join(row), ", ".join(f":{key}" for key in row)
    db.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", row)


@BOT_MIGRATIONS(name="003_places")
def m003_places(db: sqlite_utils.Database) -> None:
    """Digest tables keyed by opaque text ids instead of Discord's integers.

    A subscription now belongs to a `scope` (a server, a workspace, the console) and
    goes to a `place`, both strings owned by the front end that made them; the creator
    is an actor id and a delivered message's id is text (a Discord snowflake, a Slack
    timestamp). Every row made before this was Discord's, so its integers become the
    Discord front end's ids; row ids, claims and statuses are kept as they were.

    The old rows are read first and both tables dropped before the new ones exist:
    with foreign keys on, dropping a parent table deletes (cascades to) its children.
    """
    subscriptions = _rows(db, "digest_subscriptions")
    deliveries = _rows(db, "digest_deliveries")
    db.execute("DROP TABLE digest_deliveries")
    db.execute("DROP TABLE digest_subscriptions")
    db.execute(SUBSCRIPTIONS_003)
    db.execute(DELIVERIES_003)
    db.execute("CREATE INDEX digest_subscriptions_scope ON digest_subscriptions(scope)")
    for row in subscriptions:
        guild, channel = row.pop("guild_id"), row.pop("channel_id")
        row.update(
            scope=discord_ids.scope(guild),
            place=discord_ids.place(guild, channel),
            created_by=discord_ids.actor(row["created_by"]),
        )
        _insert(db, "digest_subscriptions", row)
    for row in deliveries:
        if row["message_id"] is not None:
            row["message_id"] = str(row["message_id"])
        _insert(db, "digest_deliveries", row)


@BOT_MIGRATIONS(name="004_leases")
def m004_leases(db: sqlite_utils.Database) -> None:
    """Owners and leases, so several processes can share the digest tables.

    A delivery claim records who took it (`claimed_by`) and until when that process
    vouches for it (`lease_until`): only a claim whose lease has run out was left by a
    process that died, and only that one is taken over by another. `bot_leases` holds
    named leases such as the digest scheduler's leader: one holder at a time, renewed
    before `until`, free for anyone to take after it. Claims made before this have no
    lease, which reads as run out: no process can still be delivering them.
    """
    db.execute("ALTER TABLE digest_deliveries ADD COLUMN claimed_by TEXT")
    db.execute("ALTER TABLE digest_deliveries ADD COLUMN lease_until TEXT")
    db.execute(
        "CREATE TABLE bot_leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL,"
        " until TEXT NOT NULL, taken_at TEXT NOT NULL)"
    )


@BOT_MIGRATIONS(name="005_delivery_parts")
def m005_delivery_parts(db: sqlite_utils.Database) -> None:
    """How far a delivery got: how many of its messages are in the channel already.

    A process killed while posting a digest of several messages left its claim behind;
    with the count, whoever takes the claim over posts the rest, instead of giving the
    period up (lost) or posting it all again (twice).
    """
    db.execute("ALTER TABLE digest_deliveries ADD COLUMN parts_sent INTEGER NOT NULL DEFAULT 0")


def migrate_bot(db: sqlite_utils.Database) -> None:
    """Apply the bot's pending migrations in one write transaction (like the store's), and
    only read when none is pending: a read-only store or a long import elsewhere does not
    stop a bot whose tables are current."""
    if BOT_MIGRATIONS.pending(db):
        with write_transaction(db):
            BOT_MIGRATIONS.apply(db)


def get_state(db: sqlite_utils.Database, key: str) -> str | None:
    row = db.execute("SELECT value FROM bot_state WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_state(db: sqlite_utils.Database, key: str, value: str) -> None:
    with write_transaction(db):
        db.execute(
            "INSERT INTO bot_state (key, value, updated_at) VALUES (?, ?, datetime('now'))"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            [key, value],
        )
