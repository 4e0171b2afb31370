"""The fault soak: the real bot, killed and hindered, must lose nothing.

    python tests/soak.py --minutes 20            # the run README reports (Reliability)
    python tests/soak.py --seconds 60 --json     # what tests/test_soak.py runs in CI

The soak is the bot's supervisor. It starts the loopback Discord (`tests/loopback/`) and
the Slack stand-in (`tests/slack_loopback/`) in its own process, and the bot as real
processes on one SQLite file: `python -m bot` (the Discord gateway and Slack's Socket
Mode) and, unless `--one-process`, `python -m bot serve` (Discord's HTTP interactions),
each pointed at the stand-ins by its config. Then, for the time asked:

- a steady mix of interactions at `--rate` per second, as users would send them: lookups
  (`/program`, `/institution`, `/search`, `/milestones`, `/about`), name autocompletes,
  search page buttons, and admin edits (`/fact set … add:true`, each a value of its own),
  over the gateway, HTTP interactions and Slack, from users and admins;
- digests due every minute: `--digests-per-minute` channels (Discord and Slack) each have
  an hourly digest, staggered so that every minute of the run some come due;
- a bulk `python -m store import` every `--import-every` seconds, adding entities while
  the edits go on;
- faults: websocket drops (the gateway resumes, Socket Mode reconnects), 429 storms with
  `Retry-After`, 5xx answers and slow answers from both platforms, and `kill -9` of a bot
  process every `--kill-every` seconds (every other one at a minute's turn, while the
  digests due then are going out), each restarted at once, as a service manager would.

After the load it lets the digests due settle, stops the bot cleanly and counts, from
what the stand-ins received and what the database holds:

- interactions: answered in time, late (after the platform's 3 s), unanswered, each late or
  unanswered one explained when its process was down or reconnecting then; crash apologies;
- digests: due, posted, duplicated, lost, per subscription and period, by the delivery log
  and by the messages each channel received (Discord's nonces, Slack's message metadata);
- edits: acknowledged (the reply named a revision), refused as busy, lost (acknowledged but
  not in the revision log, checked after every restart and at the end);
- `python -m store check`, each process's peak RSS, and every request body the stand-ins
  found invalid.

`SoakReport.problems()` lists what must not happen; the exit status is 1 when it is not empty.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import signal
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import yaml
from loopback import objects as discord_obj
from loopback.harness import command_data
from loopback.server import TOKEN, InteractionRecord, LoopbackDiscord
from slack_loopback import objects as slack_obj
from slack_loopback.server import APP_TOKEN, BOT_TOKEN, Delivery, SlackStandIn

from bot.digest.delivery import digest_nonce
from bot.digest.schedule import parse_schedule, period_of
from bot.digest.subscriptions import DigestBook, Settings
from bot.i18n import t
from bot.ids import discord as discord_ids
from bot.ids import slack as slack_ids
from bot.slack_adapter.poster import DIGEST_EVENT
from store.fact_store import FactStore

ROOT = Path(__file__).resolve().parent.parent
DEADLINE_S = 3.0
# A process that is not ready again this long after it was killed is a failure of the soak.
RESTART_TIMEOUT_S = 90.0
ADMIN_ROLE = discord_obj.ADMIN_ROLE_ID
SOURCE = "byline-2025-foundation-kickoff"
EDITED = "ETRI"
ZONE = "Asia/Seoul"
LOOKUP_NAMES = (
    "ETRI",
    "KAIST",
    "국가 AI 연구거점",
    "독자 AI 파운데이션 모델",
    "NIPA",
    "과기정통부",
)
SEARCHES = ("AI", "연구", "GPU", "KAIST 946억", "모델")
# A Discord channel id per digest subscription; Slack channels are C0SOAK0001, …
FIRST_CHANNEL = 1300000000000100001
REVISION = re.compile(r"revision:(\d+)")
CRASHED = (t("err.internal", "ko"), t("err.internal", "en"))
BUSY = ("busy", "다른 작업이 저장소를 쓰고 있어")
LATE = ("first response after 3 s", "Slack gave up at 3 s")
# What slack-bolt logs when the Socket Mode connection dropped under an acknowledgement.
DROPPED_ACK = "Cannot write to closing transport"


@dataclass(frozen=True)
class SoakOptions:
    """How long and how hard; the defaults are the CI run's."""

    seconds: float = 60.0
    rate: float = 3.0
    kill_every: float = 20.0
    second_process: bool = True
    digests_per_minute: int = 6
    import_every: float = 20.0
    import_entities: int = 30
    fault_every: float = 6.0
    sweep_seconds: float = 0.5
    settle_seconds: float = 45.0
    seed: int = 18
    workdir: Path | None = None


# --- the bot's processes ----------------------------------------------------------------


@dataclass
class Window:
    """A stretch of time when a process could not answer: killed until ready again, or
    its connection dropped until it was back."""

    what: str
    start: float
    end: float = float("inf")

    def covers(self, moment: float, until: float) -> bool:
        return self.start <= until and moment <= self.end


class BotProcess:
    """One bot process the soak supervises: started, killed with SIGKILL, started again."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], ready: tuple[str, ...]):
        self.name = name
        self.argv = argv
        self.env = env
        self.ready = ready
        self.process: asyncio.subprocess.Process | None = None
        self.lines: list[str] = []
        self.url = ""
        self.starts = 0
        self.kills = 0
        self.unexpected_exits: list[int] = []
        self.down: list[Window] = []
        self.peak_rss_kb = 0
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start it and return once it logged every `ready` line (a restart: once more)."""
        if not self.down:
            self.down.append(Window("starting", time.perf_counter()))
        seen = len(self.lines)
        self.process = await asyncio.create_subprocess_exec(
            *self.argv, env=self.env, cwd=ROOT,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        self.starts += 1
        self._reader = asyncio.create_task(self._read(self.process))
        deadline = time.perf_counter() + 60
        while not all(any(r in line for line in self.lines[seen:]) for r in self.ready):
            if self.process.returncode is not None:
                raise RuntimeError(
                    f"{self.name} exited while starting:\n" + "\n".join(self.lines[-30:])
                )
            if time.perf_counter() > deadline:
                raise RuntimeError(
                    f"{self.name} not ready in 60 s:\n" + "\n".join(self.lines[-30:])
                )
            await asyncio.sleep(0.05)
        self.down[-1].end = time.perf_counter()

    async def _read(self, process: asyncio.subprocess.Process) -> None:
        assert process.stderr is not None
        async for raw in process.stderr:
            line = raw.decode("utf-8", "replace").rstrip()
            self.lines.append(line)
            found = re.search(r"HTTP on (http://\S+)", line)
            if found:
                self.url = found.group(1)

    def sample_rss(self) -> None:
        """Keep the process's peak resident set (Linux's VmHWM) before it is killed."""
        if self.process is None or self.process.returncode is not None:
            return
        with contextlib.suppress(OSError):
            status = Path(f"/proc/{self.process.pid}/status").read_text()
            found = re.search(r"VmHWM:\s+(\d+) kB", status)
            if found:
                self.peak_rss_kb = max(self.peak_rss_kb, int(found.group(1)))

    async def kill(self) -> None:
        """`kill -9`: no clean stop, leases and claims are left to run out."""
        assert self.process is not None
        self.sample_rss()
        self.down.append(Window("killed", time.perf_counter()))
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        await self.process.wait()
        self.kills += 1

    async def stop(self) -> int:
        """SIGTERM and the exit status (0: it stopped cleanly)."""
        if self.process is None or self.process.returncode is not None:
            return 0 if self.process is None else self.process.returncode
        self.sample_rss()
        self.process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.process.wait(), 60)
        if self._reader is not None:
            await self._reader
        return code

    def abandon(self) -> None:
        """Kill it if it still runs: a soak that failed leaves no bot behind."""
        if self.process is not None and self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()

    def was_down(self, moment: float, seconds: float = DEADLINE_S) -> bool:
        """Whether it was down at `moment` or went down within `seconds` after it."""
        return any(w.covers(moment, moment + seconds) for w in self.down)

    async def watch(self) -> None:
        """Restart it when it exits by itself (a crash), as a service manager would."""
        while True:
            await asyncio.sleep(0.2)
            process = self.process
            if process is None or process.returncode is None or self.down[-1].end == float("inf"):
                continue
            self.unexpected_exits.append(process.returncode)
            self.down.append(Window("exited", time.perf_counter()))
            await self.start()


# --- what was sent, and what became of it ------------------------------------------------


@dataclass
class Attempt:
    """One interaction the soak sent, and what it found out about it."""

    kind: str
    process: BotProcess
    sent_at: float
    record: InteractionRecord | None = None
    delivery: Delivery | None = None
    response_url: str | None = None
    edit_value: str | None = None
    refused: str | None = None
    outcome: str = ""


@dataclass
class Edit:
    """An edit a reply acknowledged (or an import's revisions), to find in the log."""

    revision: int
    value: str
    actor: str


@dataclass
class SoakReport:
    """What the soak counted; `problems()` is what must be empty."""

    seconds: float
    options: dict[str, Any]
    interactions: dict[str, int] = field(default_factory=dict)
    late_explained: int = 0
    unanswered_explained: int = 0
    late_unexplained: list[str] = field(default_factory=list)
    unanswered_unexplained: list[str] = field(default_factory=list)
    crashed: list[str] = field(default_factory=list)
    edits: dict[str, int] = field(default_factory=dict)
    edits_lost: list[str] = field(default_factory=list)
    imports: dict[str, int] = field(default_factory=dict)
    digests: dict[str, int] = field(default_factory=dict)
    digests_lost: list[str] = field(default_factory=list)
    digests_duplicated: list[str] = field(default_factory=list)
    faults: dict[str, int] = field(default_factory=dict)
    processes: dict[str, dict[str, Any]] = field(default_factory=dict)
    store_check: str = ""
    invalid_bodies: list[str] = field(default_factory=list)
    # Acknowledgements slack-bolt could not write because the socket had just dropped.
    acks_lost: int = 0
    phases: dict[str, float] = field(default_factory=dict)
    errors_logged: list[str] = field(default_factory=list)
    soak_errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Everything that must not happen, one line each."""
        found = [f"unanswered while up: {u}" for u in self.unanswered_unexplained]
        found += [f"crash apology: {c}" for c in self.crashed]
        found += [f"edit lost: {e}" for e in self.edits_lost]
        found += [f"digest lost: {d}" for d in self.digests_lost]
        found += [f"digest duplicated: {d}" for d in self.digests_duplicated]
        found += [f"invalid body: {b}" for b in self.invalid_bodies]
        found += [f"error logged: {e}" for e in self.errors_logged]
        found += [f"the soak itself failed: {e}" for e in self.soak_errors]
        if self.store_check != "ok":
            found.append(f"store check: {self.store_check}")
        for name, process in self.processes.items():
            if process["unexpected_exits"]:
                found.append(f"{name} exited by itself: {process['unexpected_exits']}")
            if process["exit_status"] != 0:
                found.append(f"{name} did not stop cleanly: {process['exit_status']}")
        return found

    def lines(self) -> list[str]:
        """The report as people read it."""
        out = [f"soak of {self.seconds:.0f} s: {json.dumps(self.options)}"]
        out.append(f"interactions: {json.dumps(self.interactions)}")
        out.append(
            f"  late: {self.late_explained} while a process was down or reconnecting,"
            f" {len(self.late_unexplained)} otherwise; unanswered: {self.unanswered_explained}"
            f" while down, {len(self.unanswered_unexplained)} otherwise;"
            f" crash apologies: {len(self.crashed)}"
        )
        out.append(f"edits: {json.dumps(self.edits)}, lost: {len(self.edits_lost)}")
        out.append(f"imports: {json.dumps(self.imports)}")
        out.append(
            f"digests: {json.dumps(self.digests)}, lost: {len(self.digests_lost)},"
            f" duplicated: {len(self.digests_duplicated)}"
        )
        out.append(f"faults: {json.dumps(self.faults)}")
        for name, process in self.processes.items():
            out.append(f"{name}: {json.dumps(process)}")
        out.append(f"store check: {self.store_check}; invalid bodies: {len(self.invalid_bodies)}")
        out.append(f"Socket Mode acks lost to a dropped socket: {self.acks_lost}")
        out.append("seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in self.phases.items()))
        problems = self.problems()
        out.append("problems: none" if not problems else f"problems ({len(problems)}):")
        out += [f"  {p}" for p in problems[:50]]
        return out


# --- the world: store, stand-ins, subscriptions, configs -----------------------------------


@dataclass
class Subscribed:
    """A digest subscription the soak made, and where its messages land."""

    id: int
    platform: str
    channel: str
    minute: int


class Soak:
    """One run: builds the world, drives the load and the faults, and counts."""

    def __init__(self, options: SoakOptions, folder: Path) -> None:
        self.options = options
        self.folder = folder
        self.rng = random.Random(options.seed)
        self.db = folder / "briefbot.db"
        self.discord = LoopbackDiscord()
        self.slack = SlackStandIn()
        self.processes: list[BotProcess] = []
        self.attempts: list[Attempt] = []
        self.edits: list[Edit] = []
        self.edit_checks = 0
        self.edits_lost: list[str] = []
        self.imports: Counter[str] = Counter()
        self.faults: Counter[str] = Counter()
        self.drops: list[Window] = []
        self.subscriptions: list[Subscribed] = []
        self.import_failures: list[str] = []
        # The soak's own failures: a worker that died, a task that raised.
        self.soak_errors: list[str] = []
        self.counter = 0
        self.started = 0.0
        self.load_ended = datetime.now(UTC)
        self._inflight = asyncio.Semaphore(24)
        # Seconds each part of the run took: start-up, load (with the last restart), settle.
        self.phases: dict[str, float] = {}
        self._tasks: set[asyncio.Task[Any]] = set()

    # -- set-up --------------------------------------------------------------------------

    def make_store(self) -> None:
        """The bundled data set, and the digests: `digests_per_minute` hourly ones per minute
        of the run, staggered from the next minute on, two in three on Discord."""
        FactStore.open(self.db).close()
        book = DigestBook.open(self.db)
        try:
            now = datetime.now(UTC)
            minutes = int((self.options.seconds + 59) // 60) + 1
            first = (now + timedelta(minutes=1)).minute
            for index in range(minutes * self.options.digests_per_minute):
                minute = (first + index // self.options.digests_per_minute) % 60
                platform = "slack" if index % 3 == 2 else "discord"
                if platform == "discord":
                    channel = str(FIRST_CHANNEL + index)
                    place = discord_ids.place(discord_obj.GUILD_ID, int(channel))
                    scope = discord_ids.scope(discord_obj.GUILD_ID)
                    actor = discord_ids.actor(discord_obj.USER_ID)
                else:
                    channel = f"C0SOAK{index:04d}"
                    self.slack.channels[channel] = slack_obj.Channel(channel, f"soak-{index}")
                    place = slack_ids.place(slack_obj.TEAM_ID, channel)
                    scope = slack_ids.scope(slack_obj.TEAM_ID)
                    actor = slack_ids.actor(slack_obj.TEAM_ID, slack_obj.USER_ID)
                settings = Settings(parse_schedule(f"{minute} * * * *"), ZONE, 30, "ko", True)
                made, _ = book.subscribe(
                    scope=scope, place=place, actor=actor, settings=settings, revision=1, now=now
                )
                self.subscriptions.append(Subscribed(made.id, platform, channel, minute))
        finally:
            book.close()

    def config(self, name: str, extra: str) -> Path:
        path = self.folder / f"{name}.toml"
        path.write_text(
            f'[store]\npath = "{self.db}"\n'
            f"[discord]\nguild_ids = [{discord_obj.GUILD_ID}]\n"
            f'api_base = "{self.discord.api_base}"\ngateway_url = "{self.discord.gateway_url}"\n'
            f"{extra}"
            f'[slack]\napi_base = "{self.slack.api_base}"\n'
            f"[admins]\ndiscord_role_ids = [{ADMIN_ROLE}]\n"
            f'slack_user_ids = ["{slack_obj.ADMIN_USER_ID}"]\n'
            f"[digest]\nsweep_seconds = {self.options.sweep_seconds}\n"
            f'[http]\nhost = "127.0.0.1"\nport = 0\n',
            encoding="utf-8",
        )
        return path

    def make_processes(self) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "DISCORD_TOKEN": TOKEN}
        env.pop("BRIEFBOT_DB", None)
        gateway = self.config("gateway", "")
        self.processes.append(
            BotProcess(
                "bot (gateway + Socket Mode)",
                [sys.executable, "-m", "bot", "--config", str(gateway)],
                {**env, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": APP_TOKEN},
                ("Discord is ready", "Slack is ready"),
            )
        )
        if self.options.second_process:
            http = self.config("http", f'mode = "http"\npublic_key = "{self.discord.public_key}"\n')
            self.processes.append(
                BotProcess(
                    "bot serve (HTTP interactions)",
                    [sys.executable, "-m", "bot", "serve", "--config", str(http)],
                    env,
                    ("is ready",),
                )
            )

    # -- running -------------------------------------------------------------------------

    def spawn(self, coroutine: Awaitable[Any]) -> asyncio.Future[Any]:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self.soak_errors.append(repr(task.exception()))

    async def run(self) -> SoakReport:
        began = time.perf_counter()
        await self.discord.start()
        await self.slack.start()
        try:
            self.make_store()
            self.make_processes()
            for process in self.processes:
                await process.start()
            self.phases["start-up"] = time.perf_counter() - began
            watchers = [asyncio.create_task(p.watch()) for p in self.processes]
            self.started = time.perf_counter()
            workers = [
                asyncio.create_task(self.load()),
                asyncio.create_task(self.kills()),
                asyncio.create_task(self.faults_loop()),
                asyncio.create_task(self.imports_loop()),
                asyncio.create_task(self.sample_rss()),
            ]
            await asyncio.sleep(self.options.seconds)
            self.load_ended = datetime.now(UTC)
            for worker in workers:
                worker.cancel()
            for result in await asyncio.gather(*workers, return_exceptions=True):
                if isinstance(result, Exception):
                    self.soak_errors.append(repr(result))
            await self.restart_any_down()
            self.phases["load"] = time.perf_counter() - self.started
            await self.settle()
            self.phases["settle"] = time.perf_counter() - self.started - self.phases["load"]
            for watcher in watchers:
                watcher.cancel()
            exits = {p.name: await p.stop() for p in self.processes}
            return await self.report(exits)
        finally:
            for task in list(self._tasks):
                task.cancel()
            for process in self.processes:
                process.abandon()
            await self.slack.stop()
            await self.discord.stop()

    async def restart_any_down(self) -> None:
        """Wait for a restart under way to finish (a process not back in time fails the soak
        rather than hanging it)."""
        async with asyncio.timeout(RESTART_TIMEOUT_S):
            for process in self.processes:
                while process.down[-1].end == float("inf"):
                    await asyncio.sleep(0.1)

    async def sample_rss(self) -> None:
        while True:
            for process in self.processes:
                process.sample_rss()
            await asyncio.sleep(0.5)

    # -- load ----------------------------------------------------------------------------

    async def load(self) -> None:
        """Interactions at `rate` per second, each in its own task."""
        kinds = self.kinds()
        while True:
            await asyncio.sleep(self.rng.expovariate(self.options.rate))
            _, send = self.rng.choice(kinds)
            self.spawn(self.bounded(send()))

    async def bounded(self, send: Awaitable[None]) -> None:
        async with self._inflight:
            await send

    def kinds(self) -> list[tuple[str, Callable[[], Awaitable[None]]]]:
        """The mix: each entry is as likely as the others."""
        mix: list[tuple[str, Callable[[], Awaitable[None]]]] = [
            ("discord lookup", self.discord_lookup),
            ("discord lookup", self.discord_lookup),
            ("discord autocomplete", self.discord_autocomplete),
            ("discord page", self.discord_page),
            ("discord edit", self.discord_edit),
            ("slack lookup", self.slack_lookup),
            ("slack page", self.slack_page),
            ("slack suggest", self.slack_suggest),
            ("slack edit", self.slack_edit),
        ]
        if self.options.second_process:
            mix += [("http lookup", self.http_lookup), ("http edit", self.http_edit)]
        return mix

    def lookup(self) -> tuple[tuple[str, ...], dict[str, Any]]:
        choice = self.rng.randrange(5)
        if choice == 0:
            return ("program",), {"name": self.rng.choice(LOOKUP_NAMES[2:4])}
        if choice == 1:
            return ("institution",), {"name": self.rng.choice(LOOKUP_NAMES[:2] + LOOKUP_NAMES[4:])}
        if choice == 2:
            return ("search",), {"query": self.rng.choice(SEARCHES)}
        if choice == 3:
            return ("milestones",), {"days": self.rng.choice((30, 90, 365))}
        return ("about",), {}

    def next_value(self) -> str:
        self.counter += 1
        return f"soak-{self.options.seed}-{self.counter}"

    def edit_options(self, value: str) -> dict[str, Any]:
        return {
            "entity": EDITED, "attribute": "goal", "value": value, "source": SOURCE,
            "add": True, "reason": "soak",
        }  # fmt: skip

    def gateway(self) -> BotProcess:
        return self.processes[0]

    async def dispatch(
        self,
        kind: str,
        kind_code: int,
        data: dict[str, Any],
        *,
        roles: tuple[int, ...] = (),
        message: dict[str, Any] | None = None,
        edit: str | None = None,
    ) -> Attempt:
        """An INTERACTION_CREATE over the gateway (queued for a RESUME while it is down)."""
        payload = discord_obj.interaction(
            kind_code, data, roles=roles, message=message,
            locale=self.rng.choice(("ko", "en")),
        )  # fmt: skip
        attempt = Attempt(kind, self.gateway(), time.perf_counter(), edit_value=edit)
        self.attempts.append(attempt)
        if self.discord.session is None:
            attempt.refused = "no gateway session"
            return attempt
        attempt.record = await self.discord.dispatch_interaction(payload)
        return attempt

    async def discord_lookup(self) -> None:
        path, options = self.lookup()
        await self.dispatch("discord lookup", 2, command_data(self.discord, path, options))

    async def discord_autocomplete(self) -> None:
        name = self.rng.choice(LOOKUP_NAMES)
        typed = name[: self.rng.randint(1, len(name))]
        data = command_data(self.discord, ("institution",), {"name": typed}, "name")
        await self.dispatch("discord autocomplete", 4, data)

    async def discord_page(self) -> None:
        """A search, then its second page's button, once the first page is there."""
        query = self.rng.choice(SEARCHES[:2])
        first = await self.dispatch(
            "discord lookup", 2, command_data(self.discord, ("search",), {"query": query})
        )
        for _ in range(50):
            if first.record is not None and first.record.original is not None:
                break
            await asyncio.sleep(0.1)
        else:
            return
        assert first.record is not None and first.record.original is not None
        await self.dispatch(
            "discord page", 3, {"custom_id": f"bb:search:2:{query}", "component_type": 2},
            message=first.record.original,
        )  # fmt: skip

    async def discord_edit(self) -> None:
        value = self.next_value()
        data = command_data(self.discord, ("fact", "set"), self.edit_options(value))
        await self.dispatch("discord edit", 2, data, roles=(ADMIN_ROLE,), edit=value)

    async def http_post(self, kind: str, data: dict[str, Any], *, edit: str | None = None) -> None:
        """An interaction POSTed to `python -m bot serve`, as Discord's HTTP interactions do."""
        process = self.processes[1]
        roles = (ADMIN_ROLE,) if edit else ()
        payload = discord_obj.interaction(2, data, roles=roles)
        attempt = Attempt(kind, process, time.perf_counter(), edit_value=edit)
        self.attempts.append(attempt)
        if not process.url:
            attempt.refused = "not listening"
            return
        try:
            timeout = aiohttp.ClientTimeout(total=10)
            async with aiohttp.ClientSession(timeout=timeout) as session:
                attempt.record = await self.discord.post_interaction(
                    f"{process.url}/interactions", payload, session
                )
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            attempt.refused = type(exc).__name__

    async def http_lookup(self) -> None:
        path, options = self.lookup()
        await self.http_post("http lookup", command_data(self.discord, path, options))

    async def http_edit(self) -> None:
        value = self.next_value()
        data = command_data(self.discord, ("fact", "set"), self.edit_options(value))
        await self.http_post("http edit", data, edit=value)

    async def slack_send(
        self,
        kind: str,
        command: str,
        text: str,
        *,
        user: str = slack_obj.USER_ID,
        edit: str | None = None,
    ) -> Attempt:
        """A slash command over Socket Mode (sent once a connection is up, as Slack does)."""
        attempt = Attempt(kind, self.gateway(), time.perf_counter(), edit_value=edit)
        self.attempts.append(attempt)
        if not await self.slack_connected(attempt):
            return attempt
        url = self.slack.new_response_url(user, slack_obj.CHANNEL_ID)
        payload = slack_obj.slash_command(
            command, text, user_id=user, channel=self.slack.channels[slack_obj.CHANNEL_ID],
            response_url=url, trigger_id=self.slack.new_trigger(user),
        )  # fmt: skip
        attempt.response_url = url
        try:
            attempt.delivery = await self.slack.push("slash_commands", payload)
        except AssertionError:
            attempt.refused = "no Socket Mode connection"
        attempt.sent_at = attempt.delivery.sent_at if attempt.delivery else attempt.sent_at
        return attempt

    async def slack_lookup(self) -> None:
        path, options = self.lookup()
        text = " ".join(f"{k}:{v}" for k, v in options.items())
        await self.slack_send("slack lookup", f"/{path[0]}", text)

    async def slack_page(self) -> None:
        """A search, then its next page's button on the message it answered with."""
        first = await self.slack_send("slack lookup", "/search", self.rng.choice(SEARCHES[:2]))
        message = await self.reply_of(first)
        if message is None:
            return
        attempt = Attempt("slack page", self.gateway(), time.perf_counter())
        self.attempts.append(attempt)
        await self.slack_interaction(attempt, lambda: self.slack_click("bb:page:next", message))

    async def slack_click(self, action_id: str, message: Any) -> dict[str, Any]:
        from slack_loopback.harness import find_element

        block_id, element = find_element(message.body.get("blocks") or [], action_id)
        url = self.slack.new_response_url(slack_obj.USER_ID, message.channel, original=message)
        return slack_obj.block_actions(
            element, block_id, user_id=slack_obj.USER_ID,
            trigger_id=self.slack.new_trigger(slack_obj.USER_ID), message=message,
            response_url=url,
        )  # fmt: skip

    async def slack_connected(self, attempt: Attempt) -> bool:
        """Wait for a Socket Mode connection before a user acts: Slack issues a trigger_id
        when the user acts and it lives 3 s, so it must not be made while the bot is down
        and used once it is back (a trigger Slack would never have issued)."""
        try:
            await self.slack.wait_until(
                lambda: self.slack.open_connections > 0, "no Socket Mode connection"
            )
        except AssertionError:
            attempt.refused = "no Socket Mode connection"
            return False
        return True

    async def slack_interaction(
        self, attempt: Attempt, payload: Callable[[], Awaitable[dict[str, Any]]]
    ) -> None:
        if not await self.slack_connected(attempt):
            return
        try:
            attempt.delivery = await self.slack.push("interactive", await payload())
            attempt.sent_at = attempt.delivery.sent_at
        except AssertionError:
            attempt.refused = "no Socket Mode connection"

    async def slack_suggest(self) -> None:
        """`/institution` alone opens a modal; its select is typed into."""
        user = f"U0SOAK{self.rng.randrange(10**4):04d}"
        self.slack.users.setdefault(user, slack_obj.User(user, user.lower()))
        opened = await self.slack_send("slack lookup", "/institution", "", user=user)
        for _ in range(50):
            modal = self.slack.open_modal(user)
            if modal is not None or opened.refused:
                break
            await asyncio.sleep(0.1)
        else:
            return
        if modal is None:
            return
        name = self.rng.choice(LOOKUP_NAMES)
        attempt = Attempt("slack suggest", self.gateway(), time.perf_counter())
        self.attempts.append(attempt)

        async def suggestion() -> dict[str, Any]:
            from slack_loopback.harness import find_element

            block_id, _ = find_element(modal.body.get("blocks") or [], "bb:name")
            return slack_obj.block_suggestion(
                "bb:name", block_id, name[:2], user_id=user, view=modal.payload()
            )

        await self.slack_interaction(attempt, suggestion)

    async def slack_edit(self) -> None:
        value = self.next_value()
        options = self.edit_options(value)
        text = "set " + " ".join(
            f"{k}:{str(v).lower() if v is True else v}" for k, v in options.items()
        )
        await self.slack_send("slack edit", "/fact", text, user=slack_obj.ADMIN_USER_ID, edit=value)

    async def reply_of(self, attempt: Attempt) -> Any:
        """The message a Slack command was answered with, once it is there (or None)."""
        for _ in range(60):
            if attempt.refused or attempt.response_url is None:
                return None
            found = self.slack.reply_to(attempt.response_url)
            if found is not None:
                return found
            await asyncio.sleep(0.1)
        return None

    # -- faults --------------------------------------------------------------------------

    async def kills(self) -> None:
        """`kill -9` a process every `kill_every` seconds, the processes in turn, every
        other kill half a second into a minute (while its digests go out); restart it."""
        turn = 0
        while True:
            wait = self.options.kill_every
            if turn % 2 == 0:
                now = datetime.now(UTC)
                to_minute = 60 - now.second - now.microsecond / 1e6 + 0.5
                wait = to_minute if to_minute <= self.options.kill_every * 1.5 else wait
            await asyncio.sleep(wait)
            process = self.processes[turn % len(self.processes)]
            turn += 1
            # Shielded: the end of the load must not leave a process killed and not restarted
            # (or restarted and never marked ready).
            await asyncio.shield(self.spawn(self.kill_and_restart(process)))

    async def kill_and_restart(self, process: BotProcess) -> None:
        """kill -9, restart at once, and check every acknowledged edit survived."""
        self.faults["kill -9"] += 1
        await process.kill()
        await asyncio.sleep(0.3)
        await process.start()
        await self.check_edits()

    async def faults_loop(self) -> None:
        """A fault every `fault_every` seconds (on average), drawn from the list in turn."""
        plan: list[tuple[str, Callable[[], Awaitable[None]]]] = [
            ("gateway drop", self.drop_gateway),
            ("discord 429 storm", self.discord_429),
            ("slack socket drop", self.drop_slack),
            ("discord 5xx", self.discord_5xx),
            ("slack 429 storm", self.slack_429),
            ("slow answers", self.slow),
            ("slack 5xx", self.slack_5xx),
            ("slack disconnect", self.slack_disconnect),
        ]
        for index in range(10**9):
            await asyncio.sleep(self.rng.uniform(0.5, 1.5) * self.options.fault_every)
            name, inject = plan[index % len(plan)]
            with contextlib.suppress(AssertionError):
                await inject()
                self.faults[name] += 1

    async def drop_gateway(self) -> None:
        window = Window("gateway drop", time.perf_counter())
        self.drops.append(window)
        resumes = self.discord.resumes + self.discord.identifies
        await self.discord.drop_websocket()
        for _ in range(300):
            if self.discord.resumes + self.discord.identifies > resumes:
                break
            await asyncio.sleep(0.05)
        window.end = time.perf_counter()

    async def drop_slack(self) -> None:
        await self.slack_down("slack socket drop", self.slack.drop_socket)

    async def slack_disconnect(self) -> None:
        await self.slack_down("slack disconnect", self.slack.send_disconnect)

    async def slack_down(self, what: str, cut: Callable[[], object]) -> None:
        """Cut Socket Mode and keep the window until the app has connected again: an
        envelope in flight then may never be acknowledged (Slack shows the user an error)."""
        window = Window(what, time.perf_counter())
        self.drops.append(window)
        connections = self.slack.connections
        done = cut()
        if asyncio.iscoroutine(done):
            await done
        with contextlib.suppress(AssertionError):
            await self.slack.wait_until(
                lambda: self.slack.connections > connections, "no new Socket Mode connection"
            )
        window.end = time.perf_counter()

    async def discord_429(self) -> None:
        retry = self.rng.choice((0.5, 1.0, 2.0))
        self.discord.fail("POST", r"/channels/\d+/messages", 429, retry_after=retry, times=6)
        self.discord.fail("POST", r"/webhooks/", 429, retry_after=retry, times=3)

    async def discord_5xx(self) -> None:
        for status in (500, 502, 503):
            self.discord.fail("POST", r"/channels/\d+/messages", status, times=1)

    async def slack_429(self) -> None:
        self.slack.fail("chat.postMessage", "ratelimited", times=4, retry_after=1)

    async def slack_5xx(self) -> None:
        self.slack.fail("chat.postMessage", "internal_error", times=2, status=500)

    async def slow(self) -> None:
        self.discord.slow("POST", r"/channels/\d+/messages", 2.0, times=3)
        self.discord.slow("POST", r"/interactions/\d+/[^/]+/callback", 0.5, times=3)
        self.slack.slow("chat.postMessage", 2.0, times=3)
        self.slack.slow("users.info", 1.0, times=2)

    # -- bulk import -----------------------------------------------------------------------

    async def imports_loop(self) -> None:
        number = 0
        while True:
            await asyncio.sleep(self.options.import_every)
            number += 1
            await self.bulk_import(number)

    async def bulk_import(self, number: int) -> None:
        """Export the store, add `import_entities` entities, import it back."""
        file = self.folder / f"import-{number}.yaml"
        exported = await self.store_cli("export", "-o", str(file))
        if exported[0] != 0:
            self.imports["export failed"] += 1
            return
        await asyncio.to_thread(self.add_entities, file, number)
        code, out, err = await self.store_cli("import", str(file), "--reason", "soak import")
        if code == 0:
            self.imports["applied"] += 1
            found = re.search(r"revisions (\d+)–(\d+)", out)
            if found:
                first, last = int(found.group(1)), int(found.group(2))
                self.edits += [Edit(r, "", f"import:{file.name}") for r in range(first, last + 1)]
        elif "busy" in err:
            self.imports["busy"] += 1
        else:
            self.imports["refused"] += 1
            self.import_failures.append(err.strip()[-500:])

    def add_entities(self, file: Path, number: int) -> None:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        for index in range(self.options.import_entities):
            key = f"soak-{number}-{index}"
            data["entities"].append(
                {"id": key, "class": "institution", "kind": "company",
                 # Distinct however names are compared (`11-7` and `1-17` are not).
                 "ko": f"소크 기업 {number}호 {index}번",
                 "en": f"Soak Company {number} item {index}",
                 "source": SOURCE,
                 "facts": [{"attr": "goal", "text": f"목표 {key}", "source": SOURCE},
                           {"attr": "partner", "entity": "etri", "source": SOURCE}],
                 "milestones": [{"title": {"ko": f"설립 {key}"},
                                 "date": {"text": "2026년", "edtf": "2026", "precision": "year"},
                                 "source": SOURCE}]}
            )  # fmt: skip
        file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    async def store_cli(self, *args: str) -> tuple[int, str, str]:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "store", "--db", str(self.db), *args, cwd=ROOT,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await process.communicate()
        assert process.returncode is not None
        return process.returncode, out.decode(), err.decode()

    # -- checks ----------------------------------------------------------------------------

    def acknowledged(self) -> Iterator[tuple[Attempt, int]]:
        """Edits whose reply named their revision."""
        answers = self.by_interaction()
        for attempt in list(self.attempts):
            if attempt.edit_value is None:
                continue
            found = REVISION.search(self.answer_text(attempt, answers))
            if found:
                yield attempt, int(found.group(1))

    async def check_edits(self) -> None:
        """Every edit acknowledged so far is in the revision log (after each restart)."""
        self.edit_checks += 1
        wanted = [(a.edit_value or "", r, a.kind) for a, r in self.acknowledged()]
        wanted += [(e.value, e.revision, e.actor) for e in self.edits]
        for lost in await asyncio.to_thread(self.missing_revisions, wanted):
            if lost not in self.edits_lost:
                self.edits_lost.append(lost)

    def missing_revisions(self, wanted: list[tuple[str, int, str]]) -> list[str]:
        """Which of `(value, revision, who)` the revision log lacks (or holds otherwise)."""
        connection = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=30)
        try:
            missing = []
            for value, revision, who in wanted:
                row = connection.execute(
                    "SELECT summary FROM revisions WHERE id = ?", [revision]
                ).fetchone()
                if row is None or (value and value not in (row[0] or "")):
                    missing.append(f"revision {revision} ({who}, {value or 'import'})")
            return missing
        finally:
            connection.close()

    def by_interaction(self) -> dict[str, list[dict[str, Any]]]:
        """What answered each interaction: the Discord messages by the interaction's id,
        the posts to each Slack response_url by the URL."""
        found: dict[str, list[dict[str, Any]]] = {}
        for message in list(self.discord.messages.values()):
            interaction = (message.get("interaction_metadata") or {}).get("id")
            if interaction:
                found.setdefault(interaction, []).append(message)
        for post in list(self.slack.response_posts):
            found.setdefault(post.url, []).append(post.body)
        return found

    def answer_text(self, attempt: Attempt, answers: dict[str, list[dict[str, Any]]]) -> str:
        """Everything the bot answered an interaction with, as text (`answers`: see
        `by_interaction`)."""
        if attempt.record is not None:
            record = attempt.record
            messages = list(answers.get(record.id, []))
            if record.original is not None and record.original not in messages:
                messages.append(record.original)
            return json.dumps(messages, ensure_ascii=False)
        if attempt.response_url is not None:
            posts = answers.get(attempt.response_url, [])
            ack = attempt.delivery.ack if attempt.delivery else None
            return json.dumps([ack, *posts], ensure_ascii=False)
        if attempt.delivery is not None:
            return json.dumps(attempt.delivery.ack, ensure_ascii=False)
        return ""

    async def settle(self) -> None:
        """Wait (up to `settle_seconds`) until every digest due by the end of the load is
        delivered, then a little for answers still being written."""
        deadline = time.perf_counter() + self.options.settle_seconds
        while time.perf_counter() < deadline and self.digest_tally()[1]:
            await asyncio.sleep(0.5)
        await asyncio.sleep(2.0)

    def due_periods(self) -> list[tuple[Subscribed, str]]:
        """Every subscription's periods from its start to the end of the load."""
        book = DigestBook.open(self.db)
        try:
            due = []
            for subscribed in self.subscriptions:
                subscription = book.get(subscribed.id)
                assert subscription is not None
                runs = subscription.schedule.runs_between(
                    subscription.zone, subscription.active_since, self.load_ended
                )
                due += [(subscribed, period_of(run)) for run in runs]
            return due
        finally:
            book.close()

    def received(self) -> dict[str, Counter[int]]:
        """How many times each part of each digest reached a channel, by the digest's key:
        Discord messages by their nonce (`key-part`), Slack's by their metadata."""
        parts: dict[str, Counter[int]] = {}
        for message in list(self.discord.messages.values()):
            key, _, part = str(message.get("nonce") or "").rpartition("-")
            if key.startswith("dg") and "interaction_metadata" not in message:
                parts.setdefault(key, Counter())[int(part)] += 1
        for message in self.slack.messages:
            metadata = message.body.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == DIGEST_EVENT and not message.deleted:
                parts.setdefault(str(payload["key"]), Counter())[int(payload["part"])] += 1
        return parts

    def digest_tally(self) -> tuple[dict[str, int], list[str], list[str]]:
        """Counts, the periods not (completely) posted, the periods posted twice."""
        statuses = self.delivery_statuses()
        received = self.received()
        counts: Counter[str] = Counter()
        lost, duplicated = [], []
        for subscribed, period in self.due_periods():
            counts["due"] += 1
            parts = received.get(digest_nonce(subscribed.id, period), Counter())
            name = f"{subscribed.platform} #{subscribed.id} {period}"
            status = statuses.get((subscribed.id, period), "none")
            counts[f"log {status}"] += 1
            complete = bool(parts) and sorted(parts) == list(range(max(parts) + 1))
            if complete and status.startswith("sent"):
                counts["posted"] += 1
            else:
                lost.append(f"{name}: log {status}, parts received {dict(parts)}")
            if any(n > 1 for n in parts.values()):
                duplicated.append(f"{name}: parts received {dict(parts)}")
        return dict(counts), lost, duplicated

    def delivery_statuses(self) -> dict[tuple[int, str], str]:
        """Each delivery's status in the log; `sent, again` for one that took more than one
        attempt (a kill or a failure cut the first off, and another finished it)."""
        connection = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=30)
        try:
            rows = connection.execute(
                "SELECT subscription_id, period, status, attempts FROM digest_deliveries"
            ).fetchall()
        finally:
            connection.close()
        return {
            (row[0], row[1]): f"{row[2]}, again" if row[2] == "sent" and row[3] > 1 else row[2]
            for row in rows
        }

    def classify(self, attempt: Attempt, late_ids: set[str]) -> str:
        """answered, late or unanswered, and `(down)` when its process was down or
        reconnecting within its 3 seconds."""
        excuse = attempt.process.was_down(attempt.sent_at) or any(
            w.covers(attempt.sent_at, attempt.sent_at + DEADLINE_S) for w in self.drops
        )
        suffix = " (down)" if excuse else ""
        if attempt.refused:
            return f"not sent{suffix}"
        if attempt.record is not None:
            if attempt.record.callback_at is not None:
                return "answered"
            if attempt.record.id in late_ids:
                return f"late{suffix}"
        elif attempt.delivery is not None and attempt.delivery.answered_at is not None:
            return f"late{suffix}" if attempt.delivery.late else "answered"
        return f"unanswered{suffix}"

    def tally_interactions(self, report: SoakReport) -> None:
        late_ids = {v.split()[1] for v in self.discord.violations if LATE[0] in v}
        answers = self.by_interaction()
        outcomes: Counter[str] = Counter()
        for attempt in self.attempts:
            attempt.outcome = self.classify(attempt, late_ids)
            outcomes[attempt.outcome] += 1
            where = f"{attempt.kind} at {attempt.sent_at - self.started:.1f} s"
            if attempt.outcome == "late (down)":
                report.late_explained += 1
            elif attempt.outcome == "late":
                report.late_unexplained.append(where)
            elif attempt.outcome.endswith("(down)"):
                report.unanswered_explained += 1
            elif attempt.outcome != "answered":
                report.unanswered_unexplained.append(f"{where}: {attempt.outcome}")
            text = self.answer_text(attempt, answers)
            if any(crash in text for crash in CRASHED):
                report.crashed.append(where)
        report.interactions = {"sent": len(self.attempts), **dict(outcomes)}
        edits = [a for a in self.attempts if a.edit_value is not None]
        texts = [self.answer_text(a, answers) for a in edits]
        report.edits = {
            "sent": len(edits),
            "acknowledged": sum(1 for text in texts if REVISION.search(text)),
            "refused busy": sum(
                1 for text in texts if not REVISION.search(text) and any(b in text for b in BUSY)
            ),
            "import revisions": len(self.edits),
            "checks after restarts": self.edit_checks,
        }

    async def report(self, exits: dict[str, int]) -> SoakReport:
        options = {k: str(v) for k, v in asdict(self.options).items() if k != "workdir"}
        report = SoakReport(self.options.seconds, options)
        self.tally_interactions(report)
        await self.check_edits()
        report.edits_lost = self.edits_lost
        report.imports = dict(self.imports)
        report.soak_errors = self.soak_errors + self.import_failures
        report.digests, report.digests_lost, report.digests_duplicated = self.digest_tally()
        report.faults = dict(self.faults)
        report.phases = {name: round(seconds, 1) for name, seconds in self.phases.items()}
        for process in self.processes:
            report.processes[process.name] = {
                "starts": process.starts,
                "kills": process.kills,
                "unexpected_exits": process.unexpected_exits,
                "exit_status": exits[process.name],
                "peak_rss_mb": round(process.peak_rss_kb / 1024, 1),
            }
            errors = [line for line in process.lines if "ERROR" in line and "digest" not in line]
            report.acks_lost += sum(1 for line in errors if DROPPED_ACK in line)
            report.errors_logged += [line for line in errors if DROPPED_ACK not in line][:20]
        code, out, err = await self.store_cli("check")
        report.store_check = "ok" if code == 0 else (err.strip() or out.strip())[-2000:]
        report.invalid_bodies = [
            v for v in [*self.discord.violations, *self.slack.violations]
            if not any(late in v for late in LATE)
        ]  # fmt: skip
        return report


async def run_soak(options: SoakOptions) -> SoakReport:
    """One soak run in `options.workdir` (a fresh temporary folder when None)."""
    if options.workdir is not None:
        options.workdir.mkdir(parents=True, exist_ok=True)
        return await Soak(options, options.workdir).run()
    with tempfile.TemporaryDirectory(prefix="briefbot-soak-") as folder:
        return await Soak(options, Path(folder)).run()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--minutes", type=float, help="how long the load runs")
    length.add_argument("--seconds", type=float, help="how long the load runs (default 60)")
    defaults = SoakOptions()
    parser.add_argument("--rate", type=float, default=defaults.rate, help="interactions per second")
    parser.add_argument(
        "--kill-every",
        type=float,
        help="seconds between kill -9s (default: 20 s, 150 s from 10 minutes on)",
    )
    parser.add_argument(
        "--one-process", action="store_true", help="no python -m bot serve beside it"
    )
    parser.add_argument("--digests-per-minute", type=int, default=defaults.digests_per_minute)
    parser.add_argument(
        "--import-every",
        type=float,
        help="seconds between bulk imports (default: 20 s, 60 s from 10 minutes on)",
    )
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--workdir", type=Path, help="keep the store, configs and logs here")
    parser.add_argument("--json", action="store_true", help="the report as one JSON object")
    args = parser.parse_args(argv)
    seconds = args.minutes * 60 if args.minutes else args.seconds or defaults.seconds
    long_run = seconds >= 600
    options = SoakOptions(
        seconds=seconds,
        rate=args.rate,
        kill_every=args.kill_every or (150.0 if long_run else defaults.kill_every),
        second_process=not args.one_process,
        digests_per_minute=args.digests_per_minute,
        import_every=args.import_every or (60.0 if long_run else defaults.import_every),
        sweep_seconds=5.0 if long_run else defaults.sweep_seconds,
        seed=args.seed,
        workdir=args.workdir,
    )
    report = asyncio.run(run_soak(options))
    if args.json:
        print(json.dumps(asdict(report), ensure_ascii=False, indent=2))
    else:
        print("\n".join(report.lines()))
    return 1 if report.problems() else 0


if __name__ == "__main__":
    sys.exit(main())
