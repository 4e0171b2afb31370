"""`slack-app-manifest.yaml` creates the app the bot expects: every slash command it
answers (and no other), escaped so a picked channel arrives as `<#C…|name>`, the scopes
of the Web API methods it calls, the App Home event, interactivity and Socket Mode."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.slack_adapter.text import slash_commands

MANIFEST: dict[str, Any] = yaml.safe_load(
    (Path(__file__).resolve().parent.parent / "slack-app-manifest.yaml").read_text("utf-8")
)
# The Web API methods the adapter calls with its bot token, and the scope each needs.
SCOPES = {
    "chat.postMessage": "chat:write",
    "users.info": "users:read",
    "conversations.open": "im:write",
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
    "conversations.history": "channels:history",
}


def test_the_commands_are_the_ones_the_bot_answers() -> None:
    commands = MANIFEST["features"]["slash_commands"]
    assert [c["command"] for c in commands] == list(slash_commands(""))
    assert all(c["should_escape"] is True for c in commands)
    assert all(c["description"] and len(c["description"]) <= 100 for c in commands)


def test_the_scopes_events_and_settings_are_what_the_bot_uses() -> None:
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    assert {"commands", *SCOPES.values()} <= scopes
    settings = MANIFEST["settings"]
    assert settings["event_subscriptions"]["bot_events"] == ["app_home_opened"]
    assert settings["interactivity"]["is_enabled"] and settings["socket_mode_enabled"]
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"]
