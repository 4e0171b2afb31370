"""Answering interactions: run the core off the event loop, keep Discord's 3 seconds, send payloads.

`InteractionRunner` is the "respond or follow up" helper every handler goes through:
it answers directly when the core is quick, defers first when it is not, and sends
each payload exactly as `bot.render.discord_payload` built it.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from typing import Any

import discord

from bot.briefing.answers import Briefer, Choice, Invocation
from bot.briefing.model import Reply
from bot.discord_adapter.views import message_kwargs, page_view
from bot.i18n import locale_for
from bot.render.discord_payload import reply_payloads

log = logging.getLogger(__name__)

# Answer directly if the core finishes within this; otherwise defer and edit later.
FAST_PATH_SECONDS = 1.5
# `interaction.extras` key: whether the deferred "thinking…" is private (absent: not deferred).
DEFERRED_PRIVATE = "briefbot.deferred_private"


class InteractionRunner:
    """Runs commands for Discord interactions through the platform-neutral `Briefer`."""

    def __init__(self, briefer: Briefer, default_locale: str = "ko") -> None:
        self.briefer = briefer
        self.default_locale = default_locale

    def locale(self, interaction: discord.Interaction) -> str:
        """The user's own locale (`en` for English clients), else the configured default."""
        return locale_for(str(interaction.locale), self.default_locale)

    async def run(
        self, interaction: discord.Interaction, command: str, options: dict[str, Any]
    ) -> None:
        """Answer one lookup command through the `Briefer`."""
        locale = self.locale(interaction)
        invocation = Invocation(command, options, locale, str(interaction.user.id))
        await self.respond(interaction, functools.partial(self.briefer.answer, invocation))

    async def respond(
        self,
        interaction: discord.Interaction,
        compute: Callable[[], Reply],
        *,
        private: bool = False,
    ) -> None:
        """Answer within Discord's 3 seconds, whatever the store does: run `compute` in a
        worker thread, defer ("thinking…", private if the answer will be) if it is slow."""
        task = asyncio.ensure_future(asyncio.to_thread(compute))
        done, _ = await asyncio.wait({task}, timeout=FAST_PATH_SECONDS)
        if not done:
            await interaction.response.defer(thinking=True, ephemeral=private)
            interaction.extras[DEFERRED_PRIVATE] = private
        await send_reply(interaction, await task, self.locale(interaction))

    async def choices(
        self, interaction: discord.Interaction, command: str, option: str, current: str
    ) -> list[Choice]:
        """Autocomplete suggestions, computed off the event loop."""
        return await asyncio.to_thread(
            self.briefer.autocomplete, command, option, current or "", self.locale(interaction)
        )


async def send_reply(interaction: discord.Interaction, reply: Reply, locale: str) -> None:
    """Send every payload of a reply: respond, or replace a deferred "thinking…", then
    follow up. After a real first message (an error later on), only follow up."""
    payloads = reply_payloads(reply, locale)
    deferred_private = interaction.extras.get(DEFERRED_PRIVATE)
    for index, payload in enumerate(payloads):
        view = page_view(payload["components"]) if payload["components"] else None
        kwargs = message_kwargs(payload, view)
        if index == 0 and not interaction.response.is_done():
            await interaction.response.send_message(ephemeral=reply.ephemeral, **kwargs)
        elif index == 0 and deferred_private == reply.ephemeral:
            await interaction.edit_original_response(**kwargs)
        elif index == 0 and deferred_private is not None:
            # "thinking…" cannot change who sees it: remove it and answer with the right one.
            await interaction.delete_original_response()
            await interaction.followup.send(ephemeral=reply.ephemeral, **kwargs)
        else:
            await interaction.followup.send(ephemeral=reply.ephemeral, **kwargs)
