"""Several sources per fact and per milestone: stated, read, exported, imported, recorded
and reverted exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.conflicts import StaleEdit
from store.dataset import DatasetError, dump_yaml, export_dataset, load_dataset, read_dataset
from store.db import connect, write_transaction
from store.fact_store import FactStore
from store.history import describe_change
from store.model import FactView, MilestoneView
from store.schema import migrate
from tests.edit_helpers import ACTOR, LAB, PROJECT, SOURCE, refused, snapshot

OTHER = "mediaeconews-2024-10-national-ai-lab"
THIRD = "dailian-2021-09-07-ai-strategy-summit"


def _goal(store: FactStore, value: str, source: object) -> int:
    result = store.set_fact(
        entity=PROJECT, attribute="goal", value=value, source=source, actor=ACTOR, add=True
    )
    assert isinstance(result.row_id, int)
    return result.row_id


def _fact(store: FactStore, fact_id: int) -> FactView:
    detail = store.entity(PROJECT)
    assert detail is not None
    return next(f for f in detail.facts if f.id == fact_id)


@pytest.mark.parametrize(
    "cited",
    [[SOURCE, OTHER, THIRD], f"{SOURCE}, {OTHER}, {THIRD}", f"{SOURCE} {OTHER}\n{THIRD}"],
    ids=["list", "commas", "spaces"],
)
def test_a_fact_cites_several_sources_in_order_the_first_primary(
    store: FactStore, cited: object
) -> None:
    fact = _fact(store, _goal(store, "세 출처 목표", cited))
    assert [s.id for s in fact.sources] == [SOURCE, OTHER, THIRD]
    assert fact.source.id == SOURCE  # what single-source readers keep using
    assert store.check() == []
    sources = [s.id for s in store.entity(PROJECT).sources()]
    assert {OTHER, THIRD} <= set(sources)


def test_a_source_url_works_too_and_one_source_writes_no_link(store: FactStore) -> None:
    url = "https://example.org/a"
    added = store.add_source(
        title="기사", publisher="예시", published="2025년 9월 1일", url=url, actor=ACTOR
    )
    fact_id = _goal(store, "주소로 인용", [SOURCE, url])
    assert [s.id for s in _fact(store, fact_id).sources] == [SOURCE, added.row_id]
    single = _goal(store, "출처 하나", SOURCE)
    assert (
        store.db.execute(
            "SELECT count(*) FROM fact_sources WHERE fact_id = ?", [single]
        ).fetchone()[0]
        == 0
    )


@pytest.mark.parametrize(
    ("cited", "message"),
    [
        ([SOURCE, "no-such-source"], "no-such-source"),
        (f"{SOURCE}, {SOURCE}", "twice"),
        (" , ", "source is required"),
    ],
)
def test_bad_source_lists_are_refused_and_write_nothing(
    store: FactStore, cited: object, message: str
) -> None:
    with refused(store) as info:
        _goal(store, "거절될 목표", cited)
    assert message in info.value.en


def test_the_same_statement_with_the_same_sources_is_already_there(store: FactStore) -> None:
    _goal(store, "같은 목표", [SOURCE, OTHER])
    with refused(store) as info:
        _goal(store, "같은 목표", f"{SOURCE} {OTHER}")
    assert "already there" in info.value.en
    assert _goal(store, "같은 목표", [OTHER, SOURCE])  # other order: another statement


def test_the_revision_records_the_links_and_a_revert_restores_them_exactly(
    store: FactStore,
) -> None:
    before = snapshot(store)
    result = store.set_fact(
        entity=PROJECT, attribute="budget", value="2200억원", source=[SOURCE, OTHER], actor=ACTOR
    )
    tables = [c.table for c in result.changes]
    assert tables == ["facts", "facts", "fact_sources"]
    line = describe_change(store.db, result.changes[-1], "en")
    assert line == f"+ further source of a fact #{result.row_id} ← {OTHER}"
    history = store.history(PROJECT, "budget")[0]
    assert [c.table for c in history.changes] == tables  # the link belongs to the fact
    store.revert(result.revision, actor=ACTOR)
    assert snapshot(store) == before
    assert store.check() == []


def test_export_writes_sources_and_an_import_round_trips(store: FactStore, tmp_path: Path) -> None:
    fact_id = _goal(store, "두 출처 목표", [SOURCE, OTHER])
    exported = store.export()
    facts = next(e for e in exported["entities"] if e["id"] == PROJECT)["facts"]
    written = next(f for f in facts if f.get("text") == "두 출처 목표")
    assert written["sources"] == [SOURCE, OTHER] and "source" not in written
    assert store.import_dataset(exported, actor="import:same.yaml").steps == ()

    written["sources"] = [SOURCE, OTHER, THIRD]
    result = store.import_dataset(exported, actor="import:edit.yaml")
    assert [s.action for s in result.steps] == ["fact.set"]
    current = [f for f in store.entity(PROJECT).facts if f.text == "두 출처 목표"]
    assert [[s.id for s in f.sources] for f in current] == [[SOURCE, OTHER, THIRD]]
    assert fact_id not in [f.id for f in current]  # the old statement is deprecated, kept
    assert store.check() == []

    path = tmp_path / "export.yaml"
    path.write_text(dump_yaml(store.export()), encoding="utf-8")
    data, digest = read_dataset(path)
    again = connect(tmp_path / "again.db")
    migrate(again)
    with write_transaction(again):
        load_dataset(again, data, digest)
    assert export_dataset(again) == store.export()


@pytest.mark.parametrize(
    ("fact", "message"),
    [
        ({"source": SOURCE, "sources": [SOURCE, OTHER]}, "either source or sources"),
        ({"sources": []}, "list of distinct"),
        ({"sources": [SOURCE, SOURCE]}, "list of distinct"),
        ({"sources": [SOURCE, "nowhere"]}, "unknown source 'nowhere'"),
        ({}, "either source or sources"),
    ],
)
def test_the_loader_checks_source_lists(fact: dict, message: str) -> None:
    published = {"text": "2025년 9월 9일", "edtf": "2025-09-09", "precision": "day"}
    data = {
        "version": "test",
        "sources": [
            {"id": source, "publisher": "p", "title": "t", "published": published}
            for source in (SOURCE, OTHER)
        ],
        "attributes": [{"id": "goal", "ko": "목표", "en": "Goal", "type": "text"}],
        "entities": [
            {"id": "e", "class": "program", "kind": "project", "ko": "사업", "source": SOURCE,
             "facts": [{"attr": "goal", "text": "x", **fact}]}
        ],
    }  # fmt: skip
    db = connect(":memory:")
    migrate(db)
    with pytest.raises(DatasetError) as refused, write_transaction(db):
        load_dataset(db, data, "")
    assert message in refused.value.en


def test_the_readable_view_lists_every_source_of_a_fact_in_order(store: FactStore) -> None:
    """Migration 014: `readable_facts` (for Datasette and sqlite3) shows one row per source."""
    fact_id = _goal(store, "세 출처", [THIRD, SOURCE, OTHER])
    rows = store.db.execute(
        "SELECT source_id FROM readable_facts WHERE fact_id = ?", [fact_id]
    ).fetchall()
    assert [r[0] for r in rows] == [THIRD, SOURCE, OTHER]


def test_check_finds_citations_out_of_rule(store: FactStore) -> None:
    fact_id = _goal(store, "점검용", [SOURCE, OTHER])
    store.db.execute("PRAGMA foreign_keys = OFF")
    store.db.execute("UPDATE fact_sources SET source_id = ? WHERE fact_id = ?", [SOURCE, fact_id])
    store.db.execute(
        "UPDATE sources SET published_confirmed_by = '[\"gone\"]' WHERE id = ?", [OTHER]
    )
    problems = store.check(deep=False)
    assert f"fact {fact_id} cites its primary source {SOURCE} again as a further source" in problems
    assert f"source {OTHER}: its date is confirmed by gone, which is not a source" in problems


# --- Milestones ----------------------------------------------------------------------------


def _event(store: FactStore, source: object) -> int:
    result = store.add_milestone(
        entity=LAB, title="2단계 착수", date="2026년 상반기", source=source, actor=ACTOR
    )
    assert isinstance(result.row_id, int)
    return result.row_id


def _shown(store: FactStore, milestone_id: int) -> MilestoneView:
    detail = store.entity(LAB)
    assert detail is not None
    return next(m for m in detail.milestones if m.id == milestone_id)


@pytest.mark.parametrize(
    "cited", [[SOURCE, OTHER, THIRD], f"{SOURCE}, {OTHER} {THIRD}"], ids=["list", "text"]
)
def test_a_milestone_cites_several_sources_in_order(store: FactStore, cited: object) -> None:
    milestone_id = _event(store, cited)
    shown = _shown(store, milestone_id)
    assert [s.id for s in shown.sources] == [SOURCE, OTHER, THIRD]
    assert shown.source.id == SOURCE
    assert store.milestone(milestone_id)["sources"] == [SOURCE, OTHER, THIRD]
    assert store.check() == []


def test_a_digest_dates_a_milestone_by_its_latest_report(store: FactStore) -> None:
    """The primary source (2021) words it; a later report (2024) is how fresh it is."""
    shown = _shown(store, _event(store, [THIRD, OTHER]))
    assert (shown.source.id, shown.latest_report.id) == (THIRD, OTHER)


@pytest.mark.parametrize(
    ("cited", "message"),
    [([SOURCE, "no-such-source"], "no-such-source"), (f"{OTHER} {OTHER}", "twice")],
)
def test_bad_milestone_source_lists_are_refused_and_write_nothing(
    store: FactStore, cited: object, message: str
) -> None:
    with refused(store) as info:
        _event(store, cited)
    assert message in info.value.en
    milestone_id = _event(store, SOURCE)
    with refused(store) as info:
        store.update_milestone(milestone_id, source=cited, actor=ACTOR)
    assert message in info.value.en


def test_a_milestone_source_change_is_one_revision_a_revert_restores_exactly(
    store: FactStore,
) -> None:
    milestone_id = _event(store, [SOURCE, OTHER])
    before = snapshot(store)
    result = store.update_milestone(milestone_id, source=f"{THIRD}, {SOURCE}", actor=ACTOR)
    assert [s.id for s in _shown(store, milestone_id).sources] == [THIRD, SOURCE]
    assert result.summary("en").endswith(f"sources {SOURCE}, {OTHER} → {THIRD}, {SOURCE}")
    assert [c.table for c in result.changes] == [
        "milestones", "milestone_sources", "milestone_sources"
    ]  # fmt: skip
    line = describe_change(store.db, result.changes[-1], "en")
    assert line == f"+ further source of a milestone #{milestone_id} ← {SOURCE}"
    history = store.history(LAB)[0]
    assert history.id == result.revision
    with refused(store) as info:
        store.update_milestone(milestone_id, source=[THIRD, SOURCE], actor=ACTOR)
    assert "nothing" in info.value.en.lower()
    store.revert(result.revision, actor=ACTOR)
    assert snapshot(store) == before
    assert store.check() == []


def test_a_form_opened_before_another_admin_changed_the_sources_is_refused(
    store: FactStore,
) -> None:
    milestone_id = _event(store, [SOURCE, OTHER])
    opened_at = store.revision()
    store.update_milestone(milestone_id, source=[SOURCE, THIRD], actor=ACTOR)  # further only
    with refused(store, StaleEdit):
        store.update_milestone(
            milestone_id, title="다른 제목", actor=ACTOR, expected_revision=opened_at
        )


def test_milestone_sources_export_import_and_the_readable_view(store: FactStore) -> None:
    milestone_id = _event(store, [SOURCE, OTHER])
    exported = store.export()
    dated = next(e for e in exported["entities"] if e["id"] == LAB)["milestones"]
    written = next(m for m in dated if m["title"] == {"ko": "2단계 착수"})
    assert written["sources"] == [SOURCE, OTHER] and "source" not in written
    assert store.import_dataset(exported, actor="import:same.yaml").steps == ()

    written["sources"] = [SOURCE, OTHER, THIRD]
    result = store.import_dataset(exported, actor="import:edit.yaml")
    assert [s.lines for s in result.steps] == [
        (
            f"~ milestone {LAB} #{milestone_id} 2단계 착수: sources: {SOURCE}, {OTHER}"
            f" → {SOURCE}, {OTHER}, {THIRD}",
        )
    ]
    assert [s.id for s in _shown(store, milestone_id).sources] == [SOURCE, OTHER, THIRD]
    rows = store.db.execute(
        "SELECT source_id FROM readable_milestones WHERE milestone_id = ?", [milestone_id]
    ).fetchall()
    assert [r[0] for r in rows] == [SOURCE, OTHER, THIRD]
    assert store.check() == []


def test_check_finds_milestone_citations_out_of_rule(store: FactStore) -> None:
    milestone_id = _event(store, [SOURCE, OTHER, THIRD])
    store.db.execute(
        "UPDATE milestone_sources SET position = position + 10 WHERE milestone_id = ?",
        [milestone_id],
    )
    problems = store.check(deep=False)
    assert f"milestone {milestone_id}: further source positions are not 1..2" in problems
