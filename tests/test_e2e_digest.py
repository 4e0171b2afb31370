"""Digests end to end: `/digest` through the real client, APScheduler firing under a
moved wall clock, and the digest arriving in a loopback channel as Discord would get it.

`time-machine` moves the wall clock (which APScheduler and the engine read) while the
event loop keeps real monotonic time, so a run set half a second ahead really fires.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import loopback.objects as obj
import pytest
import time_machine
from loopback.harness import LoopbackBot

from bot.config import Config
from bot.ids import discord as ids
from store.db import write_transaction
from store.fact_store import FactStore
from store.milestone_edits import add_milestone

ADMIN_ROLE = obj.ADMIN_ROLE_ID
CHANNEL_MESSAGES = rf"/channels/{obj.CHANNEL_ID}/messages"
LEAD = timedelta(milliseconds=500)
# 08:00 UTC on 14 Dec 2025 is 17:00 in Seoul: the late-December milestones are ahead.
START = datetime(2025, 12, 14, 8, 0, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(START, tick=True) as traveller:
        yield traveller


@pytest.fixture
async def digest_bot(
    store: FactStore, tmp_path: Path, clock: time_machine.Coordinates
) -> AsyncIterator[LoopbackBot]:
    config = Config(store_path=store.path, guild_ids=(obj.GUILD_ID,), admin_role_ids=(ADMIN_ROLE,))
    async with LoopbackBot(store, tmp_path, config=config) as running:
        yield running
    assert running.server.violations == []


async def wait_until(condition: Callable[[], object], seconds: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out waiting"
        await asyncio.sleep(0.02)


async def move_clock(bot: LoopbackBot, clock: time_machine.Coordinates, when: datetime) -> None:
    """Set the wall clock, then let APScheduler look again (as after a clock jump)."""
    clock.move_to(when)
    assert bot.bot is not None and bot.bot.app.digests is not None
    scheduler = bot.bot.app.digests.scheduler.scheduler
    assert scheduler is not None
    scheduler.wakeup()
    await asyncio.sleep(0.05)


async def subscribe(bot: LoopbackBot, **options: Any) -> str:
    exchange = await bot.command(
        "digest", "subscribe", permissions=obj.ADMIN_PERMISSIONS,
        channel=obj.CHANNEL_ID, **options,
    )  # fmt: skip
    assert exchange.ephemeral and exchange.messages, exchange.requests
    return exchange.text


def posted(bot: LoopbackBot, channel_id: int = obj.CHANNEL_ID) -> list[dict[str, Any]]:
    return bot.server.channel_messages(channel_id)


async def assert_a_restart_posts_nothing_more(bot: LoopbackBot) -> None:
    """A restart within the same period (catch-up included) does not post again."""
    await bot.restart()
    await asyncio.sleep(0.3)
    assert len(posted(bot)) == 1


async def test_subscribing_echoes_the_next_three_runs(digest_bot: LoopbackBot) -> None:
    text = await subscribe(digest_bot, schedule="daily 09:00")
    for day in ("2025-12-15", "2025-12-16", "2025-12-17"):
        assert f"{day} " in text, text


async def test_a_subscription_posts_at_its_time_once(
    digest_bot: LoopbackBot, clock: time_machine.Coordinates
) -> None:
    await subscribe(digest_bot, schedule="daily 09:00")
    await move_clock(digest_bot, clock, utc(2025, 12, 15, 0, 0) - LEAD)  # 09:00 KST
    await wait_until(lambda: posted(digest_bot))
    [message] = posted(digest_bot)
    assert "일정 브리핑" in message["embeds"][0]["title"]
    assert "대국민 콘테스트" in str(message["embeds"])
    [request] = digest_bot.server.requests_to("POST", CHANNEL_MESSAGES)
    assert request.body["enforce_nonce"] is True and request.body["nonce"]
    assert request.body["allowed_mentions"]["parse"] == []
    await assert_a_restart_posts_nothing_more(digest_bot)


async def test_a_run_missed_while_down_is_posted_once_late(
    digest_bot: LoopbackBot, clock: time_machine.Coordinates
) -> None:
    await subscribe(digest_bot, schedule="daily 09:00", language="en")
    await digest_bot.stop_bot()
    clock.move_to(utc(2025, 12, 15, 2, 0))  # 11:00 KST: two hours late, within the grace
    await digest_bot.start_bot()
    await wait_until(lambda: posted(digest_bot))
    [message] = posted(digest_bot)
    assert "late" in str(message["embeds"]).lower()
    await assert_a_restart_posts_nothing_more(digest_bot)


async def test_a_run_missed_beyond_the_grace_is_skipped(
    digest_bot: LoopbackBot, clock: time_machine.Coordinates
) -> None:
    await subscribe(digest_bot, schedule="daily 09:00")
    await digest_bot.stop_bot()
    clock.move_to(utc(2025, 12, 15, 8, 0))  # 17:00 KST: eight hours late
    await digest_bot.start_bot()
    await asyncio.sleep(0.3)
    assert posted(digest_bot) == []


async def a_failed_run(
    bot: LoopbackBot, clock: time_machine.Coordinates, status: int, code: int, message: str
) -> tuple[list[dict[str, Any]], str]:
    """Subscribe, let Discord refuse the 09:00 post, and return the notice the subscriber
    got by DM and what `/digest list` says afterwards."""
    await subscribe(bot, schedule="daily 09:00")
    bot.server.fail("POST", CHANNEL_MESSAGES, status, code=code, message=message)
    await move_clock(bot, clock, utc(2025, 12, 15, 0, 0) - LEAD)
    dm_channel = obj.USER_ID + 1  # the loopback's DM channel with the subscriber
    await wait_until(lambda: posted(bot, dm_channel))
    listing = await bot.command("digest", "list", permissions=obj.ADMIN_PERMISSIONS)
    return posted(bot, dm_channel), listing.text


async def test_missing_permissions_pause_the_digest_and_tell_the_subscriber(
    digest_bot: LoopbackBot, clock: time_machine.Coordinates
) -> None:
    notice, listing = await a_failed_run(digest_bot, clock, 403, 50013, "Missing Permissions")
    assert "권한" in str(notice)
    assert "일시 중지" in listing and "권한 없음" in listing


async def test_a_deleted_channel_disables_the_digest(
    digest_bot: LoopbackBot, clock: time_machine.Coordinates
) -> None:
    _, listing = await a_failed_run(digest_bot, clock, 404, 10003, "Unknown Channel")
    assert "중단됨" in listing
    await move_clock(digest_bot, clock, utc(2025, 12, 16, 0, 0) - LEAD)
    await asyncio.sleep(1.0)
    assert len(digest_bot.server.requests_to("POST", CHANNEL_MESSAGES)) == 1


async def test_notices_go_to_the_audit_channel_when_configured(
    store: FactStore, tmp_path: Path, clock: time_machine.Coordinates
) -> None:
    config = Config(
        store_path=store.path, guild_ids=(obj.GUILD_ID,),
        digest_audit_channel_id=obj.AUDIT_CHANNEL_ID,
    )  # fmt: skip
    async with LoopbackBot(store, tmp_path, config=config) as bot:
        await subscribe(bot, schedule="daily 09:00")
        bot.server.fail("POST", CHANNEL_MESSAGES, 403, code=50013, message="Missing Permissions")
        await move_clock(bot, clock, utc(2025, 12, 15, 0, 0) - LEAD)
        await wait_until(lambda: posted(bot, obj.AUDIT_CHANNEL_ID))
    assert bot.server.violations == []


async def test_a_300_milestone_digest_stays_inside_every_limit(
    digest_bot: LoopbackBot, clock: time_machine.Coordinates
) -> None:
    program = "sovereign-ai-foundation-model"
    # 300 real edits, in one transaction to keep the test quick (each is still a revision).
    with digest_bot.store._lock, write_transaction(digest_bot.store.db):
        for number in range(300):
            add_milestone(
                digest_bot.store.db, entity=program,
                title=f"검증용 일정 {number:03d} " + "가나다라마바사" * 10,
                date="2025-12-20", source="byline-2025-foundation-kickoff", actor="console:local",
            )  # fmt: skip
    await subscribe(digest_bot, schedule="daily 09:00")
    await move_clock(digest_bot, clock, utc(2025, 12, 15, 0, 0) - LEAD)
    await wait_until(lambda: len(posted(digest_bot)) > 1)
    await asyncio.sleep(0.5)
    messages = posted(digest_bot)
    listed = sum(str(m["embeds"]).count("검증용 일정") for m in messages)
    assert listed == 300
    nonces = [r.body["nonce"] for r in digest_bot.server.requests_to("POST", CHANNEL_MESSAGES)]
    assert len(set(nonces)) == len(messages)  # each message of the digest its own nonce


async def test_dst_runs_fire_once_at_the_wall_clock_time(
    digest_bot: LoopbackBot, clock: time_machine.Coordinates
) -> None:
    """New York: 02:30 does not exist on 8 March 2026 (it goes out at 03:30 EDT), and
    01:30 happens twice on 1 November 2026 (it goes out once)."""
    clock.move_to(utc(2026, 3, 8, 5, 0))
    await subscribe(digest_bot, schedule="daily 02:30", timezone="America/New_York")
    await move_clock(digest_bot, clock, utc(2026, 3, 8, 7, 30) - LEAD)  # 03:30 EDT
    await wait_until(lambda: posted(digest_bot))
    assert len(posted(digest_bot)) == 1

    clock.move_to(utc(2026, 11, 1, 4, 0))
    await subscribe(digest_bot, schedule="daily 01:30", timezone="America/New_York")
    await move_clock(digest_bot, clock, utc(2026, 11, 1, 5, 30) - LEAD)  # 01:30 EDT
    await wait_until(lambda: len(posted(digest_bot)) == 2)
    await move_clock(digest_bot, clock, utc(2026, 11, 1, 6, 30) - LEAD)  # 01:30 EST
    await asyncio.sleep(1.0)
    assert len(posted(digest_bot)) == 2


async def test_members_without_manage_server_are_refused_and_nothing_changes(
    digest_bot: LoopbackBot,
) -> None:
    exchange = await digest_bot.command(
        "digest", "subscribe", channel=obj.CHANNEL_ID, schedule="daily 09:00"
    )
    assert exchange.ephemeral and "관리하는 사람만" in exchange.text
    listing = await digest_bot.command("digest", "list")
    assert "구독" not in listing.text or "없" in listing.text
    assert digest_bot.bot is not None and digest_bot.bot.app.digests is not None
    assert digest_bot.bot.app.digests.book.in_scope(ids.scope(obj.GUILD_ID)) == []


async def test_a_configured_admin_role_may_subscribe(digest_bot: LoopbackBot) -> None:
    exchange = await digest_bot.command(
        "digest", "subscribe", roles=(ADMIN_ROLE,), channel=obj.CHANNEL_ID,
        schedule="weekly mon 09:00",
    )  # fmt: skip
    assert exchange.ephemeral and "관리하는 사람만" not in exchange.text
    assert digest_bot.bot is not None and digest_bot.bot.app.digests is not None
    assert len(digest_bot.bot.app.digests.book.in_scope(ids.scope(obj.GUILD_ID))) == 1


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [("every day", "daily 09:00"), ("0 9 * *", "0 9 * * 1-5"), ("daily 25:00", "25:00")],
)
async def test_a_bad_schedule_is_explained(
    digest_bot: LoopbackBot, schedule: str, expected: str
) -> None:
    exchange = await digest_bot.command(
        "digest", "subscribe", permissions=obj.ADMIN_PERMISSIONS, locale="en-US",
        channel=obj.CHANNEL_ID, schedule=schedule,
    )  # fmt: skip
    assert exchange.ephemeral and expected in exchange.text, exchange.text


async def test_anyone_may_preview_privately(digest_bot: LoopbackBot) -> None:
    """A member without Manage Server sees `/digest-preview` (it is not inside the hidden
    `/digest` group) and gets the digest privately; nothing is posted or subscribed."""
    synced = {c["name"]: c for c in digest_bot.server.commands[str(obj.GUILD_ID)]}
    assert synced["digest-preview"]["default_member_permissions"] is None
    exchange = await digest_bot.command("digest-preview", window=30, locale="en-US")
    assert exchange.ephemeral and "Milestone digest" in exchange.text
    assert posted(digest_bot) == []
    assert digest_bot.bot is not None
    assert digest_bot.bot.app.digests.book.in_scope(ids.scope(obj.GUILD_ID)) == []


async def test_pause_and_resume(digest_bot: LoopbackBot) -> None:
    await subscribe(digest_bot, schedule="daily 09:00")
    paused = await digest_bot.command(
        "digest", "pause", permissions=obj.ADMIN_PERMISSIONS, channel=obj.CHANNEL_ID,
        until="2025-12-31",
    )  # fmt: skip
    assert "2025-12-31" in paused.text
    bad = await digest_bot.command(
        "digest", "pause", permissions=obj.ADMIN_PERMISSIONS, channel=obj.CHANNEL_ID,
        until="yesterday",
    )  # fmt: skip
    assert bad.ephemeral and "yesterday" in bad.text
    resumed = await digest_bot.command(
        "digest", "resume", permissions=obj.ADMIN_PERMISSIONS, channel=obj.CHANNEL_ID
    )
    assert resumed.ephemeral and resumed.messages


async def test_schedule_and_timezone_autocomplete(digest_bot: LoopbackBot) -> None:
    schedules = await digest_bot.autocomplete(
        "digest", "subscribe", focused="schedule", channel=obj.CHANNEL_ID, schedule="week"
    )
    assert any(c["value"].startswith("weekly") for c in schedules.choices)
    zones = await digest_bot.autocomplete(
        "digest", "subscribe", focused="timezone", channel=obj.CHANNEL_ID, schedule="daily 09:00",
        timezone="new york",
    )  # fmt: skip
    assert [c["value"] for c in zones.choices] == ["America/New_York"]
