"""The bundled data set: it loads, every fact is sourced, and it states what the articles say."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml

from store.dataset import DATASET_PATH, dump_yaml, export_dataset, load_dataset, read_dataset
from store.db import connect, write_transaction
from store.fact_store import FactStore
from store.model import FactView
from store.schema import migrate

FOUNDATION = "sovereign-ai-foundation-model"


def _facts(store: FactStore, entity_id: str, attribute: str) -> list[FactView]:
    detail = store.entity(entity_id)
    assert detail is not None, entity_id
    return [f for f in detail.facts if f.attribute == attribute]


def test_the_data_set_loads_and_passes_every_check(bundled_store: FactStore) -> None:
    assert bundled_store.check() == []
    stats = bundled_store.stats()
    assert stats["facts_without_source"] == 0
    assert stats["tables"]["sources"] == 5 + 91  # the seed articles and the 2026-05 fact sheet
    assert stats["dataset_version"] == "3"
    assert set(stats["entities_by_class"]) == {"program", "institution", "person"}


def test_every_fact_milestone_and_entity_cites_a_known_source(bundled_store: FactStore) -> None:
    db = bundled_store.db
    sources = {row[0] for row in db.execute("SELECT id FROM sources")}
    for table in ("facts", "milestones", "entities", "fact_sources", "milestone_sources"):
        cited = {row[0] for row in db.execute(f"SELECT DISTINCT source_id FROM {table}")}
        assert cited <= sources, table
    cited_by_facts = {row[0] for row in db.execute("SELECT source_id FROM facts")} | {
        row[0] for row in db.execute("SELECT source_id FROM fact_sources")
    }
    assert not sources - cited_by_facts, "sources no fact cites"


def test_publication_dates_carry_their_precision(bundled_store: FactStore) -> None:
    rows = {r["file"]: r for r in bundled_store.db.query("SELECT * FROM sources") if r["file"]}
    assert rows["001_f94df608cf01cedf.txt"]["published_edtf"] == "2025-08-13"
    assert rows["004_d65ed718f02f1a92.txt"]["published_edtf"] == "2021-09-07"
    hellot = rows["000_f31c3e0f06e578c8.txt"]
    assert hellot["published_precision"] == "range" and hellot["published_latest"] == "2025-08-13"
    assert all(r["published_note"] for r in rows.values() if r["published_precision"] != "day")


def test_amounts_from_the_articles(bundled_store: FactStore) -> None:
    budget = _facts(bundled_store, FOUNDATION, "budget")
    assert [f.money for f in budget] == [213_600_000_000]
    lab = _facts(bundled_store, "national-ai-research-lab", "budget")
    assert [f.money for f in lab] == [94_600_000_000]
    assert lab[0].qualifiers["end"].label("ko") == "2028년까지"


def test_teams_of_the_foundation_model_project_over_time(bundled_store: FactStore) -> None:
    teams = _facts(bundled_store, FOUNDATION, "team")
    assert {f.linked.id for f in teams if f.linked} == {
        "naver-cloud", "upstage", "sk-telecom", "nc-ai", "lg-ai-research", "motif-technologies",
    }  # fmt: skip

    def on(day: date) -> set[str]:
        return {f.linked.id for f in teams if f.linked and f.holds_on(day)}

    assert on(date(2025, 9, 9)) == {
        "naver-cloud",
        "upstage",
        "sk-telecom",
        "nc-ai",
        "lg-ai-research",
    }
    assert on(date(2026, 1, 15)) == {"upstage", "sk-telecom", "lg-ai-research"}
    assert on(date(2026, 3, 1)) == {"upstage", "sk-telecom", "lg-ai-research", "motif-technologies"}


def test_imprecise_milestones_stay_imprecise(bundled_store: FactStore) -> None:
    milestones = bundled_store.entity(FOUNDATION).milestones
    contest = next(m for m in milestones if "콘테스트" in m.title_ko)
    assert contest.date.precision == "late_month"
    assert contest.date.label("ko") == "2025년 12월 말"
    assert contest.date.possibly_in(date(2025, 12, 20), date(2026, 1, 5))
    assert not contest.date.possibly_in(date(2025, 10, 1), date(2025, 10, 31))


def test_export_round_trips(bundled_store: FactStore, tmp_path: Path) -> None:
    exported = bundled_store.export()
    text = dump_yaml(exported)
    (tmp_path / "export.yaml").write_text(text, encoding="utf-8")
    data, digest = read_dataset(tmp_path / "export.yaml")
    again = connect(tmp_path / "again.db")
    migrate(again)
    with write_transaction(again):
        load_dataset(again, data, digest)
    assert export_dataset(again) == exported


def test_export_matches_the_bundled_file(bundled_store: FactStore) -> None:
    bundled = yaml.safe_load(DATASET_PATH.read_text(encoding="utf-8"))
    exported = bundled_store.export()
    assert [e["id"] for e in exported["entities"]] == [e["id"] for e in bundled["entities"]]
    for ours, theirs in zip(exported["entities"], bundled["entities"], strict=True):
        assert len(ours.get("facts", [])) == len(theirs.get("facts") or []), ours["id"]
        assert len(ours.get("milestones", [])) == len(theirs.get("milestones") or []), ours["id"]
