"""Stating, superseding and retiring facts: `/fact set` and `/fact retire`.

A statement is never deleted: a superseded or retired one keeps its row with rank
`deprecated`, so history can show what was believed and on which source. Each
function validates everything before its first write and writes one revision; the
caller holds the write transaction (`FactStore` does).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlite_utils

from store.changeset import ChangeSet, EditResult, authorship
from store.citations import FACTS, SOURCES_KEY, find_sources, insert_cited, with_sources
from store.conflicts import require_untouched
from store.errors import InvalidInput
from store.hangul import nfc
from store.limits import NAME_MAX, checked_text, required_text
from store.model import EntityRef
from store.references import (
    Attribute,
    find_attribute,
    find_entity,
    lookup_attribute,
    unknown_attribute,
)
from store.rules import checked_attribute_id
from store.values import (
    VALUE_COLUMNS,
    checked_value_type,
    describe_value,
    infer_value_type,
    parse_value,
    resolved_today,
)


class AmbiguousStatement(InvalidInput):
    """Several current statements could be meant; `fact_ids` lists them to choose from."""

    def __init__(self, fact_ids: Sequence[int], ko: str, en: str) -> None:
        super().__init__(ko, en)
        self.fact_ids = list(fact_ids)


def current_facts(
    db: sqlite_utils.Database, entity_id: str, attribute: str
) -> list[dict[str, Any]]:
    """The statements of one attribute of an entity that are not deprecated, oldest first."""
    return list(
        db.query(
            "SELECT * FROM facts WHERE entity_id = ? AND attribute = ? AND rank != 'deprecated' ORDER BY id",
            [entity_id, attribute],
        )
    )


def _values_shown(db: sqlite_utils.Database, facts: Sequence[dict[str, Any]], locale: str) -> str:
    return ", ".join(f"{describe_value(db, f, locale)} (#{f['id']})" for f in facts)


def new_attribute(
    db: sqlite_utils.Database, name: str, value_type: str, label_ko: str, label_en: str | None
) -> Attribute:
    """An attribute not yet in the store: a valid id and labels no other attribute has."""
    attribute_id = checked_attribute_id(nfc(name))
    labels = (
        required_text(label_ko, NAME_MAX, "속성의 한국어 이름", "attribute's Korean label"),
        checked_text(label_en, NAME_MAX, "속성의 영어 이름", "attribute's English label")
        or attribute_id.replace("_", " ").capitalize(),
    )
    for label in labels:
        taken = lookup_attribute(db, label)
        if taken is not None:
            raise InvalidInput(
                f"이름 {label!r}은(는) 이미 속성 {taken.id}의 이름입니다.",
                f"{label!r} already names the attribute {taken.id}.",
            )
    return Attribute(attribute_id, labels[0], labels[1], value_type)


def _attribute_for(
    db: sqlite_utils.Database,
    name: str,
    value: str,
    value_type: str | None,
    label_ko: str | None,
    label_en: str | None,
    today: date,
) -> tuple[Attribute, bool]:
    """The attribute a `/fact set` names, and whether it is new (defined by this edit)."""
    existing = lookup_attribute(db, name)
    if existing is None:
        if label_ko is None:
            raise unknown_attribute(db, name, creatable=True)
        value_type = (
            checked_value_type(value_type) if value_type else infer_value_type(value, today)
        )
        return new_attribute(db, name, value_type, label_ko, label_en), True
    if value_type is not None and value_type != existing.value_type:
        raise InvalidInput(
            f"{existing.label_ko}의 값 종류는 {existing.value_type}입니다 ({value_type} 아님).",
            f"{existing.label_en} takes {existing.value_type} values, not {value_type}.",
        )
    return existing, False


def _superseded(
    db: sqlite_utils.Database,
    current: list[dict[str, Any]],
    replaces: int | None,
    add: bool,
    subject: EntityRef,
    attribute: Attribute,
) -> list[dict[str, Any]]:
    """Which current statements a new one replaces (see `set_fact`)."""
    if replaces is not None and add:
        raise InvalidInput(
            "replaces와 add 중 하나만 고르세요.", "Give either replaces or add, not both."
        )
    if replaces is not None:
        chosen = [f for f in current if f["id"] == replaces]
        if not chosen:
            raise InvalidInput(
                f"#{replaces}은(는) {subject.name_ko}의 현재 {attribute.label_ko} 진술이 아닙니다.",
                f"#{replaces} is not a current {attribute.label_en} statement of {subject.name('en')}.",
            )
        return chosen
    if add:
        return []
    if len(current) <= 1:
        return current
    raise AmbiguousStatement(
        [f["id"] for f in current],
        f"{subject.name_ko}의 {attribute.label_ko} 진술이 여럿입니다: {_values_shown(db, current, 'ko')}."
        " 바꿀 것을 replaces로 고르거나 add로 함께 추가하세요.",
        f"{subject.name('en')} has several {attribute.label_en} statements: {_values_shown(db, current, 'en')}."
        " Choose the one to replace with replaces, or keep them all with add.",
    )


def set_fact(
    db: sqlite_utils.Database,
    *,
    entity: str,
    attribute: str,
    value: str,
    source: str | Sequence[str],
    actor: str,
    reason: str | None = None,
    unit: str | None = None,
    text_en: str | None = None,
    replaces: int | None = None,
    add: bool = False,
    value_type: str | None = None,
    label_ko: str | None = None,
    label_en: str | None = None,
    expected_revision: int | None = None,
    today: date | None = None,
) -> EditResult:
    """State `value` as `entity`'s `attribute` on `source`, superseding what it replaces.

    `source` is one source id or URL, or several (a list, or one string separated by
    commas or spaces as typed in chat); the first is the statement's primary source.

    With no current statement of the attribute, the new one is added; with exactly one,
    that one is superseded (rank `deprecated`). With several (five teams, two goals),
    name the one to supersede with `replaces` (a fact id) or keep them all with
    `add=True`; otherwise `AmbiguousStatement` lists them. An attribute nobody has
    defined is created when `label_ko` is given, its `value_type` given or inferred
    from the value. Raises `UnknownEntity`, `StaleEdit`, `AmbiguousStatement` or
    `InvalidInput` (bad value, unknown source, too long, nothing new).
    """
    author = authorship(actor, reason)
    today = resolved_today(today)
    subject = find_entity(db, entity)
    attr, is_new = _attribute_for(db, attribute, value, value_type, label_ko, label_en, today)
    cited = [s.id for s in find_sources(db, source)]
    values = parse_value(db, attr, value, today=today, unit=unit, text_en=text_en)
    if values["value_entity"] == subject.id:
        raise InvalidInput(
            f"{subject.name_ko}의 {attr.label_ko}을(를) 자기 자신으로 할 수 없습니다.",
            f"{subject.name('en')} cannot be its own {attr.label_en}.",
        )
    current = current_facts(db, subject.id, attr.id)
    superseded = _superseded(db, current, replaces, add, subject, attr)
    listed = {row["id"]: json.loads(row[SOURCES_KEY]) for row in with_sources(db, current, FACTS)}
    for fact in current:
        if listed[fact["id"]] == cited and all(fact[c] == values[c] for c in VALUE_COLUMNS):
            raise InvalidInput(
                f"같은 진술이 이미 있습니다 (#{fact['id']}).",
                f"That statement is already there (#{fact['id']}).",
            )
    require_untouched(db, expected_revision, entity_id=subject.id, attribute=attr.id)

    changes = ChangeSet(db)
    if is_new:
        changes.insert(
            "attributes",
            {"id": attr.id, "label_ko": attr.label_ko, "label_en": attr.label_en,
             "value_type": attr.value_type},
        )  # fmt: skip
    for fact in superseded:
        changes.update("facts", fact["id"], {"rank": "deprecated"})
    fact_id = insert_cited(
        changes, FACTS, {"entity_id": subject.id, "attribute": attr.id, **values}, cited
    )
    new_ko, new_en = describe_value(db, values, "ko"), describe_value(db, values, "en")
    if superseded:
        summary_ko = f"{_values_shown(db, superseded, 'ko')} → {new_ko}"
        summary_en = f"{_values_shown(db, superseded, 'en')} → {new_en}"
    else:
        summary_ko, summary_en = f"{new_ko} 추가", f"added {new_en}"
    return changes.commit(
        author,
        "fact.set",
        summary_ko=f"{subject.name_ko} · {attr.label_ko}: {summary_ko}",
        summary_en=f"{subject.name('en')} · {attr.label_en}: {summary_en}",
        row_id=fact_id,
    )


def retire_fact(
    db: sqlite_utils.Database,
    *,
    entity: str,
    attribute: str,
    reason: str,
    actor: str,
    fact_id: int | None = None,
    expected_revision: int | None = None,
) -> EditResult:
    """Deprecate `entity`'s current `attribute` statements (only `fact_id` when given).

    A reason is required: a retired statement stays in the store, and the reason is
    what tells a later reader why it no longer counts. Raises `UnknownEntity`,
    `StaleEdit` or `InvalidInput`.
    """
    author = authorship(actor, reason, reason_required=True)
    subject = find_entity(db, entity)
    attr = find_attribute(db, attribute)
    retired = [
        f for f in current_facts(db, subject.id, attr.id) if fact_id is None or f["id"] == fact_id
    ]
    if not retired:
        which_ko, which_en = (f"#{fact_id} ", f"#{fact_id} ") if fact_id is not None else ("", "")
        raise InvalidInput(
            f"{subject.name_ko}에 현재 {attr.label_ko} 진술 {which_ko}이(가) 없습니다.",
            f"{subject.name('en')} has no current {attr.label_en} statement {which_en}to retire.",
        )
    require_untouched(db, expected_revision, entity_id=subject.id, attribute=attr.id)
    changes = ChangeSet(db)
    for fact in retired:
        changes.update("facts", fact["id"], {"rank": "deprecated"})
    return changes.commit(
        author,
        "fact.retire",
        summary_ko=f"{subject.name_ko} · {attr.label_ko}: {_values_shown(db, retired, 'ko')} 폐기",
        summary_en=f"{subject.name('en')} · {attr.label_en}: retired {_values_shown(db, retired, 'en')}",
        row_id=retired[0]["id"],
    )
