"""Finding the entity a person means, Korean first.

Tiers, best first: the entity's id (what autocomplete sends), an exact alias, an alias
starting with the input, an alias containing it, initial consonants (`ㅇㄱㄱㅈ`), and
finally fuzzy similarity over jamo-decomposed names. Only the first four may *resolve*
a name; fuzzy matches are offered as "did you mean", never acted on. Exact beats
prefix, so `KIST` is KIST and never KISTI, and `KT` is KT and never KAIST.

Every tier reads through an index with a bound on the rows it reads, so the cost of a
lookup does not grow with the store: fuzzy matching scores only a pool of likely names
(neighbours in key order and names sharing a trigram), never every alias.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils
from rapidfuzz import fuzz, process

from store.hangul import choseong, is_choseong_query, jamo, name_key, nfc
from store.model import EntityRef
from store.search_index import spaced

TIER_ORDER = ("id", "exact", "prefix", "substring", "choseong", "fuzzy")
RESOLVING_TIERS = frozenset(("id", "exact", "prefix", "substring", "choseong"))
# Rows a tier reads per candidate wanted: room to rank shorter names first without
# reading every name that starts with `제` (each row costs an entity lookup).
_SCAN_PER_WANTED = 4
_FUZZY_CUTOFF = 62.0
# The fuzzy pool: aliases on each side of the input in key order (typos after a shared
# start), and the first few aliases containing each of up to eight of its trigrams
# (typos anywhere in a fragment of a longer name).
_FUZZY_NEIGHBOURS = 100
_FUZZY_PER_TRIGRAM = 40
_FUZZY_TRIGRAMS = 8
_ENTITY_COLUMNS = "e.id, e.class, e.kind, e.name_ko, e.name_en, e.acronym, e.name_is_description"
# Where the matched name and its key (or tier, or alias id) follow the entity columns.
_MATCHED, _KEY = 7, 8
# CROSS JOIN fixes the join order (SQLite's documented hint): aliases found by key first,
# then their entities. Without ANALYZE statistics, which a store never gathers, SQLite
# otherwise walks every entity of the class and probes its aliases (3.8 → 0.3 ms at 10k).
_ALIAS_JOIN = "FROM aliases a CROSS JOIN entities e ON e.id = a.entity_id"


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


def _class_filter(classes: Sequence[str] | None) -> tuple[str, list[str]]:
    if not classes:
        return "", []
    return f" AND e.class IN ({', '.join('?' * len(classes))})", list(classes)


def _ref(row: Sequence[Any]) -> EntityRef:
    return EntityRef(row[0], row[1], row[2], row[3], row[4], row[5], bool(row[6]))


def _query(
    db: sqlite_utils.Database, sql: str, params: list[object], tier: str, key: str
) -> list[Candidate]:
    """Rows of entity columns, then the matched name and its key, as candidates of `tier`."""
    out = []
    for row in db.execute(sql, params):
        # Shorter names that contain the input more fully rank higher within a tier.
        score = 100.0 * len(key) / max(len(row[_KEY]), 1)
        out.append(Candidate(_ref(row), row[_MATCHED], tier, min(score, 100.0)))
    return out


@functools.cache
def _id_or_exact_sql(class_count: int) -> str:
    where = _class_filter(["?"] * class_count)[0]
    return (
        f"SELECT {_ENTITY_COLUMNS}, e.name_ko, 'id' FROM entities e WHERE e.id = ?{where}"
        f" UNION ALL SELECT {_ENTITY_COLUMNS}, a.alias, 'exact' {_ALIAS_JOIN} WHERE a.key = ?{where}"
    )


def _id_or_exact(
    db: sqlite_utils.Database, raw: str, key: str, classes: Sequence[str] | None
) -> list[Candidate]:
    """The entity whose id is `raw` and the entities with an alias equal to `key`, in one query.

    The statement is built once per number of classes and run on the raw connection:
    this is the whole of an exact lookup, and its Python is most of what it costs.
    """
    wanted = list(classes or ())
    rows = db.conn.execute(_id_or_exact_sql(len(wanted)), [raw, *wanted, key, *wanted])
    return [Candidate(_ref(row), row[_MATCHED], row[_KEY], 100.0) for row in rows]


def _prefix(
    db: sqlite_utils.Database, key: str, classes: Sequence[str] | None, scan: int
) -> list[Candidate]:
    where, params = _class_filter(classes)
    sql = (
        f"SELECT {_ENTITY_COLUMNS}, a.alias, a.key {_ALIAS_JOIN}"
        f" WHERE a.key >= ? AND a.key < ?{where} LIMIT {scan}"
    )
    return _query(db, sql, [key, key + "\U0010ffff", *params], "prefix", key)


def fts_phrase(term: str) -> tuple[str, str]:
    """The FTS table and MATCH expression that find `term` (already `name_key`-ed) as a substring."""
    if len(term) >= 3:
        return "search_trigram", '"' + term.replace('"', '""') + '"'
    return "search_chars", '"' + spaced(term).replace('"', '""') + '"'


def _substring(
    db: sqlite_utils.Database, key: str, classes: Sequence[str] | None, scan: int
) -> list[Candidate]:
    where, params = _class_filter(classes)
    if len(key) >= 3:
        # The names-only trigram index: a word common in facts but rare in names costs nothing.
        sql = (
            f"SELECT {_ENTITY_COLUMNS}, a.alias, a.key FROM alias_trigram t"
            f" CROSS JOIN aliases a ON a.id = t.rowid CROSS JOIN entities e ON e.id = a.entity_id"
            f" WHERE alias_trigram MATCH ?{where} LIMIT {scan}"
        )
        return _query(db, sql, [_quoted(key), *params], "substring", key)
    table, phrase = fts_phrase(key)
    sql = (
        f"SELECT {_ENTITY_COLUMNS}, d.text, d.compact FROM {table} t"
        " JOIN search_docs d ON d.id = t.rowid JOIN entities e ON e.id = d.entity_id"
        f" WHERE {table} MATCH ? AND d.field IN ('name', 'alias'){where} LIMIT {scan}"
    )
    return _query(db, sql, [phrase, *params], "substring", key)


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _choseong(
    db: sqlite_utils.Database, text: str, classes: Sequence[str] | None, scan: int
) -> list[Candidate]:
    key = choseong(text)
    where, params = _class_filter(classes)
    sql = (
        f"SELECT {_ENTITY_COLUMNS}, a.alias, a.choseong {_ALIAS_JOIN}"
        f" WHERE instr(a.choseong, ?) > 0{where} LIMIT {scan}"
    )
    return _query(db, sql, [key, *params], "choseong", key)


def _fuzzy_pool(db: sqlite_utils.Database, key: str) -> dict[int, str]:
    """Alias ids and keys a mistyped `key` may have meant, read from indexes alone, bounded."""
    probes = [
        (
            f"SELECT id, key FROM aliases WHERE key < ? ORDER BY key DESC LIMIT {_FUZZY_NEIGHBOURS}",
            key,
        ),
        (f"SELECT id, key FROM aliases WHERE key >= ? ORDER BY key LIMIT {_FUZZY_NEIGHBOURS}", key),
    ]
    trigrams = list(dict.fromkeys(key[i : i + 3] for i in range(len(key) - 2)))
    step = max(1, len(trigrams) // _FUZZY_TRIGRAMS)
    probes += [
        (
            "SELECT rowid, key FROM alias_trigram WHERE alias_trigram MATCH ?"
            f" LIMIT {_FUZZY_PER_TRIGRAM}",
            _quoted(trigram),
        )
        for trigram in trigrams[::step][:_FUZZY_TRIGRAMS]
    ]
    pool: dict[int, str] = {}
    for sql, value in probes:
        pool.update(db.execute(sql, [value]).fetchall())
    return pool


def _fuzzy(
    db: sqlite_utils.Database, text: str, classes: Sequence[str] | None, limit: int
) -> list[Candidate]:
    query = jamo(text)
    if not query:
        return []
    pool = _fuzzy_pool(db, name_key(text))
    ids = list(pool)
    # Short Latin input is an acronym attempt: compare whole strings, or `KT` would
    # look like half of everything; longer input may be a fragment of a long name.
    scorer = fuzz.ratio if len(query) <= 5 and query.isascii() else fuzz.WRatio
    matches = process.extract(
        query,
        # A key is already `name_key`-ed, so this is `jamo(alias)`.
        [unicodedata.normalize("NFKD", pool[i]) for i in ids],
        scorer=scorer,
        score_cutoff=_FUZZY_CUTOFF,
        limit=limit * 4,
    )
    scores = {ids[index]: float(score) for _, score, index in matches}
    if not scores:
        return []
    where, params = _class_filter(classes)
    rows = db.execute(
        f"SELECT {_ENTITY_COLUMNS}, a.alias, a.id {_ALIAS_JOIN}"
        f" WHERE a.id IN ({', '.join('?' * len(scores))}){where}",
        [*scores, *params],
    )
    return [Candidate(_ref(row), row[_MATCHED], "fuzzy", scores[row[_KEY]]) for row in rows]


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
    scan = _SCAN_PER_WANTED * limit
    found = [*_id_or_exact(db, raw, key, classes), *_prefix(db, key, classes, scan)]
    if is_choseong_query(raw):
        found += _choseong(db, raw, classes, scan)
    if len(_distinct(found)) < limit:
        found += _substring(db, key, classes, scan)
    if len(_distinct(found)) < limit:
        found += _fuzzy(db, raw, classes, limit)
    return _distinct(found)[:limit]


def resolve_entity(
    db: sqlite_utils.Database, text: str, classes: Sequence[str] | None = None
) -> Resolution:
    """Resolve `text` to one entity, or say which entities were probably meant."""
    raw = nfc(text)
    key = name_key(raw)
    # The id and exact tiers decide on their own, so the common case is one indexed query.
    direct = _distinct(_id_or_exact(db, raw, key, classes)) if key else []
    candidates = direct or match_entities(db, raw, classes, limit=25)
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
