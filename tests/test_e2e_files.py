"""Files and links in Discord, end to end: a program card's timeline picture uploaded
with the card and shown in its embed within Discord's 3 seconds (also when the answer
is deferred), `/milestones format:ics` as an attached calendar that parses back, web
links as link buttons. Every upload passes the loopback's multipart checks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import loopback.objects as obj
import pytest
from conftest import LOOPBACK_TODAY
from icalendar import Calendar
from loopback.harness import Exchange, LoopbackBot
from test_e2e_lookup import busy_store
from test_web import calendar_events

from bot.config import Config
from store.fact_store import FactStore

DEADLINE_S = 3.0
BASE_URL = "https://briefbot.example.org"
PNG = b"\x89PNG\r\n\x1a\n"


def uploaded(bot: LoopbackBot, exchange: Exchange) -> dict[str, bytes]:
    """The files the answer's messages carry, by name, as the loopback stored them."""
    return {
        attachment["filename"]: bot.server.files[attachment["id"]]
        for message in exchange.messages
        for attachment in message["attachments"]
    }


def only_embed_image(exchange: Exchange) -> str:
    images = [e["image"]["url"] for m in exchange.messages for e in m["embeds"] if "image" in e]
    assert len(images) == 1, images
    return images[0]


async def test_a_program_card_carries_its_timeline_within_3_seconds(
    discord_bot: LoopbackBot,
) -> None:
    exchange = await discord_bot.command("program", name="독자 AI 파운데이션 모델")
    assert exchange.latency < DEADLINE_S
    files = uploaded(discord_bot, exchange)
    assert list(files) == ["timeline-sovereign-ai-foundation-model.png"]
    assert files["timeline-sovereign-ai-foundation-model.png"].startswith(PNG)
    assert only_embed_image(exchange) == "attachment://timeline-sovereign-ai-foundation-model.png"
    described = exchange.messages[0]["attachments"][0]["description"]
    assert described.startswith("독자 AI 파운데이션 모델 프로젝트 일정 타임라인 그림")
    again = await discord_bot.command("program", name="독자 AI 파운데이션 모델")
    assert uploaded(discord_bot, again) == files, "the same picture, drawn once"


async def test_a_deferred_program_card_still_brings_its_picture(
    discord_bot: LoopbackBot, store: FactStore
) -> None:
    """A store busy for 2 s: the bot defers within 1.5 s, then edits in the card and its
    picture (an edit uploads its files as multipart too)."""
    async with busy_store(store, seconds=2.0):
        exchange = await discord_bot.command("program", name="국가 AI 연구거점")
    assert exchange.callback["type"] == 5 and exchange.latency < DEADLINE_S
    edits = discord_bot.server.requests_to("PATCH", r"/messages/@original$")
    assert [len(r.uploads) for r in edits if exchange.record.token in r.path] == [1]
    assert only_embed_image(exchange) == "attachment://timeline-national-ai-research-lab.png"
    assert list(uploaded(discord_bot, exchange)) == ["timeline-national-ai-research-lab.png"]


async def test_an_institution_card_and_a_program_without_milestones_have_no_picture(
    discord_bot: LoopbackBot,
) -> None:
    for command, name in (("institution", "ETRI"), ("program", "AI 기본법")):
        exchange = await discord_bot.command(command, name=name)
        assert uploaded(discord_bot, exchange) == {}
        assert all("image" not in e for m in exchange.messages for e in m["embeds"])


@pytest.mark.parametrize("locale", ["ko", "en-US"])
async def test_milestones_as_a_calendar_file_round_trip_through_discord(
    discord_bot: LoopbackBot, locale: str
) -> None:
    exchange = await discord_bot.command(
        "milestones", program="독자 AI 파운데이션", days=365, format="ics", locale=locale
    )
    files = uploaded(discord_bot, exchange)
    assert list(files) == ["milestones-sovereign-ai-foundation-model.ics"]
    data = files["milestones-sovereign-ai-foundation-model.ics"]
    events = calendar_events(data)
    assert "milestone-5@briefbot" in events
    name = str(Calendar.from_ical(data)["x-wr-calname"])
    assert name.startswith("briefbot 일정" if locale == "ko" else "briefbot milestones")
    assert (".ics" in exchange.text) and not exchange.ephemeral


@pytest.fixture
async def linked_bot(store: FactStore, tmp_path: Path) -> AsyncIterator[LoopbackBot]:
    """The bot with `[web] base_url` set: answers link to their pages."""
    config = Config(
        store_path=store.path, guild_ids=(obj.GUILD_ID,), locale="ko", web_base_url=BASE_URL
    )
    async with LoopbackBot(store, tmp_path, today=LOOPBACK_TODAY, config=config) as running:
        yield running
    assert running.server.violations == []


def link_buttons(exchange: Exchange) -> list[dict[str, Any]]:
    return [
        button
        for message in exchange.messages
        for row in message["components"]
        for button in row["components"]
        if button["style"] == 5
    ]


async def test_with_a_base_url_answers_have_link_buttons_to_their_pages(
    linked_bot: LoopbackBot,
) -> None:
    card = await linked_bot.command("institution", name="ETRI", locale="en-US")
    assert [(b["label"], b["url"]) for b in link_buttons(card)] == [
        ("View on the web", f"{BASE_URL}/institution/etri")
    ]
    listing = await linked_bot.command("milestones", program="연구거점", days=60)
    assert [b["url"] for b in link_buttons(listing)] == [
        f"{BASE_URL}/milestones?program=national-ai-research-lab&days=60",
        f"{BASE_URL}/calendar.ics?program=national-ai-research-lab",
    ]
    unknown = await linked_bot.command("program", name="없는 사업")
    assert link_buttons(unknown) == [], "an error has no page"


async def test_the_web_pages_run_beside_the_gateway_bot_on_the_same_app(
    store: FactStore, tmp_path: Path
) -> None:
    async with LoopbackBot(store, tmp_path, today=LOOPBACK_TODAY, http=True) as running:
        chat = await running.command("program", name="국가 AI 연구거점")
        assert running.http is not None
        async with (
            aiohttp.ClientSession() as client,
            client.get(f"{running.http.url}/program/연구거점") as response,
        ):
            assert response.status == 200
            page = await response.text()
        title = chat.messages[0]["embeds"][0]["title"]
        assert f">{title}</h1>" in page
    assert running.server.violations == []
