"""Discord's HTTP interactions end to end: the loopback POSTs each interaction, signed
with the application's key, to the bot's `/interactions`, and checks the response body
against Discord's OpenAPI description of an interaction callback, as it checks every
REST request. The same scenarios as the gateway suite, answered by the same core."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import loopback.objects as obj
import pytest
from conftest import LOOPBACK_TODAY
from loopback.harness import LoopbackBot

from bot.config import Config
from store.fact_store import FactStore

ADMIN = {"roles": (obj.ADMIN_ROLE_ID,)}


@pytest.fixture
async def http_bot(store: FactStore, tmp_path: Path) -> AsyncIterator[LoopbackBot]:
    config = Config(
        store_path=store.path, guild_ids=(obj.GUILD_ID,), admin_role_ids=(obj.ADMIN_ROLE_ID,),
        admin_audit_channel_id=obj.AUDIT_CHANNEL_ID,
    )  # fmt: skip
    async with LoopbackBot(
        store, tmp_path, today=LOOPBACK_TODAY, config=config, mode="http"
    ) as running:
        yield running
    assert running.server.violations == []


async def test_a_lookup_is_answered_in_the_response_body(http_bot: LoopbackBot) -> None:
    exchange = await http_bot.command("program", name="국가 AI 연구거점")
    assert exchange.callback["type"] == 4
    assert "국가 AI 연구거점" in exchange.text and not exchange.ephemeral
