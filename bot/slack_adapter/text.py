"""Reading what a Slack user typed after a slash command, with the grammar every text front
end shares (`bot.commandline.parse_command_line`).

Slack escapes `&`, `<` and `>` in a command's text, and (with `should_escape`, as the
manifest asks) sends a picked channel as `<#C012|name>`, a URL as `<https://…>` and a
person as `<@U012|name>`. Here each option becomes what the core expects: a channel
option the place of the channel picked, any other option the plain text as typed.
No Slack import, so it is tested on strings alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.briefing.commands import COMMANDS, OptionError
from bot.commandline import ALL_COMMANDS, GROUPS
from bot.ids import slack as ids

# One command that takes any other as its first word: `/brief program KAIST`.
UMBRELLA = "brief"
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|[^>]*)?>")
_MENTION = re.compile(r"<[@!]([^|>]*)(?:\|([^>]*))?>")
_CHANNEL = re.compile(r"<#([CGD][A-Z0-9]+)(?:\|([^>]*))?>")
_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{2,}")


def top_level_commands() -> tuple[str, ...]:
    """The commands that are slash commands of their own: the lookups and each group."""
    return (*COMMANDS, *GROUPS)


def slash_commands(prefix: str) -> dict[str, str | None]:
    """Every slash command the app answers, with the command it stands for (None for the
    umbrella `/brief`, whose first word names it)."""
    named: dict[str, str | None] = {f"/{prefix}{name}": name for name in top_level_commands()}
    return {**named, f"/{UMBRELLA}": None}


def typed_line(command: str | None, text: str) -> str:
    """The line as the console would read it: `/program KAIST`, `/fact set …`."""
    head = f"/{command} " if command else "/"
    return head + _unlink(text).strip()


def _unlink(text: str) -> str:
    """Links and mentions back to the words typed; channels stay for `read_options`."""
    text = _LINK.sub(lambda m: m.group(1), text)
    return _MENTION.sub(lambda m: "@" + (m.group(2) or m.group(1)).lstrip("@"), text)


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _place(value: str, team_id: str) -> str:
    """A channel option: the place of a channel picked with `#` (or its bare id)."""
    value = value.strip()
    if not value:
        return ""
    match = _CHANNEL.fullmatch(value)
    channel = match.group(1) if match else value if _CHANNEL_ID.fullmatch(value) else None
    if channel is None:
        raise OptionError("slack.err.channel", value=_unescape(value)[:100])
    return ids.place(team_id, channel)


def read_options(command: str, options: Mapping[str, str], team_id: str) -> dict[str, Any]:
    """The options of `command` as the core takes them; raises `OptionError` for a channel
    that was not picked as one."""
    spec = ALL_COMMANDS.get(command)
    read: dict[str, Any] = {}
    for name, value in options.items():
        option = spec.option(name) if spec else None
        if option is not None and option.kind == "place":
            read[name] = _place(value, team_id)
        else:
            named = _CHANNEL.sub(lambda m: "#" + (m.group(2) or m.group(1)), value)
            read[name] = _unescape(named)
    return read
