"""The sources a fact or a milestone cites: the first in its own `source_id`, the rest in
a link table (`fact_sources`, `milestone_sources`).

Every writer of facts and milestones (the data set loader, `/fact set`, `/milestone add`
and `update`, an import, a data set upgrade) goes through these functions, so the two
places never disagree: the first source is always the row's `source_id`, and the link
table holds the others at positions 1, 2, … Keeping the first source in the row means
every row stored before the link tables existed keeps its one source unchanged, and
everything that reads only the first source keeps working. Link rows are written through
the caller's `ChangeSet`, so a revision records them next to their row and a revert
restores them exactly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from store.changeset import ChangeSet
from store.errors import InvalidInput
from store.model import SourceRef
from store.references import find_source

# Source ids are slugs and URLs contain no spaces or commas, so either separates them.
_SOURCE_SEPARATORS = re.compile(r"[,\s]+")
# The key under which a row carries its whole source list when rows are compared.
SOURCES_KEY = "sources"


@dataclass(frozen=True)
class Cited:
    """A table whose rows cite sources, and the link table holding their further ones."""

    table: str
    links: str
    # The link table's column naming the citing row.
    key: str
    # What one row is called in a problem `store check` reports.
    noun: str


FACTS = Cited("facts", "fact_sources", "fact_id", "fact")
MILESTONES = Cited("milestones", "milestone_sources", "milestone_id", "milestone")
CITED = (FACTS, MILESTONES)
# Each cited table by its own name, and by its link table's.
CITED_BY_TABLE = {cited.table: cited for cited in CITED}
CITED_BY_LINKS = {cited.links: cited for cited in CITED}


def source_references(references: str | Sequence[str] | None) -> list[str]:
    """The source ids or URLs in `references`: a list, or a comma or space separated string."""
    if references is None:
        return []
    items = _SOURCE_SEPARATORS.split(references) if isinstance(references, str) else references
    return [item.strip() for item in items if item and item.strip()]


def find_sources(
    db: sqlite_utils.Database, references: str | Sequence[str] | None
) -> list[SourceRef]:
    """The sources an admin cites, in the order given; refused when none, unknown or repeated."""
    cited = [find_source(db, reference) for reference in source_references(references) or [""]]
    ids = [source.id for source in cited]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise InvalidInput(
            f"같은 출처를 두 번 인용했습니다: {', '.join(repeated)}",
            f"The same source is cited twice: {', '.join(repeated)}.",
        )
    return cited


def further_sources(
    db: sqlite_utils.Database, row_ids: Iterable[int], cited: Cited
) -> dict[int, list[str]]:
    """Each row's sources after the first, in order (rows with none are left out)."""
    ids = list(dict.fromkeys(row_ids))
    out: dict[int, list[str]] = {}
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        rows = db.execute(
            f"SELECT {cited.key}, source_id FROM {cited.links}"
            f" WHERE {cited.key} IN ({', '.join('?' * len(part))}) ORDER BY {cited.key}, position",
            part,
        )
        for row_id, source_id in rows:
            out.setdefault(row_id, []).append(source_id)
    return out


def with_sources(
    db: sqlite_utils.Database, rows: list[dict[str, Any]], cited: Cited
) -> list[dict[str, Any]]:
    """Rows with their whole source list under `SOURCES_KEY` (a JSON array) in place of
    `source_id`: the form in which two stores' facts or milestones are compared."""
    extra = further_sources(db, [row["id"] for row in rows], cited)
    out = []
    for row in rows:
        listed = [row["source_id"], *extra.get(row["id"], [])]
        content = {k: v for k, v in row.items() if k != "source_id"}
        content[SOURCES_KEY] = json.dumps(listed)
        out.append(content)
    return out


def listed_sources(sources: str) -> str:
    """A `SOURCES_KEY` value (a JSON array of ids) as a diff or summary shows it."""
    return ", ".join(json.loads(sources))


def link_rows(cited: Cited, row_id: int, source_ids: Sequence[str]) -> list[dict[str, Any]]:
    """The link rows of a row citing `source_ids`: every source after the first, at
    positions 1, 2, … (the data set loader writes them directly, edits through a
    `ChangeSet`)."""
    return [
        {cited.key: row_id, "position": position, "source_id": source_id}
        for position, source_id in enumerate(source_ids[1:], start=1)
    ]


def _link_rows(changes: ChangeSet, cited: Cited, row_id: int, source_ids: Sequence[str]) -> None:
    for link in link_rows(cited, row_id, source_ids):
        changes.insert(cited.links, link)


def insert_cited(
    changes: ChangeSet, cited: Cited, values: dict[str, Any], source_ids: Sequence[str]
) -> int:
    """Insert a row of `cited.table` citing `source_ids` (at least one, the primary first);
    its id."""
    if not source_ids:
        raise ValueError(f"a {cited.noun} cites at least one source")
    row_id = changes.insert(cited.table, {**values, "source_id": source_ids[0]})
    assert isinstance(row_id, int)
    _link_rows(changes, cited, row_id, source_ids)
    return row_id


def replace_sources(
    changes: ChangeSet, cited: Cited, row_id: int, source_ids: Sequence[str]
) -> None:
    """Make a fact or milestone cite exactly `source_ids`, in that order (nothing else of
    it changes).

    The further links are removed and written again rather than renumbered in place,
    which would pass through positions two rows share.
    """
    if not source_ids:
        raise ValueError(f"a {cited.noun} cites at least one source")
    changes.update(cited.table, row_id, {"source_id": source_ids[0]})
    for (link_id,) in changes.db.execute(
        f"SELECT id FROM {cited.links} WHERE {cited.key} = ? ORDER BY position", [row_id]
    ).fetchall():
        changes.restore(cited.links, link_id, None)
    _link_rows(changes, cited, row_id, source_ids)


def citation_problems(db: sqlite_utils.Database) -> list[str]:
    """Citations that contradict the rules above: a row's first source repeated as a
    further one, further positions that are not 1, 2, … without gaps, or a publication
    date confirmed by a source the store does not have."""
    problems = []
    for cited in CITED:
        problems += [
            f"{cited.noun} {row_id} cites its primary source {source_id} again as a further source"
            for row_id, source_id in db.execute(
                f"SELECT l.{cited.key}, l.source_id FROM {cited.links} l"
                f" JOIN {cited.table} t ON t.id = l.{cited.key} WHERE l.source_id = t.source_id"
            )
        ]
        problems += [
            f"{cited.noun} {row_id}: further source positions are not 1..{count}"
            for row_id, count in db.execute(
                f"SELECT {cited.key}, count(*) FROM {cited.links} GROUP BY {cited.key}"
                " HAVING min(position) != 1 OR max(position) != count(*)"
            )
        ]
    problems += [
        f"source {source_id}: its date is confirmed by {confirming}, which is not a source"
        for source_id, confirming in db.execute(
            "SELECT s.id, j.value FROM sources s, json_each(s.published_confirmed_by) j"
            " WHERE j.value NOT IN (SELECT id FROM sources)"
        )
    ]
    return problems
