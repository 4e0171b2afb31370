"""What a digest says, and that any digest fits Discord however many milestones it lists."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from digest_fakes import PROGRAM, SOURCE, add_milestones, change_budget, subscribe, utc
from discord_limits import assert_discord_limits

from bot.briefing.model import Reply
from bot.digest.content import build_digest
from bot.digest.subscriptions import DigestBook
from bot.render.discord_payload import reply_payloads
from store.fact_store import FactStore
from tests.reply_helpers import lead, lines, words

DECEMBER_15 = utc(2025, 12, 14, 16)  # 2025-12-15 01:00 in Seoul


def text_of(reply: Reply) -> str:
    return words(reply)


def field_lines(reply: Reply, starts: str) -> tuple[str, ...]:
    return next(tuple(lines(s)) for s in reply.cards[0].sections if s.heading.startswith(starts))


def test_window_is_split_by_precision_with_program_status_and_source_date(
    store: FactStore, digest_book: DigestBook
) -> None:
    """`12월 말` lies wholly inside a month's window; `2025년 말` only overlaps it."""
    subscription = subscribe(digest_book, DECEMBER_15, window_days=30)
    digest = build_digest(store, subscription, DECEMBER_15)
    assert not digest.empty and digest.revision == 1
    (surely,) = field_lines(digest.reply, "기간 내 일정")
    assert surely.startswith("2025년 12월 말 대국민 콘테스트 · 독자 AI 파운데이션 모델 프로젝트")
    assert " · 예정 · 최근 보도 2025년 9월 9일·10월 9일·11월 9일 중 하루 (추정) [1]" in surely
    (possibly,) = field_lines(digest.reply, "기간 내 가능")
    assert possibly.startswith("2025년 말 1차 단계평가")
    overdue = field_lines(digest.reply, "⚠")
    assert any("출범 · AI 안전연구소" in line for line in overdue)
    assert digest.reply.cards[0].title == "📅 일정 브리핑 · 2025-12-15 ~ 2026-01-14"
    sources = field_lines(digest.reply, "출처")
    assert sources[0].startswith(
        "[1] 2025년 9월 9일·10월 9일·11월 9일 중 하루 (추정) 바이라인네트워크"
    )


def test_a_narrow_window_makes_late_december_only_possible(
    store: FactStore, digest_book: DigestBook
) -> None:
    subscription = subscribe(digest_book, DECEMBER_15, window_days=14)
    digest = build_digest(store, subscription, DECEMBER_15)
    assert not any(f.heading.startswith("기간 내 일정") for f in digest.reply.cards[0].sections)
    possibly = field_lines(digest.reply, "기간 내 가능")
    assert any("대국민 콘테스트" in line for line in possibly)


def test_english_digest(store: FactStore, digest_book: DigestBook) -> None:
    subscription = subscribe(
        digest_book, DECEMBER_15, "weekly mon 09:00", window_days=30, language="en"
    )
    text = text_of(build_digest(store, subscription, DECEMBER_15).reply)
    assert "📅 Milestone digest · 2025-12-15 – 2026-01-14" in text
    assert "In the window · 1" in text and "Possibly in the window" in text
    assert "weekly on Mon at 09:00 (Asia/Seoul) · data revision #1" in text
    assert "·  " not in text and "예정" not in text


def test_nothing_due_and_nothing_changed_is_an_empty_digest(
    store: FactStore, digest_book: DigestBook
) -> None:
    subscription = subscribe(digest_book, utc(2031, 1, 1), window_days=7)
    digest = build_digest(store, subscription, utc(2031, 1, 1))
    assert digest.empty
    (card,) = digest.reply.cards
    assert lead(card) == (
        "앞으로 7일 동안 예정된 일정이 없고, 지난 브리핑 이후 바뀐 내용도 없습니다."
    )
    assert not card.sections


def test_changes_since_the_subscriptions_last_digest(
    store: FactStore, digest_book: DigestBook
) -> None:
    """In the store's own words, newest revision last, with their ids for `/history`."""
    subscription = subscribe(digest_book, DECEMBER_15, window_days=7, revision=store.revision())
    store.add_milestone(
        entity=PROGRAM, title="2차 단계평가", date="2026년 6월 말", source=SOURCE,
        actor="console:test", today=date(2025, 12, 15),
    )  # fmt: skip
    change_budget(store, "2500억원")
    digest = build_digest(store, subscription, DECEMBER_15)
    assert digest.revision == store.revision() == 3
    assert field_lines(digest.reply, "지난 브리핑 이후 바뀐 내용") == (
        "#2 독자 AI 파운데이션 모델 프로젝트 · 일정 추가: 2차 단계평가 (2026년 6월 말)",
        "#3 독자 AI 파운데이션 모델 프로젝트 · 예산: 2,136억 원 (#2) → 2,500억 원",
    )
    assert "변경 2건" in lead(digest.reply.cards[0])
    later = build_digest(store, replace(subscription, last_revision=3), DECEMBER_15)
    assert not any(f.heading.startswith("지난 브리핑") for f in later.reply.cards[0].sections)


def test_changes_alone_make_a_digest_worth_posting(
    store: FactStore, digest_book: DigestBook
) -> None:
    subscription = subscribe(digest_book, utc(2031, 1, 1), revision=store.revision())
    change_budget(store, "1원")
    digest = build_digest(store, subscription, utc(2031, 1, 1))
    assert not digest.empty
    assert "예산" in field_lines(digest.reply, "지난 브리핑")[0]


def test_a_300_milestone_digest_stays_inside_every_discord_limit(
    store: FactStore, digest_book: DigestBook
) -> None:
    """Every milestone appears once, across as many messages as it takes, each one legal."""
    days = [f"2026-01-{day:02d}" for day in range(1, 31)]
    add_milestones(store, [days[n % 30] for n in range(300)], date(2025, 12, 15))
    subscription = subscribe(digest_book, DECEMBER_15, window_days=60, revision=1)
    digest = build_digest(store, subscription, DECEMBER_15)
    payloads = reply_payloads(digest.reply, "ko")
    assert len(payloads) > 1
    for payload in payloads:
        assert_discord_limits(payload, ephemeral=False)
    values = "\n".join(
        field["value"] for p in payloads for embed in p["embeds"] for field in embed["fields"]
    )
    for number in range(1, 301):
        assert values.count(f"테스트 일정 {number} ·") == 1
    assert values.count("일정 추가: 테스트 일정") == 100  # the change list is capped…
    assert "… 외 200건" in values  # …and says by how much
