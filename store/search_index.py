"""Keeping the full-text documents in step with the facts they are made from.

The documents are maintained here, in Python, inside each write's transaction, rather
than by SQL triggers on the fact tables: the text needs normalising (NFC, case folding,
one space between characters) that plain SQLite cannot do, and a trigger calling a
Python function would break every other tool that opens the file. `check` verifies the
documents against the facts, so drift cannot go unnoticed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import sqlite_utils

from store.hangul import name_key, nfc
from store.money import format_won_ko

# How much a hit in each field counts when ranking entities.
FIELD_WEIGHTS = {"name": 10, "alias": 8, "summary": 3, "fact": 2, "milestone": 2}


def spaced(compact: str) -> str:
    """One space between characters, so unicode61 makes each character a token."""
    return " ".join(compact)


def _document(
    entity_id: str, field: str, text: str | None, ref_id: int | None = None
) -> Iterator[dict[str, Any]]:
    if not text:
        return
    text = nfc(text)
    compact = name_key(text)
    if compact:
        yield {
            "entity_id": entity_id,
            "field": field,
            "ref_id": ref_id,
            "weight": FIELD_WEIGHTS[field],
            "text": text,
            "compact": compact,
            "chars": spaced(compact),
        }


def entity_documents(db: sqlite_utils.Database, entity_id: str) -> list[dict[str, Any]]:
    """Every searchable text of one entity: names, aliases, summaries, facts, milestones."""
    docs: list[dict[str, Any]] = []
    (entity,) = db.query("SELECT * FROM entities WHERE id = ?", [entity_id])
    for row in db.query(
        "SELECT alias, kind FROM aliases WHERE entity_id = ? ORDER BY id", [entity_id]
    ):
        field = "alias" if row["kind"] == "alias" else "name"
        docs.extend(_document(entity_id, field, row["alias"]))
    for text in (entity["summary_ko"], entity["summary_en"]):
        docs.extend(_document(entity_id, "summary", text))
    for fact in db.query(
        "SELECT * FROM facts WHERE entity_id = ? AND rank != 'deprecated' ORDER BY id", [entity_id]
    ):
        docs.extend(_document(entity_id, "fact", _fact_text(fact), fact["id"]))
    for milestone in db.query(
        "SELECT * FROM milestones WHERE entity_id = ? ORDER BY id", [entity_id]
    ):
        text = " / ".join(t for t in (milestone["title_ko"], milestone["title_en"]) if t)
        docs.extend(_document(entity_id, "milestone", text, milestone["id"]))
    return docs


def _fact_text(fact: dict[str, Any]) -> str:
    parts: Iterable[str | None] = (
        fact["value_text"],
        fact["value_text_en"],
        format_won_ko(fact["value_money"]) if fact["value_money"] is not None else None,
        fact["value_date_text"],
        fact["role_ko"],
        fact["role_en"],
        fact["note_ko"],
        fact["note_en"],
    )
    return " / ".join(p for p in parts if p)


def reindex_entities(db: sqlite_utils.Database, entity_ids: Iterable[str]) -> None:
    """Replace the documents of these entities; call inside the write's transaction."""
    for entity_id in dict.fromkeys(entity_ids):
        db.execute("DELETE FROM search_docs WHERE entity_id = ?", [entity_id])
        exists = db.execute("SELECT 1 FROM entities WHERE id = ?", [entity_id]).fetchone()
        if exists:
            db["search_docs"].insert_all(entity_documents(db, entity_id))


def rebuild_search(db: sqlite_utils.Database) -> None:
    """Rebuild every document from scratch (used after a bulk load)."""
    db.execute("DELETE FROM search_docs")
    ids = [row[0] for row in db.execute("SELECT id FROM entities ORDER BY id")]
    reindex_entities(db, ids)
