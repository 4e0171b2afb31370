"""One revision's worth of row writes, each kept with its state before and after.

Every edit goes through a `ChangeSet`: it writes rows, reads each one back in full so
the log holds exactly what SQLite stored, reindexes the entities it touched and appends
its revision, all inside the caller's write transaction, so either everything lands
or nothing does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlite_utils

from store.errors import InvalidInput
from store.limits import ACTOR_MAX, REASON_MAX, checked_text, required_text
from store.revisions import Change, Revision, latest_revision_id, record_revision
from store.search_index import reindex_entities

# Tables whose rows belong to an entity (through `entity_id`, or being one).
_ENTITY_ROW_TABLES = ("aliases", "facts", "milestones")
# Tables whose rows record the revision that created them (`created_rev`).
_STAMPED_TABLES = frozenset(("sources", "entities", "attributes", "facts", "milestones"))
# What a person calls a row of each table an edit writes, in Korean and English.
TABLE_NOUNS = {
    "sources": ("출처", "source"),
    "attributes": ("속성", "attribute"),
    "entities": ("항목", "entity"),
    "aliases": ("별칭", "alias"),
    "facts": ("사실", "fact"),
    "fact_sources": ("사실의 추가 출처", "further source of a fact"),
    "milestones": ("일정", "milestone"),
    "milestone_sources": ("일정의 추가 출처", "further source of a milestone"),
}


@dataclass(frozen=True)
class Authorship:
    """Who makes an edit (`console:local`, `import:FILE`, a chat user's `platform:id`) and why."""

    actor: str
    reason: str | None


def authorship(actor: str, reason: str | None, *, reason_required: bool = False) -> Authorship:
    """Who and why, checked before anything else about an edit; the actor is `kind:who`."""
    checked_actor = required_text(actor, ACTOR_MAX, "작성자", "actor")
    kind, _, who = checked_actor.partition(":")
    if not kind or not who:
        raise InvalidInput(
            f"작성자는 '종류:누구' 형식이어야 합니다 (예: console:local): {checked_actor!r}",
            f"The actor must look like 'kind:who' (e.g. console:local), got {checked_actor!r}.",
        )
    checked_reason = checked_text(reason, REASON_MAX, "사유", "reason", required=reason_required)
    return Authorship(checked_actor, checked_reason)


@dataclass(frozen=True)
class EditResult:
    """What one committed edit did: its revision, a summary in both languages, its rows.

    `row_id` is the row the edit is about: the new fact, milestone, alias, entity or
    source (its id is how to cite it), the milestone changed, the first fact retired;
    for a revert, the revision reverted.
    """

    revision: int
    action: str
    summary_ko: str
    summary_en: str
    changes: tuple[Change, ...]
    row_id: str | int | None = None

    def summary(self, locale: str) -> str:
        """The summary in `locale` (`ko` or `en`)."""
        return self.summary_en if locale == "en" else self.summary_ko


def revision_summary(revision: Revision, locale: str) -> str | None:
    """A revision's summary in `locale`; edits store the Korean line, then the English one."""
    if revision.summary is None:
        return None
    ko, _, en = revision.summary.partition("\n")
    return (en or ko) if locale == "en" else ko


def nothing_to_change() -> InvalidInput:
    """The refusal for an edit that would leave every row as it is."""
    return InvalidInput("바뀌는 내용이 없습니다.", "Nothing would change.")


class ChangeSet:
    """Row writes that will become one revision; create inside `write_transaction()`."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        if not db.conn.in_transaction:
            raise RuntimeError("a ChangeSet writes inside write_transaction()")
        self.db = db
        # New rows carry the id of the revision creating them, yet the revision can only be
        # appended last, once its changes are known (the log refuses updates). The write
        # lock BEGIN IMMEDIATE holds makes the next id certain; foreign keys pointing at
        # it are checked once it exists, before the transaction commits.
        self.revision = latest_revision_id(db) + 1
        self.changes: list[Change] = []
        db.execute("PRAGMA defer_foreign_keys = ON")

    def row(self, table: str, row_id: str | int) -> dict[str, Any] | None:
        """The row's current state, every column, or None."""
        cursor = self.db.execute(f"SELECT * FROM {table} WHERE id = ?", [row_id])
        found = cursor.fetchone()
        if found is None:
            return None
        return dict(zip([column[0] for column in cursor.description], found, strict=True))

    def insert(self, table: str, values: dict[str, Any]) -> str | int:
        """Insert a row (stamped with this revision when the table records one); its id."""
        values = dict(values)
        if table in _STAMPED_TABLES:
            values["created_rev"] = self.revision
        row_id = self._insert_row(table, values)
        self.record_insert(table, row_id)
        return row_id

    def _insert_row(self, table: str, values: dict[str, Any]) -> str | int:
        columns = ", ".join(values)
        marks = ", ".join("?" * len(values))
        cursor = self.db.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(values.values())
        )
        row_id = values.get("id", cursor.lastrowid)
        assert row_id is not None
        return row_id

    def record_insert(self, table: str, row_id: str | int) -> None:
        """Record a row inserted by other code (the data set's alias writer) as created here."""
        self.changes.append(Change(table, row_id, None, self.row(table, row_id)))

    def update(self, table: str, row_id: str | int, values: dict[str, Any]) -> bool:
        """Set columns of a row; False (and nothing recorded) when they already hold these values."""
        before = self.row(table, row_id)
        if before is None:
            raise KeyError(f"{table} {row_id} does not exist")
        if all(before[k] == v for k, v in values.items()):
            return False
        assignments = ", ".join(f"{column} = ?" for column in values)
        self.db.execute(
            f"UPDATE {table} SET {assignments} WHERE id = ?", [*values.values(), row_id]
        )
        self.changes.append(Change(table, row_id, before, self.row(table, row_id)))
        return True

    def restore(self, table: str, row_id: str | int, state: dict[str, Any] | None) -> None:
        """Make a row exactly `state` again: delete it (None), re-insert it or update it."""
        before = self.row(table, row_id)
        if state is None:
            if before is not None:
                self.db.execute(f"DELETE FROM {table} WHERE id = ?", [row_id])
                self.changes.append(Change(table, row_id, before, None))
        elif before is None:
            self.record_insert(table, self._insert_row(table, state))
        else:
            self.update(table, row_id, {k: v for k, v in state.items() if k != "id"})

    def entity_ids(self) -> list[str]:
        """The entities whose own rows this change set wrote, in first-touched order."""
        touched: dict[str, None] = {}
        for change in self.changes:
            if change.table == "entities":
                touched[str(change.row_id)] = None
            elif change.table in _ENTITY_ROW_TABLES:
                row = change.after or change.before
                assert row is not None
                touched[row["entity_id"]] = None
        return list(touched)

    def commit(
        self,
        author: Authorship,
        action: str,
        *,
        summary_ko: str,
        summary_en: str,
        reverts: int | None = None,
        row_id: str | int | None = None,
        reindex: bool = True,
    ) -> EditResult:
        """Reindex what was touched and append the revision; refused when nothing changed.

        `reindex=False` is for a caller that writes many revisions in one transaction
        and reindexes the entities they touched once, before it commits (a data set
        upgrade touching one entity a hundred times).
        """
        if not self.changes:
            raise nothing_to_change()
        if reindex:
            reindex_entities(self.db, self.entity_ids())
        revision = record_revision(
            self.db,
            actor=author.actor,
            action=action,
            changes=self.changes,
            reason=author.reason,
            summary=f"{summary_ko}\n{summary_en}",
            reverts=reverts,
        )
        if revision != self.revision:
            raise RuntimeError(f"revision {revision} is not the expected {self.revision}")
        self._check_foreign_keys()
        return EditResult(revision, action, summary_ko, summary_en, tuple(self.changes), row_id)

    def _check_foreign_keys(self) -> None:
        """Every row written points at rows that exist, and no row removed is still pointed at.

        Checked here rather than left to COMMIT: a COMMIT refused for a deferred foreign key
        leaves the transaction open instead of rolling it back. Only the rows this change
        set wrote are looked at (a whole-table `foreign_key_check` per edit made an import
        of N entities cost N² and an edit cost more the larger the store).
        """
        references = _ForeignKeys(self.db)
        for change in self.changes:
            if change.after is not None:
                for column, parent, key in references.of(change.table):
                    value = change.after.get(column)
                    if value is not None and not _exists(self.db, parent, key, value):
                        raise RuntimeError(
                            f"{change.table} row {change.row_id} points at a missing {parent}"
                        )
            elif change.before is not None:
                for child, column, key in references.to(change.table):
                    if _exists(self.db, child, column, change.before[key]):
                        raise RuntimeError(
                            f"{change.table} row {change.row_id} is removed but {child} points at it"
                        )
        for entity_id in self.entity_ids():
            if not _exists(self.db, "entities", "id", entity_id) and _exists(
                self.db, "search_docs", "entity_id", entity_id
            ):
                raise RuntimeError(f"search_docs rows point at a missing entity {entity_id}")


def _exists(db: sqlite_utils.Database, table: str, column: str, value: Any) -> bool:
    return (
        db.execute(f"SELECT 1 FROM {table} WHERE {column} = ? LIMIT 1", [value]).fetchone()
        is not None
    )


class _ForeignKeys:
    """The store's foreign keys as SQLite declares them, read once per check."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self._of: dict[str, list[tuple[str, str, str]]] = {}

    def of(self, table: str) -> list[tuple[str, str, str]]:
        """`(column, parent table, parent column)` for each reference `table` makes."""
        if table not in self._of:
            self._of[table] = [
                (row[3], row[2], row[4] or "id")
                for row in self.db.execute(f"PRAGMA foreign_key_list({table})")
            ]
        return self._of[table]

    def to(self, table: str) -> list[tuple[str, str, str]]:
        """`(child table, column, parent column)` for each reference to `table`."""
        tables = [
            row[0]
            for row in self.db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%REFERENCES%'"
            )
        ]
        return [
            (child, column, key)
            for child in tables
            for column, parent, key in self.of(child)
            if parent == table
        ]
