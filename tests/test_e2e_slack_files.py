"""Files and links in Slack, end to end: the production `SlackFrontEnd` driven through the
real slack-bolt by the Slack stand-in. A program card's timeline picture is uploaded with
Slack's upload flow and shared beside the card, `/milestones format:ics` shares a calendar
that parses back, a private answer's files go to the asker's DMs, web links are link
buttons, and a failing upload (no `files:write`, a lasting `429`, a channel without the
bot) leaves the card answered and tells the asker why. Every upload passes the stand-in's
checks (announced length, order of the steps, the workspace's limit)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
from slack_bot import SlackBot
from slack_loopback.harness import Exchange
from slack_loopback.objects import CHANNEL_ID, USER_ID, Channel, Message
from slack_loopback.server import SlackStandIn
from test_e2e_slack import (
    ENGLISH_USER,
    LOOKUP_TIME,
    MODES,
    MovableClock,
    headers,
    slack_config,
    with_cast,
)
from test_web import calendar_events

from bot.briefing.answers import Invocation
from bot.briefing.model import Answer
from store.fact_store import FactStore

BASE_URL = "https://briefbot.example.org"
PNG = b"\x89PNG\r\n\x1a\n"
TIMELINE = "timeline-national-ai-research-lab.png"
OUTSIDE = "C0OUTSIDE1"


@pytest.fixture(params=MODES)
async def slack(
    request: pytest.FixtureRequest, slack_standin: SlackStandIn, store: FactStore
) -> AsyncIterator[SlackBot]:
    """The bot as `test_e2e_slack` runs it (its admin, audit channel and English reader),
    in Socket Mode and in HTTP mode unless a test asks for one (`SOCKET_MODE`)."""
    async with SlackBot(
        with_cast(slack_standin), store, config=slack_config(store), mode=request.param,
        clock=MovableClock(LOOKUP_TIME),
    ) as running:  # fmt: skip
        yield running


SOCKET_MODE = pytest.mark.parametrize("slack", ["socket"], indirect=True)


def in_channel(exchange: Exchange, channel: str = CHANNEL_ID) -> list[Message]:
    """What everyone sees in `channel` from this exchange, after an empty ack within 3 s."""
    assert exchange.delivery.acked and exchange.ack is None and exchange.latency < 3
    return [m for m in exchange.messages if m.channel == channel and not m.ephemeral]


def notes(exchange: Exchange) -> str:
    """The words only the asker sees."""
    return "\n".join(str(m.body) for m in exchange.messages if m.ephemeral)


def shared(message: Message) -> list[dict[str, Any]]:
    return list(message.body.get("files") or [])


def link_buttons(messages: list[Message]) -> list[tuple[str, str]]:
    return [
        (element["text"]["text"], element["url"])
        for message in messages
        for block in message.body.get("blocks", [])
        if block["type"] == "actions"
        for element in block["elements"]
        if "url" in element
    ]


async def test_a_program_card_shares_its_timeline_beside_it(slack: SlackBot) -> None:
    exchange = await slack.user.command("/program", "국가 AI 연구거점")

    card, picture = in_channel(exchange)
    assert headers([card]) == ["국가 AI 연구거점 (National AI Research Lab)"]
    assert picture.via == "files.completeUploadExternal" and picture.body["text"] == ""
    [described] = shared(picture)
    assert described["name"] == TIMELINE and described["mimetype"] == "image/png"
    [stored] = slack.standin.shared_files(CHANNEL_ID)
    assert stored.data is not None and stored.data.startswith(PNG)
    assert stored.title == stored.alt_txt
    assert stored.title.startswith("국가 AI 연구거점 일정 타임라인 그림")
    assert link_buttons([card]) == [], "no [web] base_url, no link"


@SOCKET_MODE
async def test_an_institution_card_brings_no_file(slack: SlackBot) -> None:
    exchange = await slack.user.command("/institution", "ETRI")

    assert len(in_channel(exchange)) == 1
    assert exchange.calls_to("files.getUploadURLExternal") == []


@SOCKET_MODE
@pytest.mark.parametrize("locale", ["ko", "en"])
async def test_milestones_as_a_calendar_file_round_trip_through_slack(
    slack: SlackBot, locale: str
) -> None:
    user = USER_ID if locale == "ko" else ENGLISH_USER
    exchange = await slack.user.command(
        "/milestones", "program:독자 AI 파운데이션 days:365 format:ics", user=user
    )

    card, calendar = in_channel(exchange)
    assert "milestones-sovereign-ai-foundation-model.ics" in str(card.body["blocks"])
    [stored] = slack.standin.shared_files(CHANNEL_ID)
    assert shared(calendar)[0]["id"] == stored.id
    assert stored.filename == "milestones-sovereign-ai-foundation-model.ics"
    assert stored.data is not None and "milestone-5@briefbot" in calendar_events(stored.data)
    assert stored.title.startswith("briefbot 일정" if locale == "ko" else "briefbot milestones")
    assert stored.alt_txt is None, "a calendar is no picture"


@SOCKET_MODE
async def test_a_private_answers_files_go_to_the_askers_direct_messages(
    slack: SlackBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slack cannot attach a file to an ephemeral message, and the channel must not see it:
    the calendar goes to the asker's DM with the bot, which the private answer says."""
    app = slack.app
    assert app is not None
    answer = app.answer

    def privately(invocation: Invocation) -> Answer:
        given = answer(invocation)
        return replace(given, reply=replace(given.reply, private=True))

    monkeypatch.setattr(app, "answer", privately)

    exchange = await slack.user.command("/milestones", "days:60 format:ics")

    assert in_channel(exchange) == [] and slack.standin.shared_files(CHANNEL_ID) == []
    dm = slack.standin.direct_channel(USER_ID)
    assert dm is not None
    [calendar] = slack.standin.shared_files(dm)
    [share] = slack.standin.channel_messages(dm)
    assert calendar.filename == "milestones.ics" and calendar.data is not None
    assert share.body["text"].startswith("다음 답에 딸린 파일입니다: *달력 파일")
    card, note = [m for m in exchange.messages if m.ephemeral]
    assert headers([card])[0].startswith("달력 파일")
    assert "`milestones.ics` 파일은 봇과의 DM으로 보냈습니다" in str(note.body)


async def test_with_a_base_url_answers_have_link_buttons_that_are_acked(
    slack_standin: SlackStandIn, store: FactStore
) -> None:
    config = slack_config(store, web_base_url=BASE_URL)
    async with SlackBot(with_cast(slack_standin), store, config=config) as bot:
        card = await bot.user.command("/institution", "ETRI", user=ENGLISH_USER)
        listing = await bot.user.command("/milestones", "program:연구거점 days:60")
        unknown = await bot.user.command("/program", "없는 사업")
        [message] = in_channel(card)
        clicked = await bot.user.click("bb:link:0", on=message, user=ENGLISH_USER)

    assert link_buttons([message]) == [("View on the web", f"{BASE_URL}/institution/etri")]
    assert [url for _, url in link_buttons(in_channel(listing))] == [
        f"{BASE_URL}/milestones?program=national-ai-research-lab&days=60",
        f"{BASE_URL}/calendar.ics?program=national-ai-research-lab",
    ]
    assert link_buttons(unknown.messages) == [], "an error has no page"
    assert clicked.delivery.acked and clicked.latency < 3
    assert clicked.messages == [] and clicked.posts == []


@SOCKET_MODE
async def test_without_files_write_the_card_answers_and_the_asker_is_told(
    slack: SlackBot,
) -> None:
    slack.standin.scopes.discard("files:write")

    exchange = await slack.user.command("/program", "국가 AI 연구거점")

    [card] = in_channel(exchange)
    assert headers([card]) == ["국가 AI 연구거점 (National AI Research Lab)"]
    [refused] = exchange.calls_to("files.getUploadURLExternal")
    assert refused.response["error"] == "missing_scope"
    assert f"`{TIMELINE}`" in notes(exchange) and "`files:write` 권한이 없어" in notes(exchange)
    assert slack.standin.uploads.files == {}


@SOCKET_MODE
@pytest.mark.parametrize(("times", "arrives"), [(1, True), (3, False)], ids=["once", "lasting"])
async def test_a_429_on_upload_is_retried_and_a_lasting_one_told(
    slack: SlackBot, times: int, arrives: bool
) -> None:
    """One `429` is waited out (Retry-After) and the picture arrives; one that outlasts the
    client's two retries is told to the asker, and the card stands."""
    slack.standin.fail("files.getUploadURLExternal", "ratelimited", times=times, retry_after=0)

    exchange = await slack.user.command("/program", "국가 AI 연구거점")

    statuses = [c.status for c in exchange.calls_to("files.getUploadURLExternal")]
    messages = in_channel(exchange)
    if arrives:
        assert statuses == [429, 200] and len(messages) == 2 and notes(exchange) == ""
        assert [f.filename for f in slack.standin.shared_files(CHANNEL_ID)] == [TIMELINE]
    else:
        assert statuses == [429, 429, 429] and len(messages) == 1
        assert "잠시 후 다시 물어 주세요" in notes(exchange)


@SOCKET_MODE
async def test_in_a_channel_without_the_bot_the_card_answers_and_the_fix_is_said(
    slack: SlackBot,
) -> None:
    slack.standin.channels[OUTSIDE] = Channel(OUTSIDE, "outside", is_member=False)

    exchange = await slack.user.command("/program", "국가 AI 연구거점", channel=OUTSIDE)

    [card] = in_channel(exchange, OUTSIDE)
    assert headers([card]) == ["국가 AI 연구거점 (National AI Research Lab)"]
    [refused] = exchange.calls_to("files.completeUploadExternal")
    assert refused.response["error"] == "not_in_channel"
    assert "`/invite @briefbot`" in notes(exchange)
    assert slack.standin.shared_files(OUTSIDE) == []
