"""Data set version 2: the 2026-05 news (issue 13) and the data fixes of issue 12.

Every test here reads the bundled data set and fails on version 1 (the `store` fixture):
that is what makes each one the regression test of its item.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from test_answers import AFTER, BEFORE
from test_discord_payload import assert_no_line_lost, render

from bot.briefing.answers import Briefer, Invocation
from store.fact_store import FactStore
from store.model import FactView, MilestoneView

FOUNDATION = "sovereign-ai-foundation-model"
FORUM = "sovereign-ai-public-forum"
PRESENTERS_ANNOUNCED = ("kist", "kribb", "kisti", "kiom", "kitech", "nsr", "krri", "kigam", "kimm")


def _facts(store: FactStore, entity_id: str, attribute: str) -> list[FactView]:
    detail = store.entity(entity_id)
    assert detail is not None, entity_id
    return [f for f in detail.facts if f.attribute == attribute]


def _milestone(store: FactStore, entity_id: str, title: str) -> MilestoneView:
    detail = store.entity(entity_id)
    assert detail is not None
    (found,) = [m for m in detail.milestones if m.title_ko.startswith(title)]
    return found


# --- issue 12: data -----------------------------------------------------------------


def test_about_80_seats_stays_approximate(bundled_store: FactStore) -> None:
    (seats,) = _facts(bundled_store, FORUM, "attendance")
    assert (seats.number, seats.unit, seats.approximate) == (80, "석", True)


def test_a_quote_keeps_its_hedge_and_its_speaker(bundled_store: FactStore) -> None:
    quotes = {f.speaker.id: f for f in _facts(bundled_store, FORUM, "quote") if f.speaker}
    assert set(quotes) == {"yang-sung-wook", "yoo-yong-gyun", "lee-kyung-ha", "lee-ho-won"}
    assert quotes["yoo-yong-gyun"].text.endswith("ETRI가 할 수 있는 일이 아닌가 한다.")
    assert "I suppose" in quotes["yoo-yong-gyun"].text_en
    notes = [f.text for f in _facts(bundled_store, FORUM, "note")]
    assert not any("유용균" in (n or "") for n in notes)  # the paraphrase is retired


def test_announced_presentations_are_not_stated_as_given(bundled_store: FactStore) -> None:
    participants = {f.linked.id: f for f in _facts(bundled_store, FORUM, "participant") if f.linked}
    for institute in PRESENTERS_ANNOUNCED:
        fact = participants[institute]
        assert fact.status == "planned", institute
        assert fact.qualifiers["as_of"].latest == date(2025, 8, 13)
        assert fact.source.id == "hellot-2025-08-etri-forum"
        summary = bundled_store.entity(institute).summary_ko
        assert "발표했다" not in summary and "발표할 예정이었다" in summary, institute
    assert "발표" not in (participants["kier"].role_ko or "")
    (announced,) = _facts(bundled_store, FORUM, "member_count")
    (presented,) = _facts(bundled_store, FORUM, "presenter_count")
    assert (announced.number, announced.status) == (23, "planned")
    assert (presented.number, presented.status, presented.label_en) == (
        15, "done", "Number of presenting institutions",
    )  # fmt: skip
    assert "예고" in bundled_store.entity(FORUM).summary_ko


def test_a_described_program_is_not_given_a_proper_name(bundled_store: FactStore) -> None:
    resolved = bundled_store.resolve("차세대 AI 기술 연구개발 사업").entity
    assert resolved is not None and resolved.name_is_description
    assert bundled_store.entity("next-gen-ai-rnd").ref.name_is_description
    assert not bundled_store.entity(FOUNDATION).ref.name_is_description


def test_the_only_startup_consortium_is_its_ceos_words(bundled_store: FactStore) -> None:
    assert "김성훈 대표는" in bundled_store.entity("upstage").summary_ko
    (team,) = [f for f in _facts(bundled_store, FOUNDATION, "team") if f.linked.id == "upstage"]
    assert "김성훈" in team.note_ko and "김성훈" in team.note_en


def test_labels_say_what_the_fact_is(bundled_store: FactStore) -> None:
    lab = "national-ai-research-lab"
    assert _facts(bundled_store, lab, "frequency") == []
    (seminars,) = _facts(bundled_store, lab, "activity")
    assert (seminars.label_en, seminars.status) == ("Activity", "planned")
    assert _facts(bundled_store, "nst", "member_count") == []
    (institutes,) = _facts(bundled_store, "nst", "institute_count")
    assert (institutes.number, institutes.label_ko) == (23, "산하 기관 수")


def test_names_from_general_knowledge_are_marked(bundled_store: FactStore) -> None:
    assert bundled_store.entity("kribb").general_knowledge_names == ("ko",)
    assert bundled_store.entity("iitp").general_knowledge_names == ("acronym",)
    assert bundled_store.entity("etri").general_knowledge_names == ()  # printed in 000


@pytest.mark.parametrize(
    ("name", "entity_id"),
    [
        ("독파모", FOUNDATION),
        ("Dokpamo", FOUNDATION),
        ("국가대표 AI", FOUNDATION),
        ("K-EXAONE", "lg-ai-research"),
        ("A.X K1", "sk-telecom"),
        ("SKT", "sk-telecom"),
        ("솔라 오픈 100B", "upstage"),
        ("NAIRL", "national-ai-research-lab"),
        ("AISI", "ai-safety-institute"),
        ("국가 AI 위원회", "national-ai-committee"),
        ("National AI Committee", "national-ai-committee"),
        ("국가AI전략위", "national-ai-committee"),
        ("모티프", "motif-technologies"),
    ],
)
def test_names_people_use_resolve(bundled_store: FactStore, name: str, entity_id: str) -> None:
    resolved = bundled_store.resolve(name).entity
    assert resolved is not None and resolved.id == entity_id


# --- issue 13: the update --------------------------------------------------------------


def test_the_first_stage_evaluation_happened_with_its_real_outcome(
    bundled_store: FactStore,
) -> None:
    evaluation = _milestone(bundled_store, FOUNDATION, "1차 단계평가")
    assert (evaluation.status, evaluation.date.earliest) == ("done", date(2026, 1, 15))
    assert "5개팀→3개팀" in evaluation.title_ko
    (result,) = [
        f for f in _facts(bundled_store, FOUNDATION, "result") if "2차 단계에 올랐고" in f.text
    ]
    assert "네이버클라우드·NC AI는 탈락" in result.text
    assert result.confidence == "confirmed" and len({s.publisher for s in result.sources}) >= 2
    (plan,) = [f for f in _facts(bundled_store, FOUNDATION, "evaluation") if "4개팀으로" in f.text]
    assert plan.status == "planned"  # the 5→4 plan is kept, as a plan


def test_the_showcase_and_the_unconfirmed_contest(bundled_store: FactStore) -> None:
    showcase = _milestone(bundled_store, FOUNDATION, "1차 발표회")
    assert (showcase.status, showcase.date.earliest) == ("done", date(2025, 12, 30))
    contest = _milestone(bundled_store, FOUNDATION, "대국민 콘테스트")
    assert contest.status == "unknown" and "확인되지 않음" in contest.title_ko


def test_teams_in_the_project_on_a_day_and_why_two_left(bundled_store: FactStore) -> None:
    teams = _facts(bundled_store, FOUNDATION, "team")
    on_march_1 = {f.linked.id for f in teams if f.holds_on(date(2026, 3, 1))}
    assert on_march_1 == {"lg-ai-research", "sk-telecom", "upstage", "motif-technologies"}
    naver = next(f for f in teams if f.linked.id == "naver-cloud")
    assert naver.qualifiers["end"].earliest == date(2026, 1, 15) and "독자성" in naver.note_ko
    counts = _facts(bundled_store, FOUNDATION, "team_count")
    assert [f.number for f in counts if f.rank == "preferred"] == [4]


def test_the_committee_keeps_both_names_with_dates(bundled_store: FactStore) -> None:
    committee = bundled_store.entity("national-ai-committee")
    assert committee.ref.name_ko == "국가인공지능전략위원회"
    names = {f.text: f for f in committee.facts if f.attribute == "official_name"}
    old, new = names["국가 AI 위원회"], names["국가인공지능전략위원회"]
    assert old.qualifiers["end"].earliest == new.qualifiers["start"].earliest == date(2025, 9, 8)
    assert not old.holds_on(date(2026, 1, 1)) and new.holds_on(date(2026, 1, 1))


def test_the_deputy_prime_minister_role_from_its_day(bundled_store: FactStore) -> None:
    roles = [f for f in _facts(bundled_store, "msit", "person") if f.linked.id == "bae-kyung-hoon"]
    deputy = next(f for f in roles if "부총리" in f.role_ko)
    assert deputy.qualifiers["start"].earliest == date(2025, 10, 1)
    assert deputy.holds_on(date(2025, 10, 1)) and not deputy.holds_on(date(2025, 9, 30))
    assert len(deputy.sources) == 4


def test_seed_003s_inferred_date_is_confirmed_by_the_later_reports(
    bundled_store: FactStore,
) -> None:
    (source,) = [
        s for s in bundled_store.sources(limit=200) if s.id == "byline-2025-foundation-kickoff"
    ]
    assert (source.published.precision, source.published.earliest) == ("day", date(2025, 9, 9))
    assert source.confirmed_by == ("kuk-2025-09-09-kickoff", "asiae-2025-09-09-kickoff")
    assert "confirms" in source.note and "본문 추정" in source.published.text


def test_the_newest_source_is_the_newest_dated_report(bundled_store: FactStore) -> None:
    """Pages with no printed date (known only to be after the event they report) do not
    pass for the newest: the fact sheet's newest report is of 2026-05-03."""
    newest = bundled_store.newest_source()
    assert newest is not None and newest.id == "asiae-en-2026-05-03-upstage-fund"


def test_single_reports_are_marked(bundled_store: FactStore) -> None:
    (benchmarks,) = [
        f for f in _facts(bundled_store, FOUNDATION, "evaluation") if "13개 공통" in f.text
    ]
    assert benchmarks.single_report and benchmarks.confidence == "single"
    ratings = {row[0] for row in bundled_store.db.execute("SELECT DISTINCT confidence FROM facts")}
    assert ratings == {None, "single", "same_outlet", "confirmed"}


@pytest.mark.parametrize(
    "contradicted",
    ["2454억", "1576억", "Industrial Bank", "기업은행", "35.5조", "근정포장", "10.1조"],
)
def test_contradictions_are_not_facts(bundled_store: FactStore, contradicted: str) -> None:
    rows = bundled_store.db.execute("SELECT value_text, value_text_en, note_ko FROM facts")
    assert not any(contradicted in json.dumps(row, ensure_ascii=False) for row in rows)
    assert bundled_store.db.execute(
        "SELECT count(*) FROM facts WHERE entity_id = 'motif-technologies'"
        " AND value_entity = 'trillion-labs'"
    ).fetchone() == (0,)


def test_as_of_2026_12_01_the_year_end_choice_is_possible_and_the_past_is_overdue(
    bundled_store: FactStore,
) -> None:
    today = date(2026, 12, 1)
    window = bundled_store.milestones(today, date(2026, 12, 31), entity_ids=[FOUNDATION])
    final = [w for w in window if w.milestone.title_ko.startswith("최종 2개 팀")]
    assert len(final) == 1 and not final[0].surely
    overdue = {m.title_ko for m in bundled_store.overdue(today)}
    assert {"2차 단계평가 (4개팀→3개팀)", "국가과학AI연구소 개소"} <= overdue
    assert "최종 2개 팀 선정" not in overdue


@pytest.mark.parametrize("locale", ["ko", "en"])
def test_every_card_of_the_new_data_fits_discord(bundled_store: FactStore, locale: str) -> None:
    ids = [
        (r["id"], r["class"])
        for r in bundled_store.db.query("SELECT id, class FROM entities WHERE class != 'person'")
    ]
    for today in (BEFORE, AFTER, date(2026, 12, 1)):
        briefer = Briefer(bundled_store, today=lambda today=today: today)
        for entity_id, entity_class in ids:
            reply = briefer.answer(Invocation(entity_class, {"name": entity_id}, locale))
            assert not reply.is_error, entity_id
            assert_no_line_lost(reply, render(reply, locale))
