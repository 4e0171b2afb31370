"""Bringing a store to a newer bundled data set: `FactStore.upgrade()`, `python -m store upgrade`.

A store created from data set version N holds admin edits; version N+1 must reach it as
revisions, never by rebuilding it. Each change is a three-way comparison: what version N
said (the base, kept in `data/versions/N.yaml`), what N+1 says, and what the store holds.
A change is applied only where the store still holds what version N said; where an admin
changed the same thing since, the change is reported and skipped, so no edit is ever
overwritten. Every applied change is a revision attributed to `dataset:N+1`, revertible
on its own; a last revision records the version step itself.

What is compared, and how things are matched without ids:

- sources, attributes, entities: by id, row by row. A new source whose URL the store
  already has under another id (an admin registered the same article) is not added
  again; the version's citations of it cite the store's source instead.
- aliases: by entity and key; names are only ever added (or their kind corrected).
- facts: per entity and attribute, statements are matched by everything but their rank
  and sources. A version may add statements, deprecate them (rank `deprecated`, or left
  out of the file) and change a statement's sources or rank. When a version replaces
  statements (deprecates some and adds others), the replacement applies whole or not at
  all: an admin's own replacement of the same statement is a conflict.
- milestones: by position within their entity, which a version keeps (a milestone is
  changed in place, never removed or reordered; new ones come after).

A brand-new store loads the newest version directly (`FactStore.seed`): every version
file is complete, deprecated statements included, so that load and an upgrade from any
older version end with the same content.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from store.changeset import TABLE_NOUNS, Authorship, ChangeSet
from store.citations import FACTS, MILESTONES, SOURCES_KEY, listed_sources
from store.dataset import DATASET_PATH, DatasetError, read_dataset
from store.hangul import name_key
from store.importer import (
    RowWrite,
    SourceListWrite,
    Write,
    apply_write,
    changed_line,
    cited_update,
    fact_rows,
    milestone_rows,
    row_content,
    row_differences,
    scratch_store,
    table_rows,
)
from store.revisions import record_revision
from store.search_index import reindex_entities
from store.values import describe_value

VERSIONS_DIR = DATASET_PATH.parent / "versions"
_VERSION_LINE = re.compile(rb"^version:\s*(\d+)\s*$", re.MULTILINE)
# Columns that name a row of another table, and that table.
_REFERENCES = {
    "source_id": "sources",
    "entity_id": "entities",
    "value_entity": "entities",
    "speaker": "entities",
    "attribute": "attributes",
}
# Columns holding a JSON list of source ids.
_SOURCE_LISTS = (SOURCES_KEY, "published_confirmed_by")


def file_version(path: Path) -> int:
    """The `version:` a data set file declares, read without parsing the whole file."""
    match = _VERSION_LINE.search(path.read_bytes())
    if match is None:
        raise DatasetError(f"{path}: no 'version: N' line")
    return int(match.group(1))


@functools.lru_cache(maxsize=8)
def _bundled_file(path: Path, size: int, mtime_ns: int) -> tuple[dict[str, Any], str]:
    return read_dataset(path)


def read_bundled(path: Path) -> tuple[dict[str, Any], str]:
    """A bundled data set file, parsed once per process (a test process upgrades many
    stores from the same files). Callers must not change the data returned."""
    stat = path.stat()
    return _bundled_file(path, stat.st_size, stat.st_mtime_ns)


def bundled_versions() -> dict[int, Path]:
    """Every bundled data set version and its file, oldest first: the earlier ones kept in
    `data/versions/N.yaml` as merge bases, the newest in `data/dataset.yaml`."""
    found = {int(p.stem): p for p in VERSIONS_DIR.glob("*.yaml") if p.stem.isdigit()}
    found[file_version(DATASET_PATH)] = DATASET_PATH
    return dict(sorted(found.items()))


@dataclass(frozen=True)
class UpgradeStep:
    """One change a version makes, written as one revision; `lines` are its part of the diff."""

    action: str
    lines: tuple[str, ...]
    writes: tuple[Write, ...]


@dataclass(frozen=True)
class UpgradeConflict:
    """A change of `version` not applied, because the store no longer holds what it changes."""

    version: int
    ko: str
    en: str

    def message(self, locale: str) -> str:
        """The explanation in `locale` (`ko` or `en`)."""
        return self.en if locale == "en" else self.ko


@dataclass(frozen=True)
class AppliedStep:
    """A change applied (or, in a dry run, that would be): its revision and diff lines."""

    version: int
    revision: int | None
    action: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class UpgradeReport:
    """What an upgrade did or, with `dry_run`, would do: versions, changes, conflicts."""

    from_version: str | None
    to_version: str | None
    dry_run: bool
    applied: tuple[AppliedStep, ...] = ()
    conflicts: tuple[UpgradeConflict, ...] = ()
    # False for a store of a data set no release shipped (an imported or synthetic one).
    bundled: bool = True

    @property
    def upgraded(self) -> bool:
        """True when the store moved (or would move) to a newer version."""
        return self.from_version != self.to_version

    def summary(self, locale: str) -> str:
        """One sentence: from which version to which, how many changes and conflicts."""
        en = locale == "en"
        if not self.bundled:
            return (
                f"Data set {self.from_version!r} is not a bundled version; nothing to apply."
                if en
                else f"데이터 세트 {self.from_version!r}은(는) 번들 버전이 아니라 적용할 것이 없습니다."
            )
        if not self.upgraded:
            return (
                f"Data set version {self.from_version}: up to date, nothing to apply."
                if en
                else f"데이터 세트 버전 {self.from_version}: 최신이라 적용할 것이 없습니다."
            )
        changes, conflicts = len(self.applied), len(self.conflicts)
        if en:
            verb = "would apply" if self.dry_run else "applied"
            return (
                f"Data set {self.from_version} → {self.to_version}: {verb} {changes} changes,"
                f" skipped {conflicts} conflicts{' (dry run, nothing written)' if self.dry_run else ''}."
            )
        verb = "적용 예정" if self.dry_run else "적용"
        return (
            f"데이터 세트 {self.from_version} → {self.to_version}: 변경 {changes}건 {verb},"
            f" 충돌 {conflicts}건 건너뜀{' (시험 실행, 기록하지 않음)' if self.dry_run else ''}."
        )

    def lines(self, locale: str) -> list[str]:
        """The summary, each change with its revision, then each conflict (`!`)."""
        out = [self.summary(locale)]
        for step in self.applied:
            where = f"r{step.revision} " if step.revision is not None else ""
            out += [f"{where}{line}" for line in step.lines]
        out += [f"! {conflict.message(locale)}" for conflict in self.conflicts]
        return out


def _identity(fact: dict[str, Any]) -> dict[str, Any]:
    """What makes two statements the same statement: all but rank and sources."""
    return {k: v for k, v in fact.items() if k not in ("rank", SOURCES_KEY)}


def _state(fact: dict[str, Any]) -> tuple[str, str]:
    return fact[SOURCES_KEY], fact["rank"]


class _Planner:
    """The steps and conflicts of one version step, planned against the store as it is."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        base: sqlite_utils.Database,
        new: sqlite_utils.Database,
        version: int,
    ) -> None:
        self.db, self.base, self.new, self.version = db, base, new, version
        self.steps: list[UpgradeStep] = []
        self.conflicts: list[UpgradeConflict] = []
        # Sources of the version the store already has under another id (same URL).
        self.same_source: dict[str, str] = {}

    def conflict(self, ko: str, en: str) -> None:
        self.conflicts.append(UpgradeConflict(self.version, ko, en))

    def step(self, action: str, lines: list[str], writes: list[Write]) -> None:
        self.steps.append(UpgradeStep(action, tuple(lines), tuple(writes)))

    def mapped(self, row: dict[str, Any]) -> dict[str, Any]:
        """A row of the new version citing the store's id for sources it already had."""
        if not self.same_source:
            return row
        out = dict(row)
        if out.get("source_id") in self.same_source:
            out["source_id"] = self.same_source[out["source_id"]]
        for key in _SOURCE_LISTS:
            if out.get(key):
                listed = json.loads(out[key])
                out[key] = json.dumps([self.same_source.get(s, s) for s in listed])
        return out

    def plan(self) -> None:
        for table in ("sources", "attributes"):
            self._keyed(table)
        self._entities()
        for (entity_id,) in self.new.execute("SELECT id FROM entities ORDER BY rowid"):
            self._facts(entity_id)
            self._milestones(entity_id)

    def _refuse_removal(
        self, table: str, key: str = "id", where: str = "1", params: tuple[str, ...] = ()
    ) -> None:
        base = {r[key] for r in table_rows(self.base, table, where, params)}
        gone = base - {r[key] for r in table_rows(self.new, table, where, params)}
        if gone:
            raise DatasetError(
                f"data set version {self.version} drops {table} of version {self.version - 1}:"
                f" {sorted(gone)}; a version only adds, changes or deprecates"
            )

    def _keyed(self, table: str) -> None:
        """Sources or attributes: added first (a changed row may cite a new one), then changed."""
        self._refuse_removal(table)
        noun = TABLE_NOUNS[table][1]
        ours = {r["id"]: r for r in table_rows(self.db, table)}
        base = {r["id"]: r for r in table_rows(self.base, table)}
        changed: list[tuple[dict[str, Any], dict[str, Any]]] = []
        for row in table_rows(self.new, table):
            if row["id"] in base:
                changed.append((base[row["id"]], row))
                continue
            held = ours.get(row["id"])
            if held is not None:
                if row_content(held) != row_content(self.mapped(row)):
                    self.conflict(
                        f"{TABLE_NOUNS[table][0]} {row['id']}: 이 저장소에 같은 id가 다른 내용으로"
                        " 있어 추가하지 않았습니다.",
                        f"{noun} {row['id']}: the store has this id with other content; not added.",
                    )
                continue
            if table == "sources" and self._known_url(row):
                continue
            self.step(
                f"{table[:-1]}.add",
                [f"+ {noun} {row['id']}"],
                [RowWrite(table, None, {"id": row["id"], **row_content(self.mapped(row))})],
            )
        for old, row in changed:
            change = self._changed_row(table, old, self.mapped(row), ours.get(old["id"]))
            if change is not None:
                self.step(f"{table[:-1]}.update", [change[1]], [change[0]])

    def _known_url(self, row: dict[str, Any]) -> bool:
        """True (and citations redirected) when the store has this article under another id."""
        if not row["url"]:
            return False
        held = self.db.execute("SELECT id FROM sources WHERE url = ?", [row["url"]]).fetchone()
        if held is None:
            return False
        self.same_source[row["id"]] = held[0]
        self.conflict(
            f"출처 {row['id']}: 같은 주소가 이 저장소에 {held[0]}(으)로 등록되어 있어,"
            f" 버전 {self.version}의 인용은 {held[0]}을(를) 가리킵니다.",
            f"source {row['id']}: the store has this URL as {held[0]}; version {self.version}'s"
            f" citations of it cite {held[0]}.",
        )
        return True

    def _changed_row(
        self, table: str, old: dict[str, Any], row: dict[str, Any], held: dict[str, Any] | None
    ) -> tuple[RowWrite, str] | None:
        """Three-way on one keyed row: its write and diff line where the store holds the
        base row; None where nothing changes, the store has the new row already, or an
        admin changed it (then a conflict is reported)."""
        changed = row_differences(old, row)
        if not changed or (held is not None and all(held.get(k) == v for k, v in changed.items())):
            return None
        noun_ko, noun_en = TABLE_NOUNS[table]
        if held is not None and row_content(held) == row_content(old):
            line = changed_line(f"{noun_en} {old['id']}", old, changed)
            return RowWrite(table, old["id"], changed), line
        self.conflict(
            f"{noun_ko} {old['id']}: 버전 {self.version - 1} 이후 이 저장소에서 바뀌어"
            f" 버전 {self.version}의 변경({', '.join(changed)})을 적용하지 않았습니다.",
            f"{noun_en} {old['id']}: changed in this store since version {self.version - 1};"
            f" version {self.version}'s change ({', '.join(changed)}) was not applied.",
        )
        return None

    def _entities(self) -> None:
        self._refuse_removal("entities")
        ours = {r["id"]: r for r in table_rows(self.db, "entities")}
        base = {r["id"]: r for r in table_rows(self.base, "entities")}
        for row in table_rows(self.new, "entities"):
            row = self.mapped(row)
            entity_id = row["id"]
            writes: list[Write] = []
            lines: list[str] = []
            if entity_id in base:
                change = self._changed_row("entities", base[entity_id], row, ours.get(entity_id))
                if change is not None:
                    writes.append(change[0])
                    lines.append(change[1])
            elif entity_id in ours:
                if row_content(ours[entity_id]) != row_content(row):
                    self.conflict(
                        f"항목 {entity_id}: 이 저장소에 같은 id가 다른 내용으로 있어 추가하지 않았습니다.",
                        f"entity {entity_id}: the store has this id with other content; not added.",
                    )
                    continue
            elif self._name_taken(row):
                continue
            else:
                writes.append(RowWrite("entities", None, {"id": entity_id, **row_content(row)}))
                lines.append(f"+ entity {entity_id} ({row['name_ko']})")
            self._aliases(entity_id, writes, lines)
            if writes:
                action = "entity.update" if entity_id in base or entity_id in ours else "entity.add"
                self.step(action, lines, writes)

    def _name_taken(self, row: dict[str, Any]) -> bool:
        """True (and a conflict) when an entity only the store has goes by a name of `row`."""
        keys = [name_key(n) for n in (row["name_ko"], row["name_en"], row["acronym"]) if n]
        marks = ", ".join("?" * len(keys))
        for entity_id, alias in self.db.execute(
            f"SELECT entity_id, alias FROM aliases WHERE key IN ({marks})", keys
        ).fetchall():
            if not self.new.execute("SELECT 1 FROM entities WHERE id = ?", [entity_id]).fetchone():
                self.conflict(
                    f"항목 {row['id']}: 이름 '{alias}'을(를) 이 저장소의 {entity_id}이(가) 이미"
                    " 쓰고 있어 추가하지 않았습니다 (그것에 기대는 사실·일정도 건너뜀).",
                    f"entity {row['id']}: the store's {entity_id} already goes by '{alias}';"
                    " not added (nor the facts and milestones that need it).",
                )
                return True
        return False

    def _aliases(self, entity_id: str, writes: list[Write], lines: list[str]) -> None:
        """Names the version adds to an entity, and names whose kind it corrects."""
        where = "entity_id = ?"
        self._refuse_removal("aliases", "key", where, (entity_id,))
        base = {a["key"]: a for a in table_rows(self.base, "aliases", where, [entity_id])}
        ours = {a["key"]: a for a in table_rows(self.db, "aliases", where, [entity_id])}
        for alias in table_rows(self.new, "aliases", where, [entity_id]):
            held = ours.get(alias["key"])
            if alias["key"] not in base:
                if held is None:
                    writes.append(RowWrite("aliases", None, row_content(alias)))
                    lines.append(f"+ alias {entity_id}: {alias['alias']}")
            elif held is not None and held["kind"] == base[alias["key"]]["kind"] != alias["kind"]:
                writes.append(RowWrite("aliases", held["id"], {"kind": alias["kind"]}))
                lines.append(f"~ alias {entity_id}: {alias['alias']} ({alias['kind']})")

    def _facts(self, entity_id: str) -> None:
        base = [row_content(r) for r in fact_rows(self.base, entity_id)]
        new = [self.mapped(row_content(r)) for r in fact_rows(self.new, entity_id)]
        ours = [(r["id"], row_content(r)) for r in fact_rows(self.db, entity_id)]
        attributes = dict.fromkeys(f["attribute"] for f in [*new, *base])
        for attribute in attributes:
            self._fact_group(
                entity_id,
                attribute,
                [f for f in base if f["attribute"] == attribute],
                [f for f in new if f["attribute"] == attribute],
                [(i, f) for i, f in ours if f["attribute"] == attribute],
            )

    def _fact_group(
        self,
        entity_id: str,
        attribute: str,
        base: list[dict[str, Any]],
        new: list[dict[str, Any]],
        ours: list[tuple[int, dict[str, Any]]],
    ) -> None:
        """Three-way on one attribute's statements of one entity (see the module docstring)."""
        touched, added = _paired(base, new)
        if not touched and not added:
            return
        claimed: set[int] = set()

        def held(fact: dict[str, Any], state: tuple[str, str] | None) -> int | None:
            for fact_id, row in ours:
                if fact_id in claimed or _identity(row) != _identity(fact):
                    continue
                if state is None or _state(row) == state:
                    claimed.add(fact_id)
                    return fact_id
            return None

        plans: list[tuple[str, int | None, dict[str, Any], dict[str, Any] | None]] = []
        for old, target in touched:
            fact_id = held(old, _state(old))
            if fact_id is not None:
                plans.append(("base", fact_id, target, old))
            else:
                again = held(target, _state(target))
                plans.append(("new" if again is not None else "changed", None, target, old))
        for fact in added:
            if held(fact, _state(fact)) is not None:
                plans.append(("new", None, fact, None))
            else:
                other = held(fact, None)
                plans.append(("changed" if other is not None else "base", None, fact, None))
        states = {plan[0] for plan in plans}
        label = f"{entity_id}.{attribute}"
        if touched and added and states != {"base"}:
            if states != {"new"}:
                self._fact_conflict(label, [p[2] for p in plans if p[0] != "new"])
            return
        for plan in plans:
            if plan[0] == "changed":
                self._fact_conflict(label, [plan[2]])
        chosen = [plan for plan in plans if plan[0] == "base"]
        if chosen:
            self._fact_step(label, chosen)

    def _fact_conflict(self, label: str, facts: list[dict[str, Any]]) -> None:
        shown_ko = ", ".join(describe_value(self.new, f, "ko") for f in facts)
        shown_en = ", ".join(describe_value(self.new, f, "en") for f in facts)
        self.conflict(
            f"사실 {label}: 버전 {self.version - 1} 이후 이 저장소에서 바뀐 진술이 있어"
            f" 버전 {self.version}의 변경을 적용하지 않았습니다: {shown_ko}",
            f"fact {label}: statements changed in this store since version {self.version - 1};"
            f" version {self.version}'s change was not applied: {shown_en}",
        )

    def _fact_step(
        self,
        label: str,
        chosen: list[tuple[str, int | None, dict[str, Any], dict[str, Any] | None]],
    ) -> None:
        writes: list[Write] = []
        lines: list[str] = []
        for _, fact_id, target, old in chosen:
            shown = describe_value(self.new, target, "ko")
            if old is None:
                writes.append(RowWrite("facts", None, target))
                lines.append(f"+ fact {label}: {shown}")
                continue
            assert fact_id is not None
            if target[SOURCES_KEY] != old[SOURCES_KEY]:
                writes.append(
                    SourceListWrite(FACTS, fact_id, tuple(json.loads(target[SOURCES_KEY])))
                )
                lines.append(
                    f"~ fact {label}: {shown}: sources {listed_sources(old[SOURCES_KEY])}"
                    f" → {listed_sources(target[SOURCES_KEY])}"
                )
            if target["rank"] != old["rank"]:
                writes.append(RowWrite("facts", fact_id, {"rank": target["rank"]}))
                lines.append(f"~ fact {label}: {shown}: rank {old['rank']} → {target['rank']}")
        if any(old is None for _, _, _, old in chosen):
            action = "fact.set"
        elif all(t["rank"] == "deprecated" for _, _, t, _ in chosen):
            action = "fact.retire"
        else:
            action = "fact.update"
        self.step(action, lines, writes)

    def _milestones(self, entity_id: str) -> None:
        base = [row_content(r) for r in milestone_rows(self.base, entity_id)]
        new = [self.mapped(row_content(r)) for r in milestone_rows(self.new, entity_id)]
        if len(new) < len(base):
            raise DatasetError(
                f"data set version {self.version}: {entity_id} has fewer milestones than version"
                f" {self.version - 1}; a milestone is changed in place, never removed"
            )
        ours = [(r["id"], row_content(r)) for r in milestone_rows(self.db, entity_id)]
        claimed: set[int] = set()

        def held(content: dict[str, Any]) -> int | None:
            for milestone_id, row in ours:
                if milestone_id not in claimed and row == content:
                    claimed.add(milestone_id)
                    return milestone_id
            return None

        for position, row in enumerate(new):
            old = base[position] if position < len(base) else None
            if old == row:
                held(old)
                continue
            if old is None:
                if held(row) is None:
                    self.step(
                        "milestone.add",
                        [f"+ milestone {entity_id}: {row['title_ko']} ({row['date_text']})"],
                        [RowWrite("milestones", None, row)],
                    )
                continue
            milestone_id = held(old)
            if milestone_id is not None:
                changed = row_differences(old, row)
                self.step(
                    "milestone.update",
                    [
                        changed_line(
                            f"milestone {entity_id} #{milestone_id} {old['title_ko']}", old, changed
                        )
                    ],
                    list(cited_update(MILESTONES, milestone_id, changed)),
                )
            elif held(row) is None:
                self.conflict(
                    f"일정 {entity_id} '{old['title_ko']}': 버전 {self.version - 1} 이후 이 저장소에서"
                    f" 바뀌어 버전 {self.version}의 변경을 적용하지 않았습니다.",
                    f"milestone {entity_id} '{old['title_ko']}': changed in this store since version"
                    f" {self.version - 1}; version {self.version}'s change was not applied.",
                )


def _paired(
    base: list[dict[str, Any]], new: list[dict[str, Any]]
) -> tuple[list[tuple[dict[str, Any], dict[str, Any]]], list[dict[str, Any]]]:
    """Statements of the base the new version changes (with their new state; one it leaves
    out becomes deprecated), and statements it adds."""
    remaining = list(new)
    touched = []
    for old in base:
        match = next((f for f in remaining if _identity(f) == _identity(old)), None)
        if match is None:
            if old["rank"] != "deprecated":
                touched.append((old, {**old, "rank": "deprecated"}))
            continue
        remaining.remove(match)
        if _state(match) != _state(old):
            touched.append((old, match))
    return touched, remaining


def _missing_references(db: sqlite_utils.Database, step: UpgradeStep) -> list[str]:
    """Rows a step's writes refer to that the store lacks (a skipped entity or source)."""
    wanted: list[tuple[str, str]] = []
    created = set()
    for write in step.writes:
        if isinstance(write, SourceListWrite):
            wanted += [("sources", s) for s in write.source_ids]
            continue
        if write.row_id is None and "id" in write.values:
            created.add((write.table, write.values["id"]))
        for column, table in _REFERENCES.items():
            if write.values.get(column):
                wanted.append((table, write.values[column]))
        for column in _SOURCE_LISTS:
            if write.values.get(column):
                wanted += [("sources", s) for s in json.loads(write.values[column])]
    return [
        f"{table} {row_id}"
        for table, row_id in dict.fromkeys(wanted)
        if (table, row_id) not in created
        and not db.execute(f"SELECT 1 FROM {table} WHERE id = ?", [row_id]).fetchone()
    ]


def _apply(planner: _Planner, author: Authorship, dry_run: bool) -> list[AppliedStep]:
    """Each planned step as a revision, unless what it needs was skipped; the entities
    touched are reindexed once at the end (still inside the caller's transaction)."""
    applied = []
    touched: list[str] = []
    db = planner.db
    for step in planner.steps:
        missing = _missing_references(db, step)
        if missing:
            planner.conflict(
                f"{'; '.join(step.lines)}: 필요한 {', '.join(missing)}이(가) 없어(건너뜀) 적용하지"
                " 않았습니다.",
                f"{'; '.join(step.lines)}: needs {', '.join(missing)}, which was skipped; not applied.",
            )
            continue
        changes = ChangeSet(db)
        for write in step.writes:
            apply_write(changes, write)
        if not changes.changes:
            continue
        summary = "; ".join(step.lines)
        touched += changes.entity_ids()
        result = changes.commit(
            author, step.action, summary_ko=summary, summary_en=summary, reindex=False
        )
        revision = None if dry_run else result.revision
        applied.append(AppliedStep(planner.version, revision, step.action, step.lines))
    reindex_entities(db, touched)
    return applied


def _meta(db: sqlite_utils.Database) -> dict[str, str]:
    return {row["key"]: row["value"] for row in db.query("SELECT * FROM meta")}


def upgrade_store(db: sqlite_utils.Database, *, dry_run: bool = False) -> UpgradeReport:
    """Bring the store to the newest bundled data set, one version at a time, as revisions.

    The caller holds the write transaction, so an upgrade lands whole or not at all
    (`FactStore.upgrade`, which rolls a dry run back; `dry_run` only marks the report).
    A store of a data set that is not a bundled version (an imported or synthetic one),
    or already at the newest, is left as it is.
    """
    current = _meta(db).get("dataset_version")
    versions = bundled_versions()
    if current is None or not current.isdigit() or int(current) not in versions:
        return UpgradeReport(current, current, dry_run, bundled=False)
    target = max(versions)
    applied: list[AppliedStep] = []
    conflicts: list[UpgradeConflict] = []
    for version in range(int(current) + 1, target + 1):
        if version not in versions or version - 1 not in versions:
            raise DatasetError(f"bundled data set version {version} or its base is missing")
        base_data, _ = read_bundled(versions[version - 1])
        new_data, digest = read_bundled(versions[version])
        planner = _Planner(db, scratch_store(base_data), scratch_store(new_data), version)
        try:
            planner.plan()
            author = Authorship(
                f"dataset:{version}", f"데이터 세트 버전 {version} / data set version {version}"
            )
            step_applied = _apply(planner, author, dry_run)
        finally:
            planner.base.conn.close()
            planner.new.conn.close()
        applied += step_applied
        conflicts += planner.conflicts
        record_revision(
            db,
            actor=author.actor,
            action="dataset.upgrade",
            reason=author.reason,
            summary=(
                f"데이터 세트 {version - 1} → {version}: 변경 {len(step_applied)}건,"
                f" 충돌 {len(planner.conflicts)}건 건너뜀 (sha256 {digest[:12]})\n"
                f"data set {version - 1} → {version}: {len(step_applied)} changes,"
                f" {len(planner.conflicts)} conflicts skipped (sha256 {digest[:12]})"
            ),
            changes=[],
        )
        db["meta"].insert_all(
            [{"key": "dataset_version", "value": str(version)},
             {"key": "dataset_sha256", "value": digest}],
            replace=True,
        )  # fmt: skip
    return UpgradeReport(current, str(target), dry_run, tuple(applied), tuple(conflicts))


@contextmanager
def rolled_back(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """A write transaction that is always rolled back: a dry run sees its own writes, and
    the file is left exactly as it was."""
    if db.conn.in_transaction:
        raise RuntimeError("rolled_back() does not nest")
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    finally:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
