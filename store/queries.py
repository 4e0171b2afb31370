"""Reading entities, facts and milestones for answers, with their sources joined in."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlite_utils

from store.citations import FACTS, MILESTONES, further_sources
from store.dates import FuzzyDate
from store.model import EntityDetail, EntityRef, FactView, MilestoneView, SourceRef

_SOURCE_COLUMNS = (
    "s.id AS s_id, s.publisher AS s_publisher, s.publisher_en AS s_publisher_en,"
    " s.title AS s_title, s.author AS s_author, s.url AS s_url,"
    " s.published_text AS s_published_text, s.published_edtf AS s_published_edtf,"
    " s.published_precision AS s_published_precision, s.published_note AS s_published_note,"
    " s.published_confirmed_by AS s_published_confirmed_by, s.title_en AS s_title_en"
)
_SUBJECT_COLUMNS = (
    "e.id AS e_id, e.class AS e_class, e.kind AS e_kind, e.name_ko AS e_name_ko,"
    " e.name_en AS e_name_en, e.acronym AS e_acronym, e.name_is_description AS e_name_is_description"
)
_LINKED_COLUMNS = (
    "l.id AS l_id, l.class AS l_class, l.kind AS l_kind, l.name_ko AS l_name_ko,"
    " l.name_en AS l_name_en, l.acronym AS l_acronym, l.name_is_description AS l_name_is_description"
)
_SPEAKER_COLUMNS = (
    "p.id AS p_id, p.class AS p_class, p.kind AS p_kind, p.name_ko AS p_name_ko,"
    " p.name_en AS p_name_en, p.acronym AS p_acronym, p.name_is_description AS p_name_is_description"
)
_FACT_SELECT = (
    f"SELECT f.*, a.label_ko, a.label_en, a.value_type, {_SOURCE_COLUMNS}, {_SUBJECT_COLUMNS},"
    f" {_LINKED_COLUMNS}, {_SPEAKER_COLUMNS} FROM facts f"
    " JOIN attributes a ON a.id = f.attribute JOIN sources s ON s.id = f.source_id"
    " JOIN entities e ON e.id = f.entity_id LEFT JOIN entities l ON l.id = f.value_entity"
    " LEFT JOIN entities p ON p.id = f.speaker"
)
# Positional, in `MilestoneView` order: a list of 500 builds no dict or name per row.
_MILESTONE_COLUMNS = (
    "m.id, m.title_ko, m.title_en, m.date_text, m.date_edtf, m.precision, m.status,"
    " m.source_id, m.created_rev, e.id, e.class, e.kind, e.name_ko, e.name_en, e.acronym,"
    " e.name_is_description"
)
# Linking facts an entity detail carries per subject class (a card shows up to 12).
INBOUND_PER_CLASS = 25
_SOURCE_FIELDS = (
    "id", "publisher", "publisher_en", "title", "author", "url",
    "published_text", "published_edtf", "published_precision", "published_note",
    "published_confirmed_by", "title_en",
)  # fmt: skip

# Reading a date or a source from its columns is pure, and a list of 500 milestones
# repeats a few dozen sources and dates: each is parsed once (a third of a list's time).
_date = functools.lru_cache(maxsize=16384)(FuzzyDate.stored)


@functools.lru_cache(maxsize=1024)
def _cached_source(values: tuple[Any, ...]) -> SourceRef:
    return SourceRef.from_row(dict(zip(_SOURCE_FIELDS, values, strict=True)))


def _source(row: dict[str, Any]) -> SourceRef:
    return _cached_source(tuple(row[f"s_{name}"] for name in _SOURCE_FIELDS))


def _qualifier_dates(stored: str) -> dict[str, FuzzyDate]:
    """A fact's qualifier dates (`start`, `end`, `as_of`). One of another shape shows as a date
    not known, as any unreadable stored date does; `store check` reports it."""
    qualifiers = json.loads(stored)
    if not isinstance(qualifiers, dict):
        return {}
    dates = {}
    for key, value in qualifiers.items():
        parts = value if isinstance(value, dict) else {}
        text, edtf, precision = (parts.get(k) for k in ("text", "edtf", "precision"))
        dates[key] = _date(
            str(text or ""),
            edtf if isinstance(edtf, str) else None,
            precision if isinstance(precision, str) else "unknown",
        )
    return dates


def _fact(row: dict[str, Any], further: list[SourceRef]) -> FactView:
    date_value = None
    if row["value_date_text"] is not None:
        date_value = _date(
            row["value_date_text"], row["value_date_edtf"], row["value_date_precision"]
        )
    qualifiers = _qualifier_dates(row["qualifiers"])
    return FactView(
        id=row["id"],
        subject=EntityRef.from_row(row, "e_"),
        attribute=row["attribute"],
        label_ko=row["label_ko"],
        label_en=row["label_en"],
        value_type=row["value_type"],
        text=row["value_text"],
        text_en=row["value_text_en"],
        money=row["value_money"],
        number=row["value_number"],
        unit=row["unit"],
        date=date_value,
        linked=EntityRef.from_row(row, "l_") if row["l_id"] else None,
        role_ko=row["role_ko"],
        role_en=row["role_en"],
        qualifiers=qualifiers,
        note_ko=row["note_ko"],
        note_en=row["note_en"],
        rank=row["rank"],
        sources=(_source(row), *further),
        created_rev=row["created_rev"],
        confidence=row["confidence"],
        approximate=bool(row["approximate"]),
        speaker=EntityRef.from_row(row, "p_") if row["p_id"] else None,
        status=row["status"],
    )


def _facts(db: sqlite_utils.Database, rows: Iterable[dict[str, Any]]) -> list[FactView]:
    """Fact views of `_FACT_SELECT` rows, each with all of its sources (one query for the
    further sources of the lot)."""
    listed = list(rows)
    further = further_sources(db, [row["id"] for row in listed], FACTS)
    wanted = sorted({i for ids in further.values() for i in ids})
    refs = {s.id: s for s in sources_by_id(db, wanted)}
    return [_fact(row, [refs[i] for i in further.get(row["id"], [])]) for row in listed]


def sources_by_id(db: sqlite_utils.Database, ids: Sequence[str]) -> list[SourceRef]:
    """The sources with these ids (any order)."""
    if not ids:
        return []
    return [
        SourceRef.from_row(r)
        for r in db.query(f"SELECT * FROM sources WHERE id IN ({', '.join('?' * len(ids))})", ids)
    ]


def facts_by_id(db: sqlite_utils.Database, fact_ids: Sequence[int]) -> dict[int, FactView]:
    """Fact views by id (any rank)."""
    if not fact_ids:
        return {}
    marks = ", ".join("?" * len(fact_ids))
    rows = db.query(f"{_FACT_SELECT} WHERE f.id IN ({marks})", list(fact_ids))
    return {fact.id: fact for fact in _facts(db, rows)}


def _milestone(row: Sequence[Any], sources: tuple[SourceRef, ...]) -> MilestoneView:
    date_value = _date(row[3], row[4], row[5])
    return MilestoneView(
        row[0],
        EntityRef(*row[9:15], bool(row[15])),
        row[1],
        row[2],
        date_value,
        row[6],
        sources,
        row[8],
    )


def entity_ref(db: sqlite_utils.Database, entity_id: str) -> EntityRef | None:
    """A reference to one entity, or None."""
    rows = list(db.query("SELECT * FROM entities WHERE id = ?", [entity_id]))
    return EntityRef.from_row(rows[0]) if rows else None


def entity_detail(db: sqlite_utils.Database, entity_id: str) -> EntityDetail | None:
    """An entity with its current facts, the facts of others that link to it, and its milestones."""
    rows = list(
        db.query(
            f"SELECT e.*, {_SOURCE_COLUMNS} FROM entities e JOIN sources s ON s.id = e.source_id WHERE e.id = ?",
            [entity_id],
        )
    )
    if not rows:
        return None
    row = rows[0]
    facts = _facts(
        db,
        db.query(
            f"{_FACT_SELECT} WHERE f.entity_id = ? AND f.rank != 'deprecated' ORDER BY f.id",
            [entity_id],
        ),
    )
    inbound, inbound_counts = _inbound(db, entity_id)
    deprecated = db.execute(
        "SELECT count(*) FROM facts WHERE entity_id = ? AND rank = 'deprecated'", [entity_id]
    ).fetchone()[0]
    aliases = [
        a["alias"]
        for a in db.query(
            "SELECT alias FROM aliases WHERE entity_id = ? AND kind = 'alias' ORDER BY id",
            [entity_id],
        )
    ]
    return EntityDetail(
        ref=EntityRef.from_row(row),
        summary_ko=row["summary_ko"],
        summary_en=row["summary_en"],
        aliases=aliases,
        source=SourceRef.from_row(row, "s_"),
        facts=facts,
        inbound=inbound,
        inbound_counts=inbound_counts,
        milestones=entity_milestones(db, entity_id),
        deprecated_count=deprecated,
        general_knowledge_names=tuple(json.loads(row["general_knowledge_names"])),
    )


def _inbound(db: sqlite_utils.Database, entity_id: str) -> tuple[list[FactView], dict[str, int]]:
    """Facts of other entities linking to this one: the first `INBOUND_PER_CLASS` of each
    subject class in fact order, and how many there are of each class.

    A ministry is linked from thousands of programs; building every one of those facts
    made its card take 207 ms at 100,000 entities. Counting reads two narrow columns.
    """
    counts: dict[str, int] = {}
    chosen = []
    rows = db.execute(
        "SELECT f.id, e.class FROM facts f CROSS JOIN entities e ON e.id = f.entity_id"
        " WHERE f.value_entity = ? AND f.rank != 'deprecated' ORDER BY f.id",
        [entity_id],
    )
    for fact_id, subject_class in rows:
        counts[subject_class] = counts.get(subject_class, 0) + 1
        if counts[subject_class] <= INBOUND_PER_CLASS:
            chosen.append(fact_id)
    if not chosen:
        return [], counts
    marks = ", ".join("?" * len(chosen))
    facts = db.query(f"{_FACT_SELECT} WHERE f.id IN ({marks}) ORDER BY f.id", chosen)
    return _facts(db, facts), counts


def newest_source(db: sqlite_utils.Database) -> SourceRef | None:
    """The most recently published source, by the earliest day its date allows.

    A page whose date is not printed is known only to be after the event it reports and
    before it was read (`2025-12-30/2026-12-01`); ranked by its latest day, it would pass
    for the newest source while nothing shows it is that new.
    """
    rows = list(
        db.query(
            "SELECT * FROM sources"
            " ORDER BY coalesce(published_earliest, published_latest) DESC, published_latest DESC,"
            " id LIMIT 1"
        )
    )
    return SourceRef.from_row(rows[0]) if rows else None


def entity_milestones(db: sqlite_utils.Database, entity_id: str) -> list[MilestoneView]:
    """All milestones of an entity in date order (undated last)."""
    order = "m.latest IS NULL, m.earliest, m.latest, m.id"
    return _picked(db, "m.entity_id = ?", order, [entity_id], None)


@dataclass(frozen=True)
class WindowedMilestone:
    """A milestone in a date window: `surely` when all of its possible dates are inside."""

    milestone: MilestoneView
    surely: bool


def milestones_in_window(
    db: sqlite_utils.Database,
    start: date,
    end: date,
    *,
    entity_ids: Sequence[str] | None = None,
    statuses: Sequence[str] = ("planned", "unknown", "done"),
    limit: int | None = None,
) -> list[WindowedMilestone]:
    """Milestones whose possible dates overlap [start, end], earliest first.

    A `12월 말` milestone is in a window touching 21–31 December and in no window that
    ends before then; one known only as `2028년까지` is possible in any window up to 2028.
    """
    # `+m.latest` keeps SQLite off `milestones_latest`: half the table is later than any
    # start, while reading in list order stops after `limit` (64 → 6 ms at 100,000).
    where = [
        "(m.earliest IS NULL OR m.earliest <= ?)",
        "+m.latest >= ?",
        "m.precision != 'unknown'",
    ]
    params: list[Any] = [end.isoformat(), start.isoformat()]
    where.append(f"m.status IN ({', '.join('?' * len(statuses))})")
    params += list(statuses)
    if entity_ids:
        where.append(f"m.entity_id IN ({', '.join('?' * len(entity_ids))})")
        params += list(entity_ids)
    out = []
    for milestone in _picked(db, " AND ".join(where), _WINDOW_ORDER, params, limit):
        out.append(WindowedMilestone(milestone, milestone.date.surely_in(start, end)))
    return out


# Both orders are index orders (migration 005), so a limited list reads few rows.
_WINDOW_ORDER = "coalesce(m.earliest, m.latest), m.latest, m.id"
_OVERDUE_ORDER = "m.latest, m.id"


def _picked(
    db: sqlite_utils.Database, where: str, order: str, params: list[Any], limit: int | None
) -> list[MilestoneView]:
    """Milestones matching `where`, in `order`, each with all of its sources. Ids are
    chosen from the milestones alone and only those are joined; the few sources of a long
    list are read once each."""
    cap = f" LIMIT {int(limit)}" if limit is not None else ""
    rows = db.execute(
        f"WITH picked AS (SELECT m.id FROM milestones m WHERE {where} ORDER BY {order}{cap})"
        f" SELECT {_MILESTONE_COLUMNS} FROM picked p JOIN milestones m ON m.id = p.id"
        f" JOIN entities e ON e.id = m.entity_id ORDER BY {order}",
        params,
    ).fetchall()
    further = further_sources(db, [row[0] for row in rows], MILESTONES)
    cited = [(row[7], *further.get(row[0], ())) for row in rows]
    sources = {s.id: s for s in sources_by_id(db, sorted({i for ids in cited for i in ids}))}
    return [
        _milestone(row, tuple(sources[i] for i in ids))
        for row, ids in zip(rows, cited, strict=True)
    ]


def milestones_by_id(db: sqlite_utils.Database, ids: Sequence[int]) -> dict[int, MilestoneView]:
    """Milestone views by id."""
    if not ids:
        return {}
    where = f"m.id IN ({', '.join('?' * len(ids))})"
    return {m.id: m for m in _picked(db, where, "m.id", list(ids), None)}


def roles_of(
    db: sqlite_utils.Database, person_ids: Sequence[str], per_person: int = 3
) -> dict[str, list[FactView]]:
    """The current statements naming each person in a role (`배경훈 — 장관 @ MSIT`), the
    newest first by their start or as-of date, at most `per_person` each."""
    if not person_ids:
        return {}
    rows = db.execute(
        "SELECT id FROM facts WHERE value_entity IN"
        f" ({', '.join('?' * len(person_ids))}) AND rank != 'deprecated' AND role_ko IS NOT NULL",
        list(person_ids),
    ).fetchall()
    out: dict[str, list[FactView]] = {}
    for fact in sorted(facts_by_id(db, [r[0] for r in rows]).values(), key=_when, reverse=True):
        assert fact.linked is not None
        held = out.setdefault(fact.linked.id, [])
        if len(held) < per_person:
            held.append(fact)
    return out


def _when(fact: FactView) -> tuple[date, int]:
    """When a statement was true, for ordering: its start or as-of date (latest possible day)."""
    dated = [q.latest or q.earliest for k, q in fact.qualifiers.items() if k in ("start", "as_of")]
    known = [d for d in dated if d is not None]
    return (max(known) if known else date.min, fact.id)


def overdue_milestones(
    db: sqlite_utils.Database,
    today: date,
    *,
    entity_ids: Sequence[str] | None = None,
    limit: int | None = None,
) -> list[MilestoneView]:
    """Planned milestones whose latest possible date has passed: stale data to look at."""
    where = ["m.latest < ?", "m.status IN ('planned', 'unknown')"]
    params: list[Any] = [today.isoformat()]
    if entity_ids:
        where.append(f"m.entity_id IN ({', '.join('?' * len(entity_ids))})")
        params += list(entity_ids)
    return _picked(db, " AND ".join(where), _OVERDUE_ORDER, params, limit)
