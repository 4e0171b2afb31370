"""Complete Discord objects as the real API sends them: users, members, guilds, messages,
commands and INTERACTION_CREATE payloads.

discord.py reads many keys with `data[...]`; a key missing here would crash the client
in ways real Discord never does, so every builder fills the full shape.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

# Discord snowflakes for the stand-in's fixed cast.
APPLICATION_ID = 1100000000000000001
BOT_USER_ID = APPLICATION_ID
OWNER_ID = 1100000000000000002
GUILD_ID = 1200000000000000001
CHANNEL_ID = 1300000000000000001
AUDIT_CHANNEL_ID = 1300000000000000002
USER_ID = 1400000000000000001
ADMIN_ROLE_ID = 1600000000000000001

# Permission bits (https://discord.com/developers/docs/topics/permissions).
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
USE_APPLICATION_COMMANDS = 1 << 31
MANAGE_GUILD = 1 << 5
ADMINISTRATOR = 1 << 3
MEMBER_PERMISSIONS = VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | USE_APPLICATION_COMMANDS
ADMIN_PERMISSIONS = MEMBER_PERMISSIONS | MANAGE_GUILD

ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
_snowflakes = itertools.count(1500000000000000001)


def snowflake() -> str:
    """A fresh, increasing id (as a string, like Discord sends them)."""
    return str(next(_snowflakes))


def timestamp() -> str:
    return datetime.now(UTC).isoformat()


def user(user_id: int = USER_ID, name: str = "tester", *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "discriminator": "0",
        "global_name": name,
        "avatar": None,
        "bot": bot,
        "flags": 0,
        "public_flags": 0,
    }


def member(
    user_id: int = USER_ID,
    *,
    permissions: int = MEMBER_PERMISSIONS,
    roles: tuple[int, ...] = (),
    name: str = "tester",
) -> dict[str, Any]:
    """A guild member as it appears in an interaction (with its resolved `permissions`)."""
    return {
        "user": user(user_id, name),
        "roles": [str(r) for r in roles],
        "permissions": str(permissions),
        "flags": 0,
        "joined_at": "2025-01-01T00:00:00+00:00",
        "nick": None,
        "avatar": None,
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "communication_disabled_until": None,
    }


def text_channel(
    channel_id: int = CHANNEL_ID, name: str = "briefings", guild_id: int = GUILD_ID
) -> dict[str, Any]:
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(guild_id),
        "name": name,
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def guild(guild_id: int = GUILD_ID) -> dict[str, Any]:
    """A full GUILD_CREATE payload: one server with two text channels and the bot in it."""
    return {
        "id": str(guild_id),
        "name": "Loopback server",
        "icon": None,
        "owner_id": str(OWNER_ID),
        "unavailable": False,
        "member_count": 2,
        "large": False,
        "features": [],
        "preferred_locale": "ko",
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "afk_channel_id": None,
        "afk_timeout": 300,
        "vanity_url_code": None,
        "description": None,
        "banner": None,
        "splash": None,
        "discovery_splash": None,
        "max_members": 500000,
        "joined_at": "2025-01-01T00:00:00+00:00",
        "roles": [
            {
                "id": str(guild_id),
                "name": "@everyone",
                "permissions": str(MEMBER_PERMISSIONS),
                "position": 0,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
            },
            {
                "id": str(ADMIN_ROLE_ID),
                "name": "fact admins",
                "permissions": str(MEMBER_PERMISSIONS),
                "position": 1,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
            },
        ],
        "emojis": [],
        "stickers": [],
        "channels": [
            text_channel(guild_id=guild_id),
            text_channel(AUDIT_CHANNEL_ID, "audit", guild_id),
        ],
        "threads": [],
        "members": [member(BOT_USER_ID, permissions=MEMBER_PERMISSIONS, name="briefbot")],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


def application() -> dict[str, Any]:
    """`GET /oauth2/applications/@me`."""
    return {
        "id": str(APPLICATION_ID),
        "name": "briefbot",
        "description": "",
        "icon": None,
        "bot_public": False,
        "bot_require_code_grant": False,
        "owner": user(OWNER_ID, "owner"),
        "team": None,
        "verify_key": "0" * 64,
        "flags": 0,
        "summary": "",
        "rpc_origins": [],
    }


def message(
    body: dict[str, Any],
    *,
    channel_id: int = CHANNEL_ID,
    message_id: str | None = None,
    author: dict[str, Any] | None = None,
    interaction_id: str | None = None,
    attachments: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The message object Discord returns for a message created (or edited) from `body`,
    with the `attachments` its uploads became."""
    created: dict[str, Any] = {
        "id": message_id or snowflake(),
        "channel_id": str(channel_id),
        "guild_id": str(GUILD_ID),
        "author": author or user(BOT_USER_ID, "briefbot", bot=True),
        "content": body.get("content") or "",
        "timestamp": timestamp(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": attachments or [],
        "embeds": body.get("embeds") or [],
        "components": body.get("components") or [],
        "pinned": False,
        "type": 0 if interaction_id is None else 20,
        "flags": body.get("flags") or 0,
        "nonce": body.get("nonce"),
        "application_id": str(APPLICATION_ID),
    }
    if interaction_id is not None:
        created["webhook_id"] = str(APPLICATION_ID)
        created["interaction_metadata"] = {
            "id": interaction_id,
            "type": 2,
            "user": user(),
            "authorizing_integration_owners": {"0": str(GUILD_ID)},
        }
    return created


def registered_commands(
    body: list[dict[str, Any]], ids: dict[str, str], guild_id: int | None
) -> list[dict[str, Any]]:
    """What a bulk overwrite returns: the commands sent, with ids, version and defaults."""
    commands = []
    for command in body:
        record = {
            "type": 1,
            "options": [],
            "default_member_permissions": None,
            "nsfw": False,
            "description_localizations": None,
            "name_localizations": None,
            **command,
            "id": ids.setdefault(command["name"], snowflake()),
            "application_id": str(APPLICATION_ID),
            "version": snowflake(),
        }
        if record["default_member_permissions"] is not None:  # Discord answers with a string
            record["default_member_permissions"] = str(record["default_member_permissions"])
        if guild_id is not None:
            record["guild_id"] = str(guild_id)
        commands.append(record)
    return commands


def attachment(
    attachment_id: str, filename: str, size: int, content_type: str | None, description: str | None
) -> dict[str, Any]:
    """An attachment object as Discord returns it for an uploaded file."""
    url = f"https://cdn.loopback.invalid/attachments/{attachment_id}/{filename}"
    found: dict[str, Any] = {
        "id": attachment_id,
        "filename": filename,
        "size": size,
        "url": url,
        "proxy_url": url,
    }
    if content_type:
        found["content_type"] = content_type
    if description:
        found["description"] = description
    return found


def interaction(
    kind: int,
    data: dict[str, Any],
    *,
    locale: str = "ko",
    permissions: int = MEMBER_PERMISSIONS,
    user_id: int = USER_ID,
    roles: tuple[int, ...] = (),
    channel_id: int = CHANNEL_ID,
    message: dict[str, Any] | None = None,
    guild_id: int = GUILD_ID,
) -> dict[str, Any]:
    """A complete INTERACTION_CREATE payload from a member of a loopback server.

    `kind`: 2 slash command, 3 component (button), 4 autocomplete, 5 modal submit.
    """
    payload: dict[str, Any] = {
        "id": snowflake(),
        "application_id": str(APPLICATION_ID),
        "type": kind,
        "data": data,
        "guild_id": str(guild_id),
        "guild": {"id": str(guild_id), "locale": "ko", "features": []},
        "channel_id": str(channel_id),
        "channel": text_channel(channel_id, guild_id=guild_id),
        "member": member(user_id, permissions=permissions, roles=roles),
        "token": f"token-{snowflake()}",
        "version": 1,
        "locale": locale,
        "guild_locale": "ko",
        "app_permissions": str(MEMBER_PERMISSIONS),
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(guild_id)},
        "context": 0,
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    }
    if message is not None:
        payload["message"] = message
    return payload
