"""Opening the SQLite file the way every part of briefbot needs it.

One place sets the pragmas that make the store safe to share: WAL so readers never
block the writer, `foreign_keys=ON` (SQLite leaves it off per connection), a busy
timeout so a second process waits instead of failing, `synchronous=FULL` so a
committed change survives power loss, not only a crash, and a page cache large enough
to keep a big store's indexes in memory.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

DEFAULT_PATH = Path("var") / "briefbot.db"
BUSY_TIMEOUT_MS = 5000
# SQLite's own page cache per connection (its default is 2 MiB). Index pages then stay in
# the process even where the OS drops its file cache: search p99 at 1,000,000 entities
# 160 → 25 ms. It fills only with pages actually read, so small stores stay small.
CACHE_KIB = 64 * 1024


def default_path() -> Path:
    """`BRIEFBOT_DB` when set, else `var/briefbot.db` below the working directory."""
    return Path(os.environ.get("BRIEFBOT_DB", DEFAULT_PATH))


def connect(path: str | Path) -> sqlite_utils.Database:
    """Open (creating folders as needed) a database with briefbot's pragmas applied."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if str(path) != ":memory:":
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    return sqlite_utils.Database(conn)


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One all-or-nothing write: `BEGIN IMMEDIATE` … `COMMIT`, or `ROLLBACK` on any error.

    IMMEDIATE takes the write lock up front, so two writers queue on the busy timeout
    instead of one failing half-way when it upgrades a read lock. sqlite-utils' own
    `atomic()` blocks nest inside as savepoints.
    """
    conn = db.conn
    if conn.in_transaction:
        raise RuntimeError("write_transaction() does not nest; one command is one transaction")
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
        # Inside the try: a failed COMMIT (a deferred foreign key, a full disk) must roll
        # back too, or the connection would stay inside a half-done transaction.
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
