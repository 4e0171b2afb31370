"""Adding and changing milestones: `/milestone add`, `update`, `done` and `cancel`.

A milestone keeps one row whose title, date, sources and status change in place; the
revision log holds every earlier state. Like a fact, a milestone cites every source that
reports it, the primary one first (`store.citations`). Dates are read as admins write them
(`2026년 상반기`, `12월 말`, `2028년까지`, EDTF) and keep the precision they were given.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from typing import Any

import sqlite_utils

from store.changeset import Authorship, ChangeSet, EditResult, authorship, nothing_to_change
from store.citations import (
    MILESTONES,
    SOURCES_KEY,
    find_sources,
    insert_cited,
    listed_sources,
    replace_sources,
    with_sources,
)
from store.conflicts import require_untouched
from store.dates import FuzzyDate
from store.errors import InvalidInput
from store.hangul import name_key
from store.limits import TITLE_MAX, checked_text, required_text
from store.queries import entity_ref
from store.references import find_entity, find_milestone
from store.rules import checked_status
from store.values import MILESTONE_DATE_COLUMNS, date_columns, parse_when, resolved_today

# What each column is called in a summary of changes.
_FIELD_NAMES = {
    "title_ko": ("제목", "title"),
    "title_en": ("영어 제목", "English title"),
    "date_text": ("날짜", "date"),
    SOURCES_KEY: ("출처", "sources"),
    "status": ("상태", "status"),
}
_STATUS_NAMES = {
    "planned": ("예정", "planned"),
    "done": ("완료", "done"),
    "cancelled": ("취소", "cancelled"),
    "unknown": ("미정", "unknown"),
}


def _in(names: tuple[str, str], locale: str) -> str:
    return names[1] if locale == "en" else names[0]


def _shown(column: str, row: dict[str, Any], locale: str) -> str:
    if column == "date_text":
        when = FuzzyDate.stored(row["date_text"], row["date_edtf"], row["precision"])
        return when.label(locale)
    if column == "status":
        return _in(_STATUS_NAMES[row["status"]], locale)
    if column == SOURCES_KEY:
        return listed_sources(row[SOURCES_KEY])
    return "-" if row[column] is None else str(row[column])


def _milestone_summary(
    db: sqlite_utils.Database, before: dict[str, Any], after: dict[str, Any], locale: str
) -> str:
    """`국가 AI 연구거점 · 일정 '착공': 날짜 2026년 상반기 → 2026년 하반기`."""
    owner = entity_ref(db, after["entity_id"])
    assert owner is not None
    changed = [
        f"{_in(_FIELD_NAMES[c], locale)} {_shown(c, before, locale)} → {_shown(c, after, locale)}"
        for c in _FIELD_NAMES
        if before[c] != after[c]
    ]
    title = (after["title_en"] or after["title_ko"]) if locale == "en" else after["title_ko"]
    return f"{owner.name(locale)} · {_in(('일정', 'milestone'), locale)} '{title}': {', '.join(changed)}"


def add_milestone(
    db: sqlite_utils.Database,
    *,
    entity: str,
    title: str,
    date: str,
    source: str | Sequence[str],
    actor: str,
    title_en: str | None = None,
    status: str = "planned",
    reason: str | None = None,
    today: datetime.date | None = None,
) -> EditResult:
    """Add a milestone to `entity` (usually a program) dated as its primary source words it.

    `source` is every source reporting it, the primary one first: a list, or ids and URLs
    separated by commas or spaces. Raises `UnknownEntity` or `InvalidInput` (unreadable
    date, unknown or repeated source, too long, or the same title and date already there).
    """
    author = authorship(actor, reason)
    owner = find_entity(db, entity)
    title_ko = required_text(title, TITLE_MAX, "제목", "title")
    title_en = checked_text(title_en, TITLE_MAX, "영어 제목", "English title")
    when = parse_when(date, resolved_today(today), "일정 날짜", "milestone date")
    cited = [s.id for s in find_sources(db, source)]
    status = checked_status(status)
    for row in db.query(
        "SELECT id, title_ko FROM milestones WHERE entity_id = ? AND date_edtf IS ?",
        [owner.id, when.edtf],
    ):
        if name_key(row["title_ko"]) == name_key(title_ko):
            raise InvalidInput(
                f"같은 날짜의 같은 일정이 이미 있습니다 (#{row['id']}).",
                f"That milestone is already there with that date (#{row['id']}).",
            )
    changes = ChangeSet(db)
    milestone_id = insert_cited(
        changes,
        MILESTONES,
        {"entity_id": owner.id, "title_ko": title_ko, "title_en": title_en,
         **date_columns(when, MILESTONE_DATE_COLUMNS), "status": status},
        cited,
    )  # fmt: skip
    return changes.commit(
        author,
        "milestone.add",
        summary_ko=f"{owner.name_ko} · 일정 추가: {title_ko} ({when.label('ko')})",
        summary_en=f"{owner.name('en')} · added milestone: {title_en or title_ko} ({when.label('en')})",
        row_id=milestone_id,
    )


def milestone_with_sources(db: sqlite_utils.Database, milestone_id: int) -> dict[str, Any]:
    """A milestone's row with its whole source list under `SOURCES_KEY` (a JSON array) in
    place of `source_id`; `InvalidInput` when there is none."""
    return with_sources(db, [find_milestone(db, milestone_id)], MILESTONES)[0]


def _commit_milestone_change(
    db: sqlite_utils.Database,
    milestone_id: int,
    values: dict[str, Any],
    author: Authorship,
    action: str,
    expected_revision: int | None,
) -> EditResult:
    """Write new column values and source list of one milestone as one revision, unless
    they change nothing. A source list is in `values` under `SOURCES_KEY`."""
    before = milestone_with_sources(db, milestone_id)
    if all(before[column] == value for column, value in values.items()):
        raise nothing_to_change()
    require_untouched(db, expected_revision, sourced=[("milestones", milestone_id)])
    changes = ChangeSet(db)
    columns = {k: v for k, v in values.items() if k != SOURCES_KEY}
    if columns:
        changes.update("milestones", milestone_id, columns)
    if values.get(SOURCES_KEY, before[SOURCES_KEY]) != before[SOURCES_KEY]:
        replace_sources(changes, MILESTONES, milestone_id, json.loads(values[SOURCES_KEY]))
    after = milestone_with_sources(db, milestone_id)
    return changes.commit(
        author,
        action,
        summary_ko=_milestone_summary(db, before, after, "ko"),
        summary_en=_milestone_summary(db, before, after, "en"),
        row_id=milestone_id,
    )


def update_milestone(
    db: sqlite_utils.Database,
    milestone_id: int,
    *,
    actor: str,
    title: str | None = None,
    title_en: str | None = None,
    date: str | None = None,
    source: str | Sequence[str] | None = None,
    reason: str | None = None,
    expected_revision: int | None = None,
    today: datetime.date | None = None,
) -> EditResult:
    """Change a milestone's title, English title, date or sources; None keeps a field.

    An empty `title_en` clears it. `source` replaces the whole source list (the primary
    one first), as `add_milestone` reads it. Pass the revision the edit form was filled
    at as `expected_revision`. Raises `StaleEdit` or `InvalidInput`.
    """
    author = authorship(actor, reason)
    find_milestone(db, milestone_id)
    values: dict[str, Any] = {}
    if title is not None:
        values["title_ko"] = required_text(title, TITLE_MAX, "제목", "title")
    if title_en is not None:
        values["title_en"] = checked_text(title_en, TITLE_MAX, "영어 제목", "English title")
    if date is not None:
        when = parse_when(date, resolved_today(today), "일정 날짜", "milestone date")
        values.update(date_columns(when, MILESTONE_DATE_COLUMNS))
    if source is not None:
        values[SOURCES_KEY] = json.dumps([s.id for s in find_sources(db, source)])
    return _commit_milestone_change(
        db, milestone_id, values, author, "milestone.update", expected_revision
    )


def set_milestone_status(
    db: sqlite_utils.Database,
    milestone_id: int,
    status: str,
    *,
    actor: str,
    reason: str | None = None,
    expected_revision: int | None = None,
) -> EditResult:
    """Mark a milestone `done` or `cancelled` (or back to `planned`/`unknown`).

    Raises `StaleEdit` or `InvalidInput` (unknown milestone or status, no change).
    """
    author = authorship(actor, reason)
    values = {"status": checked_status(status)}
    return _commit_milestone_change(
        db, milestone_id, values, author, f"milestone.{status}", expected_revision
    )
