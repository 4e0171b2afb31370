"""Admin edits on a real store: facts, milestones, entities, aliases and sources.

Every refusal is checked to leave the database and its WAL byte-for-byte unchanged.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from store.conflicts import StaleEdit
from store.fact_edits import AmbiguousStatement
from store.fact_store import FactStore
from store.hangul import choseong, name_key
from store.references import UnknownEntity
from tests.edit_helpers import ACTOR, LAB, PROJECT, SOURCE, refused

TODAY = date(2025, 11, 1)


def _current(store: FactStore, entity_id: str, attribute: str) -> list[dict[str, Any]]:
    return list(
        store.db.query(
            "SELECT * FROM facts WHERE entity_id = ? AND attribute = ? AND rank != 'deprecated'"
            " ORDER BY id",
            [entity_id, attribute],
        )
    )


def _set(store: FactStore, **overrides: Any) -> Any:
    kwargs: dict[str, Any] = {
        "entity": "독자 AI 파운데이션 모델",
        "attribute": "budget",
        "value": "2200억원",
        "source": SOURCE,
        "actor": ACTOR,
        "today": TODAY,
    }
    return store.set_fact(**{**kwargs, **overrides})


# --- /fact set -----------------------------------------------------------------------------


def test_set_fact_supersedes_the_single_current_statement(store: FactStore) -> None:
    (old,) = _current(store, PROJECT, "budget")
    result = _set(store, reason="정부안 확정")
    (new,) = _current(store, PROJECT, "budget")
    assert new["id"] == result.row_id and new["value_money"] == 220_000_000_000
    assert new["created_rev"] == result.revision == store.revision()
    kept = next(store.db.query("SELECT * FROM facts WHERE id = ?", [old["id"]]))
    assert kept == {**old, "rank": "deprecated"}, "superseded, never deleted"
    (revision,) = store.revisions_since(result.revision - 1)
    assert (revision.actor, revision.action, revision.reason) == (ACTOR, "fact.set", "정부안 확정")
    assert [(c.table, c.before, c.after) for c in revision.changes] == [
        ("facts", old, kept),
        ("facts", None, new),
    ]
    assert "2,136억 원 (#" in result.summary("ko") and "2,200억 원" in result.summary("ko")
    assert "₩220 billion" in result.summary("en")
    assert store.search("2,200억").hits[0].entity.id == PROJECT
    assert store.check() == []


def test_set_fact_adds_when_nothing_is_stated(store: FactStore) -> None:
    result = _set(store, entity="ETRI", value="1조 807억 원")
    (fact,) = _current(store, "etri", "budget")
    assert fact["value_money"] == 1_080_700_000_000 and fact["id"] == result.row_id
    assert result.summary("en").endswith("added ₩1.0807 trillion")


def test_several_statements_need_replaces_or_add(store: FactStore) -> None:
    teams = _current(store, PROJECT, "team")
    assert len(teams) == 5
    with refused(store, AmbiguousStatement) as info:
        _set(store, attribute="team", value="KT")
    assert info.value.fact_ids == [t["id"] for t in teams]
    assert "replaces" in info.value.en

    _set(store, attribute="team", value="KT", add=True)
    assert {f["value_entity"] for f in _current(store, PROJECT, "team")} >= {"kt", "naver-cloud"}

    _set(store, attribute="team", value="KAIST", replaces=teams[0]["id"])
    current = {f["value_entity"] for f in _current(store, PROJECT, "team")}
    assert "kaist" in current and teams[0]["value_entity"] not in current
    assert len(current) == 6


@pytest.mark.parametrize(
    ("attribute", "value", "expected"),
    [
        ("budget", "3천억원", {"value_money": 300_000_000_000}),
        ("team_count", "7개팀", {"value_number": 7.0, "unit": "개팀"}),
        ("attendance", "3,000", {"value_number": 3000.0, "unit": None}),
        ("goal", "  국산 AI  모델 확보 ", {"value_text": "국산 AI 모델 확보"}),
        ("lead", "과기정통부", {"value_entity": "msit"}),
    ],
)
def test_values_are_parsed_by_the_attribute_type(
    store: FactStore, attribute: str, value: str, expected: dict[str, Any]
) -> None:
    result = _set(store, attribute=attribute, value=value, add=True)
    row = next(store.db.query("SELECT * FROM facts WHERE id = ?", [result.row_id]))
    assert {k: row[k] for k in expected} == expected


def test_a_unit_of_several_words_is_read_with_the_number(store: FactStore) -> None:
    """`23개 기관` is how the bundled data and the cards write it, so it must read back."""
    store.set_fact(
        entity="ETRI", attribute="member_count", value="23개 기관", source=SOURCE, actor=ACTOR
    )
    [fact] = store.db.query(
        "SELECT value_number, unit FROM facts WHERE entity_id = 'etri' AND attribute = 'member_count'"
        " AND rank != 'deprecated'"
    )
    assert fact == {"value_number": 23, "unit": "개 기관"}


def test_a_number_unit_can_be_given_apart(store: FactStore) -> None:
    result = _set(store, attribute="gpu_count", value="1,000", unit="장")
    row = next(store.db.query("SELECT * FROM facts WHERE id = ?", [result.row_id]))
    assert (row["value_number"], row["unit"]) == (1000.0, "장")


@pytest.mark.parametrize(
    ("value", "value_type", "column", "stored"),
    [
        ("2026년 상반기", None, "value_date_edtf", "2026-40"),
        ("1,000장", None, "value_number", 1000.0),
        ("50억원", None, "value_money", 5_000_000_000),
        ("모두를 위한 AI", None, "value_text", "모두를 위한 AI"),
        ("ETRI", "entity", "value_entity", "etri"),
    ],
)
def test_a_new_attribute_is_created_with_its_type(
    store: FactStore, value: str, value_type: str | None, column: str, stored: Any
) -> None:
    result = _set(
        store, attribute="new_thing", value=value, value_type=value_type, label_ko="새 속성",
        label_en="New thing",
    )  # fmt: skip
    attribute = next(a for a in store.attributes() if a.id == "new_thing")
    assert (attribute.label_ko, attribute.label_en) == ("새 속성", "New thing")
    assert result.changes[0].table == "attributes"
    row = next(store.db.query("SELECT * FROM facts WHERE id = ?", [result.row_id]))
    assert row[column] == stored
    assert store.check() == []


def test_attributes_for_autocomplete(store: FactStore) -> None:
    attributes = {a.id: a for a in store.attributes()}
    assert attributes["budget"].value_type == "money"
    assert attributes["team"].label("en") == "Elite team"


@pytest.mark.parametrize(
    ("overrides", "ko_part", "en_part"),
    [
        ({"attribute": "budgt"}, "혹시", "Did you mean: budget"),
        ({"attribute": "budgt", "label_ko": "예산"}, "이미", "already names the attribute budget"),
        ({"attribute": "새속성", "label_ko": "새 속성"}, "밑줄", "lower-case letters"),
        ({"value": "많이"}, "금액", "Budget takes an amount of money"),
        ({"attribute": "team_count", "value": "seven"}, "예: 5개팀", "For example: 5개팀"),
        ({"value": "2200억원", "unit": "원"}, "단위", "Only numbers take a unit"),
        ({"attribute": "goal", "value": "가" * 1001}, "최대 1000자", "at most 1000"),
        ({"reason": "이유" * 251}, "최대 500자", "at most 500"),
        ({"source": ""}, "출처가 필요", "A source is required"),
        ({"source": "no-such-source"}, "/source add", "/source add"),
        ({"actor": "nobody"}, "작성자", "kind:who"),
        ({"value_type": "text"}, "값 종류", "takes money values"),
        ({"value": "2,136억 원"}, "이미 있습니다", "already there"),
        ({"replaces": 1, "add": True}, "하나만", "not both"),
        ({"replaces": 9999}, "#9999", "#9999 is not a current"),
    ],
)
def test_bad_fact_edits_are_refused_without_writing(
    store: FactStore, overrides: dict[str, Any], ko_part: str, en_part: str
) -> None:
    with refused(store) as info:
        _set(store, **overrides)
    assert ko_part in info.value.ko
    assert en_part in info.value.en


def test_an_unknown_entity_offers_what_was_meant(store: FactStore) -> None:
    with refused(store, UnknownEntity) as info:
        _set(store, entity="한국전자통신연구워")
    assert "한국전자통신연구원" in info.value.names
    assert "Did you mean" in info.value.en and "혹시" in info.value.ko
    with refused(store, UnknownEntity):
        _set(store, attribute="lead", value="없는 기관 이름", add=True)


# --- /fact retire ------------------------------------------------------------------------


def test_retire_deprecates_the_current_statements(store: FactStore) -> None:
    result = store.retire_fact(entity=PROJECT, attribute="goal", reason="목표 재정의", actor=ACTOR)
    assert _current(store, PROJECT, "goal") == []
    assert {c.after["rank"] for c in result.changes if c.after} == {"deprecated"}
    assert len(result.changes) == 2
    assert store.check() == []


def test_retire_one_statement_by_id(store: FactStore) -> None:
    first, second = _current(store, PROJECT, "goal")
    store.retire_fact(
        entity=PROJECT, attribute="goal", reason="중복", actor=ACTOR, fact_id=first["id"]
    )
    assert [f["id"] for f in _current(store, PROJECT, "goal")] == [second["id"]]


@pytest.mark.parametrize(
    ("overrides", "en_part"),
    [
        ({"reason": " "}, "reason is required"),
        ({"attribute": "gpu_count"}, "no current"),
        ({"fact_id": 9999}, "no current"),
        ({"attribute": "nope"}, "No attribute"),
    ],
)
def test_bad_retirements_are_refused(
    store: FactStore, overrides: dict[str, Any], en_part: str
) -> None:
    kwargs = {"entity": PROJECT, "attribute": "goal", "reason": "이유", "actor": ACTOR}
    with refused(store) as info:
        store.retire_fact(**{**kwargs, **overrides})
    assert en_part in info.value.en


# --- Optimistic concurrency ----------------------------------------------------------------


def test_an_edit_based_on_a_stale_view_is_refused(store: FactStore) -> None:
    opened_at = store.revision()
    _set(store, value="2300억원")  # another admin, after the form was opened
    with refused(store, StaleEdit) as info:
        _set(store, value="2400억원", expected_revision=opened_at)
    assert info.value.revisions == [opened_at + 1]
    assert "reload" in info.value.en
    with refused(store, StaleEdit):
        store.retire_fact(
            entity=PROJECT, attribute="budget", reason="x", actor=ACTOR,
            expected_revision=opened_at,
        )  # fmt: skip
    _set(store, value="2400억원", expected_revision=store.revision())


def test_changes_elsewhere_do_not_make_an_edit_stale(store: FactStore) -> None:
    opened_at = store.revision()
    _set(store, entity="ETRI", value="100억원")
    _set(store, attribute="goal", value="새 목표", add=True)
    _set(store, value="2400억원", expected_revision=opened_at)


def test_a_stale_milestone_form_is_refused(store: FactStore) -> None:
    added = _milestone(store)
    opened_at = store.revision()
    store.update_milestone(added.row_id, title="제목 1", actor=ACTOR)
    with refused(store, StaleEdit):
        store.update_milestone(
            added.row_id, title="제목 2", actor=ACTOR, expected_revision=opened_at
        )


# --- Milestones ----------------------------------------------------------------------------


def _milestone(store: FactStore, **overrides: Any) -> Any:
    kwargs: dict[str, Any] = {
        "entity": "국가 AI 연구거점",
        "title": "2단계 착수",
        "date": "2026년 상반기",
        "source": SOURCE,
        "actor": ACTOR,
        "today": TODAY,
    }
    return store.add_milestone(**{**kwargs, **overrides})


@pytest.mark.parametrize(
    ("text", "edtf", "precision"),
    [
        ("2026년 상반기", "2026-40", "half"),
        ("12월 말", "2025-12-21/2025-12-31", "late_month"),
        ("2026-03-15", "2026-03-15", "day"),
        ("2028년까지", "../2028", "by"),
        ("2026-33", "2026-33", "quarter"),
    ],
)
def test_add_milestone_keeps_the_precision_given(
    store: FactStore, text: str, edtf: str, precision: str
) -> None:
    result = _milestone(store, date=text)
    row = next(store.db.query("SELECT * FROM milestones WHERE id = ?", [result.row_id]))
    assert (row["date_text"], row["date_edtf"], row["precision"]) == (text, edtf, precision)
    assert (row["entity_id"], row["status"], row["created_rev"]) == (
        LAB,
        "planned",
        result.revision,
    )
    assert store.check() == []


def test_update_done_and_cancel_a_milestone(store: FactStore) -> None:
    added = _milestone(store)
    updated = store.update_milestone(
        added.row_id, title="2단계 사업 착수", title_en="Phase 2 start", date="2026년 3분기",
        source="zdnet-2025-08-13-sovereign-ai-panel", actor=ACTOR, today=TODAY,
    )  # fmt: skip
    row = next(store.db.query("SELECT * FROM milestones WHERE id = ?", [added.row_id]))
    assert (row["title_ko"], row["title_en"], row["date_edtf"], row["source_id"]) == (
        "2단계 사업 착수", "Phase 2 start", "2026-35", "zdnet-2025-08-13-sovereign-ai-panel",
    )  # fmt: skip
    assert "2026년 상반기 → 2026년 3분기" in updated.summary("ko")
    store.set_milestone_status(added.row_id, "done", actor=ACTOR)
    cancelled = store.set_milestone_status(added.row_id, "cancelled", actor=ACTOR, reason="연기")
    assert "완료 → 취소" in cancelled.summary("ko")
    assert cancelled.action == "milestone.cancelled"
    store.update_milestone(added.row_id, title_en="", actor=ACTOR)
    assert store.db.execute(
        "SELECT title_en FROM milestones WHERE id = ?", [added.row_id]
    ).fetchone() == (None,)
    assert store.check() == []


@pytest.mark.parametrize(
    ("overrides", "en_part"),
    [
        ({"date": "언젠가"}, "e.g. 2026-03-15"),
        ({"date": "2026-13"}, "Months run from 1 to 12"),
        ({"title": "가" * 201}, "at most 200"),
        ({"title": ""}, "title is required"),
        ({"entity": "없는 프로그램"}, "Nothing is called"),
        ({"source": "nope"}, "Unknown source"),
        ({"status": "maybe"}, "Unknown status"),
        ({"title": "서비스 개시", "date": "2026년 4월"}, "already there"),
    ],
)
def test_bad_milestones_are_refused(
    store: FactStore, overrides: dict[str, Any], en_part: str
) -> None:
    _milestone(store, title="서비스 개시", date="2026년 4월")
    with refused(store) as info:
        _milestone(store, **overrides)
    assert en_part in info.value.en


def test_milestone_changes_that_change_nothing_are_refused(store: FactStore) -> None:
    added = _milestone(store)
    with refused(store) as info:
        store.update_milestone(added.row_id, title="2단계 착수", actor=ACTOR)
    assert "Nothing would change" in info.value.en
    with refused(store):
        store.set_milestone_status(added.row_id, "planned", actor=ACTOR)
    with refused(store) as info:
        store.update_milestone(99999, title="x", actor=ACTOR)
    assert "no milestone 99999" in info.value.en


# --- Entities and aliases ------------------------------------------------------------------


def _entity(store: FactStore, **overrides: Any) -> Any:
    kwargs: dict[str, Any] = {
        "kind": "company",
        "name_ko": "퓨리오사에이아이",
        "name_en": "FuriosaAI",
        "aliases": "퓨리오사, 퓨리오사AI",
        "summary_ko": "AI 반도체 기업.",
        "source": SOURCE,
        "actor": ACTOR,
    }
    return store.add_entity(**{**kwargs, **overrides})


def test_add_entity_is_found_by_every_name(store: FactStore) -> None:
    result = _entity(store)
    assert result.row_id == "furiosaai"
    for name in ("퓨리오사에이아이", "FuriosaAI", "퓨리오사", "ㅍㄹㅇㅅㅇㅇㅇㅇ"):
        resolution = store.resolve(name)
        assert resolution.entity is not None and resolution.entity.id == "furiosaai", name
    assert store.entity("furiosaai").ref.entity_class == "institution"
    assert store.search("AI 반도체").hits[0].entity.id == "furiosaai"
    for alias in store.db.query("SELECT * FROM aliases WHERE entity_id = 'furiosaai'"):
        assert (alias["key"], alias["choseong"]) == (
            name_key(alias["alias"]),
            choseong(alias["alias"]),
        )
    assert [c.table for c in result.changes] == ["entities", *["aliases"] * 4]
    assert store.check() == []


def test_add_entity_ids(store: FactStore) -> None:
    assert (
        _entity(store, name_en=None, aliases=(), kind="person", name_ko="홍길동").row_id == "person"
    )
    chosen = _entity(store, entity_id="furiosa", name_ko="퓨리오사2", name_en=None, aliases=())
    assert chosen.row_id == "furiosa"


@pytest.mark.parametrize(
    ("overrides", "en_part"),
    [
        ({"kind": "startup"}, "Unknown kind"),
        ({"name_en": "ETRI"}, "already a name of"),
        ({"aliases": ["카이스트"]}, "already a name of"),
        ({"name_ko": "가" * 101}, "at most 100"),
        ({"name_ko": "(-)"}, "has no letters"),
        ({"source": None}, "A source is required"),
        ({"entity_id": "Bad Id"}, "lower-case letters"),
        ({"entity_id": "etri"}, "is taken"),
        ({"summary_ko": "가" * 1001}, "at most 1000"),
    ],
)
def test_bad_entities_are_refused(
    store: FactStore, overrides: dict[str, Any], en_part: str
) -> None:
    with refused(store) as info:
        _entity(store, **overrides)
    assert en_part in info.value.en


def test_add_alias_resolves_and_is_searchable(store: FactStore) -> None:
    result = store.add_alias(entity="ETRI", alias="전자연", actor=ACTOR, reason="약칭")
    resolution = store.resolve("전자연")
    assert resolution.entity is not None and resolution.entity.id == "etri"
    (change,) = result.changes
    assert change.after is not None and change.after["choseong"] == choseong("전자연")
    assert store.check() == []


@pytest.mark.parametrize(
    ("entity", "alias", "en_part"),
    [
        ("ETRI", "한국전자통신연구원", "already a name of"),
        ("ETRI", "KAIST", "already a name of"),
        ("ETRI", " - ", "has no letters"),
        ("ETRI", "", "alias is required"),
        ("없는 곳", "별칭", "Nothing is called"),
    ],
)
def test_bad_aliases_are_refused(store: FactStore, entity: str, alias: str, en_part: str) -> None:
    with refused(store) as info:
        store.add_alias(entity=entity, alias=alias, actor=ACTOR)
    assert en_part in info.value.en


# --- Sources -------------------------------------------------------------------------------


def _source(store: FactStore, **overrides: Any) -> Any:
    kwargs: dict[str, Any] = {
        "url": "https://www.hellot.net/news/article.html?no=1",
        "title": "새 기사",
        "publisher": "헬로티",
        "published": "2025년 12월 3일",
        "actor": ACTOR,
        "today": TODAY,
    }
    return store.add_source(**{**kwargs, **overrides})


def test_a_new_source_can_be_cited_by_id_or_url(store: FactStore) -> None:
    result = _source(store)
    assert result.row_id == "hellot-2025-12-03"
    row = next(store.db.query("SELECT * FROM sources WHERE id = ?", [result.row_id]))
    assert (row["published_edtf"], row["published_precision"]) == ("2025-12-03", "day")
    by_url = _set(store, value="2500억원", source="https://www.hellot.net/news/article.html?no=1")
    assert by_url.changes[-1].after["source_id"] == "hellot-2025-12-03"
    assert store.sources()[0].id == "hellot-2025-12-03"
    assert _source(store, url=None, publisher_en="HelloT").row_id == "hellot-2025-12-03-2"
    assert store.check() == []


@pytest.mark.parametrize(
    ("overrides", "en_part"),
    [
        ({"url": "ftp://example.com/a"}, "starts with http"),
        ({"url": "https://x.com/" + "a" * 500}, "at most 500"),
        ({"published": "어제쯤"}, "Publication date: Not a date"),
        ({"title": ""}, "title is required"),
        ({"source_id": "hellot-2025-08-etri-forum"}, "is taken"),
    ],
)
def test_bad_sources_are_refused(store: FactStore, overrides: dict[str, Any], en_part: str) -> None:
    with refused(store) as info:
        _source(store, **overrides)
    assert en_part in info.value.en


def test_a_url_is_registered_once(store: FactStore) -> None:
    _source(store)
    with refused(store) as info:
        _source(store, title="다른 제목")
    assert "already registered as hellot-2025-12-03" in info.value.en
