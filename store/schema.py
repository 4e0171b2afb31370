"""The store's schema as numbered migrations (sqlite-utils `Migrations`).

A migration never changes once released; a new need is a new function below the
last one. Pending migrations run in one write transaction, each together with the
record of it having run; a store with none pending is only read, so opening it never
waits for another process's write lock. Statements are executed one by one because
`executescript()` would COMMIT mid-way.
"""

from __future__ import annotations

import sqlite3

import sqlite_utils
from sqlite_utils.migrations import Migrations

from store.db import MIGRATION_SET, write_transaction
from store.search_index import rebuild_search

MIGRATIONS = Migrations(MIGRATION_SET)


def _execute_all(db: sqlite_utils.Database, script: str) -> None:
    """Run each complete statement of `script` (trigger bodies included) in turn."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement: {statement!r}")


@MIGRATIONS(name="001_facts")
def m001_facts(db: sqlite_utils.Database) -> None:
    """Sources, entities, aliases, attributes, facts, milestones and the revision log."""
    _execute_all(
        db,
        """
CREATE TABLE revisions (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    reason TEXT,
    summary TEXT,
    changes TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(changes)),
    reverts INTEGER REFERENCES revisions(id)
);
CREATE TRIGGER revisions_append_only_update BEFORE UPDATE ON revisions
BEGIN
    SELECT RAISE(ABORT, 'revisions are append-only: a revision cannot be changed');
END;
CREATE TRIGGER revisions_append_only_delete BEFORE DELETE ON revisions
BEGIN
    SELECT RAISE(ABORT, 'revisions are append-only: a revision cannot be deleted');
END;

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE sources (
    id TEXT PRIMARY KEY,
    publisher TEXT NOT NULL,
    publisher_en TEXT,
    author TEXT,
    title TEXT NOT NULL,
    url TEXT UNIQUE,
    file TEXT,
    published_text TEXT NOT NULL,
    published_edtf TEXT,
    published_precision TEXT NOT NULL,
    published_earliest TEXT,
    published_latest TEXT,
    published_note TEXT,
    created_rev INTEGER NOT NULL REFERENCES revisions(id)
);
CREATE INDEX sources_published ON sources(published_latest);

CREATE TABLE entities (
    id TEXT PRIMARY KEY,
    class TEXT NOT NULL CHECK (class IN ('program', 'institution', 'person')),
    kind TEXT NOT NULL,
    name_ko TEXT NOT NULL,
    name_en TEXT,
    acronym TEXT,
    summary_ko TEXT,
    summary_en TEXT,
    source_id TEXT NOT NULL REFERENCES sources(id),
    created_rev INTEGER NOT NULL REFERENCES revisions(id)
);
CREATE INDEX entities_class ON entities(class, kind);

CREATE TABLE aliases (
    id INTEGER PRIMARY KEY,
    entity_id TEXT NOT NULL REFERENCES entities(id),
    alias TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('name_ko', 'name_en', 'acronym', 'alias')),
    key TEXT NOT NULL,
    choseong TEXT NOT NULL,
    UNIQUE (entity_id, key)
);
CREATE INDEX aliases_key ON aliases(key);
CREATE INDEX aliases_choseong ON aliases(choseong);

CREATE TABLE attributes (
    id TEXT PRIMARY KEY,
    label_ko TEXT NOT NULL,
    label_en TEXT NOT NULL,
    value_type TEXT NOT NULL CHECK (value_type IN ('text', 'money', 'number', 'date', 'entity')),
    created_rev INTEGER NOT NULL REFERENCES revisions(id)
);

CREATE TABLE facts (
    id INTEGER PRIMARY KEY,
    entity_id TEXT NOT NULL REFERENCES entities(id),
    attribute TEXT NOT NULL REFERENCES attributes(id),
    value_text TEXT,
    value_text_en TEXT,
    value_money INTEGER CHECK (value_money >= 0),
    value_number REAL,
    unit TEXT,
    value_date_text TEXT,
    value_date_edtf TEXT,
    value_date_precision TEXT,
    value_entity TEXT REFERENCES entities(id),
    role_ko TEXT,
    role_en TEXT,
    qualifiers TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(qualifiers)),
    note_ko TEXT,
    note_en TEXT,
    rank TEXT NOT NULL DEFAULT 'normal' CHECK (rank IN ('preferred', 'normal', 'deprecated')),
    source_id TEXT NOT NULL REFERENCES sources(id),
    created_rev INTEGER NOT NULL REFERENCES revisions(id),
    CHECK (
        (value_text IS NOT NULL) + (value_money IS NOT NULL) + (value_number IS NOT NULL)
        + (value_date_text IS NOT NULL) + (value_entity IS NOT NULL) = 1
    )
);
CREATE INDEX facts_entity ON facts(entity_id, attribute);
CREATE INDEX facts_value_entity ON facts(value_entity);
CREATE INDEX facts_source ON facts(source_id);

CREATE TABLE milestones (
    id INTEGER PRIMARY KEY,
    entity_id TEXT NOT NULL REFERENCES entities(id),
    title_ko TEXT NOT NULL,
    title_en TEXT,
    date_text TEXT NOT NULL,
    date_edtf TEXT,
    precision TEXT NOT NULL,
    earliest TEXT,
    latest TEXT,
    status TEXT NOT NULL CHECK (status IN ('planned', 'done', 'cancelled', 'unknown')),
    source_id TEXT NOT NULL REFERENCES sources(id),
    created_rev INTEGER NOT NULL REFERENCES revisions(id)
);
CREATE INDEX milestones_entity ON milestones(entity_id);
CREATE INDEX milestones_earliest ON milestones(earliest);
CREATE INDEX milestones_latest ON milestones(latest);
""",
    )


@MIGRATIONS(name="002_search")
def m002_search(db: sqlite_utils.Database) -> None:
    """Full-text search documents and their two FTS5 indexes.

    `compact` (case-folded, spaces and punctuation removed) feeds a trigram index for
    queries of three or more characters; `chars` is the same text with a space between
    every character, tokenised by unicode61 so a one- or two-character query (`거점`,
    `AI`) is an exact phrase lookup — trigram alone matches nothing under 3 characters.
    """
    _execute_all(
        db,
        """
CREATE TABLE search_docs (
    id INTEGER PRIMARY KEY,
    entity_id TEXT NOT NULL REFERENCES entities(id),
    field TEXT NOT NULL,
    ref_id INTEGER,
    weight INTEGER NOT NULL,
    text TEXT NOT NULL,
    compact TEXT NOT NULL,
    chars TEXT NOT NULL
);
CREATE INDEX search_docs_entity ON search_docs(entity_id);
CREATE VIRTUAL TABLE search_trigram USING fts5(
    compact, content='search_docs', content_rowid='id', tokenize='trigram'
);
CREATE VIRTUAL TABLE search_chars USING fts5(
    chars, content='search_docs', content_rowid='id', tokenize='unicode61 remove_diacritics 0'
);
CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN
    INSERT INTO search_trigram(rowid, compact) VALUES (new.id, new.compact);
    INSERT INTO search_chars(rowid, chars) VALUES (new.id, new.chars);
END;
CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN
    INSERT INTO search_trigram(search_trigram, rowid, compact) VALUES ('delete', old.id, old.compact);
    INSERT INTO search_chars(search_chars, rowid, chars) VALUES ('delete', old.id, old.chars);
END;
CREATE TRIGGER search_docs_au AFTER UPDATE ON search_docs BEGIN
    INSERT INTO search_trigram(search_trigram, rowid, compact) VALUES ('delete', old.id, old.compact);
    INSERT INTO search_chars(search_chars, rowid, chars) VALUES ('delete', old.id, old.chars);
    INSERT INTO search_trigram(rowid, compact) VALUES (new.id, new.compact);
    INSERT INTO search_chars(rowid, chars) VALUES (new.id, new.chars);
END;
""",
    )


@MIGRATIONS(name="004_alias_trigram")
def m004_alias_trigram(db: sqlite_utils.Database) -> None:
    """A trigram index over alias keys alone, kept in step by triggers.

    Name matching (substring and fuzzy tiers) used the trigram index of every search
    document, where names are one document in seven: a fragment common in facts but rare
    in names meant reading thousands of fact postings to find a few names. `key` is
    already in matching form, so plain SQL triggers can maintain this index.
    """
    _execute_all(
        db,
        """
CREATE VIRTUAL TABLE alias_trigram USING fts5(
    key, content='aliases', content_rowid='id', tokenize='trigram'
);
CREATE TRIGGER aliases_ai AFTER INSERT ON aliases BEGIN
    INSERT INTO alias_trigram(rowid, key) VALUES (new.id, new.key);
END;
CREATE TRIGGER aliases_ad AFTER DELETE ON aliases BEGIN
    INSERT INTO alias_trigram(alias_trigram, rowid, key) VALUES ('delete', old.id, old.key);
END;
CREATE TRIGGER aliases_au AFTER UPDATE ON aliases BEGIN
    INSERT INTO alias_trigram(alias_trigram, rowid, key) VALUES ('delete', old.id, old.key);
    INSERT INTO alias_trigram(rowid, key) VALUES (new.id, new.key);
END;
INSERT INTO alias_trigram(alias_trigram) VALUES ('rebuild');
""",
    )


@MIGRATIONS(name="005_milestone_order")
def m005_milestone_order(db: sqlite_utils.Database) -> None:
    """Indexes in the order milestone lists are read, so a list stops after its limit.

    A window lists milestones by `coalesce(earliest, latest)`; without an index in that
    order every overlapping milestone was joined and sorted to keep the first 500
    (134 ms at 100,000 milestones). Overdue ones are read by `latest` among open
    statuses only, which the partial index holds and nothing else.
    """
    _execute_all(
        db,
        """
CREATE INDEX milestones_start ON milestones(coalesce(earliest, latest), latest, status, precision);
CREATE INDEX milestones_open ON milestones(latest) WHERE status IN ('planned', 'unknown');
""",
    )


@MIGRATIONS(name="006_fact_sources")
def m006_fact_sources(db: sqlite_utils.Database) -> None:
    """A fact's further sources, in order: one statement, many references (Wikidata's model).

    A fact's first source stays in `facts.source_id`, so every fact stored before keeps its
    one source unchanged and everything that reads the first source keeps working; this
    table holds the second (`position` 1), third, … Only rows written since this migration
    appear here, so a revision from before it can still be reverted (a link row pointing
    at every old fact would make removing one refused).
    """
    _execute_all(
        db,
        """
CREATE TABLE fact_sources (
    id INTEGER PRIMARY KEY,
    fact_id INTEGER NOT NULL REFERENCES facts(id),
    position INTEGER NOT NULL CHECK (position >= 1),
    source_id TEXT NOT NULL REFERENCES sources(id),
    UNIQUE (fact_id, position),
    UNIQUE (fact_id, source_id)
);
CREATE INDEX fact_sources_source ON fact_sources(source_id);
""",
    )


# What migration 007 counts; frozen with it (stats and check keep their own lists).
_COUNTED_TABLES_007 = (
    "sources", "entities", "aliases", "attributes", "facts", "milestones", "revisions",
    "search_docs",
)  # fmt: skip
_COUNTED_COLUMNS_007 = (("entities", "class"), ("entities", "kind"), ("facts", "rank"),
                        ("milestones", "status"))  # fmt: skip


def _value_count_step(table: str, column: str, row: str, step: int) -> str:
    return (
        f'INSERT INTO _value_counts ("table", "column", value, count)'
        f" VALUES ('{table}', '{column}', {row}.{column}, {step})"
        f' ON CONFLICT ("table", "column", value) DO UPDATE SET count = count + ({step});\n'
    )


@MIGRATIONS(name="007_counts")
def m007_counts(db: sqlite_utils.Database) -> None:
    """Row counts kept by triggers in the same transaction as every write.

    `/about` and start-up read the counts instead of counting (0.85 s at 100,000
    entities, 9 s at 1,000,000). Totals are in `_counts` exactly as sqlite-utils'
    `enable_counts()` keeps them (same table, same trigger names), so
    `sqlite_utils.Database(path, use_counts_table=True)` and `sqlite-utils reset-counts`
    work on a store; counts by class, kind, rank and status are in `_value_counts`.
    Both start from the rows already there; `store check` compares them with real counts.
    """
    script = """
CREATE TABLE IF NOT EXISTS "_counts" (
   "table" TEXT PRIMARY KEY,
   count INTEGER DEFAULT 0
);
CREATE TABLE _value_counts (
    "table" TEXT NOT NULL,
    "column" TEXT NOT NULL,
    value TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY ("table", "column", value)
) WITHOUT ROWID;
"""
    for table in _COUNTED_TABLES_007:
        for event, step in (("insert", 1), ("delete", -1)):
            script += (
                f'CREATE TRIGGER IF NOT EXISTS "{table}_counts_{event}" AFTER {event.upper()}'
                f' ON "{table}" BEGIN\n'
                f"INSERT INTO _counts (\"table\", count) VALUES ('{table}', {step})"
                f' ON CONFLICT ("table") DO UPDATE SET count = count + ({step});\nEND;\n'
            )
        script += (
            f'INSERT OR REPLACE INTO _counts ("table", count)'
            f" SELECT '{table}', count(*) FROM \"{table}\";\n"
        )
    for table in dict.fromkeys(t for t, _ in _COUNTED_COLUMNS_007):
        columns = [c for t, c in _COUNTED_COLUMNS_007 if t == table]
        for event, row, step in (("insert", "new", 1), ("delete", "old", -1)):
            script += f"CREATE TRIGGER {table}_value_counts_{event} AFTER {event.upper()} ON {table} BEGIN\n"
            script += "".join(_value_count_step(table, c, row, step) for c in columns) + "END;\n"
        script += (
            f"CREATE TRIGGER {table}_value_counts_update AFTER UPDATE OF {', '.join(columns)}"
            f" ON {table} BEGIN\n"
        )
        for column in columns:
            script += _value_count_step(table, column, "old", -1)
            script += _value_count_step(table, column, "new", 1)
        script += "END;\n"
        for column in columns:
            script += (
                f"INSERT INTO _value_counts SELECT '{table}', '{column}', {column}, count(*)"
                f" FROM {table} GROUP BY {column};\n"
            )
    _execute_all(db, script)


@MIGRATIONS(name="008_statement_details")
def m008_statement_details(db: sqlite_utils.Database) -> None:
    """What a statement is, beyond its value: how well it is confirmed, whether its number
    is approximate (`80여 석`), who said it (a quote), whether it is only planned; whether
    an entity's name is a description and which names come from general knowledge; which
    later sources confirmed an inferred publication date.

    Each is a column with a default that describes every existing row as it was read
    before (no confidence assessed, exact, no speaker, a state of affairs, a real name,
    names as printed), so the migration changes no meaning.
    """
    _execute_all(
        db,
        """
ALTER TABLE facts ADD COLUMN confidence TEXT
    CHECK (confidence IN ('single', 'same_outlet', 'confirmed'));
ALTER TABLE facts ADD COLUMN approximate INTEGER NOT NULL DEFAULT 0 CHECK (approximate IN (0, 1));
ALTER TABLE facts ADD COLUMN speaker TEXT REFERENCES entities(id);
ALTER TABLE facts ADD COLUMN status TEXT CHECK (status IN ('planned', 'done'));
ALTER TABLE entities ADD COLUMN name_is_description INTEGER NOT NULL DEFAULT 0
    CHECK (name_is_description IN (0, 1));
ALTER TABLE entities ADD COLUMN general_knowledge_names TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(general_knowledge_names));
ALTER TABLE sources ADD COLUMN published_confirmed_by TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(published_confirmed_by));
""",
    )


# A fact's value as `store.values.describe_value` writes it in Korean, in SQL: money in
# 조/억/만 groups (`2,136억 원`), numbers with thousands separators and their unit (the
# fraction to 15 significant digits), linked entities by name, and dates, which SQL
# cannot label at their precision, as their wording and EDTF window (`올해 말 [2025-11/2025-12]`).
_READABLE_VALUE = """
CASE
    WHEN f.value_money = 0 THEN '0원'
    WHEN f.value_money IS NOT NULL THEN
        rtrim(
            CASE WHEN f.value_money >= 1000000000000
                THEN printf('%,d조 ', f.value_money / 1000000000000) ELSE '' END
            || CASE WHEN (f.value_money / 100000000) % 10000 > 0
                THEN printf('%,d억 ', (f.value_money / 100000000) % 10000) ELSE '' END
            || CASE WHEN (f.value_money / 10000) % 10000 > 0
                THEN printf('%,d만 ', (f.value_money / 10000) % 10000) ELSE '' END
            || CASE WHEN f.value_money % 10000 > 0
                THEN printf('%,d', f.value_money % 10000) ELSE '' END
        ) || CASE WHEN f.value_money % 10000 > 0 THEN '원' ELSE ' 원' END
    WHEN f.value_number IS NOT NULL THEN
        CASE WHEN f.value_number < 0 THEN '-' ELSE '' END
        || printf('%,d', CAST(abs(f.value_number) AS INTEGER))
        || CASE WHEN f.value_number = CAST(f.value_number AS INTEGER) THEN ''
            ELSE substr(printf('%!.15g', abs(f.value_number)),
                        length(CAST(CAST(abs(f.value_number) AS INTEGER) AS TEXT)) + 1) END
        || CASE WHEN f.unit IS NULL THEN ''
            WHEN unicode(f.unit) < 128 AND upper(substr(f.unit, 1, 1)) != lower(substr(f.unit, 1, 1))
            THEN ' ' || f.unit ELSE f.unit END
    WHEN f.value_date_text IS NOT NULL THEN
        f.value_date_text || coalesce(' [' || f.value_date_edtf || ']', '')
    WHEN f.value_entity IS NOT NULL THEN l.name_ko
    ELSE f.value_text
END"""


# Migration 010 defined this view with each milestone's one source; 017 with all of them.
_READABLE_MILESTONES = """
CREATE VIEW readable_milestones AS
SELECT
    m.id AS milestone_id,
    e.id AS entity_id, e.name_ko AS program, e.name_en AS program_en,
    m.title_ko AS title, m.title_en AS title_en,
    m.date_text AS date, m.precision AS precision, m.earliest AS earliest, m.latest AS latest,
    m.status AS status,
    s.id AS source_id, s.publisher AS publisher, s.title AS source_title,
    s.published_text AS published, s.published_earliest AS published_from,
    s.published_latest AS published_to, s.url AS source_url,
    m.created_rev AS revision
FROM milestones m
JOIN entities e ON e.id = m.entity_id
{citations}
ORDER BY m.latest IS NULL, coalesce(m.earliest, m.latest), m.latest, m.id{then};
"""


@MIGRATIONS(name="010_readable_views")
def m010_readable_views(db: sqlite_utils.Database) -> None:
    """Views for people reading the file with Datasette or `sqlite3`: current facts and
    milestones with names, labels, readable values, sources and dates.

    A fact's sources are read through `fact_citations` (fact, source, order), which today
    holds each fact's one `source_id`. When facts gain several sources, a later migration
    redefines only that view (adding the new table's rows with a UNION); `readable_facts`
    then shows one row per fact and source without changing.
    """
    _execute_all(
        db,
        f"""
CREATE VIEW fact_citations AS
SELECT id AS fact_id, source_id, 0 AS position FROM facts;

CREATE VIEW readable_facts AS
SELECT
    f.id AS fact_id,
    e.id AS entity_id, e.name_ko AS entity, e.name_en AS entity_en,
    e.class AS class, e.kind AS kind,
    f.attribute AS attribute, a.label_ko AS attribute_label, a.label_en AS attribute_label_en,
    {_READABLE_VALUE} AS value,
    coalesce(f.value_text_en, l.name_en) AS value_en,
    f.role_ko AS role,
    json_extract(f.qualifiers, '$.start.text') AS since,
    json_extract(f.qualifiers, '$.end.text') AS until,
    f.note_ko AS note,
    f.rank AS rank,
    s.id AS source_id, s.publisher AS publisher, s.title AS source_title,
    s.published_text AS published, s.published_earliest AS published_from,
    s.published_latest AS published_to, s.url AS source_url,
    f.created_rev AS revision
FROM facts f
JOIN entities e ON e.id = f.entity_id
JOIN attributes a ON a.id = f.attribute
LEFT JOIN entities l ON l.id = f.value_entity
JOIN fact_citations c ON c.fact_id = f.id
JOIN sources s ON s.id = c.source_id
WHERE f.rank != 'deprecated'
ORDER BY e.name_ko, a.label_ko, f.id, c.position;

{_READABLE_MILESTONES.format(citations="JOIN sources s ON s.id = m.source_id", then="")}""",
    )


@MIGRATIONS(name="012_search_words")
def m012_search_words(db: sqlite_utils.Database) -> None:
    """Search documents again, in `search_key` form: a space between two Latin words stays.

    The old form joined every word, so `GPU` matched "linkin**g pu**blic" (and a
    two-letter query matched across any word boundary in `chars`).
    """
    rebuild_search(db)


@MIGRATIONS(name="014_fact_citations")
def m014_fact_citations(db: sqlite_utils.Database) -> None:
    """`fact_citations` with every source of a fact: the primary one (`facts.source_id`,
    position 0) and the further ones of migration 006 (positions 1, 2, …).

    Migration 010 left this view as the one place to change when facts gained several
    sources; `readable_facts` now shows one row per fact and source without changing.
    """
    _execute_all(
        db,
        """
DROP VIEW fact_citations;
CREATE VIEW fact_citations AS
SELECT id AS fact_id, source_id, 0 AS position FROM facts
UNION ALL
SELECT fact_id, source_id, position FROM fact_sources;
""",
    )


@MIGRATIONS(name="016_child_key_indexes")
def m016_child_key_indexes(db: sqlite_utils.Database) -> None:
    """An index on every column that points at another row and had none.

    An edit writes its rows first, stamped with the revision they belong to, and appends
    that revision last; until then the rows' foreign keys are outstanding violations
    (deferred). While any is outstanding, SQLite answers every insert of a row others may
    point at (a revision, an entity, a source, an attribute) by looking for the rows
    pointing at it, which without an index is a scan of the whole table: each revision
    scanned every fact, and an import of N entities took time in N² (4,000 entities
    54 s, 20,000 beyond 15 minutes). With these indexes each look is a seek.
    """
    _execute_all(
        db,
        """
CREATE INDEX sources_created_rev ON sources(created_rev);
CREATE INDEX entities_created_rev ON entities(created_rev);
CREATE INDEX entities_source ON entities(source_id);
CREATE INDEX attributes_created_rev ON attributes(created_rev);
CREATE INDEX facts_created_rev ON facts(created_rev);
CREATE INDEX facts_attribute ON facts(attribute);
CREATE INDEX facts_speaker ON facts(speaker);
CREATE INDEX milestones_created_rev ON milestones(created_rev);
CREATE INDEX milestones_source ON milestones(source_id);
CREATE INDEX revisions_reverts ON revisions(reverts);
""",
    )


@MIGRATIONS(name="017_milestone_sources")
def m017_milestone_sources(db: sqlite_utils.Database) -> None:
    """A milestone's further sources, in order, as migration 006 gave facts theirs.

    Reports of an event usually come from several outlets, and a milestone shown with one
    of them is shown as less certain than it is. The first source stays in
    `milestones.source_id`; this table holds the second (`position` 1), third, …
    `milestone_citations` lists them all, and `readable_milestones` shows one row per
    milestone and source, as `readable_facts` does.
    """
    view = _READABLE_MILESTONES.format(
        citations="JOIN milestone_citations c ON c.milestone_id = m.id\nJOIN sources s ON s.id = c.source_id",
        then=", c.position",
    )
    _execute_all(
        db,
        f"""
CREATE TABLE milestone_sources (
    id INTEGER PRIMARY KEY,
    milestone_id INTEGER NOT NULL REFERENCES milestones(id),
    position INTEGER NOT NULL CHECK (position >= 1),
    source_id TEXT NOT NULL REFERENCES sources(id),
    UNIQUE (milestone_id, position),
    UNIQUE (milestone_id, source_id)
);
CREATE INDEX milestone_sources_source ON milestone_sources(source_id);

CREATE VIEW milestone_citations AS
SELECT id AS milestone_id, source_id, 0 AS position FROM milestones
UNION ALL
SELECT milestone_id, source_id, position FROM milestone_sources;

DROP VIEW readable_milestones;
{view}""",
    )


@MIGRATIONS(name="018_source_title_en")
def m018_source_title_en(db: sqlite_utils.Database) -> None:
    """An English title for a source, where the title has one: a placeholder such as
    `(제목 미확인)` (the page's title was not seen) reads `(title not confirmed)` in an
    English answer instead of showing Korean where English exists. A headline is cited
    as printed; this is not for translating headlines."""
    db.execute("ALTER TABLE sources ADD COLUMN title_en TEXT")


def migrate(db: sqlite_utils.Database) -> None:
    """Apply every pending migration, in one write transaction; read only when none is pending."""
    if MIGRATIONS.pending(db):
        with write_transaction(db):
            MIGRATIONS.apply(db)
