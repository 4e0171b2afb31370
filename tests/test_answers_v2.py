"""Answers from the bundled data set (version 2): what a reader needs to trust each line.

Every statement cites all its sources; a single report, an approximate number, a quote's
speaker and a plan say so; a date an article does not print is marked as inferred (and
as confirmed when later reports did); a "name" that is only a description and names
from general knowledge are marked; search hits carry dates, roles and sources; the 2026
story of the foundation-model project is told as of today.
"""

from __future__ import annotations

from datetime import date

from discord_limits import assert_discord_limits

from bot.briefing.answers import Briefer, Invocation
from bot.briefing.model import Card, Cite, Reply
from bot.render.discord_payload import reply_payloads
from store.fact_store import FactStore
from tests.reply_helpers import lead, lines, section, words

TODAY = date(2026, 12, 1)


def ask(store: FactStore, command: str, locale: str = "ko", **options: object) -> Reply:
    reply = Briefer(store, today=lambda: TODAY).answer(Invocation(command, options, locale))
    for payload in reply_payloads(reply, locale):
        assert_discord_limits(payload, ephemeral=reply.private)
    return reply


def card(store: FactStore, command: str, locale: str = "ko", **options: object) -> Card:
    reply = ask(store, command, locale, **options)
    assert not reply.is_error, words(reply)
    return reply.cards[0]


def test_a_statement_cites_every_source_that_confirms_it(bundled_store: FactStore) -> None:
    program = card(bundled_store, "program", name="독파모")
    naver = next(p for p in section(program, "정예팀").lines if p[0].text.startswith("네이버"))
    marks = [part for part in naver if isinstance(part, Cite)]
    assert len(marks) >= 2, naver
    listed = lines(section(program, "출처"))
    assert all(f"[{mark.number}]" in "\n".join(listed) for mark in marks)


def test_a_milestone_cites_every_source_that_reports_it(bundled_store: FactStore) -> None:
    """The fact sheet gives the stage-two evaluation three reports; the list cites all three."""
    listed = card(bundled_store, "milestones", "en")
    evaluation = next(
        part
        for heading in listed.sections
        for part in heading.lines
        if "Second stage evaluation" in "".join(getattr(p, "text", "") for p in part)
    )
    marks = [part.number for part in evaluation if isinstance(part, Cite)]
    assert len(marks) == 3, evaluation
    sources = {line.split(" ", 1)[0]: line for line in lines(section(listed, "Sources"))}
    reported_by = ("Asia Economy", "ZDNet Korea", "Hankyung Business")
    for number, publisher in zip(marks, reported_by, strict=True):
        assert publisher in sources[f"[{number}]"]


def test_a_title_not_seen_is_said_in_the_readers_language(bundled_store: FactStore) -> None:
    """67 reports of the fact sheet were read without their headline; an English answer
    says so in English, a Korean one in Korean, and neither invents a headline."""
    english = words(ask(bundled_store, "milestones", "en"))
    assert "「(title not confirmed)」" in english and "미확인" not in english
    korean = words(ask(bundled_store, "milestones"))
    assert "「(제목 미확인)」" in korean and "not confirmed" not in korean


def test_a_single_report_is_marked_as_such(bundled_store: FactStore) -> None:
    ko = "\n".join(lines(section(card(bundled_store, "program", name="독파모"), "평가 방식")))
    assert "· 단일 보도" in ko
    en = words(ask(bundled_store, "program", "en", name="독파모"))
    assert "· single report" in en


def test_an_approximate_number_stays_approximate(bundled_store: FactStore) -> None:
    """`80여 좌석`: about 80, never exactly 80."""
    forum = "국가공공분야 소버린 AI 토론회"
    assert "80여 석" in "\n".join(
        lines(section(card(bundled_store, "program", name=forum), "참석"))
    )
    english = words(ask(bundled_store, "program", "en", name=forum))
    assert "about 80 seats" in english and " 80 seats" not in english.replace("about 80", "")


def test_a_quote_keeps_its_speaker_and_its_hedge(bundled_store: FactStore) -> None:
    text = words(ask(bundled_store, "program", name="국가공공분야 소버린 AI 토론회"))
    quote = next(t for t in text.splitlines() if "ETRI가 할 수 있는 일이 아닌가 한다" in t)
    assert "(유용균의 말)" in quote


def test_a_date_the_article_does_not_print_is_marked_inferred(bundled_store: FactStore) -> None:
    """001 prints no year (it comes from the image addresses): inferred, although a day."""
    sources = "\n".join(lines(section(card(bundled_store, "institution", name="ETRI"), "출처")))
    assert "2025-08-13 (추정) 지디넷코리아" in sources
    kickoff = "\n".join(lines(section(card(bundled_store, "program", name="독파모"), "출처")))
    assert "2025-09-09 (추정) · 이후 보도로 확인 바이라인네트워크" in kickoff


def test_a_description_and_general_knowledge_names_are_marked(bundled_store: FactStore) -> None:
    described = card(bundled_store, "program", name="차세대 AI 기술 연구개발 사업")
    assert "기사에 고유한 이름이 없어" in lead(described)
    kribb = card(bundled_store, "institution", name="KRIBB")
    assert "한국생명공학연구원 (기사 밖 일반 지식)" in lead(kribb)


def test_search_hits_carry_dates_roles_and_sources(bundled_store: FactStore) -> None:
    contest = ask(bundled_store, "search", query="대국민 콘테스트").cards[0]
    hit = "\n".join(lines(contest.sections[0]))
    assert "2025년 12월 말" in hit and "상태 미상" in hit and hit.endswith("]")
    assert contest.sections[-1].role == "sources"
    person = "\n".join(
        lines(ask(bundled_store, "search", "en", query="배경훈").cards[0].sections[0])
    )
    assert "role · " in person and "(as of a 20" in person
    gpu = words(ask(bundled_store, "search", query="GPU"))
    assert "인재양성" not in gpu


def test_the_foundation_model_project_as_of_today(bundled_store: FactStore) -> None:
    """December 2026: who is in the project and who left when, the evaluation's outcome,
    what comes next — every line sourced."""
    program = card(bundled_store, "program", name="독파모")
    teams = "\n".join(lines(section(program, "정예팀")))
    assert "네이버클라우드 (NAVER Cloud) (2025년 8월 ~ 2026년 1월 15일)" in teams
    assert "모티프테크놀로지스" in teams and "(2026년 2월 20일 ~)" in teams
    outcome = "\n".join(lines(section(program, "평가 결과")))
    assert "2026년 1월 15일" in outcome and "2팀이 탈락" in outcome
    upcoming = "\n".join(lines(section(program, "다음 일정")))
    assert "최종 2개 팀 선정" in upcoming


def test_milestones_this_december(bundled_store: FactStore) -> None:
    """The year-end final selection is possibly in December's window; the contest nobody
    reported on again is not listed as if it happened."""
    month = ask(bundled_store, "milestones", days=30).cards[0]
    window = "\n".join(lines(month.sections[0]))
    assert "최종 2개 팀 선정" in window and "기간 내 가능" in window
    assert "대국민 콘테스트" not in window
