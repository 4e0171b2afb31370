"""Drive the real bot end to end: start the loopback Discord, start the production
`BriefBot` against it, send interactions as a user would, and collect what came back.

Later features (digests, admin updates) reuse `LoopbackBot` for their own commands:
`await bot.command("digest", "subscribe", channel=..., schedule=...)` sends a slash
command (subcommands by name), `autocomplete`, `click` and `submit_modal` the rest.

`LoopbackBot(..., mode="http")` runs the bot as `[discord] mode = "http"` instead: the
loopback then POSTs each interaction, signed, to the bot's `/interactions` endpoint and
takes the response body as its first response; everything else is the same.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import aiohttp

import loopback.objects as obj
from bot.__main__ import add_routes, http_server
from bot.app import App
from bot.config import Config
from bot.discord_adapter.client import BriefBot, DiscordFrontEnd
from bot.discord_adapter.http_interactions import DiscordHttpFrontEnd
from bot.http_server import HttpServer
from bot.run import FrontEnd, Runner
from loopback.server import TOKEN, InteractionRecord, LoopbackDiscord, Request
from store.fact_store import FactStore

# Tasks discord.py creates to run one interaction's handler; none left means it is answered.
HANDLER_TASKS = (
    "CommandTree-invoker",
    "discord.py: on_interaction",
    "discord-ui-view-dispatch-",
    "discord-ui-dynamic-item-",
    "discord-ui-modal-dispatch-",
)
SETTLE_TIMEOUT_S = 10.0
CHANNEL_OPTION = 7


@dataclass
class Exchange:
    """One interaction and everything the bot sent for it."""

    record: InteractionRecord
    requests: list[Request]
    messages: list[dict[str, Any]] = field(default_factory=list)

    @property
    def callback(self) -> dict[str, Any]:
        """The first response (`POST …/callback`) body."""
        found = [r for r in self.requests if r.path.endswith("/callback")]
        assert found, f"interaction {self.record.id} got no response"
        return found[0].body

    @property
    def latency(self) -> float:
        """Seconds from dispatching the interaction to the bot's first response."""
        assert self.record.callback_at is not None, "no response"
        return self.record.callback_at - self.record.dispatched_at

    @property
    def choices(self) -> list[dict[str, Any]]:
        assert self.callback["type"] == 8, self.callback
        return self.callback["data"]["choices"]

    @property
    def ephemeral(self) -> bool:
        """Whether the user alone sees the answer (every message is checked to agree)."""
        flags = {bool((m.get("flags") or 0) & 64) for m in self.messages}
        assert len(flags) == 1, f"mixed visibility: {self.messages}"
        return flags.pop()

    @property
    def text(self) -> str:
        """All visible text of the answer, for assertions about what it says."""
        parts: list[str] = []
        for message in self.messages:
            parts.append(message.get("content") or "")
            for embed in message.get("embeds") or []:
                parts += [embed.get("title") or "", embed.get("description") or ""]
                parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields") or []]
                parts.append((embed.get("footer") or {}).get("text") or "")
        return "\n".join(p for p in parts if p)


class LoopbackBot:
    """The loopback Discord plus the production bot connected to it, on one store file."""

    def __init__(
        self,
        store: FactStore,
        tmp_path: Path,
        *,
        today: date | None = None,
        config: Config | None = None,
        mode: str = "gateway",
        http: bool = False,
    ) -> None:
        self.server = LoopbackDiscord()
        self.mode = mode
        # With `http`, the bot's HTTP application (health, metrics, web pages) runs beside
        # the gateway on a free loopback port; in HTTP mode it always does.
        self.with_http = http or mode == "http"
        self.http: HttpServer | None = None
        self.front_end: FrontEnd | None = None
        self._session: aiohttp.ClientSession | None = None
        self.store = store
        self.today = today
        self.base_config = config or Config(
            store_path=store.path, guild_ids=(obj.GUILD_ID,), locale="ko"
        )
        self.tmp_path = tmp_path
        self.bot: BriefBot | None = None
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    @property
    def config(self) -> Config:
        return replace(
            self.base_config,
            api_base=self.server.api_base,
            gateway_url=self.server.gateway_url,
            discord_mode=self.mode,
            discord_public_key=self.server.public_key,
            http_enabled=self.with_http,
            http_host="127.0.0.1",
            http_port=0,
        )

    @property
    def endpoint_url(self) -> str:
        """Where Discord POSTs interactions in HTTP mode."""
        assert self.http is not None, "not in HTTP mode"
        return f"{self.http.url}/interactions"

    async def __aenter__(self) -> LoopbackBot:
        await self.server.start()
        await self.start_bot()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop_bot()
        if self._session is not None:
            await self._session.close()
        await self.server.stop()

    def today_function(self) -> Callable[[], date] | None:
        """The pinned day lookups answer for, if any (else the app's clock decides)."""
        return (lambda: self.today) if self.today else None

    async def start_bot(self) -> BriefBot:
        """Start the bot exactly as `python -m bot` does (the runner with the Discord front
        end); return once it is connected, has received the test server and its digest
        scheduler runs (it answers from then on; discord.py fires `on_ready` only after its
        `guild_ready_timeout`, 2 s later, which `wait_until_ready` awaits)."""
        app = App(self.config, self.store, today=self.today_function())
        front_end: DiscordFrontEnd | DiscordHttpFrontEnd
        self.http = http_server(self.config)
        if self.mode == "http":
            assert self.http is not None
            front_end = DiscordHttpFrontEnd(app, TOKEN, self.http)
            self._session = self._session or aiohttp.ClientSession()
        else:
            front_end = DiscordFrontEnd(app, TOKEN)
        if self.http is not None:
            add_routes(self.http, app, [front_end])
        bot = front_end.bot
        self.bot, self.front_end = bot, front_end
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(Runner(app, [front_end], self.http).run(self._stop))
        deadline = time.perf_counter() + SETTLE_TIMEOUT_S
        scheduler = app.digests.scheduler
        while not self._answers(front_end) or not scheduler.caught_up.is_set():
            if self._task.done():
                await self._task  # raises what stopped the bot
                raise AssertionError("the bot stopped before connecting")
            assert time.perf_counter() < deadline, "the bot did not connect"
            await asyncio.sleep(0.005)
        return bot

    def _answers(self, front_end: DiscordFrontEnd | DiscordHttpFrontEnd) -> bool:
        """Whether the bot can take interactions: the test server arrived over the gateway,
        or (HTTP mode) the endpoint is up."""
        if isinstance(front_end, DiscordHttpFrontEnd):
            return front_end.endpoint.ready
        return front_end.bot.get_guild(obj.GUILD_ID) is not None

    async def stop_bot(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task
        self.bot, self._task = None, None

    async def restart(self) -> BriefBot:
        """Stop and start the bot again on the same store and server (a process restart)."""
        await self.stop_bot()
        return await self.start_bot()

    # -- sending interactions ----------------------------------------------------------

    def command_data(
        self, path: tuple[str, ...], options: dict[str, Any], focused: str | None = None
    ) -> dict[str, Any]:
        """`data` of an application command interaction, typed from the synced definition."""
        return command_data(self.server, path, options, focused)

    async def command(
        self,
        *path: str,
        locale: str = "ko",
        permissions: int = obj.MEMBER_PERMISSIONS,
        user_id: int = obj.USER_ID,
        roles: tuple[int, ...] = (),
        **options: Any,
    ) -> Exchange:
        """Run a slash command (`command("program", name="ETRI")`) and wait for its answer."""
        data = self.command_data(path, options)
        payload = obj.interaction(
            2, data, locale=locale, permissions=permissions, user_id=user_id, roles=roles
        )
        return await self.send(payload)

    async def autocomplete(
        self, *path: str, focused: str, locale: str = "ko", **options: Any
    ) -> Exchange:
        """Type into option `focused` (its partial value among `options`) and get the choices."""
        payload = obj.interaction(4, self.command_data(path, options, focused), locale=locale)
        return await self.send(payload)

    async def click(
        self, message: dict[str, Any], custom_id: str, *, locale: str = "ko"
    ) -> Exchange:
        """Press the button `custom_id` on `message`."""
        data = {"custom_id": custom_id, "component_type": 2}
        return await self.send(obj.interaction(3, data, locale=locale, message=message))

    async def submit_modal(
        self,
        custom_id: str,
        values: dict[str, str],
        *,
        locale: str = "ko",
        permissions: int = obj.MEMBER_PERMISSIONS,
        user_id: int = obj.USER_ID,
        roles: tuple[int, ...] = (),
    ) -> Exchange:
        """Submit a modal whose text inputs (by custom_id) hold `values`."""
        rows = [
            {"type": 1, "components": [{"type": 4, "custom_id": key, "value": value}]}
            for key, value in values.items()
        ]
        data = {"custom_id": custom_id, "components": rows}
        payload = obj.interaction(
            5, data, locale=locale, permissions=permissions, user_id=user_id, roles=roles
        )
        return await self.send(payload)

    async def send(self, payload: dict[str, Any], *, late_by: float = 0.0) -> Exchange:
        """Dispatch any INTERACTION_CREATE and wait until the bot has finished answering."""
        first_request = len(self.server.requests)
        if isinstance(self.front_end, DiscordHttpFrontEnd):
            assert self._session is not None and not late_by, "HTTP interactions are never late"
            record = await self.server.post_interaction(self.endpoint_url, payload, self._session)
            await asyncio.wait_for(self.front_end.endpoint.drained(), SETTLE_TIMEOUT_S)
        else:
            record = await self.server.dispatch_interaction(payload, late_by=late_by)
            await self._first_request(record.token, first_request)
            await self.settle()
        mine = [r for r in self.server.requests[first_request:] if record.token in r.path]
        messages = [
            m for m in self.server.messages.values()
            if (m.get("interaction_metadata") or {}).get("id") == record.id
        ]  # fmt: skip
        return Exchange(record, mine, sorted(messages, key=lambda m: int(m["id"])))

    async def _first_request(self, token: str, since: int) -> None:
        """Wait for the bot's first request about this interaction (its response)."""
        deadline = time.perf_counter() + SETTLE_TIMEOUT_S
        while not any(token in r.path for r in self.server.requests[since:]):
            assert time.perf_counter() < deadline, "the bot never answered the interaction"
            await asyncio.sleep(0.002)

    async def settle(self) -> None:
        """Wait until no interaction handler task is running in the bot."""
        deadline = time.perf_counter() + SETTLE_TIMEOUT_S
        while any(
            not task.done() and task.get_name().startswith(HANDLER_TASKS)
            for task in asyncio.all_tasks()
        ):
            assert time.perf_counter() < deadline, "the bot is still answering after 10 s"
            await asyncio.sleep(0.005)


def _command_definition(server: LoopbackDiscord, name: str) -> dict[str, Any]:
    for commands in server.commands.values():
        for command in commands:
            if command["name"] == name:
                return command
    raise AssertionError(f"/{name} was never synced; synced: {server.commands}")


def command_data(
    server: LoopbackDiscord,
    path: tuple[str, ...],
    options: dict[str, Any],
    focused: str | None = None,
) -> dict[str, Any]:
    """`data` of an application command interaction, typed from the definition the bot
    synced to `server` (a bot in another process too: the soak drives one so)."""
    command = _command_definition(server, path[0])
    data = {
        "id": command["id"],
        "name": command["name"],
        "type": 1,
        "guild_id": str(obj.GUILD_ID),
    }
    holder, level = data, command
    for sub in path[1:]:
        level = next(o for o in level.get("options", []) if o["name"] == sub)
        nested = {"name": sub, "type": level["type"], "options": []}
        holder["options"] = [nested]
        holder = nested
    declared = {o["name"]: o for o in level.get("options", [])}
    typed = []
    for key, value in options.items():
        assert key in declared, f"/{' '.join(path)} has no option {key!r}: {list(declared)}"
        option = {"name": key, "type": declared[key]["type"], "value": value}
        if option["type"] == CHANNEL_OPTION:  # Discord sends the channel's id and resolves it
            option["value"] = str(value)
            resolved = data.setdefault("resolved", {}).setdefault("channels", {})
            resolved[str(value)] = {**obj.text_channel(int(value)), "permissions": "0"}
        if key == focused:
            option["focused"] = True
        typed.append(option)
    holder["options"] = typed
    return data
