"""Finding what an admin names in an edit: an entity, attribute, source or milestone.

A miss is an `InvalidInput` that says what was probably meant, so a chat reply can
offer the right name instead of a bare "not found". Entities resolve exactly as
lookups do (`store.resolve`), so a name that finds a card also finds it for an edit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils
from rapidfuzz import process

from store.errors import InvalidInput
from store.hangul import name_key, nfc
from store.model import EntityRef, SourceRef
from store.resolve import resolve_entity

_DID_YOU_MEAN = 5


class UnknownEntity(InvalidInput):
    """No single entity has this name; `candidates` are the ones probably meant."""

    def __init__(self, query: str, candidates: Sequence[EntityRef]) -> None:
        self.query = query
        self.candidates = list(candidates)
        ko_names = ", ".join(c.display("ko") for c in self.candidates)
        en_names = ", ".join(c.display("en") for c in self.candidates)
        if not self.candidates:
            super().__init__(
                f"{query!r}에 해당하는 항목이 없습니다.", f"Nothing is called {query!r}."
            )
        else:
            super().__init__(
                f"{query!r}에 해당하는 항목을 하나로 정할 수 없습니다. 혹시 이것인가요? {ko_names}",
                f"{query!r} does not name exactly one entity. Did you mean: {en_names}?",
            )

    @property
    def names(self) -> list[str]:
        """The candidates' Korean names, for a "did you mean" reply."""
        return [c.name_ko for c in self.candidates]


@dataclass(frozen=True)
class Attribute:
    """A kind of statement: its id, labels and the type its values are parsed as."""

    id: str
    label_ko: str
    label_en: str
    value_type: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Attribute:
        return cls(row["id"], row["label_ko"], row["label_en"], row["value_type"])

    def label(self, locale: str) -> str:
        return self.label_en if locale == "en" else self.label_ko


def find_entity(
    db: sqlite_utils.Database, name: str, classes: Sequence[str] | None = None
) -> EntityRef:
    """The one entity `name` (an id, name, alias or acronym) resolves to, or `UnknownEntity`."""
    resolution = resolve_entity(db, name, classes)
    if resolution.entity is None:
        raise UnknownEntity(
            resolution.query, [c.entity for c in resolution.candidates[:_DID_YOU_MEAN]]
        )
    return resolution.entity


def attributes(db: sqlite_utils.Database) -> list[Attribute]:
    """Every attribute, in the order they were defined (for autocomplete)."""
    return [Attribute.from_row(r) for r in db.query("SELECT * FROM attributes ORDER BY rowid")]


def lookup_attribute(db: sqlite_utils.Database, name: str) -> Attribute | None:
    """The attribute whose id or Korean or English label is `name`, or None."""
    key = name_key(name)
    for attribute in attributes(db):
        if key in (
            name_key(attribute.id),
            name_key(attribute.label_ko),
            name_key(attribute.label_en),
        ):
            return attribute
    return None


def unknown_attribute(
    db: sqlite_utils.Database, name: str, *, creatable: bool = False
) -> InvalidInput:
    """The error for an attribute nobody defined, naming the closest ones that exist.

    `creatable` adds how to define it instead, where the edit could (`/fact set`).
    """
    known = attributes(db)
    shown = {a.id: f"{a.id} ({a.label_ko})" for a in known}
    labels = {a.id: f"{a.id} {a.label_ko} {a.label_en}" for a in known}
    close = process.extract(nfc(name), labels, limit=_DID_YOU_MEAN, score_cutoff=50)
    hint = ", ".join(shown[match[2]] for match in close) or ", ".join(shown.values())
    create_ko = " 새 속성을 만들려면 한국어 이름(label)도 주세요." if creatable else ""
    create_en = (
        " To create a new attribute, also give its Korean label (label)." if creatable else ""
    )
    return InvalidInput(
        f"없는 속성입니다: {name!r}. 혹시 이것인가요? {hint}{create_ko}",
        f"No attribute is called {name!r}. Did you mean: {hint}?{create_en}",
    )


def find_attribute(db: sqlite_utils.Database, name: str) -> Attribute:
    """The attribute `name` is the id or a label of, or an error naming close ones."""
    attribute = lookup_attribute(db, name)
    if attribute is None:
        raise unknown_attribute(db, name)
    return attribute


def find_source(db: sqlite_utils.Database, reference: str | None) -> SourceRef:
    """The source whose id or URL is `reference`; refused when missing or unknown."""
    text = nfc(reference or "")
    if not text:
        raise InvalidInput(
            "출처가 필요합니다: 출처 id 또는 URL을 주세요 (새 출처는 /source add로 등록).",
            "A source is required: give a source id or URL (register a new one with /source add).",
        )
    rows = list(db.query("SELECT * FROM sources WHERE id = ? OR url = ?", [text, text]))
    if not rows:
        raise InvalidInput(
            f"등록되지 않은 출처입니다: {text!r}. /source add로 먼저 등록하세요.",
            f"Unknown source {text!r}; register it first with /source add.",
        )
    return SourceRef.from_row(rows[0])


def sources(db: sqlite_utils.Database, limit: int = 25) -> list[SourceRef]:
    """Sources newest first (for autocomplete of a `source:` option)."""
    rows = db.query(
        "SELECT * FROM sources ORDER BY published_latest DESC, rowid DESC LIMIT ?", [limit]
    )
    return [SourceRef.from_row(r) for r in rows]


def find_milestone(db: sqlite_utils.Database, milestone_id: int) -> dict[str, Any]:
    """A milestone's row by id, or an error saying there is none."""
    rows = list(db.query("SELECT * FROM milestones WHERE id = ?", [milestone_id]))
    if not rows:
        raise InvalidInput(
            f"{milestone_id}번 일정이 없습니다.", f"There is no milestone {milestone_id}."
        )
    return rows[0]


def milestones_matching(
    db: sqlite_utils.Database, text: str, limit: int = 25
) -> list[dict[str, Any]]:
    """Milestones whose title (either language), id or entity name contains `text`, the
    latest dates first, each with its entity's Korean name (for autocomplete)."""
    pattern = f"%{nfc(text).strip()}%"
    return list(
        db.query(
            "SELECT m.*, e.name_ko AS entity_name FROM milestones m JOIN entities e ON e.id = m.entity_id"
            " WHERE m.title_ko LIKE :p OR coalesce(m.title_en, '') LIKE :p OR e.name_ko LIKE :p"
            " OR CAST(m.id AS TEXT) = :t ORDER BY m.latest DESC, m.id DESC LIMIT :limit",
            {"p": pattern, "t": text.strip(), "limit": limit},
        )
    )
