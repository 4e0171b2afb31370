"""Knowing which revisions touched a row, and refusing edits made on a stale view.

Two admins can open the same edit form; the second to submit must not silently undo
the first. Callers say which revision their view was of (`expected_revision`) and an
edit whose rows any later revision touched is refused with `StaleEdit`. The same
questions serve history (which revisions concern an entity), revert (was the row
changed again since?) and `check` (does every row match what the log last said?).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import sqlite_utils

from store.citations import CITED, FACTS, MILESTONES, Cited
from store.errors import InvalidInput
from store.revisions import Change, revisions_since

# `c` is one element of a revision's `changes` array, as `json_each` yields it.
_TABLE = "json_extract(c.value, '$.table')"


def _owner_id(cited: Cited) -> str:
    """The fact or milestone a change of one of its further-source links belongs to."""
    return (
        f"coalesce(json_extract(c.value, '$.after.{cited.key}'),"
        f" json_extract(c.value, '$.before.{cited.key}'))"
    )


def _of_owner(cited: Cited, column: str) -> str:
    """A column of the row a link change belongs to. That row outlives its links except
    when a revert removes both, and then its own change in the same revision still names
    the entity and attribute."""
    return f"(SELECT {column} FROM {cited.table} WHERE id = {_owner_id(cited)})"


_ENTITY_OF_CHANGE = (
    f"CASE {_TABLE} WHEN 'entities' THEN json_extract(c.value, '$.id')"
    f" WHEN '{FACTS.links}' THEN {_of_owner(FACTS, 'entity_id')}"
    f" WHEN '{MILESTONES.links}' THEN {_of_owner(MILESTONES, 'entity_id')}"
    " ELSE coalesce(json_extract(c.value, '$.after.entity_id'),"
    " json_extract(c.value, '$.before.entity_id')) END"
)
_ATTRIBUTE_OF_CHANGE = (
    f"CASE {_TABLE} WHEN '{FACTS.links}' THEN {_of_owner(FACTS, 'attribute')}"
    " ELSE coalesce(json_extract(c.value, '$.after.attribute'),"
    " json_extract(c.value, '$.before.attribute')) END"
)


class StaleEdit(InvalidInput):
    """Rows an edit would change were changed by `revisions` after the edit's view of them."""

    def __init__(self, revisions: Sequence[int], ko: str, en: str) -> None:
        super().__init__(ko, en)
        self.revisions = list(revisions)


def touching_changes(
    db: sqlite_utils.Database,
    *,
    after: int = 0,
    rows: Iterable[tuple[str, str | int]] = (),
    sourced: Iterable[tuple[str, int]] = (),
    entity_id: str | None = None,
    attribute: str | None = None,
) -> dict[int, list[Change]]:
    """Revisions after `after` that changed any of these rows, oldest first, with those changes.

    Rows are named by (table, id); `sourced` names facts or milestones together with
    their further-source links (what an edit form of one shows); `entity_id` names all of
    one entity's rows (its own row, aliases, facts, milestones and their links);
    `attribute` one attribute's facts. Given together, a change must match all of them.
    """
    where: list[str] = []
    params: list[Any] = [after]
    owned = list(dict.fromkeys(sourced))
    pairs = list(dict.fromkeys([*rows, *owned]))
    if pairs:
        values = ", ".join("(?, ?)" for _ in pairs)
        named = [f"({_TABLE}, json_extract(c.value, '$.id')) IN (VALUES {values})"]
        params += [item for pair in pairs for item in pair]
        for cited in CITED:
            owners = [row_id for table, row_id in owned if table == cited.table]
            if owners:
                named.append(
                    f"({_TABLE} = '{cited.links}'"
                    f" AND {_owner_id(cited)} IN ({', '.join('?' * len(owners))}))"
                )
                params += owners
        where.append(f"({' OR '.join(named)})")
    if entity_id is not None:
        where.append(f"{_ENTITY_OF_CHANGE} = ?")
        params.append(entity_id)
    if attribute is not None:
        where.append(
            f"{_TABLE} IN ('{FACTS.table}', '{FACTS.links}') AND {_ATTRIBUTE_OF_CHANGE} = ?"
        )
        params.append(attribute)
    if not where:
        raise ValueError("name the rows: rows, sourced, entity_id or attribute")
    sql = (
        "SELECT r.id, c.value FROM revisions r, json_each(r.changes) c"
        f" WHERE r.id > ? AND {' AND '.join(where)} ORDER BY r.id, c.key"
    )
    found: dict[int, list[Change]] = {}
    for revision_id, value in db.execute(sql, params):
        change = json.loads(value)
        found.setdefault(revision_id, []).append(
            Change(change["table"], change["id"], change["before"], change["after"])
        )
    return found


def require_untouched(
    db: sqlite_utils.Database,
    expected_revision: int | None,
    *,
    rows: Iterable[tuple[str, str | int]] = (),
    sourced: Iterable[tuple[str, int]] = (),
    entity_id: str | None = None,
    attribute: str | None = None,
) -> None:
    """Refuse with `StaleEdit` when a revision after `expected_revision` touched these rows.

    `expected_revision` is the store's revision when the editor read the values the
    edit is based on (the prefilled form); None means the caller did not read any.
    """
    if expected_revision is None:
        return
    later = list(
        touching_changes(
            db,
            after=expected_revision,
            rows=rows,
            sourced=sourced,
            entity_id=entity_id,
            attribute=attribute,
        )
    )
    if later:
        shown = ", ".join(str(r) for r in later)
        raise StaleEdit(
            later,
            f"그사이 다른 수정(리비전 {shown})이 같은 내용을 바꿨습니다."
            " 지금 값을 다시 불러와 확인한 뒤 수정하세요.",
            f"Revision {shown} changed the same data after you opened it;"
            " reload the current values and edit again.",
        )


def row_matches(current: dict[str, Any] | None, state: dict[str, Any] | None) -> bool:
    """True when a row is in `state` (None: absent); columns added since are not compared."""
    if current is None or state is None:
        return current is None and state is None
    return all(current.get(column) == value for column, value in state.items())


def rows_out_of_step_with_log(db: sqlite_utils.Database) -> list[str]:
    """Rows whose state differs from what the last revision to touch them left.

    A row changed by anything but an edit (a hand-run UPDATE, or a crash that kept a
    change without its revision) shows up here.
    """
    last: dict[tuple[str, str | int], dict[str, Any] | None] = {}
    for revision in revisions_since(db, 0):
        for change in revision.changes:
            last[(change.table, change.row_id)] = change.after
    problems = []
    for (table, row_id), state in last.items():
        rows = list(db.query(f"SELECT * FROM {table} WHERE id = ?", [row_id]))
        if not row_matches(rows[0] if rows else None, state):
            problems.append(
                f"{table} row {row_id} is not in the state its last revision left it in"
            )
    return problems
