"""Adding entities and their names: `/entity add` and `/alias add`.

Names go in through `add_aliases`, which the data set loader uses too, so an alias added
from chat has exactly the normalised key and initial consonants a loaded one has, and the
entity's search documents are rebuilt in the same transaction. A name that already
leads to another entity is refused, here and in a file: lookups must keep resolving to
one entity.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import sqlite_utils

from store.changeset import ChangeSet, EditResult, authorship
from store.errors import InvalidInput
from store.hangul import choseong, name_key, nfc
from store.ids import checked_new_id, slug, unique_id
from store.limits import SUMMARY_MAX, checked_text
from store.model import EntityRef
from store.queries import entity_ref
from store.references import find_entity, find_source
from store.rules import checked_name, class_of_kind

_NAME_SEPARATORS = re.compile(r"[,\n、;]")


def add_aliases(
    db: sqlite_utils.Database, entity_id: str, names: Sequence[tuple[str, str | None]]
) -> None:
    """Insert `(kind, name)` pairs as aliases of an entity; a name equal (by `name_key`) to
    one it has already is skipped."""
    for kind, name in names:
        key = name_key(name) if name else ""
        if key:
            db.execute(
                "INSERT INTO aliases (entity_id, alias, kind, key, choseong) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (entity_id, key) DO NOTHING",
                [entity_id, nfc(name), kind, key, choseong(name)],
            )


def refuse_names_in_use(db: sqlite_utils.Database, names: Sequence[str]) -> None:
    """Refuse names that already lead to an entity (call before adding the new one's)."""
    for name in names:
        row = db.execute("SELECT entity_id FROM aliases WHERE key = ?", [name_key(name)]).fetchone()
        if row:
            owner = entity_ref(db, row[0])
            assert owner is not None
            raise InvalidInput(
                f"{name!r}은(는) 이미 {owner.display('ko')} ({owner.id})의 이름입니다.",
                f"{name!r} is already a name of {owner.display('en')} ({owner.id}).",
            )


def insert_aliases(
    changes: ChangeSet, entity_id: str, names: Sequence[tuple[str, str | None]]
) -> None:
    """Add `(kind, name)` pairs as aliases the way the data set loader does, recording each row."""
    (last,) = changes.db.execute("SELECT coalesce(max(id), 0) FROM aliases").fetchone()
    add_aliases(changes.db, entity_id, names)
    for (alias_id,) in changes.db.execute(
        "SELECT id FROM aliases WHERE id > ? ORDER BY id", [last]
    ):
        changes.record_insert("aliases", alias_id)


def _alias_list(aliases: str | Sequence[str]) -> list[str]:
    items = _NAME_SEPARATORS.split(aliases) if isinstance(aliases, str) else list(aliases)
    names = [checked_name(item, "별칭", "alias") for item in items]
    return [n for n in names if n]


def add_entity(
    db: sqlite_utils.Database,
    *,
    kind: str,
    name_ko: str,
    source: str,
    actor: str,
    name_en: str | None = None,
    acronym: str | None = None,
    aliases: str | Sequence[str] = (),
    summary_ko: str | None = None,
    summary_en: str | None = None,
    entity_id: str | None = None,
    reason: str | None = None,
) -> EditResult:
    """Add a program, institution or person (`kind` decides which) with its names.

    `aliases` is a list or one comma-separated string. The id is `entity_id` when
    given, else made from the English name or acronym (`naver-cloud`), else the kind.
    Raises `InvalidInput` (unknown kind or source, a name in use, too long).
    """
    author = authorship(actor, reason)
    entity_class = class_of_kind(kind)
    names: list[tuple[str, str | None]] = [
        ("name_ko", checked_name(name_ko, "한국어 이름", "Korean name", required=True)),
        ("name_en", checked_name(name_en, "영어 이름", "English name")),
        ("acronym", checked_name(acronym, "약어", "acronym")),
        *(("alias", a) for a in _alias_list(aliases)),
    ]
    korean_name = names[0][1]
    assert korean_name is not None
    summaries = (
        checked_text(summary_ko, SUMMARY_MAX, "요약", "summary"),
        checked_text(summary_en, SUMMARY_MAX, "영어 요약", "English summary"),
    )
    cited = find_source(db, source)
    refuse_names_in_use(db, [name for _, name in names if name])
    new_id = (
        checked_new_id(db, "entities", entity_id)
        if entity_id
        else unique_id(db, "entities", slug(names[1][1]) or slug(names[2][1]) or kind)
    )
    changes = ChangeSet(db)
    changes.insert(
        "entities",
        {"id": new_id, "class": entity_class, "kind": kind, "name_ko": korean_name,
         "name_en": names[1][1], "acronym": names[2][1], "summary_ko": summaries[0],
         "summary_en": summaries[1], "source_id": cited.id},
    )  # fmt: skip
    insert_aliases(changes, new_id, names)
    return changes.commit(
        author,
        "entity.add",
        summary_ko=f"항목 추가: {korean_name} ({kind}, {new_id})",
        summary_en=f"added entity: {names[1][1] or korean_name} ({kind}, {new_id})",
        row_id=new_id,
    )


def add_alias(
    db: sqlite_utils.Database, *, entity: str, alias: str, actor: str, reason: str | None = None
) -> EditResult:
    """Give `entity` another name to be found by. Raises `UnknownEntity` or `InvalidInput`."""
    author = authorship(actor, reason)
    subject: EntityRef = find_entity(db, entity)
    name = checked_name(alias, "별칭", "alias", required=True)
    assert name is not None
    refuse_names_in_use(db, [name])
    changes = ChangeSet(db)
    insert_aliases(changes, subject.id, [("alias", name)])
    return changes.commit(
        author,
        "alias.add",
        summary_ko=f"{subject.name_ko} · 별칭 추가: {name}",
        summary_en=f"{subject.name('en')} · added alias: {name}",
        row_id=changes.changes[0].row_id,
    )
