"""Migrations, pragmas and the append-only revision log, on real database files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from store.db import connect, write_transaction
from store.fact_store import FactStore
from store.revisions import Change, record_revision
from store.schema import MIGRATIONS, migrate


def test_every_migration_applies_to_an_empty_database(tmp_path: Path) -> None:
    db = connect(tmp_path / "empty.db")
    migrate(db)
    applied = [m.name for m in MIGRATIONS.applied(db)]
    assert applied == [m.name for m in MIGRATIONS._migrations]
    assert applied == sorted(applied), "migrations are numbered and applied in order"
    for table in (
        "revisions",
        "sources",
        "entities",
        "aliases",
        "attributes",
        "facts",
        "milestones",
        "search_docs",
    ):
        assert db[table].exists()
    migrate(db)  # a second run finds nothing pending and changes nothing
    assert [m.name for m in MIGRATIONS.applied(db)] == applied


def test_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    db = connect(tmp_path / "pragmas.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000


def test_foreign_keys_are_enforced(store: FactStore) -> None:
    with pytest.raises(sqlite3.IntegrityError), write_transaction(store.db):
        store.db.execute(
            "INSERT INTO facts (entity_id, attribute, value_text, source_id, created_rev)"
            " VALUES ('no-such-entity', 'goal', 'x', 'no-such-source', 1)"
        )


def test_loading_the_data_set_is_revision_one(store: FactStore) -> None:
    first = store.db.execute(
        "SELECT id, action, actor FROM revisions ORDER BY id LIMIT 1"
    ).fetchone()
    assert first == (1, "dataset.load", "dataset")
    assert store.db.execute("SELECT count(DISTINCT created_rev) FROM facts").fetchone()[0] == 1


@pytest.mark.parametrize(
    "statement",
    ["UPDATE revisions SET actor = 'mallory' WHERE id = 1", "DELETE FROM revisions WHERE id = 1"],
)
def test_revisions_cannot_be_altered(store: FactStore, statement: str) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.execute(statement)
    assert store.db.execute("SELECT actor FROM revisions WHERE id = 1").fetchone()[0] == "dataset"


def test_a_failed_write_leaves_no_revision_behind(store: FactStore) -> None:
    before = store.revision()
    with pytest.raises(sqlite3.IntegrityError), write_transaction(store.db):
        record_revision(
            store.db, actor="test", action="fact.set", changes=[Change("facts", 1, None, {})]
        )
        store.db.execute("INSERT INTO facts (entity_id) VALUES ('etri')")  # violates NOT NULL
    assert store.revision() == before


def test_a_second_open_does_not_seed_again(db_path: Path) -> None:
    FactStore.open(db_path).close()
    reopened = FactStore.open(db_path)
    assert reopened.db.execute("SELECT count(*) FROM revisions").fetchone()[0] == 1
    reopened.close()


def test_revisions_since_lists_newer_revisions_oldest_first(store) -> None:
    first = store.revision()
    assert [r.id for r in store.revisions_since(0)] == list(range(1, first + 1))
    assert store.revisions_since(first) == []
    assert [r.action for r in store.revisions_since(0, limit=1)] == ["dataset.load"]


def test_a_failed_commit_rolls_back_and_leaves_the_connection_usable(store) -> None:
    """A deferred foreign key fails at COMMIT: nothing is written and the next write works."""
    before = store.db.execute("SELECT count(*) FROM aliases").fetchone()[0]
    try:
        with write_transaction(store.db):
            store.db.execute("PRAGMA defer_foreign_keys = ON")
            store.db.execute(
                "INSERT INTO aliases (entity_id, alias, kind, key, choseong)"
                " VALUES ('no-such-entity', 'x', 'alias', 'x', '')"
            )
    except sqlite3.IntegrityError:
        pass
    else:
        raise AssertionError("the commit should have failed")
    assert not store.db.conn.in_transaction
    assert store.db.execute("SELECT count(*) FROM aliases").fetchone()[0] == before
    with write_transaction(store.db):
        store.db.execute("INSERT INTO meta (key, value) VALUES ('probe', '1')")


def test_a_store_of_the_previous_release_gains_milestone_sources_keeping_every_row(
    tmp_path: Path,
) -> None:
    """Migrations 017 and 018 on a store whose rows were written before them (by the
    previous release's schema): every row stays, the milestone cites its one source, and
    the readable view lists it once."""
    db = connect(tmp_path / "release-2.db")
    with write_transaction(db):
        MIGRATIONS.apply(db, stop_before="017_milestone_sources")
        for statement in (
            "INSERT INTO revisions (id, at, actor, action) VALUES (1, '2026-05-04', 'dataset', 'dataset.load')",
            "INSERT INTO sources (id, publisher, title, published_text, published_edtf,"
            " published_precision, published_earliest, published_latest, created_rev)"
            " VALUES ('s', '매체', '(제목 미확인)', '2026년 1월', '2026-01', 'month',"
            " '2026-01-01', '2026-01-31', 1)",
            "INSERT INTO entities (id, class, kind, name_ko, source_id, created_rev)"
            " VALUES ('e', 'program', 'project', '사업', 's', 1)",
            "INSERT INTO milestones (entity_id, title_ko, date_text, date_edtf, precision,"
            " earliest, latest, status, source_id, created_rev)"
            " VALUES ('e', '착수', '2026년 1월', '2026-01', 'month', '2026-01-01', '2026-01-31',"
            " 'done', 's', 1)",
        ):
            db.execute(statement)
    before = {t: list(db.query(f"SELECT * FROM {t}")) for t in ("milestones", "sources")}
    migrate(db)
    assert list(db.query("SELECT * FROM milestones")) == before["milestones"]
    assert list(db.query("SELECT * FROM sources")) == [
        {**row, "title_en": None} for row in before["sources"]
    ]
    listed = db.execute("SELECT milestone_id, source_id FROM readable_milestones").fetchall()
    assert listed == [(before["milestones"][0]["id"], "s")]
    assert db.execute("SELECT count(*) FROM milestone_sources").fetchone()[0] == 0
