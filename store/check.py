"""Integrity checks and statistics, for `python -m store check` / `stats` and for `/about`."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from store.conflicts import rows_out_of_step_with_log
from store.dates import FuzzyDate
from store.errors import InvalidInput
from store.fact_sources import citation_problems
from store.search_index import entity_documents

_REQUIRED_TRIGGERS = ("revisions_append_only_update", "revisions_append_only_delete")
_SOURCED_TABLES = ("entities", "facts", "milestones")


def store_stats(db: sqlite_utils.Database) -> dict[str, Any]:
    """Counts per table and kind, unsourced facts, milestones by status, data set version."""

    def grouped(sql: str) -> dict[str, int]:
        return {row[0]: row[1] for row in db.execute(sql)}

    tables = (
        "sources",
        "entities",
        "aliases",
        "attributes",
        "facts",
        "milestones",
        "revisions",
        "search_docs",
    )
    meta = {row["key"]: row["value"] for row in db.query("SELECT * FROM meta")}
    newest = db.execute(
        "SELECT published_latest FROM sources ORDER BY published_latest DESC LIMIT 1"
    ).fetchone()
    return {
        "tables": {t: db[t].count for t in tables},
        "entities_by_class": grouped(
            "SELECT class, count(*) FROM entities GROUP BY class ORDER BY class"
        ),
        "entities_by_kind": grouped(
            "SELECT kind, count(*) FROM entities GROUP BY kind ORDER BY kind"
        ),
        "facts_by_rank": grouped("SELECT rank, count(*) FROM facts GROUP BY rank ORDER BY rank"),
        "facts_without_source": db.execute(
            "SELECT count(*) FROM facts f LEFT JOIN sources s ON s.id = f.source_id WHERE s.id IS NULL"
        ).fetchone()[0],
        "milestones_by_status": grouped(
            "SELECT status, count(*) FROM milestones GROUP BY status ORDER BY status"
        ),
        "dataset_version": meta.get("dataset_version"),
        "newest_source_date": newest[0] if newest else None,
    }


def check_store(db: sqlite_utils.Database, *, deep: bool = True) -> list[str]:
    """Every problem found, as sentences; an empty list means the store is sound.

    `deep` also rebuilds every entity's search documents in memory and compares them
    with the stored ones, and replays the revision log against every row it touched
    (slow on very large stores).
    """
    problems: list[str] = []
    integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    if integrity != "ok":
        problems.append(f"SQLite integrity check: {integrity}")
    for row in db.execute("PRAGMA foreign_key_check"):
        problems.append(f"foreign key: {row[0]} row {row[1]} points at a missing {row[2]}")
    for table in _SOURCED_TABLES:
        missing = db.execute(
            f"SELECT count(*) FROM {table} t LEFT JOIN sources s ON s.id = t.source_id WHERE s.id IS NULL"
        ).fetchone()[0]
        if missing:
            problems.append(f"{missing} {table} rows have no source")
    triggers = {
        row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    }
    for name in _REQUIRED_TRIGGERS:
        if name not in triggers:
            problems.append(f"trigger {name} is missing: the revision log could be altered")
    for table in ("search_trigram", "search_chars", "alias_trigram"):
        try:
            db.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
        except Exception as exc:
            problems.append(f"full-text index {table} is inconsistent: {exc}")
    problems += citation_problems(db)
    problems += _check_dates(db)
    if deep:
        problems += _check_search_documents(db)
        problems += rows_out_of_step_with_log(db)
    if not db.execute(
        "SELECT 1 FROM revisions WHERE id = 1 AND action = 'dataset.load'"
    ).fetchone():
        problems.append("revision 1 is not the data set load")
    return problems


def _check_dates(db: sqlite_utils.Database) -> list[str]:
    problems = []
    for row in db.query(
        "SELECT id, date_text, date_edtf, precision, earliest, latest FROM milestones"
    ):
        try:
            parsed = FuzzyDate.from_edtf(row["date_text"], row["date_edtf"], row["precision"])
        except InvalidInput as exc:
            problems.append(f"milestone {row['id']}: {exc.en}")
            continue
        window = (
            parsed.earliest and parsed.earliest.isoformat(),
            parsed.latest and parsed.latest.isoformat(),
        )
        if window != (row["earliest"], row["latest"]):
            problems.append(
                f"milestone {row['id']}: stored window {row['earliest']}..{row['latest']} does not match {row['date_edtf']}"
            )
    return problems


def _check_search_documents(db: sqlite_utils.Database) -> list[str]:
    problems = []
    stored: dict[str, list[tuple[str, str, str]]] = {}
    for row in db.query("SELECT entity_id, field, text, compact FROM search_docs ORDER BY id"):
        stored.setdefault(row["entity_id"], []).append((row["field"], row["text"], row["compact"]))
    for (entity_id,) in db.execute("SELECT id FROM entities ORDER BY id"):
        expected = [(d["field"], d["text"], d["compact"]) for d in entity_documents(db, entity_id)]
        if stored.pop(entity_id, []) != expected:
            problems.append(f"search documents of {entity_id} are out of date")
    for entity_id in stored:
        problems.append(f"search documents left over for missing entity {entity_id}")
    return problems
