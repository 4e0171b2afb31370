"""A writer killed with SIGKILL at random moments never leaves a half-applied change.

After each kill: `check` passes (integrity, foreign keys, search documents, and every
row the log touched is as its last revision left it); every revision id the writer
printed after its commit is in the store; and replaying the whole log over the seeded
data set gives exactly the rows the store holds, so no change landed without its
revision and no revision without its change.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import sqlite_utils

from store.fact_store import FactStore
from tests.edit_helpers import FACT_TABLES, snapshot

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 4


def _replayed(seeded_db: Path, store: FactStore) -> dict[str, dict[Any, dict[str, Any]]]:
    """The rows the seeded data set and every revision since say the store should hold."""
    seeded = sqlite_utils.Database(sqlite3.connect(seeded_db))
    try:
        state = {
            table: {row["id"]: row for row in seeded.query(f"SELECT * FROM {table}")}
            for table in FACT_TABLES
        }
    finally:
        seeded.conn.close()
    for revision in store.revisions_since(1):
        for change in revision.changes:
            if change.after is None:
                del state[change.table][change.row_id]
            else:
                state[change.table][change.row_id] = change.after
    return state


def _run_and_kill(db_path: Path, seed: int, delay: float) -> list[int]:
    """Start the writer, let it commit for `delay` seconds, SIGKILL it; the ids it printed."""
    writer = subprocess.Popen(
        [sys.executable, "-m", "tests.crash_writer", str(db_path), str(seed)],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    assert writer.stdout is not None
    first = writer.stdout.readline()  # it is writing now
    time.sleep(delay)
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    return [int(first), *(int(line) for line in writer.stdout.read().split())]


def test_sigkill_at_random_points_loses_nothing_and_splits_nothing(
    store: FactStore, seeded_db: Path
) -> None:
    store.close()
    rng = random.Random(20251101)
    printed: list[int] = []
    for seed in range(ROUNDS):
        printed += _run_and_kill(store.path, seed, rng.uniform(0.05, 0.6))
        reopened = FactStore.open(store.path)
        try:
            assert reopened.check() == []
            stored = {r.id for r in reopened.revisions_since(0)}
            assert set(printed) <= stored
            current = snapshot(reopened)
            assert {t: current[t] for t in FACT_TABLES} == _replayed(seeded_db, reopened)
        finally:
            reopened.close()
    assert len(set(printed)) > ROUNDS, "the writer committed between kills"
    cli = subprocess.run(
        [sys.executable, "-m", "store", "--db", str(store.path), "check"],
        capture_output=True, text=True, timeout=60, check=False, cwd=ROOT,
    )  # fmt: skip
    assert cli.returncode == 0, cli.stderr
