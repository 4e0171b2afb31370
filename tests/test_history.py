"""History of an entity, and reverts that restore the exact earlier rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from store.changeset import EditResult, revision_summary
from store.conflicts import StaleEdit
from store.errors import InvalidInput
from store.fact_store import FactStore
from store.history import describe_change
from store.references import UnknownEntity
from tests.edit_helpers import ACTOR, LAB, PROJECT, SOURCE, refused, snapshot

TODAY = date(2025, 11, 1)


def _set_budget(store: FactStore, value: str, **extra: Any) -> EditResult:
    return store.set_fact(
        entity=PROJECT, attribute="budget", value=value, source=SOURCE, actor=ACTOR, **extra
    )


def test_history_is_newest_first_and_starts_with_the_data_set(store: FactStore) -> None:
    first = _set_budget(store, "2200억원", reason="확정")
    store.set_fact(
        entity="ETRI", attribute="budget", value="10억원", source=SOURCE, actor=ACTOR
    )  # another entity: not in this history
    goal = store.set_fact(
        entity=PROJECT, attribute="goal", value="새 목표", source=SOURCE, actor=ACTOR, add=True
    )
    revisions = store.history("독자 AI 파운데이션 모델")
    assert [r.id for r in revisions] == [goal.revision, first.revision, 1]
    assert revisions[-1].action == "dataset.load" and revisions[-1].changes == []
    assert (revisions[1].actor, revisions[1].reason) == (ACTOR, "확정")
    assert revision_summary(revisions[1], "en") == first.summary_en
    assert [r.id for r in store.history(PROJECT, "budget")] == [first.revision, 1]
    assert [r.id for r in store.history(PROJECT, limit=1)] == [goal.revision]


def test_history_narrows_changes_to_the_entity(store: FactStore) -> None:
    added = store.add_milestone(
        entity=LAB, title="착공", date="2026년 상반기", source=SOURCE, actor=ACTOR, today=TODAY
    )
    store.update_milestone(added.row_id, date="2026년 하반기", actor=ACTOR, today=TODAY)
    newest = store.history(LAB)[0]
    (change,) = newest.changes
    assert describe_change(store.db, change, "ko") == (
        "~ 일정 착공 (2026년 상반기): date_text 2026년 상반기 → 2026년 하반기"
    )
    superseded = _set_budget(store, "2200억원")
    lines = [describe_change(store.db, c, "en") for c in superseded.changes]
    assert lines == [
        "~ fact Budget: ₩213.6 billion: rank normal → deprecated",
        "+ fact Budget: ₩220 billion",
    ]


def test_history_of_an_unknown_entity_or_attribute_is_refused(store: FactStore) -> None:
    with pytest.raises(UnknownEntity):
        store.history("없는 이름")
    with pytest.raises(InvalidInput) as info:
        store.history(PROJECT, "budgt")
    assert "Did you mean: budget" in info.value.en


def _entity_add(store: FactStore) -> EditResult:
    return store.add_entity(
        kind="company", name_ko="리벨리온", name_en="Rebellions", aliases=["리벨리온스"],
        source=SOURCE, actor=ACTOR,
    )  # fmt: skip


def _milestone_update(store: FactStore) -> EditResult:
    milestone_id = store.db.execute("SELECT min(id) FROM milestones").fetchone()[0]
    return store.update_milestone(
        milestone_id, title="바뀐 제목", date="2027년", actor=ACTOR, today=TODAY
    )


EDITS: dict[str, Callable[[FactStore], EditResult]] = {
    "supersede": lambda s: _set_budget(s, "2200억원"),
    "new attribute": lambda s: s.set_fact(
        entity=PROJECT,
        attribute="gpu_total",
        value="1만 장",
        value_type="text",
        label_ko="GPU 총량",
        source=SOURCE,
        actor=ACTOR,
    ),
    "retire": lambda s: s.retire_fact(entity=PROJECT, attribute="team", reason="x", actor=ACTOR),
    "milestone add": lambda s: s.add_milestone(
        entity=LAB, title="착공", date="12월 말", source=SOURCE, actor=ACTOR, today=TODAY
    ),
    "milestone update": _milestone_update,
    "milestone cancel": lambda s: s.set_milestone_status(1, "cancelled", actor=ACTOR),
    "entity add": _entity_add,
    "alias add": lambda s: s.add_alias(entity="ETRI", alias="전자연", actor=ACTOR),
    "source add": lambda s: s.add_source(
        title="기사",
        publisher="매체",
        published="2025-11-01",
        url="https://example.com/a",
        actor=ACTOR,
    ),
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_revert_restores_the_exact_earlier_rows(
    store: FactStore, edit: Callable[[FactStore], EditResult]
) -> None:
    before = snapshot(store)
    done = edit(store)
    after = snapshot(store)
    assert after != before
    undone = store.revert(done.revision, actor=ACTOR, reason="잘못 입력")
    assert snapshot(store) == before
    revision = store.revisions_since(undone.revision - 1)[0]
    assert (revision.action, revision.reverts) == ("revert", done.revision)
    assert undone.summary("en").startswith(f"reverted revision {done.revision}: ")
    assert store.check() == []
    store.revert(undone.revision, actor=ACTOR)  # and the revert itself can be undone
    assert snapshot(store) == after
    assert store.check() == []


def test_revert_is_refused_when_the_rows_changed_since(store: FactStore) -> None:
    first = _set_budget(store, "2200억원")
    second = _set_budget(store, "2300억원")
    with refused(store, StaleEdit) as info:
        store.revert(first.revision, actor=ACTOR)
    assert info.value.revisions == [second.revision]
    assert f"Revision {second.revision} changed the same rows" in info.value.en
    store.revert(second.revision, actor=ACTOR)
    with refused(store, StaleEdit):
        store.revert(first.revision, actor=ACTOR)  # the revert of `second` touched them too


def test_revert_is_refused_for_the_data_set_load_and_unknown_revisions(store: FactStore) -> None:
    with refused(store) as info:
        store.revert(1, actor=ACTOR)
    assert "dataset.load" in info.value.en and "cannot be reverted" in info.value.en
    with refused(store) as info:
        store.revert(999, actor=ACTOR)
    assert "no revision 999" in info.value.en


def test_revert_is_refused_when_newer_rows_depend_on_what_it_removes(store: FactStore) -> None:
    created = _entity_add(store)
    store.set_fact(
        entity=PROJECT, attribute="team", value="Rebellions", source=SOURCE, actor=ACTOR, add=True
    )
    with refused(store) as info:
        store.revert(created.revision, actor=ACTOR)
    assert "rebellions" in info.value.en and "still use" in info.value.en


def test_revert_is_refused_when_a_row_was_changed_outside_the_log(store: FactStore) -> None:
    done = _set_budget(store, "2200억원")
    with store.db.conn:
        store.db.execute("UPDATE facts SET note_ko = '손으로 고침' WHERE id = ?", [done.row_id])
    with refused(store, StaleEdit) as info:
        store.revert(done.revision, actor=ACTOR)
    assert "outside the revision log" in info.value.en
    assert any("not in the state its last revision" in p for p in store.check())
