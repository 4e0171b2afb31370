"""Finding the entity a person means, Korean first.

Tiers, best first: the entity's id (what autocomplete sends), an exact alias, an alias
starting with the input, an alias containing it, initial consonants (`ㅇㄱㄱㅈ`), and
finally fuzzy similarity over jamo-decomposed names. Only the first four may *resolve*
a name; fuzzy matches are offered as "did you mean", never acted on. Exact beats
prefix, so `KIST` is KIST and never KISTI, and `KT` is KT and never KAIST.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlite_utils
from rapidfuzz import fuzz, process

from store.hangul import choseong, is_choseong_query, jamo, name_key, nfc
from store.model import EntityRef
from store.revisions import latest_revision_id
from store.search_index import spaced

TIER_ORDER = ("id", "exact", "prefix", "substring", "choseong", "fuzzy")
RESOLVING_TIERS = frozenset(("id", "exact", "prefix", "substring", "choseong"))
_SCAN_LIMIT = 200
_FUZZY_CUTOFF = 62.0
_ENTITY_COLUMNS = "e.id, e.class, e.kind, e.name_ko, e.name_en, e.acronym"


@dataclass(frozen=True)
class Candidate:
    """An entity that matches the input, how it matched, and through which name."""

    entity: EntityRef
    matched: str
    tier: str
    score: float


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving a name: one entity, or candidates to offer instead.

    `elsewhere` is set when the name exists but in another class than was asked for
    (an institution typed into `/program`), so the answer can point to the right command.
    """

    query: str
    entity: EntityRef | None
    candidates: list[Candidate]
    elsewhere: EntityRef | None = None


class _FuzzyIndex:
    """All aliases, decomposed into jamo, cached until the next revision."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._revision: tuple[int, int] = (0, -1)
        self._choices: list[str] = []
        self._rows: list[tuple[EntityRef, str]] = []

    def rows(self, db: sqlite_utils.Database) -> tuple[list[str], list[tuple[EntityRef, str]]]:
        # Keyed on the connection too: two stores at the same revision are not the same data.
        revision = (id(db.conn), latest_revision_id(db))
        with self._lock:
            if revision != self._revision:
                rows = list(
                    db.query(
                        f"SELECT {_ENTITY_COLUMNS}, a.alias FROM aliases a JOIN entities e ON e.id = a.entity_id"
                    )
                )
                self._rows = [(EntityRef.from_row(r), r["alias"]) for r in rows]
                self._choices = [jamo(r["alias"]) for r in rows]
                self._revision = revision
            return self._choices, self._rows


_FUZZY = _FuzzyIndex()


def _class_filter(classes: Sequence[str] | None) -> tuple[str, list[str]]:
    if not classes:
        return "", []
    return f" AND e.class IN ({', '.join('?' * len(classes))})", list(classes)


def _query(
    db: sqlite_utils.Database, sql: str, params: list[object], tier: str, key: str
) -> list[Candidate]:
    out = []
    for row in db.query(sql, params):
        alias = row["alias"]
        # Shorter names that contain the input more fully rank higher within a tier.
        score = 100.0 * len(key) / max(len(name_key(alias)), 1)
        out.append(Candidate(EntityRef.from_row(row), alias, tier, min(score, 100.0)))
    return out


def _by_id(db: sqlite_utils.Database, text: str, classes: Sequence[str] | None) -> list[Candidate]:
    where, params = _class_filter(classes)
    rows = db.query(
        f"SELECT {_ENTITY_COLUMNS}, e.name_ko AS alias FROM entities e WHERE e.id = ?{where}",
        [text, *params],
    )
    return [Candidate(EntityRef.from_row(r), r["alias"], "id", 100.0) for r in rows]


def _exact(db: sqlite_utils.Database, key: str, classes: Sequence[str] | None) -> list[Candidate]:
    where, params = _class_filter(classes)
    sql = f"SELECT {_ENTITY_COLUMNS}, a.alias FROM aliases a JOIN entities e ON e.id = a.entity_id WHERE a.key = ?{where}"
    return _query(db, sql, [key, *params], "exact", key)


def _prefix(
    db: sqlite_utils.Database, key: str, classes: Sequence[str] | None, column: str = "key"
) -> list[Candidate]:
    where, params = _class_filter(classes)
    sql = (
        f"SELECT {_ENTITY_COLUMNS}, a.alias FROM aliases a JOIN entities e ON e.id = a.entity_id"
        f" WHERE a.{column} >= ? AND a.{column} < ?{where} LIMIT {_SCAN_LIMIT}"
    )
    return _query(
        db,
        sql,
        [key, key + "\U0010ffff", *params],
        "prefix" if column == "key" else "choseong",
        key,
    )


def fts_phrase(term: str) -> tuple[str, str]:
    """The FTS table and MATCH expression that find `term` (already `name_key`-ed) as a substring."""
    if len(term) >= 3:
        return "search_trigram", '"' + term.replace('"', '""') + '"'
    return "search_chars", '"' + spaced(term).replace('"', '""') + '"'


def _substring(
    db: sqlite_utils.Database, key: str, classes: Sequence[str] | None
) -> list[Candidate]:
    table, phrase = fts_phrase(key)
    where, params = _class_filter(classes)
    sql = (
        f"SELECT {_ENTITY_COLUMNS}, d.text AS alias FROM {table} t"
        " JOIN search_docs d ON d.id = t.rowid JOIN entities e ON e.id = d.entity_id"
        f" WHERE {table} MATCH ? AND d.field IN ('name', 'alias'){where} LIMIT {_SCAN_LIMIT}"
    )
    return _query(db, sql, [phrase, *params], "substring", key)


def _choseong(
    db: sqlite_utils.Database, text: str, classes: Sequence[str] | None
) -> list[Candidate]:
    key = choseong(text)
    where, params = _class_filter(classes)
    sql = (
        f"SELECT {_ENTITY_COLUMNS}, a.alias FROM aliases a JOIN entities e ON e.id = a.entity_id"
        f" WHERE instr(a.choseong, ?) > 0{where} LIMIT {_SCAN_LIMIT}"
    )
    return _query(db, sql, [key, *params], "choseong", key)


def _fuzzy(
    db: sqlite_utils.Database, text: str, classes: Sequence[str] | None, limit: int
) -> list[Candidate]:
    choices, rows = _FUZZY.rows(db)
    query = jamo(text)
    if not query:
        return []
    # Short Latin input is an acronym attempt: compare whole strings, or `KT` would
    # look like half of everything; longer input may be a fragment of a long name.
    scorer = fuzz.ratio if len(query) <= 5 and query.isascii() else fuzz.WRatio
    matches = process.extract(
        query, choices, scorer=scorer, score_cutoff=_FUZZY_CUTOFF, limit=limit * 4
    )
    out = []
    for _, score, index in matches:
        entity, alias = rows[index]
        if not classes or entity.entity_class in classes:
            out.append(Candidate(entity, alias, "fuzzy", float(score)))
    return out


def _distinct(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Best candidate per entity, in tier order, then by score, then by name."""
    best: dict[str, Candidate] = {}
    for c in candidates:
        held = best.get(c.entity.id)
        if held is None or (TIER_ORDER.index(c.tier), -c.score) < (
            TIER_ORDER.index(held.tier),
            -held.score,
        ):
            best[c.entity.id] = c
    return sorted(
        best.values(), key=lambda c: (TIER_ORDER.index(c.tier), -c.score, c.entity.name_ko)
    )


def match_entities(
    db: sqlite_utils.Database, text: str, classes: Sequence[str] | None = None, limit: int = 25
) -> list[Candidate]:
    """Ranked candidates for `text`, at most `limit`, best tier first (for autocomplete)."""
    raw = nfc(text)
    key = name_key(raw)
    if not key:
        return []
    found = [*_by_id(db, raw, classes), *_exact(db, key, classes), *_prefix(db, key, classes)]
    if is_choseong_query(raw):
        found += _choseong(db, raw, classes)
    if len(_distinct(found)) < limit:
        found += _substring(db, key, classes)
    if len(_distinct(found)) < limit:
        found += _fuzzy(db, raw, classes, limit)
    return _distinct(found)[:limit]


def resolve_entity(
    db: sqlite_utils.Database, text: str, classes: Sequence[str] | None = None
) -> Resolution:
    """Resolve `text` to one entity, or say which entities were probably meant."""
    raw = nfc(text)
    candidates = match_entities(db, raw, classes, limit=25)
    for tier in ("id", "exact"):
        in_tier = [c for c in candidates if c.tier == tier]
        if len(in_tier) == 1:
            return Resolution(raw, in_tier[0].entity, candidates)
        if in_tier:
            return Resolution(raw, None, in_tier)
    resolving = [c for c in candidates if c.tier in RESOLVING_TIERS]
    if len(resolving) == 1:
        return Resolution(raw, resolving[0].entity, candidates)
    elsewhere = resolve_entity(db, raw).entity if classes and not resolving else None
    return Resolution(raw, None, (resolving or candidates)[:5], elsewhere)
