"""Interactions through the real discord.py client, for `tests/bench.py`.

The bot runs in the benchmark's own process, exactly as `run_discord` builds it
(`BriefBot`, its command tree, its worker threads, the store). The loopback Discord of
`tests/loopback/` runs in a child process together with the load, so the stand-in's
work is not charged to the bot and the bot has its interpreter to itself, as in
production. The child prints the loopback's address, then one JSON line of results.

Load, after a warm-up: a saturation run (a fixed number of interactions in flight) from
the fresh process gives `cold_per_s`; after `WARMING_PASSES` more, one more gives
`interactions_per_s`, the rate at the caches' steady state; a run offered at a steady
`TARGET_RATE` gives `interaction_ms`, the latency from the gateway dispatch to the bot's first response at that rate; and
runs at falling shares of the saturated rate find the rate the bot sustains with a
p99 within 100 ms.
The mix is what users do: half autocompletes, then `/program`, `/search`,
`/institution` and `/milestones`.

The stand-in's OpenAPI checks run during the warm-up only: every request shape is
checked once, and the timed runs measure the bot rather than the validator.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import discord
import loopback.objects as obj
import loopback.server
from discord import app_commands
from loopback.harness import HANDLER_TASKS, LoopbackBot
from loopback.server import TOKEN, LoopbackDiscord, Request

from bot.app import App
from bot.config import Config
from bot.discord_adapter.client import DiscordFrontEnd, point_at
from bot.run import Runner
from bot.state import migrate_bot, set_state
from store.fact_store import FactStore

TARGET_RATE = 300.0
IN_FLIGHT = 32
UNANSWERED_S = 30.0
# The sustained rate: the first of these shares of the saturated rate whose p99 stays
# within `SUSTAINED_P99_S` (the target's latency), each offered after `SETTLE_S` of rest.
SUSTAINED_SHARES = (0.8, 0.6, 0.4, 0.2)
SUSTAINED_P99_S = 0.1
SETTLE_S = 3.0
WARMUP = 100
# The saturated rate is measured at the caches' steady state (answers, completions and
# pictures remembered as far as they hold): after a first pass from a fresh process, whose
# rate is reported as `cold_per_s`, this many passes more. The mix's inputs make about
# 860 different answers and 580 completions, and a pass of 2,000 interactions draws each
# program only twice on average, so one pass leaves a seventh of the pictures undrawn.
WARMING_PASSES = 2
# (share of the traffic, interaction type, command, option, where its values come from)
MIX = (
    (0.50, 4, "program", "name", "typed"),
    (0.20, 2, "program", "name", "programs"),
    (0.15, 2, "search", "query", "queries"),
    (0.10, 2, "institution", "name", "institutions"),
    (0.05, 2, "milestones", "days", "days"),
)


class TimedLoopback(LoopbackDiscord):
    """The loopback, telling the load generator the moment each interaction is answered."""

    def __init__(self) -> None:
        super().__init__()
        self.answered: dict[str, asyncio.Future[float]] = {}

    async def _callback(self, request: Request, match: Any) -> tuple[int, Any]:
        # Timed from the request itself: a response after Discord's 3 seconds is refused
        # (and never recorded as the callback) but its lateness is what is measured.
        record = self.interactions.get(match["token"])
        waiter = self.answered.pop(match["token"], None)
        if waiter is not None and record is not None and not waiter.done():
            waiter.set_result(request.at - record.dispatched_at)
        return await super()._callback(request, match)


class LoadDriver:
    """Builds interactions from the synced commands and sends them to the bot."""

    def __init__(self, driver: LoopbackBot, server: TimedLoopback, plan: dict[str, Any]) -> None:
        self.driver = driver
        self.server = server
        self.plan = plan
        self.rng = random.Random(11)

    def payload(self) -> dict[str, Any]:
        """One interaction drawn from `MIX`."""
        _, kind, command, option, source = self.rng.choices(MIX, [m[0] for m in MIX])[0]
        if source == "typed":
            command, value = self.rng.choice(self.plan["typed"])
        elif source == "days":
            value = self.rng.choice((7, 30, 90))
        else:
            value = self.rng.choice(self.plan[source])
        focused = option if kind == 4 else None
        data = self.driver.command_data((command,), {option: value}, focused)
        return obj.interaction(kind, data)

    async def one(self) -> float:
        """Dispatch one interaction; seconds until the bot's first response (infinite when
        none came within `UNANSWERED_S`)."""
        payload = self.payload()
        waiter = asyncio.get_running_loop().create_future()
        self.server.answered[payload["token"]] = waiter
        await self.server.dispatch_interaction(payload)
        try:
            return await asyncio.wait_for(waiter, timeout=UNANSWERED_S)
        except TimeoutError:
            return float("inf")

    async def saturate(self, count: int) -> tuple[float, list[float]]:
        """`count` interactions with `IN_FLIGHT` always outstanding: rate and latencies."""
        latencies: list[float] = []
        remaining = iter(range(count))

        async def worker() -> None:
            for _ in remaining:
                latencies.append(await self.one())

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
        return count / (time.perf_counter() - start), latencies

    async def paced(self, rate: float, seconds: float) -> list[float]:
        """Interactions offered at `rate` per second whatever the answers do (open loop)."""
        start = time.perf_counter()
        tasks = []
        for i in range(int(rate * seconds)):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(self.one()))
        return list(await asyncio.gather(*tasks))


async def drive(store_path: Path, plan: dict[str, Any]) -> dict[str, Any]:
    """The child's side: serve the loopback, wait for the bot, run the load, report."""
    store = FactStore.open(store_path)
    server = TimedLoopback()
    with tempfile.TemporaryDirectory() as scratch:
        driver = LoopbackBot(store, Path(scratch), config=Config(store_path=store_path))
        driver.server = server
        await server.start()
        print(json.dumps({"api_base": server.api_base, "gateway_url": server.gateway_url}))
        sys.stdout.flush()
        deadline = time.perf_counter() + 60
        while server.session is None or not server.commands.get(str(obj.GUILD_ID)):
            if time.perf_counter() > deadline:
                raise RuntimeError("the bot never connected and synced to the loopback")
            await asyncio.sleep(0.01)
        load = LoadDriver(driver, server, plan)
        for _ in range(WARMUP):
            await load.one()
        violations = list(server.violations)
        server.checking = False
        cold_rate, _ = await load.saturate(plan["count"])
        await load.saturate(plan["count"] * WARMING_PASSES)
        rate, saturated = await load.saturate(plan["count"])
        at_target = await load.paced(TARGET_RATE, plan["seconds"])
        late = sum(
            1 for s in [*saturated, *at_target] if s > loopback.server.INTERACTION_DEADLINE_S
        )
        sustained_rate, sustained, at_80 = 0.0, [], []
        for share in SUSTAINED_SHARES:
            await asyncio.sleep(SETTLE_S)  # let a backlog from the run before drain
            sustained = await load.paced(rate * share, plan["seconds"] / 2)
            at_80 = at_80 or sustained  # the first share is 80 %
            if sorted(sustained)[int(len(sustained) * 0.99)] <= SUSTAINED_P99_S:
                sustained_rate = rate * share
                break
        report = {
            "interactions_per_s": round(rate, 1),
            "cold_per_s": round(cold_rate, 1),
            "at_target_ms": [s * 1000 for s in at_target],
            "saturated_ms": [s * 1000 for s in saturated],
            "interactions_late": late,
            "sustained_per_s": round(sustained_rate, 1),
            "sustained_ms": [s * 1000 for s in sustained],
            "at_80_ms": [s * 1000 for s in at_80],
            "loopback_violations": violations,
        }
        print(json.dumps(report))
        sys.stdout.flush()
        # Stay up until the bot has closed, so it never sees its gateway drop.
        await asyncio.to_thread(sys.stdin.read)
        await server.stop()
    store.close()
    return report


def measure_interactions(
    store: FactStore, plan: dict[str, Any], today: Callable[[], date], *, trivial: bool = False
) -> dict[str, Any]:
    """Run the bot here against a loopback and load in a child process; the child's report:
    `interactions_per_s`, per-interaction milliseconds `at_target_ms` and `saturated_ms`,
    `interactions_late` (answered after Discord's 3 seconds, or never), the sustained
    rate `sustained_per_s` (0 when even the lowest share missed) with the latencies of
    the last rate tried, and what the stand-in found wrong with the bot's requests
    during the warm-up.

    `plan`: `typed` (command, partial name) pairs, `programs`, `institutions` (entity
    ids, as autocomplete sends them), `queries`, `count` for the saturation run and
    `seconds` for the run at `TARGET_RATE`.

    `trivial`: discord.py's ceiling instead of the bot: `TrivialBot`, with the same
    commands, answering each with one fixed message through the same loopback.
    """
    return asyncio.run(_serve_while_loaded(store, plan, today, trivial))


class TrivialBot(discord.Client):
    """discord.py with a handler that does nothing: the same command names and options
    as the mix, each answered with "ok" (an autocomplete with one choice)."""

    def __init__(self) -> None:
        super().__init__(
            intents=discord.Intents(guilds=True), allowed_mentions=discord.AllowedMentions.none()
        )
        self.tree = app_commands.CommandTree(self)

    async def setup_hook(self) -> None:
        async def answer(interaction: discord.Interaction, **_: Any) -> None:
            await interaction.response.send_message("ok")

        async def one_choice(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name="ok", value="ok")]

        for name, option, kind in (
            ("program", "name", str), ("institution", "name", str),
            ("search", "query", str), ("milestones", "days", int),
        ):  # fmt: skip
            callback = _callback(answer, option, kind)
            if option == "name":  # the mix types names of programs and institutions
                app_commands.autocomplete(**{option: one_choice})(callback)
            self.tree.add_command(
                app_commands.Command(name=name, description=name, callback=callback)
            )
        guild = discord.Object(id=obj.GUILD_ID)
        self.tree.copy_global_to(guild=guild)
        await self.tree.sync(guild=guild)


def _callback(answer: Any, option: str, kind: type) -> Any:
    """A command callback with one option `option` of type `kind`."""

    async def callback(interaction: discord.Interaction, **values: Any) -> None:
        await answer(interaction, **values)

    callback.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                              annotation=discord.Interaction),
            inspect.Parameter(option, inspect.Parameter.KEYWORD_ONLY, annotation=kind),
        ]
    )  # fmt: skip
    return callback


async def _serve_while_loaded(
    store: FactStore, plan: dict[str, Any], today: Callable[[], date], trivial: bool
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        plan_path = Path(scratch) / "plan.json"
        plan_path.write_text(json.dumps(plan, ensure_ascii=False))
        child = await asyncio.create_subprocess_exec(
            sys.executable, __file__, str(store.path), str(plan_path),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            limit=2**26,  # the report carries every latency
        )  # fmt: skip
        assert child.stdin is not None and child.stdout is not None
        endpoints = json.loads(await child.stdout.readline())
        config = Config(
            store_path=store.path, guild_ids=(obj.GUILD_ID,), locale="ko",
            api_base=endpoints["api_base"], gateway_url=endpoints["gateway_url"],
        )  # fmt: skip
        # A fresh loopback knows no commands: make the bot sync as on its first start.
        migrate_bot(store.db)
        set_state(store.db, f"command_hash:{obj.GUILD_ID}", "")
        point_at(config.api_base, config.gateway_url)
        stop = asyncio.Event()
        if trivial:
            serving = asyncio.create_task(_run_trivial(stop))
        else:
            front_end = DiscordFrontEnd(App(config, store, today=today), TOKEN)
            serving = asyncio.create_task(Runner(front_end.bot.app, [front_end]).run(stop))
        report = await child.stdout.readline()
        await _settle()
        stop.set()
        await serving
        child.stdin.close()
        if await child.wait() != 0 or not report:
            raise RuntimeError("the load generator failed; see its output above")
        return json.loads(report)


async def _run_trivial(stop: asyncio.Event) -> None:
    """`TrivialBot` until `stop`; what stops it earlier is raised."""
    bot = TrivialBot()
    async with bot:
        connected = asyncio.create_task(bot.start(TOKEN))
        stopped = asyncio.create_task(stop.wait())
        await asyncio.wait({connected, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        await bot.close()
        await connected


async def _settle(timeout: float = 60.0) -> None:
    """Let answers still being sent (a deferred reply's edit, follow-ups) finish first."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline and any(
        not task.done() and task.get_name().startswith(HANDLER_TASKS)
        for task in asyncio.all_tasks()
    ):
        await asyncio.sleep(0.05)


if __name__ == "__main__":
    asyncio.run(drive(Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text())))
