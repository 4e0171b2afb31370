"""Who is asking and where, in the ids the core stores (`bot.discord_adapter.ids`)."""

from __future__ import annotations

import discord

from bot.discord_adapter import ids
from bot.i18n import locale_for
from bot.trust import Actor


def actor_of(interaction: discord.Interaction) -> Actor:
    """The user behind an interaction, with their roles and whether they manage the server
    (Manage Server, which Discord computes with owner and administrator included)."""
    user = interaction.user
    guild_id = interaction.guild_id
    roles = frozenset(ids.role(role.id) for role in getattr(user, "roles", ()))
    return Actor(
        ids.actor(user.id),
        scope=ids.scope(guild_id) if guild_id is not None else None,
        roles=roles,
        manages_scope=guild_id is not None and interaction.permissions.manage_guild,
    )


def place_of(interaction: discord.Interaction) -> str | None:
    """The channel the interaction came from, as a place."""
    if interaction.channel_id is None:
        return None
    return ids.place(interaction.guild_id, interaction.channel_id)


def locale_of(interaction: discord.Interaction, default: str) -> str:
    """The user's own locale (`en` for English clients), else the configured default."""
    return locale_for(str(interaction.locale), default)
