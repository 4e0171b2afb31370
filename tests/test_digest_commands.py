"""`/digest` operations for any front end: replies, bilingual errors, and the table they change."""

from __future__ import annotations

import pytest
from digest_fakes import ManualClock, RecordingPoster, subscribe, utc
from discord_limits import assert_discord_limits

from bot.briefing.model import Reply
from bot.digest.commands import DigestCommands
from bot.digest.delivery import DigestEngine
from bot.digest.subscriptions import DigestBook
from bot.render.discord_payload import reply_payloads
from store.fact_store import FactStore

NOW = utc(2025, 12, 14, 16)  # Monday 2025-12-15 01:00 in Seoul
GUILD, CHANNEL, USER = 100, 200, 300


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
def commands(store: FactStore, digest_book: DigestBook, clock: ManualClock) -> DigestCommands:
    return DigestCommands(store, digest_book, clock=clock)


def text(reply: Reply) -> str:
    card = reply.cards[0]
    return "\n".join([card.title, card.description or "", *(f.value for f in card.fields)])


def private_and_legal(reply: Reply, locale: str = "ko") -> Reply:
    for payload in reply_payloads(reply, locale):
        assert_discord_limits(payload, ephemeral=True)
    return reply


def test_subscribe_echoes_the_settings_and_the_next_three_runs(
    commands: DigestCommands, digest_book: DigestBook
) -> None:
    reply = commands.subscribe(
        guild_id=GUILD, channel_id=CHANNEL, user_id=USER, schedule="weekly mon 09:00"
    )
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
    subscription = digest_book.for_channel(GUILD, CHANNEL)
    assert subscription is not None
    assert (subscription.created_by, subscription.status, subscription.last_revision) == (
        USER,
        "active",
        1,
    )


def test_subscribing_again_changes_the_settings_of_the_same_subscription(
    commands: DigestCommands, digest_book: DigestBook
) -> None:
    commands.subscribe(guild_id=GUILD, channel_id=CHANNEL, user_id=USER, schedule="daily 09:00")
    first = digest_book.for_channel(GUILD, CHANNEL)
    reply = commands.subscribe(
        guild_id=GUILD, channel_id=CHANNEL, user_id=USER + 1, schedule="0 18 * * 5",
        window=30, timezone="America/New_York", language="en", post_empty=False, locale="en",
    )  # fmt: skip
    assert "Updated the milestone digest of <#200>." in text(reply)
    assert "Fri 2025-12-19 18:00 EST" in text(reply)
    second = digest_book.for_channel(GUILD, CHANNEL)
    assert first is not None and second is not None and second.id == first.id
    assert (second.schedule.text, second.window_days, second.language, second.post_empty) == (
        "0 18 * * 5",
        30,
        "en",
        False,
    )
    assert second.created_by == USER


@pytest.mark.parametrize(
    ("options", "ko", "en"),
    [
        ({"schedule": "hourly"}, "일정을 읽을 수 없습니다", "Cannot read the schedule"),
        ({"schedule": "daily 9:00", "window": 0}, "window은(는) 1~90", "between 1 and 90"),
        ({"schedule": "daily 9:00", "window": 91}, "window은(는) 1~90", "between 1 and 90"),
        ({"schedule": "daily 9:00", "timezone": "KST"}, "알 수 없는 시간대", "Unknown time zone"),
        ({"schedule": "daily 9:00", "language": "ja"}, "언어는 ko 또는 en", "ko or en"),
    ],
)
def test_bad_options_are_explained_in_the_askers_language(
    commands: DigestCommands, digest_book: DigestBook, options: dict[str, object], ko: str, en: str
) -> None:
    for locale, expected in (("ko", ko), ("en", en)):
        reply = commands.subscribe(
            guild_id=GUILD, channel_id=CHANNEL, user_id=USER, locale=locale, **options
        )  # type: ignore[arg-type]
        assert reply.is_error and expected in text(private_and_legal(reply, locale))
    assert digest_book.in_guild(GUILD) == []


def test_operations_on_a_channel_without_a_digest_say_so(commands: DigestCommands) -> None:
    for operation in (commands.unsubscribe, commands.resume, commands.pause):
        reply = operation(guild_id=GUILD, channel_id=CHANNEL, locale="en")
        assert reply.is_error and "<#200> does not get the milestone digest." in text(reply)


def test_preview_without_a_subscription_shows_the_defaults_in_the_askers_language(
    commands: DigestCommands, digest_book: DigestBook
) -> None:
    reply = commands.preview(guild_id=GUILD, channel_id=CHANNEL, locale="en")
    assert reply.ephemeral and not reply.is_error
    assert "Milestone digest" in text(reply)  # what subscribing with the defaults would post
    assert digest_book.for_channel(GUILD, CHANNEL) is None  # previewing subscribes nobody
    wider = commands.preview(guild_id=GUILD, channel_id=CHANNEL, window=90, locale="en")
    assert text(wider) != text(reply)
    bad = commands.preview(guild_id=GUILD, channel_id=CHANNEL, window=500, locale="en")
    assert bad.is_error and "window" in text(bad)


def test_another_server_cannot_touch_a_channels_digest(
    commands: DigestCommands, digest_book: DigestBook
) -> None:
    subscribe(digest_book, NOW)
    assert commands.unsubscribe(guild_id=GUILD + 1, channel_id=CHANNEL).is_error
    assert digest_book.for_channel(GUILD, CHANNEL) is not None


def test_unsubscribe_forgets_the_subscription_and_its_log(
    commands: DigestCommands, digest_book: DigestBook
) -> None:
    subscription = subscribe(digest_book, NOW)
    digest_book.record_missed(subscription.id, "2025-12-15T09:00", NOW, "dgx", NOW)
    reply = commands.unsubscribe(guild_id=GUILD, channel_id=CHANNEL)
    assert "<#200>의 일정 브리핑 구독을 해지했습니다." in text(private_and_legal(reply))
    assert digest_book.in_guild(GUILD) == [] and digest_book.deliveries(subscription.id) == []


def test_pause_until_a_date_then_resume(
    commands: DigestCommands, digest_book: DigestBook, clock: ManualClock
) -> None:
    subscription = subscribe(digest_book, NOW)
    reply = commands.pause(guild_id=GUILD, channel_id=CHANNEL, until="2026-01-05", locale="en")
    assert "It restarts by itself at Mon 2026-01-05 00:00 KST." in text(reply)
    paused = digest_book.get(subscription.id)
    assert paused is not None and paused.status == "paused"
    assert paused.paused_until == utc(2026, 1, 4, 15)
    listing = text(commands.list_subscriptions(guild_id=GUILD, locale="en"))
    assert "paused" in listing and "Next: Mon 2026-01-05 09:00 KST" in listing
    clock.advance(hours=1)
    resumed = commands.resume(guild_id=GUILD, channel_id=CHANNEL, locale="en")
    assert "Restarted the milestone digest of <#200>." in text(resumed)
    assert "Next: Mon 2025-12-15 09:00 KST" in text(resumed)
    active = digest_book.get(subscription.id)
    assert active is not None and (active.status, active.active_since) == ("active", clock.now)
    again = commands.resume(guild_id=GUILD, channel_id=CHANNEL, locale="en")
    assert "already running" in text(again)


@pytest.mark.parametrize("until", ["2025-12-01", "next week", "2025-12-15 00:30"])
def test_pause_until_must_be_a_future_date_or_time(
    commands: DigestCommands, digest_book: DigestBook, until: str
) -> None:
    subscribe(digest_book, NOW)
    reply = commands.pause(guild_id=GUILD, channel_id=CHANNEL, until=until)
    assert reply.is_error and "`until`은 앞으로의 날짜" in text(reply)
    subscription = digest_book.for_channel(GUILD, CHANNEL)
    assert subscription is not None and subscription.status == "active"


async def test_list_shows_each_digest_with_its_next_run_and_last_delivery(
    store: FactStore, commands: DigestCommands, digest_book: DigestBook, clock: ManualClock
) -> None:
    subscribe(digest_book, NOW, "daily 09:00", channel_id=201)
    subscribe(digest_book, NOW, "weekly fri 18:00", channel_id=202)
    subscribe(digest_book, NOW, "daily 09:00", channel_id=203)
    digest_book.set_status(3, "disabled", NOW, reason="channel_gone")
    clock.now = utc(2025, 12, 15, 0, 30)  # 09:30 in Seoul, half an hour late
    await DigestEngine(store, digest_book, RecordingPoster(), clock=clock).deliver_due()
    reply = private_and_legal(commands.list_subscriptions(guild_id=GUILD))
    fields = reply.cards[0].fields
    assert [f.name for f in fields] == ["매일 09:00", "매주 금 18:00", "매일 09:00"]
    assert fields[0].lines[0] == "<#201> · 실행 중"
    assert fields[0].lines[2:] == (
        "다음: 2025-12-16 (화) 09:00 KST",
        "최근: 2025-12-15 (월) 09:00 KST · 보냄 (늦게)",
    )
    assert fields[1].lines[2:] == ("다음: 2025-12-19 (금) 18:00 KST", "최근: 아직 없음")
    assert fields[2].lines[0] == "<#203> · 중단됨 (채널 없음)"
    assert not any(line.startswith("다음") for line in fields[2].lines)
    empty = commands.list_subscriptions(guild_id=GUILD + 1, locale="en")
    assert "No channel here gets the milestone digest" in text(empty)


async def test_preview_is_exactly_what_would_be_posted_now(
    store: FactStore, commands: DigestCommands, digest_book: DigestBook, clock: ManualClock
) -> None:
    subscribe(digest_book, NOW, window_days=30)
    clock.now = utc(2025, 12, 15, 0, 0, 5)
    preview = commands.preview(guild_id=GUILD, channel_id=CHANNEL)
    poster = RecordingPoster()
    await DigestEngine(store, digest_book, poster, clock=clock).deliver_due()
    posted = [p["embeds"] for p in poster.posts[0].payloads]
    assert [p["embeds"] for p in reply_payloads(preview, "ko")] == posted
    assert preview.ephemeral


def test_preview_of_an_empty_digest_that_would_be_skipped_says_so(
    commands: DigestCommands, digest_book: DigestBook, clock: ManualClock
) -> None:
    clock.now = utc(2031, 1, 1)
    subscribe(digest_book, clock.now, window_days=7, post_empty=False, language="en")
    preview = commands.preview(guild_id=GUILD, channel_id=CHANNEL, locale="en")
    assert "nothing would be posted now" in (preview.cards[0].description or "")
    assert "Nothing is due in the next 7 days" in (preview.cards[1].description or "")


def test_on_change_is_told_about_every_change(store: FactStore, digest_book: DigestBook) -> None:
    changes: list[str] = []
    commands = DigestCommands(
        store, digest_book, clock=ManualClock(NOW), on_change=lambda: changes.append("changed")
    )
    commands.subscribe(guild_id=GUILD, channel_id=CHANNEL, user_id=USER, schedule="daily 09:00")
    commands.pause(guild_id=GUILD, channel_id=CHANNEL)
    commands.resume(guild_id=GUILD, channel_id=CHANNEL)
    commands.unsubscribe(guild_id=GUILD, channel_id=CHANNEL)
    commands.subscribe(guild_id=GUILD, channel_id=CHANNEL, user_id=USER, schedule="nonsense")
    assert len(changes) == 4
