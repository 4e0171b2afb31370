"""`store check` finds every row a reader would choke on, and readers no longer choke.

The rows are written the way another tool (or an older importer) could: straight into
SQLite, past the checks an edit gets.
"""

from __future__ import annotations

from datetime import date

import pytest

from store.db import write_transaction
from store.fact_store import FactStore
from tests.edit_helpers import LAB


def _write(store: FactStore, sql: str, params: list[object] | None = None) -> None:
    with write_transaction(store.db):
        store.db.execute(sql, params or [])


def _lab_milestone(store: FactStore) -> int:
    return store.db.execute("SELECT min(id) FROM milestones WHERE entity_id = ?", [LAB]).fetchone()[
        0
    ]


@pytest.mark.parametrize(
    ("edtf", "precision", "says"),
    [
        ("2025-12", "day", "precision 'day' does not match"),
        ("2025-12-01/2025-12-31", "late_month", "precision 'late_month' does not match"),
        ("2025/..", "range", "open at the end"),
        ("/", "range", "needs at least an end"),
        ("0000", "year", "Years run from 1 to 9999"),
        (None, "day", "EDTF string is missing"),
    ],
)
def test_a_milestone_date_no_reader_can_use_is_reported_and_shown_safely(
    store: FactStore, edtf: str | None, precision: str, says: str
) -> None:
    milestone = _lab_milestone(store)
    _write(
        store,
        "UPDATE milestones SET date_edtf = ?, precision = ?, earliest = '2025-12-01',"
        " latest = '2025-12-31' WHERE id = ?",
        [edtf, precision, milestone],
    )
    problems = store.check(deep=False)
    assert any(p.startswith(f"milestone {milestone}: ") and says in p for p in problems), problems
    # The lab's card and every window it falls in still answer, showing the wording.
    detail = store.entity(LAB)
    assert detail is not None
    shown = next(m for m in detail.milestones if m.id == milestone)
    assert shown.date.label("ko").endswith("(날짜 미정)")
    assert [
        m.milestone.date.label("en") for m in store.milestones(date(2025, 1, 1), date(2026, 12, 31))
    ]


def test_a_source_date_no_reader_can_use_is_reported_and_shown_safely(store: FactStore) -> None:
    _write(
        store,
        "UPDATE sources SET published_edtf = '0000' WHERE id = 'byline-2025-foundation-kickoff'",
    )
    assert any(
        p.startswith("source byline-2025-foundation-kickoff: ") for p in store.check(deep=False)
    )
    assert store.newest_source() is not None
    assert store.entity(LAB) is not None


def test_fact_qualifier_dates_are_checked(store: FactStore) -> None:
    dated = store.db.execute("SELECT min(id) FROM facts WHERE qualifiers != '{}'").fetchone()[0]
    _write(
        store,
        "UPDATE facts SET qualifiers = json_set(qualifiers, '$.as_of.precision', 'day') WHERE id = ?",
        [dated],
    )
    _write(store, 'UPDATE facts SET qualifiers = \'{"start": {"text": "x"}}\' WHERE id = 1')
    problems = store.check(deep=False)
    assert any(p.startswith(f"fact {dated} as_of: The precision 'day'") for p in problems)
    assert any(p.startswith("fact 1: qualifiers cannot be read") for p in problems)
    assert store.entity(
        store.db.execute("SELECT entity_id FROM facts WHERE id = ?", [dated]).fetchone()[0]
    )


def test_values_no_card_could_show_truthfully_are_reported(store: FactStore) -> None:
    number = store.db.execute(
        "SELECT min(id) FROM facts WHERE value_number IS NOT NULL"
    ).fetchone()[0]
    money = store.db.execute("SELECT min(id) FROM facts WHERE value_money IS NOT NULL").fetchone()[
        0
    ]
    link = store.db.execute("SELECT min(id) FROM facts WHERE value_entity IS NOT NULL").fetchone()[
        0
    ]
    _write(store, "UPDATE facts SET value_number = 9e999 WHERE id = ?", [number])
    _write(store, "UPDATE facts SET value_money = 1.5 WHERE id = ?", [money])
    _write(store, "UPDATE facts SET value_entity = entity_id WHERE id = ?", [link])
    problems = store.check(deep=False)
    assert f"fact {number}: value_number is not a finite number" in problems
    assert f"fact {money}: value_money is not a whole number of won" in problems
    assert f"fact {link}: links the entity to itself" in problems


def test_an_alias_key_made_by_another_normalisation_is_reported(store: FactStore) -> None:
    _write(
        store,
        "INSERT INTO aliases (entity_id, alias, kind, key, choseong)"
        " VALUES ('etri', 'E\u200bTRI 연구원', 'alias', 'e\u200btri연구원', 'e\u200btriㅇㄱㅇ')",
    )
    problems = store.check()
    assert any("has a stale matching key" in p for p in problems)
