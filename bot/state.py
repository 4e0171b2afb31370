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
