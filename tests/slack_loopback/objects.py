"""Slack objects as Slack sends them: users, channels, the payloads of slash commands,
interactions and events, and the views the Web API answers with.

slack-bolt routes on many of these keys (`type`, `command`, `action_id`, `callback_id`,
`view.callback_id`, `block_id`), and an app reads others (`user_id`, `channel_id`,
`response_url`, `trigger_id`, `view.state`), so every builder fills the full shape.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# The stand-in's fixed cast, in Slack's id formats.
TEAM_ID = "T0LOOPBACK"
TEAM_DOMAIN = "briefbot-loopback"
APP_ID = "A0LOOPBACK"
BOT_ID = "B0LOOPBACK"
BOT_USER_ID = "U0BRIEFBOT"
USER_ID = "U0TESTER01"
ADMIN_USER_ID = "U0ADMIN001"
CHANNEL_ID = "C0BRIEFING"
# The legacy verification token Slack still puts in payloads (bolt ignores it).
VERIFICATION_TOKEN = "loopback-verification-token"

_counter = itertools.count(1)


def next_number() -> int:
    """A fresh, increasing number for ids and timestamps."""
    return next(_counter)


def message_ts() -> str:
    """A message timestamp as Slack makes them: epoch seconds, a dot, six digits, unique."""
    return f"{int(time.time())}.{next_number():06d}"


@dataclass
class User:
    """A workspace member as `users.info` describes them."""

    id: str
    name: str
    locale: str = "ko-KR"
    tz: str = "Asia/Seoul"
    is_admin: bool = False
    is_owner: bool = False

    def info(self, *, include_locale: bool) -> dict[str, Any]:
        """The `user` object of `users.info` (`locale` only when asked for, as Slack does)."""
        described = {
            "id": self.id,
            "team_id": TEAM_ID,
            "name": self.name,
            "deleted": False,
            "real_name": self.name,
            "tz": self.tz,
            "tz_label": self.tz,
            "tz_offset": 32400 if self.tz == "Asia/Seoul" else 0,
            "is_admin": self.is_admin,
            "is_owner": self.is_owner,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": False,
            "is_app_user": False,
            "updated": 1700000000,
            "profile": {
                "real_name": self.name,
                "display_name": self.name,
                "team": TEAM_ID,
            },
        }
        if include_locale:
            described["locale"] = self.locale
        return described


@dataclass
class Channel:
    """A conversation the bot may be asked to post in."""

    id: str
    name: str
    is_archived: bool = False
    is_member: bool = True

    def info(self) -> dict[str, Any]:
        """The `channel` object of `conversations.info`."""
        return {
            "id": self.id,
            "name": self.name,
            "is_channel": True,
            "is_group": False,
            "is_im": False,
            "is_private": False,
            "is_archived": self.is_archived,
            "is_general": False,
            "is_member": self.is_member,
            "created": 1700000000,
            "creator": USER_ID,
            "context_team_id": TEAM_ID,
            "name_normalized": self.name,
        }


@dataclass
class Message:
    """A message as the channel shows it: posted by the bot, through a response_url or in an
    ack. An ephemeral message is seen by `user` alone."""

    channel: str
    ts: str
    body: dict[str, Any]
    via: str
    ephemeral: bool = False
    user: str | None = None
    deleted: bool = False

    def container(self) -> dict[str, Any]:
        """Where a clicked or typed-into element lives when it is in this message."""
        return {
            "type": "message",
            "message_ts": self.ts,
            "channel_id": self.channel,
            "is_ephemeral": self.ephemeral,
        }

    def payload(self) -> dict[str, Any]:
        """The `message` of an interaction payload."""
        return {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "ts": self.ts,
            "text": self.body.get("text", ""),
            "blocks": self.body.get("blocks", []),
        }


def team() -> dict[str, str]:
    return {"id": TEAM_ID, "domain": TEAM_DOMAIN}


def user_ref(user_id: str) -> dict[str, str]:
    """The `user` of an interaction payload."""
    return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": TEAM_ID}


def slash_command(
    command: str,
    text: str,
    *,
    user_id: str,
    channel: Channel,
    response_url: str,
    trigger_id: str,
) -> dict[str, str]:
    """A slash command: the form fields of the HTTP request, the payload of the envelope."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": TEAM_ID,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel.id,
        "channel_name": channel.name,
        "user_id": user_id,
        "user_name": user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


def _interaction(kind: str, user_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "team": team(),
        "user": user_ref(user_id),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "enterprise": None,
        "is_enterprise_install": False,
        **fields,
    }


def _surface(message: Message | None, view: Mapping[str, Any] | None) -> dict[str, Any]:
    """The fields that say where an element is: in `message` or in `view`."""
    if message is not None:
        return {
            "container": message.container(),
            "channel": {"id": message.channel, "name": message.channel.lower()},
            "message": message.payload(),
        }
    assert view is not None, "an element is in a message or in a view"
    return {"container": {"type": "view", "view_id": view["id"]}, "view": view}


def block_actions(
    action: Mapping[str, Any],
    block_id: str,
    *,
    user_id: str,
    trigger_id: str,
    message: Message | None = None,
    view: Mapping[str, Any] | None = None,
    response_url: str | None = None,
) -> dict[str, Any]:
    """A click on the button `action` of block `block_id`, in a message (which gives a
    `response_url`) or a view."""
    fields: dict[str, Any] = {
        **_surface(message, view),
        "trigger_id": trigger_id,
        "actions": [
            {
                "type": action["type"],
                "action_id": action["action_id"],
                "block_id": block_id,
                "text": action.get("text"),
                "value": action.get("value"),
                "action_ts": f"{time.time():.6f}",
            }
        ],
        "state": {"values": {}},
    }
    if response_url is not None:
        fields["response_url"] = response_url
    return _interaction("block_actions", user_id, **fields)


def block_suggestion(
    action_id: str,
    block_id: str,
    value: str,
    *,
    user_id: str,
    message: Message | None = None,
    view: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """What the user typed into the external select `action_id` (the options request)."""
    fields = {"action_id": action_id, "block_id": block_id, "value": value}
    return _interaction("block_suggestion", user_id, **_surface(message, view), **fields)


def view_submission(view: Mapping[str, Any], *, user_id: str, trigger_id: str) -> dict[str, Any]:
    """The user pressed the modal's submit button; `view` carries `state.values`."""
    return _interaction(
        "view_submission", user_id, trigger_id=trigger_id, view=view, response_urls=[]
    )


def view_closed(view: Mapping[str, Any], *, user_id: str) -> dict[str, Any]:
    """The user closed a modal opened with `notify_on_close`."""
    return _interaction("view_closed", user_id, view=view, is_cleared=False)


def shortcut(callback_id: str, *, user_id: str, trigger_id: str) -> dict[str, Any]:
    """A global shortcut from the lightning-bolt menu."""
    return _interaction(
        "shortcut",
        user_id,
        callback_id=callback_id,
        trigger_id=trigger_id,
        action_ts=f"{time.time():.6f}",
    )


def event_callback(event: Mapping[str, Any]) -> dict[str, Any]:
    """An Events API delivery wrapping `event` (e.g. `app_home_opened`)."""
    number = next_number()
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": TEAM_ID,
        "api_app_id": APP_ID,
        "event": {"event_ts": f"{time.time():.6f}", **event},
        "type": "event_callback",
        "event_id": f"Ev{number:08d}",
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-loopback-{number}",
    }


def view_object(
    body: Mapping[str, Any],
    *,
    view_id: str,
    view_hash: str,
    root_view_id: str,
    previous_view_id: str | None,
    state: Mapping[str, Any],
) -> dict[str, Any]:
    """A view as the Web API returns it and as payloads carry it: what the app sent, plus
    Slack's own fields."""
    return {
        "id": view_id,
        "team_id": TEAM_ID,
        "type": body.get("type"),
        "blocks": body.get("blocks", []),
        "private_metadata": body.get("private_metadata", ""),
        "callback_id": body.get("callback_id", ""),
        "state": dict(state),
        "hash": view_hash,
        "title": body.get("title"),
        "clear_on_close": bool(body.get("clear_on_close", False)),
        "notify_on_close": bool(body.get("notify_on_close", False)),
        "close": body.get("close"),
        "submit": body.get("submit"),
        "previous_view_id": previous_view_id,
        "root_view_id": root_view_id,
        "app_id": APP_ID,
        "external_id": body.get("external_id", ""),
        "app_installed_team_id": TEAM_ID,
        "bot_id": BOT_ID,
    }
