"""Several sources per fact: stated, read, exported, imported, recorded and reverted exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.dataset import DatasetError, dump_yaml, export_dataset, load_dataset, read_dataset
from store.db import connect, write_transaction
from store.fact_store import FactStore
from store.history import describe_change
from store.model import FactView
from store.schema import migrate
from tests.edit_helpers import ACTOR, PROJECT, SOURCE, refused, snapshot

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
