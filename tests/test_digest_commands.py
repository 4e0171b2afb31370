"""`/digest` operations for any front end: replies, bilingual errors, and the table they change."""

from __future__ import annotations

import pytest
from digest_fakes import CHANNEL, GUILD, USER, Asker, ManualClock, RecordingPoster, subscribe, utc
from discord_limits import assert_discord_limits

from bot.briefing.answers import Invocation
from bot.briefing.model import Reply, plain_text
from bot.digest.commands import DigestCommands
from bot.digest.delivery import DigestEngine
from bot.digest.subscriptions import DigestBook
from bot.ids import discord as ids
from bot.render.discord_payload import place_mention, reply_payloads
from bot.trust import Actor, TrustRules
from store.fact_store import FactStore
from tests.edit_helpers import file_digests
from tests.reply_helpers import lead

NOW = utc(2025, 12, 14, 16)  # Monday 2025-12-15 01:00 in Seoul
HERE = ids.place(GUILD, CHANNEL)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
def commands(store: FactStore, digest_book: DigestBook, clock: ManualClock) -> DigestCommands:
    return DigestCommands(store, digest_book, TrustRules(), clock=clock)


@pytest.fixture
def ask(commands: DigestCommands) -> Asker:
    return Asker(commands)


def text(reply: Reply) -> str:
    """The first card's words, channels as Discord names them."""
    card = reply.cards[0]
    lines = [plain_text(parts, place_mention) for parts in card.lead]
    lines += [plain_text(parts, place_mention) for s in card.sections for parts in s.lines]
    return "\n".join([card.title, *lines])


def private_and_legal(reply: Reply, locale: str = "ko") -> Reply:
    for payload in reply_payloads(reply, locale):
        assert_discord_limits(payload, ephemeral=True)
    return reply


def test_subscribe_echoes_the_settings_and_the_next_three_runs(
    ask: Asker, digest_book: DigestBook
) -> None:
    reply = ask("subscribe", schedule="weekly mon 09:00")
    private_and_legal(reply)
    assert not reply.is_error
    assert text(reply).splitlines() == [
        "일정 브리핑",
        "<#200>에 일정 브리핑을 구독했습니다.",
        "매주 월 09:00 · Asia/Seoul · 14일 범위 · 한국어 · 빈 브리핑 보냄",
        "2025-12-15 (월) 09:00 KST",
        "2025-12-22 (월) 09:00 KST",
        "2025-12-29 (월) 09:00 KST",
    ]
    subscription = digest_book.for_place(ids.scope(GUILD), HERE)
    assert subscription is not None
    assert (subscription.created_by, subscription.status, subscription.last_revision) == (
        ids.actor(USER),
        "active",
        1,
    )


def test_subscribing_again_changes_the_settings_of_the_same_subscription(
    ask: Asker, digest_book: DigestBook
) -> None:
    ask("subscribe", schedule="daily 09:00")
    first = digest_book.for_place(ids.scope(GUILD), HERE)
    reply = ask("subscribe", user=USER + 1, schedule="0 18 * * 5",
        window=30, timezone="America/New_York", language="en", post_empty=False, locale="en",
    )  # fmt: skip
    assert "Updated the milestone digest of <#200>." in text(reply)
    assert "Fri 2025-12-19 18:00 EST" in text(reply)
    second = digest_book.for_place(ids.scope(GUILD), HERE)
    assert first is not None and second is not None and second.id == first.id
    assert (second.schedule.text, second.window_days, second.language, second.post_empty) == (
        "0 18 * * 5",
        30,
        "en",
        False,
    )
    assert second.created_by == ids.actor(USER)


@pytest.mark.parametrize(
    ("options", "ko", "en"),
    [
        ({"schedule": "hourly"}, "일정을 읽을 수 없습니다", "Cannot read the schedule"),
        ({"schedule": "daily 9:00", "window": 0}, "window은(는) 1~90", "between 1 and 90"),
        ({"schedule": "daily 9:00", "window": 91}, "window은(는) 1~90", "between 1 and 90"),
        ({"schedule": "daily 9:00", "timezone": "KST"}, "알 수 없는 시간대", "Unknown time zone"),
        ({"schedule": "daily 9:00", "language": "ja"}, "ko, en 가운데 하나", "one of ko, en"),
    ],
)
def test_bad_options_are_explained_in_the_askers_language(
    ask: Asker, digest_book: DigestBook, options: dict[str, object], ko: str, en: str
) -> None:
    for locale, expected in (("ko", ko), ("en", en)):
        reply = ask("subscribe", locale=locale, **options)  # type: ignore[arg-type]
        assert reply.is_error and expected in text(private_and_legal(reply, locale))
    assert digest_book.in_scope(ids.scope(GUILD)) == []


def test_operations_on_a_channel_without_a_digest_say_so(ask: Asker) -> None:
    for operation in ("unsubscribe", "resume", "pause"):
        reply = ask(operation, locale="en")
        assert reply.is_error and "That channel does not get the milestone digest." in text(reply)


def test_preview_without_a_subscription_shows_the_defaults_in_the_askers_language(
    ask: Asker, digest_book: DigestBook
) -> None:
    reply = ask("preview", locale="en")
    assert reply.private and not reply.is_error
    assert "Milestone digest" in text(reply)  # what subscribing with the defaults would post
    assert digest_book.for_place(ids.scope(GUILD), HERE) is None  # previewing subscribes nobody
    wider = ask("preview", window=90, locale="en")
    assert text(wider) != text(reply)
    bad = ask("preview", window=500, locale="en")
    assert bad.is_error and "window" in text(bad)


def test_another_server_cannot_touch_a_channels_digest(ask: Asker, digest_book: DigestBook) -> None:
    subscribe(digest_book, NOW)
    assert ask("unsubscribe", guild=GUILD + 1).is_error
    assert digest_book.for_place(ids.scope(GUILD), HERE) is not None


def test_unsubscribe_forgets_the_subscription_and_its_log(
    ask: Asker, digest_book: DigestBook
) -> None:
    subscription = subscribe(digest_book, NOW)
    digest_book.record_missed(subscription.id, "2025-12-15T09:00", NOW, "dgx", NOW)
    reply = ask("unsubscribe")
    assert "<#200>의 일정 브리핑 구독을 해지했습니다." in text(private_and_legal(reply))
    assert (
        digest_book.in_scope(ids.scope(GUILD)) == []
        and digest_book.deliveries(subscription.id) == []
    )


def test_pause_until_a_date_then_resume(
    ask: Asker, digest_book: DigestBook, clock: ManualClock
) -> None:
    subscription = subscribe(digest_book, NOW)
    reply = ask("pause", until="2026-01-05", locale="en")
    assert "It restarts by itself at Mon 2026-01-05 00:00 KST." in text(reply)
    paused = digest_book.get(subscription.id)
    assert paused is not None and paused.status == "paused"
    assert paused.paused_until == utc(2026, 1, 4, 15)
    listing = text(ask("list", locale="en"))
    assert "paused" in listing and "Next: Mon 2026-01-05 09:00 KST" in listing
    clock.advance(hours=1)
    resumed = ask("resume", locale="en")
    assert "Restarted the milestone digest of <#200>." in text(resumed)
    assert "Next: Mon 2025-12-15 09:00 KST" in text(resumed)
    active = digest_book.get(subscription.id)
    assert active is not None and (active.status, active.active_since) == ("active", clock.now)
    again = ask("resume", locale="en")
    assert "already running" in text(again)


@pytest.mark.parametrize("until", ["2025-12-01", "next week", "2025-12-15 00:30", "9999-12-31"])
def test_pause_until_must_be_a_future_date_or_time(
    ask: Asker, digest_book: DigestBook, until: str
) -> None:
    subscribe(digest_book, NOW)
    reply = ask("pause", until=until)
    assert reply.is_error and "`until`은 앞으로 10년 안의 날짜" in text(reply)
    subscription = digest_book.for_place(ids.scope(GUILD), HERE)
    assert subscription is not None and subscription.status == "active"


async def test_list_shows_each_digest_with_its_next_run_and_last_delivery(
    store: FactStore, ask: Asker, digest_book: DigestBook, clock: ManualClock
) -> None:
    subscribe(digest_book, NOW, "daily 09:00", channel_id=201)
    subscribe(digest_book, NOW, "weekly fri 18:00", channel_id=202)
    subscribe(digest_book, NOW, "daily 09:00", channel_id=203)
    digest_book.set_status(3, "disabled", NOW, reason="channel_gone")
    clock.now = utc(2025, 12, 15, 0, 30)  # 09:30 in Seoul, half an hour late
    await DigestEngine(store, digest_book, [RecordingPoster()], clock=clock).deliver_due()
    reply = private_and_legal(ask("list"))
    sections = reply.cards[0].sections
    lines = [[plain_text(parts, place_mention) for parts in s.lines] for s in sections]
    assert [s.heading for s in sections] == ["매일 09:00", "매주 금 18:00", "매일 09:00"]
    assert lines[0][0] == "<#201> · 실행 중"
    assert lines[0][2:] == [
        "다음: 2025-12-16 (화) 09:00 KST",
        "최근: 2025-12-15 (월) 09:00 KST · 보냄 (늦게)",
    ]
    assert lines[1][2:] == ["다음: 2025-12-19 (금) 18:00 KST", "최근: 아직 없음"]
    assert lines[2][0] == "<#203> · 중단됨 (채널 없음)"
    assert not any(text.startswith("다음") for text in lines[2])
    empty = ask("list", guild=GUILD + 1, locale="en")
    assert "No channel here gets the milestone digest" in text(empty)


async def test_preview_is_exactly_what_would_be_posted_now(
    store: FactStore, ask: Asker, digest_book: DigestBook, clock: ManualClock
) -> None:
    subscribe(digest_book, NOW, window_days=30)
    clock.now = utc(2025, 12, 15, 0, 0, 5)
    preview = ask("preview")
    poster = RecordingPoster()
    await DigestEngine(store, digest_book, [poster], clock=clock).deliver_due()
    posted = [p["embeds"] for p in poster.posts[0].payloads]
    assert [p["embeds"] for p in reply_payloads(preview, "ko")] == posted
    assert preview.private


def test_preview_of_an_empty_digest_that_would_be_skipped_says_so(
    ask: Asker, digest_book: DigestBook, clock: ManualClock
) -> None:
    clock.now = utc(2031, 1, 1)
    subscribe(digest_book, clock.now, window_days=7, post_empty=False, language="en")
    preview = ask("preview", locale="en")
    assert "nothing would be posted now" in lead(preview.cards[0])
    assert "Nothing is due in the next 7 days" in lead(preview.cards[1])


def test_on_change_is_told_about_every_change(store: FactStore, digest_book: DigestBook) -> None:
    changes: list[str] = []
    commands = DigestCommands(
        store, digest_book, TrustRules(), clock=ManualClock(NOW),
        on_change=lambda: changes.append("changed"),
    )  # fmt: skip
    ask = Asker(commands)
    ask("subscribe", schedule="daily 09:00")
    ask("pause")
    ask("resume")
    ask("unsubscribe")
    ask("subscribe", schedule="nonsense")
    assert len(changes) == 4


def test_only_managers_change_digests_but_anyone_previews(
    ask: Asker, digest_book: DigestBook, store: FactStore
) -> None:
    """Trust is checked in the core, whatever a front end shows: a member who does not
    manage the server is refused every change (and nothing is written), may preview."""
    before = file_digests(store.path)
    for operation, options in (
        ("subscribe", {"schedule": "daily 09:00"}), ("unsubscribe", {}), ("pause", {}),
        ("resume", {}), ("list", {}),
    ):  # fmt: skip
        reply = ask(operation, manages=False, locale="en", **options)
        assert reply.is_error and reply.private, operation
        assert "Only the managers of this server or workspace" in text(reply)
    assert file_digests(store.path) == before
    preview = ask("preview", manages=False, locale="en")
    assert not preview.is_error and preview.private
    assert digest_book.in_scope(ids.scope(GUILD)) == []


def test_a_command_from_outside_any_community_is_explained(commands: DigestCommands) -> None:
    """A direct message belongs to no server or workspace: digests cannot live there."""
    invocation = Invocation("digest list", {}, "en", Actor(ids.actor(USER)), "discord:dm/5")
    reply = commands.answer(invocation)
    assert reply.is_error and "only in a channel of a server or workspace" in text(reply)
