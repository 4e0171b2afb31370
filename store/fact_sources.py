"""The sources a fact cites: the first in `facts.source_id`, the rest in `fact_sources`.

Every writer of facts (the data set loader, `/fact set`, an import, a data set upgrade)
goes through these functions, so the two places never disagree: the first source of a
fact is always `facts.source_id`, and `fact_sources` holds the others at positions 1, 2, …
Link rows are written through the caller's `ChangeSet`, so a revision records them next
to the fact and a revert restores them exactly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

import sqlite_utils

from store.changeset import ChangeSet
from store.errors import InvalidInput
from store.model import SourceRef
from store.references import find_source

# Source ids are slugs and URLs contain no spaces or commas, so either separates them.
_SOURCE_SEPARATORS = re.compile(r"[,\s]+")
# The key under which a fact row carries its whole source list when rows are compared.
SOURCES_KEY = "sources"


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


def further_sources(db: sqlite_utils.Database, fact_ids: Iterable[int]) -> dict[int, list[str]]:
    """Each fact's sources after the first, in order (facts with none are left out)."""
    ids = list(dict.fromkeys(fact_ids))
    out: dict[int, list[str]] = {}
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        rows = db.execute(
            f"SELECT fact_id, source_id FROM fact_sources WHERE fact_id IN ({', '.join('?' * len(part))})"
            " ORDER BY fact_id, position",
            part,
        )
        for fact_id, source_id in rows:
            out.setdefault(fact_id, []).append(source_id)
    return out


def with_sources(db: sqlite_utils.Database, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fact rows with their whole source list under `SOURCES_KEY` (a JSON array) in place of
    `source_id`: the form in which two stores' facts are compared."""
    extra = further_sources(db, [row["id"] for row in rows])
    out = []
    for row in rows:
        listed = [row["source_id"], *extra.get(row["id"], [])]
        content = {k: v for k, v in row.items() if k != "source_id"}
        content[SOURCES_KEY] = json.dumps(listed)
        out.append(content)
    return out


def _link_rows(changes: ChangeSet, fact_id: int, source_ids: Sequence[str]) -> None:
    for position, source_id in enumerate(source_ids[1:], start=1):
        changes.insert(
            "fact_sources", {"fact_id": fact_id, "position": position, "source_id": source_id}
        )


def insert_fact(changes: ChangeSet, values: dict[str, Any], source_ids: Sequence[str]) -> int:
    """Insert a fact citing `source_ids` (at least one, the primary first); its id."""
    if not source_ids:
        raise ValueError("a fact cites at least one source")
    fact_id = changes.insert("facts", {**values, "source_id": source_ids[0]})
    assert isinstance(fact_id, int)
    _link_rows(changes, fact_id, source_ids)
    return fact_id


def replace_sources(changes: ChangeSet, fact_id: int, source_ids: Sequence[str]) -> None:
    """Make a fact cite exactly `source_ids`, in that order (its value is untouched).

    The further links are removed and written again rather than renumbered in place,
    which would pass through positions two rows share.
    """
    if not source_ids:
        raise ValueError("a fact cites at least one source")
    changes.update("facts", fact_id, {"source_id": source_ids[0]})
    for (link_id,) in changes.db.execute(
        "SELECT id FROM fact_sources WHERE fact_id = ? ORDER BY position", [fact_id]
    ).fetchall():
        changes.restore("fact_sources", link_id, None)
    _link_rows(changes, fact_id, source_ids)


def citation_problems(db: sqlite_utils.Database) -> list[str]:
    """Citations that contradict the rules above: a fact's first source repeated as a
    further one, further positions that are not 1, 2, … without gaps, or a publication
    date confirmed by a source the store does not have."""
    problems = [
        f"fact {fact_id} cites its primary source {source_id} again as a further source"
        for fact_id, source_id in db.execute(
            "SELECT l.fact_id, l.source_id FROM fact_sources l JOIN facts f ON f.id = l.fact_id"
            " WHERE l.source_id = f.source_id"
        )
    ]
    problems += [
        f"fact {fact_id}: further source positions are not 1..{count}"
        for fact_id, count in db.execute(
            "SELECT fact_id, count(*) FROM fact_sources GROUP BY fact_id"
            " HAVING min(position) != 1 OR max(position) != count(*)"
        )
    ]
    problems += [
        f"source {source_id}: its date is confirmed by {cited}, which is not a source"
        for source_id, cited in db.execute(
            "SELECT s.id, j.value FROM sources s, json_each(s.published_confirmed_by) j"
            " WHERE j.value NOT IN (SELECT id FROM sources)"
        )
    ]
    return problems
