"""Discord failing in the ways it does: the bot copes, tells the user what it can, and
keeps answering the next interaction."""

from __future__ import annotations

import logging
import time

import loopback.objects as obj
import pytest
from loopback.harness import LoopbackBot

FOLLOWUP = r"/webhooks/\d+/[^/]+$"
CALLBACK = r"/callback$"


async def _still_answers(discord_bot: LoopbackBot) -> None:
    exchange = await discord_bot.command("institution", name="ETRI")
    assert not exchange.ephemeral and "한국전자통신연구원" in exchange.text


async def test_a_rate_limited_follow_up_is_retried_after_retry_after(
    discord_bot: LoopbackBot,
) -> None:
    discord_bot.server.fail("POST", FOLLOWUP, 429, retry_after=0.2)
    exchange = await discord_bot.command(
        "program", name="sovereign-ai-public-forum", locale="en-US"
    )
    attempts = [r for r in exchange.requests if r.method == "POST" and "/webhooks/" in r.path]
    assert [r.status for r in attempts][:2] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 0.2
    assert len(exchange.messages) >= 2


async def test_a_forbidden_follow_up_gets_a_private_apology_and_the_bot_carries_on(
    discord_bot: LoopbackBot,
) -> None:
    discord_bot.server.fail("POST", FOLLOWUP, 403, code=50013, message="Missing Permissions")
    exchange = await discord_bot.command(
        "program", name="sovereign-ai-public-forum", locale="en-US"
    )
    statuses = [r.status for r in exchange.requests if "/webhooks/" in r.path]
    assert statuses[0] == 403
    assert any((m.get("flags") or 0) & 64 for m in exchange.messages), exchange.messages
    await _still_answers(discord_bot)


async def test_a_slow_discord_does_not_break_the_next_answer(discord_bot: LoopbackBot) -> None:
    discord_bot.server.slow("POST", CALLBACK, 1.0)
    started = time.perf_counter()
    exchange = await discord_bot.command("about")
    assert time.perf_counter() - started >= 1.0 and exchange.messages
    await _still_answers(discord_bot)


async def test_an_interaction_delivered_too_late_is_logged_and_survived(
    discord_bot: LoopbackBot, caplog: pytest.LogCaptureFixture
) -> None:
    """Discord refuses a first response after 3 s (404, code 10062): the gateway delivered
    the event late, so nothing the bot does can answer it in time. The bot notes it once,
    quietly, and does not try to apologise on an interaction that no longer exists."""
    payload = obj.interaction(2, discord_bot.command_data(("about",), {}))
    exchange = await discord_bot.send(payload, late_by=3.1)
    assert [r.status for r in exchange.requests] == [404]  # one try, no apology after it
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "expired before it was answered" in caplog.text
    late = f"interaction {exchange.record.id}: first response after 3 s"
    assert late in discord_bot.server.violations
    discord_bot.server.violations[:] = [v for v in discord_bot.server.violations if v != late]
    await _still_answers(discord_bot)


async def test_an_unknown_channel_for_a_follow_up_is_survived(discord_bot: LoopbackBot) -> None:
    discord_bot.server.fail("POST", FOLLOWUP, 404, code=10003, message="Unknown Channel", times=2)
    await discord_bot.command("program", name="sovereign-ai-public-forum", locale="en-US")
    await _still_answers(discord_bot)
