"""Who is asking, for `bot.trust`, and the server-side checks that go with
`default_permissions` (which only hides commands; a server owner can override it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import discord
from discord import app_commands

from bot.config import Config
from bot.i18n import locale_for, t
from bot.trust import Actor

T = TypeVar("T")


def actor_of(interaction: discord.Interaction) -> Actor:
    """The user behind an interaction, with their roles and Manage Server permission."""
    user = interaction.user
    roles = frozenset(role.id for role in getattr(user, "roles", ()))
    return Actor(user.id, interaction.guild_id, roles, interaction.permissions.manage_guild)


def trusted(rule: Callable[[Config, Actor], bool], refusal: str) -> Callable[[T], T]:
    """A server-side check: `rule` must allow the asker, else a polite, localised refusal
    (`refusal` is an i18n key) reaches them through the tree's `on_error`."""

    def predicate(interaction: discord.Interaction) -> bool:
        config: Config = interaction.client.config  # type: ignore[attr-defined]
        if interaction.guild_id is None:
            raise app_commands.CheckFailure(
                t("err.guild_only", locale_for(str(interaction.locale)))
            )
        if not rule(config, actor_of(interaction)):
            raise app_commands.CheckFailure(t(refusal, locale_for(str(interaction.locale))))
        return True

    return app_commands.check(predicate)
