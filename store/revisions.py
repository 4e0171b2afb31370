"""The append-only revision log: who changed what, when, why, and what it was before.

Every write to the fact store goes through `record_revision` inside the same
transaction as the change itself, so a change without its revision (or the reverse)
can never be committed. Triggers in the schema refuse UPDATE and DELETE on the log.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlite_utils


@dataclass(frozen=True)
class Change:
    """One row's state before and after a revision (`None` for created or removed)."""

    table: str
    row_id: str | int
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def as_json(self) -> dict[str, Any]:
        return {"table": self.table, "id": self.row_id, "before": self.before, "after": self.after}


@dataclass(frozen=True)
class Revision:
    """A committed revision as read back from the log."""

    id: int
    at: str
    actor: str
    action: str
    reason: str | None
    summary: str | None
    changes: list[Change]
    reverts: int | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Revision:
        changes = [
            Change(c["table"], c["id"], c["before"], c["after"]) for c in json.loads(row["changes"])
        ]
        return cls(
            row["id"], row["at"], row["actor"], row["action"], row["reason"], row["summary"],
            changes, row["reverts"],
        )  # fmt: skip


def utc_now() -> str:
    """The current time as an ISO 8601 UTC string, the format every timestamp is stored in."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def record_revision(
    db: sqlite_utils.Database,
    *,
    actor: str,
    action: str,
    changes: list[Change],
    reason: str | None = None,
    summary: str | None = None,
    reverts: int | None = None,
    at: str | None = None,
) -> int:
    """Append one revision and return its id; call inside the change's own transaction."""
    cursor = db.execute(
        "INSERT INTO revisions (at, actor, action, reason, summary, changes, reverts)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            at or utc_now(),
            actor,
            action,
            reason,
            summary,
            json.dumps([c.as_json() for c in changes], ensure_ascii=False),
            reverts,
        ],
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def latest_revision_id(db: sqlite_utils.Database) -> int:
    """The newest revision id (0 for an empty store); cheap, so caches key on it."""
    return db.execute("SELECT coalesce(max(id), 0) FROM revisions").fetchone()[0]


def get_revision(db: sqlite_utils.Database, revision_id: int) -> Revision | None:
    """One revision by id, or None."""
    rows = list(db.query("SELECT * FROM revisions WHERE id = ?", [revision_id]))
    return Revision.from_row(rows[0]) if rows else None


def revisions_since(
    db: sqlite_utils.Database, after_id: int, limit: int | None = None
) -> list[Revision]:
    """Revisions newer than `after_id`, oldest first (what a digest reports as changed)."""
    sql = "SELECT * FROM revisions WHERE id > ? ORDER BY id"
    params: list[int] = [after_id]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [Revision.from_row(row) for row in db.query(sql, params)]
