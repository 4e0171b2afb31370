"""Applying an edited export back to the store: `python -m store import FILE [--dry-run]`.

The file is first loaded into a scratch in-memory store by the data set loader itself,
so it is validated and normalised (amounts, dates, alias keys) exactly as a load would;
the two stores are then compared row by row. Facts and milestones carry no ids in the
file, so they are matched by content. What differs becomes revisions attributed to the
import, one per entity, attribute group or milestone, all in the caller's transaction.

What an import never does: delete. A statement missing from the file is deprecated (as
`/fact retire` would); a missing entity, source, attribute, alias or milestone is
refused (cancel a milestone with `status: cancelled`).
"""

from __future__ import annotations

import functools
import json
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from store.changeset import TABLE_NOUNS, ChangeSet, authorship
from store.citations import (
    CITED_BY_TABLE,
    FACTS,
    MILESTONES,
    SOURCES_KEY,
    Cited,
    insert_cited,
    listed_sources,
    replace_sources,
    with_sources,
)
from store.dataset import load_dataset
from store.db import connect, write_transaction
from store.errors import InvalidInput
from store.progress import Progress, each
from store.schema import migrate
from store.search_index import reindex_entities
from store.values import describe_value

# Assigned by whichever store holds the row, so never compared.
_ASSIGNED_COLUMNS = frozenset(("id", "created_rev"))


@dataclass(frozen=True)
class RowWrite:
    """One row to insert (`row_id` None) or columns of one row to update."""

    table: str
    row_id: str | int | None
    values: dict[str, Any]


@dataclass(frozen=True)
class SourceListWrite:
    """Make a fact or milestone cite exactly these sources (nothing else of it changes)."""

    cited: Cited
    row_id: int
    source_ids: tuple[str, ...]


Write = RowWrite | SourceListWrite


@dataclass(frozen=True)
class ImportStep:
    """A change the file makes, written as one revision; `lines` are its part of the diff."""

    action: str
    lines: tuple[str, ...]
    writes: tuple[Write, ...]


@dataclass(frozen=True)
class ImportResult:
    """The steps an import found and, unless it was a dry run, the revisions it wrote.

    Only the revisions' ids are kept: each revision's rows, before and after, are in the
    log, and holding them all until the import returns cost a quarter of its memory.
    """

    steps: tuple[ImportStep, ...]
    revisions: tuple[int, ...]

    def diff(self) -> list[str]:
        """Every step's lines: `+` added, `~` changed, `-` deprecated."""
        return [line for step in self.steps for line in step.lines]


_SCHEMA_LOCK = threading.Lock()


@functools.cache
def _empty_schema() -> sqlite_utils.Database:
    """One empty store with every migration applied, kept in memory for the process."""
    template = connect(":memory:")
    migrate(template)
    return template


def scratch_store(
    data: dict[str, Any], *, progress: Progress | None = None
) -> sqlite_utils.Database:
    """The file loaded into an in-memory store; the loader's `DatasetError` when it does not load.

    Loading normalises exactly as a real load does (amounts, dates, alias keys), so rows of
    the scratch store compare with a store's rows column by column. The caller closes it.
    The empty store is a copy of one migrated once per process (0.1 ms against 12 ms).
    """
    scratch = connect(":memory:")
    try:
        with _SCHEMA_LOCK:
            _empty_schema().conn.backup(scratch.conn)
        with write_transaction(scratch):
            load_dataset(scratch, data, "", actor="import", index=False, progress=progress)
    except BaseException:
        scratch.conn.close()
        raise
    return scratch


def row_content(row: dict[str, Any]) -> dict[str, Any]:
    """A row without the columns its store assigns, qualifiers in a canonical order."""
    content = {k: v for k, v in row.items() if k not in _ASSIGNED_COLUMNS}
    if "qualifiers" in content:
        content["qualifiers"] = json.dumps(json.loads(content["qualifiers"]), sort_keys=True)
    return content


def table_rows(
    db: sqlite_utils.Database, table: str, where: str = "1", params: Sequence[Any] = ()
) -> list[dict[str, Any]]:
    """Rows of `table` matching `where`, in the order they were written."""
    return list(db.query(f"SELECT * FROM {table} WHERE {where} ORDER BY rowid", list(params)))


def row_differences(ours: dict[str, Any], theirs: dict[str, Any]) -> dict[str, Any]:
    """The columns of `theirs` (content only) whose values differ from `ours`."""
    ours_content = row_content(ours)
    return {k: v for k, v in row_content(theirs).items() if ours_content.get(k) != v}


def changed_line(label: str, ours: dict[str, Any], changed: dict[str, Any]) -> str:
    """`~ label: column: old → new, …`, one line of a diff (a source list as its ids)."""

    def shown(column: str, value: Any) -> str:
        if column == SOURCES_KEY and value is not None:
            return listed_sources(value)
        return repr(value)

    fields = ", ".join(f"{k}: {shown(k, ours.get(k))} → {shown(k, v)}" for k, v in changed.items())
    return f"~ {label}: {fields}"


def cited_update(cited: Cited, row_id: int, changed: dict[str, Any]) -> tuple[Write, ...]:
    """The writes changing these columns of a fact or milestone; a changed `SOURCES_KEY`
    becomes a `SourceListWrite`."""
    values = dict(changed)
    listed = values.pop(SOURCES_KEY, None)
    writes: list[Write] = [RowWrite(cited.table, row_id, values)] if values else []
    if listed is not None:
        writes.append(SourceListWrite(cited, row_id, tuple(json.loads(listed))))
    return tuple(writes)


def fact_rows(db: sqlite_utils.Database, entity_id: str) -> list[dict[str, Any]]:
    """An entity's facts in written order, each with its source list (`SOURCES_KEY`)."""
    return with_sources(db, table_rows(db, "facts", "entity_id = ?", [entity_id]), FACTS)


def milestone_rows(db: sqlite_utils.Database, entity_id: str) -> list[dict[str, Any]]:
    """An entity's milestones in written order, each with its source list (`SOURCES_KEY`)."""
    return with_sources(db, table_rows(db, "milestones", "entity_id = ?", [entity_id]), MILESTONES)


def _refuse_removal(table: str, ids: Sequence[Any]) -> None:
    if ids:
        shown = ", ".join(str(i) for i in ids)
        ko, en = TABLE_NOUNS[table]
        raise InvalidInput(
            f"가져오기로는 {ko}을(를) 지울 수 없습니다. 파일에 다시 넣으세요: {shown}",
            f"An import cannot remove any {en}; put these back in the file: {shown}.",
        )


def _keyed_steps(
    db: sqlite_utils.Database, scratch: sqlite_utils.Database, table: str, noun: str
) -> Iterator[ImportStep]:
    """Rows keyed by their own id (sources, attributes): added or changed, never removed."""
    ours = {r["id"]: r for r in table_rows(db, table)}
    theirs = {r["id"]: r for r in table_rows(scratch, table)}
    _refuse_removal(table, [i for i in ours if i not in theirs])
    for row_id, row in theirs.items():
        if row_id not in ours:
            yield ImportStep(
                f"{noun}.add",
                (f"+ {noun} {row_id}",),
                (RowWrite(table, None, {"id": row_id, **row_content(row)}),),
            )
        elif changed := row_differences(ours[row_id], row):
            yield ImportStep(
                f"{noun}.update",
                (changed_line(f"{noun} {row_id}", ours[row_id], changed),),
                (RowWrite(table, row_id, changed),),
            )


def _entity_steps(
    db: sqlite_utils.Database, scratch: sqlite_utils.Database
) -> Iterator[ImportStep]:
    """New entities, changed entity rows, and names an entity gains (names are never dropped)."""
    ours = {r["id"]: r for r in table_rows(db, "entities")}
    theirs = table_rows(scratch, "entities")
    _refuse_removal("entities", sorted(ours.keys() - {r["id"] for r in theirs}))
    for row in theirs:
        entity_id = row["id"]
        writes: list[RowWrite] = []
        lines: list[str] = []
        if entity_id not in ours:
            writes.append(RowWrite("entities", None, {"id": entity_id, **row_content(row)}))
            lines.append(f"+ entity {entity_id} ({row['name_ko']})")
        elif changed := row_differences(ours[entity_id], row):
            writes.append(RowWrite("entities", entity_id, changed))
            lines.append(changed_line(f"entity {entity_id}", ours[entity_id], changed))
        our_aliases = table_rows(db, "aliases", "entity_id = ?", [entity_id])
        their_aliases = table_rows(scratch, "aliases", "entity_id = ?", [entity_id])
        known = {a["key"] for a in our_aliases}
        for alias in their_aliases:
            if alias["key"] not in known:
                writes.append(RowWrite("aliases", None, row_content(alias)))
                lines.append(f"+ alias {entity_id}: {alias['alias']}")
        kept = {a["key"] for a in their_aliases}
        _refuse_removal(
            "aliases",
            [a["alias"] for a in our_aliases if a["kind"] == "alias" and a["key"] not in kept],
        )
        if writes:
            action = "entity.add" if entity_id not in ours else "entity.update"
            yield ImportStep(action, tuple(lines), tuple(writes))


def _fact_key(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row_content(row).items() if k != "rank"}


def _title(row: dict[str, Any]) -> str:
    return row["title_ko"]


class _Pool:
    """Rows waiting to be matched, in their order; a row is found by a key in constant time.

    An entity can hold thousands of statements (a ministry linked from every program), so
    matching scans nothing: each key function gets a map from key to the rows having it.
    """

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = dict(enumerate(rows))
        self._indexes: dict[Callable[[dict[str, Any]], Any], dict[Any, deque[int]]] = {}

    def take(
        self, target: dict[str, Any], key: Callable[[dict[str, Any]], Any]
    ) -> dict[str, Any] | None:
        """Remove and return the first row whose `key` equals `target`'s, if any."""
        index = self._indexes.get(key)
        if index is None:
            index = self._indexes[key] = {}
            for position, row in self.rows.items():
                index.setdefault(_hashable(key(row)), deque()).append(position)
        waiting = index.get(_hashable(key(target)), deque())
        while waiting:
            position = waiting.popleft()
            if position in self.rows:
                return self.rows.pop(position)
        return None

    def remaining(self) -> list[dict[str, Any]]:
        return list(self.rows.values())


def _hashable(key: Any) -> Any:
    return tuple(sorted(key.items(), key=lambda item: item[0])) if isinstance(key, dict) else key


def _unmatched(ours: _Pool, theirs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`theirs` rows with no identical row in `ours`; the identical ones leave `ours`."""
    return [row for row in theirs if ours.take(row, row_content) is None]


def _fact_steps(
    db: sqlite_utils.Database, scratch: sqlite_utils.Database, entity_id: str
) -> Iterator[ImportStep]:
    """Per attribute: statements added, re-ranked, or deprecated because the file dropped them."""
    ours = _Pool(fact_rows(db, entity_id))
    theirs = fact_rows(scratch, entity_id)
    by_attribute: dict[str, list[tuple[RowWrite, str]]] = {}
    for row in _unmatched(ours, theirs):
        label = f"fact {entity_id}.{row['attribute']}: {describe_value(db, row, 'ko')}"
        reranked = ours.take(row, _fact_key)
        if reranked is not None:
            write = RowWrite("facts", reranked["id"], {"rank": row["rank"]})
            line = f"~ {label}: rank {reranked['rank']} → {row['rank']}"
        else:
            write, line = RowWrite("facts", None, row_content(row)), f"+ {label}"
        by_attribute.setdefault(row["attribute"], []).append((write, line))
    for row in ours.remaining():
        if row["rank"] != "deprecated":
            write = RowWrite("facts", row["id"], {"rank": "deprecated"})
            line = f"- fact {entity_id}.{row['attribute']}: {describe_value(db, row, 'ko')} (deprecated)"
            by_attribute.setdefault(row["attribute"], []).append((write, line))
    for items in by_attribute.values():
        only_retired = all(w.values == {"rank": "deprecated"} for w, _ in items)
        yield ImportStep(
            "fact.retire" if only_retired else "fact.set",
            tuple(line for _, line in items),
            tuple(write for write, _ in items),
        )


def _milestone_steps(
    db: sqlite_utils.Database, scratch: sqlite_utils.Database, entity_id: str
) -> Iterator[ImportStep]:
    """Milestones added or changed; an edited one is matched by its title, else by order."""
    pool = _Pool(milestone_rows(db, entity_id))
    theirs = _unmatched(pool, milestone_rows(scratch, entity_id))
    pairs = []
    unpaired = []
    for row in theirs:
        titled = pool.take(row, _title)
        if titled is not None:
            pairs.append((titled, row))
        else:
            unpaired.append(row)
    ours = pool.remaining()
    pairs += zip(ours, unpaired, strict=False)
    _refuse_removal("milestones", [f"{o['title_ko']} (#{o['id']})" for o in ours[len(unpaired) :]])
    for old, new in pairs:
        changed = row_differences(old, new)
        yield ImportStep(
            "milestone.update",
            (changed_line(f"milestone {entity_id} #{old['id']} {old['title_ko']}", old, changed),),
            cited_update(MILESTONES, old["id"], changed),
        )
    for new in unpaired[len(ours) :]:
        yield ImportStep(
            "milestone.add",
            (f"+ milestone {entity_id}: {new['title_ko']} ({new['date_text']})",),
            (RowWrite("milestones", None, row_content(new)),),
        )


def plan_import(
    db: sqlite_utils.Database,
    scratch: sqlite_utils.Database,
    *,
    progress: Progress | None = None,
) -> list[ImportStep]:
    """What applying a loaded file (`scratch_store`) would change in `db`, in order."""
    steps = [
        *_keyed_steps(db, scratch, "sources", "source"),
        *_keyed_steps(db, scratch, "attributes", "attribute"),
        *_entity_steps(db, scratch),
    ]
    ids = [row[0] for row in scratch.execute("SELECT id FROM entities ORDER BY rowid")]
    for entity_id in each(progress, "compared", ids, "entities"):
        steps += _fact_steps(db, scratch, entity_id)
        steps += _milestone_steps(db, scratch, entity_id)
    return steps


def apply_write(changes: ChangeSet, write: Write) -> None:
    """Write one row or source list as planned; a new fact's or milestone's `SOURCES_KEY`
    becomes its source links."""
    if isinstance(write, SourceListWrite):
        replace_sources(changes, write.cited, write.row_id, write.source_ids)
    elif write.row_id is not None:
        changes.update(write.table, write.row_id, write.values)
    elif write.table in CITED_BY_TABLE:
        values = dict(write.values)
        insert_cited(
            changes, CITED_BY_TABLE[write.table], values, json.loads(values.pop(SOURCES_KEY))
        )
    else:
        changes.insert(write.table, write.values)


def import_dataset(
    db: sqlite_utils.Database,
    scratch: sqlite_utils.Database,
    *,
    actor: str,
    reason: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Apply a loaded file (`scratch_store`, usually an edited export): each step found
    becomes a revision by `actor` (`import:FILE`).

    With `dry_run` nothing is written. The caller holds the write transaction, so an
    import lands whole or not at all. Raises `InvalidInput` for a file that would remove
    something. The entities touched are reindexed once, after the last step: an entity
    with ten changed attributes is one reindex, not ten.
    """
    author = authorship(actor, reason)
    steps = tuple(plan_import(db, scratch, progress=progress))
    if dry_run:
        return ImportResult(steps, ())
    revisions = []
    touched: list[str] = []
    for step in each(progress, "applied", steps, "changes"):
        changes = ChangeSet(db)
        for write in step.writes:
            apply_write(changes, write)
        touched += changes.entity_ids()
        summary = "; ".join(step.lines)
        result = changes.commit(
            author, step.action, summary_ko=summary, summary_en=summary, reindex=False
        )
        revisions.append(result.revision)
    for entity_id in each(progress, "indexed", list(dict.fromkeys(touched)), "entities"):
        reindex_entities(db, [entity_id])
    return ImportResult(steps, tuple(revisions))
