"""Is the store file readable right now? One cheap read, on a connection of its own.

A health check must not queue behind the store's own lock (a long import holds it) and
must notice what that connection cannot: its file moved, deleted or unmounted under a
running process, whose open descriptor still reads the old inode. So it opens the path
afresh, read-only, and reads the newest revision id through the primary key.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import sqlite_utils

from store.revisions import latest_revision_id

# A reader never waits for a writer in WAL mode; this only covers a checkpoint's moment.
PROBE_TIMEOUT_S = 2.0


def probe_revision(path: str | Path) -> int:
    """The newest revision id read from the file at `path`; raises `sqlite3.Error` when the
    file is missing, is not a database, or lacks the revisions table. Never creates or
    changes the file."""
    uri = f"{Path(path).resolve().as_uri()}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True, timeout=PROBE_TIMEOUT_S)) as conn:
        return latest_revision_id(sqlite_utils.Database(conn, execute_plugins=False))
