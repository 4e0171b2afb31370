"""`Briefer` answering every command from the real data set, in Korean and English.

The expected words are the articles' own (946억, 2028년까지, 12월 말), so these tests
fail when a card drops a fact, loses its source, or files a milestone on the wrong side
of today.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from bot.briefing.answers import COMPLETION_LIMIT, Briefer, Invocation
from bot.briefing.model import Card, Reply, Span
from store.fact_store import FactStore
from tests.app_helpers import make_app
from tests.reply_helpers import footer, lead, lines

LAB = "국가 AI 연구거점"
FOUNDATION = "독자 AI 파운데이션 모델"
BEFORE = date(2025, 11, 1)  # before the 12월 말 contest
AFTER = date(2026, 11, 21)  # a year after it, still marked planned
TEAMS_KO = ("네이버클라우드", "업스테이지", "SK텔레콤", "NC AI", "LG AI연구원")
TEAMS_EN = ("NAVER Cloud", "Upstage", "SK Telecom", "NC AI", "LG AI Research")
FOOTNOTE = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True)
class Case:
    """One invocation as a user would send it, with the day it is asked on."""

    command: str
    options: dict[str, Any] = field(default_factory=dict)
    locale: str = "ko"
    today: date = BEFORE

    @property
    def id(self) -> str:
        opts = " ".join(f"{k}:{v}" for k, v in self.options.items())
        return f"{self.locale} {self.today} /{self.command} {opts}"[:80]


ODD_INPUTS = (
    "",
    "   ",
    "가",
    "A",
    "가" * 300,
    '"국가 AI 연구거점"',
    "'; DROP TABLE entities; --",
    'name" OR 1=1 --',
    "@everyone",
    "<@&123456789012345678> @here",
    unicodedata.normalize("NFD", "한국전자통신연구원"),
    unicodedata.normalize("NFD", LAB),
    "ㅇㄱㄱㅈ",
    "\x00",
    "AI\x00거점",
    "**bold** `code` ||spoiler||",
    "🤖" * 10,
)
STRING_OPTION = {
    "program": "name",
    "institution": "name",
    "milestones": "program",
    "search": "query",
}

# Every invocation the tests below make, so the payload tests can render each of them.
CASES: tuple[Case, ...] = (
    *(Case("program", {"name": LAB}, loc) for loc in ("ko", "en")),
    *(Case("program", {"name": FOUNDATION}, loc, day) for loc in ("ko", "en") for day in (BEFORE, AFTER)),
    *(Case("institution", {"name": n}, loc) for n in ("KAIST", "ETRI", "etri", "KIST") for loc in ("ko", "en")),
    *(Case("milestones", {"days": 30}, loc, date(2025, 12, 1)) for loc in ("ko", "en")),
    Case("milestones", {"days": 10}, "ko", date(2025, 12, 15)),
    Case("milestones", {"days": 20}, "ko", date(2025, 10, 1)),
    Case("milestones", {"days": 30}, "ko", date(2025, 10, 1)),
    *(Case("milestones", {"days": 30, "past": p}, loc, date(2026, 1, 10)) for p in (True, "true") for loc in ("ko", "en")),
    Case("milestones", {"program": "독자 AI", "days": 60}, "ko"),
    Case("milestones", {"program": "없는프로그램"}, "ko"),
    Case("milestones", {"days": 1}, "ko", date(2030, 1, 1)),
    Case("milestones", {"days": 3650, "past": True}, "en", AFTER),
    *(Case("search", {"query": "946억"}, loc) for loc in ("ko", "en")),
    *(Case("search", {"query": "AI", "page": p}, loc) for p in (1, 2, 99) for loc in ("ko", "en")),
    Case("search", {"query": "없는낱말xyz"}, "ko"),
    *(Case("about", {}, loc) for loc in ("ko", "en")),
    *(Case("program", {"name": n}, loc) for n in ("없는프로그램", "연구거졈", "KAIST") for loc in ("ko", "en")),
    Case("institution", {"name": LAB}, "ko"),
    Case("institution", {"name": "KIS"}, "en"),
    *(Case(c, {o: text}, loc) for c, o in STRING_OPTION.items() for text in ODD_INPUTS for loc in ("ko", "en")),
    Case("nope", {}, "ko"),
    Case("program", {"nmae": LAB}, "en"),
    *(Case("milestones", {"days": d}, "ko") for d in ("abc", 0, 5000, "")),
    Case("milestones", {"past": "maybe"}, "en"),
    Case("search", {"query": "AI", "page": 0}, "ko"),
    Case("about", {"extra": "x"}, "ko"),
    Case("milestones", {"days": 60, "past": False}, "ko", date(2024, 10, 1)),
    Case("milestones", {"days": 60, "past": True}, "ko", date(2024, 11, 30)),
    Case("program", {"name": FOUNDATION}, "en", AFTER),
)  # fmt: skip


def answer(store: FactStore, case: Case) -> Reply:
    """The reply to `case`, from a `Briefer` whose today is the case's day."""
    briefer = Briefer(store, today=lambda: case.today)
    return briefer.answer(Invocation(case.command, dict(case.options), case.locale))


def ask(
    store: FactStore, command: str, locale: str = "ko", today: date = BEFORE, **options: Any
) -> Reply:
    case = Case(command, options, locale, today)
    assert case in CASES, f"add {case} to CASES so its payload is checked too"
    return answer(store, case)


def only_card(reply: Reply) -> Card:
    assert len(reply.cards) == 1, reply
    return reply.cards[0]


@dataclass(frozen=True)
class Shown:
    """A section as a reader sees it: its heading and its lines as text."""

    name: str
    lines: list[str]


def shown(card: Card) -> list[Shown]:
    return [Shown(section.heading, lines(section)) for section in card.sections]


def get_field(card: Card, name: str) -> Shown:
    found = [f for f in shown(card) if f.name == name]
    assert found, f"no section {name!r} in {field_names(card)}"
    return found[0]


def field_names(card: Card) -> list[str]:
    return [f.name for f in shown(card)]


def card_text(card: Card) -> str:
    parts = [card.title, lead(card), footer(card)]
    for f in shown(card):
        parts += [f.name, *f.lines]
    return "\n".join(parts)


def assert_footnotes(card: Card, sources_name: str) -> dict[int, str]:
    """Sources are numbered [1], [2], … once each; every fact line cites a listed one."""
    sources = get_field(card, sources_name)
    listed: dict[int, str] = {}
    for line in sources.lines:
        match = re.match(r"\[(\d+)\] (.+)", line)
        if match:
            listed[int(match.group(1))] = match.group(2)
    assert list(listed) == list(range(1, len(listed) + 1)), sources.lines
    used: set[int] = set()
    for f in shown(card):
        if f == sources:
            continue
        for line in f.lines:
            if line.startswith("…"):  # "… 외 3건" carries no source of its own
                continue
            marks = FOOTNOTE.findall(line)
            assert marks and line.endswith(f"[{marks[-1]}]"), f"unsourced line {line!r}"
            assert int(marks[-1]) in listed, f"{line!r} cites a source not listed"
            used.add(int(marks[-1]))
    # [1] may be only the entity's own source; every later number is there because a line cites it.
    assert set(listed) - {1} <= used, f"listed but never cited: {set(listed) - {1} - used}"
    return listed


# --- /program ---------------------------------------------------------------------------


def test_lab_card_in_korean_states_the_budget_period_and_its_source(store: FactStore) -> None:
    """The lab's 946억 through 2028 is the headline fact and must cite 미디어경제뉴스."""
    reply = ask(store, "program", name=LAB)
    assert not reply.private and not reply.is_error
    card = only_card(reply)
    assert card.title == "국가 AI 연구거점 (National AI Research Lab)"
    budget = get_field(card, "예산").lines
    assert any("946억" in line and "2028년까지" in line for line in budget), budget
    sources = assert_footnotes(card, "출처")
    assert "미디어경제뉴스" in sources[1]
    assert all(line.endswith("[1]") for line in budget)
    assert footer(card).startswith("기준:")
    assert "미디어경제뉴스" in footer(card)
    assert "한국과학기술원 (KAIST)" in "\n".join(get_field(card, "주관기관").lines)


def test_lab_card_in_english_converts_money_and_keeps_the_korean_figure(
    store: FactStore,
) -> None:
    """English readers get ₩ billions with the article's 억 figure alongside."""
    card = only_card(ask(store, "program", "en", name=LAB))
    assert card.title == "National AI Research Lab (국가 AI 연구거점)"
    budget = "\n".join(get_field(card, "Budget").lines)
    assert "₩94.6 billion (946억 원)" in budget and "by 2028" in budget
    sources = assert_footnotes(card, "Sources")
    assert "미디어경제뉴스" in sources[1] and "(inferred)" in sources[1]
    assert "예산" not in field_names(card)


@pytest.mark.parametrize(
    ("locale", "budget_name", "amount", "teams_name", "teams"),
    [
        ("ko", "예산", "2,136억 원", "정예팀", TEAMS_KO),
        ("en", "Budget", "₩213.6 billion", "Elite team", TEAMS_EN),
    ],
)
def test_foundation_model_card_shows_budget_and_the_five_teams(
    store: FactStore,
    locale: str,
    budget_name: str,
    amount: str,
    teams_name: str,
    teams: tuple[str, ...],
) -> None:
    """The project's total budget and its five elite teams, each sourced."""
    card = only_card(ask(store, "program", locale, name=FOUNDATION))
    assert amount in "\n".join(get_field(card, budget_name).lines)
    team_lines = get_field(card, teams_name).lines
    assert len(team_lines) == 5
    for team in teams:
        assert sum(line.startswith(team) for line in team_lines) == 1, (team, team_lines)
    sources = assert_footnotes(card, "출처" if locale == "ko" else "Sources")
    assert ("바이라인네트워크" if locale == "ko" else "Byline Network") in sources[1]


def test_contest_is_upcoming_before_its_date(store: FactStore) -> None:
    """On 2025-11-01 the 12월 말 contest is ahead: under 다음 일정, no warning."""
    card = only_card(ask(store, "program", name=FOUNDATION))
    upcoming = get_field(card, "다음 일정").lines
    contest = [line for line in upcoming if "대국민 콘테스트" in line]
    assert len(contest) == 1
    assert contest[0].startswith("2025년 12월 말 대국민 콘테스트")
    assert_date_is_strong(card, "다음 일정", "2025년 12월 말")
    assert "⚠" not in contest[0] and "예정" in contest[0]
    assert not any("대국민 콘테스트" in line for line in get_field(card, "최근 일정").lines)


def test_contest_is_flagged_overdue_a_year_later(store: FactStore) -> None:
    """On 2026-11-21 it is past and still 'planned': listed as recent, with ⚠."""
    card = only_card(ask(store, "program", today=AFTER, name=FOUNDATION))
    assert "다음 일정" not in field_names(card)
    recent = get_field(card, "최근 일정").lines
    contest = [line for line in recent if "대국민 콘테스트" in line]
    assert len(contest) == 1 and "2025년 12월 말" in contest[0]
    assert "⚠" in contest[0]
    done = [line for line in recent if " · 완료 [" in line]
    assert done and not any("⚠" in line for line in done)


def test_english_card_flags_the_overdue_contest_too(store: FactStore) -> None:
    card = only_card(ask(store, "program", "en", AFTER, name=FOUNDATION))
    recent = get_field(card, "Recent milestones").lines
    assert any("Public contest" in line and "⚠" in line for line in recent), recent
    upcoming = only_card(ask(store, "program", "en", name=FOUNDATION))
    lines = get_field(upcoming, "Next milestones").lines
    assert any(line.startswith("late Dec 2025 Public contest") for line in lines), lines
    assert_date_is_strong(upcoming, "Next milestones", "late Dec 2025")


def assert_date_is_strong(card: Card, heading: str, date_label: str) -> None:
    """A milestone line starts with its date, marked strong for renderers to emphasise."""
    found = [s for s in card.sections if s.heading == heading]
    firsts = [parts[0] for parts in found[0].lines]
    assert Span(date_label, "strong") in firsts, firsts


def test_a_done_milestone_is_never_listed_as_next(store: FactStore) -> None:
    """The kickoff (Sep 9–Nov 9, done) may still be 'in range' on Nov 1, but it happened."""
    card = only_card(ask(store, "program", name=FOUNDATION))
    assert not any(" · 완료 [" in line for line in get_field(card, "다음 일정").lines)
    assert any("착수식" in line for line in get_field(card, "최근 일정").lines)


# --- /institution -----------------------------------------------------------------------


def test_institution_card_lists_programs_with_roles_and_numbered_sources(
    store: FactStore,
) -> None:
    """KAIST leads the lab ([1]) and once worked with KT ([2]): two sources, two numbers."""
    card = only_card(ask(store, "institution", name="KAIST"))
    assert card.title == "한국과학기술원 (KAIST)"
    programs = get_field(card, "참여 프로그램과 역할").lines
    assert any(line.startswith("국가 AI 연구거점") and "주관기관" in line for line in programs)
    sources = assert_footnotes(card, "출처")
    assert len(sources) == 2 and "데일리안" in sources[2]
    kt = get_field(card, "관련 항목").lines
    assert any(line.startswith("KT — ") and line.endswith("[2]") for line in kt), kt
    assert "카이스트" in lead(card)


def test_institution_card_in_english(store: FactStore) -> None:
    card = only_card(ask(store, "institution", "en", name="KAIST"))
    assert card.title == "Korea Advanced Institute of Science and Technology (KAIST)"
    programs = get_field(card, "Programs and roles").lines
    assert any("National AI Research Lab" in line for line in programs), programs
    assert_footnotes(card, "Sources")


@pytest.mark.parametrize("name", ["ETRI", "etri"])
def test_acronym_and_entity_id_give_the_same_card(store: FactStore, name: str) -> None:
    """Autocomplete sends the id (`etri`); typing the acronym must land on the same card."""
    card = only_card(ask(store, "institution", name=name))
    assert card.title == "한국전자통신연구원 (ETRI)"


def test_kist_is_never_kisti(store: FactStore) -> None:
    for locale in ("ko", "en"):
        card = only_card(ask(store, "institution", locale, name="KIST"))
        assert card.title.endswith("(KIST)"), card.title


# --- /milestones ------------------------------------------------------------------------


def _milestone_lines(card: Card) -> list[str]:
    """The window's lines: the fields before the overdue and sources fields."""
    lines: list[str] = []
    for f in shown(card):
        if f.name.startswith("⚠") or f.name in ("출처", "Sources"):
            break
        lines += f.lines
    return lines


def _flag(line: str) -> str:
    """The in-window marker: the last ' · ' part before the footnote."""
    return line.rsplit(" [", 1)[0].split(" · ")[-1]


def test_december_window_lists_the_contest(store: FactStore) -> None:
    """Dec 1 + 30 days covers all of 12월 말 (surely) and part of 2025년 말 (possibly)."""
    card = only_card(ask(store, "milestones", today=date(2025, 12, 1), days=30))
    assert card.title == "다가오는 일정 · 2025-12-01 ~ 2025-12-31"
    lines = _milestone_lines(card)
    contest = [line for line in lines if "대국민 콘테스트" in line]
    assert len(contest) == 1 and "독자 AI 파운데이션 모델 프로젝트" in contest[0]
    assert _flag(contest[0]) == "기간 내"
    stage = [line for line in lines if "1차 단계평가" in line]
    assert stage and _flag(stage[0]) == "기간 내 가능"
    overdue = get_field(card, "⚠ 지났지만 완료 표시 없음 (확인 필요) · 2건").lines
    assert any("단계평가 세부 추진방안 공개" in line for line in overdue)
    assert_footnotes(card, "출처")


def test_a_window_touching_part_of_late_december_says_possibly(store: FactStore) -> None:
    """Dec 15–25 overlaps 21–31 Dec only in part: the contest is possibly in the window."""
    card = only_card(ask(store, "milestones", today=date(2025, 12, 15), days=10))
    contest = [line for line in _milestone_lines(card) if "대국민 콘테스트" in line]
    assert len(contest) == 1 and _flag(contest[0]) == "기간 내 가능"


def test_english_window_uses_english_flags(store: FactStore) -> None:
    card = only_card(ask(store, "milestones", "en", date(2025, 12, 1), days=30))
    lines = _milestone_lines(card)
    assert any("Public contest" in line and _flag(line) == "in window" for line in lines)
    assert any(_flag(line) == "possibly in window" for line in lines)
    assert card.title == "Upcoming milestones · 2025-12-01 – 2025-12-31"


@pytest.mark.parametrize("days", [20, 30])
def test_a_window_ending_in_october_has_no_december_contest(store: FactStore, days: int) -> None:
    card = only_card(ask(store, "milestones", today=date(2025, 10, 1), days=days))
    assert card.title.endswith(f"2025-10-{1 + days:02d}")
    assert not any("대국민 콘테스트" in line for line in _milestone_lines(card))
    assert _milestone_lines(card), "the kickoff and the plan publication overlap October"


@pytest.mark.parametrize("past", [True, "true"])
@pytest.mark.parametrize("locale", ["ko", "en"])
def test_past_looks_back_and_keeps_what_never_happened_apart(
    store: FactStore, past: bool | str, locale: str
) -> None:
    """past:true (a bool from Discord, a string from the console) reverses the window; a
    milestone still planned when its day has passed did not happen as far as anyone
    reported, so it is not listed among the past milestones but apart, as overdue."""
    card = only_card(ask(store, "milestones", locale, date(2026, 1, 10), days=30, past=past))
    title = "지난 일정" if locale == "ko" else "Past milestones"
    assert card.title.startswith(title) and "2025-12-11" in card.title
    contest = "대국민 콘테스트" if locale == "ko" else "Public contest"
    assert not any(contest in line for line in _milestone_lines(card))
    (overdue,) = [f for f in shown(card) if f.name.startswith("⚠")]
    assert contest in overdue.lines[0], "latest first: the contest is the last in the window"
    assert all(("예정" if locale == "ko" else "planned") in line for line in overdue.lines)


def test_milestones_for_one_program(store: FactStore) -> None:
    """program: narrows the list and names the program in the title, not on every line."""
    card = only_card(ask(store, "milestones", program="독자 AI", days=60))
    assert card.title.endswith("· 독자 AI 파운데이션 모델 프로젝트")
    lines = _milestone_lines(card)
    assert len(lines) == 3 and any("대국민 콘테스트" in line for line in lines)
    assert not any("· 완료" in line for line in lines)
    assert not any("AI 안전연구소" in line for line in card_text(card).splitlines())


def test_milestones_for_an_unknown_program_is_a_private_not_found(store: FactStore) -> None:
    reply = ask(store, "milestones", program="없는프로그램")
    assert reply.private and reply.is_error
    assert "없는프로그램" in lead(only_card(reply))


def test_an_empty_window_says_so_and_how_current_the_data_is(store: FactStore) -> None:
    """Nothing upcoming: say so, say how old the newest report is, and how news gets in."""
    card = only_card(ask(store, "milestones", today=date(2030, 1, 1), days=1))
    first, newest, how = lead(card).splitlines()
    assert first == "이 기간에 해당하는 일정이 없습니다."
    assert newest.startswith("가장 최근 출처: 2025년 9월 9일·10월 9일·11월 9일 중 하루 (추정)")
    assert newest.endswith("일 전).")
    assert "`/source add`" in how and "`/milestone update`" in how


def test_a_ten_year_look_back_fits_every_milestone(store: FactStore) -> None:
    card = only_card(ask(store, "milestones", "en", AFTER, days=3650, past=True))
    count = int(shown(card)[0].name.rsplit(" ", 1)[-1])
    assert count == len(_milestone_lines(card)) >= 10


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"days": "abc"}, ("days", "abc")),
        ({"days": 0}, ("days", "1~3650")),
        ({"days": 5000}, ("days", "5000")),
        ({"days": ""}, None),
    ],
)
def test_bad_days_are_explained(
    store: FactStore, options: dict[str, Any], words: tuple[str, ...] | None
) -> None:
    reply = ask(store, "milestones", **options)
    if words is None:  # an empty optional value means the default
        assert not reply.is_error
        assert only_card(reply).title.endswith(" ~ 2025-12-01")
        return
    assert reply.is_error and reply.private
    assert all(w in lead(only_card(reply)) for w in words)


def test_a_bad_boolean_is_explained(store: FactStore) -> None:
    reply = ask(store, "milestones", "en", past="maybe")
    assert reply.is_error
    assert lead(only_card(reply)) == "past is true or false (got maybe)."


# --- /search and /about -----------------------------------------------------------------


@pytest.mark.parametrize("locale", ["ko", "en"])
def test_search_finds_the_lab_by_its_budget(store: FactStore, locale: str) -> None:
    reply = ask(store, "search", locale, query="946억")
    card = only_card(reply)
    assert not reply.private and reply.pagination is not None
    assert reply.pagination.next is None and reply.pagination.previous is None
    assert shown(card)[0].name.startswith(
        "국가 AI 연구거점" if locale == "ko" else "National AI Research Lab"
    )
    assert any("946억" in line for line in shown(card)[0].lines)
    assert footer(card) == ("1/1쪽 · 1개 항목" if locale == "ko" else "Page 1 of 1 · 1 entries")


@pytest.mark.parametrize("locale", ["ko", "en"])
def test_search_pages_link_to_their_neighbours(store: FactStore, locale: str) -> None:
    first = ask(store, "search", locale, query="AI", page=1)
    second = ask(store, "search", locale, query="AI", page=2)

    def turns(reply: Reply) -> list[dict[str, Any] | None]:
        assert reply.pagination is not None
        pages = (reply.pagination.previous, reply.pagination.next)
        return [p.option_values if p else None for p in pages]

    assert turns(first) == [None, {"query": "AI", "page": 2}]
    assert turns(second) == [{"query": "AI", "page": 1}, {"query": "AI", "page": 3}]
    assert second.pagination and second.pagination.next
    assert second.pagination.next.command == "search"
    names_1 = {s.heading for s in only_card(first).sections if s.role != "sources"}
    names_2 = {s.heading for s in only_card(second).sections if s.role != "sources"}
    assert len(names_1) == len(names_2) == 5 and not names_1 & names_2


def test_search_past_the_last_page_is_explained(store: FactStore) -> None:
    reply = ask(store, "search", query="AI", page=99)
    assert reply.is_error and reply.private
    assert "99쪽은 없습니다" in lead(only_card(reply))
    reply = ask(store, "search", query="AI", page=0)
    assert reply.is_error and "page" in lead(only_card(reply))


def test_search_without_hits_is_private_but_not_an_error(store: FactStore) -> None:
    reply = ask(store, "search", query="없는낱말xyz")
    assert reply.private and not reply.is_error
    assert "없는낱말xyz" in lead(only_card(reply))


@pytest.mark.parametrize("locale", ["ko", "en"])
def test_about_reports_the_store_it_reads(store: FactStore, locale: str) -> None:
    """Counts come from the store itself; the newest source is named in the reader's language."""
    card = only_card(ask(store, "about", locale))
    stats = store.stats()
    text = card_text(card)
    programs = stats["entities_by_class"]["program"]
    assert (f"프로그램 {programs}" if locale == "ko" else f"{programs} programs") in text
    sources = stats["tables"]["sources"]
    assert (f"출처 {sources}" if locale == "ko" else f"{sources} sources") in text
    newest = shown(card)[1].lines[0]
    assert ("바이라인네트워크" if locale == "ko" else "Byline Network") in newest
    howto = shown(card)[-1].lines
    assert len(howto) == 4 and all(line.startswith("`/") for line in howto)


# --- not found, ambiguous, wrong command --------------------------------------------------


@pytest.mark.parametrize("locale", ["ko", "en"])
def test_an_unknown_program_is_a_private_error(store: FactStore, locale: str) -> None:
    reply = ask(store, "program", locale, name="없는프로그램")
    assert reply.private and reply.is_error
    card = only_card(reply)
    assert card.title == ("찾을 수 없습니다" if locale == "ko" else "Not found")
    assert "'없는프로그램'" in lead(card)
    assert "/search" in card_text(card)


@pytest.mark.parametrize(
    ("locale", "heading"), [("ko", "혹시 이것을 찾으셨나요?"), ("en", "Did you mean")]
)
def test_a_typo_offers_the_program_meant(store: FactStore, locale: str, heading: str) -> None:
    """연구거졈 is one jamo away from 연구거점: suggest it, but do not answer for it."""
    reply = ask(store, "program", locale, name="연구거졈")
    assert reply.is_error and reply.private
    suggestions = get_field(only_card(reply), heading).lines
    expected = "국가 AI 연구거점" if locale == "ko" else "National AI Research Lab"
    assert suggestions[0].startswith(f"• {expected}")
    assert len(suggestions) <= 5


@pytest.mark.parametrize("locale", ["ko", "en"])
def test_an_institution_typed_into_program_points_to_institution(
    store: FactStore, locale: str
) -> None:
    reply = ask(store, "program", locale, name="KAIST")
    assert reply.is_error
    description = lead(only_card(reply)) or ""
    assert "`/institution " in description
    assert ("한국과학기술원" if locale == "ko" else "Korea Advanced Institute") in description


def test_a_program_typed_into_institution_points_to_program(store: FactStore) -> None:
    description = lead(only_card(ask(store, "institution", name=LAB)))
    assert f"`/program {LAB}`" in description


def test_an_ambiguous_prefix_lists_both_candidates(store: FactStore) -> None:
    reply = ask(store, "institution", "en", name="KIS")
    card = only_card(reply)
    assert "matches several entries" in lead(card)
    lines = get_field(card, "Did you mean").lines
    assert any("(KIST)" in line for line in lines) and any("(KISTI)" in line for line in lines)


def test_unknown_commands_and_options_are_explained(store: FactStore) -> None:
    reply = ask(store, "nope")
    assert reply.is_error and "/program" in lead(only_card(reply))
    reply = ask(store, "program", "en", nmae=LAB)
    assert reply.is_error
    assert lead(only_card(reply)) == "/program has no option nmae. Options: name"
    reply = ask(store, "about", extra="x")
    assert reply.is_error and "extra:x" in lead(only_card(reply))


# --- odd input ----------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["ko", "en"])
@pytest.mark.parametrize("command", list(STRING_OPTION))
def test_odd_input_always_gets_a_clear_reply(store: FactStore, command: str, locale: str) -> None:
    """Empty, one letter, 300 letters, quotes, SQL, mentions, NFD, NUL: a reply, never a raise."""
    for text in ODD_INPUTS:
        reply = answer(store, Case(command, {STRING_OPTION[command]: text}, locale))
        assert reply.cards, text
        for card in reply.cards:
            assert card.title.strip(), text
            assert lead(card).strip() or shown(card), text
        if reply.is_error:
            assert reply.private, text


@pytest.mark.parametrize("command", ["program", "institution", "search"])
def test_required_option_left_empty_is_named(store: FactStore, command: str) -> None:
    option = STRING_OPTION[command]
    for text in ("", "   ", "\x00"):
        reply = answer(store, Case(command, {option: text}))
        assert reply.is_error and reply.private
        assert lead(only_card(reply)) == f"{option}을(를) 입력해 주세요."


def test_three_hundred_characters_are_refused_with_the_length(store: FactStore) -> None:
    reply = answer(store, Case("program", {"name": "가" * 300}, "en"))
    assert reply.is_error
    assert lead(only_card(reply)) == ("name is too long (300 characters); keep it under 100.")


def test_nfd_hangul_resolves_like_nfc(store: FactStore) -> None:
    """macOS and some IMEs send decomposed Hangul; it must find the same entity."""
    lab = answer(store, Case("program", {"name": unicodedata.normalize("NFD", LAB)}))
    assert only_card(lab).title == "국가 AI 연구거점 (National AI Research Lab)"
    etri = answer(
        store, Case("institution", {"name": unicodedata.normalize("NFD", "한국전자통신연구원")})
    )
    assert only_card(etri).title == "한국전자통신연구원 (ETRI)"


def test_sql_looking_input_changes_nothing(store: FactStore) -> None:
    before = store.stats()["tables"]
    for command, option in STRING_OPTION.items():
        answer(store, Case(command, {option: "'; DROP TABLE entities; --"}))
    assert store.stats()["tables"] == before
    assert store.check() == []


def test_mentions_are_echoed_only_as_text(store: FactStore) -> None:
    """@everyone comes back in the not-found text; the payload tests make sure it cannot ping."""
    reply = answer(store, Case("program", {"name": "@everyone"}))
    assert reply.is_error and "@everyone" in lead(only_card(reply))


# --- autocomplete -------------------------------------------------------------------------


def _assert_choices(store: FactStore, choices: list[Any], entity_class: str) -> None:
    assert len(choices) <= COMPLETION_LIMIT
    for choice in choices:
        assert 1 <= len(choice.name) <= 100 and 1 <= len(choice.value) <= 100
        ref = store.entity_ref(choice.value)
        assert ref is not None, f"{choice.value!r} is not an entity id"
        assert ref.entity_class == entity_class


def test_autocomplete_partial_korean(store: FactStore) -> None:
    choices = make_app(store).complete("program", "name", "연구", "ko")
    _assert_choices(store, choices, "program")
    assert "national-ai-research-lab" in [c.value for c in choices]
    assert "국가 AI 연구거점 (National AI Research Lab)" in [c.name for c in choices]


@pytest.mark.parametrize("locale", ["ko", "en"])
def test_autocomplete_exact_acronym_first(store: FactStore, locale: str) -> None:
    choices = make_app(store).complete("institution", "name", "KIST", locale)
    _assert_choices(store, choices, "institution")
    assert [c.value for c in choices[:2]] == ["kist", "kisti"]
    expected = (
        "한국과학기술연구원 (KIST)"
        if locale == "ko"
        else "Korea Institute of Science and Technology (KIST)"
    )
    assert choices[0].name == expected


def test_autocomplete_forgives_a_typo(store: FactStore) -> None:
    choices = make_app(store).complete("institution", "name", "ETIR", "ko")
    _assert_choices(store, choices, "institution")
    assert choices and choices[0].value == "etri"


@pytest.mark.parametrize(
    ("command", "option", "entity_class"),
    [
        ("program", "name", "program"),
        ("institution", "name", "institution"),
        ("milestones", "program", "program"),
    ],
)
def test_autocomplete_before_typing_offers_up_to_25(
    store: FactStore, command: str, option: str, entity_class: str
) -> None:
    choices = make_app(store).complete(command, option, "", "ko")
    _assert_choices(store, choices, entity_class)
    known = store.stats()["entities_by_class"][entity_class]
    assert len(choices) == min(known, COMPLETION_LIMIT)
    assert make_app(store).complete(command, option, "   ", "en") != []


def test_autocomplete_values_resolve_back_to_the_named_card(store: FactStore) -> None:
    """What Discord sends back is the id; the card it opens has the suggested name as title."""
    briefer = Briefer(store, today=lambda: BEFORE)
    for locale in ("ko", "en"):
        for choice in make_app(store).complete("program", "name", "", locale):
            reply = briefer.answer(Invocation("program", {"name": choice.value}, locale))
            assert only_card(reply).title == choice.name


def test_autocomplete_ignores_odd_input_and_other_options(store: FactStore) -> None:
    app = make_app(store)
    for text in ODD_INPUTS:
        _assert_choices(store, app.complete("institution", "name", text, "ko"), "institution")
    assert app.complete("milestones", "days", "3", "ko") == []
    assert make_app(store).complete("search", "query", "AI", "ko") == []
    assert make_app(store).complete("nope", "name", "AI", "ko") == []
    assert make_app(store).complete("program", "nope", "AI", "ko") == []
    nfd = make_app(store).complete(
        "institution", "name", unicodedata.normalize("NFD", "한국전자"), "ko"
    )
    assert nfd and nfd[0].value == "etri"


def test_upcoming_milestones_leave_out_what_is_done(store: FactStore) -> None:
    """The lab's opening (28 Oct 2024, done) is history, not something coming up."""
    ahead = card_text(
        only_card(ask(store, "milestones", today=date(2024, 10, 1), days=60, past=False))
    )
    assert "개소식" not in ahead
    behind = card_text(
        only_card(ask(store, "milestones", today=date(2024, 11, 30), days=60, past=True))
    )
    assert "개소식" in behind


def test_counts_read_naturally_in_english(store: FactStore) -> None:
    """`5개팀` in Korean, `5 teams` in English: the unit is translated, not copied."""
    english = card_text(only_card(ask(store, "program", "en", AFTER, name=FOUNDATION)))
    assert "5 teams" in english and "개팀" not in english
    korean = card_text(only_card(ask(store, "program", "ko", AFTER, name=FOUNDATION)))
    assert "5개팀" in korean


def test_an_answer_is_reused_until_the_facts_change(store: FactStore) -> None:
    """Answers are remembered per store revision: asked again, the same reply; after an
    edit (a new revision), the new facts."""
    briefer = Briefer(store, today=lambda: BEFORE)
    ask_lab = Invocation("program", {"name": LAB}, "ko")
    first = briefer.answer(ask_lab)
    assert briefer.answer(ask_lab) is first
    store.set_fact(
        entity=LAB, attribute="budget", value="1조 원", source="mediaeconews-2024-10-national-ai-lab",
        actor="console:local",
    )  # fmt: skip
    changed = briefer.answer(ask_lab)
    assert changed is not first and "1조 원" in card_text(only_card(changed))


def test_a_remembered_completion_follows_a_new_alias_at_once(store: FactStore) -> None:
    """Completions are remembered per store revision: an edit (from any process) is in
    the next one, even for text asked before."""
    briefer = Briefer(store, today=lambda: date(2025, 11, 1))
    before = briefer.complete_entities("쿼크포톤", ("institution",), "ko")
    assert "etri" not in [c.value for c in before]
    assert briefer.complete_entities("쿼크포톤", ("institution",), "ko") == before
    store.add_alias(entity="ETRI", alias="쿼크포톤", actor="console:local")
    after = briefer.complete_entities("쿼크포톤", ("institution",), "ko")
    assert after[0].value == "etri", after


# --- read at a glance (issue: answers a reader can trust) ------------------------------


def test_people_in_roles_are_dated_and_earlier_holders_are_shown_as_then(
    store: FactStore,
) -> None:
    """Three ministers on one card read as three current ministers unless each role has
    its date and those a later report replaces are marked as then holding it."""
    reply = answer(store, Case("institution", {"name": "과기정통부"}, "ko"))
    people = get_field(only_card(reply), "인물").lines
    assert people[0].startswith("배경훈 — 장관 (2025-09 기사 기준)")
    assert people[1].startswith("유상임 — 당시 장관, 2024-10 기사")
    assert people[2].startswith("임혜숙 — 당시 장관, 2021-09 기사")
    english = answer(store, Case("institution", {"name": "MSIT"}, "en"))
    lines = get_field(only_card(english), "Person").lines
    assert "(as of a 2025-09 report)" in lines[0] and "then " in lines[1]


def test_one_line_per_role_and_no_role_that_repeats_its_label(store: FactStore) -> None:
    """ETRI organised and hosted the forum: one line with both roles and both sources,
    not the same forum twice; KAIST's lead role is not `주관기관: 주관기관`."""
    etri = only_card(answer(store, Case("institution", {"name": "ETRI"}, "ko")))
    forum = [text for text in get_field(etri, "참여 프로그램과 역할").lines if "토론회" in text]
    assert len(forum) == 1 and "개최·주관" in forum[0] and forum[0].endswith("[1][2]")
    kaist = card_text(only_card(answer(store, Case("institution", {"name": "KAIST"}, "ko"))))
    assert "주관기관: 주관기관" not in kaist and "— 주관기관 [" in kaist


def test_a_card_says_how_old_its_newest_source_is(store: FactStore) -> None:
    """Every card's footer ages its newest source; past `stale_after_days` the card says in
    one line that later changes may be missing."""
    fresh = only_card(answer(store, Case("program", {"name": LAB}, "ko", date(2024, 11, 1))))
    assert footer(fresh).endswith("· 1일 전") and "⚠" not in lead(fresh)
    stale = only_card(answer(store, Case("program", {"name": LAB}, "en", date(2026, 12, 1))))
    assert footer(stale).endswith("· 761 days ago")
    assert lead(stale).splitlines()[-1].startswith("⚠ The newest source of this card is 761 days")
    about = card_text(only_card(answer(store, Case("about", {}, "en", date(2026, 12, 1)))))
    assert "days ago" in about


def test_an_undated_milestone_is_undated_in_english_words(store: FactStore) -> None:
    """`다음 전략대화 (반기 1회)` is Korean wording of a date nobody gave: English readers
    get English words."""
    text = card_text(
        only_card(answer(store, Case("program", {"name": "AI Strategy Summit"}, "en")))
    )
    undated = get_field(
        only_card(answer(store, Case("program", {"name": "AI Strategy Summit"}, "en"))),
        "Undated milestones",
    )
    assert undated.lines[0].startswith("date not reported Next summit")
    assert "다음 전략대화" not in text
