"""The bundled data set: it loads, every fact is sourced, and it states what the articles say."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml

from store.dataset import DATASET_PATH, dump_yaml, load_dataset, read_dataset
from store.db import connect, write_transaction
from store.fact_store import FactStore
from store.schema import migrate


def _facts(store: FactStore, entity_id: str, attribute: str) -> list:
    detail = store.entity(entity_id)
    assert detail is not None, entity_id
    return [f for f in detail.facts if f.attribute == attribute]


def test_the_data_set_loads_and_passes_every_check(store: FactStore) -> None:
    assert store.check() == []
    stats = store.stats()
    assert stats["facts_without_source"] == 0
    assert stats["tables"]["sources"] == 5
    assert set(stats["entities_by_class"]) == {"program", "institution", "person"}


def test_every_fact_milestone_and_entity_cites_a_known_source(store: FactStore) -> None:
    sources = {row[0] for row in store.db.execute("SELECT id FROM sources")}
    for table in ("facts", "milestones", "entities"):
        cited = {row[0] for row in store.db.execute(f"SELECT DISTINCT source_id FROM {table}")}
        assert cited <= sources, table
    unused = sources - {row[0] for row in store.db.execute("SELECT DISTINCT source_id FROM facts")}
    assert not unused, f"sources no fact cites: {unused}"


def test_publication_dates_carry_their_precision(store: FactStore) -> None:
    rows = {r["file"]: r for r in store.db.query("SELECT * FROM sources")}
    assert rows["001_f94df608cf01cedf.txt"]["published_edtf"] == "2025-08-13"
    assert rows["004_d65ed718f02f1a92.txt"]["published_edtf"] == "2021-09-07"
    hellot = rows["000_f31c3e0f06e578c8.txt"]
    assert hellot["published_precision"] == "range" and hellot["published_latest"] == "2025-08-13"
    assert all(r["published_note"] for r in rows.values() if r["published_precision"] != "day")


def test_amounts_from_the_articles(store: FactStore) -> None:
    budget = _facts(store, "sovereign-ai-foundation-model", "budget")
    assert [f.money for f in budget] == [213_600_000_000]
    lab = _facts(store, "national-ai-research-lab", "budget")
    assert [f.money for f in lab] == [94_600_000_000]
    assert lab[0].qualifiers["end"].label("ko") == "2028년까지"


def test_teams_of_the_foundation_model_project(store: FactStore) -> None:
    teams = {f.linked.id for f in _facts(store, "sovereign-ai-foundation-model", "team")}
    assert teams == {"naver-cloud", "upstage", "sk-telecom", "nc-ai", "lg-ai-research"}


def test_imprecise_milestones_stay_imprecise(store: FactStore) -> None:
    milestones = store.entity("sovereign-ai-foundation-model").milestones
    contest = next(m for m in milestones if "콘테스트" in m.title_ko)
    assert contest.date.precision == "late_month"
    assert contest.date.label("ko") == "2025년 12월 말"
    assert contest.date.possibly_in(date(2025, 12, 20), date(2026, 1, 5))
    assert not contest.date.possibly_in(date(2025, 10, 1), date(2025, 10, 31))


def test_export_round_trips(store: FactStore, tmp_path: Path) -> None:
    exported = store.export()
    text = dump_yaml(exported)
    (tmp_path / "export.yaml").write_text(text, encoding="utf-8")
    data, digest = read_dataset(tmp_path / "export.yaml")
    again = connect(tmp_path / "again.db")
    migrate(again)
    with write_transaction(again):
        load_dataset(again, data, digest)
    from store.dataset import export_dataset

    assert export_dataset(again) == exported


def test_export_matches_the_bundled_file(store: FactStore) -> None:
    bundled = yaml.safe_load(DATASET_PATH.read_text(encoding="utf-8"))
    exported = store.export()
    assert [e["id"] for e in exported["entities"]] == [e["id"] for e in bundled["entities"]]
    for ours, theirs in zip(exported["entities"], bundled["entities"], strict=True):
        assert len(ours.get("facts", [])) == len(theirs.get("facts") or []), ours["id"]
        assert len(ours.get("milestones", [])) == len(theirs.get("milestones") or []), ours["id"]
