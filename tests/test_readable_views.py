"""The readable views of migration 010: what Datasette and `sqlite3` users read."""

from __future__ import annotations

import pytest

from store.fact_store import FactStore
from store.values import describe_value

SOURCE = "byline-2025-foundation-kickoff"
LAB = "국가 AI 연구거점"


def _fact_row(store: FactStore, fact_id: int) -> dict:
    return next(store.db.query("SELECT * FROM facts WHERE id = ?", [fact_id]))


def _view(store: FactStore) -> list[dict]:
    return list(store.db.query("SELECT * FROM readable_facts"))


def test_every_current_fact_reads_as_the_store_writes_it(store: FactStore) -> None:
    rows = _view(store)
    current = store.db.execute("SELECT count(*) FROM facts WHERE rank != 'deprecated'").fetchone()
    assert len(rows) == current[0] > 100
    for row in rows:
        fact = _fact_row(store, row["fact_id"])
        assert row["value"] == describe_value(store.db, fact, "ko"), fact
        assert row["publisher"] and row["published"] and row["attribute_label"]


@pytest.mark.parametrize(
    ("attribute", "value", "unit", "shown"),
    [
        ("budget", "1조 807억원", None, "1조 807억 원"),
        ("budget", "1조원", None, "1조 원"),
        ("budget", "12500원", None, "1만 2,500원"),
        ("budget", "12345조 3천억원", None, "12,345조 3,000억 원"),
        ("investment", "0원", None, "0원"),
        ("gpu_count", "1234.5", "장", "1,234.5장"),
        ("gpu_count", "0.25", None, "0.25"),
        ("gpu_count", "2000000", "GPUs", "2,000,000 GPUs"),
    ],
)
def test_amounts_and_numbers_read_as_in_chat(
    store: FactStore, attribute: str, value: str, unit: str | None, shown: str
) -> None:
    result = store.set_fact(
        entity=LAB, attribute=attribute, value=value, unit=unit, source=SOURCE,
        actor="console:test", add=True,
    )  # fmt: skip
    fact_id = int(result.row_id)
    row = next(r for r in _view(store) if r["fact_id"] == fact_id)
    assert row["value"] == shown == describe_value(store.db, _fact_row(store, fact_id), "ko")
    assert (row["entity"], row["source_id"]) == (LAB, SOURCE)


def test_a_superseded_fact_leaves_the_view(store: FactStore) -> None:
    def lab_budgets() -> list[dict]:
        return [r for r in _view(store) if r["entity"] == LAB and r["attribute"] == "budget"]

    before = {r["fact_id"] for r in lab_budgets()}
    assert len(before) == 1
    store.set_fact(
        entity=LAB, attribute="budget", value="2000억원", source=SOURCE, actor="console:test"
    )
    after = lab_budgets()
    assert [r["value"] for r in after] == ["2,000억 원"]
    assert before.isdisjoint({r["fact_id"] for r in after})


def test_milestones_read_with_their_program_and_source(store: FactStore) -> None:
    rows = list(store.db.query("SELECT * FROM readable_milestones"))
    assert len(rows) == store.db.execute("SELECT count(*) FROM milestones").fetchone()[0]
    contest = next(r for r in rows if r["milestone_id"] == 5)
    assert contest["program"] == "독자 AI 파운데이션 모델 프로젝트"
    when = (contest["date"], contest["precision"], contest["status"])
    assert when == ("12월 말", "late_month", "planned")
    assert contest["publisher"] == "바이라인네트워크"
    assert rows[-1]["latest"] is None, "undated milestones come last"
