"""Keeping the full-text documents in step with the facts they are made from.

The documents are maintained here, in Python, inside each write's transaction, rather
than by SQL triggers on the fact tables: the text needs normalising (NFC, case folding,
one space between characters) that plain SQLite cannot do, and a trigger calling a
Python function would break every other tool that opens the file. `check` verifies the
documents against the facts, so drift cannot go unnoticed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlite_utils

from store.hangul import nfc, search_key
from store.money import format_won_ko

# Stands for a space between two words in `chars`: unicode61 drops spaces, so without a
# token of its own a one- or two-letter phrase could match across the boundary. A
# private-use character is a token that no query contains.
WORD_BOUNDARY = "\ue000"
# How much a hit in each field counts when ranking entities.
FIELD_WEIGHTS = {"name": 10, "alias": 8, "summary": 3, "fact": 2, "milestone": 2}


def spaced(compact: str) -> str:
    """One space between characters, so unicode61 makes each character a token; a space
    between words becomes the boundary token, so a phrase never spans two words."""
    return " ".join(compact.replace(" ", WORD_BOUNDARY))


def _document(
    entity_id: str, field: str, text: str | None, ref_id: int | None = None
) -> Iterator[dict[str, Any]]:
    if not text:
        return
    text = nfc(text)
    compact = search_key(text)
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


def _entity_docs(
    entity: dict[str, Any],
    aliases: Iterable[dict[str, Any]],
    facts: Iterable[dict[str, Any]],
    milestones: Iterable[dict[str, Any]],
) -> list[dict[str, Any]]:
    """The documents of one entity from its rows, each group in id order; one place for both paths."""
    entity_id = entity["id"]
    docs: list[dict[str, Any]] = []
    for row in aliases:
        field = "alias" if row["kind"] == "alias" else "name"
        docs.extend(_document(entity_id, field, row["alias"]))
    for text in (entity["summary_ko"], entity["summary_en"]):
        docs.extend(_document(entity_id, "summary", text))
    for fact in facts:
        docs.extend(_document(entity_id, "fact", _fact_text(fact), fact["id"]))
    for milestone in milestones:
        text = " / ".join(t for t in (milestone["title_ko"], milestone["title_en"]) if t)
        docs.extend(_document(entity_id, "milestone", text, milestone["id"]))
    return docs


def entity_documents(db: sqlite_utils.Database, entity_id: str) -> list[dict[str, Any]]:
    """Every searchable text of one entity: names, aliases, summaries, facts, milestones."""
    (entity,) = db.query("SELECT * FROM entities WHERE id = ?", [entity_id])
    return _entity_docs(
        entity,
        db.query("SELECT alias, kind FROM aliases WHERE entity_id = ? ORDER BY id", [entity_id]),
        db.query(
            "SELECT * FROM facts WHERE entity_id = ? AND rank != 'deprecated' ORDER BY id",
            [entity_id],
        ),
        db.query("SELECT * FROM milestones WHERE entity_id = ? ORDER BY id", [entity_id]),
    )


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


def _grouped(
    db: sqlite_utils.Database, sql: str, ids: list[str]
) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for row in db.query(sql.format(marks=", ".join("?" * len(ids))), ids):
        out.setdefault(row["entity_id"], []).append(row)
    return out


def _all_documents(db: sqlite_utils.Database, chunk: int) -> Iterator[tuple[Any, ...]]:
    """Every entity's documents in entity id order, reading rows a chunk of entities at a time."""
    ids = [row[0] for row in db.execute("SELECT id FROM entities ORDER BY id")]
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        entities = _grouped(
            db, "SELECT *, id AS entity_id FROM entities WHERE id IN ({marks})", part
        )
        aliases = _grouped(
            db,
            "SELECT entity_id, alias, kind FROM aliases WHERE entity_id IN ({marks}) ORDER BY id",
            part,
        )
        facts = _grouped(
            db,
            "SELECT * FROM facts WHERE entity_id IN ({marks}) AND rank != 'deprecated' ORDER BY id",
            part,
        )
        milestones = _grouped(
            db, "SELECT * FROM milestones WHERE entity_id IN ({marks}) ORDER BY id", part
        )
        for entity_id in part:
            docs = _entity_docs(
                entities[entity_id][0],
                aliases.get(entity_id, []),
                facts.get(entity_id, []),
                milestones.get(entity_id, []),
            )
            for d in docs:
                yield (d["entity_id"], d["field"], d["ref_id"], d["weight"], d["text"],
                       d["compact"], d["chars"])  # fmt: skip


@contextmanager
def _triggers_dropped(db: sqlite_utils.Database, table: str) -> Iterator[None]:
    """Drop `table`'s triggers and create them again, exactly as stored, afterwards.

    SQLite cannot switch triggers off for one connection on Python 3.11, and the
    transaction around a rebuild makes the pair all-or-nothing.
    """
    triggers = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", [table]
    ).fetchall()
    for name, _ in triggers:
        db.execute(f'DROP TRIGGER "{name}"')
    yield
    for _, sql in triggers:
        db.execute(sql)


def rebuild_search(db: sqlite_utils.Database, *, chunk: int = 500) -> None:
    """Rebuild every document from scratch (used after a bulk load); call inside a transaction.

    Rows are inserted with the table's triggers dropped and each FTS index is then built
    in one `rebuild` pass: feeding FTS5 row by row through the triggers is about ten times
    slower (10.6 s against 1.1 s for 130,000 documents). The kept row count is set after.
    """
    if not db.conn.in_transaction:
        raise RuntimeError("rebuild_search() runs inside the caller's write transaction")
    with _triggers_dropped(db, "search_docs"):
        db.execute("DELETE FROM search_docs")
        db.conn.executemany(
            "INSERT INTO search_docs (entity_id, field, ref_id, weight, text, compact, chars)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            _all_documents(db, chunk),
        )
    # The dropped triggers included the kept row count's (migration 007): count once.
    db.execute(
        'INSERT OR REPLACE INTO _counts ("table", count)'
        " SELECT 'search_docs', count(*) FROM search_docs"
    )
    for table in ("search_trigram", "search_chars"):
        db.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")
