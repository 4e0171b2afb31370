"""A store of the previous release, with admin edits, upgraded to the bundled data set.

The `store` fixture is such a store (data set version 1, as the first release created
it); the upgrade must apply versions 2 and 3 as revisions by `dataset:2` and `dataset:3`,
keep every admin edit, report and skip a change an admin made first, and leave a store
that checks and exports like any other. A store of version 2 gains the milestones'
further sources of version 3 the same way.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from store.__main__ import main as store_cli
from store.dataset import export_dataset, load_dataset, read_dataset
from store.db import connect, write_transaction
from store.fact_store import FactStore
from store.schema import migrate
from store.upgrade import VERSIONS_DIR
from tests.edit_helpers import ACTOR, LAB, PROJECT, SOURCE, file_digests

DONGA_MOTIF = "https://www.donga.com/news/Economy/article/all/20260220/133389578/1"


def _milestone(store: FactStore, entity: str, title: str) -> dict[str, Any]:
    rows = store.db.query(
        "SELECT * FROM milestones WHERE entity_id = ? AND title_ko LIKE ?", [entity, f"{title}%"]
    )
    (row,) = list(rows)
    return row


def _current(store: FactStore, entity: str, attribute: str) -> list[Any]:
    detail = store.entity(entity)
    assert detail is not None
    return [f for f in detail.facts if f.attribute == attribute]


def _normalised(export: dict[str, Any]) -> dict[str, Any]:
    """An export compared as content: entities by id, facts and aliases as sets."""
    out = json.loads(json.dumps(export))
    out["entities"] = sorted(out["entities"], key=lambda e: e["id"])
    for entity in out["entities"]:
        entity["facts"] = sorted(json.dumps(f, sort_keys=True) for f in entity.get("facts", []))
        entity["aliases"] = sorted(entity.get("aliases", []))
    return out


def _admin_edits(store: FactStore) -> dict[str, Any]:
    """A few edits an admin of release 1 made; two touch what version 2 changes."""
    lab_budget = store.set_fact(
        entity=LAB, attribute="budget", value="1000억원", source=SOURCE, actor=ACTOR
    )
    alias = store.add_alias(entity="ETRI", alias="전자연", actor=ACTOR)
    added = store.add_milestone(
        entity=LAB, title="중간 점검", date="2026년 상반기", source=SOURCE, actor=ACTOR
    )
    evaluation = _milestone(store, PROJECT, "1차 단계평가")
    cancelled = store.set_milestone_status(
        evaluation["id"], "cancelled", actor=ACTOR, reason="관리자 판단"
    )
    budget = store.set_fact(
        entity=PROJECT, attribute="budget", value="2200억원", source=SOURCE, actor=ACTOR
    )
    return {
        "lab_budget": lab_budget, "alias": alias, "milestone": added,
        "cancelled": cancelled, "budget": budget, "evaluation": evaluation["id"],
    }  # fmt: skip


def test_an_edited_release_1_store_upgrades_keeping_every_edit(store: FactStore) -> None:
    edits = _admin_edits(store)
    last_edit = store.revision()

    report = store.upgrade()

    assert (report.from_version, report.to_version, report.dry_run) == ("1", "3", False)
    new = store.revisions_since(last_edit)
    assert new and {r.actor for r in new} == {"dataset:2", "dataset:3"}
    assert [r.id for r in new if r.action != "dataset.upgrade"] == [
        step.revision for step in report.applied
    ]
    assert store.stats()["dataset_version"] == "3"
    # Every admin edit is still there.
    assert [f.money for f in _current(store, LAB, "budget")] == [100_000_000_000]
    assert "전자연" in store.entity("etri").aliases
    assert _milestone(store, LAB, "중간 점검")["id"] == edits["milestone"].row_id
    evaluation = store.milestone(edits["evaluation"])
    assert (evaluation["status"], evaluation["title_ko"]) == (
        "cancelled",
        "1차 단계평가 (5개팀→4개팀, 1팀 탈락)",
    )
    assert [f.money for f in _current(store, PROJECT, "budget")] == [220_000_000_000]
    # The two changes an admin made first are reported and skipped; the evaluation an
    # admin cancelled is skipped again by version 3, which adds its further sources.
    conflicts = [(c.version, c.message("en")) for c in report.conflicts]
    assert len(conflicts) == 3, conflicts
    evaluation_conflicts = [
        v for v, c in conflicts if "milestone sovereign-ai-foundation-model '1차 단계평가" in c
    ]
    assert evaluation_conflicts == [2, 3]
    assert [v for v, c in conflicts if "fact sovereign-ai-foundation-model.budget" in c] == [2]
    assert evaluation["sources"] == ["byline-2025-foundation-kickoff"]
    # Everything else of version 2 arrived.
    teams = {f.linked.id for f in _current(store, PROJECT, "team") if f.linked}
    assert "motif-technologies" in teams
    assert store.resolve("독파모").entity.id == PROJECT
    assert store.resolve("국가 AI 위원회").entity.id == "national-ai-committee"
    assert store.check() == []
    # Upgrading again does nothing.
    assert not store.upgrade().upgraded and store.revisions_since(store.revision()) == []


def test_the_upgraded_store_exports_and_round_trips(store: FactStore, tmp_path: Path) -> None:
    _admin_edits(store)
    store.upgrade()
    exported = store.export()
    assert store.import_dataset(exported, actor="import:export.yaml").steps == ()
    again = connect(tmp_path / "again.db")
    migrate(again)
    with write_transaction(again):
        load_dataset(again, exported, "")
    assert export_dataset(again) == exported


def test_an_upgrade_of_an_unedited_store_equals_a_new_store(
    store: FactStore, bundled_store: FactStore
) -> None:
    """A new store loads version 2 directly; an old one gets it through revisions: the same."""
    report = store.upgrade()
    assert report.conflicts == ()
    assert _normalised(store.export()) == _normalised(bundled_store.export())
    assert store.check() == []


def test_each_change_is_revertible_on_its_own(store: FactStore) -> None:
    report = store.upgrade()
    kickoff = next(
        s for s in report.applied if s.action == "milestone.update" and "착수식" in s.lines[0]
    )
    assert _milestone(store, PROJECT, "착수식")["date_edtf"] == "2025-09-09"
    store.revert(kickoff.revision, actor=ACTOR, reason="날짜 재검토")
    assert _milestone(store, PROJECT, "착수식")["date_edtf"] == "[2025-09-09,2025-10-09,2025-11-09]"
    emblem = next(f for f in _current(store, PROJECT, "support") if "K-AI" in (f.text or ""))
    assert len(emblem.sources) == 3  # confirmed by the later kickoff reports, in place
    added = next(s for s in report.applied if any(": sources " in line for line in s.lines))
    store.revert(added.revision, actor=ACTOR)
    again = next(f for f in _current(store, PROJECT, "support") if "K-AI" in (f.text or ""))
    assert (again.id, [s.id for s in again.sources]) == (emblem.id, [SOURCE])
    assert store.check() == []


def test_a_dry_run_reports_the_same_and_writes_nothing(store: FactStore) -> None:
    before = file_digests(store.path)
    dry = store.upgrade(dry_run=True)
    assert file_digests(store.path) == before
    assert dry.dry_run and dry.upgraded and all(s.revision is None for s in dry.applied)
    assert store.stats()["dataset_version"] == "1"
    real = store.upgrade()
    assert [(s.action, s.lines) for s in dry.applied] == [(s.action, s.lines) for s in real.applied]
    assert "would apply" in dry.summary("en") and "적용 예정" in dry.summary("ko")


def test_an_entity_an_admin_already_added_is_not_added_twice(store: FactStore) -> None:
    store.add_entity(
        kind="company", name_ko="모티프테크놀로지스", source=SOURCE, actor=ACTOR, entity_id="motif"
    )
    report = store.upgrade()
    messages = [c.message("en") for c in report.conflicts]
    assert any("entity motif-technologies" in m and "motif" in m for m in messages)
    assert any("needs entities motif-technologies" in m for m in messages)  # what relied on it
    assert store.entity_ref("motif-technologies") is None
    assert store.resolve("모티프테크놀로지스").entity.id == "motif"
    assert store.check() == []


def test_an_article_an_admin_registered_is_cited_under_their_id(store: FactStore) -> None:
    store.add_source(
        title="모티프 선정", publisher="동아일보", published="2026년 2월 20일", url=DONGA_MOTIF,
        actor=ACTOR, source_id="donga-motif",
    )  # fmt: skip
    report = store.upgrade()
    assert any("donga-motif" in c.message("en") for c in report.conflicts)
    team = next(f for f in _current(store, PROJECT, "team") if f.linked.id == "motif-technologies")
    assert "donga-motif" in [s.id for s in team.sources]
    assert (
        store.db.execute("SELECT 1 FROM sources WHERE id = 'donga-2026-02-20-motif'").fetchone()
        is None
    )
    assert store.check() == []


def test_the_command_line_shows_then_applies(
    store: FactStore, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(store.path)
    store.close()
    assert store_cli(["--db", path, "upgrade", "--dry-run", "--locale", "en"]) == 0
    shown = capsys.readouterr().out.splitlines()
    assert shown[0].startswith("Data set 1 → 3: would apply") and "(dry run" in shown[0]
    assert any(line.startswith("+ entity motif-technologies") for line in shown)
    assert store_cli(["--db", path, "upgrade"]) == 0
    applied = capsys.readouterr().out.splitlines()
    assert applied[0].startswith("데이터 세트 1 → 3: 변경")
    assert any(line.startswith("r") and "+ entity motif-technologies" in line for line in applied)
    assert store_cli(["--db", path, "upgrade"]) == 0
    assert "최신" in capsys.readouterr().out


def test_a_store_of_another_data_set_is_left_alone(tmp_path: Path) -> None:
    data, digest = read_dataset()
    data = {**data, "version": "custom"}
    path = tmp_path / "custom.db"
    db = connect(path)
    migrate(db)
    with write_transaction(db):
        load_dataset(db, data, digest)
    db.conn.close()
    opened = FactStore.open(path)
    try:
        report = opened.upgrade()
        assert not report.upgraded and not report.bundled and report.applied == ()
        assert "not a bundled version" in report.summary("en")
    finally:
        opened.close()


def test_an_entity_an_admin_edited_keeps_their_summary_and_gains_the_new_names(
    store: FactStore,
) -> None:
    exported = store.export()
    project = next(e for e in exported["entities"] if e["id"] == PROJECT)
    project["summary"]["ko"] = "관리자가 고친 요약"
    store.import_dataset(exported, actor="import:edit.yaml")
    report = store.upgrade()
    assert any(
        c.message("en").startswith(f"entity {PROJECT}: changed in this store")
        for c in report.conflicts
    )
    assert store.entity(PROJECT).summary_ko == "관리자가 고친 요약"
    assert store.resolve("독파모").entity.id == PROJECT  # the names still arrive
    assert store.check() == []


@pytest.fixture
def release_2_store(tmp_path: Path) -> Iterator[FactStore]:
    """A store as release 2 created it: data set version 2, every milestone one source."""
    opened = FactStore.open(tmp_path / "release-2.db", dataset=VERSIONS_DIR / "2.yaml")
    yield opened
    opened.close()


def _milestone_sources(store: FactStore, entity: str, title: str) -> list[str]:
    return store.milestone(_milestone(store, entity, title)["id"])["sources"]


def test_a_release_2_store_gains_every_source_of_each_milestone(
    release_2_store: FactStore,
) -> None:
    store = release_2_store
    assert _milestone_sources(store, PROJECT, "2차 단계평가") == [
        "asiae-2026-01-23-additional-call"
    ]
    showcase = _milestone(store, PROJECT, "1차 발표회")
    store.update_milestone(
        showcase["id"], source=f"bizchosun-2025-12-30-presentation, {SOURCE}", actor=ACTOR
    )

    report = store.upgrade()

    assert (report.from_version, report.to_version) == ("2", "3")
    evaluation = _milestone_sources(store, PROJECT, "2차 단계평가")
    assert evaluation == [
        "asiae-2026-01-23-additional-call",
        "zdnet-2026-02-20-motif-schedule",
        "hankyungbiz-2026-02-20-motif",
    ]
    line = next(line for s in report.applied for line in s.lines if "2차 단계평가" in line)
    assert line.endswith(
        "sources: asiae-2026-01-23-additional-call → asiae-2026-01-23-additional-call,"
        " zdnet-2026-02-20-motif-schedule, hankyungbiz-2026-02-20-motif"
    )
    # The admin's own sources for the showcase win, and the skipped change is reported.
    assert _milestone_sources(store, PROJECT, "1차 발표회") == [
        "bizchosun-2025-12-30-presentation",
        SOURCE,
    ]
    assert [c.message("en") for c in report.conflicts] == [
        f"milestone {PROJECT} '1차 발표회 (코엑스)': changed in this store since version 2;"
        " version 3's change was not applied."
    ]
    # The card shows them all, and each step is revertible on its own.
    card = store.entity(PROJECT)
    assert card is not None
    shown = next(m for m in card.milestones if m.title_ko.startswith("2차 단계평가"))
    assert [s.id for s in shown.sources] == evaluation
    step = next(s for s in report.applied if "2차 단계평가" in s.lines[0])
    store.revert(step.revision, actor=ACTOR)
    assert _milestone_sources(store, PROJECT, "2차 단계평가") == [
        "asiae-2026-01-23-additional-call"
    ]
    assert store.check() == []


def test_an_upgraded_release_2_store_equals_a_new_store(
    release_2_store: FactStore, bundled_store: FactStore
) -> None:
    report = release_2_store.upgrade()
    assert report.conflicts == ()
    actions = Counter(s.action for s in report.applied)
    assert actions == {"milestone.update": 16, "source.update": 67}
    untitled = next(s for s in report.applied if s.action == "source.update")
    assert untitled.lines[0].endswith("title_en: None → '(title not confirmed)'")
    assert _normalised(release_2_store.export()) == _normalised(bundled_store.export())
