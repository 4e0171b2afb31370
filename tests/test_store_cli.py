"""`python -m store` run as a real process against a real file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import copy_database


@pytest.fixture
def db_path(db_path: Path, seeded_db: Path) -> Path:
    """A seeded store: the store CLI never creates one (see test_store_faults.py)."""
    copy_database(seeded_db, db_path)
    return db_path


def _run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "store", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_stats_json_reports_counts(db_path: Path) -> None:
    result = _run(db_path, "stats", "--json")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["tables"]["entities"] > 50
    assert stats["facts_without_source"] == 0
    assert stats["milestones_by_status"]["done"] > 0


def test_check_passes_on_a_fresh_store_and_fails_on_a_broken_one(db_path: Path) -> None:
    assert _run(db_path, "check").returncode == 0
    import sqlite3

    conn = sqlite3.connect(db_path)
    conn.execute("DELETE FROM search_docs WHERE id IN (SELECT id FROM search_docs LIMIT 3)")
    conn.commit()
    conn.close()
    broken = _run(db_path, "check")
    assert broken.returncode == 1
    assert "out of date" in broken.stderr


def test_export_writes_loadable_yaml(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "export.yaml"
    assert _run(db_path, "export", "--output", str(out)).returncode == 0
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert len(data["entities"]) > 50


def test_backup_is_a_consistent_copy(db_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "backup" / "copy.db"
    assert _run(db_path, "backup", str(copy)).returncode == 0
    assert _run(copy, "check").returncode == 0
