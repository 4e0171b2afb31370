"""The lookup commands end to end: the real discord.py client, connected to the loopback
Discord, answering interactions as Discord delivers them.

Every request the bot sends is validated against Discord's OpenAPI description by the
`discord_bot` fixture; these tests check what the user sees and how fast.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator
from typing import Any

import pytest
from discord_limits import assert_discord_limits
from loopback.harness import Exchange, LoopbackBot

from store.fact_store import FactStore

DEADLINE_S = 3.0

# (command, options, words the answer must contain in ko, in en)
COMMANDS: list[tuple[str, dict[str, Any], str, str]] = [
    ("program", {"name": "국가 AI 연구거점"}, "국가 AI 연구거점", "National AI Research Lab"),
    (
        "program",
        {"name": "sovereign AI foundation"},
        "독자 AI 파운데이션",
        "Sovereign AI Foundation",
    ),
    ("institution", {"name": "ETRI"}, "한국전자통신연구원", "Electronics and Telecommunications"),
    ("institution", {"name": "카이스트"}, "한국과학기술원", "Korea Advanced Institute"),
    ("milestones", {"days": 90}, "일정", "Milestones"),
    ("milestones", {"days": 400, "past": True}, "일정", "Milestones"),
    ("search", {"query": "GPU"}, "검색", "Search"),
    ("about", {}, "출처", "sources"),
]


@contextlib.asynccontextmanager
async def busy_store(store: FactStore, *, seconds: float) -> AsyncIterator[None]:
    """Hold the store from another thread for `seconds`, as a long write would."""
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with store._lock:
            held.set()
            release.wait(seconds)

    holder = asyncio.get_running_loop().run_in_executor(None, hold)
    await asyncio.to_thread(held.wait)
    try:
        yield
    finally:
        release.set()
        await holder


def _public_answer(exchange: Exchange) -> None:
    """Fast, visible to the channel; Discord's limits are checked on every request body by
    the `discord_bot` fixture."""
    assert exchange.latency < DEADLINE_S, f"first response after {exchange.latency:.2f} s"
    assert exchange.messages, "no message reached the channel"
    assert not exchange.ephemeral, exchange.text


@pytest.mark.parametrize("locale", ["ko", "en-US", "en-GB"])
@pytest.mark.parametrize(("command", "options", "ko", "en"), COMMANDS)
async def test_each_command_answers_publicly_in_the_users_language_within_3_seconds(
    discord_bot: LoopbackBot,
    command: str,
    options: dict[str, Any],
    ko: str,
    en: str,
    locale: str,
) -> None:
    exchange = await discord_bot.command(command, locale=locale, **options)
    _public_answer(exchange)
    assert (ko if locale == "ko" else en) in exchange.text


async def test_cards_cite_their_sources_with_dates(discord_bot: LoopbackBot) -> None:
    exchange = await discord_bot.command("program", name="국가 AI 연구거점")
    assert "기준: 2024-10" in exchange.text or "2024년 10월" in exchange.text, exchange.text
    assert "지디넷코리아" in exchange.text or "과학기술정보통신부" in exchange.text


async def test_a_long_english_card_continues_in_follow_ups(discord_bot: LoopbackBot) -> None:
    exchange = await discord_bot.command(
        "program", name="sovereign-ai-public-forum", locale="en-US"
    )
    _public_answer(exchange)
    assert len(exchange.messages) >= 2
    followups = [r for r in exchange.requests if r.method == "POST" and "/webhooks/" in r.path]
    assert len(followups) == len(exchange.messages) - 1


async def test_unknown_names_get_a_private_did_you_mean(discord_bot: LoopbackBot) -> None:
    exchange = await discord_bot.command("institution", name="한국전자통신연구언")
    assert exchange.ephemeral
    assert "한국전자통신연구원" in exchange.text


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("program", {"name": "ETRI"}),  # an institution, asked as a program
        ("milestones", {"program": "없는 프로그램"}),
        ("search", {"query": "zzzzqqq"}),
    ],
)
async def test_answers_that_find_nothing_are_private_and_say_why(
    discord_bot: LoopbackBot, command: str, options: dict[str, Any]
) -> None:
    exchange = await discord_bot.command(command, **options)
    assert exchange.latency < DEADLINE_S
    assert exchange.messages and exchange.ephemeral
    assert exchange.text.strip()


async def test_out_of_range_options_are_refused_politely(discord_bot: LoopbackBot) -> None:
    """Discord enforces min/max, but a client can still send anything: the core says what."""
    exchange = await discord_bot.command("milestones", days=100000)
    assert exchange.ephemeral
    assert "일수" in exchange.text or "days" in exchange.text


@pytest.mark.parametrize(
    ("command", "option", "typed", "expected"),
    [
        ("program", "name", "", None),
        ("program", "name", "국", "국가 AI 연구거점"),
        ("program", "name", "연구거점", "국가 AI 연구거점"),
        ("program", "name", "sovereign", "독자 AI 파운데이션 모델 프로젝트"),
        ("institution", "name", "E", None),
        ("institution", "name", "ETRI", "한국전자통신연구원"),
        ("institution", "name", "ㅎㄱㅈㅈ", "한국전자통신연구원"),
        ("institution", "name", "한국전자통신연구언", "한국전자통신연구원"),
        ("milestones", "program", "국가", "국가 AI 연구거점"),
    ],
)
async def test_autocomplete_offers_at_most_25_valid_choices(
    discord_bot: LoopbackBot, command: str, option: str, typed: str, expected: str | None
) -> None:
    exchange = await discord_bot.autocomplete(command, focused=option, **{option: typed})
    choices = exchange.choices
    assert 1 <= len(choices) <= 25
    assert exchange.latency < DEADLINE_S
    if expected:
        assert any(expected in c["name"] for c in choices), choices


async def test_a_chosen_suggestion_resolves_to_its_card(discord_bot: LoopbackBot) -> None:
    choices = (await discord_bot.autocomplete("institution", focused="name", name="KA")).choices
    for choice in choices[:5]:
        exchange = await discord_bot.command("institution", name=choice["value"])
        assert not exchange.ephemeral, exchange.text


async def test_autocomplete_follows_the_users_language(discord_bot: LoopbackBot) -> None:
    choices = (
        await discord_bot.autocomplete("institution", focused="name", name="ETRI", locale="en-US")
    ).choices
    assert "Electronics and Telecommunications Research Institute" in choices[0]["name"]


async def test_search_pages_turn_with_buttons(discord_bot: LoopbackBot) -> None:
    first = await discord_bot.command("search", query="AI")
    message = first.messages[0]
    buttons = [b for row in message["components"] for b in row["components"]]
    assert [b["label"] for b in buttons] == ["2쪽 ▶"]
    second = await discord_bot.click(message, buttons[0]["custom_id"])
    assert second.callback["type"] == 7  # the same message, edited in place
    page = second.callback["data"]
    assert_discord_limits(page)
    assert "2/" in page["embeds"][0]["footer"]["text"]
    assert page["embeds"][0]["fields"][0] != message["embeds"][0]["fields"][0]


async def test_a_busy_store_defers_then_edits_the_answer_in(discord_bot: LoopbackBot) -> None:
    """While a long write holds the store, Discord still hears back within 3 s."""
    async with busy_store(discord_bot.store, seconds=2.0):
        exchange = await discord_bot.command("institution", name="ETRI")
    assert exchange.callback["type"] == 5  # "thinking…"
    assert exchange.latency < DEADLINE_S
    edits = [r for r in exchange.requests if r.method == "PATCH"]
    assert len(edits) == 1 and "한국전자통신연구원" in exchange.text
    assert not exchange.ephemeral


async def test_an_error_after_a_public_defer_is_still_private(discord_bot: LoopbackBot) -> None:
    async with busy_store(discord_bot.store, seconds=2.0):
        exchange = await discord_bot.command("institution", name="없는기관이름")
    assert exchange.callback["type"] == 5
    assert [r.method for r in exchange.requests][1:] == ["DELETE", "POST"]
    assert exchange.ephemeral and exchange.messages


async def test_messages_can_never_ping_anyone(discord_bot: LoopbackBot) -> None:
    exchange = await discord_bot.command("search", query="@everyone")
    for request in exchange.requests:
        body = (request.body or {}).get("data", request.body) or {}
        if "embeds" in body or "content" in body:
            assert body["allowed_mentions"]["parse"] == []


async def test_the_longest_search_query_still_turns_pages(discord_bot: LoopbackBot) -> None:
    """Discord caps the query at 80 characters so the page button's custom_id fits in 100."""
    query = " ".join(["AI"] * 27)
    assert len(query) == 80
    first = await discord_bot.command("search", query=query)
    buttons = [b for row in first.messages[0]["components"] for b in row["components"]]
    assert buttons, "no page buttons"
    second = await discord_bot.click(first.messages[0], buttons[0]["custom_id"])
    assert "2/" in second.callback["data"]["embeds"][0]["footer"]["text"]
