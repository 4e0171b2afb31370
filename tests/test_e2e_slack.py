"""The Slack front end end to end: the production `SlackFrontEnd`, started by the runner as
`python -m bot` starts it, driven through the real slack-bolt by the Slack stand-in over
Socket Mode and HTTP, on a real store file.

Every test ends with the stand-in's check that nothing the bot sent broke Slack's rules or
ours (limits, an ack within 3 s, no ping): the `slack_standin` fixture fails it otherwise.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import loopback.objects as discord_objects
import pytest
from conftest import LOOPBACK_TODAY
from loopback.harness import LoopbackBot
from loopback.server import TOKEN
from slack_bot import SlackBot
from slack_loopback.harness import Exchange
from slack_loopback.objects import ADMIN_USER_ID, CHANNEL_ID, USER_ID, Channel, Message, User
from slack_loopback.server import SlackStandIn, ViewRecord

from bot.app import App
from bot.briefing.answers import Invocation
from bot.briefing.model import Answer
from bot.config import Config
from bot.digest.subscriptions import DISABLED, PAUSED
from bot.discord_adapter.client import DiscordFrontEnd
from bot.discord_adapter.poster import DiscordPoster
from bot.ids import slack as ids
from bot.run import FrontEnd
from bot.slack_adapter.poster import SlackPoster
from store.fact_store import FactStore

ENGLISH_USER = "U0ENGLISH1"
AUDIT_CHANNEL = "C0AUDIT001"
SOURCE = "byline-2025-foundation-kickoff"
TEAM = "T0LOOPBACK"
CONTEST = 5  # the 대국민 콘테스트 milestone of the bundled data set
MODES = ["socket", "http"]


def slack_config(store: FactStore, **overrides: object) -> Config:
    """The configured admin (by Slack user id) and the audit channel."""
    config = Config(
        store_path=store.path,
        slack_admin_user_ids=(ADMIN_USER_ID,),
        slack_audit_channel=AUDIT_CHANNEL,
    )
    return replace(config, **overrides)


def with_cast(standin: SlackStandIn) -> SlackStandIn:
    """An English-speaking member who is not an admin, and the audit channel."""
    standin.users[ENGLISH_USER] = User(ENGLISH_USER, "reader", locale="en-GB")
    standin.channels[AUDIT_CHANNEL] = Channel(AUDIT_CHANNEL, "audit")
    return standin


class MovableClock:
    """The app's clock, set by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


# Noon in Seoul on the end-to-end tests' day.
LOOKUP_TIME = datetime(2025, 11, 20, 3, 0, tzinfo=UTC)
assert LOOKUP_TIME.date() == LOOPBACK_TODAY


@pytest.fixture(params=MODES)
async def slack(
    request: pytest.FixtureRequest, slack_standin: SlackStandIn, store: FactStore
) -> AsyncIterator[SlackBot]:
    """The bot in Socket Mode and in HTTP mode."""
    config = slack_config(store)
    async with SlackBot(
        with_cast(slack_standin), store, config=config, mode=request.param,
        clock=MovableClock(LOOKUP_TIME),
    ) as running:  # fmt: skip
        yield running


@pytest.fixture
async def socket_slack(slack_standin: SlackStandIn, store: FactStore) -> AsyncIterator[SlackBot]:
    config = slack_config(store)
    async with SlackBot(
        with_cast(slack_standin), store, config=config, clock=MovableClock(LOOKUP_TIME)
    ) as running:
        yield running


def answered(exchange: Exchange, *, private: bool) -> list[Message]:
    """The messages an exchange produced where it was asked (not the audit echo), after an
    empty ack within 3 s, each seen by the asker alone when `private`."""
    assert exchange.delivery.acked and exchange.ack is None
    assert exchange.latency < 3 and not exchange.delivery.late
    messages = [m for m in exchange.messages if m.channel == CHANNEL_ID]
    assert messages, "no answer"
    assert {m.ephemeral for m in messages} == {private}, exchange.text
    return messages


def headers(shown: Iterable[Message | ViewRecord]) -> list[str]:
    """The titles of the cards in messages or views, in order."""
    return [
        block["text"]["text"]
        for message in shown
        for block in message.body.get("blocks", [])
        if block["type"] == "header"
    ]


def database_bytes(store: FactStore) -> str:
    """The store file and its WAL, as bytes on disk (a digest of them)."""
    digest = hashlib.sha256()
    for path in (store.path, Path(f"{store.path}-wal")):
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()


@dataclass(frozen=True)
class Asked:
    """A slash command, the header it answers with in Korean and in English, and whether
    only the asker sees it."""

    slash: str
    text: str
    ko: str
    en: str
    private: bool


REFUSED = ("요청을 처리할 수 없습니다", "I could not do that")
EVERY_COMMAND = [
    Asked("/program", "국가 AI 연구거점", "국가 AI 연구거점 (National AI Research Lab)",
          "National AI Research Lab (국가 AI 연구거점)", False),
    Asked("/institution", "ETRI", "한국전자통신연구원 (ETRI)",
          "Electronics and Telecommunications Research Institute (ETRI)", False),
    Asked("/milestones", "days:60", "다가오는 일정 · 2025-11-20 ~ 2026-01-19",
          "Upcoming milestones · 2025-11-20 – 2026-01-19", False),
    Asked("/search", "946억", "검색: 946억", "Search: 946억", False),
    Asked("/about", "", "briefbot이 아는 것", "What briefbot knows", False),
    Asked("/digest", "preview", "📅 일정 브리핑 · 2025-11-20 ~ 2025-12-04",
          "📅 Milestone digest · 2025-11-20 – 2025-12-04", True),
    Asked("/fact", "history entity:KAIST", "이력: 한국과학기술원",
          "History: Korea Advanced Institute of Science and Technology", True),
    Asked("/milestone", f"done milestone:{CONTEST}", *REFUSED, True),
    Asked("/entity", f"add kind:company name_ko:테스트 source:{SOURCE}", *REFUSED, True),
    Asked("/alias", "add entity:ETRI alias:전자연", *REFUSED, True),
    Asked("/source", "add title:새 기사 publisher:테스트일보 published:2025-12-01", *REFUSED, True),
]  # fmt: skip


@pytest.mark.parametrize("locale", ["ko", "en"])
@pytest.mark.parametrize("asked", EVERY_COMMAND, ids=[a.slash for a in EVERY_COMMAND])
async def test_every_command_in_the_users_language(
    socket_slack: SlackBot, asked: Asked, locale: str
) -> None:
    """The asker's language comes from users.info; lookups answer in the channel, the
    rest to the asker alone; a change by a member who is no admin is refused."""
    user = USER_ID if locale == "ko" else ENGLISH_USER
    before = socket_slack.store.revision()

    exchange = await socket_slack.user.command(asked.slash, asked.text, user=user)

    messages = answered(exchange, private=asked.private)
    assert headers(messages)[0].removeprefix(":warning: ") == (
        asked.ko if locale == "ko" else asked.en
    )
    assert socket_slack.store.revision() == before


async def test_a_slow_answer_is_acked_at_once_and_sent_when_ready(
    slack: SlackBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slack's delivery took 1.5 s of its 3 and the store takes 2 s more: only a bot that
    acks before it works keeps the deadline; the answer follows through response_url."""
    assert slack.app is not None
    answer = slack.app.answer

    def slow_store(invocation: Invocation) -> Answer:
        time.sleep(2.0)
        return answer(invocation)

    monkeypatch.setattr(slack.app, "answer", slow_store)

    exchange = await slack.user.command("/about", late_by=1.5)

    assert headers(answered(exchange, private=False)) == ["briefbot이 아는 것"]


async def test_users_info_is_asked_once_per_user(socket_slack: SlackBot) -> None:
    await socket_slack.user.command("/about")
    await socket_slack.user.command("/search", "KAIST")

    calls = socket_slack.standin.calls_to("users.info")
    assert [c.args["user"] for c in calls] == [USER_ID]
    assert calls[0].args["include_locale"] in (True, "true", "1")


async def test_the_umbrella_and_a_prefix_reach_the_same_commands(
    slack_standin: SlackStandIn, store: FactStore
) -> None:
    config = slack_config(store, slack_command_prefix="brief-")
    async with SlackBot(slack_standin, store, config=config, today=LOOPBACK_TODAY) as bot:
        prefixed = await bot.user.command("/brief-institution", "KAIST")
        umbrella = await bot.user.command("/brief", "institution KAIST")
        usage = await bot.user.command("/brief")

    assert headers(answered(prefixed, private=False)) == headers(answered(umbrella, private=False))
    assert "`/brief-program`" in usage.text and "`/brief-digest`" in usage.text
    assert answered(usage, private=True)


async def test_a_name_is_picked_in_a_modal(slack: SlackBot) -> None:
    """`/program` alone opens a modal whose select suggests names as they are typed (초성
    too); the card of the one picked answers in the channel the command came from."""
    opened = await slack.user.command("/program")
    modal = slack.standin.open_modal(USER_ID)
    assert modal is not None and opened.messages == []

    by_initials = await slack.user.suggest("bb:name", "ㅇㄱㄱㅈ", on=modal)
    by_part = await slack.user.suggest("bb:name", "연구거점", on=modal)
    options = by_part.ack["options"]
    picked = await slack.user.submit(modal, {"bb:name": options[0]})

    assert [o["value"] for o in by_initials.ack["options"]] == ["national-ai-research-lab"]
    assert options[0]["text"]["text"].startswith("국가 AI 연구거점")
    assert picked.ack is None and not modal.open
    card, timeline = answered(picked, private=False)
    assert card.channel == CHANNEL_ID and "946억" in picked.text
    assert timeline.via == "files.completeUploadExternal", "the program's timeline, beside it"


async def test_a_slow_users_info_does_not_delay_the_suggestions(
    socket_slack: SlackBot,
) -> None:
    """Options must come in the ack: when Slack is slow to say who is typing, they come in
    the configured language (Korean, where this user reads English) rather than late."""
    standin = socket_slack.standin
    await socket_slack.user.command("/institution", user=ADMIN_USER_ID)
    modal = standin.open_modal(ADMIN_USER_ID)
    assert modal is not None
    standin.users["U0NEWCOMER"] = User("U0NEWCOMER", "newcomer", locale="en-US")
    standin.slow("users.info", 1.0)

    suggested = await socket_slack.user.suggest("bb:name", "ETRI", on=modal, user="U0NEWCOMER")

    assert suggested.ack["options"][0]["text"]["text"] == "한국전자통신연구원 (ETRI)"
    await standin.wait_until(
        lambda: all(c.answered_at for c in standin.calls_to("users.info")), "users.info hangs"
    )


async def test_socket_mode_reconnects_when_slack_asks(socket_slack: SlackBot) -> None:
    standin = socket_slack.standin
    await standin.send_disconnect()
    await standin.wait_until(
        lambda: standin.connections == 2 and standin.open_connections == 1, "no reconnect"
    )

    exchange = await socket_slack.user.command("/about")

    assert answered(exchange, private=False)


async def test_search_pages_turn_in_place(slack: SlackBot) -> None:
    first = (await slack.user.command("/search", "AI")).messages[-1]

    turned = await slack.user.click("bb:page:next", on=first)

    assert turned.messages == [] and "2/15쪽" in str(first.body["blocks"]), first.body
    back = await slack.user.click("bb:page:previous", on=first)
    assert back.messages == [] and "1/15쪽" in str(first.body["blocks"])


async def test_an_ambiguous_name_offers_picks_and_a_pick_answers_in_the_channel(
    socket_slack: SlackBot,
) -> None:
    asked = await socket_slack.user.command("/program", "sovereign", user=ENGLISH_USER)
    [picker] = answered(asked, private=True)

    picked = await socket_slack.user.click("bb:pick:0", on=picker, user=ENGLISH_USER)

    card, timeline = answered(picked, private=False)
    assert headers([card]) == [
        "Sovereign AI Foundation Model Project (독자 AI 파운데이션 모델 프로젝트)"
    ]
    [picture] = timeline.body["files"]  # the picked program's timeline, beside its card
    assert picture["name"] == "timeline-sovereign-ai-foundation-model.png"
    assert picker.deleted


async def test_the_app_home_shows_digests_to_admins_and_the_next_30_days_to_all(
    socket_slack: SlackBot,
) -> None:
    await subscribe(socket_slack, CHANNEL_ID, "briefings")

    await socket_slack.user.event({"type": "app_home_opened", "user": ADMIN_USER_ID, "tab": "home"})
    await socket_slack.user.event({"type": "app_home_opened", "user": USER_ID, "tab": "home"})

    admin, member = (socket_slack.standin.home(u) for u in (ADMIN_USER_ID, USER_ID))
    assert admin is not None and member is not None
    assert headers([admin])[:2] == [
        "Milestone digests here", "Upcoming milestones · 2025-11-20 – 2025-12-20"
    ]  # fmt: skip
    assert "<#C0BRIEFING>" in str(admin.body)
    assert headers([member]) == ["다가오는 일정 · 2025-11-20 ~ 2025-12-20"]


async def test_a_crash_is_logged_and_the_user_told(
    socket_slack: SlackBot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The one error handler: any failure after the ack reaches the user as an apology."""
    assert socket_slack.app is not None

    def broken(invocation: object) -> None:
        raise RuntimeError("the store is on fire")

    monkeypatch.setattr(socket_slack.app, "answer", broken)

    exchange = await socket_slack.user.command("/about")

    assert answered(exchange, private=True)
    assert "예상치 못한 오류" in exchange.text
    assert "the store is on fire" in caplog.text


@pytest.fixture
def everyone_fact(store: FactStore) -> str:
    """A fact whose text would ping the whole workspace if it were not escaped."""
    text = "<!everyone> <!here> <@U0TESTER01> <!subteam^S0TEAM|@team> *공지* & 더"
    store.set_fact(
        entity="KAIST", attribute="note", value=text, source=SOURCE, actor="console:local",
        add=True,
    )  # fmt: skip
    return text


async def test_a_fact_that_would_ping_everyone_is_shown_as_text(
    everyone_fact: str, slack: SlackBot
) -> None:
    exchange = await slack.user.command("/institution", "KAIST")

    answered(exchange, private=False)
    assert "&lt;!everyone&gt; &lt;!here&gt; &lt;@U0TESTER01&gt;" in exchange.text
    assert "&lt;!subteam^S0TEAM|@team&gt; ∗공지∗ &amp; 더" in exchange.text
    assert all("link_names" not in post.body for post in exchange.posts)


async def test_a_card_too_long_for_one_message_arrives_whole_in_several(
    store: FactStore, slack: SlackBot
) -> None:
    """Twenty statements of 1,000 characters: more than one message holds (Slack would
    refuse the blocks as `msg_blocks_too_long`), so the card comes in several, every line
    in one."""
    notes = [f"{number:02d} " + "가나다라마바사 " * 124 for number in range(20)]
    for number, note in enumerate(notes):
        store.set_fact(entity="ETRI", attribute=("note", "topic")[number % 2], value=note,
                       source=SOURCE, actor="console:local", add=True)  # fmt: skip

    exchange = await slack.user.command("/institution", "ETRI")

    messages = answered(exchange, private=False)
    assert len(messages) > 1 and [p.status for p in exchange.posts] == [200] * len(messages)
    assert all(note.strip() in exchange.text for note in notes)


# --- admin edits ----------------------------------------------------------------------


async def test_an_admin_edit_is_a_revision_echoed_to_the_audit_channel(slack: SlackBot) -> None:
    store = slack.store
    before = store.revision()

    done = await slack.user.command(
        "/fact",
        f"set entity:KAIST attribute:budget value:1000억원 source:{SOURCE} reason:예산안 반영",
        user=ADMIN_USER_ID,
    )

    assert len(answered(done, private=True)) == 1
    assert store.revision() == before + 1
    assert f"#{before + 1}" in done.text and "/fact revert" in done.text
    [revision] = store.history("KAIST", "budget", limit=1)
    assert revision.actor == ids.actor(TEAM, ADMIN_USER_ID)
    [echo] = slack.standin.channel_messages(AUDIT_CHANNEL)
    assert echo.via == "chat.postMessage" and f"#{before + 1}" in echo.body["text"]


@pytest.mark.parametrize("mode", MODES)
async def test_a_stranger_is_refused_and_the_database_is_untouched(
    slack_standin: SlackStandIn, store: FactStore, mode: str
) -> None:
    config = slack_config(store)
    async with SlackBot(slack_standin, store, config=config, mode=mode) as bot:  # type: ignore[arg-type]
        before = database_bytes(store)
        refused = await bot.user.command(
            "/fact", f"set entity:KAIST attribute:budget value:1원 source:{SOURCE}"
        )
        form = await bot.user.command("/fact", "edit entity:KAIST attribute:budget")
        # Read before the bot stops: stopping hands the digest leader lease back (a write).
        after = database_bytes(store)

    assert "관리자" in refused.text and answered(refused, private=True)
    assert slack_standin.open_modal(USER_ID) is None and answered(form, private=True)
    assert after == before
    assert slack_standin.channel_messages(AUDIT_CHANNEL) == []


async def test_a_form_edits_with_the_current_values_and_a_stale_one_is_refused(
    slack: SlackBot,
) -> None:
    store = slack.store
    await slack.user.command(
        "/fact", "edit entity:국가 AI 연구거점 attribute:budget", user=ADMIN_USER_ID
    )
    stale = slack.standin.open_modal(ADMIN_USER_ID)
    assert stale is not None
    value = stale.body["blocks"][0]["element"]["initial_value"]
    assert value == str(store.current_statements("국가 AI 연구거점", "budget")[2][0]["value_money"])
    store.set_fact(entity="국가 AI 연구거점", attribute="budget", value="1200억원", source=SOURCE,
                   actor="console:local")  # fmt: skip
    before = store.revision()

    refused = await slack.user.submit(stale, {"value": "1300억원"})

    assert refused.ack is not None and refused.ack["response_action"] == "errors"
    assert stale.open and stale.errors is not None and list(stale.errors) == ["value"]
    assert store.revision() == before
    await slack.user.command(
        "/fact", "edit entity:국가 AI 연구거점 attribute:budget", user=ADMIN_USER_ID
    )
    fresh = slack.standin.open_modal(ADMIN_USER_ID)
    assert fresh is not None and fresh.body["blocks"][0]["element"]["initial_value"] == (
        "120000000000"
    )
    saved = await slack.user.submit(fresh, {"value": "1300억원", "reason": "정정"})
    assert saved.ack is None and not fresh.open
    assert store.revision() == before + 1
    assert f"#{before + 1}" in saved.text and answered(saved, private=True)


async def test_the_milestone_form_keeps_the_wording_it_was_given(socket_slack: SlackBot) -> None:
    await socket_slack.user.command("/milestone", f"update milestone:{CONTEST}", user=ADMIN_USER_ID)
    modal = socket_slack.standin.open_modal(ADMIN_USER_ID)
    assert modal is not None and modal.body["title"]["text"] == "Edit milestone #5"

    saved = await socket_slack.user.submit(modal, {"date": "2026년 1월 말"})

    assert saved.ack is None
    milestone = socket_slack.store.milestone(CONTEST)
    assert milestone["date_text"] == "2026년 1월 말"


async def test_a_bad_or_stale_signature_is_refused_in_http_mode(
    slack_standin: SlackStandIn, store: FactStore
) -> None:
    config = slack_config(store)
    async with SlackBot(slack_standin, store, config=config, mode="http") as bot:
        before = database_bytes(store)
        forged = await bot.user.command(
            "/fact", f"set entity:KAIST attribute:budget value:1원 source:{SOURCE}",
            user=ADMIN_USER_ID, signing="bad",
        )  # fmt: skip
        stale = await bot.user.command("/about", signing="stale")
        # Read before the bot stops: stopping hands the digest leader lease back (a write).
        after = database_bytes(store)

    assert (forged.delivery.status, stale.delivery.status) == (401, 401)
    assert forged.calls == forged.posts == stale.posts == []
    assert after == before


# --- digests ----------------------------------------------------------------------------


# 07:00 on 15 Dec 2025 in Seoul; the late-December milestones lie ahead.
BEFORE_NINE = datetime(2025, 12, 14, 22, 0, tzinfo=UTC)
AFTER_NINE = datetime(2025, 12, 15, 0, 0, 5, tzinfo=UTC)


@pytest.fixture
async def digest_slack(
    slack_standin: SlackStandIn, store: FactStore
) -> AsyncIterator[tuple[SlackBot, MovableClock]]:
    clock = MovableClock(BEFORE_NINE)
    config = slack_config(store, slack_audit_channel=None)
    async with SlackBot(with_cast(slack_standin), store, config=config, clock=clock) as bot:
        yield bot, clock


async def subscribe(bot: SlackBot, channel: str, name: str) -> Exchange:
    text = f"subscribe daily 09:00 channel:<#{channel}|{name}>"
    exchange = await bot.user.command("/digest", text, user=ADMIN_USER_ID)
    assert "09:00" in exchange.text and answered(exchange, private=True)
    return exchange


def posted(standin: SlackStandIn, channel: str) -> list[Message]:
    return [m for m in standin.channel_messages(channel) if m.via == "chat.postMessage"]


async def test_a_digest_is_posted_once_across_a_restart(
    digest_slack: tuple[SlackBot, MovableClock],
) -> None:
    bot, clock = digest_slack
    await subscribe(bot, CHANNEL_ID, "briefings")
    clock.now = AFTER_NINE
    assert bot.app is not None
    await bot.app.digests.engine.deliver_due()
    [digest] = posted(bot.standin, CHANNEL_ID)
    assert "Milestone digest" in digest.body["text"]

    restarted = await bot.restart()  # catches up at start: the period is already claimed
    await restarted.digests.engine.deliver_due()

    assert posted(bot.standin, CHANNEL_ID) == [digest]


async def test_429_is_retried_after_retry_after(
    digest_slack: tuple[SlackBot, MovableClock],
) -> None:
    bot, clock = digest_slack
    await subscribe(bot, CHANNEL_ID, "briefings")
    bot.standin.fail("chat.postMessage", "ratelimited", retry_after=1, channel=CHANNEL_ID)
    clock.now = AFTER_NINE
    assert bot.app is not None

    await bot.app.digests.engine.deliver_due()

    limited, retried = bot.standin.calls_to("chat.postMessage")
    assert (limited.status, retried.status) == (429, 200)
    assert retried.at - limited.at >= 1.0
    assert len(posted(bot.standin, CHANNEL_ID)) == 1


@pytest.mark.parametrize(
    ("channel", "status", "said"),
    [(Channel("C0OUTSIDE1", "outside", is_member=False), PAUSED, "/invite @briefbot"),
     (Channel("C0ARCHIVE1", "old", is_archived=True), PAUSED, "/invite @briefbot"),
     (None, DISABLED, "no longer exists")],
    ids=["not_in_channel", "is_archived", "channel_not_found"],
)  # fmt: skip
async def test_a_channel_that_refuses_pauses_or_stops_its_digest_and_tells_the_subscriber(
    digest_slack: tuple[SlackBot, MovableClock], channel: Channel | None, status: str, said: str
) -> None:
    bot, clock = digest_slack
    if channel is not None:
        bot.standin.channels[channel.id] = channel
    channel_id = channel.id if channel else "C0MISSING1"
    await subscribe(bot, channel_id, "x")
    clock.now = AFTER_NINE
    assert bot.app is not None

    await bot.app.digests.engine.deliver_due()

    [subscription] = bot.app.digests.book.in_scope(ids.scope(TEAM))
    assert subscription.status == status
    [notice] = posted(bot.standin, ADMIN_USER_ID)  # a direct message to the subscriber
    assert said in str(notice.body) and f"<#{channel_id}>" in str(notice.body)
    assert posted(bot.standin, channel_id) == []


async def test_discord_and_slack_in_one_process_share_one_app_and_scheduler(
    slack_standin: SlackStandIn, store: FactStore, tmp_path: Path
) -> None:
    """What `python -m bot` runs with both tokens: one runner, one store, one scheduler, one
    digest engine with a poster per platform; each platform's digest reaches its channel."""
    discord = LoopbackBot(store, tmp_path)  # the Discord stand-in and a user of it
    await discord.server.start()
    try:
        clock = MovableClock(BEFORE_NINE)
        config = replace(
            discord.config, slack_admin_user_ids=(ADMIN_USER_ID,), slack_audit_channel=None
        )
        slack = SlackBot(slack_standin, store, config=config, clock=clock)
        started: list[DiscordFrontEnd] = []

        def with_discord(app: App) -> list[FrontEnd]:
            started.append(DiscordFrontEnd(app, TOKEN))
            return list(started)

        app = await slack.start(extra=with_discord)
        while started[0].bot.get_guild(discord_objects.GUILD_ID) is None:
            await asyncio.sleep(0.005)
        assert started[0].bot.app is app
        assert [type(p) for p in app.digests.engine.posters] == [SlackPoster, DiscordPoster]

        await subscribe(slack, CHANNEL_ID, "briefings")
        await discord.command(
            "digest", "subscribe", permissions=discord_objects.ADMIN_PERMISSIONS,
            channel=discord_objects.CHANNEL_ID, schedule="daily 09:00",
        )  # fmt: skip
        clock.now = AFTER_NINE
        outcomes = await app.digests.engine.deliver_due()
        on_discord = await discord.command("about")
        on_slack = await slack.user.command("/about")
        await slack.stop()
    finally:
        await discord.server.stop()

    assert sorted(o.status for o in outcomes) == ["sent", "sent"]
    assert len(posted(slack_standin, CHANNEL_ID)) == 1
    assert len(discord.server.channel_messages(discord_objects.CHANNEL_ID)) == 1
    assert on_discord.messages[0]["embeds"][0]["title"] == headers(on_slack.messages)[0]
    assert discord.server.violations == []
