"""The Discord client: connects, registers the commands, syncs them only when they changed."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import signal
from typing import Any

import discord
import yarl

from bot.admin.desk import AdminDesk
from bot.briefing.answers import Briefer
from bot.config import Config
from bot.digest.service import DigestService
from bot.discord_adapter.admin import AdminCommands
from bot.discord_adapter.digests import DiscordPoster, add_digest_commands
from bot.discord_adapter.lookup import add_lookup_commands
from bot.discord_adapter.respond import InteractionRunner
from bot.discord_adapter.translator import BriefingTranslator
from bot.discord_adapter.tree import BriefingTree
from bot.discord_adapter.views import PageButton
from bot.state import get_state, migrate_bot, set_state
from store.fact_store import FactStore

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
    """The bot: a client with a `BriefingTree`, the lookup commands and the page buttons."""

    def __init__(self, config: Config, store: FactStore, briefer: Briefer) -> None:
        point_at(config.api_base, config.gateway_url)
        super().__init__(
            intents=discord.Intents(guilds=True), allowed_mentions=discord.AllowedMentions.none()
        )
        self.config = config
        self.store = store
        self.runner = InteractionRunner(briefer, config.locale)
        self.tree = BriefingTree(self)
        self.digests: DigestService | None = None
        self.admin: AdminCommands | None = None

    async def setup_hook(self) -> None:
        """Once per process, inside the running loop: commands, sync, then the digest
        scheduler (started here rather than in `on_ready`, which fires again on reconnects)."""
        migrate_bot(self.store.db)
        await self.tree.set_translator(BriefingTranslator())
        add_lookup_commands(self.tree, self.runner)
        self.digests = DigestService(
            self.store, self.config, DiscordPoster(self, self.config.digest_audit_channel_id)
        )
        add_digest_commands(self.tree, self.runner, self.digests)
        desk = AdminDesk(self.store, self.config, self.runner.briefer.today)
        self.admin = AdminCommands(desk, self.runner, self)
        self.admin.register(self.tree)
        self.add_dynamic_items(PageButton)
        await self.sync_commands()
        await self.digests.start()

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Forms are answered here (not by a kept modal), so they survive a restart."""
        if self.admin is not None:
            await self.admin.on_modal_submit(interaction)

    async def close(self) -> None:
        if self.digests is not None:
            await self.digests.close()
            self.digests = None
        await super().close()

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


async def serve(bot: BriefBot, token: str) -> None:
    """Log in, connect and answer until the bot is closed (what `run_discord` runs)."""
    async with bot:
        await bot.start(token)


async def _serve_until_signalled(bot: BriefBot, token: str) -> None:
    """`serve`, closing the bot cleanly on Ctrl-C or SIGTERM (a service manager's stop)."""
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # Windows has no loop signal handlers
            loop.add_signal_handler(signum, lambda: loop.create_task(bot.close()))
    await serve(bot, token)


def run_discord(config: Config, store: FactStore, token: str, briefer: Briefer) -> int:
    """Run the bot until it is stopped; the token is used, never logged."""
    asyncio.run(_serve_until_signalled(BriefBot(config, store, briefer), token))
    log.info("stopped")
    return 0
