"""Start-up, command sync and the gateway connection, end to end against the loopback."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import loopback.objects as obj
from loopback.harness import LoopbackBot
from loopback.server import TOKEN, LoopbackDiscord

from bot.state import set_state
from store.fact_store import FactStore

ROOT = Path(__file__).resolve().parent.parent
COMMANDS_PATH = r"/applications/\d+/guilds/\d+/commands"


async def test_start_up_syncs_the_commands_once_and_becomes_ready(
    discord_bot: LoopbackBot,
) -> None:
    assert discord_bot.bot is not None
    await asyncio.wait_for(discord_bot.bot.wait_until_ready(), timeout=5)
    assert len(discord_bot.server.requests_to("PUT", COMMANDS_PATH)) == 1
    synced = discord_bot.server.commands[str(obj.GUILD_ID)]
    names = [c["name"] for c in synced]
    lookups = ["program", "institution", "milestones", "search", "about"]
    managed = ["fact", "milestone", "entity", "alias", "source", "digest"]
    public = ["fact-history", "digest-preview"]  # for everyone, so not inside a hidden group
    assert names == [*lookups, "fact", "fact-history", *managed[1:-1], "digest", "digest-preview"]
    assert set(names) == {*lookups, *managed, *public}
    for command in synced:  # hidden from members without Manage Server
        expected = str(1 << 5) if command["name"] in managed else None
        assert command["default_member_permissions"] == expected, command["name"]
    assert discord_bot.server.identifies == 1


async def test_a_restart_with_the_same_commands_does_not_sync_again(
    discord_bot: LoopbackBot,
) -> None:
    await discord_bot.restart()
    await discord_bot.restart()
    assert len(discord_bot.server.requests_to("PUT", COMMANDS_PATH)) == 1
    assert discord_bot.server.identifies == 3
    exchange = await discord_bot.command("about")
    assert not exchange.ephemeral


async def test_a_changed_command_set_is_synced_at_the_next_start(
    discord_bot: LoopbackBot,
) -> None:
    set_state(discord_bot.store.db, f"command_hash:{obj.GUILD_ID}", "an older command set")
    await discord_bot.restart()
    assert len(discord_bot.server.requests_to("PUT", COMMANDS_PATH)) == 2


async def test_a_rate_limited_sync_waits_and_succeeds(store: FactStore, tmp_path: Path) -> None:
    harness = LoopbackBot(store, tmp_path)
    harness.server.fail("PUT", COMMANDS_PATH, 429, retry_after=0.3)
    async with harness:
        puts = harness.server.requests_to("PUT", COMMANDS_PATH)
        assert [r.status for r in puts] == [429, 200]
        assert puts[1].at - puts[0].at >= 0.3
        assert not (await harness.command("about")).ephemeral
    assert harness.server.violations == []


async def test_the_bot_resumes_after_a_dropped_websocket_and_keeps_answering(
    discord_bot: LoopbackBot,
) -> None:
    await discord_bot.server.drop_websocket()
    exchange = await discord_bot.command("institution", name="KISTI")
    assert "한국과학기술정보연구원" in exchange.text
    assert (discord_bot.server.identifies, discord_bot.server.resumes) == (1, 1)


async def test_an_expired_session_is_replaced_by_a_new_identify(discord_bot: LoopbackBot) -> None:
    discord_bot.server.session = None  # Discord forgot the session while we were away
    await discord_bot.server.drop_websocket()
    deadline = time.perf_counter() + 10
    while discord_bot.server.identifies < 2:
        assert time.perf_counter() < deadline, "the bot did not identify again"
        await asyncio.sleep(0.01)
    exchange = await discord_bot.command("about", locale="en-US")
    assert "sources" in exchange.text


async def test_the_real_entry_point_connects_and_answers(store: FactStore, tmp_path: Path) -> None:
    """`python -m bot` with DISCORD_TOKEN set, unmodified, in its own process."""
    server = LoopbackDiscord()
    await server.start()
    config = tmp_path / "config.toml"
    config.write_text(
        f'[store]\npath = "{store.path}"\n'
        f"[discord]\nguild_ids = [{obj.GUILD_ID}]\n"
        f'api_base = "{server.api_base}"\ngateway_url = "{server.gateway_url}"\n'
        "[http]\nport = 0\n",  # the web pages beside the gateway, on any free port
        encoding="utf-8",
    )
    env = {**os.environ, "DISCORD_TOKEN": TOKEN}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--config", str(config),
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.perf_counter() + 20
        while server.session is None or server.session.sequence < 2:
            assert process.returncode is None, await process.stdout.read()  # type: ignore[union-attr]
            assert time.perf_counter() < deadline, "the bot did not connect"
            await asyncio.sleep(0.05)
        data = {"id": server.commands[str(obj.GUILD_ID)][0]["id"], "name": "program", "type": 1,
                "options": [{"name": "name", "type": 3, "value": "국가 AI 연구거점"}]}  # fmt: skip
        record = await server.dispatch_interaction(obj.interaction(2, data))
        while record.callback_at is None:
            assert time.perf_counter() < deadline, "the interaction got no response"
            await asyncio.sleep(0.02)
        assert record.callback_at - record.dispatched_at < 3
        # A card drawn slowly (its timeline picture, on a busy machine) is deferred first
        # and edited in: wait for the card itself, however busy the machine.
        deadline = time.perf_counter() + 30
        while "KAIST" not in str(record.original):
            assert time.perf_counter() < deadline, record.original
            await asyncio.sleep(0.02)
    finally:
        process.send_signal(signal.SIGTERM)
        output = (await asyncio.wait_for(process.communicate(), timeout=10))[0].decode()
        await server.stop()
    assert process.returncode == 0, output
    assert "HTTP on http://127.0.0.1:" in output, "the web pages run beside the gateway"
    assert TOKEN not in output
    assert server.violations == []
