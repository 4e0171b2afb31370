"""How Slack's ids become the opaque ids the core stores, and back.

The core compares and stores these strings but never reads them; only this front end
builds and parses them. A person is `slack:T…/U…` (their workspace and user id), a
workspace `slack:T…`, a channel `slack:T…/C…`. Kept free of Slack imports, so
configuration (`bot.app.trust_rules`) can use it without loading the client.

`[admins] slack_user_ids` names people by their user id alone (what Slack shows in a
profile), and the team id is known only once a request arrives, so configured admins
are matched through a role every Slack actor carries, `slack:user/U…`: the bot holds
one workspace's bot token, in which a user id names one person.
"""

from __future__ import annotations

import re

PREFIX = "slack:"
# Given by the adapter to a workspace's admins and owners (users.info `is_admin`,
# `is_owner`); `bot.app.trust_rules` lists it when `[admins] slack_workspace_admins` is on.
WORKSPACE_ADMIN = f"{PREFIX}workspace-admin"
_PLACE = re.compile(r"slack:([TE][A-Z0-9]+)/([CGD][A-Z0-9]+)")
_ACTOR = re.compile(r"slack:([TE][A-Z0-9]+)/([UW][A-Z0-9]+)")


def actor(team_id: str, user_id: str) -> str:
    """A Slack user, as revisions name them: `slack:T012/U034`."""
    return f"{PREFIX}{team_id}/{user_id}"


def scope(team_id: str) -> str:
    """A workspace: `slack:T012`."""
    return f"{PREFIX}{team_id}"


def place(team_id: str, channel_id: str) -> str:
    """A channel (public, private or a DM) of a workspace: `slack:T012/C034`."""
    return f"{PREFIX}{team_id}/{channel_id}"


def user_role(user_id: str) -> str:
    """The role that names one user whatever their workspace: `slack:user/U034`."""
    return f"{PREFIX}user/{user_id}"


def channel_of(value: str) -> str | None:
    """The channel id of a place this front end made, else None."""
    match = _PLACE.fullmatch(value)
    return match.group(2) if match else None


def user_of(value: str) -> str | None:
    """The user id of an actor this front end made, else None."""
    match = _ACTOR.fullmatch(value)
    return match.group(2) if match else None
