"""Who is asking and where, in the ids the core stores (`bot.ids.discord`).

Both ways Discord reaches us end here: the gateway path reads a discord.py
`Interaction`, the HTTP interactions endpoint the raw JSON Discord POSTs. Each payload
carries the member's roles, their permissions in the channel (Discord computes them,
owner and administrator included) and the client's locale, so trust is decided the
same way without the gateway's member cache.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import discord

from bot.i18n import locale_for
from bot.ids import discord as ids
from bot.trust import Actor

MANAGE_GUILD = 1 << 5


def discord_actor(
    user_id: int, guild_id: int | None, role_ids: Iterable[int], manages_guild: bool
) -> Actor:
    """The actor of a Discord user: managing the scope only inside a server."""
    return Actor(
        ids.actor(user_id),
        scope=ids.scope(guild_id) if guild_id is not None else None,
        roles=frozenset(ids.role(role) for role in role_ids),
        manages_scope=guild_id is not None and manages_guild,
    )


def actor_of(interaction: discord.Interaction) -> Actor:
    """The user behind an interaction, with their roles and whether they manage the server
    (Manage Server, which Discord computes with owner and administrator included)."""
    user = interaction.user
    return discord_actor(
        user.id,
        interaction.guild_id,
        (role.id for role in getattr(user, "roles", ())),
        interaction.permissions.manage_guild,
    )


def place_of(interaction: discord.Interaction) -> str | None:
    """The channel the interaction came from, as a place."""
    if interaction.channel_id is None:
        return None
    return ids.place(interaction.guild_id, interaction.channel_id)


def locale_of(interaction: discord.Interaction, default: str) -> str:
    """The user's own locale (`en` for English clients), else the configured default."""
    return locale_for(str(interaction.locale), default)


def _guild_id(payload: dict[str, Any]) -> int | None:
    guild = payload.get("guild_id")
    return int(guild) if guild is not None else None


def payload_actor(payload: dict[str, Any]) -> Actor:
    """`actor_of` for a raw interaction: a member in a server, a user in a DM."""
    member = payload.get("member")
    if member is not None:
        permissions = int(member.get("permissions") or 0)
        return discord_actor(
            int(member["user"]["id"]),
            _guild_id(payload),
            (int(role) for role in member.get("roles") or ()),
            bool(permissions & MANAGE_GUILD),
        )
    return discord_actor(int(payload["user"]["id"]), None, (), False)


def payload_place(payload: dict[str, Any]) -> str | None:
    """`place_of` for a raw interaction."""
    channel = payload.get("channel_id") or (payload.get("channel") or {}).get("id")
    if channel is None:
        return None
    return ids.place(_guild_id(payload), int(channel))


def payload_locale(payload: dict[str, Any], default: str) -> str:
    """`locale_of` for a raw interaction (`locale` is absent on a PING)."""
    return locale_for(str(payload.get("locale") or ""), default)
