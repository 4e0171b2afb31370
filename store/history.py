"""What changed about an entity, and undoing a change: `/fact history` and `/fact revert`.

A revert is a new revision that puts every row the old one touched back in the state
it was in before, so the log only ever grows and the revert can itself be reverted.
It is refused when a later revision touched the same rows (undoing the old change
would silently undo the newer one too), and for the data set load, which records no
rows to restore.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import sqlite_utils

from store.changeset import TABLE_NOUNS, ChangeSet, EditResult, authorship, revision_summary
from store.citations import CITED_BY_LINKS
from store.conflicts import StaleEdit, row_matches, touching_changes
from store.dates import FuzzyDate
from store.errors import InvalidInput
from store.references import find_attribute, find_entity
from store.revisions import Change, Revision, get_revision
from store.values import describe_value

HISTORY_LIMIT = 20
# Columns that restate others (a date's window) or say nothing to a reader.
_UNSHOWN_COLUMNS = frozenset(
    ("id", "created_rev", "key", "choseong", "earliest", "latest", "date_edtf", "precision",
     "value_date_edtf", "value_date_precision", "published_edtf", "published_precision",
     "published_earliest", "published_latest")
)  # fmt: skip


def history(
    db: sqlite_utils.Database, entity: str, attribute: str | None = None, limit: int = HISTORY_LIMIT
) -> list[Revision]:
    """Revisions that changed `entity` (or only its `attribute` statements), newest first.

    Each revision's `changes` are narrowed to the rows about the entity. The revision
    that created rows still in their first state is included too: for the bundled data
    that is revision 1, the data set load, whose log entry lists no rows.
    Raises `UnknownEntity` or `InvalidInput` (unknown attribute).
    """
    subject = find_entity(db, entity)
    attribute_id = find_attribute(db, attribute).id if attribute else None
    changes = touching_changes(db, entity_id=subject.id, attribute=attribute_id)
    if attribute_id is None:
        created_sql = (
            "SELECT created_rev FROM entities WHERE id = :entity"
            " UNION SELECT created_rev FROM facts WHERE entity_id = :entity"
            " UNION SELECT created_rev FROM milestones WHERE entity_id = :entity"
        )
    else:
        created_sql = (
            "SELECT created_rev FROM facts WHERE entity_id = :entity AND attribute = :attribute"
        )
    created = {
        row[0] for row in db.execute(created_sql, {"entity": subject.id, "attribute": attribute_id})
    }
    newest = sorted(set(changes) | created, reverse=True)[:limit]
    found = []
    for revision_id in newest:
        revision = get_revision(db, revision_id)
        assert revision is not None
        found.append(dataclasses.replace(revision, changes=changes.get(revision_id, [])))
    return found


def _row_label(db: sqlite_utils.Database, table: str, row: dict[str, Any], locale: str) -> str:
    """A few words naming a row: a fact's attribute and value, a milestone's title and date…"""
    en = locale == "en"
    if table == "facts":
        label = db.execute(
            f"SELECT {'label_en' if en else 'label_ko'} FROM attributes WHERE id = ?",
            [row["attribute"]],
        ).fetchone()
        return f"{label[0] if label else row['attribute']}: {describe_value(db, row, locale)}"
    if table == "milestones":
        when = FuzzyDate.stored(row["date_text"], row["date_edtf"], row["precision"])
        title = (row["title_en"] or row["title_ko"]) if en else row["title_ko"]
        return f"{title} ({when.label(locale)})"
    if table == "entities":
        return (row["name_en"] or row["name_ko"]) if en else row["name_ko"]
    if table == "aliases":
        return row["alias"]
    if table in CITED_BY_LINKS:
        return f"#{row[CITED_BY_LINKS[table].key]} ← {row['source_id']}"
    if table == "sources":
        return f"{row['publisher']} «{row['title']}»"
    if table == "attributes":
        return row["label_en"] if en else row["label_ko"]
    return str(row.get("id"))


def describe_change(db: sqlite_utils.Database, change: Change, locale: str = "ko") -> str:
    """One line a person can read: `+ 사실 예산: 2,136억 원`, `~ fact Budget: ₩213.6 billion: rank normal → deprecated`."""
    names = TABLE_NOUNS.get(change.table, (change.table, change.table))
    noun = names[1] if locale == "en" else names[0]
    if change.before is None:
        assert change.after is not None
        return f"+ {noun} {_row_label(db, change.table, change.after, locale)}"
    if change.after is None:
        return f"- {noun} {_row_label(db, change.table, change.before, locale)}"
    differences = ", ".join(
        f"{column} {change.before.get(column)!s} → {value!s}"
        for column, value in change.after.items()
        if column not in _UNSHOWN_COLUMNS and change.before.get(column) != value
    )
    return f"~ {noun} {_row_label(db, change.table, change.before, locale)}: {differences}"


def _referrers(
    db: sqlite_utils.Database, table: str, row_id: str | int, leaving: set[tuple[str, Any]]
) -> list[tuple[str, Any]]:
    """Rows (other than those in `leaving`) whose foreign keys point at this row."""
    found = []
    for child, column in db.execute(
        'SELECT m.name, f."from" FROM sqlite_master m, pragma_foreign_key_list(m.name) f'
        " WHERE m.type = 'table' AND f.\"table\" = ?",
        [table],
    ):
        if child == "search_docs":  # rebuilt by the revert itself
            continue
        for (child_id,) in db.execute(f"SELECT id FROM {child} WHERE {column} = ?", [row_id]):
            if (child, child_id) not in leaving:
                found.append((child, child_id))
    return found


def _refuse_unrevertable(db: sqlite_utils.Database, target: Revision) -> None:
    """Everything that makes reverting `target` unsafe, checked before any write."""
    rows = [(c.table, c.row_id) for c in target.changes]
    later = touching_changes(db, after=target.id, rows=rows)
    if later:
        shown = ", ".join(str(r) for r in later)
        raise StaleEdit(
            list(later),
            f"리비전 {target.id} 이후 리비전 {shown}이(가) 같은 내용을 다시 바꿨습니다."
            f" 먼저 그것을 되돌리세요.",
            f"Revision {shown} changed the same rows after revision {target.id}; revert that first.",
        )
    last_state = {(c.table, c.row_id): c.after for c in target.changes}
    for (table, row_id), state in last_state.items():
        current = list(db.query(f"SELECT * FROM {table} WHERE id = ?", [row_id]))
        if not row_matches(current[0] if current else None, state):
            raise StaleEdit(
                [],
                f"{table} {row_id}이(가) 리비전 기록 밖에서 바뀌어 되돌릴 수 없습니다.",
                f"{table} {row_id} was changed outside the revision log; it cannot be reverted.",
            )
    removed = {(c.table, c.row_id) for c in target.changes if c.before is None}
    for table, row_id in removed:
        users = _referrers(db, table, row_id, removed)
        if users:
            shown = ", ".join(f"{t} {i}" for t, i in users[:5])
            raise InvalidInput(
                f"되돌리면 {table} {row_id}이(가) 사라지는데, 그 뒤에 생긴 {shown}이(가) 이를 씁니다.",
                f"Reverting would remove {table} {row_id}, which {shown} (added since) still use.",
            )


def revert_revision(
    db: sqlite_utils.Database, revision_id: int, *, actor: str, reason: str | None = None
) -> EditResult:
    """Restore every row `revision_id` changed to its earlier state, as a new revision.

    Rows the revision created are removed again (the log keeps their content).
    Raises `StaleEdit` when a later revision touched the same rows, `InvalidInput`
    for an unknown revision, the data set load, or rows that others now depend on.
    """
    author = authorship(actor, reason)
    target = get_revision(db, revision_id)
    if target is None:
        raise InvalidInput(
            f"리비전 {revision_id}이(가) 없습니다.", f"There is no revision {revision_id}."
        )
    if not target.changes:
        raise InvalidInput(
            f"리비전 {revision_id}({target.action})은 되돌릴 수 없습니다: 데이터 세트 적재처럼 행 기록이 없는 리비전입니다.",
            f"Revision {revision_id} ({target.action}) cannot be reverted: like the data set load, it records no rows.",
        )
    _refuse_unrevertable(db, target)
    changes = ChangeSet(db)
    for change in reversed(target.changes):
        changes.restore(change.table, change.row_id, change.before)
    return changes.commit(
        author,
        "revert",
        reverts=revision_id,
        summary_ko=f"리비전 {revision_id} 되돌림: {revision_summary(target, 'ko') or target.action}",
        summary_en=f"reverted revision {revision_id}: {revision_summary(target, 'en') or target.action}",
        row_id=revision_id,
    )
