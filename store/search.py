"""Full-text search over names, summaries, facts and milestones, grouped by entity.

Every word of a query must match somewhere in the same entity (not necessarily the
same field), so `KAIST 946억` finds the lab that KAIST leads with that budget. Words of
any length work, in Korean and in Latin letters: see `resolve.fts_phrase`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import sqlite_utils

from store.errors import InvalidInput
from store.hangul import name_key, nfc
from store.model import EntityRef, FactView, MilestoneView, SourceRef
from store.queries import facts_by_id, milestones_by_id, roles_of, sources_by_id
from store.resolve import fts_phrase

MAX_QUERY_CHARS = 200
MAX_ENTITIES = 100
# Documents read per word. FTS5 spends about 3 µs per matching document, so this cap is
# what bounds a search for a common word (`원`, `지원`); beyond it results are truncated.
_MAX_DOCS_PER_WORD = 1000
_SNIPPETS_PER_ENTITY = 3


@dataclass(frozen=True)
class Snippet:
    """One matching text of an entity: which field it is in, the text itself, and what a
    reader needs to trust it: the statement or milestone it is (a milestone's date and
    status, a fact's qualifiers) and its sources."""

    field: str
    text: str
    fact: FactView | None = None
    milestone: MilestoneView | None = None
    sources: tuple[SourceRef, ...] = ()


@dataclass(frozen=True)
class SearchHit:
    """An entity that matches every word, with its best-matching texts; for a person, the
    statements naming them in a role (newest first), since a name alone says little."""

    entity: EntityRef
    score: int
    snippets: list[Snippet]
    roles: tuple[FactView, ...] = ()

    @property
    def sources(self) -> tuple[SourceRef, ...]:
        """Every source the hit's snippets cite, in order of first citation."""
        seen: dict[str, SourceRef] = {}
        for snippet in self.snippets:
            for source in snippet.sources:
                seen.setdefault(source.id, source)
        return tuple(seen.values())


@dataclass(frozen=True)
class SearchResults:
    """One stretch of the hits for a query, best first: `hits` are those from rank `first`
    on (all of them unless a page was asked for), out of `total` ranked; `truncated` when
    more entities matched than were ranked."""

    query: str
    words: list[str]
    hits: list[SearchHit]
    truncated: bool
    total: int
    first: int = 0


def query_words(query: str) -> list[str]:
    """The distinct words of a query in matching form; words without letters or digits are dropped."""
    if len(query) > MAX_QUERY_CHARS:
        raise InvalidInput(
            f"검색어가 너무 깁니다 ({len(query)}자). {MAX_QUERY_CHARS}자 이내로 입력해 주세요.",
            f"The query is too long ({len(query)} characters); keep it under {MAX_QUERY_CHARS}.",
        )
    words = []
    for word in nfc(query).split(" "):
        key = name_key(word)
        if any(unicodedata.category(ch)[0] in "LN" for ch in key) and key not in words:
            words.append(key)
    if not words:
        raise InvalidInput(
            "검색어에 글자나 숫자가 없습니다. 예: /search 거점, /search KAIST 946억",
            "The query has no letters or digits; e.g. /search 거점, /search KAIST 946억",
        )
    return words


def search_entities(
    db: sqlite_utils.Database,
    query: str,
    limit: int = MAX_ENTITIES,
    *,
    first: int = 0,
    count: int | None = None,
) -> SearchResults:
    """Entities matching every word of `query`, ranked by where the words matched; of the
    first `limit`, the `count` from rank `first` on come with their texts and roles.

    Ranking all is one query, and says how many pages there are; reading each hit's
    texts, facts and sources is most of a search's time, so it is done for the page
    shown only (a search answer shows 5 of up to 100).
    """
    words = query_words(query)
    ctes, params = [], []
    for i, word in enumerate(words):
        table, phrase = fts_phrase(word)
        ctes.append(
            f"w{i} AS (SELECT d.entity_id, d.weight FROM {table} t"
            f" JOIN search_docs d ON d.id = t.rowid WHERE {table} MATCH ? LIMIT {_MAX_DOCS_PER_WORD})"
        )
        params.append(phrase)
    hits = " UNION ALL ".join(f"SELECT *, {i} AS word FROM w{i}" for i in range(len(words)))
    common = " INTERSECT ".join(f"SELECT entity_id FROM w{i}" for i in range(len(words)))
    sql = (
        f"WITH {', '.join(ctes)}, hits AS ({hits}), common AS ({common}),"
        " scored AS (SELECT entity_id, sum(best) AS score FROM"
        "   (SELECT entity_id, word, max(weight) AS best FROM hits WHERE entity_id IN common"
        "    GROUP BY entity_id, word) GROUP BY entity_id)"
        " SELECT e.id, e.class, e.kind, e.name_ko, e.name_en, e.acronym, e.name_is_description,"
        " e.source_id, s.score"
        " FROM scored s JOIN entities e ON e.id = s.entity_id"
        f" ORDER BY s.score DESC, e.name_ko LIMIT {limit + 1}"
    )
    ranked = list(db.query(sql, params))
    truncated = len(ranked) > limit
    total = min(len(ranked), limit)
    ranked = ranked[first : total if count is None else min(total, first + count)]
    snippets = _snippets(db, {r["id"]: r["source_id"] for r in ranked}, words)
    roles = roles_of(db, [r["id"] for r in ranked if r["class"] == "person"])
    return SearchResults(
        query=nfc(query),
        words=words,
        hits=[
            SearchHit(
                EntityRef.from_row(r),
                r["score"],
                snippets.get(r["id"], []),
                tuple(roles.get(r["id"], [])),
            )
            for r in ranked
        ],
        truncated=truncated,
        total=total,
        first=first,
    )


def _snippets(
    db: sqlite_utils.Database, entity_sources: dict[str, str], words: list[str]
) -> dict[str, list[Snippet]]:
    """The best few matching texts of each entity (a word in `compact` form is in the text),
    each with its fact or milestone and sources; names and summaries cite the entity's
    own source. `entity_sources` maps each entity to that source's id."""
    if not entity_sources:
        return {}
    entity_ids = list(entity_sources)
    marks = ", ".join("?" * len(entity_ids))
    # Filtering in SQL keeps the entities' other documents out of Python (8.5 → 1.7 ms for 100).
    matches = " OR ".join("instr(compact, ?) > 0" for _ in words)
    rows = db.execute(
        f"SELECT entity_id, field, text, ref_id FROM search_docs WHERE entity_id IN ({marks})"
        f" AND ({matches}) ORDER BY weight DESC, id",
        [*entity_ids, *words],
    )
    chosen: dict[str, list[tuple[str, str, int | None]]] = {}
    for entity_id, field, text, ref_id in rows:
        found = chosen.setdefault(entity_id, [])
        if len(found) < _SNIPPETS_PER_ENTITY:
            found.append((field, text, ref_id))
    picked = [item for items in chosen.values() for item in items]
    facts = facts_by_id(db, [ref for field, _, ref in picked if field == "fact" and ref])
    milestones = milestones_by_id(
        db, [ref for field, _, ref in picked if field == "milestone" and ref]
    )
    own = {s.id: s for s in sources_by_id(db, sorted(set(entity_sources.values())))}
    out: dict[str, list[Snippet]] = {}
    for entity_id, items in chosen.items():
        for field, text, ref_id in items:
            fact = facts.get(ref_id) if field == "fact" and ref_id else None
            milestone = milestones.get(ref_id) if field == "milestone" and ref_id else None
            cited = fact or milestone
            sources = cited.sources if cited else (own[entity_sources[entity_id]],)
            out.setdefault(entity_id, []).append(Snippet(field, text, fact, milestone, sources))
    return out
