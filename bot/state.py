"""The bot's own small state, kept in the same SQLite file as the facts.

It lives in its own migration set so the fact store (`store/`) stays free of chat
concepts: the store never reads these tables.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

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


def migrate_bot(db: sqlite_utils.Database) -> None:
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
