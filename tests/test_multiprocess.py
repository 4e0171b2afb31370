"""Several bot processes on one database: real `python -m bot serve` processes in HTTP
mode, each with its own port, against one loopback Discord and one SQLite file.

What is checked: the answer cache, keyed by store revision, never serves one process's
old answer after another process's edit; a digest due is posted once whatever the
number of processes; a killed leader's place is taken and what came due is posted
once, late, by the new leader; a leader stuck in a slow post loses the lead but its
live claim is not taken over by the next, and is not posted twice.
Processes are followed through what they log, never through fixed sleeps.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import loopback.objects as obj
import pytest
from loopback.server import TOKEN, LoopbackDiscord

from bot.digest.schedule import parse_schedule
from bot.digest.scheduler import LEADER_LEASE
from bot.digest.subscriptions import INTERRUPTED, SENT, DigestBook, Settings
from bot.ids import discord as ids
from store.fact_store import FactStore

ROOT = Path(__file__).resolve().parent.parent
# The lease lasts three sweeps, 1.5 s: long enough that a leader starved of CPU by a
# busy machine keeps it, short enough that a takeover takes seconds.
SWEEP_S = 0.5
WAIT_S = 30.0
SEOUL = ZoneInfo("Asia/Seoul")
ADMIN_ROLE = obj.ADMIN_ROLE_ID


@dataclass
class BotProcess:
    """One `python -m bot serve` and what it has logged so far."""

    process: asyncio.subprocess.Process
    lines: list[str] = field(default_factory=list)
    url: str = ""
    _reader: asyncio.Task[None] | None = None

    async def read(self) -> None:
        assert self.process.stderr is not None
        async for raw in self.process.stderr:
            line = raw.decode(errors="replace").rstrip()
            self.lines.append(line)
            found = re.search(r"(?:HTTP on|Listening at:) (http://\S+)", line)
            if found:
                self.url = found.group(1)

    def said(self, text: str) -> bool:
        return self.said_times(text) > 0

    def said_times(self, text: str) -> int:
        return sum(text in line for line in self.lines)

    @property
    def pid(self) -> int:
        return self.process.pid


async def wait_for(condition: Callable[[], object], what: str, seconds: float = WAIT_S) -> None:
    """Poll until `condition` holds (the processes are independent: nothing to await)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)


@pytest.fixture
async def discord() -> AsyncIterator[LoopbackDiscord]:
    server = LoopbackDiscord()
    await server.start()
    yield server
    await server.stop()
    assert server.violations == []


@pytest.fixture
async def spawn(
    store: FactStore, tmp_path: Path, discord: LoopbackDiscord
) -> AsyncIterator[Callable[[], Any]]:
    """Start bot processes on the test's store; each is stopped (or reaped) at the end."""
    config = tmp_path / "config.toml"
    config.write_text(
        f'[store]\npath = "{store.path}"\n'
        f'[discord]\nmode = "http"\npublic_key = "{discord.public_key}"\n'
        f"guild_ids = [{obj.GUILD_ID}]\n"
        f'api_base = "{discord.api_base}"\ngateway_url = "{discord.gateway_url}"\n'
        f"[admins]\ndiscord_role_ids = [{ADMIN_ROLE}]\n"
        f"[digest]\nsweep_seconds = {SWEEP_S}\n"
        f'[http]\nhost = "127.0.0.1"\nport = 0\n',
        encoding="utf-8",
    )
    started: list[BotProcess] = []

    async def start(*command: str, workers: int = 1) -> BotProcess:
        """`python -m bot serve` (or `command`, run in the config's folder); returns once
        it listens and its `workers` are ready."""
        process = await asyncio.create_subprocess_exec(
            *(command or (sys.executable, "-m", "bot", "serve", "--config", str(config))),
            cwd=tmp_path, env={**os.environ, "DISCORD_TOKEN": TOKEN, "PYTHONPATH": str(ROOT)},
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        bot = BotProcess(process)
        bot._reader = asyncio.create_task(bot.read())
        started.append(bot)
        await wait_for(
            lambda: bot.url and bot.said_times("is ready") >= workers, "the bot to start"
        )
        return bot

    yield start
    stopped = []
    for bot in started:
        if bot.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                bot.process.send_signal(signal.SIGTERM)
            stopped.append(await asyncio.wait_for(bot.process.wait(), 15))
        if bot._reader is not None:
            await bot._reader
    assert stopped == [0] * len(stopped), "a process did not stop cleanly on SIGTERM"


async def interact(
    discord: LoopbackDiscord, bot: BotProcess, path: tuple[str, ...], **options: Any
) -> dict[str, Any]:
    """A slash command POSTed to one process; the message it answered with."""
    data = {"id": "1", "name": path[0], "type": 1}
    holder = data
    for sub in path[1:]:
        nested: dict[str, Any] = {"name": sub, "type": 1}
        holder["options"] = [nested]
        holder = nested
    holder["options"] = [
        {"name": k, "type": 4 if isinstance(v, int) else 3, "value": v} for k, v in options.items()
    ]
    payload = obj.interaction(2, data, roles=(ADMIN_ROLE,))
    async with aiohttp.ClientSession() as session:
        record = await discord.post_interaction(f"{bot.url}/interactions", payload, session)
    assert record.original is not None, "no answer"
    return record.original


def text_of(message: dict[str, Any]) -> str:
    return str(message["embeds"])


async def test_an_edit_in_one_process_is_in_the_others_next_answer(
    spawn: Callable[[], Any], discord: LoopbackDiscord
) -> None:
    first, second = await spawn(), await spawn()
    assert "대전 본원" in text_of(await interact(discord, second, ("institution",), name="ETRI"))
    edit = await interact(
        discord, first, ("fact", "set"), entity="ETRI", attribute="location",
        value="대전 유성구 본원", source="hellot-2025-08-etri-forum",
    )  # fmt: skip
    assert "대전 유성구 본원" in text_of(edit)
    assert "대전 유성구 본원" in text_of(
        await interact(discord, second, ("institution",), name="ETRI")
    )


def due_subscription(book: DigestBook, channel: int) -> int:
    """A daily digest whose run was two minutes ago (within the grace), made a day ago."""
    now = datetime.now(UTC)
    run = (now - timedelta(minutes=2)).astimezone(SEOUL)
    settings = Settings(parse_schedule(f"daily {run:%H:%M}"), "Asia/Seoul", 14, "ko", True)
    made, _ = book.subscribe(
        scope=ids.scope(obj.GUILD_ID), place=ids.place(obj.GUILD_ID, channel),
        actor=ids.actor(obj.USER_ID), settings=settings, revision=1, now=now - timedelta(days=1),
    )  # fmt: skip
    return made.id


def leader_pid(book: DigestBook) -> int | None:
    """The pid of the process holding the digest leader lease (`host:pid:random`)."""
    held = book.lease_holder(f"{LEADER_LEASE}:DiscordPoster")
    return int(held[0].split(":")[1]) if held else None


def sent(book: DigestBook, subscription_id: int) -> bool:
    """Whether the subscription's one delivery is complete and went out."""
    return [d.status for d in book.deliveries(subscription_id)] == [SENT]


def digest_posts(discord: LoopbackDiscord, channel: int) -> list[str]:
    """The nonces of the digest messages posted to `channel` (one digest: one nonce prefix)."""
    return [m["nonce"] for m in discord.channel_messages(channel) if m.get("nonce")]


async def test_two_processes_post_a_due_digest_once_and_a_killed_leader_is_replaced(
    spawn: Callable[[], Any], discord: LoopbackDiscord, digest_book: DigestBook
) -> None:
    first_channel, second_channel = 1300000000000000101, 1300000000000000102
    first_id = due_subscription(digest_book, first_channel)
    leader = await spawn()
    await wait_for(lambda: leader_pid(digest_book) == leader.pid, "the first to lead")
    follower = await spawn()
    await wait_for(lambda: follower.said("follows"), "the second to follow")
    await wait_for(lambda: sent(digest_book, first_id), "the first digest")
    [delivered] = digest_book.deliveries(first_id)
    assert delivered.status == SENT and f":{leader.pid}:" in (delivered.claimed_by or "")
    assert len({nonce.rsplit("-", 1)[0] for nonce in digest_posts(discord, first_channel)}) == 1
    leader.process.kill()  # kill -9: no clean stop, the lease is left to run out
    await leader.process.wait()
    second_id = due_subscription(digest_book, second_channel)
    await wait_for(lambda: leader_pid(digest_book) == follower.pid, "the takeover")
    await wait_for(lambda: follower.said("the last leader stopped renewing"), "its warning")
    await wait_for(lambda: sent(digest_book, second_id), "the second digest")
    [taken_over] = digest_book.deliveries(second_id)
    assert taken_over.status == SENT and taken_over.late
    assert f":{follower.pid}:" in (taken_over.claimed_by or "")
    assert len(digest_book.deliveries(first_id)) == 1  # not posted again by the new leader
    nonces = digest_posts(discord, first_channel) + digest_posts(discord, second_channel)
    assert len({nonce.rsplit("-", 1)[0] for nonce in nonces}) == 2


async def test_a_leader_stuck_posting_loses_the_lead_but_not_its_claim(
    spawn: Callable[[], Any], discord: LoopbackDiscord, digest_book: DigestBook
) -> None:
    channel = 1300000000000000103
    # The post takes longer than the lease: the leader's sweeps stop renewing it.
    discord.slow("POST", rf"/channels/{channel}/messages", 5.0)
    subscription = due_subscription(digest_book, channel)
    leader = await spawn()
    await wait_for(lambda: leader_pid(digest_book) == leader.pid, "the first to lead")
    follower = await spawn()
    await wait_for(lambda: leader_pid(digest_book) == follower.pid, "the takeover")
    [claim] = digest_book.deliveries(subscription)
    assert claim.status != INTERRUPTED and f":{leader.pid}:" in (claim.claimed_by or "")
    await wait_for(lambda: sent(digest_book, subscription), "the post")
    await wait_for(lambda: leader.said("stepping down"), "the old leader to step down")
    assert len({n.rsplit("-", 1)[0] for n in digest_posts(discord, channel)}) == 1
    assert [d.status for d in digest_book.deliveries(subscription)] == [SENT]


async def test_gunicorn_workers_share_the_database_and_one_leads_the_digests(
    spawn: Callable[..., Any], discord: LoopbackDiscord, digest_book: DigestBook
) -> None:
    channel = 1300000000000000104
    subscription = due_subscription(digest_book, channel)
    workers = await spawn(
        sys.executable, "-m", "gunicorn", "bot.workers:app", "--worker-class",
        "aiohttp.GunicornWebWorker", "--workers", "2", "--bind", "127.0.0.1:0",
        workers=2,
    )  # fmt: skip
    await wait_for(lambda: workers.said("follows"), "the second worker to follow")
    assert workers.said_times("follows") == 1 and leader_pid(digest_book) is not None
    for name in ("ETRI", "KAIST", "KISTI", "ETRI") * 3:
        assert name in text_of(await interact(discord, workers, ("institution",), name=name))
    [delivered] = digest_book.deliveries(subscription)
    assert delivered.status == SENT
    assert len({n.rsplit("-", 1)[0] for n in digest_posts(discord, channel)}) == 1


OTHER_GUILD_ID = 1200000000004194305  # shard 0 of 2; the loopback's own server is shard 1


async def test_two_gateway_shards_in_two_processes_each_answer_their_own_servers(
    store: FactStore, tmp_path: Path, discord: LoopbackDiscord
) -> None:
    discord.guild_ids = [obj.GUILD_ID, OTHER_GUILD_ID]

    def connected(shard: int) -> bool:  # READY and its one server's GUILD_CREATE
        session = discord.shard_session(shard)
        return session is not None and session.sequence >= 2

    processes = []
    for shard in (0, 1):
        config = tmp_path / f"shard-{shard}.toml"
        config.write_text(
            f'[store]\npath = "{store.path}"\n'
            f"[discord]\nshard_count = 2\nshard_ids = [{shard}]\nguild_ids = [{obj.GUILD_ID}]\n"
            f'api_base = "{discord.api_base}"\ngateway_url = "{discord.gateway_url}"\n'
            # Each process's HTTP application (health, metrics, pages) on its own free port.
            '[http]\nhost = "127.0.0.1"\nport = 0\n',
            encoding="utf-8",
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "--config", str(config), cwd=ROOT,
            env={**os.environ, "DISCORD_TOKEN": TOKEN}, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        processes.append(process)
    try:
        await wait_for(lambda: connected(0) and connected(1), "both shards to connect")
        assert [discord.shard_of(g) for g in discord.guild_ids] == [1, 0]
        data = {"id": "1", "name": "about", "type": 1, "options": []}
        records = [
            await discord.dispatch_interaction(obj.interaction(2, data, guild_id=guild))
            for guild in (obj.GUILD_ID, OTHER_GUILD_ID)
        ]
        await wait_for(lambda: all(r.callback_at for r in records), "both answers")
        assert discord.dispatched == {1: [records[0].id], 0: [records[1].id]}
        assert all(r.original and "출처" in text_of(r.original) for r in records)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        codes = [await asyncio.wait_for(process.wait(), 15) for process in processes]
    assert codes == [0, 0]
