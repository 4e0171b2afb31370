"""Counts kept, not counted (migration 007): `/about` and start-up cost the same at any size.

What is measured is the work SQLite does, in virtual-machine steps, not time: the same
statistics on a store with thousands more rows must take the same number of steps
(which a GROUP BY or a join over the rows would not), and a kept count that was
tampered with shows in them (which a `count(*)` would not).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import sqlite_utils
from conftest import copy_database

from store.dataset import export_dataset
from store.db import write_transaction
from store.fact_store import FactStore
from tests.edit_helpers import ACTOR, LAB, PROJECT, SOURCE

_GROUPS = {
    "entities_by_class": "SELECT class, count(*) FROM entities GROUP BY class ORDER BY class",
    "entities_by_kind": "SELECT kind, count(*) FROM entities GROUP BY kind ORDER BY kind",
    "facts_by_rank": "SELECT rank, count(*) FROM facts GROUP BY rank ORDER BY rank",
    "milestones_by_status": "SELECT status, count(*) FROM milestones GROUP BY status ORDER BY status",
}


def _counted(store: FactStore) -> dict[str, Any]:
    """The statistics as they were computed before migration 007: by counting."""
    stats = store.stats()
    counted = {
        "tables": {
            t: store.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in stats["tables"]
        },
        **{name: dict(store.db.execute(sql).fetchall()) for name, sql in _GROUPS.items()},
        "facts_without_source": store.db.execute(
            "SELECT count(*) FROM facts f LEFT JOIN sources s ON s.id = f.source_id WHERE s.id IS NULL"
        ).fetchone()[0],
    }
    return {**stats, **counted}


def _steps(store: FactStore) -> int:
    """SQLite virtual-machine instructions one `stats()` executes."""
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    store.db.conn.set_progress_handler(count, 1)
    try:
        store.stats()
    finally:
        store.db.conn.set_progress_handler(None, 1)
    return steps


def test_stats_do_not_grow_with_the_store(store: FactStore) -> None:
    before = _steps(store)
    with write_transaction(store.db):
        store.db.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)"
            " INSERT INTO entities (id, class, kind, name_ko, source_id, created_rev)"
            " SELECT 'bulk-' || i, 'institution', 'company', '기업 ' || i, ?, 1 FROM n",
            [SOURCE],
        )
        store.db.execute(
            "INSERT INTO facts (entity_id, attribute, value_text, source_id, created_rev)"
            " SELECT id, 'goal', '목표', ?, 1 FROM entities WHERE id LIKE 'bulk-%'",
            [SOURCE],
        )
    assert store.stats() == _counted(store)
    assert _steps(store) == before


def test_every_kind_of_write_keeps_the_counts(store: FactStore) -> None:
    store.set_fact(entity=PROJECT, attribute="budget", value="2200억원", source=SOURCE, actor=ACTOR)
    store.retire_fact(entity=LAB, attribute="location", reason="이전", actor=ACTOR)
    added = store.add_milestone(
        entity=LAB, title="중간 평가", date="2026년 상반기", source=SOURCE, actor=ACTOR
    )
    done = store.set_milestone_status(int(added.row_id), "done", actor=ACTOR)
    store.add_entity(
        kind="company", name_ko="새 기업", aliases="새회사", source=SOURCE, actor=ACTOR
    )
    store.add_alias(entity="ETRI", alias="전자연", actor=ACTOR)
    source = store.add_source(title="기사", publisher="매체", published="2025년 9월", actor=ACTOR)
    store.revert(source.revision, actor=ACTOR)
    store.revert(done.revision, actor=ACTOR)
    edited = export_dataset(store.db)
    edited["entities"][0]["summary"] = {"ko": "바뀐 요약"}
    edited["entities"][0]["facts"].pop()
    store.import_dataset(edited, actor="import:edit.yaml")
    assert store.stats() == _counted(store)
    assert store.check() == []


def test_a_store_made_before_the_counts_is_counted_once_on_opening(
    seeded_db: Path, tmp_path: Path
) -> None:
    old = tmp_path / "old.db"
    copy_database(seeded_db, old)
    conn = sqlite3.connect(old)
    triggers = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%counts%'"
        )
    ]
    for name in triggers:
        conn.execute(f'DROP TRIGGER "{name}"')
    conn.execute("DROP TABLE _counts")
    conn.execute("DROP TABLE _value_counts")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = '007_counts'")
    conn.commit()
    conn.close()
    store = FactStore.open(old, create=False)
    try:
        assert store.stats() == _counted(store)
        assert store.stats()["tables"]["entities"] > 50
        assert store.check() == []
    finally:
        store.close()


def test_check_reports_counts_that_drifted(store: FactStore) -> None:
    facts = store.stats()["tables"]["facts"]
    with write_transaction(store.db):
        store.db.execute("UPDATE _counts SET count = count + 2 WHERE \"table\" = 'facts'")
        store.db.execute(
            "UPDATE _value_counts SET count = 0 WHERE \"table\" = 'milestones' AND value = 'done'"
        )
        store.db.execute("DROP TRIGGER aliases_counts_insert")
    assert store.stats()["tables"]["facts"] == facts + 2, "read from the kept counts"
    problems = store.check(deep=False)
    assert f"kept count of facts is {facts + 2}, but it has {facts} rows" in problems
    assert any(p.startswith("kept counts of milestones by status") for p in problems)
    assert "trigger aliases_counts_insert is missing: its count will drift" in problems


def test_sqlite_utils_reads_the_same_kept_counts(store: FactStore) -> None:
    tools = sqlite_utils.Database(store.path, use_counts_table=True)
    try:
        assert tools["facts"].has_counts_triggers
        assert tools["facts"].count == store.stats()["tables"]["facts"]
    finally:
        tools.conn.close()
