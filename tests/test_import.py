"""`python -m store import`: an edited export applied as revisions, and nothing else."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from store.dataset import dump_yaml
from store.errors import InvalidInput
from store.fact_store import FactStore
from tests.edit_helpers import ACTOR, PROJECT, SOURCE, file_digests, refused, snapshot

ROOT = Path(__file__).resolve().parent.parent


def _entity(data: dict[str, Any], entity_id: str) -> dict[str, Any]:
    return next(e for e in data["entities"] if e["id"] == entity_id)


def _import(store: FactStore, data: dict[str, Any], **options: Any) -> Any:
    return store.import_dataset(data, actor="import:edited.yaml", **options)


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "store", "--db", str(db), *args],
        capture_output=True, text=True, timeout=60, check=False, cwd=ROOT,
    )  # fmt: skip


def _edited(store: FactStore) -> dict[str, Any]:
    """An export with one change of every kind an import applies."""
    data = store.export()
    project = _entity(data, PROJECT)
    budget = next(f for f in project["facts"] if f["attr"] == "budget")
    budget["money"] = "2300억원"
    project["facts"].append({"attr": "gpu_count", "number": 1000, "unit": "장", "source": SOURCE})
    project["milestones"][0]["status"] = "cancelled"
    project["milestones"][1]["title"]["ko"] = "이름을 바꾼 일정"
    next(f for f in project["facts"] if f["attr"] == "team")["rank"] = "preferred"
    project["milestones"].append(
        {"title": {"ko": "최종 평가"}, "date": {"text": "2027년", "edtf": "2027", "precision": "year"},
         "source": SOURCE}
    )  # fmt: skip
    kaist = _entity(data, "kaist")
    kaist["facts"] = kaist["facts"][1:]
    etri = _entity(data, "etri")
    etri["aliases"] = [*etri.get("aliases", []), "전자연"]
    etri["summary"]["en"] = "A government-funded research institute (edited)."
    data["sources"].append(
        {"id": "new-article", "publisher": "매체", "title": "새 기사",
         "published": {"text": "2025년 12월", "edtf": "2025-12", "precision": "month"}}
    )  # fmt: skip
    data["attributes"].append({"id": "award", "ko": "수상", "en": "Award", "type": "text"})
    data["entities"].append(
        {"id": "rebellions", "class": "institution", "kind": "company", "ko": "리벨리온",
         "en": "Rebellions", "source": "new-article",
         "facts": [{"attr": "award", "text": "혁신상", "source": "new-article"}]}
    )  # fmt: skip
    return data


def test_an_unedited_export_imports_as_no_change(store: FactStore) -> None:
    store.set_fact(entity=PROJECT, attribute="budget", value="2200억원", source=SOURCE, actor=ACTOR)
    store.add_alias(entity="ETRI", alias="전자연", actor=ACTOR)
    before = file_digests(store.path)
    result = _import(store, store.export())
    assert result.steps == () and result.revisions == ()
    assert file_digests(store.path) == before


def test_an_edited_export_becomes_one_revision_per_change(store: FactStore) -> None:
    first_new = store.revision() + 1
    data = _edited(store)
    result = _import(store, data, reason="분기 점검")
    diff = "\n".join(result.diff())
    for expected in (
        "+ source new-article",
        "+ attribute award",
        "~ entity etri: summary_en",
        "+ alias etri: 전자연",
        "+ entity rebellions (리벨리온)",
        "+ fact sovereign-ai-foundation-model.budget: 2,300억 원",
        "- fact sovereign-ai-foundation-model.budget: 2,136억 원 (deprecated)",
        "+ fact sovereign-ai-foundation-model.gpu_count: 1,000장",
        "+ milestone sovereign-ai-foundation-model: 최종 평가 (2027년)",
        "- fact kaist.person:",
        "+ fact rebellions.award: 혁신상",
    ):
        assert expected in diff
    assert "status: 'planned' → 'cancelled'" in diff or "status: 'done' → 'cancelled'" in diff
    assert "title_ko: " in diff and "→ '이름을 바꾼 일정'" in diff
    assert "~ fact sovereign-ai-foundation-model.team: " in diff
    assert ": rank normal → preferred" in diff
    revisions = store.revisions_since(first_new - 1)
    assert [r.id for r in revisions] == list(result.revisions)
    assert revisions[0].id == first_new
    assert {(r.actor, r.reason) for r in revisions} == {("import:edited.yaml", "분기 점검")}
    (budget,) = [
        f for f in store.entity(PROJECT).facts if f.attribute == "budget"
    ]  # the old one is deprecated, not deleted
    assert budget.money == 230_000_000_000
    assert store.resolve("전자연").entity.id == "etri"
    assert store.resolve("리벨리온").entity.id == "rebellions"
    assert store.check() == []
    assert _import(store, store.export()).steps == ()
    assert _import(store, data).steps == (), "applying the same file again changes nothing"


def test_a_dry_run_writes_nothing(store: FactStore) -> None:
    data = _edited(store)
    before = file_digests(store.path)
    result = _import(store, data, dry_run=True)
    assert result.steps and result.revisions == ()
    assert file_digests(store.path) == before


def test_an_import_is_reverted_step_by_step(store: FactStore) -> None:
    before = snapshot(store)
    result = _import(store, _edited(store))
    for done in reversed(result.revisions):
        store.revert(done, actor=ACTOR)
    assert snapshot(store) == before


def _add_unused_source_and_entity(store: FactStore) -> None:
    """Rows nothing else refers to, so that a file dropping them still loads."""
    store.add_source(
        title="기사", publisher="매체", published="2025-11-01", source_id="unused", actor=ACTOR
    )
    store.add_entity(
        kind="company", name_ko="리벨리온", source=SOURCE, entity_id="unused", actor=ACTOR
    )


def _drop_entity(data: dict[str, Any]) -> None:
    data["entities"] = [e for e in data["entities"] if e["id"] != "unused"]


def _drop_milestone(data: dict[str, Any]) -> None:
    _entity(data, PROJECT)["milestones"].pop()


def _drop_alias(data: dict[str, Any]) -> None:
    _entity(data, PROJECT)["aliases"].pop()


def _drop_source(data: dict[str, Any]) -> None:
    data["sources"] = [s for s in data["sources"] if s["id"] != "unused"]


def _unknown_source(data: dict[str, Any]) -> None:
    _entity(data, PROJECT)["facts"][0]["source"] = "no-such-source"


def _bad_money(data: dict[str, Any]) -> None:
    next(f for f in _entity(data, PROJECT)["facts"] if f["attr"] == "budget")["money"] = "많이"


@pytest.mark.parametrize(
    ("edit", "en_part"),
    [
        (_drop_entity, "cannot remove any entity; put these back in the file: unused"),
        (_drop_milestone, "cannot remove any milestone"),
        (_drop_alias, "cannot remove any alias"),
        (_drop_source, "cannot remove any source"),
        (_unknown_source, "facts[0].source: unknown source 'no-such-source'"),
        (_bad_money, "Not an amount of money"),
    ],
)
def test_an_import_that_would_delete_or_does_not_load_is_refused(
    store: FactStore, edit: Any, en_part: str
) -> None:
    _add_unused_source_and_entity(store)
    data = store.export()
    edit(data)
    with refused(store, InvalidInput) as info:
        _import(store, data)
    assert en_part in info.value.en


def test_the_cli_round_trips_and_applies_an_edit(store: FactStore, tmp_path: Path) -> None:
    exported = tmp_path / "export.yaml"
    assert _cli(store.path, "export", "--output", str(exported)).returncode == 0
    unchanged = _cli(store.path, "import", str(exported))
    assert unchanged.returncode == 0, unchanged.stderr
    assert unchanged.stdout.strip().endswith("no changes")

    data = yaml.safe_load(exported.read_text(encoding="utf-8"))
    next(f for f in _entity(data, PROJECT)["facts"] if f["attr"] == "budget")["money"] = "2300억원"
    edited = tmp_path / "edited.yaml"
    edited.write_text(dump_yaml(data), encoding="utf-8")
    before = snapshot(store)
    dry = _cli(store.path, "import", str(edited), "--dry-run")
    assert (
        dry.returncode == 0
        and "+ fact sovereign-ai-foundation-model.budget: 2,300억 원" in dry.stdout
    )
    assert "dry run, nothing written" in dry.stdout
    assert snapshot(store) == before

    applied = _cli(store.path, "import", str(edited), "--reason", "예산 정정")
    assert applied.returncode == 0, applied.stderr
    assert "1 changes applied as revisions 2–2" in applied.stdout
    (revision,) = store.revisions_since(1)
    assert (revision.actor, revision.reason) == ("import:edited.yaml", "예산 정정")

    _drop_milestone(data)
    edited.write_text(dump_yaml(data), encoding="utf-8")
    refused_run = _cli(store.path, "import", str(edited))
    assert refused_run.returncode == 1 and "cannot remove any milestone" in refused_run.stderr
