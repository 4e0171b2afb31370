"""The command tree: one `on_error` that turns any failure into a polite private reply."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.briefing.answers import error_reply
from bot.i18n import locale_for, t

log = logging.getLogger(__name__)


class BriefingTree(app_commands.CommandTree):
    """A `CommandTree` whose errors always reach the user as an ephemeral explanation."""

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        from bot.discord_adapter.respond import send_reply

        locale = locale_for(str(interaction.locale))
        if isinstance(error, app_commands.CommandOnCooldown):
            message = t("err.cooldown", locale, seconds=error.retry_after)
        elif isinstance(error, app_commands.CheckFailure):
            message = str(error) or t("err.internal", locale)
        else:
            log.exception(
                "command %s failed",
                interaction.command and interaction.command.qualified_name,
                exc_info=error,
            )
            message = t("err.internal", locale)
        try:
            await send_reply(interaction, error_reply(message, locale), locale)
        except discord.HTTPException:
            log.exception("could not tell the user about an error")
