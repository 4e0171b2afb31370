"""How Discord's snowflakes become the opaque ids the core stores, and back.

The core compares and stores these strings but never reads them; only this front end
builds and parses them. Kept free of discord.py imports, so configuration and
migrations can use it without loading the client.
"""

from __future__ import annotations

import re

PREFIX = "discord:"
_CHANNEL = re.compile(r"discord:guild/(\d+)/channel/(\d+)")
_DM = re.compile(r"discord:dm/(\d+)")
_ACTOR = re.compile(r"discord:(\d+)")


def actor(user_id: int) -> str:
    """A Discord user, as revisions name them: `discord:123`."""
    return f"{PREFIX}{user_id}"


def scope(guild_id: int) -> str:
    """A server: `discord:guild/123`."""
    return f"{PREFIX}guild/{guild_id}"


def role(role_id: int) -> str:
    """A server role: `discord:role/123`."""
    return f"{PREFIX}role/{role_id}"


def place(guild_id: int | None, channel_id: int) -> str:
    """A channel of a server (`discord:guild/1/channel/2`), or a DM channel (`discord:dm/2`)."""
    if guild_id is None:
        return f"{PREFIX}dm/{channel_id}"
    return f"{PREFIX}guild/{guild_id}/channel/{channel_id}"


def is_place(value: str) -> bool:
    """Whether `value` is a place this front end made (and so can post to)."""
    return bool(_CHANNEL.fullmatch(value) or _DM.fullmatch(value))


def channel_of(value: str) -> int | None:
    """The channel id of a place this front end made, else None."""
    match = _CHANNEL.fullmatch(value) or _DM.fullmatch(value)
    return int(match.groups()[-1]) if match else None


def user_of(value: str) -> int | None:
    """The user id of an actor this front end made, else None."""
    match = _ACTOR.fullmatch(value)
    return int(match.group(1)) if match else None
