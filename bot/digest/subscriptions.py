"""Digest subscriptions and their delivery log: the tables the scheduler is rebuilt from.

`DigestBook` holds its own connection to the SQLite file (WAL lets it write beside the
fact store's connection) and a lock, so the engine can use it from worker threads.
A delivery is *claimed* before anything is posted and *completed* afterwards; the
UNIQUE (subscription, period) constraint makes a second claim of a period fail, which
is what keeps a digest from going out twice across overlapping runs and restarts.
Several processes may share the file: a claim names its owner and a lease, and named
leases (`hold_lease`) let exactly one of them lead the scheduler.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlite_utils

from bot.digest.schedule import Schedule, parse_schedule
from bot.state import migrate_bot
from store.db import connect, write_transaction

ACTIVE, PAUSED, DISABLED = "active", "paused", "disabled"
SENT, SKIPPED, FAILED, MISSED = "sent", "skipped", "failed", "missed"
FORBIDDEN, GONE, INTERRUPTED, CLAIMED = "forbidden", "gone", "interrupted", "claimed"


def stamp(moment: datetime) -> str:
    """How every digest timestamp is stored: ISO 8601 in UTC, to the second."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def lease_stamp(moment: datetime) -> str:
    """How lease times are stored: as `stamp`, to the microsecond, since a lease can be
    shorter than a second in a test; only ever compared with each other."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


@dataclass(frozen=True)
class Subscription:
    """One channel's digest: when, in which zone and language, and whether it is running."""

    id: int
    scope: str
    place: str
    schedule: Schedule
    timezone: str
    window_days: int
    language: str
    post_empty: bool
    status: str
    status_reason: str | None
    paused_until: datetime | None
    active_since: datetime
    created_by: str
    created_at: datetime
    last_revision: int

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Subscription:
        return cls(
            row["id"], row["scope"], row["place"], parse_schedule(row["schedule"]),
            row["timezone"], row["window_days"], row["language"], bool(row["post_empty"]),
            row["status"], row["status_reason"], _moment(row["paused_until"]),
            datetime.fromisoformat(row["active_since"]), row["created_by"],
            datetime.fromisoformat(row["created_at"]), row["last_revision"],
        )  # fmt: skip

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def next_runs(self, after: datetime, count: int = 3) -> list[datetime]:
        """The next `count` run times after `after`, in the subscription's zone."""
        return self.schedule.next_runs(self.zone, after, count)


@dataclass(frozen=True)
class Delivery:
    """One row of the delivery log: a period of a subscription and what became of it."""

    subscription_id: int
    period: str
    scheduled_at: datetime
    nonce: str
    status: str
    late: bool
    attempts: int
    claimed_at: datetime
    completed_at: datetime | None
    message_id: str | None
    revision: int | None
    error: str | None
    claimed_by: str | None = None
    parts_sent: int = 0

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Delivery:
        return cls(
            row["subscription_id"], row["period"], datetime.fromisoformat(row["scheduled_at"]),
            row["nonce"], row["status"], bool(row["late"]), row["attempts"],
            datetime.fromisoformat(row["claimed_at"]), _moment(row["completed_at"]),
            row["message_id"], row["revision"], row["error"], row.get("claimed_by"),
            row.get("parts_sent", 0),
        )  # fmt: skip


@dataclass(frozen=True)
class Settings:
    """What a subscriber chooses; checked before it reaches the book."""

    schedule: Schedule
    timezone: str
    window_days: int
    language: str
    post_empty: bool


class DigestBook:
    """Reads and writes the digest tables; every method is safe to call from any thread."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self._lock = threading.RLock()
        with self._lock:
            migrate_bot(db)

    @classmethod
    def open(cls, path: str | Path) -> DigestBook:
        """A book on its own connection to the database file at `path`."""
        return cls(connect(path))

    def close(self) -> None:
        with self._lock:
            self.db.conn.close()

    def _subscriptions(self, where: str, params: list[Any]) -> list[Subscription]:
        with self._lock:
            rows = self.db.query(
                f"SELECT * FROM digest_subscriptions WHERE {where} ORDER BY id", params
            )
            return [Subscription.from_row(row) for row in rows]

    def get(self, subscription_id: int) -> Subscription | None:
        found = self._subscriptions("id = ?", [subscription_id])
        return found[0] if found else None

    def for_place(self, scope: str, place: str) -> Subscription | None:
        """The subscription of a place (one per place), if it belongs to `scope`."""
        found = self._subscriptions("scope = ? AND place = ?", [scope, place])
        return found[0] if found else None

    def in_scope(self, scope: str) -> list[Subscription]:
        """Every subscription of one community (a server, a workspace, the console)."""
        return self._subscriptions("scope = ?", [scope])

    def scheduled(self) -> list[Subscription]:
        """Every subscription that has a job: active ones and paused ones that may resume."""
        return self._subscriptions("status IN (?, ?)", [ACTIVE, PAUSED])

    def subscribe(
        self,
        *,
        scope: str,
        place: str,
        actor: str,
        settings: Settings,
        revision: int,
        now: datetime,
    ) -> tuple[Subscription, bool]:
        """Subscribe a channel, or change its settings and restart it; True when it is new.

        A new subscription reports changes after `revision`, the store's revision now,
        and is due from `now` on, so it never posts a digest for a time before it existed.
        """
        values = {
            "schedule": settings.schedule.text, "timezone": settings.timezone,
            "window_days": settings.window_days, "language": settings.language,
            "post_empty": int(settings.post_empty), "status": ACTIVE, "status_reason": None,
            "paused_until": None, "active_since": stamp(now), "updated_at": stamp(now),
        }  # fmt: skip
        with self._lock, write_transaction(self.db):
            existing = self.db.execute(
                "SELECT id FROM digest_subscriptions WHERE place = ?", [place]
            ).fetchone()
            if existing:
                assignments = ", ".join(f"{key} = :{key}" for key in values)
                self.db.execute(
                    f"UPDATE digest_subscriptions SET {assignments}, scope = :scope WHERE id = :id",
                    {**values, "scope": scope, "id": existing[0]},
                )
                subscription_id = existing[0]
            else:
                row = {
                    **values, "scope": scope, "place": place,
                    "created_by": actor, "created_at": stamp(now), "last_revision": revision,
                }  # fmt: skip
                columns = ", ".join(row)
                marks = ", ".join(f":{key}" for key in row)
                cursor = self.db.execute(
                    f"INSERT INTO digest_subscriptions ({columns}) VALUES ({marks})", row
                )
                subscription_id = cursor.lastrowid
        subscription = self.get(subscription_id)
        assert subscription is not None
        return subscription, existing is None

    def remove(self, subscription_id: int) -> None:
        """Delete a subscription and, with it, its delivery log."""
        with self._lock, write_transaction(self.db):
            self.db.execute("DELETE FROM digest_subscriptions WHERE id = ?", [subscription_id])

    def set_status(
        self,
        subscription_id: int,
        status: str,
        now: datetime,
        *,
        reason: str | None = None,
        paused_until: datetime | None = None,
    ) -> None:
        """Pause, disable or (re)activate; reactivating makes it due from `now` on only."""
        with self._lock, write_transaction(self.db):
            self.db.execute(
                "UPDATE digest_subscriptions SET status = ?, status_reason = ?, paused_until = ?,"
                " updated_at = ?, active_since = CASE WHEN ? = ? THEN ? ELSE active_since END"
                " WHERE id = ?",
                [
                    status, reason, stamp(paused_until) if paused_until else None, stamp(now),
                    status, ACTIVE, stamp(now), subscription_id,
                ],
            )  # fmt: skip

    def resume_due(self, now: datetime) -> list[int]:
        """Reactivate subscriptions paused until a time that has come; their ids.

        They are due from the end of the pause, not from whenever this runs, so a
        digest scheduled right at the end of a pause is still sent.
        """
        with self._lock, write_transaction(self.db):
            rows = self.db.execute(
                "UPDATE digest_subscriptions SET status = ?, status_reason = NULL,"
                " active_since = paused_until, paused_until = NULL, updated_at = ?"
                " WHERE status = ? AND paused_until IS NOT NULL AND paused_until <= ?"
                " RETURNING id",
                [ACTIVE, stamp(now), PAUSED, stamp(now)],
            ).fetchall()
        return [row[0] for row in rows]

    def claim(
        self,
        subscription_id: int,
        period: str,
        scheduled_at: datetime,
        nonce: str,
        now: datetime,
        *,
        late: bool,
        owner: str | None = None,
        lease_until: datetime | None = None,
    ) -> Delivery | None:
        """Take a period for delivery; None when it is delivered, in flight or given up on.

        A period whose last attempt failed for a passing reason may be claimed again; the
        claim returned says how many of its messages that attempt posted (`parts_sent`).
        `owner` vouches for the claim until `lease_until`: until then no other process
        takes it over, unless it knows the owner is gone (see `abandoned_claims`).
        """
        with self._lock, write_transaction(self.db):
            cursor = self.db.execute(
                "INSERT INTO digest_deliveries (subscription_id, period, scheduled_at, nonce,"
                " status, late, claimed_at, claimed_by, lease_until)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (subscription_id, period) DO UPDATE SET status = excluded.status,"
                " attempts = attempts + 1, late = excluded.late, claimed_at = excluded.claimed_at,"
                " claimed_by = excluded.claimed_by, lease_until = excluded.lease_until,"
                " completed_at = NULL, error = NULL WHERE status = ?",
                [
                    subscription_id, period, stamp(scheduled_at), nonce, CLAIMED, int(late),
                    stamp(now), owner, lease_stamp(lease_until) if lease_until else None, FAILED,
                ],
            )  # fmt: skip
            if cursor.rowcount != 1:
                return None
            return self._delivery(subscription_id, period)

    def _delivery(self, subscription_id: int, period: str) -> Delivery:
        (row,) = self.db.query(
            "SELECT * FROM digest_deliveries WHERE subscription_id = ? AND period = ?",
            [subscription_id, period],
        )
        return Delivery.from_row(row)

    def record_part(
        self, subscription_id: int, period: str, number: int, message_id: str, owner: str | None
    ) -> None:
        """Message `number` of a claimed delivery is in the channel (the first one's id is
        the delivery's). Only the claim's owner records: one whose claim was taken over
        writes nothing."""
        with self._lock, write_transaction(self.db):
            self.db.execute(
                "UPDATE digest_deliveries SET parts_sent = max(parts_sent, ?),"
                " message_id = CASE WHEN ? = 0 THEN ? ELSE message_id END"
                " WHERE subscription_id = ? AND period = ? AND status = ? AND claimed_by IS ?",
                [number + 1, number, message_id, subscription_id, period, CLAIMED, owner],
            )

    def abandoned_claims(self, now: datetime, gone: Callable[[str | None], bool]) -> list[Delivery]:
        """Claims whose owner stopped mid-delivery, oldest first: its lease ran out, or
        `gone(owner)` knows it no longer runs (a process of this host that was killed)."""
        with self._lock:
            rows = list(
                self.db.query(
                    "SELECT *, lease_until IS NULL OR lease_until <= ? AS expired"
                    " FROM digest_deliveries WHERE status = ? ORDER BY scheduled_at",
                    [lease_stamp(now), CLAIMED],
                )
            )
        return [Delivery.from_row(row) for row in rows if row["expired"] or gone(row["claimed_by"])]

    def take_over(
        self,
        claim: Delivery,
        owner: str,
        now: datetime,
        lease_until: datetime,
    ) -> Delivery | None:
        """Make an abandoned claim `owner`'s (its messages posted so far stay counted);
        None when someone else took it over first."""
        with self._lock, write_transaction(self.db):
            cursor = self.db.execute(
                "UPDATE digest_deliveries SET claimed_by = ?, lease_until = ?, claimed_at = ?,"
                " attempts = attempts + 1, late = 1"
                " WHERE subscription_id = ? AND period = ? AND status = ? AND claimed_by IS ?",
                [
                    owner, lease_stamp(lease_until), stamp(now), claim.subscription_id,
                    claim.period, CLAIMED, claim.claimed_by,
                ],
            )  # fmt: skip
            if cursor.rowcount != 1:
                return None
            return self._delivery(claim.subscription_id, claim.period)

    def complete(
        self,
        subscription_id: int,
        period: str,
        status: str,
        now: datetime,
        *,
        message_id: str | None = None,
        revision: int | None = None,
        error: str | None = None,
    ) -> None:
        """Record how a claimed delivery ended; a digest that went out (or was rightly
        skipped) moves the subscription's change log on to the revision it reported."""
        with self._lock, write_transaction(self.db):
            self.db.execute(
                "UPDATE digest_deliveries SET status = ?, completed_at = ?,"
                " message_id = coalesce(?, message_id), revision = ?, error = ?"
                " WHERE subscription_id = ? AND period = ?",
                [status, stamp(now), message_id, revision, error, subscription_id, period],
            )
            if revision is not None and status in (SENT, SKIPPED):
                self.db.execute(
                    "UPDATE digest_subscriptions SET last_revision = max(last_revision, ?)"
                    " WHERE id = ?",
                    [revision, subscription_id],
                )

    def record_missed(
        self, subscription_id: int, period: str, scheduled_at: datetime, nonce: str, now: datetime
    ) -> None:
        """Log a period that was never sent because the bot was down too long."""
        with self._lock, write_transaction(self.db):
            self.db.execute(
                "INSERT INTO digest_deliveries (subscription_id, period, scheduled_at, nonce,"
                " status, claimed_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (subscription_id, period) DO NOTHING",
                [
                    subscription_id,
                    period,
                    stamp(scheduled_at),
                    nonce,
                    MISSED,
                    stamp(now),
                    stamp(now),
                ],
            )

    def hold_lease(self, name: str, holder: str, now: datetime, until: datetime) -> bool:
        """Take the lease `name` for `holder` until `until`, or renew it; False while
        another holder's lease has not run out."""
        with self._lock, write_transaction(self.db):
            cursor = self.db.execute(
                "INSERT INTO bot_leases (name, holder, until, taken_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,"
                " until = excluded.until, taken_at = CASE WHEN bot_leases.holder ="
                " excluded.holder THEN bot_leases.taken_at ELSE excluded.taken_at END"
                " WHERE bot_leases.holder = excluded.holder OR bot_leases.until <= ?",
                [name, holder, lease_stamp(until), lease_stamp(now), lease_stamp(now)],
            )
            return cursor.rowcount == 1

    def take_lease_from(
        self, name: str, gone: str, holder: str, now: datetime, until: datetime
    ) -> bool:
        """Take the lease `name` from `gone`, a holder known to have stopped, before its
        lease runs out; False when it is no longer `gone`'s."""
        with self._lock, write_transaction(self.db):
            cursor = self.db.execute(
                "UPDATE bot_leases SET holder = ?, until = ?, taken_at = ?"
                " WHERE name = ? AND holder = ?",
                [holder, lease_stamp(until), lease_stamp(now), name, gone],
            )
            return cursor.rowcount == 1

    def release_lease(self, name: str, holder: str) -> None:
        """Give the lease up at once (a clean stop), so another process need not wait."""
        with self._lock, write_transaction(self.db):
            self.db.execute("DELETE FROM bot_leases WHERE name = ? AND holder = ?", [name, holder])

    def lease_holder(self, name: str) -> tuple[str, datetime] | None:
        """Who holds the lease `name` and until when (it may have run out)."""
        with self._lock:
            row = self.db.execute(
                "SELECT holder, until FROM bot_leases WHERE name = ?", [name]
            ).fetchone()
        return (row[0], datetime.fromisoformat(row[1])) if row else None

    def deliveries(self, subscription_id: int, limit: int | None = None) -> list[Delivery]:
        """The delivery log of a subscription, newest period first."""
        sql = "SELECT * FROM digest_deliveries WHERE subscription_id = ? ORDER BY scheduled_at DESC"
        params: list[Any] = [subscription_id]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        with self._lock:
            return [Delivery.from_row(row) for row in self.db.query(sql, params)]
