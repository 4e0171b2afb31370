"""A digest cut off mid-delivery is finished from where it stopped, by the real posters.

The attempt that dies is a real delivery through the real Discord or Slack poster whose
holder names a process of this host that no longer runs; its message `k` reaches the
stand-in, whose answer never comes back (`lose_answer`), and the attempt is cancelled
there, as kill -9 would leave it: the claim held, `parts_sent` k. Another engine, as the
restarted process, then finishes the period with messages k..n-1 and posts none twice:
Discord by the nonce of each message, Slack by reading the channel for the message's
metadata.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import discord
import loopback.objects as discord_objects
import pytest
from digest_fakes import add_milestones, holder_of, utc
from loopback.server import TOKEN, LoopbackDiscord
from slack_loopback.objects import CHANNEL_ID, TEAM_ID
from slack_loopback.server import BOT_TOKEN, SlackStandIn
from slack_sdk.web.async_client import AsyncWebClient

from bot.digest.content import build_digest
from bot.digest.delivery import DigestEngine, Poster, digest_nonce
from bot.digest.schedule import parse_schedule
from bot.digest.subscriptions import SENT, DigestBook, Settings, Subscription
from bot.discord_adapter.client import point_at
from bot.discord_adapter.poster import DiscordPoster
from bot.discord_adapter.poster import reply_messages as discord_messages
from bot.ids import discord as discord_ids
from bot.ids import slack as slack_ids
from bot.render.slack_blocks import reply_messages as slack_messages
from bot.slack_adapter.poster import (
    CLOCK_SKEW,
    DIGEST_EVENT,
    HISTORY_PAGES,
    ChannelPacer,
    SlackPoster,
)
from store.fact_store import FactStore

NOW = utc(2025, 12, 15, 14, 50, 30)  # 23:50:30 in Seoul: the daily 23:50 run is due
PERIOD = "2025-12-15T23:50"
# When the restarted process finishes it: the next day in Seoul, whose digest would differ.
LATER = NOW + timedelta(minutes=20)
# Enough milestones for a digest of several messages on both platforms.
MILESTONES = 280
KILLED_AT = 1  # the attempt dies with message 1 posted and its answer lost


def dead_holder() -> str:
    """The holder name of a process of this host that has exited (its pid is free)."""
    child = subprocess.Popen(["true"])
    child.wait()
    return holder_of(child.pid)


async def wait_until(condition: Callable[[], object], seconds: float = 30.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():
            await asyncio.sleep(0.01)


def subscribe(book: DigestBook, place: str, scope: str, actor: str) -> Subscription:
    settings = Settings(parse_schedule("daily 23:50"), "Asia/Seoul", 14, "ko", True)
    subscription, _ = book.subscribe(
        scope=scope, place=place, actor=actor, settings=settings, revision=1,
        now=NOW - timedelta(days=1),
    )  # fmt: skip
    return subscription


@pytest.fixture
def crowded(store: FactStore) -> FactStore:
    add_milestones(store, ["2025-12-15"] * MILESTONES, date(2025, 12, 15))
    return store


async def kill_mid_message(
    store: FactStore, db_path: Path, poster: Poster, arrived: Callable[[], bool]
) -> None:
    """Deliver as a process that is gone until `arrived()` (message `KILLED_AT` is in the
    channel, its answer held back), then stop the attempt dead."""
    book = DigestBook.open(db_path)
    engine = DigestEngine(store, book, [poster], clock=lambda: NOW, holder=dead_holder())
    attempt = asyncio.create_task(engine.deliver_due())
    try:
        await wait_until(arrived)
    finally:
        attempt.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await attempt
        await engine.drain(timeout=0)  # the delivery itself, which a stop would wait for
        book.close()


async def finish(store: FactStore, digest_book: DigestBook, poster: Poster) -> None:
    """The restarted process: one sweep finishes the period, a second posts nothing."""
    engine = DigestEngine(store, digest_book, [poster], clock=lambda: LATER)
    [outcome] = await engine.deliver_due()
    assert (outcome.period, outcome.status) == (PERIOD, SENT)
    assert await engine.deliver_due() == []


# --- Discord ----------------------------------------------------------------------------


@pytest.fixture
async def discord_poster() -> AsyncIterator[tuple[DiscordPoster, LoopbackDiscord]]:
    server = LoopbackDiscord()
    await server.start()
    point_at(server.api_base, None)
    client = discord.Client(intents=discord.Intents(guilds=True))
    try:
        await client.login(TOKEN)
        yield DiscordPoster(client, None), server
    finally:
        await client.close()
        await server.stop()
        point_at(None, None)
    assert server.violations == []


async def test_discord_finishes_a_killed_delivery_with_the_messages_it_lacked(
    crowded: FactStore,
    db_path: Path,
    digest_book: DigestBook,
    discord_poster: tuple[DiscordPoster, LoopbackDiscord],
) -> None:
    poster, server = discord_poster
    channel = discord_objects.CHANNEL_ID
    guild = discord_objects.GUILD_ID
    subscription = subscribe(
        digest_book, discord_ids.place(guild, channel), discord_ids.scope(guild),
        discord_ids.actor(discord_objects.USER_ID),
    )  # fmt: skip
    whole = discord_messages(build_digest(crowded, subscription, NOW).reply, "ko")
    total = len(whole)
    assert total >= 3
    path = rf"/channels/{channel}/messages"
    server.lose_answer("POST", path, after=KILLED_AT)

    await kill_mid_message(
        crowded, db_path, poster,
        lambda: len(server.channel_messages(channel)) == KILLED_AT + 1,
    )  # fmt: skip
    [left] = digest_book.deliveries(subscription.id)
    assert (left.status, left.parts_sent) == ("claimed", KILLED_AT)

    await finish(crowded, digest_book, poster)

    key = digest_nonce(subscription.id, PERIOD)
    sent = [r.body["nonce"] for r in server.requests_to("POST", path)]
    # Message 1 is sent again with its nonce (Discord answers with the one it has); 0 is not.
    assert sent == [f"{key}-{n}" for n in (0, 1, *range(KILLED_AT, total))]
    messages = server.channel_messages(channel)
    # Together the messages are the digest as the first attempt built it: the rest is not
    # built anew on the next day, where it would not continue the first part.
    sent_embeds = [m["embeds"] for m in messages]
    built = [o.payload["embeds"] for o in whole]
    assert [[{k: e.get(k) for k in b} for e, b in zip(s, w, strict=True)]
            for s, w in zip(sent_embeds, built, strict=True)] == built  # fmt: skip
    [done] = digest_book.deliveries(subscription.id)
    assert (done.status, done.parts_sent, done.message_id) == (SENT, total, messages[0]["id"])


# --- Slack ------------------------------------------------------------------------------


def slack_poster(standin: SlackStandIn) -> SlackPoster:
    client = AsyncWebClient(token=BOT_TOKEN, base_url=standin.api_base)
    return SlackPoster(client, None, ChannelPacer(0.0))


@pytest.fixture
def slack_subscription(digest_book: DigestBook) -> Subscription:
    return subscribe(
        digest_book, slack_ids.place(TEAM_ID, CHANNEL_ID), slack_ids.scope(TEAM_ID),
        slack_ids.actor(TEAM_ID, "U0ADMIN001"),
    )  # fmt: skip


def digest_parts(standin: SlackStandIn) -> list[int]:
    """The part number of every digest message in the channel, oldest first."""
    return [
        m.body["metadata"]["event_payload"]["part"]
        for m in standin.channel_messages(CHANNEL_ID)
        if m.body.get("metadata", {}).get("event_type") == DIGEST_EVENT
    ]


@pytest.fixture
def killed_slack_delivery(
    crowded: FactStore,
    db_path: Path,
    slack_standin: SlackStandIn,
    slack_subscription: Subscription,
) -> Callable[[], Awaitable[int]]:
    """Deliver the Slack digest until message `KILLED_AT` went out unanswered; the killing
    returns how many messages the whole digest has."""
    total = len(slack_messages(build_digest(crowded, slack_subscription, NOW).reply, "ko"))
    assert total >= 3
    slack_standin.lose_answer("chat.postMessage", after=KILLED_AT)

    async def kill() -> int:
        await kill_mid_message(
            crowded, db_path, slack_poster(slack_standin),
            lambda: len(digest_parts(slack_standin)) == KILLED_AT + 1,
        )  # fmt: skip
        return total

    return kill


async def test_slack_finds_the_message_that_went_out_as_it_died_and_posts_only_the_rest(
    crowded: FactStore,
    digest_book: DigestBook,
    slack_standin: SlackStandIn,
    slack_subscription: Subscription,
    killed_slack_delivery: Callable[[], Awaitable[int]],
) -> None:
    total = await killed_slack_delivery()

    await finish(crowded, digest_book, slack_poster(slack_standin))

    assert digest_parts(slack_standin) == list(range(total))
    assert len(slack_standin.calls_to("chat.postMessage")) == total
    [history] = slack_standin.calls_to("conversations.history")
    assert str(history.args["include_all_metadata"]).lower() in ("1", "true")
    [done] = digest_book.deliveries(slack_subscription.id)
    first = slack_standin.channel_messages(CHANNEL_ID)[0]
    assert (done.status, done.parts_sent, done.message_id) == (SENT, total, first.ts)


async def test_slack_without_history_posts_the_unsure_message_again_and_says_so(
    crowded: FactStore,
    digest_book: DigestBook,
    slack_standin: SlackStandIn,
    killed_slack_delivery: Callable[[], Awaitable[int]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    total = await killed_slack_delivery()
    slack_standin.scopes.discard("channels:history")

    with caplog.at_level(logging.WARNING, logger="bot.slack_adapter.poster"):
        await finish(crowded, digest_book, slack_poster(slack_standin))

    parts = list(range(total))
    assert digest_parts(slack_standin) == sorted([*parts, KILLED_AT])
    assert "posting it again" in caplog.text and "missing_scope" in caplog.text


@pytest.mark.parametrize(
    ("chatter", "pages", "reposted"), [(450, 3, False), (2050, HISTORY_PAGES, True)]
)
async def test_slack_reads_back_through_a_busy_channel_as_far_as_the_digests_run(
    crowded: FactStore,
    digest_book: DigestBook,
    slack_standin: SlackStandIn,
    killed_slack_delivery: Callable[[], Awaitable[int]],
    caplog: pytest.LogCaptureFixture,
    chatter: int,
    pages: int,
    reposted: bool,
) -> None:
    """Members kept talking after the message went out: the channel is read page by page
    from the newest message back to the digest's run, and past `HISTORY_PAGES` pages the
    message is posted again rather than the digest waiting on the channel."""
    total = await killed_slack_delivery()
    for n in range(chatter):
        slack_standin.say(CHANNEL_ID, f"회의 메모 {n}")

    with caplog.at_level(logging.WARNING, logger="bot.slack_adapter.poster"):
        await finish(crowded, digest_book, slack_poster(slack_standin))

    parts = list(range(total))
    assert digest_parts(slack_standin) == sorted([*parts, *[KILLED_AT] * reposted])
    reads = slack_standin.calls_to("conversations.history")
    assert len(reads) == pages
    run = datetime.fromisoformat(PERIOD).replace(tzinfo=ZoneInfo("Asia/Seoul"))
    assert {float(r.args["oldest"]) for r in reads} == {(run - CLOCK_SKEW).timestamp()}
    assert ("more than 2000 messages" in caplog.text) == reposted
