"""Integrity checks and statistics, for `python -m store check` / `stats` and for `/about`.

Statistics read the counts the schema keeps (migration 007), so they cost the same at
any size. The check recounts everything and compares, and reads every stored date,
number and link the way the cards will, so a row a reader would choke on is reported
here rather than found by a user.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Callable
from typing import Any

import sqlite_utils

from store.citations import citation_problems
from store.conflicts import rows_out_of_step_with_log
from store.dates import FuzzyDate
from store.db import sqlite_fault
from store.errors import InvalidInput, StoreBusy, StoreReadOnly
from store.hangul import choseong, name_key
from store.limits import (
    FACT_TEXT_MAX,
    NAME_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    UNIT_MAX,
    checked_text,
)
from store.model import CONFIDENCES, FACT_STATUSES
from store.rules import (
    CLASS_OF_KIND,
    checked_attribute_id,
    checked_name,
    checked_slug,
    checked_url,
    class_of_kind,
    one_of,
)
from store.search_index import entity_documents

_REVISION_TRIGGERS = ("revisions_append_only_update", "revisions_append_only_delete")
_SOURCED_TABLES = ("entities", "facts", "milestones")
_STATS_TABLES = (
    "sources",
    "entities",
    "aliases",
    "attributes",
    "facts",
    "milestones",
    "revisions",
    "search_docs",
)
# The `stats` sections counted by value, and the column each counts.
_STATS_GROUPS = {
    "entities_by_class": ("entities", "class"),
    "entities_by_kind": ("entities", "kind"),
    "facts_by_rank": ("facts", "rank"),
    "milestones_by_status": ("milestones", "status"),
}
# Sources cited by facts, one index seek per distinct source (SQLite has no skip-scan
# without ANALYZE), then the facts of those that do not exist: bounded by the number of
# sources, not of facts.
_FACTS_WITHOUT_SOURCE = """
WITH RECURSIVE cited(id) AS (
    SELECT min(source_id) FROM facts
    UNION ALL
    SELECT (SELECT min(source_id) FROM facts WHERE source_id > cited.id) FROM cited
    WHERE cited.id IS NOT NULL
)
SELECT coalesce(sum((SELECT count(*) FROM facts WHERE source_id = cited.id)), 0) FROM cited
WHERE cited.id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sources WHERE id = cited.id)
"""


def store_stats(db: sqlite_utils.Database) -> dict[str, Any]:
    """Counts per table and kind, unsourced facts, milestones by status, data set version."""
    kept = dict(db.execute('SELECT "table", count FROM _counts').fetchall())
    by_value: dict[tuple[str, str], dict[str, int]] = {}
    for table, column, value, count in db.execute(
        'SELECT "table", "column", value, count FROM _value_counts WHERE count > 0'
        ' ORDER BY "table", "column", value'
    ):
        by_value.setdefault((table, column), {})[value] = count
    meta = {row["key"]: row["value"] for row in db.query("SELECT * FROM meta")}
    newest = db.execute(
        "SELECT published_latest FROM sources ORDER BY published_latest DESC LIMIT 1"
    ).fetchone()
    groups = {name: by_value.get(key, {}) for name, key in _STATS_GROUPS.items()}
    return {
        "tables": {t: kept.get(t, 0) for t in _STATS_TABLES},
        "entities_by_class": groups["entities_by_class"],
        "entities_by_kind": groups["entities_by_kind"],
        "facts_by_rank": groups["facts_by_rank"],
        "facts_without_source": db.execute(_FACTS_WITHOUT_SOURCE).fetchone()[0],
        "milestones_by_status": groups["milestones_by_status"],
        "dataset_version": meta.get("dataset_version"),
        "newest_source_date": newest[0] if newest else None,
    }


def check_store(db: sqlite_utils.Database, *, deep: bool = True) -> list[str]:
    """Every problem found, as sentences; an empty list means the store is sound.

    `deep` also rebuilds every entity's search documents in memory and compares them
    with the stored ones, replays the revision log against every row it touched, and
    recomputes every alias's matching keys (slow on very large stores).
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
    problems += _check_triggers(db)
    problems += _check_full_text(db)
    problems += _check_counts(db)
    problems += citation_problems(db)
    problems += _check_dates(db)
    problems += _check_values(db)
    if deep:
        problems += _check_fields(db)
        problems += _check_search_documents(db)
        problems += _check_alias_keys(db)
        problems += rows_out_of_step_with_log(db)
    if not db.execute(
        "SELECT 1 FROM revisions WHERE id = 1 AND action = 'dataset.load'"
    ).fetchone():
        problems.append("revision 1 is not the data set load")
    return problems


def _check_triggers(db: sqlite_utils.Database) -> list[str]:
    present = {
        row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    }
    problems = [
        f"trigger {name} is missing: the revision log could be altered"
        for name in _REVISION_TRIGGERS
        if name not in present
    ]
    for table in _STATS_TABLES:
        for event in ("insert", "delete"):
            if f"{table}_counts_{event}" not in present:
                problems.append(f"trigger {table}_counts_{event} is missing: its count will drift")
    return problems


def _check_full_text(db: sqlite_utils.Database) -> list[str]:
    """FTS5's own integrity check of each index against its content table.

    It is issued as a write, which a read-only store refuses: the indexes of a store
    that nobody can change are then not checked rather than reported broken. While
    another process writes, they are reported as not checked.
    """
    problems = []
    for table in ("search_trigram", "search_chars", "alias_trigram"):
        try:
            db.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
        except sqlite3.Error as exc:
            fault = sqlite_fault(exc)
            if isinstance(fault, StoreReadOnly):
                break
            if isinstance(fault, StoreBusy):
                problems.append(f"full-text index {table} not checked: {fault.en}")
            else:
                problems.append(f"full-text index {table} is inconsistent: {exc}")
    return problems


def _check_counts(db: sqlite_utils.Database) -> list[str]:
    """The kept counts against the rows themselves."""
    problems = []
    kept = dict(db.execute('SELECT "table", count FROM _counts').fetchall())
    for table in _STATS_TABLES:
        real = db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        if kept.get(table) != real:
            problems.append(f"kept count of {table} is {kept.get(table)}, but it has {real} rows")
    for table, column in _STATS_GROUPS.values():
        kept_values = dict(
            db.execute(
                'SELECT value, count FROM _value_counts WHERE "table" = ? AND "column" = ?'
                " AND count != 0",
                [table, column],
            ).fetchall()
        )
        real_values = dict(
            db.execute(f"SELECT {column}, count(*) FROM {table} GROUP BY {column}").fetchall()
        )
        if kept_values != real_values:
            problems.append(
                f"kept counts of {table} by {column} {kept_values} differ from its rows {real_values}"
            )
    return problems


@functools.lru_cache(maxsize=4096)
def _date_problem(text: str, edtf: str | None, precision: str) -> str | None:
    """What a reader of this stored date would choke on, or None."""
    try:
        parsed = FuzzyDate.from_edtf(text, edtf, precision)
        parsed.label("ko")
        parsed.label("en")
    except InvalidInput as exc:
        return exc.en
    except Exception as exc:  # anything a label raises is the finding
        return f"its label cannot be built ({type(exc).__name__}: {exc})"
    return None


def _stored_window(text: str, edtf: str | None, precision: str) -> tuple[str | None, str | None]:
    parsed = FuzzyDate.from_edtf(text, edtf, precision)
    return (
        parsed.earliest and parsed.earliest.isoformat(),
        parsed.latest and parsed.latest.isoformat(),
    )


def _check_dates(db: sqlite_utils.Database) -> list[str]:
    """Every stored date reads, labels, and (where a window is stored) matches its EDTF."""
    problems = []
    windowed = (
        (
            "milestone",
            "SELECT id, date_text, date_edtf, precision, earliest, latest FROM milestones",
        ),
        (
            "source",
            "SELECT id, published_text, published_edtf, published_precision,"
            " published_earliest, published_latest FROM sources",
        ),
    )
    for noun, sql in windowed:
        for row_id, text, edtf, precision, earliest, latest in db.execute(sql):
            problem = _date_problem(text, edtf, precision)
            if problem is None and _stored_window(text, edtf, precision) != (earliest, latest):
                problem = f"stored window {earliest}..{latest} does not match {edtf}"
            if problem is not None:
                problems.append(f"{noun} {row_id}: {problem}")
    for fact_id, text, edtf, precision, qualifiers in db.execute(
        "SELECT id, value_date_text, value_date_edtf, value_date_precision, qualifiers"
        " FROM facts WHERE value_date_text IS NOT NULL OR qualifiers != '{}'"
    ):
        dates = [("date", text, edtf, precision)] if text is not None else []
        try:
            dates += [
                (key, q["text"], q["edtf"], q["precision"])
                for key, q in json.loads(qualifiers).items()
            ]
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            problems.append(f"fact {fact_id}: qualifiers cannot be read ({exc})")
        for key, *parts in dates:
            problem = _date_problem(*parts)
            if problem is not None:
                problems.append(f"fact {fact_id} {key}: {problem}")
    return problems


def _check_values(db: sqlite_utils.Database) -> list[str]:
    """Values no card could show truthfully: infinite numbers, fractional or textual
    money, an entity linked to itself."""
    checks = (
        ("value_number is not a finite number", "abs(value_number) > 1.7976931348623157e308"),
        (
            "value_money is not a whole number of won",
            "typeof(value_money) NOT IN ('integer', 'null')",
        ),
        ("links the entity to itself", "value_entity = entity_id"),
    )
    problems = []
    for what, condition in checks:
        for (fact_id,) in db.execute(f"SELECT id FROM facts WHERE {condition}"):
            problems.append(f"fact {fact_id}: {what}")
    return problems


def _name(value: str) -> str | None:
    return checked_name(value, "이름", "name")


def _limited(limit: int) -> Callable[[str], str | None]:
    return functools.partial(checked_text, limit=limit, field_ko="글", field_en="text")


# Every column a person writes, and the check a chat edit of it passes: a stored value
# must pass it unchanged. A row another tool wrote (too long, not normalised, a number
# where text belongs, an unknown kind) is reported, as the import would have refused it.
_FIELD_RULES: dict[str, tuple[tuple[str, Callable[[str], Any]], ...]] = {
    "sources": (
        ("id", checked_slug), ("publisher", _limited(NAME_MAX)),
        ("publisher_en", _limited(NAME_MAX)), ("author", _limited(NAME_MAX)),
        ("title", _limited(TITLE_MAX)), ("title_en", _limited(TITLE_MAX)), ("url", checked_url),
        ("file", _limited(NAME_MAX)),
        ("published_text", _limited(TITLE_MAX)), ("published_note", _limited(FACT_TEXT_MAX)),
    ),
    "entities": (
        ("id", checked_slug), ("kind", class_of_kind), ("name_ko", _name), ("name_en", _name),
        ("acronym", _name), ("summary_ko", _limited(SUMMARY_MAX)),
        ("summary_en", _limited(SUMMARY_MAX)),
    ),
    "aliases": (("alias", _name),),
    "attributes": (
        ("id", checked_attribute_id), ("label_ko", _limited(NAME_MAX)),
        ("label_en", _limited(NAME_MAX)),
    ),
    "facts": (
        ("value_text", _limited(FACT_TEXT_MAX)), ("value_text_en", _limited(FACT_TEXT_MAX)),
        ("unit", _limited(UNIT_MAX)), ("value_date_text", _limited(TITLE_MAX)),
        ("role_ko", _limited(NAME_MAX)), ("role_en", _limited(NAME_MAX)),
        ("note_ko", _limited(FACT_TEXT_MAX)), ("note_en", _limited(FACT_TEXT_MAX)),
        ("status", functools.partial(one_of, allowed=FACT_STATUSES, what_ko="", what_en="status")),
        (
            "confidence",
            functools.partial(one_of, allowed=CONFIDENCES, what_ko="", what_en="confidence"),
        ),
    ),
    "milestones": (
        ("title_ko", _limited(TITLE_MAX)), ("title_en", _limited(TITLE_MAX)),
        ("date_text", _limited(TITLE_MAX)),
    ),
}  # fmt: skip


def _field_problem(value: Any, rule: Callable[[str], Any]) -> str | None:
    """Why a stored value would not be stored so by an edit, or None."""
    if value is None:
        return None
    if not isinstance(value, str):
        return f"holds {type(value).__name__} {value!r}, not text"
    try:
        stored = rule(value)
    except InvalidInput as exc:
        return exc.en
    if isinstance(stored, str) and stored != value and rule is not class_of_kind:
        return f"{value!r} is not stored as an edit stores it ({stored!r})"
    return None


def _check_fields(db: sqlite_utils.Database) -> list[str]:
    """Every column a person writes, read back through the checks an edit of it passes;
    and every entity's class as its kind says."""
    problems = []
    for table, rules in _FIELD_RULES.items():
        columns = ", ".join(column for column, _ in rules)
        for row in db.execute(f"SELECT rowid, {columns} FROM {table}"):
            for (column, rule), value in zip(rules, row[1:], strict=True):
                problem = _field_problem(value, rule)
                if problem is not None:
                    problems.append(f"{table} row {row[0]} {column}: {problem}")
    for entity_id, kind, entity_class in db.execute("SELECT id, kind, class FROM entities"):
        if kind in CLASS_OF_KIND and CLASS_OF_KIND[kind] != entity_class:
            problems.append(f"entity {entity_id}: the kind {kind} is of the class"
                            f" {CLASS_OF_KIND[kind]}, not {entity_class}")  # fmt: skip
    return problems


def _check_alias_keys(db: sqlite_utils.Database) -> list[str]:
    """Every alias's matching key and initial consonants as the current normalisation makes
    them; a stale key is a name that can no longer be found."""
    return [
        f"alias {alias_id} ({alias!r}) has a stale matching key"
        for alias_id, alias, key, initials in db.execute(
            "SELECT id, alias, key, choseong FROM aliases"
        )
        if (key, initials) != (name_key(alias), choseong(alias))
    ]


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
