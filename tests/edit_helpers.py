"""Helpers shared by the edit, history, import and crash tests."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from store.errors import InvalidInput
from store.fact_store import FactStore

ACTOR = "console:test"
SOURCE = "byline-2025-foundation-kickoff"
PROJECT = "sovereign-ai-foundation-model"
LAB = "national-ai-research-lab"
# The tables an edit may write; search documents are compared by content, not row id.
FACT_TABLES = (
    "sources", "attributes", "entities", "aliases", "facts", "fact_sources", "milestones",
    "milestone_sources",
)  # fmt: skip


def file_digests(db_path: Path) -> tuple[str, ...]:
    """SHA-256 of the database file and its write-ahead log (empty when there is none)."""
    return tuple(
        hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else ""
        for p in (db_path, db_path.with_name(db_path.name + "-wal"))
    )


@contextmanager
def refused(
    store: FactStore, error: type[InvalidInput] = InvalidInput
) -> Iterator[pytest.ExceptionInfo[InvalidInput]]:
    """Expect `error`, and the database and WAL files byte-for-byte as they were."""
    before = file_digests(store.path)
    with pytest.raises(error) as info:
        yield info
    assert file_digests(store.path) == before


def snapshot(store: FactStore) -> dict[str, Any]:
    """Every row of every fact table, and the search documents by content."""
    tables: dict[str, Any] = {
        table: {row["id"]: row for row in store.db.query(f"SELECT * FROM {table}")}
        for table in FACT_TABLES
    }
    tables["search_docs"] = sorted(
        (r["entity_id"], r["field"], r["text"])
        for r in store.db.query("SELECT entity_id, field, text FROM search_docs")
    )
    return tables
