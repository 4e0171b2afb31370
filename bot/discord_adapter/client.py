"""The Discord client: connects, registers the commands, syncs them only when they changed."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import math
from typing import Any

import discord
import yarl

from bot.app import App
from bot.briefing.answers import error_reply
from bot.discord_adapter.checks import actor_of
from bot.discord_adapter.commands import CommandBuilder
from bot.discord_adapter.poster import DiscordPoster
from bot.discord_adapter.respond import InteractionRunner, send_reply
from bot.discord_adapter.translator import BriefingTranslator
from bot.discord_adapter.tree import BriefingTree
from bot.discord_adapter.views import PageButton, PickButton, submitted_form
from bot.i18n import t
from bot.state import get_state, migrate_bot, set_state

log = logging.getLogger(__name__)


DISCORD_API = discord.http.Route.BASE
DISCORD_GATEWAY = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY


def point_at(api_base: str | None, gateway_url: str | None) -> None:
    """Aim discord.py at Discord, or at a Discord-compatible server (the end-to-end tests'
    stand-in). discord.py keeps both as class attributes, so this is process-wide."""
    discord.http.Route.BASE = (api_base or DISCORD_API).rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = (
        yarl.URL(gateway_url) if gateway_url else DISCORD_GATEWAY
    )


class BriefBot(discord.Client):
    """The Discord front end: a client with a `BriefingTree` of the commands generated
    from the core specs, page and pick buttons, forms, and the digest poster."""

    def __init__(self, app: App, **client_options: Any) -> None:
        self.app = app
        self.config = app.config
        self.store = app.store
        point_at(self.config.api_base, self.config.gateway_url)
        super().__init__(
            intents=discord.Intents(guilds=True),
            allowed_mentions=discord.AllowedMentions.none(),
            **client_options,
        )
        self.runner = InteractionRunner(app, self)
        self.tree = BriefingTree(self)
        # Set once setup_hook has registered and synced the commands: the bot answers.
        self.set_up = asyncio.Event()
        app.digests.add_poster(DiscordPoster(self, self.config.digest_audit_channel_id))

    async def setup_hook(self) -> None:
        """Once per process, inside the running loop: commands and their sync (here rather
        than in `on_ready`, which fires again on every reconnect)."""
        migrate_bot(self.store.db)
        await self.tree.set_translator(BriefingTranslator())
        for command in CommandBuilder(self.runner).commands():
            self.tree.add_command(command)
        self.add_dynamic_items(PageButton, PickButton)
        await self.sync_commands()
        self.set_up.set()

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Forms are answered here (not by a kept modal), so they survive a restart."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        locale = self.runner.locale(interaction)
        try:
            submitted = submitted_form(interaction.data or {})  # type: ignore[arg-type]
        except ValueError:
            log.warning("refused a form whose id we did not make: %r", interaction.data)
            await send_reply(
                interaction, error_reply(t("err.form_invalid", locale), locale), locale
            )
            return
        if submitted is None:
            return
        kind, revision, key, values = submitted
        actor = actor_of(interaction)
        await self.runner.respond(
            interaction,
            lambda: self.app.admin.submit(kind, key, revision, values, actor, locale),
            private=True,
        )

    async def command_payload(self, guild: discord.abc.Snowflake | None) -> list[dict[str, Any]]:
        """Exactly what `tree.sync()` would send for `guild` (None: global)."""
        translator = self.tree.translator
        assert translator is not None
        commands = self.tree._get_all_commands(guild=guild)
        return [await command.get_translated_payload(self.tree, translator) for command in commands]

    async def sync_commands(self) -> None:
        """Sync to each configured guild (or globally), skipping scopes whose commands are unchanged."""
        scopes: list[discord.Object | None] = [
            discord.Object(id=g) for g in self.config.guild_ids
        ] or [None]
        for guild in scopes:
            if guild is not None:
                self.tree.copy_global_to(guild=guild)
            payload = await self.command_payload(guild)
            digest = hashlib.sha256(
                json.dumps(
                    [self.application_id, payload], sort_keys=True, ensure_ascii=False
                ).encode()
            ).hexdigest()
            key = f"command_hash:{guild.id if guild else 'global'}"
            if get_state(self.store.db, key) == digest:
                log.info("commands for %s unchanged; not syncing", key)
                continue
            await self.tree.sync(guild=guild)
            set_state(self.store.db, key, digest)
            log.info("synced %d commands for %s", len(payload), key)

    async def on_ready(self) -> None:
        log.info("ready as %s in %d guilds", self.user, len(self.guilds))


class ShardedBriefBot(BriefBot, discord.AutoShardedClient):
    """The bot over several gateway shards, or some of them (`[discord] shard_count`,
    `shard_ids`): Discord sends each shard its servers' events, so each process answers
    the interactions of its own shards. Digests are posted over REST, by whichever
    process leads the scheduler."""


def make_bot(app: App) -> BriefBot:
    """The client the configuration asks for: sharded when `shard_count` is set."""
    config = app.config
    if config.shard_count is None:
        return BriefBot(app)
    shard_ids = list(config.shard_ids) if config.shard_ids is not None else None
    return ShardedBriefBot(app, shard_count=config.shard_count, shard_ids=shard_ids)


# How long a closed bot may take to finish its task before it is cancelled.
STOP_GRACE_SECONDS = 5.0


class DiscordFrontEnd:
    """Discord as one of the runner's front ends: the bot logged in and connected, ready
    once its commands are registered and synced. The token is used, never logged."""

    name = "Discord"

    def __init__(self, app: App, token: str) -> None:
        self.bot = make_bot(app)
        self.token = token
        self._task: asyncio.Task[None] | None = None

    async def _serve(self) -> None:
        async with self.bot:
            await self.bot.start(self.token)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._serve(), name="discord")
        ready = asyncio.ensure_future(self.bot.set_up.wait())
        await asyncio.wait({ready, self._task}, return_when=asyncio.FIRST_COMPLETED)
        if not ready.done():
            ready.cancel()
            await self._task  # raises why it stopped (a bad token, an unreachable gateway)
            raise RuntimeError("Discord closed before it was ready")

    async def wait_closed(self) -> None:
        if self._task is not None:
            await asyncio.shield(self._task)

    def health(self) -> dict[str, object]:
        """Up when its commands are set up and the gateway socket is open with a heartbeat
        acknowledged. discord.py reconnects by itself when acknowledgements stop, so a
        socket that stays closed is what to report."""
        bot = self.bot
        connected = bot.ws is not None and bot.ws.open and not bot.is_closed()
        latency = bot.latency  # nan before connecting, inf before the first acknowledgement
        heartbeat = math.isfinite(latency)
        return {
            "ok": bot.set_up.is_set() and connected and heartbeat,
            "connected": connected,
            "latency_seconds": round(latency, 4) if heartbeat else None,
        }

    async def stop(self) -> None:
        """Close the bot; if discord.py is sleeping in a reconnect back-off (which `close`
        does not interrupt, and which grows to minutes during an outage), cancel it rather
        than make a service manager's stop wait."""
        await self.bot.close()
        if self._task is not None:
            done, _ = await asyncio.wait({self._task}, timeout=STOP_GRACE_SECONDS)
            if not done:
                self._task.cancel()
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self._task
            self._task = None
