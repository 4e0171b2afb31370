"""The command tree: one `on_error` that treats each kind of failure on its own.

As Red-DiscordBot's tree does: a value Discord could not turn into the option's type,
a failed check, a missing permission and a cooldown each get their own polite,
private answer; an interaction that expired (Discord's 3 seconds passed, or the user
left) cannot be answered and is only logged, once, quietly; anything else is a real
crash, logged with its original traceback and answered with an apology.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.briefing.answers import error_reply
from bot.discord_adapter.checks import locale_of
from bot.i18n import t

log = logging.getLogger(__name__)
UNKNOWN_INTERACTION = 10062


def expired(error: BaseException) -> bool:
    """Whether `error` says the interaction can no longer be answered."""
    return isinstance(error, discord.NotFound) and error.code == UNKNOWN_INTERACTION


class BriefingTree(app_commands.CommandTree):
    """A `CommandTree` whose errors reach the user as a private explanation, when they can."""

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        from bot.discord_adapter.respond import send_reply

        locale = locale_of(interaction, "ko")
        name = interaction.command.qualified_name if interaction.command else "?"
        original = getattr(error, "original", error)
        if expired(original):
            log.warning("/%s: the interaction expired before it was answered", name)
            return
        if isinstance(error, app_commands.TransformerError):
            message = t("err.transform", locale, value=str(error.value)[:100])
        elif isinstance(error, app_commands.CommandOnCooldown):
            message = t("err.cooldown", locale, seconds=error.retry_after)
        elif isinstance(
            error, app_commands.MissingPermissions | app_commands.BotMissingPermissions
        ):
            message = t("err.permissions", locale, permissions=", ".join(error.missing_permissions))
        elif isinstance(error, app_commands.CheckFailure):
            message = str(error) or t("err.refused", locale)
        else:
            log.error("/%s failed", name, exc_info=original)
            message = t("err.internal", locale)
        try:
            await send_reply(interaction, error_reply(message, locale), locale)
        except discord.HTTPException as exc:
            if not expired(exc):
                log.warning("/%s: could not tell the user about an error: %s", name, exc)
